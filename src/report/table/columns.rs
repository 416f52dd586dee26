//! A table's columns, declared once: each says its name, unit, key,
//! alignment, where it is shown and how to get its value from a row, as a
//! typed [`Cell`]. The terminal table and HTML ([`super::Table::of`]),
//! Markdown and CSV (`report/export.rs`) are all drawn from that one list.
//!
//! JSON is the row serialised as is, as `--format json` prints it: it
//! holds what a table cannot (every run's balance, the answers by status),
//! and its field names are the CSV keys declared here.

use std::time::Duration;

use serde::Serialize;

use super::Align;
use crate::report::wall;

/// A row type whose table has declared columns.
pub trait Tabular: Serialize + Sized + 'static {
    /// Every column, in the order every format shows them.
    const COLUMNS: &'static [Column<Self>];
}

/// One column of a table, for every format.
pub struct Column<R> {
    /// The header in the terminal, in HTML and in Markdown, where the unit
    /// follows it in brackets (`wall [s]`).
    pub name: &'static str,
    /// The unit of the column's figures in Markdown and CSV, when the cells
    /// do not carry one.
    pub unit: Option<&'static str>,
    /// The field's name in CSV and JSON; ends in `_{unit}` when there is
    /// a unit (`wall_s`). A column only the terminal shows is in neither
    /// file, and its key only names it.
    pub key: &'static str,
    /// How the column lines up.
    pub align: Align,
    /// Which formats show it.
    pub shown: Shown,
    /// The row's cell.
    pub value: fn(&R) -> Cell,
}

impl<R> Column<R> {
    /// A column of names or words, aligned left, shown everywhere.
    pub const fn left(name: &'static str, key: &'static str, value: fn(&R) -> Cell) -> Column<R> {
        Column {
            name,
            unit: None,
            key,
            align: Align::Left,
            shown: Shown::EVERYWHERE,
            value,
        }
    }

    /// A column of figures, aligned right, shown everywhere.
    pub const fn right(name: &'static str, key: &'static str, value: fn(&R) -> Cell) -> Column<R> {
        Column {
            align: Align::Right,
            ..Column::left(name, key, value)
        }
    }

    /// The same column, its figures in `unit`.
    pub const fn unit(mut self, unit: &'static str) -> Column<R> {
        self.unit = Some(unit);
        self
    }

    /// The same column, shown in these formats only.
    pub const fn shown(mut self, shown: Shown) -> Column<R> {
        self.shown = shown;
        self
    }

    /// The Markdown header: the name, then the unit in brackets.
    pub fn markdown_header(&self) -> String {
        match self.unit {
            Some(unit) => format!("{} [{unit}]", self.name),
            None => self.name.to_string(),
        }
    }
}

/// A format a table is drawn in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// The terminal table, and the same table in HTML.
    Screen,
    /// A Markdown table.
    Markdown,
    /// Comma-separated values.
    Csv,
}

/// The formats a column is shown in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shown {
    screen: bool,
    markdown: bool,
    csv: bool,
}

impl Shown {
    /// Every format.
    pub const EVERYWHERE: Shown = Shown {
        screen: true,
        markdown: true,
        csv: true,
    };
    /// The terminal and HTML alone: a cell that sums up columns shown
    /// apart in files (`-63422..412`).
    pub const SCREEN: Shown = Shown {
        screen: true,
        markdown: false,
        csv: false,
    };
    /// Markdown and CSV: a figure the terminal says elsewhere, or leaves
    /// out to stay narrow.
    pub const FILES: Shown = Shown {
        screen: false,
        markdown: true,
        csv: true,
    };
    /// CSV alone: the rest of the record, for a spreadsheet.
    pub const CSV: Shown = Shown {
        screen: false,
        markdown: false,
        csv: true,
    };

    /// Whether `format` shows the column.
    pub fn includes(self, format: Format) -> bool {
        match format {
            Format::Screen => self.screen,
            Format::Markdown => self.markdown,
            Format::Csv => self.csv,
        }
    }
}

/// The columns of `R` that `format` shows, in order.
pub fn columns_in<R: Tabular>(format: Format) -> impl Iterator<Item = &'static Column<R>> {
    R::COLUMNS.iter().filter(move |c| c.shown.includes(format))
}

/// One cell, typed: each format decides how to write it.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    /// A fixed name, such as a model's: as is, and as code in Markdown.
    Name(&'static str),
    /// A whole number, the same everywhere.
    Integer(i128),
    /// A figure: every digit in CSV, `markdown` in Markdown (a fixed
    /// number of decimals, in the column's unit), `screen` on the terminal.
    Figure {
        /// The figure, in the column's unit.
        value: f64,
        /// As Markdown shows it.
        markdown: String,
        /// As the terminal shows it.
        screen: String,
    },
    /// A count out of a total: `1 of 3` on the terminal, the count in
    /// files.
    OutOf(i128, i128),
    /// Words, shown as they are.
    Text(String),
    /// No value: `-` in a table, an empty CSV field.
    Missing,
}

impl Cell {
    /// A figure shown everywhere with `decimals` decimals.
    pub fn fixed(value: f64, decimals: usize) -> Cell {
        let text = format!("{value:.decimals$}");
        Cell::figure(value, text.clone(), text)
    }

    /// A percentage, signed: `+4.2 %`.
    pub fn percent(value: f64) -> Cell {
        let text = format!("{value:+.1} %");
        Cell::figure(value, text.clone(), text)
    }

    /// How many times something: `1.86x`.
    pub fn times(value: f64) -> Cell {
        let text = format!("{value:.2}x");
        Cell::figure(value, text.clone(), text)
    }

    /// Seconds: with a unit for their size on the terminal (`4.38 ms`),
    /// with `decimals` decimals in Markdown.
    pub fn seconds(secs: f64, decimals: usize) -> Cell {
        let screen = Duration::try_from_secs_f64(secs).map_or_else(|_| format!("{secs} s"), wall);
        Cell::figure(secs, format!("{secs:.decimals$}"), screen)
    }

    /// Milliseconds, as [`Cell::seconds`] shows seconds.
    pub fn millis(ms: f64, decimals: usize) -> Cell {
        let screen =
            Duration::try_from_secs_f64(ms / 1e3).map_or_else(|_| format!("{ms} ms"), wall);
        Cell::figure(ms, format!("{ms:.decimals$}"), screen)
    }

    /// A figure with its own texts.
    pub fn figure(value: f64, markdown: String, screen: String) -> Cell {
        Cell::Figure {
            value,
            markdown,
            screen,
        }
    }

    /// The cell in `format`.
    pub fn text(&self, format: Format) -> String {
        match (self, format) {
            (Cell::Name(name), Format::Markdown) => format!("`{name}`"),
            (Cell::Name(name), _) => name.to_string(),
            (Cell::Integer(n), _) => n.to_string(),
            (Cell::Figure { value, .. }, Format::Csv) => value.to_string(),
            (Cell::Figure { markdown, .. }, Format::Markdown) => markdown.clone(),
            (Cell::Figure { screen, .. }, Format::Screen) => screen.clone(),
            (Cell::OutOf(n, of), Format::Screen) => format!("{n} of {of}"),
            (Cell::OutOf(n, _), _) => n.to_string(),
            // A `|` would end a Markdown cell early.
            (Cell::Text(text), Format::Markdown) => text.replace('|', "\\|"),
            (Cell::Text(text), Format::Csv) => csv_field(text),
            (Cell::Text(text), Format::Screen) => text.clone(),
            (Cell::Missing, Format::Csv) => String::new(),
            (Cell::Missing, _) => "-".to_string(),
        }
    }
}

/// `text` as one CSV field: quoted, its quotes doubled, when it holds a
/// comma, a quote or a line break.
fn csv_field(text: &str) -> String {
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_cell_is_written_for_its_format() {
        let formats = [Format::Screen, Format::Markdown, Format::Csv];
        let texts = |cell: Cell| formats.map(|f| cell.text(f));
        assert_eq!(texts(Cell::Name("sync")), ["sync", "`sync`", "sync"]);
        assert_eq!(texts(Cell::Integer(-3)), ["-3", "-3", "-3"]);
        assert_eq!(
            texts(Cell::seconds(0.00438, 6)),
            ["4.38 ms", "0.004380", "0.00438"]
        );
        assert_eq!(
            texts(Cell::millis(1500.75, 1)),
            ["1.50 s", "1500.8", "1500.75"]
        );
        assert_eq!(texts(Cell::percent(4.25)), ["+4.2 %", "+4.2 %", "4.25"]);
        assert_eq!(texts(Cell::times(1.8559)), ["1.86x", "1.86x", "1.8559"]);
        assert_eq!(texts(Cell::OutOf(1, 3)), ["1 of 3", "1", "1"]);
        assert_eq!(texts(Cell::Missing), ["-", "-", ""]);
        assert_eq!(
            texts(Cell::Text("a|b, \"c\"".into())),
            ["a|b, \"c\"", "a\\|b, \"c\"", "\"a|b, \"\"c\"\"\""]
        );
    }

    #[test]
    fn a_time_no_duration_can_hold_is_still_written() {
        assert_eq!(Cell::seconds(-1.0, 3).text(Format::Screen), "-1 s");
        assert_eq!(Cell::seconds(f64::NAN, 3).text(Format::Csv), "NaN");
    }
}
