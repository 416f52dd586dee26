//! The timeline as a compact text Gantt chart, for `--timeline -`.
//!
//! ```text
//! sync: 2 waiters, 11 products, makespan 43.8 s
//!             0 s        10 s       20 s       30 s       40 s
//!   waiter 1  bbbbbbbbbbsbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbeeeeefffffff...
//! ```
//!
//! Each product is a letter, named in the legend; `.` is a waiter not
//! waiting for the kitchen. When any product was computed, its letter is
//! lower case while the waiter waits (for the kitchen, a core or the GIL)
//! and upper case while it computes: a burger only waited for, a photo
//! only computed, a soup waited for then computed.
//!
//! ```text
//!   waiter 1  bbbbbbbbbbbbbPPPPsssssssssSSPPPPsssssssssSSbbbbbbbbbbbbbPPPP
//! ```
//!
//! Under a waiter whose code blocked the event loop, a `loop blocked` row
//! has `#` where it did:
//!
//! ```text
//!       waiter 1  bbbbbbbbbbssbbbbbbbbbbbbbbbbbbbbeefffffeeeeebbbbbbbbbbbfffff
//!   loop blocked  ############################################################
//! ```
//!
//! A run on a broker that lost a waiter mid-order names its re-deliveries
//! under its heading, and ends each product the lost waiter was waiting
//! for with `!`, where the order went to another waiter:
//!
//! ```text
//!   Re-delivered: order 0 (waiter 1 → 2)
//!   waiter 1  bbbbbbbbbb!.................................................
//!   waiter 2  ...........bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb..
//! ```
//!
//! When a lane would not be legible ([`LEGIBLE`]), it shows what matters
//! at scale instead (`scale.rs`): products in preparation over time, and
//! the spread of the orders' latencies.

use std::io::{self, Write};
use std::time::Duration;

mod scale;

use super::{axis, Chart, Legible, Timeline, Words, BLOCKED};
use crate::latency::Lang;

/// Columns of the time axis.
const COLUMNS: usize = 60;
/// The most rows per model.
const MAX_ROWS: usize = 12;

/// The least room a lane needs in the text: a line of its own, at most
/// `MAX_ROWS` to a model; its model's run 5 columns wide on the shared
/// axis; and a column for each of its products, each shown by a letter.
/// Past this, the text shows the run at scale.
pub const LEGIBLE: Legible = Legible {
    rows: MAX_ROWS,
    width: COLUMNS as f64,
    span: 5.0,
    product: 1.0,
};
/// Where the event loop was blocked, in a `loop blocked` row.
const BLOCKED_CELL: char = '#';
/// Where a product was abandoned, its waiter lost and its order
/// re-delivered.
const ABANDONED_CELL: char = '!';

/// The text's words: English, since the commands that print it have no
/// `--lang`.
fn words() -> &'static Words {
    Words::of(Lang::En)
}

/// Writes the timeline, one block per model on a shared axis, then the
/// legend.
pub fn write(out: &mut impl Write, timeline: &Timeline) -> io::Result<()> {
    if !LEGIBLE.fits(timeline) {
        return scale::write(out, timeline);
    }
    let end = timeline.end().max(Duration::from_millis(1));
    let column = |at: Duration| {
        let c = at.as_secs_f64() / end.as_secs_f64() * COLUMNS as f64;
        (c.round() as usize).min(COLUMNS)
    };
    let computes = timeline.computes();
    let letters = letters(&timeline.products, computes);
    let views: Vec<_> = timeline
        .charts
        .iter()
        .map(|chart| chart.view(MAX_ROWS, words()))
        .collect();
    let label_width = views
        .iter()
        .flat_map(|v| &v.rows)
        .map(|r| r.label.chars().count())
        .max()
        .unwrap_or(0);

    let scale = scale_line(end);

    for (chart, view) in timeline.charts.iter().zip(&views) {
        writeln!(out, "{}", heading(chart))?;
        if let Some(note) = view.note(chart, words()) {
            writeln!(out, "  ({note})")?;
        }
        redelivered(out, chart)?;
        writeln!(out, "  {:label_width$}  {scale}", "")?;
        for row in &view.rows {
            let mut cells = vec!['.'; COLUMNS];
            // Every product and stretch shows, however short. Returns
            // the last cell filled.
            let fill = |cells: &mut [char], start: Duration, end: Duration, cell: char| {
                let from = column(start).min(COLUMNS - 1);
                let to = column(end).max(from + 1);
                cells[from..to].fill(cell);
                to - 1
            };
            for bar in &row.bars {
                let letter = letters.get(bar.product as usize).copied().unwrap_or('*');
                let last = match bar.compute {
                    Some(compute) => {
                        // Waiting only where there was any, so that a
                        // product computed at once starts upper case.
                        if compute > bar.start {
                            fill(&mut cells, bar.start, compute, letter);
                        }
                        fill(&mut cells, compute, bar.end, letter.to_ascii_uppercase())
                    }
                    None => fill(&mut cells, bar.start, bar.end, letter),
                };
                if bar.abandoned {
                    cells[last] = ABANDONED_CELL;
                }
            }
            for stretch in row.blocked {
                fill(&mut cells, stretch.start, stretch.end, BLOCKED_CELL);
            }
            let cells: String = cells.into_iter().collect();
            writeln!(out, "  {:>label_width$}  {cells}", row.label)?;
        }
    }
    let legend: Vec<String> = timeline
        .products
        .iter()
        .zip(&letters)
        .map(|(name, letter)| format!("{letter} {name}"))
        .collect();
    write!(out, "products: {}; ", legend.join(", "))?;
    if computes {
        let words = words();
        write!(
            out,
            "lower case {}, upper case {}; . neither",
            words.waiting, words.computing
        )?;
    } else {
        write!(out, ". not waiting for the kitchen")?;
    }
    if timeline.charts.iter().any(|c| !c.redeliveries.is_empty()) {
        write!(out, "; {ABANDONED_CELL} {}", words().abandoned)?;
    }
    if timeline.charts.iter().any(|c| !c.blocked.is_empty()) {
        write!(out, "; {BLOCKED_CELL} {BLOCKED}")?;
    }
    writeln!(out)
}

/// The line naming a model's re-deliveries, if it had any, under its
/// heading: as the summary after a run names them.
fn redelivered(out: &mut impl Write, chart: &Chart) -> io::Result<()> {
    match crate::report::summary::redeliveries(&chart.redeliveries) {
        Some(line) => writeln!(out, "  {line}"),
        None => Ok(()),
    }
}

/// The tick labels of an axis from 0 to `end` over [`COLUMNS`], each
/// starting at its tick, as long as there is room.
fn scale_line(end: Duration) -> String {
    let mut scale = vec![b' '; COLUMNS + 8];
    for tick in axis::ticks(end, COLUMNS / 12) {
        let label = axis::label(tick);
        let at = tick.as_secs_f64() / end.as_secs_f64() * COLUMNS as f64;
        let at = (at.round() as usize).min(COLUMNS);
        if scale[at..].iter().take(label.len() + 1).all(|&c| c == b' ') {
            scale[at..at + label.len()].copy_from_slice(label.as_bytes());
        }
    }
    String::from_utf8_lossy(&scale).trim_end().to_string()
}

/// `sync: 2 waiters, 11 products, makespan 43.8 s`
fn heading(chart: &Chart) -> String {
    let figures = words().figures(chart.waiters, chart.bars(), chart.makespan);
    format!("{}: {figures}", chart.model)
}

/// One letter per product: its initial when free, else another of its
/// letters, else any free letter or digit; `*` when all are taken. When
/// products are `computed`, letters only, each of which has an upper case
/// for computing.
fn letters(products: &[String], computed: bool) -> Vec<char> {
    let mut used: Vec<char> = Vec::new();
    let spare = ('a'..='z').chain(('0'..='9').filter(|_| !computed));
    let usable = |c: &char| c.is_ascii_lowercase() || (!computed && c.is_ascii_digit());
    products
        .iter()
        .map(|name| {
            let mine = name.chars().flat_map(char::to_lowercase);
            let pick = mine
                .filter(usable)
                .chain(spare.clone())
                .find(|c| !used.contains(c))
                .unwrap_or('*');
            if pick != '*' {
                used.push(pick);
            }
            pick
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::timeline::computing::tests::timeline;

    #[test]
    fn products_get_distinct_letters_from_their_names() {
        let names = ["burger", "beer", "bread", "frites"].map(String::from);
        assert_eq!(letters(&names, false), ['b', 'e', 'r', 'f']);
        let many: Vec<String> = (0..40).map(|i| format!("x{i}")).collect();
        let got = letters(&many, false);
        assert_eq!(got[..3], ['x', '1', '2']);
        assert_eq!(got[39], '*');
        // Computed products get letters only, for an upper case each.
        let got = letters(&many, true);
        assert_eq!(got[..3], ['x', 'a', 'b']);
        assert!(got[..26].iter().all(char::is_ascii_lowercase));
        assert_eq!(got[26], '*');
    }

    #[test]
    fn waiting_is_lower_case_and_computing_upper_case() {
        let mut out = Vec::new();
        write(&mut out, &timeline()).unwrap();
        let text = String::from_utf8(out).unwrap();
        let rows: Vec<&str> = text.lines().filter(|l| l.contains("task")).collect();
        // The soup waits 3 s of 3.5 (51 columns of 60) then computes; the
        // burger only waits; the photo computes from its request.
        let (s, b, p) = ("s".repeat(51), "b".repeat(51), "P".repeat(51));
        assert_eq!(
            rows,
            [
                format!("  task 1  {s}SSSSSSSSS"),
                format!("  task 2  {b}........."),
                format!("  task 3  {p}........."),
            ]
        );
        assert_eq!(
            text.lines().last(),
            Some(
                "products: s soup, b burger, p photo; lower case waiting, upper case computing \
                 (CPU); . neither"
            )
        );
    }
}
