//! One rule for every file a command writes: `-` is refused (standard
//! output carries the command's own output), a path that cannot be created
//! is refused before any work with exit code 2, and a write that fails
//! once the work began is a failure, exit code 1.

mod common;

use std::time::{Duration, Instant};

use common::{assert_bad_input, assert_no_panic, run};

/// Every output option, with what it needs around it to run quickly.
const OUTPUTS: [(&[&str], &str); 7] = [
    (&["compare", "--clock", "virtual"], "--export-json"),
    (&["compare", "--clock", "virtual"], "--export-markdown"),
    (&["compare", "--clock", "virtual"], "--export-csv"),
    (&["compare", "--clock", "virtual"], "--trace"),
    (
        &["race", "--iterations", "100", "--runs", "1"],
        "--export-csv",
    ),
    (&["fetch", "--ids", "1", "--server-delay", "0"], "--output"),
    (
        &["report", "--clock", "virtual", "--server-delay", "0"],
        "--output",
    ),
];

#[test]
fn a_dash_is_refused_for_every_output_file() {
    for (command, option) in OUTPUTS {
        let args = common::with(command, &[option, "-"]);
        assert_bad_input(
            &run(&args),
            &[
                option,
                "'-' is no file here: standard output carries the command's own output",
            ],
        );
    }
}

#[test]
fn a_path_that_cannot_be_created_is_refused_before_any_work() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("missing").join("out.svg");
    let missing = missing.to_str().unwrap();
    let timeline: (&[&str], &str) = (&["restaurant", "--speed", "1"], "--timeline");
    for (command, option) in OUTPUTS.into_iter().chain([timeline]) {
        let args = common::with(command, &[option, missing]);
        let started = Instant::now();
        let output = run(&args);
        assert_bad_input(&output, &[&format!("cannot write '{missing}'")]);
        // Refused before the work: the restaurant at speed 1 would take
        // 43.8 s, the report many more.
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "{args:?} took {:?}",
            started.elapsed()
        );
    }
}

#[test]
fn a_write_that_fails_after_the_work_is_a_failure() {
    for (command, option) in [
        (&["compare", "--clock", "virtual"][..], "--export-csv"),
        (&["compare", "--clock", "virtual"], "--trace"),
        (
            &["race", "--iterations", "100", "--runs", "1"],
            "--export-json",
        ),
    ] {
        let args = common::with(command, &[option, "/dev/full"]);
        let output = run(&args);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_no_panic(&stderr);
        assert_eq!(output.status.code(), Some(1), "{args:?}: {stderr}");
        assert_eq!(
            stderr,
            "error: writing '/dev/full' failed: No space left on device (os error 28)\n"
        );
        // What the work printed is printed all the same.
        assert!(!output.stdout.is_empty(), "{args:?}");
    }
}

/// Whatever a command says on stderr (a note, the server it started, the
/// page it wrote, its error), a full stderr loses the words, not the run.
#[test]
fn a_full_stderr_changes_nothing_but_the_words() {
    let dir = tempfile::tempdir().unwrap();
    let page = dir.path().join("r.html");
    let page = page.to_str().unwrap();
    for (args, code) in [
        (&["compare", "--clock", "virtual", "--models", "all"][..], 0),
        (&["fetch", "--ids", "1", "--server-delay", "0"], 0),
        (
            &[
                "report",
                "--clock",
                "virtual",
                "--server-delay",
                "0",
                "--race-iterations",
                "100",
                "--output",
                page,
            ],
            0,
        ),
        (&["--workload", "missing.toml"], 2),
    ] {
        let full = std::fs::OpenOptions::new()
            .write(true)
            .open("/dev/full")
            .unwrap();
        let output = common::mesonero(args).stderr(full).output().unwrap();
        assert_eq!(output.status.code(), Some(code), "{args:?}");
    }
}
