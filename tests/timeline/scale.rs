//! The pictures at scale: past the point where a lane would be a sliver,
//! the SVG and the text show products in flight over time and the orders'
//! latencies for each model, and no lane drawn is ever narrower than the
//! picture's legible minimum; past its own threshold, the Chrome trace is
//! async spans, compact.

use std::collections::BTreeMap;
use std::fs;

use mesonero::report::timeline::chrome::SPANS_FROM;
use mesonero::report::timeline::svg::LEGIBLE;
use serde_json::Value;

use super::common::stdout_of;
use super::{compare_models_writing, count_by_model, svg_of, MODELS};

/// The SVG `compare` draws of `models` with `--repeat repeat`.
fn svg_at(models: &str, repeat: usize) -> String {
    let repeat = repeat.to_string();
    let args = ["--models", models, "--repeat", &repeat];
    let (_dir, svg, _) = compare_models_writing(&args, "--timeline", "scale.svg");
    svg_of(&svg)
}

fn each(models: &[&str]) -> BTreeMap<String, usize> {
    models.iter().map(|m| (m.to_string(), 1)).collect()
}

fn number(node: roxmltree::Node, attribute: &str) -> f64 {
    let value = node.attribute(attribute).expect("the attribute is there");
    value.parse().expect("a number")
}

#[test]
fn at_scale_the_svg_shows_each_models_load_and_latency() {
    let text = svg_at("article", 50);
    roxmltree::Document::parse(&text).expect("well-formed XML");
    assert_eq!(count_by_model(&text, "in-flight"), each(&MODELS));
    assert_eq!(
        count_by_model(&text, "threads-alive"),
        each(&["threads", "thread-per-product"])
    );
    assert_eq!(count_by_model(&text, "latency"), each(&MODELS));
    // No slivers and no picket fence: no bar, band or dispatch mark.
    for class in ["bar", "band", "dispatch"] {
        assert!(count_by_model(&text, class).is_empty(), "{class}");
    }
    // The async waiter serves all 200 orders at once; sync one by one.
    let async_orders =
        "200 orders: fastest 1.2 s, median 7.5 s, 9 in 10 within 7.5 s, slowest 7.5 s";
    let sync_orders =
        "200 orders: fastest 8.5 s, median 1095 s, 9 in 10 within 1971 s, slowest 2190 s";
    assert!(text.contains(async_orders) && text.contains(sync_orders));
    assert!(text.contains("550 at most, 752 threads"), "{text}");
    assert!(text.len() < 40_000, "{} bytes", text.len());
}

/// Bars of each model by row, as (x, width), in document order.
fn rows_of_bars(svg: &str) -> BTreeMap<String, BTreeMap<String, Vec<(f64, f64)>>> {
    let doc = roxmltree::Document::parse(svg).expect("well-formed XML");
    let mut rows: BTreeMap<String, BTreeMap<String, Vec<(f64, f64)>>> = BTreeMap::new();
    for bar in doc
        .descendants()
        .filter(|n| n.attribute("class") == Some("bar"))
    {
        let model = bar.attribute("data-model").unwrap().to_string();
        let y = bar.attribute("y").unwrap().to_string();
        let span = (number(bar, "x"), number(bar, "width"));
        rows.entry(model)
            .or_default()
            .entry(y)
            .or_default()
            .push(span);
    }
    rows
}

#[test]
fn no_lane_drawn_is_narrower_than_legible() {
    let mut drawn = 0;
    for (models, repeat) in [
        ("article", 1),
        ("article", 2),
        ("sync,async", 2),
        ("sync", 6),
        ("sync", 20),
        ("lesson-blocking", 1),
        ("article", 50),
    ] {
        let svg = svg_at(models, repeat);
        let doc = roxmltree::Document::parse(&svg).expect("well-formed XML");
        let origin = doc
            .descendants()
            .find(|n| n.attribute("class") == Some("tick") && n.text() == Some("0 s"))
            .map(|n| number(n, "x"))
            .expect("the axis starts at 0 s");
        // One makespan line per model, in the order of the models.
        let spans: Vec<f64> = doc
            .descendants()
            .filter(|n| n.attribute("class") == Some("makespan"))
            .map(|n| number(n, "x1") - origin)
            .collect();
        let rows = rows_of_bars(&svg);
        let names: Vec<&str> = doc
            .descendants()
            .filter(|n| n.attribute("class") == Some("heading"))
            .filter_map(|n| n.text())
            .collect();
        for (model, span) in names.iter().zip(&spans) {
            let Some(rows) = rows.get(*model) else {
                continue;
            };
            drawn += 1;
            let at = format!("{models} x{repeat}, {model}");
            assert!(*span >= LEGIBLE.span, "{at}: {span} px wide");
            for bars in rows.values() {
                // One lane per row: its bars never overlap.
                let mut bars = bars.clone();
                bars.sort_by(|a, b| a.0.total_cmp(&b.0));
                for pair in bars.windows(2) {
                    let ((x0, w0), (x1, _)) = (pair[0], pair[1]);
                    assert!(x0 + w0 <= x1 + 0.02, "{at}: lanes share a row: {pair:?}");
                }
                let each = span / bars.len() as f64;
                assert!(each >= LEGIBLE.product, "{at}: {each} px a product");
            }
        }
    }
    // The check saw Gantt charts, and the runs past the threshold none.
    assert!(drawn >= 8, "only {drawn} Gantt blocks drawn");
    assert!(rows_of_bars(&svg_at("sync", 20)).is_empty());
}

#[test]
fn at_scale_the_text_shows_load_and_latency() {
    let out = stdout_of(&[
        "compare",
        "--clock",
        "virtual",
        "--models",
        "sync,thread-per-product,async",
        "--repeat",
        "50",
        "--timeline",
        "-",
    ]);
    let (_, chart) = out
        .split_once("\n\n")
        .expect("a blank line after the table");
    insta::assert_snapshot!(chart, @r#"
    sync: 2 waiters, 550 products, makespan 2190 s
                          0 s           500 s        1000 s        1500 s        2000 s
          in preparation  ████████████████████████████████████████████████████████████  1 at most
    thread-per-product: 1 waiter, 550 products, makespan 7.5 s
                          0 s           500 s        1000 s        1500 s        2000 s
          in preparation  ▆...........................................................  550 at most
           threads alive  █...........................................................  752 at most
    async: 1 waiter, 550 products, makespan 7.5 s
                          0 s           500 s        1000 s        1500 s        2000 s
          in preparation  █...........................................................  550 at most
    order latency, from "Received orders" to each order's dispatch:
                          0 s           500 s        1000 s        1500 s        2000 s
                    sync  |--------------[==============|=============]--------------|
                          200 orders: fastest 8.5 s, median 1095 s, 9 in 10 within 1971 s, slowest 2190 s
      thread-per-product  |
                          200 orders: fastest 1.2 s, median 7.5 s, 9 in 10 within 7.5 s, slowest 7.5 s
                   async  |
                          200 orders: fastest 1.2 s, median 7.5 s, 9 in 10 within 7.5 s, slowest 7.5 s
    ▁ to █: how many at once, in eighths of the model's most; . none
    "#);
}

/// Past [`SPANS_FROM`] products, the Chrome trace has no thread per lane:
/// each product is an async span in its order's tree, every begin ended,
/// and the whole under 200 bytes a product.
#[test]
fn at_scale_the_chrome_trace_is_spans_under_200_bytes_a_product() {
    let repeat = (SPANS_FROM / 11 + 1).to_string();
    let args = ["--models", "async", "--repeat", &repeat];
    let (_dir, path, _) = compare_models_writing(&args, "--trace", "scale.json");
    let bytes = fs::read(&path).expect("the trace was written");
    let trace: Value = serde_json::from_slice(&bytes).expect("the trace is valid JSON");
    let events = trace["traceEvents"].as_array().expect("traceEvents");
    let products = 11 * (SPANS_FROM / 11 + 1);
    let count = |ph: &str, cat: &str| {
        let of = |e: &&Value| e["ph"] == ph && e["cat"] == cat;
        events.iter().filter(of).count()
    };
    assert_eq!(count("X", "product"), 0);
    assert_eq!(count("b", "order"), products);
    assert_eq!(count("e", "order"), products);
    assert_eq!(count("n", "order"), 4 * (SPANS_FROM / 11 + 1));
    let threads = events.iter().filter(|e| e["name"] == "thread_name");
    assert_eq!(threads.count(), 1, "one waiter, one thread");
    let each = bytes.len() / products;
    assert!(each < 200, "{each} bytes a product");
}
