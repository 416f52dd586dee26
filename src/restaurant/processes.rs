//! Python's `multiprocessing`, applied to the article's `threads.py`: one OS
//! process per waiter.
//!
//! The only change from `threads` is what a waiter is: the cashier starts
//! a process for each (this same program, through its hidden
//! `waiter-process` command), instead of a thread. The processes share no
//! memory, so the queue of orders and the kitchen stay with the cashier,
//! and each waiter asks for them over a connection on the loopback
//! interface, and tells the cashier every event, which it merges into the
//! one trace. Each waiter runs the very blocking waiter of `threads`, on a
//! clock set to the cashier's opening.
//!
//! What it buys: a process computes on a core of its own, under a GIL of
//! its own, so `--gil` no longer makes waiters compute one at a time. What
//! it costs: a process to start per waiter, and a message for each order,
//! each product and each event.
//!
//! It runs on the real clock only: the virtual clock is kept inside one
//! process. A waiter process that dies mid-run fails the run, naming the
//! orders it held; Ctrl-C and SIGTERM stop every waiter process.
//!
//! The machinery is in `processes/`: the wire (`channel.rs`), which
//! carries the shared opening ([`crate::clock::Epoch`]), the staff of
//! processes, the cashier and its desk, and the waiter process's side,
//! [`child`].

mod cashier;
mod channel;
pub mod child;
mod desk;
mod error;
mod line;
mod staff;

pub(crate) use cashier::READY_WITHIN;
pub use channel::{Happened, ShiftSpec};
pub(crate) use child::open_shift;
pub(crate) use desk::{Merge, MAX_TIME};
pub use error::ProcessError;
pub(crate) use staff::{how, program, Staff};
pub use staff::{COMMAND, MAX_PROCESSES, PROGRAM_VAR};

use self::cashier::Cashier;
use super::{Served, Shift, Stop};

/// Serves every order with one OS process per waiter.
pub fn serve(shift: &Shift) -> Result<Served, Stop> {
    // Through a broker, the orders are on a Redis stream, and waiters may
    // join from anywhere (see `crate::broker`).
    if let Some(broker) = shift.broker {
        staff::check(shift.setup.waiters)?;
        let waiters = shift.setup.waiters;
        return crate::broker::cashier::serve(shift, broker, waiters, waiters.max(broker.awaited));
    }
    let mut cashier = Cashier::open(shift)?;

    // `Process(target=waiter.request_orders).start()` for each waiter:
    // each process calls the cashier back, and waits for the opening, so
    // that starting processes is hiring staff, not serving time.
    let mut waiters = cashier.hire(shift.setup.waiters)?;
    cashier.receive_orders(&mut waiters)?;
    // The cashier hands out orders and records events until every waiter
    // is done, then joins their processes.
    cashier.serve(waiters)?;
    Ok(Served {
        // The cashier's process and the waiters'.
        threads: 1 + shift.setup.waiters,
    })
}
