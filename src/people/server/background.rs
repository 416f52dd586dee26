//! A server on a thread of its own, for a client in the same process.
//!
//! `mesonero fetch` without `--api` needs a server to fetch from, and its
//! blocking models call from the main thread, outside any runtime. So the
//! server gets its own thread and its own tokio runtime;
//! [`spawn_background`] returns once it listens, and stopping it (or
//! dropping it) shuts it down gracefully and joins the thread.

use std::io;
use std::net::SocketAddr;
use std::sync::mpsc;
use std::thread::{self, JoinHandle};

use tokio::sync::oneshot;

use super::{RequestCount, ServeError, Server, ServerConfig};

/// A server running on its own thread; see [`spawn_background`].
pub struct BackgroundServer {
    addr: SocketAddr,
    requests: RequestCount,
    /// Sending (or dropping) this starts the graceful shutdown, bounded by
    /// the grace period of the server's limits.
    stop: Option<oneshot::Sender<()>>,
    thread: Option<JoinHandle<Result<(), ServeError>>>,
}

/// Starts a server with `config` on a new thread with its own tokio
/// runtime, and returns once it is listening, or with the reason it could
/// not.
pub fn spawn_background(config: ServerConfig) -> Result<BackgroundServer, ServeError> {
    // A std channel for the one "listening" message: the caller may not be
    // in a runtime, and blocks here until the server is ready.
    let (ready_tx, ready_rx) = mpsc::sync_channel(1);
    let (stop_tx, stop_rx) = oneshot::channel::<()>();
    let thread = thread::Builder::new()
        .name("mesonero-server".into())
        .spawn(move || {
            let runtime = match tokio::runtime::Builder::new_multi_thread()
                .enable_all()
                .thread_name("mesonero-server")
                .build()
            {
                Ok(runtime) => runtime,
                Err(e) => {
                    let _ = ready_tx.send(Err(ServeError::Start(e)));
                    return Ok(());
                }
            };
            runtime.block_on(async move {
                let server = match Server::bind(config).await {
                    Ok(server) => server,
                    Err(e) => {
                        let _ = ready_tx.send(Err(e));
                        return Ok(());
                    }
                };
                let _ = ready_tx.send(Ok((server.local_addr(), server.requests())));
                // Ends on stop() and also when the sender is dropped, so a
                // forgotten server cannot outlive its handle.
                let stopped = server
                    .run(async move {
                        let _ = stop_rx.await;
                    })
                    .await?;
                if stopped.cut_off > 0 {
                    tracing::debug!(
                        "background server: cut off {} connections at the end of its grace period",
                        stopped.cut_off
                    );
                }
                Ok(())
            })
        })
        .map_err(ServeError::Start)?;
    match ready_rx.recv() {
        Ok(Ok((addr, requests))) => Ok(BackgroundServer {
            addr,
            requests,
            stop: Some(stop_tx),
            thread: Some(thread),
        }),
        Ok(Err(e)) => {
            let _ = thread.join();
            Err(e)
        }
        // The thread ended without a word: it panicked, and said so.
        Err(_) => {
            let _ = thread.join();
            Err(ServeError::Start(io::Error::other(
                "the server thread ended before it listened",
            )))
        }
    }
}

impl BackgroundServer {
    /// The address the server listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The server's URL, such as `http://127.0.0.1:8000`: loopback when it
    /// listens on every interface.
    pub fn base_url(&self) -> String {
        let mut addr = self.addr;
        if addr.ip().is_unspecified() {
            addr.set_ip(match addr {
                SocketAddr::V4(_) => std::net::Ipv4Addr::LOCALHOST.into(),
                SocketAddr::V6(_) => std::net::Ipv6Addr::LOCALHOST.into(),
            });
        }
        format!("http://{addr}")
    }

    /// Requests the server has received so far.
    pub fn requests(&self) -> u64 {
        self.requests.get()
    }

    /// Stops accepting, lets requests in flight finish (for at most the
    /// grace period of the server's limits), and joins the server's
    /// thread. Dropping the server does the same.
    pub fn stop(mut self) {
        self.shut_down();
    }

    fn shut_down(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(thread) = self.thread.take() {
            match thread.join() {
                Ok(Ok(())) => {}
                Ok(Err(e)) => tracing::warn!("background server: {e}"),
                // The panic has already been reported on stderr.
                Err(_) => {}
            }
        }
    }
}

impl Drop for BackgroundServer {
    fn drop(&mut self) {
        self.shut_down();
    }
}

impl std::fmt::Debug for BackgroundServer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BackgroundServer")
            .field("addr", &self.addr)
            .finish_non_exhaustive()
    }
}
