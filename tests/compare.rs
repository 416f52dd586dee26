//! `compare`, and `mesonero` with no command: the comparison table, its
//! JSON, and its makespans on the real clock.

mod common;

use serde_json::Value;

use common::{compare_json, makespans, number, stdout_of, MODELS};

// `mesonero` alone: the comparison table.

#[test]
fn no_command_prints_the_comparison_table() {
    let out = stdout_of(&["--clock", "virtual"]);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 2 + MODELS.len(), "{out}");
    let header: Vec<&str> = lines[0].split_whitespace().collect();
    assert_eq!(
        header,
        [
            "model", "waiters", "threads", "makespan", "ideal", "overhead", "speed-up", "loop",
            "blocked", "CPU", "cores", "busy", "wall"
        ]
    );
    assert!(
        lines[1].contains("--") && lines[1].chars().all(|c| c == '-' || c == ' '),
        "{out}"
    );
    let width = lines[0].chars().count();
    let expected = [
        vec![
            "sync", "2", "1", "43.8", "s", "43.8", "s", "+0.0", "%", "1.00x", "-", "0", "s", "0.00",
        ],
        vec![
            "threads", "2", "3", "23.6", "s", "23.6", "s", "+0.0", "%", "1.86x", "-", "0", "s",
            "0.00",
        ],
        vec![
            "thread-per-product",
            "1",
            "17",
            "7.5",
            "s",
            "7.5",
            "s",
            "+0.0",
            "%",
            "5.84x",
            "-",
            "0",
            "s",
            "0.00",
        ],
        vec![
            "async", "1", "1", "7.5", "s", "7.5", "s", "+0.0", "%", "5.84x", "0", "s", "0", "s",
            "0.00",
        ],
    ];
    for (line, row) in lines[2..].iter().zip(expected) {
        let cells: Vec<&str> = line.split_whitespace().collect();
        // The wall time, measured, is two more cells.
        assert_eq!(cells.len(), row.len() + 2, "{line}");
        assert_eq!(cells[..row.len()], row, "{line}");
        assert_eq!(line.chars().count(), width, "misaligned row in:\n{out}");
    }
}

#[test]
fn compare_prints_the_same_table_as_no_command() {
    let cells = |out: String| -> Vec<Vec<String>> {
        // Every line but the rule under the header, whose last dashes are
        // as wide as the wall times.
        out.lines()
            .enumerate()
            .filter(|&(i, _)| i != 1)
            .map(|(_, l)| l.split_whitespace().take(10).map(String::from).collect())
            .collect()
    };
    assert_eq!(
        cells(stdout_of(&["--clock", "virtual"])),
        cells(stdout_of(&["compare", "--clock", "virtual"]))
    );
}

// `compare --format json`.

#[test]
fn compare_json_has_one_object_per_model_with_the_articles_figures() {
    let rows = compare_json(&[]);
    assert_eq!(rows.len(), MODELS.len());
    for (row, ((model, makespan), waiters)) in rows.iter().zip(MODELS.iter().zip([2, 2, 1, 1])) {
        assert!(row.is_object(), "{row}");
        assert_eq!(row["model"], *model, "{row}");
        assert_eq!(row["waiters"], waiters, "{row}");
        assert_eq!(number(row, "makespan_s"), *makespan, "{row}");
        assert_eq!(number(row, "ideal_s"), *makespan, "{row}");
        assert!(number(row, "wall_s") >= 0.0, "{row}");
        assert_eq!(row["clock"], "virtual", "{row}");
    }
}

#[test]
fn compare_json_runs_only_the_models_asked_for() {
    let rows = compare_json(&["--models", "sync,async"]);
    let names: Vec<&str> = rows.iter().map(|r| r["model"].as_str().unwrap()).collect();
    assert_eq!(names, ["sync", "async"]);
    assert_eq!(makespans(&rows), [43.8, 7.5]);
}

#[test]
fn compare_runs_a_model_named_twice_once() {
    let rows = compare_json(&["--models", "sync,async,sync"]);
    let names: Vec<&str> = rows.iter().map(|r| r["model"].as_str().unwrap()).collect();
    assert_eq!(names, ["sync", "async"]);
}

// The real clock, fast.

#[test]
fn real_clock_makespans_are_near_the_ideal() {
    let out = stdout_of(&["compare", "--speed", "100", "--format", "json"]);
    let rows: Vec<Value> = serde_json::from_str(&out).unwrap();
    assert_eq!(rows.len(), MODELS.len());
    for (row, (model, ideal)) in rows.iter().zip(MODELS) {
        assert_eq!(row["model"], model);
        assert_eq!(row["clock"], "real");
        assert_eq!(number(row, "speed"), 100.0);
        assert_eq!(number(row, "ideal_s"), ideal);
        let makespan = number(row, "makespan_s");
        // Sleeps never end early; a busy machine may make them end late.
        assert!(
            makespan >= ideal - 0.01 && makespan <= 2.0 * ideal + 5.0,
            "{model}: {makespan} s against an ideal of {ideal} s"
        );
    }
}

#[test]
fn compare_exports_json_markdown_and_csv_files() {
    let dir = tempfile::tempdir().unwrap();
    let path = |name: &str| dir.path().join(name).to_str().unwrap().to_string();
    let (json, markdown, csv) = (path("c.json"), path("c.md"), path("c.csv"));
    let args = [
        "--clock",
        "virtual",
        "--export-json",
        &json,
        "--export-markdown",
        &markdown,
        "--export-csv",
        &csv,
    ];
    common::stdout_of(&args);
    let rows: Vec<serde_json::Value> =
        serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    assert_eq!(rows.len(), 4);
    let markdown = std::fs::read_to_string(&markdown).unwrap();
    assert!(
        markdown
            .lines()
            .nth(3)
            .unwrap()
            .starts_with("| `threads` | 2 | 3 | 23.600 |"),
        "{markdown}"
    );
    let csv = std::fs::read_to_string(&csv).unwrap();
    assert_eq!(csv.lines().count(), 5, "{csv}");
    assert!(
        csv.lines()
            .nth(4)
            .unwrap()
            .starts_with("async,1,,1,7.5,7.5,0,"),
        "{csv}"
    );

    let bad = common::run([
        "--clock",
        "virtual",
        "--export-csv",
        "/nonexistent/dir/x.csv",
    ]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr)
        .starts_with("error: cannot write '/nonexistent/dir/x.csv'"));
}

/// A model that fails does not take the others' rows with it: every row
/// that finished is printed, the failed model is named with its reason,
/// and the exit code is 1.
#[test]
fn a_failing_model_leaves_the_others_rows() {
    // One order of 65,535 products: thread-per-product needs a thread for
    // each, more than a system allows; the others serve it at once.
    let dir = tempfile::tempdir().unwrap();
    let sodas = vec!["\"soda\""; 65_535].join(", ");
    std::fs::write(
        dir.path().join("big.toml"),
        format!("menu = {{ soda = \"1ms\" }}\norders = [[{sodas}]]\n"),
    )
    .unwrap();
    let output = common::mesonero([
        "compare",
        "--clock",
        "virtual",
        "--workload",
        "big.toml",
        "--models",
        "sync,thread-per-product,async",
    ])
    .current_dir(dir.path())
    .output()
    .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    common::assert_no_panic(&stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    let lines: Vec<&str> = stdout.lines().collect();
    assert!(lines[2].starts_with("sync "), "{stdout}");
    assert!(lines[3].starts_with("async "), "{stdout}");
    assert!(
        lines[4].starts_with("thread-per-product stopped: "),
        "{stdout}"
    );
    assert_eq!(lines.len(), 5, "{stdout}");
    assert_eq!(
        stderr.trim_end(),
        format!("error: {}", lines[4]),
        "the error names the same failure"
    );
}
