//! The article's warning on the command line: the lesson's models, their
//! exact figures on the virtual clock, the detector's warnings in the log,
//! JSON and the comparison, and the options that go with them.

mod common;

use serde_json::Value;

use common::{
    assert_bad_input, compare_json, json_events, makespans, number, outcome, run, stdout_of,
};

/// Rows of `compare --models lesson-blocking` on the virtual clock.
fn lesson(args: &[&str]) -> Vec<Value> {
    let args = common::with(&["--models", "lesson-blocking"], args);
    compare_json(&args)
}

#[test]
fn the_lesson_side_by_side_on_the_virtual_clock() {
    let rows = lesson(&[]);
    let models: Vec<&str> = rows.iter().map(|r| r["model"].as_str().unwrap()).collect();
    assert_eq!(
        models,
        [
            "async",
            "async-blocking",
            "async-sequential",
            "async-offload"
        ]
    );
    // async; the blocking sleep, as sync; each order in turn, 7.5 + 7.5 +
    // 1.2 + 7.5; the fix.
    assert_eq!(makespans(&rows), [7.5, 43.8, 23.7, 7.5]);
    for row in &rows {
        assert_eq!(number(row, "ideal_s"), number(row, "makespan_s"), "{row}");
    }
    let blocked: Vec<f64> = rows.iter().map(|r| number(r, "loop_blocked_s")).collect();
    assert_eq!(blocked, [0.0, 43.8, 0.0, 0.0]);
}

#[test]
fn only_the_models_with_an_event_loop_say_how_long_it_was_blocked() {
    let rows = compare_json(&["--models", "sync,async-blocking"]);
    assert_eq!(rows[0].get("loop_blocked_s"), Some(&Value::Null));
    assert_eq!(number(&rows[1], "loop_blocked_s"), 43.8);
    // Nobody watching: unknown, not zero.
    let rows = compare_json(&["--models", "async-blocking", "--slow-callback", "off"]);
    assert_eq!(rows[0].get("loop_blocked_s"), Some(&Value::Null));
}

#[test]
fn a_small_blocking_pool_serves_the_products_in_turn() {
    let rows = compare_json(&["--models", "async-offload", "--blocking-threads", "2"]);
    // The list schedule of the products, in request order, on 2 threads.
    assert_eq!(makespans(&rows), [23.6]);
    assert_eq!(number(&rows[0], "threads"), 3.0);
    let rows = compare_json(&["--models", "async-offload", "--blocking-threads", "1"]);
    assert_eq!(makespans(&rows), [43.8]);
}

#[test]
fn the_log_names_each_blocking_call_after_its_product() {
    let out = stdout_of(&[
        "restaurant",
        "--model",
        "async-blocking",
        "--clock",
        "virtual",
    ]);
    let log = common::parse_log(&out);
    let messages: Vec<&str> = log.text.lines().filter(|l| !l.is_empty()).collect();
    let warnings: Vec<usize> = (0..messages.len())
        .filter(|&i| messages[i].contains("WARNING"))
        .collect();
    assert_eq!(warnings.len(), 11, "{out}");
    for &i in &warnings {
        // `Request burger. Wait 7.5 seg...` and `Done burger`, then the
        // warning naming the same order and product, at the same moment.
        let (who, product) = messages[i - 1]
            .split_once("] Done ")
            .expect(messages[i - 1]);
        let request = messages[i - 2];
        let wait = request
            .strip_prefix(&format!("{who}] Request {product}. Wait "))
            .and_then(|rest| rest.strip_suffix(" seg..."))
            .unwrap_or_else(|| panic!("{request}"));
        assert_eq!(
            messages[i],
            format!(
                "{who}] WARNING: the event loop was blocked for {wait} seg by request {product}"
            )
        );
        assert_eq!(log.timestamps[i], log.timestamps[i - 1]);
    }
    assert!(
        log.summary
            .contains("; event loop blocked 11 times, 43.8 s in all; "),
        "{}",
        log.summary
    );
}

#[test]
fn a_higher_threshold_names_only_the_longer_calls() {
    let out = stdout_of(&[
        "restaurant",
        "--model",
        "async-blocking",
        "--clock",
        "virtual",
        "--slow-callback",
        "7.5s",
    ]);
    let warnings: Vec<&str> = out.lines().filter(|l| l.contains("WARNING")).collect();
    assert_eq!(warnings.len(), 4, "the four burgers:\n{out}");
    assert!(warnings.iter().all(|w| w.ends_with("by request burger")));
    assert!(out.contains("; event loop blocked 4 times, 30 s in all; "));
}

#[test]
fn the_models_that_await_never_block_the_loop() {
    for model in ["async", "async-sequential", "async-offload"] {
        let out = stdout_of(&["restaurant", "--model", model, "--clock", "virtual"]);
        assert!(!out.contains("WARNING"), "{model}:\n{out}");
        assert!(
            out.contains("; event loop never blocked; "),
            "{model}:\n{out}"
        );
    }
}

#[test]
fn json_lines_carry_each_blocked_stretch() {
    let (events, _) = json_events(&["--model", "async-blocking"]);
    let blocked: Vec<&Value> = events
        .iter()
        .filter(|e| e["kind"] == "loop-blocked")
        .collect();
    assert_eq!(blocked.len(), 11);
    let first = blocked[0];
    assert_eq!(first["at_s"], 7.5);
    assert_eq!(first["blocked_s"], 7.5);
    assert_eq!(first["waiter"], 1);
    assert_eq!(first["order"], 0);
    assert_eq!(first["product"], "burger");
    let total: f64 = blocked.iter().map(|e| number(e, "blocked_s")).sum();
    assert!((total - 43.8).abs() < 1e-9, "{total}");
}

#[test]
fn all_models_on_the_virtual_clock_leave_out_the_real_clock_ones() {
    let (code, stdout, stderr) = outcome(&["compare", "--clock", "virtual", "--models", "all"]);
    assert_eq!(code, Some(0), "{stderr}");
    assert_eq!(stdout.lines().count(), 2 + 7, "{stdout}");
    assert!(!stdout.contains("async-multi"));
    assert!(!stdout.contains("processes"));
    assert_eq!(
        stderr,
        "async-multi left out: it runs on the real clock only (tokio cannot pause time on a multi-thread runtime)\n\
         processes left out: it runs on the real clock only (virtual time is kept inside one process, and its waiters are in others)\n"
    );
}

#[test]
fn the_multi_threaded_runtime_serves_on_the_real_clock() {
    let out = stdout_of(&[
        "restaurant",
        "--model",
        "async-multi",
        "--workers",
        "2",
        "--speed",
        "50",
        "--format",
        "quiet",
    ]);
    // The calling thread and two workers.
    assert!(out.contains(", 3 OS threads; "), "{out}");
    let makespan: f64 = out
        .split("makespan ")
        .nth(1)
        .and_then(|s| s.split(' ').next())
        .and_then(|s| s.parse().ok())
        .expect(&out);
    // Generous: a loaded machine may add a lot; it can never be faster.
    assert!((7.5..12.0).contains(&makespan), "{out}");
}

#[test]
fn on_the_real_clock_the_blocking_calls_are_found_too() {
    let out = stdout_of(&[
        "compare",
        "--speed",
        "20",
        "--models",
        "async,async-blocking",
        "--format",
        "json",
    ]);
    let rows: Vec<Value> = serde_json::from_str(&out).expect(&out);
    let blocked = number(&rows[1], "loop_blocked_s");
    // Each blocking call is measured on the wall clock: at least what it
    // slept, a little more on a loaded machine.
    assert!((43.8..50.0).contains(&blocked), "{blocked}");
    // The awaiting model holds the loop only for moments, far below the
    // threshold; generous, for a loaded machine's hiccups.
    assert!(number(&rows[0], "loop_blocked_s") < 2.0, "{rows:?}");
}

#[test]
fn event_loop_options_out_of_range_are_refused() {
    for (args, needle) in [
        (&["--workers", "0"][..], "0 is not in 1..=1024"),
        (&["--workers", "5000"], "5000 is not in 1..=1024"),
        (&["--blocking-threads", "0"], "0 is not in 1..=100000"),
        (&["--blocking-threads", "99999999999"], "--blocking-threads"),
        (&["--slow-callback", "-1"], "'-1' is not a duration"),
        (&["--slow-callback", "soon"], "'soon' is not a duration"),
        (&["--slow-callback", "0"], "'0' is no threshold"),
        (&["--models", "asyncio"], "'asyncio' is neither a model"),
    ] {
        let output = run(common::with(&["compare", "--clock", "virtual"], args));
        assert_bad_input(&output, &[needle]);
    }
}

#[test]
fn event_loop_options_need_a_model_that_has_what_they_set() {
    for (args, needle) in [
        (
            &["restaurant", "--model", "async", "--workers", "4", "--clock", "virtual"][..],
            "--workers sets the worker threads of async-multi's multi-thread runtime, and async has none",
        ),
        (
            &["restaurant", "--model", "async-multi", "--blocking-threads", "4"],
            "--blocking-threads sets the size of async-offload's blocking pool, and async-multi has none",
        ),
        (
            &["restaurant", "--model", "threads", "--slow-callback", "1s", "--clock", "virtual"],
            "--slow-callback times the event loop of the async models, and threads has none",
        ),
        (
            &["compare", "--models", "sync,threads", "--workers", "2", "--clock", "virtual"],
            "and none of sync, threads has one",
        ),
    ] {
        // Refused before anything is served, whatever the clock.
        assert_bad_input(&run(args), &[needle]);
    }
}

#[test]
fn the_multi_threaded_runtime_is_refused_on_the_virtual_clock() {
    let why = "async-multi cannot run on the virtual clock: tokio cannot pause time on a multi-thread runtime, so it runs on the real clock only; use --clock real";
    for args in [
        &["restaurant", "--model", "async-multi", "--clock", "virtual"][..],
        &[
            "compare",
            "--models",
            "async,async-multi",
            "--clock",
            "virtual",
        ],
    ] {
        assert_bad_input(&run(args), &[why]);
    }
}

#[test]
fn more_pool_threads_than_the_system_allows_are_refused() {
    let output = run([
        "restaurant",
        "--model",
        "async-offload",
        "--clock",
        "virtual",
        "--blocking-threads",
        "100000",
    ]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    // Only where the system allows fewer threads, as most do.
    if output.status.success() {
        return;
    }
    assert_bad_input(
        &output,
        &["100000 threads are more than this system allows ("],
    );
    assert!(stderr.contains("so at most "), "{stderr}");
}
