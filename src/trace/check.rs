//! The invariants of a correct service, checked on a trace.
//!
//! A model with a bug (a product fetched twice, an order dispatched before
//! its burger is ready) shows up here, whatever the model and the clock.
//!
//! In a trace with re-deliveries, an order may have been served twice, in
//! part or in full: the invariants hold for one attempt of each, and the
//! others are only checked to name what the workload has (`attempts.rs`).
//!
//! A large trace is checked in parts, each a range of the orders, on as
//! many threads as there are cores (`part.rs`).

use std::thread;

use thiserror::Error;

use super::{Trace, WaiterId};
use crate::workload::OrderId;

mod attempts;
mod part;

/// A broken invariant: the run did something a restaurant must not.
#[derive(Debug, Error, PartialEq, Eq)]
pub enum InvariantError {
    /// The cashier received the orders more or fewer times than once.
    #[error("the cashier received the orders {0} times, not once")]
    Received(u32),
    /// An event names an order or product the workload does not have.
    #[error("event {index} names order {order} item {item:?}, which the workload does not have")]
    Unknown {
        /// Position of the event in the trace.
        index: usize,
        /// The order it names.
        order: OrderId,
        /// The product position it names, if any.
        item: Option<usize>,
    },
    /// A product requested, done or dispatched more or fewer times than
    /// once, or computed a number of times other than once if it needs CPU
    /// time and never if not.
    #[error("order {order} item {item} was {what} {count} times, not {}", times(*expected))]
    ProductCount {
        /// The order.
        order: OrderId,
        /// The product's position in the order.
        item: usize,
        /// `requested`, `computed`, `done` or `dispatched`.
        what: &'static str,
        /// How many times.
        count: u32,
        /// How many times it should have been.
        expected: u32,
    },
    /// An order done or dispatched more or fewer times than once.
    #[error("order {order} was {what} {count} times, not once")]
    OrderCount {
        /// The order.
        order: OrderId,
        /// `done` or `dispatched`.
        what: &'static str,
        /// How many times.
        count: u32,
    },
    /// Something happened before what must come first, or a re-delivery
    /// from a waiter that had not taken the order.
    #[error("order {order}: {what}")]
    OutOfOrder {
        /// The order.
        order: OrderId,
        /// What came too early.
        what: String,
    },
    /// Two waiters served one order, which was never re-delivered: in a
    /// trace with re-deliveries, only a re-delivered order may have events
    /// of two waiters.
    #[error(
        "order {order} was served by waiter {first} and by waiter {second}, and never re-delivered"
    )]
    TwoWaiters {
        /// The order.
        order: OrderId,
        /// The first waiter with an event for it.
        first: WaiterId,
        /// Another.
        second: WaiterId,
    },
}

/// "once" or "never", as the message of a count says it.
fn times(expected: u32) -> &'static str {
    if expected == 0 {
        "never"
    } else {
        "once"
    }
}

/// A trace is checked in one part for each this many of its events, at
/// most one per core: a second thread is worth starting from two million
/// events (about 450,000 products), where a pass takes tens of
/// milliseconds.
const EVENTS_PER_PART: usize = 1 << 20;

/// The most parts a trace is checked in.
const MAX_PARTS: usize = 8;

/// Checks `trace`: in one part, or a large trace in as many as there are
/// cores.
pub(super) fn check(trace: &Trace) -> Result<(), InvariantError> {
    let parts = trace.events().len() / EVENTS_PER_PART;
    if parts <= 1 {
        return in_parts(trace, 1);
    }
    // Asked only of a large trace: finding the cores reads the process's
    // control-group files, longer than checking a small trace takes.
    let cores = thread::available_parallelism().map_or(1, usize::from);
    in_parts(trace, parts.min(cores).min(MAX_PARTS))
}

/// Checks `trace` in `parts` ranges of its orders, as one pass over every
/// order would, with each part but the first on a thread of its own.
fn in_parts(trace: &Trace, parts: usize) -> Result<(), InvariantError> {
    let orders = trace.workload().orders().len();
    // A trace with re-deliveries (a broker's, small) is checked in one
    // part: whose events count depends on every waiter's.
    let attempts = attempts::Attempts::of(trace);
    let parts = if attempts.is_some() {
        1
    } else {
        parts.clamp(1, orders.max(1))
    };
    if parts == 1 {
        return part::check(trace, 0..orders, true, attempts).map_err(|found| found.error);
    }
    let range = |i: usize| orders * i / parts..orders * (i + 1) / parts;
    let last = |i: usize| i == parts - 1;
    let found = thread::scope(|scope| {
        // If a thread cannot be started, its part is checked here too.
        let others: Vec<_> = (1..parts)
            .map(|i| {
                let part = move || part::check(trace, range(i), last(i), None);
                (i, thread::Builder::new().spawn_scoped(scope, part).ok())
            })
            .collect();
        let mut found = vec![part::check(trace, range(0), last(0), None)];
        for (i, handle) in others {
            found.push(match handle {
                // A panic in a part is a bug: passed on as it is.
                Some(handle) => handle
                    .join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic)),
                None => part::check(trace, range(i), last(i), None),
            });
        }
        found
    });
    match found
        .into_iter()
        .filter_map(Result::err)
        .min_by_key(part::Found::when)
    {
        Some(found) => Err(found.error),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests;
