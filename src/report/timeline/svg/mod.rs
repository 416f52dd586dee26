//! The timeline as an SVG Gantt chart: one block of lanes per model, on one
//! shared axis of restaurant seconds, one bar per product coloured by
//! product (hatched while the waiter waits, solid while it computes, when
//! anything computed: `computing.rs`), a mark where each order was
//! dispatched, and under a waiter whose code blocked the event loop, a
//! dark red strip where it did. A run on a broker that lost a waiter
//! mid-order has its abandoned products drawn faint and crossed out, and
//! a mark where each order went to another waiter (`redelivered.rs`).
//!
//! When a lane would not be legible ([`LEGIBLE`]), the picture shows
//! instead what matters at scale (`scale.rs`): for each model, products in
//! preparation and threads alive over time, on the same shared axis, and
//! under them the spread of the orders' latencies.
//!
//! Its words are English, or for the report's page, the page's language
//! ([`Words`]).
//!
//! Written by hand, not with a plotting crate: the picture is rectangles,
//! lines and text, and each bar carries `class="bar"` (each computing
//! part `class="computing"`, each strip `class="blocked"`, each cross of
//! an abandoned product `class="abandoned"`, each mark of a re-delivery
//! `class="redelivered"`, each step chart
//! `class="in-flight"`, `class="computing"` or `class="threads-alive"`,
//! each box plot `class="latency"`) and the model's name so tests (and
//! curious users) can find them.

use std::fmt::Write as _;
use std::io::{self, Write};
use std::time::Duration;

mod blocked;
mod computing;
mod legend;
mod redelivered;
mod scale;

use super::density::{self, Band};
use super::{axis, Chart, Legible, Row, Timeline, Words};
use crate::latency::Lang;
use crate::report::html::escape;

/// The most rows drawn per model; more lanes are grouped.
pub const MAX_ROWS: usize = 24;
/// The most bars (or stretches of a blocked loop) drawn one by one in a
/// row; denser rows are drawn as bands, a pixel column at a time (see
/// `density.rs`), or stretches less than a pixel apart merged.
const MAX_BARS_PER_ROW: usize = 400;
/// The most dispatch marks drawn per model; past this they would only
/// blacken the picture.
const MAX_MARKS: usize = 300;

/// Colours for products, by menu position (Tableau 10, readable on white
/// and by most colour-blind readers).
const PALETTE: [&str; 10] = [
    "#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1", "#ff9da7",
    "#9c755f", "#bab0ac",
];
/// The colour of the event loop blocked: darker than any product's red.
const BLOCKED_COLOUR: &str = "#8b0000";

const WIDTH: f64 = 960.0;
const PLOT_X: f64 = 175.0;
const PLOT_W: f64 = WIDTH - PLOT_X - 40.0;
/// A lane's row: each lane has one of its own, or the picture is drawn
/// at scale.
const ROW_H: f64 = 16.0;

/// The least room a lane needs in the picture: a row of its own, at most
/// [`MAX_ROWS`] to a model; its model's run 40 pixels wide on the shared
/// axis, the most a glance finds; and 4 pixels for each of its products,
/// enough to see one bar end and the next begin. Past this, the picture
/// is drawn at scale.
pub const LEGIBLE: Legible = Legible {
    rows: MAX_ROWS,
    width: PLOT_W,
    span: 40.0,
    product: 4.0,
};
const BAR_H: f64 = 11.0;
/// A row of stretches of a blocked loop, and its strip.
const LOOP_ROW_H: f64 = 10.0;
const STRIP_H: f64 = 6.0;
const HEADING_H: f64 = 24.0;
const NOTE_H: f64 = 15.0;
const GAP: f64 = 12.0;

/// The colour of a product.
pub fn colour(product: u32) -> &'static str {
    PALETTE[product as usize % PALETTE.len()]
}

/// Writes the timeline as a standalone SVG document, in English: the
/// commands that write one have no `--lang`.
pub fn write(out: &mut impl Write, timeline: &Timeline) -> io::Result<()> {
    out.write_all(render(timeline, Embedding::Document, Lang::En).as_bytes())
}

/// What is drawn, and in which words.
struct Picture<'a> {
    timeline: &'a Timeline,
    words: &'static Words,
    /// Whether any product was computed, and so drawn in two parts.
    computes: bool,
    /// Whether any order was re-delivered, and so has marks to explain.
    redelivers: bool,
}

/// Where the markup goes: its own file, or inside an HTML page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Embedding {
    /// A standalone `.svg` document, which must name its XML namespace.
    Document,
    /// Inline in HTML, whose parser gives `<svg>` its namespace by itself;
    /// without the attribute, the page holds no address at all.
    Html,
}

/// The timeline as SVG markup, to write to a file or put in a page, its
/// words in `lang`.
pub fn render(timeline: &Timeline, embedding: Embedding, lang: Lang) -> String {
    let picture = Picture {
        timeline,
        words: Words::of(lang),
        computes: timeline.computes(),
        redelivers: timeline.charts.iter().any(|c| !c.redeliveries.is_empty()),
    };
    let words = picture.words;
    let end = timeline.end().max(Duration::from_millis(1));
    let ticks = axis::ticks(end, 10);
    let x = |at: Duration| PLOT_X + at.as_secs_f64() / end.as_secs_f64() * PLOT_W;

    let gantt = LEGIBLE.fits(timeline);
    let mut body = String::new();
    let mut y = 28.0;
    let plot_top = y;
    for chart in &timeline.charts {
        y = if gantt {
            draw_chart(&mut body, chart, y, end, &picture)
        } else {
            scale::draw_load(&mut body, chart, y, end, &picture)
        };
        y += GAP;
    }
    let plot_bottom = y - GAP / 2.0;

    // The grid behind everything, then the axis under the charts.
    let mut grid = String::new();
    for &tick in &ticks {
        let tx = x(tick);
        let _ = writeln!(
            grid,
            r##"<line x1="{tx:.1}" y1="{plot_top:.1}" x2="{tx:.1}" y2="{plot_bottom:.1}" stroke="#e4e4e4"/>"##
        );
        let _ = writeln!(
            body,
            r#"<text x="{tx:.1}" y="{:.1}" text-anchor="middle" class="tick">{}</text>"#,
            plot_bottom + 14.0,
            axis::label(tick)
        );
    }
    axis_title(&mut body, plot_bottom + 30.0, words.axis);
    let height = if gantt {
        legend::draw(&mut body, &picture, plot_bottom + 48.0)
    } else {
        let y = scale::draw_latency(&mut body, &picture, plot_bottom + 48.0);
        scale::legend(&mut body, &picture, y + 24.0)
    } + 10.0;

    let namespace = match embedding {
        Embedding::Document => r#" xmlns="http://www.w3.org/2000/svg""#,
        Embedding::Html => "",
    };
    let mut svg = String::new();
    let _ = writeln!(
        svg,
        r#"<svg{namespace} class="timeline" width="{WIDTH}" height="{height:.0}" viewBox="0 0 {WIDTH} {height:.0}" font-family="system-ui, -apple-system, 'Segoe UI', sans-serif" font-size="12">"#
    );
    svg.push_str(concat!(
        // Scoped to this picture, which may sit inside a page.
        "<style>.timeline .tick,.timeline .label,.timeline .note,.timeline .caption{fill:#444}",
        ".timeline .tick{font-size:11px}.timeline .note{font-size:11px;font-style:italic}",
        ".timeline .heading{font-weight:600;fill:#111}</style>\n",
        r##"<rect width="100%" height="100%" fill="#ffffff"/>"##,
        "\n",
    ));
    if gantt {
        computing::defs(&mut svg, &picture);
    }
    let caption = match (gantt, picture.computes) {
        (true, false) => words.gantt,
        (true, true) => words.gantt_cpu,
        (false, _) => words.at_scale,
    };
    let _ = writeln!(
        svg,
        r#"<text x="{PLOT_X}" y="16" class="caption">{caption}</text>"#
    );
    svg.push_str(&grid);
    svg.push_str(&body);
    svg.push_str("</svg>\n");
    svg
}

/// Draws one model's block from `top`; returns where the next one starts.
fn draw_chart(out: &mut String, chart: &Chart, top: f64, end: Duration, picture: &Picture) -> f64 {
    let x = |at: Duration| PLOT_X + at.as_secs_f64() / end.as_secs_f64() * PLOT_W;
    let words = picture.words;
    let view = chart.view(MAX_ROWS, words);
    let model = escape(chart.model);
    heading(out, chart, top, words);
    let mut y = top + HEADING_H;
    let marks: usize = view.rows.iter().map(|r| r.dispatches.len()).sum();
    let unmarked = (marks > MAX_MARKS).then(|| (words.marks_left_out)(marks));
    let grouping = match (view.note(chart, words), unmarked) {
        (Some(a), Some(b)) => Some(format!("{a}; {b}")),
        (a, b) => a.or(b),
    };
    // Every note goes under the heading of the model it is about.
    let dense = view
        .rows
        .iter()
        .any(|r| !r.is_loop() && r.bars.len() > MAX_BARS_PER_ROW);
    let merged = view.rows.iter().any(|r| r.blocked.len() > MAX_BARS_PER_ROW);
    let notes = [
        grouping.as_deref(),
        dense.then_some(words.dense),
        merged.then_some(words.merged),
    ];
    y = draw_notes(out, notes.into_iter().flatten(), y);
    let rows_top = y;
    let opacity = if view.lanes_per_row > 1 { 0.45 } else { 1.0 };
    for row in &view.rows {
        if row.is_loop() {
            blocked::draw_row(out, &model, row, y, end, &x, picture);
            y += LOOP_ROW_H;
            continue;
        }
        let _ = writeln!(
            out,
            r#"<text x="{:.1}" y="{:.1}" text-anchor="end" class="label">{}</text>"#,
            PLOT_X - 8.0,
            y + BAR_H - 1.0,
            escape(&row.label)
        );
        if row.bars.len() > MAX_BARS_PER_ROW {
            let bands = density::bands(
                &row.bars,
                end,
                PLOT_W as usize,
                view.lanes_per_row,
                PALETTE.len(),
            );
            draw_bands(out, &model, &bands, y);
        } else {
            draw_bars(out, &model, row, opacity, y, &x, picture);
        }
        redelivered::draw_marks(out, &model, row, y, &x, picture);
        for &at in row.dispatches.iter().filter(|_| marks <= MAX_MARKS) {
            let dx = x(at);
            let _ = writeln!(
                out,
                r##"<path class="dispatch" d="M{dx:.2},{:.1} l-3.5,-5 h7 z" fill="#222"/>"##,
                y + 4.0
            );
        }
        y += ROW_H;
    }
    // The makespan: where this model's last order reached its table.
    let mx = x(chart.makespan);
    let _ = writeln!(
        out,
        r##"<line class="makespan" x1="{mx:.2}" y1="{:.1}" x2="{mx:.2}" y2="{y:.1}" stroke="#111" stroke-dasharray="3 2"/>"##,
        rows_top - 4.0,
    );
    y
}

/// Draws `notes` a line each from `y`; returns where the next thing goes.
fn draw_notes<'a>(out: &mut String, notes: impl IntoIterator<Item = &'a str>, mut y: f64) -> f64 {
    for note in notes {
        let _ = writeln!(
            out,
            r#"<text x="{PLOT_X}" y="{:.1}" class="note">{}</text>"#,
            y + 10.0,
            escape(note)
        );
        y += NOTE_H;
    }
    y
}

/// Draws a model's name and figures, at `top`.
fn heading(out: &mut String, chart: &Chart, top: f64, words: &Words) {
    let _ = writeln!(
        out,
        r#"<text x="8" y="{:.1}" class="heading">{}</text><text x="{:.1}" y="{:.1}" class="label">{}</text>"#,
        top + 15.0,
        escape(chart.model),
        PLOT_X,
        top + 15.0,
        escape(&words.figures(chart.waiters, chart.bars(), chart.makespan)),
    );
}

/// Draws each bar of a row, with its order and times in a tooltip.
fn draw_bars(
    out: &mut String,
    model: &str,
    row: &Row,
    opacity: f64,
    y: f64,
    x: &dyn Fn(Duration) -> f64,
    picture: &Picture,
) {
    let words = picture.words;
    for bar in &row.bars {
        let (x0, x1) = (x(bar.start), x(bar.end));
        let width = (x1 - x0).max(1.0);
        let mut stroke = edge(width);
        let mut opacity = opacity;
        if bar.abandoned {
            (opacity, stroke) = redelivered::style(opacity);
        }
        let name = picture
            .timeline
            .products
            .get(bar.product as usize)
            .map_or("?", String::as_str);
        let mut title = format!(
            "{}, {name}: {}",
            words.order.numbered(bar.order),
            (words.span)(&axis::label(bar.start), &axis::label(bar.end))
        );
        // Where anything computed, waiting is hatched, and a computed
        // product has a solid part laid over it; its tooltip says how long
        // each part took.
        if let Some(parts) = computing::title(bar, picture) {
            title = format!("{title}; {parts}");
        }
        if bar.abandoned {
            title = format!("{title}; {}", words.abandoned);
        }
        let fill = if picture.computes {
            computing::hatch(bar.product)
        } else {
            colour(bar.product).to_string()
        };
        let title = escape(&title);
        let _ = writeln!(
            out,
            r##"<rect class="bar" data-model="{model}" x="{x0:.2}" y="{:.1}" width="{width:.2}" height="{BAR_H}" fill="{fill}" fill-opacity="{opacity}"{stroke}><title>{title}</title></rect>"##,
            y + 1.0,
        );
        if let Some(compute) = bar.compute {
            let at = (x0, x(compute), width);
            computing::draw_part(out, model, bar, at, (y, opacity), &title);
        }
        if bar.abandoned {
            redelivered::draw_cut(out, model, x0 + width, y, &title);
        }
    }
}

/// The white edge of a bar or strip `width` pixels wide: it tells apart
/// two back to back, but would hide one a pixel or two wide.
fn edge(width: f64) -> &'static str {
    if width >= 4.0 {
        r##" stroke="#fff" stroke-width="0.6""##
    } else {
        ""
    }
}

/// Draws a dense row as bands of pixel columns.
fn draw_bands(out: &mut String, model: &str, bands: &[Band], y: f64) {
    for band in bands {
        let _ = writeln!(
            out,
            r#"<rect class="band" data-model="{model}" x="{}" y="{:.1}" width="{}" height="{BAR_H}" fill="{}" fill-opacity="{}"/>"#,
            PLOT_X + band.from as f64,
            y + 1.0,
            band.to - band.from,
            PALETTE[band.colour],
            band.shade,
        );
    }
}

/// The title of a time axis, centred under the plot at `y`.
fn axis_title(out: &mut String, y: f64, title: &str) {
    let _ = writeln!(
        out,
        r#"<text x="{:.1}" y="{y:.1}" text-anchor="middle" class="caption">{title}</text>"#,
        PLOT_X + PLOT_W / 2.0,
    );
}
#[cfg(test)]
pub(crate) mod tests;
