//! Tables: a header row, then rows, written as aligned text for the
//! terminal or as an HTML `<table>` for `mesonero report`, from the same
//! cells.
//!
//! A row type declares its columns once (`columns`); its terminal table,
//! HTML, Markdown, CSV and JSON are all drawn from that declaration.

use std::io::{self, Write};

use super::html::escape;

mod cell;
mod columns;

pub use cell::Cell;
pub use columns::{columns_in, Column, Format, Shown, Tabular};

/// How a column's cells line up.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Align {
    /// Text, flush left.
    Left,
    /// Numbers, flush right.
    Right,
}

/// A table being built.
pub struct Table {
    columns: Vec<(String, Align)>,
    rows: Vec<Vec<String>>,
}

impl Table {
    /// A table with these column headers and alignments.
    pub fn new(columns: &[(&str, Align)]) -> Table {
        Table {
            columns: columns.iter().map(|&(h, a)| (h.to_string(), a)).collect(),
            rows: Vec::new(),
        }
    }

    /// The table of `rows`, with the columns of `R` that the terminal
    /// shows.
    pub fn of<R: Tabular>(rows: &[R]) -> Table {
        let columns: Vec<(&str, Align)> = columns_in::<R>(Format::Screen)
            .map(|c| (c.name, c.align))
            .collect();
        let mut table = Table::new(&columns);
        for row in rows {
            table.row(
                columns_in::<R>(Format::Screen)
                    .map(|c| (c.value)(row).text(Format::Screen))
                    .collect(),
            );
        }
        table
    }

    /// Adds a row; missing cells are blank, extra ones dropped.
    pub fn row(&mut self, cells: Vec<String>) {
        self.rows.push(cells);
    }

    /// Writes the table, columns separated by two spaces, with a rule under
    /// the header.
    pub fn write(&self, out: &mut impl Write) -> io::Result<()> {
        let widths: Vec<usize> = (0..self.columns.len())
            .map(|c| {
                let header = self.columns[c].0.chars().count();
                self.rows
                    .iter()
                    .map(|r| cell(r, c).chars().count())
                    .fold(header, usize::max)
            })
            .collect();
        let line = |out: &mut dyn Write, cells: Vec<&str>| -> io::Result<()> {
            let mut text = String::new();
            for (c, value) in cells.iter().enumerate() {
                let pad = widths[c] - value.chars().count();
                if c > 0 {
                    text.push_str("  ");
                }
                match self.columns[c].1 {
                    Align::Left => text.push_str(&format!("{value}{}", " ".repeat(pad))),
                    Align::Right => text.push_str(&format!("{}{value}", " ".repeat(pad))),
                }
            }
            writeln!(out, "{}", text.trim_end())
        };
        line(out, self.columns.iter().map(|(h, _)| h.as_str()).collect())?;
        let rule: Vec<String> = widths.iter().map(|&w| "-".repeat(w)).collect();
        line(out, rule.iter().map(String::as_str).collect())?;
        for row in &self.rows {
            line(out, (0..self.columns.len()).map(|c| cell(row, c)).collect())?;
        }
        Ok(())
    }
}

impl Table {
    /// Writes the table as an HTML `<table>`, every cell escaped; cells of
    /// right-aligned columns get `class="num"`, so that a style sheet can
    /// line up their digits.
    pub fn write_html(&self, out: &mut impl Write) -> io::Result<()> {
        let class = |c: usize| match self.columns[c].1 {
            Align::Left => "",
            Align::Right => " class=\"num\"",
        };
        writeln!(out, "<table>")?;
        write!(out, "<thead><tr>")?;
        for (c, (header, _)) in self.columns.iter().enumerate() {
            write!(out, "<th{}>{}</th>", class(c), escape(header))?;
        }
        writeln!(out, "</tr></thead>")?;
        writeln!(out, "<tbody>")?;
        for row in &self.rows {
            write!(out, "<tr>")?;
            for c in 0..self.columns.len() {
                write!(out, "<td{}>{}</td>", class(c), escape(cell(row, c)))?;
            }
            writeln!(out, "</tr>")?;
        }
        writeln!(out, "</tbody>")?;
        writeln!(out, "</table>")
    }
}

fn cell(row: &[String], c: usize) -> &str {
    row.get(c).map(String::as_str).unwrap_or("")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_are_padded_and_aligned() {
        let mut t = Table::new(&[("model", Align::Left), ("makespan", Align::Right)]);
        t.row(vec!["sync".into(), "43.8 s".into()]);
        t.row(vec!["thread-per-product".into(), "7.5 s".into()]);
        let mut out = Vec::new();
        t.write(&mut out).unwrap();
        insta::assert_snapshot!(String::from_utf8(out).unwrap(), @r"
        model               makespan
        ------------------  --------
        sync                  43.8 s
        thread-per-product     7.5 s
        ");
    }

    #[test]
    fn html_cells_are_escaped_and_numbers_marked() {
        let mut t = Table::new(&[("<model>", Align::Left), ("a & b", Align::Right)]);
        t.row(vec!["\"quoted\" & 'single'".into(), "<1 ms>".into()]);
        t.row(vec!["short row".into()]);
        let mut out = Vec::new();
        t.write_html(&mut out).unwrap();
        insta::assert_snapshot!(String::from_utf8(out).unwrap(), @r#"
        <table>
        <thead><tr><th>&lt;model&gt;</th><th class="num">a &amp; b</th></tr></thead>
        <tbody>
        <tr><td>&quot;quoted&quot; &amp; &#39;single&#39;</td><td class="num">&lt;1 ms&gt;</td></tr>
        <tr><td>short row</td><td class="num"></td></tr>
        </tbody>
        </table>
        "#);
    }
}
