//! The article's `asinc.py`: one waiter, every order and every product in
//! flight at once, on a single thread.
//!
//! `request_product` no longer blocks: it *awaits* the kitchen, handing
//! the thread back to the event loop (tokio's single-threaded runtime)
//! until the product is ready. So the waiter can ask for everything at
//! once, and the article's four orders take as long as the longest product,
//! the 7.5 s burger.
//!
//! `asyncio.gather(*coros)` becomes [`FuturesUnordered`] for the orders,
//! which wakes only the futures that are ready and so scales to hundreds of
//! thousands, and [`join_all`] for the few products of one order.

use std::time::Duration;

use futures::future::join_all;
use futures::stream::{FuturesUnordered, StreamExt};

use super::{OrderQueue, Served, Shift, Stop};
use crate::clock::{ClockKind, Interrupted, TokioClock};
use crate::kitchen::Kitchen;
use crate::trace::{EventKind, Recorder, WaiterId};
use crate::workload::{OrderId, Workload};

/// What the async shift shares. Everything runs on one thread, so nothing
/// here needs a lock held across an `.await`.
struct Service<'a> {
    workload: &'a Workload,
    orders: OrderQueue,
    kitchen: Kitchen,
    clock: TokioClock,
    recorder: &'a Recorder,
}

impl Service<'_> {
    fn log(&self, waiter: WaiterId, order: OrderId, kind: EventKind) -> Duration {
        self.recorder.record(&self.clock, waiter, order, kind)
    }
}

/// An async waiter.
struct Waiter<'s, 'a> {
    id: WaiterId,
    service: &'s Service<'a>,
}

impl Waiter<'_, '_> {
    /// Asks for every order almost at the same moment, without waiting for
    /// the previous one to be ready.
    async fn request_orders(&self) {
        let mut coros = FuturesUnordered::new();
        while let Some(order) = self.service.orders.get() {
            coros.push(self.request_order(order));
        }
        // `await asyncio.gather(*coros)`
        while coros.next().await.is_some() {}
    }

    /// Asks the kitchen for every product of the order at once, then
    /// dispatches it.
    async fn request_order(&self, order: OrderId) {
        self.service.log(self.id, order, EventKind::RequestOrder);
        let items = 0..self.service.workload.order(order).products.len() as u16;
        join_all(items.map(|item| self.request_product(order, item))).await;
        self.dispatch_order(order);
    }

    /// Asks the kitchen for one product and awaits it: the article's
    /// `await asyncio.sleep(time_sleep)`, which lets the event loop run
    /// every other order meanwhile.
    async fn request_product(&self, order: OrderId, item: u16) {
        let service = self.service;
        service.log(self.id, order, EventKind::RequestProduct { item });
        let preparation = service.workload.preparation(order, item as usize);
        let ready = service
            .kitchen
            .ready_at(crate::clock::Now::now(&service.clock), preparation);
        service.clock.sleep_until(ready).await;
        service.log(self.id, order, EventKind::DoneProduct { item });
    }

    /// Takes every product of a ready order to its table.
    fn dispatch_order(&self, order: OrderId) {
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

/// Serves every order on one thread, with an event loop.
pub fn serve(shift: &Shift) -> Result<Served, Stop> {
    // The event loop: tokio's single-threaded runtime. On the virtual
    // clock its time is paused and jumps to the next timer whenever every
    // task is waiting.
    let mut builder = tokio::runtime::Builder::new_current_thread();
    builder.enable_time();
    let speed = match shift.setup.clock {
        ClockKind::Real { speed } => speed,
        ClockKind::Virtual => {
            builder.start_paused(true);
            1.0
        }
    };
    let runtime = builder.build()?;

    runtime.block_on(async {
        let service = Service {
            workload: shift.workload,
            orders: OrderQueue::new(shift.workload.orders().len()),
            kitchen: Kitchen::new(shift.setup.cooks),
            clock: TokioClock::new(speed),
            recorder: shift.recorder,
        };
        let waiters: Vec<Waiter> = (1..=shift.setup.waiters)
            .map(|id| Waiter {
                id: id as u32,
                service: &service,
            })
            .collect();

        service.log(0, 0, EventKind::ReceivedOrders);
        // Unconstrained: tokio's cooperative budget would make a timer
        // that is ready look pending after 128 polls, and every look at the
        // hundreds of thousands of orders would start over; the orders
        // here are the only work on this runtime, so there is no one to be
        // fair to.
        let work = tokio::task::unconstrained(join_all(
            waiters.iter().map(|waiter| waiter.request_orders()),
        ));
        // `biased`: check the work first, so that the run is deterministic
        // on the virtual clock.
        tokio::select! {
            biased;
            _ = work => Ok(()),
            () = shift.shutdown.triggered() => Err(Interrupted),
        }
    })?;
    Ok(Served { threads: 1 })
}
