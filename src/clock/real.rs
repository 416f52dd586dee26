//! The real clock for threads: wall time, compressed by a speed factor.

use std::sync::OnceLock;
use std::time::{Duration, Instant};

use super::{Interrupted, Now, Shutdown};

/// Wall time since the restaurant opened, `speed` times faster than the
/// restaurant's: at speed 10, 7.5 restaurant seconds take 0.75 s.
///
/// The clock starts when [`RealClock::start`] is first called, not when it
/// is made, so that staff can be hired (threads started) before opening
/// without their start-up counting as service time.
pub struct RealClock {
    start: OnceLock<Instant>,
    speed: f64,
    shutdown: Shutdown,
}

impl RealClock {
    /// A clock not yet started. `speed` must be positive and finite.
    pub fn new(speed: f64, shutdown: Shutdown) -> RealClock {
        RealClock {
            start: OnceLock::new(),
            speed,
            shutdown,
        }
    }

    /// Starts the clock at restaurant time 0, if it has not started yet.
    pub fn start(&self) {
        self.origin();
    }

    /// Starts the clock, if it has not started yet, with restaurant time 0
    /// at `origin`, a moment that may be past: a waiter process's clock
    /// is set to the cashier's this way.
    pub fn start_at(&self, origin: Instant) {
        let _ = self.start.set(origin);
    }

    /// Blocks until the clock has started.
    pub fn wait_for_start(&self) {
        self.start.wait();
    }

    /// Blocks the calling thread until restaurant time `at`. A time past
    /// what the system's clock can hold is as good as forever: only a stop
    /// ends the wait.
    pub fn sleep_until(&self, at: Duration) -> Result<(), Interrupted> {
        let wall = super::to_wall(at, self.speed);
        self.shutdown
            .sleep_until(super::deadline(self.origin(), wall))
    }

    fn origin(&self) -> Instant {
        *self.start.get_or_init(Instant::now)
    }
}

impl Now for RealClock {
    fn now(&self) -> Duration {
        match self.start.get() {
            Some(start) => super::to_restaurant(super::nanos(start.elapsed()), self.speed),
            None => Duration::ZERO,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    /// At a speed of 1e-300 a restaurant second is past the end of any
    /// clock: the wait is as good as forever, not an overflow, and a stop
    /// still ends it.
    #[test]
    fn a_wait_past_the_end_of_the_clock_lasts_until_a_stop() {
        for speed in [1e-300, 1e-19] {
            let shutdown = Shutdown::new();
            let clock = Arc::new(RealClock::new(speed, shutdown.clone()));
            clock.start();
            let sleeper = {
                let clock = Arc::clone(&clock);
                std::thread::spawn(move || clock.sleep_until(Duration::from_secs(1)))
            };
            assert_eq!(clock.now(), Duration::ZERO);
            shutdown.trigger();
            assert_eq!(sleeper.join().unwrap(), Err(Interrupted));
        }
    }
}
