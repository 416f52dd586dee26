//! One typed cell of a table: a row's value in one column, which each
//! format writes its own way: the terminal with units (`4.38 ms`),
//! Markdown to a fixed number of decimals, CSV with every digit, JSON as
//! a number, a string, `null`, a list or an object.

use std::time::Duration;

use serde::{Serialize, Serializer};

use super::Format;
use crate::report::wall;

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
    /// No value: `-` in a table, an empty CSV field, `null` in JSON.
    Missing,
    /// Several values, such as every run's balance: a JSON array. A table
    /// has no room for one, so a column of lists is shown in JSON alone.
    List(Vec<Cell>),
    /// Values by name, such as the answers by status: a JSON object, its
    /// fields in this order; shown in JSON alone, as a list is.
    Map(Vec<(String, Cell)>),
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
            (_, Format::Json) => self.json(),
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
            // Should a column of them ever be shown in a table, its cells
            // read as JSON, escaped as words are.
            (Cell::List(_) | Cell::Map(_), _) => Cell::Text(self.json()).text(format),
        }
    }

    /// The cell as JSON text.
    fn json(&self) -> String {
        // Cells have string keys and no failing parts: nothing to fail.
        serde_json::to_string(self).unwrap_or_default()
    }

    /// Whether the cell holds several values, which only JSON can show.
    pub fn is_compound(&self) -> bool {
        matches!(self, Cell::List(_) | Cell::Map(_))
    }
}

/// The cell's typed value, as JSON shows it: a figure or a count as a
/// number, every digit kept; a name or words as a string; no value as
/// `null`.
impl Serialize for Cell {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Cell::Name(name) => serializer.serialize_str(name),
            Cell::Integer(n) | Cell::OutOf(n, _) => serializer.serialize_i128(*n),
            Cell::Figure { value, .. } => serializer.serialize_f64(*value),
            Cell::Text(text) => serializer.serialize_str(text),
            Cell::Missing => serializer.serialize_none(),
            Cell::List(cells) => serializer.collect_seq(cells),
            Cell::Map(entries) => serializer.collect_map(entries.iter().map(|(k, v)| (k, v))),
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
        let formats = [Format::Screen, Format::Markdown, Format::Csv, Format::Json];
        let texts = |cell: Cell| formats.map(|f| cell.text(f));
        assert_eq!(
            texts(Cell::Name("sync")),
            ["sync", "`sync`", "sync", "\"sync\""]
        );
        assert_eq!(texts(Cell::Integer(-3)), ["-3", "-3", "-3", "-3"]);
        assert_eq!(
            texts(Cell::seconds(0.00438, 6)),
            ["4.38 ms", "0.004380", "0.00438", "0.00438"]
        );
        assert_eq!(
            texts(Cell::millis(1500.75, 1)),
            ["1.50 s", "1500.8", "1500.75", "1500.75"]
        );
        assert_eq!(
            texts(Cell::percent(4.25)),
            ["+4.2 %", "+4.2 %", "4.25", "4.25"]
        );
        assert_eq!(
            texts(Cell::times(1.8559)),
            ["1.86x", "1.86x", "1.8559", "1.8559"]
        );
        // A whole figure stays a float in JSON, as serde writes an f64.
        assert_eq!(texts(Cell::fixed(1.0, 1)), ["1.0", "1.0", "1", "1.0"]);
        assert_eq!(texts(Cell::OutOf(1, 3)), ["1 of 3", "1", "1", "1"]);
        assert_eq!(texts(Cell::Missing), ["-", "-", "", "null"]);
        assert_eq!(
            texts(Cell::Text("a|b, \"c\"".into())),
            [
                "a|b, \"c\"",
                "a\\|b, \"c\"",
                "\"a|b, \"\"c\"\"\"",
                "\"a|b, \\\"c\\\"\""
            ]
        );
    }

    #[test]
    fn lists_and_maps_are_json_arrays_and_objects_in_their_order() {
        let list = Cell::List(vec![Cell::Integer(3), Cell::Missing, Cell::fixed(0.5, 1)]);
        assert_eq!(list.text(Format::Json), "[3,null,0.5]");
        let map = Cell::Map(vec![("503".into(), Cell::Integer(1)), ("200".into(), list)]);
        assert_eq!(map.text(Format::Json), r#"{"503":1,"200":[3,null,0.5]}"#);
        assert!(map.is_compound() && !Cell::Integer(1).is_compound());
        // Written in a table, should one ever show it: as JSON, escaped.
        assert_eq!(
            map.text(Format::Csv),
            r#""{""503"":1,""200"":[3,null,0.5]}""#
        );
    }

    #[test]
    fn a_time_no_duration_can_hold_is_still_written() {
        assert_eq!(Cell::seconds(-1.0, 3).text(Format::Screen), "-1 s");
        assert_eq!(Cell::seconds(f64::NAN, 3).text(Format::Csv), "NaN");
    }
}
