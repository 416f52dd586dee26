//! Stopping: requests in flight get the grace period, and no more.

use std::time::{Duration, Instant};

use reqwest::StatusCode;
use tokio::sync::oneshot;

use super::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_shutdown_lets_requests_in_flight_finish() {
    let server = start_with(|c| c.delay = Duration::from_millis(500)).await;
    let url = format!("{}/api/people/4/", server.base);
    let in_flight = tokio::spawn(async move { client().get(url).send().await });
    server.received(1).await;
    let started = Instant::now();
    let base = server.base.clone();
    assert_eq!(
        server.stop().await,
        Stopped {
            cut_off: 0,
            hurried: false
        }
    );
    let response = in_flight.await.unwrap().expect("an answer, not a reset");
    assert_eq!(response.status(), StatusCode::OK);
    let vader: Person = response.json().await.unwrap();
    assert_eq!(vader.name, "Darth Vader");
    assert!(started.elapsed() < Duration::from_secs(5));
    // Nothing listens any more.
    assert!(client()
        .get(format!("{base}/healthz"))
        .send()
        .await
        .is_err());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn requests_still_in_flight_after_the_grace_period_are_cut_off() {
    let grace = Duration::from_millis(300);
    let server = start_with(|c| {
        c.delay = MAX_DELAY;
        c.limits.grace = grace;
    })
    .await;
    let url = format!("{}/api/people/4/", server.base);
    let in_flight = tokio::spawn(async move { client().get(url).send().await });
    server.received(1).await;
    let started = Instant::now();
    let stopped = server.stop().await;
    let took = started.elapsed();
    assert_eq!(
        stopped,
        Stopped {
            cut_off: 1,
            hurried: false
        }
    );
    assert!(took >= grace && took < Duration::from_secs(5), "{took:?}");
    let answer = in_flight.await.unwrap();
    assert!(answer.is_err(), "no answer after the cut: {answer:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hurry_ends_the_grace_period_at_once() {
    let mut config = ServerConfig::new(loopback());
    config.delay = MAX_DELAY;
    config.limits.grace = MAX_DELAY;
    let server = Server::bind(config).await.unwrap();
    let url = format!("http://{}/api/people/4/", server.local_addr());
    let requests = server.requests();
    let (stop, stopped) = oneshot::channel::<()>();
    let (hurry, hurried) = oneshot::channel::<()>();
    let task = tokio::spawn(server.run_until(
        async {
            let _ = stopped.await;
        },
        async {
            let _ = hurried.await;
        },
    ));
    let in_flight = tokio::spawn(async move { client().get(url).send().await });
    received(&requests, 1).await;
    let _ = stop.send(());
    let _ = hurry.send(());
    let stopped = tokio::time::timeout(Duration::from_secs(10), task)
        .await
        .expect("the hurry ends an hour's grace")
        .unwrap()
        .unwrap();
    assert_eq!(
        stopped,
        Stopped {
            cut_off: 1,
            hurried: true
        }
    );
    assert!(in_flight.await.unwrap().is_err());
}
