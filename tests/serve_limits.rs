//! `mesonero serve` against clients that misbehave, and with a stderr
//! nobody reads: slow and silent clients are cut at their timeouts, a cap
//! bounds the connections held, a stop ends within its grace period, and
//! a closed or full stderr costs no answer and no panic.
//!
//! Timeouts are set short through the options; readiness comes from the
//! server's own lines (`RUST_LOG=...mesonero::connections=debug` logs each
//! connection), never from a fixed sleep. Loopback only.

mod common;

use std::io::Write;
use std::net::TcpStream;
use std::process::Stdio;
use std::time::{Duration, Instant};

use common::serving::{
    connect, get, read_answer, read_until_closed, send_signal, start_unheard, Serving, PATIENCE,
};
use common::wait_bounded;

/// Logs every connection's opening, timeouts and close, beside the
/// request lines.
const CONNECTION_LOG: (&str, &str) = ("RUST_LOG", "info,mesonero::connections=debug");

fn serve_logging_connections(args: &[&str]) -> Serving {
    Serving::start_with_env(args, &[CONNECTION_LOG])
}

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
    let Some(full) = common::fixture(std::path::PathBuf::from("/dev/full")) else {
        return;
    };
    let stderr = || {
        Stdio::from(
            std::fs::OpenOptions::new()
                .write(true)
                .open(&full)
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

#[test]
fn a_stalled_request_head_is_cut_at_the_header_timeout() {
    let mut server = serve_logging_connections(&["--header-timeout", "1s", "--idle-timeout", "1h"]);
    let mut stream = connect(&server.addr).unwrap();
    stream.write_all(b"GET /api/people/1/ HT").unwrap();
    let (received, took) = read_until_closed(&mut stream);
    assert!(
        received.is_empty(),
        "{:?}",
        String::from_utf8_lossy(&received)
    );
    // Closed by the 1 s header timeout, not by the hour of idle timeout.
    assert!(
        took >= Duration::from_millis(800) && took < PATIENCE,
        "{took:?}"
    );
    let me = stream.local_addr().unwrap().to_string();
    server.wait_for_line(
        |l| l.contains(&format!("{me} closed: no complete request head within 1s")),
        PATIENCE,
    );
    let (code, rest) = server.stop_with("TERM");
    assert_eq!(code, Some(0), "{rest}");
}

#[test]
fn idle_connections_are_closed_at_the_idle_timeout() {
    let server = serve_logging_connections(&["--idle-timeout", "1s", "--header-timeout", "1h"]);
    // One that was answered and kept alive...
    let mut answered = connect(&server.addr).unwrap();
    let (status, body) = get(&mut answered, "/healthz", false);
    assert_eq!((status, body.as_str()), (200, "ok"));
    // ...and one that never says a word.
    let mut silent = connect(&server.addr).unwrap();
    for stream in [&mut answered, &mut silent] {
        let (received, took) = read_until_closed(stream);
        assert!(received.is_empty());
        assert!(took < PATIENCE, "{took:?}");
    }
    let (code, rest) = server.stop_with("TERM");
    assert_eq!(code, Some(0), "{rest}");
    assert_eq!(rest.matches(" closed: idle for 1s").count(), 2, "{rest}");
}

#[test]
fn past_the_cap_a_client_waits_until_an_idle_connection_closes() {
    let mut server = serve_logging_connections(&[
        "--max-connections",
        "4",
        "--idle-timeout",
        "1s",
        "--header-timeout",
        "1h",
    ]);
    let silent: Vec<TcpStream> = (0..4).map(|_| connect(&server.addr).unwrap()).collect();
    for _ in 0..4 {
        server.wait_for_line(|l| l.ends_with(" connected\n"), PATIENCE);
    }
    // The fifth is not accepted while the four are open; it waits in the
    // system's queue, and is answered once one of them has idled out.
    let started = Instant::now();
    let mut fifth = connect(&server.addr).unwrap();
    let (status, _) = get(&mut fifth, "/healthz", true);
    let waited = started.elapsed();
    assert_eq!(status, 200);
    assert!(
        waited >= Duration::from_millis(500) && waited < PATIENCE,
        "{waited:?}"
    );
    drop(silent);
    let (code, rest) = server.stop_with("TERM");
    assert_eq!(code, Some(0), "{rest}");
    // Four open at once, never more, by the server's own log: a place is
    // given back only after its connection's close is logged.
    let (mut open, mut most) = (0, 0);
    for line in rest.lines() {
        if line.ends_with(" connected") {
            open += 1;
        } else if line.contains(" closed") {
            open -= 1;
        }
        most = most.max(open);
    }
    assert_eq!(most, 4, "{rest}");
}

#[test]
fn a_stop_cuts_off_a_half_sent_request_after_the_grace_period() {
    let mut server = serve_logging_connections(&["--grace", "1s", "--header-timeout", "1h"]);
    let mut half = connect(&server.addr).unwrap();
    half.write_all(b"GET /api/people/1/ HTTP/1.1\r\nHost: 127.0.0.1\r\n")
        .unwrap();
    let me = half.local_addr().unwrap().to_string();
    server.wait_for_line(|l| l.contains(&format!("{me} began a request")), PATIENCE);
    let started = Instant::now();
    server.signal("TERM");
    let (code, rest) = server.wait(Duration::from_secs(1) + PATIENCE);
    let took = started.elapsed();
    assert_eq!(code, Some(0), "{rest}");
    assert!(took >= Duration::from_millis(800), "{took:?}");
    assert!(took < Duration::from_secs(6), "1 s of grace took {took:?}");
    assert!(
        rest.ends_with(
            "stopped after 0 requests; cut off 1 connection still open after the 1s grace period\n"
        ),
        "{rest}"
    );
    let (received, _) = read_until_closed(&mut half);
    assert!(received.is_empty());
}

#[test]
fn a_second_sigterm_ends_the_grace_period_at_once() {
    let mut server = serve_logging_connections(&["--grace", "1h", "--delay", "1h"]);
    let mut waiting = connect(&server.addr).unwrap();
    waiting
        .write_all(b"GET /api/people/1/ HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        .unwrap();
    let me = waiting.local_addr().unwrap().to_string();
    server.wait_for_line(|l| l.contains(&format!("{me} began a request")), PATIENCE);
    server.signal("TERM");
    server.wait_for_line(|l| l.starts_with("stopping: "), PATIENCE);
    let started = Instant::now();
    server.signal("TERM");
    let (code, rest) = server.wait(PATIENCE);
    assert_eq!(code, Some(0), "{rest}");
    assert!(started.elapsed() < PATIENCE);
    assert!(
        rest.ends_with(
            "stopped after 1 request; cut off 1 connection still open at the second stop signal\n"
        ),
        "{rest}"
    );
}

#[test]
fn a_request_in_flight_at_a_stop_is_answered_within_the_grace_period() {
    let mut server = serve_logging_connections(&["--grace", "10s", "--delay", "300ms"]);
    let mut waiting = connect(&server.addr).unwrap();
    waiting
        .write_all(b"GET /api/people/1/ HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        .unwrap();
    let me = waiting.local_addr().unwrap().to_string();
    server.wait_for_line(|l| l.contains(&format!("{me} began a request")), PATIENCE);
    server.signal("INT");
    let (status, body) = read_answer(&mut waiting);
    assert_eq!(status, 200, "{body}");
    let (code, rest) = server.wait(PATIENCE);
    assert_eq!(code, Some(0), "{rest}");
    assert!(rest.ends_with("stopped after 1 request\n"), "{rest}");
}
