//! SIGTERM, as a service manager or `kill` sends it, stops every command
//! as Ctrl-C does: what finished is reported, what was pending is named,
//! and nothing temporary is left behind.

mod common;

use std::io::{BufRead, BufReader};
use std::process::Stdio;
use std::time::Duration;

use common::ready::wait_while_running;
use common::{assert_no_panic, mesonero, read_stderr, send_signal, wait_bounded};

#[test]
fn sigterm_stops_a_model_and_names_the_pending_orders() {
    for model in ["threads", "async", "async-blocking"] {
        let mut child = mesonero(["restaurant", "--model", model, "--speed", "1"])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        // Ready once the cashier has received the orders; the first one
        // is dispatched after 7.5 s at the soonest.
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        let first = lines.next().unwrap().unwrap();
        assert!(first.ends_with(" Received orders"), "{first}");
        assert!(send_signal(&child, "TERM"), "kill -TERM failed");
        let status = wait_bounded(&mut child, Duration::from_secs(15));
        let stderr = read_stderr(&mut child);
        assert_no_panic(&stderr);
        assert_eq!(status.code(), Some(130), "{model}: {stderr}");
        assert_eq!(
            stderr,
            format!("error: {model} interrupted: 4 of 4 orders were still pending: 0, 1, 2, 3\n")
        );
    }
}

#[test]
fn sigterm_stops_measuring_and_removes_the_temporary_files() {
    let tmp = tempfile::tempdir().unwrap();
    let mut child = mesonero(["latency", "--measure"])
        .env("TMPDIR", tmp.path())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Ready once the temporary directory is there, before the first
    // measurement.
    wait_while_running(&mut child, "a temporary directory", || {
        std::fs::read_dir(tmp.path()).unwrap().count() > 0
    });
    assert!(send_signal(&child, "TERM"), "kill -TERM failed");
    let status = wait_bounded(&mut child, Duration::from_secs(15));
    let stderr = read_stderr(&mut child);
    assert_no_panic(&stderr);
    assert_eq!(status.code(), Some(130), "{stderr}");
    assert!(stderr.contains("temporary files removed"), "{stderr}");
    assert_eq!(std::fs::read_dir(tmp.path()).unwrap().count(), 0);
}
