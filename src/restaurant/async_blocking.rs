//! The article's warning: `asinc.py` with `time.sleep` left in
//! `request_product`.
//!
//! Every other line is the async model's: the orders are gathered, the
//! products of each order are gathered, one waiter on one event loop. But
//! the waiter now calls the blocking sleep instead of awaiting the async
//! one, and a blocking call never gives the thread back: the event loop,
//! which has only this thread, can run nothing else until it returns. The
//! products are served one after another, as in `sync.py`, and the
//! article's four orders take 43.8 s, every preparation time added up. "All
//! the changes we made would be useless if we had kept using the `time`
//! module."
//!
//! The event loop's detector names the culprit, as asyncio's debug mode
//! does: each product's `request_product` held the loop for its whole
//! preparation time.

use super::event_loop::{self, gather, gather_many, Coroutine, Waiter};
use super::{Served, Shift, Stop};
use crate::trace::EventKind;
use crate::workload::OrderId;

/// Asks for every order almost at the same moment, without waiting for
/// the previous one to be ready.
async fn request_orders(waiter: Waiter) -> Result<(), Stop> {
    let mut coros = Vec::with_capacity(waiter.orders_waiting());
    while let Some(order) = waiter.take_order() {
        coros.push(request_order(&waiter, order));
    }
    // `await asyncio.gather(*coros)`
    gather_many(coros).await
}

/// Asks the kitchen for every product of the order at once, then
/// dispatches it.
fn request_order(waiter: &Waiter, order: OrderId) -> impl Coroutine + '_ {
    async move {
        waiter.log(order, EventKind::RequestOrder);
        let coros = waiter
            .items(order)
            .map(|item| request_product(waiter, order, item));
        // `await asyncio.gather(*coros)`
        gather(coros).await?;
        waiter.dispatch_order(order);
        Ok(())
    }
}

/// Asks the kitchen for one product and waits for it.
fn request_product(waiter: &Waiter, order: OrderId, item: u16) -> impl Coroutine + '_ {
    async move {
        let wait = waiter.ask_kitchen(order, item);
        // `time.sleep(time_sleep)`: the thread blocks, and the event loop,
        // which has no other, can run nothing else meanwhile.
        waiter.clock().thread_sleep(wait)?;
        waiter.finish_product(order, item)?;
        Ok(())
    }
}

/// Serves every order on one thread, with an event loop: the cashier's
/// `asyncio.run(self.waiter.request_orders())`.
pub fn serve(shift: &Shift) -> Result<Served, Stop> {
    event_loop::serve(shift, request_orders)
}
