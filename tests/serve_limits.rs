//! `mesonero serve` with a stderr nobody reads: a closed or full stderr
//! costs no answer and no panic. Loopback only.

mod common;

use std::process::Stdio;

use common::serving::{connect, get, send_signal, start_unheard, PATIENCE};
use common::wait_bounded;

/// Twenty requests, each logged to a stderr that cannot take it: every
/// one answered.
fn twenty_answers(base: &str) {
    let addr = base["http://".len()..].parse().expect("an address");
    for id in 1..=20 {
        let mut stream = connect(&addr).expect("connects");
        let (status, body) = get(&mut stream, &format!("/api/people/{id}/"), true);
        assert_eq!(status, 200, "person {id}: {body}");
    }
}

#[test]
fn a_closed_stderr_costs_no_answer_and_no_panic() {
    // A pipe whose reading end is gone, as after `serve 2>&1 | head -1`.
    let (mut child, base) = start_unheard(&[], Stdio::piped);
    drop(child.stderr.take());
    twenty_answers(&base);
    send_signal(&child, "INT");
    let status = wait_bounded(&mut child, PATIENCE);
    assert_eq!(status.code(), Some(0), "{status}");
}

#[test]
fn a_full_stderr_costs_no_answer_and_no_panic() {
    let full = std::path::Path::new("/dev/full");
    if !full.exists() {
        eprintln!("skipped: no /dev/full here");
        return;
    }
    let stderr = || {
        Stdio::from(
            std::fs::OpenOptions::new()
                .write(true)
                .open(full)
                .expect("/dev/full opens"),
        )
    };
    let (mut child, base) = start_unheard(&[], stderr);
    twenty_answers(&base);
    send_signal(&child, "TERM");
    let status = wait_bounded(&mut child, PATIENCE);
    assert_eq!(status.code(), Some(0), "{status}");
}

#[test]
fn an_error_on_a_closed_stderr_keeps_its_exit_code() {
    let mut child = common::mesonero(["serve", "--data", "/nonexistent.json"])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary runs");
    drop(child.stderr.take());
    let status = wait_bounded(&mut child, PATIENCE);
    // 2 for the bad file, not 101 for a panic while saying so.
    assert_eq!(status.code(), Some(2), "{status}");
}
