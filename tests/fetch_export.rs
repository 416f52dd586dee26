//! `mesonero fetch --compare` exports, end to end, against a server on
//! 127.0.0.1 (the built-in one, or the test's own, which counts the
//! requests): the files are written even when ids fail or the run is
//! stopped, refused without `--compare`, and a bad path fails before any
//! request.

mod common;
mod fetch_support;

use std::process::Stdio;
use std::time::{Duration, Instant};

use common::export::Exports;
use common::ready::wait_while_running;
use common::{assert_bad_input, mesonero, outcome, read_stderr, run, with};
use fetch_support::{Config, TestApi};

const MODELS: [&str; 3] = ["sequential", "threads", "async"];
const MARKDOWN_HEADER: &str =
    "| model | concurrency | ok | failed | retries | requests | wall [s] |";
const CSV_HEADER: &str = "model,concurrency,ids,ok,failed,interrupted,retries,requests,wall_s,";

#[test]
fn compare_exports_its_rows_even_when_some_ids_fail() {
    // Nobody has id 99999999: the built-in server answers 404, which is
    // not retried, and the verdict is exit code 1.
    let exports = Exports::new();
    let args = with(
        &[
            "fetch",
            "--compare",
            "--server-delay",
            "10ms",
            "--ids",
            "1-3,99999999",
        ],
        &exports.args(),
    );
    let (code, table, stderr) = outcome(&args);
    assert_eq!(code, Some(1), "{stderr}");
    assert!(
        stderr.starts_with("serving the built-in people API on http://127.0.0.1:"),
        "{stderr}"
    );
    assert!(stderr.contains("1 of 4 ids failed"), "{stderr}");
    assert!(table.starts_with("model "), "{table}");
    let rows = exports.check(&MODELS, MARKDOWN_HEADER, CSV_HEADER);
    for row in &rows {
        assert_eq!(
            (row["ok"].as_u64(), row["failed"].as_u64()),
            (Some(3), Some(1)),
            "{row}"
        );
        assert_eq!(
            row["answers"],
            serde_json::json!({"200": 3, "404": 1}),
            "{row}"
        );
    }
    let markdown = exports.markdown();
    assert!(
        markdown
            .lines()
            .nth(2)
            .unwrap()
            .starts_with("| `sequential` | 1 | 3 | 1 | 0 | 4 | "),
        "{markdown}"
    );
    let csv = exports.csv();
    assert!(
        csv.lines()
            .nth(3)
            .unwrap()
            .starts_with("async,100,4,3,1,0,0,4,"),
        "{csv}"
    );

    // With --format json, the JSON file is what stdout shows.
    let exports = Exports::new();
    let args = with(
        &[
            "fetch",
            "--compare",
            "--server-delay",
            "10ms",
            "--ids",
            "1,4",
            "--format",
            "json",
        ],
        &exports.args(),
    );
    let (code, printed, stderr) = outcome(&args);
    assert_eq!(code, Some(0), "{stderr}");
    exports.check(&MODELS, MARKDOWN_HEADER, CSV_HEADER);
    assert_eq!(exports.json_text(), printed);
}

#[test]
fn exports_need_compare() {
    let dir = tempfile::tempdir().unwrap();
    for (flag, name) in [
        ("--export-json", "f.json"),
        ("--export-markdown", "f.md"),
        ("--export-csv", "f.csv"),
    ] {
        let path = dir.path().join(name);
        let (code, stdout, stderr) = outcome(&["fetch", flag, path.to_str().unwrap()]);
        assert_eq!(code, Some(2), "{flag}: {stderr}");
        assert!(
            stderr.starts_with(
                "error: the following required arguments were not provided:\n  --compare\n"
            ),
            "{flag}: {stderr}"
        );
        assert!(stdout.is_empty(), "{flag}: {stdout}");
        assert!(!path.exists(), "{flag}");
    }
}

#[test]
fn a_bad_export_path_is_refused_before_any_request() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("missing").join("fetch.csv");
    let path = path.to_str().unwrap();
    let started = Instant::now();
    // Were the server started, it would say so on stderr first; were the
    // id fetched, it would take three seconds per model.
    let output = run([
        "fetch",
        "--compare",
        "--ids",
        "1",
        "--server-delay",
        "3s",
        "--export-csv",
        path,
    ]);
    assert_bad_input(&output, &[&format!("cannot write '{path}': ")]);
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "{:?}",
        started.elapsed()
    );
}

#[test]
fn on_ctrl_c_the_models_that_ran_are_exported() {
    let api = TestApi::start(Config {
        delay: Duration::from_millis(300),
        ..Config::default()
    });
    let exports = Exports::new();
    // Sequential takes 9 × 300 ms; Ctrl-C comes once its second request
    // has arrived: the first id has ended, and seven are still to come.
    let args = with(&["fetch", "--compare", "--api", &api.api], &exports.args());
    let mut child = mesonero(&args)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    wait_while_running(&mut child, "a second request received", || {
        api.people_requests() >= 2
    });
    assert!(common::send_ctrl_c(&child), "kill -INT failed");
    let status = common::wait_bounded(&mut child, Duration::from_secs(30));
    let stderr = read_stderr(&mut child);
    assert_eq!(status.code(), Some(130), "{stderr}");
    let rows = exports.check(&["sequential"], MARKDOWN_HEADER, CSV_HEADER);
    let interrupted = rows[0]["interrupted"].as_u64().unwrap();
    assert!((1..9).contains(&interrupted), "{}", rows[0]);
    let ok = rows[0]["ok"].as_u64().unwrap();
    assert!(
        ok >= 1,
        "the first id was fetched before Ctrl-C: {}",
        rows[0]
    );
    let ended = ok + rows[0]["failed"].as_u64().unwrap();
    assert_eq!(ended, 9, "{}", rows[0]);
}
