//! The article's `sync.py`: the cashier calls each waiter in turn.
//!
//! The cashier hands the queue to waiter 1 and waits for them to finish;
//! waiter 1 serves order after order, standing still while each product is
//! prepared, and only then is waiter 2 called, to find the queue empty.
//! Every preparation time adds up: 43.8 s for the article's four orders.

use super::blocking::{self, Waiter};
use super::{Served, Shift, Stop};

/// Serves every order on the calling thread.
pub fn serve(shift: &Shift) -> Result<Served, Stop> {
    let service = blocking::open(shift);
    let waiters: Vec<Waiter> = service.staff(shift.setup.waiters);

    service.receive_orders();
    // One after the other: waiter 2 starts only when waiter 1 is done.
    for waiter in &waiters {
        waiter.request_orders()?;
    }
    Ok(Served {
        threads: service.threads(),
    })
}
