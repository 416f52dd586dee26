//! The clock for async tasks: tokio's time, real or paused.
//!
//! On a runtime built with paused time, tokio itself is the virtual clock:
//! when every task is waiting, it jumps to the next timer. Tokio's timer has
//! a resolution of one millisecond, which is why preparation times are
//! whole milliseconds.

use std::time::Duration;

use tokio::time::Instant;

use super::Now;

/// Tokio time since a start instant, `speed` times faster than the
/// restaurant's. Must be created and used inside a tokio runtime.
#[derive(Clone, Copy)]
pub struct TokioClock {
    start: Instant,
    speed: f64,
}

impl TokioClock {
    /// A clock starting now; use speed 1 on a paused runtime.
    pub fn new(speed: f64) -> TokioClock {
        TokioClock {
            start: Instant::now(),
            speed,
        }
    }

    /// A future that completes at restaurant time `at`, without blocking
    /// the thread meanwhile. (A plain `Sleep` rather than an `async fn`,
    /// to keep each of a million waiting products small.)
    pub fn sleep_until(&self, at: Duration) -> tokio::time::Sleep {
        tokio::time::sleep_until(self.start + super::to_wall(at, self.speed))
    }
}

impl Now for TokioClock {
    fn now(&self) -> Duration {
        super::to_restaurant(self.start.elapsed(), self.speed)
    }
}
