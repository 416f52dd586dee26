//! A swapi-compatible people API, served locally with hyper.
//!
//! `asinc2.py` waited on swapi.dev across the internet; this server stands
//! in for it on loopback, with the latency and the failures a lesson asks
//! for: every API response waits `delay` plus a random `jitter`, and a
//! `fail_rate` of them are 500 or 503. The waits are `tokio::time::sleep`,
//! so a thousand waiting requests cost a thousand small futures, not a
//! thousand threads.
//!
//! [`Server::bind`] then [`Server::run`] serve until a shutdown future
//! completes; [`spawn_background`] does the same on a thread of its own,
//! for a client in the same process. The routes are in `routes`, what
//! they answer in `answers`, the delay, failures and request log in
//! `middleware`, gzip in `gzip`; the accept loop and
//! its graceful stop in `accept`, one connection in `connection`, and its
//! timeouts in `watchdog`, under the [`Limits`] of `limits`.

mod accept;
mod answers;
mod background;
mod bodies;
mod connection;
mod cors;
mod gzip;
mod limits;
mod middleware;
mod options;
mod routes;
#[cfg(test)]
mod tests;
mod watchdog;

use std::future::Future;
use std::io;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use thiserror::Error;
use tokio::net::TcpListener;

use super::data::Dataset;

pub use background::{spawn_background, BackgroundServer};
pub use limits::Limits;
pub use options::{
    parse_delay, parse_fail_rate, parse_timeout, OptionError, RequestLog, MAX_DELAY,
};

/// What a server serves, where, and how slowly.
#[derive(Debug, Clone)]
pub struct ServerConfig {
    /// Where to listen; port 0 picks a free port (see [`Server::local_addr`]).
    pub addr: SocketAddr,
    /// How long every API response waits before it is sent.
    pub delay: Duration,
    /// The most extra wait, drawn uniformly from `[0, jitter]` per response.
    pub jitter: Duration,
    /// The fraction of API responses, from 0 to 1, that fail with 500 or
    /// 503 (half each).
    pub fail_rate: f64,
    /// Seed of the jitter and failure draws: the n-th API request gets the
    /// same draw on every run with the same seed.
    pub seed: u64,
    /// The people and planets.
    pub dataset: Arc<Dataset>,
    /// Which requests are logged through `tracing`.
    pub request_log: RequestLog,
    /// Timeouts, the cap on connections and the grace period of a stop.
    pub limits: Limits,
}

impl ServerConfig {
    /// The built-in data on `addr`, answering at once, never failing,
    /// logging nothing; with the default [`Limits`] but no cap on
    /// connections. That suits a server for a client in the same process,
    /// whose own `--concurrency` bounds its connections: under a cap, the
    /// connections past it would wait for kept-alive ones that never close.
    pub fn new(addr: SocketAddr) -> ServerConfig {
        ServerConfig {
            addr,
            delay: Duration::ZERO,
            jitter: Duration::ZERO,
            fail_rate: 0.0,
            seed: 1,
            dataset: Arc::new(Dataset::builtin()),
            request_log: RequestLog::Off,
            limits: Limits {
                max_connections: None,
                ..Limits::default()
            },
        }
    }
}

/// Why a server could not start or stopped.
#[derive(Debug, Error)]
pub enum ServeError {
    /// The address could not be listened on: in use, not allowed, not
    /// local.
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        /// The address asked for.
        addr: SocketAddr,
        /// Why, from the system.
        source: io::Error,
    },
    /// A failure rate outside `[0, 1]`.
    #[error("a failure rate is a fraction from 0 to 1, not {0}")]
    FailRate(f64),
    /// The runtime or the thread of a background server could not start.
    #[error("cannot start the server: {0}")]
    Start(io::Error),
    /// Serving failed after it started.
    #[error("the server stopped: {0}")]
    Serve(io::Error),
}

/// How many requests a server has received, readable while it runs and
/// after. Cloning shares the count.
#[derive(Debug, Clone, Default)]
pub struct RequestCount(Arc<AtomicU64>);

impl RequestCount {
    /// Requests received so far, `/healthz` included.
    pub fn get(&self) -> u64 {
        self.0.load(Ordering::Relaxed)
    }

    /// Counts one more request and returns its number, from 0.
    fn next(&self) -> u64 {
        // Relaxed: the count orders nothing else; it only numbers requests.
        self.0.fetch_add(1, Ordering::Relaxed)
    }
}

/// How a server's run ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stopped {
    /// Connections still open when the grace period ended, or was cut
    /// short: closed with their requests unanswered.
    pub cut_off: usize,
    /// Whether the grace period was cut short (see [`Server::run_until`]).
    pub hurried: bool,
}

/// A server listening on its port, not yet answering.
pub struct Server {
    listener: TcpListener,
    local_addr: SocketAddr,
    limits: Limits,
    state: Arc<answers::AppState>,
}

impl Server {
    /// Listens on `config.addr`. Requests wait in the system's queue until
    /// [`Server::run`].
    pub async fn bind(config: ServerConfig) -> Result<Server, ServeError> {
        if !(0.0..=1.0).contains(&config.fail_rate) {
            return Err(ServeError::FailRate(config.fail_rate));
        }
        let bind_error = |source| ServeError::Bind {
            addr: config.addr,
            source,
        };
        let listener = TcpListener::bind(config.addr).await.map_err(bind_error)?;
        let local_addr = listener.local_addr().map_err(bind_error)?;
        let limits = config.limits;
        let state = Arc::new(answers::AppState::new(config, local_addr));
        Ok(Server {
            listener,
            local_addr,
            limits,
            state,
        })
    }

    /// The address the server listens on, with the port the system chose
    /// when port 0 was asked for.
    pub fn local_addr(&self) -> SocketAddr {
        self.local_addr
    }

    /// The count of requests this server receives.
    pub fn requests(&self) -> RequestCount {
        self.state.requests.clone()
    }

    /// Answers requests until `shutdown` completes; then stops accepting
    /// connections, closes the idle ones, and gives the requests in flight
    /// (delays included) and those half received the grace period of its
    /// [`Limits`] to finish. Connections still open after it are cut off.
    pub async fn run(self, shutdown: impl Future<Output = ()>) -> Result<Stopped, ServeError> {
        self.run_until(shutdown, std::future::pending()).await
    }

    /// As [`Server::run`]; and if `hurry` completes during the grace
    /// period, the grace period ends there: a second Ctrl-C or SIGTERM, say, from a
    /// user who will not wait.
    pub async fn run_until(
        self,
        shutdown: impl Future<Output = ()>,
        hurry: impl Future<Output = ()>,
    ) -> Result<Stopped, ServeError> {
        let app = routes::app(self.state);
        Ok(accept::serve(self.listener, app, self.limits, shutdown, hurry).await)
    }
}
