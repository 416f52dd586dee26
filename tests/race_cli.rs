//! `mesonero race` from the command line: the table, the JSON, the
//! balances of the fixes, and bad input.
//!
//! That `none` can lose an update in any run is proved by
//! `tests/loom_race.rs`; here it is seen, with the default work, which is
//! sized for the race to show even on a busy machine (`benches/race.sh`).

mod common;

use std::process::Stdio;
use std::time::{Duration, Instant};

use common::export::Exports;
use common::{assert_bad_input, mesonero, pty, run, stdout_of, wait_bounded, with};
use mesonero::race;
use serde_json::Value;

const MARKDOWN_HEADER: &str = "| strategy | threads | iterations | runs | min balance |";
const CSV_HEADER: &str = "strategy,threads,iterations,runs,min_balance,max_balance,";

#[test]
fn all_strategies_make_one_table_of_three_rows() {
    let out = stdout_of(&[
        "race",
        "--strategy",
        "all",
        "--iterations",
        "100000",
        "--runs",
        "2",
    ]);
    let lines: Vec<&str> = out.lines().collect();
    assert!(
        lines[0]
            .starts_with("2 threads, 1 adding 1 and 1 subtracting 1, 100000 times each; 2 runs"),
        "{out}"
    );
    assert!(lines[1].starts_with("strategy  "), "{out}");
    assert!(lines[1].contains("lost (at least)"), "{out}");
    assert!(lines[2].starts_with("--------  "), "{out}");
    let strategies: Vec<&str> = lines[3..6]
        .iter()
        .map(|l| l.split_whitespace().next().unwrap_or_default())
        .collect();
    assert_eq!(strategies, ["none", "mutex", "atomic"], "{out}");
    // The fixes end at 0 in both runs, so they lose nothing.
    for row in &lines[4..6] {
        let cells: Vec<&str> = row.split_whitespace().collect();
        assert_eq!(&cells[1..5], ["0", "2", "of", "2"], "{row}");
        assert_eq!(cells[5], "0", "{row}");
    }
}

fn json(args: &[&str]) -> Vec<Value> {
    let args: Vec<&str> = ["race", "--format", "json"]
        .iter()
        .chain(args)
        .copied()
        .collect();
    let out = stdout_of(&args);
    let value: Value = serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}:\n{out}"));
    value.as_array().expect("a JSON array").clone()
}

#[test]
fn json_has_every_runs_balance_and_the_median_figures() {
    let rows = json(&["--iterations", "20000", "--runs", "3", "--threads", "4"]);
    assert_eq!(rows.len(), 3);
    for (row, name) in rows.iter().zip(["none", "mutex", "atomic"]) {
        assert_eq!(row["strategy"], name);
        assert_eq!(row["threads"], 4);
        assert_eq!(row["iterations"], 20_000);
        assert_eq!(row["updates_per_run"], 80_000);
        let balances = row["balances"].as_array().expect("balances");
        assert_eq!(balances.len(), 3);
        let largest = balances
            .iter()
            .map(|b| b.as_i64().expect("an integer").unsigned_abs())
            .max();
        assert_eq!(row["lost_at_least"].as_u64(), largest, "{row}");
        assert_eq!(row["times_s"].as_array().map(Vec::len), Some(3));
        assert!(row["median_time_s"].as_f64().expect("a time") > 0.0);
        assert!(row["median_ns_per_update"].as_f64().expect("a rate") > 0.0);
    }
}

#[test]
fn without_a_lock_updates_are_lost() {
    // Ten runs of the default race. One run may end at 0 by luck; on a
    // busy two-core machine `benches/race.sh` sees all five runs of a try
    // end at 0 in fewer than one try in twenty.
    let rows = json(&["--strategy", "none", "--runs", "10"]);
    assert_eq!(rows.len(), 1);
    let balances = rows[0]["balances"].as_array().expect("balances");
    assert_eq!(balances.len(), 10);
    assert!(
        balances.iter().any(|b| b.as_i64() != Some(0)),
        "the race never showed: {}",
        rows[0]
    );
    assert!(rows[0]["lost_at_least"].as_u64() > Some(0), "{}", rows[0]);
}

#[test]
fn the_mutex_and_the_atomic_end_at_zero() {
    for strategy in ["mutex", "atomic"] {
        let rows = json(&[
            "--strategy",
            strategy,
            "--threads",
            "8",
            "--iterations",
            "50000",
        ]);
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0]["strategy"], strategy);
        assert_eq!(rows[0]["balances"], serde_json::json!([0, 0, 0, 0, 0]));
        assert_eq!(rows[0]["runs_at_zero"], serde_json::json!([1, 2, 3, 4, 5]));
        assert_eq!(rows[0]["ended_at_zero"], 5);
        assert_eq!(rows[0]["lost_at_least"], 0);
    }
}

#[test]
fn bad_input_is_one_line_and_exit_code_2() {
    let cases: [(&[&str], &[&str]); 7] = [
        (&["--threads", "3"], &["'--threads <N>'", "even number"]),
        (&["--threads", "0"], &["'--threads <N>'", "even number"]),
        (&["--threads", "2048"], &["'--threads <N>'", "2 to 1024"]),
        (
            &["--iterations", "0"],
            &["'--iterations <N>'", "1 to 1000000000"],
        ),
        (&["--iterations", "many"], &["'many' is not a number"]),
        (&["--runs", "0"], &["'--runs <N>'"]),
        (&["--strategy", "bogus"], &["'bogus'", "--strategy"]),
    ];
    for (args, needles) in cases {
        let args: Vec<&str> = ["race"].iter().chain(args).copied().collect();
        assert_bad_input(&run(&args), needles);
    }
}

#[test]
fn exports_hold_the_rows_that_ran() {
    let exports = Exports::new();
    let args = with(
        &["race", "--iterations", "20000", "--runs", "2"],
        &exports.args(),
    );
    let table = stdout_of(&args);
    assert!(table.contains("ns/update (median)"), "{table}");
    let rows = exports.check(&["none", "mutex", "atomic"], MARKDOWN_HEADER, CSV_HEADER);
    assert_eq!(rows[1]["balances"], serde_json::json!([0, 0]));
    let markdown = exports.markdown();
    assert!(
        markdown
            .lines()
            .nth(3)
            .unwrap()
            .starts_with("| `mutex` | 2 | 20000 | 2 | 0 | 0 | 2 | 0 | "),
        "{markdown}"
    );

    // One strategy: one row, and the JSON file is what stdout shows.
    let exports = Exports::new();
    let args = with(
        &[
            "race",
            "--strategy",
            "atomic",
            "--runs",
            "3",
            "--format",
            "json",
        ],
        &exports.args(),
    );
    let printed = stdout_of(&args);
    exports.check(&["atomic"], MARKDOWN_HEADER, CSV_HEADER);
    assert_eq!(exports.json_text(), printed);
    let csv = exports.csv();
    let fields: Vec<&str> = csv.lines().nth(1).unwrap().split(',').collect();
    assert_eq!(
        &fields[..8],
        [
            "atomic",
            "2",
            &race::DEFAULT_ITERATIONS.to_string(),
            "3",
            "0",
            "0",
            "3",
            "0"
        ],
        "{csv}"
    );
}

#[test]
fn a_bad_export_path_is_refused_before_any_race() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("missing").join("race.md");
    let path = path.to_str().unwrap();
    // 400 million locked updates: several seconds, were they made.
    let args = [
        "race",
        "--strategy",
        "mutex",
        "--iterations",
        "200000000",
        "--runs",
        "1",
        "--export-markdown",
        path,
    ];
    let started = Instant::now();
    let output = run(args);
    assert_bad_input(&output, &[&format!("cannot write '{path}': ")]);
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "raced first: {:?}",
        started.elapsed()
    );
}

#[test]
fn on_ctrl_c_the_strategies_that_finished_are_exported() {
    let exports = Exports::new();
    // `none` makes its 100 runs in well under a second; the mutex, tens
    // of times slower per update, needs several. Ctrl-C comes once the
    // progress line, shown on a terminal only, says the mutex's turn has
    // come: `none` has finished.
    let args = with(
        &["race", "--iterations", "1000000", "--runs", "100"],
        &exports.args(),
    );
    let mut command = mesonero(&args);
    command.stdout(Stdio::null());
    let (mut child, terminal) = pty::spawn_on_terminal(&mut command);
    terminal.wait_for(&mut child, "racing with mutex (2 of 3)...");
    assert!(common::send_ctrl_c(&child), "kill -INT failed");
    let status = wait_bounded(&mut child, Duration::from_secs(30));
    let stderr = pty::visible(&terminal.finish());
    assert_eq!(status.code(), Some(130), "{stderr}");
    // `error: mutex interrupted after 12 of 100 runs`: the strategies
    // before that one finished, and only they are exported.
    let interrupted = stderr
        .strip_prefix("error: ")
        .and_then(|rest| rest.split_whitespace().next())
        .unwrap_or_else(|| panic!("{stderr}"));
    let all = ["none", "mutex", "atomic"];
    assert!(all[1..].contains(&interrupted), "{stderr}");
    let finished: Vec<&str> = all.into_iter().take_while(|&s| s != interrupted).collect();
    exports.check(&finished, MARKDOWN_HEADER, CSV_HEADER);
}
