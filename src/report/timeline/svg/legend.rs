//! The Gantt chart's legend: each product's colour, then, when they are
//! drawn, the keys of a product's two parts (`computing.rs`), of the
//! stretches the event loop was blocked (`blocked.rs`) and of
//! re-deliveries (`redelivered.rs`), wrapping onto as many lines as they
//! need.

use std::fmt::Write as _;

use super::{blocked, colour, computing, escape, redelivered, Picture, PLOT_X, WIDTH};

/// The most products named in the legend.
const MAX_LEGEND: usize = 20;

/// Draws the legend from `top`, wrapping; returns the bottom.
pub(super) fn draw(out: &mut String, picture: &Picture, top: f64) -> f64 {
    let timeline = picture.timeline;
    let (mut lx, mut y) = (PLOT_X, top);
    for (id, name) in timeline.products.iter().enumerate().take(MAX_LEGEND) {
        let width = 26.0 + 7.0 * name.chars().count() as f64;
        if lx + width > WIDTH - 10.0 && lx > PLOT_X {
            lx = PLOT_X;
            y += 18.0;
        }
        let _ = writeln!(
            out,
            r#"<rect x="{lx:.1}" y="{:.1}" width="12" height="12" fill="{}"/><text x="{:.1}" y="{:.1}" class="label">{}</text>"#,
            y - 10.0,
            colour(id as u32),
            lx + 16.0,
            y,
            escape(name)
        );
        lx += width;
    }
    if timeline.products.len() > MAX_LEGEND {
        let more = (picture.words.more_products)(timeline.products.len() - MAX_LEGEND);
        let _ = writeln!(
            out,
            r#"<text x="{lx:.1}" y="{y:.1}" class="note">{more}</text>"#
        );
        lx += 12.0 + 6.5 * more.chars().count() as f64;
    }
    let (lx, y) = computing::legend_keys(out, picture, lx, y);
    let (lx, y) = redelivered::legend_keys(out, picture, lx, y);
    let y = blocked::legend_key(out, picture, lx, y);
    y + 6.0
}
