//! The fetch models against a server that misbehaves on purpose: answers
//! that are not JSON, JSON that is not a person, stalls, flaky 503s, 404s
//! and a server that goes away. Every model must end every id as a person
//! or a clear error, never hang, never drop one.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;

use mesonero::people::client::{self, api_url, Failure, FetchModel, Outcome, Request, RetryPolicy};
use mesonero::Shutdown;

/// How many times the flaky person has been asked for.
#[derive(Default)]
struct Counters {
    flaky: AtomicU32,
}

fn person(id: u64) -> serde_json::Value {
    serde_json::json!({
        "name": format!("Person {id}"), "height": "1", "mass": "1", "hair_color": "n/a",
        "skin_color": "n/a", "eye_color": "n/a", "birth_year": "n/a", "gender": "n/a",
        "homeworld": "http://127.0.0.1/api/planets/1/", "created": "", "edited": "",
        "url": format!("http://127.0.0.1/api/people/{id}/"),
    })
}

/// 1..=9 and 100..: a person. 10: not JSON. 11: JSON, not a person.
/// 12: stalls for 3 s. 13: 503 twice, then a person. 14: 404. 15: always 500.
async fn people(State(counters): State<Arc<Counters>>, Path(id): Path<u64>) -> Response {
    match id {
        10 => (StatusCode::OK, "<html>hello</html>").into_response(),
        11 => axum::Json(serde_json::json!({"detail": "Not found"})).into_response(),
        12 => {
            tokio::time::sleep(Duration::from_secs(3)).await;
            axum::Json(person(id)).into_response()
        }
        13 if counters.flaky.fetch_add(1, Ordering::Relaxed) < 2 => {
            StatusCode::SERVICE_UNAVAILABLE.into_response()
        }
        14 => (
            StatusCode::NOT_FOUND,
            axum::Json(serde_json::json!({"detail": "Not found"})),
        )
            .into_response(),
        15 => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
        _ => axum::Json(person(id)).into_response(),
    }
}

/// Starts the misbehaving server on its own thread; returns its address
/// and the signal that stops it.
fn start_server() -> (SocketAddr, Shutdown) {
    let shutdown = Shutdown::new();
    let stop = shutdown.clone();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        runtime.block_on(async move {
            let app = Router::new()
                .route("/api/people/{id}/", get(people))
                .with_state(Arc::new(Counters::default()));
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
            tx.send(listener.local_addr().unwrap()).unwrap();
            let stopped = async move { stop.triggered().await };
            axum::serve(listener, app)
                .with_graceful_shutdown(stopped)
                .await
                .unwrap();
        });
    });
    (rx.recv().unwrap(), shutdown)
}

fn request(addr: SocketAddr, retries: u32) -> Request {
    Request {
        api: api_url(&format!("http://{addr}/api/")).unwrap(),
        concurrency: 8,
        timeout: Duration::from_secs(1),
        retry: RetryPolicy {
            retries,
            base: Duration::from_millis(10),
            cap: Duration::from_millis(50),
        },
        rate: None,
    }
}

fn fetch(model: FetchModel, request: &Request, ids: &[u64]) -> Vec<Outcome> {
    let started = Instant::now();
    let run = client::fetch(model, request, ids, &|_| {}, &Shutdown::new()).unwrap();
    assert!(
        started.elapsed() < Duration::from_secs(20),
        "{model} took {:?}",
        started.elapsed()
    );
    let mut outcomes = run.outcomes;
    assert_eq!(outcomes.len(), ids.len(), "{model} lost ids");
    outcomes.sort_by_key(|o| o.id);
    outcomes
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
                        .map(|p| p.name.clone())
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
            matches!(&outcomes[2].result, Err(Failure::NotAPerson(r)) if r.contains("missing field `name`")),
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
    let (addr, stop) = start_server();
    // Ids 12 stall for 3 s; the server stops after 300 ms.
    let ids: Vec<u64> = vec![1, 12, 2, 12, 3, 12, 4];
    let stopper = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(300));
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
