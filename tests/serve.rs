//! `mesonero serve` from the outside: it starts, answers, stops on SIGINT
//! and SIGTERM, and refuses bad flags and taken ports; and a bounded load
//! run against the server in-process.

mod common;

use std::time::{Duration, Instant};

use futures::stream::{self, StreamExt};
use mesonero::people::data::BUILTIN_PEOPLE;
use mesonero::people::{Dataset, Person, Server, ServerConfig};

use common::serving::Serving;
use common::{assert_bad_input, assert_no_panic, run};

fn blocking_client() -> reqwest::blocking::Client {
    // reqwest is built without a default TLS provider.
    let _ = rustls::crypto::ring::default_provider().install_default();
    reqwest::blocking::Client::builder()
        .timeout(Duration::from_secs(20))
        .build()
        .unwrap()
}

#[test]
fn serve_answers_and_stops_on_sigint() {
    let server = Serving::start(&["--delay", "250ms", "--jitter", "0", "--fail-rate", "10%"]);
    let serving = format!("serving {BUILTIN_PEOPLE} people on http://127.0.0.1:");
    assert!(
        server.start_line.starts_with(&serving),
        "{}",
        server.start_line
    );
    assert!(
        server
            .start_line
            .ends_with("(delay 250ms, jitter 0s, fail rate 10%); Ctrl-C to stop\n"),
        "{}",
        server.start_line
    );
    let health = blocking_client()
        .get(format!("{}/healthz", server.base))
        .send()
        .unwrap();
    assert_eq!(health.status(), reqwest::StatusCode::OK);
    assert_eq!(health.text().unwrap(), "ok");
    let started = Instant::now();
    let (code, rest) = server.stop_with("INT");
    assert_eq!(code, Some(0), "{rest}");
    assert!(rest.contains("GET /healthz 200"), "the request log: {rest}");
    assert!(rest.ends_with("stopped after 1 request\n"), "{rest}");
    assert!(started.elapsed() < Duration::from_secs(5));
}

fn swapi(file: &str) -> Option<String> {
    common::fixture(common::shared(&format!("data/swapi/{file}")))
        .map(|path| path.display().to_string())
}

#[test]
fn serve_loads_swapis_fixtures_and_stops_on_sigterm() {
    let (Some(people), Some(planets)) = (swapi("people.json"), swapi("planets.json")) else {
        return;
    };
    let server = Serving::start(&["--data", &people, "--data", &planets, "--log", "off"]);
    assert!(
        server.start_line.starts_with("serving 82 people"),
        "{}",
        server.start_line
    );
    let luke: Person = blocking_client()
        .get(format!("{}/api/people/1/", server.base))
        .send()
        .and_then(|r| r.json())
        .unwrap();
    assert_eq!(luke.name, "Luke Skywalker");
    assert_eq!(luke.homeworld, format!("{}/api/planets/1/", server.base));
    let (code, rest) = server.stop_with("TERM");
    assert_eq!(code, Some(0), "{rest}");
    assert_eq!(
        rest,
        "stopping: requests in flight have 5s to finish; Ctrl-C to stop at once\n\
         stopped after 1 request\n",
        "no request log with --log off"
    );
}

#[test]
fn a_port_in_use_is_a_runtime_error_naming_it() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = taken.local_addr().unwrap().to_string();
    let output = run(["serve", "--addr", &addr]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_no_panic(&stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.starts_with("error: cannot listen on "), "{stderr}");
    assert!(stderr.contains(&addr), "{stderr}");
}

#[test]
fn bad_flags_are_one_line_and_exit_2() {
    let cases: [(&[&str], &[&str]); 16] = [
        (&["--fail-rate", "2"], &["--fail-rate", "'2'"]),
        (&["--fail-rate", "-0.5"], &["--fail-rate", "'-0.5'"]),
        (&["--delay", "soon"], &["--delay", "'soon'"]),
        (&["--jitter", "-1s"], &["--jitter"]),
        (&["--addr", "nowhere"], &["--addr", "'nowhere'"]),
        (&["--log", "sometimes"], &["--log", "sample=N"]),
        (&["--seed", "x"], &["--seed"]),
        (&["--data", "/nonexistent.json"], &["/nonexistent.json"]),
        (&["--header-timeout", "0"], &["--header-timeout", "'0'"]),
        (&["--idle-timeout", "2h"], &["--idle-timeout", "'2h'"]),
        (&["--max-connections", "0"], &["--max-connections", "'0'"]),
        (&["--max-connections", "1000001"], &["--max-connections"]),
        (&["--grace", "-1s"], &["--grace", "'-1s'"]),
        (&["--people", "0"], &["--people", "'0'"]),
        (&["--people", "1000001"], &["--people", "1..=1000000"]),
        (
            &["--people", "5", "--data", "x.json"],
            &["--people", "--data"],
        ),
    ];
    for (args, needles) in cases {
        let output = run(["serve"].iter().chain(args));
        assert_bad_input(&output, needles);
    }
}

#[test]
fn a_malformed_data_file_names_its_line() {
    let mut file = tempfile::Builder::new().suffix(".json").tempfile().unwrap();
    std::io::Write::write_all(
        &mut file,
        b"[\n{\"model\": \"resources.people\",\n oops}\n]",
    )
    .unwrap();
    let path = file.path().display().to_string();
    let output = run(["serve", "--data", &path]);
    assert_bad_input(&output, &[&format!("{path}:3: ")]);
}

/// A data file that never ends is read only to the limit, then refused.
#[cfg(unix)]
#[test]
fn a_data_file_past_the_limit_is_refused_naming_it_and_the_limit() {
    let output = run(["serve", "--data", "/dev/zero"]);
    assert_bad_input(&output, &["'/dev/zero'", "64 MiB"]);
}

/// 2,000 requests, 100 at a time, all answered: the server keeps up on
/// loopback with no delay. Bounded to a minute.
#[test]
fn two_thousand_requests_at_a_hundred_at_once() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(4)
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let _ = rustls::crypto::ring::default_provider().install_default();
        let mut config = ServerConfig::new(([127, 0, 0, 1], 0).into());
        config.dataset = std::sync::Arc::new(Dataset::generated(2_000).unwrap());
        let server = Server::bind(config).await.unwrap();
        let base = format!("http://{}", server.local_addr());
        let requests = server.requests();
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let serving = tokio::spawn(server.run(async {
            let _ = stopped.await;
        }));
        let client = reqwest::Client::builder()
            .timeout(Duration::from_secs(30))
            .build()
            .unwrap();
        let load = stream::iter(1..=2_000u64)
            .map(|id| {
                let request = client.get(format!("{base}/api/people/{id}/"));
                async move { request.send().await.map(|r| r.status()) }
            })
            .buffer_unordered(100)
            .collect::<Vec<_>>();
        let statuses = tokio::time::timeout(Duration::from_secs(60), load)
            .await
            .expect("2,000 requests within a minute");
        let failed: Vec<_> = statuses
            .iter()
            .filter(|s| !matches!(s, Ok(reqwest::StatusCode::OK)))
            .collect();
        assert!(
            failed.is_empty(),
            "{} failed, such as {:?}",
            failed.len(),
            failed[0]
        );
        assert_eq!(requests.get(), 2_000);
        let _ = stop.send(());
        tokio::time::timeout(Duration::from_secs(10), serving)
            .await
            .expect("the server stops")
            .unwrap()
            .unwrap();
    });
}
