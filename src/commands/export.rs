//! `--export-json`, `--export-markdown` and `--export-csv`, shared by
//! `compare`, `fetch --compare` and `race`: the files are created before
//! any work, so that a bad path fails at once rather than after the runs,
//! and written with whatever rows there are at the end.

use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::PathBuf;

use crate::cli::ExportArgs;
use crate::report::export::{Csv, Exporter, Json, Markdown, Tabular};

use super::CommandError;

/// The export files asked for, created empty, each with its exporter.
pub(super) struct Exports<R: 'static> {
    files: Vec<(PathBuf, &'static dyn Exporter<R>, File)>,
}

impl<R: Tabular> Exports<R> {
    /// Creates every file `args` asks for, or fails with the first that
    /// cannot be created.
    pub(super) fn create(args: &ExportArgs) -> Result<Exports<R>, CommandError> {
        let asked: [(&Option<PathBuf>, &'static dyn Exporter<R>); 3] = [
            (&args.export_json, &Json),
            (&args.export_markdown, &Markdown),
            (&args.export_csv, &Csv),
        ];
        let mut files = Vec::new();
        for (path, exporter) in asked {
            if let Some(path) = path {
                let file = File::create(path).map_err(|source| CommandError::Export {
                    path: path.clone(),
                    source,
                })?;
                files.push((path.clone(), exporter, file));
            }
        }
        Ok(Exports { files })
    }

    /// Writes `rows` to every file.
    pub(super) fn write(self, rows: &[R]) -> Result<(), CommandError> {
        for (path, exporter, file) in self.files {
            let mut file = BufWriter::new(file);
            exporter
                .write(&mut file, rows)
                .and_then(|()| file.flush())
                .map_err(|source| CommandError::WriteFailed { path, source })?;
        }
        Ok(())
    }

    /// Ends a command that made rows, whatever ended its work: writes the
    /// rows to every file, prints them with `print` when there are any,
    /// and then reports the work's error, if any, which says more about
    /// the run than a file that could not be written.
    pub(super) fn finish<E: Into<CommandError>>(
        self,
        rows: &[R],
        print: impl FnOnce(&[R]) -> io::Result<()>,
        ended: Result<(), E>,
    ) -> Result<(), CommandError> {
        let written = self.write(rows);
        if !rows.is_empty() {
            print(rows)?;
        }
        ended.map_err(Into::into)?;
        written
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::race::Summary;

    #[test]
    fn a_file_in_a_missing_directory_is_refused_with_its_path() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("missing").join("race.csv");
        let args = ExportArgs {
            export_csv: Some(path.clone()),
            ..ExportArgs::default()
        };
        let Err(err) = Exports::<Summary>::create(&args) else {
            panic!("created a file in a missing directory");
        };
        assert_eq!(err.exit_code(), 2);
        let message = err.to_string();
        assert!(
            message.starts_with(&format!("cannot write '{}': ", path.display())),
            "{message}"
        );
    }

    #[test]
    fn files_are_created_at_once_and_written_with_the_rows() {
        let dir = tempfile::tempdir().unwrap();
        let args = ExportArgs {
            export_json: Some(dir.path().join("race.json")),
            export_markdown: None,
            export_csv: Some(dir.path().join("race.csv")),
        };
        let exports = Exports::<Summary>::create(&args).unwrap();
        assert!(dir.path().join("race.csv").exists());
        assert!(!dir.path().join("race.md").exists());
        // The work's error is the one returned, after the files are written.
        let err = exports
            .finish(&[], |_| Ok(()), Err(CommandError::FetchInterrupted(3)))
            .unwrap_err();
        assert!(matches!(err, CommandError::FetchInterrupted(3)), "{err}");
        let json = std::fs::read_to_string(dir.path().join("race.json")).unwrap();
        assert_eq!(json, "[]\n");
        let csv = std::fs::read_to_string(dir.path().join("race.csv")).unwrap();
        assert_eq!(csv.lines().count(), 1, "{csv}");
    }
}
