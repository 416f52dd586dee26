//! The time axis: round tick marks, shared by the picture and the text.

use std::time::Duration;

use crate::report::seconds;

/// Tick marks from 0 to at most `end`, a round step apart (1, 2 or 5
/// times a power of ten seconds), at most about `max_ticks` of them.
pub(super) fn ticks(end: Duration, max_ticks: usize) -> Vec<Duration> {
    let end_s = end.as_secs_f64();
    let step = step(end_s, max_ticks.max(1));
    // A hair of slack, so that a tick at `end` itself survives rounding.
    let count = (end_s / step + 1e-9).floor() as usize;
    (0..=count)
        .map(|i| Duration::from_secs_f64(i as f64 * step))
        .collect()
}

/// The smallest round step that keeps the ticks to `max_ticks`.
fn step(end_s: f64, max_ticks: usize) -> f64 {
    if end_s <= 0.0 || !end_s.is_finite() {
        return 1.0;
    }
    let rough = end_s / max_ticks as f64;
    // Round steps only go down to a millisecond, the trace's resolution
    // for preparation times.
    let mut power = 1e-3;
    loop {
        for m in [1.0, 2.0, 5.0] {
            if m * power >= rough {
                return m * power;
            }
        }
        power *= 10.0;
    }
}

/// A tick's label: `0 s`, `2.5 s`, `40 s`.
pub(super) fn label(at: Duration) -> String {
    format!("{} s", seconds(at))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn secs(ticks: Vec<Duration>) -> Vec<f64> {
        ticks.iter().map(Duration::as_secs_f64).collect()
    }

    #[test]
    fn ticks_are_round_and_reach_the_end() {
        let t = secs(ticks(Duration::from_millis(43_800), 10));
        assert_eq!(t, [0.0, 5.0, 10.0, 15.0, 20.0, 25.0, 30.0, 35.0, 40.0]);
        let t = secs(ticks(Duration::from_millis(7_500), 5));
        assert_eq!(t, [0.0, 2.0, 4.0, 6.0]);
        assert_eq!(
            secs(ticks(Duration::from_secs(8), 4)),
            [0.0, 2.0, 4.0, 6.0, 8.0]
        );
        assert_eq!(secs(ticks(Duration::ZERO, 5)), [0.0]);
        assert_eq!(label(Duration::from_millis(2_500)), "2.5 s");
    }
}
