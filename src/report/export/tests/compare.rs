//! The exports of `compare`: one row per model.

use std::sync::Arc;
use std::time::Duration;

use super::{assert_every_column_in_every_format, exports};
use crate::report::compare::{self, Row};
use crate::restaurant::{self, Model, Setup};
use crate::{ClockKind, Shutdown, Workload};

/// The article's comparison on the virtual clock, with wall times
/// fixed so that the exports are the same every time.
fn rows() -> Vec<Row> {
    let workload = Arc::new(Workload::article());
    let runs: Vec<_> = Model::ALL
        .iter()
        .filter(|m| m.runs_on(ClockKind::Virtual))
        .enumerate()
        .map(|(i, &model)| {
            let setup = Setup::new(model, ClockKind::Virtual);
            let mut run = restaurant::run(&workload, &setup, None, &Shutdown::new()).unwrap();
            run.wall = Duration::from_micros(10 * (i as u64 + 1));
            run
        })
        .collect();
    compare::rows(&runs, Duration::from_millis(43_800))
}

#[test]
fn markdown() {
    let [_, markdown, _] = exports(&rows());
    insta::assert_snapshot!(markdown, @r"
    | model | waiters | threads | makespan [s] | ideal [s] | overhead | speed-up | loop blocked [s] | CPU [s] | cores busy | wall [s] |
    | :--- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |
    | `sync` | 2 | 1 | 43.800 | 43.800 | +0.0 % | 1.00x | - | 0.000 | 0.00 | 0.000010 |
    | `threads` | 2 | 3 | 23.600 | 23.600 | +0.0 % | 1.86x | - | 0.000 | 0.00 | 0.000020 |
    | `thread-per-product` | 1 | 17 | 7.500 | 7.500 | +0.0 % | 5.84x | - | 0.000 | 0.00 | 0.000030 |
    | `async` | 1 | 1 | 7.500 | 7.500 | +0.0 % | 5.84x | 0.000 | 0.000 | 0.00 | 0.000040 |
    | `async-blocking` | 1 | 1 | 43.800 | 43.800 | +0.0 % | 1.00x | 43.800 | 0.000 | 0.00 | 0.000050 |
    | `async-sequential` | 1 | 1 | 23.700 | 23.700 | +0.0 % | 1.85x | 0.000 | 0.000 | 0.00 | 0.000060 |
    | `async-offload` | 1 | 12 | 7.500 | 7.500 | +0.0 % | 5.84x | 0.000 | 0.000 | 0.00 | 0.000070 |
    ");
}

#[test]
fn csv() {
    let rows = rows();
    assert_every_column_in_every_format(&rows);
    let [_, _, csv] = exports(&rows);
    insta::assert_snapshot!(csv, @r"
    model,waiters,cooks,threads,makespan_s,ideal_s,overhead_pct,speedup,loop_blocked_s,cpu_s,cores_busy,wall_s,clock,speed
    sync,2,,1,43.8,43.8,0,1,,0,0,0.00001,virtual,1
    threads,2,,3,23.6,23.6,0,1.8559322033898302,,0,0,0.00002,virtual,1
    thread-per-product,1,,17,7.5,7.5,0,5.84,,0,0,0.00003,virtual,1
    async,1,,1,7.5,7.5,0,5.84,0,0,0,0.00004,virtual,1
    async-blocking,1,,1,43.8,43.8,0,1,43.8,0,0,0.00005,virtual,1
    async-sequential,1,,1,23.7,23.7,0,1.8481012658227847,0,0,0,0.00006,virtual,1
    async-offload,1,,12,7.5,7.5,0,5.84,0,0,0,0.00007,virtual,1
    ");
}

#[test]
fn json_is_the_columns_typed() {
    let [json, _, _] = exports(&rows());
    let value: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(value.as_array().unwrap().len(), 7);
    assert_eq!(value[1]["model"], "threads");
    assert_eq!(value[1]["makespan_s"], 23.6);
    // Only the models with an event loop say how long it was blocked;
    // for the others the field is there, with no value.
    assert_eq!(value[1]["loop_blocked_s"], serde_json::Value::Null);
    assert_eq!(value[1]["cooks"], serde_json::Value::Null);
    assert_eq!(value[1]["clock"], "virtual");
    assert_eq!(value[1]["speed"], 1.0);
    assert_eq!(value[3]["loop_blocked_s"], 0.0);
    assert_eq!(value[4]["model"], "async-blocking");
    assert_eq!(value[4]["loop_blocked_s"], 43.8);
}
