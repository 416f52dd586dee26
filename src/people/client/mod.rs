//! `mesonero fetch`: the client side of the people API, in three models.
//!
//! | model | file | how it waits |
//! | --- | --- | --- |
//! | `sequential` | [`sequential`] | one blocking request after another |
//! | `threads` | [`threads`] | a pool of OS threads, each blocking |
//! | `async` | [`asyncio`] | one thread, a future per id, awaiting |
//!
//! Every model fetches the same ids with the same retries ([`attempt`])
//! and the same limits (a body cap, [`body`]; redirects kept on the API's
//! host, [`address`]), and hands each finished id to one collector
//! ([`collect`]), which reports it and counts it. Nothing is dropped: an
//! id the run never got to is reported as interrupted.
//!
//! An answer is a person if it is a JSON object with a string `name`,
//! the one field the article's client reads ([`person`]); every other
//! field is kept as received ([`received`]). Every per-id failure is
//! told with the URL asked ([`Failure::at`]).

pub mod address;
pub mod asyncio;
pub mod attempt;
mod blocking;
pub mod body;
pub mod collect;
pub mod crawl;
mod failure;
pub mod ids;
pub mod person;
pub mod received;
pub mod schedule;
pub mod sequential;
pub mod stats;
pub mod threads;

use std::fmt;
use std::time::{Duration, Instant};

use thiserror::Error;
use url::Url;

pub use address::api_url;
pub use attempt::{Observer, Outcome, Progress, RetryPolicy};
pub use failure::{At, Failure};
pub use person::FetchedPerson;
pub use schedule::Schedule;

use crate::clock::Shutdown;
use collect::Collector;
use stats::Tally;

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

/// How to make requests: where, how many at once, how patiently, and
/// within which limits.
#[derive(Debug, Clone, PartialEq)]
pub struct Request {
    /// The API's base, such as `http://127.0.0.1:8000/api/`.
    pub api: Url,
    /// Requests in flight at once (threads for `threads`).
    pub concurrency: usize,
    /// How long one request may take, its body included.
    pub timeout: Duration,
    /// When to try again.
    pub retry: RetryPolicy,
    /// At most this many requests started per second, in all.
    pub rate: Option<f64>,
    /// The longest response body read, in bytes; a longer one fails its
    /// id (or the crawl) without being read further.
    pub max_body: u64,
    /// Whether redirects and `next` links may lead to another host.
    pub follow_other_hosts: bool,
}

impl Request {
    /// Requests to `api` with `fetch`'s defaults: 100 in flight, a 5 s
    /// timeout, 3 retries, no rate, a 1 MB body cap, the API's host only.
    pub fn new(api: Url) -> Request {
        Request {
            api,
            concurrency: 100,
            timeout: Duration::from_secs(5),
            retry: RetryPolicy::new(3),
            rate: None,
            max_body: body::DEFAULT_MAX_BODY,
            follow_other_hosts: false,
        }
    }

    /// The address of person `id`: `{api}people/{id}/`, as swapi's.
    pub fn person_url(&self, id: u64) -> Url {
        // unwrap is safe because a relative path always joins onto a base
        // URL that `api_url` accepted.
        self.api.join(&format!("people/{id}/")).unwrap()
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

/// Why a fetch could not run at all, or could not list the people.
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
    /// A thread pool larger than this system allows.
    #[error(
        "--concurrency {threads}: the threads model needs {threads} threads, and {allowed} more \
         are as many as this system allows ({because}); give --concurrency {allowed} or less, \
         or use --model async"
    )]
    OverBudget {
        /// Threads the pool would need.
        threads: usize,
        /// Threads that fit beside those already running.
        allowed: usize,
        /// The system setting that imposes the limit.
        because: String,
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
    /// A page's `next` link leads to another host.
    #[error(
        "cannot list the people: the page {page} links its next page to another host, {next}, \
         not followed without --follow-other-hosts"
    )]
    NextOnOtherHost {
        /// The page with the link.
        page: String,
        /// Where it leads.
        next: String,
    },
    /// More people listed than a run may fetch.
    #[error(
        "cannot list the people: by the page {url} there are more than the {} a run may fetch",
        ids::MAX_IDS
    )]
    TooManyPeople {
        /// The page that went past the limit.
        url: Url,
    },
    /// The list's `next` links went on past `--max-pages`.
    #[error(
        "--all: the list went on past {max_pages} pages (--max-pages {max_pages}); only the \
         {people} people on them were fetched"
    )]
    TooManyPages {
        /// The pages read.
        max_pages: usize,
        /// The people listed on them.
        people: usize,
    },
    /// Ctrl-C while listing the people.
    #[error("interrupted while listing the people, after {pages} pages and {people} people; none was fetched")]
    CrawlInterrupted {
        /// Pages read.
        pages: usize,
        /// People listed.
        people: usize,
    },
}

/// One model's fetch of a list of ids.
#[derive(Debug, Clone)]
pub struct FetchRun {
    /// The model.
    pub model: FetchModel,
    /// Requests allowed in flight.
    pub concurrency: usize,
    /// The figures of every id asked for, interrupted ones included. The
    /// people themselves went to the observer, and were not kept.
    pub tally: Tally,
    /// Wall time of the run.
    pub wall: Duration,
}

/// Fetches `ids` with `model`, reporting progress to `observer`: each id
/// is reported [`Progress::Done`] exactly once, with its person or why
/// not, whether the run ends or is stopped by `shutdown`.
pub fn fetch(
    model: FetchModel,
    request: &Request,
    ids: &[u64],
    observer: Observer,
    shutdown: &Shutdown,
) -> Result<FetchRun, ClientError> {
    let started = Instant::now();
    let collector = Collector::new(observer, ids.len());
    match model {
        FetchModel::Sequential => sequential::fetch(request, ids, &collector, shutdown)?,
        FetchModel::Threads => threads::fetch(request, ids, &collector, shutdown)?,
        FetchModel::Async => asyncio::fetch(request, ids, &collector, shutdown)?,
    }
    let wall = started.elapsed();
    Ok(FetchRun {
        model,
        concurrency: request.concurrency,
        tally: collector.finish(request, ids),
        wall,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn people_are_under_the_apis_people() {
        let request = Request::new(api_url("http://localhost:1/api/").unwrap());
        assert_eq!(
            request.person_url(7).as_str(),
            "http://localhost:1/api/people/7/"
        );
    }
}
