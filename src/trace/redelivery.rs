//! Orders given again: on a broker, a waiter lost mid-order has its order
//! re-delivered to another waiter, who serves it again from the start.
//!
//! The cashier records each as a `Redelivered` event, right before the new
//! waiter's `Request order!`. The lost waiter's events for the order
//! stay in the trace: they happened, and the cashier had recorded them.

use std::time::Duration;

use super::{Event, EventKind, Trace, WaiterId};
use crate::workload::OrderId;

/// One order given again to another waiter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Redelivery {
    /// The order.
    pub order: OrderId,
    /// The waiter that had taken it and lost it.
    pub from: WaiterId,
    /// The waiter that took it again.
    pub to: WaiterId,
    /// When, in restaurant time.
    pub at: Duration,
}

impl Redelivery {
    /// The re-delivery an event records, if it records one.
    pub fn of(event: &Event) -> Option<Redelivery> {
        match event.kind() {
            EventKind::Redelivered { from } => Some(Redelivery {
                order: event.order(),
                from: WaiterId::from(from),
                to: event.waiter(),
                at: event.at(),
            }),
            _ => None,
        }
    }
}

impl Trace {
    /// The orders given again to another waiter, in trace order; empty
    /// for a run that lost no waiter.
    pub fn redeliveries(&self) -> Vec<Redelivery> {
        if !self.has_redeliveries() {
            return Vec::new();
        }
        self.events().iter().filter_map(Redelivery::of).collect()
    }

    /// Whether any order was given again, known without a look at the
    /// events: what only a re-delivery needs costs a run without one
    /// nothing more.
    pub fn has_redeliveries(&self) -> bool {
        self.marks.redeliveries > 0
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::workload::Workload;

    #[test]
    fn redeliveries_are_listed_in_trace_order_and_orders_stay_pending_until_dispatched() {
        let workload = Arc::new(Workload::article());
        let at = Duration::from_millis;
        let mut events = vec![
            Event::new(at(0), 0, 0, EventKind::ReceivedOrders),
            Event::new(at(0), 1, 2, EventKind::RequestOrder),
            Event::new(at(0), 2, 3, EventKind::RequestOrder),
            Event::new(at(900), 3, 2, EventKind::Redelivered { from: 1 }),
            Event::new(at(900), 3, 2, EventKind::RequestOrder),
            Event::new(at(1_500), 1, 3, EventKind::Redelivered { from: 2 }),
        ];
        let trace = Trace::new(Arc::clone(&workload), events.clone());
        assert!(trace.has_redeliveries());
        assert_eq!(
            trace.redeliveries(),
            [
                Redelivery {
                    order: 2,
                    from: 1,
                    to: 3,
                    at: at(900)
                },
                Redelivery {
                    order: 3,
                    from: 2,
                    to: 1,
                    at: at(1_500)
                },
            ]
        );
        events.push(Event::new(at(2_000), 3, 2, EventKind::DoneDispatch));
        let trace = Trace::new(Arc::clone(&workload), events);
        assert_eq!(trace.pending_orders(), [0, 1, 3]);
        let none = Trace::new(
            workload,
            vec![Event::new(at(0), 0, 0, EventKind::ReceivedOrders)],
        );
        assert!(!none.has_redeliveries() && none.redeliveries().is_empty());
    }
}
