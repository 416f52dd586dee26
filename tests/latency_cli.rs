//! `mesonero latency` from the command line: its formats, `--lang es`,
//! `--scale`, a quick `--measure`, Ctrl-C, and the input it refuses.

mod common;

use std::fs::{self, DirEntry};
use std::path::Path;
use std::process::Stdio;
use std::time::Duration;

use serde_json::Value;

use common::ready::wait_while_running;
use common::{
    assert_bad_input, assert_no_panic, mesonero, read_stderr, run, stdout_of, wait_bounded,
};

fn json_rows(args: &[&str]) -> Vec<Value> {
    let out = stdout_of(args);
    serde_json::from_str(&out).unwrap_or_else(|e| panic!("not JSON ({e}):\n{out}"))
}

#[test]
fn the_table_has_the_articles_fourteen_rows_at_human_scale() {
    let out = stdout_of(&["latency"]);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 2 + 14, "{out}");
    let header: Vec<&str> = lines[0].split("  ").filter(|c| !c.is_empty()).collect();
    let header: Vec<&str> = header.iter().map(|c| c.trim()).collect();
    assert_eq!(
        header,
        ["operation", "time", "human (x1e9)", "about as long as"]
    );
    assert!(lines[2].starts_with("L1 cache reference "), "{out}");
    assert!(
        lines[2].contains(" 0.5 ns ") && lines[2].contains(" 0.5 s "),
        "{out}"
    );
    assert!(
        lines[15].starts_with("Send packet CA->Netherlands->CA "),
        "{out}"
    );
    assert!(
        lines[15].contains(" 150 ms ") && lines[15].contains(" 4.8 years "),
        "{out}"
    );
}

#[test]
fn markdown_is_a_table_with_a_rule() {
    let out = stdout_of(&["latency", "--format", "markdown"]);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 16, "{out}");
    assert_eq!(
        lines[0],
        "| operation | time | human (x1e9) | about as long as |"
    );
    assert_eq!(lines[1], "| --- | ---: | ---: | --- |");
    assert!(lines
        .iter()
        .all(|l| l.starts_with("| ") && l.ends_with(" |")));
}

#[test]
fn json_has_one_object_per_row() {
    let rows = json_rows(&["latency", "--format", "json"]);
    assert_eq!(rows.len(), 14);
    let seek = &rows[11];
    assert_eq!(seek["id"], "disk_seek");
    assert_eq!(seek["operation"], "Disk seek");
    assert_eq!(seek["reference_ns"], 10_000_000.0);
    assert_eq!(seek["human_s"], 10_000_000.0);
    assert_eq!(seek["human"], "16.5 weeks");
    assert!(seek["comparison"].is_string());
    assert!(seek.get("measured_ns").is_none(), "{seek}");
}

#[test]
fn spanish_names_units_and_comparisons() {
    let rows = json_rows(&["latency", "--format", "json", "--lang", "es"]);
    assert_eq!(rows[0]["operation"], "Referencia de la caché L1");
    assert_eq!(rows[10]["human"], "11.6 días");
    assert_eq!(rows[13]["operation"], "Enviar paquete CA->Holanda->CA");
    assert_eq!(rows[13]["human"], "4.8 años");
    let english = json_rows(&["latency", "--format", "json"]);
    for (es, en) in rows.iter().zip(&english) {
        assert_ne!(es["comparison"], en["comparison"]);
    }
    let table = stdout_of(&["latency", "--lang", "es"]);
    assert!(table.starts_with("operación "), "{table}");
}

#[test]
fn another_scale_gives_other_times_and_comparisons() {
    let article = json_rows(&["latency", "--format", "json"]);
    assert_eq!(
        article,
        json_rows(&["latency", "--format", "json", "--scale", "1000000000"])
    );
    let million = json_rows(&["latency", "--format", "json", "--scale", "1e6"]);
    assert_eq!(million[0]["human"], "0.5 ms");
    assert_eq!(million[13]["human"], "1.7 days");
    assert_eq!(million[13]["human_s"], 150_000.0);
    assert_ne!(million[13]["comparison"], article[13]["comparison"]);
    assert!(stdout_of(&["latency", "--scale", "1e6"]).contains("human (x1e6)"));
}

#[test]
fn a_quick_measure_fills_every_row_it_can() {
    let rows = json_rows(&[
        "latency",
        "--measure",
        "--budget",
        "10ms",
        "--format",
        "json",
    ]);
    assert_eq!(rows.len(), 14);
    for row in &rows {
        let id = row["id"].as_str().unwrap();
        assert!(row["note"].is_string(), "{row}");
        match id {
            "disk_seek" | "read_disk_1m" | "packet_ca_nl_ca" => {
                assert_eq!(row["measured_ns"], Value::Null, "{row}")
            }
            _ => {
                let nanos = row["measured_ns"].as_f64().unwrap_or(f64::NAN);
                assert!(nanos > 0.0 && nanos.is_finite(), "{row}");
                assert!(row["samples"].as_u64().unwrap() >= 5, "{row}");
            }
        }
    }
}

/// The files in the directories in `dir`.
fn files_under(dir: &Path) -> usize {
    let inside = |entry: std::io::Result<DirEntry>| fs::read_dir(entry.unwrap().path());
    fs::read_dir(dir)
        .unwrap()
        .map(|entry| inside(entry).map_or(0, |files| files.count()))
        .sum()
}

/// Ctrl-C while measuring, with a file in the temporary directory: exit
/// 130, one line saying so, and the directory gone with the file.
#[test]
fn ctrl_c_stops_measuring_and_removes_the_temporary_files() {
    let tmp = tempfile::tempdir().unwrap();
    let mut child = mesonero(["latency", "--measure"])
        .env("TMPDIR", tmp.path())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // The temporary directory is made before the first measurement; the
    // file the SSD rows read is written in it when the first of them
    // begins, with four rows of 0.55 s each still to measure.
    wait_while_running(&mut child, "a file in the temporary directory", || {
        files_under(tmp.path()) > 0
    });
    assert!(common::send_ctrl_c(&child), "kill -INT failed");
    let status = wait_bounded(&mut child, Duration::from_secs(10));
    let stderr = read_stderr(&mut child);
    assert_no_panic(&stderr);
    assert_eq!(status.code(), Some(130), "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(
        stderr.starts_with("error: latency measurements interrupted after "),
        "{stderr}"
    );
    assert!(stderr.contains("temporary files removed"), "{stderr}");
    assert_eq!(fs::read_dir(tmp.path()).unwrap().count(), 0);
}

#[test]
fn bad_scales_are_refused() {
    for bad in [
        "0",
        "-1",
        "abc",
        "inf",
        "1e300",
        "1e-300",
        "1.0001e12",
        "0.000999",
    ] {
        let output = run(["latency", "--scale", bad]);
        assert_bad_input(
            &output,
            &[
                "--scale",
                &format!("'{bad}' is not a scale: give a number from 1e-3 to 1e12"),
            ],
        );
    }
}

/// At both ends of `--scale`'s range every human figure is a short number
/// with a unit: never `0 ns`, `inf years` or three hundred digits.
#[test]
fn the_edges_of_the_scale_give_readable_figures() {
    for scale in ["1e-3", "1e12"] {
        let rows = json_rows(&["latency", "--format", "json", "--scale", scale]);
        assert_eq!(rows.len(), 14);
        for row in &rows {
            let human = row["human"].as_str().unwrap();
            let (number, unit) = human.split_once(' ').unwrap();
            let value: f64 = number.parse().unwrap();
            assert!(value > 0.0 && number.len() <= 8, "{scale}: {human}");
            assert!(!unit.is_empty() && !unit.contains("inf"), "{human}");
        }
    }
    let largest = json_rows(&["latency", "--format", "json", "--scale", "1e12"]);
    assert_eq!(largest[13]["human"], "4753 years");
    let smallest = json_rows(&["latency", "--format", "json", "--scale", "1e-3"]);
    assert_eq!(smallest[0]["human"], "0.0005 ns");
}

#[test]
fn unknown_languages_and_formats_are_refused() {
    assert_bad_input(&run(["latency", "--lang", "fr"]), &["'fr'", "--lang"]);
    assert_bad_input(&run(["latency", "--format", "xml"]), &["'xml'", "--format"]);
}
