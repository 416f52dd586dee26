//! The blocking pool on the virtual clock, simulated.
//!
//! Tokio's own pool cannot serve a loop whose time is paused: its threads
//! run on wall time, and while one runs, tokio stops paused time from
//! jumping ahead, so a job that sleeps would wait forever. The simulation
//! keeps what matters: at most `threads` jobs at once, each taken in the
//! order it came by the thread free first, busy for as long as the job
//! blocks. That is a [`Crew`].

use std::time::Duration;

use crate::crew::Crew;

/// A pool of `threads` simulated threads.
pub(super) struct SimulatedPool {
    threads: Crew,
}

impl SimulatedPool {
    /// A pool of at most `threads` threads, started as jobs need them.
    pub(super) fn new(threads: usize) -> SimulatedPool {
        SimulatedPool {
            threads: Crew::new(Some(threads)),
        }
    }

    /// When a job handed over at `now` would start.
    pub(super) fn start(&self, now: Duration) -> Duration {
        self.threads.start(now)
    }

    /// Places a job handed over at `now` that blocks for `busy`, and says
    /// when it is done.
    pub(super) fn take(&self, now: Duration, busy: Duration) -> Duration {
        self.threads.take(now, busy)
    }

    /// Threads started so far.
    pub(super) fn threads(&self) -> usize {
        self.threads.hired()
    }
}
