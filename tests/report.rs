//! `mesonero report` from the command line: the page it writes, a bad
//! output path, and Ctrl-C, which must leave no page behind.

mod common;

use std::fs;
use std::path::Path;
use std::process::Stdio;
use std::time::Duration;

use common::ready::wait_while_running;
use common::{assert_bad_input, assert_success, mesonero, read_stderr, run, wait_bounded};

/// Options that make a report quick: the virtual clock, a fast server and
/// a small race.
const QUICK: [&str; 8] = [
    "--clock",
    "virtual",
    "--server-delay",
    "20ms",
    "--race-iterations",
    "10000",
    "--race-runs",
    "2",
];

/// Writes a quick report to `path` and returns its text and stderr.
fn report(path: &Path, extra: &[&str]) -> (String, String) {
    let path = path.to_str().expect("a UTF-8 path");
    let mut args = vec!["report", "--output", path];
    args.extend(QUICK);
    args.extend(extra);
    let output = run(&args);
    assert_success(&output, &args);
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    let html = fs::read_to_string(path).expect("the report was written");
    (html, stderr)
}

/// The files in `dir`, sorted.
fn files_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn the_page_holds_every_section_and_asks_for_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("r.html");
    let (html, stderr) = report(&path, &[]);
    assert!(
        html.starts_with("<!DOCTYPE html>\n<html lang=\"en\">"),
        "{html}"
    );
    assert!(html.contains("<h2>The restaurant, served four ways</h2>"));
    for id in [
        "compare",
        "timelines",
        "lesson",
        "parallel",
        "fetch",
        "race",
        "latency",
    ] {
        assert!(html.contains(&format!("<section id=\"{id}\">")), "{id}");
    }
    for model in [
        "sync",
        "threads",
        "thread-per-product",
        "async",
        "async-blocking",
        "async-sequential",
        "async-offload",
    ] {
        assert!(html.contains(&format!("<tr><td>{model}</td>")), "{model}");
    }
    for model in ["sequential", "threads", "async"] {
        assert!(
            html.contains(&format!("<tr><td>{model}</td><td class=\"num\">")),
            "{model}"
        );
    }
    for strategy in ["none", "mutex", "atomic"] {
        assert!(
            html.contains(&format!("<tr><td>{strategy}</td>")),
            "{strategy}"
        );
    }
    assert!(html.contains("<td>L1 cache reference</td>"));
    // The timelines, inline: eleven bars per model on the article's orders,
    // the article's models twice (the restaurant's picture and the one of
    // parallelism), async's three times (and the warning's), and a strip
    // for each product async-blocking's waiter held the loop, and async's,
    // computing, in the picture of parallelism.
    for (model, pictures) in [
        ("sync", 2),
        ("threads", 2),
        ("thread-per-product", 2),
        ("async", 3),
        ("async-blocking", 1),
        ("async-sequential", 1),
        ("async-offload", 1),
    ] {
        let bar = format!("<rect class=\"bar\" data-model=\"{model}\"");
        assert_eq!(html.matches(&bar).count(), 11 * pictures, "{model}");
    }
    assert_eq!(html.matches("<rect class=\"blocked\"").count(), 22);
    for model in ["async-blocking", "async"] {
        let strip = format!("<rect class=\"blocked\" data-model=\"{model}\"");
        assert_eq!(html.matches(&strip).count(), 11, "{model}");
    }
    // The exact virtual figures, and each section's command.
    assert!(html.contains("<td class=\"num\">43.8 s</td>"), "{html}");
    for command in [
        "mesonero compare --clock virtual",
        "mesonero compare --models lesson-blocking --clock virtual",
        "mesonero compare --clock virtual --cpu 1s --cores 2",
        "mesonero compare --clock virtual --cpu 1s --cores 2 --gil",
        "mesonero fetch --compare --server-delay 20ms",
        "mesonero race --iterations 10000 --runs 2",
        "mesonero latency",
    ] {
        assert!(
            html.contains(&format!("<code>{command}</code>")),
            "{command}"
        );
    }
    // Self-contained: no address to fetch anything from. The picture of
    // parallelism refers to its hatches by `url(#id)`, within the page.
    for attribute in ["src=", "href=\"http", "href='http", "@import"] {
        assert!(!html.contains(attribute), "{attribute}");
    }
    assert!(html.contains("url(#"));
    for (at, _) in html.match_indices("url(") {
        assert!(html[at..].starts_with("url(#"), "{}", &html[at..at + 40]);
    }
    assert!(!html.contains("http://") && !html.contains("https://"));
    let size = fs::metadata(&path).unwrap().len();
    let kb = size.div_ceil(1024);
    assert!(
        stderr.contains(&format!("wrote {} ({kb} KB)", path.display())),
        "{stderr}"
    );
    // Only the page: no temporary file left beside it.
    assert_eq!(files_in(dir.path()), ["r.html"]);
}

/// `--lang es`: the page's words in Spanish; the figures, the tables'
/// headers, the names and the commands as the commands print them.
#[test]
fn the_page_speaks_spanish_with_lang_es() {
    let dir = tempfile::tempdir().unwrap();
    let (es, _) = report(
        &dir.path().join("es.html"),
        &["--lang", "es", "--repeat", "2"],
    );
    let (en, _) = report(&dir.path().join("en.html"), &["--repeat", "2"]);
    assert!(
        es.starts_with("<!DOCTYPE html>\n<html lang=\"es\">"),
        "{es}"
    );
    for heading in [
        "<h1>informe de mesonero</h1>",
        "<h2>El restaurante, servido de cuatro maneras</h2>",
        "<h2>Líneas de tiempo</h2>",
        "<h2>La advertencia del artículo: una sola llamada bloqueante lo echa todo a perder</h2>",
        "<h2>Pidiendo personas a la API</h2>",
        "<h2>La carrera sobre el balance</h2>",
        "<h2>Latencias a escala humana</h2>",
        "<dd>los del artículo, repetidos 2 veces: 8 pedidos, 22 productos de una carta de 4</dd>",
        "<dd>2 camareros para sync y threads, 1 para los demás; cocineros sin límite</dd>",
        "las personas 1 a 9 del servidor integrado",
        "<td>Referencia de la caché L1</td>",
        "<p>2 hilos, 1 sumando 1 y 1 restando 1, 10000 veces cada uno; 2 ejecuciones por \
         estrategia</p>",
    ] {
        assert!(es.contains(heading), "{heading}");
    }
    // The pictures too: their captions, labels and tooltips.
    for words in [
        "class=\"caption\">tiempo del restaurante</text>",
        "Cada barra es un producto, desde que el camarero lo pide hasta que la cocina lo entrega",
        ">2 camareros, 22 productos, makespan 87.6 s</text>",
        ">tarea 1</text>",
        ">bucle bloqueado</text>",
        "bucle de eventos bloqueado: no se ejecuta ninguna otra tarea",
    ] {
        assert!(es.contains(words), "{words}");
    }
    for english in [
        "On the terminal",
        "The restaurant, served",
        "unlimited cooks",
        "runs per strategy",
        "class=\"caption\">restaurant time</text>",
        "Each bar is a product",
        ">task 1</text>",
        ">loop blocked</text>",
        "event loop blocked",
    ] {
        assert!(!es.contains(english), "{english}");
        assert!(en.contains(english), "{english}");
    }
    // What the commands print stays as they print it: the commands, the
    // models, the restaurant's headers and figures on the virtual clock.
    for same in [
        "<code>mesonero compare --clock virtual --repeat 2</code>",
        "<code>mesonero compare --models lesson-blocking --clock virtual --repeat 2</code>",
        "<code>mesonero fetch --compare --server-delay 20ms</code>",
        "<code>mesonero race --iterations 10000 --runs 2</code>",
        "<th class=\"num\">loop blocked</th>",
        "<tr><td>async-blocking</td>",
        "<td class=\"num\">87.6 s</td>",
    ] {
        assert!(es.contains(same) && en.contains(same), "{same}");
    }
    assert!(es.contains("<code>mesonero latency --lang es</code>"));
    assert!(en.contains("<code>mesonero latency</code>"));
}

#[test]
fn workload_options_reach_the_page() {
    let dir = tempfile::tempdir().unwrap();
    let (html, _) = report(
        &dir.path().join("r.html"),
        &[
            "--repeat",
            "2",
            "--waiters",
            "3",
            "--slow-callback",
            "2s",
            "--blocking-threads",
            "2",
        ],
    );
    assert!(
        html.contains("the article&#39;s, 2 times over: 8 orders, 22 products"),
        "{html}"
    );
    assert!(
        html.contains("<dd>3 waiters; unlimited cooks</dd>"),
        "{html}"
    );
    assert!(html.contains(
        "<code>mesonero compare --clock virtual --waiters 3 --repeat 2 --slow-callback 2s</code>"
    ));
    assert!(html.contains(
        "<code>mesonero compare --models lesson-blocking --clock virtual --waiters 3 --repeat 2 \
         --slow-callback 2s --blocking-threads 2</code>"
    ));
    // The threshold reaches the runs: of async-blocking's 22 products, the
    // 8 burgers and 4 frites held the loop for 2 s or more, 76 s in all.
    assert_eq!(html.matches("<rect class=\"blocked\"").count(), 12);
    assert!(html.contains("<td class=\"num\">1.00x</td><td class=\"num\">76 s</td>"));
}

#[test]
fn a_bad_output_path_fails_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("no such dir").join("r.html");
    let missing = missing.to_str().unwrap();
    let output = run(["report", "--output", missing]);
    assert_bad_input(&output, &[missing, "No such file or directory"]);
    // A directory is not a page either; the real clock and the one-second
    // server would take about twenty seconds, so the error comes first.
    let dir_path = dir.path().to_str().unwrap();
    let output = run(["report", "--output", dir_path]);
    assert_bad_input(&output, &[dir_path, "directory"]);
    assert_eq!(files_in(dir.path()), Vec::<String>::new());
}

#[test]
fn bad_options_are_refused() {
    for args in [
        &["report", "--race-runs", "0"][..],
        &["report", "--race-iterations", "0"],
        &["report", "--server-delay", "soon"],
        &["report", "--seed", "3"],
        // No model of the page has a multi-thread runtime.
        &["report", "--workers", "2"],
        &["report", "--slow-callback", "0"],
        &["report", "--lang", "fr"],
    ] {
        let dir = tempfile::tempdir().unwrap();
        let output = mesonero(args).current_dir(dir.path()).output().unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(stderr.contains(args[1]), "{args:?}: {stderr}");
        assert_eq!(files_in(dir.path()), Vec::<String>::new(), "{args:?}");
    }
}

/// Ctrl-C while the restaurant is served: exit 130, a message naming the
/// page, and the page as it was before, with nothing beside it.
#[test]
fn ctrl_c_leaves_no_page() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("r.html");
    fs::write(&path, "the report of yesterday").unwrap();
    // At speed 1 the sync run alone takes 43.8 s.
    let mut child = mesonero(["report", "--speed", "1", "--output", path.to_str().unwrap()])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // The page is written to a temporary file beside it, made just before
    // the restaurant is served.
    wait_while_running(&mut child, "a temporary page beside r.html", || {
        files_in(dir.path()).len() == 2
    });
    assert!(common::send_ctrl_c(&child), "kill -INT failed");
    let status = wait_bounded(&mut child, Duration::from_secs(15));
    let stderr = read_stderr(&mut child);
    assert_eq!(status.code(), Some(130), "{stderr}");
    assert!(
        stderr.contains(&format!(
            "error: interrupted during the restaurant: '{}' was not written",
            path.display()
        )),
        "{stderr}"
    );
    assert_eq!(
        fs::read_to_string(&path).unwrap(),
        "the report of yesterday"
    );
    assert_eq!(files_in(dir.path()), ["r.html"]);
}

/// A link keeps pointing at the page, and a stream such as /dev/stdout,
/// which cannot be renamed over, gets the page written to it.
#[test]
fn links_and_streams_are_written_through() {
    let dir = tempfile::tempdir().unwrap();
    let real = dir.path().join("real.html");
    fs::write(&real, "old").unwrap();
    let link = dir.path().join("link.html");
    std::os::unix::fs::symlink("real.html", &link).unwrap();
    report(&link, &[]);
    assert!(fs::symlink_metadata(&link).unwrap().is_symlink());
    assert!(fs::read_to_string(&real)
        .unwrap()
        .starts_with("<!DOCTYPE html>"));
    assert_eq!(files_in(dir.path()), ["link.html", "real.html"]);

    let mut args = vec!["report", "--output", "/dev/stdout"];
    args.extend(QUICK);
    let output = run(&args);
    assert_success(&output, &args);
    let stdout = String::from_utf8(output.stdout).unwrap();
    assert!(stdout.starts_with("<!DOCTYPE html>"), "{stdout}");
    assert!(stdout.trim_end().ends_with("</html>"));
}
