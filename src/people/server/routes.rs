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
//! error is JSON. Links are absolute, under the host the client asked
//! for, as swapi (Django) writes them.
//!
//! Browsers may call the API from any page, as swapi's CORS headers let
//! them; and answers are gzipped for clients that ask for it.

use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::Arc;

use axum::body::{Body, Bytes};
use axum::extract::rejection::{PathRejection, QueryRejection};
use axum::extract::{FromRequestParts, Path, Query, State};
use axum::http::request::Parts;
use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use tower::ServiceBuilder;
use tower_http::compression::{Compression, CompressionBody, CompressionLayer};

use super::bodies::Bodies;
use super::cors::{Cors, CorsLayer};
use super::middleware::{Chaos, CountAndLog, CountAndLogLayer, DelayAndFailLayer};
use super::{RequestCount, RequestLog, ServerConfig};
use crate::people::data::{Dataset, Record, Resource, PAGE_SIZE};

/// What every handler shares.
pub(super) struct AppState {
    pub(super) dataset: Arc<Dataset>,
    /// `http://` and the listening address, for clients that send no
    /// usable `Host`.
    pub(super) own_base: String,
    pub(super) chaos: Chaos,
    pub(super) log: RequestLog,
    pub(super) requests: RequestCount,
    /// Single records' JSON, once rendered.
    bodies: Bodies,
}

impl AppState {
    pub(super) fn new(config: ServerConfig, local_addr: SocketAddr) -> AppState {
        AppState {
            dataset: config.dataset,
            own_base: format!("http://{local_addr}"),
            chaos: Chaos::new(config.delay, config.jitter, config.fail_rate, config.seed),
            log: config.request_log,
            requests: RequestCount::default(),
            bodies: Bodies::default(),
        }
    }

    /// The base of the links in a response: the host the client asked for,
    /// so that links work through whatever address reached us (a server
    /// on 0.0.0.0 has no single address of its own).
    fn base_url(&self, host: &LinkHost) -> String {
        match host.as_str() {
            Some(host) => format!("http://{host}"),
            None => self.own_base.clone(),
        }
    }
}

/// The request's `Host`, when it is one to put in links (see
/// [`AppState::base_url`]). Only this header is taken from the request,
/// rather than a copy of them all.
pub(super) struct LinkHost(Option<HeaderValue>);

impl LinkHost {
    fn as_str(&self) -> Option<&str> {
        self.0.as_ref().and_then(|h| h.to_str().ok())
    }
}

impl<S: Send + Sync> FromRequestParts<S> for LinkHost {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<LinkHost, Infallible> {
        let host = parts
            .headers
            .get(header::HOST)
            .filter(|h| h.to_str().is_ok_and(is_host));
        Ok(LinkHost(host.cloned()))
    }
}

/// Whether a `Host` header is a plain `host[:port]`, safe to put in links.
fn is_host(text: &str) -> bool {
    !text.is_empty()
        && text.len() <= 255
        && text
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-.:[]".contains(&b))
}

type Shared = State<Arc<AppState>>;

/// The application as hyper serves it: the routes inside the layers of
/// [`router`].
pub(super) type App = CountAndLog<Cors<Compression<Router>>>;

/// What [`App`] answers.
pub(super) type AppResponse = axum::http::Response<CompressionBody<Body>>;

/// The application: the API behind its delay and failures, `/healthz`
/// beside it, every answer open to browsers of any origin and gzipped
/// when asked, and every request counted and, if asked, logged.
pub(super) fn router(state: Arc<AppState>) -> App {
    // Every path under /api, written out rather than nested: a nested
    // router's "/" would answer /api but not swapi's /api/.
    let mut api = Router::new()
        .route("/api/", get(root))
        .route("/api", get(root));
    for resource in Resource::ALL {
        let list = move |state: Shared, query, host| list(resource, state, query, host);
        let one = move |state: Shared, id, host| one(resource, state, id, host);
        let path = resource.path();
        api = api
            .route(&format!("/api/{path}/"), get(list))
            .route(&format!("/api/{path}"), get(list))
            .route(&format!("/api/{path}/{{id}}/"), get(one))
            .route(&format!("/api/{path}/{{id}}"), get(one));
    }
    let api = api
        // Set after the routes: it applies to those already there.
        .method_not_allowed_fallback(method_not_allowed)
        .route_layer(DelayAndFailLayer::new(state.clone()));
    let routes = Router::new()
        // Health checks must answer at once, whatever the chaos settings.
        .route("/healthz", get(|| async { "ok" }))
        .method_not_allowed_fallback(method_not_allowed)
        .merge(api)
        .fallback(not_found)
        .with_state(state.clone());
    // Around the whole router rather than with `Router::layer`, which
    // wraps every route in each layer and boxes the service and the future
    // of every layer on every request; every request, answered by a route
    // or a fallback, goes through them alike.
    ServiceBuilder::new()
        .layer(CountAndLogLayer::new(state))
        // swapi lets any page read it, and so may a teacher's page read
        // this server: `*` for any origin, and preflights answered here,
        // before the delay and the failures, which are the API's and not
        // the browser's.
        .layer(CorsLayer)
        // Only when the request's Accept-Encoding asks for gzip, and not
        // for bodies too small to gain from it.
        .layer(CompressionLayer::new().gzip(true))
        .service(routes)
}

/// swapi's answer to anything it does not have.
pub(super) async fn not_found() -> Response {
    detail(StatusCode::NOT_FOUND, "Not found")
}

/// swapi's answer to a `page` that is not a page of the list.
fn invalid_page() -> Response {
    detail(StatusCode::NOT_FOUND, "Invalid page.")
}

/// swapi's (Django REST framework's) answer to a method a path has not.
async fn method_not_allowed(method: Method) -> Response {
    let message = format!("Method \"{method}\" not allowed.");
    detail(StatusCode::METHOD_NOT_ALLOWED, &message)
}

/// An error response with swapi's `{"detail": ...}` body.
pub(super) fn detail(status: StatusCode, message: &str) -> Response {
    (status, Json(serde_json::json!({ "detail": message }))).into_response()
}

/// swapi's root: the URL of each resource's list, by name.
async fn root(State(state): Shared, host: LinkHost) -> Response {
    let base = state.base_url(&host);
    let links: serde_json::Map<String, serde_json::Value> = Resource::ALL
        .into_iter()
        .map(|r| (r.path().to_string(), r.list_url(&base).into()))
        .collect();
    Json(links).into_response()
}

/// An id as swapi's URLs take it: digits only (no sign, no spaces).
fn parse_id(text: &str) -> Option<u64> {
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse().ok()
}

/// The record of `resource` whose id is in the path, or swapi's 404 when
/// the id is not a number or names nothing. Its JSON is rendered once per
/// host (see `bodies`).
async fn one(
    resource: Resource,
    State(state): Shared,
    id: Result<Path<String>, PathRejection>,
    host: LinkHost,
) -> Response {
    let Some(id) = id.ok().and_then(|Path(id)| parse_id(&id)) else {
        return not_found().await;
    };
    let render = || {
        let record = state.dataset.render(resource, id, &state.base_url(&host))?;
        // As `Json` writes it; a record, all text keys, always serialises.
        serde_json::to_vec(&record).ok().map(Bytes::from)
    };
    let key = host.as_str().unwrap_or("");
    match state.bodies.get_or_render(resource, id, key, render) {
        // The Content-Type `Json` sets.
        Some(body) => (
            [(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/json"),
            )],
            body,
        )
            .into_response(),
        None => not_found().await,
    }
}

/// The query of a list; both are text so that a bad page is swapi's
/// 404 rather than a 400 from the extractor.
#[derive(Deserialize)]
struct ListQuery {
    page: Option<String>,
    search: Option<String>,
}

/// A page of a list, in swapi's shape.
#[derive(Serialize)]
struct Page {
    count: u64,
    next: Option<String>,
    previous: Option<String>,
    results: Vec<Record>,
}

async fn list(
    resource: Resource,
    State(state): Shared,
    query: Result<Query<ListQuery>, QueryRejection>,
    host: LinkHost,
) -> Response {
    let Ok(Query(query)) = query else {
        return invalid_page();
    };
    let page = match query.page.as_deref() {
        None => 1,
        Some(text) => match parse_id(text) {
            Some(page) if page >= 1 => page,
            _ => return invalid_page(),
        },
    };
    let Some(skip) = (page - 1).checked_mul(PAGE_SIZE as u64) else {
        return invalid_page();
    };
    let search = query.search.unwrap_or_default();
    let listing = if search.is_empty() || resource != Resource::People {
        state.dataset.list_of(resource, &search, skip, PAGE_SIZE)
    } else {
        // A search over a load test's million generated people scans a
        // million names: milliseconds of CPU, which belong on the blocking
        // pool rather than on a worker that other requests are waiting for.
        let dataset = state.dataset.clone();
        let text = search.clone();
        match tokio::task::spawn_blocking(move || dataset.list(&text, skip, PAGE_SIZE)).await {
            Ok(listing) => listing,
            Err(_) => return detail(StatusCode::INTERNAL_SERVER_ERROR, "The search failed"),
        }
    };
    // swapi answers an empty first page, but no page past the last.
    if page > 1 && listing.ids.is_empty() {
        return invalid_page();
    }
    let base = state.base_url(&host);
    let link = |page: u64| {
        let mut url = format!("{}?", resource.list_url(&base));
        if !search.is_empty() {
            url.push_str("search=");
            url.extend(url::form_urlencoded::byte_serialize(search.as_bytes()));
            url.push('&');
        }
        url.push_str(&format!("page={page}"));
        url
    };
    let shown = skip + listing.ids.len() as u64;
    let body = Page {
        count: listing.total,
        next: (shown < listing.total).then(|| link(page + 1)),
        previous: (page > 1).then(|| link(page - 1)),
        results: listing
            .ids
            .iter()
            .filter_map(|&id| state.dataset.render(resource, id, &base))
            .collect(),
    };
    Json(body).into_response()
}
