//! The names of a run's keys on the broker, and of the run itself.
//!
//! Every key of a run starts with `mesonero:{RUN}:`, so two runs on one
//! broker never see each other's orders, and `SCAN 0 MATCH mesonero:*`
//! shows what this program keeps there. The braces make the run a hash
//! tag: on a Redis cluster, a run's keys share a slot, as its scripts
//! need.

use std::fmt;

use rand::RngExt;

use super::BrokerError;

/// The longest run name: a name, not a payload.
pub const MAX_RUN_NAME: usize = 64;

/// The consumer group every waiter of a run reads orders in.
pub const GROUP: &str = "waiters";

/// The sorted set of open runs, by opening time: where a waiter started
/// without `--run` finds one to join.
pub const OPEN_RUNS: &str = "mesonero:runs";

/// A run's name: letters, digits, `.`, `_` and `-`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RunName(String);

impl RunName {
    /// Checks a name given with `--run`.
    pub fn parse(name: &str) -> Result<RunName, BrokerError> {
        let bad = |why: &str| BrokerError::BadRun {
            name: name.escape_default().to_string(),
            why: why.to_string(),
        };
        if name.is_empty() {
            return Err(bad("it is empty"));
        }
        if name.len() > MAX_RUN_NAME {
            return Err(bad(&format!("it is longer than {MAX_RUN_NAME} bytes")));
        }
        let fits = |c: char| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-');
        if !name.chars().all(fits) {
            return Err(bad("only letters, digits, '.', '_' and '-' may name a run"));
        }
        Ok(RunName(name.to_string()))
    }

    /// A name no other cashier is likely to have chosen.
    pub fn unique() -> RunName {
        RunName(format!("run-{:08x}", rand::rng().random::<u32>()))
    }

    /// The name.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The keys of this run.
    pub fn keys(&self) -> Keys {
        Keys {
            prefix: format!("mesonero:{{{}}}:", self.0),
        }
    }
}

impl fmt::Display for RunName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Each key of one run.
#[derive(Debug, Clone)]
pub struct Keys {
    prefix: String,
}

impl Keys {
    fn key(&self, name: &str) -> String {
        format!("{}{name}", self.prefix)
    }

    /// The shift every waiter works: the workload and how the clock and
    /// CPU go, as JSON.
    pub fn shift(&self) -> String {
        self.key("shift")
    }

    /// The stream of orders, read by the consumer group [`GROUP`].
    pub fn orders(&self) -> String {
        self.key("orders")
    }

    /// The stream of events, written by the waiters, read by the cashier.
    pub fn events(&self) -> String {
        self.key("events")
    }

    /// The orders dispatched, each with its waiter: the check-and-set
    /// that makes dispatch happen once.
    pub fn dispatched(&self) -> String {
        self.key("dispatched")
    }

    /// The restaurant's opening, in nanoseconds of wall time since 1970.
    pub fn open(&self) -> String {
        self.key("open")
    }

    /// Set when the cashier closes the run: the waiters go home.
    pub fn closed(&self) -> String {
        self.key("closed")
    }

    /// Present while the cashier is alive: it sets it again and again,
    /// each time to expire soon.
    pub fn cashier(&self) -> String {
        self.key("cashier")
    }

    /// The waiters' badges, each with who wears it.
    pub fn staff(&self) -> String {
        self.key("staff")
    }

    /// The last badge handed out.
    pub fn badges(&self) -> String {
        self.key("badges")
    }

    /// The waiters ready to serve.
    pub fn ready(&self) -> String {
        self.key("ready")
    }

    /// Every key of the run, to set them all to expire.
    pub fn all(&self) -> [String; 10] {
        [
            self.cashier(),
            self.shift(),
            self.orders(),
            self.events(),
            self.dispatched(),
            self.open(),
            self.closed(),
            self.staff(),
            self.badges(),
            self.ready(),
        ]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn runs_are_namespaced() {
        let a = RunName::parse("lunch").unwrap().keys();
        let b = RunName::parse("dinner").unwrap().keys();
        assert_eq!(a.orders(), "mesonero:{lunch}:orders");
        assert!(a.all().iter().all(|k| k.starts_with("mesonero:{lunch}:")));
        assert!(a.all().iter().all(|k| !b.all().contains(k)));
    }

    #[test]
    fn odd_names_are_refused() {
        for name in ["", "a b", "a:b", "a{b}", "tab\there", &"x".repeat(65)] {
            assert!(RunName::parse(name).is_err(), "{name:?}");
        }
        let e = RunName::parse("bell\u{7}").unwrap_err().to_string();
        assert!(e.contains("bell\\u{7}"), "{e}");
        assert!(RunName::parse("run-2026.11_29").is_ok());
        assert_ne!(RunName::unique(), RunName::unique());
    }
}
