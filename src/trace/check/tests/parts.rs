//! A trace checked in parts reports what one pass over every order does.

use proptest::prelude::*;

use super::*;
use crate::trace::{Event, Trace};

/// A correct service of `orders`, each a list of positions on the
/// article's menu, one order after another by waiter 1.
fn served(orders: &[Vec<usize>]) -> (Arc<Workload>, Vec<Event>) {
    let article = Workload::article();
    let names: Vec<Vec<&str>> = orders
        .iter()
        .map(|o| {
            o.iter()
                .map(|&p| article.menu().products()[p].name.as_str())
                .collect()
        })
        .collect();
    let w = Arc::new(Workload::new(article.menu().clone(), &names).unwrap());
    let mut events = vec![Event::new(secs(0), 0, 0, EventKind::ReceivedOrders)];
    let mut t = 0;
    for (o, order) in orders.iter().enumerate() {
        let o = o as OrderId;
        let mut at = |kind| {
            t += 1;
            events.push(Event::new(secs(t), 1, o, kind));
        };
        at(EventKind::RequestOrder);
        for item in 0..order.len() as u16 {
            at(EventKind::RequestProduct { item });
        }
        for item in 0..order.len() as u16 {
            at(EventKind::DoneProduct { item });
        }
        for kind in EventKind::dispatch(order.len()) {
            at(kind);
        }
    }
    (w, events)
}

/// One way to break a trace, at positions taken modulo its length.
#[derive(Debug, Clone)]
enum Breakage {
    Drop(usize),
    Repeat(usize),
    Swap(usize, usize),
    Order(usize, u32),
    Time(usize, u64),
    Item(usize, u16),
}

fn breakage() -> impl Strategy<Value = Breakage> {
    prop_oneof![
        any::<usize>().prop_map(Breakage::Drop),
        any::<usize>().prop_map(Breakage::Repeat),
        (any::<usize>(), any::<usize>()).prop_map(|(i, j)| Breakage::Swap(i, j)),
        (any::<usize>(), 0..50u32).prop_map(|(i, o)| Breakage::Order(i, o)),
        (any::<usize>(), 0..400u64).prop_map(|(i, t)| Breakage::Time(i, t)),
        (any::<usize>(), 0..6u16).prop_map(|(i, item)| Breakage::Item(i, item)),
    ]
}

fn apply(events: &mut Vec<Event>, breakage: &Breakage) {
    let n = events.len();
    let with = |e: &Event, at: Duration, order: OrderId, kind: EventKind| {
        Event::new(at, e.waiter(), order, kind)
    };
    match *breakage {
        Breakage::Drop(i) => {
            events.remove(i % n);
        }
        Breakage::Repeat(i) => events.insert(i % n, events[i % n]),
        Breakage::Swap(i, j) => events.swap(i % n, j % n),
        Breakage::Order(i, order) => {
            let e = events[i % n];
            events[i % n] = with(&e, e.at(), order, e.kind());
        }
        Breakage::Time(i, s) => {
            let e = events[i % n];
            events[i % n] = with(&e, secs(s), e.order(), e.kind());
        }
        Breakage::Item(i, item) => {
            let e = events[i % n];
            let kind = match e.kind() {
                EventKind::RequestProduct { .. } => EventKind::RequestProduct { item },
                EventKind::DoneProduct { .. } => EventKind::DoneProduct { item },
                EventKind::Dispatch { .. } => EventKind::Dispatch { item },
                kind => kind,
            };
            events[i % n] = with(&e, e.at(), e.order(), kind);
        }
    }
}

proptest! {
    #[test]
    fn parts_report_what_one_pass_reports(
        orders in prop::collection::vec(prop::collection::vec(0..4usize, 1..=4), 1..40),
        breakages in prop::collection::vec(breakage(), 0..4),
    ) {
        let (w, mut events) = served(&orders);
        for b in &breakages {
            apply(&mut events, b);
        }
        let trace = Trace::new(w, events);
        let one = in_parts(&trace, 1);
        for parts in 2..=5 {
            prop_assert_eq!(&in_parts(&trace, parts), &one, "in {} parts", parts);
        }
    }
}

#[test]
fn a_correct_trace_passes_in_every_number_of_parts() {
    let orders: Vec<Vec<usize>> = (0..9).map(|o| vec![o % 4; 1 + o % 3]).collect();
    let (w, events) = served(&orders);
    let trace = Trace::new(w, events);
    for parts in 1..=12 {
        assert_eq!(in_parts(&trace, parts), Ok(()), "in {parts} parts");
    }
}

#[test]
fn the_earliest_error_in_the_trace_is_reported_whichever_part_finds_it() {
    let orders = vec![vec![0], vec![1], vec![2], vec![3]];
    let (w, mut events) = served(&orders);
    // The last order dispatched twice, then the first order's product
    // done twice. Both are counts, reported after the pass in the orders'
    // order: order 0's, though order 3's comes first in the trace.
    let last = *events.last().unwrap();
    events.push(last);
    let done = Event::new(secs(100), 1, 0, EventKind::DoneProduct { item: 0 });
    events.push(done);
    let trace = Trace::new(w, events);
    let expected = Err(InvariantError::ProductCount {
        order: 0,
        item: 0,
        what: "done",
        count: 2,
        expected: 1,
    });
    for parts in 1..=4 {
        assert_eq!(in_parts(&trace, parts), expected, "in {parts} parts");
    }
    // Events out of order are found in the pass, the earliest first:
    // order 3's, though order 0 is checked in the first part.
    let (w, mut events) = served(&orders);
    let early = Event::new(secs(0), 1, 3, EventKind::DoneDispatch);
    events.insert(1, early);
    let late = Event::new(secs(100), 1, 0, EventKind::Compute { item: 0 });
    events.push(late);
    let trace = Trace::new(w, events);
    let expected = Err(InvariantError::OutOfOrder {
        order: 3,
        what: "dispatched before it was done".into(),
    });
    for parts in 1..=4 {
        assert_eq!(in_parts(&trace, parts), expected, "in {parts} parts");
    }
}
