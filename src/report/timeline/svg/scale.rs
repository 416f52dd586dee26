//! The picture at scale, when lanes would be slivers: for each model a
//! step chart of products in preparation (within it, when any product
//! computed, those computing, solid; and for the threaded models, threads
//! alive) on the shared time axis, a pixel column at a time; and
//! under the axis, a box plot of each model's order latencies on an axis
//! of their own.

use std::fmt::Write as _;
use std::time::Duration;

use super::{
    axis, blocked, draw_notes, escape, heading, redelivered, Chart, Picture, Row, GAP, HEADING_H,
    LOOP_ROW_H, MAX_BARS_PER_ROW, PLOT_W, PLOT_X,
};
use crate::report::timeline::{most, peaks, Spread, Words};

/// The height of a step chart.
const LOAD_H: f64 = 56.0;
/// Products in preparation: the first colour of the products' palette.
const IN_FLIGHT_COLOUR: &str = "#4e79a7";
/// Threads alive.
const THREADS_COLOUR: &str = "#e15759";
/// Products computing: the second colour of the products' palette, solid
/// as a computing part is in the Gantt chart.
const COMPUTING_COLOUR: &str = "#f28e2b";
/// A model's row of the latency chart: its box, and a line of figures.
const LATENCY_ROW_H: f64 = 36.0;
const BOX_H: f64 = 14.0;

/// Draws one model's step chart from `top`; returns where the next starts.
pub(super) fn draw_load(
    out: &mut String,
    chart: &Chart,
    top: f64,
    end: Duration,
    picture: &Picture,
) -> f64 {
    let x = |at: Duration| PLOT_X + at.as_secs_f64() / end.as_secs_f64() * PLOT_W;
    let words = picture.words;
    let model = escape(chart.model);
    heading(out, chart, top, words);
    let merged = chart.blocked.len() > MAX_BARS_PER_ROW;
    let mut y = draw_notes(out, merged.then_some(words.merged), top + HEADING_H);
    let chart_top = y;
    let base = y + LOAD_H;
    let alive = chart.threads.as_deref();
    let highest = most(&chart.in_flight).max(alive.map_or(0, most)).max(1);
    let height = |count: u32| base - f64::from(count) / f64::from(highest) * (LOAD_H - 4.0);

    // The scale: the most at once at the top, none at the base.
    for (count, at) in [(highest, height(highest)), (0, base)] {
        let _ = writeln!(
            out,
            r#"<text x="{:.1}" y="{:.1}" text-anchor="end" class="tick">{count}</text>"#,
            PLOT_X - 6.0,
            at + 4.0
        );
    }
    let _ = writeln!(
        out,
        r##"<line x1="{PLOT_X}" y1="{base:.1}" x2="{:.1}" y2="{base:.1}" stroke="#bbb"/>"##,
        PLOT_X + PLOT_W
    );
    let columns = PLOT_W as usize;
    // Drawn up to the model's makespan: a line at 0 past it would read as
    // a run still going.
    let span = chart.makespan.as_secs_f64() / end.as_secs_f64() * columns as f64;
    let span = (span.ceil() as usize).clamp(1, columns);
    let series = |steps| {
        let mut peaks = peaks(steps, end, columns);
        peaks.truncate(span);
        outline(&peaks, &height)
    };
    let filled = series(&chart.in_flight);
    let _ = writeln!(
        out,
        r#"<path class="in-flight" data-model="{model}" d="M{PLOT_X},{base:.1}{filled}V{base:.1}Z" fill="{IN_FLIGHT_COLOUR}" fill-opacity="0.55" stroke="{IN_FLIGHT_COLOUR}" stroke-width="1"><title>{}</title></path>"#,
        (words.at_once)(&model, most(&chart.in_flight), words.in_preparation),
    );
    if !chart.computing.is_empty() {
        // Drawn over the products in preparation, of which it is a part.
        let filled = series(&chart.computing);
        let _ = writeln!(
            out,
            r#"<path class="computing" data-model="{model}" d="M{PLOT_X},{base:.1}{filled}V{base:.1}Z" fill="{COMPUTING_COLOUR}" fill-opacity="0.85"><title>{}</title></path>"#,
            (words.at_once)(&model, most(&chart.computing), words.products_computing),
        );
    }
    redelivered::draw_at_scale(out, &model, chart, base, &x, picture);
    let mut label = (words.at_most)(most(&chart.in_flight));
    if let Some(alive) = alive {
        let line = series(alive);
        let _ = writeln!(
            out,
            r#"<path class="threads-alive" data-model="{model}" d="M{PLOT_X},{base:.1}{line}" fill="none" stroke="{THREADS_COLOUR}" stroke-width="1.5"><title>{}</title></path>"#,
            (words.at_once)(&model, most(alive), words.threads_alive),
        );
        label = format!("{label}, {}", words.thread.count(most(alive) as usize));
    }
    let _ = writeln!(
        out,
        r#"<text x="8" y="{:.1}" class="label">{label}</text>"#,
        chart_top + 34.0,
    );
    if !chart.computing.is_empty() {
        // A line of its own: a few cores' worth may be too thin to see
        // beside hundreds in preparation.
        let _ = writeln!(
            out,
            r#"<text x="8" y="{:.1}" class="label">{}</text>"#,
            chart_top + 49.0,
            (words.computing_at_most)(most(&chart.computing)),
        );
    }
    y = base + 4.0;
    if !chart.blocked.is_empty() {
        let row = Row {
            label: words.loop_row.to_string(),
            bars: Vec::new(),
            dispatches: Vec::new(),
            blocked: &chart.blocked,
            redeliveries: Vec::new(),
        };
        blocked::draw_row(out, &model, &row, y, end, &x, picture);
        y += LOOP_ROW_H;
    }
    let mx = x(chart.makespan);
    let _ = writeln!(
        out,
        r##"<line class="makespan" x1="{mx:.2}" y1="{:.1}" x2="{mx:.2}" y2="{y:.1}" stroke="#111" stroke-dasharray="3 2"/>"##,
        chart_top - 4.0,
    );
    y
}

/// The top edge of a step chart drawn a pixel column at a time, as path
/// commands from the base at the left edge: one horizontal run per
/// change, so the path is at most a few commands per pixel.
fn outline(peaks: &[u32], height: &dyn Fn(u32) -> f64) -> String {
    let mut path = String::new();
    let mut last = None;
    for (c, &peak) in peaks.iter().enumerate() {
        if last != Some(peak) {
            let _ = write!(path, "H{:.0}V{:.1}", PLOT_X + c as f64, height(peak));
            last = Some(peak);
        }
    }
    let _ = write!(path, "H{:.0}", PLOT_X + peaks.len() as f64);
    path
}

/// Draws the orders' latencies, a box plot per model on an axis of their
/// own, from `top`; returns the bottom.
pub(super) fn draw_latency(out: &mut String, picture: &Picture, top: f64) -> f64 {
    let (timeline, words) = (picture.timeline, picture.words);
    let spreads: Vec<Option<Spread>> = timeline.charts.iter().map(Chart::latency).collect();
    let longest = spreads.iter().flatten().map(|s| s.max).max();
    let longest = longest.unwrap_or_default().max(Duration::from_millis(1));
    let x = |at: Duration| PLOT_X + at.as_secs_f64() / longest.as_secs_f64() * PLOT_W;
    let _ = writeln!(
        out,
        r#"<text x="8" y="{:.1}" class="heading">{}</text><text x="{PLOT_X}" y="{:.1}" class="label">{}</text>"#,
        top + 15.0,
        words.latency,
        top + 15.0,
        words.latency_explained,
    );
    let rows_top = top + HEADING_H;
    let mut y = rows_top;
    for (chart, spread) in timeline.charts.iter().zip(&spreads) {
        let model = escape(chart.model);
        let _ = writeln!(
            out,
            r#"<text x="{:.1}" y="{:.1}" text-anchor="end" class="label">{model}</text>"#,
            PLOT_X - 8.0,
            y + BOX_H - 2.0,
        );
        match spread {
            Some(s) => draw_box(out, &model, s, y, &x, words),
            None => {
                let _ = writeln!(
                    out,
                    r#"<text x="{PLOT_X}" y="{:.1}" class="note">{}</text>"#,
                    y + BOX_H - 2.0,
                    words.none_dispatched,
                );
            }
        }
        y += LATENCY_ROW_H;
    }
    let ticks = axis::ticks(longest, 10);
    for &tick in &ticks {
        let tx = x(tick);
        let _ = writeln!(
            out,
            r##"<line x1="{tx:.1}" y1="{:.1}" x2="{tx:.1}" y2="{:.1}" stroke="#e4e4e4"/><text x="{tx:.1}" y="{:.1}" text-anchor="middle" class="tick">{}</text>"##,
            rows_top - 4.0,
            y - 4.0,
            y + 10.0,
            axis::label(tick)
        );
    }
    super::axis_title(out, y + 26.0, words.latency_axis);
    y + 26.0 + GAP / 2.0
}

/// One model's box plot and its figures, at `y`.
fn draw_box(
    out: &mut String,
    model: &str,
    s: &Spread,
    y: f64,
    x: &dyn Fn(Duration) -> f64,
    words: &Words,
) {
    let mid = y + BOX_H / 2.0;
    let described = s.describe(words);
    let (b0, b1) = (x(s.p25), x(s.p75).max(x(s.p25) + 1.0));
    let m = x(s.median);
    let _ = writeln!(
        out,
        r##"<g class="latency" data-model="{model}"><line x1="{:.2}" y1="{mid:.1}" x2="{:.2}" y2="{mid:.1}" stroke="#555"/><rect x="{b0:.2}" y="{y:.1}" width="{:.2}" height="{BOX_H}" fill="{IN_FLIGHT_COLOUR}" fill-opacity="0.35" stroke="{IN_FLIGHT_COLOUR}"/><line x1="{m:.2}" y1="{y:.1}" x2="{m:.2}" y2="{:.1}" stroke="#111" stroke-width="2"/><title>{}</title></g>"##,
        x(s.min),
        x(s.max),
        b1 - b0,
        y + BOX_H,
        described,
    );
    let _ = writeln!(
        out,
        r#"<text x="{PLOT_X}" y="{:.1}" class="note">{}</text>"#,
        y + BOX_H + 13.0,
        described,
    );
}

/// Draws what the step charts show, from `top`; returns the bottom.
pub(super) fn legend(out: &mut String, picture: &Picture, top: f64) -> f64 {
    let words = picture.words;
    let (in_flight, threads) = (words.in_preparation, words.threads_alive);
    let mut lx = PLOT_X;
    let _ = writeln!(
        out,
        r#"<rect x="{lx:.1}" y="{:.1}" width="12" height="12" fill="{IN_FLIGHT_COLOUR}" fill-opacity="0.55"/><text x="{:.1}" y="{top:.1}" class="label">{in_flight}</text>"#,
        top - 10.0,
        lx + 16.0,
    );
    lx += 30.0 + 7.0 * in_flight.chars().count() as f64;
    if picture.computes {
        let computing = words.products_computing;
        let _ = writeln!(
            out,
            r#"<rect x="{lx:.1}" y="{:.1}" width="12" height="12" fill="{COMPUTING_COLOUR}" fill-opacity="0.85"/><text x="{:.1}" y="{top:.1}" class="label">{computing}</text>"#,
            top - 10.0,
            lx + 16.0,
        );
        lx += 30.0 + 7.0 * computing.chars().count() as f64;
    }
    if picture.timeline.charts.iter().any(|c| c.threads.is_some()) {
        let _ = writeln!(
            out,
            r#"<line x1="{lx:.1}" y1="{:.1}" x2="{:.1}" y2="{:.1}" stroke="{THREADS_COLOUR}" stroke-width="2"/><text x="{:.1}" y="{top:.1}" class="label">{threads}</text>"#,
            top - 4.0,
            lx + 12.0,
            top - 4.0,
            lx + 16.0,
        );
        lx += 30.0 + 7.0 * threads.chars().count() as f64;
    }
    let (lx, top) = redelivered::legend_key_at_scale(out, picture, lx, top);
    let top = blocked::legend_key(out, picture, lx, top);
    top + 6.0
}
