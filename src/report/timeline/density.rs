//! Rows too dense to draw bar by bar: thousands of products on one lane,
//! or hundreds of lanes in one row, where each bar would be a fraction of
//! a pixel and the last one drawn would hide the others.
//!
//! Instead each pixel column shows the product waited for longest in it,
//! as dark as the row is busy there: a faithful picture whatever the size.

use std::time::Duration;

use super::Bar;

/// A run of pixel columns with one product and one shade.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct Band {
    /// First column.
    pub from: usize,
    /// One past the last column.
    pub to: usize,
    /// The product most waited for, as a colour index.
    pub colour: usize,
    /// How busy the row is there, from 0.25 to 1, in quarters.
    pub shade: f64,
}

/// The bands of `bars` over `columns` pixel columns covering `0..end`, for
/// a row of `lanes` lanes and products coloured in `colours` colours.
pub(super) fn bands(
    bars: &[&Bar],
    end: Duration,
    columns: usize,
    lanes: usize,
    colours: usize,
) -> Vec<Band> {
    if columns == 0 || colours == 0 {
        return Vec::new();
    }
    let end = end.as_secs_f64().max(f64::MIN_POSITIVE);
    // Time spent waiting, per column and colour, in column widths.
    let mut waited = vec![0.0f64; columns * colours];
    for bar in bars {
        let from = bar.start.as_secs_f64() / end * columns as f64;
        let to = bar.end.as_secs_f64() / end * columns as f64;
        let colour = bar.product as usize % colours;
        let first = (from.floor() as usize).min(columns - 1);
        let last = (to.ceil() as usize).clamp(first + 1, columns);
        for c in first..last {
            let overlap = (to.min(c as f64 + 1.0) - from.max(c as f64)).max(0.0);
            waited[c * colours + colour] += overlap;
        }
    }
    let mut bands: Vec<Band> = Vec::new();
    for c in 0..columns {
        let column = &waited[c * colours..(c + 1) * colours];
        let total: f64 = column.iter().sum();
        if total <= 0.0 {
            continue;
        }
        let colour = (0..colours)
            .max_by(|&a, &b| column[a].total_cmp(&column[b]))
            .unwrap_or(0);
        let busy = (total / lanes.max(1) as f64).min(1.0);
        let shade = ((busy * 4.0).ceil() / 4.0).max(0.25);
        match bands.last_mut() {
            Some(b) if b.to == c && b.colour == colour && b.shade == shade => b.to = c + 1,
            _ => bands.push(Band {
                from: c,
                to: c + 1,
                colour,
                shade,
            }),
        }
    }
    bands
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bar(product: u32, start_ms: u64, end_ms: u64) -> Bar {
        Bar {
            order: 0,
            item: 0,
            product,
            start: Duration::from_millis(start_ms),
            end: Duration::from_millis(end_ms),
            compute: None,
            abandoned: false,
        }
    }

    #[test]
    fn each_column_shows_the_product_waited_for_longest() {
        // Ten columns of 1 s: product 0 fills 0-4 s, then 1 and 2 share
        // column 4 (1 waits 0.7 s of it), and 2 runs to 8 s.
        let bars = [bar(0, 0, 4000), bar(1, 4000, 4700), bar(2, 4700, 8000)];
        let bars: Vec<&Bar> = bars.iter().collect();
        let got = bands(&bars, Duration::from_secs(10), 10, 1, 10);
        let shape: Vec<_> = got.iter().map(|b| (b.from, b.to, b.colour)).collect();
        assert_eq!(shape, [(0, 4, 0), (4, 5, 1), (5, 8, 2)]);
        assert!(got.iter().all(|b| b.shade == 1.0));
    }

    #[test]
    fn a_row_of_many_lanes_is_shaded_by_how_busy_it_is() {
        // Four lanes, one busy for the first second, all four for the next.
        let bars = [
            bar(0, 0, 2000),
            bar(0, 1000, 2000),
            bar(0, 1000, 2000),
            bar(0, 1000, 2000),
        ];
        let bars: Vec<&Bar> = bars.iter().collect();
        let got = bands(&bars, Duration::from_secs(2), 2, 4, 10);
        let shades: Vec<f64> = got.iter().map(|b| b.shade).collect();
        assert_eq!(shades, [0.25, 1.0]);
    }
}
