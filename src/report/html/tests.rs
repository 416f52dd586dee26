//! The page's escaping and structure.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use super::*;
use crate::latency::{Lang, Scale};
use crate::race::{self, Strategy};
use crate::restaurant::{self, Model, Setup};
use crate::{ClockKind, Shutdown, Workload};

#[test]
fn escaping_covers_the_five_characters() {
    insta::assert_snapshot!(
        escape(r#"<a href="x">Tom & 'Jerry'</a> > 1 µs"#),
        @"&lt;a href=&quot;x&quot;&gt;Tom &amp; &#39;Jerry&#39;&lt;/a&gt; &gt; 1 µs"
    );
}

fn fetched(model: &'static str, failed: usize) -> FetchStats {
    FetchStats {
        model,
        concurrency: 100,
        ids: 9,
        ok: 9 - failed,
        failed,
        interrupted: 0,
        retries: 0,
        requests: 9,
        requests_per_s: 8.9,
        p50_ms: 1000.0,
        p90_ms: 1000.0,
        p99_ms: 1000.0,
        max_ms: 1001.0,
        wall_s: 1.01,
        answers: BTreeMap::from([("200".to_string(), 9)]),
    }
}

/// The article's orders served by each of `models` on the virtual clock.
fn serve(models: &[Model]) -> Vec<Run> {
    serve_with(models, &Workload::article(), false)
}

/// `workload` served by each of `models` on the virtual clock and two
/// cores, with the GIL or not.
fn serve_with(models: &[Model], workload: &Workload, gil: bool) -> Vec<Run> {
    let workload = Arc::new(workload.clone());
    models
        .iter()
        .map(|&model| {
            let setup = Setup {
                cores: Some(2),
                gil,
                ..Setup::new(model, ClockKind::Virtual)
            };
            restaurant::run(&workload, &setup, None, &Shutdown::new()).unwrap()
        })
        .collect()
}

/// A page from real virtual runs and a tiny race, with made-up fetches.
fn page() -> Page {
    let sync_ideal = Duration::from_millis(43_800);
    let runs = serve(&Model::ARTICLE);
    let compare = super::super::compare::rows(&runs, sync_ideal);
    let lesson = serve(&Model::LESSON_BLOCKING);
    let lesson_compare = super::super::compare::rows(&lesson, sync_ideal);
    let computing =
        crate::workload::generate::with_cpu(&Workload::article(), Duration::from_secs(1)).unwrap();
    let parallel = serve_with(&Model::ARTICLE, &computing, false);
    let parallel_compare = super::super::compare::rows(&parallel, sync_ideal);
    let parallel_gil = serve_with(&Model::ARTICLE, &computing, true);
    let parallel_gil_compare = super::super::compare::rows(&parallel_gil, sync_ideal);
    let race = Strategy::ALL
        .iter()
        .map(|&s| race::measure(s, 2, 100, 2, &Shutdown::new()).unwrap())
        .collect();
    Page {
        lang: Lang::En,
        date: "2026-11-25 17:30:00 +00:00".into(),
        workload: "orders <from> \"cafe & bar\".toml".into(),
        clock: "virtual clock".into(),
        staff: "default waiters, unlimited cooks".into(),
        runs,
        compare,
        lesson,
        lesson_compare,
        parallel,
        parallel_compare,
        parallel_gil_compare,
        fetch: vec![
            fetched("sequential", 0),
            fetched("threads", 0),
            fetched("async", 2),
        ],
        fetch_setup: "people 1 to 9 from the built-in server".into(),
        race,
        latency: LatencyReport::new(Scale::ARTICLE, Lang::En, None),
        commands: Commands {
            compare: "mesonero compare --clock virtual".into(),
            lesson: "mesonero compare --models lesson-blocking --clock virtual".into(),
            parallel: "mesonero compare --clock virtual --cpu 1s --cores 2".into(),
            parallel_gil: "mesonero compare --clock virtual --cpu 1s --cores 2 --gil".into(),
            fetch: "mesonero fetch --compare".into(),
            race: "mesonero race --runs 2".into(),
            latency: "mesonero latency".into(),
        },
    }
}

fn written(page: &Page) -> String {
    let mut out = Vec::new();
    write_page(&mut out, page).unwrap();
    String::from_utf8(out).unwrap()
}

#[test]
fn the_page_has_every_section_in_order() {
    let html = written(&page());
    assert!(
        html.starts_with("<!DOCTYPE html>\n<html lang=\"en\">"),
        "{html}"
    );
    assert!(html.trim_end().ends_with("</html>"));
    let mut from = 0;
    for (id, title) in SECTIONS.iter().zip(Text::of(Lang::En).sections) {
        let at = html[from..]
            .find(&format!("<section id=\"{id}\">\n<h2>{title}</h2>"))
            .unwrap_or_else(|| panic!("section {id} missing or out of order"));
        from += at;
        assert!(html.contains(&format!("<a href=\"#{id}\">")), "{id}");
    }
    assert_eq!(html.matches("<section ").count(), SECTIONS.len());
    assert_eq!(html.matches("</section>").count(), SECTIONS.len());
    // compare, the lesson, parallelism twice, fetch, race and latency.
    assert_eq!(html.matches("<table>").count(), 7);
    assert_eq!(html.matches("</table>").count(), 7);
    // One command per section, and parallelism's second, with the GIL.
    assert_eq!(
        html.matches("class=\"command\"").count(),
        SECTIONS.len() + 1
    );
    assert!(html.contains("<code>mesonero compare --clock virtual --cpu 1s --cores 2 --gil</code>"));
    for model in [
        "sync",
        "threads",
        "thread-per-product",
        "async",
        "async-blocking",
        "async-sequential",
        "async-offload",
        "sequential",
    ] {
        assert!(html.contains(&format!("<tr><td>{model}</td>")), "{model}");
    }
    for strategy in ["none", "mutex", "atomic"] {
        assert!(
            html.contains(&format!("<tr><td>{strategy}</td>")),
            "{strategy}"
        );
    }
    assert!(html.contains("<td>L1 cache reference</td>"));
    assert!(html.contains("async failed 2 of 9 ids"));
}

#[test]
fn the_spanish_page_has_spanish_words_and_the_same_figures() {
    let english = page();
    let mut spanish = page();
    spanish.lang = Lang::Es;
    spanish.latency = LatencyReport::new(Scale::ARTICLE, Lang::Es, None);
    let (en, es) = (written(&english), written(&spanish));
    assert!(
        es.starts_with("<!DOCTYPE html>\n<html lang=\"es\">"),
        "{es}"
    );
    let mut from = 0;
    for (id, title) in SECTIONS.iter().zip(Text::of(Lang::Es).sections) {
        let at = es[from..]
            .find(&format!("<section id=\"{id}\">\n<h2>{title}</h2>"))
            .unwrap_or_else(|| panic!("section {id} missing or out of order"));
        from += at;
    }
    assert!(es.contains("<h2>La advertencia del artículo: una sola llamada bloqueante"));
    assert!(es.contains("<h1>informe de mesonero</h1>"));
    assert!(es.contains("<dt>reloj</dt><dd>virtual clock</dd>"));
    assert!(es.contains("En la terminal: <code>mesonero race --runs 2</code>"));
    assert!(es.contains("async falló 2 de 9 ids; el comando muestra las respuestas."));
    assert!(es.contains("<td>Referencia de la caché L1</td>"), "{es}");
    for english_words in [
        "On the terminal",
        "Fetching people",
        "Made by",
        "<dt>clock</dt>",
    ] {
        assert!(!es.contains(english_words), "{english_words}");
        assert!(en.contains(english_words), "{english_words}");
    }
    // The tables are the commands' own, headers included.
    let header = "<th class=\"num\">loop blocked</th>";
    assert_eq!(es.matches(header).count(), en.matches(header).count());
    assert_eq!(es.matches("<tr>").count(), en.matches("<tr>").count());
}

/// The pictures speak the page's language too: the restaurant's
/// timelines and the warning's, with its loop blocked.
#[test]
fn the_spanish_pages_pictures_have_spanish_words() {
    use crate::report::timeline::svg::tests::{assert_translated, words_of};
    let english = page();
    let mut spanish = page();
    spanish.lang = Lang::Es;
    let (en, es) = (written(&english), written(&spanish));
    for picture in ["timelines", "lesson"] {
        let es = section_of(&es, picture);
        for spanish in [
            "tiempo del restaurante",
            "Cada barra es un producto, desde que el camarero lo pide",
            "1 camarero, 11 productos, makespan 7.5 s",
            "tarea 1",
            "pedido 0, burger: de 0 s a 7.5 s",
        ] {
            assert!(es.contains(spanish), "{picture}: {spanish}");
        }
    }
    let lesson = section_of(&es, "lesson");
    assert!(lesson.contains("bucle de eventos bloqueado 7.5 s por burger del pedido 0: de 0 s"));
    assert!(lesson.contains("bucle de eventos bloqueado: no se ejecuta ninguna otra tarea"));
    let timelines = section_of(&es, "timelines");
    assert!(timelines.contains(">camarero 2<") && timelines.contains(">hilo 11<"));
    let translated = [
        "restaurant",
        "time",
        "each",
        "bar",
        "product",
        "products",
        "request",
        "kitchen",
        "answer",
        "marks",
        "dispatch",
        "waiter",
        "waiters",
        "thread",
        "task",
        "order",
        "to",
        "loop",
        "blocked",
        "event",
        "by",
        "other",
        "runs",
    ];
    assert_translated(&words_of(&en), &words_of(&es), &translated);
}

#[test]
fn the_page_asks_for_nothing_and_runs_nothing() {
    let html = written(&page());
    assert!(html.contains(&format!(
        "<meta http-equiv=\"Content-Security-Policy\" content=\"{POLICY}\">"
    )));
    for load in ["http:", "https:", "<script", "<link", "<img", "@import"] {
        assert!(!html.contains(load), "{load}");
    }
    // A picture's hatches are referred to by `url(#id)`, within the page:
    // no other `url(` loads anything.
    for (at, _) in html.match_indices("url(") {
        assert!(html[at..].starts_with("url(#"), "{}", &html[at..at + 40]);
    }
}

#[test]
fn what_users_give_is_escaped() {
    let html = written(&page());
    assert!(html.contains("<dd>orders &lt;from&gt; &quot;cafe &amp; bar&quot;.toml</dd>"));
    assert!(!html.contains("<from>"));
}

#[test]
fn the_timelines_have_their_place() {
    let page = page();
    let html = written(&page);
    let section = timeline_picture(&page.runs, page.lang);
    // The picture `compare --timeline` draws, inline: a bar per product.
    let bars = section.matches("<rect class=\"bar\"").count();
    let products: usize = page
        .runs
        .iter()
        .map(|r| r.trace.workload().products_total())
        .sum();
    assert_eq!(bars, products, "{section}");
    assert!(html.contains(&section));
    assert!(html.contains("<section id=\"timelines\">"));
}

/// The text of section `id`, from its opening tag to its end.
fn section_of<'a>(html: &'a str, id: &str) -> &'a str {
    let start = html
        .find(&format!("<section id=\"{id}\">"))
        .unwrap_or_else(|| panic!("no section {id}"));
    let end = start + html[start..].find("</section>").expect("the section ends");
    &html[start..end]
}

#[test]
fn the_lesson_has_its_table_timeline_and_command() {
    let page = page();
    let html = written(&page);
    let lesson = section_of(&html, "lesson");
    // After the restaurant's timelines, before the fetches.
    assert!(html.find("<section id=\"timelines\">") < html.find("<section id=\"lesson\">"));
    assert!(html.find("<section id=\"lesson\">") < html.find("<section id=\"fetch\">"));
    assert!(lesson.contains("time.sleep"), "{lesson}");
    assert!(
        lesson.contains("<code>mesonero compare --models lesson-blocking --clock virtual</code>")
    );
    // The table: each model of the warning, and how long async-blocking's
    // loop was held, 43.8 s on the virtual clock.
    assert_eq!(lesson.matches("<table>").count(), 1);
    for model in Model::LESSON_BLOCKING {
        assert!(lesson.contains(&format!("<tr><td>{model}</td>")), "{model}");
    }
    assert!(
        lesson.contains("<th class=\"num\">loop blocked</th>"),
        "{lesson}"
    );
    let blocking = "<tr><td>async-blocking</td><td class=\"num\">1</td><td class=\"num\">1</td>\
                    <td class=\"num\">43.8 s</td>";
    assert!(lesson.contains(blocking), "{lesson}");
    assert!(lesson.contains("<td class=\"num\">1.00x</td><td class=\"num\">43.8 s</td>"));
    // The timeline, inline: a bar per product of every model, a strip per
    // stretch async-blocking's waiter held the loop, and none for the rest.
    assert_eq!(lesson.matches("<svg class=\"timeline\"").count(), 1);
    assert_eq!(lesson.matches("<rect class=\"bar\"").count(), 44);
    let strip = "<rect class=\"blocked\" data-model=\"async-blocking\"";
    assert_eq!(lesson.matches(strip).count(), 11);
    assert_eq!(lesson.matches("<rect class=\"blocked\"").count(), 11);
    // The restaurant's timelines have no strips: no loop there was blocked.
    assert!(!section_of(&html, "timelines").contains("class=\"blocked\""));
}
