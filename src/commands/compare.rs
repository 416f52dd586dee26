//! `mesonero compare`: each model in turn on the same workload, one table.

use std::io::{self, IsTerminal, Write};

use crate::cli::{CompareArgs, TableFormat};
use crate::clock::Shutdown;
use crate::ideal;
use crate::report::compare::{self, write_table};
use crate::report::export::{Exporter, Json};
use crate::restaurant::{self, Model, RunError};

use super::export::Exports;
use super::pictures::Pictures;
use super::CommandError;

pub(super) fn run(args: &CompareArgs, shutdown: &Shutdown) -> Result<(), CommandError> {
    let workload = super::workload(&args.workload)?;
    // Created before the runs, so that a bad path fails at once, not
    // after several seconds of serving.
    let mut files = args.export.files();
    files.extend(args.pictures.files());
    super::distinct_files(&files)?;
    let exports = Exports::create(&args.export)?;
    let pictures = Pictures::open(&args.pictures, args.format == TableFormat::Table)?;
    // Each model once, in the order first asked for: `sync,async,sync` is
    // two runs, not three.
    let (models, left_out) = super::models(&args.models, &args.service)?;
    for model in left_out {
        noteln!(
            "{model} left out: it runs on the real clock only (tokio cannot pause time on a multi-thread runtime)"
        );
    }
    let progress = io::stderr().is_terminal();
    let mut runs = Vec::with_capacity(models.len());
    let mut failed: Vec<(Model, RunError)> = Vec::new();
    for (i, &model) in models.iter().enumerate() {
        let setup = super::setup(model, &args.service);
        if progress {
            note!(
                "\r\x1b[Kserving with {model} ({} of {})...",
                i + 1,
                models.len()
            );
        }
        let run = restaurant::run(&workload, &setup, None, shutdown);
        if progress {
            note!("\r\x1b[K");
        }
        match run {
            Ok(run) => runs.push(run),
            // Asked to stop: no more models.
            Err(e @ RunError::Interrupted { .. }) => {
                failed.push((model, e));
                break;
            }
            // A model that fails does not stop the others.
            Err(e) => failed.push((model, e)),
        }
    }
    let sync_ideal = ideal::makespan(&workload, &super::setup(Model::Sync, &args.service));
    let rows = compare::rows(&runs, sync_ideal);
    // Whatever ended the runs, the models that finished are exported,
    // printed and drawn.
    let exported = exports.write(&rows);
    if !rows.is_empty() {
        let mut out = io::stdout().lock();
        match args.format {
            TableFormat::Table => {
                write_table(&mut out, &rows)?;
                // Each model that failed, with its reason (which names it).
                for (_, e) in failed.iter().filter(|(_, e)| !is_interrupted(e)) {
                    writeln!(out, "{e}")?;
                }
            }
            TableFormat::Json => Json.write(&mut out, &rows)?,
        }
        out.flush()?;
    }
    let drawn = if runs.is_empty() {
        Ok(())
    } else {
        pictures.write(&runs)
    };
    if let Some((_, e)) = failed.into_iter().next() {
        return Err(e.into());
    }
    exported?;
    drawn
}

fn is_interrupted(e: &RunError) -> bool {
    matches!(e, RunError::Interrupted { .. })
}
