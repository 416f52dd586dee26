//! The report in a real browser: headless Chromium draws the page, which
//! must show something, and loads it, which must raise no error.
//!
//! Errors are looked for twice. Chromium's own log (`--enable-logging`)
//! has a `CONSOLE` line for every console message: uncaught exceptions,
//! loads the page's Content-Security-Policy refused. And a copy of the
//! page with a small probe script put first in its head records failed
//! loads, uncaught errors, refused loads and `console.error` calls, and
//! writes them into the page when it has loaded, where `--dump-dom` reads
//! them. A broken page must fail both, which a test here checks.
//!
//! The browser is Debian's, at /usr/bin/chromium. Without it the tests say
//! they are skipped, except when `CI` is set: there they fail, so that a
//! missing browser cannot pass for a passing test. `.ci/run` installs it.

mod common;

use std::fs;
use std::path::{Path, PathBuf};

use common::chromium::{chromium, chromium_available};
use common::{assert_success, run};

/// The console messages in Chromium's log: the page runs no script of its
/// own, so any message at all is a problem.
fn console_lines(stderr: &str) -> Vec<String> {
    stderr
        .lines()
        .filter(|l| l.contains(":CONSOLE") || l.contains("Uncaught"))
        .map(|l| format!("console: {l}"))
        .collect()
}

/// Takes a screenshot of `page` and says what is wrong with it, if
/// anything: nothing drawn, or not the page's style.
fn screenshot_problems(dir: &Path, page: &Path) -> Vec<String> {
    let png = dir.join("screenshot.png");
    let browser = chromium(
        dir,
        &[
            format!("--screenshot={}", png.display()),
            "--window-size=1280,2000".to_string(),
            url(page),
        ],
    );
    let mut problems = console_lines(&browser.stderr);
    if !browser.status.success() {
        problems.push(format!("chromium ended with {}", browser.status));
    }
    match fs::read(&png) {
        Ok(bytes) => problems.extend(drawing_problems(&bytes)),
        Err(e) => problems.push(format!("no screenshot ({e}):\n{}", browser.stderr)),
    }
    problems
}

/// Non-blank: many pixels not white and several colours, among them the
/// dark header of the tables, which the inline style sheet draws.
fn drawing_problems(png_bytes: &[u8]) -> Vec<String> {
    let mut decoder = png::Decoder::new(std::io::Cursor::new(png_bytes));
    decoder.set_transformations(png::Transformations::normalize_to_color8());
    let mut reader = decoder.read_info().expect("a PNG");
    let mut buffer = vec![0; reader.output_buffer_size().expect("a size")];
    let info = reader.next_frame(&mut buffer).expect("a frame");
    let samples = info.color_type.samples();
    let pixels: Vec<[u8; 3]> = buffer[..info.buffer_size()]
        .chunks_exact(samples)
        .map(|p| match samples {
            1 | 2 => [p[0]; 3],
            _ => [p[0], p[1], p[2]],
        })
        .collect();
    let inked = pixels.iter().filter(|p| p.iter().any(|&c| c < 240)).count();
    let mut colours: Vec<[u8; 3]> = pixels.clone();
    colours.sort_unstable();
    colours.dedup();
    let near = |p: &[u8; 3], q: [u8; 3]| p.iter().zip(q).all(|(&a, b)| a.abs_diff(b) <= 4);
    let header = pixels
        .iter()
        .filter(|p| near(p, [0x1d, 0x24, 0x30]))
        .count();
    let mut problems = Vec::new();
    if inked * 50 < pixels.len() {
        problems.push(format!(
            "blank: only {inked} of {} pixels are not white",
            pixels.len()
        ));
    }
    if colours.len() < 16 {
        problems.push(format!("only {} colours", colours.len()));
    }
    if header < 1_000 {
        problems.push(format!(
            "the tables' header colour covers only {header} pixels: the style was not applied"
        ));
    }
    problems
}

/// Records what goes wrong while the page loads, and writes it into the
/// page once loaded. It comes first in the head, before the page's
/// Content-Security-Policy, which would refuse it.
const PROBE: &str = r#"<script>
(function () {
  var seen = [];
  function note(text) { seen.push(String(text)); }
  window.addEventListener("error", function (e) {
    var t = e.target;
    if (t && t !== window && t.tagName) {
      note("failed to load " + t.tagName.toLowerCase() + " " + (t.src || t.href || ""));
    } else {
      note("uncaught: " + e.message);
    }
  }, true);
  window.addEventListener("unhandledrejection", function (e) {
    note("unhandled rejection: " + e.reason);
  });
  document.addEventListener("securitypolicyviolation", function (e) {
    note("refused by the policy (" + e.violatedDirective + "): " + e.blockedURI);
  });
  var error = console.error;
  console.error = function () {
    note("console.error: " + Array.prototype.join.call(arguments, " "));
    error.apply(console, arguments);
  };
  window.addEventListener("load", function () {
    var out = document.createElement("pre");
    out.id = "probe-report";
    out.textContent = JSON.stringify(seen);
    document.body.appendChild(out);
  });
})();
</script>"#;

/// Loads a copy of `page` with the probe, and returns what it recorded
/// and what the console said.
fn load_problems(dir: &Path, page: &Path) -> Vec<String> {
    let html = fs::read_to_string(page).unwrap();
    let probed = dir.join("probed.html");
    let at = html.find("<head>").map_or(0, |i| i + "<head>".len());
    fs::write(&probed, format!("{}{PROBE}{}", &html[..at], &html[at..])).unwrap();
    let browser = chromium(dir, &["--dump-dom".to_string(), url(&probed)]);
    let mut problems = console_lines(&browser.stderr);
    let start = r#"<pre id="probe-report">"#;
    let report = browser
        .stdout
        .split_once(start)
        .and_then(|(_, rest)| rest.split_once("</pre>"))
        .map(|(report, _)| unescape(report));
    match report.map(|r| serde_json::from_str::<Vec<String>>(&r)) {
        Some(Ok(recorded)) => problems.extend(recorded),
        _ => problems.push(format!(
            "the page did not finish loading, or the probe did not run:\n{}",
            browser.stdout
        )),
    }
    problems
}

/// Text as `--dump-dom` escapes it in an element.
fn unescape(text: &str) -> String {
    text.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&nbsp;", "\u{a0}")
        .replace("&amp;", "&")
}

fn url(page: &Path) -> String {
    format!("file://{}", page.canonicalize().unwrap().display())
}

/// Every problem the browser finds with `page`: drawing and loading.
fn problems(page: &Path) -> Vec<String> {
    let dir = tempfile::tempdir().unwrap();
    let mut problems = screenshot_problems(dir.path(), page);
    problems.extend(load_problems(dir.path(), page));
    problems
}

/// A quick report in `dir`.
fn report(dir: &Path) -> PathBuf {
    let page = dir.join("report.html");
    let args = [
        "report",
        "--output",
        page.to_str().unwrap(),
        "--clock",
        "virtual",
        "--server-delay",
        "20ms",
        "--race-iterations",
        "10000",
        "--race-runs",
        "2",
    ];
    assert_success(&run(args), &args);
    page
}

#[test]
fn the_report_draws_and_loads_without_errors() {
    if !chromium_available() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let page = report(dir.path());
    let problems = problems(&page);
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// The checks above could pass by seeing nothing: here each kind of
/// breakage must be caught.
#[test]
fn a_broken_page_is_caught() {
    if !chromium_available() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let html = fs::read_to_string(report(dir.path())).unwrap();
    let write = |name: &str, text: &str| {
        let path = dir.path().join(name);
        fs::write(&path, text).unwrap();
        path
    };
    let caught = |page: &Path, wanted: &[&str]| {
        let problems = problems(page);
        for w in wanted {
            assert!(
                problems.iter().any(|p| p.contains(w)),
                "{} should have been caught with {w:?}; found:\n{}",
                page.display(),
                problems.join("\n")
            );
        }
    };

    // The report asking for an image and running a script: the policy
    // refuses both, and says so.
    let loads = html.replacen(
        "<body>",
        "<body><img src=\"missing.png\"><script>throw new Error(\"boom\")</script>",
        1,
    );
    caught(
        &write("loads.html", &loads),
        &["console: ", "refused by the policy (img-src)"],
    );

    // With no policy: a failed load and an uncaught error.
    let unguarded = "<!DOCTYPE html><html><head><title>broken</title></head><body>\
                     <h1>broken</h1><img src=\"missing.png\">\
                     <script>throw new Error(\"boom\")</script></body></html>";
    caught(
        &write("unguarded.html", unguarded),
        &["Uncaught Error: boom", "failed to load img", "uncaught: "],
    );

    // Nothing to see.
    caught(
        &write("blank.html", "<!DOCTYPE html><title>blank</title>"),
        &["blank: ", "colours", "style was not applied"],
    );
}
