//! `mesonero fetch --all` against lists that misbehave: `next` links that
//! never end (`--max-pages`, Ctrl-C), that lead to another host
//! (`--follow-other-hosts`), and its count of pages and people, shown on
//! a terminal only.

mod common;
mod fetch_support;

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::ready::wait_while_running;
use common::{mesonero, outcome, read_stderr, wait_bounded, BIN};
use fetch_support::{Config, TestApi};

#[test]
fn endless_next_links_stop_at_max_pages_having_fetched_what_was_listed() {
    let api = TestApi::start(Config::default());
    let started = Instant::now();
    let (code, stdout, stderr) = outcome(&[
        "fetch",
        "--api",
        &api.api,
        "--all",
        "--max-pages",
        "3",
        "--format",
        "quiet",
    ]);
    assert!(started.elapsed() < Duration::from_secs(30));
    assert_eq!(code, Some(1), "{stderr}");
    assert_eq!(api.page_requests(), 3);
    assert!(stdout.starts_with("async: 30 of 30 fetched"), "{stdout}");
    assert_eq!(
        stderr.trim_end(),
        "error: --all: the list went on past 3 pages (--max-pages 3); only the 30 people on \
         them were fetched"
    );
}

#[test]
fn a_list_that_ends_within_max_pages_is_fetched_whole() {
    let api = TestApi::start(Config {
        last_page: Some(3),
        ..Config::default()
    });
    // The API's root, or its people's address as a user may copy it.
    for given in [api.api.clone(), format!("{}people", api.api)] {
        let (code, stdout, stderr) = outcome(&[
            "fetch",
            "--api",
            &given,
            "--all",
            "--max-pages",
            "3",
            "--format",
            "quiet",
        ]);
        assert_eq!(code, Some(0), "{given}: {stderr}");
        assert!(
            stdout.starts_with("async: 30 of 30 fetched"),
            "{given}: {stdout}"
        );
    }
    assert_eq!(api.page_requests(), 6);
}

#[test]
fn ctrl_c_while_listing_exits_130_and_says_how_far_it_got() {
    let api = TestApi::start(Config {
        page_delay: Duration::from_millis(20),
        ..Config::default()
    });
    let mut child = mesonero(["fetch", "--api", &api.api, "--all"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    wait_while_running(&mut child, "three pages asked for", || {
        api.page_requests() >= 3
    });
    assert!(common::send_ctrl_c(&child), "kill -INT failed");
    let status = wait_bounded(&mut child, Duration::from_secs(30));
    let stderr = read_stderr(&mut child);
    common::assert_no_panic(&stderr);
    assert_eq!(status.code(), Some(130), "{stderr}");
    assert!(
        stderr.starts_with("error: interrupted while listing the people, after "),
        "{stderr}"
    );
    assert!(stderr.contains(" pages and "), "{stderr}");
    assert_eq!(api.people_requests(), 0, "no one is fetched after Ctrl-C");
}

#[test]
fn next_links_to_another_host_are_refused_unless_allowed() {
    // `localhost` names this machine too, but it is another host name.
    let api = TestApi::start(Config {
        last_page: Some(3),
        next_host: Some("localhost".into()),
        ..Config::default()
    });
    let (code, stdout, stderr) = outcome(&["fetch", "--api", &api.api, "--all"]);
    assert_eq!(code, Some(1), "{stderr}");
    assert!(stdout.is_empty(), "{stdout}");
    let next = format!("http://localhost:{}/api/people/?page=2", api.addr.port());
    assert_eq!(
        stderr.trim_end(),
        format!(
            "error: cannot list the people: the page {}people/ links its next page to another \
             host, {next}, not followed without --follow-other-hosts",
            api.api
        )
    );
    let (code, stdout, stderr) = outcome(&[
        "fetch",
        "--api",
        &api.api,
        "--all",
        "--follow-other-hosts",
        "--format",
        "quiet",
    ]);
    assert_eq!(code, Some(0), "{stderr}");
    assert!(stdout.starts_with("async: 30 of 30 fetched"), "{stdout}");
}

#[test]
fn the_crawl_counts_pages_and_people_on_a_terminal_only() {
    if !Path::new("/usr/bin/script").exists() {
        assert!(
            std::env::var_os("CI").is_none(),
            "script (util-linux) is needed for the terminal tests"
        );
        eprintln!("skipped: /usr/bin/script not found");
        return;
    }
    let api = TestApi::start(Config {
        last_page: Some(20),
        page_delay: Duration::from_millis(30),
        ..Config::default()
    });
    let args = ["fetch", "--api", &api.api, "--all", "--format", "quiet"];
    let command: Vec<String> = std::iter::once(BIN)
        .chain(args)
        .map(|a| format!("'{a}'"))
        .collect();
    let out = Command::new("timeout")
        .args([
            "60",
            "/usr/bin/script",
            "-qec",
            &command.join(" "),
            "/dev/null",
        ])
        .env("TERM", "xterm")
        .output()
        .expect("script runs");
    assert!(out.status.success(), "{out:?}");
    let shown = String::from_utf8_lossy(&out.stdout);
    assert!(shown.contains("listing the people: "), "{shown:?}");
    assert!(shown.contains(" pages, "), "{shown:?}");
    assert!(shown.contains("async: 200 of 200 fetched"), "{shown:?}");
    let (code, stdout, stderr) = outcome(&args);
    assert_eq!(code, Some(0), "{stderr}");
    assert!(
        !stdout.contains("listing") && !stderr.contains("listing"),
        "{stderr}"
    );
}
