//! `restaurant`'s log of the article's workload: the article's logs on the
//! virtual and the real clock, the same log on every virtual run, and the
//! `json` and `quiet` formats.

mod common;

use common::{
    article_output, article_path, assert_success, json_events, number, parse_log, run,
    seconds_of_day, stdout_of, with, without_wall, MODELS,
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

/// Seconds from one timestamp to a later one, across midnight if need be.
fn seconds_between(earlier: &str, later: &str) -> u32 {
    (seconds_of_day(later) + 86_400 - seconds_of_day(earlier)) % 86_400
}

// The article's logs.

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
    let Some(path) = common::fixture(article_path()) else {
        return;
    };
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

// Determinism.

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

// `restaurant --format json` and `--format quiet`.

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
