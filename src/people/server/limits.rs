//! How long a server waits for its clients, how many it holds at once, and
//! how long it gives them when it stops.
//!
//! A server that waits on its clients without a bound is at their mercy: a
//! client that opens a connection and sends a request one byte a minute
//! (a "slow loris"), or a thousand that connect and say nothing, hold a
//! file descriptor each until the process has none left and turns every
//! client away. These limits bound each of those waits.

use std::time::Duration;

/// The bounds a server puts on its connections. [`Limits::default`] is
/// what `mesonero serve` uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// How long a client may take to send a request's head (its request
    /// line and headers), from the first byte of it. Past this the
    /// connection is closed without an answer.
    pub header_timeout: Duration,
    /// How long a connection may stay open with no request on it: before
    /// the first byte of its first request, or after an answer and before
    /// the next request begins. The wait starts again at each answer.
    pub idle_timeout: Duration,
    /// Connections served at once; `None` for no cap. Past the cap the
    /// server stops accepting, and new connections wait in the system's
    /// queue until an open one closes.
    pub max_connections: Option<usize>,
    /// On shutdown, how long the requests in flight (and requests already
    /// begun) have to finish. Connections still open then are cut off.
    pub grace: Duration,
}

impl Limits {
    /// The default [`Limits::header_timeout`]: plenty for any client that
    /// is sending, short enough that a stalled one goes soon.
    pub const HEADER_TIMEOUT: Duration = Duration::from_secs(10);
    /// The default [`Limits::idle_timeout`]: longer than a client usually
    /// keeps a connection for its next request, shorter than the 90 s
    /// reqwest and other pools keep theirs, so that most closes happen at
    /// the client's side.
    pub const IDLE_TIMEOUT: Duration = Duration::from_secs(30);
    /// The default [`Limits::max_connections`]: half of 1,024, the usual
    /// limit on a process's open files, so that a flood of connections
    /// leaves the server descriptors for its data files and its listener.
    pub const MAX_CONNECTIONS: usize = 512;
    /// The default [`Limits::grace`].
    pub const GRACE: Duration = Duration::from_secs(5);
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            header_timeout: Limits::HEADER_TIMEOUT,
            idle_timeout: Limits::IDLE_TIMEOUT,
            max_connections: Some(Limits::MAX_CONNECTIONS),
            grace: Limits::GRACE,
        }
    }
}
