//! Why waiter processes could not be started, or were lost.

use std::io;
use std::path::PathBuf;

use thiserror::Error;

use crate::trace::WaiterId;
use crate::workload::OrderId;

/// A waiter process that could not start, or was lost mid-run.
#[derive(Debug, Error)]
pub enum ProcessError {
    /// More waiters than `processes` starts processes for.
    #[error("processes starts an OS process per waiter, at most {most}, not {asked}; use threads for more waiters")]
    TooMany {
        /// Waiters asked for.
        asked: usize,
        /// The most there may be.
        most: usize,
    },
    /// More waiter processes than the system's limits allow.
    #[error("{asked} waiter processes are more than this system allows ({because}; each process has {per} threads), so at most {most} here")]
    OverLimit {
        /// Waiters asked for.
        asked: usize,
        /// The limit's source.
        because: String,
        /// Threads per waiter process.
        per: usize,
        /// The most waiters there may be.
        most: usize,
    },
    /// The program cannot start itself again.
    #[error("processes starts mesonero again for each waiter, and cannot here: '{}': {source}", program.display())]
    CannotStart {
        /// The program it tried.
        program: PathBuf,
        /// What the operating system said.
        source: io::Error,
    },
    /// The operating system would not start a waiter process now.
    #[error("the operating system refused to start waiter {waiter}'s process: {source}")]
    Refused {
        /// The waiter.
        waiter: WaiterId,
        /// What the operating system said.
        source: io::Error,
    },
    /// The cashier's end of the channel could not be opened or used.
    #[error("the cashier's channel to its waiters failed: {0}")]
    Channel(io::Error),
    /// A waiter process that never got ready to serve: it ended first, or
    /// took too long.
    #[error("waiter {waiter} (process {pid}) {why}")]
    NotReady {
        /// The waiter.
        waiter: WaiterId,
        /// Its process.
        pid: u32,
        /// What happened: `exited with code 2 before it was ready`.
        why: String,
    },
    /// A waiter process ended, or broke the protocol, before its work was
    /// done.
    #[error(
        "waiter {waiter} (process {pid}) {how} while holding {}",
        held_orders(held)
    )]
    Lost {
        /// The waiter.
        waiter: WaiterId,
        /// Its process.
        pid: u32,
        /// How it ended: `was killed by signal 9 (SIGKILL)`.
        how: String,
        /// The orders it had taken and not dispatched.
        held: Vec<OrderId>,
    },
}

impl ProcessError {
    /// Whether this is a setup the run cannot have (exit code 2), rather
    /// than a failure of the run.
    pub fn is_bad_setup(&self) -> bool {
        matches!(
            self,
            ProcessError::TooMany { .. }
                | ProcessError::OverLimit { .. }
                | ProcessError::CannotStart { .. }
        )
    }
}

/// The orders a lost waiter held, for its message: `order 1`, `orders 1, 3`
/// or `no order`. A blocking waiter holds one order at a time.
fn held_orders(held: &[OrderId]) -> String {
    match held {
        [] => "no order".to_string(),
        [one] => format!("order {one}"),
        many => {
            let ids: Vec<String> = many.iter().map(u32::to_string).collect();
            format!("orders {}", ids.join(", "))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_lost_waiter_names_the_orders_it_held() {
        let lost = |held: Vec<OrderId>| ProcessError::Lost {
            waiter: 2,
            pid: 4242,
            how: "was killed by signal 9 (SIGKILL)".into(),
            held,
        };
        assert_eq!(
            lost(vec![1]).to_string(),
            "waiter 2 (process 4242) was killed by signal 9 (SIGKILL) while holding order 1"
        );
        assert!(lost(vec![]).to_string().ends_with("holding no order"));
        assert!(lost(vec![1, 3])
            .to_string()
            .ends_with("holding orders 1, 3"));
        assert!(!lost(vec![]).is_bad_setup());
    }
}
