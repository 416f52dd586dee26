//! The routes, in swapi's shape: the root `/api/` listing the resources;
//! for each of them (people, planets, films, species, vehicles,
//! starships) a paged and searchable list such as `/api/people/` and one
//! record such as `/api/people/{id}/`; and `/healthz`.
//!
//! Paths are accepted with and without swapi's trailing slash. Every
//! miss (unknown id, non-numeric id, unknown path) is swapi's 404
//! `{"detail": "Not found"}`, a bad or past-the-end `page` its 404
//! `{"detail": "Invalid page."}`, a method other than GET, HEAD or a CORS
//! preflight its 405 `{"detail": "Method \"POST\" not allowed."}`: every
//! error is JSON. The API's routes answer after the delay and with the
//! failures of the server's settings; the health check and misses at once.
//!
//! A handful of fixed paths is a `match`, not a router: axum's router, its
//! extractors and its boxed services cost 1.2 to 1.4 µs a request,
//! measured on their own (`examples/serve_floor.rs`), a fifth of what
//! `serve` spent on a request under load; the `match` costs next to
//! nothing. The layers around the routes
//! are in [`app`].

use std::borrow::Cow;
use std::convert::Infallible;
use std::sync::Arc;
use std::task::{Context, Poll};

use futures::future::{BoxFuture, Either, Ready};
use hyper::{Method, Request, StatusCode, Uri};
use tower::{Layer, Service};

use super::answers::{self, Answer, AppState, LinkHost, PageAsked};
use super::cors::{Cors, CorsLayer};
use super::gzip::{GzipWhenAsked, Gzipped};
use super::middleware::{CountAndLog, CountAndLogLayer, Draw};
use crate::people::data::Resource;

/// What a request's path names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Route {
    /// `/healthz`.
    Health,
    /// `/api/`.
    Root,
    /// `/api/{resource}/`.
    List(Resource),
    /// `/api/{resource}/{id}/`, with the id if it is one.
    One(Resource, Option<u64>),
    /// Anything else.
    Miss,
}

/// The route of `path`.
fn route(path: &str) -> Route {
    if path == "/healthz" {
        return Route::Health;
    }
    let Some(rest) = path.strip_prefix("/api") else {
        return Route::Miss;
    };
    // swapi's trailing slash, if there is one.
    let rest = rest.strip_suffix('/').unwrap_or(rest);
    if rest.is_empty() {
        return Route::Root;
    }
    let Some(rest) = rest.strip_prefix('/') else {
        return Route::Miss;
    };
    let (name, id) = match rest.split_once('/') {
        None => (rest, None),
        Some((name, id)) => (name, Some(id)),
    };
    let Some(resource) = Resource::ALL.into_iter().find(|r| r.path() == name) else {
        return Route::Miss;
    };
    match id {
        None => Route::List(resource),
        Some(id) if !id.contains('/') => Route::One(resource, path_id(id)),
        Some(_) => Route::Miss,
    }
}

/// The id in a path's segment, percent-decoded (`%31` is `1`), if it is
/// one.
fn path_id(segment: &str) -> Option<u64> {
    let text: Cow<str> = percent_encoding::percent_decode_str(segment)
        .decode_utf8()
        .ok()?;
    answers::parse_id(&text)
}

/// The application as hyper serves it: the routes inside their layers.
pub(super) type App = CountAndLog<GzipWhenAsked<Cors<Routes>>>;

/// What [`App`] answers.
pub(super) type AppResponse = hyper::Response<Gzipped>;

/// The application: the API behind its delay and failures, `/healthz`
/// beside it, every answer open to browsers of any origin and gzipped
/// when asked, and every request counted and, if asked, logged.
pub(super) fn app(state: Arc<AppState>) -> App {
    // swapi lets any page read it, and so may a teacher's page read this
    // server: `*` for any origin, and preflights answered here, before the
    // delay and the failures, which are the API's and not the browser's.
    let routes = CorsLayer.layer(Routes {
        state: state.clone(),
    });
    CountAndLogLayer::new(state).layer(GzipWhenAsked::new(routes))
}

/// Answers each request by its route.
#[derive(Clone)]
pub(super) struct Routes {
    state: Arc<AppState>,
}

/// An answer ready at once, or one that waits (the delay, a search on the
/// blocking pool).
type Answering =
    Either<Ready<Result<Answer, Infallible>>, BoxFuture<'static, Result<Answer, Infallible>>>;

impl<B> Service<Request<B>> for Routes {
    type Response = Answer;
    type Error = Infallible;
    type Future = Answering;

    fn poll_ready(&mut self, _: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, request: Request<B>) -> Answering {
        let route = route(request.uri().path());
        let method = request.method();
        match route {
            Route::Miss => now(answers::not_found()),
            Route::Health if reads(method) => now(answers::healthy()),
            Route::Health => now(answers::method_not_allowed(method)),
            api => {
                let draw = self.state.chaos.draw();
                let host = LinkHost::of(request.headers());
                if draw.wait.is_zero() && draw.failure.is_none() {
                    let query = request.uri().query();
                    return answer(&self.state, api, method, query, host);
                }
                let asked = Asked {
                    route: api,
                    method: method.clone(),
                    uri: request.uri().clone(),
                    host: host.into_owned(),
                };
                self.later(draw, asked)
            }
        }
    }
}

/// What an API answer needs of its request, kept while it waits.
struct Asked {
    route: Route,
    method: Method,
    uri: Uri,
    host: LinkHost<'static>,
}

impl Routes {
    /// An API route's answer after the delay, or the failure the request
    /// drew. (A request with neither is answered at once, with nothing
    /// kept or allocated on the way.)
    fn later(&self, draw: Draw, asked: Asked) -> Answering {
        let state = self.state.clone();
        Either::Right(Box::pin(async move {
            if !draw.wait.is_zero() {
                // The lesson of the article: a timer, not a blocked thread.
                // Other requests are served while this one waits.
                tokio::time::sleep(draw.wait).await;
            }
            match draw.failure {
                Some(StatusCode::SERVICE_UNAVAILABLE) => Ok(answers::detail(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "Service unavailable (simulated: --fail-rate)",
                )),
                Some(status) => Ok(answers::detail(
                    status,
                    "Internal server error (simulated: --fail-rate)",
                )),
                None => {
                    let query = asked.uri.query();
                    answer(&state, asked.route, &asked.method, query, asked.host).await
                }
            }
        }))
    }
}

/// An API route's own answer.
fn answer(
    state: &Arc<AppState>,
    route: Route,
    method: &Method,
    query: Option<&str>,
    host: LinkHost<'_>,
) -> Answering {
    if !reads(method) {
        return now(answers::method_not_allowed(method));
    }
    match route {
        Route::Root => now(answers::root(state, &host)),
        Route::One(resource, id) => now(answers::one(state, resource, id, &host)),
        Route::List(resource) => match PageAsked::of(query) {
            None => now(answers::invalid_page()),
            Some(page) if page.scans(resource) => {
                let (state, host) = (state.clone(), host.into_owned());
                Either::Right(Box::pin(async move {
                    Ok(answers::list_scanning(state, resource, page, host).await)
                }))
            }
            Some(page) => now(answers::list(state, resource, &page, &host)),
        },
        Route::Health | Route::Miss => now(answers::not_found()),
    }
}

/// Whether the routes answer `method`: GET and HEAD (OPTIONS is the
/// CORS layer's), any other is swapi's 405.
fn reads(method: &Method) -> bool {
    method == Method::GET || method == Method::HEAD
}

fn now(answer: Answer) -> Answering {
    Either::Left(futures::future::ready(Ok(answer)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_take_swapis_trailing_slash_or_not() {
        let people = Resource::People;
        for (path, expected) in [
            ("/healthz", Route::Health),
            ("/healthz/", Route::Miss),
            ("/api", Route::Root),
            ("/api/", Route::Root),
            ("/api//", Route::Miss),
            ("/apix", Route::Miss),
            ("/", Route::Miss),
            ("/api/people", Route::List(people)),
            ("/api/people/", Route::List(people)),
            ("/api/planets/", Route::List(Resource::Planets)),
            ("/api/people/1", Route::One(people, Some(1))),
            ("/api/people/1/", Route::One(people, Some(1))),
            ("/api/people/%31/", Route::One(people, Some(1))),
            ("/api/people/01/", Route::One(people, Some(1))),
            ("/api/people//", Route::One(people, None)),
            ("/api/people/+1/", Route::One(people, None)),
            ("/api/people/abc/", Route::One(people, None)),
            ("/api/people/%FF/", Route::One(people, None)),
            (
                "/api/people/99999999999999999999999/",
                Route::One(people, None),
            ),
            ("/api/people/1//", Route::Miss),
            ("/api/people/1/x/", Route::Miss),
            ("/api/nothing/", Route::Miss),
            ("/api/People/1/", Route::Miss),
            ("/API/people/1/", Route::Miss),
        ] {
            assert_eq!(route(path), expected, "{path}");
        }
    }
}
