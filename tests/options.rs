//! The options of `restaurant` and `compare`: waiters, cooks, repeat,
//! random orders by seed, and workload files.

mod common;

use common::{
    compare_json, json_events, makespans, number, parse_log, stdout_of, with, without_wall,
};

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
