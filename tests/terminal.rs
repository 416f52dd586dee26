//! What only a terminal sees: the progress lines of `compare` and `report`
//! and the progress bar of `fetch`, shown on a pseudo-terminal made by
//! `script` (util-linux), and never in a pipe.

mod common;

use std::path::Path;
use std::process::Command;

use common::{run, BIN};

/// What `args` prints on a terminal, stdout and stderr together as a
/// terminal shows them; `None` when `script` is missing (outside CI).
fn on_a_terminal(args: &[&str]) -> Option<String> {
    if !Path::new("/usr/bin/script").exists() {
        assert!(
            std::env::var_os("CI").is_none(),
            "script (util-linux) is needed for the terminal tests"
        );
        eprintln!("skipped: /usr/bin/script not found (apt-get install bsdutils)");
        return None;
    }
    let quoted: Vec<String> = std::iter::once(BIN)
        .chain(args.iter().copied())
        .map(|a| format!("'{a}'"))
        .collect();
    let out = Command::new("timeout")
        .args([
            "60",
            "/usr/bin/script",
            "-qec",
            &quoted.join(" "),
            "/dev/null",
        ])
        .env("TERM", "xterm")
        .output()
        .expect("script runs");
    assert!(out.status.success(), "{args:?} on a terminal: {out:?}");
    Some(String::from_utf8_lossy(&out.stdout).into_owned())
}

/// What `args` prints to pipes: stdout and stderr.
fn in_a_pipe(args: &[&str]) -> String {
    let out = run(args);
    assert!(out.status.success(), "{args:?}: {out:?}");
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

#[test]
fn compare_says_which_model_is_serving_then_clears_the_line() {
    let args = ["compare", "--clock", "virtual"];
    let Some(shown) = on_a_terminal(&args) else {
        return;
    };
    for (i, model) in ["sync", "threads", "thread-per-product", "async"]
        .iter()
        .enumerate()
    {
        let line = format!("\r\x1b[Kserving with {model} ({} of 4)...", i + 1);
        assert!(shown.contains(&line), "no {line:?} in {shown:?}");
    }
    // The table starts on a cleared line.
    assert!(shown.contains("\r\x1b[Kmodel "), "{shown:?}");
    assert!(!in_a_pipe(&args).contains("serving with"));
}

#[test]
fn a_long_fetch_shows_a_progress_bar_and_clears_it() {
    let args = [
        "fetch",
        "--ids",
        "1-75,1-75,1-75,1-75",
        "--server-delay",
        "1ms",
        "--format",
        "quiet",
    ];
    let Some(shown) = on_a_terminal(&args) else {
        return;
    };
    assert!(shown.contains("/300 ids"), "no progress bar in {shown:?}");
    // The bar is cleared, and the summary written on the cleared line.
    let cleared = "\r\x1b[2Kasync: 300 of 300 fetched";
    assert!(shown.contains(cleared), "{shown:?}");
    assert!(!in_a_pipe(&args).contains("/300 ids"));
}

#[test]
fn report_says_which_section_is_running() {
    let dir = tempfile::tempdir().unwrap();
    let page = dir.path().join("r.html");
    let args = [
        "report",
        "--output",
        page.to_str().unwrap(),
        "--clock",
        "virtual",
        "--server-delay",
        "1ms",
        "--race-iterations",
        "1000",
        "--race-runs",
        "1",
    ];
    let Some(shown) = on_a_terminal(&args) else {
        return;
    };
    for section in [
        "restaurant: serving with sync",
        "fetches: people with",
        "race: racing with none",
    ] {
        assert!(shown.contains(section), "no {section:?} in {shown:?}");
    }
    assert!(shown.contains("wrote "), "{shown:?}");
    let piped = in_a_pipe(&args);
    assert!(!piped.contains("restaurant: serving"), "{piped:?}");
}
