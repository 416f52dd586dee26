//! Runs that hit a limit: a reader that goes away mid-run, and more
//! threads than the system allows.

mod common;

use std::io::{BufRead, BufReader, Read};
use std::process::Stdio;
use std::time::{Duration, Instant};

use common::{assert_no_panic, mesonero, run, wait_bounded};

/// At speed 1 the sync run takes 43.8 s; once the reader is gone nobody
/// can see the rest, so it must stop at its next line.
#[test]
fn a_closed_pipe_stops_a_real_clock_run() {
    for model in ["sync", "threads", "async"] {
        let started = Instant::now();
        let mut child = mesonero(["restaurant", "--speed", "1", "--model", model])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut stdout = BufReader::new(child.stdout.take().unwrap());
        let mut line = String::new();
        stdout.read_line(&mut line).unwrap();
        drop(stdout);
        let status = wait_bounded(&mut child, Duration::from_secs(30));
        let mut stderr = String::new();
        child
            .stderr
            .take()
            .unwrap()
            .read_to_string(&mut stderr)
            .unwrap();
        assert_no_panic(&stderr);
        assert!(status.success(), "{model}: {status}: {stderr}");
        // Generous: the first product alone would take 1 s; the whole run 43.8.
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "{model} ran on for {:?}",
            started.elapsed()
        );
    }
}

/// Either the system allows this many threads and the run completes, or
/// the model stops with one clear line and exit code 1; never an abort.
fn assert_completes_or_refuses(args: &[&str]) {
    let output = run(args);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_no_panic(&stderr);
    match output.status.code() {
        Some(0) => {}
        Some(1) => {
            assert!(stderr.contains(" stopped: "), "{args:?}: {stderr}");
            assert!(
                stderr.contains("as many as this system allows") || stderr.contains("refused"),
                "{stderr}"
            );
            assert_eq!(stderr.lines().count(), 1, "{stderr}");
        }
        other => panic!("{args:?} ended with {other:?}: {stderr}"),
    }
}

#[test]
fn thread_per_product_past_the_system_limit_stops_cleanly() {
    assert_completes_or_refuses(&[
        "restaurant",
        "--model",
        "thread-per-product",
        "--repeat",
        "5000",
        "--clock",
        "virtual",
        "--format",
        "quiet",
    ]);
}

#[test]
fn a_million_waiter_threads_stop_cleanly() {
    assert_completes_or_refuses(&[
        "compare",
        "--models",
        "threads",
        "--waiters",
        "1000000",
        "--clock",
        "virtual",
    ]);
}
