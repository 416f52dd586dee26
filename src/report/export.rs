//! Exports of a table to files, as hyperfine does: one small exporter per
//! format, over the same rows the table shows.
//!
//! `compare`, `fetch --compare` and `race` take `--export-json FILE`,
//! `--export-markdown FILE` and `--export-csv FILE`, any of them together;
//! each writes its own file. The exporters know formats, not figures: a
//! row type declares its columns once ([`Tabular`], beside its terminal
//! table in `report/compare.rs`, `report/fetch.rs` and `report/race.rs`),
//! and every exporter works for every row type.

use std::io::{self, Write};

use serde::Serialize;

pub use super::table::Tabular;
use super::table::{columns_in, Align, Format};

/// A format rows of type `R` can be exported to.
pub trait Exporter<R> {
    /// Writes the rows in this format.
    fn write(&self, out: &mut dyn Write, rows: &[R]) -> io::Result<()>;
}

/// A JSON array, one object per row, as `--format json` prints.
pub struct Json;

/// A Markdown table, for a README or an issue.
pub struct Markdown;

/// Comma-separated values with a header line, for a spreadsheet.
pub struct Csv;

impl<R: Serialize> Exporter<R> for Json {
    fn write(&self, out: &mut dyn Write, rows: &[R]) -> io::Result<()> {
        serde_json::to_writer_pretty(&mut *out, rows)?;
        writeln!(out)
    }
}

impl<R: Tabular> Exporter<R> for Markdown {
    fn write(&self, out: &mut dyn Write, rows: &[R]) -> io::Result<()> {
        let header: Vec<String> = columns_in::<R>(Format::Markdown)
            .map(|c| c.markdown_header())
            .collect();
        writeln!(out, "| {} |", header.join(" | "))?;
        let alignments: Vec<&str> = columns_in::<R>(Format::Markdown)
            .map(|c| match c.align {
                Align::Left => ":---",
                Align::Right => "---:",
            })
            .collect();
        writeln!(out, "| {} |", alignments.join(" | "))?;
        for row in rows {
            let cells: Vec<String> = columns_in::<R>(Format::Markdown)
                .map(|c| (c.value)(row).text(Format::Markdown))
                .collect();
            writeln!(out, "| {} |", cells.join(" | "))?;
        }
        Ok(())
    }
}

impl<R: Tabular> Exporter<R> for Csv {
    fn write(&self, out: &mut dyn Write, rows: &[R]) -> io::Result<()> {
        let header: Vec<&str> = columns_in::<R>(Format::Csv).map(|c| c.key).collect();
        writeln!(out, "{}", header.join(","))?;
        for row in rows {
            let fields: Vec<String> = columns_in::<R>(Format::Csv)
                .map(|c| (c.value)(row).text(Format::Csv))
                .collect();
            writeln!(out, "{}", fields.join(","))?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests;
