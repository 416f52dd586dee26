//! The routes, in swapi's shape: `/api/people/{id}/`, the paged and
//! searchable `/api/people/`, `/api/planets/{id}/`, and `/healthz`.
//!
//! Paths are accepted with and without swapi's trailing slash. Every
//! miss (unknown id, non-numeric id, a page past the end) is swapi's 404
//! `{"detail": "Not found"}`. Links are absolute, under the host the client
//! asked for, as swapi (Django) writes them.

use std::net::SocketAddr;
use std::sync::Arc;

use axum::extract::rejection::{PathRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::middleware::from_fn_with_state;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde::{Deserialize, Serialize};

use super::middleware::{self, Chaos};
use super::{RequestCount, RequestLog, ServerConfig};
use crate::people::data::{Dataset, Person, PAGE_SIZE};

/// What every handler shares.
pub(super) struct AppState {
    pub(super) dataset: Arc<Dataset>,
    /// `http://` and the listening address, for clients that send no
    /// usable `Host`.
    pub(super) own_base: String,
    pub(super) chaos: Chaos,
    pub(super) log: RequestLog,
    pub(super) requests: RequestCount,
}

impl AppState {
    pub(super) fn new(config: ServerConfig, local_addr: SocketAddr) -> AppState {
        AppState {
            dataset: config.dataset,
            own_base: format!("http://{local_addr}"),
            chaos: Chaos::new(config.delay, config.jitter, config.fail_rate, config.seed),
            log: config.request_log,
            requests: RequestCount::default(),
        }
    }

    /// The base of the links in a response: the host the client asked for,
    /// so that links work through whatever address reached us (a server
    /// on 0.0.0.0 has no single address of its own).
    fn base_url(&self, headers: &HeaderMap) -> String {
        let host = headers
            .get(header::HOST)
            .and_then(|h| h.to_str().ok())
            .filter(|h| is_host(h));
        match host {
            Some(host) => format!("http://{host}"),
            None => self.own_base.clone(),
        }
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

/// The application: the API behind its delay and failures, `/healthz`
/// beside it, and every request counted and, if asked, logged.
pub(super) fn router(state: Arc<AppState>) -> Router {
    let api = Router::new()
        .route("/people/", get(people))
        .route("/people", get(people))
        .route("/people/{id}/", get(person))
        .route("/people/{id}", get(person))
        .route("/planets/{id}/", get(planet))
        .route("/planets/{id}", get(planet))
        .fallback(not_found)
        .layer(from_fn_with_state(
            state.clone(),
            middleware::delay_and_fail,
        ));
    Router::new()
        // Health checks must answer at once, whatever the chaos settings.
        .route("/healthz", get(|| async { "ok" }))
        .nest("/api", api)
        .fallback(not_found)
        .layer(from_fn_with_state(state.clone(), middleware::count_and_log))
        .with_state(state)
}

/// swapi's answer to anything it does not have.
pub(super) async fn not_found() -> Response {
    detail(StatusCode::NOT_FOUND, "Not found")
}

/// An error response with swapi's `{"detail": ...}` body.
pub(super) fn detail(status: StatusCode, message: &str) -> Response {
    (status, Json(serde_json::json!({ "detail": message }))).into_response()
}

/// An id as swapi's URLs take it: digits only (no sign, no spaces).
fn parse_id(text: &str) -> Option<u64> {
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse().ok()
}

async fn person(
    State(state): Shared,
    id: Result<Path<String>, PathRejection>,
    headers: HeaderMap,
) -> Response {
    let base = state.base_url(&headers);
    one(id, |id| state.dataset.person(id, &base)).await
}

async fn planet(
    State(state): Shared,
    id: Result<Path<String>, PathRejection>,
    headers: HeaderMap,
) -> Response {
    let base = state.base_url(&headers);
    one(id, |id| state.dataset.planet(id, &base)).await
}

/// The resource whose id is in the path, or swapi's 404 when the id is
/// not a number or names nobody.
async fn one<T: Serialize>(
    id: Result<Path<String>, PathRejection>,
    lookup: impl FnOnce(u64) -> Option<T>,
) -> Response {
    match id.ok().and_then(|Path(id)| parse_id(&id)).and_then(lookup) {
        Some(found) => Json(found).into_response(),
        None => not_found().await,
    }
}

/// The query of `/api/people/`; both are text so that a bad page is
/// swapi's 404 rather than a 400 from the extractor.
#[derive(Deserialize)]
struct ListQuery {
    page: Option<String>,
    search: Option<String>,
}

/// A page of `/api/people/`, in swapi's shape.
#[derive(Serialize)]
struct Page {
    count: u64,
    next: Option<String>,
    previous: Option<String>,
    results: Vec<Person>,
}

async fn people(
    State(state): Shared,
    query: Result<Query<ListQuery>, QueryRejection>,
    headers: HeaderMap,
) -> Response {
    let Ok(Query(query)) = query else {
        return not_found().await;
    };
    let page = match query.page.as_deref() {
        None => 1,
        Some(text) => match parse_id(text) {
            Some(page) if page >= 1 => page,
            _ => return not_found().await,
        },
    };
    let Some(skip) = (page - 1).checked_mul(PAGE_SIZE as u64) else {
        return not_found().await;
    };
    let search = query.search.unwrap_or_default();
    let listing = if search.is_empty() {
        state.dataset.list("", skip, PAGE_SIZE)
    } else {
        // A search over the built-in data scans a million generated
        // names: milliseconds of CPU, which belong on the blocking pool
        // rather than on a worker that other requests are waiting for.
        let dataset = state.dataset.clone();
        let text = search.clone();
        match tokio::task::spawn_blocking(move || dataset.list(&text, skip, PAGE_SIZE)).await {
            Ok(listing) => listing,
            Err(_) => return detail(StatusCode::INTERNAL_SERVER_ERROR, "The search failed"),
        }
    };
    // swapi answers an empty first page, but no page past the last.
    if page > 1 && listing.ids.is_empty() {
        return not_found().await;
    }
    let base = state.base_url(&headers);
    let link = |page: u64| {
        let mut url = format!("{base}/api/people/?");
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
            .filter_map(|&id| state.dataset.person(id, &base))
            .collect(),
    };
    Json(body).into_response()
}
