//! Events as JSON lines: one object per event, for other programs.
//!
//! ```json
//! {"at_s":7.5,"kind":"done-product","waiter":1,"order":0,"item":0,"product":"burger"}
//! ```
//!
//! A `compute` line (the waiter starts the CPU part of a product) carries
//! `cpu_s`, how long it computes.
//!
//! A `redelivered` line (on a broker, the order given again to another
//! waiter, the line's `waiter`) carries `from`, the waiter that had taken
//! it and was lost.
//!
//! A stretch the event loop was blocked is a line of kind `loop-blocked`,
//! at the moment the loop got its thread back, with `blocked_s`, how long.

use std::io::{self, Write};

use serde::Serialize;

use crate::trace::{Blocked, Event, EventKind, Record};
use crate::workload::Workload;

#[derive(Serialize)]
struct Line<'a> {
    at_s: f64,
    kind: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    waiter: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    order: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    from: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    item: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    product: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    wait_s: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    cpu_s: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    blocked_s: Option<f64>,
}

/// Writes one record as a line of JSON.
pub fn write(out: &mut impl Write, workload: &Workload, record: &Record) -> io::Result<()> {
    match record {
        Record::Event(event) => write_event(out, workload, event),
        Record::Blocked(blocked) => write_blocked(out, workload, blocked),
    }
}

/// Writes a stretch the event loop was blocked as a line of JSON.
pub fn write_blocked(
    out: &mut impl Write,
    workload: &Workload,
    blocked: &Blocked,
) -> io::Result<()> {
    let order = blocked.by.order();
    let item = blocked.by.item().map(usize::from);
    let line = Line {
        at_s: blocked.end().as_secs_f64(),
        kind: "loop-blocked",
        waiter: (blocked.waiter != 0).then_some(blocked.waiter),
        order,
        from: None,
        item,
        product: order.zip(item).map(|(o, i)| workload.product_name(o, i)),
        wait_s: None,
        cpu_s: None,
        blocked_s: Some(blocked.length.as_secs_f64()),
    };
    serde_json::to_writer(&mut *out, &line)?;
    writeln!(out)
}

/// Writes one event as a line of JSON.
pub fn write_event(out: &mut impl Write, workload: &Workload, event: &Event) -> io::Result<()> {
    let cashier = event.kind() == EventKind::ReceivedOrders;
    let item = event.kind().item();
    let line = Line {
        at_s: event.at().as_secs_f64(),
        kind: event.kind().name(),
        waiter: (!cashier).then_some(event.waiter()),
        order: (!cashier).then_some(event.order()),
        from: match event.kind() {
            EventKind::Redelivered { from } => Some(u32::from(from)),
            _ => None,
        },
        item,
        product: item.map(|i| workload.product_name(event.order(), i)),
        wait_s: match event.kind() {
            EventKind::RequestProduct { item } => Some(
                workload
                    .preparation(event.order(), item as usize)
                    .as_secs_f64(),
            ),
            _ => None,
        },
        cpu_s: match event.kind() {
            EventKind::Compute { item } => {
                Some(workload.cpu(event.order(), item as usize).as_secs_f64())
            }
            _ => None,
        },
        blocked_s: None,
    };
    serde_json::to_writer(&mut *out, &line)?;
    writeln!(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn an_event_is_one_line_of_json() {
        let w = Workload::article();
        let mut out = Vec::new();
        write_event(
            &mut out,
            &w,
            &Event::new(Duration::ZERO, 0, 0, EventKind::ReceivedOrders),
        )
        .unwrap();
        write_event(
            &mut out,
            &w,
            &Event::new(Duration::ZERO, 2, 1, EventKind::RequestProduct { item: 2 }),
        )
        .unwrap();
        write_event(
            &mut out,
            &w,
            &Event::new(
                Duration::from_millis(900),
                3,
                2,
                EventKind::Redelivered { from: 1 },
            ),
        )
        .unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "{\"at_s\":0.0,\"kind\":\"received-orders\"}\n\
             {\"at_s\":0.0,\"kind\":\"request-product\",\"waiter\":2,\"order\":1,\"item\":2,\"product\":\"beer\",\"wait_s\":1.2}\n\
             {\"at_s\":0.9,\"kind\":\"redelivered\",\"waiter\":3,\"order\":2,\"from\":1}\n"
        );
    }
}
