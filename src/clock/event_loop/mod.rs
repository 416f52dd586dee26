//! The event loop of the async models: tokio's runtime, built in one
//! place for every async model and either clock.
//!
//! - On the real clock it is a normal runtime: single-threaded
//!   (`current_thread`, asyncio's one loop on one thread) or multi-threaded
//!   (`multi_thread`, what `#[tokio::main]` gives), with a pool of threads
//!   for blocking calls handed to [`LoopClock::spawn_blocking`].
//! - On the virtual clock it is a single-threaded runtime with paused time:
//!   when every task is waiting, time jumps to the next timer. A blocking
//!   call ([`LoopClock::thread_sleep`]) moves that time on by exactly the
//!   blocked duration while nothing else runs, and the blocking pool is
//!   simulated (see `pool.rs`). Tokio cannot pause a multi-threaded
//!   runtime, so that flavour is refused there.
//!
//! [`EventLoop::run`] races the work against the shutdown signal, and can
//! tell an observer each time a thread of the loop gets to work or goes
//! idle: the turns of the loop, which the slow-callback detector times.

mod gather;
mod loop_clock;
mod nap;
mod pool;
mod timers;

use std::future::Future;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock};

use thiserror::Error;

pub use gather::{gather, gather_many, Gather, IN_TURN_UP_TO};
pub use loop_clock::LoopClock;
pub use nap::Nap;

use super::{ClockKind, Interrupted, Shutdown};

/// Threads in the blocking pool unless told otherwise: tokio's own default.
pub const DEFAULT_BLOCKING_THREADS: usize = 512;

/// How the loop runs its tasks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flavor {
    /// One thread runs every task, as asyncio's loop does.
    CurrentThread,
    /// Tasks spread over `workers` threads that steal work from each other.
    MultiThread {
        /// Worker threads.
        workers: usize,
    },
}

/// A thread of the loop starting or ending a turn of work.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Turn {
    /// The thread got to work: the loop woke up, or the run began.
    Begins,
    /// The thread is about to go idle, or the run is over.
    Ends,
}

/// Told of every [`Turn`] of every thread of the loop, with the loop's
/// clock; runs on the thread concerned.
pub type TurnObserver = Arc<dyn Fn(&LoopClock, Turn) + Send + Sync>;

/// The event loop could not be built.
#[derive(Debug, Error)]
pub enum LoopError {
    /// A multi-threaded loop on the virtual clock.
    #[error("tokio cannot pause time on a multi-thread runtime, so it runs on the real clock only; use --clock real (with --speed to go faster)")]
    NoVirtualMultiThread,
    /// The operating system refused the runtime's threads or driver.
    #[error("cannot start the async runtime: {0}")]
    Runtime(#[from] std::io::Error),
}

/// A tokio runtime, ready to run one shift of work.
pub struct EventLoop {
    runtime: tokio::runtime::Runtime,
    flavor: Flavor,
    clock: ClockKind,
    blocking_threads: usize,
    /// The loop's clock, once the run has made it; the turn observer needs
    /// it, and is installed before it exists.
    made: Arc<OnceLock<LoopClock>>,
    observer: Option<TurnObserver>,
    started: Arc<AtomicUsize>,
}

impl EventLoop {
    /// Builds the runtime. `blocking_threads` caps the pool that
    /// [`LoopClock::spawn_blocking`] uses (tokio's `max_blocking_threads`).
    pub fn new(
        flavor: Flavor,
        clock: ClockKind,
        blocking_threads: usize,
        observer: Option<TurnObserver>,
    ) -> Result<EventLoop, LoopError> {
        let mut builder = match flavor {
            Flavor::CurrentThread => tokio::runtime::Builder::new_current_thread(),
            Flavor::MultiThread { workers } => {
                if clock == ClockKind::Virtual {
                    return Err(LoopError::NoVirtualMultiThread);
                }
                let mut builder = tokio::runtime::Builder::new_multi_thread();
                builder.worker_threads(workers.max(1));
                builder
            }
        };
        builder
            .enable_time()
            .max_blocking_threads(blocking_threads.max(1));
        if clock == ClockKind::Virtual {
            builder.start_paused(true);
        }
        // Every thread the runtime starts, workers and blocking pool alike.
        let started = Arc::new(AtomicUsize::new(0));
        let counter = Arc::clone(&started);
        builder.on_thread_start(move || {
            counter.fetch_add(1, Ordering::Relaxed);
        });
        let made = Arc::new(OnceLock::<LoopClock>::new());
        // Paused time moves only while the loop's thread is parked (or when
        // the loop moves it on itself): the clock reads it again after.
        let paused = clock == ClockKind::Virtual;
        if paused || observer.is_some() {
            let (made, observer) = (Arc::clone(&made), observer.clone());
            builder.on_thread_unpark(move || {
                if let Some(clock) = made.get() {
                    if paused {
                        clock.time_moved();
                    }
                    if let Some(observer) = &observer {
                        observer(clock, Turn::Begins);
                    }
                }
            });
        }
        if let Some(observer) = &observer {
            let (made, observer) = (Arc::clone(&made), Arc::clone(observer));
            builder.on_thread_park(move || {
                if let Some(clock) = made.get() {
                    observer(clock, Turn::Ends);
                }
            });
        }
        Ok(EventLoop {
            runtime: builder.build()?,
            flavor,
            clock,
            blocking_threads: blocking_threads.max(1),
            made,
            observer,
            started,
        })
    }

    /// Runs `work` with the loop's clock until it is done, or fails with
    /// [`Interrupted`] as soon as `shutdown` fires. Returns what the work
    /// returned and the OS threads that took part, the calling one
    /// included.
    pub fn run<T, E, F, Fut>(self, shutdown: &Shutdown, work: F) -> (Result<T, E>, usize)
    where
        F: FnOnce(LoopClock) -> Fut,
        Fut: Future<Output = Result<T, E>>,
        E: From<Interrupted>,
    {
        let EventLoop {
            runtime,
            flavor,
            clock,
            blocking_threads,
            made,
            observer,
            started,
        } = self;
        let (result, simulated) = runtime.block_on(async {
            // Made inside the runtime, whose (maybe paused) time it reads.
            let clock = LoopClock::new(clock, shutdown.clone(), blocking_threads);
            let _ = made.set(clock.clone());
            // The calling thread is the loop's only when the loop has one
            // thread; on a multi-threaded loop it only waits for the work,
            // and the workers' park hooks tell their turns.
            let turn = |edge| {
                if let (Some(observer), Flavor::CurrentThread) = (&observer, flavor) {
                    observer(&clock, edge);
                }
            };
            turn(Turn::Begins);
            // The loop's alarm rings its timers; it runs beside the work,
            // as tokio's own timer driver would, and never ends.
            let alarm = clock.alarm();
            // Unconstrained: tokio's cooperative budget would make a timer
            // that is ready look pending after 128 polls, and every look at
            // the hundreds of thousands of futures would start over; this
            // work is the loop's only work, so there is no one to be fair to.
            let work = tokio::task::unconstrained(work(clock.clone()));
            // `biased`: the work first, so a run on the virtual clock is
            // deterministic.
            let result = tokio::select! {
                biased;
                result = work => result,
                () = shutdown.triggered() => Err(Interrupted.into()),
                never = alarm => match never {},
            };
            turn(Turn::Ends);
            (result, clock.simulated_threads())
        });
        // Dropping the runtime waits for the blocking pool's threads, whose
        // sleeps a shutdown cuts short.
        drop(runtime);
        (result, 1 + started.load(Ordering::Relaxed) + simulated)
    }
}

/// The machine's cores: how many workers a multi-threaded loop gets unless
/// told otherwise, as `#[tokio::main]` does.
pub fn default_workers() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

#[cfg(test)]
mod tests;
