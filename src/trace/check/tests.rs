//! Each invariant, broken on purpose in a one-soda service.

use std::sync::Arc;
use std::time::Duration;

use super::*;
use crate::trace::{EventKind, Recorder, WaiterId};
use crate::workload::Workload;

fn secs(s: u64) -> Duration {
    Duration::from_secs(s)
}

/// A correct service of an order of one soda, then a tweak applied.
fn one_soda(tweak: impl FnOnce(&Recorder)) -> Result<(), InvariantError> {
    let mut menu = crate::Menu::default();
    menu.add("soda", secs(1)).unwrap();
    let w = Arc::new(Workload::new(menu, &[vec!["soda"]]).unwrap());
    let r = Recorder::new(w, None);
    r.record_at(secs(0), 0, 0, EventKind::ReceivedOrders);
    r.record_at(secs(0), 1, 0, EventKind::RequestOrder);
    r.record_at(secs(0), 1, 0, EventKind::RequestProduct { item: 0 });
    tweak(&r);
    r.into_trace().check()
}

fn finish(r: &Recorder) {
    r.record_at(secs(1), 1, 0, EventKind::DoneProduct { item: 0 });
    r.record_at(secs(1), 1, 0, EventKind::DoneOrder);
    r.record_at(secs(1), 1, 0, EventKind::Dispatch { item: 0 });
    r.record_at(secs(1), 1, 0, EventKind::DoneDispatch);
}

#[test]
fn a_correct_service_passes() {
    assert_eq!(one_soda(finish), Ok(()));
}

#[test]
fn a_missing_dispatch_is_caught() {
    let err = one_soda(|r| {
        r.record_at(secs(1), 1, 0, EventKind::DoneProduct { item: 0 });
        r.record_at(secs(1), 1, 0, EventKind::DoneOrder);
    });
    assert_eq!(
        err,
        Err(InvariantError::ProductCount {
            order: 0,
            item: 0,
            what: "dispatched",
            count: 0,
            expected: 1
        })
    );
}

#[test]
fn a_double_dispatch_is_caught() {
    let err = one_soda(|r| {
        finish(r);
        r.record_at(secs(1), 1, 0, EventKind::DoneDispatch);
    });
    assert_eq!(
        err,
        Err(InvariantError::OrderCount {
            order: 0,
            what: "dispatched",
            count: 2
        })
    );
}

#[test]
fn dispatching_before_the_order_is_done_is_caught() {
    let err =
        one_soda(|r| r.record_at(secs(1), 1, 0, EventKind::Dispatch { item: 0 })).unwrap_err();
    assert_eq!(
        err.to_string(),
        "order 0: soda (item 0) dispatched before the order was done"
    );
}

#[test]
fn an_order_done_before_its_products_is_caught() {
    let err = one_soda(|r| r.record_at(secs(1), 1, 0, EventKind::DoneOrder)).unwrap_err();
    assert_eq!(
        err.to_string(),
        "order 0: done before soda (item 0) was ready"
    );
}

#[test]
fn a_product_done_twice_is_caught() {
    let err = one_soda(|r| {
        r.record_at(secs(1), 1, 0, EventKind::DoneProduct { item: 0 });
        finish(r);
    });
    assert_eq!(
        err,
        Err(InvariantError::ProductCount {
            order: 0,
            item: 0,
            what: "done",
            count: 2,
            expected: 1
        })
    );
}

#[test]
fn the_orders_are_received_once_and_each_taken_once_before_its_products() {
    let twice = one_soda(|r| {
        finish(r);
        r.record_at(secs(1), 0, 0, EventKind::ReceivedOrders);
    });
    assert_eq!(twice, Err(InvariantError::Received(2)));
    let taken_twice = one_soda(|r| {
        r.record_at(secs(0), 1, 0, EventKind::RequestOrder);
        finish(r);
    });
    assert_eq!(
        taken_twice,
        Err(InvariantError::OrderCount {
            order: 0,
            what: "taken",
            count: 2
        })
    );
    let mut menu = crate::Menu::default();
    menu.add("soda", secs(1)).unwrap();
    let r = Recorder::new(
        Arc::new(Workload::new(menu, &[vec!["soda"]]).unwrap()),
        None,
    );
    r.record_at(secs(0), 1, 0, EventKind::RequestOrder);
    let err = r.into_trace().check().unwrap_err();
    assert_eq!(
        err.to_string(),
        "order 0: taken before the cashier received the orders"
    );
}

#[test]
fn a_product_requested_before_its_order_was_taken_is_caught() {
    let mut menu = crate::Menu::default();
    menu.add("soda", secs(1)).unwrap();
    let r = Recorder::new(
        Arc::new(Workload::new(menu, &[vec!["soda"]]).unwrap()),
        None,
    );
    r.record_at(secs(0), 0, 0, EventKind::ReceivedOrders);
    r.record_at(secs(0), 1, 0, EventKind::RequestProduct { item: 0 });
    let err = r.into_trace().check().unwrap_err();
    assert_eq!(
        err.to_string(),
        "order 0: soda (item 0) requested before a waiter took the order"
    );
}

#[test]
fn an_unknown_item_is_caught() {
    let err = one_soda(|r| r.record_at(secs(1), 1, 0, EventKind::DoneProduct { item: 3 }));
    assert_eq!(
        err,
        Err(InvariantError::Unknown {
            index: 3,
            order: 0,
            item: Some(3)
        })
    );
}

/// A one-soda order taken by waiter 1, lost, and re-delivered at 2 s to
/// waiter 2, who then runs `rest`. Waiter 1 asked for the soda and was
/// lost before it came: its attempt stops mid-way.
fn redelivered(rest: impl FnOnce(&Recorder)) -> Result<(), InvariantError> {
    one_soda(|r| {
        r.record_at(secs(2), 2, 0, EventKind::Redelivered { from: 1 });
        rest(r);
    })
}

/// Waiter `w`'s whole service of order 0, from `Request order!`.
fn serve(r: &Recorder, w: WaiterId, at: u64) {
    serve_order(r, w, 0, at);
}

/// Waiter `w`'s whole service of a one-soda `order`.
fn serve_order(r: &Recorder, w: WaiterId, order: OrderId, at: u64) {
    r.record_at(secs(at), w, order, EventKind::RequestOrder);
    r.record_at(secs(at), w, order, EventKind::RequestProduct { item: 0 });
    r.record_at(secs(at + 1), w, order, EventKind::DoneProduct { item: 0 });
    for kind in EventKind::dispatch(1) {
        r.record_at(secs(at + 1), w, order, kind);
    }
}

#[test]
fn a_redelivered_order_is_checked_on_the_attempt_that_dispatched_it() {
    assert_eq!(redelivered(|r| serve(r, 2, 2)), Ok(()));
    // The second attempt alone must still be complete.
    let half = redelivered(|r| {
        r.record_at(secs(2), 2, 0, EventKind::RequestOrder);
        r.record_at(secs(2), 2, 0, EventKind::RequestProduct { item: 0 });
    });
    assert_eq!(
        half,
        Err(InvariantError::ProductCount {
            order: 0,
            item: 0,
            what: "done",
            count: 0,
            expected: 1
        })
    );
}

#[test]
fn two_waiters_serving_an_order_never_redelivered_are_caught() {
    // Another order is re-delivered, so the trace has a re-delivery, but
    // not this one.
    let mut menu = crate::Menu::default();
    menu.add("soda", secs(1)).unwrap();
    let w = Arc::new(Workload::new(menu, &[vec!["soda"], vec!["soda"]]).unwrap());
    let r = Recorder::new(w, None);
    r.record_at(secs(0), 0, 0, EventKind::ReceivedOrders);
    r.record_at(secs(0), 3, 1, EventKind::RequestOrder);
    r.record_at(secs(1), 4, 1, EventKind::Redelivered { from: 3 });
    serve_order(&r, 4, 1, 1);
    r.record_at(secs(1), 1, 0, EventKind::RequestOrder);
    r.record_at(secs(1), 2, 0, EventKind::RequestProduct { item: 0 });
    let err = r.into_trace().check().unwrap_err();
    assert_eq!(
        err,
        InvariantError::TwoWaiters {
            order: 0,
            first: 1,
            second: 2
        }
    );
    assert_eq!(
        err.to_string(),
        "order 0 was served by waiter 1 and by waiter 2, and never re-delivered"
    );
}

#[test]
fn a_dispatch_by_each_attempt_is_caught() {
    let err = one_soda(|r| {
        finish(r);
        r.record_at(secs(2), 2, 0, EventKind::Redelivered { from: 1 });
        serve(r, 2, 2);
    });
    assert_eq!(
        err,
        Err(InvariantError::OrderCount {
            order: 0,
            what: "dispatched",
            count: 2
        })
    );
}

#[test]
fn a_redelivery_from_a_waiter_that_never_took_the_order_is_caught() {
    let err = one_soda(|r| {
        r.record_at(secs(2), 3, 0, EventKind::Redelivered { from: 2 });
        serve(r, 3, 2);
    })
    .unwrap_err();
    assert_eq!(
        err.to_string(),
        "order 0: re-delivered to waiter 3 from waiter 2, which had not taken it"
    );
    let err = one_soda(|r| {
        r.record_at(secs(2), 1, 0, EventKind::Redelivered { from: 1 });
        serve(r, 1, 2);
    })
    .unwrap_err();
    assert_eq!(
        err.to_string(),
        "order 0: re-delivered from waiter 1 to itself"
    );
}

#[test]
fn an_unknown_item_of_the_lost_attempt_is_caught() {
    let err = redelivered(|r| {
        r.record_at(secs(3), 1, 0, EventKind::DoneProduct { item: 5 });
        serve(r, 2, 2);
    });
    assert_eq!(
        err,
        Err(InvariantError::Unknown {
            index: 4,
            order: 0,
            item: Some(5)
        })
    );
}

#[test]
fn a_slow_first_waiter_may_go_on_and_either_attempt_may_dispatch() {
    // Waiter 1 was only slow: its soda comes at 3 s, after the order went
    // to waiter 2, and it goes on to its `Done order!`.
    let slow = |r: &Recorder| {
        r.record_at(secs(3), 1, 0, EventKind::DoneProduct { item: 0 });
        r.record_at(secs(3), 1, 0, EventKind::DoneOrder);
    };
    // Waiter 2 dispatches, waiter 1's dispatch is refused.
    let second = redelivered(|r| {
        r.record_at(secs(2), 2, 0, EventKind::RequestOrder);
        r.record_at(secs(2), 2, 0, EventKind::RequestProduct { item: 0 });
        slow(r);
        r.record_at(secs(3), 2, 0, EventKind::DoneProduct { item: 0 });
        for kind in EventKind::dispatch(1) {
            r.record_at(secs(3), 2, 0, kind);
        }
    });
    assert_eq!(second, Ok(()));
    // Waiter 1 dispatches first; waiter 2's attempt stops mid-way.
    let first = redelivered(|r| {
        r.record_at(secs(2), 2, 0, EventKind::RequestOrder);
        r.record_at(secs(2), 2, 0, EventKind::RequestProduct { item: 0 });
        slow(r);
        r.record_at(secs(3), 1, 0, EventKind::Dispatch { item: 0 });
        r.record_at(secs(3), 1, 0, EventKind::DoneDispatch);
    });
    assert_eq!(first, Ok(()));
}

#[test]
fn a_redelivery_from_a_silent_reader_needs_no_take() {
    // 0: a reader of the broker's stream that is no waiter of the run,
    // and told nothing.
    let served = one_soda(|r| {
        r.record_at(secs(2), 2, 0, EventKind::Redelivered { from: 0 });
        serve(r, 2, 2);
    });
    assert_eq!(served, Ok(()));
}

mod parts;
