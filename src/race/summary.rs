//! The figures of several runs of one strategy: the balances they ended
//! at, the updates certainly lost, and the median time. Computed here,
//! printed by `report::race`.

use std::time::Duration;

use super::{RaceRun, Strategy};

/// Several runs of one strategy, summed up; `report::race` declares how
/// each format shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct Summary {
    /// How the balance was shared.
    pub strategy: Strategy,
    /// Threads per run, half depositing, half withdrawing.
    pub threads: usize,
    /// Deposits (or withdrawals) per thread.
    pub iterations: u64,
    /// Updates per run, by all threads together.
    pub updates_per_run: u64,
    /// Each run's final balance, in order.
    pub balances: Vec<i64>,
    /// The smallest final balance.
    pub min_balance: i64,
    /// The largest final balance.
    pub max_balance: i64,
    /// The largest |final balance|: in the worst run, at least this many
    /// updates were lost (more may have been, cancelling out).
    pub lost_at_least: u64,
    /// The runs, counted from 1, that ended at 0. For `none` that is luck:
    /// lost updates can cancel out, or the threads may not have overlapped.
    pub runs_at_zero: Vec<usize>,
    /// Each run's time, in seconds, in order.
    pub times_s: Vec<f64>,
    /// The median time of a run, in seconds.
    pub median_time_s: f64,
    /// The median over runs of the wall time per update, in nanoseconds.
    pub median_ns_per_update: f64,
    /// The median time of a run.
    pub median_time: Duration,
}

impl Summary {
    /// Fixed figures for tests of what prints summaries: runs of
    /// `strategy` on two threads of a million iterations each, ending at
    /// `balances`, 2.0, 2.1, 2.2 ... ms long.
    #[cfg(test)]
    pub(crate) fn fixture(strategy: Strategy, balances: &[i64]) -> Summary {
        let runs: Vec<RaceRun> = balances
            .iter()
            .enumerate()
            .map(|(i, &balance)| RaceRun {
                strategy,
                threads: 2,
                iterations: 1_000_000,
                balance,
                elapsed: Duration::from_micros(2_000 + 100 * i as u64),
                updates: 2_000_000,
            })
            .collect();
        // unwrap is fine in a test fixture: tests give at least one run.
        Summary::of(&runs).unwrap()
    }

    /// Sums up `runs`, all of one strategy and size; `None` if there are
    /// none.
    pub fn of(runs: &[RaceRun]) -> Option<Summary> {
        let first = runs.first()?;
        let balances: Vec<i64> = runs.iter().map(|r| r.balance).collect();
        // `runs` is not empty, so none of the `?` below returns.
        let min_balance = balances.iter().copied().min()?;
        let max_balance = balances.iter().copied().max()?;
        let times: Vec<Duration> = runs.iter().map(|r| r.elapsed).collect();
        let median_time = median(&times, |a, b| (a + b) / 2)?;
        let per_update: Vec<f64> = runs.iter().map(RaceRun::ns_per_update).collect();
        Some(Summary {
            strategy: first.strategy,
            threads: first.threads,
            iterations: first.iterations,
            updates_per_run: first.updates,
            lost_at_least: runs.iter().map(RaceRun::lost_at_least).max()?,
            runs_at_zero: (1..=runs.len()).filter(|&i| balances[i - 1] == 0).collect(),
            times_s: times.iter().map(Duration::as_secs_f64).collect(),
            median_time_s: median_time.as_secs_f64(),
            median_ns_per_update: median(&per_update, |a, b| (a + b) / 2.0)?,
            median_time,
            balances,
            min_balance,
            max_balance,
        })
    }
}

/// The middle value of `values`; for an even count, `mean` of the two
/// middle ones. `None` if there are none.
pub fn median<T: Copy + PartialOrd>(values: &[T], mean: impl Fn(T, T) -> T) -> Option<T> {
    let mut sorted = values.to_vec();
    // Times and rates are never NaN; if one were, it would sort as equal.
    sorted.sort_by(|a, b| a.partial_cmp(b).unwrap_or(std::cmp::Ordering::Equal));
    let middle = sorted.len() / 2;
    match sorted.len() {
        0 => None,
        n if n % 2 == 1 => Some(sorted[middle]),
        _ => Some(mean(sorted[middle - 1], sorted[middle])),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(balance: i64, millis: u64) -> RaceRun {
        RaceRun {
            strategy: Strategy::None,
            threads: 2,
            iterations: 500,
            balance,
            elapsed: Duration::from_millis(millis),
            updates: 1000,
        }
    }

    #[test]
    fn medians_of_odd_and_even_counts() {
        let mean = |a: f64, b: f64| (a + b) / 2.0;
        assert_eq!(median(&[3.0, 1.0, 2.0], mean), Some(2.0));
        assert_eq!(median(&[4.0, 1.0, 3.0, 2.0], mean), Some(2.5));
        assert_eq!(median(&[7.0], mean), Some(7.0));
        assert_eq!(median(&[], mean), None);
    }

    #[test]
    fn a_summary_has_the_balances_the_lower_bound_and_the_median() {
        let s = Summary::of(&[run(-30, 4), run(0, 2), run(12, 3), run(0, 10)]).unwrap();
        assert_eq!(s.balances, [-30, 0, 12, 0]);
        assert_eq!((s.min_balance, s.max_balance), (-30, 12));
        assert_eq!(s.lost_at_least, 30);
        assert_eq!(s.runs_at_zero, [2, 4]);
        assert_eq!(s.updates_per_run, 1000);
        // Times 2, 3, 4, 10 ms: the median is 3.5 ms, 3.5 µs per update.
        assert_eq!(s.median_time, Duration::from_micros(3500));
        assert!((s.median_ns_per_update - 3500.0).abs() < 1e-9);
        assert_eq!(s.times_s, [0.004, 0.002, 0.003, 0.010]);
    }

    #[test]
    fn no_runs_no_summary() {
        assert_eq!(Summary::of(&[]), None);
    }
}
