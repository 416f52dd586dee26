//! The timeline in Chrome's trace event format, for Perfetto
//! (<https://ui.perfetto.dev>) and `chrome://tracing`.
//!
//! One process per model, in one of two layouts, chosen chart by chart:
//! up to [`SPANS_FROM`] products, a thread per lane with a complete event
//! per product (`threads.rs`); from there on, no thread per lane but an
//! async span per product in its order's event tree (`spans.rs`). Both
//! put the stretches the event loop was blocked on threads of their own
//! (`process.rs`). Times are restaurant microseconds.

mod events;
mod process;
mod spans;
#[cfg(test)]
pub(super) mod tests;
mod threads;

use std::io::{self, Write};

use super::{Chart, Timeline};
use events::{Events, Names};

/// The fewest products a chart has for its trace to be written as async
/// spans rather than a thread per lane. Below it a run keeps its lanes,
/// which show which products were in flight together; at it, a thread
/// per lane would be thousands of threads on the async models (one per
/// product in flight), and their complete events and names some 400
/// bytes a product, where a span is under 200. The tests' and the
/// README's runs, a few hundred products at most, stay well below.
pub const SPANS_FROM: usize = 10_000;

/// Writes the timeline as a JSON object with a `traceEvents` array.
pub fn write(out: &mut impl Write, timeline: &Timeline) -> io::Result<()> {
    write_from(out, timeline, SPANS_FROM)
}

/// As [`write`], with charts of `spans_from` products or more as spans.
pub(super) fn write_from(
    out: &mut impl Write,
    timeline: &Timeline,
    spans_from: usize,
) -> io::Result<()> {
    out.write_all(b"{\"displayTimeUnit\":\"ms\",\"traceEvents\":[\n")?;
    let mut events = Events::new(out);
    let names = Names::of(&timeline.products);
    let mut next_id = 1;
    for (i, chart) in timeline.charts.iter().enumerate() {
        let pid = i + 1;
        process::name(&mut events, pid, chart.model)?;
        if spans(chart, spans_from) {
            spans::write_chart(
                &mut events,
                chart,
                pid,
                &names,
                &timeline.products,
                &mut next_id,
            )?;
        } else {
            threads::write_chart(&mut events, chart, pid, &names, &timeline.products)?;
        }
    }
    events.finish()?;
    out.write_all(b"\n]}\n")
}

/// Whether `chart` is written as spans.
fn spans(chart: &Chart, spans_from: usize) -> bool {
    chart.bars() >= spans_from
}
