//! Exports of a table to files, as hyperfine does: one small exporter per
//! format, over the same rows the table shows.
//!
//! `compare`, `fetch --compare` and `race` take `--export-json FILE`,
//! `--export-markdown FILE` and `--export-csv FILE`, any of them together;
//! each writes its own file; `--format json` prints what `--export-json`
//! writes. The exporters know formats, not figures: a row type declares
//! its columns once ([`Tabular`], beside its terminal table in
//! `report/compare.rs`, `report/fetch.rs` and `report/race.rs`), and every
//! exporter works for every row type.

use std::io::{self, Write};

use serde::ser::{Serialize, SerializeMap, Serializer};

pub use super::table::Tabular;
use super::table::{columns_in, Align, Format};

/// A format rows of type `R` can be exported to.
pub trait Exporter<R> {
    /// Writes the rows in this format.
    fn write(&self, out: &mut dyn Write, rows: &[R]) -> io::Result<()>;
}

/// A JSON array, one object per row, as `--format json` prints: a field
/// for each column JSON shows, named by its key, holding its cell's typed
/// value.
pub struct Json;

/// A Markdown table, for a README or an issue.
pub struct Markdown;

/// Comma-separated values with a header line, for a spreadsheet.
pub struct Csv;

impl<R: Tabular> Exporter<R> for Json {
    fn write(&self, out: &mut dyn Write, rows: &[R]) -> io::Result<()> {
        let records: Vec<Record<R>> = rows.iter().map(Record).collect();
        serde_json::to_writer_pretty(&mut *out, &records)?;
        writeln!(out)
    }
}

/// One row as a JSON object, its fields in the columns' order.
struct Record<'a, R>(&'a R);

impl<R: Tabular> Serialize for Record<'_, R> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut object = serializer.serialize_map(None)?;
        for column in columns_in::<R>(Format::Json) {
            object.serialize_entry(column.key, &(column.value)(self.0))?;
        }
        object.end()
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
