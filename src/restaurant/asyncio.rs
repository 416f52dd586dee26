//! The article's `asinc.py`: one waiter, every order and every product in
//! flight at once, on a single thread.
//!
//! `request_product` no longer blocks: it *awaits* the kitchen, handing
//! the thread back to the event loop (tokio's single-threaded runtime)
//! until the product is ready. So the waiter can ask for everything at
//! once, and the article's four orders take as long as the longest product,
//! the 7.5 s burger.
//!
//! `asyncio.gather(*coros)` becomes [`gather_many`] for the orders, which
//! polls only the coroutines woken and so scales to hundreds of
//! thousands, and [`gather`] for the few products of one order, which
//! polls them in turn; both stop at the first error, as `gather` raises
//! the first exception.
//!
//! `async def request_order` becomes a function that returns an `async
//! move` block, a `Coroutine` (see `event_loop.rs`), rather than an `async
//! fn`: the same coroutine, a little smaller, which counts when there are
//! a million.

use super::event_loop::{self, gather, gather_many, Coroutine, Waiter};
use super::{Served, Shift, Stop};
use crate::trace::EventKind;
use crate::workload::OrderId;

/// Asks for every order almost at the same moment, without waiting for
/// the previous one to be ready.
pub(crate) async fn request_orders(waiter: Waiter) -> Result<(), Stop> {
    // `coros = []`, with room for every order waiting (`qsize()`): a
    // list of a hundred thousand is not copied over and over as it grows.
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
        // `await asyncio.sleep(time_sleep)`: the thread goes back to the event
        // loop, which runs every other order meanwhile.
        waiter.clock().sleep(wait).await;
        // Computing, if the product needs any, is not a wait: it runs on the
        // loop's one thread and holds every other order up meanwhile.
        waiter.finish_product(order, item)?;
        Ok(())
    }
}

/// Serves every order on one thread, with an event loop: the cashier's
/// `asyncio.run(self.waiter.request_orders())`.
pub fn serve(shift: &Shift) -> Result<Served, Stop> {
    event_loop::serve(shift, request_orders)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// With a million orders and products in flight, every byte of their
    /// coroutines is a megabyte: each keeps its arguments once, and an
    /// order keeps the coroutines of its first four products inside,
    /// with 40 bytes of its own beside them. What they return is small
    /// too: it is copied back through every coroutine at every poll.
    #[test]
    fn an_order_and_a_product_stay_small() {
        fn order<F>(_: fn(&'static Waiter, OrderId) -> F) -> usize {
            std::mem::size_of::<F>()
        }
        fn product<F>(_: fn(&'static Waiter, OrderId, u16) -> F) -> usize {
            std::mem::size_of::<F>()
        }
        let (order, product) = (order(request_order), product(request_product));
        assert!(product <= 40, "a product's coroutine: {product} bytes");
        assert!(
            order <= 40 + 4 * product,
            "an order's coroutine: {order} bytes"
        );
        // And what each gives back at every poll, through every layer.
        let result = std::mem::size_of::<std::task::Poll<Result<(), Stop>>>();
        assert!(result <= 16, "a poll's result: {result} bytes");
    }
}
