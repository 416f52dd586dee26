//! The forgotten `gather`: `asinc.py` with each order awaited in turn.
//!
//! Every other line is the async model's: the sleep is awaited, so the
//! loop is never blocked, and the products of one order are gathered. But
//! `request_orders` awaits each order before taking the next (`for order
//! in orders: await self.request_order(order)`), so only one order is in
//! flight at a time. `await` alone runs nothing concurrently; `gather` (or
//! a task) is what puts coroutines "in parallel", as the article says. The
//! article's four orders take the sum of each order's longest product,
//! 7.5 + 7.5 + 1.2 + 7.5 = 23.7 s.

use super::event_loop::{self, gather, Coroutine, Waiter};
use super::{Served, Shift, Stop};
use crate::trace::EventKind;
use crate::workload::OrderId;

/// Asks for each order in turn, waiting for it to be dispatched before
/// taking the next.
async fn request_orders(waiter: Waiter) -> Result<(), Stop> {
    while let Some(order) = waiter.take_order() {
        // `await self.request_order(order)`, with no `gather`: the next
        // order waits until this one is dispatched.
        request_order(&waiter, order).await?;
    }
    Ok(())
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
        // `await asyncio.sleep(time_sleep)`: the thread goes back to the event
        // loop, which runs every other order meanwhile.
        waiter.clock().sleep(wait).await;
        waiter.finish_product(order, item)?;
        Ok(())
    }
}

/// Serves every order on one thread, with an event loop: the cashier's
/// `asyncio.run(self.waiter.request_orders())`.
pub fn serve(shift: &Shift) -> Result<Served, Stop> {
    event_loop::serve(shift, request_orders)
}
