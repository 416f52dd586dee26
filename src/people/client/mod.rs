//! `mesonero fetch`: the client side of the people API, in three models.
//!
//! | model | file | how it waits |
//! | --- | --- | --- |
//! | `sequential` | [`sequential`] | one blocking request after another |
//! | `threads` | [`threads`] | a pool of OS threads, each blocking |
//! | `async` | [`asyncio`] | one thread, a future per id, awaiting |
//!
//! Every model fetches the same ids with the same retries
//! ([`attempt`]) and returns one [`Outcome`] per id: a person, or why not.
//! Nothing is dropped: an id the run never got to is reported as
//! interrupted.

pub mod asyncio;
pub mod attempt;
mod blocking;
pub mod crawl;
pub mod ids;
pub mod sequential;
pub mod stats;
pub mod threads;

use std::collections::HashMap;
use std::fmt;
use std::time::{Duration, Instant};

use thiserror::Error;
use url::Url;

pub use attempt::{Failure, Observer, Outcome, Progress, RetryPolicy};

use crate::clock::Shutdown;

/// One way of fetching.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, clap::ValueEnum)]
pub enum FetchModel {
    /// One blocking request after another.
    Sequential,
    /// A pool of OS threads with blocking clients.
    Threads,
    /// One thread, a future per id, at most --concurrency in flight.
    Async,
}

impl FetchModel {
    /// Every model, slowest first.
    pub const ALL: [FetchModel; 3] = [
        FetchModel::Sequential,
        FetchModel::Threads,
        FetchModel::Async,
    ];

    /// The model's name on the command line.
    pub fn name(self) -> &'static str {
        match self {
            FetchModel::Sequential => "sequential",
            FetchModel::Threads => "threads",
            FetchModel::Async => "async",
        }
    }
}

impl fmt::Display for FetchModel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// How to make requests: where, how many at once, how patiently.
#[derive(Debug, Clone, PartialEq)]
pub struct Request {
    /// The API's base, such as `http://127.0.0.1:8000/api/`.
    pub api: Url,
    /// Requests in flight at once (threads for `threads`).
    pub concurrency: usize,
    /// How long one request may take.
    pub timeout: Duration,
    /// When to try again.
    pub retry: RetryPolicy,
    /// At most this many requests started per second, in all.
    pub rate: Option<f64>,
}

impl Request {
    /// The address of person `id`: `{api}people/{id}/`, as swapi's.
    pub fn person_url(&self, id: u64) -> Url {
        // unwrap is safe because a relative path always joins onto a base
        // URL that `api_url` accepted.
        self.api.join(&format!("people/{id}/")).unwrap()
    }
}

/// Reads an API base URL: `http://host:port/api/`. A URL with no path is
/// given swapi's `/api/`, and a path gets its trailing slash, so that
/// `people/1/` joins onto it.
pub fn api_url(text: &str) -> Result<Url, ClientError> {
    let bad = |why: &str| ClientError::BadUrl {
        url: text.to_string(),
        why: why.to_string(),
    };
    let mut url = Url::parse(text).map_err(|e| bad(&e.to_string()))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(bad("only http:// and https:// are supported"));
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err(bad("there is no host"));
    }
    if url.path() == "/" {
        url.set_path("/api/");
    } else if !url.path().ends_with('/') {
        let path = format!("{}/", url.path());
        url.set_path(&path);
    }
    Ok(url)
}

/// When each request is due: at once, or, with a rate, on a fixed
/// schedule, so that a slow server cannot hide its queueing delay (the
/// latency of a request counts from when it was due, not from when it
/// could finally start).
pub struct Schedule {
    start: Instant,
    rate: Option<f64>,
}

impl Schedule {
    /// A schedule starting now.
    pub fn new(rate: Option<f64>) -> Schedule {
        Schedule {
            start: Instant::now(),
            rate,
        }
    }

    /// When request number `i` is due, if there is a rate.
    pub fn due(&self, i: usize) -> Option<Instant> {
        self.rate
            .map(|rate| self.start + Duration::from_secs_f64(i as f64 / rate))
    }

    /// Blocks until request `i` is due, and says when that was.
    pub fn wait_for(&self, i: usize, shutdown: &Shutdown) -> Option<Instant> {
        let due = self.due(i)?;
        // An interrupted wait returns early; the request then sees the
        // shutdown and reports itself interrupted.
        let _ = shutdown.sleep_until(due);
        Some(due)
    }
}

/// Chooses rustls's `ring` backend for `https://`, once per process; the
/// HTTP client needs one, and this build carries no other (no OpenSSL).
pub fn ensure_tls() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        // Err only means a provider is already installed, which is fine.
        let _ = rustls::crypto::ring::default_provider().install_default();
    });
}

/// Why a fetch could not run at all.
#[derive(Debug, Error)]
pub enum ClientError {
    /// An API URL that cannot be used.
    #[error("--api: '{url}' is not a usable URL: {why}")]
    BadUrl {
        /// What was given.
        url: String,
        /// What is wrong with it.
        why: String,
    },
    /// The HTTP client could not be built.
    #[error("cannot build the HTTP client: {0}")]
    Client(#[from] reqwest::Error),
    /// The async runtime could not start.
    #[error("cannot start the async runtime: {0}")]
    Runtime(std::io::Error),
    /// Not even one thread could start.
    #[error("cannot start a thread: {0}")]
    Threads(std::io::Error),
    /// Listing the people (`--all`) failed.
    #[error("cannot list the people at {url}: {failure}")]
    Crawl {
        /// The page that failed.
        url: Url,
        /// Why.
        failure: Failure,
    },
}

/// One model's fetch of a list of ids.
#[derive(Debug, Clone)]
pub struct FetchRun {
    /// The model.
    pub model: FetchModel,
    /// Requests allowed in flight.
    pub concurrency: usize,
    /// One per id asked for, in the order they finished; ids the run never
    /// got to come last, as interrupted.
    pub outcomes: Vec<Outcome>,
    /// Wall time of the run.
    pub wall: Duration,
}

/// Fetches `ids` with `model`, reporting progress to `observer`.
pub fn fetch(
    model: FetchModel,
    request: &Request,
    ids: &[u64],
    observer: Observer,
    shutdown: &Shutdown,
) -> Result<FetchRun, ClientError> {
    let started = Instant::now();
    let mut outcomes = match model {
        FetchModel::Sequential => sequential::fetch(request, ids, observer, shutdown)?,
        FetchModel::Threads => threads::fetch(request, ids, observer, shutdown)?,
        FetchModel::Async => asyncio::fetch(request, ids, observer, shutdown)?,
    };
    let wall = started.elapsed();
    account_for_every_id(ids, &mut outcomes);
    Ok(FetchRun {
        model,
        concurrency: request.concurrency,
        outcomes,
        wall,
    })
}

/// Adds an interrupted outcome for each id a stopped run never finished,
/// so that every id asked for is accounted for (the same id may be asked
/// for more than once).
fn account_for_every_id(ids: &[u64], outcomes: &mut Vec<Outcome>) {
    if outcomes.len() == ids.len() {
        return;
    }
    let mut finished: HashMap<u64, usize> = HashMap::new();
    for outcome in outcomes.iter() {
        *finished.entry(outcome.id).or_default() += 1;
    }
    for &id in ids {
        match finished.get_mut(&id) {
            Some(n) if *n > 0 => *n -= 1,
            _ => outcomes.push(Outcome {
                id,
                attempts: 0,
                latency: Duration::ZERO,
                answers: Vec::new(),
                result: Err(Failure::Interrupted),
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn api_urls_get_swapis_path_and_a_trailing_slash() {
        assert_eq!(
            api_url("http://127.0.0.1:8000").unwrap().as_str(),
            "http://127.0.0.1:8000/api/"
        );
        assert_eq!(
            api_url("https://swapi.dev/api").unwrap().as_str(),
            "https://swapi.dev/api/"
        );
        let request = Request {
            api: api_url("http://localhost:1/api/").unwrap(),
            concurrency: 1,
            timeout: Duration::from_secs(1),
            retry: RetryPolicy::new(0),
            rate: None,
        };
        assert_eq!(
            request.person_url(7).as_str(),
            "http://localhost:1/api/people/7/"
        );
    }

    #[test]
    fn bad_urls_say_why() {
        for bad in [
            "not a url",
            "ftp://example.com/",
            "http://",
            "file:///tmp/x",
        ] {
            assert!(api_url(bad).is_err(), "{bad}");
        }
        assert_eq!(
            api_url("ftp://example.com/").unwrap_err().to_string(),
            "--api: 'ftp://example.com/' is not a usable URL: only http:// and https:// are supported"
        );
    }

    #[test]
    fn ids_never_finished_are_reported_interrupted() {
        let done = |id| Outcome {
            id,
            attempts: 1,
            latency: Duration::ZERO,
            answers: vec!["200".into()],
            result: Err(Failure::Status(404)),
        };
        let mut outcomes = vec![done(2)];
        account_for_every_id(&[1, 2, 2], &mut outcomes);
        let ids: Vec<(u64, bool)> = outcomes
            .iter()
            .map(|o| (o.id, o.result == Err(Failure::Interrupted)))
            .collect();
        assert_eq!(ids, vec![(2, false), (1, true), (2, true)]);
    }

    #[test]
    fn a_rate_spreads_the_requests_evenly() {
        let schedule = Schedule::new(Some(4.0));
        let start = schedule.due(0).unwrap();
        assert_eq!(
            schedule.due(6).unwrap() - start,
            Duration::from_millis(1500)
        );
        assert_eq!(Schedule::new(None).due(3), None);
    }
}
