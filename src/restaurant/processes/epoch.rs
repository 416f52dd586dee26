//! One moment every process of the machine names alike: restaurant time 0,
//! for the cashier and for every waiter process.
//!
//! An [`Instant`] means nothing outside the process that read it, so the
//! cashier sends its opening as a reading of the system's monotonic clock
//! (`CLOCK_MONOTONIC`, the same for every process and never set back), and
//! each waiter process turns it into an `Instant` of its own. Every
//! process then tells restaurant time from the same moment: an event a
//! waiter process stamps is on the cashier's clock, with no delay of the
//! connection in it.

use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

/// A moment, as nanoseconds of the system's monotonic clock.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Epoch(u64);

impl Epoch {
    /// Now.
    pub fn now() -> Epoch {
        Epoch(monotonic_nanos())
    }

    /// The moment `nanos` nanoseconds into the monotonic clock.
    #[cfg(test)]
    pub fn from_nanos(nanos: u64) -> Epoch {
        Epoch(nanos)
    }

    /// The same moment as an `Instant` of this process. A moment not yet
    /// come (which a correct cashier never sends) is now.
    pub fn instant(self) -> Instant {
        // Both clocks read together, so that the difference between them
        // is only the few nanoseconds between the two readings.
        let (now, nanos) = (Instant::now(), monotonic_nanos());
        let ago = Duration::from_nanos(nanos.saturating_sub(self.0));
        now.checked_sub(ago).unwrap_or(now)
    }
}

/// The system's monotonic clock, in nanoseconds.
#[cfg(unix)]
fn monotonic_nanos() -> u64 {
    // SAFETY: clock_gettime writes into the timespec it is given and
    // nothing else; a zeroed timespec is a valid value of the type.
    let time = unsafe {
        let mut time: libc::timespec = std::mem::zeroed();
        libc::clock_gettime(libc::CLOCK_MONOTONIC, &mut time);
        time
    };
    (time.tv_sec.max(0) as u64)
        .saturating_mul(1_000_000_000)
        .saturating_add(time.tv_nsec.max(0) as u64)
}

/// Elsewhere, wall time: set back by hand, it would move the epoch, but
/// every process would still read it alike.
#[cfg(not(unix))]
fn monotonic_nanos() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos() as u64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_epoch_is_the_moment_it_was_read() {
        let before = Instant::now();
        let epoch = Epoch::now();
        let after = Instant::now();
        let instant = epoch.instant();
        // Within the time the readings took, with room for a loaded machine.
        let slack = Duration::from_millis(50);
        assert!(instant + slack >= before && instant <= after + slack);
    }

    #[test]
    fn an_epoch_in_the_future_is_now() {
        let future = Epoch::from_nanos(u64::MAX);
        let now = Instant::now();
        assert!(future.instant() >= now);
    }
}
