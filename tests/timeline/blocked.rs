//! The article's warning in the timelines (`--models lesson-blocking`):
//! each stretch async-blocking's waiter held the event loop is drawn over
//! its product, sliced on a thread of its own in the Chrome trace, and
//! marked in the text, for async-blocking only; thousands are merged, and
//! product names in them are escaped.

use std::collections::{BTreeMap, HashSet};
use std::fs;

use serde_json::Value;

use super::common::stdout_of;
use super::{compare_models_writing, count_by_model, product_spans, svg_of};

/// The models of the article's warning, as `--models lesson-blocking`
/// runs them.
const LESSON: [&str; 4] = [
    "async",
    "async-blocking",
    "async-sequential",
    "async-offload",
];

/// The one model of the lesson whose code blocks the event loop.
const BLOCKING: &str = "async-blocking";

/// `(x, width)` of each element with `class` and `data-model="model"`, as
/// written.
fn spans_of(svg: &str, class: &str, model: &str) -> Vec<(String, String)> {
    let doc = roxmltree::Document::parse(svg).expect("the SVG is well-formed XML");
    doc.descendants()
        .filter(|n| n.attribute("class") == Some(class) && n.attribute("data-model") == Some(model))
        .map(|n| {
            let attribute = |name| n.attribute(name).expect(name).to_string();
            (attribute("x"), attribute("width"))
        })
        .collect()
}

#[test]
fn the_svg_draws_each_stretch_the_loop_was_blocked_over_its_product() {
    let models = ["--models", "lesson-blocking"];
    let (_dir, svg, _) = compare_models_writing(&models, "--timeline", "lesson.svg");
    let text = svg_of(&svg);
    // Only async-blocking's waiter blocks the loop: a strip for each of
    // its eleven products.
    let strips = count_by_model(&text, "blocked");
    assert_eq!(strips, BTreeMap::from([(BLOCKING.to_string(), 11)]));
    assert_eq!(count_by_model(&text, "bar").len(), LESSON.len());
    // Each strip spans its product's bar exactly, one strip per bar: the
    // product's preparation is what held the loop.
    let mut bars = spans_of(&text, "bar", BLOCKING);
    let mut blocked = spans_of(&text, "blocked", BLOCKING);
    bars.sort();
    blocked.sort();
    assert_eq!(blocked, bars);
    // Each strip says whose code it was and for how long, and the legend
    // says what the strips are.
    let doc = roxmltree::Document::parse(&text).unwrap();
    let titles: Vec<&str> = doc
        .descendants()
        .filter(|n| n.attribute("class") == Some("blocked"))
        .filter_map(|n| n.children().find(|c| c.has_tag_name("title")))
        .filter_map(|t| t.text())
        .collect();
    assert_eq!(titles.len(), 11);
    assert_eq!(
        titles[0],
        "event loop blocked 7.5 s by order 0's burger: 0 s to 7.5 s"
    );
    assert!(titles.iter().all(|t| t.starts_with("event loop blocked ")));
    assert!(text.contains(">event loop blocked: no other task runs</text>"));
    assert!(text.contains(">loop blocked</text>"));
}

#[test]
fn the_chrome_trace_slices_the_blocked_loop_on_threads_of_its_own() {
    let models = ["--models", "lesson-blocking"];
    let (_dir, path, _) = compare_models_writing(&models, "--trace", "lesson.json");
    let trace: Value =
        serde_json::from_str(&fs::read_to_string(&path).unwrap()).expect("the trace is valid JSON");
    let events = trace["traceEvents"].as_array().expect("traceEvents");
    let name_of = |pid: &Value, tid: &Value| {
        events
            .iter()
            .find(|e| e["name"] == "thread_name" && e["pid"] == *pid && e["tid"] == *tid)
            .and_then(|e| e["args"]["name"].as_str())
            .unwrap_or("?")
            .to_string()
    };
    let mut by_model: BTreeMap<String, Vec<&Value>> = BTreeMap::new();
    for e in events.iter().filter(|e| e["name"] == "process_name") {
        let model = e["args"]["name"].as_str().unwrap().to_string();
        let slices = events
            .iter()
            .filter(|s| s["pid"] == e["pid"] && s["ph"] == "X" && s["cat"] == "blocked")
            .collect();
        by_model.insert(model, slices);
    }
    let counts: BTreeMap<&str, usize> = by_model
        .iter()
        .map(|(m, s)| (m.as_str(), s.len()))
        .collect();
    assert_eq!(
        counts,
        BTreeMap::from([
            ("async", 0),
            (BLOCKING, 11),
            ("async-offload", 0),
            ("async-sequential", 0)
        ])
    );
    let slices = &by_model[BLOCKING];
    let total: u64 = slices.iter().map(|s| s["dur"].as_u64().unwrap()).sum();
    assert_eq!(total, 43_800_000, "43.8 s in microseconds");
    // Each slice is its product's span, named as the product's code.
    let products = product_spans(BLOCKING);
    let mut tids = HashSet::new();
    let mut spans = Vec::new();
    for s in slices {
        assert_eq!(s["name"], "event loop blocked");
        let key = (
            s["args"]["order"].as_u64().unwrap(),
            s["args"]["item"].as_u64().unwrap(),
        );
        let ts = s["ts"].as_u64().unwrap();
        let span = (ts, ts + s["dur"].as_u64().unwrap());
        assert_eq!(Some(&span), products.get(&key), "{key:?}");
        assert_eq!(
            s["args"]["length_s"].as_f64(),
            Some((span.1 - span.0) as f64 / 1e6)
        );
        assert!(s["args"]["product"].is_string(), "{s}");
        tids.insert(s["tid"].as_u64().unwrap());
        spans.push(span);
    }
    // On a thread of their own, apart from every product, and back to back
    // without overlapping.
    assert_eq!(tids.len(), 1);
    let tid = tids.into_iter().next().unwrap();
    assert_eq!(
        name_of(&slices[0]["pid"], &Value::from(tid)),
        "waiter 1 · event loop"
    );
    let on_thread = events
        .iter()
        .filter(|e| e["ph"] == "X" && e["pid"] == slices[0]["pid"] && e["tid"] == tid)
        .count();
    assert_eq!(on_thread, 11, "products on the loop's thread");
    spans.sort();
    for pair in spans.windows(2) {
        assert!(pair[0].1 <= pair[1].0, "overlap {pair:?}");
    }
}

#[test]
fn the_text_timeline_marks_the_blocked_loop_of_async_blocking_only() {
    let out = stdout_of(&[
        "compare",
        "--clock",
        "virtual",
        "--models",
        "lesson-blocking",
        "--timeline",
        "-",
    ]);
    let (_, chart) = out
        .split_once("\n\n")
        .expect("a blank line after the table");
    // The rows of each model's block, by the model's name.
    let mut blocks: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    let mut current = None;
    let legend = chart.lines().last().expect("a legend");
    for line in chart.lines().filter(|&l| l != legend) {
        match LESSON.iter().find(|m| line.starts_with(&format!("{m}: "))) {
            Some(&model) => current = Some(model),
            None => {
                if let Some(model) = current {
                    blocks.entry(model).or_default().push(line);
                }
            }
        }
    }
    assert_eq!(blocks.len(), LESSON.len(), "{chart}");
    for (model, rows) in &blocks {
        let marked: Vec<&&str> = rows.iter().filter(|r| r.contains("loop blocked")).collect();
        if *model == BLOCKING {
            // Blocked from the first product to the last: every column.
            assert_eq!(marked.len(), 1, "{chart}");
            let cells = marked[0]
                .trim_start()
                .trim_start_matches("loop blocked")
                .trim();
            assert_eq!(cells, "#".repeat(60), "{chart}");
            // Right under the waiter whose code it was.
            let at = rows.iter().position(|r| r.contains("loop blocked"));
            let waiter = rows
                .iter()
                .position(|r| r.trim_start().starts_with("task 1  "));
            assert_eq!(at, waiter.map(|w| w + 1), "{chart}");
        } else {
            assert!(marked.is_empty(), "{model}: {chart}");
        }
    }
    assert!(
        legend.ends_with("; . not waiting for the kitchen; # event loop blocked"),
        "{legend}"
    );
}

#[test]
fn thousands_of_stretches_are_merged_with_a_note() {
    let dir = tempfile::tempdir().unwrap();
    let svg = dir.path().join("blocked.svg");
    let args = [
        "compare",
        "--clock",
        "virtual",
        "--models",
        "async-blocking",
        "--repeat",
        "500",
        "--timeline",
        svg.to_str().unwrap(),
    ];
    stdout_of(&args);
    let text = svg_of(&svg);
    // 5500 stretches back to back: one strip from the first to the last,
    // which says how many it holds.
    assert_eq!(
        count_by_model(&text, "blocked"),
        BTreeMap::from([(BLOCKING.to_string(), 1)])
    );
    assert!(
        text.contains(
            "<title>event loop blocked 5500 times, 21900 s in all: 0 s to 21900 s</title>"
        ),
        "{text}"
    );
    assert!(text.contains("stretches less than a pixel apart are drawn as one"));
    assert!(text.len() < 20_000, "{} bytes", text.len());
}

#[test]
fn product_names_in_the_blocked_loop_are_escaped() {
    let dir = tempfile::tempdir().unwrap();
    let workload = dir.path().join("odd.toml");
    fs::write(
        &workload,
        "menu = { \"<b>fries & 'co'\" = 2 }\norders = [[\"<b>fries & 'co'\"]]\n",
    )
    .unwrap();
    let svg = dir.path().join("odd.svg");
    let args = [
        "restaurant",
        "--model",
        BLOCKING,
        "--clock",
        "virtual",
        "--format",
        "quiet",
        "--workload",
        workload.to_str().unwrap(),
        "--timeline",
        svg.to_str().unwrap(),
    ];
    stdout_of(&args);
    let text = svg_of(&svg);
    assert!(!text.contains("<b>"), "{text}");
    let doc = roxmltree::Document::parse(&text).expect("well-formed XML");
    let title = doc
        .descendants()
        .find(|n| n.attribute("class") == Some("blocked"))
        .and_then(|n| n.children().find(|c| c.has_tag_name("title")))
        .and_then(|t| t.text());
    assert_eq!(
        title,
        Some("event loop blocked 2 s by order 0's <b>fries & 'co': 0 s to 2 s")
    );
}
