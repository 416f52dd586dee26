//! The async models' shift: the cashier starts an event loop, as the
//! article's `asyncio.run(self.waiter.request_orders())`, and every
//! waiter's `request_orders` runs on it.
//!
//! Everything the async models share is here: which runtime the model
//! needs, the slow-callback detector, the shutdown. A model file holds only
//! its waiter's three coroutines, so that two of them differ by the one
//! change they teach.

use std::future::Future;

use super::service::{self, Service};
use super::watch::Watch;
use super::{Model, Served, Shift, Stop};
use crate::clock::event_loop::{default_workers, Flavor};
pub use crate::clock::event_loop::{gather, gather_many};
use crate::clock::{EventLoop, Interrupted, LoopClock};

/// A waiter on an event loop.
pub type Waiter = service::Waiter<LoopClock>;

/// What an `async def` of the models gives: a coroutine that serves its
/// part of the shift, or stops it.
///
/// The coroutines there are one per order and one per product, a million
/// at a time, so each is written as a function that returns an `async
/// move` block rather than as an `async fn`. It is the same coroutine,
/// except that it keeps its arguments once: an `async fn` keeps each one
/// twice for as long as it runs (rust-lang/rust#62958): 8 bytes more in
/// every order and every product.
pub trait Coroutine: Future<Output = Result<(), Stop>> {}

impl<F: Future<Output = Result<(), Stop>>> Coroutine for F {}

/// Serves every order: opens the shift on an event loop and runs each
/// waiter's `request_orders` on it, all at once, until they are done or the
/// run is asked to stop.
pub fn serve<F, Fut>(shift: &Shift, request_orders: F) -> Result<Served, Stop>
where
    F: Fn(Waiter) -> Fut,
    Fut: Future<Output = Result<(), Stop>>,
{
    let setup = shift.setup;
    let flavor = match setup.model {
        Model::AsyncMulti => Flavor::MultiThread {
            workers: setup.event_loop.workers.unwrap_or_else(default_workers),
        },
        _ => Flavor::CurrentThread,
    };
    let watch = setup
        .event_loop
        .slow_callback
        .map(|threshold| Watch::new(threshold, shift.recorder.clone()));
    let event_loop = EventLoop::new(
        flavor,
        setup.clock,
        setup.event_loop.blocking_threads,
        watch.as_ref().map(Watch::turns),
    )?;
    let (served, threads) = event_loop.run(shift.shutdown, |clock| async move {
        let service = Service::open(shift, clock, watch);
        let waiters = service.staff(setup.waiters);
        service.receive_orders();
        gather(waiters.into_iter().map(request_orders)).await?;
        Ok::<(), Stop>(())
    });
    served?;
    Ok(Served { threads })
}

/// What a task gave back when joined: its own result, a panic passed on
/// (a bug in a model), or a stop if the runtime cancelled it.
pub fn joined(done: Result<Result<(), Stop>, tokio::task::JoinError>) -> Result<(), Stop> {
    match done {
        Ok(result) => result,
        Err(e) if e.is_panic() => std::panic::resume_unwind(e.into_panic()),
        Err(_) => Err(Interrupted.into()),
    }
}
