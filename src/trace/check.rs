//! The invariants of a correct service, checked on a trace.
//!
//! A model with a bug (a product fetched twice, an order dispatched before
//! its burger is ready) shows up here, whatever the model and the clock.
//!
//! In a trace with re-deliveries, an order may have been served twice, in
//! part or in full: the invariants hold for one attempt of each, and the
//! others are only checked to name what the workload has (`attempts.rs`).

use std::time::Duration;

use thiserror::Error;

use super::{EventKind, Trace, WaiterId};
use crate::workload::OrderId;

mod attempts;

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

const NEVER: u64 = u64::MAX;

/// "once" or "never", as the message of a count says it.
fn times(expected: u32) -> &'static str {
    if expected == 0 {
        "never"
    } else {
        "once"
    }
}

#[derive(Clone, Copy)]
struct ProductState {
    requested: u32,
    computed: u32,
    done: u32,
    dispatched: u32,
    requested_at: u64,
    done_at: u64,
}

#[derive(Clone, Copy, Default)]
struct OrderState {
    taken: u32,
    done: u32,
    dispatched: u32,
    done_at: Option<Duration>,
}

pub(super) fn check(trace: &Trace) -> Result<(), InvariantError> {
    let workload = trace.workload();
    // One flat slot per product of every order: linear time and memory for
    // traces of millions of events.
    let mut first_slot = Vec::with_capacity(workload.orders().len() + 1);
    let mut total = 0;
    for order in workload.orders() {
        first_slot.push(total);
        total += order.products.len();
    }
    first_slot.push(total);
    let blank = ProductState {
        requested: 0,
        computed: 0,
        done: 0,
        dispatched: 0,
        requested_at: NEVER,
        done_at: NEVER,
    };
    let mut products = vec![blank; total];
    let mut orders = vec![OrderState::default(); workload.orders().len()];
    let mut attempts = attempts::Attempts::of(trace);

    let mut received = 0;
    for (index, e) in trace.events().iter().enumerate() {
        if e.kind() == EventKind::ReceivedOrders {
            received += 1;
            continue;
        }
        let o = e.order() as usize;
        let unknown = || InvariantError::Unknown {
            index,
            order: e.order(),
            item: e.kind().item(),
        };
        if o >= orders.len() {
            return Err(unknown());
        }
        let order = &mut orders[o];
        if let Some(attempts) = attempts.as_mut() {
            if !attempts.counts(e)? {
                let item = e.kind().item();
                if item.is_some_and(|item| first_slot[o] + item >= first_slot[o + 1]) {
                    return Err(unknown());
                }
                // One dispatch in all, whoever sends it.
                if e.kind() == EventKind::DoneDispatch {
                    order.dispatched += 1;
                }
                continue;
            }
        }
        let at = e.at();
        let micros = at.as_micros() as u64;
        if let Some(item) = e.kind().item() {
            if first_slot[o] + item >= first_slot[o + 1] {
                return Err(unknown());
            }
            let name = || workload.product_name(e.order(), item).to_string();
            let p = &mut products[first_slot[o] + item];
            match e.kind() {
                EventKind::RequestProduct { .. } => {
                    if order.taken == 0 {
                        return Err(InvariantError::OutOfOrder {
                            order: e.order(),
                            what: format!(
                                "{} (item {item}) requested before a waiter took the order",
                                name()
                            ),
                        });
                    }
                    p.requested += 1;
                    p.requested_at = micros;
                }
                EventKind::Compute { .. } => {
                    if p.requested_at == NEVER || micros < p.requested_at || p.done > 0 {
                        return Err(InvariantError::OutOfOrder {
                            order: e.order(),
                            what: format!(
                                "{} (item {item}) computed outside its request and its end",
                                name()
                            ),
                        });
                    }
                    p.computed += 1;
                }
                EventKind::DoneProduct { .. } => {
                    if p.requested_at == NEVER || micros < p.requested_at {
                        return Err(InvariantError::OutOfOrder {
                            order: e.order(),
                            what: format!("{} (item {item}) done before it was requested", name()),
                        });
                    }
                    p.done += 1;
                    p.done_at = micros;
                }
                _ => {
                    if order.done_at.is_none() {
                        return Err(InvariantError::OutOfOrder {
                            order: e.order(),
                            what: format!(
                                "{} (item {item}) dispatched before the order was done",
                                name()
                            ),
                        });
                    }
                    p.dispatched += 1;
                }
            }
            continue;
        }
        match e.kind() {
            EventKind::RequestOrder => {
                if received == 0 {
                    return Err(InvariantError::OutOfOrder {
                        order: e.order(),
                        what: "taken before the cashier received the orders".into(),
                    });
                }
                order.taken += 1;
            }
            EventKind::DoneOrder => {
                let (from, to) = (first_slot[o], first_slot[o + 1]);
                if let Some(item) = (from..to)
                    .find(|&s| products[s].done_at == NEVER || products[s].done_at > micros)
                {
                    return Err(InvariantError::OutOfOrder {
                        order: e.order(),
                        what: format!(
                            "done before {} (item {}) was ready",
                            workload.product_name(e.order(), item - from),
                            item - from
                        ),
                    });
                }
                order.done += 1;
                order.done_at = Some(at);
            }
            EventKind::DoneDispatch => {
                if order.done_at.is_none() {
                    return Err(InvariantError::OutOfOrder {
                        order: e.order(),
                        what: "dispatched before it was done".into(),
                    });
                }
                order.dispatched += 1;
            }
            _ => {}
        }
    }

    if received != 1 {
        return Err(InvariantError::Received(received));
    }
    for (o, order) in orders.iter().enumerate() {
        let id = o as OrderId;
        for (item, p) in products[first_slot[o]..first_slot[o + 1]]
            .iter()
            .enumerate()
        {
            // A product computes once if it needs CPU time, else never.
            let computes = u32::from(!workload.cpu(id, item).is_zero());
            for (what, count, expected) in [
                ("requested", p.requested, 1),
                ("computed", p.computed, computes),
                ("done", p.done, 1),
                ("dispatched", p.dispatched, 1),
            ] {
                if count != expected {
                    return Err(InvariantError::ProductCount {
                        order: id,
                        item,
                        what,
                        count,
                        expected,
                    });
                }
            }
        }
        for (what, count) in [
            ("taken", order.taken),
            ("done", order.done),
            ("dispatched", order.dispatched),
        ] {
            if count != 1 {
                return Err(InvariantError::OrderCount {
                    order: id,
                    what,
                    count,
                });
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests;
