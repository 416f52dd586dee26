//! `asinc.py` on tokio's multi-thread runtime: what `#[tokio::main]`
//! gives, with a task spawned for each order.
//!
//! Every other line is the async model's. But each order is spawned as a
//! task of its own (`asyncio.create_task`), and the runtime runs tasks on
//! `--workers` threads (the machine's cores unless told otherwise), which
//! steal work from each other: concurrency *and* parallelism. Waiting does
//! not need parallelism, so the article's four orders take 7.5 s, as on
//! one thread; what the threads cost shows at scale. Tokio cannot pause
//! time on a multi-thread runtime, so this model runs on the real clock
//! only.

use tokio::task::JoinSet;

use super::event_loop::{self, gather, Coroutine, Waiter};
use super::{Served, Shift, Stop};
use crate::trace::EventKind;
use crate::workload::OrderId;

/// Asks for every order almost at the same moment, each in a task that
/// any worker thread may run.
async fn request_orders(waiter: Waiter) -> Result<(), Stop> {
    let mut tasks = JoinSet::new();
    while let Some(order) = waiter.take_order() {
        // `asyncio.create_task(self.request_order(order))`: a task owns
        // what it uses, so it gets a handle on the waiter of its own.
        let waiter = waiter.clone();
        tasks.spawn(async move { request_order(&waiter, order).await });
    }
    // `await asyncio.gather(*tasks)`
    while let Some(done) = tasks.join_next().await {
        event_loop::joined(done)?;
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

/// Serves every order with tasks on a multi-threaded event loop: the
/// cashier's `asyncio.run(...)`, as `#[tokio::main]` runs it.
pub fn serve(shift: &Shift) -> Result<Served, Stop> {
    event_loop::serve(shift, request_orders)
}
