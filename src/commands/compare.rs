//! `mesonero compare`: each model in turn on the same workload, one table.

use std::io::{self, IsTerminal, Write};

use crate::cli::{CompareArgs, TableFormat};
use crate::clock::Shutdown;
use crate::ideal;
use crate::report::compare::{self, write_table};
use crate::report::export::{Exporter, Json};
use crate::restaurant::{self, Model};

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
        let _ = writeln!(
            io::stderr(),
            "{model} left out: it runs on the real clock only (tokio cannot pause time on a multi-thread runtime)"
        );
    }
    let progress = io::stderr().is_terminal();
    let mut runs = Vec::with_capacity(models.len());
    let mut ended = Ok(());
    for (i, &model) in models.iter().enumerate() {
        let setup = super::setup(model, &args.service);
        if progress {
            eprint!(
                "\r\x1b[Kserving with {model} ({} of {})...",
                i + 1,
                models.len()
            );
        }
        let run = restaurant::run(&workload, &setup, None, shutdown);
        if progress {
            eprint!("\r\x1b[K");
        }
        match run {
            Ok(run) => runs.push(run),
            // Interrupted or failed: the models served so far are
            // exported all the same.
            Err(e) => {
                ended = Err(e);
                break;
            }
        }
    }
    let sync_ideal = ideal::makespan(&workload, &super::setup(Model::Sync, &args.service));
    let rows = compare::rows(&runs, sync_ideal);
    let exported = exports.write(&rows);
    if let Err(e) = ended {
        // Interrupted or failed: the models that finished are exported and
        // drawn all the same, and the run's error is the one reported.
        if !runs.is_empty() {
            let _ = pictures.write(&runs);
        }
        return Err(e.into());
    }
    exported?;
    let mut out = io::stdout().lock();
    match args.format {
        TableFormat::Table => write_table(&mut out, &rows)?,
        TableFormat::Json => Json.write(&mut out, &rows)?,
    }
    out.flush()?;
    drop(out);
    pictures.write(&runs)
}
