//! The fetch models against a server that misbehaves on purpose: answers
//! that are not JSON, JSON that is not a person, stalls, flaky 503s, 404s,
//! `Retry-After`, bodies too large or endless, redirects elsewhere, and a
//! server that goes away. Every model must end every id as a person or a
//! clear error, never hang, never drop one.

mod common;

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime};

use axum::body::{Body, Bytes};
use axum::extract::{Path, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use futures::StreamExt;

use common::ready::wait_until;
use mesonero::people::client::stats::FetchStats;
use mesonero::people::client::{
    self, api_url, Failure, FetchModel, FetchRun, Outcome, Progress, Request, RetryPolicy,
};
use mesonero::Shutdown;

/// The server's address, and how many times each id has been asked for.
struct Counters {
    addr: SocketAddr,
    asked: Mutex<HashMap<u64, u32>>,
}

impl Counters {
    /// How many times `id` was asked for before this request.
    fn before(&self, id: u64) -> u32 {
        let mut asked = self.asked.lock().unwrap();
        let n = asked.entry(id).or_default();
        *n += 1;
        *n - 1
    }

    /// How many times `id` was asked for so far.
    fn asked(&self, id: u64) -> u32 {
        self.asked.lock().unwrap().get(&id).copied().unwrap_or(0)
    }
}

/// The size of the body of id 19.
const LARGE: usize = 5000;

/// Person `id` whose JSON is exactly `size` bytes, padded in the name.
fn person_of_size(id: u64, size: usize) -> Vec<u8> {
    let mut person = person(id);
    person["name"] = "".into();
    let bare = serde_json::to_vec(&person).unwrap().len();
    person["name"] = "x".repeat(size - bare).into();
    let body = serde_json::to_vec(&person).unwrap();
    assert_eq!(body.len(), size);
    body
}

/// A status with a `Retry-After` header.
fn asking_to_wait(status: StatusCode, retry_after: String) -> Response {
    (status, [(header::RETRY_AFTER, retry_after)]).into_response()
}

fn person(id: u64) -> serde_json::Value {
    serde_json::json!({
        "name": format!("Person {id}"), "height": "1", "mass": "1", "hair_color": "n/a",
        "skin_color": "n/a", "eye_color": "n/a", "birth_year": "n/a", "gender": "n/a",
        "homeworld": "http://127.0.0.1/api/planets/1/", "created": "", "edited": "",
        "url": format!("http://127.0.0.1/api/people/{id}/"),
    })
}

/// 1..=9 and 200..: a person. 10: not JSON. 11: JSON, not a person.
/// 12: stalls for 3 s. 13: 503 twice, then a person. 14: 404. 15: always 500.
/// 16: 429 asking to wait 1 s, then a person (alternately). 17: 503 asking
/// to wait until a date 2 s ahead, then a person (alternately). 18: always
/// 429 asking to wait an hour. 19: a person of [`LARGE`] bytes. 20: an
/// endless body (64 MB, in case the cap fails). 21: a redirect to
/// `localhost`, another host. 22: a redirect on the same host.
/// 100..=199: a person after 100 ms.
async fn people(State(counters): State<Arc<Counters>>, Path(id): Path<u64>) -> Response {
    match id {
        10 => (StatusCode::OK, "<html>hello</html>").into_response(),
        11 => axum::Json(serde_json::json!({"detail": "Not found"})).into_response(),
        12 => {
            // Counted, so that a test can tell a stall has begun.
            counters.before(12);
            tokio::time::sleep(Duration::from_secs(3)).await;
            axum::Json(person(id)).into_response()
        }
        13 if counters.before(13) < 2 => StatusCode::SERVICE_UNAVAILABLE.into_response(),
        14 => (
            StatusCode::NOT_FOUND,
            axum::Json(serde_json::json!({"detail": "Not found"})),
        )
            .into_response(),
        15 => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
        16 if counters.before(16) % 2 == 0 => {
            asking_to_wait(StatusCode::TOO_MANY_REQUESTS, "1".into())
        }
        17 if counters.before(17) % 2 == 0 => {
            let at = SystemTime::now() + Duration::from_secs(2);
            asking_to_wait(StatusCode::SERVICE_UNAVAILABLE, httpdate::fmt_http_date(at))
        }
        18 => asking_to_wait(StatusCode::TOO_MANY_REQUESTS, "3600".into()),
        19 => person_of_size(id, LARGE).into_response(),
        20 => {
            let chunk = Bytes::from(vec![b' '; 64 * 1024]);
            let endless = futures::stream::repeat(chunk)
                .take(1024)
                .map(Ok::<_, std::io::Error>);
            Body::from_stream(endless).into_response()
        }
        21 => {
            let elsewhere = format!("http://localhost:{}/api/people/1/", counters.addr.port());
            (StatusCode::FOUND, [(header::LOCATION, elsewhere)]).into_response()
        }
        22 => (StatusCode::FOUND, [(header::LOCATION, "/api/people/2/")]).into_response(),
        100..=199 => {
            tokio::time::sleep(Duration::from_millis(100)).await;
            axum::Json(person(id)).into_response()
        }
        _ => axum::Json(person(id)).into_response(),
    }
}

/// Starts the misbehaving server on its own thread; returns its address
/// and the signal that stops it.
fn start_server() -> (SocketAddr, Shutdown) {
    let (addr, stop, _) = start_counted_server();
    (addr, stop)
}

/// As [`start_server`], with the server's counts of the ids asked for.
fn start_counted_server() -> (SocketAddr, Shutdown, Arc<Counters>) {
    let shutdown = Shutdown::new();
    let stop = shutdown.clone();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        runtime.block_on(async move {
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
            let addr = listener.local_addr().unwrap();
            let counters = Arc::new(Counters {
                addr,
                asked: Mutex::default(),
            });
            let app = Router::new()
                .route("/api/people/{id}/", get(people))
                .with_state(counters.clone());
            tx.send((addr, counters)).unwrap();
            let stopped = async move { stop.triggered().await };
            axum::serve(listener, app)
                .with_graceful_shutdown(stopped)
                .await
                .unwrap();
        });
    });
    let (addr, counters) = rx.recv().unwrap();
    (addr, shutdown, counters)
}

fn request(addr: SocketAddr, retries: u32) -> Request {
    let mut request = Request::new(api_url(&format!("http://{addr}/api/")).unwrap());
    request.concurrency = 8;
    request.timeout = Duration::from_secs(1);
    // Short backoffs, so that a wait of a second can only be Retry-After.
    request.retry = RetryPolicy {
        retries,
        base: Duration::from_millis(10),
        cap: Duration::from_millis(50),
    };
    request
}

/// Runs `model` until `stop` says so, given the outcomes reported so far;
/// returns the run and every outcome reported, sorted by id.
fn fetch_until(
    model: FetchModel,
    request: &Request,
    ids: &[u64],
    stop: impl Fn(usize) -> bool + Sync,
) -> (FetchRun, Vec<Outcome>) {
    let shutdown = Shutdown::new();
    let outcomes = Mutex::new(Vec::new());
    let observer = |p: Progress| {
        if let Progress::Done(outcome) = p {
            let mut outcomes = outcomes.lock().unwrap();
            outcomes.push(outcome.clone());
            if stop(outcomes.len()) {
                shutdown.trigger();
            }
        }
    };
    let started = Instant::now();
    let run = client::fetch(model, request, ids, &observer, &shutdown).unwrap();
    assert!(
        started.elapsed() < Duration::from_secs(20),
        "{model} took {:?}",
        started.elapsed()
    );
    let mut outcomes = outcomes.into_inner().unwrap();
    assert_eq!(outcomes.len(), ids.len(), "{model} lost ids");
    assert_eq!(run.tally.ids, ids.len(), "{model}");
    outcomes.sort_by_key(|o| o.id);
    (run, outcomes)
}

fn fetch(model: FetchModel, request: &Request, ids: &[u64]) -> Vec<Outcome> {
    fetch_until(model, request, ids, |_| false).1
}

#[test]
fn every_id_ends_as_a_person_or_a_clear_error() {
    let (addr, stop) = start_server();
    for model in FetchModel::ALL {
        let outcomes = fetch(model, &request(addr, 1), &[1, 10, 11, 12, 14, 15]);
        let results: Vec<(u64, Result<String, String>)> = outcomes
            .iter()
            .map(|o| {
                (
                    o.id,
                    o.result
                        .as_ref()
                        .map(|p| p.name().to_string())
                        .map_err(ToString::to_string),
                )
            })
            .collect();
        assert_eq!(results[0], (1, Ok("Person 1".into())), "{model}");
        assert!(
            matches!(&outcomes[1].result, Err(Failure::NotJson(_))),
            "{model}: {:?}",
            outcomes[1]
        );
        assert!(
            matches!(&outcomes[2].result, Err(Failure::NotAPerson(r)) if r == "no \"name\" field"),
            "{model}: {:?}",
            outcomes[2]
        );
        assert_eq!(
            outcomes[3].result,
            Err(Failure::Timeout(Duration::from_secs(1))),
            "{model}"
        );
        assert_eq!(outcomes[3].attempts, 2, "{model}: a timeout is retried");
        assert_eq!(outcomes[4].result, Err(Failure::Status(404)), "{model}");
        assert_eq!(outcomes[4].attempts, 1, "{model}: a 404 is not retried");
        assert_eq!(outcomes[5].result, Err(Failure::Status(500)), "{model}");
        assert_eq!(outcomes[5].answers, ["500", "500"], "{model}");
        assert_eq!(results[4].1, Err("HTTP 404".to_string()));
        for o in &outcomes {
            let url = format!("http://{addr}/api/people/{}/", o.id);
            assert_eq!(o.url.as_str(), url, "{model}");
        }
        assert_eq!(
            outcomes[4]
                .result
                .as_ref()
                .unwrap_err()
                .at(&outcomes[4].url)
                .to_string(),
            format!("HTTP 404 from http://{addr}/api/people/14/")
        );
    }
    stop.trigger();
}

#[test]
fn flaky_answers_are_retried_until_they_succeed() {
    let (addr, stop) = start_server();
    let outcomes = fetch(FetchModel::Async, &request(addr, 5), &[13]);
    assert_eq!(outcomes[0].answers, ["503", "503", "200"]);
    assert_eq!(outcomes[0].attempts, 3);
    assert!(outcomes[0].result.is_ok());
    stop.trigger();
}

#[test]
fn a_server_that_is_gone_fails_every_id_quickly_with_the_reason() {
    // Bind and drop, so that the port is (almost certainly) closed.
    let addr = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap();
    for model in FetchModel::ALL {
        let outcomes = fetch(model, &request(addr, 2), &[1, 2, 3]);
        for o in &outcomes {
            assert!(
                matches!(&o.result, Err(Failure::Connection(reason)) if !reason.is_empty()),
                "{model}: {o:?}"
            );
            assert_eq!(
                o.answers,
                ["connection", "connection", "connection"],
                "{model}"
            );
        }
    }
}

#[test]
fn a_server_stopped_mid_run_leaves_no_id_unaccounted_for() {
    let (addr, stop, counters) = start_counted_server();
    // Ids 12 stall for 3 s; the server stops once the first of them has
    // arrived, in the middle of the first run.
    let ids: Vec<u64> = vec![1, 12, 2, 12, 3, 12, 4];
    let stopper = std::thread::spawn(move || {
        wait_until("a request for id 12", || counters.asked(12) > 0);
        stop.trigger();
    });
    for model in [FetchModel::Async, FetchModel::Threads] {
        let outcomes = fetch(model, &request(addr, 0), &ids);
        let ok = outcomes.iter().filter(|o| o.result.is_ok()).count();
        assert_eq!(
            ok + outcomes.iter().filter(|o| o.result.is_err()).count(),
            ids.len()
        );
    }
    stopper.join().unwrap();
}

#[test]
fn concurrency_bounds_the_requests_in_flight() {
    let (addr, stop) = start_server();
    // Six stalls of 3 s (each ends in a 1 s timeout) with two in flight
    // take three rounds; with six in flight, one.
    let ids = [12; 6];
    let mut narrow = request(addr, 0);
    narrow.concurrency = 2;
    let started = Instant::now();
    fetch(FetchModel::Async, &narrow, &ids);
    let two = started.elapsed();
    let mut wide = request(addr, 0);
    wide.concurrency = 6;
    let started = Instant::now();
    fetch(FetchModel::Async, &wide, &ids);
    let six = started.elapsed();
    assert!(two >= Duration::from_millis(2900), "{two:?}");
    assert!(six < two, "{six:?} vs {two:?}");
    stop.trigger();
}

#[test]
fn retry_after_is_honoured_in_seconds_and_as_a_date_up_to_the_timeout() {
    let (addr, stop) = start_server();
    for model in FetchModel::ALL {
        let outcomes = fetch(model, &request(addr, 1), &[16, 17]);
        for outcome in &outcomes {
            assert!(outcome.result.is_ok(), "{model}: {outcome:?}");
            // The backoff alone would be under 50 ms; the server asked for
            // 1 s, or for a date 2 s ahead written to the second.
            assert!(
                outcome.latency >= Duration::from_millis(900),
                "{model}: {outcome:?}"
            );
        }
        assert_eq!(outcomes[0].answers, ["429", "200"], "{model}");
        assert_eq!(outcomes[1].answers, ["503", "200"], "{model}");
    }
    // An hour asked for is waited for at most the timeout, 1 s.
    let started = Instant::now();
    let outcomes = fetch(FetchModel::Async, &request(addr, 1), &[18]);
    assert_eq!(outcomes[0].result, Err(Failure::Status(429)));
    assert_eq!(outcomes[0].attempts, 2);
    assert!(started.elapsed() < Duration::from_secs(10));
    assert!(outcomes[0].latency >= Duration::from_millis(900));
    stop.trigger();
}

#[test]
fn bodies_past_the_cap_fail_in_every_model_even_endless_ones() {
    let (addr, stop) = start_server();
    for model in FetchModel::ALL {
        let mut capped = request(addr, 2);
        capped.max_body = LARGE as u64 - 1;
        let started = Instant::now();
        let outcomes = fetch(model, &capped, &[1, 19, 20]);
        assert!(outcomes[0].result.is_ok(), "{model}: {:?}", outcomes[0]);
        for outcome in &outcomes[1..] {
            // Not a timeout (1 s): the cap ends it first, and it is not
            // retried, since the same body would come again.
            assert_eq!(
                outcome.result,
                Err(Failure::TooLarge(LARGE as u64 - 1)),
                "{model}"
            );
            assert_eq!(outcome.attempts, 1, "{model}");
        }
        assert!(started.elapsed() < Duration::from_secs(5), "{model}");
        // A body exactly at the cap is read.
        capped.max_body = LARGE as u64;
        let outcomes = fetch(model, &capped, &[19]);
        assert!(outcomes[0].result.is_ok(), "{model}: {:?}", outcomes[0]);
    }
    stop.trigger();
}

#[test]
fn redirects_to_another_host_are_followed_only_when_allowed() {
    let (addr, stop) = start_server();
    for model in FetchModel::ALL {
        let outcomes = fetch(model, &request(addr, 2), &[21, 22]);
        let elsewhere = format!("http://localhost:{}/api/people/1/", addr.port());
        assert_eq!(
            outcomes[0].result,
            Err(Failure::OtherHost(elsewhere)),
            "{model}"
        );
        assert_eq!(outcomes[0].attempts, 1, "{model}");
        assert_eq!(outcomes[0].answers, ["redirect"], "{model}");
        // On the same host, a redirect is followed.
        assert_eq!(
            outcomes[1].result.as_ref().map(|p| p.name()),
            Ok("Person 2"),
            "{model}"
        );
        let mut allowed = request(addr, 2);
        allowed.follow_other_hosts = true;
        let outcomes = fetch(model, &allowed, &[21]);
        assert_eq!(
            outcomes[0].result.as_ref().map(|p| p.name()),
            Ok("Person 1"),
            "{model}"
        );
    }
    stop.trigger();
}

#[test]
fn a_stopped_run_reports_every_id_once_and_counts_only_requests_made() {
    let (addr, stop) = start_server();
    // 100 ms each, four at a time; the run is stopped once six ids ended.
    let ids: Vec<u64> = (100..=160).collect();
    let mut narrow = request(addr, 0);
    narrow.concurrency = 4;
    for model in FetchModel::ALL {
        let (run, outcomes) = fetch_until(model, &narrow, &ids, |done| done == 6);
        let reported: Vec<u64> = outcomes.iter().map(|o| o.id).collect();
        assert_eq!(reported, ids, "{model}: each id exactly once");
        let interrupted = outcomes
            .iter()
            .filter(|o| o.result == Err(Failure::Interrupted))
            .count();
        let made: u64 = outcomes.iter().map(|o| u64::from(o.attempts)).sum();
        let stats = FetchStats::of(&run);
        assert_eq!(stats.interrupted, interrupted, "{model}");
        assert!(interrupted >= ids.len() - 6 - 4, "{model}: {interrupted}");
        // Six requests ended, and at most the three others in flight.
        assert_eq!(stats.requests, made, "{model}");
        assert!((6..=6 + 3).contains(&made), "{model}: {made} requests");
        // Latency from the ids that ended: each took the server's 100 ms.
        assert!(stats.p50_ms >= 90.0, "{model}: {stats:?}");
        for never in outcomes.iter().filter(|o| o.attempts == 0) {
            assert_eq!(never.result, Err(Failure::Interrupted), "{model}");
        }
    }
    stop.trigger();
}
