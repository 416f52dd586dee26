//! The lane-per-thread layout: one thread per overlap-free lane, each
//! product a complete event on its lane's thread, each order an async
//! span of its own.
//!
//! Perfetto rejects complete events (`"ph": "X"`) that overlap on one
//! thread, which is why the products are packed in overlap-free lanes (see
//! `lanes.rs`) rather than all put on their waiter: the async waiter has
//! every product in flight at once. Orders, which do overlap, are async
//! begin/end events, each with an id of its own (`"<pid>.<order>"`, unique
//! across models) so that concurrent orders stay apart.
//!
//! A product that needs CPU time has a second complete event nested in
//! its own, on its thread: `compute photo`, from when the waiter started
//! computing to when the product was ready, so that Perfetto shows the
//! computing under the product's slice, and the waiting beside it.
//!
//! A product its lost waiter was waiting for has `"abandoned": true` in
//! its args; and on the new waiter's first thread, an instant event
//! `redelivered` names the order and `from`, the waiter that had it.

use std::collections::BTreeMap;
use std::io;
use std::time::Duration;

use serde_json::json;

use super::events::{micros, Event, Events, Names};
use super::process::Threads;
use crate::report::timeline::Chart;
use crate::workload::OrderId;

/// Writes `chart` as process `pid`, a thread per lane.
pub(super) fn write_chart(
    events: &mut Events,
    chart: &Chart,
    pid: usize,
    names: &Names,
    products: &[String],
) -> io::Result<()> {
    // Threads are numbered lanes first, then the loop's, and sorted so
    // that a waiter's loop comes right after its lanes.
    let mut threads = Threads::new(pid, chart.lanes.len() + 1);
    let unnamed = chart.blocked.partition_point(|s| s.waiter == 0);
    threads.write_loop(events, 0, &chart.blocked[..unnamed], products)?;
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
        threads.name(events, tid, label)?;

        for bar in &lane.bars {
            let product = names.get(bar.product as usize);
            events.open(&[product], "X", pid, tid);
            events.field("cat", "product");
            events.number("ts", micros(bar.start));
            events.number("dur", micros(bar.end.saturating_sub(bar.start)));
            // Keys in serde_json's order, sorted, as the trace always had.
            events.raw(",\"args\":{");
            if bar.abandoned {
                events.raw("\"abandoned\":true,");
            }
            events.raw("\"item\":");
            events.int(u64::from(bar.item));
            events.raw(",\"order\":");
            events.int(u64::from(bar.order));
            events.raw("}");
            events.close()?;
            if let Some(compute) = bar.compute {
                // Within the product's slice, which ends when it does:
                // nested, never overlapping it.
                events.open(&["compute ", product], "X", pid, tid);
                events.field("cat", "compute");
                events.number("ts", micros(compute));
                events.number("dur", micros(bar.end.saturating_sub(compute)));
                events.raw(",\"args\":{\"item\":");
                events.int(u64::from(bar.item));
                events.raw(",\"order\":");
                events.int(u64::from(bar.order));
                events.raw("}");
                events.close()?;
            }
            let span = orders.entry(bar.order).or_insert((bar.start, None));
            span.0 = span.0.min(bar.start);
        }
        for &(order, at) in &lane.dispatches {
            events.open(&["dispatch"], "i", pid, tid);
            events.field("cat", "dispatch");
            events.number("ts", micros(at));
            events.field("s", "t");
            events.raw(",\"args\":{\"order\":");
            events.int(u64::from(order));
            events.raw("}");
            events.close()?;
            orders.entry(order).or_insert((at, None)).1 = Some(at);
        }
        if lane.track == 0 {
            for r in chart.redeliveries.iter().filter(|r| r.to == lane.waiter) {
                let mut event = Event::new("redelivered", "i", pid, tid);
                event.cat = Some("redelivered");
                event.ts = Some(micros(r.at));
                event.s = Some("t");
                event.args = json!({ "order": r.order, "from": r.from });
                events.event(&event)?;
            }
        }
        let last_of_waiter = chart
            .lanes
            .get(j + 1)
            .is_none_or(|next| next.waiter != lane.waiter);
        if last_of_waiter {
            let rest = &chart.blocked[from..];
            let to = from + rest.partition_point(|s| s.waiter <= lane.waiter);
            threads.write_loop(events, lane.waiter, &chart.blocked[from..to], products)?;
            from = to;
        }
    }
    let mut order_name = itoa::Buffer::new();
    let mut pid_buffer = itoa::Buffer::new();
    let pid_digits = pid_buffer.format(pid);
    for (order, (start, end)) in orders {
        let Some(end) = end else { continue };
        let order = order_name.format(order);
        for (ph, at) in [("b", start), ("e", end)] {
            events.open(&["order ", order], ph, pid, 0);
            events.field("cat", "order");
            events.number("ts", micros(at));
            // Ids are unique across models too, so no viewer can mix them
            // up.
            events.raw(",\"id\":\"");
            events.raw(pid_digits);
            events.raw(".");
            events.raw(order);
            events.raw("\"");
            events.close()?;
        }
    }
    Ok(())
}
