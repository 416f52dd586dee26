//! Exports of a comparison to files, as hyperfine does: one small
//! exporter per format over the same [`Row`]s the table shows.
//!
//! `compare --export-json FILE`, `--export-markdown FILE` and
//! `--export-csv FILE` may be given together; each writes its own file.

use std::io::{self, Write};

use super::compare::Row;

/// A format a comparison can be exported to.
pub trait Exporter {
    /// Writes the rows in this format.
    fn write(&self, out: &mut dyn Write, rows: &[Row]) -> io::Result<()>;
}

/// A JSON array, one object per model, as `--format json` prints.
pub struct Json;

/// A Markdown table, for a README or an issue.
pub struct Markdown;

/// Comma-separated values with a header line, for a spreadsheet.
pub struct Csv;

impl Exporter for Json {
    fn write(&self, out: &mut dyn Write, rows: &[Row]) -> io::Result<()> {
        serde_json::to_writer_pretty(&mut *out, rows)?;
        writeln!(out)
    }
}

impl Exporter for Markdown {
    fn write(&self, out: &mut dyn Write, rows: &[Row]) -> io::Result<()> {
        writeln!(out, "| model | waiters | threads | makespan [s] | ideal [s] | overhead | speed-up | wall [s] |")?;
        writeln!(
            out,
            "| :--- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
        )?;
        for r in rows {
            writeln!(
                out,
                "| `{}` | {} | {} | {:.3} | {:.3} | {:+.1} % | {:.2}x | {:.6} |",
                r.model,
                r.waiters,
                r.threads,
                r.makespan_s,
                r.ideal_s,
                r.overhead_pct,
                r.speedup,
                r.wall_s
            )?;
        }
        Ok(())
    }
}

impl Exporter for Csv {
    fn write(&self, out: &mut dyn Write, rows: &[Row]) -> io::Result<()> {
        writeln!(out, "model,waiters,cooks,threads,makespan_s,ideal_s,overhead_pct,speedup,wall_s,clock,speed")?;
        for r in rows {
            // No field can hold a comma or a quote: model names are fixed.
            let cooks = r.cooks.map(|c| c.to_string()).unwrap_or_default();
            writeln!(
                out,
                "{},{},{cooks},{},{},{},{},{},{},{},{}",
                r.model,
                r.waiters,
                r.threads,
                r.makespan_s,
                r.ideal_s,
                r.overhead_pct,
                r.speedup,
                r.wall_s,
                r.clock,
                r.speed
            )?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;
    use std::time::Duration;

    use super::*;
    use crate::report::compare;
    use crate::restaurant::{self, Model, Setup};
    use crate::{ClockKind, Shutdown, Workload};

    /// The article's comparison on the virtual clock, with wall times
    /// fixed so that the exports are the same every time.
    fn rows() -> Vec<Row> {
        let workload = Arc::new(Workload::article());
        let runs: Vec<_> = Model::ALL
            .iter()
            .enumerate()
            .map(|(i, &model)| {
                let setup = Setup {
                    model,
                    waiters: model.default_waiters(),
                    cooks: None,
                    clock: ClockKind::Virtual,
                };
                let mut run = restaurant::run(&workload, &setup, None, &Shutdown::new()).unwrap();
                run.wall = Duration::from_micros(10 * (i as u64 + 1));
                run
            })
            .collect();
        compare::rows(&runs, Duration::from_millis(43_800))
    }

    fn export(exporter: &dyn Exporter) -> String {
        let mut out = Vec::new();
        exporter.write(&mut out, &rows()).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn markdown() {
        insta::assert_snapshot!(export(&Markdown), @r"
        | model | waiters | threads | makespan [s] | ideal [s] | overhead | speed-up | wall [s] |
        | :--- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |
        | `sync` | 2 | 1 | 43.800 | 43.800 | +0.0 % | 1.00x | 0.000010 |
        | `threads` | 2 | 3 | 23.600 | 23.600 | +0.0 % | 1.86x | 0.000020 |
        | `thread-per-product` | 1 | 17 | 7.500 | 7.500 | +0.0 % | 5.84x | 0.000030 |
        | `async` | 1 | 1 | 7.500 | 7.500 | +0.0 % | 5.84x | 0.000040 |
        ");
    }

    #[test]
    fn csv() {
        insta::assert_snapshot!(export(&Csv), @r"
        model,waiters,cooks,threads,makespan_s,ideal_s,overhead_pct,speedup,wall_s,clock,speed
        sync,2,,1,43.8,43.8,0,1,0.00001,virtual,1
        threads,2,,3,23.6,23.6,0,1.8559322033898302,0.00002,virtual,1
        thread-per-product,1,,17,7.5,7.5,0,5.84,0.00003,virtual,1
        async,1,,1,7.5,7.5,0,5.84,0.00004,virtual,1
        ");
    }

    #[test]
    fn json_is_the_rows() {
        let value: serde_json::Value = serde_json::from_str(&export(&Json)).unwrap();
        assert_eq!(value.as_array().unwrap().len(), 4);
        assert_eq!(value[1]["model"], "threads");
        assert_eq!(value[1]["makespan_s"], 23.6);
    }
}
