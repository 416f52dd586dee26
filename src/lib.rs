//! mesonero makes the difference between blocking, threaded and
//! asynchronous I/O visible and measurable.
//!
//! It grows from an article that explains asynchrony with a restaurant: a
//! cashier queues orders, and waiters ask the kitchen for products that take
//! time to prepare. Every program of the article has a counterpart here.

pub mod workload;

pub use workload::{Menu, Order, Product, Workload, WorkloadError};
pub mod clock;
pub mod ideal;
pub mod kitchen;
pub mod restaurant;
pub mod trace;

pub use clock::{ClockKind, Shutdown};
pub use restaurant::{Model, Run, RunError, Setup};
pub use trace::{Event, EventKind, Trace};
