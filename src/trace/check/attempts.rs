//! Whose events count, in a trace with re-deliveries.
//!
//! A waiter lost mid-order leaves events for it in the trace, and the
//! waiter the order is then re-delivered to serves it again from the
//! start: one order, two attempts. The invariants hold for one of them,
//! the *counted* attempt: the events of the waiter that dispatched the
//! order, or if none did, of the last that took it. The others' events
//! are checked for an order and a product the workload has, and a second
//! `Done dispatch!` still counts whoever sends it, but nothing else of
//! theirs is counted or ordered.
//!
//! Two waiters' events for one order are a bug, unless the order was
//! re-delivered. A trace without any re-delivery is checked as it always
//! was, and builds none of this.

use std::collections::HashSet;

use super::InvariantError;
use crate::trace::{Event, EventKind, Trace, WaiterId};
use crate::workload::OrderId;

/// Each order's attempts, found in one pass over the trace.
pub(super) struct Attempts {
    /// The waiter whose events count, by order; `None` for an order no
    /// waiter took or dispatched, whose events all count.
    counted: Vec<Option<WaiterId>>,
    /// The first waiter with an event for the order, by order.
    first: Vec<Option<WaiterId>>,
    /// Whether the order was re-delivered, by order.
    redelivered: Vec<bool>,
    /// Who has taken each re-delivered order so far, in the checking
    /// pass: a re-delivery must come from one of them.
    taken: HashSet<(OrderId, WaiterId)>,
}

impl Attempts {
    /// The attempts of a trace with re-deliveries; `None` for one without,
    /// which is checked as if there were no such thing.
    pub(super) fn of(trace: &Trace) -> Option<Attempts> {
        if !trace.has_redeliveries() {
            return None;
        }
        let orders = trace.workload().orders().len();
        let mut dispatcher = vec![None; orders];
        let mut taker = vec![None; orders];
        let mut first = vec![None; orders];
        let mut redelivered = vec![false; orders];
        for e in trace.events() {
            let o = e.order() as usize;
            // The checking pass reports events of orders the workload
            // does not have.
            if e.kind() == EventKind::ReceivedOrders || o >= orders {
                continue;
            }
            let w = e.waiter();
            match e.kind() {
                // The cashier's, on the new waiter's behalf.
                EventKind::Redelivered { .. } => {
                    redelivered[o] = true;
                    continue;
                }
                EventKind::DoneDispatch => {
                    dispatcher[o].get_or_insert(w);
                }
                EventKind::RequestOrder => taker[o] = Some(w),
                _ => {}
            }
            first[o].get_or_insert(w);
        }
        let counted = dispatcher
            .into_iter()
            .zip(taker)
            .map(|(d, t)| d.or(t))
            .collect();
        Some(Attempts {
            counted,
            first,
            redelivered,
            taken: HashSet::new(),
        })
    }

    /// Whether event `e`, of an order the workload has, belongs to its
    /// order's counted attempt. A re-delivery never does: it is checked
    /// here, to come from a waiter that had taken the order, not the one
    /// now taking it; or from 0, a reader of the broker's stream that is
    /// no waiter of the run, and told nothing. Two waiters' events for an order never re-delivered
    /// are an error.
    pub(super) fn counts(&mut self, e: &Event) -> Result<bool, InvariantError> {
        let (order, w) = (e.order(), e.waiter());
        let o = order as usize;
        if let EventKind::Redelivered { from } = e.kind() {
            let from = WaiterId::from(from);
            let what = if from == w {
                format!("re-delivered from waiter {from} to itself")
            } else if from != 0 && !self.taken.contains(&(order, from)) {
                format!("re-delivered to waiter {w} from waiter {from}, which had not taken it")
            } else {
                return Ok(false);
            };
            return Err(InvariantError::OutOfOrder { order, what });
        }
        if e.kind() == EventKind::RequestOrder && self.redelivered[o] {
            self.taken.insert((order, w));
        }
        match self.counted[o] {
            None => Ok(true),
            Some(counted) if counted == w => Ok(true),
            Some(_) if self.redelivered[o] => Ok(false),
            Some(counted) => {
                // Named in the order they first appear.
                let first = self.first[o].unwrap_or(counted);
                let second = if first == w { counted } else { w };
                Err(InvariantError::TwoWaiters {
                    order,
                    first,
                    second,
                })
            }
        }
    }
}
