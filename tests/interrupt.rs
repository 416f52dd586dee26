//! A run cut short: a reader that closes the pipe, and Ctrl-C on the real
//! clock.

mod common;

use std::io::{BufRead, BufReader};
use std::process::Stdio;
use std::time::{Duration, Instant};

use common::export::Exports;
use common::ready::Captured;
use common::{assert_no_panic, mesonero, pty, read_stderr, wait_bounded, with};

// A reader that goes away.

/// Runs `args`, reads one line of its output, closes the pipe, and checks
/// the process ends with 0 and no panic. Returns how long it ran.
fn assert_survives_a_closed_pipe(args: &[&str]) -> Duration {
    let started = Instant::now();
    let mut child = mesonero(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    stdout.read_line(&mut line).unwrap();
    assert!(!line.is_empty(), "no output from {args:?}");
    drop(stdout);
    let status = wait_bounded(&mut child, Duration::from_secs(60));
    let stderr = read_stderr(&mut child);
    assert_no_panic(&stderr);
    assert!(!stderr.contains("error"), "{args:?}: {stderr}");
    assert!(status.success(), "{args:?} ended with {status}: {stderr}");
    started.elapsed()
}

/// At speed 1 the sync run takes 43.8 s; once the reader is gone nobody
/// can see the rest, so it must stop at its next line.
#[test]
fn a_closed_pipe_stops_a_real_clock_run() {
    for model in ["sync", "threads", "async"] {
        let took = assert_survives_a_closed_pipe(&["restaurant", "--speed", "1", "--model", model]);
        // Generous: the first product alone would take 1 s; the whole run 43.8.
        assert!(
            took < Duration::from_secs(20),
            "{model} ran on for {took:?}"
        );
    }
}

#[test]
fn a_closed_pipe_ends_the_log_quietly() {
    for model in ["sync", "threads", "async"] {
        assert_survives_a_closed_pipe(&[
            "restaurant",
            "--clock",
            "virtual",
            "--repeat",
            "1000",
            "--model",
            model,
        ]);
    }
    assert_survives_a_closed_pipe(&[
        "restaurant",
        "--clock",
        "virtual",
        "--repeat",
        "200",
        "--model",
        "thread-per-product",
    ]);
}

#[test]
fn a_closed_pipe_ends_the_json_events_quietly() {
    assert_survives_a_closed_pipe(&[
        "restaurant",
        "--clock",
        "virtual",
        "--repeat",
        "1000",
        "--model",
        "async",
        "--format",
        "json",
    ]);
}

#[test]
fn a_closed_pipe_on_the_real_clock_ends_quietly() {
    assert_survives_a_closed_pipe(&["restaurant", "--speed", "1000", "--repeat", "20"]);
}

// Ctrl-C on the real clock.

/// What an interrupted run printed.
struct Interrupted {
    code: Option<i32>,
    stdout: Vec<String>,
    /// Stderr; on a terminal, what the terminal shows once the progress
    /// line is cleared.
    stderr: String,
    /// From the signal to the end of the process.
    took: Duration,
}

/// What the run shows once it is where the test wants Ctrl-C.
#[derive(Clone, Copy)]
enum Ready<'a> {
    /// A text of its log, on stdout.
    Log(&'a str),
    /// A text of its progress line, which it shows only on a terminal:
    /// stderr is then a pseudo-terminal.
    Progress(&'a str),
}

/// Once each model has asked for order 0's burger, nothing else happens
/// for a second at least at `--speed 1`, and no order is dispatched for
/// 7.5 s: the run is in the middle of a wait.
const WAITING: Ready = Ready::Log("Request burger. Wait 7.5 seg...");

/// Starts `args`, waits until the run shows `ready`, sends SIGINT, and
/// collects the rest.
fn interrupt(args: &[&str], ready: Ready) -> Interrupted {
    let mut command = mesonero(args);
    command.stdout(Stdio::piped());
    let (mut child, stderr) = match ready {
        Ready::Log(_) => {
            let mut child = command.stderr(Stdio::piped()).spawn().unwrap();
            let stderr = Captured::new(child.stderr.take().unwrap());
            (child, stderr)
        }
        Ready::Progress(_) => pty::spawn_on_terminal(&mut command),
    };
    let stdout = Captured::new(child.stdout.take().unwrap());
    match ready {
        Ready::Log(text) => stdout.wait_for(&mut child, text),
        Ready::Progress(text) => stderr.wait_for(&mut child, text),
    }
    assert!(common::send_ctrl_c(&child), "kill -INT failed");
    let signalled = Instant::now();
    let status = wait_bounded(&mut child, Duration::from_secs(15));
    let took = signalled.elapsed();
    let stderr = match ready {
        Ready::Log(_) => stderr.finish(),
        Ready::Progress(_) => pty::visible(&stderr.finish()),
    };
    Interrupted {
        code: status.code(),
        stdout: stdout.finish().lines().map(str::to_string).collect(),
        stderr,
        took,
    }
}

fn assert_interrupted_at_the_start(args: &[&str], ready: Ready) {
    let run = interrupt(args, ready);
    assert_no_panic(&run.stderr);
    assert_eq!(run.code, Some(130), "{args:?}: {}", run.stderr);
    assert!(
        run.took < Duration::from_secs(5),
        "{args:?} took {:?} to stop",
        run.took
    );
    // At speed 1 the first order is dispatched after 7.5 s at the soonest.
    // The message names the model serving: `--model`'s, or sync, which is
    // both restaurant's default and compare's first.
    let model = args
        .windows(2)
        .find(|pair| pair[0] == "--model")
        .map_or("sync", |pair| pair[1]);
    assert_eq!(
        run.stderr,
        format!("error: {model} interrupted: 4 of 4 orders were still pending: 0, 1, 2, 3\n"),
        "{args:?}"
    );
    assert!(
        !run.stdout.iter().any(|l| l.contains(": 4 orders, ")),
        "{args:?}: an interrupted run printed a summary: {:?}",
        run.stdout
    );
}

#[test]
fn ctrl_c_stops_the_threads_model_and_names_the_pending_orders() {
    assert_interrupted_at_the_start(
        &["restaurant", "--model", "threads", "--speed", "1"],
        WAITING,
    );
}

#[test]
fn ctrl_c_stops_the_async_model_and_names_the_pending_orders() {
    assert_interrupted_at_the_start(&["restaurant", "--model", "async", "--speed", "1"], WAITING);
}

#[test]
fn ctrl_c_stops_the_sync_and_thread_per_product_models() {
    for model in ["sync", "thread-per-product"] {
        assert_interrupted_at_the_start(&["restaurant", "--model", model, "--speed", "1"], WAITING);
    }
}

/// The lesson's models stop at once too: a blocking sleep on the loop's
/// thread (async-blocking) or on the pool's (async-offload) wakes on the
/// stop, and the multi-threaded runtime's workers stop with it.
#[test]
fn ctrl_c_stops_the_lessons_models_even_mid_blocking_call() {
    for model in [
        "async-blocking",
        "async-sequential",
        "async-offload",
        "async-multi",
    ] {
        assert_interrupted_at_the_start(&["restaurant", "--model", model, "--speed", "1"], WAITING);
    }
}

#[test]
fn ctrl_c_stops_compare() {
    // compare prints nothing but its progress line until the end.
    assert_interrupted_at_the_start(
        &["compare", "--speed", "1"],
        Ready::Progress("serving with sync (1 of 4)..."),
    );
}

#[test]
fn ctrl_c_exports_the_models_compare_served() {
    let exports = Exports::new();
    // At speed 10, async serves in 0.75 s and sync in 4.4 s: Ctrl-C comes
    // once sync has begun serving, seconds before it can end.
    let dir = tempfile::tempdir().unwrap();
    let svg = dir.path().join("served.svg");
    let picture = ["--timeline", svg.to_str().unwrap()];
    let args = with(&["compare", "--models", "async,sync"], &exports.args());
    let args = with(&args, &picture);
    let run = interrupt(&args, Ready::Progress("serving with sync (2 of 2)..."));
    assert_no_panic(&run.stderr);
    assert_eq!(run.code, Some(130), "{}", run.stderr);
    assert!(
        run.stderr.starts_with("error: sync interrupted: "),
        "{}",
        run.stderr
    );
    let rows = exports.check(&["async"], "| model | waiters |", "model,waiters,cooks,");
    assert_eq!(rows[0]["clock"], "real", "{}", rows[0]);
    // The timeline too draws what was served: async's eleven products.
    let drawn = std::fs::read_to_string(&svg).expect("the timeline of async");
    assert_eq!(
        drawn.matches(r#"class="bar" data-model="async""#).count(),
        11
    );
    assert!(!drawn.contains(r#"data-model="sync""#));
}

#[test]
fn ctrl_c_lists_only_the_orders_not_yet_dispatched() {
    // Interrupted right after the first dispatch (0.85 s in at speed 10),
    // well before the last (2.36 s): the orders reported pending are those
    // the log did not dispatch.
    let run = interrupt(
        &["restaurant", "--model", "threads", "--speed", "10"],
        Ready::Log("Done dispatch!"),
    );
    assert_no_panic(&run.stderr);
    assert_eq!(run.code, Some(130), "{}", run.stderr);
    let pending: Vec<String> = (0..4)
        .filter(|order| {
            let done = format!("[Order: {order}] --------Done dispatch!");
            !run.stdout.iter().any(|l| l.contains(&done))
        })
        .map(|order| order.to_string())
        .collect();
    assert!(
        (1..=3).contains(&pending.len()),
        "{:?}\n{}",
        run.stdout,
        run.stderr
    );
    assert_eq!(
        run.stderr,
        format!(
            "error: threads interrupted: {} of 4 orders were still pending: {}\n",
            pending.len(),
            pending.join(", ")
        )
    );
}

#[test]
fn ctrl_c_leaves_no_empty_pictures_behind() {
    let dir = tempfile::tempdir().unwrap();
    let svg = dir.path().join("timeline.svg");
    let trace = dir.path().join("trace.json");
    let (svg_arg, trace_arg) = (svg.to_str().unwrap(), trace.to_str().unwrap());
    let args = [
        "restaurant",
        "--model",
        "async",
        "--speed",
        "1",
        "--timeline",
        svg_arg,
        "--trace",
        trace_arg,
    ];
    let run = interrupt(&args, WAITING);
    assert_no_panic(&run.stderr);
    assert_eq!(run.code, Some(130), "{}", run.stderr);
    assert!(!svg.exists(), "an empty timeline was left behind");
    assert!(!trace.exists(), "an empty trace was left behind");
}
