//! `--timeline` and `--trace` of `compare` and `restaurant`, end to end: the
//! SVG parses and holds a bar per product for each model, the Chrome trace's
//! complete events are the trace's products, the text chart is pinned, and
//! bad names are refused before anything runs. For the article's warning
//! (`--models lesson-blocking`), each stretch the event loop was blocked is
//! drawn over its product, sliced on a thread of its own, and marked in the
//! text, for async-blocking only.

mod common;

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
}

#[test]
fn a_large_run_is_grouped_and_banded_with_a_note() {
    let dir = tempfile::tempdir().unwrap();
    let svg = dir.path().join("large.svg");
    let path = svg.to_str().unwrap();
    let args = [
        "compare",
        "--clock",
        "virtual",
        "--models",
        "sync,async",
        "--repeat",
        "500",
        "--timeline",
        path,
    ];
    stdout_of(&args);
    let text = svg_of(&svg);
    roxmltree::Document::parse(&text).expect("well-formed XML");
    assert!(text.contains("5500 lanes grouped"), "no grouping note");
    assert!(text.contains("dispatch marks left out"));
    // Sync's one busy lane of 5500 products is drawn as bands, a pixel
    // column at a time; async's grouped rows, 230 short bars each, are
    // still drawn bar by bar, but at most 24 rows of them.
    let bars = count_by_model(&text, "bar");
    assert_eq!(bars.get("sync"), None, "sync's dense lane drawn bar by bar");
    assert_eq!(bars.get("async"), Some(&5500));
    assert!(count_by_model(&text, "band").contains_key("sync"));
    assert!(text.len() < 2_000_000, "{} bytes", text.len());
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
       waiter 1 · 1  bbbbbbbbbb..................................................
       waiter 1 · 2  s...........................................................
       waiter 1 · 3  bbbbbbbbbb..................................................
       waiter 1 · 4  bbbbbbbbbb..................................................
       waiter 1 · 5  ee..........................................................
       waiter 1 · 6  fffff.......................................................
       waiter 1 · 7  ee..........................................................
       waiter 1 · 8  ee..........................................................
       waiter 1 · 9  ee..........................................................
      waiter 1 · 10  bbbbbbbbbb..................................................
      waiter 1 · 11  fffff.......................................................
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
                .position(|r| r.trim_start().starts_with("waiter 1  "));
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

/// The README's pictures are the tool's own output, and stay so: on the
/// virtual clock the timeline is the same on every machine.
#[test]
fn the_readme_pictures_are_what_the_tool_draws() {
    let pictures: [(&[&str], &str); 2] = [
        (&[], "docs/article-timeline.svg"),
        (&["--models", "lesson-blocking"], "docs/lesson-timeline.svg"),
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
