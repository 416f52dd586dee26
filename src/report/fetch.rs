//! What `mesonero fetch` prints: the article's log lines, JSON lines, the
//! summary, and the comparison of the three models.
//!
//! ```text
//! [ 2020-09-05 19:24:29,294 ]  Request person number 1
//! [ 2020-09-05 19:24:29,294 ]  Person number 1 = Luke Skywalker
//! ```

use std::io::{self, Write};
use std::time::Duration;

use chrono::Local;
use serde::Serialize;

use super::table::{Cell, Column, Shown, Table, Tabular};
use super::wall;
use crate::people::client::stats::FetchStats;
use crate::people::client::{FetchedPerson, Outcome, Progress};

/// Writes the log line for one piece of progress, if it has one, with the
/// article's `[ date time,millis ]  ` prefix.
pub fn write_log_line(out: &mut impl Write, progress: &Progress) -> io::Result<()> {
    let stamp = Local::now().format("[ %Y-%m-%d %H:%M:%S,%3f ]  ");
    match progress {
        // The article logs this when the answer's headers arrive, so the
        // lines come in the order the answers do, not the order asked.
        Progress::Answered { id, .. } => writeln!(out, "{stamp}Request person number {id}"),
        Progress::Retrying {
            id,
            url,
            attempt,
            failure,
            wait,
        } => {
            writeln!(
                out,
                "{stamp}Person number {id}: {} on attempt {attempt}, trying again in {}",
                super::printable(&failure.at(url).to_string()),
                wall(*wait)
            )
        }
        Progress::Done(outcome) => match &outcome.result {
            Ok(person) => writeln!(
                out,
                "{stamp}Person number {} = {}",
                outcome.id,
                super::printable(person.name())
            ),
            Err(failure) => writeln!(
                out,
                "{stamp}Person number {} failed: {}",
                outcome.id,
                super::printable(&failure.at(&outcome.url).to_string())
            ),
        },
    }
}

/// One id's outcome as a line of JSON: `--format json` and `--output`.
/// The person is written as received; `url` is the address asked.
#[derive(Serialize)]
struct Line<'a> {
    id: u64,
    url: &'a str,
    ok: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    person: Option<&'a FetchedPerson>,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<String>,
    attempts: u32,
    latency_ms: f64,
    answers: &'a [String],
}

/// Writes an outcome as one line of JSON.
pub fn write_json_line(out: &mut impl Write, outcome: &Outcome) -> io::Result<()> {
    let line = Line {
        id: outcome.id,
        url: outcome.url.as_str(),
        ok: outcome.result.is_ok(),
        person: outcome.result.as_ref().ok(),
        error: outcome.result.as_ref().err().map(ToString::to_string),
        attempts: outcome.attempts,
        latency_ms: outcome.latency.as_secs_f64() * 1e3,
        answers: &outcome.answers,
    };
    serde_json::to_writer(&mut *out, &line)?;
    writeln!(out)
}

/// Writes the summary of a run: counts, throughput, latency, answers.
pub fn write_summary(out: &mut impl Write, stats: &FetchStats) -> io::Result<()> {
    let interrupted = match stats.interrupted {
        0 => String::new(),
        n => format!(" ({n} interrupted)"),
    };
    writeln!(
        out,
        "{}: {} of {} fetched, {} failed{interrupted}, {} retries; {} requests in {}, {:.1} requests/s",
        stats.model,
        stats.ok,
        stats.ids,
        stats.failed,
        stats.retries,
        stats.requests,
        wall(Duration::from_secs_f64(stats.wall_s)),
        stats.requests_per_s,
    )?;
    let answers: Vec<String> = stats
        .answers
        .iter()
        .map(|(key, n)| format!("{key} x{n}"))
        .collect();
    writeln!(
        out,
        "latency p50 {}, p90 {}, p99 {}, max {}; answers: {}",
        millis(stats.p50_ms),
        millis(stats.p90_ms),
        millis(stats.p99_ms),
        millis(stats.max_ms),
        if answers.is_empty() {
            "none".to_string()
        } else {
            answers.join(", ")
        },
    )
}

/// The comparison of models, one row each.
pub fn write_table(out: &mut impl Write, rows: &[FetchStats]) -> io::Result<()> {
    table(rows).write(out)
}

/// The comparison of models as a table, for the terminal or for HTML.
pub fn table(rows: &[FetchStats]) -> Table {
    Table::of(rows)
}

/// Requests in flight at once: the sequential model makes one at a time,
/// whatever `--concurrency` says.
fn concurrency(stats: &FetchStats) -> usize {
    if stats.model == "sequential" {
        1
    } else {
        stats.concurrency
    }
}

impl Tabular for FetchStats {
    const COLUMNS: &'static [Column<FetchStats>] = &[
        Column::<Self>::left("model", "model", |s| Cell::Name(s.model)),
        Column::<Self>::right("concurrency", "concurrency", |s| {
            Cell::Integer(concurrency(s) as i128)
        }),
        Column::<Self>::right("ids", "ids", |s| Cell::Integer(s.ids as i128)).shown(Shown::CSV),
        Column::<Self>::right("ok", "ok", |s| Cell::Integer(s.ok as i128)),
        Column::<Self>::right("failed", "failed", |s| Cell::Integer(s.failed as i128)),
        Column::<Self>::right("interrupted", "interrupted", |s| {
            Cell::Integer(s.interrupted as i128)
        })
        .shown(Shown::CSV),
        Column::<Self>::right("retries", "retries", |s| Cell::Integer(s.retries as i128)),
        Column::<Self>::right("requests", "requests", |s| {
            Cell::Integer(s.requests as i128)
        })
        .shown(Shown::FILES),
        Column::<Self>::right("wall", "wall_s", |s| Cell::seconds(s.wall_s, 3)).unit("s"),
        Column::<Self>::right("requests/s", "requests_per_s", |s| {
            Cell::fixed(s.requests_per_s, 1)
        }),
        Column::<Self>::right("p50", "p50_ms", |s| Cell::millis(s.p50_ms, 1)).unit("ms"),
        Column::<Self>::right("p90", "p90_ms", |s| Cell::millis(s.p90_ms, 1))
            .unit("ms")
            .shown(Shown::FILES),
        Column::<Self>::right("p99", "p99_ms", |s| Cell::millis(s.p99_ms, 1)).unit("ms"),
        Column::<Self>::right("max", "max_ms", |s| Cell::millis(s.max_ms, 1)).unit("ms"),
        // Their keys vary from run to run, and a table has fixed columns.
        Column::<Self>::right("answers", "answers", |s| {
            Cell::Map(
                s.answers
                    .iter()
                    .map(|(key, &n)| (key.clone(), Cell::Integer(n.into())))
                    .collect(),
            )
        })
        .shown(Shown::JSON),
    ];
}

fn millis(ms: f64) -> String {
    wall(Duration::from_secs_f64(ms / 1e3))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::people::client::Failure;

    fn url(id: u64) -> url::Url {
        url::Url::parse(&format!("http://127.0.0.1:8000/api/people/{id}/")).unwrap()
    }

    fn outcome(id: u64, result: Result<FetchedPerson, Failure>) -> Outcome {
        Outcome {
            id,
            url: url(id),
            attempts: 1,
            latency: Duration::ZERO,
            answers: vec![],
            result,
        }
    }

    /// The log lines of `progress`, without their time stamps.
    fn logged(progress: &[Progress]) -> Vec<String> {
        let mut out = Vec::new();
        for p in progress {
            write_log_line(&mut out, p).unwrap();
        }
        let text = String::from_utf8(out).unwrap();
        assert!(text.starts_with("[ 20"), "{text}");
        text.lines()
            .map(|l| l.split_once(" ]  ").unwrap().1.to_string())
            .collect()
    }

    #[test]
    fn log_lines_have_the_articles_shape_and_errors_name_the_url() {
        let failed = outcome(3, Err(Failure::Status(503)));
        let interrupted = Outcome::not_asked(5, url(5));
        let retrying = Progress::Retrying {
            id: 3,
            url: &failed.url,
            attempt: 1,
            failure: &Failure::Status(503),
            wait: Duration::from_millis(100),
        };
        assert_eq!(
            logged(&[
                Progress::Answered { id: 7, status: 200 },
                retrying,
                Progress::Done(&failed),
                Progress::Done(&interrupted),
            ]),
            [
                "Request person number 7",
                "Person number 3: HTTP 503 from http://127.0.0.1:8000/api/people/3/ on attempt \
                 1, trying again in 100.00 ms",
                "Person number 3 failed: HTTP 503 from http://127.0.0.1:8000/api/people/3/",
                "Person number 5 failed: interrupted before an answer from \
                 http://127.0.0.1:8000/api/people/5/",
            ]
        );
    }

    /// A name from a server cannot clear the terminal or forge a line.
    #[test]
    fn control_characters_from_a_server_are_shown_escaped() {
        let person = FetchedPerson::parse(br#"{"name": "Vader\u001b[2J\n[ forged ]"}"#).unwrap();
        let fetched = outcome(4, Ok(person));
        assert_eq!(
            logged(&[Progress::Done(&fetched)]),
            ["Person number 4 = Vader\\u{1b}[2J\\u{a}[ forged ]"]
        );
    }

    #[test]
    fn json_lines_hold_the_url_and_the_person_as_received() {
        let body = r#"{"url":"http://elsewhere/","name":"Luke","height":172,"x":[null]}"#;
        let fetched = outcome(1, Ok(FetchedPerson::parse(body.as_bytes()).unwrap()));
        let failed = outcome(2, Err(Failure::NotJson("expected value".into())));
        let mut out = Vec::new();
        write_json_line(&mut out, &fetched).unwrap();
        write_json_line(&mut out, &failed).unwrap();
        let text = String::from_utf8(out).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(
            lines[0],
            format!(
                r#"{{"id":1,"url":"http://127.0.0.1:8000/api/people/1/","ok":true,"person":{body},"attempts":1,"latency_ms":0.0,"answers":[]}}"#
            )
        );
        let error: serde_json::Value = serde_json::from_str(lines[1]).unwrap();
        assert_eq!(error["url"], "http://127.0.0.1:8000/api/people/2/");
        assert_eq!(error["ok"], false);
        assert_eq!(error["error"], "the answer is not JSON (expected value)");
        assert!(error.get("person").is_none());
    }
}
