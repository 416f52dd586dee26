//! The clock the threaded models hold, with thread spawning and joining.
//!
//! On the real clock, spawning and joining are the standard library's. On
//! the virtual clock they must also tell the clock, which runs one thread
//! at a time and needs to know who is waiting for whom.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::thread::{Scope, ScopedJoinHandle};
use std::time::{Duration, Instant};

use thiserror::Error;

use super::virtual_threads::Participant;
use super::{thread_budget, ClockKind, Interrupted, Now, RealClock, Shutdown, VirtualClock};
use crate::kitchen::Wait;

/// Stack size of the threads the models start. Their work is shallow, and a
/// small stack lets thousands of threads start quickly.
const STACK_SIZE: usize = 256 * 1024;

/// The operating system refused, or would refuse, another thread.
#[derive(Debug, Error)]
pub enum SpawnError {
    /// The system said no.
    #[error("the operating system refused to start thread number {number} ({source})")]
    Refused {
        /// How many threads had been started before, plus one.
        number: usize,
        /// What the operating system said.
        #[source]
        source: std::io::Error,
    },
    /// One more thread would pass the system's limit.
    #[error("{live} threads are running, as many as this system allows ({because})")]
    OverBudget {
        /// Threads alive at the time.
        live: usize,
        /// The limit's source.
        because: String,
    },
}

/// A real or virtual clock for models that use OS threads.
pub struct ThreadClock {
    kind: Kind,
    spawned: AtomicUsize,
    /// Threads started and not yet joined, checked against the system's
    /// [`thread_budget`]. A thread that has returned but was not joined
    /// still holds its stack, so it counts until joined.
    live: AtomicUsize,
    /// Set when the shift is called off before it opens: every sleep
    /// fails at once.
    closed: AtomicBool,
}

enum Kind {
    Real(RealClock),
    /// The virtual clock never waits, but a long run should still stop
    /// when asked.
    Virtual(VirtualClock, Shutdown),
}

impl ThreadClock {
    /// A clock of `kind`, stopped early by `shutdown`.
    pub fn new(kind: ClockKind, shutdown: Shutdown) -> ThreadClock {
        match kind {
            ClockKind::Real { speed } => ThreadClock::real(speed, shutdown),
            ClockKind::Virtual => ThreadClock::virtual_time(shutdown),
        }
    }

    /// A real clock at `speed`, stopped early by `shutdown`.
    pub fn real(speed: f64, shutdown: Shutdown) -> ThreadClock {
        ThreadClock::with(Kind::Real(RealClock::new(speed, shutdown)))
    }

    /// A virtual clock; the calling thread is its first participant.
    pub fn virtual_time(shutdown: Shutdown) -> ThreadClock {
        ThreadClock::with(Kind::Virtual(VirtualClock::new(), shutdown))
    }

    fn with(kind: Kind) -> ThreadClock {
        ThreadClock {
            kind,
            spawned: AtomicUsize::new(0),
            live: AtomicUsize::new(0),
            closed: AtomicBool::new(false),
        }
    }

    /// Opens the restaurant: restaurant time 0 is now, and the threads
    /// started so far may begin. Threads started later begin at once.
    pub fn open(&self) {
        // The virtual clock is at 0 until somebody sleeps, and its threads
        // wait for the baton anyway.
        if let Kind::Real(clock) = &self.kind {
            clock.start();
        }
    }

    /// Opens the restaurant, on the real clock, with restaurant time 0 at
    /// `origin`, a moment that may be past: a waiter process opens when
    /// the cashier did. The virtual clock has no wall time to set.
    pub fn open_at(&self, origin: Instant) {
        if let Kind::Real(clock) = &self.kind {
            clock.start_at(origin);
        }
    }

    /// Calls the shift off before it opened: the threads waiting for the
    /// opening start, and stop at their first wait.
    pub fn close(&self) {
        self.closed.store(true, Ordering::Relaxed);
        self.open();
    }

    /// Blocks the calling thread until restaurant time `at`.
    pub fn sleep_until(&self, at: Duration) -> Result<(), Interrupted> {
        if self.closed.load(Ordering::Relaxed) {
            return Err(Interrupted);
        }
        match &self.kind {
            Kind::Real(clock) => clock.sleep_until(at),
            Kind::Virtual(clock, shutdown) => {
                clock.sleep_until(at);
                if shutdown.is_triggered() {
                    Err(Interrupted)
                } else {
                    Ok(())
                }
            }
        }
    }

    /// Blocks the calling thread until `wait` is over.
    pub fn sleep(&self, wait: Wait) -> Result<(), Interrupted> {
        self.sleep_until(wait.until)
    }

    /// Starts `work` on a new OS thread within `scope`.
    pub fn spawn<'scope, 'env, T, F>(
        &'scope self,
        scope: &'scope Scope<'scope, 'env>,
        name: String,
        work: F,
    ) -> Result<Worker<'scope, T>, SpawnError>
    where
        T: Send + 'scope,
        F: FnOnce() -> T + Send + 'scope,
    {
        let budget = thread_budget();
        let live = self.live.fetch_add(1, Ordering::Relaxed);
        if live >= budget.threads {
            self.live.fetch_sub(1, Ordering::Relaxed);
            return Err(SpawnError::OverBudget {
                live,
                because: budget.because.clone(),
            });
        }
        let number = self.spawned.fetch_add(1, Ordering::Relaxed) + 1;
        let builder = std::thread::Builder::new()
            .name(name)
            .stack_size(STACK_SIZE);
        let refused = |source| {
            self.live.fetch_sub(1, Ordering::Relaxed);
            SpawnError::Refused { number, source }
        };
        match &self.kind {
            Kind::Real(clock) => {
                let gated = move || {
                    clock.wait_for_start();
                    work()
                };
                let handle = builder.spawn_scoped(scope, gated).map_err(refused)?;
                Ok(Worker {
                    handle: Some(handle),
                    participant: None,
                    clock: self,
                })
            }
            Kind::Virtual(clock, _) => {
                let p = clock.register();
                let spawned = builder.spawn_scoped(scope, move || {
                    clock.enter(p);
                    // Leaves the clock even if `work` panics, so the other
                    // threads are not left waiting for the baton forever.
                    let _leave = Leave(clock, p);
                    work()
                });
                match spawned {
                    Ok(handle) => {
                        clock.admit(p, handle.thread().clone());
                        Ok(Worker {
                            handle: Some(handle),
                            participant: Some(p),
                            clock: self,
                        })
                    }
                    Err(source) => {
                        clock.abandon(p);
                        Err(refused(source))
                    }
                }
            }
        }
    }

    /// How many threads this clock has started.
    pub fn threads_spawned(&self) -> usize {
        self.spawned.load(Ordering::Relaxed)
    }
}

impl Now for ThreadClock {
    fn now(&self) -> Duration {
        match &self.kind {
            Kind::Real(clock) => clock.now(),
            Kind::Virtual(clock, _) => clock.now(),
        }
    }
}

struct Leave<'a>(&'a VirtualClock, Participant);

impl Drop for Leave<'_> {
    fn drop(&mut self) {
        self.0.leave(self.1);
    }
}

/// A thread started by a [`ThreadClock`].
pub struct Worker<'scope, T> {
    handle: Option<ScopedJoinHandle<'scope, T>>,
    participant: Option<Participant>,
    clock: &'scope ThreadClock,
}

impl<T> Worker<'_, T> {
    /// Waits for the thread to end and returns what it returned. A panic in
    /// the thread is passed on to the caller.
    pub fn join(mut self) -> T {
        match self.join_thread() {
            Ok(value) => value,
            Err(panic) => std::panic::resume_unwind(panic),
        }
    }

    fn join_thread(&mut self) -> std::thread::Result<T> {
        // On the virtual clock, the joining thread must hand the baton
        // over before it blocks, or the thread it waits for could never
        // run.
        if let (Some(p), Kind::Virtual(clock, _)) = (self.participant.take(), &self.clock.kind) {
            clock.wait_for(p);
        }
        // unwrap is safe because the handle is only taken here, and this
        // runs once: from join, which consumes the worker, or from drop.
        let joined = self.handle.take().unwrap().join();
        self.clock.live.fetch_sub(1, Ordering::Relaxed);
        joined
    }
}

impl<T> Drop for Worker<'_, T> {
    // A worker dropped without join (an early return on error) is joined
    // here rather than by its scope, so that the clock and the count of
    // live threads both see it end.
    fn drop(&mut self) {
        if self.handle.is_some() {
            if let Err(panic) = self.join_thread() {
                if !std::thread::panicking() {
                    std::panic::resume_unwind(panic);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Mutex;

    /// Two threads sleeping in turn on the virtual clock interleave exactly
    /// by their wake-up times, and the clock ends at the latest one.
    #[test]
    fn the_virtual_clock_runs_threads_in_time_order() {
        let clock = ThreadClock::virtual_time(Shutdown::new());
        let log = Mutex::new(Vec::new());
        std::thread::scope(|s| {
            let sleeper = |name: &'static str, naps: &'static [u64]| {
                let (clock, log) = (&clock, &log);
                move || {
                    let mut at = Duration::ZERO;
                    for &nap in naps {
                        at += Duration::from_millis(nap);
                        clock.sleep_until(at).unwrap();
                        log.lock().unwrap().push((clock.now().as_millis(), name));
                    }
                }
            };
            let a = clock
                .spawn(s, "a".into(), sleeper("a", &[300, 300]))
                .unwrap();
            let b = clock
                .spawn(s, "b".into(), sleeper("b", &[200, 200, 200]))
                .unwrap();
            a.join();
            b.join();
        });
        assert_eq!(
            log.into_inner().unwrap(),
            [(200, "b"), (300, "a"), (400, "b"), (600, "a"), (600, "b")]
        );
        assert_eq!(clock.now(), Duration::from_millis(600));
        assert_eq!(clock.threads_spawned(), 2);
    }

    #[test]
    fn threads_joined_on_the_virtual_clock_can_spawn_their_own() {
        let clock = ThreadClock::virtual_time(Shutdown::new());
        let total = std::thread::scope(|s| {
            let outer = clock
                .spawn(s, "outer".into(), || {
                    std::thread::scope(|inner| {
                        let workers: Vec<_> = (1..=3u64)
                            .map(|i| {
                                let clock = &clock;
                                clock
                                    .spawn(inner, format!("inner {i}"), move || {
                                        clock.sleep_until(Duration::from_secs(i)).unwrap();
                                        i
                                    })
                                    .unwrap()
                            })
                            .collect();
                        workers.into_iter().map(Worker::join).sum::<u64>()
                    })
                })
                .unwrap();
            outer.join()
        });
        assert_eq!(total, 6);
        assert_eq!(clock.now(), Duration::from_secs(3));
    }

    #[test]
    fn a_dropped_worker_is_still_joined_through_the_virtual_clock() {
        let clock = ThreadClock::virtual_time(Shutdown::new());
        std::thread::scope(|s| {
            let clock = &clock;
            let _forgotten = clock
                .spawn(s, "w".into(), move || {
                    clock.sleep_until(Duration::from_secs(1))
                })
                .unwrap();
        });
        assert_eq!(clock.now(), Duration::from_secs(1));
    }

    #[test]
    fn threads_started_before_opening_wait_for_it() {
        let clock = ThreadClock::real(1000.0, Shutdown::new());
        std::thread::scope(|s| {
            let clock = &clock;
            let early = clock.spawn(s, "early".into(), move || clock.now()).unwrap();
            std::thread::sleep(Duration::from_millis(20));
            clock.open();
            // It saw the clock open, at 0 or just after; not 20 ms x 1000.
            assert!(early.join() < Duration::from_secs(10));
        });
    }

    #[test]
    fn a_clock_opened_in_the_past_is_already_running() {
        let clock = ThreadClock::real(1.0, Shutdown::new());
        std::thread::scope(|s| {
            let clock = &clock;
            let early = clock.spawn(s, "early".into(), move || clock.now()).unwrap();
            clock.open_at(Instant::now() - Duration::from_secs(60));
            assert!(early.join() >= Duration::from_secs(60));
        });
        // The first opening counts.
        clock.open();
        assert!(clock.now() >= Duration::from_secs(60));
    }

    #[test]
    fn a_closed_clock_fails_every_sleep() {
        let clock = ThreadClock::real(1.0, Shutdown::new());
        std::thread::scope(|s| {
            let clock = &clock;
            let waiter = clock
                .spawn(s, "w".into(), move || {
                    clock.sleep_until(Duration::from_secs(60))
                })
                .unwrap();
            clock.close();
            assert_eq!(waiter.join(), Err(Interrupted));
        });
    }

    #[test]
    fn the_real_clock_sleeps_for_compressed_time() {
        let clock = ThreadClock::real(100.0, Shutdown::new());
        clock.open();
        clock.sleep_until(Duration::from_secs(1)).unwrap();
        let now = clock.now();
        // Generous bounds: 1 s at speed 100 is 10 ms of wall time.
        assert!(
            now >= Duration::from_secs(1) && now < Duration::from_secs(60),
            "{now:?}"
        );
    }
}
