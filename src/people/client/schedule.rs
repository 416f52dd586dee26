//! When each request is due: at once, or, with `--rate`, on a fixed
//! schedule, so that a slow server cannot hide its queueing delay (the
//! latency of a request counts from when it was due, not from when it
//! could finally start).

use std::time::{Duration, Instant};

use crate::clock::Shutdown;

/// The slowest rate `--rate` accepts, in requests per second: one every
/// 1000 s. With at most [`super::ids::MAX_IDS`] ids, the last is due
/// within 10¹⁰ s, which an `Instant` holds.
pub const MIN_RATE: f64 = 0.001;

/// The fastest rate `--rate` accepts, in requests per second.
pub const MAX_RATE: f64 = 1_000_000.0;

/// When each request of a run is due.
pub struct Schedule {
    start: Instant,
    rate: Option<f64>,
}

impl Schedule {
    /// A schedule starting now, at `rate` requests per second if any;
    /// a rate outside [`MIN_RATE`]..=[`MAX_RATE`] is taken as the nearest
    /// bound, so that no due time overflows.
    pub fn new(rate: Option<f64>) -> Schedule {
        Schedule {
            start: Instant::now(),
            rate: rate.map(|r| {
                if r.is_nan() {
                    MAX_RATE
                } else {
                    r.clamp(MIN_RATE, MAX_RATE)
                }
            }),
        }
    }

    /// When request number `i` is due, if there is a rate.
    pub fn due(&self, i: usize) -> Option<Instant> {
        let rate = self.rate?;
        let offset = Duration::try_from_secs_f64(i as f64 / rate).unwrap_or(Duration::MAX);
        // Within the rate's bounds this cannot overflow; were it to, the
        // request would simply be due at once.
        Some(self.start.checked_add(offset).unwrap_or(self.start))
    }

    /// Blocks until request `i` is due, and says when that was.
    pub fn wait_for(&self, i: usize, shutdown: &Shutdown) -> Option<Instant> {
        let due = self.due(i)?;
        // An interrupted wait returns early; the request then sees the
        // shutdown and reports itself interrupted.
        let _ = shutdown.sleep_until(due);
        Some(due)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_rate_spreads_the_requests_evenly() {
        let schedule = Schedule::new(Some(4.0));
        let start = schedule.due(0).unwrap();
        assert_eq!(
            schedule.due(6).unwrap() - start,
            Duration::from_millis(1500)
        );
        assert_eq!(Schedule::new(None).due(3), None);
    }

    #[test]
    fn rates_out_of_bounds_never_overflow() {
        for rate in [1e-19, 0.0, -1.0, f64::NAN, f64::INFINITY, 1e300] {
            let schedule = Schedule::new(Some(rate));
            assert!(schedule.due(10_000_000).is_some(), "{rate}");
        }
    }
}
