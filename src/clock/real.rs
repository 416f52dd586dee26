//! The real clock for threads: wall time, compressed by a speed factor.

use std::time::{Duration, Instant};

use super::{Interrupted, Now, Shutdown};

/// Wall time since a start instant, `speed` times faster than the
/// restaurant's: at speed 10, 7.5 restaurant seconds take 0.75 s.
pub struct RealClock {
    start: Instant,
    speed: f64,
    shutdown: Shutdown,
}

impl RealClock {
    /// A clock starting now. `speed` must be positive and finite.
    pub fn new(speed: f64, shutdown: Shutdown) -> RealClock {
        RealClock {
            start: Instant::now(),
            speed,
            shutdown,
        }
    }

    /// Blocks the calling thread until restaurant time `at`.
    pub fn sleep_until(&self, at: Duration) -> Result<(), Interrupted> {
        self.shutdown
            .sleep_until(self.start + super::to_wall(at, self.speed))
    }
}

impl Now for RealClock {
    fn now(&self) -> Duration {
        super::to_restaurant(self.start.elapsed(), self.speed)
    }
}
