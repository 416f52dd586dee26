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

mod baton;
mod epoch;
pub mod event_loop;
mod limits;
mod real;
mod shutdown;
mod thread;
mod virtual_threads;

use std::time::{Duration, Instant};

pub use epoch::Epoch;
pub use event_loop::{EventLoop, LoopClock};
pub use limits::{process_budget, thread_budget, ThreadBudget};
pub use real::RealClock;
pub use shutdown::{Interrupted, Shutdown};
pub use thread::{SpawnError, ThreadClock, Worker};
pub use virtual_threads::VirtualClock;

/// The slowest `--speed`: a restaurant second lasts 1,000 wall seconds, so
/// the day-long preparation a workload may have takes under three years.
pub const MIN_SPEED: f64 = 0.001;

/// The fastest `--speed`: a restaurant millisecond, the workload's
/// resolution, still lasts a wall nanosecond, the clocks' resolution.
pub const MAX_SPEED: f64 = 1_000_000.0;

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
///
/// Never panics: a wait too long for a [`Duration`] (a day at a speed of
/// 1e-300) is [`Duration::MAX`], as good as forever. The command line keeps
/// the speed within [`MIN_SPEED`]..=[`MAX_SPEED`], where this never
/// happens, but the clocks must not depend on that.
pub fn to_wall(at: Duration, speed: f64) -> Duration {
    if speed == 1.0 {
        return at;
    }
    // `Duration::div_f64` panics when the result does not fit; this is the
    // same division, saturating instead.
    let seconds = at.as_secs_f64() / speed;
    match Duration::try_from_secs_f64(seconds) {
        Ok(wall) => wall,
        // Negative, from a negative speed: no wait at all.
        Err(_) if seconds < 0.0 => Duration::ZERO,
        // Too long, or NaN from a speed of NaN: as good as forever.
        Err(_) => Duration::MAX,
    }
}

/// [`to_wall`] in nanoseconds, as the event loop's timers count, for
/// every product that sleeps: past 584 years, the most they hold. Through
/// f64, as [`to_restaurant`], rather than a `Duration` made from seconds.
#[inline]
pub(crate) fn to_wall_nanos(at: Duration, speed: f64) -> u64 {
    if speed == 1.0 {
        return nanos(at);
    }
    let wall = (at.as_secs() as f64 * 1e9 + f64::from(at.subsec_nanos())) / speed;
    // `as` saturates: too long is the most, negative none; NaN, from a
    // speed of NaN, is as good as forever, as in `to_wall`.
    if wall.is_nan() {
        u64::MAX
    } else {
        wall as u64
    }
}

/// Wall time `elapsed`, in nanoseconds, as restaurant time; the inverse
/// of [`to_wall`]. Saturates at [`Duration::MAX`] rather than panicking,
/// as it does.
#[inline]
pub(crate) fn to_restaurant(elapsed: u64, speed: f64) -> Duration {
    if speed == 1.0 {
        return Duration::from_nanos(elapsed);
    }
    // Through f64 rather than `Duration::mul_f64`, which is several times
    // slower; this runs for every event of a run.
    let nanos = elapsed as f64 * speed;
    if nanos >= u64::MAX as f64 {
        // Past 584 years of nanoseconds: through seconds, saturating.
        Duration::try_from_secs_f64(nanos / 1e9).unwrap_or(Duration::MAX)
    } else {
        // `as` saturates: a NaN or negative product gives 0.
        Duration::from_nanos(nanos as u64)
    }
}

/// A stretch of wall time in nanoseconds, as [`to_restaurant`] takes it;
/// past 584 years, the most it holds.
pub(crate) fn nanos(elapsed: Duration) -> u64 {
    u64::try_from(elapsed.as_nanos()).unwrap_or(u64::MAX)
}

/// `now + wait`, or, when that does not fit in the platform's clock, the
/// farthest deadline after `now` it can hold (within a factor of two):
/// `Instant + Duration` panics on overflow, and a wait that long is as good
/// as forever anyway, since only a stop will end it.
///
/// The deadline leaves a second of room after it, because tokio adds to a
/// deadline (rounding it up to its next millisecond) and would panic at the
/// very end of the clock.
pub(crate) fn deadline(now: Instant, wait: Duration) -> Instant {
    const ROOM: Duration = Duration::from_secs(1);
    let mut wait = wait;
    loop {
        match now
            .checked_add(wait)
            .filter(|d| d.checked_add(ROOM).is_some())
        {
            Some(deadline) => return deadline,
            // `now` itself is at the end of the clock: nothing fits.
            None if wait.is_zero() => return now,
            None => wait /= 2,
        }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wall_and_restaurant_time_convert_both_ways() {
        let burger = Duration::from_millis(7500);
        assert_eq!(to_wall(burger, 1.0), burger);
        assert_eq!(to_wall(burger, 10.0), Duration::from_millis(750));
        assert_eq!(to_restaurant(750_000_000, 10.0), burger);
        assert_eq!(to_wall(burger, MAX_SPEED), Duration::from_nanos(7500));
        assert_eq!(to_wall(burger, MIN_SPEED), Duration::from_secs(7500));
    }

    /// In nanoseconds, a wait is the same as a `Duration`, within the
    /// nanosecond float rounding may take.
    #[test]
    fn wall_time_in_nanoseconds_is_the_same() {
        for speed in [MIN_SPEED, 0.37, 1.0, 3.0, 100.0, MAX_SPEED] {
            for millis in [0, 1, 999, 7_500, 86_400_000] {
                let at = Duration::from_millis(millis);
                let (wall, nanos) = (nanos(to_wall(at, speed)), to_wall_nanos(at, speed));
                assert!(
                    wall.abs_diff(nanos) <= 1,
                    "{at:?} at {speed}: {wall} {nanos}"
                );
            }
        }
        assert_eq!(
            to_wall_nanos(Duration::from_millis(7500), 1.0),
            7_500_000_000
        );
        assert_eq!(to_wall_nanos(Duration::MAX, 0.5), u64::MAX);
        assert_eq!(to_wall_nanos(Duration::from_secs(1), f64::NAN), u64::MAX);
        assert_eq!(to_wall_nanos(Duration::from_secs(1), -1.0), 0);
    }

    #[test]
    fn conversions_saturate_instead_of_panicking() {
        let day = Duration::from_secs(86_400);
        assert_eq!(to_wall(day, 1e-300), Duration::MAX);
        assert_eq!(to_wall(day, 1e-19), Duration::MAX);
        assert_eq!(to_wall(Duration::MAX, 0.5), Duration::MAX);
        assert_eq!(to_wall(day, f64::NAN), Duration::MAX);
        assert_eq!(to_wall(day, -1.0), Duration::ZERO);
        assert_eq!(to_wall(day, f64::INFINITY), Duration::ZERO);
        assert_eq!(to_restaurant(nanos(day), 1e300), Duration::MAX);
        // 584 years of wall time at speed 2, past what nanoseconds hold.
        let far = Duration::from_secs(1_000 * 365 * 86_400);
        assert!(to_restaurant(nanos(Duration::MAX), 2.0) > far);
        assert_eq!(to_restaurant(nanos(day), f64::NAN), Duration::ZERO);
    }

    #[test]
    fn a_deadline_past_the_clocks_end_is_the_farthest_it_holds() {
        let now = Instant::now();
        let second = Duration::from_secs(1);
        assert_eq!(deadline(now, second), now + second);
        let far = deadline(now, Duration::MAX);
        assert!(far > now + Duration::from_secs(365 * 86_400));
        assert!(far.checked_add(Duration::from_secs(1)).is_some());
        // Within a factor of two of the end: four times as far does not fit.
        let further = (far - now).checked_mul(4);
        assert!(further.and_then(|d| now.checked_add(d)).is_none());
    }
}
