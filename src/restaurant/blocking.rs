//! The article's `Waiter`, for the models that block: it asks the kitchen
//! for a product and stands there until it is ready.
//!
//! `sync`, `threads` and `thread-per-product` share this waiter; they differ
//! in how the cashier calls waiters, and in how a waiter takes its orders.
//! Their shift runs on a [`ThreadClock`], which also starts the threads.

use std::sync::Arc;
use std::thread::Scope;

use super::service::{self, Service};
use super::{Shift, Stop};
use crate::clock::{SpawnError, ThreadClock, Worker};
use crate::trace::EventKind;
use crate::workload::OrderId;

/// A waiter who blocks.
pub type Waiter = service::Waiter<ThreadClock>;

/// Opens a blocking shift, on the clock the setup asks for.
pub fn open(shift: &Shift) -> Arc<Service<ThreadClock>> {
    let clock = ThreadClock::new(shift.setup.clock, shift.shutdown.clone());
    Service::open(shift, clock, None)
}

impl Waiter {
    /// While there are orders to serve, takes one and serves it.
    pub fn request_orders(&self) -> Result<(), Stop> {
        while let Some(order) = self.take_order() {
            self.request_order(order)?;
        }
        Ok(())
    }

    /// Asks the kitchen for every product of an order, one after another,
    /// then dispatches it.
    pub fn request_order(&self, order: OrderId) -> Result<(), Stop> {
        self.log(order, EventKind::RequestOrder);
        for item in self.items(order) {
            self.request_product(order, item)?;
        }
        self.dispatch_order(order);
        Ok(())
    }

    /// Asks the kitchen for one product and waits until it is handed over.
    pub fn request_product(&self, order: OrderId, item: u16) -> Result<(), Stop> {
        let wait = self.ask_kitchen(order, item);
        // The article's `time.sleep(time_sleep)`: this thread can do
        // nothing else until the product is ready.
        self.clock().sleep(wait)?;
        // Then whatever computing the product needs, on this thread.
        self.finish_product(order, item)?;
        Ok(())
    }
}

impl Service<ThreadClock> {
    /// Starts a thread for each waiter, running `work`. The threads wait
    /// for the restaurant to open, so that starting a thousand of them is
    /// hiring staff, not serving time. If the operating system refuses a
    /// thread, the shift is called off and the ones started stop.
    pub fn hire<'scope, F>(
        &'scope self,
        scope: &'scope Scope<'scope, '_>,
        waiters: &'scope [Waiter],
        work: F,
    ) -> Result<Vec<Worker<'scope, Result<(), Stop>>>, Stop>
    where
        F: Fn(&'scope Waiter) -> Result<(), Stop> + Send + Sync + Copy + 'scope,
    {
        let mut threads = Vec::with_capacity(waiters.len());
        for waiter in waiters {
            match self
                .clock()
                .spawn(scope, format!("waiter-{}", waiter.id), move || work(waiter))
            {
                Ok(thread) => threads.push(thread),
                Err(refused) => {
                    self.clock().close();
                    return refuse(threads, refused).map(|()| Vec::new());
                }
            }
        }
        Ok(threads)
    }

    /// The OS threads this shift used: the one that opened it, and every
    /// one it started.
    pub fn threads(&self) -> usize {
        1 + self.clock().threads_spawned()
    }
}

/// Waits for every thread, keeping the first reason any of them stopped
/// early.
pub(super) fn join_all(threads: Vec<Worker<'_, Result<(), Stop>>>) -> Result<(), Stop> {
    threads
        .into_iter()
        .map(Worker::join)
        .fold(Ok(()), Result::and)
}

/// Stops after the operating system refused a thread: waits for the
/// threads already started, then reports the refusal, which explains any
/// other way they stopped.
pub(super) fn refuse(
    threads: Vec<Worker<'_, Result<(), Stop>>>,
    refused: SpawnError,
) -> Result<(), Stop> {
    // Their own outcome (finished, or stopped by the closed clock) is
    // less telling than the refusal.
    let _ = join_all(threads);
    Err(refused.into())
}
