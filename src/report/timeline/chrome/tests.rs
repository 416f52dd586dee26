//! The trace's layouts, checked on the JSON they write: the lanes' threads
//! named and sorted, the computing nested in its product, and in the spans
//! layout, trees that nest.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use serde_json::Value;

use super::*;
use crate::report::timeline::{Bar, Lane, Stretch, Units};
use crate::restaurant::{self, Model, Setup};
use crate::trace::{Culprit, WaiterId};
use crate::{ClockKind, Shutdown, Workload};

fn stretch(waiter: WaiterId, start_ms: u64, end_ms: u64) -> Stretch {
    Stretch {
        waiter,
        start: Duration::from_millis(start_ms),
        end: Duration::from_millis(end_ms),
        by: Culprit::Order(0),
        product: None,
    }
}

/// On a multi-thread runtime a waiter's stretches may overlap: they go
/// on as many threads as they need, each after the waiter's lanes.
#[test]
fn overlapping_stretches_are_packed_on_threads_of_their_own() {
    let lane = |waiter| Lane {
        waiter,
        track: 0,
        tracks: 1,
        bars: Vec::new(),
        dispatches: Vec::new(),
    };
    let chart = Chart {
        model: "async-multi",
        waiters: 2,
        lanes: vec![lane(1), lane(2)],
        blocked: vec![
            stretch(0, 0, 300),
            stretch(1, 0, 500),
            stretch(1, 200, 700),
            stretch(1, 500, 900),
            stretch(2, 100, 400),
        ],
        makespan: Duration::from_secs(1),
        units: Units::Tasks,
        in_flight: Vec::new(),
        computing: Vec::new(),
        threads: None,
        latencies: Vec::new(),
        redeliveries: Vec::new(),
    };
    let timeline = Timeline {
        charts: vec![chart],
        products: Vec::new(),
    };
    let mut out = Vec::new();
    write(&mut out, &timeline).unwrap();
    let trace: Value = serde_json::from_slice(&out).unwrap();
    let events = trace["traceEvents"].as_array().unwrap();
    let mut threads: BTreeMap<u64, (String, u64)> = BTreeMap::new();
    for e in events {
        let tid = e["tid"].as_u64().unwrap();
        match e["name"].as_str() {
            Some("thread_name") => {
                let name = e["args"]["name"].as_str().unwrap().to_string();
                threads.entry(tid).or_default().0 = name;
            }
            Some("thread_sort_index") => {
                threads.entry(tid).or_default().1 = e["args"]["sort_index"].as_u64().unwrap();
            }
            _ => {}
        }
    }
    let mut sorted: Vec<&(String, u64)> = threads.values().collect();
    sorted.sort_by_key(|(_, index)| *index);
    let names: Vec<&str> = sorted.iter().map(|(name, _)| name.as_str()).collect();
    assert_eq!(
        names,
        [
            "event loop",
            "waiter 1",
            "waiter 1 · event loop · 1",
            "waiter 1 · event loop · 2",
            "waiter 2",
            "waiter 2 · event loop",
        ]
    );
    let mut spans: BTreeMap<u64, Vec<(u64, u64)>> = BTreeMap::new();
    for e in events.iter().filter(|e| e["cat"] == "blocked") {
        let ts = e["ts"].as_u64().unwrap();
        let span = (ts, ts + e["dur"].as_u64().unwrap());
        spans
            .entry(e["tid"].as_u64().unwrap())
            .or_default()
            .push(span);
    }
    assert_eq!(spans.values().map(Vec::len).sum::<usize>(), 5);
    for spans in spans.values() {
        for pair in spans.windows(2) {
            assert!(pair[0].1 <= pair[1].0, "overlap {pair:?}");
        }
    }
}

/// A computed product's computing is a slice of its own, nested in the
/// product's on its thread: from the computing's start to the product's
/// end.
#[test]
fn computing_is_a_slice_nested_in_its_products() {
    let timeline = crate::report::timeline::computing::tests::timeline();
    let mut out = Vec::new();
    write(&mut out, &timeline).unwrap();
    let trace: Value = serde_json::from_slice(&out).unwrap();
    let events = trace["traceEvents"].as_array().unwrap();
    let slice = |e: &Value| {
        let ts = e["ts"].as_u64().unwrap();
        let key = (e["args"]["order"].as_u64(), e["args"]["item"].as_u64());
        (
            key,
            (e["tid"].as_u64(), ts, ts + e["dur"].as_u64().unwrap()),
        )
    };
    let of = |cat: &str| -> BTreeMap<_, _> {
        let events = events.iter().filter(|e| e["ph"] == "X" && e["cat"] == cat);
        events
            .map(|e| (slice(e), e["name"].as_str().unwrap()))
            .collect()
    };
    let products = of("product");
    let computing = of("compute");
    let names: Vec<&str> = computing.values().copied().collect();
    assert_eq!(names, ["compute soup", "compute photo"]);
    let ms = |millis: u64| millis * 1_000;
    let spans: Vec<(u64, u64)> = computing.keys().map(|(_, (_, s, e))| (*s, *e)).collect();
    assert_eq!(spans, [(ms(3_000), ms(3_500)), (0, ms(3_000))]);
    for ((key, (tid, start, end)), name) in &computing {
        let product = products.iter().find(|((k, _), _)| k == key);
        let ((_, (its_tid, its_start, its_end)), its_name) = product.unwrap();
        assert_eq!(format!("compute {its_name}"), *name);
        assert_eq!((tid, end), (its_tid, its_end), "{name}");
        assert!(its_start <= start, "{name}");
    }
}

/// One span of a trace written as spans, or an instant (`start == end`,
/// `instant`).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Span {
    pub pid: u64,
    pub id: u64,
    pub tid: u64,
    pub name: String,
    pub start: u64,
    pub end: u64,
    /// The span it is nested in, by name.
    pub parent: Option<String>,
    pub instant: bool,
    pub args: Value,
}

/// The async spans and instants of a trace, checked as the format wants
/// them: valid JSON; each with `ts`, `pid`, `tid`, `cat`, a numeric `id`
/// and `name`; in time order per tree (category and id); every `"b"`
/// ended by an `"e"` of the same category, id and name, nested: the last
/// begun in its tree is the first ended.
pub(crate) fn spans_of(out: &[u8]) -> Vec<Span> {
    let trace: Value = serde_json::from_slice(out).expect("valid JSON");
    let events = trace["traceEvents"].as_array().expect("traceEvents");
    let mut open: BTreeMap<(String, u64), Vec<Span>> = BTreeMap::new();
    let mut last: BTreeMap<(String, u64), u64> = BTreeMap::new();
    let mut spans = Vec::new();
    for e in events {
        let ph = e["ph"].as_str().expect("a phase");
        if !["b", "e", "n"].contains(&ph) {
            continue;
        }
        let number = |key: &str| e[key].as_u64().unwrap_or_else(|| panic!("{key} in {e}"));
        let text = |key: &str| e[key].as_str().unwrap_or_else(|| panic!("{key} in {e}"));
        let (pid, tid, ts, id) = (number("pid"), number("tid"), number("ts"), number("id"));
        let (cat, name) = (text("cat").to_string(), text("name").to_string());
        let tree = (cat, id);
        let before = last.insert(tree.clone(), ts).unwrap_or(0);
        assert!(before <= ts, "{e} after {before} in its tree");
        let stack = open.entry(tree).or_default();
        let parent = stack.last().map(|s| s.name.clone());
        let span = Span {
            pid,
            id,
            tid,
            name,
            start: ts,
            end: ts,
            parent,
            instant: ph == "n",
            args: e["args"].clone(),
        };
        match ph {
            "b" => stack.push(span),
            "n" => spans.push(span),
            _ => {
                let mut begun = stack.pop().unwrap_or_else(|| panic!("{e} ends nothing"));
                assert_eq!(
                    (begun.name.as_str(), begun.pid),
                    (span.name.as_str(), pid),
                    "{e}"
                );
                begun.end = ts;
                spans.push(begun);
            }
        }
    }
    for (tree, stack) in open {
        assert!(stack.is_empty(), "{tree:?}: {stack:?} never ended");
    }
    spans
}

fn as_spans(timeline: &Timeline) -> Vec<u8> {
    let mut out = Vec::new();
    write_from(&mut out, timeline, 0).unwrap();
    out
}

fn run(model: Model) -> Chart {
    let workload = Arc::new(Workload::article());
    let setup = Setup::new(model, ClockKind::Virtual);
    let run = restaurant::run(&workload, &setup, None, &Shutdown::new()).unwrap();
    Chart::of(model.name(), setup.waiters, &run.trace)
}

/// Each model's products are spans of their order's tree, no thread per
/// lane: the async waiter's, that start together, nest in one tree per
/// order; sync's follow each other in theirs.
#[test]
fn as_spans_each_product_is_in_its_orders_tree() {
    let charts = vec![run(Model::Sync), run(Model::Async)];
    let timeline = Timeline {
        charts,
        products: ["burger", "soda", "beer", "frites"]
            .map(String::from)
            .to_vec(),
    };
    let out = as_spans(&timeline);
    let spans = spans_of(&out);
    let trace: Value = serde_json::from_slice(&out).unwrap();
    let events = trace["traceEvents"].as_array().unwrap();
    for (chart, pid) in timeline.charts.iter().zip(1..) {
        let mut expected: Vec<(String, u64, u64)> = chart
            .lanes
            .iter()
            .flat_map(|l| &l.bars)
            .map(|b| {
                let name = timeline.products[b.product as usize].clone();
                let span = |d: Duration| d.as_micros() as u64;
                (name, span(b.start), span(b.end))
            })
            .collect();
        expected.sort();
        let of_chart = spans.iter().filter(|s| s.pid == pid);
        let mut got: Vec<(String, u64, u64)> = of_chart
            .clone()
            .filter(|s| !s.instant)
            .map(|s| (s.name.clone(), s.start, s.end))
            .collect();
        got.sort();
        assert_eq!(got, expected, "{}", chart.model);
        // One tree per order, its dispatch marked in it.
        let mut dispatched: Vec<(u64, String)> = of_chart
            .clone()
            .filter(|s| s.instant)
            .map(|s| (s.id, s.name.clone()))
            .collect();
        dispatched.sort();
        let names: Vec<&str> = dispatched.iter().map(|(_, n)| n.as_str()).collect();
        let orders = (0..4).map(|o| format!("order {o} dispatched"));
        assert_eq!(names, orders.collect::<Vec<_>>(), "{}", chart.model);
        let ids: std::collections::BTreeSet<u64> = of_chart.map(|s| s.id).collect();
        assert_eq!(ids.len(), 4, "{}", chart.model);
        // A thread per waiter, none per lane.
        let threads = events
            .iter()
            .filter(|e| e["name"] == "thread_name" && e["pid"] == pid)
            .count();
        assert_eq!(threads, chart.waiters, "{}", chart.model);
    }
    let async_spans = spans.iter().filter(|s| s.pid == 2 && !s.instant);
    assert!(
        async_spans.clone().any(|s| s.parent.is_some()),
        "nothing nests"
    );
    assert!(async_spans.clone().all(|s| s.tid == 1));
}

fn bar(order: u32, item: u16, start: u64, end: u64, compute: Option<u64>) -> Bar {
    let s = Duration::from_secs;
    Bar {
        order,
        item,
        product: 0,
        start: s(start),
        end: s(end),
        compute: compute.map(s),
        abandoned: false,
    }
}

/// Products of one order that would cross each other's end, or the start
/// of another's computing, go to trees of their own; those that nest stay.
#[test]
fn as_spans_products_that_cross_go_to_another_tree() {
    let bars = vec![
        bar(0, 0, 0, 10, Some(8)),
        bar(0, 1, 1, 11, None),
        bar(0, 2, 2, 5, None),
        bar(0, 3, 7, 9, None),
        bar(0, 4, 8, 10, None),
    ];
    let lanes = bars
        .into_iter()
        .enumerate()
        .map(|(track, bar)| Lane {
            waiter: 1,
            track,
            tracks: 5,
            bars: vec![bar],
            dispatches: Vec::new(),
        })
        .collect();
    let chart = Chart {
        model: "async",
        waiters: 1,
        lanes,
        blocked: Vec::new(),
        makespan: Duration::from_secs(11),
        units: Units::Tasks,
        in_flight: Vec::new(),
        computing: Vec::new(),
        threads: None,
        latencies: Vec::new(),
        redeliveries: Vec::new(),
    };
    let timeline = Timeline {
        charts: vec![chart],
        products: vec!["burger".into()],
    };
    let spans = spans_of(&as_spans(&timeline));
    let s = |secs: u64| secs * 1_000_000;
    let mut got: Vec<(u64, u64, u64, &str, Option<&str>)> = spans
        .iter()
        .map(|x| (x.id, x.start, x.end, x.name.as_str(), x.parent.as_deref()))
        .collect();
    got.sort();
    assert_eq!(
        got,
        [
            (1, 0, s(10), "burger", None),
            (1, s(2), s(5), "burger", Some("burger")),
            (1, s(8), s(10), "burger", Some("compute burger")),
            (1, s(8), s(10), "compute burger", Some("burger")),
            (2, s(1), s(11), "burger", None),
            (2, s(7), s(9), "burger", Some("burger")),
        ]
    );
}

/// A computed product's computing is a span nested in the product's, to
/// its end, in the spans layout too.
#[test]
fn as_spans_computing_is_nested_in_its_product() {
    let timeline = crate::report::timeline::computing::tests::timeline();
    let spans = spans_of(&as_spans(&timeline));
    let computing: Vec<&Span> = spans
        .iter()
        .filter(|s| s.name.starts_with("compute "))
        .collect();
    assert_eq!(computing.len(), 2);
    for c in computing {
        let product = c.name.strip_prefix("compute ").unwrap();
        assert_eq!(c.parent.as_deref(), Some(product), "{c:?}");
        let its = spans
            .iter()
            .find(|s| s.name == product && s.id == c.id && s.end == c.end);
        assert!(its.is_some_and(|p| p.start <= c.start), "{c:?}");
    }
}
