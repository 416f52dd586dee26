//! The exports of `race`: one row per strategy.

use super::{assert_every_column_in_every_format, exports};
use crate::race::{Strategy, Summary};

fn summary(strategy: Strategy, balances: &[i64]) -> Summary {
    Summary::fixture(strategy, balances)
}

fn rows() -> Vec<Summary> {
    vec![
        summary(Strategy::None, &[-63_422, 412, 0]),
        summary(Strategy::Mutex, &[0, 0, 0]),
        summary(Strategy::Atomic, &[0, 0, 0]),
    ]
}

#[test]
fn markdown() {
    let [_, markdown, _] = exports(&rows());
    insta::assert_snapshot!(markdown, @r"
    | strategy | threads | iterations | runs | min balance | max balance | ended at 0 | lost (at least) | time (median) [s] | ns/update (median) |
    | :--- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |
    | `none` | 2 | 1000000 | 3 | -63422 | 412 | 1 | 63422 | 0.002100 | 1.05 |
    | `mutex` | 2 | 1000000 | 3 | 0 | 0 | 3 | 0 | 0.002100 | 1.05 |
    | `atomic` | 2 | 1000000 | 3 | 0 | 0 | 3 | 0 | 0.002100 | 1.05 |
    ");
}

#[test]
fn csv() {
    let rows = rows();
    assert_every_column_in_every_format(&rows);
    let [_, _, csv] = exports(&rows);
    insta::assert_snapshot!(csv, @r"
    strategy,threads,iterations,runs,min_balance,max_balance,ended_at_zero,lost_at_least,median_time_s,median_ns_per_update
    none,2,1000000,3,-63422,412,1,63422,0.0021,1.05
    mutex,2,1000000,3,0,0,3,0,0.0021,1.05
    atomic,2,1000000,3,0,0,3,0,0.0021,1.05
    ");
}

#[test]
fn json_has_every_runs_figures() {
    let [json, _, _] = exports(&rows());
    let value: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(value.as_array().unwrap().len(), 3);
    let none = &value[0];
    assert_eq!(none["strategy"], "none");
    assert_eq!(none["threads"], 2);
    assert_eq!(none["iterations"], 1_000_000);
    assert_eq!(none["updates_per_run"], 2_000_000);
    assert_eq!(none["runs"], 3);
    assert_eq!(none["balances"], serde_json::json!([-63_422, 412, 0]));
    assert_eq!(none["min_balance"], -63_422);
    assert_eq!(none["max_balance"], 412);
    assert_eq!(none["lost_at_least"], 63_422);
    // How many runs ended at 0, as in CSV, and which.
    assert_eq!(none["ended_at_zero"], 1);
    assert_eq!(none["runs_at_zero"], serde_json::json!([3]));
    assert_eq!(none["times_s"], serde_json::json!([0.002, 0.0021, 0.0022]));
    assert_eq!(none["median_time_s"], 0.0021);
    assert_eq!(none["median_ns_per_update"], 1.05);
    assert_eq!(value[2]["strategy"], "atomic");
}
