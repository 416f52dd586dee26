//! The article's `threads.py`: one OS thread per waiter.
//!
//! The only change from `sync` is in the cashier: instead of calling each
//! waiter in turn, it starts a thread for each, and they share the queue.
//! Each waiter still blocks on every product, but while one stands at the
//! kitchen the other takes the next order. The article's two waiters take
//! 23.6 s.

use super::blocking::{self, join_all, Waiter};
use super::{Served, Shift, Stop};

/// Serves every order with one thread per waiter.
pub fn serve(shift: &Shift) -> Result<Served, Stop> {
    let service = blocking::open(shift);
    let waiters: Vec<Waiter> = service.staff(shift.setup.waiters);

    std::thread::scope(|scope| {
        // `Thread(target=waiter.request_orders).start()` for each waiter.
        // The article starts them after `Received orders`; here they are
        // started just before and wait for it, so that starting a thousand
        // threads is not counted as serving time. The log is the same.
        let threads = service.hire(scope, &waiters, Waiter::request_orders)?;
        service.receive_orders();
        join_all(threads)
    })?;
    Ok(Served {
        threads: service.threads(),
    })
}
