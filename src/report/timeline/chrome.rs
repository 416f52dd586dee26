//! The timeline in Chrome's trace event format, for Perfetto
//! (<https://ui.perfetto.dev>) and `chrome://tracing`.
//!
//! One process per model, one thread per lane. Perfetto rejects complete
//! events (`"ph": "X"`) that overlap on one thread, which is why the
//! products are packed in overlap-free lanes (see `lanes.rs`) rather than
//! all put on their waiter: the async waiter has every product in flight at
//! once. Orders, which do overlap, are async begin/end events, each with an
//! id of its own so that concurrent orders stay apart. Times are restaurant
//! microseconds.
//!
//! A product that needs CPU time has a second complete event nested in
//! its own, on its thread: `compute photo`, from when the waiter started
//! computing to when the product was ready, so that Perfetto shows the
//! computing under the product's slice, and the waiting beside it.
//!
//! A run on a broker that lost a waiter mid-order has, for each product
//! the lost waiter was waiting for, a slice that ends at the re-delivery,
//! with `"abandoned": true` in its args; and on the new waiter's first
//! thread, an instant event `redelivered`, with the order and `from`, the
//! waiter that had it.
//!
//! The stretches a waiter's code held the event loop are complete events
//! too, named `event loop blocked`, on a thread of their own after the
//! waiter's (`waiter 1 · event loop`), so that they never overlap its
//! products; on a multi-thread runtime they may overlap each other, and
//! are packed on overlap-free threads as the products are.

use std::collections::BTreeMap;
use std::io::{self, Write};
use std::time::Duration;

use serde::Serialize;
use serde_json::json;

use super::{lanes, Chart, Stretch, Timeline, BLOCKED};
use crate::trace::WaiterId;
use crate::workload::OrderId;

/// One trace event; fields a phase does not use are left out.
#[derive(Serialize)]
struct Event<'a> {
    name: &'a str,
    ph: &'static str,
    pid: usize,
    tid: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    cat: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    ts: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    dur: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    s: Option<&'static str>,
    #[serde(skip_serializing_if = "serde_json::Value::is_null")]
    args: serde_json::Value,
}

impl<'a> Event<'a> {
    fn new(name: &'a str, ph: &'static str, pid: usize, tid: usize) -> Event<'a> {
        Event {
            name,
            ph,
            pid,
            tid,
            cat: None,
            ts: None,
            dur: None,
            id: None,
            s: None,
            args: serde_json::Value::Null,
        }
    }
}

fn micros(d: Duration) -> u64 {
    d.as_micros() as u64
}

/// Writes the timeline as a JSON object with a `traceEvents` array.
pub fn write(out: &mut impl Write, timeline: &Timeline) -> io::Result<()> {
    out.write_all(b"{\"displayTimeUnit\":\"ms\",\"traceEvents\":[\n")?;
    let mut first = true;
    let mut emit = |out: &mut dyn Write, event: &Event| -> io::Result<()> {
        if !first {
            out.write_all(b",\n")?;
        }
        first = false;
        serde_json::to_writer(&mut *out, event).map_err(io::Error::from)
    };
    for (i, chart) in timeline.charts.iter().enumerate() {
        let pid = i + 1;
        write_chart(out, &mut emit, chart, pid, &timeline.products)?;
    }
    out.write_all(b"\n]}\n")
}

type Emit<'e> = dyn FnMut(&mut dyn Write, &Event) -> io::Result<()> + 'e;

fn write_chart(
    out: &mut dyn Write,
    emit: &mut Emit,
    chart: &Chart,
    pid: usize,
    products: &[String],
) -> io::Result<()> {
    let mut meta = Event::new("process_name", "M", pid, 0);
    meta.args = json!({ "name": chart.model });
    emit(out, &meta)?;
    let mut sort = Event::new("process_sort_index", "M", pid, 0);
    sort.args = json!({ "sort_index": pid });
    emit(out, &sort)?;

    // Threads are numbered lanes first, then the loop's, and sorted so
    // that a waiter's loop comes right after its lanes.
    let mut threads = Threads {
        pid,
        next_tid: chart.lanes.len() + 1,
        sorted: 0,
    };
    let unnamed = chart.blocked.partition_point(|s| s.waiter == 0);
    threads.write_loop(out, emit, 0, &chart.blocked[..unnamed], products)?;
    let mut from = unnamed;

    // When each order's first product was asked for, and when it was
    // dispatched: the order's span.
    let mut orders: BTreeMap<OrderId, (Duration, Option<Duration>)> = BTreeMap::new();
    for (j, lane) in chart.lanes.iter().enumerate() {
        let tid = j + 1;
        let label = if lane.tracks == 1 {
            format!("waiter {}", lane.waiter)
        } else {
            format!("waiter {} · {}", lane.waiter, lane.track + 1)
        };
        threads.name(out, emit, tid, label)?;

        for bar in &lane.bars {
            let product = products
                .get(bar.product as usize)
                .map_or("?", String::as_str);
            let mut event = Event::new(product, "X", pid, tid);
            event.cat = Some("product");
            event.ts = Some(micros(bar.start));
            event.dur = Some(micros(bar.end.saturating_sub(bar.start)));
            event.args = if bar.abandoned {
                json!({ "order": bar.order, "item": bar.item, "abandoned": true })
            } else {
                json!({ "order": bar.order, "item": bar.item })
            };
            emit(out, &event)?;
            if let Some(compute) = bar.compute {
                // Within the product's slice, which ends when it does:
                // nested, never overlapping it.
                let name = format!("compute {product}");
                let mut event = Event::new(&name, "X", pid, tid);
                event.cat = Some("compute");
                event.ts = Some(micros(compute));
                event.dur = Some(micros(bar.end.saturating_sub(compute)));
                event.args = json!({ "order": bar.order, "item": bar.item });
                emit(out, &event)?;
            }
            let span = orders.entry(bar.order).or_insert((bar.start, None));
            span.0 = span.0.min(bar.start);
        }
        for &(order, at) in &lane.dispatches {
            let mut event = Event::new("dispatch", "i", pid, tid);
            event.cat = Some("dispatch");
            event.ts = Some(micros(at));
            event.s = Some("t");
            event.args = json!({ "order": order });
            emit(out, &event)?;
            orders.entry(order).or_insert((at, None)).1 = Some(at);
        }
        if lane.track == 0 {
            for r in chart.redeliveries.iter().filter(|r| r.to == lane.waiter) {
                let mut event = Event::new("redelivered", "i", pid, tid);
                event.cat = Some("redelivered");
                event.ts = Some(micros(r.at));
                event.s = Some("t");
                event.args = json!({ "order": r.order, "from": r.from });
                emit(out, &event)?;
            }
        }
        let last_of_waiter = chart
            .lanes
            .get(j + 1)
            .is_none_or(|next| next.waiter != lane.waiter);
        if last_of_waiter {
            let rest = &chart.blocked[from..];
            let to = from + rest.partition_point(|s| s.waiter <= lane.waiter);
            threads.write_loop(out, emit, lane.waiter, &chart.blocked[from..to], products)?;
            from = to;
        }
    }
    for (order, (start, end)) in orders {
        let Some(end) = end else { continue };
        let name = format!("order {order}");
        // Ids are unique across models too, so no viewer can mix them up.
        let id = format!("{pid}.{order}");
        for (ph, at) in [("b", start), ("e", end)] {
            let mut event = Event::new(&name, ph, pid, 0);
            event.cat = Some("order");
            event.ts = Some(micros(at));
            event.id = Some(id.clone());
            emit(out, &event)?;
        }
    }
    Ok(())
}

/// The threads of one model's process, named and sorted as they come.
struct Threads {
    pid: usize,
    /// The id of the next thread of the loop.
    next_tid: usize,
    /// Threads sorted so far.
    sorted: usize,
}

impl Threads {
    /// Names thread `tid` and puts it after those named before.
    fn name(
        &mut self,
        out: &mut dyn Write,
        emit: &mut Emit,
        tid: usize,
        label: String,
    ) -> io::Result<()> {
        let mut name = Event::new("thread_name", "M", self.pid, tid);
        name.args = json!({ "name": label });
        emit(out, &name)?;
        self.sorted += 1;
        let mut sort = Event::new("thread_sort_index", "M", self.pid, tid);
        sort.args = json!({ "sort_index": self.sorted });
        emit(out, &sort)
    }

    /// Writes the stretches `waiter`'s code held the event loop (sorted by
    /// start) on threads of their own, as many as they need not to
    /// overlap.
    fn write_loop(
        &mut self,
        out: &mut dyn Write,
        emit: &mut Emit,
        waiter: WaiterId,
        stretches: &[Stretch],
        products: &[String],
    ) -> io::Result<()> {
        let tracks = lanes::tracks(stretches, |s| (s.start, s.end));
        let count = tracks.len();
        for (track, stretches) in tracks.into_iter().enumerate() {
            let tid = self.next_tid;
            self.next_tid += 1;
            let mut label = match waiter {
                0 => "event loop".to_string(),
                w => format!("waiter {w} · event loop"),
            };
            if count > 1 {
                label.push_str(&format!(" · {}", track + 1));
            }
            self.name(out, emit, tid, label)?;
            for s in stretches {
                let mut event = Event::new(BLOCKED, "X", self.pid, tid);
                event.cat = Some("blocked");
                event.ts = Some(micros(s.start));
                event.dur = Some(micros(s.length()));
                event.args = args(&s, products);
                emit(out, &event)?;
            }
        }
        Ok(())
    }
}

/// What a stretch's slice says: whose code, and how long.
fn args(stretch: &Stretch, products: &[String]) -> serde_json::Value {
    let mut args = serde_json::Map::new();
    if stretch.waiter != 0 {
        args.insert("waiter".into(), json!(stretch.waiter));
    }
    if let Some(order) = stretch.order() {
        args.insert("order".into(), json!(order));
    }
    if let Some(item) = stretch.by.item() {
        args.insert("item".into(), json!(item));
    }
    if let Some(name) = stretch.product.and_then(|p| products.get(p as usize)) {
        args.insert("product".into(), json!(name));
    }
    args.insert("length_s".into(), json!(stretch.length().as_secs_f64()));
    serde_json::Value::Object(args)
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use serde_json::Value;

    use super::*;
    use crate::report::timeline::Lane;
    use crate::trace::Culprit;

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
            units: crate::report::timeline::Units::Tasks,
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
}
