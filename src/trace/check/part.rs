//! One pass of the check over a trace, for a range of its orders.
//!
//! The events of one order never affect another's invariants, so the
//! orders can be split into ranges, each checked by its own pass over the
//! whole trace: on a large run, one pass per core. Every pass counts the
//! cashier's `Received orders` itself, and each reports the first broken
//! invariant it finds with where it found it ([`Found`]), so that the
//! check reports what one pass over every order would.

use std::ops::Range;

use super::attempts::Attempts;
use super::InvariantError;
use crate::trace::{EventKind, Trace};
use crate::workload::OrderId;

/// A moment that has not come (yet).
const NEVER: u64 = u64::MAX;

/// How many times something happened to a product or an order. Two bytes,
/// not four: a large run checks a million products at once, and any count
/// but 0 or 1 is already an error. Counts stop at 65,535.
type Count = u16;

/// What a pass has seen of one product: 24 bytes.
#[derive(Clone, Copy)]
struct ProductState {
    /// In microseconds, as events keep time; [`NEVER`] until it happens.
    requested_at: u64,
    done_at: u64,
    requested: Count,
    computed: Count,
    done: Count,
    dispatched: Count,
}

/// What a pass has seen of one order. Whether it is done is `done > 0`.
#[derive(Clone, Copy, Default)]
struct OrderState {
    taken: Count,
    done: Count,
    dispatched: Count,
}

/// One more, stopping at the most a [`Count`] holds.
fn bump(count: &mut Count) {
    *count = count.saturating_add(1);
}

/// A broken invariant, and where a single pass over every order would
/// have found it: the earliest ([`Found::when`]) is the one to report.
#[derive(Debug)]
pub(super) struct Found {
    stage: Stage,
    /// The event's position in the trace, in [`Stage::Pass`]; the order's
    /// id, in [`Stage::Counts`].
    at: usize,
    pub(super) error: InvariantError,
}

impl Found {
    /// When a single pass over every order would have found it.
    pub(super) fn when(&self) -> (Stage, usize) {
        (self.stage, self.at)
    }
}

/// When a single pass finds a broken invariant, in the order it finds
/// them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(super) enum Stage {
    /// At an event, in the pass over the trace.
    Pass,
    /// After the pass: the cashier's `Received orders`.
    Received,
    /// After the pass: how many times each thing happened, by order.
    Counts,
}

/// Checks the orders in `range`, and if `last`, the events that name an
/// order the workload does not have. `attempts` for a trace with
/// re-deliveries, checked in one part.
pub(super) fn check(
    trace: &Trace,
    range: Range<usize>,
    last: bool,
    mut attempts: Option<Attempts>,
) -> Result<(), Found> {
    let workload = trace.workload();
    let orders_of = &workload.orders()[range.clone()];
    // One flat slot per product of every order: linear time and memory for
    // traces of millions of events.
    let mut first_slot = Vec::with_capacity(orders_of.len() + 1);
    let mut total = 0;
    for order in orders_of {
        first_slot.push(total);
        total += order.products.len();
    }
    first_slot.push(total);
    let blank = ProductState {
        requested_at: NEVER,
        done_at: NEVER,
        requested: 0,
        computed: 0,
        done: 0,
        dispatched: 0,
    };
    let mut products = vec![blank; total];
    let mut orders = vec![OrderState::default(); orders_of.len()];
    let in_pass = |index, error| Found {
        stage: Stage::Pass,
        at: index,
        error,
    };

    let mut received = 0;
    for (index, e) in trace.events().iter().enumerate() {
        if e.kind() == EventKind::ReceivedOrders {
            received += 1;
            continue;
        }
        let o = e.order() as usize;
        let unknown = || {
            let error = InvariantError::Unknown {
                index,
                order: e.order(),
                item: e.kind().item(),
            };
            in_pass(index, error)
        };
        if o >= range.end {
            if last {
                return Err(unknown());
            }
            continue;
        }
        let Some(l) = o.checked_sub(range.start) else {
            continue;
        };
        let order = &mut orders[l];
        if let Some(attempts) = attempts.as_mut() {
            if !attempts.counts(e).map_err(|error| in_pass(index, error))? {
                let item = e.kind().item();
                if item.is_some_and(|item| first_slot[l] + item >= first_slot[l + 1]) {
                    return Err(unknown());
                }
                // One dispatch in all, whoever sends it.
                if e.kind() == EventKind::DoneDispatch {
                    bump(&mut order.dispatched);
                }
                continue;
            }
        }
        let micros = e.at_micros;
        let out_of_order = |what| {
            let error = InvariantError::OutOfOrder {
                order: e.order(),
                what,
            };
            in_pass(index, error)
        };
        if let Some(item) = e.kind().item() {
            if first_slot[l] + item >= first_slot[l + 1] {
                return Err(unknown());
            }
            let name = || workload.product_name(e.order(), item).to_string();
            let p = &mut products[first_slot[l] + item];
            match e.kind() {
                EventKind::RequestProduct { .. } => {
                    if order.taken == 0 {
                        return Err(out_of_order(format!(
                            "{} (item {item}) requested before a waiter took the order",
                            name()
                        )));
                    }
                    bump(&mut p.requested);
                    p.requested_at = micros;
                }
                EventKind::Compute { .. } => {
                    if p.requested_at == NEVER || micros < p.requested_at || p.done > 0 {
                        return Err(out_of_order(format!(
                            "{} (item {item}) computed outside its request and its end",
                            name()
                        )));
                    }
                    bump(&mut p.computed);
                }
                EventKind::DoneProduct { .. } => {
                    if p.requested_at == NEVER || micros < p.requested_at {
                        return Err(out_of_order(format!(
                            "{} (item {item}) done before it was requested",
                            name()
                        )));
                    }
                    bump(&mut p.done);
                    p.done_at = micros;
                }
                _ => {
                    if order.done == 0 {
                        return Err(out_of_order(format!(
                            "{} (item {item}) dispatched before the order was done",
                            name()
                        )));
                    }
                    bump(&mut p.dispatched);
                }
            }
            continue;
        }
        match e.kind() {
            EventKind::RequestOrder => {
                if received == 0 {
                    return Err(out_of_order(
                        "taken before the cashier received the orders".into(),
                    ));
                }
                bump(&mut order.taken);
            }
            EventKind::DoneOrder => {
                let (from, to) = (first_slot[l], first_slot[l + 1]);
                if let Some(item) = (from..to)
                    .find(|&s| products[s].done_at == NEVER || products[s].done_at > micros)
                {
                    return Err(out_of_order(format!(
                        "done before {} (item {}) was ready",
                        workload.product_name(e.order(), item - from),
                        item - from
                    )));
                }
                bump(&mut order.done);
            }
            EventKind::DoneDispatch => {
                if order.done == 0 {
                    return Err(out_of_order("dispatched before it was done".into()));
                }
                bump(&mut order.dispatched);
            }
            _ => {}
        }
    }

    if received != 1 {
        return Err(Found {
            stage: Stage::Received,
            at: 0,
            error: InvariantError::Received(received),
        });
    }
    for (l, order) in orders.iter().enumerate() {
        let o = range.start + l;
        let id = o as OrderId;
        let in_counts = |error| Found {
            stage: Stage::Counts,
            at: o,
            error,
        };
        for (item, p) in products[first_slot[l]..first_slot[l + 1]]
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
                if u32::from(count) != expected {
                    return Err(in_counts(InvariantError::ProductCount {
                        order: id,
                        item,
                        what,
                        count: count.into(),
                        expected,
                    }));
                }
            }
        }
        for (what, count) in [
            ("taken", order.taken),
            ("done", order.done),
            ("dispatched", order.dispatched),
        ] {
            if count != 1 {
                return Err(in_counts(InvariantError::OrderCount {
                    order: id,
                    what,
                    count: count.into(),
                }));
            }
        }
    }
    Ok(())
}
