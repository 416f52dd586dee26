//! `mesonero fetch` end to end, against the built-in server or a `mesonero
//! serve` started for the test, on 127.0.0.1 only, bounded in count and
//! time.

mod common;

use std::io::{BufRead, BufReader};
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

use common::ready::{wait_while_running, Captured};
use common::{mesonero, outcome};

/// The people the article prints, by id.
const ARTICLE: [&str; 9] = [
    "Luke Skywalker",
    "C-3PO",
    "R2-D2",
    "Darth Vader",
    "Leia Organa",
    "Owen Lars",
    "Beru Whitesun lars",
    "R5-D4",
    "Biggs Darklighter",
];

/// A `mesonero serve` child on a free port, stopped when dropped.
struct Served {
    child: Child,
    api: String,
}

impl Served {
    fn start(options: &[&str]) -> Served {
        let mut child = mesonero(["serve", "--addr", "127.0.0.1:0"].iter().chain(options))
            .stderr(Stdio::piped())
            .stdout(Stdio::null())
            .spawn()
            .unwrap();
        let mut stderr = BufReader::new(child.stderr.take().unwrap());
        let mut line = String::new();
        stderr.read_line(&mut line).unwrap();
        let start = line
            .find("http://")
            .unwrap_or_else(|| panic!("no address in {line:?}"));
        let address: String = line[start..]
            .chars()
            .take_while(|c| !c.is_whitespace() && *c != ')')
            .collect();
        // Keep draining stderr so the server never blocks on a full pipe.
        std::thread::spawn(move || for _ in stderr.lines() {});
        Served {
            child,
            api: format!("{}/api/", address.trim_end_matches('/')),
        }
    }

    /// Stops the server with Ctrl-C, unless it has already ended.
    fn stop(&mut self) {
        if self.child.try_wait().expect("try_wait").is_none() {
            common::send_ctrl_c(&self.child);
            let _ = common::wait_bounded(&mut self.child, Duration::from_secs(10));
        }
    }
}

impl Drop for Served {
    fn drop(&mut self) {
        self.stop();
    }
}

/// The part of a log line after the article's `[ date time,ms ]  `.
fn message(line: &str) -> &str {
    line.split_once(" ]  ").map_or(line, |(_, m)| m)
}

#[test]
fn fetch_alone_reproduces_the_article() {
    let started = Instant::now();
    let (code, stdout, stderr) = outcome(&["fetch", "--server-delay", "300ms"]);
    assert_eq!(code, Some(0), "{stderr}");
    let lines: Vec<&str> = stdout.lines().collect();
    // 9 requests, 9 people, then the two summary lines.
    assert_eq!(lines.len(), 20, "{stdout}");
    for (i, name) in ARTICLE.iter().enumerate() {
        let id = i + 1;
        let request = lines
            .iter()
            .position(|l| message(l) == format!("Request person number {id}"));
        let person = lines
            .iter()
            .position(|l| message(l) == format!("Person number {id} = {name}"));
        assert!(
            request.is_some() && person.is_some() && request < person,
            "{id}: {stdout}"
        );
    }
    assert!(lines[0].starts_with("[ 20"), "{}", lines[0]);
    assert!(
        lines[18].starts_with("async: 9 of 9 fetched, 0 failed, 0 retries; 9 requests"),
        "{}",
        lines[18]
    );
    // Nine requests at once: about one delay, not nine.
    assert!(
        started.elapsed() < Duration::from_millis(300 * 9),
        "{:?}",
        started.elapsed()
    );
}

#[test]
fn compare_shows_sequential_waiting_nine_times_as_long() {
    let (code, stdout, stderr) = outcome(&[
        "fetch",
        "--server-delay",
        "200ms",
        "--compare",
        "--format",
        "json",
    ]);
    assert_eq!(code, Some(0), "{stderr}");
    let rows: Vec<serde_json::Value> = serde_json::from_str(&stdout).unwrap();
    let wall = |model: &str| {
        rows.iter().find(|r| r["model"] == model).unwrap()["wall_s"]
            .as_f64()
            .unwrap()
    };
    assert_eq!(rows.len(), 3);
    assert!(wall("sequential") >= 1.8, "{stdout}");
    assert!(wall("async") < 1.2 && wall("threads") < 1.2, "{stdout}");
    for row in &rows {
        assert_eq!(row["ok"], 9, "{row}");
    }
    let (code, table, _) = outcome(&["fetch", "--server-delay", "0", "--compare"]);
    assert_eq!(code, Some(0));
    assert!(table.starts_with("model "), "{table}");
    assert_eq!(table.lines().count(), 5, "{table}");
}

#[test]
fn json_lines_and_the_output_file_hold_one_object_per_id() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("people.jsonl");
    let file_arg = file.to_str().unwrap();
    let (code, stdout, stderr) = outcome(&[
        "fetch",
        "--server-delay",
        "0",
        "--ids",
        "1,4,7",
        "--format",
        "json",
        "--output",
        file_arg,
    ]);
    assert_eq!(code, Some(0), "{stderr}");
    for text in [stdout, std::fs::read_to_string(&file).unwrap()] {
        let mut ids: Vec<u64> = text
            .lines()
            .map(|l| {
                let v: serde_json::Value = serde_json::from_str(l).unwrap();
                assert_eq!(v["ok"], true, "{l}");
                assert_eq!(
                    v["person"]["name"],
                    ARTICLE[v["id"].as_u64().unwrap() as usize - 1],
                    "{l}"
                );
                v["id"].as_u64().unwrap()
            })
            .collect();
        ids.sort_unstable();
        assert_eq!(ids, [1, 4, 7]);
    }
    assert!(stderr.contains("async: 3 of 3 fetched"), "{stderr}");
}

#[test]
fn bad_ids_and_urls_are_refused_with_exit_code_2() {
    for (args, needle) in [
        (
            vec!["fetch", "--ids", "9-1"],
            "--ids: the range 9-1 is backwards",
        ),
        (vec!["fetch", "--ids", "a,b"], "is not an id or a range"),
        (vec!["fetch", "--ids", "0-3"], "ids start at 1"),
        (
            vec!["fetch", "--api", "not a url"],
            "--api: 'not a url' is not a usable URL",
        ),
        (
            vec!["fetch", "--api", "ftp://127.0.0.1/"],
            "only http:// and https://",
        ),
        (vec!["fetch", "--timeout", "soon"], "is not a duration"),
        (
            vec!["fetch", "--timeout", "0"],
            "'0' is out of range: give a timeout from 1ms to 1h",
        ),
        (
            vec!["fetch", "--timeout", "99999999999999s"],
            "give a timeout from 1ms to 1h",
        ),
        (vec!["fetch", "--timeout", "2h"], "from 1ms to 1h"),
        (vec!["fetch", "--rate", "0"], "is not a rate"),
        (
            vec!["fetch", "--rate", "1e-19"],
            "'1e-19' is not a rate: give from 0.001 to 1000000 requests per second",
        ),
        (
            vec!["fetch", "--max-body", "0"],
            "'0' is out of range: give a size from 1 byte to 1 GB",
        ),
        (vec!["fetch", "--max-body", "2GB"], "from 1 byte to 1 GB"),
        (vec!["fetch", "--max-body", "lots"], "'lots' is not a size"),
        (vec!["fetch", "--max-pages", "5"], "--all"),
        (vec!["fetch", "--all", "--max-pages", "0"], "--max-pages"),
        (vec!["fetch", "--concurrency", "0"], "--concurrency"),
        (
            vec!["fetch", "--compare", "--output", "x.jsonl"],
            "cannot be used with",
        ),
        (
            vec!["fetch", "--ids", "1-3", "--all"],
            "cannot be used with",
        ),
    ] {
        let (code, stdout, stderr) = outcome(&args);
        assert_eq!(code, Some(2), "{args:?}: {stderr}");
        assert!(stderr.contains(needle), "{args:?}: {stderr}");
        assert!(stdout.is_empty(), "{args:?}: {stdout}");
    }
}

#[test]
fn a_refused_connection_fails_every_id_and_exits_1() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    for scheme in ["http", "https"] {
        let api = format!("{scheme}://127.0.0.1:{port}/api/");
        let started = Instant::now();
        let (code, stdout, stderr) =
            outcome(&["fetch", "--api", &api, "--ids", "1-3", "--retries", "1"]);
        assert_eq!(code, Some(1), "{stderr}");
        assert_eq!(
            stdout
                .lines()
                .filter(|l| message(l).contains("failed: connection to"))
                .count(),
            3,
            "{stdout}"
        );
        assert!(stderr.contains("3 of 3 ids failed"), "{stderr}");
        assert!(started.elapsed() < Duration::from_secs(15));
    }
}

/// The retry count in a summary: `..., N failed, R retries; ...`.
fn retries_in(summary: &str) -> u64 {
    summary
        .split("failed, ")
        .nth(1)
        .and_then(|rest| rest.split(' ').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no retry count in {summary}"))
}

#[test]
fn retries_carry_every_id_through_a_flaky_server() {
    // The server's failures are drawn from its seed in the order requests
    // arrive; one request at a time makes that order, and so this run,
    // the same every time.
    let server = Served::start(&[
        "--fail-rate",
        "0.3",
        "--seed",
        "7",
        "--delay",
        "0",
        "--people",
        "100",
    ]);
    let (code, stdout, stderr) = outcome(&[
        "fetch",
        "--api",
        &server.api,
        "--ids",
        "1-100",
        "--retries",
        "5",
        "--model",
        "sequential",
        "--format",
        "json",
    ]);
    assert_eq!(code, Some(0), "{stderr}");
    assert_eq!(stdout.lines().count(), 100);
    assert!(
        retries_in(&stderr) > 10,
        "a 30 % failure rate over 100 ids needs retries: {stderr}"
    );
    assert!(
        stderr.contains("500 x") || stderr.contains("503 x"),
        "{stderr}"
    );
    // Concurrently the order varies, but every id still ends one way or
    // the other, and nearly all well.
    let (_, stdout, stderr) = outcome(&[
        "fetch",
        "--api",
        &server.api,
        "--ids",
        "1-100",
        "--retries",
        "5",
        "--format",
        "json",
    ]);
    assert_eq!(stdout.lines().count(), 100, "{stderr}");
    assert!(retries_in(&stderr) > 10, "{stderr}");
}

#[test]
fn ten_thousand_requests_at_concurrency_500_are_all_accounted_for() {
    let server = Served::start(&["--delay", "0", "--people", "10000"]);
    let started = Instant::now();
    let (code, stdout, stderr) = outcome(&[
        "fetch",
        "--api",
        &server.api,
        "--ids",
        "1-10000",
        "--concurrency",
        "500",
        "--format",
        "quiet",
    ]);
    assert!(
        started.elapsed() < Duration::from_secs(120),
        "{:?}",
        started.elapsed()
    );
    // "async: OK of 10000 fetched, FAILED failed, ..."
    let first = stdout.lines().next().unwrap_or_default();
    let numbers: Vec<u64> = first
        .split(|c: char| !c.is_ascii_digit())
        .filter_map(|n| n.parse().ok())
        .collect();
    assert_eq!(numbers[1], 10_000, "{first}");
    assert_eq!(numbers[0] + numbers[2], 10_000, "{first}");
    assert_eq!(code, Some(0), "{stderr}");
}

/// The ids of `stdout` that ended with `separator` after their number:
/// `Person number N = NAME` for ` = `, `Person number N failed: ...` for
/// ` failed: ` (retries say `Person number N: ...`).
fn ended(stdout: &str, separator: &str) -> usize {
    stdout
        .lines()
        .filter(|l| {
            let rest = message(l)
                .strip_prefix("Person number ")
                .unwrap_or_default();
            let digits = rest.trim_start_matches(|c: char| c.is_ascii_digit());
            digits.len() < rest.len() && digits.starts_with(separator)
        })
        .count()
}

#[test]
fn a_server_stopped_mid_run_is_reported_per_id_and_never_hangs() {
    let mut server = Served::start(&["--delay", "200ms", "--people", "400"]);
    let mut fetcher = mesonero([
        "fetch",
        "--api",
        &server.api,
        "--ids",
        "1-400",
        "--concurrency",
        "10",
        "--retries",
        "1",
        "--timeout",
        "2s",
    ])
    .stdout(Stdio::piped())
    .stderr(Stdio::piped())
    .spawn()
    .unwrap();
    let stdout = Captured::new(fetcher.stdout.take().unwrap());
    let stderr = Captured::new(fetcher.stderr.take().unwrap());
    // 400 ids, ten at a time, take 8 s: the server stops once the first
    // person is fetched, long before the last.
    wait_while_running(&mut fetcher, "a person fetched", || {
        ended(&stdout.text(), " = ") > 0
    });
    let started = Instant::now();
    server.stop();
    let status = common::wait_bounded(&mut fetcher, Duration::from_secs(60));
    assert!(
        started.elapsed() < Duration::from_secs(30),
        "{:?}",
        started.elapsed()
    );
    let (stdout, stderr) = (stdout.finish(), stderr.finish());
    common::assert_no_panic(&stderr);
    assert_eq!(status.code(), Some(1), "{stderr}");
    // Each id ends in one line.
    let (fetched, failed) = (ended(&stdout, " = "), ended(&stdout, " failed: "));
    assert_eq!(fetched + failed, 400, "{stdout}");
    assert!(
        fetched > 0 && failed > 0,
        "{fetched} fetched, {failed} failed"
    );
}

#[test]
fn all_crawls_the_pages_and_fetches_everyone() {
    let Some(fixture) = common::fixture(common::shared("data/swapi/people.json")) else {
        return;
    };
    let server = Served::start(&["--delay", "0", "--data", fixture.to_str().unwrap()]);
    let (code, stdout, stderr) =
        outcome(&["fetch", "--api", &server.api, "--all", "--format", "quiet"]);
    assert_eq!(code, Some(0), "{stderr}");
    assert!(stdout.starts_with("async: 82 of 82 fetched"), "{stdout}");
}

#[test]
fn a_rate_spaces_the_requests() {
    let started = Instant::now();
    let (code, _, stderr) = outcome(&[
        "fetch",
        "--server-delay",
        "0",
        "--ids",
        "1-20",
        "--rate",
        "20",
        "--format",
        "quiet",
    ]);
    assert_eq!(code, Some(0), "{stderr}");
    // The 20th request is due 0.95 s after the first.
    assert!(
        started.elapsed() >= Duration::from_millis(950),
        "{:?}",
        started.elapsed()
    );
}
