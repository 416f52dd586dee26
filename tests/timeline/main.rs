//! `--timeline` and `--trace` of `compare` and `restaurant`, end to end: the
//! SVG parses and holds a bar per product for each model, the Chrome trace's
//! complete events are the trace's products, the text chart is pinned, bad
//! names are refused before anything runs, and the README's pictures are
//! what the tool draws. The stretches the event loop was blocked are
//! checked in `blocked.rs`, the pictures at scale in `scale.rs`, products
//! that compute in `cpu.rs`.

#[path = "../common/mod.rs"]
mod common;

mod blocked;
mod cpu;
mod scale;

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fs;
use std::path::{Path, PathBuf};

use serde_json::Value;

use common::{assert_no_panic, run, stdout_of};

const MODELS: [&str; 4] = ["sync", "threads", "thread-per-product", "async"];

fn svg_of(path: &Path) -> String {
    fs::read_to_string(path).expect("the timeline was written")
}

/// Elements with `class` in the SVG, counted by their `data-model`.
fn count_by_model(svg: &str, class: &str) -> BTreeMap<String, usize> {
    let doc = roxmltree::Document::parse(svg).expect("the SVG is well-formed XML");
    let mut counts = BTreeMap::new();
    for node in doc.descendants() {
        if node.attribute("class") == Some(class) {
            let model = node.attribute("data-model").unwrap_or("?").to_string();
            *counts.entry(model).or_insert(0) += 1;
        }
    }
    counts
}

/// Runs `compare` on the article's workload on the virtual clock with
/// `option FILE`, FILE named `name` in a fresh directory; returns the
/// directory (kept alive) and the file, and what was printed.
fn compare_writing(option: &str, name: &str) -> (tempfile::TempDir, PathBuf, String) {
    compare_models_writing(&[], option, name)
}

/// As [`compare_writing`], with `models` (such as `["--models",
/// "lesson-blocking"]`) before the option.
fn compare_models_writing(
    models: &[&str],
    option: &str,
    name: &str,
) -> (tempfile::TempDir, PathBuf, String) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(name);
    let mut args = vec!["compare", "--clock", "virtual"];
    args.extend(models);
    args.extend([option, path.to_str().unwrap()]);
    let printed = stdout_of(&args);
    (dir, path, printed)
}

#[test]
fn the_svg_holds_a_bar_per_product_for_each_model() {
    let (_dir, svg, table) = compare_writing("--timeline", "article.svg");
    assert!(table.contains("sync"), "{table}");
    let text = svg_of(&svg);
    let doc = roxmltree::Document::parse(&text).expect("well-formed XML");
    assert_eq!(doc.root_element().tag_name().name(), "svg");
    let expected: BTreeMap<String, usize> = MODELS.iter().map(|m| (m.to_string(), 11)).collect();
    assert_eq!(count_by_model(&text, "bar"), expected);
    // Four orders, four dispatch marks per model; no dense rows here.
    let marks = doc
        .descendants()
        .filter(|n| n.attribute("class") == Some("dispatch"))
        .count();
    assert_eq!(marks, 4 * MODELS.len());
    assert!(count_by_model(&text, "band").is_empty());
    // No event loop was blocked, so nothing says it was.
    assert!(count_by_model(&text, "blocked").is_empty());
    assert!(!text.contains("event loop blocked"));
    for heading in ["makespan 43.8 s", "makespan 23.6 s", "makespan 7.5 s"] {
        assert!(text.contains(heading), "no '{heading}' in the SVG");
    }
    // Lanes say what they stand for: a waiter, an OS thread, a task.
    let labels: Vec<&str> = doc
        .descendants()
        .filter(|n| n.attribute("class") == Some("label"))
        .filter_map(|n| n.text())
        .collect();
    for label in ["waiter 2", "thread 11", "task 11"] {
        assert!(labels.contains(&label), "no lane '{label}' in {labels:?}");
    }
    assert!(labels.iter().all(|l| !l.contains('·')), "{labels:?}");
}

/// Product spans of a `restaurant --format json` run:
/// (order, item) -> (start, end) in microseconds.
fn product_spans(model: &str) -> HashMap<(u64, u64), (u64, u64)> {
    let out = stdout_of(&[
        "restaurant",
        "--model",
        model,
        "--clock",
        "virtual",
        "--format",
        "json",
    ]);
    let mut spans = HashMap::new();
    for line in out.lines() {
        let e: Value = serde_json::from_str(line).expect("a JSON line");
        let micros = (e["at_s"].as_f64().unwrap() * 1e6).round() as u64;
        let key = (
            e["order"].as_u64().unwrap_or(0),
            e["item"].as_u64().unwrap_or(0),
        );
        match e["kind"].as_str() {
            Some("request-product") => {
                spans.entry(key).or_insert((0, 0)).0 = micros;
            }
            Some("done-product") => {
                spans.entry(key).or_insert((0, 0)).1 = micros;
            }
            _ => {}
        }
    }
    spans
}

#[test]
fn the_chrome_trace_holds_the_traces_products_without_overlaps() {
    let (_dir, path, _) = compare_writing("--trace", "trace.json");
    let trace: Value =
        serde_json::from_str(&fs::read_to_string(&path).unwrap()).expect("the trace is valid JSON");
    let events = trace["traceEvents"].as_array().expect("traceEvents");

    // One process per model, named after it.
    let mut pids: HashMap<u64, String> = HashMap::new();
    for e in events.iter().filter(|e| e["name"] == "process_name") {
        let name = e["args"]["name"].as_str().unwrap().to_string();
        pids.insert(e["pid"].as_u64().unwrap(), name);
    }
    let mut names: Vec<&str> = pids.values().map(String::as_str).collect();
    names.sort();
    let mut expected = MODELS.to_vec();
    expected.sort();
    assert_eq!(names, expected);

    for (&pid, model) in &pids {
        let complete: Vec<&Value> = events
            .iter()
            .filter(|e| e["ph"] == "X" && e["pid"] == pid)
            .collect();
        // The complete events are exactly the products of the trace.
        let mut got = HashMap::new();
        for e in &complete {
            let key = (
                e["args"]["order"].as_u64().unwrap(),
                e["args"]["item"].as_u64().unwrap(),
            );
            let ts = e["ts"].as_u64().unwrap();
            let dur = e["dur"].as_u64().unwrap();
            assert!(
                got.insert(key, (ts, ts + dur)).is_none(),
                "{model}: {key:?} twice"
            );
        }
        assert_eq!(got, product_spans(model), "{model}");

        // Perfetto refuses overlapping complete events on one thread.
        let mut by_thread: HashMap<u64, Vec<(u64, u64)>> = HashMap::new();
        for e in &complete {
            let ts = e["ts"].as_u64().unwrap();
            let span = (ts, ts + e["dur"].as_u64().unwrap());
            by_thread
                .entry(e["tid"].as_u64().unwrap())
                .or_default()
                .push(span);
        }
        for spans in by_thread.values_mut() {
            spans.sort();
            for pair in spans.windows(2) {
                assert!(pair[0].1 <= pair[1].0, "{model}: overlap {pair:?}");
            }
        }

        // Orders are async spans with ids of their own: a begin and an end
        // each, none shared.
        let ids: Vec<&str> = events
            .iter()
            .filter(|e| e["ph"] == "b" && e["pid"] == pid)
            .map(|e| e["id"].as_str().unwrap())
            .collect();
        assert_eq!(ids.len(), 4, "{model}");
        assert_eq!(ids.iter().collect::<HashSet<_>>().len(), 4, "{model}");
        let ends = events
            .iter()
            .filter(|e| e["ph"] == "e" && e["pid"] == pid)
            .count();
        assert_eq!(ends, 4, "{model}");
    }
}

#[test]
fn the_text_timeline_of_the_article() {
    let out = stdout_of(&[
        "compare",
        "--clock",
        "virtual",
        "--models",
        "sync,threads,async",
        "--timeline",
        "-",
    ]);
    let (_, chart) = out
        .split_once("\n\n")
        .expect("a blank line after the table");
    insta::assert_snapshot!(chart, @r"
    sync: 2 waiters, 11 products, makespan 43.8 s
                0 s           10 s         20 s          30 s          40 s
      waiter 1  bbbbbbbbbbssbbbbbbbbbbbbbbbbbbbbeefffffeeeeebbbbbbbbbbbfffff
      waiter 2  ............................................................
    threads: 2 waiters, 11 products, makespan 23.6 s
                0 s           10 s         20 s          30 s          40 s
      waiter 1  bbbbbbbbbbsseeeeebbbbbbbbbbfffff............................
      waiter 2  bbbbbbbbbbbbbbbbbbbbbeffffff................................
    async: 1 waiter, 11 products, makespan 7.5 s
                0 s           10 s         20 s          30 s          40 s
        task 1  bbbbbbbbbb..................................................
        task 2  s...........................................................
        task 3  bbbbbbbbbb..................................................
        task 4  bbbbbbbbbb..................................................
        task 5  ee..........................................................
        task 6  fffff.......................................................
        task 7  ee..........................................................
        task 8  ee..........................................................
        task 9  ee..........................................................
       task 10  bbbbbbbbbb..................................................
       task 11  fffff.......................................................
    products: b burger, f frites, s soda, e beer; . not waiting for the kitchen
    ");
}

#[test]
fn restaurant_draws_its_one_model() {
    let dir = tempfile::tempdir().unwrap();
    let svg = dir.path().join("one.svg");
    let txt = dir.path().join("one.txt");
    for (model, path) in [("threads", &svg), ("async", &txt)] {
        let args = [
            "restaurant",
            "--model",
            model,
            "--clock",
            "virtual",
            "--format",
            "quiet",
            "--timeline",
            path.to_str().unwrap(),
        ];
        stdout_of(&args);
    }
    let counts = count_by_model(&svg_of(&svg), "bar");
    assert_eq!(counts, BTreeMap::from([("threads".to_string(), 11)]));
    let text = fs::read_to_string(&txt).unwrap();
    assert!(
        text.starts_with("async: 1 waiter, 11 products, makespan 7.5 s"),
        "{text}"
    );
}

#[test]
fn bad_timeline_names_are_refused_before_serving() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("no/such/dir/t.svg");
    let png = dir.path().join("t.png");
    let trace = dir.path().join("trace.json");
    let trace_arg = trace.to_str().unwrap();
    let cases: [(Vec<&str>, &str); 4] = [
        (
            vec!["compare", "--export-json", trace_arg, "--trace", trace_arg],
            "--export-json and --trace both name",
        ),
        (
            vec![
                "compare",
                "--timeline",
                png.to_str().unwrap(),
                "--trace",
                trace.to_str().unwrap(),
            ],
            "the name must end in .svg for a picture or .txt for text",
        ),
        (
            vec!["restaurant", "--format", "json", "--timeline", "-"],
            "--timeline - prints to stdout, which --format json keeps for JSON",
        ),
        (
            vec![
                "compare",
                "--trace",
                trace.to_str().unwrap(),
                "--timeline",
                missing.to_str().unwrap(),
            ],
            "no/such/dir/t.svg",
        ),
    ];
    for (args, message) in cases {
        let out = run(&args);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(stderr.contains(message), "{args:?}: {stderr}");
        assert_eq!(stderr.lines().count(), 1, "{stderr}");
        assert!(out.stdout.is_empty(), "{args:?} served anyway");
        assert_no_panic(&stderr);
        // Nothing half-made is left behind.
        assert!(!png.exists() && !trace.exists(), "{args:?} left a file");
    }
}

/// The README's pictures are the tool's own output, and stay so: on the
/// virtual clock the timeline is the same on every machine.
#[test]
fn the_readme_pictures_are_what_the_tool_draws() {
    let pictures: [(&[&str], &str); 3] = [
        (&[], "docs/article-timeline.svg"),
        (&["--models", "lesson-blocking"], "docs/lesson-timeline.svg"),
        (&["--cpu", "1s", "--cores", "2"], "docs/timeline-cpu.svg"),
    ];
    for (models, name) in pictures {
        let (_dir, svg, _) = compare_models_writing(models, "--timeline", "drawn.svg");
        let committed = Path::new(env!("CARGO_MANIFEST_DIR")).join(name);
        let mut command = vec!["mesonero compare --clock virtual"];
        command.extend(models);
        assert!(
            svg_of(&svg) == svg_of(&committed),
            "{name} is out of date: run `{} --timeline {name}`",
            command.join(" ")
        );
    }
}
