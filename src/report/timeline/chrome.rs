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

use std::collections::BTreeMap;
use std::io::{self, Write};
use std::time::Duration;

use serde::Serialize;
use serde_json::json;

use super::{Chart, Timeline};
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
        let mut name = Event::new("thread_name", "M", pid, tid);
        name.args = json!({ "name": label });
        emit(out, &name)?;
        let mut sort = Event::new("thread_sort_index", "M", pid, tid);
        sort.args = json!({ "sort_index": tid });
        emit(out, &sort)?;

        for bar in &lane.bars {
            let product = products
                .get(bar.product as usize)
                .map_or("?", String::as_str);
            let mut event = Event::new(product, "X", pid, tid);
            event.cat = Some("product");
            event.ts = Some(micros(bar.start));
            event.dur = Some(micros(bar.end.saturating_sub(bar.start)));
            event.args = json!({ "order": bar.order, "item": bar.item });
            emit(out, &event)?;
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
