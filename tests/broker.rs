//! The restaurant across machines: `cashier` and `waiter` through a Redis
//! broker that each test starts itself on a free loopback port, and
//! `restaurant --model processes --broker`.
//!
//! The faults are real: a waiter killed with SIGKILL mid-order, a reader
//! that takes orders and never answers, the broker stopped and started
//! again, the broker gone for good. Each run must end with every order
//! dispatched exactly once (the cashier checks its merged trace and exits
//! 0 only then), or with the unserved orders listed and exit 1. Every wait
//! is for a line of output, with generous bounds; no test sleeps.

mod common;

use std::process::{Child, Stdio};
use std::time::Duration;

use common::ready::{wait_until, Captured};
use common::redis::Redis;
use common::{assert_no_panic, bad_input, mesonero, wait_bounded};

/// The longest any run here may take.
const LIMIT: Duration = Duration::from_secs(60);

/// A `mesonero` process of a test, its output read as it comes.
struct Proc {
    child: Child,
    stdout: Captured,
    stderr: Captured,
}

impl Proc {
    fn start(args: &[&str]) -> Proc {
        let mut child = mesonero(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("the binary runs");
        let stdout = Captured::new(child.stdout.take().unwrap());
        let stderr = Captured::new(child.stderr.take().unwrap());
        Proc {
            child,
            stdout,
            stderr,
        }
    }

    /// Waits until stdout shows `needle`.
    fn wait_for(&mut self, needle: &str) {
        self.stdout.wait_for(&mut self.child, needle);
    }

    /// Waits until stderr shows `needle`.
    fn wait_for_note(&mut self, needle: &str) {
        self.stderr.wait_for(&mut self.child, needle);
    }

    /// Waits for the end: exit code, stdout, stderr.
    fn finish(mut self) -> (Option<i32>, String, String) {
        let status = wait_bounded(&mut self.child, LIMIT);
        let (out, err) = (self.stdout.finish(), self.stderr.finish());
        assert_no_panic(&err);
        (status.code(), out, err)
    }
}

fn cashier(redis: &Redis, run: &str, extra: &[&str]) -> Proc {
    let url = redis.url();
    let mut args = vec!["cashier", "--broker", &url, "--run", run];
    if !extra.contains(&"--speed") {
        args.extend(["--speed", "100"]);
    }
    args.extend_from_slice(extra);
    Proc::start(&args)
}

fn waiter(redis: &Redis, run: &str, extra: &[&str]) -> Proc {
    let url = redis.url();
    let mut args = vec!["waiter", "--broker", &url, "--run", run];
    args.extend_from_slice(extra);
    Proc::start(&args)
}

/// The summary line of a cashier's stdout.
fn summary(stdout: &str) -> &str {
    stdout
        .lines()
        .find(|l| l.starts_with("processes: "))
        .unwrap_or_else(|| panic!("no summary in:\n{stdout}"))
}

#[test]
fn a_cashier_and_two_waiters_serve_the_article_through_the_broker() {
    let Some(redis) = Redis::start(false) else {
        return;
    };
    let mut cashier = cashier(&redis, "lunch", &[]);
    cashier.wait_for_note("start waiters with");
    let waiters = [waiter(&redis, "lunch", &[]), waiter(&redis, "lunch", &[])];
    let (code, out, err) = cashier.finish();
    assert_eq!(code, Some(0), "{out}{err}");
    // The cashier's log and each waiter's tell the same events at the
    // same clock times: both count from the opening.
    let first_done = |log: &str| {
        let line = log
            .lines()
            .find(|l| l.contains("Done dispatch!"))?
            .to_string();
        let (time, what) = common::split_timestamp(&line)?;
        Some((common::seconds_of_day(time), what.to_string()))
    };
    assert!(
        summary(&out).starts_with("processes: 4 orders, 11 products, 2 waiters, "),
        "{out}"
    );
    for order in 0..4 {
        let done = format!("[Order: {order}] --------Done dispatch!--------");
        assert_eq!(out.matches(&done).count(), 1, "{out}");
    }
    for waiter in waiters {
        let (code, waiter_out, err) = waiter.finish();
        assert_eq!(code, Some(0), "{waiter_out}{err}");
        assert!(err.contains("the cashier closed it"), "{err}");
        let Some((at, what)) = first_done(&waiter_out) else {
            continue;
        };
        let told = out.lines().find(|l| l.ends_with(&what)).unwrap();
        let (cashier_at, _) = common::split_timestamp(told).unwrap();
        let apart = common::seconds_of_day(cashier_at).abs_diff(at);
        assert!(apart <= 1, "{told} against {at}: {apart} s apart");
    }
}

#[test]
fn the_processes_model_starts_its_waiters_through_the_broker() {
    let Some(redis) = Redis::start(false) else {
        return;
    };
    let url = redis.url();
    let args = [
        "restaurant",
        "--model",
        "processes",
        "--broker",
        &url,
        "--run",
        "dinner",
        "--waiters",
        "3",
        "--repeat",
        "3",
        "--speed",
        "100",
        "--format",
        "quiet",
    ];
    let (code, out, err) = Proc::start(&args).finish();
    assert_eq!(code, Some(0), "{out}{err}");
    // The waiters it started say nothing unless something goes wrong.
    assert_eq!(err, "");
    assert!(
        out.starts_with(
            "processes: 12 orders, 33 products, 3 waiters, unlimited cooks, 4 OS processes"
        ),
        "{out}"
    );
    // The run is closed: its keys expire within a minute, and it is no
    // longer listed as open.
    let mut redis_connection = redis.connection();
    let keys: Vec<String> = redis::cmd("KEYS")
        .arg("mesonero:{dinner}:*")
        .query(&mut redis_connection)
        .unwrap();
    assert!(!keys.is_empty());
    for key in keys {
        let ttl: i64 = redis::cmd("TTL")
            .arg(&key)
            .query(&mut redis_connection)
            .unwrap();
        assert!((1..=60).contains(&ttl), "{key} lives {ttl} s more");
    }
    let open: Vec<String> = redis::cmd("ZRANGE")
        .arg("mesonero:runs")
        .arg(0)
        .arg(-1)
        .query(&mut redis_connection)
        .unwrap();
    assert!(!open.contains(&"dinner".to_string()), "{open:?}");
}

#[test]
fn two_runs_on_one_broker_do_not_see_each_others_orders() {
    let Some(redis) = Redis::start(false) else {
        return;
    };
    let mut first = cashier(&redis, "first", &["--repeat", "2"]);
    let mut second = cashier(&redis, "second", &["--random", "3"]);
    first.wait_for_note("start waiters with");
    second.wait_for_note("start waiters with");
    let waiters = [waiter(&redis, "first", &[]), waiter(&redis, "second", &[])];
    let (code, out, err) = first.finish();
    assert_eq!(code, Some(0), "{out}{err}");
    assert!(
        summary(&out).starts_with("processes: 8 orders, 22 products, 1 waiter, "),
        "{out}"
    );
    let (code, out, err) = second.finish();
    assert_eq!(code, Some(0), "{out}{err}");
    assert!(summary(&out).starts_with("processes: 3 orders, "), "{out}");
    for waiter in waiters {
        assert_eq!(waiter.finish().0, Some(0));
    }
}

#[test]
fn a_waiter_killed_mid_order_has_its_order_claimed_and_dispatched_once() {
    let Some(redis) = Redis::start(false) else {
        return;
    };
    // At speed 10 a burger takes 0.75 s: waiter 1 is killed while it
    // waits for its first one.
    let mut cashier = cashier(&redis, "kill", &["--speed", "10", "--claim-after", "500ms"]);
    cashier.wait_for_note("start waiters with");
    let mut doomed = waiter(&redis, "kill", &["--id", "1", "--claim-after", "500ms"]);
    doomed.wait_for("Request burger");
    let survivor = waiter(&redis, "kill", &["--id", "2", "--claim-after", "500ms"]);
    doomed.child.kill().unwrap();
    let (code, out, err) = cashier.finish();
    assert_eq!(code, Some(0), "{out}{err}");
    assert!(
        out.contains("<Waiter: 2> [Order: 0] Redelivered from waiter 1"),
        "{out}"
    );
    assert!(
        out.contains("Re-delivered: order 0 (waiter 1 → 2)"),
        "{out}"
    );
    assert_eq!(
        out.matches("[Order: 0] --------Done dispatch!--------")
            .count(),
        1,
        "{out}"
    );
    assert_eq!(survivor.finish().0, Some(0));
    let _ = doomed.finish();
}

#[test]
fn orders_a_reader_never_acknowledges_are_claimed_after_claim_after() {
    let Some(redis) = Redis::start(false) else {
        return;
    };
    // Open at once, with no waiter ready.
    let mut cashier = cashier(
        &redis,
        "rogue",
        &["--claim-after", "500ms", "--waiters", "0"],
    );
    cashier.wait_for("Received orders");
    // Something that is no waiter of ours reads two orders in the group
    // and never answers.
    let mut connection = redis.connection();
    let _: redis::Value = redis::cmd("XREADGROUP")
        .arg("GROUP")
        .arg("waiters")
        .arg("rogue")
        .arg("COUNT")
        .arg(2)
        .arg("STREAMS")
        .arg("mesonero:{rogue}:orders")
        .arg(">")
        .query(&mut connection)
        .unwrap();
    let waiter = waiter(&redis, "rogue", &["--claim-after", "500ms"]);
    let (code, out, err) = cashier.finish();
    assert_eq!(code, Some(0), "{out}{err}");
    assert_eq!(
        out.matches("Redelivered from a silent reader").count(),
        2,
        "{out}"
    );
    assert!(out.contains("(a silent reader → 1)"), "{out}");
    assert_eq!(waiter.finish().0, Some(0));
}

#[test]
fn a_broker_restarted_mid_run_loses_nothing() {
    let Some(mut redis) = Redis::start(true) else {
        return;
    };
    let mut cashier = cashier(&redis, "restart", &["--speed", "10", "--repeat", "2"]);
    cashier.wait_for_note("start waiters with");
    let waiters = [
        waiter(&redis, "restart", &[]),
        waiter(&redis, "restart", &[]),
    ];
    cashier.wait_for("Done dispatch!");
    redis.stop();
    redis.restart();
    let (code, out, err) = cashier.finish();
    assert_eq!(code, Some(0), "{out}{err}");
    for order in 0..8 {
        let done = format!("[Order: {order}] --------Done dispatch!--------");
        assert_eq!(out.matches(&done).count(), 1, "{out}");
    }
    for waiter in waiters {
        let (code, out, err) = waiter.finish();
        assert_eq!(code, Some(0), "{out}{err}");
    }
}

#[test]
fn a_broker_gone_for_good_ends_every_side_with_the_unserved_orders() {
    let Some(mut redis) = Redis::start(false) else {
        return;
    };
    let patience = ["--patience", "2s"];
    let mut cashier = cashier(
        &redis,
        "gone",
        &["--speed", "10", "--repeat", "2", "--patience", "2s"],
    );
    cashier.wait_for_note("start waiters with");
    let waiter = waiter(&redis, "gone", &patience);
    cashier.wait_for("Done dispatch!");
    redis.kill();
    let (code, out, err) = cashier.finish();
    assert_eq!(code, Some(1), "{out}{err}");
    assert!(
        err.contains("lost the broker at redis://127.0.0.1:"),
        "{err}"
    );
    assert!(err.contains("orders unserved: "), "{err}");
    let (code, _, err) = waiter.finish();
    assert_eq!(code, Some(1), "{err}");
    assert!(err.contains("lost the broker"), "{err}");
}

#[test]
fn the_deadline_lists_what_no_waiter_served() {
    let Some(redis) = Redis::start(false) else {
        return;
    };
    let (code, out, err) = cashier(&redis, "alone", &["--deadline", "1s"]).finish();
    assert_eq!(code, Some(1), "{out}{err}");
    assert!(
        err.contains(
            "the deadline of 1 s passed with orders unserved; 4 of 4 orders unserved: 0, 1, 2, 3"
        ),
        "{err}"
    );
}

#[test]
fn bad_and_unreachable_brokers_are_told_apart() {
    bad_input(["cashier", "--broker", "http://127.0.0.1:6379"]);
    bad_input(["waiter", "--broker", "redis://127.0.0.1:6379/x"]);
    bad_input(["cashier", "--broker", "redis://127.0.0.1", "--run", "a b"]);
    bad_input([
        "restaurant",
        "--model",
        "threads",
        "--broker",
        "redis://127.0.0.1",
    ]);
    bad_input([
        "restaurant",
        "--model",
        "processes",
        "--clock",
        "virtual",
        "--broker",
        "redis://127.0.0.1",
    ]);
    bad_input(["cashier"]);
    // Nothing listens on a port just freed: refused, exit 1, and the
    // password is never printed.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let url = format!("redis://:hunter2@127.0.0.1:{port}");
    let (code, out, err) = Proc::start(&["cashier", "--broker", &url]).finish();
    assert_eq!(code, Some(1), "{out}{err}");
    assert!(
        err.contains(&format!(
            "cannot reach the broker at redis://:***@127.0.0.1:{port}"
        )),
        "{err}"
    );
    assert!(
        !err.contains("hunter2") && !out.contains("hunter2"),
        "{err}"
    );
}

#[test]
fn a_badge_in_use_is_refused() {
    let Some(redis) = Redis::start(false) else {
        return;
    };
    let mut cashier = cashier(&redis, "badges", &["--speed", "1"]);
    cashier.wait_for_note("start waiters with");
    let mut first = waiter(&redis, "badges", &["--id", "7"]);
    first.wait_for("Request order!");
    let (code, out, err) = waiter(&redis, "badges", &["--id", "7"]).finish();
    assert_eq!(code, Some(2), "{out}{err}");
    assert!(err.contains("waiter 7 is already in run 'badges'"), "{err}");
    common::send_signal(&cashier.child, "TERM");
    let (code, _, err) = cashier.finish();
    assert_eq!(code, Some(130), "{err}");
    assert_eq!(first.finish().0, Some(0));
}

/// A small generator of kill schedules, the same for the same seed.
struct Schedule(u64);

impl Schedule {
    fn below(&mut self, n: u64) -> u64 {
        // SplitMix64: good enough to draw a schedule.
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        (z ^ (z >> 31)) % n
    }
}

#[test]
fn random_workloads_and_random_deaths_always_end_with_every_order_dispatched_once() {
    let Some(redis) = Redis::start(false) else {
        return;
    };
    for seed in 1..=4u64 {
        let mut draw = Schedule(seed);
        let orders = 6 + draw.below(10);
        let run = format!("random-{seed}");
        let (orders_text, seed_text) = (orders.to_string(), seed.to_string());
        let claim = ["--claim-after", "400ms"];
        let mut cashier = cashier(
            &redis,
            &run,
            &[
                "--random",
                &orders_text,
                "--seed",
                &seed_text,
                "--speed",
                "20",
                "--waiters",
                "3",
                "--claim-after",
                "400ms",
            ],
        );
        cashier.wait_for_note("start waiters with");
        let mut waiters: Vec<Proc> = (0..3).map(|_| waiter(&redis, &run, &claim)).collect();
        // One or two of the three die, each once it has taken its
        // first to third order.
        let deaths = 1 + draw.below(2) as usize;
        for _ in 0..deaths {
            let victim = draw.below(waiters.len() as u64) as usize;
            let nth = 1 + draw.below(3) as usize;
            let mut doomed = waiters.remove(victim);
            // Or, if the others are faster, once the run is almost over.
            wait_until("a waiter to take its orders", || {
                let taken = doomed.stdout.text().matches("Request order!").count();
                let dispatched = cashier.stdout.text().matches("Done dispatch!").count();
                taken >= nth || dispatched + 1 >= orders as usize
            });
            doomed.child.kill().unwrap();
            let _ = doomed.finish();
        }
        let (code, out, err) = cashier.finish();
        assert_eq!(code, Some(0), "seed {seed}: {out}{err}");
        for order in 0..orders {
            let done = format!("[Order: {order}] --------Done dispatch!--------");
            assert_eq!(
                out.matches(&done).count(),
                1,
                "seed {seed}, order {order}: {out}"
            );
        }
        for waiter in waiters {
            assert_eq!(waiter.finish().0, Some(0), "seed {seed}");
        }
    }
}

#[test]
fn waiters_of_a_cashier_killed_mid_run_stop_after_their_patience() {
    let Some(redis) = Redis::start(false) else {
        return;
    };
    let mut cashier = cashier(&redis, "orphans", &["--speed", "10", "--repeat", "3"]);
    cashier.wait_for_note("start waiters with");
    let mut waiter = waiter(&redis, "orphans", &["--patience", "2s"]);
    waiter.wait_for("Request order!");
    cashier.child.kill().unwrap();
    let _ = cashier.finish();
    let (code, _, err) = waiter.finish();
    assert_eq!(code, Some(1), "{err}");
    assert!(
        err.contains("the cashier of run 'orphans' gave no sign of life for 2 s"),
        "{err}"
    );
}

#[test]
fn compare_serves_the_processes_model_through_the_broker_beside_threads() {
    let Some(redis) = Redis::start(false) else {
        return;
    };
    let url = redis.url();
    let args = [
        "compare",
        "--models",
        "threads,processes",
        "--broker",
        &url,
        "--speed",
        "100",
        "--format",
        "json",
    ];
    let (code, out, err) = Proc::start(&args).finish();
    assert_eq!(code, Some(0), "{out}{err}");
    let rows: Vec<serde_json::Value> = serde_json::from_str(&out).unwrap();
    let models: Vec<&str> = rows.iter().map(|r| r["model"].as_str().unwrap()).collect();
    assert_eq!(models, ["threads", "processes"]);
}

#[test]
fn garbage_on_the_events_stream_is_no_event() {
    let Some(redis) = Redis::start(false) else {
        return;
    };
    let mut cashier = cashier(&redis, "garbage", &["--waiters", "0"]);
    cashier.wait_for("Received orders");
    let mut connection = redis.connection();
    for junk in [
        "x".repeat(5000),
        "{\"waiter\":1}".to_string(),
        "\u{7}".to_string(),
    ] {
        let _: String = redis::cmd("XADD")
            .arg("mesonero:{garbage}:events")
            .arg("*")
            .arg("e")
            .arg(junk)
            .query(&mut connection)
            .unwrap();
    }
    let waiter = waiter(&redis, "garbage", &[]);
    let (code, out, err) = cashier.finish();
    assert_eq!(code, Some(0), "{out}{err}");
    assert!(
        summary(&out).starts_with("processes: 4 orders, 11 products, 1 waiter, "),
        "{out}"
    );
    assert_eq!(waiter.finish().0, Some(0));
}

#[test]
fn an_async_waiter_takes_every_order_there_is_at_once() {
    let Some(redis) = Redis::start(false) else {
        return;
    };
    let mut cashier = cashier(&redis, "async", &["--repeat", "3", "--speed", "10"]);
    cashier.wait_for_note("start waiters with");
    let waiter = waiter(&redis, "async", &["--async"]);
    let (code, out, err) = cashier.finish();
    assert_eq!(code, Some(0), "{out}{err}");
    // Twelve orders in flight at once on one waiter: the run takes about
    // as long as the longest product, 7.5 s, not the 131.4 s one blocking
    // waiter needs.
    let line = summary(&out);
    let makespan: f64 = line
        .split("makespan ")
        .nth(1)
        .and_then(|rest| rest.split(' ').next())
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("{line}"));
    assert!((7.5..20.0).contains(&makespan), "{line}");
    // And the ideal it is held to is the async waiter's.
    assert!(line.contains("(ideal 7.5 s, "), "{line}");
    assert!(
        line.starts_with("processes: 12 orders, 33 products, 1 waiter, "),
        "{line}"
    );
    let (code, out, err) = waiter.finish();
    assert_eq!(code, Some(0), "{out}{err}");
    assert!(err.contains("waiter 1 dispatched 12 orders"), "{err}");
}

#[test]
fn an_async_waiter_killed_mid_run_leaves_its_orders_to_a_blocking_one() {
    let Some(redis) = Redis::start(false) else {
        return;
    };
    let mut cashier = cashier(
        &redis,
        "mixed",
        &["--speed", "10", "--claim-after", "500ms"],
    );
    cashier.wait_for_note("start waiters with");
    let mut doomed = waiter(
        &redis,
        "mixed",
        &["--async", "--id", "1", "--claim-after", "500ms"],
    );
    doomed.wait_for("Request burger");
    let survivor = waiter(&redis, "mixed", &["--id", "2", "--claim-after", "500ms"]);
    doomed.child.kill().unwrap();
    let (code, out, err) = cashier.finish();
    assert_eq!(code, Some(0), "{out}{err}");
    assert!(out.contains("Redelivered from waiter 1"), "{out}");
    for order in 0..4 {
        let done = format!("[Order: {order}] --------Done dispatch!--------");
        assert_eq!(out.matches(&done).count(), 1, "{out}");
    }
    assert_eq!(survivor.finish().0, Some(0));
    let _ = doomed.finish();
}
