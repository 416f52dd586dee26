//! Runs that hit the system's limit on threads.

mod common;

use common::{assert_no_panic, run};

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

/// As many waiter threads as a run may have: half a million.
#[test]
fn the_most_waiter_threads_stop_cleanly() {
    assert_completes_or_refuses(&[
        "compare",
        "--models",
        "threads",
        "--waiters",
        &mesonero::trace::MAX_WAITERS.to_string(),
        "--clock",
        "virtual",
    ]);
}

/// The kitchen hires cooks as products need them, so four billion cooks
/// cost nothing up front (they used to take 16 bytes each, 64 GB).
#[test]
fn four_billion_cooks_serve_the_articles_orders() {
    let args = ["--clock", "virtual", "--cooks", "4294967295"];
    let started = std::time::Instant::now();
    let output = run(args);
    common::assert_success(&output, &args);
    let stdout = String::from_utf8(output.stdout).unwrap();
    for model in ["sync", "threads", "thread-per-product", "async"] {
        assert!(
            stdout.lines().any(|line| line.starts_with(model)),
            "{stdout}"
        );
    }
    assert!(started.elapsed() < std::time::Duration::from_secs(60));
}
