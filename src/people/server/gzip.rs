//! Answers gzipped for clients that ask (`Accept-Encoding: gzip`), by
//! tower-http's compression: its negotiation, its choice of what is worth
//! compressing, its headers.
//!
//! A request that names no encoding cannot be answered compressed, so it
//! skips the compression service, whose wrapping of every answer cost
//! 0.5 µs a request under load (measured, `benches/serve_nginx.sh`). Its
//! answer still gets the `Vary: accept-encoding` that tower-http would
//! have added, by tower-http's own rule, so that a cache keeps it apart
//! from a compressed one.

use std::task::{Context, Poll};

use futures::future::{Either, MapOk, TryFutureExt};
use http_body_util::Full;
use hyper::body::Bytes;
use hyper::header::{self, HeaderValue};
use hyper::{Request, Response};
use tower::Service;
use tower_http::compression::predicate::{DefaultPredicate, Predicate};
use tower_http::compression::{Compression, CompressionBody};

/// An answer's body: as the route gave it, or through the compression.
pub(super) type Gzipped = http_body_util::Either<Full<Bytes>, CompressionBody<Full<Bytes>>>;

/// Sends requests that name an encoding through tower-http's
/// compression, and the others straight to the routes.
#[derive(Clone)]
pub(super) struct GzipWhenAsked<S> {
    plain: S,
    compressed: Compression<S>,
}

impl<S: Clone> GzipWhenAsked<S> {
    /// `routes`, gzipped when asked.
    pub(super) fn new(routes: S) -> GzipWhenAsked<S> {
        GzipWhenAsked {
            plain: routes.clone(),
            compressed: Compression::new(routes).gzip(true),
        }
    }
}

type Plain<F> = MapOk<F, fn(Response<Full<Bytes>>) -> Response<Gzipped>>;
type Compressed<F> = MapOk<F, fn(Response<CompressionBody<Full<Bytes>>>) -> Response<Gzipped>>;

impl<S, B> Service<Request<B>> for GzipWhenAsked<S>
where
    S: Service<Request<B>, Response = Response<Full<Bytes>>>,
{
    type Response = Response<Gzipped>;
    type Error = S::Error;
    type Future =
        Either<Plain<S::Future>, Compressed<<Compression<S> as Service<Request<B>>>::Future>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), S::Error>> {
        // Both are the same routes, always ready.
        match self.plain.poll_ready(cx) {
            Poll::Ready(Ok(())) => self.compressed.poll_ready(cx),
            other => other,
        }
    }

    fn call(&mut self, request: Request<B>) -> Self::Future {
        if request.headers().contains_key(header::ACCEPT_ENCODING) {
            let compressed = compressed as fn(_) -> _;
            return Either::Right(self.compressed.call(request).map_ok(compressed));
        }
        Either::Left(self.plain.call(request).map_ok(plain as fn(_) -> _))
    }
}

/// An answer to a request that named no encoding: as it is, with the
/// `Vary` tower-http gives an answer it would compress for a client that
/// asked.
fn plain(mut response: Response<Full<Bytes>>) -> Response<Gzipped> {
    if DefaultPredicate::new().should_compress(&response) {
        response.headers_mut().append(
            header::VARY,
            HeaderValue::from_static(header::ACCEPT_ENCODING.as_str()),
        );
    }
    response.map(http_body_util::Either::Left)
}

fn compressed(response: Response<CompressionBody<Full<Bytes>>>) -> Response<Gzipped> {
    response.map(http_body_util::Either::Right)
}

#[cfg(test)]
mod tests {
    use std::convert::Infallible;

    use futures::future::{poll_fn, ready, Ready};
    use hyper::header::HeaderMap;

    use super::*;

    /// A route answering with a body of this type and size.
    #[derive(Clone)]
    struct Route(&'static str, usize);

    impl Service<Request<()>> for Route {
        type Response = Response<Full<Bytes>>;
        type Error = Infallible;
        type Future = Ready<Result<Response<Full<Bytes>>, Infallible>>;

        fn poll_ready(&mut self, _: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
            Poll::Ready(Ok(()))
        }

        fn call(&mut self, _: Request<()>) -> Self::Future {
            let mut response = Response::new(Full::new(Bytes::from(vec![b'x'; self.1])));
            response
                .headers_mut()
                .insert(header::CONTENT_TYPE, HeaderValue::from_static(self.0));
            ready(Ok(response))
        }
    }

    async fn headers<S, B>(mut service: S, request: Request<()>) -> HeaderMap
    where
        S: Service<Request<()>, Response = Response<B>, Error = Infallible>,
    {
        let Ok(()) = poll_fn(|cx| service.poll_ready(cx)).await;
        let Ok(response) = service.call(request).await;
        response.headers().clone()
    }

    #[tokio::test]
    async fn an_answer_not_asked_for_gzip_has_the_headers_tower_http_gives_it() {
        let routes = [
            Route("application/json", 379),
            Route("application/json", 22),
            Route("text/plain; charset=utf-8", 2),
            Route("image/png", 4096),
            Route("application/json", 0),
        ];
        for route in routes {
            let ours = headers(GzipWhenAsked::new(route.clone()), Request::new(())).await;
            let theirs = headers(Compression::new(route.clone()), Request::new(())).await;
            assert_eq!(ours, theirs, "{} of {} bytes", route.0, route.1);
        }
    }

    #[tokio::test]
    async fn an_answer_asked_for_gzip_is_tower_https() {
        let asked = || {
            Request::get("/")
                .header(header::ACCEPT_ENCODING, "gzip")
                .body(())
                .unwrap()
        };
        let route = Route("application/json", 379);
        let ours = headers(GzipWhenAsked::new(route.clone()), asked()).await;
        let theirs = headers(Compression::new(route).gzip(true), asked()).await;
        assert_eq!(ours["content-encoding"], "gzip");
        assert_eq!(ours, theirs);
    }
}
