//! The three export files of a command, in a temporary directory, and
//! checks that each is whole and parsable.

use serde_json::Value;
use tempfile::TempDir;

/// `--export-json`, `--export-markdown` and `--export-csv` files, in a
/// directory removed when this is dropped.
pub struct Exports {
    // Kept for its drop, which removes the files.
    _dir: TempDir,
    json: String,
    markdown: String,
    csv: String,
}

impl Exports {
    /// Paths for the three files, none of them there yet.
    pub fn new() -> Exports {
        let dir = tempfile::tempdir().expect("a temporary directory");
        let path = |name: &str| {
            dir.path()
                .join(name)
                .to_str()
                .expect("a UTF-8 path")
                .to_string()
        };
        Exports {
            json: path("rows.json"),
            markdown: path("rows.md"),
            csv: path("rows.csv"),
            _dir: dir,
        }
    }

    /// The options that ask for the three files.
    pub fn args(&self) -> [&str; 6] {
        [
            "--export-json",
            &self.json,
            "--export-markdown",
            &self.markdown,
            "--export-csv",
            &self.csv,
        ]
    }

    /// The JSON file's text.
    pub fn json_text(&self) -> String {
        read(&self.json)
    }

    /// The JSON file's array.
    pub fn json(&self) -> Vec<Value> {
        let text = self.json_text();
        let value: Value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{e}:\n{text}"));
        value.as_array().expect("a JSON array").clone()
    }

    /// The Markdown file's text.
    pub fn markdown(&self) -> String {
        read(&self.markdown)
    }

    /// The CSV file's text.
    pub fn csv(&self) -> String {
        read(&self.csv)
    }

    /// Checks that the three files hold one row per name, that the
    /// Markdown table and the CSV start with the headers given, that the
    /// first column names the rows in order, and that each CSV field is
    /// in JSON under the same key with the same value; returns the JSON
    /// rows.
    pub fn check(&self, names: &[&str], markdown_header: &str, csv_header: &str) -> Vec<Value> {
        let json = self.json();
        assert_eq!(json.len(), names.len(), "{json:?}");

        let markdown = self.markdown();
        let lines: Vec<&str> = markdown.lines().collect();
        assert_eq!(lines.len(), names.len() + 2, "{markdown}");
        assert!(lines[0].starts_with(markdown_header), "{markdown}");
        assert!(lines[1].starts_with("| :--- | ---: |"), "{markdown}");
        for (line, name) in lines[2..].iter().zip(names) {
            assert!(line.starts_with(&format!("| `{name}` | ")), "{markdown}");
        }

        let csv = self.csv();
        let lines: Vec<&str> = csv.lines().collect();
        assert_eq!(lines.len(), names.len() + 1, "{csv}");
        assert!(lines[0].starts_with(csv_header), "{csv}");
        let keys: Vec<&str> = lines[0].split(',').collect();
        for ((line, name), row) in lines[1..].iter().zip(names).zip(&json) {
            let fields: Vec<&str> = line.split(',').collect();
            assert_eq!(fields.len(), keys.len(), "{csv}");
            assert_eq!(fields[0], *name, "{csv}");
            for (key, field) in keys.iter().zip(fields) {
                same_value(field, &row[key], key);
            }
        }
        json
    }
}

/// Checks that a CSV field and a JSON value say the same: the same
/// number, the same words, or no value at all.
fn same_value(field: &str, value: &Value, key: &str) {
    let same = match value {
        Value::Null => field.is_empty(),
        Value::String(text) => field == text,
        // serde_json's parser may miss the last digit of a float.
        Value::Number(n) => match (field.parse::<f64>(), n.as_f64()) {
            (Ok(a), Some(b)) => (a - b).abs() <= 1e-12 * a.abs().max(1.0),
            _ => false,
        },
        _ => false,
    };
    assert!(same, "{key}: {field:?} in CSV, {value} in JSON");
}

fn read(path: &str) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("cannot read {path}: {e}"))
}
