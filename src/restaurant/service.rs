//! What every waiter does, whatever the model: take orders from the
//! cashier's queue, log what happens in the article's words, ask the
//! kitchen, dispatch a ready order.
//!
//! The models differ only in how a waiter *waits* for the kitchen, and in
//! how the cashier sets waiters to work; all the rest is here, once. A
//! [`Service`] is one shift: the queue, the kitchen, the clock and the
//! record of what happens. A [`Waiter`] is a badge number on that shift.

use std::sync::Arc;
use std::time::Duration;

use super::watch::Watch;
use super::{OrderQueue, Shift};
use crate::clock::{Interrupted, LoopClock, ThreadClock};
use crate::cpu::{Hold, Processor};
use crate::kitchen::{Kitchen, Wait};
use crate::trace::{EventKind, Recorder, WaiterId};
use crate::workload::{OrderId, Workload};

/// A clock a shift can run on: it tells restaurant time, holds a thread
/// that computes, and is told when the restaurant opens.
pub trait ShiftClock: Hold {
    /// The cashier has queued every order: restaurant time 0 is now.
    fn open(&self) {}
}

impl ShiftClock for ThreadClock {
    fn open(&self) {
        ThreadClock::open(self);
    }
}

/// The loop's time starts with the loop.
impl ShiftClock for LoopClock {}

/// What everyone on a shift shares: the queue, the kitchen, the CPU, the
/// clock and the record of what happens.
pub struct Service<C> {
    workload: Arc<Workload>,
    orders: OrderQueue,
    kitchen: Kitchen,
    cpu: Processor,
    clock: C,
    recorder: Arc<Recorder>,
    /// The slow-callback detector, on an event loop that has one.
    watch: Option<Watch>,
}

impl<C: ShiftClock> Service<C> {
    /// Opens a shift on `clock`: every order queued, the kitchen ready.
    pub fn open(shift: &Shift, clock: C, watch: Option<Watch>) -> Arc<Service<C>> {
        let orders = OrderQueue::new(shift.workload.orders().len());
        let kitchen = Kitchen::new(shift.setup.cooks);
        Service::open_at(shift, clock, watch, orders, kitchen)
    }

    /// Opens a shift on `clock` whose queue and kitchen are given: a
    /// waiter process's are the cashier's, in another process.
    pub fn open_at(
        shift: &Shift,
        clock: C,
        watch: Option<Watch>,
        orders: OrderQueue,
        kitchen: Kitchen,
    ) -> Arc<Service<C>> {
        let setup = shift.setup;
        Arc::new(Service {
            workload: Arc::clone(shift.workload),
            orders,
            kitchen,
            cpu: Processor::new(
                setup.clock,
                setup.cores(),
                setup.gil,
                shift.workload.has_cpu(),
                shift.shutdown,
            ),
            clock,
            recorder: Arc::clone(shift.recorder),
            watch,
        })
    }

    /// Waiters with badges 1 to `count`, working on this shift.
    pub fn staff(self: &Arc<Self>, count: usize) -> Vec<Waiter<C>> {
        (1..=count as u32)
            .map(|id| Waiter {
                id,
                service: Arc::clone(self),
            })
            .collect()
    }

    /// The cashier has queued every order (`Received orders`): the
    /// restaurant opens, and restaurant time starts.
    pub fn receive_orders(&self) {
        // Recorded before the opening, at time 0, so that no waiter can
        // take an order before the cashier has received them.
        self.log(0, 0, EventKind::ReceivedOrders);
        self.clock.open();
    }

    /// The clock every wait goes through.
    pub fn clock(&self) -> &C {
        &self.clock
    }

    /// Records an event now, and returns the time it used.
    fn log(&self, waiter: WaiterId, order: OrderId, kind: EventKind) -> Duration {
        self.log_all(waiter, order, [kind])
    }

    /// Records events of one moment together.
    fn log_all<I>(&self, waiter: WaiterId, order: OrderId, kinds: I) -> Duration
    where
        I: IntoIterator<Item = EventKind>,
    {
        let mut kinds = kinds.into_iter().peekable();
        let first = kinds.peek().copied();
        let at = self.recorder.record_all(&self.clock, waiter, order, kinds);
        // The stretch of the loop's time since the last event was this
        // code's: the detector times it.
        if let (Some(watch), Some(kind)) = (&self.watch, first) {
            watch.lap(at, waiter, kind.culprit(order));
        }
        at
    }
}

/// A waiter: a badge number on a shift. Cloning gives another handle on
/// the same waiter, for a task of its own.
pub struct Waiter<C> {
    /// The waiter's badge number, from 1.
    pub id: WaiterId,
    service: Arc<Service<C>>,
}

impl<C> Clone for Waiter<C> {
    fn clone(&self) -> Self {
        Waiter {
            id: self.id,
            service: Arc::clone(&self.service),
        }
    }
}

impl<C: ShiftClock> Waiter<C> {
    /// Takes the next order from the cashier's queue, if any is left: the
    /// article's `while not self.orders.empty(): self.orders.get()`.
    pub fn take_order(&self) -> Option<OrderId> {
        self.service.orders.get()
    }

    /// How many orders wait in the cashier's queue (`self.orders.qsize()`).
    pub fn orders_waiting(&self) -> usize {
        self.service.orders.waiting()
    }

    /// The positions of an order's products, to ask for each.
    pub fn items(&self, order: OrderId) -> std::ops::Range<u16> {
        0..self.service.workload.order(order).products.len() as u16
    }

    /// Records that `kind` happened to `order` now.
    pub fn log(&self, order: OrderId, kind: EventKind) -> Duration {
        self.service.log(self.id, order, kind)
    }

    /// Asks the kitchen for one product of an order (`Request burger. Wait
    /// 7.5 seg...`) and learns how long until it is ready: the article's
    /// `time_sleep`, which the waiter then waits for, in the model's way.
    pub fn ask_kitchen(&self, order: OrderId, item: u16) -> Wait {
        let service = &self.service;
        let now = self.log(order, EventKind::RequestProduct { item });
        let preparation = service.workload.preparation(order, item as usize);
        service.kitchen.ask(now, preparation)
    }

    /// The kitchen has handed a product over: the waiter does the
    /// computing it needs, on this thread (`Compute photo. CPU 1 seg...`),
    /// and the product is done (`Done photo`). For the article's products,
    /// pure waiting, it is only done.
    pub fn finish_product(&self, order: OrderId, item: u16) -> Result<(), Interrupted> {
        let service = &self.service;
        let cpu = service.workload.cpu(order, item as usize);
        if !cpu.is_zero() {
            service.cpu.compute(&service.clock, cpu, || {
                self.log(order, EventKind::Compute { item });
            })?;
        }
        self.log(order, EventKind::DoneProduct { item });
        Ok(())
    }

    /// Takes every product of a ready order to its table.
    pub fn dispatch_order(&self, order: OrderId) {
        let items = self.service.workload.order(order).products.len();
        // `Done order!`, a `Dispatch` per product and `Done dispatch!`, all
        // at one moment and together in the log.
        self.service
            .log_all(self.id, order, EventKind::dispatch(items));
    }

    /// The clock every wait goes through.
    pub fn clock(&self) -> &C {
        &self.service.clock
    }
}
