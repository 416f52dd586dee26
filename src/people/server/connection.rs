//! One connection, from accept to close: hyper speaks HTTP/1.1 on it, and
//! a watchdog beside it closes it when its client is silent or slow.
//!
//! hyper has a single timer, `header_read_timeout`, which runs from the
//! moment a connection is ready for a request until the request's head has
//! arrived. It cannot tell a client that is idle between requests from one
//! that stalls half way through a request line, so it cannot give them
//! different limits; and to hyper's graceful shutdown a connection that
//! never sent a byte is not idle, so shutdown would wait for it. So the
//! connection's socket and service report what happens to an [`Activity`],
//! and the watchdog of `watchdog` holds it to the matching limit.

use std::future::Future;
use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper::service::Service;
use hyper_util::rt::TokioIo;
use hyper_util::service::TowerToHyperService;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::TcpStream;
use tokio::sync::watch;

use super::routes::{App, AppResponse};
use super::watchdog::{watchdog, Activity, Answering, Expired};
use super::Limits;

/// Serves one connection until the client closes it, hyper closes it
/// (after an answer with `Connection: close`, or a malformed request), or
/// the watchdog does. Once `stopping` turns true the answer in progress
/// is finished and the connection closed after it.
pub(super) async fn serve(
    stream: TcpStream,
    peer: SocketAddr,
    app: App,
    limits: Limits,
    mut stopping: watch::Receiver<bool>,
) {
    // As nginx on kept-alive connections: an answer written in pieces
    // (gzip's chunks) is not held back by Nagle's algorithm until the
    // client acknowledges the piece before. Without it, the answer still
    // goes out.
    if let Err(e) = stream.set_nodelay(true) {
        tracing::debug!(target: "mesonero::connections", "{peer}: cannot set TCP_NODELAY: {e}");
    }
    let activity = Arc::new(Activity::new(peer));
    let io = TokioIo::new(Watched {
        stream,
        activity: activity.clone(),
    });
    let service = Tracked {
        inner: TowerToHyperService::new(app),
        activity: activity.clone(),
    };
    let mut builder = http1::Builder::new();
    // The watchdog is this connection's only timer; see the module's doc.
    builder.header_read_timeout(None);
    let connection = builder.serve_connection(io, service);
    tokio::pin!(connection);
    let watchdog = watchdog(&activity, limits, stopping.clone());
    tokio::pin!(watchdog);
    let mut graceful = false;
    loop {
        tokio::select! {
            result = connection.as_mut() => {
                match result {
                    Ok(()) => tracing::debug!(target: "mesonero::connections", "{peer} closed"),
                    Err(e) => tracing::debug!(target: "mesonero::connections", "{peer} closed: {e}"),
                }
                return;
            }
            why = &mut watchdog => {
                let reason = match why {
                    // The watchdog may see the stop before this loop does.
                    Expired::Idle if *stopping.borrow() => "idle when the server stopped".to_string(),
                    Expired::Idle => format!(
                        "idle for {}",
                        humantime::format_duration(limits.idle_timeout)
                    ),
                    Expired::Header => format!(
                        "no complete request head within {}",
                        humantime::format_duration(limits.header_timeout)
                    ),
                };
                tracing::debug!(target: "mesonero::connections", "{peer} closed: {reason}");
                // Returning drops the connection, which closes the socket.
                return;
            }
            _ = stopping.changed(), if !graceful => {
                graceful = true;
                // hyper finishes the answer in progress, says
                // `Connection: close` in it, and then closes.
                connection.as_mut().graceful_shutdown();
            }
        }
    }
}

/// The client's socket, telling the connection's [`Activity`] when bytes
/// arrive.
struct Watched {
    stream: TcpStream,
    activity: Arc<Activity>,
}

impl AsyncRead for Watched {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        let before = buf.filled().len();
        let poll = Pin::new(&mut this.stream).poll_read(cx, buf);
        if matches!(poll, Poll::Ready(Ok(()))) && buf.filled().len() > before {
            this.activity.received();
        }
        poll
    }
}

impl AsyncWrite for Watched {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.get_mut().stream).poll_write(cx, buf)
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.get_mut().stream).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.stream.is_write_vectored()
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().stream).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().stream).poll_shutdown(cx)
    }
}

/// The application, telling the connection's [`Activity`] when a request
/// is being answered.
#[derive(Clone)]
struct Tracked {
    inner: TowerToHyperService<App>,
    activity: Arc<Activity>,
}

type Inner = <TowerToHyperService<App> as Service<hyper::Request<Incoming>>>::Future;

impl Service<hyper::Request<Incoming>> for Tracked {
    type Response = AppResponse;
    type Error = std::convert::Infallible;
    type Future = Answer;

    fn call(&self, request: hyper::Request<Incoming>) -> Answer {
        Answer {
            answering: Some(Answering::start(self.activity.clone())),
            inner: self.inner.call(request),
        }
    }
}

pin_project_lite::pin_project! {
    /// A request's answer; once it is ready, or when it is dropped
    /// unfinished, the request is no longer being answered.
    struct Answer {
        #[pin]
        inner: Inner,
        answering: Option<Answering>,
    }
}

impl Future for Answer {
    type Output = Result<AppResponse, std::convert::Infallible>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.project();
        let response = std::task::ready!(this.inner.poll(cx));
        this.answering.take();
        Poll::Ready(response)
    }
}
