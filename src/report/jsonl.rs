//! Events as JSON lines: one object per event, for other programs.
//!
//! ```json
//! {"at_s":7.5,"kind":"done-product","waiter":1,"order":0,"item":0,"product":"burger"}
//! ```

use std::io::{self, Write};

use serde::Serialize;

use crate::trace::{Event, EventKind};
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
    item: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    product: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    wait_s: Option<f64>,
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
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "{\"at_s\":0.0,\"kind\":\"received-orders\"}\n\
             {\"at_s\":0.0,\"kind\":\"request-product\",\"waiter\":2,\"order\":1,\"item\":2,\"product\":\"beer\",\"wait_s\":1.2}\n"
        );
    }
}
