//! Re-deliveries in the picture: a product its waiter was lost waiting
//! for is drawn faint, with a dashed edge and a cross where it was given
//! up (`class="abandoned"`); where the order went to another waiter, a
//! red mark on that waiter's row (`class="redelivered"`) says from whom.
//!
//! At scale, where no bar is drawn, the marks sit on the base of the
//! model's step chart.
//!
//! Only a picture of a run that lost a waiter has either, and only then
//! does the legend explain them.

use std::fmt::Write as _;
use std::time::Duration;

use super::{escape, Chart, Picture, Row, BAR_H, MAX_MARKS, PLOT_X, WIDTH};
use crate::trace::Redelivery;

/// The colour of the marks: a red no product has.
const MARK_COLOUR: &str = "#c0142b";
/// How much of its colour an abandoned bar keeps.
const FAINT: f64 = 0.35;

/// The fill opacity and edge of an abandoned bar drawn at `opacity`.
pub(super) fn style(opacity: f64) -> (f64, &'static str) {
    (
        opacity * FAINT,
        r##" stroke="#333" stroke-width="0.8" stroke-dasharray="2 1.5""##,
    )
}

/// The cross where an abandoned bar ends, at `x1`, on the row at `y`.
pub(super) fn draw_cut(out: &mut String, model: &str, x1: f64, y: f64, title: &str) {
    let mid = y + 1.0 + BAR_H / 2.0;
    let _ = writeln!(
        out,
        r#"<path class="abandoned" data-model="{model}" d="M{:.2},{:.1} l6,6 m0,-6 l-6,6" stroke="{MARK_COLOUR}" stroke-width="1.6"><title>{title}</title></path>"#,
        x1 - 3.0,
        mid - 3.0,
    );
}

/// The marks of the orders re-delivered to a waiter of `row`, drawn at
/// `y`.
pub(super) fn draw_marks(
    out: &mut String,
    model: &str,
    row: &Row,
    y: f64,
    x: &dyn Fn(Duration) -> f64,
    picture: &Picture,
) {
    for r in row.redeliveries.iter().take(MAX_MARKS) {
        draw_mark(out, model, r, (x(r.at), y + 1.0), picture);
    }
}

/// The marks of a model's re-deliveries at scale, on the base of its step
/// chart at `base`.
pub(super) fn draw_at_scale(
    out: &mut String,
    model: &str,
    chart: &Chart,
    base: f64,
    x: &dyn Fn(Duration) -> f64,
    picture: &Picture,
) {
    for r in chart.redeliveries.iter().take(MAX_MARKS) {
        draw_mark(out, model, r, (x(r.at), base - 11.0), picture);
    }
}

/// One re-delivery's mark, its top left at `(x, y)`: a triangle pointing
/// forward, from the moment the order came in, unlike a dispatch's, which
/// points down.
fn draw_mark(out: &mut String, model: &str, r: &Redelivery, (x, y): (f64, f64), picture: &Picture) {
    let words = picture.words;
    let title = (words.redelivered_from)(
        &words.order.numbered(r.order),
        &words.waiter.numbered(r.from),
    );
    let _ = writeln!(
        out,
        r#"<path class="redelivered" data-model="{model}" d="M{x:.2},{y:.1} l7,5.5 l-7,5.5 z" fill="{MARK_COLOUR}"><title>{}</title></path>"#,
        escape(&title),
    );
}

/// The legend's keys for an abandoned product and a re-delivery, when
/// the picture has any: placed from `lx` on the line at `y`, wrapping as
/// the products do. Returns where the next key goes.
pub(super) fn legend_keys(out: &mut String, picture: &Picture, lx: f64, y: f64) -> (f64, f64) {
    keys(out, picture, lx, y, true)
}

/// The legend's key for a re-delivery at scale, where no bar is drawn,
/// when the picture has any. Returns where the next key goes.
pub(super) fn legend_key_at_scale(
    out: &mut String,
    picture: &Picture,
    lx: f64,
    y: f64,
) -> (f64, f64) {
    keys(out, picture, lx, y, false)
}

/// The keys, from `lx` on the line at `y`, wrapping; the abandoned
/// product's only where bars are drawn.
fn keys(out: &mut String, picture: &Picture, mut lx: f64, mut y: f64, bars: bool) -> (f64, f64) {
    if !picture.redelivers {
        return (lx, y);
    }
    let words = picture.words;
    let (faint, edge) = style(1.0);
    let keys = [(0, words.abandoned), (1, words.redelivered)];
    for (key, text) in keys.into_iter().filter(|&(key, _)| bars || key == 1) {
        let width = 26.0 + 7.0 * text.chars().count() as f64;
        if lx + width > WIDTH - 10.0 && lx > PLOT_X {
            lx = PLOT_X;
            y += 18.0;
        }
        let shape = if key == 0 {
            format!(
                r##"<rect class="key" x="{lx:.1}" y="{:.1}" width="12" height="12" fill="#888888" fill-opacity="{faint}"{edge}/>"##,
                y - 10.0
            )
        } else {
            format!(
                r#"<path class="key" d="M{:.1},{:.1} l9,6 l-9,6 z" fill="{MARK_COLOUR}"/>"#,
                lx + 2.0,
                y - 10.0
            )
        };
        let _ = writeln!(
            out,
            r#"{shape}<text x="{:.1}" y="{y:.1}" class="label">{text}</text>"#,
            lx + 16.0,
        );
        lx += width;
    }
    (lx, y)
}
