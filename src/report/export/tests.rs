//! The exports of every row type, and the check that each format shows the
//! declared columns, in their order.

mod compare;
mod fetch;
mod race;

use super::*;
use crate::report::table::{Cell, Column, Shown, Table};

/// Every exporter over `rows`, as text: JSON, Markdown, CSV.
fn exports<R: Tabular>(rows: &[R]) -> [String; 3] {
    let exporters: [&dyn Exporter<R>; 3] = [&Json, &Markdown, &Csv];
    exporters.map(|exporter| {
        let mut out = Vec::new();
        exporter.write(&mut out, rows).unwrap();
        String::from_utf8(out).unwrap()
    })
}

/// Checks that the terminal table, HTML, Markdown, CSV and JSON show each
/// of `R`'s columns they are declared for, in the declared order, with a
/// cell for each in every row: JSON's fields are exactly the declared
/// keys, each holding its cell; and that a key names one column, and a
/// column of lists or maps is shown in JSON alone.
fn assert_every_column_in_every_format<R: Tabular>(rows: &[R]) {
    assert!(!rows.is_empty());
    let names = |format| -> Vec<String> {
        columns_in::<R>(format)
            .map(|c| match format {
                Format::Markdown => c.markdown_header(),
                Format::Csv | Format::Json => c.key.to_string(),
                Format::Screen => c.name.to_string(),
            })
            .collect()
    };
    let formats = [Format::Screen, Format::Markdown, Format::Csv, Format::Json];
    for column in R::COLUMNS {
        assert!(
            formats.iter().any(|&f| column.shown.includes(f)),
            "{} is shown nowhere",
            column.name
        );
        if let Some(unit) = column.unit {
            assert!(column.key.ends_with(&format!("_{unit}")), "{}", column.key);
        }
        let same_key = R::COLUMNS.iter().filter(|c| c.key == column.key).count();
        assert_eq!(same_key, 1, "two columns are keyed {}", column.key);
        // Whatever a file shows, JSON holds too, under the same key.
        for file in [Format::Markdown, Format::Csv] {
            if column.shown.includes(file) {
                assert!(column.shown.includes(Format::Json), "{}", column.key);
            }
        }
        for row in rows {
            if (column.value)(row).is_compound() {
                let elsewhere = formats[..3].iter().any(|&f| column.shown.includes(f));
                assert!(!elsewhere, "{} is a list a table cannot show", column.key);
            }
        }
    }

    let mut screen = Vec::new();
    Table::of(rows).write(&mut screen).unwrap();
    let screen = String::from_utf8(screen).unwrap();
    let lines: Vec<&str> = screen.lines().collect();
    // Columns are two spaces apart; names hold single spaces at most.
    let header: Vec<&str> = lines[0]
        .split("  ")
        .map(str::trim)
        .filter(|h| !h.is_empty())
        .collect();
    assert_eq!(header, names(Format::Screen), "{screen}");
    assert_eq!(lines.len(), rows.len() + 2, "{screen}");

    let mut html = Vec::new();
    Table::of(rows).write_html(&mut html).unwrap();
    let html = String::from_utf8(html).unwrap();
    let headers: Vec<&str> = html
        .split("</th>")
        .filter_map(|piece| piece.rsplit_once('>').map(|(_, name)| name))
        .filter(|name| !name.contains('\n'))
        .collect();
    assert_eq!(headers, names(Format::Screen), "{html}");
    let screen_columns = names(Format::Screen).len();
    for row in html.lines().filter(|l| l.starts_with("<tr>")) {
        assert_eq!(row.matches("<td").count(), screen_columns, "{row}");
    }

    let [json, markdown, csv] = exports(rows);
    let lines: Vec<&str> = markdown.lines().collect();
    let cells = |line: &str| -> Vec<String> {
        let inner = line.strip_prefix("| ").unwrap().strip_suffix(" |").unwrap();
        inner.split(" | ").map(String::from).collect()
    };
    assert_eq!(cells(lines[0]), names(Format::Markdown), "{markdown}");
    for line in &lines[1..] {
        assert_eq!(cells(line).len(), names(Format::Markdown).len(), "{line}");
    }

    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines[0].split(',').collect::<Vec<_>>(), names(Format::Csv));
    for line in &lines[1..] {
        assert_eq!(line.split(',').count(), names(Format::Csv).len(), "{line}");
    }

    let json: serde_json::Value = serde_json::from_str(&json).unwrap();
    let objects = json.as_array().unwrap();
    assert_eq!(objects.len(), rows.len(), "{json}");
    for (row, object) in rows.iter().zip(objects) {
        let object = object.as_object().unwrap();
        // A parsed object may sort its keys: the order is checked in the
        // text below.
        let mut keys: Vec<&str> = object.keys().map(String::as_str).collect();
        keys.sort_unstable();
        let mut declared = names(Format::Json);
        declared.sort_unstable();
        assert_eq!(keys, declared, "{json}");
        for column in columns_in::<R>(Format::Json) {
            // Parsed as the field was, so that both lose the same digits.
            let cell = (column.value)(row).text(Format::Json);
            let cell: serde_json::Value = serde_json::from_str(&cell).unwrap();
            assert_eq!(object[column.key], cell, "{}", column.key);
        }
    }
    // In the text, the fields come in the declared order.
    let [text, _, _] = exports(&rows[..1]);
    let at: Vec<usize> = names(Format::Json)
        .iter()
        .map(|key| text.find(&format!("\n    \"{key}\": ")).unwrap())
        .collect();
    assert!(at.windows(2).all(|w| w[0] < w[1]), "{text}");
}

struct Pair {
    name: &'static str,
    value: u32,
}

impl Tabular for Pair {
    const COLUMNS: &'static [Column<Pair>] = &[
        Column::<Self>::left("name", "name", |p| Cell::Name(p.name)),
        Column::<Self>::right("value", "value_u", |p| Cell::Integer(p.value.into()))
            .unit("u")
            .shown(Shown::FILES),
    ];
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
    assert_every_column_in_every_format(&rows);
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
        "[\n  {\n    \"name\": \"a\",\n    \"value_u\": 1\n  },\n  {\n    \"name\": \"b\",\n    \"value_u\": 2\n  }\n]\n"
    );
}

#[test]
fn no_rows_is_the_header_alone() {
    let [json, markdown, csv] = exports::<Pair>(&[]);
    assert_eq!(json, "[]\n");
    assert_eq!(markdown.lines().count(), 2);
    assert_eq!(csv, "name,value_u\n");
}
