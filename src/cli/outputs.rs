//! Files a command writes besides what it prints: the exports of a table,
//! and the pictures of the restaurant's runs.
//!
//! One rule for every such file: `-` is refused, since standard output
//! carries the command's own output (the table, the log); `--timeline` is
//! the one exception, and prints its text there after the rest. A path
//! that cannot be created is refused before any work starts, with exit
//! code 2; a write that fails once the work began is a failure, exit 1.

use std::path::{Path, PathBuf};

use clap::Args;

/// Reads an output file's name, refusing `-`.
pub fn parse_output_file(text: &str) -> Result<PathBuf, String> {
    if text == "-" {
        return Err("'-' is no file here: standard output carries the command's own output; give a file name (or /dev/stdout to write there all the same)".to_string());
    }
    Ok(PathBuf::from(text))
}

/// Pictures of the runs, drawn from their traces.
#[derive(Debug, Args)]
pub struct PictureArgs {
    /// Also draw the timeline, one bar per product on each waiter's lanes:
    /// FILE.svg for a Gantt chart, FILE.txt or - (stdout) for text.
    #[arg(long, value_name = "FILE")]
    pub timeline: Option<PathBuf>,
    /// Also write the trace to FILE in Chrome's trace event format, to open
    /// in Perfetto (ui.perfetto.dev) or chrome://tracing; not `-`.
    #[arg(long, value_name = "FILE", value_parser = parse_output_file)]
    pub trace: Option<PathBuf>,
}

impl PictureArgs {
    /// The files named, with their options; stdout (`-`) is no file.
    pub fn files(&self) -> Vec<(&'static str, &Path)> {
        let timeline = self.timeline.as_deref().filter(|p| p.as_os_str() != "-");
        let named = [("--timeline", timeline), ("--trace", self.trace.as_deref())];
        named
            .into_iter()
            .filter_map(|(f, p)| Some((f, p?)))
            .collect()
    }
}

/// The export files of `compare`, `fetch --compare` and `race`, as
/// hyperfine's: any of them together, each written with the rows of the
/// table, whether or not the table goes to stdout.
#[derive(Debug, Default, Args)]
pub struct ExportArgs {
    /// Also write the table's rows to FILE as JSON, as --format json
    /// prints them; not `-`.
    #[arg(long, value_name = "FILE", value_parser = parse_output_file)]
    pub export_json: Option<PathBuf>,
    /// Also write the table to FILE as a Markdown table, with the units in
    /// its header; not `-`.
    #[arg(long, value_name = "FILE", value_parser = parse_output_file)]
    pub export_markdown: Option<PathBuf>,
    /// Also write the table's rows to FILE as CSV: a header line, then one
    /// line per row, in plain numbers (units in the column names); not `-`.
    #[arg(long, value_name = "FILE", value_parser = parse_output_file)]
    pub export_csv: Option<PathBuf>,
}

impl ExportArgs {
    /// The files named, with their options.
    pub fn files(&self) -> Vec<(&'static str, &Path)> {
        let named = [
            ("--export-json", self.export_json.as_deref()),
            ("--export-markdown", self.export_markdown.as_deref()),
            ("--export-csv", self.export_csv.as_deref()),
        ];
        named
            .into_iter()
            .filter_map(|(f, p)| Some((f, p?)))
            .collect()
    }
}
