//! The clock the async models hold: the loop's time, a sleep that hands
//! the thread back to the loop, a sleep that does not, and the pool that
//! takes blocking calls off the loop.
//!
//! The article's lesson is the difference between two lines:
//! `await asyncio.sleep(t)`, which [`LoopClock::sleep`] is, and
//! `time.sleep(t)`, which [`LoopClock::thread_sleep`] is. The first lets
//! the loop run every other task meanwhile; the second holds the loop's
//! only thread, so nothing else runs until it returns. Both work on either
//! clock: on the virtual one, a blocking sleep moves paused time on by
//! exactly the time it blocks, and the timers that fell due meanwhile fire
//! late, when the loop gets its thread back, exactly as on the real clock.

use std::future::Future;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant as StdInstant};

use futures::FutureExt;
use tokio::time::Instant;

use super::nap::Nap;
use super::pool::SimulatedPool;
use super::timers::{Alarm, Nanos, Timers};
use crate::clock::{
    deadline, to_restaurant, to_wall, to_wall_nanos, ClockKind, Epoch, Interrupted, Now, Shutdown,
};
use crate::kitchen::Wait;

/// The event loop's time, seen from the loop's threads or from a thread of
/// its blocking pool. Cloning is cheap and shares the pool.
#[derive(Clone)]
pub struct LoopClock {
    /// Restaurant time 0 as the timers count: nanoseconds after their
    /// origin, or, negative, before it (a real clock started at a past
    /// moment).
    start_nanos: i128,
    speed: f64,
    shutdown: Shutdown,
    time: Time,
    /// The loop's sleepers, shared by every clone.
    timers: Arc<Timers>,
}

#[derive(Clone)]
enum Time {
    /// Wall time, compressed by the speed: blocking sleeps block.
    Real {
        /// Restaurant time 0: the timers' origin, `start_nanos` on.
        origin: Epoch,
    },
    /// Tokio's paused time, read and moved on by the loop's one thread.
    Paused {
        /// The blocking pool, simulated.
        pool: Arc<SimulatedPool>,
    },
    /// A thread of the simulated pool, doing one job: its blocking sleeps
    /// are added up, to place the job on the pool's schedule.
    PoolThread {
        /// When the job started.
        since: Duration,
        /// Nanoseconds it has slept so far.
        slept: Arc<AtomicU64>,
    },
}

impl LoopClock {
    /// The clock of a loop starting now; must be made inside the loop's
    /// runtime, whose time it reads.
    pub(super) fn new(kind: ClockKind, shutdown: Shutdown, blocking_threads: usize) -> LoopClock {
        let (speed, time, timers) = match kind {
            ClockKind::Real { speed } => {
                let origin = Epoch::now();
                (speed, Time::Real { origin }, Timers::new(origin))
            }
            ClockKind::Virtual => (
                1.0,
                Time::Paused {
                    pool: Arc::new(SimulatedPool::new(blocking_threads)),
                },
                Timers::on_paused_time(),
            ),
        };
        LoopClock {
            // The restaurant's time is the timers' own, until told
            // otherwise.
            start_nanos: 0,
            speed,
            shutdown,
            time,
            timers: Arc::new(timers),
        }
    }

    /// Tells the clock that paused time may have moved without it: the
    /// loop's thread parked, and tokio may have jumped to the next timer.
    pub(super) fn time_moved(&self) {
        self.timers.time_moved();
    }

    /// The alarm that wakes this loop's sleepers; the loop runs it.
    pub(super) fn alarm(&self) -> Alarm {
        self.timers.alarm()
    }

    /// The same clock with restaurant time 0 at `origin`, a moment that
    /// may be past, on the real clock: an async waiter elsewhere opens
    /// when its cashier did. The virtual clock has no wall time to set.
    pub fn started_at(mut self, origin: StdInstant) -> LoopClock {
        if let Time::Real { origin: start } = &mut self.time {
            *start = Epoch::of(origin);
            self.start_nanos = self.timers.moment_of(*start);
        }
        self
    }

    /// A future that completes when `wait` is over, leaving the thread to
    /// the loop meanwhile, at least once: `await asyncio.sleep(wait)`.
    pub fn sleep(&self, wait: Wait) -> Nap<'_> {
        // A plain timer rather than an `async fn`, to keep each of a
        // million waiting products small. A wait of some length, just
        // asked for, ends ahead of now: no need to read the clock again.
        if wait.length.is_zero() {
            self.nap_until(wait.until)
        } else {
            Nap::ahead(&self.timers, self.timers_moment(wait.until))
        }
    }

    /// Blocks the calling thread until `wait` is over: `time.sleep`. On the
    /// loop's thread nothing else runs meanwhile, not even a timer that
    /// falls due. On a pool thread, which may take the wait over later than
    /// it was asked, it blocks for the wait's length. Fails at once when the
    /// run is asked to stop.
    pub fn thread_sleep(&self, wait: Wait) -> Result<(), Interrupted> {
        if self.shutdown.is_triggered() {
            return Err(Interrupted);
        }
        match &self.time {
            Time::Real { .. } => {
                // On the loop's thread the wait starts now: its length from
                // now is its end.
                let wall = to_wall(wait.length, self.speed);
                // A wait too long for the system's clock is as good as
                // forever: only a stop ends it.
                self.shutdown.sleep_until(deadline(StdInstant::now(), wall))
            }
            Time::Paused { .. } => {
                advance_paused_time(wait.until.saturating_sub(self.now()));
                self.timers.time_moved();
                Ok(())
            }
            Time::PoolThread { slept, .. } => {
                let nanos = u64::try_from(wait.length.as_nanos()).unwrap_or(u64::MAX);
                slept.fetch_add(nanos, Ordering::Relaxed);
                Ok(())
            }
        }
    }

    /// Runs `job`, which may block, on a thread of the blocking pool, and
    /// completes with what it returned: tokio's `spawn_blocking`, asyncio's
    /// `run_in_executor`. The loop goes on meanwhile. The job gets the
    /// clock of the thread it runs on.
    ///
    /// At most the pool's size of jobs run at once; the others wait, first
    /// come first served. On the virtual clock the pool is simulated: the
    /// job runs at once, its blocking sleeps are added up rather than
    /// slept, and its answer arrives when a pool thread that took it at the
    /// right moment would have finished it.
    pub fn spawn_blocking<T, F>(&self, job: F) -> impl Future<Output = Result<T, Interrupted>>
    where
        F: FnOnce(&LoopClock) -> Result<T, Interrupted> + Send + 'static,
        T: Send + 'static,
    {
        let answer = match &self.time {
            Time::Paused { pool } => {
                let start = pool.start(self.now());
                let slept = Arc::new(AtomicU64::new(0));
                let thread = LoopClock {
                    time: Time::PoolThread {
                        since: start,
                        slept: Arc::clone(&slept),
                    },
                    ..self.clone()
                };
                let answer = job(&thread);
                let busy = Duration::from_nanos(slept.load(Ordering::Relaxed));
                let done = pool.take(self.now(), busy);
                let clock = self.clone();
                Answer::Simulated(Box::pin(async move {
                    clock.nap_until(done).await;
                    answer
                }))
            }
            // The real pool; a job on the pool's own (simulated) thread
            // never gets here with a clock of that kind, since it has no
            // loop to hand a job to.
            _ => {
                let thread = self.clone();
                Answer::Real(tokio::task::spawn_blocking(move || job(&thread)))
            }
        };
        answer.get()
    }

    /// A nap until restaurant time `at`.
    fn nap_until(&self, at: Duration) -> Nap<'_> {
        Nap::new(&self.timers, self.timers_moment(at))
    }

    /// Restaurant time `at` as the timers count, in plain integers rather
    /// than through `Instant`s, since every product sleeps: its wall time
    /// after the clock's start, and the start after the timers' origin.
    /// Past 584 years of nanoseconds, the farthest moment they hold.
    fn timers_moment(&self, at: Duration) -> Nanos {
        let wall = i128::from(to_wall_nanos(at, self.speed));
        let since_origin = wall.saturating_add(self.start_nanos).max(0);
        Nanos::try_from(since_origin).unwrap_or(Nanos::MAX)
    }

    /// Threads the simulated pool started: 0 on the real clock, where the
    /// runtime counts its own.
    pub(super) fn simulated_threads(&self) -> usize {
        match &self.time {
            Time::Paused { pool } => pool.threads(),
            _ => 0,
        }
    }
}

impl Now for LoopClock {
    fn now(&self) -> Duration {
        match &self.time {
            Time::PoolThread { since, slept } => {
                since.saturating_add(Duration::from_nanos(slept.load(Ordering::Relaxed)))
            }
            // Read once between the moments time moves, rather than through
            // tokio's lock at every event; past 584 years of nanoseconds,
            // read in full.
            Time::Paused { .. } => match self.timers.now() {
                Nanos::MAX => self.timers.origin().elapsed(),
                nanos => Duration::from_nanos(nanos),
            },
            // The system's clock read directly, the cheapest there is:
            // every event of a run reads it.
            Time::Real { origin } => to_restaurant(Epoch::now().nanos_since(*origin), self.speed),
        }
    }
}

/// How a blocking job's answer comes back.
enum Answer<T> {
    /// From a thread of tokio's blocking pool.
    Real(tokio::task::JoinHandle<Result<T, Interrupted>>),
    /// From the simulated pool, at the moment the job would be done.
    Simulated(std::pin::Pin<Box<dyn Future<Output = Result<T, Interrupted>> + Send>>),
}

impl<T: Send + 'static> Answer<T> {
    async fn get(self) -> Result<T, Interrupted> {
        match self {
            Answer::Simulated(answer) => answer.await,
            Answer::Real(handle) => match handle.await {
                Ok(answer) => answer,
                // A panic in the job is a bug in a model: pass it on.
                Err(e) if e.is_panic() => std::panic::resume_unwind(e.into_panic()),
                // Cancelled: the runtime is shutting down.
                Err(_) => Err(Interrupted),
            },
        }
    }
}

/// Moves the loop's paused time on by `wait`, at once, without giving the
/// thread back: what a blocking call does to a loop's time.
///
/// `tokio::time::advance` moves paused time on and then yields to the
/// loop. Polled once, as here, it does the first and not the second: the
/// caller keeps the thread, as a blocking call keeps it. (The yield leaves
/// a waker with the scheduler, a no-op one, which it wakes for nothing.)
fn advance_paused_time(wait: Duration) {
    // `advance` panics when paused time would pass the end of the clock;
    // stop at the farthest instant it can hold instead.
    let now = Instant::now().into_std();
    let wait = deadline(now, wait) - now;
    let _ = tokio::time::advance(wait).now_or_never();
}

#[cfg(test)]
mod tests {
    use super::super::{EventLoop, Flavor};
    use super::*;

    fn run_loop<T>(kind: ClockKind, work: impl FnOnce(LoopClock) -> T) -> T {
        let event_loop = EventLoop::new(Flavor::CurrentThread, kind, 1, None).unwrap();
        let (seen, _) = event_loop.run(&Shutdown::new(), |clock| async move {
            Ok::<_, Interrupted>(work(clock))
        });
        seen.unwrap()
    }

    /// A wait of `length` that ends at `length`, as asked at time 0.
    fn wait(length: Duration) -> Wait {
        Wait {
            until: length,
            length,
        }
    }

    /// A day at a speed of 1e-300 is longer than the clock can hold: the
    /// wait is made, and is as good as forever, rather than a panic.
    #[test]
    fn a_wait_past_the_end_of_the_real_clock_is_forever() {
        let pending = run_loop(ClockKind::Real { speed: 1e-300 }, |clock| {
            let mut forever = Box::pin(clock.sleep(wait(Duration::from_secs(86_400))));
            (&mut forever).now_or_never().is_none()
        });
        assert!(pending);
    }

    /// Paused time moved on past what the clock holds stops at its end,
    /// and the loop's time and timers still work there.
    #[test]
    fn blocking_past_the_end_of_paused_time_stops_there() {
        let (before, after) = run_loop(ClockKind::Virtual, |clock| {
            clock.thread_sleep(wait(Duration::from_secs(1))).unwrap();
            let before = clock.now();
            clock.thread_sleep(wait(Duration::MAX)).unwrap();
            clock.thread_sleep(wait(Duration::MAX)).unwrap();
            let _timer = clock.sleep(wait(Duration::MAX));
            (before, clock.now())
        });
        assert_eq!(before, Duration::from_secs(1));
        assert!(after > Duration::from_secs(100 * 365 * 86_400), "{after:?}");
    }
}
