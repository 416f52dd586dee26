//! Helpers for running the `mesonero` binary in tests.
//!
//! A run to its end goes through `assert_cmd` ([`cli`], [`bad_input`]), so
//! that a test reads as what it expects, `predicates` saying what of the
//! output:
//!
//! ```ignore
//! common::cli(["race", "--threads", "3"])
//!     .assert()
//!     .code(2)
//!     .stderr(predicate::str::contains("--threads"));
//! ```
//!
//! A child that must be watched as it runs (waited for, signalled, given a
//! terminal) is a plain [`std::process::Command`] from [`mesonero`], with
//! the helpers of `ready`, `serving` and `pty`.

#![allow(dead_code)]

pub mod chromium;
pub mod export;
pub mod pty;
pub mod ready;
pub mod redis;
pub mod serving;

use std::path::PathBuf;
use std::process::{Child, Command, ExitStatus, Output, Stdio};
use std::thread;
use std::time::{Duration, Instant};

use assert_cmd::assert::{Assert, OutputAssertExt};
use predicates::prelude::*;
use serde_json::Value;

/// The binary under test, built by cargo for integration tests.
pub const BIN: &str = env!("CARGO_BIN_EXE_mesonero");

/// A command running the binary with `args`, with no backtrace variables
/// inherited, so that a panic prints its usual `RUST_BACKTRACE` note; for
/// a child to spawn and watch. A run to its end is better as [`cli`].
pub fn mesonero<I, S>(args: I) -> Command
where
    I: IntoIterator<Item = S>,
    S: AsRef<std::ffi::OsStr>,
{
    let mut command = Command::new(BIN);
    command
        .args(args)
        .env_remove("RUST_BACKTRACE")
        .env_remove("RUST_LIB_BACKTRACE")
        .stdin(Stdio::null());
    command
}

/// [`mesonero`] as an `assert_cmd` command, to run to the end and check
/// with `.assert()`.
pub fn cli<I, S>(args: I) -> assert_cmd::Command
where
    I: IntoIterator<Item = S>,
    S: AsRef<std::ffi::OsStr>,
{
    assert_cmd::Command::from_std(mesonero(args))
}

/// Runs the binary with `args` to the end and returns what it printed.
pub fn run<I, S>(args: I) -> Output
where
    I: IntoIterator<Item = S>,
    S: AsRef<std::ffi::OsStr>,
{
    cli(args).output().expect("the binary runs")
}

/// Runs the binary and requires it to succeed, returning its stdout.
pub fn stdout_of(args: &[&str]) -> String {
    let assert = cli(args).assert().success().stderr(no_panic());
    String::from_utf8(assert.get_output().stdout.clone()).expect("stdout is UTF-8")
}

/// Fails with the command's stderr unless it exited with 0 and printed no
/// panic.
pub fn assert_success(output: &Output, args: &[&str]) {
    output
        .clone()
        .assert()
        .append_context("command", format!("mesonero {}", args.join(" ")))
        .success()
        .stderr(no_panic());
}

/// Holds for a stderr that shows no panic.
pub fn no_panic() -> impl Predicate<str> {
    predicate::str::contains("panicked")
        .or(predicate::str::contains("RUST_BACKTRACE"))
        .not()
}

/// Fails if `stderr` shows a panic.
pub fn assert_no_panic(stderr: &str) {
    assert!(no_panic().eval(stderr), "the process panicked:\n{stderr}");
}

/// Splits a log line into its `HH:MM:SS` timestamp and the rest, if it
/// starts with one followed by a space.
pub fn split_timestamp(line: &str) -> Option<(&str, &str)> {
    let bytes = line.as_bytes();
    if bytes.len() < 9 || bytes[8] != b' ' {
        return None;
    }
    let digits = [0, 1, 3, 4, 6, 7];
    let shape =
        digits.iter().all(|&i| bytes[i].is_ascii_digit()) && bytes[2] == b':' && bytes[5] == b':';
    shape.then(|| (&line[..8], &line[9..]))
}

/// Seconds since midnight of an `HH:MM:SS` timestamp.
pub fn seconds_of_day(timestamp: &str) -> u32 {
    let parts: Vec<u32> = timestamp
        .split(':')
        .map(|p| p.parse().expect("a number"))
        .collect();
    assert!(
        parts[0] < 24 && parts[1] < 60 && parts[2] < 60,
        "{timestamp}"
    );
    parts[0] * 3600 + parts[1] * 60 + parts[2]
}

/// The log of `restaurant --format log`, checked and split: every line
/// but the last is blank or starts with a timestamp; the result is the
/// lines without their timestamps, the timestamps, and the summary line.
pub struct Log {
    /// The lines without timestamps, blank lines kept, each ending in `\n`.
    pub text: String,
    /// Every timestamp, in order.
    pub timestamps: Vec<String>,
    /// The last line.
    pub summary: String,
}

/// Splits the output of `restaurant --format log`; see [`Log`].
pub fn parse_log(stdout: &str) -> Log {
    assert!(stdout.ends_with('\n'), "output ends without a newline");
    let mut lines: Vec<&str> = stdout.lines().collect();
    let summary = lines.pop().expect("at least a summary line").to_string();
    let mut text = String::new();
    let mut timestamps = Vec::new();
    for line in lines {
        if line.is_empty() {
            text.push('\n');
            continue;
        }
        let (timestamp, rest) = split_timestamp(line)
            .unwrap_or_else(|| panic!("line without an HH:MM:SS timestamp: {line:?}"));
        timestamps.push(timestamp.to_string());
        text.push_str(rest);
        text.push('\n');
    }
    Log {
        text,
        timestamps,
        summary,
    }
}

/// The article, when the checkout has it next to the crate.
pub fn article_path() -> PathBuf {
    shared("seed/asincronia-en-python.md")
}

/// A file of the reference data kept beside the checkout (`../shared`),
/// never copied into the repository.
pub fn shared(path: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../shared")
        .join(path)
}

/// `path` if it exists. Without it a test may be skipped on a developer's
/// machine, and says so; under CI (`CI` set) it fails instead, so that a
/// missing fixture cannot pass for a passing test.
pub fn fixture(path: PathBuf) -> Option<PathBuf> {
    if path.exists() {
        return Some(path);
    }
    assert!(
        std::env::var_os("CI").is_none(),
        "the fixture {} is missing, and CI is set",
        path.display()
    );
    eprintln!("skipped: the fixture {} is missing", path.display());
    None
}

/// The output block of `time python .../{script}` in the article, without
/// the command line, the `time` report and the timestamps: the log the
/// script printed, blank lines included.
pub fn article_output(article: &str, script: &str) -> String {
    let command = format!("/{script} ");
    let mut lines = article.lines();
    lines
        .by_ref()
        .find(|l| l.starts_with("time python") && format!("{l} ").contains(&command))
        .unwrap_or_else(|| panic!("the article has no `time python ...{script}` block"));
    let mut text = String::new();
    for line in lines {
        if line.starts_with("```") || line.starts_with("python ") {
            break;
        }
        if line.trim().is_empty() {
            text.push('\n');
            continue;
        }
        let (_, rest) = split_timestamp(line)
            .unwrap_or_else(|| panic!("unexpected line in the {script} block: {line:?}"));
        text.push_str(rest);
        text.push('\n');
    }
    assert!(!text.is_empty(), "the {script} block is empty");
    text
}

/// Waits for `child` at most `limit`; kills it and fails if it is still
/// running by then.
pub fn wait_bounded(child: &mut Child, limit: Duration) -> ExitStatus {
    let deadline = Instant::now() + limit;
    loop {
        if let Some(status) = child.try_wait().expect("try_wait") {
            return status;
        }
        if Instant::now() >= deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("mesonero did not end within {limit:?}; killed it");
        }
        thread::sleep(Duration::from_millis(20));
    }
}

/// Checks an input error: exit code 2, nothing on stdout, and on stderr one
/// `error: ` line naming the problem with every one of `needles`; only
/// clap's usual hints may follow it. No panic.
pub fn assert_bad_input(output: &Output, needles: &[&str]) {
    let stderr = String::from_utf8_lossy(&output.stderr);
    let first = stderr.lines().next().unwrap_or_default();
    for needle in needles {
        assert!(
            first.contains(needle),
            "the error line should contain {needle:?}:\n{stderr}"
        );
    }
    output
        .clone()
        .assert()
        .code(2)
        .stdout(predicate::str::is_empty())
        .stderr(one_error_line());
}

/// Runs the binary with `args` and checks it refused them as bad input:
/// exit code 2, nothing on stdout, one `error: ` line with clap's usual
/// hints at most, no panic. Returns the assertion, for what the line says:
///
/// ```ignore
/// bad_input(["race", "--threads", "3"]).stderr(predicate::str::contains("even"));
/// ```
pub fn bad_input<I, S>(args: I) -> Assert
where
    I: IntoIterator<Item = S>,
    S: AsRef<std::ffi::OsStr>,
{
    cli(args)
        .assert()
        .code(2)
        .stdout(predicate::str::is_empty())
        .stderr(one_error_line())
}

/// Holds for the stderr of bad input: an `error: ` line, then only clap's
/// usual hints, and no panic.
pub fn one_error_line() -> impl Predicate<str> {
    let hints_only = predicate::function(|stderr: &str| {
        stderr.lines().skip(1).all(|line| {
            line.is_empty()
                || line.starts_with("For more information")
                || line.starts_with("Usage: ")
                || line.starts_with("  [possible values: ")
                || line.starts_with("  tip: ")
        })
    });
    predicate::str::starts_with("error: ")
        .and(hints_only.name("nothing but clap's hints after the error line"))
        .and(no_panic())
}

/// The models, in the article's order, and their makespans on its workload.
pub const MODELS: [(&str, f64); 4] = [
    ("sync", 43.8),
    ("threads", 23.6),
    ("thread-per-product", 7.5),
    ("async", 7.5),
];

/// `args` after `prefix`.
pub fn with<'a>(prefix: &[&'a str], args: &[&'a str]) -> Vec<&'a str> {
    prefix.iter().chain(args).copied().collect()
}

/// The summary line without its wall time, which differs from run to run.
pub fn without_wall(summary: &str) -> &str {
    summary.split("; wall ").next().unwrap()
}

/// The rows of a virtual `compare --format json` run with `args`.
pub fn compare_json(args: &[&str]) -> Vec<Value> {
    let args = with(&["compare", "--clock", "virtual", "--format", "json"], args);
    let out = stdout_of(&args);
    let value: Value = serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}:\n{out}"));
    value.as_array().expect("a JSON array").clone()
}

/// The number under `key` in a JSON object.
pub fn number(object: &Value, key: &str) -> f64 {
    object[key]
        .as_f64()
        .unwrap_or_else(|| panic!("`{key}` should be a number in {object}"))
}

/// The makespan of each row of `compare --format json`.
pub fn makespans(rows: &[Value]) -> Vec<f64> {
    rows.iter().map(|r| number(r, "makespan_s")).collect()
}

/// The events of `restaurant --format json`, and its stderr.
pub fn json_events(args: &[&str]) -> (Vec<Value>, String) {
    let args = with(
        &["restaurant", "--clock", "virtual", "--format", "json"],
        args,
    );
    let output = run(&args);
    assert_success(&output, &args);
    let stdout = String::from_utf8(output.stdout).unwrap();
    let events = stdout
        .lines()
        .map(|line| {
            let event: Value =
                serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}: {line:?}"));
            assert!(event["at_s"].is_number(), "{line}");
            assert!(event["kind"].is_string(), "{line}");
            event
        })
        .collect();
    (events, String::from_utf8(output.stderr).unwrap())
}

/// Everything the child wrote to its piped stderr.
pub fn read_stderr(child: &mut Child) -> String {
    let mut stderr = String::new();
    if let Some(mut pipe) = child.stderr.take() {
        std::io::Read::read_to_string(&mut pipe, &mut stderr).expect("stderr is UTF-8");
    }
    stderr
}

/// Runs the binary with `args` and returns its exit code, stdout and
/// stderr, having checked that it did not panic.
pub fn outcome(args: &[&str]) -> (Option<i32>, String, String) {
    let out = run(args);
    let stderr = String::from_utf8_lossy(&out.stderr).to_string();
    assert_no_panic(&stderr);
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).to_string(),
        stderr,
    )
}

/// Sends SIGINT, as Ctrl-C does, to `child`; returns whether it was sent.
pub fn send_ctrl_c(child: &Child) -> bool {
    send_signal(child, "INT")
}

/// Sends the signal named `name` (`INT`, `TERM`) to `child`; returns
/// whether it was sent.
pub fn send_signal(child: &Child, name: &str) -> bool {
    Command::new("kill")
        .args([&format!("-{name}"), &child.id().to_string()])
        .status()
        .is_ok_and(|s| s.success())
}
