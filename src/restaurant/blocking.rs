//! The article's `Waiter`, for the models that block: it asks the kitchen
//! for a product and stands there until it is ready.
//!
//! `sync`, `threads` and `thread-per-product` share this waiter; they differ
//! in how the cashier calls waiters, and in how a waiter takes its orders.

use std::thread::Scope;
use std::time::Duration;

use super::{OrderQueue, Shift, Stop};
use crate::clock::{ClockKind, SpawnError, ThreadClock, Worker};
use crate::kitchen::Kitchen;
use crate::trace::{EventKind, Recorder, WaiterId};
use crate::workload::{OrderId, Workload};

/// What everyone on a blocking shift shares: the queue, the kitchen, the
/// clock and the record of what happened.
pub struct Service<'a> {
    /// The orders and menu.
    pub workload: &'a Workload,
    /// The orders not yet taken.
    pub orders: OrderQueue,
    /// Where products are prepared.
    pub kitchen: Kitchen,
    /// The clock every wait goes through.
    pub clock: ThreadClock,
    /// Where events go.
    pub recorder: &'a Recorder,
}

impl<'a> Service<'a> {
    /// Opens a shift: every order queued, the kitchen ready, the clock at 0.
    pub fn open(shift: &Shift<'a>) -> Service<'a> {
        let clock = match shift.setup.clock {
            ClockKind::Real { speed } => ThreadClock::real(speed, shift.shutdown.clone()),
            ClockKind::Virtual => ThreadClock::virtual_time(shift.shutdown.clone()),
        };
        Service {
            workload: shift.workload,
            orders: OrderQueue::new(shift.workload.orders().len()),
            kitchen: Kitchen::new(shift.setup.cooks),
            clock,
            recorder: shift.recorder,
        }
    }

    /// Waiters with badges 1 to `count`, working on this shift.
    pub fn staff(&self, count: usize) -> Vec<Waiter<'_, 'a>> {
        (1..=count as u32)
            .map(|id| Waiter { id, service: self })
            .collect()
    }

    /// The cashier has queued every order: the restaurant opens, and
    /// restaurant time starts.
    pub fn receive_orders(&self) {
        // Recorded before the opening, at time 0, so that no waiter can
        // take an order before the cashier has received them.
        self.log(0, 0, EventKind::ReceivedOrders);
        self.clock.open();
    }

    /// Starts a thread for each waiter, running `work`. The threads wait
    /// for the restaurant to open, so that starting a thousand of them is
    /// hiring staff, not serving time. If the operating system refuses a
    /// thread, the shift is called off and the ones started stop.
    pub fn hire<'scope, 'w, F>(
        &'scope self,
        scope: &'scope Scope<'scope, '_>,
        waiters: &'scope [Waiter<'w, 'a>],
        work: F,
    ) -> Result<Vec<Worker<'scope, Result<(), Stop>>>, Stop>
    where
        F: Fn(&'scope Waiter<'w, 'a>) -> Result<(), Stop> + Send + Sync + Copy + 'scope,
    {
        let mut threads = Vec::with_capacity(waiters.len());
        for waiter in waiters {
            match self
                .clock
                .spawn(scope, format!("waiter-{}", waiter.id), move || work(waiter))
            {
                Ok(thread) => threads.push(thread),
                Err(refused) => {
                    self.clock.close();
                    return refuse(threads, refused).map(|()| Vec::new());
                }
            }
        }
        Ok(threads)
    }

    /// Records an event now.
    pub fn log(&self, waiter: WaiterId, order: OrderId, kind: EventKind) -> Duration {
        self.recorder.record(&self.clock, waiter, order, kind)
    }

    /// The OS threads this shift used: the one that opened it, and every
    /// one it started.
    pub fn threads(&self) -> usize {
        1 + self.clock.threads_spawned()
    }
}

/// A waiter on a blocking shift.
pub struct Waiter<'s, 'a> {
    /// The waiter's badge number, from 1.
    pub id: WaiterId,
    /// The shift the waiter works on.
    pub service: &'s Service<'a>,
}

impl<'s, 'a> Waiter<'s, 'a> {
    /// While there are orders to serve, takes one and serves it.
    pub fn request_orders(&self) -> Result<(), Stop> {
        while let Some(order) = self.service.orders.get() {
            self.request_order(order)?;
        }
        Ok(())
    }

    /// Asks the kitchen for every product of an order, one after another,
    /// then dispatches it.
    pub fn request_order(&self, order: OrderId) -> Result<(), Stop> {
        self.service.log(self.id, order, EventKind::RequestOrder);
        for item in 0..self.service.workload.order(order).products.len() {
            self.request_product(order, item as u16)?;
        }
        self.dispatch_order(order);
        Ok(())
    }

    /// Asks the kitchen for one product and waits until it is handed over.
    pub fn request_product(&self, order: OrderId, item: u16) -> Result<(), Stop> {
        let service = self.service;
        let now = service.log(self.id, order, EventKind::RequestProduct { item });
        let preparation = service.workload.preparation(order, item as usize);
        let ready = service.kitchen.ready_at(now, preparation);
        // The article's `time.sleep(time_sleep)`: this thread can do
        // nothing else until the product is ready.
        service.clock.sleep_until(ready)?;
        service.log(self.id, order, EventKind::DoneProduct { item });
        Ok(())
    }

    /// Takes every product of a ready order to its table.
    pub fn dispatch_order(&self, order: OrderId) {
        let service = self.service;
        let items = service.workload.order(order).products.len();
        // `Done order!`, a `Dispatch` per product and `Done dispatch!`, all
        // at one moment and together in the log.
        let dispatch = EventKind::dispatch(items);
        service
            .recorder
            .record_all(&service.clock, self.id, order, dispatch);
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
