//! mesonero makes the difference between blocking, threaded and
//! asynchronous I/O visible and measurable.
//!
//! It grows from an article that explains asynchrony with a restaurant: a
//! cashier queues orders, and waiters ask the kitchen for products that take
//! time to prepare. Every program of the article has a counterpart here, and
//! the same model code runs on a real clock and on a virtual one.
//!
//! # Layout
//!
//! - [`workload`]: the menu and the orders; the article's, from a file, or
//!   generated.
//! - [`clock`]: real and virtual time, for threads and for async tasks.
//! - [`kitchen`]: where products take time, with optional limited cooks.
//! - [`cpu`]: work that needs a core: simulated cores on the virtual
//!   clock, real computing on the real one, and Python's GIL.
//! - [`crew`]: workers given jobs in order, each to the one free first:
//!   the kitchen's cooks, and a simulated pool of threads.
//! - [`restaurant`]: the models, one file each: the article's four
//!   (`sync`, `threads`, `thread-per-product`, `async`), its warning
//!   (`async-blocking`, `async-sequential`, `async-offload`,
//!   `async-multi`) and waiters as OS processes (`processes`), and
//!   [`restaurant::run`].
//! - [`trace`]: the events of a run and the invariants checked on them.
//! - [`ideal`]: each model's makespan computed on paper.
//! - [`latency`]: the article's latency table, at human scale and
//!   measured on this machine.
//! - [`report`]: renderers: the article's log, JSON lines, tables.
//! - [`people`]: the people API of `asinc2.py`: its data, a local,
//!   swapi-compatible server with artificial latency and failures, and the
//!   client's three fetch models.
//! - [`race`]: the article's race on `BALANCE`, with no lock, a mutex or
//!   an atomic; model-checked with loom in `tests/loom_race.rs`.
//! - [`cli`] and [`commands`]: the `mesonero` command line; [`alloc`], its
//!   allocator.

pub mod alloc;
pub mod broker;
pub mod cli;
pub mod clock;
pub mod commands;
pub mod cpu;
pub mod crew;
pub mod ideal;
pub mod kitchen;
pub mod latency;
pub mod people;
pub mod race;
pub mod report;
pub mod restaurant;
pub mod trace;
pub mod workload;

pub use clock::{ClockKind, Shutdown};
pub use restaurant::{Model, Run, RunError, Setup};
pub use trace::{Event, EventKind, Trace};
pub use workload::{Menu, Order, Product, Workload, WorkloadError};
