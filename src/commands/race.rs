//! `mesonero race`: each strategy in turn on the article's race, one table.

use std::io::{self, Write};

use crate::cli::{RaceArgs, TableFormat};
use crate::clock::Shutdown;
use crate::race::{self, RaceError, Summary};
use crate::report::export::{Exporter, Json};
use crate::report::race::write_table;

use super::export::Exports;
use super::progress::ProgressLine;
use super::CommandError;

pub(super) fn run(args: &RaceArgs, shutdown: &Shutdown) -> Result<(), CommandError> {
    // Before the first race, so that a bad path fails at once.
    super::distinct_files(&args.export.files())?;
    let exports = Exports::create(&args.export)?;
    let (summaries, ended) = measure(args, &ProgressLine::on_terminal(), shutdown);
    exports.finish(
        &summaries,
        |summaries| {
            let mut out = io::stdout().lock();
            match args.format {
                TableFormat::Table => write_table(&mut out, summaries)?,
                TableFormat::Json => Json.write(&mut out, summaries)?,
            }
            out.flush()
        },
        ended,
    )
}

/// Each strategy `args` names in turn: the summaries measured, and what
/// stopped the rest, if anything did (Ctrl-C, or a race that failed).
pub(super) fn measure(
    args: &RaceArgs,
    progress: &ProgressLine,
    shutdown: &Shutdown,
) -> (Vec<Summary>, Result<(), RaceError>) {
    let strategies = args.strategy.strategies();
    let mut summaries = Vec::with_capacity(strategies.len());
    for (i, &strategy) in strategies.iter().enumerate() {
        progress.show(&format!(
            "racing with {strategy} ({} of {})",
            i + 1,
            strategies.len()
        ));
        let summary = race::measure(strategy, args.threads, args.iterations, args.runs, shutdown);
        progress.clear();
        match summary {
            Ok(summary) => summaries.push(summary),
            // The strategies measured so far are kept all the same.
            Err(e) => return (summaries, Err(e)),
        }
    }
    (summaries, Ok(()))
}

/// 2 for values no race can use, 130 for Ctrl-C, 1 for the rest.
pub(super) fn exit_code(e: &RaceError) -> u8 {
    match e {
        RaceError::Threads(_) | RaceError::Iterations(_) | RaceError::Runs(_) => 2,
        RaceError::Interrupted { .. } => 130,
        RaceError::OverBudget { .. } | RaceError::Spawn { .. } | RaceError::Panicked { .. } => 1,
    }
}
