//! The timelines of a run that lost a waiter, on hand-made traces: the
//! lanes, and each renderer's marks.

use std::sync::Arc;
use std::time::Duration;

use serde_json::Value;

use super::svg::{self, Embedding};
use super::{chrome, text, Bar, Chart, Timeline};
use crate::latency::Lang;
use crate::trace::{Event, EventKind, Trace, WaiterId};
use crate::workload::{Menu, OrderId, Workload};

fn ms(millis: u64) -> Duration {
    Duration::from_millis(millis)
}

/// Order 0 is a burger (3 s) and a soda (1 s), order 1 a soda. Waiter 2
/// serves order 1 at once; waiter 1 takes order 0, asks for the burger,
/// and is lost: at 2 s the order goes to waiter 2, who serves it from the
/// start. With `slow`, waiter 1 was only slow: it goes on, gets its
/// burger at 3 s, asks for the soda while waiter 2 waits for the burger,
/// and is still waiting for it when waiter 2 asks for it too.
pub(crate) fn trace(slow: bool) -> Trace {
    let mut menu = Menu::default();
    menu.add("burger", ms(3_000)).unwrap();
    menu.add("soda", ms(1_000)).unwrap();
    let workload = Arc::new(Workload::from_ids(menu, vec![vec![0, 1], vec![1]]).unwrap());
    let event = |at, waiter, order, kind| Event::new(ms(at), waiter, order, kind);
    let mut events = vec![
        event(0, 0, 0, EventKind::ReceivedOrders),
        event(0, 1, 0, EventKind::RequestOrder),
        event(0, 1, 0, EventKind::RequestProduct { item: 0 }),
        event(0, 2, 1, EventKind::RequestOrder),
        event(0, 2, 1, EventKind::RequestProduct { item: 0 }),
        event(1_000, 2, 1, EventKind::DoneProduct { item: 0 }),
    ];
    events.extend(EventKind::dispatch(1).map(|kind| event(1_000, 2, 1, kind)));
    events.extend([
        event(2_000, 2, 0, EventKind::Redelivered { from: 1 }),
        event(2_000, 2, 0, EventKind::RequestOrder),
        event(2_000, 2, 0, EventKind::RequestProduct { item: 0 }),
    ]);
    if slow {
        events.extend([
            event(3_000, 1, 0, EventKind::DoneProduct { item: 0 }),
            event(3_000, 1, 0, EventKind::RequestProduct { item: 1 }),
        ]);
    }
    events.extend([
        event(5_000, 2, 0, EventKind::DoneProduct { item: 0 }),
        event(5_000, 2, 0, EventKind::RequestProduct { item: 1 }),
    ]);
    if slow {
        events.extend([
            event(5_500, 1, 0, EventKind::DoneProduct { item: 1 }),
            event(5_500, 1, 0, EventKind::DoneOrder),
        ]);
    }
    events.push(event(6_000, 2, 0, EventKind::DoneProduct { item: 1 }));
    events.extend(EventKind::dispatch(2).map(|kind| event(6_000, 2, 0, kind)));
    Trace::new(workload, events)
}

fn timeline(slow: bool) -> Timeline {
    let trace = trace(slow);
    trace.check().unwrap();
    let products = trace.workload().menu().products();
    Timeline {
        charts: vec![Chart::of("processes", 2, &trace)],
        products: products.iter().map(|p| p.name.clone()).collect(),
    }
}

/// Each waiter's bars: order, item, start and end in ms, abandoned.
fn bars(chart: &Chart, waiter: WaiterId) -> Vec<(OrderId, u16, u64, u64, bool)> {
    let lanes = chart.lanes.iter().filter(|l| l.waiter == waiter);
    let mut bars: Vec<(OrderId, u16, u64, u64, bool)> = lanes
        .flat_map(|l| &l.bars)
        .map(|b: &Bar| {
            let ms = |d: Duration| d.as_millis() as u64;
            (b.order, b.item, ms(b.start), ms(b.end), b.abandoned)
        })
        .collect();
    bars.sort_unstable_by_key(|b| (b.2, b.0, b.1));
    bars
}

#[test]
fn a_lost_waiters_product_ends_at_the_redelivery() {
    let timeline = timeline(false);
    let chart = &timeline.charts[0];
    assert_eq!(bars(chart, 1), [(0, 0, 0, 2_000, true)]);
    assert_eq!(
        bars(chart, 2),
        [
            (1, 0, 0, 1_000, false),
            (0, 0, 2_000, 5_000, false),
            (0, 1, 5_000, 6_000, false)
        ]
    );
    // The order's dispatch is marked where its new waiter ended it.
    let marks: Vec<(WaiterId, OrderId)> = chart
        .lanes
        .iter()
        .flat_map(|l| l.dispatches.iter().map(|&(o, _)| (l.waiter, o)))
        .collect();
    assert_eq!(marks, [(2, 1), (2, 0)]);
    assert_eq!(chart.redeliveries.len(), 1);
}

#[test]
fn a_slow_waiter_that_goes_on_keeps_what_it_was_served() {
    let timeline = timeline(true);
    let chart = &timeline.charts[0];
    // Its burger, asked for before the re-delivery, was given up there;
    // its soda, asked for after, it waited for until it came, beside
    // waiter 2's.
    assert_eq!(
        bars(chart, 1),
        [(0, 0, 0, 2_000, true), (0, 1, 3_000, 5_500, false)]
    );
    assert_eq!(
        bars(chart, 2),
        [
            (1, 0, 0, 1_000, false),
            (0, 0, 2_000, 5_000, false),
            (0, 1, 5_000, 6_000, false)
        ]
    );
    for lane in &chart.lanes {
        for pair in lane.bars.windows(2) {
            assert!(pair[0].end <= pair[1].start, "{pair:?}");
        }
    }
    // Waiter 1's soda ends last on its lanes, but waiter 2 dispatched.
    let marked = chart.lanes.iter().filter(|l| !l.dispatches.is_empty());
    assert!(marked.into_iter().all(|l| l.waiter == 2));
}

#[test]
fn the_picture_crosses_out_the_abandoned_product_and_marks_the_redelivery() {
    for slow in [false, true] {
        let timeline = timeline(slow);
        let [en, es] =
            [Lang::En, Lang::Es].map(|lang| svg::render(&timeline, Embedding::Html, lang));
        let doc = roxmltree::Document::parse(&en).expect("well-formed SVG");
        let titles = |class: &str| -> Vec<String> {
            let nodes = doc
                .descendants()
                .filter(|n| n.attribute("class") == Some(class));
            let title = |n: roxmltree::Node| n.first_element_child()?.text().map(String::from);
            nodes.filter_map(title).collect()
        };
        assert_eq!(
            titles("abandoned"),
            ["order 0, burger: 0 s to 2 s; abandoned, its waiter lost"]
        );
        assert_eq!(
            titles("redelivered"),
            ["order 0 re-delivered from waiter 1"]
        );
        assert!(en.contains(">order re-delivered</text>"));
        assert!(es.contains("pedido 0 reasignado: lo tenía el camarero 1"));
        assert!(es.contains(">abandonado al perderse su camarero</text>"));
    }
}

#[test]
fn the_text_names_the_redelivery_and_ends_the_abandoned_product() {
    let mut out = Vec::new();
    text::write(&mut out, &timeline(false)).unwrap();
    let text = String::from_utf8(out).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines[1], "  Re-delivered: order 0 (waiter 1 → 2)");
    // Two seconds of six: the burger's 20 columns of 60, the last one `!`.
    let lost = format!("  waiter 1  {}!{}", "b".repeat(19), ".".repeat(40));
    assert!(lines.contains(&lost.as_str()), "{text}");
    assert!(text.ends_with("; ! abandoned, its waiter lost\n"), "{text}");
}

#[test]
fn the_chrome_trace_has_the_redelivery_on_the_new_waiters_thread() {
    let mut out = Vec::new();
    chrome::write(&mut out, &timeline(false)).unwrap();
    let trace: Value = serde_json::from_slice(&out).unwrap();
    let events = trace["traceEvents"].as_array().unwrap();
    let thread = |tid: &Value| {
        let named = events
            .iter()
            .find(|e| e["name"] == "thread_name" && e["tid"] == *tid);
        named
            .and_then(|e| e["args"]["name"].as_str())
            .unwrap_or("?")
    };
    let instants: Vec<_> = events
        .iter()
        .filter(|e| e["name"] == "redelivered")
        .collect();
    assert_eq!(instants.len(), 1);
    let mark = instants[0];
    assert_eq!(
        (mark["ph"].as_str(), mark["ts"].as_u64()),
        (Some("i"), Some(2_000_000))
    );
    assert_eq!(mark["args"], serde_json::json!({ "order": 0, "from": 1 }));
    assert_eq!(thread(&mark["tid"]), "waiter 2");
    let abandoned: Vec<_> = events
        .iter()
        .filter(|e| e["args"]["abandoned"] == true)
        .collect();
    assert_eq!(abandoned.len(), 1);
    assert_eq!(thread(&abandoned[0]["tid"]), "waiter 1");
    assert_eq!(abandoned[0]["dur"].as_u64(), Some(2_000_000));
}

/// As spans, the abandoned product says so, and the re-delivery is an
/// instant in the order's tree, on the new waiter's thread.
#[test]
fn the_chrome_spans_have_the_redelivery_in_the_orders_tree() {
    let mut out = Vec::new();
    chrome::write_from(&mut out, &timeline(false), 0).unwrap();
    let spans = chrome::tests::spans_of(&out);
    let marks: Vec<_> = spans.iter().filter(|s| s.name == "redelivered").collect();
    assert_eq!(marks.len(), 1);
    let mark = marks[0];
    assert!(mark.instant);
    assert_eq!((mark.start, mark.tid), (2_000_000, 2));
    assert_eq!(mark.args, serde_json::json!({ "order": 0, "from": 1 }));
    let abandoned: Vec<_> = spans
        .iter()
        .filter(|s| s.args["abandoned"] == true)
        .collect();
    assert_eq!(abandoned.len(), 1);
    let lost = abandoned[0];
    assert_eq!((lost.name.as_str(), lost.tid), ("burger", 1));
    assert_eq!((lost.start, lost.end, lost.id), (0, 2_000_000, mark.id));
}
