//! Products that compute, in the timelines: each computed product's bar in
//! two parts, hatched while the waiter waits and solid while it computes,
//! in the picture; lower case against upper case in the text; a `compute`
//! slice nested in the product's in the Chrome trace; and on async, the
//! event loop blocked exactly while it computes.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;

use serde_json::Value;

use super::common::stdout_of;
use super::{count_by_model, svg_of, MODELS};

/// A burger that only waits, a photo that only computes, a soup that does
/// both: five of the seven products compute.
const WORKLOAD: &str = r#"menu = { burger = "3s", photo = { cpu = "1s" }, soup = { wait = "2s", cpu = "500ms" } }
orders = [["burger", "photo"], ["soup", "photo"], ["soup", "burger"], ["photo"]]
"#;
const COMPUTED: usize = 5;

/// Writes [`WORKLOAD`] in a fresh directory, kept alive with it.
fn mixed() -> (tempfile::TempDir, String) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("mixed.toml");
    fs::write(&path, WORKLOAD).unwrap();
    let path = path.to_str().unwrap().to_string();
    (dir, path)
}

#[test]
fn the_text_tells_computing_from_waiting() {
    let (_dir, workload) = mixed();
    let out = stdout_of(&[
        "compare",
        "--clock",
        "virtual",
        "--cores",
        "2",
        "--workload",
        &workload,
        "--models",
        "sync,threads,async",
        "--timeline",
        "-",
    ]);
    let (_, chart) = out
        .split_once("\n\n")
        .expect("a blank line after the table");
    // Async computes on its loop's one thread: a photo waits for it (`p`)
    // while another computes (`P`), two cores or not, and the loop is
    // blocked throughout.
    insta::assert_snapshot!(chart, @r"
    sync: 2 waiters, 7 products, makespan 14 s
                    0 s                  5 s                   10 s
          waiter 1  bbbbbbbbbbbbbPPPPsssssssssSSPPPPsssssssssSSbbbbbbbbbbbbbPPPP
          waiter 2  ............................................................
    threads: 2 waiters, 7 products, makespan 9 s
                    0 s                  5 s                   10 s
          waiter 1  bbbbbbbbbbbbbPPPPPPPP.......................................
          waiter 2  sssssssssSSPPPPsssssssssSSbbbbbbbbbbbbb.....................
    async: 1 waiter, 7 products, makespan 4 s
                    0 s                  5 s                   10 s
            task 1  bbbbbbbbbbbbbbbbb...........................................
            task 2  PPPP........................................................
            task 3  sssssssssssssSS.............................................
            task 4  ppppPPPPP...................................................
            task 5  sssssssssssssssSS...........................................
            task 6  bbbbbbbbbbbbbbbbb...........................................
            task 7  pppppppppPPPP...............................................
      loop blocked  #################...........................................
    products: b burger, p photo, s soup; lower case waiting, upper case computing (CPU); . neither; # event loop blocked
    ");
}

/// The spans of one model's complete events of category `cat` in a Chrome
/// trace, by (order, item): (thread, start, end) in microseconds, and the
/// name.
type Slices = BTreeMap<(u64, u64), ((u64, u64, u64), String)>;

fn slices(events: &[Value], pid: &Value, cat: &str) -> Slices {
    let of = |e: &&Value| e["ph"] == "X" && e["pid"] == *pid && e["cat"] == cat;
    events
        .iter()
        .filter(of)
        .map(|e| {
            let number = |v: &Value| v.as_u64().expect("a number");
            let key = (number(&e["args"]["order"]), number(&e["args"]["item"]));
            let ts = number(&e["ts"]);
            let span = (number(&e["tid"]), ts, ts + number(&e["dur"]));
            (key, (span, e["name"].as_str().unwrap().to_string()))
        })
        .collect()
}

#[test]
fn the_picture_and_the_trace_split_each_computed_product() {
    let (dir, workload) = mixed();
    let (svg, trace) = (dir.path().join("t.svg"), dir.path().join("t.json"));
    stdout_of(&[
        "compare",
        "--clock",
        "virtual",
        "--cores",
        "2",
        "--workload",
        &workload,
        "--timeline",
        svg.to_str().unwrap(),
        "--trace",
        trace.to_str().unwrap(),
    ]);

    // The picture: a bar per product, hatched, each hatch defined; a solid
    // part per computed product; the legend's keys for both parts.
    let text = svg_of(&svg);
    let each = |count: usize| -> BTreeMap<String, usize> {
        MODELS.iter().map(|m| (m.to_string(), count)).collect()
    };
    assert_eq!(count_by_model(&text, "bar"), each(7));
    assert_eq!(count_by_model(&text, "computing"), each(COMPUTED));
    let doc = roxmltree::Document::parse(&text).unwrap();
    let defined: BTreeSet<&str> = doc
        .descendants()
        .filter(|n| n.has_tag_name("pattern"))
        .filter_map(|n| n.attribute("id"))
        .collect();
    for bar in doc
        .descendants()
        .filter(|n| n.attribute("class") == Some("bar"))
    {
        let fill = bar.attribute("fill").unwrap();
        let id = fill.strip_prefix("url(#").and_then(|f| f.strip_suffix(')'));
        assert!(id.is_some_and(|id| defined.contains(id)), "{fill}");
    }
    for key in [">waiting</text>", ">computing (CPU)</text>"] {
        assert!(text.contains(key), "{key}");
    }
    // Only async's loop is blocked, by its computing.
    let strips = count_by_model(&text, "blocked");
    assert_eq!(strips, BTreeMap::from([("async".to_string(), COMPUTED)]));

    // The trace: a compute slice per computed product, nested in the
    // product's on its thread and ending with it.
    let trace: Value = serde_json::from_str(&fs::read_to_string(&trace).unwrap()).unwrap();
    let events = trace["traceEvents"].as_array().unwrap();
    let pids: BTreeMap<&str, &Value> = events
        .iter()
        .filter(|e| e["name"] == "process_name")
        .map(|e| (e["args"]["name"].as_str().unwrap(), &e["pid"]))
        .collect();
    for (model, pid) in pids {
        let products = slices(events, pid, "product");
        let computing = slices(events, pid, "compute");
        assert_eq!((products.len(), computing.len()), (7, COMPUTED), "{model}");
        for (key, ((tid, start, end), name)) in &computing {
            let ((its_tid, its_start, its_end), its_name) = &products[key];
            assert_eq!(name, &format!("compute {its_name}"), "{model}");
            assert_eq!((tid, end), (its_tid, its_end), "{model}: {name}");
            assert!(its_start <= start && start < end, "{model}: {name}");
        }
        // On async, the loop's thread computes: it is blocked exactly
        // while it does, and the detector says so.
        let mut blocked: Vec<(u64, u64)> = events
            .iter()
            .filter(|e| e["pid"] == *pid && e["cat"] == "blocked")
            .map(|e| {
                let ts = e["ts"].as_u64().unwrap();
                (ts, ts + e["dur"].as_u64().unwrap())
            })
            .collect();
        let mut computed: Vec<(u64, u64)> = computing
            .values()
            .map(|((_, start, end), _)| (*start, *end))
            .collect();
        blocked.sort();
        computed.sort();
        match model {
            "async" => assert_eq!(blocked, computed),
            _ => assert_eq!(blocked, [], "{model}"),
        }
    }
}

/// At scale, products computing are a step chart of their own, within
/// those in preparation: at most one on sync's one thread and async's one
/// loop, two on two cores for a thread per product.
#[test]
fn at_scale_computing_has_a_step_chart_of_its_own() {
    let dir = tempfile::tempdir().unwrap();
    let svg = dir.path().join("big.svg");
    let mut args = vec![
        "compare",
        "--clock",
        "virtual",
        "--cpu",
        "1s",
        "--cores",
        "2",
        "--repeat",
        "50",
        "--models",
        "sync,thread-per-product,async",
        "--timeline",
    ];
    let text = stdout_of(&[args.as_slice(), &["-"]].concat());
    let rows: Vec<&str> = text
        .lines()
        .filter(|l| l.trim_start().starts_with("computing "))
        .map(|l| l.rsplit("  ").next().unwrap_or_default())
        .collect();
    assert_eq!(rows, ["1 at most", "2 at most", "1 at most"], "{text}");
    args.push(svg.to_str().unwrap());
    stdout_of(&args);
    let picture = svg_of(&svg);
    let series = count_by_model(&picture, "computing");
    let expected = ["sync", "thread-per-product", "async"].map(|m| (m.to_string(), 1));
    assert_eq!(series, BTreeMap::from(expected));
    for said in [
        "<title>thread-per-product: at most 2 products computing (CPU) at once</title>",
        ">2 computing at most</text>",
        ">products computing (CPU)</text>",
    ] {
        assert!(picture.contains(said), "{said}");
    }
}
