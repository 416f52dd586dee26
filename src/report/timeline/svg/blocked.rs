//! The stretches a waiter's code held the event loop, in the picture: a
//! row under the waiter with a dark red strip for each, merged where
//! there are too many to draw one by one.

use std::fmt::Write as _;
use std::time::Duration;

use super::{
    axis, edge, Picture, Row, BLOCKED_COLOUR, MAX_BARS_PER_ROW, PLOT_W, PLOT_X, STRIP_H, WIDTH,
};
use crate::report::html::escape;
use crate::report::seconds;
use crate::report::timeline::blocked::{merge, Merged};
use crate::report::timeline::Words;

/// The legend's key for the strips, when any model's loop was blocked:
/// placed at `lx` on the line at `y`, or at the start of the next line
/// when it does not fit. Returns the line it ended on.
pub(super) fn legend_key(out: &mut String, picture: &Picture, mut lx: f64, mut y: f64) -> f64 {
    if picture.timeline.charts.iter().all(|c| c.blocked.is_empty()) {
        return y;
    }
    let words = picture.words;
    let text = format!("{}: {}", words.blocked, words.nothing_else_runs);
    if lx + 26.0 + 7.0 * text.chars().count() as f64 > WIDTH - 10.0 && lx > PLOT_X {
        lx = PLOT_X;
        y += 18.0;
    }
    let _ = writeln!(
        out,
        r#"<rect x="{lx:.1}" y="{:.1}" width="12" height="{STRIP_H}" fill="{BLOCKED_COLOUR}"/><text x="{:.1}" y="{y:.1}" class="label">{text}</text>"#,
        y - 7.0,
        lx + 16.0,
    );
    y
}

/// Draws a row of stretches of a blocked loop, under the waiter whose code
/// it was: each stretch, or when there are more than
/// [`MAX_BARS_PER_ROW`], stretches merged.
pub(super) fn draw_row(
    out: &mut String,
    model: &str,
    row: &Row,
    y: f64,
    end: Duration,
    x: &dyn Fn(Duration) -> f64,
    picture: &Picture,
) {
    let words = picture.words;
    let _ = writeln!(
        out,
        r#"<text x="{:.1}" y="{:.1}" text-anchor="end" font-size="10" fill="{BLOCKED_COLOUR}">{}</text>"#,
        PLOT_X - 8.0,
        y + STRIP_H + 1.0,
        escape(&row.label)
    );
    let strip = |out: &mut String, start: Duration, end: Duration, title: String| {
        let (x0, x1) = (x(start), x(end));
        let width = (x1 - x0).max(1.0);
        let stroke = edge(width);
        let span = (words.span)(&axis::label(start), &axis::label(end));
        let _ = writeln!(
            out,
            r#"<rect class="blocked" data-model="{model}" x="{x0:.2}" y="{:.1}" width="{width:.2}" height="{STRIP_H}" fill="{BLOCKED_COLOUR}"{stroke}><title>{}: {}</title></rect>"#,
            y + 1.0,
            escape(&title),
            escape(&span),
        );
    };
    if row.blocked.len() <= MAX_BARS_PER_ROW {
        for s in row.blocked {
            strip(
                out,
                s.start,
                s.end,
                s.describe(&picture.timeline.products, words),
            );
        }
        return;
    }
    // A pixel's worth of time: merged bands are at least a pixel apart.
    let pixel = end.div_f64(PLOT_W);
    for m in merge(row.blocked, pixel) {
        strip(out, m.start, m.end, merged_title(&m, words));
    }
}

/// `event loop blocked 12 times, 43.8 s in all`.
fn merged_title(m: &Merged, words: &Words) -> String {
    let held = format!("{} s", seconds(m.held));
    match m.count {
        1 => format!("{} {held}", words.blocked),
        n => format!("{} {}", words.blocked, (words.times)(n, &held)),
    }
}
