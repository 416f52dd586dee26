//! A table's columns, declared once: each says its name, unit, key,
//! alignment, where it is shown and how to get its value from a row, as a
//! typed [`Cell`]. The terminal table and HTML ([`super::Table::of`]),
//! Markdown, CSV and JSON (`report/export.rs`) are all drawn from that one
//! list.
//!
//! JSON holds every column that has a field in a file, under the same key
//! and with the cell's typed value, and more: what a table cannot show
//! (every run's balance, the answers by status) is declared here too, as
//! columns shown in JSON alone.

use super::{Align, Cell};

/// A row type whose table has declared columns.
pub trait Tabular: Sized + 'static {
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
    /// The field's name in CSV and JSON, the same in both and meaning the
    /// same; ends in `_{unit}` when there is a unit (`wall_s`). A column
    /// only the terminal shows is in neither file, and its key only names
    /// it.
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
    /// JSON: one object per row, a field per column, typed.
    Json,
}

/// The formats a column is shown in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shown {
    screen: bool,
    markdown: bool,
    csv: bool,
    json: bool,
}

impl Shown {
    /// Every format.
    pub const EVERYWHERE: Shown = Shown {
        screen: true,
        markdown: true,
        csv: true,
        json: true,
    };
    /// The terminal and HTML alone: a cell that sums up columns shown
    /// apart in files (`-63422..412`).
    pub const SCREEN: Shown = Shown {
        screen: true,
        markdown: false,
        csv: false,
        json: false,
    };
    /// Markdown, CSV and JSON: a figure the terminal says elsewhere, or
    /// leaves out to stay narrow.
    pub const FILES: Shown = Shown {
        screen: false,
        markdown: true,
        csv: true,
        json: true,
    };
    /// CSV and JSON: the rest of the record, for a spreadsheet or a
    /// program.
    pub const CSV: Shown = Shown {
        screen: false,
        markdown: false,
        csv: true,
        json: true,
    };
    /// JSON alone: what a table's fixed columns cannot hold, such as a
    /// list of every run's figure or a count by status.
    pub const JSON: Shown = Shown {
        screen: false,
        markdown: false,
        csv: false,
        json: true,
    };

    /// Whether `format` shows the column.
    pub fn includes(self, format: Format) -> bool {
        match format {
            Format::Screen => self.screen,
            Format::Markdown => self.markdown,
            Format::Csv => self.csv,
            Format::Json => self.json,
        }
    }
}

/// The columns of `R` that `format` shows, in order.
pub fn columns_in<R: Tabular>(format: Format) -> impl Iterator<Item = &'static Column<R>> {
    R::COLUMNS.iter().filter(move |c| c.shown.includes(format))
}
