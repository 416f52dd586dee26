//! What each route answers, in swapi's shape: the root listing the
//! resources, a paged and searchable list, one record, and swapi's JSON
//! errors (`{"detail": "Not found"}` and the like). Links are absolute,
//! under the host the client asked for, as swapi (Django) writes them.
//!
//! Every answer's body is whole before it is sent (`Full`): a record is
//! a few hundred bytes, a page ten records.

use std::borrow::Cow;
use std::net::SocketAddr;
use std::sync::Arc;

use http_body_util::Full;
use hyper::body::Bytes;
use hyper::header::{self, HeaderMap, HeaderValue};
use hyper::{Method, Response, StatusCode};
use serde::{Deserialize, Serialize};

use super::bodies::Bodies;
use super::middleware::Chaos;
use super::{RequestCount, RequestLog, ServerConfig};
use crate::people::data::{Dataset, Record, Resource, PAGE_SIZE};

/// An answer, as every route gives it.
pub(super) type Answer = Response<Full<Bytes>>;

/// What every answer shares.
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
    fn base_url(&self, host: &LinkHost<'_>) -> String {
        match host.as_str() {
            Some(host) => format!("http://{host}"),
            None => self.own_base.clone(),
        }
    }
}

/// The request's `Host`, when it is one to put in links (see
/// [`AppState::base_url`]): borrowed from the request while it is
/// answered at once, kept (`'static`) by an answer that waits.
pub(super) struct LinkHost<'a>(Option<Cow<'a, HeaderValue>>);

impl<'a> LinkHost<'a> {
    /// The `Host` among `headers`, if it is a plain `host[:port]`.
    pub(super) fn of(headers: &'a HeaderMap) -> LinkHost<'a> {
        let host = headers
            .get(header::HOST)
            .filter(|h| h.to_str().is_ok_and(is_host));
        LinkHost(host.map(Cow::Borrowed))
    }

    /// The same host, kept beyond the request.
    pub(super) fn into_owned(self) -> LinkHost<'static> {
        LinkHost(self.0.map(|host| Cow::Owned(host.into_owned())))
    }

    fn as_str(&self) -> Option<&str> {
        self.0.as_ref().and_then(|h| h.to_str().ok())
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

/// An answer with `body` of this content type.
fn answer(status: StatusCode, content_type: &'static str, body: Bytes) -> Answer {
    let mut response = Response::new(Full::new(body));
    *response.status_mut() = status;
    response
        .headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    response
}

/// A JSON answer; anything the server builds serialises.
fn json(status: StatusCode, value: &impl Serialize) -> Answer {
    let body = serde_json::to_vec(value).unwrap_or_default();
    answer(status, "application/json", Bytes::from(body))
}

/// The health check's answer.
pub(super) fn healthy() -> Answer {
    answer(
        StatusCode::OK,
        "text/plain; charset=utf-8",
        Bytes::from_static(b"ok"),
    )
}

/// An error response with swapi's `{"detail": ...}` body.
pub(super) fn detail(status: StatusCode, message: &str) -> Answer {
    json(status, &serde_json::json!({ "detail": message }))
}

/// swapi's answer to anything it does not have.
pub(super) fn not_found() -> Answer {
    detail(StatusCode::NOT_FOUND, "Not found")
}

/// swapi's answer to a `page` that is not a page of the list.
pub(super) fn invalid_page() -> Answer {
    detail(StatusCode::NOT_FOUND, "Invalid page.")
}

/// swapi's (Django REST framework's) answer to a method a path has not:
/// every path answers GET and HEAD, and `OPTIONS` is a CORS preflight.
pub(super) fn method_not_allowed(method: &Method) -> Answer {
    let message = format!("Method \"{method}\" not allowed.");
    let mut response = detail(StatusCode::METHOD_NOT_ALLOWED, &message);
    response
        .headers_mut()
        .insert(header::ALLOW, HeaderValue::from_static("GET,HEAD"));
    response
}

/// swapi's root: the URL of each resource's list, by name.
pub(super) fn root(state: &AppState, host: &LinkHost<'_>) -> Answer {
    let base = state.base_url(host);
    let links: serde_json::Map<String, serde_json::Value> = Resource::ALL
        .into_iter()
        .map(|r| (r.path().to_string(), r.list_url(&base).into()))
        .collect();
    json(StatusCode::OK, &links)
}

/// An id as swapi's URLs take it: digits only (no sign, no spaces).
pub(super) fn parse_id(text: &str) -> Option<u64> {
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse().ok()
}

/// The record of `resource` with this id, or swapi's 404 when there is
/// none (or the path's id was not a number). Its JSON is rendered once per
/// host (see `bodies`).
pub(super) fn one(
    state: &AppState,
    resource: Resource,
    id: Option<u64>,
    host: &LinkHost<'_>,
) -> Answer {
    let Some(id) = id else {
        return not_found();
    };
    let render = || {
        let record = state.dataset.render(resource, id, &state.base_url(host))?;
        // A record, all text keys, always serialises.
        serde_json::to_vec(&record).ok().map(Bytes::from)
    };
    let key = host.as_str().unwrap_or("");
    match state.bodies.get_or_render(resource, id, key, render) {
        Some(body) => answer(StatusCode::OK, "application/json", body),
        None => not_found(),
    }
}

/// The query of a list; both are text so that a bad page is swapi's
/// 404 rather than a 400.
#[derive(Deserialize)]
struct ListQuery {
    page: Option<String>,
    search: Option<String>,
}

/// A list's page as the query asks for it, before it is looked up.
pub(super) struct PageAsked {
    page: u64,
    skip: u64,
    search: String,
}

impl PageAsked {
    /// The page a query asks for; none for a query that cannot be read or
    /// a page that is not a positive number (or too far to count to),
    /// which swapi answers with [`invalid_page`].
    pub(super) fn of(query: Option<&str>) -> Option<PageAsked> {
        let query = serde_urlencoded::from_str::<ListQuery>(query.unwrap_or("")).ok()?;
        let page = match query.page.as_deref() {
            None => 1,
            Some(text) => parse_id(text).filter(|&page| page >= 1)?,
        };
        let skip = (page - 1).checked_mul(PAGE_SIZE as u64)?;
        Some(PageAsked {
            page,
            skip,
            search: query.search.unwrap_or_default(),
        })
    }

    /// Whether finding the page scans the whole data set: a search over a
    /// load test's million generated people scans a million names,
    /// milliseconds of CPU, which belong on the blocking pool rather than
    /// on a worker that other requests are waiting for.
    pub(super) fn scans(&self, resource: Resource) -> bool {
        !self.search.is_empty() && resource == Resource::People
    }
}

/// A page of a list, in swapi's shape.
#[derive(Serialize)]
struct Page {
    count: u64,
    next: Option<String>,
    previous: Option<String>,
    results: Vec<Record>,
}

/// The page of `resource` asked for, found in the data set here.
pub(super) fn list(
    state: &AppState,
    resource: Resource,
    asked: &PageAsked,
    host: &LinkHost<'_>,
) -> Answer {
    let listing = state
        .dataset
        .list_of(resource, &asked.search, asked.skip, PAGE_SIZE);
    page(state, resource, asked, listing, host)
}

/// The page of `resource` asked for, found on the blocking pool (see
/// [`PageAsked::scans`]).
pub(super) async fn list_scanning(
    state: Arc<AppState>,
    resource: Resource,
    asked: PageAsked,
    host: LinkHost<'static>,
) -> Answer {
    let dataset = state.dataset.clone();
    let (text, skip) = (asked.search.clone(), asked.skip);
    match tokio::task::spawn_blocking(move || dataset.list_of(resource, &text, skip, PAGE_SIZE))
        .await
    {
        Ok(listing) => page(&state, resource, &asked, listing, &host),
        Err(_) => detail(StatusCode::INTERNAL_SERVER_ERROR, "The search failed"),
    }
}

/// The page, with links to its neighbours.
fn page(
    state: &AppState,
    resource: Resource,
    asked: &PageAsked,
    listing: crate::people::data::Listing,
    host: &LinkHost<'_>,
) -> Answer {
    let (page, search) = (asked.page, &asked.search);
    // swapi answers an empty first page, but no page past the last.
    if page > 1 && listing.ids.is_empty() {
        return invalid_page();
    }
    let base = state.base_url(host);
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
    let shown = asked.skip + listing.ids.len() as u64;
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
    json(StatusCode::OK, &body)
}
