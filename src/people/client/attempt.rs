//! One id's fate: its attempts, what each got, whether to try again, and
//! how long to wait first.
//!
//! Shared by the blocking and the async clients, so that both retry the
//! same way: on 5xx and 429 answers, connection errors and timeouts, with
//! exponential backoff and jitter, or after the wait a 429 or 503 asks
//! for in `Retry-After`; never on 404 or on a body that is not a person,
//! which no retry can fix.

use std::time::{Duration, Instant, SystemTime};

use rand::RngExt;
use reqwest::header::{HeaderMap, RETRY_AFTER};
use reqwest::StatusCode;
use url::Url;

use super::{Failure, FetchedPerson};

/// How often, and after how long, to try again.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RetryPolicy {
    /// Attempts after the first.
    pub retries: u32,
    /// Wait before the first retry; doubled for each one after.
    pub base: Duration,
    /// The longest wait.
    pub cap: Duration,
}

impl RetryPolicy {
    /// `retries` retries, from 100 ms doubling up to 5 s.
    pub fn new(retries: u32) -> RetryPolicy {
        RetryPolicy {
            retries,
            base: Duration::from_millis(100),
            cap: Duration::from_secs(5),
        }
    }

    /// The wait before attempt number `attempt` (2 for the first retry):
    /// the exponential step, less a random part of up to a half, so that
    /// many clients failing together do not retry together.
    pub fn backoff(&self, attempt: u32) -> Duration {
        let doublings = attempt.saturating_sub(2).min(30);
        let step = self.base.saturating_mul(1 << doublings).min(self.cap);
        step.mul_f64(rand::rng().random_range(0.5..=1.0))
    }
}

/// The wait a 429 or 503 answer asks for in its `Retry-After` header, as
/// seconds (`120`) or as an HTTP date; `None` for other answers, or when
/// there is no header or it cannot be read.
pub fn server_wait(status: StatusCode, headers: &HeaderMap, now: SystemTime) -> Option<Duration> {
    if !matches!(
        status,
        StatusCode::TOO_MANY_REQUESTS | StatusCode::SERVICE_UNAVAILABLE
    ) {
        return None;
    }
    let value = headers.get(RETRY_AFTER)?.to_str().ok()?.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let at = httpdate::parse_http_date(value).ok()?;
    // A date already past asks for no wait at all.
    Some(at.duration_since(now).unwrap_or(Duration::ZERO))
}

/// What became of one id.
#[derive(Debug, Clone, PartialEq)]
pub struct Outcome {
    /// The person's id.
    pub id: u64,
    /// The address asked for it (or that would have been, for an id the
    /// run never got to).
    pub url: Url,
    /// Requests made for it: 0 for an id the run never got to.
    pub attempts: u32,
    /// From its (scheduled) start to its final answer, retries included.
    pub latency: Duration,
    /// Each attempt's status code or kind of failure, in order.
    pub answers: Vec<String>,
    /// The person as received, or why there is none.
    pub result: Result<FetchedPerson, Failure>,
}

impl Outcome {
    /// An id the run was stopped before it could ask for at `url`.
    pub fn not_asked(id: u64, url: Url) -> Outcome {
        Outcome {
            id,
            url,
            attempts: 0,
            latency: Duration::ZERO,
            answers: Vec::new(),
            result: Err(Failure::Interrupted),
        }
    }
}

/// What a client reports as it goes, for the live log.
#[derive(Debug, Clone, Copy)]
pub enum Progress<'a> {
    /// An answer arrived (the article's `Request person number N`).
    Answered {
        /// The id.
        id: u64,
        /// Its HTTP status.
        status: u16,
    },
    /// An attempt failed and will be retried after `wait`.
    Retrying {
        /// The id.
        id: u64,
        /// The address asked.
        url: &'a Url,
        /// The attempt that failed.
        attempt: u32,
        /// Why.
        failure: &'a Failure,
        /// How long until the next attempt.
        wait: Duration,
    },
    /// The id is done, one way or the other. Every id of a run is
    /// reported done exactly once, interrupted ones included.
    Done(&'a Outcome),
}

/// Receives [`Progress`] from every thread or task of a run.
pub type Observer<'a> = &'a (dyn Fn(Progress<'_>) + Sync);

/// The bookkeeping of one id's attempts, the same for the blocking and the
/// async client: what each attempt got, whether to try again, and the
/// final [`Outcome`].
pub struct Attempts<'a> {
    id: u64,
    url: Url,
    retry: RetryPolicy,
    timeout: Duration,
    observer: Observer<'a>,
    answers: Vec<String>,
    /// Requests made so far.
    requests: u32,
    /// What the last answer's `Retry-After` asked for.
    server_wait: Option<Duration>,
}

impl<'a> Attempts<'a> {
    /// The bookkeeping of `id`, asked for at `url`, before its first
    /// request.
    pub fn new(
        id: u64,
        url: Url,
        retry: RetryPolicy,
        timeout: Duration,
        observer: Observer<'a>,
    ) -> Attempts<'a> {
        Attempts {
            id,
            url,
            retry,
            timeout,
            observer,
            answers: Vec::new(),
            requests: 0,
            server_wait: None,
        }
    }

    /// A request is about to be sent; only requests actually made count.
    pub fn sending(&mut self) {
        self.requests += 1;
        self.server_wait = None;
    }

    /// An answer arrived with `status`; `Ok` if it is worth reading.
    pub fn answered(&mut self, status: StatusCode, headers: &HeaderMap) -> Result<(), Failure> {
        let code = status.as_u16();
        self.answers.push(code.to_string());
        (self.observer)(Progress::Answered {
            id: self.id,
            status: code,
        });
        if status.is_success() {
            Ok(())
        } else {
            self.server_wait = server_wait(status, headers, SystemTime::now());
            Err(Failure::Status(code))
        }
    }

    /// The request failed in transport, before an answer.
    pub fn broke(&mut self, error: &reqwest::Error) -> Failure {
        let failure = Failure::from_reqwest(error, self.timeout);
        self.answers.push(failure.key());
        failure
    }

    /// After a failed attempt: how long to wait before the next one, or
    /// `None` if there is no point or no attempt left. The server's
    /// `Retry-After` wins over the backoff, up to the timeout, so that a
    /// server asking for an hour cannot hold an id longer than a request
    /// may take.
    pub fn wait_before_retry(&mut self, failure: &Failure) -> Option<Duration> {
        if !failure.is_retryable() || self.requests > self.retry.retries {
            return None;
        }
        let wait = match self.server_wait.take() {
            Some(asked) => asked.min(self.timeout),
            None => self.retry.backoff(self.requests + 1),
        };
        (self.observer)(Progress::Retrying {
            id: self.id,
            url: &self.url,
            attempt: self.requests,
            failure,
            wait,
        });
        Some(wait)
    }

    /// The id is done, `started` being when it was due.
    pub fn finish(self, started: Instant, result: Result<FetchedPerson, Failure>) -> Outcome {
        Outcome {
            id: self.id,
            url: self.url,
            attempts: self.requests,
            latency: started.elapsed(),
            answers: self.answers,
            result,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

    fn url() -> Url {
        Url::parse("http://127.0.0.1:8000/api/people/1/").unwrap()
    }

    #[test]
    fn backoff_doubles_with_jitter_up_to_the_cap() {
        let policy = RetryPolicy::new(10);
        for (attempt, step) in [(2, 100), (3, 200), (4, 400), (9, 5000), (40, 5000)] {
            let wait = policy.backoff(attempt).as_millis() as u64;
            assert!(
                wait >= step / 2 && wait <= step,
                "attempt {attempt}: {wait} ms"
            );
        }
    }

    #[test]
    fn retry_after_in_seconds_or_as_a_date_on_429_and_503_only() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_445_412_480);
        let with = |value: &str| {
            let mut headers = HeaderMap::new();
            headers.insert(RETRY_AFTER, HeaderValue::from_str(value).unwrap());
            headers
        };
        let seconds = with("120");
        assert_eq!(
            server_wait(StatusCode::TOO_MANY_REQUESTS, &seconds, now),
            Some(Duration::from_secs(120))
        );
        assert_eq!(
            server_wait(StatusCode::INTERNAL_SERVER_ERROR, &seconds, now),
            None
        );
        // 2015-10-21 07:28:00 GMT is 1445412480 s after the epoch.
        let date = with("Wed, 21 Oct 2015 07:28:30 GMT");
        assert_eq!(
            server_wait(StatusCode::SERVICE_UNAVAILABLE, &date, now),
            Some(Duration::from_secs(30))
        );
        let past = with("Wed, 21 Oct 2015 07:00:00 GMT");
        assert_eq!(
            server_wait(StatusCode::SERVICE_UNAVAILABLE, &past, now),
            Some(Duration::ZERO)
        );
        for unreadable in ["soon", "-5", "1.5"] {
            assert_eq!(
                server_wait(StatusCode::TOO_MANY_REQUESTS, &with(unreadable), now),
                None,
                "{unreadable}"
            );
        }
    }

    #[test]
    fn a_servers_wait_is_honoured_up_to_the_timeout() {
        let observer: Observer = &|_| {};
        let timeout = Duration::from_secs(5);
        let mut attempts = Attempts::new(1, url(), RetryPolicy::new(3), timeout, observer);
        let mut headers = HeaderMap::new();
        headers.insert(RETRY_AFTER, HeaderValue::from_static("2"));
        attempts.sending();
        let failure = attempts
            .answered(StatusCode::TOO_MANY_REQUESTS, &headers)
            .unwrap_err();
        assert_eq!(
            attempts.wait_before_retry(&failure),
            Some(Duration::from_secs(2))
        );
        headers.insert(RETRY_AFTER, HeaderValue::from_static("86400"));
        attempts.sending();
        let failure = attempts
            .answered(StatusCode::SERVICE_UNAVAILABLE, &headers)
            .unwrap_err();
        assert_eq!(attempts.wait_before_retry(&failure), Some(timeout));
        let outcome = attempts.finish(Instant::now(), Err(failure));
        assert_eq!(outcome.attempts, 2);
        assert_eq!(outcome.answers, ["429", "503"]);
    }

    #[test]
    fn only_requests_made_are_counted() {
        let observer: Observer = &|_| {};
        let attempts = Attempts::new(
            1,
            url(),
            RetryPolicy::new(3),
            Duration::from_secs(1),
            observer,
        );
        let outcome = attempts.finish(Instant::now(), Err(Failure::Interrupted));
        assert_eq!(outcome.attempts, 0);
        assert_eq!(Outcome::not_asked(4, url()).attempts, 0);
    }
}
