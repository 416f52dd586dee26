//! The limits of `mesonero fetch` on what a server sends and on what the
//! machine can run: a body cap that ends an endless body quickly in
//! bounded memory, and a thread pool refused before it passes the
//! system's thread budget.
//!
//! In a test binary of its own, because it reads the peak memory of the
//! children it ran, and other tests' children would count too.

mod common;
mod fetch_support;

use std::time::{Duration, Instant};

use common::{assert_bad_input, outcome, run};
use fetch_support::{Config, TestApi};
use serde_json::Value;

/// The JSON lines of `--format json`, by id.
fn lines_by_id(stdout: &str) -> Vec<(u64, Value)> {
    let mut lines: Vec<(u64, Value)> = stdout
        .lines()
        .map(|l| {
            let v: Value = serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}"));
            (v["id"].as_u64().unwrap(), v)
        })
        .collect();
    lines.sort_by_key(|(id, _)| *id);
    lines
}

/// The largest resident memory of any child waited for so far, in bytes.
fn peak_memory_of_children() -> u64 {
    // SAFETY: getrusage only writes into the struct it is given.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    let status = unsafe { libc::getrusage(libc::RUSAGE_CHILDREN, &mut usage) };
    assert_eq!(status, 0, "getrusage");
    // Linux gives kilobytes.
    usage.ru_maxrss as u64 * 1024
}

#[test]
fn an_endless_body_fails_its_id_quickly_in_bounded_memory() {
    let api = TestApi::start(Config::default());
    for model in ["async", "sequential", "threads"] {
        let started = Instant::now();
        // A timeout of a minute: only the cap can end the body sooner.
        let (code, stdout, stderr) = outcome(&[
            "fetch",
            "--api",
            &api.api,
            "--ids",
            "1000,1",
            "--model",
            model,
            "--timeout",
            "60s",
            "--format",
            "json",
        ]);
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "{model}: {:?}",
            started.elapsed()
        );
        assert_eq!(code, Some(1), "{model}: {stderr}");
        let lines = lines_by_id(&stdout);
        assert_eq!(lines[0].1["ok"], true, "{model}: {stdout}");
        assert_eq!(
            lines[1].1["error"], "body larger than 1 MB (--max-body), not read further",
            "{model}: {stdout}"
        );
        assert!(stderr.contains("1 of 2 ids failed"), "{model}: {stderr}");
    }
    // Read without a cap, the 512 MB the server sends would be in memory.
    let peak = peak_memory_of_children();
    assert!(peak < 200_000_000, "a child peaked at {peak} bytes");
}

#[test]
fn a_body_just_over_max_body_fails_and_one_at_it_succeeds() {
    let api = TestApi::start(Config::default());
    for model in ["async", "sequential", "threads"] {
        let (code, stdout, stderr) = outcome(&[
            "fetch",
            "--api",
            &api.api,
            "--ids",
            "2000,2001",
            "--max-body",
            "2KB",
            "--model",
            model,
            "--format",
            "json",
        ]);
        assert_eq!(code, Some(1), "{model}: {stderr}");
        let lines = lines_by_id(&stdout);
        assert_eq!(lines[0].1["ok"], true, "{model}: {stdout}");
        assert_eq!(
            lines[1].1["error"], "body larger than 2 KB (--max-body), not read further",
            "{model}: {stdout}"
        );
        // Not retried: the same body would come again.
        assert_eq!(lines[1].1["attempts"], 1, "{model}: {stdout}");
        let (code, _, stderr) = outcome(&[
            "fetch",
            "--api",
            &api.api,
            "--ids",
            "2000,2001",
            "--max-body",
            "2001",
            "--model",
            model,
            "--format",
            "quiet",
        ]);
        assert_eq!(code, Some(0), "{model}: {stderr}");
    }
}

#[test]
fn list_pages_are_capped_too() {
    let api = TestApi::start(Config {
        last_page: Some(2),
        ..Config::default()
    });
    let (code, stdout, stderr) =
        outcome(&["fetch", "--api", &api.api, "--all", "--max-body", "100"]);
    assert_eq!(code, Some(1), "{stderr}");
    assert!(stdout.is_empty(), "{stdout}");
    assert!(
        stderr.contains(&format!(
            "error: cannot list the people at {}people/: body larger than 100 bytes",
            api.api
        )),
        "{stderr}"
    );
}

#[test]
fn a_thread_pool_past_the_systems_budget_is_refused_before_it_starts() {
    let budget = mesonero::clock::thread_budget();
    // Clearly past the budget, whatever the child's own threads and maps.
    let threads = budget.threads.saturating_add(budget.threads / 10 + 100);
    if threads > 100_000 {
        // No --concurrency can pass such a budget; CI's machine has a
        // smaller one, where the test must run.
        assert!(
            std::env::var_os("CI").is_none(),
            "this system allows {} threads, more than --concurrency takes, and CI is set",
            budget.threads
        );
        eprintln!("skipped: this system allows {} threads", budget.threads);
        return;
    }
    let (concurrency, ids) = (threads.to_string(), format!("1-{threads}"));
    let started = Instant::now();
    // No server: it would say so on stderr before any refusal later on.
    let output = run([
        "fetch",
        "--model",
        "threads",
        "--concurrency",
        &concurrency,
        "--ids",
        &ids,
    ]);
    assert_bad_input(
        &output,
        &[
            &format!("--concurrency {threads}: the threads model needs {threads} threads"),
            "as many as this system allows (",
            "or use --model async",
        ],
    );
    assert!(started.elapsed() < Duration::from_secs(10));
    // With fewer ids than that, the pool is only as large as the ids.
    let (code, _, stderr) = outcome(&[
        "fetch",
        "--model",
        "threads",
        "--concurrency",
        &concurrency,
        "--ids",
        "1-3",
        "--server-delay",
        "0",
        "--format",
        "quiet",
    ]);
    assert_eq!(code, Some(0), "{stderr}");
    // --compare runs the threads model too.
    let output = run([
        "fetch",
        "--compare",
        "--concurrency",
        &concurrency,
        "--ids",
        &ids,
    ]);
    assert_bad_input(&output, &["as many as this system allows"]);
}
