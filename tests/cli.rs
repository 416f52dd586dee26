//! The `mesonero` command line, run as a user would: the article's figures
//! and logs on the virtual clock, the options, bad input, a closed pipe and
//! Ctrl-C.

mod common;

use std::io::{BufRead, BufReader, Read};
use std::process::{Command, Stdio};
use std::thread;
use std::time::{Duration, Instant};

use serde_json::Value;

use common::{
    article_output, article_path, assert_bad_input, assert_no_panic, assert_success, mesonero,
    parse_log, run, seconds_of_day, stdout_of, wait_bounded,
};

/// The log of the article's `sync.py`, without its timestamps: one waiter
/// serves every order while the other is never called.
const SYNC_LOG: &str = "\
Received orders
<Waiter: 1> [Order: 0] ********Request order!********
<Waiter: 1> [Order: 0] Request burger. Wait 7.5 seg...
<Waiter: 1> [Order: 0] Done burger
<Waiter: 1> [Order: 0] Request soda. Wait 1 seg...
<Waiter: 1> [Order: 0] Done soda
<Waiter: 1> [Order: 0] Done order!
<Waiter: 1> [Order: 0] Dispatch burger
<Waiter: 1> [Order: 0] Dispatch soda
<Waiter: 1> [Order: 0] --------Done dispatch!--------

<Waiter: 1> [Order: 1] ********Request order!********
<Waiter: 1> [Order: 1] Request burger. Wait 7.5 seg...
<Waiter: 1> [Order: 1] Done burger
<Waiter: 1> [Order: 1] Request burger. Wait 7.5 seg...
<Waiter: 1> [Order: 1] Done burger
<Waiter: 1> [Order: 1] Request beer. Wait 1.2 seg...
<Waiter: 1> [Order: 1] Done beer
<Waiter: 1> [Order: 1] Request frites. Wait 4 seg...
<Waiter: 1> [Order: 1] Done frites
<Waiter: 1> [Order: 1] Done order!
<Waiter: 1> [Order: 1] Dispatch burger
<Waiter: 1> [Order: 1] Dispatch burger
<Waiter: 1> [Order: 1] Dispatch beer
<Waiter: 1> [Order: 1] Dispatch frites
<Waiter: 1> [Order: 1] --------Done dispatch!--------

<Waiter: 1> [Order: 2] ********Request order!********
<Waiter: 1> [Order: 2] Request beer. Wait 1.2 seg...
<Waiter: 1> [Order: 2] Done beer
<Waiter: 1> [Order: 2] Request beer. Wait 1.2 seg...
<Waiter: 1> [Order: 2] Done beer
<Waiter: 1> [Order: 2] Request beer. Wait 1.2 seg...
<Waiter: 1> [Order: 2] Done beer
<Waiter: 1> [Order: 2] Done order!
<Waiter: 1> [Order: 2] Dispatch beer
<Waiter: 1> [Order: 2] Dispatch beer
<Waiter: 1> [Order: 2] Dispatch beer
<Waiter: 1> [Order: 2] --------Done dispatch!--------

<Waiter: 1> [Order: 3] ********Request order!********
<Waiter: 1> [Order: 3] Request burger. Wait 7.5 seg...
<Waiter: 1> [Order: 3] Done burger
<Waiter: 1> [Order: 3] Request frites. Wait 4 seg...
<Waiter: 1> [Order: 3] Done frites
<Waiter: 1> [Order: 3] Done order!
<Waiter: 1> [Order: 3] Dispatch burger
<Waiter: 1> [Order: 3] Dispatch frites
<Waiter: 1> [Order: 3] --------Done dispatch!--------

";

/// The models, in the article's order, and their makespans on its workload.
const MODELS: [(&str, f64); 4] = [
    ("sync", 43.8),
    ("threads", 23.6),
    ("thread-per-product", 7.5),
    ("async", 7.5),
];

/// `args` after `prefix`.
fn with<'a>(prefix: &[&'a str], args: &[&'a str]) -> Vec<&'a str> {
    prefix.iter().chain(args).copied().collect()
}

/// The summary line without its wall time, which differs from run to run.
fn without_wall(summary: &str) -> &str {
    summary.split("; wall ").next().unwrap()
}

/// Seconds from one timestamp to a later one, across midnight if need be.
fn seconds_between(earlier: &str, later: &str) -> u32 {
    (seconds_of_day(later) + 86_400 - seconds_of_day(earlier)) % 86_400
}

// 1. `mesonero` alone: the comparison table.

#[test]
fn no_command_prints_the_comparison_table() {
    let out = stdout_of(&["--clock", "virtual"]);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 2 + MODELS.len(), "{out}");
    let header: Vec<&str> = lines[0].split_whitespace().collect();
    assert_eq!(
        header,
        ["model", "waiters", "threads", "makespan", "ideal", "overhead", "speed-up", "wall"]
    );
    assert!(
        lines[1].contains("--") && lines[1].chars().all(|c| c == '-' || c == ' '),
        "{out}"
    );
    let width = lines[0].chars().count();
    let expected = [
        [
            "sync", "2", "1", "43.8", "s", "43.8", "s", "+0.0", "%", "1.00x",
        ],
        [
            "threads", "2", "3", "23.6", "s", "23.6", "s", "+0.0", "%", "1.86x",
        ],
        [
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
        ],
        [
            "async", "1", "1", "7.5", "s", "7.5", "s", "+0.0", "%", "5.84x",
        ],
    ];
    for (line, row) in lines[2..].iter().zip(expected) {
        let cells: Vec<&str> = line.split_whitespace().collect();
        assert_eq!(cells.len(), 12, "{line}");
        assert_eq!(cells[..10], row, "{line}");
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

// 2. `compare --format json`.

fn compare_json(args: &[&str]) -> Vec<Value> {
    let args = with(&["compare", "--clock", "virtual", "--format", "json"], args);
    let out = stdout_of(&args);
    let value: Value = serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}:\n{out}"));
    value.as_array().expect("a JSON array").clone()
}

fn number(object: &Value, key: &str) -> f64 {
    object[key]
        .as_f64()
        .unwrap_or_else(|| panic!("`{key}` should be a number in {object}"))
}

fn makespans(rows: &[Value]) -> Vec<f64> {
    rows.iter().map(|r| number(r, "makespan_s")).collect()
}

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

// 3. `restaurant`: the article's logs.

#[test]
fn sync_prints_the_articles_log() {
    let log = parse_log(&stdout_of(&[
        "restaurant",
        "--model",
        "sync",
        "--clock",
        "virtual",
    ]));
    assert_eq!(log.text, SYNC_LOG);
    assert!(
        log.summary
            .starts_with("sync: 4 orders, 11 products, 2 waiters"),
        "{}",
        log.summary
    );
    assert!(
        log.summary.contains("makespan 43.8 s (ideal 43.8 s"),
        "{}",
        log.summary
    );
    // The timestamps are the start plus restaurant time, as in the article.
    for pair in log.timestamps.windows(2) {
        assert!(seconds_between(&pair[0], &pair[1]) <= 8, "{pair:?}");
    }
    let span = seconds_between(&log.timestamps[0], log.timestamps.last().unwrap());
    assert!(span == 43 || span == 44, "the log spans {span} s");
}

#[test]
fn restaurant_serves_with_sync_by_default() {
    let default = parse_log(&stdout_of(&["restaurant", "--clock", "virtual"]));
    assert_eq!(default.text, SYNC_LOG);
    assert!(default.summary.starts_with("sync: "), "{}", default.summary);
}

#[test]
fn sync_and_threads_logs_match_the_article_file() {
    let path = article_path();
    if !path.exists() {
        eprintln!(
            "skipped: the article is not at {}, so its logs cannot be compared",
            path.display()
        );
        return;
    }
    let article = std::fs::read_to_string(&path).expect("the article is readable");
    assert_eq!(
        article_output(&article, "sync.py"),
        SYNC_LOG,
        "the inline copy of the article's sync.py log is out of date"
    );
    for (model, script, seconds) in [("sync", "sync.py", 43), ("threads", "threads.py", 23)] {
        let log = parse_log(&stdout_of(&[
            "restaurant",
            "--model",
            model,
            "--clock",
            "virtual",
        ]));
        assert_eq!(log.text, article_output(&article, script), "{model}");
        let span = seconds_between(&log.timestamps[0], log.timestamps.last().unwrap());
        assert!(span == seconds || span == seconds + 1, "{model}: {span} s");
    }
}

// 4. Determinism.

#[test]
fn virtual_runs_print_the_same_log_every_time() {
    for (model, _) in MODELS {
        let args = ["restaurant", "--model", model, "--clock", "virtual"];
        let first = parse_log(&stdout_of(&args));
        let second = parse_log(&stdout_of(&args));
        assert_eq!(first.text, second.text, "{model}");
        assert_eq!(
            without_wall(&first.summary),
            without_wall(&second.summary),
            "{model}"
        );
        let json = with(&args, &["--format", "json"]);
        assert_eq!(stdout_of(&json), stdout_of(&json), "{model}");
    }
}

// 5. `restaurant --format json` and `--format quiet`.

/// The events of `restaurant --format json`, and its stderr.
fn json_events(args: &[&str]) -> (Vec<Value>, String) {
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

#[test]
fn json_events_are_one_object_per_line_and_the_summary_goes_to_stderr() {
    for (model, makespan) in MODELS {
        let (events, stderr) = json_events(&["--model", model]);
        // One `received-orders`, three events per order, three per product.
        assert_eq!(events.len(), 1 + 3 * 4 + 3 * 11, "{model}");
        let count = |kind: &str| events.iter().filter(|e| e["kind"] == kind).count();
        assert_eq!(count("received-orders"), 1, "{model}");
        for kind in ["request-order", "done-order", "done-dispatch"] {
            assert_eq!(count(kind), 4, "{model} {kind}");
        }
        for kind in ["request-product", "done-product", "dispatch"] {
            assert_eq!(count(kind), 11, "{model} {kind}");
        }
        assert_eq!(events[0]["kind"], "received-orders", "{model}");
        assert_eq!(number(&events[0], "at_s"), 0.0, "{model}");
        let times: Vec<f64> = events.iter().map(|e| number(e, "at_s")).collect();
        assert!(
            times.windows(2).all(|w| w[0] <= w[1]),
            "{model}: events out of time order: {times:?}"
        );
        assert_eq!(*times.last().unwrap(), makespan, "{model}");
        let lines: Vec<&str> = stderr.lines().collect();
        assert_eq!(lines.len(), 1, "{model}: {stderr}");
        assert!(
            lines[0].starts_with(&format!("{model}: 4 orders, 11 products, ")),
            "{stderr}"
        );
    }
}

#[test]
fn quiet_prints_only_the_summary() {
    let args = ["restaurant", "--clock", "virtual", "--format", "quiet"];
    let output = run(args);
    assert_success(&output, &args);
    let stdout = String::from_utf8(output.stdout).unwrap();
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), 1, "{stdout}");
    assert!(
        lines[0].starts_with("sync: 4 orders, 11 products, 2 waiters"),
        "{stdout}"
    );
    assert!(output.stderr.is_empty());
}

// 6. Options.

/// The summary of a quiet virtual `restaurant` run with `args`.
fn summary(args: &[&str]) -> String {
    let args = with(
        &["restaurant", "--clock", "virtual", "--format", "quiet"],
        args,
    );
    stdout_of(&args).trim_end().to_string()
}

#[test]
fn more_waiters_shorten_the_threads_model() {
    let four = summary(&["--model", "threads", "--waiters", "4"]);
    assert!(
        four.starts_with("threads: 4 orders, 11 products, 4 waiters"),
        "{four}"
    );
    assert!(four.contains("makespan 20.2 s (ideal 20.2 s"), "{four}");
    let rows = compare_json(&["--waiters", "3"]);
    assert!(rows.iter().all(|r| r["waiters"] == 3), "{rows:?}");
    // Only threads gains: sync calls its waiters in turn, and the others
    // already have every product in flight.
    assert_eq!(makespans(&rows), [43.8, 20.2, 7.5, 7.5]);
}

#[test]
fn one_cook_makes_every_model_as_slow_as_sync() {
    let rows = compare_json(&["--cooks", "1"]);
    assert!(rows.iter().all(|r| r["cooks"] == 1), "{rows:?}");
    assert_eq!(makespans(&rows), [43.8; 4]);
    assert!(
        rows.iter().all(|r| number(r, "ideal_s") == 43.8),
        "{rows:?}"
    );
    let line = summary(&["--model", "async", "--cooks", "1"]);
    assert!(line.contains("1 cook, "), "{line}");
    assert!(line.contains("makespan 43.8 s"), "{line}");
}

#[test]
fn repeat_serves_the_orders_again() {
    let line = summary(&["--repeat", "2"]);
    assert!(
        line.starts_with("sync: 8 orders, 22 products, 2 waiters"),
        "{line}"
    );
    assert!(line.contains("makespan 87.6 s"), "{line}");
    let (events, _) = json_events(&["--model", "async", "--repeat", "2"]);
    assert_eq!(events.len(), 1 + 3 * 8 + 3 * 22);
}

#[test]
fn random_orders_are_reproducible_by_seed() {
    for model in ["sync", "async"] {
        let args = [
            "restaurant",
            "--clock",
            "virtual",
            "--model",
            model,
            "--random",
            "5",
        ];
        let seven = parse_log(&stdout_of(&with(&args, &["--seed", "7"])));
        let again = parse_log(&stdout_of(&with(&args, &["--seed", "7"])));
        let eight = parse_log(&stdout_of(&with(&args, &["--seed", "8"])));
        assert_eq!(seven.text, again.text, "{model}");
        assert_eq!(without_wall(&seven.summary), without_wall(&again.summary));
        assert_ne!(seven.text, eight.text, "{model}");
        assert!(
            seven.summary.starts_with(&format!("{model}: 5 orders, ")),
            "{}",
            seven.summary
        );
    }
}

/// A small café, in TOML: sync takes 2 + 0.5 + 1.5 + 0.5 + 0.5 = 5 s.
const CAFE_TOML: &str = r#"# a small café
menu = { tea = 2, cake = "500ms", coffee = "1.5s" }
orders = [
    ["tea", "cake"],
    ["coffee"],
    ["cake", "cake"],
]
"#;

/// The same café in JSON.
const CAFE_JSON: &str = r#"{
  "menu": { "tea": "2s", "cake": 0.5, "coffee": 1.5 },
  "orders": [["tea", "cake"], ["coffee"], ["cake", "cake"]]
}"#;

#[test]
fn workload_files_in_toml_and_json_are_served() {
    let dir = tempfile::tempdir().unwrap();
    for (name, text) in [("cafe.toml", CAFE_TOML), ("cafe.json", CAFE_JSON)] {
        let path = dir.path().join(name);
        std::fs::write(&path, text).unwrap();
        let path = path.to_str().unwrap();
        let args = ["restaurant", "--clock", "virtual", "--workload", path];
        let out = stdout_of(&args);
        let log = parse_log(&out);
        for line in [
            "Received orders",
            "<Waiter: 1> [Order: 0] Request tea. Wait 2 seg...",
            "<Waiter: 1> [Order: 0] Request cake. Wait 0.5 seg...",
            "<Waiter: 1> [Order: 1] Request coffee. Wait 1.5 seg...",
            "<Waiter: 1> [Order: 2] --------Done dispatch!--------",
        ] {
            assert!(
                log.text.lines().any(|l| l == line),
                "{name}: no {line:?} in\n{out}"
            );
        }
        assert!(
            log.summary
                .starts_with("sync: 3 orders, 5 products, 2 waiters"),
            "{name}: {}",
            log.summary
        );
        assert!(
            log.summary.contains("makespan 5 s (ideal 5 s"),
            "{name}: {}",
            log.summary
        );
        // threads: waiter 1 has order 0 (2.5 s), waiter 2 orders 1 and 2
        // (1.5 + 1 s); the others have each order's products in flight.
        let args = ["--workload", path];
        let rows = compare_json(&args);
        assert_eq!(makespans(&rows), [5.0, 2.5, 2.0, 2.0], "{name}");
        // Random orders come from the file's menu.
        let (events, _) = json_events(&["--workload", path, "--random", "50", "--seed", "3"]);
        assert!(
            events
                .iter()
                .filter_map(|e| e["product"].as_str())
                .all(|p| ["tea", "cake", "coffee"].contains(&p)),
            "{name}"
        );
    }
}

// 7. Bad input: exit code 2 and one clear line.

/// Runs `restaurant` and `compare` on a workload file `name` holding
/// `text`, in a directory of its own, and checks both refuse it.
fn assert_bad_file(name: &str, text: &str, needles: &[&str]) {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join(name), text).unwrap();
    for command in ["restaurant", "compare"] {
        let output = mesonero([command, "--clock", "virtual", "--workload", name])
            .current_dir(dir.path())
            .output()
            .unwrap();
        assert_bad_input(&output, needles);
    }
}

/// Runs `restaurant` and `compare` with `args` and checks both refuse
/// them.
fn assert_bad_args(args: &[&str], needles: &[&str]) {
    for command in ["restaurant", "compare"] {
        let output = run(with(&[command, "--clock", "virtual"], args));
        assert_bad_input(&output, needles);
    }
}

#[test]
fn an_unknown_product_is_refused_with_its_line() {
    assert_bad_file(
        "w.toml",
        "# orders\nmenu = { soda = 1 }\norders = [\n  [\"soda\"],\n  [\"soda\", \"pizza\"],\n]\n",
        &["w.toml:5: order 1 asks for 'pizza', which is not on the menu (the menu has: soda)"],
    );
}

#[test]
fn a_negative_duration_is_refused() {
    assert_bad_file(
        "w.toml",
        "# menu\nmenu = { soda = -1 }\norders = [[\"soda\"]]\n",
        &["w.toml:2: 'soda': the preparation time must be positive, not -1"],
    );
}

#[test]
fn a_nan_duration_is_refused() {
    assert_bad_file(
        "w.toml",
        "# menu\nmenu = { soda = nan }\norders = [[\"soda\"]]\n",
        &["w.toml:2: 'soda': the preparation time is not a number (NaN)"],
    );
}

#[test]
fn a_zero_duration_is_refused() {
    assert_bad_file(
        "w.toml",
        "# menu\nmenu = { soda = 0 }\norders = [[\"soda\"]]\n",
        &["w.toml:2: 'soda': the preparation time must be positive, not 0"],
    );
}

#[test]
fn an_absurd_duration_is_refused() {
    assert_bad_file(
        "w.toml",
        "# menu\nmenu = { soda = 1e9 }\norders = [[\"soda\"]]\n",
        &["w.toml:2: 'soda': a preparation time of 1000000000 s is longer than a day"],
    );
}

#[test]
fn an_empty_menu_is_refused() {
    assert_bad_file(
        "w.toml",
        "orders = [[\"soda\"]]\n\n[menu]\n",
        &["w.toml:3: the menu is empty"],
    );
}

#[test]
fn an_empty_list_of_orders_is_refused() {
    assert_bad_file(
        "w.toml",
        "menu = { soda = 1 }\n\norders = []\n",
        &["w.toml:3: there are no orders"],
    );
}

#[test]
fn malformed_toml_is_refused_with_its_line() {
    assert_bad_file(
        "w.toml",
        "menu = { soda = 1\norders = [[\"soda\"]]\n",
        &["w.toml:2: ", "expected"],
    );
}

#[test]
fn malformed_json_is_refused_with_its_line() {
    assert_bad_file(
        "w.json",
        "{\"menu\": {\"soda\": 1},\n\"orders\": [[\"soda\"]]",
        &["w.json:2: EOF while parsing an object"],
    );
}

#[test]
fn a_file_with_an_unknown_extension_is_refused() {
    assert_bad_file(
        "w.yaml",
        "menu: {soda: 1}\norders: [[soda]]\n",
        &[
            "w.yaml: cannot tell the format of a workload file from its name",
            ".toml or .json",
        ],
    );
}

#[test]
fn a_missing_workload_file_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    for command in ["restaurant", "compare"] {
        let output = mesonero([command, "--clock", "virtual", "--workload", "missing.toml"])
            .current_dir(dir.path())
            .output()
            .unwrap();
        assert_bad_input(&output, &["cannot read workload file 'missing.toml'"]);
    }
}

#[test]
fn zero_waiters_are_refused() {
    assert_bad_args(&["--waiters", "0"], &["'0'", "--waiters"]);
}

#[test]
fn zero_cooks_are_refused() {
    assert_bad_args(&["--cooks", "0"], &["'0'", "--cooks"]);
}

#[test]
fn a_zero_speed_is_refused() {
    assert_bad_args(&["--speed", "0"], &["--speed", "'0' is not a speed"]);
}

#[test]
fn a_negative_speed_is_refused() {
    assert_bad_args(&["--speed", "-1"], &["--speed", "'-1' is not a speed"]);
}

#[test]
fn repeat_zero_is_refused() {
    assert_bad_args(&["--repeat", "0"], &["--repeat must be at least 1"]);
}

#[test]
fn random_zero_is_refused() {
    assert_bad_args(&["--random", "0"], &["--random must be at least 1"]);
}

#[test]
fn a_seed_without_random_is_refused() {
    assert_bad_args(&["--seed", "7"], &["--seed", "without --random"]);
}

#[test]
fn an_unknown_model_is_refused() {
    let output = run(["restaurant", "--clock", "virtual", "--model", "pizzeria"]);
    assert_bad_input(&output, &["invalid value 'pizzeria'", "--model"]);
    let output = run(["compare", "--clock", "virtual", "--models", "sync,pizzeria"]);
    assert_bad_input(&output, &["invalid value 'pizzeria'", "--models"]);
}

#[test]
fn too_many_orders_are_refused_quickly_without_allocating_them() {
    // 400 million orders would take gigabytes; under a 500 MB address
    // space limit the refusal must still be clean, and quick.
    #[cfg(unix)]
    let mut command = {
        let mut command = Command::new("sh");
        command
            .arg("-c")
            .arg("ulimit -v 500000 2>/dev/null; exec \"$0\" \"$@\"")
            .arg(common::BIN)
            .env_remove("RUST_BACKTRACE");
        command
    };
    #[cfg(not(unix))]
    let mut command = mesonero(std::iter::empty::<&str>());
    command.args(["restaurant", "--clock", "virtual", "--repeat", "100000000"]);
    let started = Instant::now();
    let output = command.output().unwrap();
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );
    assert_bad_input(
        &output,
        &[
            "400000000 orders is more than the 20000000 a run may hold",
            "--repeat",
        ],
    );
}

// 8. A reader that goes away.

/// Runs `args`, reads one line of its output, closes the pipe, and checks
/// the process ends with 0 and no panic.
fn assert_survives_a_closed_pipe(args: &[&str]) {
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
    let mut stderr = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut stderr)
        .unwrap();
    assert_no_panic(&stderr);
    assert!(!stderr.contains("error"), "{args:?}: {stderr}");
    assert!(status.success(), "{args:?} ended with {status}: {stderr}");
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

// 9. Ctrl-C on the real clock.

/// What an interrupted run printed.
struct Interrupted {
    code: Option<i32>,
    stdout: Vec<String>,
    stderr: String,
    /// From the signal to the end of the process.
    took: Duration,
}

/// Starts `args`, waits until a line of stdout satisfies `ready` (or, for
/// `None`, a second), sleeps `delay`, sends SIGINT, and collects the rest.
fn interrupt(args: &[&str], ready: Option<&str>, delay: Duration) -> Interrupted {
    let mut child = mesonero(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let (lines, received) = std::sync::mpsc::channel();
    let reader = thread::spawn(move || {
        for line in BufReader::new(stdout).lines() {
            if lines.send(line.unwrap()).is_err() {
                break;
            }
        }
    });
    let mut seen = Vec::new();
    match ready {
        Some(wanted) => {
            let deadline = Instant::now() + Duration::from_secs(15);
            while !seen.last().is_some_and(|l: &String| l.contains(wanted)) {
                let left = deadline.saturating_duration_since(Instant::now());
                match received.recv_timeout(left) {
                    Ok(line) => seen.push(line),
                    Err(_) => {
                        let _ = child.kill();
                        let _ = child.wait();
                        panic!("no line with {wanted:?} within 15 s; got {seen:?}");
                    }
                }
            }
        }
        None => thread::sleep(Duration::from_secs(1)),
    }
    thread::sleep(delay);
    let sent = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .expect("kill runs");
    assert!(sent.success(), "kill -INT failed");
    let signalled = Instant::now();
    let status = wait_bounded(&mut child, Duration::from_secs(15));
    let took = signalled.elapsed();
    reader.join().unwrap();
    seen.extend(received.try_iter());
    let mut stderr = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut stderr)
        .unwrap();
    Interrupted {
        code: status.code(),
        stdout: seen,
        stderr,
        took,
    }
}

fn assert_interrupted_at_the_start(args: &[&str], ready: Option<&str>) {
    let run = interrupt(args, ready, Duration::from_secs(1));
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
        Some("Received orders"),
    );
}

#[test]
fn ctrl_c_stops_the_async_model_and_names_the_pending_orders() {
    assert_interrupted_at_the_start(
        &["restaurant", "--model", "async", "--speed", "1"],
        Some("Received orders"),
    );
}

#[test]
fn ctrl_c_stops_the_sync_and_thread_per_product_models() {
    for model in ["sync", "thread-per-product"] {
        assert_interrupted_at_the_start(
            &["restaurant", "--model", model, "--speed", "1"],
            Some("Received orders"),
        );
    }
}

#[test]
fn ctrl_c_stops_compare() {
    assert_interrupted_at_the_start(&["compare", "--speed", "1"], None);
}

#[test]
fn ctrl_c_lists_only_the_orders_not_yet_dispatched() {
    // Interrupted right after the first dispatch (0.85 s in at speed 10),
    // well before the last (2.36 s): the orders reported pending are those
    // the log did not dispatch.
    let run = interrupt(
        &["restaurant", "--model", "threads", "--speed", "10"],
        Some("Done dispatch!"),
        Duration::ZERO,
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

// The real clock, fast.

#[test]
fn sync_on_the_real_clock_prints_the_articles_log() {
    let log = parse_log(&stdout_of(&["restaurant", "--speed", "1000"]));
    assert_eq!(log.text, SYNC_LOG);
    assert!(
        log.summary.contains("real clock at speed 1000"),
        "{}",
        log.summary
    );
}

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
