//! The figures of a fetch: how many ids ended well, retries, throughput,
//! latency percentiles (hdrhistogram) and answers by status.
//!
//! A [`Tally`] counts outcomes as they are handed in; [`FetchStats`] sums
//! it up. Every figure comes from requests actually made: an id the run
//! never asked for adds no request, and an id stopped halfway adds its
//! requests but no latency, which it never had.

use std::collections::BTreeMap;
use std::time::Duration;

use hdrhistogram::Histogram;

use super::{Failure, FetchRun, Outcome};

/// The running count of a fetch's outcomes.
#[derive(Debug, Clone)]
pub struct Tally {
    /// Ids handed in.
    pub ids: usize,
    /// Ids fetched.
    pub ok: usize,
    /// Ids the run did not finish.
    pub interrupted: usize,
    /// Requests made, retries included.
    pub requests: u64,
    /// Requests beyond the first for each id.
    pub retries: u64,
    /// Answers by status code, or by kind of failure, every attempt.
    pub answers: BTreeMap<String, u64>,
    /// Latency of the ids that ended, fetched or failed, in microseconds.
    latency: Histogram<u64>,
}

impl Default for Tally {
    fn default() -> Tally {
        Tally::new()
    }
}

impl Tally {
    /// No outcome yet.
    pub fn new() -> Tally {
        Tally {
            ids: 0,
            ok: 0,
            interrupted: 0,
            requests: 0,
            retries: 0,
            answers: BTreeMap::new(),
            // From 1 µs to an hour, three significant digits.
            // unwrap is safe because these bounds are valid for hdrhistogram.
            latency: Histogram::new_with_bounds(1, 3_600_000_000, 3).unwrap(),
        }
    }

    /// Counts one outcome.
    pub fn record(&mut self, outcome: &Outcome) {
        self.ids += 1;
        match &outcome.result {
            Ok(_) => self.ok += 1,
            Err(Failure::Interrupted) => self.interrupted += 1,
            Err(_) => {}
        }
        let requests = u64::from(outcome.attempts);
        self.requests += requests;
        self.retries += requests.saturating_sub(1);
        for answer in &outcome.answers {
            *self.answers.entry(answer.clone()).or_default() += 1;
        }
        let ended = outcome.result != Err(Failure::Interrupted);
        if ended && outcome.attempts > 0 {
            let micros = u64::try_from(outcome.latency.as_micros()).unwrap_or(u64::MAX);
            self.latency.saturating_record(micros.max(1));
        }
    }

    /// The latency at quantile `q` (0.5 for the median), in milliseconds;
    /// 0 when no id ended.
    pub fn latency_ms(&self, q: f64) -> f64 {
        if self.latency.is_empty() {
            0.0
        } else {
            self.latency.value_at_quantile(q) as f64 / 1e3
        }
    }

    /// The slowest id that ended, in milliseconds; 0 when none did.
    pub fn max_latency_ms(&self) -> f64 {
        if self.latency.is_empty() {
            0.0
        } else {
            self.latency.max() as f64 / 1e3
        }
    }
}

/// A fetch run, summed up; `report::fetch` declares how each format shows
/// it.
#[derive(Debug, Clone, PartialEq)]
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
    /// answer, retries included, in milliseconds; over the ids that
    /// ended, not the interrupted ones.
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
        let tally = &run.tally;
        let wall = run.wall.max(Duration::from_nanos(1)).as_secs_f64();
        FetchStats {
            model: run.model.name(),
            concurrency: run.concurrency,
            ids: tally.ids,
            ok: tally.ok,
            failed: tally.ids - tally.ok,
            interrupted: tally.interrupted,
            retries: tally.retries,
            requests: tally.requests,
            requests_per_s: tally.requests as f64 / wall,
            p50_ms: tally.latency_ms(0.5),
            p90_ms: tally.latency_ms(0.9),
            p99_ms: tally.latency_ms(0.99),
            max_ms: tally.max_latency_ms(),
            wall_s: run.wall.as_secs_f64(),
            answers: tally.answers.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url() -> url::Url {
        url::Url::parse("http://127.0.0.1/api/people/1/").unwrap()
    }

    fn outcome(attempts: u32, ms: u64, result: Result<(), Failure>) -> Outcome {
        Outcome {
            id: 1,
            url: url(),
            attempts,
            latency: Duration::from_millis(ms),
            answers: vec!["503".into(); attempts as usize],
            result: result.map(|()| {
                crate::people::client::FetchedPerson::parse(br#"{"name": "Luke"}"#).unwrap()
            }),
        }
    }

    #[test]
    fn interrupted_ids_add_their_requests_but_no_latency() {
        let mut tally = Tally::new();
        tally.record(&outcome(1, 100, Ok(())));
        tally.record(&outcome(3, 900, Err(Failure::Status(503))));
        // Stopped during its second attempt, after 5 ms.
        tally.record(&outcome(2, 5, Err(Failure::Interrupted)));
        // Never asked for.
        tally.record(&Outcome::not_asked(4, url()));
        assert_eq!((tally.ids, tally.ok, tally.interrupted), (4, 1, 2));
        assert_eq!((tally.requests, tally.retries), (6, 3));
        assert!((tally.latency_ms(0.5) - 100.0).abs() < 1.0);
        assert!((tally.max_latency_ms() - 900.0).abs() < 1.0);
    }

    #[test]
    fn no_request_means_no_latency() {
        let mut tally = Tally::new();
        tally.record(&Outcome::not_asked(1, url()));
        assert_eq!((tally.latency_ms(0.5), tally.max_latency_ms()), (0.0, 0.0));
        assert_eq!(tally.requests, 0);
    }
}
