//! Why an attempt, or an id, failed, and whether trying again may help.

use std::fmt;
use std::time::Duration;

use super::address::RedirectedAway;
use url::Url;

use super::body::format_size;

/// Why an attempt, or an id, failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Failure {
    /// The server answered with an error status.
    Status(u16),
    /// No answer within the timeout.
    Timeout(Duration),
    /// No connection, or it broke.
    Connection(String),
    /// A body longer than the cap, in bytes (`--max-body`).
    TooLarge(u64),
    /// A redirect to another host, not followed without
    /// `--follow-other-hosts`; the address it pointed to.
    OtherHost(String),
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
            // The same answer would come again.
            Failure::TooLarge(_)
            | Failure::OtherHost(_)
            | Failure::NotJson(_)
            | Failure::NotAPerson(_)
            | Failure::Interrupted => false,
        }
    }

    /// The key this failure is counted under in the summary: the status
    /// code, or the kind of error.
    pub fn key(&self) -> String {
        match self {
            Failure::Status(code) => code.to_string(),
            Failure::Timeout(_) => "timeout".into(),
            Failure::Connection(_) => "connection".into(),
            Failure::OtherHost(_) => "redirect".into(),
            // These came with a 200 answer, counted as such.
            Failure::TooLarge(_) | Failure::NotJson(_) | Failure::NotAPerson(_) => "200".into(),
            Failure::Interrupted => "interrupted".into(),
        }
    }

    /// Reads a transport error from reqwest.
    pub fn from_reqwest(error: &reqwest::Error, timeout: Duration) -> Failure {
        if error.is_timeout() {
            return Failure::Timeout(timeout);
        }
        let mut cause: &(dyn std::error::Error + 'static) = error;
        loop {
            if let Some(RedirectedAway(to)) = cause.downcast_ref() {
                return Failure::OtherHost(to.to_string());
            }
            match cause.source() {
                Some(inner) => cause = inner,
                // The innermost cause is where "connection refused" is;
                // reqwest's own message only says the request failed.
                None => return Failure::Connection(cause.to_string()),
            }
        }
    }

    /// This failure told with the address it came from, as every per-id
    /// line says it: `HTTP 503 from http://host/api/people/3/`.
    pub fn at<'a>(&'a self, url: &'a Url) -> At<'a> {
        At { failure: self, url }
    }
}

/// A [`Failure`] with the address asked for; see [`Failure::at`].
#[derive(Debug, Clone, Copy)]
pub struct At<'a> {
    failure: &'a Failure,
    url: &'a Url,
}

impl fmt::Display for At<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let url = self.url;
        match self.failure {
            Failure::Status(code) => write!(f, "HTTP {code} from {url}"),
            Failure::Timeout(after) => write!(
                f,
                "no answer from {url} within {}",
                humantime::format_duration(*after)
            ),
            Failure::Connection(reason) => write!(f, "connection to {url} failed: {reason}"),
            Failure::TooLarge(max) => write!(
                f,
                "body from {url} larger than {} (--max-body), not read further",
                format_size(*max)
            ),
            Failure::OtherHost(to) => write!(
                f,
                "{url} redirected to another host, {to}, not followed without \
                 --follow-other-hosts"
            ),
            Failure::NotJson(reason) => write!(f, "the answer from {url} is not JSON ({reason})"),
            Failure::NotAPerson(reason) => {
                write!(f, "the answer from {url} is not a person ({reason})")
            }
            Failure::Interrupted => write!(f, "interrupted before an answer from {url}"),
        }
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
            Failure::TooLarge(max) => write!(
                f,
                "body larger than {} (--max-body), not read further",
                format_size(*max)
            ),
            Failure::OtherHost(to) => write!(
                f,
                "redirected to another host, {to}, not followed without --follow-other-hosts"
            ),
            Failure::NotJson(reason) => write!(f, "the answer is not JSON ({reason})"),
            Failure::NotAPerson(reason) => write!(f, "the answer is not a person ({reason})"),
            Failure::Interrupted => write!(f, "interrupted"),
        }
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
        assert!(!Failure::TooLarge(1).is_retryable());
        assert!(!Failure::OtherHost("http://elsewhere/".into()).is_retryable());
    }

    #[test]
    fn every_failure_at_an_address_names_it() {
        let url = Url::parse("http://127.0.0.1:8000/api/people/3/").unwrap();
        let failures = [
            Failure::Status(503),
            Failure::Timeout(Duration::from_secs(5)),
            Failure::Connection("refused".into()),
            Failure::TooLarge(1000),
            Failure::OtherHost("http://elsewhere/".into()),
            Failure::NotJson("expected value".into()),
            Failure::NotAPerson("no \"name\" field".into()),
            Failure::Interrupted,
        ];
        for failure in &failures {
            let text = failure.at(&url).to_string();
            assert!(text.contains(url.as_str()), "{text}");
        }
        assert_eq!(
            Failure::Status(503).at(&url).to_string(),
            "HTTP 503 from http://127.0.0.1:8000/api/people/3/"
        );
        assert_eq!(
            Failure::NotAPerson("no \"name\" field".into())
                .at(&url)
                .to_string(),
            "the answer from http://127.0.0.1:8000/api/people/3/ is not a person (no \"name\" \
             field)"
        );
    }

    #[test]
    fn refusals_name_the_limit_or_the_host() {
        assert_eq!(
            Failure::TooLarge(1_000_000).to_string(),
            "body larger than 1 MB (--max-body), not read further"
        );
        assert!(Failure::OtherHost("http://elsewhere/".into())
            .to_string()
            .contains(
                "another host, http://elsewhere/, not followed without --follow-other-hosts"
            ));
    }
}
