//! The text timeline at scale: for each model, products in preparation
//! (and of them, those computing, when any did; and threads alive) as a
//! row of eighth blocks on the shared axis, the
//! most at once a full block; then each model's order latencies as a box
//! plot on an axis of their own.
//!
//! ```text
//! async: 1 waiter, 550 products, makespan 7.5 s
//!                   0 s      500 s     1000 s    1500 s    2000 s
//!   in preparation  █...........................................  550 at most
//! ...
//! order latency, from "Received orders" to each order's dispatch:
//!                   0 s      500 s     1000 s    1500 s    2000 s
//!             sync  |-----------[=====|======]---------------|
//!                   200 orders: fastest 8.5 s, median 1095 s, ...
//! ```

use std::io::{self, Write};
use std::time::Duration;

use super::{heading, redelivered, scale_line, words, COLUMNS};
use crate::report::timeline::blocked::merge;
use crate::report::timeline::{most, peaks, Chart, Spread, Step, Timeline, BLOCKED};

/// Eighths of a column's height, from a sliver to full.
const LEVELS: [char; 8] = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];
const IN_FLIGHT: &str = "in preparation";
const THREADS: &str = "threads alive";
const COMPUTING: &str = "computing";
/// Where the event loop was blocked, as in the Gantt chart.
const BLOCKED_CELL: char = '#';

/// Writes the timeline at scale: step rows per model, then latencies.
pub(super) fn write(out: &mut impl Write, timeline: &Timeline) -> io::Result<()> {
    let end = timeline.end().max(Duration::from_millis(1));
    let models = timeline.charts.iter().map(|c| c.model.chars().count());
    let loop_row = words().loop_row;
    let width = [IN_FLIGHT, THREADS, loop_row]
        .iter()
        .map(|l| l.chars().count())
        .chain(models)
        .max()
        .unwrap_or(0);
    let scale = scale_line(end);
    for chart in &timeline.charts {
        writeln!(out, "{}", heading(chart))?;
        redelivered(out, chart)?;
        writeln!(out, "  {:width$}  {scale}", "")?;
        let highest = most(&chart.in_flight).max(chart.threads.as_deref().map_or(0, most));
        let row = steps_row(&chart.in_flight, end, highest);
        let at_most = most(&chart.in_flight);
        writeln!(out, "  {IN_FLIGHT:>width$}  {row}  {at_most} at most")?;
        if !chart.computing.is_empty() {
            let row = steps_row(&chart.computing, end, highest);
            let at_most = most(&chart.computing);
            writeln!(out, "  {COMPUTING:>width$}  {row}  {at_most} at most")?;
        }
        if let Some(alive) = &chart.threads {
            let row = steps_row(alive, end, highest);
            writeln!(out, "  {THREADS:>width$}  {row}  {} at most", most(alive))?;
        }
        if !chart.blocked.is_empty() {
            writeln!(out, "  {loop_row:>width$}  {}", blocked_row(chart, end))?;
        }
    }
    write_latencies(out, timeline, width)?;
    write!(
        out,
        "{} to {}: how many at once, in eighths of the model's most; . none",
        LEVELS[0], LEVELS[7]
    )?;
    if timeline.charts.iter().any(|c| !c.blocked.is_empty()) {
        write!(out, "; {BLOCKED_CELL} {BLOCKED}")?;
    }
    writeln!(out)
}

/// A step series as [`COLUMNS`] cells: the most at once in each, in
/// eighths of `highest`; `.` where there was none.
fn steps_row(steps: &[Step], end: Duration, highest: u32) -> String {
    let highest = f64::from(highest.max(1));
    peaks(steps, end, COLUMNS)
        .into_iter()
        .map(|peak| match peak {
            0 => '.',
            // Any at all shows, however few.
            n => LEVELS[((f64::from(n) / highest * 8.0).ceil() as usize).clamp(1, 8) - 1],
        })
        .collect()
}

/// Where the event loop was blocked, a column's worth of time merged.
fn blocked_row(chart: &Chart, end: Duration) -> String {
    let mut cells = vec!['.'; COLUMNS];
    let column = |at: Duration| at.as_secs_f64() / end.as_secs_f64() * COLUMNS as f64;
    for m in merge(&chart.blocked, end / COLUMNS as u32) {
        let from = (column(m.start).floor() as usize).min(COLUMNS - 1);
        let to = (column(m.end).ceil() as usize).clamp(from + 1, COLUMNS);
        cells[from..to].fill(BLOCKED_CELL);
    }
    cells.into_iter().collect()
}

/// The orders' latencies, a box plot per model on an axis of their own.
fn write_latencies(out: &mut impl Write, timeline: &Timeline, width: usize) -> io::Result<()> {
    let spreads: Vec<Option<Spread>> = timeline.charts.iter().map(Chart::latency).collect();
    let longest = spreads.iter().flatten().map(|s| s.max).max();
    let longest = longest.unwrap_or_default().max(Duration::from_millis(1));
    writeln!(
        out,
        "order latency, from \"Received orders\" to each order's dispatch:"
    )?;
    writeln!(out, "  {:width$}  {}", "", scale_line(longest))?;
    for (chart, spread) in timeline.charts.iter().zip(&spreads) {
        let model = chart.model;
        match spread {
            Some(s) => {
                writeln!(out, "  {model:>width$}  {}", box_row(s, longest))?;
                writeln!(out, "  {:width$}  {}", "", s.describe(words()))?;
            }
            None => writeln!(out, "  {model:>width$}  no order dispatched")?,
        }
    }
    Ok(())
}

/// `|----[===|====]------|`: the whiskers from the fastest to the slowest,
/// the box from a quarter to three quarters, `|` inside it the median.
fn box_row(s: &Spread, longest: Duration) -> String {
    let column = |at: Duration| {
        let c = at.as_secs_f64() / longest.as_secs_f64() * (COLUMNS - 1) as f64;
        (c.round() as usize).min(COLUMNS - 1)
    };
    let mut cells = vec![' '; COLUMNS];
    let (min, max) = (column(s.min), column(s.max));
    cells[min..=max].fill('-');
    cells[column(s.p25)..=column(s.p75)].fill('=');
    cells[min] = '|';
    cells[max] = '|';
    cells[column(s.p25)] = '[';
    cells[column(s.p75)] = ']';
    cells[column(s.median)] = '|';
    let row: String = cells.into_iter().collect();
    row.trim_end().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_box_row_marks_the_five_numbers() {
        let times: Vec<Duration> = (0..=10).map(|s| Duration::from_secs(s * 59)).collect();
        let s = Spread::of(&times).unwrap();
        let row = box_row(&s, Duration::from_secs(590));
        // 0, 118, 295, 472 and 590 s of 590 s: columns 0, 12, 30, 47, 59.
        assert_eq!(
            row,
            "|-----------[=================|================]-----------|"
        );
    }

    #[test]
    fn a_step_row_shows_any_at_all() {
        let steps = crate::report::timeline::steps([
            (Duration::ZERO, Duration::from_secs(60)),
            (Duration::ZERO, Duration::from_secs(1)),
        ]);
        let row = steps_row(&steps, Duration::from_secs(120), 16);
        let expected = format!("{}{}{}", '▁', "▁".repeat(29), ".".repeat(30));
        assert_eq!(row, expected);
        let row = steps_row(&steps, Duration::from_secs(120), 2);
        assert!(row.starts_with("█▄"), "{row}");
    }
}
