//! The picture's words: English by default, Spanish for `report --lang
//! es`, and nothing of one in the other.

use std::collections::BTreeSet;
use std::sync::Arc;

use super::*;
use crate::restaurant::{self, Model, Run, Setup};
use crate::workload::generate;
use crate::{ClockKind, Shutdown, Workload};

/// The text of every `<svg>` in `markup` (its labels, notes and
/// tooltips), with what stays the same in every language taken out: the
/// models' and products' names and `Received orders`, a line the article
/// prints.
pub(crate) fn words_of(markup: &str) -> BTreeSet<String> {
    let mut text = String::new();
    for svg in markup.split("<svg").skip(1) {
        let svg = format!(
            "<svg{}</svg>",
            svg.split("</svg>").next().unwrap_or_default()
        );
        let doc = roxmltree::Document::parse(&svg).expect("well-formed SVG");
        for node in doc.descendants().filter(|n| n.is_text()) {
            text.push_str(node.text().unwrap_or_default());
            text.push('\n');
        }
    }
    let mut names: Vec<&str> = Model::ALL.iter().map(|m| m.name()).collect();
    names.sort_by_key(|name| std::cmp::Reverse(name.len()));
    names.extend(["burger", "frites", "soda", "beer", "Received orders"]);
    for name in names {
        text = text.replace(name, " ");
    }
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
}

/// Checks that each of `english` is a word of `en`, and none is a word
/// of `es`.
pub(crate) fn assert_translated(en: &BTreeSet<String>, es: &BTreeSet<String>, english: &[&str]) {
    for word in english {
        assert!(en.contains(*word), "{word} is not in the English picture");
        assert!(!es.contains(*word), "{word} is in the Spanish picture");
    }
}

/// The article's orders, `times` over, served by `models` on the
/// virtual clock.
fn served(models: &[Model], times: usize) -> Timeline {
    let workload = generate::repeat(&Workload::article(), times).unwrap();
    let workload = Arc::new(workload);
    let runs: Vec<Run> = models
        .iter()
        .filter(|m| m.runs_on(ClockKind::Virtual))
        .map(|&model| {
            let setup = Setup::new(model, ClockKind::Virtual);
            restaurant::run(&workload, &setup, None, &Shutdown::new()).unwrap()
        })
        .collect();
    Timeline::of(&runs)
}

#[test]
fn the_picture_at_scale_speaks_the_pages_language() {
    let timeline = served(&Model::ALL, 50);
    assert!(!LEGIBLE.fits(&timeline));
    let en = render(&timeline, Embedding::Html, Lang::En);
    let es = render(&timeline, Embedding::Html, Lang::Es);
    for spanish in [
        "Demasiados productos para una barra cada uno",
        "tiempo del restaurante",
        "productos en preparación",
        "hilos del sistema activos",
        "550 como máximo, 752 hilos",
        "Latencia de los pedidos",
        "Desde «Received orders» hasta el despacho de cada pedido",
        "200 pedidos: el más rápido 1.2 s, mediana 7.5 s, 9 de cada 10 en 7.5 s o menos",
        "latencia del pedido",
        "async: como mucho 550 productos en preparación a la vez",
        "Donde el bucle de eventos se bloqueó demasiadas veces para dibujar cada una",
        "bucle de eventos bloqueado: no se ejecuta ninguna otra tarea",
        "1 camarero, 550 productos, makespan",
    ] {
        assert!(es.contains(spanish), "{spanish}");
    }
    let english = [
        "too",
        "many",
        "products",
        "bar",
        "flight",
        "below",
        "took",
        "restaurant",
        "time",
        "preparation",
        "os",
        "alive",
        "at",
        "most",
        "once",
        "order",
        "latency",
        "from",
        "line",
        "spans",
        "box",
        "middle",
        "half",
        "median",
        "fastest",
        "within",
        "slowest",
        "waiter",
        "event",
        "loop",
        "blocked",
        "other",
        "task",
        "runs",
        "where",
        "times",
        "pixel",
        "apart",
        "all",
    ];
    assert_translated(&words_of(&en), &words_of(&es), &english);
    // The shapes are the same in both.
    for class in ["in-flight", "threads-alive", "latency", "blocked"] {
        let count = |svg: &str| svg.matches(&format!("class=\"{class}\"")).count();
        assert_eq!(count(&en), count(&es), "{class}");
    }
}

#[test]
fn a_gantt_chart_speaks_the_pages_language() {
    let timeline = served(&Model::ALL, 1);
    assert!(LEGIBLE.fits(&timeline));
    let [en, es] = [Lang::En, Lang::Es].map(|lang| render(&timeline, Embedding::Html, lang));
    for spanish in [
        "Cada barra es un producto, desde que el camarero lo pide hasta que la cocina lo entrega",
        "2 camareros, 11 productos, makespan 43.8 s",
        ">camarero 1<",
        ">hilo 11<",
        ">tarea 4<",
        ">bucle bloqueado<",
        "<title>pedido 0, burger: de 0 s a 7.5 s</title>",
    ] {
        assert!(es.contains(spanish), "{spanish}");
    }
    let english = [
        "each", "bar", "product", "products", "request", "kitchen", "answer", "marks", "dispatch",
        "waiter", "waiters", "thread", "task", "order", "to", "loop", "blocked", "by",
    ];
    assert_translated(&words_of(&en), &words_of(&es), &english);
}

#[test]
fn a_file_of_its_own_is_in_english() {
    let timeline = served(&[Model::Async], 1);
    let mut out = Vec::new();
    write(&mut out, &timeline).unwrap();
    let svg = String::from_utf8(out).unwrap();
    assert_eq!(svg, render(&timeline, Embedding::Document, Lang::En));
    assert!(svg.contains(">task 1<") && svg.contains("restaurant time"));
}

#[test]
fn computing_is_solid_and_waiting_hatched_in_both_languages() {
    let timeline = crate::report::timeline::computing::tests::timeline();
    let [en, es] = [Lang::En, Lang::Es].map(|lang| render(&timeline, Embedding::Html, lang));
    let doc = roxmltree::Document::parse(&en).expect("well-formed SVG");
    let with_class = |class: &str| -> Vec<roxmltree::Node> {
        let nodes = doc.descendants();
        nodes
            .filter(|n| n.attribute("class") == Some(class))
            .collect()
    };
    // Every bar is hatched, each in its product's colour: soup, burger,
    // photo; each hatch is defined.
    let fills: Vec<&str> = with_class("bar")
        .iter()
        .filter_map(|n| n.attribute("fill"))
        .collect();
    let hatches = ["url(#mesonero-waiting-0)", "url(#mesonero-waiting-1)"];
    assert_eq!(fills, [hatches[0], hatches[1], "url(#mesonero-waiting-2)"]);
    let defined: Vec<&str> = doc
        .descendants()
        .filter(|n| n.has_tag_name("pattern"))
        .filter_map(|n| n.attribute("id"))
        .collect();
    for id in [
        "mesonero-waiting-0",
        "mesonero-waiting-1",
        "mesonero-waiting-2",
    ] {
        assert!(defined.contains(&id), "{id} is not defined in {defined:?}");
    }
    // The soup and the photo computed: a solid part each, of their colour,
    // the soup's from 3 s of 3.5 s, the photo's from its start.
    let parts: Vec<(&str, &str)> = with_class("computing")
        .iter()
        .map(|n| (n.attribute("x").unwrap(), n.attribute("fill").unwrap()))
        .collect();
    assert_eq!(parts, [("813.57", colour(0)), ("175.30", colour(2))]);
    // A computed product's bar and its solid part both say how long each
    // part took.
    for (said, times) in [
        (
            "<title>order 0, soup: 0 s to 3.5 s; waiting 3 s, computing (CPU) 0.5 s</title>",
            2,
        ),
        (
            "<title>order 1, photo: 0 s to 3 s; waiting 0 s, computing (CPU) 3 s</title>",
            2,
        ),
        ("<title>order 0, burger: 0 s to 3 s</title>", 1),
        ("until it is ready", 1),
        (">waiting</text>", 1),
        (">computing (CPU)</text>", 1),
    ] {
        assert_eq!(en.matches(said).count(), times, "{said}");
    }
    for dicho in [
        "<title>pedido 0, soup: de 0 s a 3.5 s; esperando 3 s, calculando (CPU) 0.5 s</title>",
        "hasta que está listo",
        ">esperando</text>",
        ">calculando (CPU)</text>",
    ] {
        assert!(es.contains(dicho), "{dicho}");
    }
    let english = ["waiting", "computing", "ready", "until"];
    assert_translated(&words_of(&en), &words_of(&es), &english);
    // A picture of pure waiting has neither.
    let waiting = render(&served(&[Model::Async], 1), Embedding::Html, Lang::En);
    assert!(!waiting.contains("<pattern") && !waiting.contains("computing"));
}

#[test]
fn at_scale_computing_speaks_the_pages_language_too() {
    let computing = generate::with_cpu(&Workload::article(), Duration::from_secs(1)).unwrap();
    let workload = Arc::new(generate::repeat(&computing, 50).unwrap());
    let setup = Setup::new(Model::Async, ClockKind::Virtual);
    let run = restaurant::run(&workload, &setup, None, &Shutdown::new()).unwrap();
    let timeline = Timeline::of(&[run]);
    assert!(!LEGIBLE.fits(&timeline) && timeline.computes());
    let [en, es] = [Lang::En, Lang::Es].map(|lang| render(&timeline, Embedding::Html, lang));
    for spanish in [
        ">productos calculándose (CPU)</text>",
        ">1 calculando como máximo</text>",
        "<title>async: como mucho 1 productos calculándose (CPU) a la vez</title>",
    ] {
        assert!(es.contains(spanish), "{spanish}");
    }
    assert_translated(&words_of(&en), &words_of(&es), &["computing", "most"]);
    // At scale nothing is hatched: the step charts say it all.
    assert!(!en.contains("<pattern"));
}
