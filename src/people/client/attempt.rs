//! One id's fate: its attempts, why each failed, whether to try again, and
//! how long to wait first.
//!
//! Shared by the blocking and the async clients, so that both retry the
//! same way: on 5xx and 429 answers, connection errors and timeouts, with
//! exponential backoff and jitter; never on 404 or on a body that is not a
//! person, which no retry can fix.

use std::fmt;
use std::time::Duration;

use rand::RngExt;

use crate::people::data::Person;

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

/// Why an attempt, or an id, failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Failure {
    /// The server answered with an error status.
    Status(u16),
    /// No answer within the timeout.
    Timeout(Duration),
    /// No connection, or it broke.
    Connection(String),
    /// An answer that is not JSON.
    NotJson(String),
    /// JSON, but not a person.
    NotAPerson(String),
    /// The run was stopped first.
    Interrupted,
}

impl Failure {
    /// Whether trying again may help.
    pub fn is_retryable(&self) -> bool {
        match self {
            Failure::Status(code) => *code >= 500 || *code == 429,
            Failure::Timeout(_) | Failure::Connection(_) => true,
            Failure::NotJson(_) | Failure::NotAPerson(_) | Failure::Interrupted => false,
        }
    }

    /// The key this failure is counted under in the summary: the status
    /// code, or the kind of error.
    pub fn key(&self) -> String {
        match self {
            Failure::Status(code) => code.to_string(),
            Failure::Timeout(_) => "timeout".into(),
            Failure::Connection(_) => "connection".into(),
            Failure::NotJson(_) | Failure::NotAPerson(_) => "200".into(),
            Failure::Interrupted => "interrupted".into(),
        }
    }

    /// Reads a transport error from reqwest.
    pub fn from_reqwest(error: &reqwest::Error, timeout: Duration) -> Failure {
        if error.is_timeout() {
            Failure::Timeout(timeout)
        } else {
            Failure::Connection(root_cause(error))
        }
    }

    /// Reads a response body as a person.
    pub fn parse(body: &[u8]) -> Result<Person, Failure> {
        serde_json::from_slice(body).map_err(|e| match e.classify() {
            serde_json::error::Category::Data => Failure::NotAPerson(e.to_string()),
            _ => Failure::NotJson(e.to_string()),
        })
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Failure::Status(code) => write!(f, "HTTP {code}"),
            Failure::Timeout(after) => {
                write!(f, "no answer within {}", humantime::format_duration(*after))
            }
            Failure::Connection(reason) => write!(f, "connection failed: {reason}"),
            Failure::NotJson(reason) => write!(f, "the answer is not JSON ({reason})"),
            Failure::NotAPerson(reason) => write!(f, "the answer is not a person ({reason})"),
            Failure::Interrupted => write!(f, "interrupted"),
        }
    }
}

/// The innermost cause of an error, which is where "connection refused"
/// is; reqwest's own message only says the request failed.
fn root_cause(error: &(dyn std::error::Error + 'static)) -> String {
    let mut cause = error;
    while let Some(inner) = cause.source() {
        cause = inner;
    }
    cause.to_string()
}

/// What became of one id.
#[derive(Debug, Clone, PartialEq)]
pub struct Outcome {
    /// The person's id.
    pub id: u64,
    /// Requests made for it.
    pub attempts: u32,
    /// From its (scheduled) start to its final answer, retries included.
    pub latency: Duration,
    /// Each attempt's status code or kind of failure, in order.
    pub answers: Vec<String>,
    /// The person, or why there is none.
    pub result: Result<Person, Failure>,
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
        /// The attempt that failed.
        attempt: u32,
        /// Why.
        failure: &'a Failure,
        /// How long until the next attempt.
        wait: Duration,
    },
    /// The id is done, one way or the other.
    Done(&'a Outcome),
}

/// Receives [`Progress`] from every thread or task of a run.
pub type Observer<'a> = &'a (dyn Fn(Progress<'_>) + Sync);

/// The bookkeeping of one id's attempts, the same for the blocking and the
/// async client: what each attempt got, whether to try again, and the
/// final [`Outcome`].
pub struct Attempts<'a> {
    id: u64,
    retry: RetryPolicy,
    timeout: Duration,
    observer: Observer<'a>,
    answers: Vec<String>,
    attempt: u32,
}

impl<'a> Attempts<'a> {
    /// The first attempt at `id`.
    pub fn new(
        id: u64,
        retry: RetryPolicy,
        timeout: Duration,
        observer: Observer<'a>,
    ) -> Attempts<'a> {
        Attempts {
            id,
            retry,
            timeout,
            observer,
            answers: Vec::new(),
            attempt: 1,
        }
    }

    /// An answer arrived with `status`; `Ok` if it is worth reading.
    pub fn answered(&mut self, status: reqwest::StatusCode) -> Result<(), Failure> {
        let code = status.as_u16();
        self.answers.push(code.to_string());
        (self.observer)(Progress::Answered {
            id: self.id,
            status: code,
        });
        if status.is_success() {
            Ok(())
        } else {
            Err(Failure::Status(code))
        }
    }

    /// The request or its body failed in transport.
    pub fn broke(&mut self, error: &reqwest::Error) -> Failure {
        let failure = Failure::from_reqwest(error, self.timeout);
        if !error.is_body() {
            self.answers.push(failure.key());
        }
        failure
    }

    /// After a failed attempt: how long to wait before the next one, or
    /// `None` if there is no point or no attempt left.
    pub fn retry_after(&mut self, failure: &Failure) -> Option<Duration> {
        if !failure.is_retryable() || self.attempt > self.retry.retries {
            return None;
        }
        self.attempt += 1;
        let wait = self.retry.backoff(self.attempt);
        (self.observer)(Progress::Retrying {
            id: self.id,
            attempt: self.attempt - 1,
            failure,
            wait,
        });
        Some(wait)
    }

    /// The id is done, `started` being when it was due.
    pub fn finish(self, started: std::time::Instant, result: Result<Person, Failure>) -> Outcome {
        let outcome = Outcome {
            id: self.id,
            attempts: self.attempt,
            latency: started.elapsed(),
            answers: self.answers,
            result,
        };
        (self.observer)(Progress::Done(&outcome));
        outcome
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn server_errors_and_transport_errors_are_retried_not_client_errors() {
        assert!(Failure::Status(503).is_retryable());
        assert!(Failure::Status(429).is_retryable());
        assert!(!Failure::Status(404).is_retryable());
        assert!(Failure::Timeout(Duration::from_secs(1)).is_retryable());
        assert!(!Failure::NotJson("x".into()).is_retryable());
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
    fn bodies_that_are_not_people_say_why() {
        assert!(matches!(
            Failure::parse(b"<html>"),
            Err(Failure::NotJson(_))
        ));
        let wrong = Failure::parse(br#"{"detail": "Not found"}"#).unwrap_err();
        assert!(
            matches!(&wrong, Failure::NotAPerson(r) if r.contains("missing field `name`")),
            "{wrong}"
        );
    }
}
