//! A product's two parts in the picture: hatched while the waiter waits
//! (for the kitchen, then perhaps for a core or the GIL), solid while it
//! computes. The hatch is an SVG `<pattern>` of the product's colour; the
//! solid part is a rectangle of its own, `class="computing"`, laid over
//! the bar's.
//!
//! Only a picture in which something was computed has either, and then
//! every bar is hatched where its product was waited for, a product of
//! pure waiting all along: solid means computing and nothing else. A
//! picture of pure waiting is drawn as it always was, solid.

use std::collections::BTreeSet;
use std::fmt::Write as _;

use super::{colour, Picture, BAR_H, PALETTE, PLOT_X, WIDTH};
use crate::report::timeline::Bar;

/// The legend's keys are about the parts, not a product: grey.
const KEY_COLOUR: &str = "#888888";
/// The white edge a bar wide enough has (`edge`), which the solid part
/// stays inside.
const EDGE: f64 = 0.3;

/// The id of the hatch of palette colour `index`, or of the legend's key.
/// Named by colour, not by picture: a page with two pictures then has two
/// identical definitions under one id, and either one draws the same.
fn hatch_id(index: Option<usize>) -> String {
    match index {
        Some(i) => format!("mesonero-waiting-{i}"),
        None => "mesonero-waiting-key".to_string(),
    }
}

/// The fill of a product's waiting part: its colour, hatched.
pub(super) fn hatch(product: u32) -> String {
    let id = hatch_id(Some(product as usize % PALETTE.len()));
    format!("url(#{id})")
}

/// Writes the hatches the picture uses, when anything was computed: one
/// per colour of a product drawn, and the legend's.
pub(super) fn defs(out: &mut String, picture: &Picture) {
    if !picture.computes {
        return;
    }
    let colours: BTreeSet<usize> = picture
        .timeline
        .charts
        .iter()
        .flat_map(|c| &c.lanes)
        .flat_map(|l| &l.bars)
        .map(|b| b.product as usize % PALETTE.len())
        .collect();
    out.push_str("<defs>\n");
    let hatches = colours.into_iter().map(|i| (Some(i), PALETTE[i]));
    for (index, colour) in hatches.chain([(None, KEY_COLOUR)]) {
        // Stripes of the colour over a tint of it, at 45 degrees: the bar
        // still reads as the product's, and as not solid.
        let _ = writeln!(
            out,
            r#"<pattern id="{}" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="6" height="6" fill="{colour}" fill-opacity="0.3"/><rect width="3" height="6" fill="{colour}"/></pattern>"#,
            hatch_id(index),
        );
    }
    out.push_str("</defs>\n");
}

/// A computed product's tooltip ends with how long each part took.
pub(super) fn title(bar: &Bar, picture: &Picture) -> Option<String> {
    bar.compute?;
    Some(picture.words.parts(bar.waiting(), bar.computing()))
}

/// Lays the solid, computing part, from `xc`, over a bar drawn from `x0`,
/// `width` wide, at `y`, inside the bar's white edge if it has one.
pub(super) fn draw_part(
    out: &mut String,
    model: &str,
    bar: &Bar,
    (x0, xc, width): (f64, f64, f64),
    (y, opacity): (f64, f64),
    title: &str,
) {
    let inset = if super::edge(width).is_empty() {
        0.0
    } else {
        EDGE
    };
    let from = xc.max(x0 + inset);
    let to = x0 + width - inset;
    let _ = writeln!(
        out,
        r#"<rect class="computing" data-model="{model}" x="{from:.2}" y="{:.1}" width="{:.2}" height="{:.1}" fill="{}" fill-opacity="{opacity}"><title>{title}</title></rect>"#,
        y + 1.0 + inset,
        (to - from).max(1.0),
        BAR_H - 2.0 * inset,
        colour(bar.product),
    );
}

/// The legend's keys for the two parts, when anything was computed:
/// placed from `lx` on the line at `y`, wrapping as the products do.
/// Returns where the next key goes.
pub(super) fn legend_keys(
    out: &mut String,
    picture: &Picture,
    mut lx: f64,
    mut y: f64,
) -> (f64, f64) {
    if !picture.computes {
        return (lx, y);
    }
    let words = picture.words;
    let keys = [
        (format!("url(#{})", hatch_id(None)), words.waiting),
        (KEY_COLOUR.to_string(), words.computing),
    ];
    for (fill, text) in keys {
        let width = 26.0 + 7.0 * text.chars().count() as f64;
        if lx + width > WIDTH - 10.0 && lx > PLOT_X {
            lx = PLOT_X;
            y += 18.0;
        }
        let _ = writeln!(
            out,
            r#"<rect class="key" x="{lx:.1}" y="{:.1}" width="12" height="12" fill="{fill}"/><text x="{:.1}" y="{y:.1}" class="label">{text}</text>"#,
            y - 10.0,
            lx + 16.0,
        );
        lx += width;
    }
    (lx, y)
}
