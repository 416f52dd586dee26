//! The models, the named sets of them, and how a run is staffed and timed.

use std::fmt;
use std::time::Duration;

use super::watch::DEFAULT_SLOW_CALLBACK;
use crate::clock::event_loop::DEFAULT_BLOCKING_THREADS;
use crate::clock::ClockKind;

/// One way of serving the restaurant.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, clap::ValueEnum)]
pub enum Model {
    /// Waiters called one after another; each blocks on every product.
    Sync,
    /// One OS thread per waiter, sharing the queue of orders.
    Threads,
    /// One OS thread for every order and every product.
    ThreadPerProduct,
    /// One waiter on one thread, every order and product in flight at once.
    Async,
    /// async with the article's mistake: a blocking sleep in the coroutine.
    AsyncBlocking,
    /// async with a forgotten gather: each order awaited in turn.
    AsyncSequential,
    /// async-blocking fixed: the blocking sleep handed to a thread pool.
    AsyncOffload,
    /// async on tokio's multi-thread runtime, a task per order (real clock).
    AsyncMulti,
    /// One OS process per waiter, the cashier's queue over a local
    /// connection (real clock).
    Processes,
}

impl Model {
    /// Every model: the article's, the lesson's, then waiters as processes.
    pub const ALL: [Model; 9] = [
        Model::Sync,
        Model::Threads,
        Model::ThreadPerProduct,
        Model::Async,
        Model::AsyncBlocking,
        Model::AsyncSequential,
        Model::AsyncOffload,
        Model::AsyncMulti,
        Model::Processes,
    ];

    /// The article's four programs, in its order.
    pub const ARTICLE: [Model; 4] = [
        Model::Sync,
        Model::Threads,
        Model::ThreadPerProduct,
        Model::Async,
    ];

    /// The article's warning: async, the blocking call that undoes it, the
    /// forgotten gather, and the fix.
    pub const LESSON_BLOCKING: [Model; 4] = [
        Model::Async,
        Model::AsyncBlocking,
        Model::AsyncSequential,
        Model::AsyncOffload,
    ];

    /// The model's name on the command line.
    pub fn name(self) -> &'static str {
        match self {
            Model::Sync => "sync",
            Model::Threads => "threads",
            Model::ThreadPerProduct => "thread-per-product",
            Model::Async => "async",
            Model::AsyncBlocking => "async-blocking",
            Model::AsyncSequential => "async-sequential",
            Model::AsyncOffload => "async-offload",
            Model::AsyncMulti => "async-multi",
            Model::Processes => "processes",
        }
    }

    /// How many waiters the article gives this model: two for the blocking
    /// ones, one for the others.
    pub fn default_waiters(self) -> usize {
        match self {
            Model::Sync | Model::Threads | Model::Processes => 2,
            _ => 1,
        }
    }

    /// Whether the model runs on an event loop, where a blocking call can
    /// hold every task up.
    pub fn has_event_loop(self) -> bool {
        !matches!(
            self,
            Model::Sync | Model::Threads | Model::ThreadPerProduct | Model::Processes
        )
    }

    /// Whether the model needs the real clock; see [`Model::why_real_clock`].
    pub fn needs_real_clock(self) -> bool {
        self.why_real_clock().is_some()
    }

    /// Why the model cannot run on the virtual clock, if it cannot.
    pub fn why_real_clock(self) -> Option<&'static str> {
        match self {
            Model::AsyncMulti => Some("tokio cannot pause time on a multi-thread runtime"),
            // The virtual clock hands one baton among the threads of one
            // process; a waiter in another process cannot hold it.
            Model::Processes => {
                Some("virtual time is kept inside one process, and its waiters are in others")
            }
            _ => None,
        }
    }

    /// The refusal of the model on the virtual clock, if it cannot run
    /// there: one sentence, with what to do instead.
    pub fn virtual_clock_refusal(self) -> Option<String> {
        self.why_real_clock().map(|why| {
            format!(
                "{self} cannot run on the virtual clock: {why}, so it runs on the real clock only; use --clock real (with --speed to go faster)"
            )
        })
    }

    /// Whether the model's waiters are OS processes: its count of OS
    /// threads is then one of processes, the cashier's and the waiters'.
    pub fn has_processes(self) -> bool {
        self == Model::Processes
    }

    /// Whether the model can run on `clock`.
    pub fn runs_on(self, clock: ClockKind) -> bool {
        !(self.needs_real_clock() && clock == ClockKind::Virtual)
    }

    /// Whether `--workers` means something to the model.
    pub fn has_workers(self) -> bool {
        self == Model::AsyncMulti
    }

    /// Whether `--blocking-threads` means something to the model.
    pub fn has_blocking_pool(self) -> bool {
        self == Model::AsyncOffload
    }
}

impl fmt::Display for Model {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A named set of models, for `--models`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ModelSet {
    /// The article's four programs.
    Article,
    /// The article's warning, side by side.
    LessonBlocking,
    /// Every model.
    All,
}

impl ModelSet {
    /// Every set.
    pub const EVERY: [ModelSet; 3] = [ModelSet::Article, ModelSet::LessonBlocking, ModelSet::All];

    /// The set's name on the command line.
    pub fn name(self) -> &'static str {
        match self {
            ModelSet::Article => "article",
            ModelSet::LessonBlocking => "lesson-blocking",
            ModelSet::All => "all",
        }
    }

    /// The models of the set, in order.
    pub fn models(self) -> &'static [Model] {
        match self {
            ModelSet::Article => &Model::ARTICLE,
            ModelSet::LessonBlocking => &Model::LESSON_BLOCKING,
            ModelSet::All => &Model::ALL,
        }
    }
}

/// How to staff and time one run.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Setup {
    /// The model.
    pub model: Model,
    /// Number of waiters, at least 1.
    pub waiters: usize,
    /// Number of cooks; `None` for as many as products.
    pub cooks: Option<usize>,
    /// The clock.
    pub clock: ClockKind,
    /// CPU cores the waiters' computing may use; `None` for this
    /// machine's. Only products with CPU time need one.
    pub cores: Option<usize>,
    /// Whether computing holds one lock per process, as Python's global
    /// interpreter lock does: threads then compute one at a time.
    pub gil: bool,
    /// The event loop's settings, for the models that have one.
    pub event_loop: LoopSettings,
}

impl Setup {
    /// The article's staffing of `model` (its waiters, as many cooks as
    /// products) on `clock`, with the event loop's defaults.
    pub fn new(model: Model, clock: ClockKind) -> Setup {
        Setup {
            model,
            waiters: model.default_waiters(),
            cooks: None,
            clock,
            cores: None,
            gil: false,
            event_loop: LoopSettings::default(),
        }
    }

    /// The cores the waiters compute on: as many as asked, or this
    /// machine's.
    pub fn cores(&self) -> usize {
        self.cores.unwrap_or_else(crate::cpu::machine_cores)
    }
}

/// The event loop's settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LoopSettings {
    /// Worker threads of a multi-threaded loop; `None` for the machine's
    /// cores.
    pub workers: Option<usize>,
    /// The most threads the blocking pool may start.
    pub blocking_threads: usize,
    /// A stretch of code holding the loop this long or longer is reported;
    /// `None` turns the detector off.
    pub slow_callback: Option<Duration>,
}

impl Default for LoopSettings {
    fn default() -> Self {
        LoopSettings {
            workers: None,
            blocking_threads: DEFAULT_BLOCKING_THREADS,
            slow_callback: Some(DEFAULT_SLOW_CALLBACK),
        }
    }
}
