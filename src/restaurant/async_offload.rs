//! The fix, when a library has no async version: `async-blocking` with
//! its blocking call handed to a pool of threads.
//!
//! Every other line is `async-blocking`'s: the same blocking sleep, the
//! article's `time.sleep`. But the waiter no longer calls it on the event
//! loop's thread: it hands it to tokio's blocking pool (`spawn_blocking`,
//! asyncio's `loop.run_in_executor`) and awaits the answer, so the loop
//! goes on with every other order meanwhile. The article's four orders take
//! 7.5 s again. The pool has at most `--blocking-threads` threads (tokio's
//! `max_blocking_threads`, 512 unless told otherwise); with fewer threads
//! than products in flight, products wait for a free thread in the order
//! they were asked for, and the threads are what the blocking calls cost.

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
        // `await loop.run_in_executor(None, time.sleep, time_sleep)`: the
        // call still blocks, but a pool thread, while the loop runs every
        // other order.
        waiter
            .clock()
            .spawn_blocking(move |thread| thread.thread_sleep(wait))
            .await?;
        waiter.finish_product(order, item)?;
        Ok(())
    }
}

/// Serves every order on one thread, with an event loop: the cashier's
/// `asyncio.run(self.waiter.request_orders())`.
pub fn serve(shift: &Shift) -> Result<Served, Stop> {
    event_loop::serve(shift, request_orders)
}
