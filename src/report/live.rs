//! Printing events as they happen, for the real clock's live log.

use std::io::{self, Write};
use std::sync::{Arc, Mutex};

use chrono::{DateTime, Local};

use super::{jsonl, log::ArticleLog};
use crate::clock::Shutdown;
use crate::trace::Observer;
use crate::workload::Workload;

/// How each event is printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LiveFormat {
    /// The article's log lines.
    Log,
    /// One JSON object per line.
    Json,
}

/// The first write error of a live printer, if any. A closed pipe
/// (`mesonero restaurant | head`) stops the printing and, since nobody is
/// reading any more, the run.
#[derive(Clone, Default)]
pub struct WriteFailure(Arc<Mutex<Option<io::Error>>>);

impl WriteFailure {
    /// Takes the error, if printing failed.
    pub fn take(&self) -> Option<io::Error> {
        self.0.lock().unwrap_or_else(|e| e.into_inner()).take()
    }
}

/// An observer printing each event to `out` in `format`, and the handle
/// that reports whether printing failed; a failure triggers `shutdown`.
/// The log's clock reads `start` at restaurant time 0; `None` for the
/// moment the first record comes, which is the opening (`Received
/// orders`), however long the cashier took to hire its waiters.
pub fn printer<W: Write + Send + 'static>(
    format: LiveFormat,
    workload: Arc<Workload>,
    start: Option<DateTime<Local>>,
    mut out: W,
    shutdown: Shutdown,
) -> (Observer, WriteFailure) {
    let failure = WriteFailure::default();
    let failed = failure.clone();
    let mut log = start.map(ArticleLog::new);
    let mut stopped = false;
    let observer: Observer = Box::new(move |record| {
        if stopped {
            return;
        }
        let written = match format {
            LiveFormat::Log => log
                .get_or_insert_with(|| ArticleLog::new(Local::now()))
                .write(&mut out, &workload, &record),
            LiveFormat::Json => jsonl::write(&mut out, &workload, &record),
        };
        if let Err(e) = written.and_then(|()| out.flush()) {
            stopped = true;
            *failed.0.lock().unwrap_or_else(|e| e.into_inner()) = Some(e);
            shutdown.trigger();
        }
    });
    (observer, failure)
}
