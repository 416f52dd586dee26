//! The restaurant of the article, served by nine models.
//!
//! A cashier queues the orders and calls the waiters; a waiter takes an
//! order, asks the kitchen for each product, waits, and dispatches the
//! order. The models differ only in *how a waiter waits*:
//!
//! | model | file | the article's |
//! | --- | --- | --- |
//! | `sync` | [`sync`] | `sync.py`: waiters called one after another, each blocking on every product |
//! | `threads` | [`threads`] | `threads.py`: one OS thread per waiter |
//! | `thread-per-product` | [`thread_per_product`] | "we could create a thread for every product" |
//! | `async` | [`asyncio`] | `asinc.py`: one waiter, every order and product in flight on one thread |
//! | `async-blocking` | [`async_blocking`] | its warning: `time.sleep` left in the coroutine |
//! | `async-sequential` | [`async_sequential`] | each order awaited in turn, without `gather` |
//! | `async-offload` | [`async_offload`] | the fix: the blocking call run on a thread pool |
//! | `async-multi` | [`async_multi`] | tokio's multi-thread runtime, a task per order |
//! | `processes` | [`processes`] | `multiprocessing`: one OS process per waiter, each with its own GIL |
//!
//! What every waiter does is in `service.rs`; the blocking waiter of the
//! first three in `blocking.rs`, which `processes` runs in each waiter
//! process; the async models' event loop, and its detector of blocking
//! code, in `event_loop.rs` and `watch.rs`.
//!
//! [`run`] serves a workload with one model and returns its [`Run`]: the
//! trace, checked, with the figures `compare` prints.

pub mod async_blocking;
pub mod async_multi;
pub mod async_offload;
pub mod async_sequential;
pub mod asyncio;
pub(crate) mod blocking;
mod event_loop;
mod model;
pub mod processes;
mod queue;
pub(crate) mod service;
pub mod sync;
pub mod thread_per_product;
pub mod threads;
mod watch;

use std::sync::Arc;
use std::time::{Duration, Instant};

use thiserror::Error;

pub use model::{LoopSettings, Model, ModelSet, Setup};
pub use processes::ProcessError;
pub use queue::OrderQueue;
pub use watch::DEFAULT_SLOW_CALLBACK;

use crate::broker::{BrokerError, BrokerSettings};
use crate::clock::event_loop::LoopError;
use crate::clock::{thread_budget, ClockKind, Interrupted, Shutdown, SpawnError};
use crate::cpu::{self, affinity, usage};
use crate::ideal;
use crate::trace::{EventKind, InvariantError, Observer, Recorder, Trace, MAX_WAITERS};
use crate::workload::list_orders;
use crate::workload::Workload;

/// Everything a model needs to serve: the workload, the staff's setup, where
/// to record what happens, and the signal to stop.
pub struct Shift<'a> {
    /// The orders and menu.
    pub workload: &'a Arc<Workload>,
    /// The model's staffing and clock.
    pub setup: &'a Setup,
    /// Where every event goes.
    pub recorder: &'a Arc<Recorder>,
    /// Asked to stop (Ctrl-C) on the real clock.
    pub shutdown: &'a Shutdown,
    /// The broker the `processes` model's waiters take orders from, if
    /// any; without one, they take them from the cashier.
    pub broker: Option<&'a BrokerSettings>,
}

/// What a model says about a run, beyond its trace.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Served {
    /// OS threads that took part, counting the one that started the run;
    /// for a model whose waiters are processes, the processes.
    pub threads: usize,
}

/// Why a model stopped before serving every order.
///
/// Every coroutine of the async models returns a `Result<(), Stop>`, a
/// million of them polled over and over: the causes that carry names and
/// messages are boxed, so that the result is 16 bytes where it was 56,
/// copied back through every coroutine at every poll.
#[derive(Debug, Error)]
pub enum Stop {
    /// Asked to stop.
    #[error(transparent)]
    Interrupted(#[from] Interrupted),
    /// The operating system would not start another thread.
    #[error(transparent)]
    Spawn(Box<SpawnError>),
    /// The event loop could not be built.
    #[error(transparent)]
    EventLoop(#[from] LoopError),
    /// A waiter process could not start, or was lost.
    #[error(transparent)]
    Process(Box<ProcessError>),
    /// The broker failed, or the run on it could not finish.
    #[error(transparent)]
    Broker(Box<BrokerError>),
}

impl From<SpawnError> for Stop {
    fn from(e: SpawnError) -> Stop {
        Stop::Spawn(Box::new(e))
    }
}

impl From<ProcessError> for Stop {
    fn from(e: ProcessError) -> Stop {
        Stop::Process(Box::new(e))
    }
}

impl From<BrokerError> for Stop {
    fn from(e: BrokerError) -> Stop {
        Stop::Broker(Box::new(e))
    }
}

/// One model's service of a workload, with its figures.
#[derive(Debug, Clone)]
pub struct Run {
    /// How it was staffed and timed.
    pub setup: Setup,
    /// OS threads that took part (processes, for `processes`).
    pub threads: usize,
    /// Every event.
    pub trace: Trace,
    /// Wall time the run took.
    pub wall: Duration,
    /// CPU time the run used: measured on the real clock (the process's
    /// and its children's, computing and overhead alike), simulated
    /// exactly on the virtual one (the products' CPU time).
    pub cpu: Duration,
    /// The ideal makespan for this model and workload (see [`ideal`]).
    pub ideal: Duration,
}

impl Run {
    /// When the last order was dispatched, in restaurant time.
    pub fn makespan(&self) -> Duration {
        self.trace.makespan()
    }

    /// How many cores were busy on average: CPU time over the run's time
    /// (wall time on the real clock, restaurant time on the virtual one).
    /// 0 for a run that took no time.
    pub fn cores_busy(&self) -> f64 {
        let elapsed = match self.setup.clock {
            ClockKind::Real { .. } => self.wall,
            ClockKind::Virtual => self.makespan(),
        };
        if elapsed.is_zero() {
            return 0.0;
        }
        self.cpu.as_secs_f64() / elapsed.as_secs_f64()
    }
}

/// Why a run failed. An incomplete run keeps the trace of what happened.
#[derive(Debug, Error)]
pub enum RunError {
    /// A setup no restaurant can work with, such as no waiters.
    #[error("{0}")]
    BadSetup(String),
    /// Stopped by a stop request; the trace tells which orders were pending.
    #[error("{model} interrupted: {} of {} orders were still pending", trace.pending_orders().len(), trace.workload().orders().len())]
    Interrupted {
        /// The model.
        model: Model,
        /// What happened before the stop.
        trace: Trace,
    },
    /// A model could not get the threads it needed.
    #[error("{model} stopped: {source}; {}", spawn_hint(*model))]
    Spawn {
        /// The model.
        model: Model,
        /// What the operating system said.
        source: SpawnError,
        /// What happened before the stop.
        trace: Trace,
    },
    /// The event loop could not be built.
    #[error(transparent)]
    EventLoop(LoopError),
    /// A waiter process was lost mid-run, and the others were stopped.
    #[error("{model} failed: {source}; {} of {} orders were still pending", trace.pending_orders().len(), trace.workload().orders().len())]
    Process {
        /// The model.
        model: Model,
        /// Which waiter was lost, how, and the orders it held.
        source: ProcessError,
        /// What happened before.
        trace: Trace,
    },
    /// A run through a broker that could not finish: the broker lost, the
    /// deadline passed, or no waiter left.
    #[error("{model} failed: {source}; {} of {} orders unserved: {}", trace.pending_orders().len(), trace.workload().orders().len(), list_orders(&trace.pending_orders()))]
    Broker {
        /// The model.
        model: Model,
        /// What failed.
        source: BrokerError,
        /// What happened before.
        trace: Trace,
    },
    /// The trace breaks an invariant: a bug in a model.
    #[error("{model} broke an invariant: {source}")]
    Invariant {
        /// The model.
        model: Model,
        /// What was broken.
        source: InvariantError,
    },
}

/// Serves `workload` with `setup`, passing each event to `observer` as it
/// happens, and checks the trace.
pub fn run(
    workload: &Arc<Workload>,
    setup: &Setup,
    observer: Option<Observer>,
    shutdown: &Shutdown,
) -> Result<Run, RunError> {
    run_through(workload, setup, None, observer, shutdown)
}

/// [`run`], with the `processes` model's waiters taking their orders from
/// `broker`, if given: `setup.waiters` is then how many waiter processes
/// the cashier starts itself (0 for none: they join from elsewhere).
pub fn run_through(
    workload: &Arc<Workload>,
    setup: &Setup,
    broker: Option<&BrokerSettings>,
    observer: Option<Observer>,
    shutdown: &Shutdown,
) -> Result<Run, RunError> {
    check(setup, broker.is_some())?;
    // On the real clock, `--cores` pins every thread (and process) the run
    // starts to that many cores, until the run ends.
    let _pinned = match (setup.clock, setup.cores) {
        (ClockKind::Real { .. }, Some(cores)) => {
            affinity::pin(cores).map_err(|e| RunError::BadSetup(e.to_string()))?
        }
        _ => None,
    };
    let recorder = Arc::new(Recorder::new(Arc::clone(workload), observer));
    let shift = Shift {
        workload,
        setup,
        recorder: &recorder,
        shutdown,
        broker,
    };
    let cpu_before = usage::used();
    let started = Instant::now();
    let served = match setup.model {
        Model::Sync => sync::serve(&shift),
        Model::Threads => threads::serve(&shift),
        Model::ThreadPerProduct => thread_per_product::serve(&shift),
        Model::Async => asyncio::serve(&shift),
        Model::AsyncBlocking => async_blocking::serve(&shift),
        Model::AsyncSequential => async_sequential::serve(&shift),
        Model::AsyncOffload => async_offload::serve(&shift),
        Model::AsyncMulti => async_multi::serve(&shift),
        Model::Processes => processes::serve(&shift),
    };
    let wall = started.elapsed();
    let cpu = match setup.clock {
        ClockKind::Real { .. } => usage::used().saturating_sub(cpu_before),
        ClockKind::Virtual => workload.cpu_total(),
    };
    let trace = recorder.take_trace();
    let served = match served {
        Ok(served) => served,
        Err(Stop::Interrupted(_)) => {
            return Err(RunError::Interrupted {
                model: setup.model,
                trace,
            })
        }
        Err(Stop::Spawn(source)) => {
            return Err(RunError::Spawn {
                model: setup.model,
                source: *source,
                trace,
            })
        }
        Err(Stop::EventLoop(e)) => return Err(RunError::EventLoop(e)),
        Err(Stop::Process(e)) if e.is_bad_setup() => return Err(RunError::BadSetup(e.to_string())),
        Err(Stop::Process(source)) => {
            return Err(RunError::Process {
                model: setup.model,
                source: *source,
                trace,
            })
        }
        Err(Stop::Broker(e)) if e.is_bad_input() => return Err(RunError::BadSetup(e.to_string())),
        Err(Stop::Broker(source)) => {
            return Err(RunError::Broker {
                model: setup.model,
                source: *source,
                trace,
            })
        }
    };
    trace.check().map_err(|source| RunError::Invariant {
        model: setup.model,
        source,
    })?;
    // Through a broker, the waiters are those who served, wherever from;
    // and if one of them held several orders at once (`waiter --async`),
    // the ideal is the async waiter's.
    let setup = match broker {
        Some(_) => Setup {
            waiters: waiters_of(&trace),
            ..*setup
        },
        None => *setup,
    };
    let ideal_setup = match broker {
        Some(_) if holds_several(&trace) => Setup {
            model: Model::Async,
            ..setup
        },
        _ => setup,
    };
    Ok(Run {
        ideal: ideal::makespan(workload, &ideal_setup),
        setup,
        threads: served.threads,
        trace,
        wall,
        cpu,
    })
}

/// How many waiters took part in a run: those named by an event.
fn waiters_of(trace: &Trace) -> usize {
    let mut seen: Vec<_> = trace
        .events()
        .iter()
        .map(|e| e.waiter())
        .filter(|&w| w > 0)
        .collect();
    seen.sort_unstable();
    seen.dedup();
    seen.len()
}

/// Whether a waiter took an order before it had dispatched, or lost, the
/// one it held: an async waiter.
fn holds_several(trace: &Trace) -> bool {
    let mut held: std::collections::HashMap<u32, usize> = std::collections::HashMap::new();
    trace.events().iter().any(|e| {
        let (waiter, more) = match e.kind() {
            EventKind::RequestOrder => (e.waiter(), true),
            EventKind::DoneDispatch => (e.waiter(), false),
            // The order is no longer the lost waiter's.
            EventKind::Redelivered { from } => (u32::from(from), false),
            _ => return false,
        };
        let count = held.entry(waiter).or_default();
        *count = if more {
            *count + 1
        } else {
            count.saturating_sub(1)
        };
        *count > 1
    })
}

/// What to try when a model runs out of threads.
fn spawn_hint(model: Model) -> &'static str {
    match model {
        Model::ThreadPerProduct => {
            "try fewer orders, or the async model, which needs no thread per product"
        }
        _ => {
            "try fewer waiters, or the async model, which serves any number of orders on one thread"
        }
    }
}

/// Refuses setups that cannot be served, with the reason.
fn check(setup: &Setup, through_broker: bool) -> Result<(), RunError> {
    let bad = |reason: String| Err(RunError::BadSetup(reason));
    // Through a broker, waiters may all come from elsewhere.
    let fewest = usize::from(!through_broker);
    if setup.waiters < fewest || setup.waiters > MAX_WAITERS as usize {
        return bad(format!(
            "a restaurant needs between 1 and {MAX_WAITERS} waiters, not {}",
            setup.waiters
        ));
    }
    if setup.cooks == Some(0) {
        return bad("a kitchen needs at least one cook".to_string());
    }
    if let Some(cores) = setup.cores {
        if cores == 0 || cores > cpu::MAX_CORES {
            return bad(format!(
                "a run needs between 1 and {} cores, not {cores}",
                cpu::MAX_CORES
            ));
        }
    }
    if let ClockKind::Real { speed } = setup.clock {
        if !(speed.is_finite() && speed > 0.0) {
            return bad(format!(
                "the clock's speed must be a positive number, not {speed}"
            ));
        }
    }
    if let (Some(refusal), ClockKind::Virtual) = (setup.model.virtual_clock_refusal(), setup.clock)
    {
        return bad(refusal);
    }
    let loop_settings = &setup.event_loop;
    if setup.model.has_event_loop() && loop_settings.slow_callback == Some(Duration::ZERO) {
        return bad("the slow-callback threshold must be positive".to_string());
    }
    // Every thread counts against the system's limit; past it, the
    // operating system aborts the process from inside the new thread.
    let budget = thread_budget();
    let threads = match setup.model {
        Model::AsyncMulti => loop_settings.workers.unwrap_or(0),
        Model::AsyncOffload => loop_settings.blocking_threads,
        _ => 0,
    };
    if threads >= budget.threads {
        return bad(format!(
            "{threads} threads are more than this system allows ({}, so at most {} here)",
            budget.because,
            budget.threads - 1
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn impossible_setups_are_refused_with_a_reason() {
        let workload = Arc::new(Workload::article());
        let setup = Setup {
            waiters: 0,
            ..Setup::new(Model::Sync, ClockKind::Virtual)
        };
        let refused = |setup: Setup| {
            run(&workload, &setup, None, &Shutdown::new())
                .unwrap_err()
                .to_string()
        };
        assert_eq!(
            refused(setup),
            "a restaurant needs between 1 and 524287 waiters, not 0"
        );
        assert_eq!(
            refused(Setup {
                waiters: 1,
                cooks: Some(0),
                ..setup
            }),
            "a kitchen needs at least one cook"
        );
        let clock = ClockKind::Real { speed: f64::NAN };
        assert_eq!(
            refused(Setup {
                waiters: 1,
                clock,
                ..setup
            }),
            "the clock's speed must be a positive number, not NaN"
        );
    }
}
