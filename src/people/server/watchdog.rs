//! What a connection is doing, and the watchdog that holds it to its
//! limits: [`Limits::idle_timeout`] while nothing is asked of it, and
//! [`Limits::header_timeout`] once a request has begun to arrive. While a
//! request is being answered no limit applies, since `--delay` may be
//! long. The connection's socket and service tell its [`Activity`] what
//! happens (see `connection`); the watchdog only reads it and the clock.
//!
//! Nothing tells the watchdog that the phase changed: it runs in its
//! connection's task, and waking it would poll the whole connection again,
//! several times a request. It looks at the phase when a deadline may
//! have come instead (see [`watchdog`]).

use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use tokio::sync::watch;
use tokio::time::Instant;

use super::Limits;

/// What a connection is doing, as its watchdog sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    /// No request on it since `since`: just opened, or answered.
    Idle { since: Instant },
    /// The first bytes of a request arrived at `since`; its head has not
    /// all arrived yet.
    Receiving { since: Instant },
    /// Requests are being answered.
    Answering { requests: usize },
}

/// A connection's [`Phase`], shared by its socket, its service and its
/// watchdog.
pub(super) struct Activity {
    peer: SocketAddr,
    // A std mutex, not tokio's: it is held for a few instructions and never
    // across an await, as mini-redis holds its database's.
    phase: Mutex<Phase>,
}

impl Activity {
    pub(super) fn new(peer: SocketAddr) -> Activity {
        Activity {
            peer,
            phase: Mutex::new(Phase::Idle {
                since: Instant::now(),
            }),
        }
    }

    fn lock(&self) -> MutexGuard<'_, Phase> {
        // The phase is a plain value, whole after any panic.
        self.phase.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn phase(&self) -> Phase {
        *self.lock()
    }

    /// Bytes came in from the client.
    pub(super) fn received(&self) {
        let mut phase = self.lock();
        if let Phase::Idle { .. } = *phase {
            *phase = Phase::Receiving {
                since: Instant::now(),
            };
            drop(phase);
            tracing::debug!(target: "mesonero::connections", "{} began a request", self.peer);
        }
    }

    /// A request's head arrived and its answer is being prepared.
    fn request_started(&self) {
        let mut phase = self.lock();
        let requests = match *phase {
            Phase::Answering { requests } => requests + 1,
            Phase::Idle { .. } | Phase::Receiving { .. } => 1,
        };
        *phase = Phase::Answering { requests };
    }

    /// An answer is ready (or its request was dropped).
    fn request_finished(&self) {
        let mut phase = self.lock();
        *phase = match *phase {
            Phase::Answering { requests } if requests > 1 => Phase::Answering {
                requests: requests - 1,
            },
            _ => Phase::Idle {
                since: Instant::now(),
            },
        };
    }
}

/// Why a watchdog closed its connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Expired {
    /// No request for [`Limits::idle_timeout`], or none when the server
    /// began to stop.
    Idle,
    /// A request's head took longer than [`Limits::header_timeout`].
    Header,
}

/// Completes when the connection has broken its limits. Once `stopping`
/// turns true an idle connection has none left: it is closed at once.
///
/// It looks at the phase at its deadline, or at the shorter of the two
/// limits from now if that is sooner: a phase that begins after this look
/// runs out no sooner than that, so no limit is missed or enforced late.
/// One exception: once stopping, a connection that becomes idle has no
/// limit left, and is closed not by the watchdog but by hyper, which
/// closes it after the answer it was giving (see `connection`).
pub(super) async fn watchdog(
    activity: &Activity,
    limits: Limits,
    mut stopping: watch::Receiver<bool>,
) -> Expired {
    let mut stopping_now = *stopping.borrow();
    let look_again = limits.idle_timeout.min(limits.header_timeout);
    loop {
        let (deadline, why) = match activity.phase() {
            Phase::Idle { since } => {
                let limit = if stopping_now {
                    Duration::ZERO
                } else {
                    limits.idle_timeout
                };
                (since.checked_add(limit), Expired::Idle)
            }
            Phase::Receiving { since } => {
                (since.checked_add(limits.header_timeout), Expired::Header)
            }
            Phase::Answering { .. } => (None, Expired::Idle),
        };
        let now = Instant::now();
        if deadline.is_some_and(|deadline| deadline <= now) {
            return why;
        }
        let next_look = match (deadline, now.checked_add(look_again)) {
            (Some(deadline), Some(again)) => Some(deadline.min(again)),
            (deadline, again) => deadline.or(again),
        };
        let expiry = async {
            match next_look {
                Some(next_look) => tokio::time::sleep_until(next_look).await,
                // Limits too far to reach.
                None => std::future::pending().await,
            }
        };
        tokio::select! {
            () = expiry => {}
            changed = stopping.changed(), if !stopping_now => {
                // An error means the server is gone, which is a stop too.
                stopping_now = changed.is_err() || *stopping.borrow();
            }
        }
    }
}

/// A request being answered; dropping it, when the answer is ready or
/// the request is abandoned, marks the end.
pub(super) struct Answering(Arc<Activity>);

impl Answering {
    pub(super) fn start(activity: Arc<Activity>) -> Answering {
        activity.request_started();
        Answering(activity)
    }
}

impl Drop for Answering {
    fn drop(&mut self) {
        self.0.request_finished();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn limits() -> Limits {
        Limits {
            header_timeout: Duration::from_secs(10),
            idle_timeout: Duration::from_secs(30),
            ..Limits::default()
        }
    }

    fn activity() -> Arc<Activity> {
        Arc::new(Activity::new(([127, 0, 0, 1], 1).into()))
    }

    /// Runs the watchdog until it fires; returns why and after how long.
    async fn fires(activity: &Activity, stopping: watch::Receiver<bool>) -> (Expired, Duration) {
        let started = Instant::now();
        let why = watchdog(activity, limits(), stopping).await;
        (why, started.elapsed())
    }

    #[tokio::test(start_paused = true)]
    async fn an_idle_connection_closes_after_the_idle_timeout() {
        let (_stop, stopping) = watch::channel(false);
        let (why, after) = fires(&activity(), stopping).await;
        assert_eq!((why, after), (Expired::Idle, Duration::from_secs(30)));
    }

    #[tokio::test(start_paused = true)]
    async fn a_request_begun_must_arrive_within_the_header_timeout() {
        let (_stop, stopping) = watch::channel(false);
        let activity = activity();
        tokio::time::advance(Duration::from_secs(20)).await;
        activity.received();
        // More bytes of the same request do not start the wait again.
        tokio::time::advance(Duration::from_secs(5)).await;
        activity.received();
        let (why, after) = fires(&activity, stopping).await;
        assert_eq!((why, after), (Expired::Header, Duration::from_secs(5)));
    }

    #[tokio::test(start_paused = true)]
    async fn no_limit_while_answering_and_idle_again_after() {
        let (_stop, stopping) = watch::channel(false);
        let activity = activity();
        activity.received();
        let answering = Answering::start(activity.clone());
        let finish = async move {
            // An hour of --delay, longer than every limit.
            tokio::time::sleep(Duration::from_secs(3600)).await;
            drop(answering);
        };
        let ((why, after), ()) = tokio::join!(fires(&activity, stopping), finish);
        assert_eq!((why, after), (Expired::Idle, Duration::from_secs(3630)));
    }

    #[tokio::test(start_paused = true)]
    async fn stopping_closes_idle_connections_at_once_but_not_busy_ones() {
        let (stop, stopping) = watch::channel(false);
        let idle = activity();
        let receiving = activity();
        receiving.received();
        let stopper = async {
            tokio::time::sleep(Duration::from_secs(1)).await;
            let _ = stop.send(true);
        };
        let (idle_fired, receiving_fired, ()) = tokio::join!(
            fires(&idle, stopping.clone()),
            fires(&receiving, stopping),
            stopper
        );
        assert_eq!(idle_fired, (Expired::Idle, Duration::from_secs(1)));
        // A request under way keeps its header timeout: the grace period,
        // not the watchdog, bounds it during a stop.
        assert_eq!(receiving_fired, (Expired::Header, Duration::from_secs(10)));
    }
}
