//! The trace: what happened in a run, when, to whom.
//!
//! Every model records the same events, one per line the article logs
//! (`Received orders`, `Request order!`, `Request burger. Wait 7.5 seg...`,
//! `Done burger`, `Done order!`, `Dispatch burger`, `Done dispatch!`).
//! Everything a user sees is rendered from a [`Trace`], and the invariants of
//! a correct service are checked on it ([`Trace::check`]).
//!
//! A run on a broker may lose a waiter mid-order: the cashier then gives
//! the order to another waiter (`Redelivered`), who serves it again from
//! the start, and the lost waiter's events for it stay in the trace; see
//! [`Trace::redeliveries`].
//!
//! Beside the events, a trace of an async model keeps what its event loop's
//! detector found ([`Blocked`]): each stretch of time one piece of a
//! waiter's code held the loop's thread, at least as long as the
//! slow-callback threshold, the way asyncio's debug mode warns of them.

mod check;
mod recorder;
mod redelivery;

use std::sync::Arc;
use std::time::Duration;

pub use check::InvariantError;
pub use recorder::{Observer, Record, Recorder};
pub use redelivery::Redelivery;

use crate::workload::{OrderId, Workload};

/// Number of a waiter, from 1 as in the article.
pub type WaiterId = u32;

/// What happened. Products are named by their position in the order (`item`),
/// since an order may ask for the same product twice.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EventKind {
    /// The cashier queued every order (`Received orders`).
    ReceivedOrders,
    /// A waiter took an order (`Request order!`).
    RequestOrder,
    /// A waiter asked the kitchen for one product of the order.
    RequestProduct {
        /// Position of the product in the order.
        item: u16,
    },
    /// The kitchen's part is over and the waiter starts computing, on a
    /// core it got (and under the GIL, if there is one): only for a product
    /// that needs CPU time.
    Compute {
        /// Position of the product in the order.
        item: u16,
    },
    /// The product is ready: the kitchen handed it over, and the waiter
    /// did the computing it needs.
    DoneProduct {
        /// Position of the product in the order.
        item: u16,
    },
    /// Every product of the order is ready (`Done order!`).
    DoneOrder,
    /// The waiter took one product to the table.
    Dispatch {
        /// Position of the product in the order.
        item: u16,
    },
    /// The whole order is on the table (`Done dispatch!`).
    DoneDispatch,
    /// The cashier gave the order again, to the event's waiter, after the
    /// waiter that had taken it (`from`) was lost mid-order: a broker run
    /// re-delivers it, and the new waiter serves it again from the start.
    /// It comes right before the new waiter's `Request order!`.
    Redelivered {
        /// The waiter that had taken the order and lost it.
        from: u16,
    },
}

impl EventKind {
    /// The kind's name in JSON output, such as `request-product`.
    pub fn name(self) -> &'static str {
        match self {
            EventKind::ReceivedOrders => "received-orders",
            EventKind::RequestOrder => "request-order",
            EventKind::RequestProduct { .. } => "request-product",
            EventKind::Compute { .. } => "compute",
            EventKind::DoneProduct { .. } => "done-product",
            EventKind::DoneOrder => "done-order",
            EventKind::Dispatch { .. } => "dispatch",
            EventKind::DoneDispatch => "done-dispatch",
            EventKind::Redelivered { .. } => "redelivered",
        }
    }

    /// The events of dispatching an order of `items` products: `DoneOrder`,
    /// a `Dispatch` for each product, then `DoneDispatch`.
    pub fn dispatch(items: usize) -> impl Iterator<Item = EventKind> {
        let each = (0..items as u16).map(|item| EventKind::Dispatch { item });
        std::iter::once(EventKind::DoneOrder)
            .chain(each)
            .chain(std::iter::once(EventKind::DoneDispatch))
    }

    /// Whose code ran just before this kind of event was recorded, for
    /// the slow-callback detector. An event that starts a coroutine
    /// (`Request order!`, `Request burger`) comes right after its caller's
    /// code: the waiter's `request_orders`, or the order's
    /// `request_order`. The others end a stretch of their own coroutine:
    /// `Done burger` comes after `request_product`'s wait or computing,
    /// `Compute photo` after its wait.
    pub fn culprit(self, order: OrderId) -> Culprit {
        match self {
            EventKind::ReceivedOrders => Culprit::Loop,
            EventKind::RequestOrder => Culprit::Waiter,
            EventKind::DoneProduct { item } | EventKind::Compute { item } => {
                Culprit::Product { order, item }
            }
            EventKind::RequestProduct { .. }
            | EventKind::DoneOrder
            | EventKind::Dispatch { .. }
            | EventKind::DoneDispatch
            | EventKind::Redelivered { .. } => Culprit::Order(order),
        }
    }

    /// The product the event is about, if any.
    pub fn item(self) -> Option<usize> {
        match self {
            EventKind::RequestProduct { item }
            | EventKind::Compute { item }
            | EventKind::DoneProduct { item }
            | EventKind::Dispatch { item } => Some(item as usize),
            _ => None,
        }
    }
}

/// One thing that happened.
///
/// Kept to 16 bytes, since a large run records millions of events: the
/// time, and the waiter, order, kind and product packed into one word.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Event {
    at_micros: u64,
    /// order: 25 bits | waiter: 19 bits | kind: 4 bits | item: 16 bits
    /// (the item field holds a re-delivery's `from`)
    packed: u64,
}

/// Bits for the order id: room for [`crate::workload::MAX_ORDERS`].
const ORDER_BITS: u32 = 25;
/// Bits for the waiter id: room for half a million waiters.
const WAITER_BITS: u32 = 19;
/// Bits for the kind: room for sixteen kinds.
const KIND_BITS: u32 = 4;
/// Bits for the product's position in its order (or a re-delivery's
/// `from`).
const ITEM_BITS: u32 = 16;
/// Where each field starts in the packed word.
const KIND_SHIFT: u32 = ITEM_BITS;
const WAITER_SHIFT: u32 = KIND_SHIFT + KIND_BITS;
const ORDER_SHIFT: u32 = WAITER_SHIFT + WAITER_BITS;
const _: () = assert!(ORDER_SHIFT + ORDER_BITS == u64::BITS);
/// The most waiters a run may have, so that an event can name each.
pub const MAX_WAITERS: u32 = (1 << WAITER_BITS) - 1;

impl Event {
    /// Creates an event at a point of restaurant time.
    pub fn new(at: Duration, waiter: WaiterId, order: OrderId, kind: EventKind) -> Event {
        debug_assert!(order < 1 << ORDER_BITS && waiter <= MAX_WAITERS);
        let (tag, item) = match kind {
            EventKind::ReceivedOrders => (0, 0),
            EventKind::RequestOrder => (1, 0),
            EventKind::RequestProduct { item } => (2, item),
            EventKind::DoneProduct { item } => (3, item),
            EventKind::DoneOrder => (4, 0),
            EventKind::Dispatch { item } => (5, item),
            EventKind::DoneDispatch => (6, 0),
            EventKind::Compute { item } => (7, item),
            EventKind::Redelivered { from } => (8, from),
        };
        let order = u64::from(order) & ((1 << ORDER_BITS) - 1);
        let waiter = u64::from(waiter) & u64::from(MAX_WAITERS);
        Event {
            at_micros: at.as_micros() as u64,
            packed: order << ORDER_SHIFT
                | waiter << WAITER_SHIFT
                | tag << KIND_SHIFT
                | u64::from(item),
        }
    }

    /// When it happened, in restaurant time since the run started.
    pub fn at(&self) -> Duration {
        Duration::from_micros(self.at_micros)
    }

    /// The waiter; 0 for the cashier.
    pub fn waiter(&self) -> WaiterId {
        ((self.packed >> WAITER_SHIFT) & u64::from(MAX_WAITERS)) as WaiterId
    }

    /// The order; 0 for `ReceivedOrders`, which concerns them all.
    pub fn order(&self) -> OrderId {
        (self.packed >> ORDER_SHIFT) as OrderId
    }

    /// What happened.
    pub fn kind(&self) -> EventKind {
        let item = self.packed as u16;
        match (self.packed >> KIND_SHIFT) & ((1 << KIND_BITS) - 1) {
            0 => EventKind::ReceivedOrders,
            1 => EventKind::RequestOrder,
            2 => EventKind::RequestProduct { item },
            3 => EventKind::DoneProduct { item },
            4 => EventKind::DoneOrder,
            5 => EventKind::Dispatch { item },
            6 => EventKind::DoneDispatch,
            7 => EventKind::Compute { item },
            _ => EventKind::Redelivered { from: item },
        }
    }
}

/// Which code held the event loop's thread.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Culprit {
    /// Code no waiter's event can name: the loop's own, or code that
    /// recorded nothing.
    Loop,
    /// The waiter's own code (`request_orders`): taking orders, starting
    /// and gathering them.
    Waiter,
    /// An order's code (`request_order`): gathering its products,
    /// dispatching it.
    Order(OrderId),
    /// A product's code (`request_product`): asking the kitchen, waiting.
    Product {
        /// The order.
        order: OrderId,
        /// The product's position in the order.
        item: u16,
    },
}

impl Culprit {
    /// The order concerned, if any.
    pub fn order(self) -> Option<OrderId> {
        match self {
            Culprit::Loop | Culprit::Waiter => None,
            Culprit::Order(order) | Culprit::Product { order, .. } => Some(order),
        }
    }

    /// The product concerned, if any, by its position in the order.
    pub fn item(self) -> Option<u16> {
        match self {
            Culprit::Product { item, .. } => Some(item),
            _ => None,
        }
    }
}

/// A stretch of time during which one piece of a waiter's code held the
/// event loop's thread, so that nothing else could run: found by the
/// slow-callback detector when it lasts at least its threshold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Blocked {
    /// When the stretch began, in restaurant time.
    pub start: Duration,
    /// How long it lasted.
    pub length: Duration,
    /// The waiter whose code it was; 0 when none can be named.
    pub waiter: WaiterId,
    /// Which code it was.
    pub by: Culprit,
}

impl Blocked {
    /// When the loop got its thread back.
    pub fn end(&self) -> Duration {
        self.start + self.length
    }
}

/// Every event of one run, in the order they happened, with the workload
/// they refer to and the stretches the event loop was blocked.
#[derive(Debug, Clone)]
pub struct Trace {
    workload: Arc<Workload>,
    events: Vec<Event>,
    /// A boxed slice, not a vector: the trace is carried in the run's
    /// errors, which are kept small.
    blocked: Box<[Blocked]>,
    marks: Marks,
}

/// What reports and the check ask of every event, found as the events are
/// recorded (or in one pass, for a trace made otherwise): a large run's
/// trace is millions of events, and each pass over them costs as much as
/// a tenth of the run.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct Marks {
    /// The latest event's time in microseconds, as events keep it.
    latest_micros: u64,
    /// How many `Redelivered` events there are.
    redeliveries: usize,
}

impl Marks {
    /// The marks of `events`, in one pass.
    fn of(events: &[Event]) -> Marks {
        let mut marks = Marks::default();
        for e in events {
            marks.note(e);
        }
        marks
    }

    /// Takes one more event into account.
    fn note(&mut self, e: &Event) {
        self.latest_micros = self.latest_micros.max(e.at_micros);
        if matches!(e.kind(), EventKind::Redelivered { .. }) {
            self.redeliveries += 1;
        }
    }
}

impl Trace {
    /// A trace of `events` on `workload`.
    pub fn new(workload: Arc<Workload>, events: Vec<Event>) -> Trace {
        Trace::with_blocked(workload, events, Vec::new())
    }

    /// A trace of `events` on `workload`, during which the event loop was
    /// blocked for the stretches `blocked`.
    pub fn with_blocked(
        workload: Arc<Workload>,
        events: Vec<Event>,
        blocked: Vec<Blocked>,
    ) -> Trace {
        let marks = Marks::of(&events);
        Trace::marked(workload, events, blocked, marks)
    }

    /// A trace whose marks are already known: the recorder's.
    fn marked(
        workload: Arc<Workload>,
        events: Vec<Event>,
        blocked: Vec<Blocked>,
        marks: Marks,
    ) -> Trace {
        debug_assert_eq!(marks, Marks::of(&events));
        Trace {
            workload,
            events,
            blocked: blocked.into_boxed_slice(),
            marks,
        }
    }

    /// The workload the events refer to.
    pub fn workload(&self) -> &Workload {
        &self.workload
    }

    /// The events, in the order they were recorded.
    pub fn events(&self) -> &[Event] {
        &self.events
    }

    /// The stretches the event loop was blocked, in the order found.
    pub fn blocked(&self) -> &[Blocked] {
        &self.blocked
    }

    /// How long the event loop was blocked, in all.
    pub fn time_blocked(&self) -> Duration {
        self.blocked.iter().map(|b| b.length).sum()
    }

    /// When the last order was on its table: the run's makespan.
    pub fn makespan(&self) -> Duration {
        Duration::from_micros(self.marks.latest_micros)
    }

    /// Orders not yet dispatched, in id order: what a stopped run left.
    pub fn pending_orders(&self) -> Vec<OrderId> {
        let mut dispatched = vec![false; self.workload.orders().len()];
        for e in &self.events {
            if e.kind() == EventKind::DoneDispatch {
                if let Some(d) = dispatched.get_mut(e.order() as usize) {
                    *d = true;
                }
            }
        }
        (0..dispatched.len() as OrderId)
            .filter(|&o| !dispatched[o as usize])
            .collect()
    }

    /// Checks that the service was correct; see [`InvariantError`].
    pub fn check(&self) -> Result<(), InvariantError> {
        check::check(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_pack_every_field_into_sixteen_bytes() {
        assert_eq!(std::mem::size_of::<Event>(), 16);
        let kinds = [
            EventKind::ReceivedOrders,
            EventKind::RequestOrder,
            EventKind::RequestProduct { item: u16::MAX },
            EventKind::DoneProduct { item: 7 },
            EventKind::DoneOrder,
            EventKind::Dispatch { item: 0 },
            EventKind::DoneDispatch,
            EventKind::Compute { item: 3 },
            EventKind::Redelivered { from: u16::MAX },
        ];
        for kind in kinds {
            let max_order = crate::workload::MAX_ORDERS as OrderId;
            let e = Event::new(
                Duration::from_micros(u64::MAX / 2),
                MAX_WAITERS,
                max_order,
                kind,
            );
            assert_eq!(
                (e.waiter(), e.order(), e.kind()),
                (MAX_WAITERS, max_order, kind)
            );
            assert_eq!(e.at(), Duration::from_micros(u64::MAX / 2));
        }
    }

    #[test]
    fn a_recorded_trace_knows_its_marks_as_one_made_from_its_events() {
        let w = Arc::new(Workload::article());
        let r = Recorder::new(Arc::clone(&w), None);
        let at = Duration::from_millis;
        assert_eq!(r.take_trace().marks, Marks::default());
        r.record_at(at(0), 0, 0, EventKind::ReceivedOrders);
        r.record_at(at(9), 1, 0, EventKind::RequestOrder);
        // Recorded late, at an earlier time: the latest still counts.
        r.record_at(at(5), 2, 1, EventKind::RequestOrder);
        r.record_at(at(7), 3, 1, EventKind::Redelivered { from: 2 });
        r.record_at(at(8), 3, 2, EventKind::Redelivered { from: 1 });
        let recorded = r.take_trace();
        let made = Trace::new(w, recorded.events().to_vec());
        assert_eq!(recorded.marks, made.marks);
        assert_eq!(recorded.makespan(), at(9));
        assert_eq!(recorded.redeliveries().len(), 2);
        assert!(recorded.has_redeliveries());
    }
}
