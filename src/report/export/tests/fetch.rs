//! The exports of `fetch --compare`: one row per fetch model.

use std::collections::BTreeMap;

use super::{assert_every_column_in_every_format, exports};
use crate::people::client::stats::FetchStats;

/// A comparison with fixed figures: the sequential model at a second
/// per request, threads with a retry after a 503, async interrupted.
fn rows() -> Vec<FetchStats> {
    let stats =
        |model, ok: usize, interrupted: usize, retries: u64, wall_s: f64, p50_ms, max_ms: f64| {
            let requests = (9 - interrupted) as u64 + retries;
            let mut answers = BTreeMap::from([("200".to_string(), ok as u64)]);
            if retries > 0 {
                answers.insert("503".to_string(), retries);
            }
            FetchStats {
                model,
                concurrency: 100,
                ids: 9,
                ok,
                failed: 9 - ok,
                interrupted,
                retries,
                requests,
                requests_per_s: requests as f64 / wall_s,
                p50_ms,
                p90_ms: max_ms - 0.5,
                p99_ms: max_ms,
                max_ms,
                wall_s,
                answers,
            }
        };
    vec![
        stats("sequential", 9, 0, 0, 9.0, 1000.25, 1001.5),
        stats("threads", 9, 0, 1, 1.5, 1000.5, 1500.75),
        stats("async", 5, 4, 0, 0.5, 250.0, 500.0),
    ]
}

#[test]
fn markdown() {
    let [_, markdown, _] = exports(&rows());
    insta::assert_snapshot!(markdown, @r"
    | model | concurrency | ok | failed | retries | requests | wall [s] | requests/s | p50 [ms] | p90 [ms] | p99 [ms] | max [ms] |
    | :--- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |
    | `sequential` | 1 | 9 | 0 | 0 | 9 | 9.000 | 1.0 | 1000.2 | 1001.0 | 1001.5 | 1001.5 |
    | `threads` | 100 | 9 | 0 | 1 | 10 | 1.500 | 6.7 | 1000.5 | 1500.2 | 1500.8 | 1500.8 |
    | `async` | 100 | 5 | 4 | 0 | 5 | 0.500 | 10.0 | 250.0 | 499.5 | 500.0 | 500.0 |
    ");
}

#[test]
fn csv() {
    let rows = rows();
    assert_every_column_in_every_format(&rows);
    let [_, _, csv] = exports(&rows);
    insta::assert_snapshot!(csv, @r"
    model,concurrency,ids,ok,failed,interrupted,retries,requests,wall_s,requests_per_s,p50_ms,p90_ms,p99_ms,max_ms
    sequential,1,9,9,0,0,0,9,9,1,1000.25,1001,1001.5,1001.5
    threads,100,9,9,0,0,1,10,1.5,6.666666666666667,1000.5,1500.25,1500.75,1500.75
    async,100,9,5,4,4,0,5,0.5,10,250,499.5,500,500
    ");
}

#[test]
fn json_has_the_columns_and_the_answers_by_status() {
    let [json, _, _] = exports(&rows());
    let value: serde_json::Value = serde_json::from_str(&json).unwrap();
    let rows = value.as_array().unwrap();
    assert_eq!(rows.len(), 3);
    let threads = &rows[1];
    assert_eq!(threads["model"], "threads");
    // Requests in flight at once, as the table says: one for sequential.
    assert_eq!(rows[0]["concurrency"], 1);
    assert_eq!(threads["concurrency"], 100);
    assert_eq!(threads["ids"], 9);
    assert_eq!(threads["ok"], 9);
    assert_eq!(threads["failed"], 0);
    assert_eq!(threads["interrupted"], 0);
    assert_eq!(threads["retries"], 1);
    assert_eq!(threads["requests"], 10);
    assert_eq!(threads["wall_s"], 1.5);
    assert_eq!(threads["p50_ms"], 1000.5);
    assert_eq!(threads["p90_ms"], 1500.25);
    assert_eq!(threads["p99_ms"], 1500.75);
    assert_eq!(threads["max_ms"], 1500.75);
    assert_eq!(threads["answers"], serde_json::json!({"200": 9, "503": 1}));
    assert_eq!(rows[2]["interrupted"], 4);
}
