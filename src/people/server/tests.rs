//! The server in-process: bound on 127.0.0.1:0, asked with reqwest.

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use reqwest::StatusCode;
use serde_json::Value;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use super::*;
use crate::people::data::Person;

mod shutdown;

/// A server running on the test's runtime until `stop`.
struct Running {
    base: String,
    requests: RequestCount,
    stop: oneshot::Sender<()>,
    task: JoinHandle<Result<Stopped, ServeError>>,
}

impl Running {
    /// Asks for the graceful shutdown and waits, at most 10 s, for `run`.
    async fn stop(self) -> Stopped {
        let _ = self.stop.send(());
        let result = tokio::time::timeout(Duration::from_secs(10), self.task)
            .await
            .expect("run returns after the shutdown");
        result.expect("no panic").expect("no error")
    }

    /// Waits, at most 10 s, until the server has received `n` requests.
    async fn received(&self, n: u64) {
        received(&self.requests, n).await;
    }
}

/// Waits, at most 10 s, until `requests` counts `n`.
async fn received(requests: &RequestCount, n: u64) {
    let deadline = Instant::now() + Duration::from_secs(10);
    while requests.get() < n {
        assert!(Instant::now() < deadline, "{n} requests never arrived");
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
}

fn loopback() -> SocketAddr {
    SocketAddr::from(([127, 0, 0, 1], 0))
}

async fn start(config: ServerConfig) -> Running {
    let server = Server::bind(config).await.expect("binds");
    let base = format!("http://{}", server.local_addr());
    let requests = server.requests();
    let (stop, stopped) = oneshot::channel::<()>();
    let task = tokio::spawn(server.run(async {
        let _ = stopped.await;
    }));
    Running {
        base,
        requests,
        stop,
        task,
    }
}

async fn start_with(change: impl FnOnce(&mut ServerConfig)) -> Running {
    let mut config = ServerConfig::new(loopback());
    change(&mut config);
    start(config).await
}

fn client() -> reqwest::Client {
    // reqwest is built without a default TLS provider; the client needs
    // one installed even for plain HTTP.
    let _ = rustls::crypto::ring::default_provider().install_default();
    reqwest::Client::builder()
        .timeout(Duration::from_secs(20))
        .build()
        .expect("a client")
}

async fn get(url: &str) -> (StatusCode, Value) {
    let response = client().get(url).send().await.expect("an answer");
    let status = response.status();
    (status, response.json().await.expect("a JSON body"))
}

#[tokio::test]
async fn a_person_has_every_swapi_field() {
    let server = start_with(|_| {}).await;
    let (status, body) = get(&format!("{}/api/people/1/", server.base)).await;
    assert_eq!(status, StatusCode::OK);
    let mut keys: Vec<&str> = body
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    keys.sort_unstable();
    let mut swapi = [
        "name",
        "height",
        "mass",
        "hair_color",
        "skin_color",
        "eye_color",
        "birth_year",
        "gender",
        "homeworld",
        "films",
        "species",
        "vehicles",
        "starships",
        "created",
        "edited",
        "url",
    ];
    swapi.sort_unstable();
    assert_eq!(keys, swapi);
    let luke: Person = serde_json::from_value(body).unwrap();
    assert_eq!(luke.name, "Luke Skywalker");
    assert_eq!(luke.url, format!("{}/api/people/1/", server.base));
    assert_eq!(luke.homeworld, format!("{}/api/planets/1/", server.base));
    // Without swapi's trailing slash too, and the planet the link names.
    let (status, again) = get(&format!("{}/api/people/1", server.base)).await;
    assert_eq!(
        (status, again["name"].as_str()),
        (StatusCode::OK, Some("Luke Skywalker"))
    );
    let (status, planet) = get(&luke.homeworld).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(planet["url"].as_str(), Some(luke.homeworld.as_str()));
    server.stop().await;
}

#[tokio::test]
async fn head_has_gets_headers_and_no_body() {
    let server = start_with(|_| {}).await;
    for path in [
        "/api/people/1/",
        "/api/",
        "/api/people/?page=2",
        "/api/people/0/",
        "/healthz",
    ] {
        let url = format!("{}{path}", server.base);
        let get = client().get(&url).send().await.expect("an answer");
        let head = client().head(&url).send().await.expect("an answer");
        assert_eq!(head.status(), get.status(), "{path}");
        let without_date = |headers: &reqwest::header::HeaderMap| {
            let mut headers = headers.clone();
            headers.remove(reqwest::header::DATE);
            headers
        };
        assert_eq!(
            without_date(head.headers()),
            without_date(get.headers()),
            "{path}"
        );
        assert!(head.bytes().await.expect("a body").is_empty(), "{path}");
        assert!(!get.bytes().await.expect("a body").is_empty(), "{path}");
    }
    server.stop().await;
}

#[tokio::test]
async fn misses_are_swapis_404() {
    let server = start_with(|_| {}).await;
    for path in [
        "/api/people/0/",
        "/api/people/83/",
        "/api/people/abc/",
        "/api/people/+1/",
        "/api/people/99999999999999999999999/",
        "/api/planets/99/",
        "/api/starships/1/",
        "/api/no-such-thing/",
    ] {
        let (status, body) = get(&format!("{}{path}", server.base)).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{path}");
        assert_eq!(body, serde_json::json!({"detail": "Not found"}), "{path}");
    }
    for path in [
        "/api/people/?page=0",
        "/api/people/?page=two",
        "/api/people/?page=",
        "/api/people/?page=10",
        "/api/people/?search=luke&page=2",
        "/api/planets/?page=2",
    ] {
        let (status, body) = get(&format!("{}{path}", server.base)).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{path}");
        assert_eq!(
            body,
            serde_json::json!({"detail": "Invalid page."}),
            "{path}"
        );
    }
    server.stop().await;
}

#[tokio::test]
async fn pages_link_to_their_neighbours() {
    let server = start_with(|_| {}).await;
    let list = format!("{}/api/people/", server.base);
    let (status, first) = get(&list).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(first["count"], crate::people::data::BUILTIN_PEOPLE);
    assert_eq!(first["results"].as_array().unwrap().len(), 10);
    assert_eq!(first["results"][0]["name"], "Luke Skywalker");
    assert_eq!(first["next"], format!("{list}?page=2"));
    assert!(first["previous"].is_null());
    let (_, second) = get(first["next"].as_str().unwrap()).await;
    assert_eq!(second["previous"], format!("{list}?page=1"));
    assert_eq!(second["results"][0]["url"], format!("{list}11/"));
    let (status, last) = get(&format!("{list}?page=9")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(last["next"].is_null());
    assert_eq!(last["results"].as_array().unwrap().len(), 2);
    server.stop().await;
}

#[tokio::test]
async fn a_search_finds_luke() {
    let server = start_with(|_| {}).await;
    let (status, found) = get(&format!("{}/api/people/?search=sky", server.base)).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(found["count"], 1);
    assert_eq!(found["results"][0]["name"], "Luke Skywalker");
    assert!(found["next"].is_null() && found["previous"].is_null());
    server.stop().await;
}

#[tokio::test]
async fn a_fail_rate_of_one_fails_every_api_request() {
    let server = start_with(|c| c.fail_rate = 1.0).await;
    let mut seen = Vec::new();
    for id in 1..=40 {
        let (status, body) = get(&format!("{}/api/people/{id}/", server.base)).await;
        assert!(body["detail"].is_string(), "{body}");
        seen.push(status);
    }
    assert!(seen.iter().all(|s| [
        StatusCode::INTERNAL_SERVER_ERROR,
        StatusCode::SERVICE_UNAVAILABLE
    ]
    .contains(s)));
    assert!(seen.contains(&StatusCode::INTERNAL_SERVER_ERROR));
    assert!(seen.contains(&StatusCode::SERVICE_UNAVAILABLE));
    // The health check is never failed.
    let health = client()
        .get(format!("{}/healthz", server.base))
        .send()
        .await
        .unwrap();
    assert_eq!(health.status(), StatusCode::OK);
    assert_eq!(health.text().await.unwrap(), "ok");
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_delay_holds_each_response_but_not_the_others() {
    let delay = Duration::from_millis(200);
    let server = start_with(|c| c.delay = delay).await;
    let client = client();
    let started = Instant::now();
    let one = client
        .get(format!("{}/api/people/1/", server.base))
        .send()
        .await
        .unwrap();
    assert_eq!(one.status(), StatusCode::OK);
    assert!(started.elapsed() >= delay, "{:?}", started.elapsed());

    let started = Instant::now();
    let requests = (1..=50).map(|id| {
        let request = client.get(format!("{}/api/people/{id}/", server.base));
        async move { request.send().await.map(|r| r.status()) }
    });
    let statuses = futures::future::join_all(requests).await;
    let took = started.elapsed();
    assert!(
        statuses.iter().all(|s| matches!(s, Ok(StatusCode::OK))),
        "{statuses:?}"
    );
    assert!(took >= delay);
    // Served one after the other they would take 10 s.
    assert!(
        took < Duration::from_secs(3),
        "50 delayed requests took {took:?}"
    );
    server.stop().await;
}

#[tokio::test]
async fn a_taken_port_is_a_bind_error_naming_it() {
    let taken = std::net::TcpListener::bind(loopback()).unwrap();
    let addr = taken.local_addr().unwrap();
    let error = Server::bind(ServerConfig::new(addr))
        .await
        .err()
        .expect("refused");
    assert!(matches!(error, ServeError::Bind { addr: a, .. } if a == addr));
    assert!(error.to_string().contains(&addr.to_string()), "{error}");
}

#[tokio::test]
async fn requests_are_counted_and_a_bad_rate_is_refused() {
    let server = Server::bind(ServerConfig::new(loopback())).await.unwrap();
    let (count, base) = (server.requests(), format!("http://{}", server.local_addr()));
    let (stop, stopped) = oneshot::channel::<()>();
    let task = tokio::spawn(server.run(async {
        let _ = stopped.await;
    }));
    let running = Running {
        base,
        requests: count.clone(),
        stop,
        task,
    };
    for path in ["/healthz", "/api/people/2/", "/nowhere"] {
        client()
            .get(format!("{}{path}", running.base))
            .send()
            .await
            .unwrap();
    }
    running.stop().await;
    assert_eq!(count.get(), 3);

    let mut config = ServerConfig::new(loopback());
    config.fail_rate = 1.5;
    assert!(matches!(
        Server::bind(config).await,
        Err(ServeError::FailRate(_))
    ));
}

#[test]
fn a_background_server_serves_a_blocking_client() {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let server = spawn_background(ServerConfig::new(loopback())).expect("starts");
    let base = server.base_url();
    assert_eq!(base, format!("http://{}", server.addr()));
    assert!(base.starts_with("http://127.0.0.1:"), "{base}");
    let client = reqwest::blocking::Client::builder()
        .timeout(Duration::from_secs(20))
        .build()
        .unwrap();
    let person: Person = client
        .get(format!("{base}/api/people/5/"))
        .send()
        .and_then(|r| r.error_for_status())
        .and_then(|r| r.json())
        .expect("Leia");
    assert_eq!(person.name, "Leia Organa");
    assert_eq!(server.requests(), 1);
    server.stop();
    assert!(client.get(format!("{base}/healthz")).send().is_err());

    // A port in use is reported, not hidden in the thread.
    let taken = std::net::TcpListener::bind(loopback()).unwrap();
    let error = spawn_background(ServerConfig::new(taken.local_addr().unwrap())).unwrap_err();
    assert!(matches!(error, ServeError::Bind { .. }), "{error}");
}
