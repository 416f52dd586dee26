//! `mesonero fetch` stopped by Ctrl-C (SIGINT) or SIGTERM, in every model:
//! exit code 130, every id in the `--output` file exactly once (those not
//! fetched as interrupted), written as they ended, and a summary counting
//! only the requests actually made. The signal is sent once the test's
//! own server has received requests and the file shows lines, never
//! after a fixed sleep.

mod common;
mod fetch_support;

use std::collections::BTreeMap;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use common::ready::wait_while_running;
use common::{mesonero, read_stderr, wait_bounded};
use fetch_support::{Config, TestApi};
use serde_json::Value;

const IDS: usize = 300;

/// Sends `signal` (`INT`, `TERM`) to `child`.
fn send(child: &Child, signal: &str) {
    let sent = Command::new("kill")
        .args([&format!("-{signal}"), &child.id().to_string()])
        .status()
        .is_ok_and(|s| s.success());
    assert!(sent, "kill -{signal} failed");
}

/// The lines of the output file so far.
fn lines_of(path: &Path) -> Vec<String> {
    std::fs::read_to_string(path)
        .unwrap_or_default()
        .lines()
        .map(str::to_string)
        .collect()
}

/// The number just before `word` in `text`: `300 requests` gives 300.
fn number_before(text: &str, word: &str) -> u64 {
    let before = text
        .split(&format!(" {word}"))
        .next()
        .unwrap_or_else(|| panic!("no {word:?} in {text}"));
    let digits: String = before
        .chars()
        .rev()
        .take_while(char::is_ascii_digit)
        .collect();
    digits
        .chars()
        .rev()
        .collect::<String>()
        .parse()
        .unwrap_or_else(|_| panic!("no number before {word:?} in {text}"))
}

/// The latency a summary starts with (`101.20 ms, ...`, `1.00 s, ...`),
/// in ms.
fn millis(text: &str) -> f64 {
    let mut words = text.split([' ', ',']);
    let value: f64 = words.next().unwrap().parse().unwrap();
    match words.next().unwrap_or_default() {
        "s" => value * 1e3,
        "ms" => value,
        "µs" => value / 1e3,
        other => panic!("unit {other:?} in {text}"),
    }
}

/// Runs `model` on 300 ids at 100 ms each, ten at a time, and stops it
/// with `signal` once some ids have ended; checks what it left behind.
fn stop_with(model: &str, signal: &str) {
    let api = TestApi::start(Config {
        delay: Duration::from_millis(100),
        ..Config::default()
    });
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("people.jsonl");
    let ids = format!("1-{IDS}");
    let mut child = mesonero([
        "fetch",
        "--api",
        &api.api,
        "--ids",
        &ids,
        "--model",
        model,
        "--concurrency",
        "10",
        "--retries",
        "0",
        "--format",
        "quiet",
        "--output",
        file.to_str().unwrap(),
    ])
    .stdout(Stdio::piped())
    .stderr(Stdio::piped())
    .spawn()
    .unwrap();
    // Lines in the file while the run goes on: they are written as the
    // ids end, not at the end.
    wait_while_running(
        &mut child,
        &format!("{model}: five requests received and three lines written"),
        || api.people_requests() >= 5 && lines_of(&file).len() >= 3,
    );
    send(&child, signal);
    let status = wait_bounded(&mut child, Duration::from_secs(30));
    let stderr = read_stderr(&mut child);
    let mut stdout = String::new();
    std::io::Read::read_to_string(&mut child.stdout.take().unwrap(), &mut stdout).unwrap();
    common::assert_no_panic(&stderr);
    assert_eq!(status.code(), Some(130), "{model} {signal}: {stderr}");

    let lines: Vec<Value> = lines_of(&file)
        .iter()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect();
    let mut per_id: BTreeMap<u64, usize> = BTreeMap::new();
    for line in &lines {
        *per_id.entry(line["id"].as_u64().unwrap()).or_default() += 1;
    }
    assert_eq!(lines.len(), IDS, "{model} {signal}: one line per id");
    assert_eq!(per_id.len(), IDS, "{model} {signal}: every id");
    let interrupted = lines.iter().filter(|l| l["error"] == "interrupted").count();
    assert!(interrupted > 0, "{model} {signal}");
    let made: u64 = lines.iter().map(|l| l["attempts"].as_u64().unwrap()).sum();

    // "MODEL: OK of 300 fetched, F failed (I interrupted), 0 retries; R requests in ..."
    let summary = stdout.lines().next().unwrap_or_default();
    assert_eq!(
        number_before(summary, "interrupted"),
        interrupted as u64,
        "{summary}"
    );
    assert!(
        stderr.contains(&format!("interrupted: {interrupted} ids were not fetched")),
        "{stderr}"
    );
    let requests = number_before(summary, "requests");
    assert_eq!(requests, made, "{model} {signal}: {summary}");
    // What the server received, give or take the ten in flight that the
    // async model drops at once.
    let received = api.people_requests();
    assert!(
        received <= requests && requests <= received + 10,
        "{model} {signal}: {requests} requests counted, {received} received"
    );
    // Each request took the server's 100 ms; no interrupted id lowers it.
    let latency = stdout.lines().nth(1).unwrap_or_default();
    let p50 = latency
        .strip_prefix("latency p50 ")
        .unwrap_or_else(|| panic!("{latency}"));
    assert!(millis(p50) >= 95.0, "{model} {signal}: {latency}");
}

#[test]
fn ctrl_c_leaves_a_line_for_every_id_and_counts_only_requests_made() {
    for model in ["async", "threads", "sequential"] {
        stop_with(model, "INT");
    }
}

#[test]
fn sigterm_stops_a_fetch_as_ctrl_c_does() {
    for model in ["async", "threads", "sequential"] {
        stop_with(model, "TERM");
    }
}
