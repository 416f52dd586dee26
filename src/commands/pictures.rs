//! `--timeline` and `--trace` of `restaurant` and `compare`: the files are
//! opened before the runs, so that a bad name fails at once, and written
//! from the runs' traces afterwards.

use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

use crate::cli::PictureArgs;
use crate::report::timeline::{chrome, svg, text, Timeline};
use crate::restaurant::Run;

use super::CommandError;

/// Where the pictures asked for go.
pub(super) struct Pictures {
    timeline: Option<(Target, Drawing)>,
    trace: Option<(PathBuf, File)>,
}

/// A file made before the run, or stdout.
enum Target {
    File(PathBuf, File),
    Stdout,
}

/// How the timeline is drawn.
#[derive(Clone, Copy)]
enum Drawing {
    Svg,
    Text,
}

impl Pictures {
    /// Checks the names and creates the files. `stdout_is_free` is false
    /// when stdout carries JSON, which a text timeline would spoil.
    pub(super) fn open(args: &PictureArgs, stdout_is_free: bool) -> Result<Pictures, CommandError> {
        let timeline = match &args.timeline {
            None => None,
            Some(path) if path.as_os_str() == "-" => {
                if !stdout_is_free {
                    return Err(CommandError::TimelineOnStdout);
                }
                Some((Target::Stdout, Drawing::Text))
            }
            Some(path) => {
                let drawing = match extension(path).as_deref() {
                    Some("svg") => Drawing::Svg,
                    Some("txt") => Drawing::Text,
                    _ => return Err(CommandError::TimelineName(path.clone())),
                };
                Some((Target::File(path.clone(), create(path)?), drawing))
            }
        };
        let trace = match &args.trace {
            Some(path) => Some((path.clone(), create(path)?)),
            None => None,
        };
        Ok(Pictures { timeline, trace })
    }

    /// Draws the runs into the files (and stdout) asked for.
    pub(super) fn write(mut self, runs: &[Run]) -> Result<(), CommandError> {
        if self.timeline.is_none() && self.trace.is_none() {
            return Ok(());
        }
        let timeline = Timeline::of(runs);
        if let Some((target, drawing)) = self.timeline.take() {
            let draw = |out: &mut dyn Write| match drawing {
                Drawing::Svg => svg::write(&mut &mut *out, &timeline),
                Drawing::Text => text::write(&mut &mut *out, &timeline),
            };
            match target {
                Target::Stdout => {
                    let mut out = io::stdout().lock();
                    writeln!(out)?;
                    draw(&mut out)?;
                    out.flush()?;
                }
                Target::File(path, file) => write_file(path, file, draw)?,
            }
        }
        if let Some((path, file)) = self.trace.take() {
            write_file(path, file, |out| chrome::write(&mut &mut *out, &timeline))?;
        }
        Ok(())
    }
}

/// A run that failed leaves no empty files behind.
impl Drop for Pictures {
    fn drop(&mut self) {
        if let Some((Target::File(path, _), _)) = &self.timeline {
            let _ = std::fs::remove_file(path);
        }
        if let Some((path, _)) = &self.trace {
            let _ = std::fs::remove_file(path);
        }
    }
}

fn extension(path: &Path) -> Option<String> {
    path.extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
}

fn create(path: &Path) -> Result<File, CommandError> {
    File::create(path).map_err(|source| CommandError::Export {
        path: path.to_path_buf(),
        source,
    })
}

fn write_file(
    path: PathBuf,
    file: File,
    draw: impl FnOnce(&mut dyn Write) -> io::Result<()>,
) -> Result<(), CommandError> {
    let mut out = BufWriter::new(file);
    draw(&mut out)
        .and_then(|()| out.flush())
        .map_err(|source| CommandError::WriteFailed { path, source })
}
