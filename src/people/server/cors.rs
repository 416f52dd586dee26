//! swapi's CORS answers, which let a page from any origin read the API:
//! `Access-Control-Allow-Origin: *` on every answer, and every `OPTIONS`
//! request answered at once, before the routes, as a preflight that
//! allows GET, HEAD and OPTIONS with any header, for a day.
//!
//! tower-http's `CorsLayer` gives these headers too (the tests below hold
//! the two to the same answers), but it builds them on every request: a
//! header map, its `Vary` line joined anew, a copy of its settings. Here
//! they are constants, and an answer costs two header insertions.

use std::task::{Context, Poll};

use futures::future::{Either, MapOk, Ready, TryFutureExt};
use hyper::header::{self, HeaderValue};
use hyper::{Method, Request, Response, StatusCode};
use tower::{Layer, Service};

/// How long a browser may keep a preflight's answer: a day, as swapi's
/// CORS settings say.
const PREFLIGHT_MAX_AGE: &str = "86400";
/// The request headers an answer depends on, for caches.
const VARY: &str = "origin, access-control-request-method, access-control-request-headers";
/// What a preflight allows.
const ALLOW_METHODS: &str = "GET,HEAD,OPTIONS";

/// Makes [`Cors`] services.
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct CorsLayer;

impl<S> Layer<S> for CorsLayer {
    type Service = Cors<S>;

    fn layer(&self, inner: S) -> Cors<S> {
        Cors { inner }
    }
}

/// Answers preflights, and opens every other answer to any origin.
#[derive(Debug, Clone)]
pub(super) struct Cors<S> {
    inner: S,
}

type Opened<F, B> = MapOk<F, fn(Response<B>) -> Response<B>>;

impl<S, ReqBody, ResBody> Service<Request<ReqBody>> for Cors<S>
where
    S: Service<Request<ReqBody>, Response = Response<ResBody>>,
    ResBody: Default,
{
    type Response = Response<ResBody>;
    type Error = S::Error;
    type Future = Either<Opened<S::Future, ResBody>, Ready<Result<Response<ResBody>, S::Error>>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), S::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: Request<ReqBody>) -> Self::Future {
        if request.method() == Method::OPTIONS {
            return Either::Right(futures::future::ready(Ok(preflight())));
        }
        Either::Left(self.inner.call(request).map_ok(open as fn(_) -> _))
    }
}

/// Any `OPTIONS` request's answer, as tower-http gives it.
fn preflight<B: Default>() -> Response<B> {
    let mut response = Response::new(B::default());
    *response.status_mut() = StatusCode::OK;
    let headers = response.headers_mut();
    headers.insert(header::VARY, HeaderValue::from_static(VARY));
    headers.insert(
        header::ACCESS_CONTROL_ALLOW_METHODS,
        HeaderValue::from_static(ALLOW_METHODS),
    );
    headers.insert(
        header::ACCESS_CONTROL_ALLOW_HEADERS,
        HeaderValue::from_static("*"),
    );
    headers.insert(
        header::ACCESS_CONTROL_MAX_AGE,
        HeaderValue::from_static(PREFLIGHT_MAX_AGE),
    );
    headers.insert(
        header::ACCESS_CONTROL_ALLOW_ORIGIN,
        HeaderValue::from_static("*"),
    );
    response
}

/// Opens an answer to any origin, keeping its own `Vary` values.
fn open<B>(mut response: Response<B>) -> Response<B> {
    let headers = response.headers_mut();
    headers.append(header::VARY, HeaderValue::from_static(VARY));
    headers.insert(
        header::ACCESS_CONTROL_ALLOW_ORIGIN,
        HeaderValue::from_static("*"),
    );
    response
}

#[cfg(test)]
mod tests {
    use std::convert::Infallible;
    use std::time::Duration;

    use futures::future::poll_fn;
    use tower_http::cors as reference;

    use super::*;

    /// A route's answer, with a `Vary` of its own.
    #[derive(Clone)]
    struct Route;

    impl Service<Request<()>> for Route {
        type Response = Response<String>;
        type Error = Infallible;
        type Future = Ready<Result<Response<String>, Infallible>>;

        fn poll_ready(&mut self, _: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
            Poll::Ready(Ok(()))
        }

        fn call(&mut self, _: Request<()>) -> Self::Future {
            let mut response = Response::new("answer".to_string());
            response
                .headers_mut()
                .insert(header::VARY, HeaderValue::from_static("accept-encoding"));
            futures::future::ready(Ok(response))
        }
    }

    /// Status, headers in order, and body.
    async fn answer<S>(
        mut service: S,
        request: Request<()>,
    ) -> (StatusCode, Vec<(String, String)>, String)
    where
        S: Service<Request<()>, Response = Response<String>, Error = Infallible>,
    {
        let Ok(()) = poll_fn(|cx| service.poll_ready(cx)).await;
        let Ok(response) = service.call(request).await;
        let headers = response
            .headers()
            .iter()
            .map(|(name, value)| (name.to_string(), value.to_str().unwrap().to_string()))
            .collect();
        (response.status(), headers, response.into_body())
    }

    #[tokio::test]
    async fn the_answers_are_tower_https_for_swapis_settings() {
        let tower_http = reference::CorsLayer::new()
            .allow_origin(reference::Any)
            .allow_methods([Method::GET, Method::HEAD, Method::OPTIONS])
            .allow_headers(reference::Any)
            .max_age(Duration::from_secs(PREFLIGHT_MAX_AGE.parse().unwrap()));
        let requests = [
            Request::get("/api/people/1/").body(()),
            Request::get("/api/")
                .header("origin", "http://page.example")
                .body(()),
            Request::head("/api/")
                .header("origin", "http://page.example")
                .body(()),
            Request::options("/api/people/1/")
                .header("origin", "http://page.example")
                .header("access-control-request-method", "GET")
                .header("access-control-request-headers", "x-lesson")
                .body(()),
            Request::options("/api/").body(()),
        ];
        for request in requests {
            let request = request.unwrap();
            let copy = || {
                let mut copy = Request::new(());
                *copy.method_mut() = request.method().clone();
                *copy.uri_mut() = request.uri().clone();
                *copy.headers_mut() = request.headers().clone();
                copy
            };
            let ours = answer(CorsLayer.layer(Route), copy()).await;
            let theirs = answer(tower_http.layer(Route), copy()).await;
            assert_eq!(ours, theirs, "{} {}", request.method(), request.uri());
        }
    }
}
