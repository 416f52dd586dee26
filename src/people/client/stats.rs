//! The figures of a fetch: how many ids ended well, retries, throughput,
//! latency percentiles (hdrhistogram) and answers by status.

use std::collections::BTreeMap;
use std::time::Duration;

use hdrhistogram::Histogram;
use serde::Serialize;

use super::{Failure, FetchRun};

/// A fetch run, summed up.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FetchStats {
    /// The model.
    pub model: &'static str,
    /// Requests allowed in flight.
    pub concurrency: usize,
    /// Ids asked for.
    pub ids: usize,
    /// Ids fetched.
    pub ok: usize,
    /// Ids that ended in an error (interrupted ones included).
    pub failed: usize,
    /// Ids the run never finished.
    pub interrupted: usize,
    /// Requests beyond the first for each id.
    pub retries: u64,
    /// Requests made, retries included.
    pub requests: u64,
    /// Requests per second of wall time.
    pub requests_per_s: f64,
    /// Latency percentiles per id, from when it was due to its final
    /// answer, retries included, in milliseconds.
    pub p50_ms: f64,
    /// 90th percentile.
    pub p90_ms: f64,
    /// 99th percentile.
    pub p99_ms: f64,
    /// The slowest.
    pub max_ms: f64,
    /// Wall time of the run, in seconds.
    pub wall_s: f64,
    /// Answers by status code, or by kind of failure (`timeout`,
    /// `connection`), counting every attempt.
    pub answers: BTreeMap<String, u64>,
}

impl FetchStats {
    /// Sums up a run.
    pub fn of(run: &FetchRun) -> FetchStats {
        // Microseconds, from 1 µs to an hour, three significant digits.
        // unwrap is safe because these bounds are valid for hdrhistogram.
        let mut latency = Histogram::<u64>::new_with_bounds(1, 3_600_000_000, 3).unwrap();
        let mut answers = BTreeMap::new();
        let (mut ok, mut interrupted, mut requests) = (0, 0, 0u64);
        for outcome in &run.outcomes {
            match &outcome.result {
                Ok(_) => ok += 1,
                Err(Failure::Interrupted) => interrupted += 1,
                Err(_) => {}
            }
            requests += u64::from(outcome.attempts);
            for answer in &outcome.answers {
                *answers.entry(answer.clone()).or_default() += 1;
            }
            if outcome.attempts > 0 {
                latency.saturating_record(outcome.latency.as_micros().max(1) as u64);
            }
        }
        let ms = |q: f64| {
            if latency.is_empty() {
                0.0
            } else {
                latency.value_at_quantile(q) as f64 / 1e3
            }
        };
        let wall = run.wall.max(Duration::from_nanos(1)).as_secs_f64();
        FetchStats {
            model: run.model.name(),
            concurrency: run.concurrency,
            ids: run.outcomes.len(),
            ok,
            failed: run.outcomes.len() - ok,
            interrupted,
            retries: requests
                .saturating_sub(run.outcomes.iter().filter(|o| o.attempts > 0).count() as u64),
            requests,
            requests_per_s: requests as f64 / wall,
            p50_ms: ms(0.5),
            p90_ms: ms(0.9),
            p99_ms: ms(0.99),
            max_ms: if latency.is_empty() {
                0.0
            } else {
                latency.max() as f64 / 1e3
            },
            wall_s: run.wall.as_secs_f64(),
            answers,
        }
    }
}
