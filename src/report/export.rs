//! Exports of a table to files, as hyperfine does: one small exporter per
//! format, over the same rows the table shows.
//!
//! `compare`, `fetch --compare` and `race` take `--export-json FILE`,
//! `--export-markdown FILE` and `--export-csv FILE`, any of them together;
//! each writes its own file. The exporters know formats, not figures: a
//! row type says which columns it has by implementing [`ExportRow`]
//! (`compare.rs`, `fetch.rs` and `race.rs` here), and every exporter works
//! for every row type.

mod compare;
mod fetch;
mod race;

use std::io::{self, Write};

use serde::Serialize;

/// A row of a table that can be exported: its columns for Markdown and
/// CSV. JSON is the row serialised as is, as `--format json` prints it.
pub trait ExportRow: Serialize {
    /// The Markdown header's cells, with units in brackets (`wall [s]`).
    /// The first column names the row and is aligned left; the others are
    /// figures, aligned right.
    const MARKDOWN_HEADER: &'static [&'static str];
    /// This row's Markdown cells, in the header's order.
    fn markdown_cells(&self) -> Vec<String>;
    /// The CSV header's column names, with units as suffixes (`wall_s`,
    /// `p50_ms`).
    const CSV_HEADER: &'static [&'static str];
    /// This row's CSV fields, plain numbers, in the header's order. They
    /// are written unquoted, so none may hold a comma, a quote or a line
    /// break: the names in them are fixed ones, such as models'.
    fn csv_fields(&self) -> Vec<String>;
}

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

impl<R: ExportRow> Exporter<R> for Markdown {
    fn write(&self, out: &mut dyn Write, rows: &[R]) -> io::Result<()> {
        writeln!(out, "| {} |", R::MARKDOWN_HEADER.join(" | "))?;
        let alignments: Vec<&str> = (0..R::MARKDOWN_HEADER.len())
            .map(|column| if column == 0 { ":---" } else { "---:" })
            .collect();
        writeln!(out, "| {} |", alignments.join(" | "))?;
        for row in rows {
            writeln!(out, "| {} |", row.markdown_cells().join(" | "))?;
        }
        Ok(())
    }
}

impl<R: ExportRow> Exporter<R> for Csv {
    fn write(&self, out: &mut dyn Write, rows: &[R]) -> io::Result<()> {
        writeln!(out, "{}", R::CSV_HEADER.join(","))?;
        for row in rows {
            writeln!(out, "{}", row.csv_fields().join(","))?;
        }
        Ok(())
    }
}

/// `name` as Markdown code: model and strategy names are identifiers.
fn code(name: &str) -> String {
    format!("`{name}`")
}

#[cfg(test)]
mod tests {
    //! What the row types share; each row type's own exports are tested
    //! beside its columns.

    use super::*;

    /// Every exporter over `rows`, as text: JSON, Markdown, CSV.
    pub(super) fn exports<R: ExportRow>(rows: &[R]) -> [String; 3] {
        let exporters: [&dyn Exporter<R>; 3] = [&Json, &Markdown, &Csv];
        exporters.map(|exporter| {
            let mut out = Vec::new();
            exporter.write(&mut out, rows).unwrap();
            String::from_utf8(out).unwrap()
        })
    }

    /// Checks that every row has as many cells and fields as the headers
    /// have columns, and that no CSV field could break a line apart.
    pub(super) fn assert_well_formed<R: ExportRow>(rows: &[R]) {
        for row in rows {
            assert_eq!(row.markdown_cells().len(), R::MARKDOWN_HEADER.len());
            let fields = row.csv_fields();
            assert_eq!(fields.len(), R::CSV_HEADER.len());
            for field in fields {
                assert!(!field.contains([',', '"', '\n']), "{field:?}");
            }
        }
    }

    #[derive(Serialize)]
    struct Pair {
        name: &'static str,
        value: u32,
    }

    impl ExportRow for Pair {
        const MARKDOWN_HEADER: &'static [&'static str] = &["name", "value [u]"];
        fn markdown_cells(&self) -> Vec<String> {
            vec![code(self.name), self.value.to_string()]
        }
        const CSV_HEADER: &'static [&'static str] = &["name", "value_u"];
        fn csv_fields(&self) -> Vec<String> {
            vec![self.name.to_string(), self.value.to_string()]
        }
    }

    #[test]
    fn the_first_column_is_aligned_left_and_the_figures_right() {
        let rows = [
            Pair {
                name: "a",
                value: 1,
            },
            Pair {
                name: "b",
                value: 2,
            },
        ];
        assert_well_formed(&rows);
        let [json, markdown, csv] = exports(&rows);
        insta::assert_snapshot!(markdown, @r"
        | name | value [u] |
        | :--- | ---: |
        | `a` | 1 |
        | `b` | 2 |
        ");
        insta::assert_snapshot!(csv, @r"
        name,value_u
        a,1
        b,2
        ");
        assert_eq!(
            json,
            "[\n  {\n    \"name\": \"a\",\n    \"value\": 1\n  },\n  {\n    \"name\": \"b\",\n    \"value\": 2\n  }\n]\n"
        );
    }

    #[test]
    fn no_rows_is_the_header_alone() {
        let [json, markdown, csv] = exports::<Pair>(&[]);
        assert_eq!(json, "[]\n");
        assert_eq!(markdown.lines().count(), 2);
        assert_eq!(csv, "name,value_u\n");
    }
}
