//! A teacher's page calling `mesonero serve` from a browser: headless
//! Chromium loads a page from one loopback server whose script `fetch()`es
//! person 1 from `mesonero serve` on another port, a cross-origin request
//! that only CORS lets through, and writes the name into the page, which
//! `--dump-dom` reads back.

mod common;

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::thread;

use common::chromium::{chromium, chromium_available};
use common::serving::Serving;

/// What the page shows before its script has run, or when the fetch failed.
const WAITING: &str = "waiting";

/// The page: fetches person 1 from `api` and shows the name, or the error.
fn page(api: &str) -> String {
    format!(
        r#"<!doctype html>
<html><head><meta charset="utf-8"><title>people</title></head>
<body><p id="name">{WAITING}</p>
<script>
fetch("{api}people/1/")
  .then(function (r) {{ return r.json(); }})
  .then(function (person) {{ document.getElementById("name").textContent = "fetched: " + person.name; }})
  .catch(function (e) {{ document.getElementById("name").textContent = "failed: " + e; }});
</script></body></html>"#
    )
}

/// Serves `html` to every request on a free loopback port, from a thread,
/// for at most `requests` connections; returns the page's URL.
fn serve_page(html: String, requests: usize) -> String {
    serve_same("text/html; charset=utf-8", html, requests)
}

/// Answers every request on a free loopback port with `body`, as
/// `content_type` and with no other header, from a thread, for at most
/// `requests` connections; returns the server's root URL.
fn serve_same(content_type: &'static str, body: String, requests: usize) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").expect("a free port");
    let url = format!("http://{}/", listener.local_addr().unwrap());
    thread::spawn(move || {
        for stream in listener.incoming().take(requests) {
            let Ok(mut stream) = stream else { continue };
            // The request's head, up to its blank line; the answer is the
            // same whatever was asked (a favicon too).
            let mut reader = BufReader::new(&stream);
            let mut line = String::new();
            while reader.read_line(&mut line).is_ok_and(|n| n > 2) {
                line.clear();
            }
            let _ = write!(
                stream,
                "HTTP/1.1 200 OK\r\nContent-Type: {content_type}\r\n\
                 Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            );
        }
    });
    url
}

/// Loads the page at `url` in Chromium, letting its script's fetch end,
/// and returns the text of the `name` paragraph.
fn shown_name(url: &str) -> String {
    let dir = tempfile::tempdir().unwrap();
    let browser = chromium(
        dir.path(),
        &[
            // Virtual time waits for the network: the dump comes once the
            // fetch has answered, or after ten virtual seconds.
            "--virtual-time-budget=10000".to_string(),
            "--dump-dom".to_string(),
            url.to_string(),
        ],
    );
    assert!(browser.status.success(), "chromium: {}", browser.stderr);
    let dom = &browser.stdout;
    let start = dom
        .find(r#"<p id="name">"#)
        .unwrap_or_else(|| panic!("no name paragraph in {dom}"));
    let rest = &dom[start + r#"<p id="name">"#.len()..];
    rest[..rest.find("</p>").expect("the paragraph ends")].to_string()
}

#[test]
fn a_page_of_another_origin_fetches_person_one() {
    if !chromium_available() {
        return;
    }
    let server = Serving::start(&["--log", "off"]);
    let api = format!("{}/api/", server.base);
    let url = serve_page(page(&api), 8);
    let shown = shown_name(&url);
    assert_eq!(
        shown, "fetched: Luke Skywalker",
        "the page showed {shown:?}"
    );
    server.stop_with("INT");
}

/// The same page against a server without CORS fails: the test above
/// passes because of the headers, not in spite of them.
#[test]
fn without_cors_the_browser_refuses_the_answer() {
    if !chromium_available() {
        return;
    }
    // A server that answers person 1 as JSON but sends no CORS headers.
    let root = serve_same(
        "application/json",
        r#"{"name": "Luke Skywalker"}"#.to_string(),
        8,
    );
    let api = format!("{root}api/");
    let url = serve_page(page(&api), 8);
    let shown = shown_name(&url);
    assert!(shown.starts_with("failed: "), "the page showed {shown:?}");
}
