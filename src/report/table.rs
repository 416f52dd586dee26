//! Aligned text tables: a header row, then rows, columns padded to fit.

use std::io::{self, Write};

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
}
