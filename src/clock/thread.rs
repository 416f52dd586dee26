//! The clock the threaded models hold, with thread spawning and joining.
//!
//! On the real clock, spawning and joining are the standard library's. On
//! the virtual clock they must also tell the clock, which runs one thread
//! at a time and needs to know who is waiting for whom.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::thread::{Scope, ScopedJoinHandle};
use std::time::Duration;

use thiserror::Error;

use super::virtual_threads::Participant;
use super::{Interrupted, Now, RealClock, Shutdown, VirtualClock};

/// Stack size of the threads the models start. Their work is shallow, and a
/// small stack lets thousands of threads start quickly.
const STACK_SIZE: usize = 256 * 1024;

/// The operating system refused to start another thread.
#[derive(Debug, Error)]
#[error("the operating system refused to start thread number {number} ({source})")]
pub struct SpawnError {
    /// How many threads had been started before, plus one.
    pub number: usize,
    /// What the operating system said.
    #[source]
    pub source: std::io::Error,
}

/// A real or virtual clock for models that use OS threads.
pub struct ThreadClock {
    kind: Kind,
    spawned: AtomicUsize,
}

enum Kind {
    Real(RealClock),
    /// The virtual clock never waits, but a long run should still stop
    /// when asked.
    Virtual(VirtualClock, Shutdown),
}

impl ThreadClock {
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
        }
    }

    /// Blocks the calling thread until restaurant time `at`.
    pub fn sleep_until(&self, at: Duration) -> Result<(), Interrupted> {
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
        let number = self.spawned.fetch_add(1, Ordering::Relaxed) + 1;
        let builder = std::thread::Builder::new()
            .name(name)
            .stack_size(STACK_SIZE);
        let refused = |source| SpawnError { number, source };
        match &self.kind {
            Kind::Real(_) => {
                let handle = builder.spawn_scoped(scope, work).map_err(refused)?;
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
                        clock.admit(p);
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
        self.wait_on_clock();
        // unwrap is safe because the handle is only taken here or in drop.
        let handle = self.handle.take().unwrap();
        handle
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
    }

    /// On the virtual clock, the joining thread must hand the baton over
    /// before it blocks, or the thread it waits for could never run.
    fn wait_on_clock(&mut self) {
        if let (Some(p), Kind::Virtual(clock, _)) = (self.participant.take(), &self.clock.kind) {
            clock.wait_for(p);
        }
    }
}

impl<T> Drop for Worker<'_, T> {
    // A worker dropped without join (an early return on error) is joined by
    // its scope; on the virtual clock that join must go through the clock.
    fn drop(&mut self) {
        if self.handle.is_some() {
            self.wait_on_clock();
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
    fn the_real_clock_sleeps_for_compressed_time() {
        let clock = ThreadClock::real(100.0, Shutdown::new());
        clock.sleep_until(Duration::from_secs(1)).unwrap();
        let now = clock.now();
        // Generous bounds: 1 s at speed 100 is 10 ms of wall time.
        assert!(
            now >= Duration::from_secs(1) && now < Duration::from_secs(60),
            "{now:?}"
        );
    }
}
