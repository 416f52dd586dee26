//! A moment as the system's monotonic clock names it, in plain
//! nanoseconds: the same in every process of the machine, and cheap to
//! read and subtract.
//!
//! An [`Instant`] means nothing outside the process that read it, so the
//! cashier of waiter processes sends its opening as an [`Epoch`], and each
//! waiter process tells restaurant time from the same moment: an event a
//! waiter process stamps is on the cashier's clock, with no delay of the
//! connection in it.
//!
//! The async models' real clock reads time as an [`Epoch`] too, at every
//! event of a run: one call to the system's clock and a subtraction,
//! where an `Instant` of tokio's takes a look at the runtime's paused
//! time and a `Duration` to carry the difference (with the conversion to
//! restaurant time, 15 % of the instructions of a run at `--repeat
//! 10000` before, 8 % since: callgrind).
//!
//! Moving between the two kinds of moment takes two readings, so it is
//! off by the few nanoseconds between them: a clock converts its origin
//! once, and then reads and sleeps on one kind of moment alone.

use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

/// A moment, as nanoseconds of the system's monotonic clock.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Epoch(u64);

impl Epoch {
    /// Now.
    #[inline]
    pub fn now() -> Epoch {
        Epoch(monotonic_nanos())
    }

    /// The moment `nanos` nanoseconds into the monotonic clock.
    #[cfg(test)]
    pub fn from_nanos(nanos: u64) -> Epoch {
        Epoch(nanos)
    }

    /// The moment `instant`, within a few nanoseconds.
    pub fn of(instant: Instant) -> Epoch {
        let (nanos, now) = (monotonic_nanos(), Instant::now());
        let ago = u64::try_from(now.saturating_duration_since(instant).as_nanos());
        Epoch(nanos.saturating_sub(ago.unwrap_or(u64::MAX)))
    }

    /// The same moment as an `Instant` of this process, within a few
    /// nanoseconds. A moment not yet come (which a correct cashier never
    /// sends) is now.
    pub fn instant(self) -> Instant {
        let (nanos, now) = (monotonic_nanos(), Instant::now());
        let ago = Duration::from_nanos(nanos.saturating_sub(self.0));
        now.checked_sub(ago).unwrap_or(now)
    }

    /// Nanoseconds from `earlier` to this moment; none if `earlier` is not
    /// earlier.
    #[inline]
    pub fn nanos_since(self, earlier: Epoch) -> u64 {
        self.0.saturating_sub(earlier.0)
    }
}

/// The system's monotonic clock, in nanoseconds: the clock `Instant`
/// reads on Linux, without the checks and the `Duration` of its API.
#[cfg(unix)]
#[inline]
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

/// Elsewhere, nanoseconds since this process first asked: monotonic, but
/// its own, so waiter processes there would not share their cashier's.
#[cfg(not(unix))]
fn monotonic_nanos() -> u64 {
    static START: std::sync::OnceLock<Instant> = std::sync::OnceLock::new();
    let start = *START.get_or_init(Instant::now);
    u64::try_from(start.elapsed().as_nanos()).unwrap_or(u64::MAX)
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

    /// An `Instant` made an epoch and back is the same moment, within the
    /// time the readings took (with room for a loaded machine).
    #[test]
    fn a_round_trip_is_the_same_moment() {
        let slack = Duration::from_millis(50);
        for _ in 0..1000 {
            let instant = Instant::now() - Duration::from_secs(1);
            let back = Epoch::of(instant).instant();
            assert!(back < instant + slack && instant < back + slack);
        }
    }

    #[test]
    fn nanos_since_an_earlier_epoch() {
        let (earlier, later) = (Epoch::from_nanos(5), Epoch::from_nanos(12));
        assert_eq!(later.nanos_since(earlier), 7);
        assert_eq!(earlier.nanos_since(later), 0);
    }
}
