//! Where the broker is: a `redis://` URL, checked before any connection,
//! and shown without its password.

use std::fmt;

use url::Url;

use super::BrokerError;

/// The port Redis listens on unless the URL says another.
pub const DEFAULT_PORT: u16 = 6379;

/// The highest database number a URL may name: Redis has 16 by default,
/// and a server may be set to have more.
const MAX_DB: i64 = 1 << 20;

/// A broker's URL: `redis://[[USER]:PASSWORD@]HOST[:PORT][/DB]`.
#[derive(Clone, PartialEq, Eq)]
pub struct BrokerUrl {
    /// The URL as given: it may hold a password, so it is never shown.
    given: String,
    /// The URL to show: the password replaced by `***`.
    shown: String,
}

impl BrokerUrl {
    /// Checks `text` as a broker URL. Only `redis://` is understood.
    pub fn parse(text: &str) -> Result<BrokerUrl, BrokerError> {
        let bad = |why: &str| BrokerError::BadUrl {
            url: redact_text(text),
            why: why.to_string(),
        };
        if text.chars().any(char::is_control) {
            return Err(bad("it holds a control character"));
        }
        let url = Url::parse(text).map_err(|e| bad(&e.to_string()))?;
        match url.scheme() {
            "redis" => {}
            "rediss" => return Err(bad("TLS (rediss://) is not supported; use redis://")),
            "unix" | "redis+unix" => {
                return Err(bad("a Unix socket is not supported; use redis://HOST:PORT"))
            }
            other => return Err(bad(&format!("the scheme is '{other}', not redis://"))),
        }
        if url.host_str().is_none_or(str::is_empty) {
            return Err(bad("it names no host"));
        }
        if url.port() == Some(0) {
            return Err(bad("port 0 is no port"));
        }
        let path = url.path().trim_start_matches('/');
        if !path.is_empty() {
            match path.parse::<i64>() {
                Ok(db) if (0..=MAX_DB).contains(&db) => {}
                _ => return Err(bad("the path must be a database number, such as /0")),
            }
        }
        if url.query().is_some() || url.fragment().is_some() {
            return Err(bad("it has a query or fragment, which mean nothing here"));
        }
        Ok(BrokerUrl {
            shown: redact(&url),
            given: text.to_string(),
        })
    }

    /// The URL to connect to, password and all.
    pub(super) fn secret(&self) -> &str {
        &self.given
    }
}

impl fmt::Display for BrokerUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.shown)
    }
}

impl fmt::Debug for BrokerUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "BrokerUrl({})", self.shown)
    }
}

/// `url` with its password, if any, as `***`.
fn redact(url: &Url) -> String {
    let mut shown = url.clone();
    if shown.password().is_some() {
        // Setting a password on a URL that has a host cannot fail.
        let _ = shown.set_password(Some("***"));
    }
    shown.to_string()
}

/// Text that is not a URL, shown in a message: anything between `://`
/// and the last `@` may be a password, and is hidden.
fn redact_text(text: &str) -> String {
    let clean: String = text.chars().filter(|c| !c.is_control()).collect();
    match (clean.find("://"), clean.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            format!("{}***{}", &clean[..scheme + 3], &clean[at..])
        }
        _ => clean,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refused(text: &str) -> String {
        BrokerUrl::parse(text).unwrap_err().to_string()
    }

    #[test]
    fn a_redis_url_is_taken_and_shown_as_given() {
        let url = BrokerUrl::parse("redis://127.0.0.1:6380/2").unwrap();
        assert_eq!(url.to_string(), "redis://127.0.0.1:6380/2");
        assert_eq!(url.secret(), "redis://127.0.0.1:6380/2");
        assert!(BrokerUrl::parse("redis://localhost").is_ok());
    }

    #[test]
    fn a_password_is_never_shown() {
        let url = BrokerUrl::parse("redis://user:hunter2@example.org:6379/0").unwrap();
        assert_eq!(url.to_string(), "redis://user:***@example.org:6379/0");
        assert!(!format!("{url:?}").contains("hunter2"));
        assert_eq!(url.secret(), "redis://user:hunter2@example.org:6379/0");
        // Nor in the message about a bad URL.
        let e = refused("redis://:hunter2@host:99999");
        assert!(!e.contains("hunter2"), "{e}");
        assert!(e.contains("redis://***@host:99999"), "{e}");
    }

    #[test]
    fn bad_urls_say_why() {
        assert!(refused("localhost:6379").contains("redis://"), "scheme");
        assert!(refused("http://localhost").contains("'http'"));
        assert!(refused("rediss://localhost").contains("TLS"));
        assert!(refused("redis://localhost/x").contains("database number"));
        assert!(refused("redis://localhost/-1").contains("database number"));
        assert!(refused("redis://localhost:0").contains("port 0"));
        assert!(refused("redis://localhost:65536").contains("invalid port"));
        assert!(refused("redis://loc\u{7}alhost").contains("control character"));
        assert!(refused("redis://localhost/0?x=1").contains("query"));
        assert!(refused("redis:///0").contains("no host"));
    }
}
