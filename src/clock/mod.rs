//! Clocks: how restaurant time passes.
//!
//! A model never sleeps by itself; it asks the kitchen, which waits on a
//! clock. The same model code then runs on two kinds of clock:
//!
//! - the *real* clock ([`RealClock`], [`LoopClock`] on a normal runtime)
//!   actually waits, compressed by a speed factor (at speed 10 the 7.5 s
//!   burger takes 0.75 s of wall time);
//! - the *virtual* clock ([`VirtualClock`] for threads, [`LoopClock`] on a
//!   runtime with paused time) never waits: time jumps to the next wake-up,
//!   so a run is instant, exact and the same every time.
//!
//! [`ThreadClock`] is what the threaded models hold: either of the two, plus
//! the spawning and joining of threads, which the virtual clock must see.
//! [`event_loop`] builds the async models' runtime and gives them their
//! [`LoopClock`], with both kinds of sleep: the one that waits for the
//! loop, and the one that blocks it.

pub mod event_loop;
mod limits;
mod real;
mod shutdown;
mod thread;
mod virtual_threads;

use std::time::Duration;

pub use event_loop::{EventLoop, LoopClock};
pub use limits::{thread_budget, ThreadBudget};
pub use real::RealClock;
pub use shutdown::{Interrupted, Shutdown};
pub use thread::{SpawnError, ThreadClock, Worker};
pub use virtual_threads::VirtualClock;

/// Anything that tells the current restaurant time.
pub trait Now {
    /// Restaurant time since the run started.
    fn now(&self) -> Duration;
}

impl<F: Fn() -> Duration> Now for F {
    fn now(&self) -> Duration {
        self()
    }
}

/// Restaurant time `at` as wall time, at `speed` restaurant seconds per
/// wall second. Exact at speed 1, where float rounding could otherwise turn
/// 1.2 s into 1.199999999 s.
pub(crate) fn to_wall(at: Duration, speed: f64) -> Duration {
    if speed == 1.0 {
        at
    } else {
        at.div_f64(speed)
    }
}

/// Wall time `elapsed` as restaurant time; the inverse of [`to_wall`].
pub(crate) fn to_restaurant(elapsed: Duration, speed: f64) -> Duration {
    if speed == 1.0 {
        elapsed
    } else {
        // Nanoseconds through f64 rather than `Duration::mul_f64`, which is
        // several times slower; this runs for every event of a run.
        Duration::from_nanos((elapsed.as_nanos() as f64 * speed) as u64)
    }
}

/// Which kind of clock a run uses.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum ClockKind {
    /// Wall time, `speed` times faster than the restaurant's.
    Real {
        /// How many restaurant seconds pass in one wall second.
        speed: f64,
    },
    /// Simulated time: instant, exact and deterministic.
    Virtual,
}

impl ClockKind {
    /// The clock's name on the command line: `real` or `virtual`.
    pub fn name(self) -> &'static str {
        match self {
            ClockKind::Real { .. } => "real",
            ClockKind::Virtual => "virtual",
        }
    }
}
