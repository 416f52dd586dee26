//! The columns of `race`'s exports: one row per strategy.
//!
//! The table gives the size of the race in a line above it; an exported
//! table stands alone, so each row carries it. Every run's balance and
//! time are left to JSON.

use super::{code, ExportRow};
use crate::race::Summary;

impl ExportRow for Summary {
    const MARKDOWN_HEADER: &'static [&'static str] = &[
        "strategy",
        "threads",
        "iterations",
        "runs",
        "min balance",
        "max balance",
        "ended at 0",
        "lost (at least)",
        "time, median [ms]",
        "per update, median [ns]",
    ];

    fn markdown_cells(&self) -> Vec<String> {
        vec![
            code(self.strategy.name()),
            self.threads.to_string(),
            self.iterations.to_string(),
            self.balances.len().to_string(),
            self.min_balance.to_string(),
            self.max_balance.to_string(),
            self.runs_at_zero.len().to_string(),
            self.lost_at_least.to_string(),
            format!("{:.3}", self.median_time_s * 1e3),
            format!("{:.2}", self.median_ns_per_update),
        ]
    }

    const CSV_HEADER: &'static [&'static str] = &[
        "strategy",
        "threads",
        "iterations",
        "runs",
        "min_balance",
        "max_balance",
        "runs_at_zero",
        "lost_at_least",
        "median_time_s",
        "median_ns_per_update",
    ];

    fn csv_fields(&self) -> Vec<String> {
        vec![
            self.strategy.name().to_string(),
            self.threads.to_string(),
            self.iterations.to_string(),
            self.balances.len().to_string(),
            self.min_balance.to_string(),
            self.max_balance.to_string(),
            // A count here; JSON lists which runs.
            self.runs_at_zero.len().to_string(),
            self.lost_at_least.to_string(),
            self.median_time_s.to_string(),
            self.median_ns_per_update.to_string(),
        ]
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::{assert_well_formed, exports};
    use super::*;
    use crate::race::Strategy;
    use crate::report::race::write_json;

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
        | strategy | threads | iterations | runs | min balance | max balance | ended at 0 | lost (at least) | time, median [ms] | per update, median [ns] |
        | :--- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |
        | `none` | 2 | 1000000 | 3 | -63422 | 412 | 1 | 63422 | 2.100 | 1.05 |
        | `mutex` | 2 | 1000000 | 3 | 0 | 0 | 3 | 0 | 2.100 | 1.05 |
        | `atomic` | 2 | 1000000 | 3 | 0 | 0 | 3 | 0 | 2.100 | 1.05 |
        ");
    }

    #[test]
    fn csv() {
        let rows = rows();
        assert_well_formed(&rows);
        let [_, _, csv] = exports(&rows);
        insta::assert_snapshot!(csv, @r"
        strategy,threads,iterations,runs,min_balance,max_balance,runs_at_zero,lost_at_least,median_time_s,median_ns_per_update
        none,2,1000000,3,-63422,412,1,63422,0.0021,1.05
        mutex,2,1000000,3,0,0,3,0,0.0021,1.05
        atomic,2,1000000,3,0,0,3,0,0.0021,1.05
        ");
    }

    #[test]
    fn json_is_what_format_json_prints() {
        let rows = rows();
        let [json, _, _] = exports(&rows);
        let mut printed = Vec::new();
        write_json(&mut printed, &rows).unwrap();
        assert_eq!(json.as_bytes(), printed);

        let value: serde_json::Value = serde_json::from_str(&json).unwrap();
        assert_eq!(value.as_array().unwrap().len(), 3);
        let none = &value[0];
        assert_eq!(none["strategy"], "none");
        assert_eq!(none["threads"], 2);
        assert_eq!(none["iterations"], 1_000_000);
        assert_eq!(none["updates_per_run"], 2_000_000);
        assert_eq!(none["balances"], serde_json::json!([-63_422, 412, 0]));
        assert_eq!(none["min_balance"], -63_422);
        assert_eq!(none["max_balance"], 412);
        assert_eq!(none["lost_at_least"], 63_422);
        assert_eq!(none["runs_at_zero"], serde_json::json!([3]));
        assert_eq!(none["times_s"], serde_json::json!([0.002, 0.0021, 0.0022]));
        assert_eq!(none["median_time_s"], 0.0021);
        assert_eq!(none["median_ns_per_update"], 1.05);
        assert_eq!(value[2]["strategy"], "atomic");
    }
}
