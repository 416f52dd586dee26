//! The idea the article leaves aside: "we could create a thread for every
//! product, but that is costly".
//!
//! It is `asinc.py` written with OS threads: where the async waiter gathers
//! a coroutine per order and per product, this waiter starts a thread per
//! order and a thread per product, and joins them. On the article's
//! workload it is as fast as async (7.5 s); the cost shows at scale, in
//! threads started, memory, and the operating system's limits.

use super::blocking::{self, join_all, refuse, Waiter};
use super::{Served, Shift, Stop};
use crate::trace::EventKind;
use crate::workload::OrderId;

/// Serves every order with a thread per waiter, per order and per product.
pub fn serve(shift: &Shift) -> Result<Served, Stop> {
    let service = blocking::open(shift);
    let waiters: Vec<Waiter> = service.staff(shift.setup.waiters);

    std::thread::scope(|scope| {
        let threads = service.hire(scope, &waiters, request_orders)?;
        service.receive_orders();
        join_all(threads)
    })?;
    Ok(Served {
        threads: service.threads(),
    })
}

/// Takes every order off the queue at once, each on its own thread.
fn request_orders(waiter: &Waiter) -> Result<(), Stop> {
    let clock = waiter.clock();
    std::thread::scope(|scope| {
        let mut orders = Vec::new();
        while let Some(order) = waiter.take_order() {
            match clock.spawn(scope, format!("order-{order}"), move || {
                request_order(waiter, order)
            }) {
                Ok(thread) => orders.push(thread),
                // Stop taking orders, but let the ones in flight finish.
                Err(refused) => return refuse(orders, refused),
            }
        }
        join_all(orders)
    })
}

/// Asks for every product of an order at once, one thread each, and
/// dispatches the order when the last one is ready.
fn request_order(waiter: &Waiter, order: OrderId) -> Result<(), Stop> {
    waiter.log(order, EventKind::RequestOrder);
    std::thread::scope(|scope| {
        let mut products = Vec::new();
        for item in waiter.items(order) {
            let name = format!("order-{order}-item-{item}");
            match waiter
                .clock()
                .spawn(scope, name, move || waiter.request_product(order, item))
            {
                Ok(thread) => products.push(thread),
                Err(refused) => return refuse(products, refused),
            }
        }
        join_all(products)
    })?;
    waiter.dispatch_order(order);
    Ok(())
}
