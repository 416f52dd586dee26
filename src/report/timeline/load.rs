//! What matters at scale, computed apart from drawing it: how much is in
//! flight over time ([`steps`], drawn a pixel column at a time with
//! [`peaks`]), and how long each order took from `Received orders` to its
//! dispatch ([`Spread`]), which is what a diner, or a server's client,
//! feels.
//!
//! Every figure is linear or `n log n` in the run's size, so that a run of
//! millions of products still draws in a blink.

use std::time::Duration;

use super::{axis, Words};

/// From `at` on, `count` things at once, until the next step.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Step {
    /// When the count changed.
    pub at: Duration,
    /// How many from then on.
    pub count: u32,
}

/// How many of `spans` (start, end) are under way over time: one step
/// per moment the count changes, starting from none. A span is under way
/// from its start up to, not including, its end, so one ending when
/// another starts does not add to it, and an empty span never counts.
pub fn steps(spans: impl IntoIterator<Item = (Duration, Duration)>) -> Vec<Step> {
    let mut changes: Vec<(Duration, i64)> = Vec::new();
    for (start, end) in spans {
        if start < end {
            changes.push((start, 1));
            changes.push((end, -1));
        }
    }
    changes.sort_unstable();
    let mut steps: Vec<Step> = Vec::new();
    let mut count: i64 = 0;
    for (i, &(at, delta)) in changes.iter().enumerate() {
        count += delta;
        // Changes at one moment make one step, the count after them all;
        // a moment where the count ends as it was makes none.
        if changes.get(i + 1).is_some_and(|next| next.0 == at) {
            continue;
        }
        let now = u32::try_from(count.max(0)).unwrap_or(u32::MAX);
        if steps.last().map_or(0, |s| s.count) != now {
            steps.push(Step { at, count: now });
        }
    }
    steps
}

/// The most under way at any moment of each of `columns` equal slices of
/// `0..end`: a step chart drawn a column at a time, where a peak shorter
/// than a column still shows. Linear in steps plus columns.
pub fn peaks(steps: &[Step], end: Duration, columns: usize) -> Vec<u32> {
    let mut peaks = vec![0u32; columns];
    if columns == 0 {
        return peaks;
    }
    let end_s = end.as_secs_f64().max(f64::MIN_POSITIVE);
    let column = |at: Duration| at.as_secs_f64() / end_s * columns as f64;
    for (i, step) in steps.iter().enumerate() {
        let from = (column(step.at).floor() as usize).min(columns - 1);
        // The step holds until the next one; the last one until the end.
        let to = steps
            .get(i + 1)
            .map_or(columns as f64, |next| column(next.at));
        let to = (to.ceil() as usize).clamp(from + 1, columns);
        for peak in &mut peaks[from..to] {
            *peak = (*peak).max(step.count);
        }
    }
    peaks
}

/// The most under way at once, over the whole series.
pub fn most(steps: &[Step]) -> u32 {
    steps.iter().map(|s| s.count).max().unwrap_or(0)
}

/// The spread of a set of times: the five numbers of a box plot, and the
/// time nine in ten stay within.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Spread {
    /// How many times.
    pub count: usize,
    /// The shortest.
    pub min: Duration,
    /// A quarter are this short or shorter.
    pub p25: Duration,
    /// Half are this short or shorter.
    pub median: Duration,
    /// Three quarters are this short or shorter.
    pub p75: Duration,
    /// Nine in ten are this short or shorter.
    pub p90: Duration,
    /// The longest.
    pub max: Duration,
}

impl Spread {
    /// The spread of `sorted`, shortest first, by nearest rank (every
    /// figure is one of the times); `None` when there are none.
    pub fn of(sorted: &[Duration]) -> Option<Spread> {
        let (&min, &max) = (sorted.first()?, sorted.last()?);
        let rank = |percent: usize| {
            let rank = (percent * sorted.len()).div_ceil(100).max(1);
            sorted[rank - 1]
        };
        Some(Spread {
            count: sorted.len(),
            min,
            p25: rank(25),
            median: rank(50),
            p75: rank(75),
            p90: rank(90),
            max,
        })
    }

    /// `4 orders: fastest 1.2 s, median 7.5 s, 9 in 10 within 7.5 s,
    /// slowest 7.5 s`, in `words`.
    pub fn describe(&self, words: &Words) -> String {
        (words.spread)(
            &words.order.count(self.count),
            &axis::label(self.min),
            &axis::label(self.median),
            &axis::label(self.p90),
            &axis::label(self.max),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::latency::Lang;

    fn s(secs: u64) -> Duration {
        Duration::from_secs(secs)
    }

    fn shape(steps: &[Step]) -> Vec<(u64, u32)> {
        steps.iter().map(|st| (st.at.as_secs(), st.count)).collect()
    }

    #[test]
    fn steps_count_what_is_under_way() {
        // Two from 0 s, one of them ending at 2 s when a third starts
        // (no change there); an empty span at 3 s counts for nothing.
        let got = steps([(s(0), s(5)), (s(0), s(2)), (s(2), s(4)), (s(3), s(3))]);
        assert_eq!(shape(&got), [(0, 2), (4, 1), (5, 0)]);
        assert_eq!(most(&got), 2);
        assert_eq!(steps([]), []);
    }

    #[test]
    fn peaks_keep_a_spike_shorter_than_a_column() {
        // Ten columns of 1 s: one thing from 0 to 10 s, and nine more for
        // a millisecond at 4.5 s.
        let mut spans = vec![(s(0), s(10))];
        let spike = (Duration::from_millis(4_500), Duration::from_millis(4_501));
        spans.extend(std::iter::repeat_n(spike, 9));
        let got = peaks(&steps(spans), s(10), 10);
        assert_eq!(got, [1, 1, 1, 1, 10, 1, 1, 1, 1, 1]);
        // Past the last step, nothing is under way.
        assert_eq!(peaks(&steps([(s(0), s(2))]), s(4), 4), [1, 1, 0, 0]);
    }

    #[test]
    fn the_spread_is_by_nearest_rank() {
        let times: Vec<Duration> = (1..=10).map(s).collect();
        let got = Spread::of(&times).unwrap();
        let secs = [got.min, got.p25, got.median, got.p75, got.p90, got.max];
        assert_eq!(secs.map(|d| d.as_secs()), [1, 3, 5, 8, 9, 10]);
        assert_eq!(got.count, 10);
        let said = "10 orders: fastest 1 s, median 5 s, 9 in 10 within 9 s, slowest 10 s";
        assert_eq!(got.describe(Words::of(Lang::En)), said);
        let dicho = "10 pedidos: el más rápido 1 s, mediana 5 s, 9 de cada 10 en 9 s o menos, el \
                     más lento 10 s";
        assert_eq!(got.describe(Words::of(Lang::Es)), dicho);
        let one = Spread::of(&[s(7)]).unwrap();
        assert_eq!((one.min, one.median, one.max), (s(7), s(7), s(7)));
        assert_eq!(Spread::of(&[]), None);
    }
}
