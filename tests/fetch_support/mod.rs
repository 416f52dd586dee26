//! A people API for the `fetch` tests, run inside the test process on
//! 127.0.0.1 port 0, so that a test can count the requests it received
//! and act once enough have arrived, and can misbehave on purpose.
//!
//! - `GET /api/people/{id}/`: a person after the configured delay, of
//!   the configured [`Shape`]; id
//!   1000 an endless chunked body (stopped at 512 MB, so that a client
//!   without a cap cannot eat the machine); ids 2000 to 3000 a person
//!   whose body is exactly `id` bytes.
//! - `GET /api/people/?page=N`: ten people a page, with a `next` link to
//!   page N + 1 until the last page, or forever.

#![allow(dead_code)]

use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::thread;
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use futures::StreamExt;
use serde::Deserialize;

use mesonero::Shutdown;

/// How the API behaves.
#[derive(Clone, Default)]
pub struct Config {
    /// Wait before each person.
    pub delay: Duration,
    /// Wait before each page of the list.
    pub page_delay: Duration,
    /// The last page of the list; `None` for a list that never ends.
    pub last_page: Option<u64>,
    /// The host written in `next` links, instead of 127.0.0.1.
    pub next_host: Option<String>,
    /// What a person looks like.
    pub shape: Shape,
}

/// What the API sends for a person: swapi's, or what other APIs that the
/// article's client would read send.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Shape {
    /// swapi's person.
    #[default]
    Swapi,
    /// `{"url", "name"}` only, as a small aiohttp stand-in would send.
    NameAndUrl,
    /// A `height` that is a number, not swapi's string.
    IntegerHeight,
    /// Fields swapi does not have, nested ones included.
    ExtraFields,
    /// A `name` that is a number: not a person.
    NumericName,
    /// 503, always.
    Unavailable,
}

impl Shape {
    /// The body of person `id`, written by hand so that its keys are not
    /// in alphabetical order (a client that sorts them is caught).
    pub fn body(self, id: u64, port: u16) -> String {
        let url = format!("http://127.0.0.1:{port}/api/people/{id}/");
        match self {
            Shape::Swapi | Shape::Unavailable => {
                person_json(id, &format!("Person {id}")).to_string()
            }
            Shape::NameAndUrl => format!(r#"{{"url":"{url}","name":"Person {id}"}}"#),
            Shape::IntegerHeight => {
                format!(
                    r#"{{"name":"Person {id}","height":{},"mass":"77","url":"{url}"}}"#,
                    150 + id
                )
            }
            Shape::ExtraFields => format!(
                r#"{{"name":"Person {id}","url":"{url}","rank":{id},"ship":{{"z":null,"a":[true,1.5]}},"aka":[]}}"#
            ),
            Shape::NumericName => format!(r#"{{"name":{id},"url":"{url}"}}"#),
        }
    }
}

/// The API, running; stopped when dropped.
pub struct TestApi {
    /// Its base URL, `http://127.0.0.1:PORT/api/`.
    pub api: String,
    /// Its address.
    pub addr: SocketAddr,
    people: Arc<AtomicU64>,
    pages: Arc<AtomicU64>,
    stop: Shutdown,
}

struct Shared {
    config: Config,
    addr: SocketAddr,
    people: Arc<AtomicU64>,
    pages: Arc<AtomicU64>,
}

impl TestApi {
    /// Starts the API on its own thread.
    pub fn start(config: Config) -> TestApi {
        let stop = Shutdown::new();
        let stopped = stop.clone();
        let (people, pages) = (Arc::new(AtomicU64::new(0)), Arc::new(AtomicU64::new(0)));
        let counters = (people.clone(), pages.clone());
        let (tx, rx) = std::sync::mpsc::channel();
        thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            runtime.block_on(async move {
                let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
                let addr = listener.local_addr().unwrap();
                let shared = Arc::new(Shared {
                    config,
                    addr,
                    people: counters.0,
                    pages: counters.1,
                });
                let app = Router::new()
                    .route("/api/people/", get(list))
                    .route("/api/people/{id}/", get(person))
                    .with_state(shared);
                tx.send(addr).unwrap();
                axum::serve(listener, app)
                    .with_graceful_shutdown(async move { stopped.triggered().await })
                    .await
                    .unwrap();
            });
        });
        let addr = rx.recv().unwrap();
        TestApi {
            api: format!("http://{addr}/api/"),
            addr,
            people,
            pages,
            stop,
        }
    }

    /// Requests for people received so far.
    pub fn people_requests(&self) -> u64 {
        self.people.load(Ordering::SeqCst)
    }

    /// Requests for list pages received so far.
    pub fn page_requests(&self) -> u64 {
        self.pages.load(Ordering::SeqCst)
    }
}

impl Drop for TestApi {
    fn drop(&mut self) {
        self.stop.trigger();
    }
}

/// A person as swapi writes one.
pub fn person_json(id: u64, name: &str) -> serde_json::Value {
    serde_json::json!({
        "name": name, "height": "1", "mass": "1", "hair_color": "n/a",
        "skin_color": "n/a", "eye_color": "n/a", "birth_year": "n/a", "gender": "n/a",
        "homeworld": "http://127.0.0.1/api/planets/1/", "created": "", "edited": "",
        "url": format!("http://127.0.0.1/api/people/{id}/"),
    })
}

async fn person(State(shared): State<Arc<Shared>>, Path(id): Path<u64>) -> Response {
    shared.people.fetch_add(1, Ordering::SeqCst);
    tokio::time::sleep(shared.config.delay).await;
    match id {
        1000 => {
            let chunk = Bytes::from(vec![b' '; 64 * 1024]);
            let endless = futures::stream::repeat(chunk)
                .take(8 * 1024)
                .map(Ok::<_, std::io::Error>);
            Body::from_stream(endless).into_response()
        }
        2000..=3000 => {
            let bare = serde_json::to_vec(&person_json(id, "")).unwrap().len();
            let name = "x".repeat(id as usize - bare);
            let body = serde_json::to_vec(&person_json(id, &name)).unwrap();
            assert_eq!(body.len() as u64, id);
            body.into_response()
        }
        _ if shared.config.shape == Shape::Unavailable => {
            axum::http::StatusCode::SERVICE_UNAVAILABLE.into_response()
        }
        _ => (
            [(axum::http::header::CONTENT_TYPE, "application/json")],
            shared.config.shape.body(id, shared.addr.port()),
        )
            .into_response(),
    }
}

#[derive(Deserialize)]
struct PageQuery {
    page: Option<u64>,
}

async fn list(State(shared): State<Arc<Shared>>, Query(query): Query<PageQuery>) -> Response {
    shared.pages.fetch_add(1, Ordering::SeqCst);
    tokio::time::sleep(shared.config.page_delay).await;
    let page = query.page.unwrap_or(1);
    let port = shared.addr.port();
    let host = shared.config.next_host.as_deref().unwrap_or("127.0.0.1");
    let next = match shared.config.last_page {
        Some(last) if page >= last => None,
        _ => Some(format!(
            "http://{host}:{port}/api/people/?page={}",
            page + 1
        )),
    };
    let results: Vec<serde_json::Value> = (1..=10)
        .map(|i| serde_json::json!({"url": format!("http://127.0.0.1:{port}/api/people/{}/", (page - 1) * 10 + i)}))
        .collect();
    axum::Json(
        serde_json::json!({"count": null, "next": next, "previous": null, "results": results}),
    )
    .into_response()
}
