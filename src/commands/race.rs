//! `mesonero race`: each strategy in turn on the article's race, one table.

use std::io::{self, IsTerminal, Write};

use crate::cli::{RaceArgs, TableFormat};
use crate::clock::Shutdown;
use crate::race::{self, RaceError};
use crate::report::race::{write_json, write_table};

use super::export::Exports;
use super::CommandError;

pub(super) fn run(args: &RaceArgs, shutdown: &Shutdown) -> Result<(), CommandError> {
    // Before the first race, so that a bad path fails at once.
    super::distinct_files(&args.export.files())?;
    let exports = Exports::create(&args.export)?;
    let strategies = args.strategy.strategies();
    let progress = io::stderr().is_terminal();
    let mut summaries = Vec::with_capacity(strategies.len());
    let mut ended = Ok(());
    for (i, &strategy) in strategies.iter().enumerate() {
        if progress {
            note!(
                "\r\x1b[Kracing with {strategy} ({} of {})...",
                i + 1,
                strategies.len()
            );
        }
        let summary = race::measure(strategy, args.threads, args.iterations, args.runs, shutdown);
        if progress {
            note!("\r\x1b[K");
        }
        match summary {
            Ok(summary) => summaries.push(summary),
            // Interrupted or failed: the strategies measured so far are
            // exported all the same.
            Err(e) => {
                ended = Err(e);
                break;
            }
        }
    }
    exports.finish(
        &summaries,
        |summaries| {
            let mut out = io::stdout().lock();
            match args.format {
                TableFormat::Table => write_table(&mut out, summaries)?,
                TableFormat::Json => write_json(&mut out, summaries)?,
            }
            out.flush()
        },
        ended,
    )
}

/// 2 for values no race can use, 130 for Ctrl-C, 1 for the rest.
pub(super) fn exit_code(e: &RaceError) -> u8 {
    match e {
        RaceError::Threads(_) | RaceError::Iterations(_) | RaceError::Runs(_) => 2,
        RaceError::Interrupted { .. } => 130,
        RaceError::OverBudget { .. } | RaceError::Spawn { .. } | RaceError::Panicked { .. } => 1,
    }
}
