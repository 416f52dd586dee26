//! The article's `threads.py`: one OS thread per waiter.
//!
//! The only change from `sync` is in the cashier: instead of calling each
//! waiter in turn, it starts a thread for each, and they share the queue.
//! Each waiter still blocks on every product, but while one stands at the
//! kitchen the other takes the next order. The article's two waiters take
//! 23.6 s.

use super::waiter::join_all;
use super::{Served, Service, Shift, Stop, Waiter};
use crate::trace::EventKind;

/// Serves every order with one thread per waiter.
pub fn serve(shift: &Shift) -> Result<Served, Stop> {
    let service = Service::open(shift);
    let waiters: Vec<Waiter> = (1..=shift.setup.waiters)
        .map(|id| Waiter {
            id: id as u32,
            service: &service,
        })
        .collect();

    service.log(0, 0, EventKind::ReceivedOrders);
    std::thread::scope(|scope| {
        let mut threads = Vec::with_capacity(waiters.len());
        for waiter in &waiters {
            // `Thread(target=waiter.request_orders).start()`
            let thread = service
                .clock
                .spawn(scope, format!("waiter-{}", waiter.id), || {
                    waiter.request_orders()
                })?;
            threads.push(thread);
        }
        join_all(threads)
    })?;
    Ok(Served {
        threads: service.threads(),
    })
}
