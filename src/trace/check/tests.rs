//! Each invariant, broken on purpose in a one-soda service.

use std::sync::Arc;

use super::*;
use crate::trace::Recorder;
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
