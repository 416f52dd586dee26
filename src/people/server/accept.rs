//! The accept loop: a task per connection, at most
//! [`Limits::max_connections`] at once, and a graceful stop bounded by
//! [`Limits::grace`].
//!
//! The shape is mini-redis's `server.rs`: a semaphore bounds the
//! connections, the loop races accepting against the shutdown future, and
//! a broadcast (here a `watch`) tells every connection to stop. One thing
//! is added: the stop has a deadline. A client that never finishes its
//! request would otherwise keep the server from ever exiting.

use std::future::Future;
use std::io;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{watch, OwnedSemaphorePermit, Semaphore};
use tokio::task::JoinSet;

use super::routes::App;
use super::{connection, Limits, Stopped};

/// How long to wait before accepting again after an error that is not one
/// connection's (out of file descriptors, out of memory): long enough for
/// connections to close, as hyper and axum wait.
const ACCEPT_PAUSE: Duration = Duration::from_secs(1);

/// Serves `app` on `listener` until `shutdown` completes, then stops as
/// [`super::Server::run_until`] says.
pub(super) async fn serve(
    listener: TcpListener,
    app: App,
    limits: Limits,
    shutdown: impl Future<Output = ()>,
    hurry: impl Future<Output = ()>,
) -> Stopped {
    let cap = limits
        .max_connections
        .unwrap_or(Semaphore::MAX_PERMITS)
        .clamp(1, Semaphore::MAX_PERMITS);
    let permits = Arc::new(Semaphore::new(cap));
    let (stop, stopping) = watch::channel(false);
    let mut connections = JoinSet::new();
    tokio::pin!(shutdown);
    loop {
        tokio::select! {
            // The shutdown first, so that a busy listener cannot delay it.
            biased;
            () = &mut shutdown => break,
            (permit, stream, peer) = accept(&listener, &permits) => {
                tracing::debug!(target: "mesonero::connections", "{peer} connected");
                let (app, stopping) = (app.clone(), stopping.clone());
                connections.spawn(async move {
                    connection::serve(stream, peer, app, limits, stopping).await;
                    // Only now may another connection take this one's place.
                    drop(permit);
                });
                // Forget the connections that have closed, so that the set
                // holds only open ones.
                while connections.try_join_next().is_some() {}
            }
        }
    }
    // Closing the listener first: a client connecting from now on is
    // refused at once rather than left waiting in the system's queue.
    drop(listener);
    // Tell every connection: idle ones close now, answers in progress are
    // finished, and a request half received may still complete.
    let _ = stop.send(true);
    let hurried = {
        let all_closed = async { while connections.join_next().await.is_some() {} };
        tokio::select! {
            () = all_closed => return Stopped { cut_off: 0, hurried: false },
            () = tokio::time::sleep(limits.grace) => false,
            () = hurry => true,
        }
    };
    while connections.try_join_next().is_some() {}
    let cut_off = connections.len();
    // Aborting a connection's task drops it, which closes its socket.
    connections.shutdown().await;
    Stopped { cut_off, hurried }
}

/// Waits for room under the cap, then for a connection.
async fn accept(
    listener: &TcpListener,
    permits: &Arc<Semaphore>,
) -> (OwnedSemaphorePermit, TcpStream, SocketAddr) {
    // Room first, then accept: past the cap, new connections wait in the
    // system's queue, costing this process nothing, until one closes.
    let permit = permits
        .clone()
        .acquire_owned()
        .await
        .expect("the semaphore is never closed");
    loop {
        match listener.accept().await {
            Ok((stream, peer)) => return (permit, stream, peer),
            // That connection is gone already; the next may be fine.
            Err(e) if is_one_connections(&e) => continue,
            Err(e) => {
                tracing::warn!(
                    "cannot accept a connection: {e}; trying again in {}",
                    humantime::format_duration(ACCEPT_PAUSE)
                );
                tokio::time::sleep(ACCEPT_PAUSE).await;
            }
        }
    }
}

/// Whether an accept error concerns only the connection being accepted.
fn is_one_connections(e: &io::Error) -> bool {
    matches!(
        e.kind(),
        io::ErrorKind::ConnectionAborted
            | io::ErrorKind::ConnectionReset
            | io::ErrorKind::ConnectionRefused
            | io::ErrorKind::Interrupted
    )
}
