//! The restaurant across machines: waiters anywhere, taking orders from a
//! real broker (Redis), as Celery and RQ workers do.
//!
//! The cashier puts the run's orders on a Redis stream; waiters read it
//! in one consumer group, so that each order goes to one waiter, and tell
//! the cashier every event on a second stream, which the cashier merges
//! into the one trace. Delivery is at least once: a waiter acknowledges an
//! order only once it is dispatched, and an order a waiter held too long
//! without a sign of life (it died, or hangs) is claimed by another. The
//! dispatch is made idempotent (a check-and-set of the run and order, in
//! a script), so each order is dispatched exactly once.
//!
//! - [`address`]: the broker's URL, checked, shown without password;
//! - [`keys`]: a run's name and the names of its keys;
//! - [`connection`]: one connection that reconnects with backoff;
//! - `scripts`: what must happen at once (dispatch, claim, keep);
//! - [`run`]: every command about a run, for the cashier and the waiters;
//! - [`cashier`] and [`waiter`]: the two sides, built on the `processes`
//!   model's waiter and trace.

pub mod address;
pub mod cashier;
pub mod connection;
pub mod keys;
pub mod run;
mod scripts;
pub mod waiter;

use std::io::Write;
use std::time::Duration;

use thiserror::Error;

pub use address::BrokerUrl;
pub use keys::RunName;

/// The environment variable that may give the broker's URL instead of
/// `--broker`, keeping a password off the command line (where any user
/// of the machine can read it).
pub const URL_VAR: &str = "MESONERO_BROKER";

/// How long a read waits for news (an order, an event) before the reader
/// looks at the clock, the run's state and its stop signal.
pub const POLL: Duration = Duration::from_millis(200);

/// How long an order may go without a sign of life from its waiter before
/// another waiter claims it, unless `--claim-after` says otherwise.
pub const DEFAULT_CLAIM_AFTER: Duration = Duration::from_secs(5);

/// How long the cashier and the waiters try to reach a broker they lost,
/// unless `--patience` says otherwise.
pub const DEFAULT_PATIENCE: Duration = Duration::from_secs(30);

/// The shortest `--claim-after`: a waiter shows it is alive three times
/// in that time, and each sign is a round trip to the broker.
pub const MIN_CLAIM_AFTER: Duration = Duration::from_millis(300);

/// How a run uses its broker.
#[derive(Debug, Clone)]
pub struct BrokerSettings {
    /// Where the broker is.
    pub url: BrokerUrl,
    /// The run's name; `None` for one of its own (the cashier) or the one
    /// most recently opened (a waiter).
    pub run: Option<RunName>,
    /// How long an order may go without a sign of life before another
    /// waiter claims it.
    pub claim_after: Duration,
    /// How long to try to reach a broker that was lost.
    pub patience: Duration,
    /// When the cashier gives up on the orders still unserved, from its
    /// start; `None` to wait as long as waiters serve.
    pub deadline: Option<Duration>,
    /// How many waiters must be ready before the cashier opens.
    pub awaited: usize,
}

impl BrokerSettings {
    /// Settings for the broker at `url`, with every default.
    pub fn new(url: BrokerUrl) -> BrokerSettings {
        BrokerSettings {
            url,
            run: None,
            claim_after: DEFAULT_CLAIM_AFTER,
            patience: DEFAULT_PATIENCE,
            deadline: None,
            awaited: 0,
        }
    }
}

/// What went wrong with the broker, or with a run on it.
#[derive(Debug, Error)]
pub enum BrokerError {
    /// A URL that is not a broker's.
    #[error("--broker '{url}' is not a broker URL: {why} (expected redis://HOST[:PORT][/DB])")]
    BadUrl {
        /// The URL, without password.
        url: String,
        /// What is wrong with it.
        why: String,
    },
    /// A run name that cannot be one.
    #[error("--run '{name}' cannot name a run: {why}")]
    BadRun {
        /// The name, with control characters escaped.
        name: String,
        /// What is wrong with it.
        why: String,
    },
    /// Options that make no sense with a broker.
    #[error("{0}")]
    BadSetup(String),
    /// The broker could not be reached at all.
    #[error("cannot reach the broker at {url}: {source}")]
    Unreachable {
        /// The URL, without password.
        url: String,
        /// Why.
        source: Box<redis::RedisError>,
    },
    /// The broker was lost, and did not come back in time.
    #[error("lost the broker at {url} and could not reach it again within {} s: {source}", patience.as_secs_f64())]
    Gone {
        /// The URL, without password.
        url: String,
        /// How long it was tried.
        patience: Duration,
        /// The last failure.
        source: Box<redis::RedisError>,
    },
    /// The broker refused a command.
    #[error("the broker at {url} refused a command: {source}")]
    Command {
        /// The URL, without password.
        url: String,
        /// What it said.
        source: Box<redis::RedisError>,
    },
    /// Something on the broker that this program did not write.
    #[error("{what} on the broker cannot be read: {why}")]
    Garbled {
        /// What it is.
        what: String,
        /// Why it cannot be read.
        why: String,
    },
    /// A run of that name is on the broker already.
    #[error("run '{run}' is already on the broker at {url}: choose another --run, or wait for it to expire")]
    RunTaken {
        /// The run.
        run: String,
        /// The URL, without password.
        url: String,
    },
    /// A waiter's badge that another waiter wears.
    #[error("waiter {badge} is already in run '{run}': choose another --id, or leave it out")]
    BadgeTaken {
        /// The badge.
        badge: u64,
        /// The run.
        run: String,
    },
    /// The run's cashier stopped showing signs of life.
    #[error("the cashier of run '{run}' gave no sign of life for {} s; the waiter stops", patience.as_secs_f64())]
    CashierGone {
        /// The run.
        run: String,
        /// How long the waiter waited for a sign.
        patience: Duration,
    },
    /// The deadline passed with orders unserved.
    #[error("the deadline of {} s passed with orders unserved", .0.as_secs_f64())]
    Deadline(Duration),
    /// No waiter is left to serve the orders.
    #[error("every waiter process ended ({0}), with orders unserved")]
    NoWaiters(String),
    /// Asked to stop.
    #[error("interrupted")]
    Interrupted,
}

impl BrokerError {
    /// Whether this is input a run cannot have (exit code 2), rather
    /// than a failure of the run (exit code 1).
    pub fn is_bad_input(&self) -> bool {
        matches!(
            self,
            BrokerError::BadUrl { .. }
                | BrokerError::BadRun { .. }
                | BrokerError::BadSetup(_)
                | BrokerError::BadgeTaken { .. }
        )
    }
}

/// A line on standard error, for the people watching; lost, not fatal,
/// if standard error is closed or full.
pub(crate) fn tell(text: &str) {
    let _ = writeln!(std::io::stderr(), "{text}");
}
