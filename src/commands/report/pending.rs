//! Where the page goes: a temporary file beside the output, renamed over
//! it only when the page is complete, so that a failed or interrupted
//! report never leaves a file that looks finished.

use std::fs::{self, File};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use tempfile::NamedTempFile;

use crate::report::html::{write_page, Page};

use super::super::CommandError;

/// The error of creating a temporary file without the name tempfile gives
/// it: the message names the output, not a file the user never asked for.
fn without_path(e: io::Error) -> io::Error {
    let text = e.to_string();
    match text.split_once(" at path ") {
        Some((cause, _)) => io::Error::new(e.kind(), cause.to_string()),
        None => e,
    }
}

/// Where the page goes, opened before any work so that a bad path fails
/// at once.
pub(super) struct Pending {
    target: Target,
    /// The path as given, for messages.
    path: PathBuf,
}

enum Target {
    /// A regular file, new or replaced: a temporary file beside it, renamed
    /// over it once complete and removed if dropped before.
    File {
        temp: NamedTempFile,
        /// Symbolic links followed, so that a link keeps pointing at the
        /// page rather than being replaced by it.
        path: PathBuf,
    },
    /// A terminal, a pipe or a device, such as `/dev/stdout`, which cannot
    /// be renamed over: written to once the page is complete.
    Stream(File),
}

impl Pending {
    /// Checks that `path` can be written: creates the temporary file
    /// beside it, or opens it if it is not a regular file.
    pub(super) fn create(path: &Path) -> Result<Pending, CommandError> {
        let export = |source: io::Error| CommandError::Export {
            path: path.to_path_buf(),
            source,
        };
        let pending = |target| Pending {
            target,
            path: path.to_path_buf(),
        };
        if let Ok(metadata) = fs::metadata(path) {
            if metadata.is_dir() {
                return Err(export(io::Error::new(
                    io::ErrorKind::IsADirectory,
                    "it is a directory",
                )));
            }
            if !metadata.is_file() {
                let stream = File::options().write(true).open(path).map_err(export)?;
                return Ok(pending(Target::Stream(stream)));
            }
        }
        let resolved = fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
        let name = resolved
            .file_name()
            .ok_or_else(|| export(io::Error::other("it names no file")))?;
        let dir = match resolved.parent() {
            Some(dir) if !dir.as_os_str().is_empty() => dir,
            _ => Path::new("."),
        };
        let mut prefix = std::ffi::OsString::from(".");
        prefix.push(name);
        prefix.push(".");
        let temp = tempfile::Builder::new()
            .prefix(&prefix)
            .suffix(".tmp")
            // As a file created by `File::create`, before the umask: the
            // default of a temporary file is readable by its owner only.
            .permissions(std::os::unix::fs::PermissionsExt::from_mode(0o666))
            .tempfile_in(dir)
            .map_err(|e| export(without_path(e)))?;
        Ok(pending(Target::File {
            temp,
            path: resolved,
        }))
    }

    /// Writes the page and puts it in place; returns its size in bytes.
    /// The path was found writable, so a failure here is the run's, not
    /// the input's.
    pub(super) fn finish(self, page: &Page) -> Result<u64, CommandError> {
        let failed = |e: io::Error| {
            CommandError::Output(io::Error::new(
                e.kind(),
                format!("{}: {e}", self.path.display()),
            ))
        };
        let mut html = Vec::new();
        write_page(&mut html, page).map_err(failed)?;
        match self.target {
            Target::File { temp, path } => {
                let mut file = temp.as_file();
                file.write_all(&html).map_err(failed)?;
                temp.persist(&path).map_err(|e| failed(e.error))?;
            }
            Target::Stream(mut stream) => stream.write_all(&html).map_err(failed)?,
        }
        Ok(html.len() as u64)
    }
}
