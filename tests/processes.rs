//! `--model processes`: a waiter per OS process, started from this same
//! binary, served and stopped by the cashier.
//!
//! Everything here runs on the real clock, since the model refuses the
//! virtual one: bounds on time are generous, and a test waits for the log
//! to show the state it needs (both waiters holding an order) instead of
//! sleeping.

mod common;

use std::collections::BTreeMap;
use std::process::{Child, Stdio};
use std::time::Duration;

use common::ready::{wait_until, Captured};
use common::{assert_no_panic, bad_input, cli, mesonero, parse_log, read_stderr, send_signal};
use predicates::prelude::*;
use serde_json::Value;

/// The variable naming the program the cashier starts for each waiter.
const PROGRAM_VAR: &str = "MESONERO_WAITER_PROGRAM";

#[test]
fn waiter_processes_serve_the_articles_orders() {
    let assert = cli(["restaurant", "--model", "processes", "--speed", "50"])
        .assert()
        .success()
        .stderr("");
    let log = parse_log(&String::from_utf8_lossy(&assert.get_output().stdout));
    assert!(log.text.starts_with("Received orders\n"), "{}", log.text);
    for order in 0..4 {
        for line in [
            "********Request order!********",
            "--------Done dispatch!--------",
        ] {
            let needle = format!("> [Order: {order}] {line}\n");
            assert_eq!(log.text.matches(&needle).count(), 1, "{needle}{}", log.text);
        }
    }
    // Both waiters worked, each in a process of its own.
    assert!(log.text.contains("<Waiter: 1>") && log.text.contains("<Waiter: 2>"));
    assert!(
        log.summary.starts_with(
            "processes: 4 orders, 11 products, 2 waiters, unlimited cooks, 3 OS processes; makespan "
        ),
        "{}",
        log.summary
    );
}

#[test]
fn the_merged_trace_is_in_time_order_and_shares_the_kitchen() {
    // One cook for four waiters: the kitchen is the cashier's, shared, so
    // the products are prepared one at a time, 43.8 s in all, as with
    // threads; a kitchen per process would take 20.2 s.
    let output = mesonero([
        "restaurant",
        "--model",
        "processes",
        "--waiters",
        "4",
        "--cooks",
        "1",
        "--speed",
        "100",
        "--format",
        "json",
    ])
    .output()
    .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    let events = events(&String::from_utf8_lossy(&output.stdout));
    let times: Vec<f64> = events.iter().map(|e| e["at_s"].as_f64().unwrap()).collect();
    assert!(times.windows(2).all(|w| w[0] <= w[1]), "{times:?}");
    let makespan = *times.last().unwrap();
    assert!((43.8..60.0).contains(&makespan), "{makespan}: {stderr}");
    assert!(
        stderr.contains("4 waiters, 1 cook, 5 OS processes"),
        "{stderr}"
    );
}

/// The photo workload of the lesson on cores: four orders of one photo,
/// a second of computing each, and no waiting.
fn photos(dir: &std::path::Path) -> String {
    let path = dir.join("photos.toml");
    std::fs::write(
        &path,
        "menu = { photo = { cpu = \"1s\" } }\norders = [[\"photo\"], [\"photo\"], [\"photo\"], [\"photo\"]]\n",
    )
    .unwrap();
    path.to_str().unwrap().to_string()
}

/// How many waiters computed at once, on average, over a run of the
/// photos: the seconds of computing in the trace (from `compute` to
/// `done-product`) over the makespan. It does not depend on how busy the
/// machine is: a loaded machine stretches every computing alike, and two
/// processes computing at once overlap however slowly they go.
fn computing_at_once(model: &str, gil: bool, workload: &str) -> (f64, f64) {
    let mut args = vec![
        "restaurant",
        "--model",
        model,
        "--workload",
        workload,
        "--cores",
        "2",
        "--speed",
        "2",
        "--format",
        "json",
    ];
    if gil {
        args.push("--gil");
    }
    let output = mesonero(&args).output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{args:?}: {stderr}");
    let mut started = BTreeMap::new();
    let mut computing = 0.0;
    let mut makespan: f64 = 0.0;
    for e in events(&String::from_utf8_lossy(&output.stdout)) {
        let at = e["at_s"].as_f64().unwrap();
        makespan = makespan.max(at);
        let product = (e["order"].as_u64(), e["item"].as_u64());
        match e["kind"].as_str().unwrap() {
            "compute" => {
                started.insert(product, at);
            }
            "done-product" => computing += at - started[&product],
            _ => {}
        }
    }
    assert_eq!(started.len(), 4, "{args:?}");
    (computing / makespan, makespan)
}

#[test]
fn each_waiter_process_computes_under_a_gil_of_its_own() {
    let dir = tempfile::tempdir().unwrap();
    let workload = photos(dir.path());
    // Threads under one GIL compute one at a time: never two at once.
    let (at_once, _) = computing_at_once("threads", true, &workload);
    assert!(at_once < 1.05, "threads under a GIL: {at_once}");
    // Processes compute two at a time on two cores, GIL or not: four
    // seconds of computing in about two. A loaded machine makes each
    // second longer, not the two processes take turns.
    for gil in [false, true] {
        let (at_once, makespan) = computing_at_once("processes", gil, &workload);
        assert!(
            at_once > 1.5,
            "processes, gil {gil}: {at_once} at once, makespan {makespan} s"
        );
        // About 2 s on an idle machine; a loaded one slows the work
        // itself, and only a wild bound holds whatever the load.
        assert!(makespan < 8.0, "processes, gil {gil}: {makespan} s");
    }
}

/// Every event of `restaurant --format json`.
fn events(stdout: &str) -> Vec<Value> {
    stdout
        .lines()
        .map(|line| serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}: {line}")))
        .collect()
}

/// A run of the article's orders at speed 1, its log captured, waited for
/// until both waiters hold an order: the first is dispatched 8.5 s after
/// the opening, at the soonest.
fn serving_two_orders() -> (Child, Captured) {
    let mut child = mesonero(["restaurant", "--model", "processes", "--speed", "1"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let log = Captured::new(child.stdout.take().unwrap());
    log.wait_for(&mut child, "<Waiter: 1> [Order: ");
    log.wait_for(&mut child, "<Waiter: 2> [Order: ");
    (child, log)
}

/// The processes whose parent is `pid`, as `/proc` lists them.
fn children_of(pid: u32) -> Vec<u32> {
    let mut children = Vec::new();
    for entry in std::fs::read_dir("/proc").unwrap().flatten() {
        let Ok(child) = entry.file_name().to_string_lossy().parse::<u32>() else {
            continue;
        };
        if parent_of(child) == Some(pid) {
            children.push(child);
        }
    }
    children
}

/// A process's parent, if the process is there and not a zombie.
fn parent_of(pid: u32) -> Option<u32> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // `pid (name) state ppid ...`: the name may hold spaces, not ')'
    // after its own.
    let fields: Vec<&str> = stat[stat.rfind(')')? + 1..].split_whitespace().collect();
    match fields.as_slice() {
        ["Z", ..] => None,
        [_, ppid, ..] => ppid.parse().ok(),
        _ => None,
    }
}

/// Whether process `pid` is running (not gone, nor a zombie).
fn running(pid: u32) -> bool {
    parent_of(pid).is_some()
}

#[cfg(target_os = "linux")]
#[test]
fn a_waiter_process_killed_mid_run_fails_the_run_naming_its_order() {
    for (signal, how) in [
        ("KILL", "was killed by signal 9 (SIGKILL)"),
        // SIGTERM stops a waiter process as it stops any run: it says so
        // on its own line, and ends with exit code 1.
        ("TERM", "exited with code 1"),
    ] {
        let (mut child, log) = serving_two_orders();
        let waiters = children_of(child.id());
        assert_eq!(waiters.len(), 2, "{waiters:?}");
        let killed = waiters[0];
        assert!(std::process::Command::new("kill")
            .args([&format!("-{signal}"), &killed.to_string()])
            .status()
            .unwrap()
            .success());
        let status = common::wait_bounded(&mut child, Duration::from_secs(30));
        let stderr = read_stderr(&mut child);
        assert_no_panic(&stderr);
        assert_eq!(status.code(), Some(1), "{stderr}");
        // The other waiter was stopped, and reaped, before the cashier
        // ended.
        assert!(!running(waiters[1]), "waiter process {} left", waiters[1]);
        // The cashier's line: `error: processes failed: waiter N (process
        // P) was killed by signal 9 (SIGKILL) while holding order O; 4 of
        // 4 orders were still pending`.
        let last = stderr.lines().last().unwrap_or_default();
        let lost = last
            .strip_prefix("error: processes failed: waiter ")
            .unwrap_or_else(|| panic!("{stderr}"));
        let (waiter, rest) = lost.split_once(' ').unwrap();
        let expected = format!("(process {killed}) {how} while holding order ");
        let order = rest
            .strip_prefix(&expected)
            .unwrap_or_else(|| panic!("{stderr}"));
        let (order, pending) = order.split_once(';').unwrap();
        assert!(pending.ends_with(" orders were still pending"), "{stderr}");
        // The order it held is the one the log shows it took.
        let log = log.finish();
        let took = format!("<Waiter: {waiter}> [Order: {order}] ********Request order!********");
        assert!(log.contains(&took), "{took}\n{log}");
    }
}

#[cfg(target_os = "linux")]
#[test]
fn sigterm_stops_every_waiter_process_and_names_the_pending_orders() {
    let (mut child, _log) = serving_two_orders();
    let waiters = children_of(child.id());
    assert_eq!(waiters.len(), 2, "{waiters:?}");
    assert!(send_signal(&child, "TERM"), "kill -TERM failed");
    let status = common::wait_bounded(&mut child, Duration::from_secs(30));
    let stderr = read_stderr(&mut child);
    assert_no_panic(&stderr);
    assert_eq!(status.code(), Some(130), "{stderr}");
    // One line: the cashier's. The waiters were stopped before the
    // cashier hung up on them, so none reports its cashier gone.
    assert_eq!(
        stderr,
        "error: processes interrupted: 4 of 4 orders were still pending: 0, 1, 2, 3\n"
    );
    for waiter in waiters {
        assert!(!running(waiter), "waiter process {waiter} left");
    }
}

#[cfg(target_os = "linux")]
#[test]
fn waiter_processes_stop_when_their_cashier_dies() {
    let (mut child, _log) = serving_two_orders();
    let waiters = children_of(child.id());
    assert_eq!(waiters.len(), 2, "{waiters:?}");
    // SIGKILL: the cashier cannot stop anyone; its waiters see the
    // connection end, mid-wait, and stop by themselves.
    child.kill().unwrap();
    child.wait().unwrap();
    for waiter in waiters {
        wait_until(&format!("waiter process {waiter} ends"), || {
            !running(waiter)
        });
    }
}

#[test]
fn the_virtual_clock_is_refused_with_the_reason() {
    bad_input(["restaurant", "--model", "processes", "--clock", "virtual"]).stderr(
        predicate::str::contains(
            "processes cannot run on the virtual clock: virtual time is kept inside one process, and its waiters are in others",
        ),
    );
}

#[test]
fn a_program_that_cannot_start_itself_again_is_refused() {
    cli(["restaurant", "--model", "processes", "--speed", "100"])
        .env(PROGRAM_VAR, "/nonexistent/mesonero")
        .assert()
        .code(2)
        .stdout("")
        .stderr(
            "error: processes starts mesonero again for each waiter, and cannot here: '/nonexistent/mesonero': No such file or directory (os error 2)\n",
        );
}

#[test]
fn a_program_that_is_not_a_waiter_fails_the_run() {
    // `true waiter-process --connect ...` ends at once, and never calls.
    cli(["restaurant", "--model", "processes", "--speed", "100"])
        .env(PROGRAM_VAR, "true")
        .assert()
        .code(1)
        .stdout("")
        .stderr(
            predicate::str::is_match(
                "^error: processes failed: waiter [12] \\(process [0-9]+\\) exited with code 0 before it was ready; 4 of 4 orders were still pending\n$",
            )
            .unwrap(),
        );
}

#[test]
fn more_waiters_than_processes_are_refused() {
    bad_input(["restaurant", "--model", "processes", "--waiters", "257"]).stderr(
        predicate::str::contains("processes starts an OS process per waiter, at most 256, not 257"),
    );
}

#[cfg(target_os = "linux")]
#[test]
fn waiter_processes_past_the_process_limit_are_refused() {
    use std::os::unix::process::CommandExt;
    // Each waiter process has two threads, and every thread counts
    // against `ulimit -u`: 64, less a tenth kept back, is 28 waiters.
    let mut command = mesonero(["restaurant", "--model", "processes", "--waiters", "40"]);
    let limit = libc::rlimit {
        rlim_cur: 64,
        rlim_max: 64,
    };
    // SAFETY: setrlimit is async-signal-safe, and touches nothing of the
    // parent's, between fork and exec.
    unsafe {
        command.pre_exec(move || {
            if libc::setrlimit(libc::RLIMIT_NPROC, &limit) == 0 {
                Ok(())
            } else {
                Err(std::io::Error::last_os_error())
            }
        });
    }
    let output = command.output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    // A stricter limit elsewhere (kernel.threads-max) only lowers it.
    assert!(
        stderr.contains("40 waiter processes are more than this system allows"),
        "{stderr}"
    );
}

#[test]
fn the_waiter_process_command_is_hidden_and_refuses_to_run_by_hand() {
    cli(["--help"])
        .assert()
        .success()
        .stdout(predicate::str::contains("waiter-process").not());
    bad_input(["waiter-process", "--connect", "127.0.0.1:9"]).stderr(predicate::str::contains(
        "it is not meant to be run by hand",
    ));
}
