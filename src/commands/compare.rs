//! `mesonero compare`: each model in turn on the same workload, one table.

use std::io::{self, IsTerminal, Write};

use crate::cli::{CompareArgs, TableFormat};
use crate::clock::Shutdown;
use crate::ideal;
use crate::report::compare::{self, write_json, write_table};
use crate::restaurant::{self, Model};

use super::CommandError;

pub(super) fn run(args: &CompareArgs, shutdown: &Shutdown) -> Result<(), CommandError> {
    let workload = super::workload(&args.workload)?;
    // Each model once, in the order first asked for: `sync,async,sync` is
    // two runs, not three.
    let mut models: Vec<Model> = Vec::with_capacity(args.models.len());
    for &model in &args.models {
        if !models.contains(&model) {
            models.push(model);
        }
    }
    let progress = io::stderr().is_terminal();
    let mut runs = Vec::with_capacity(models.len());
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
        runs.push(run?);
    }
    let sync_ideal = ideal::makespan(&workload, &super::setup(Model::Sync, &args.service));
    let rows = compare::rows(&runs, sync_ideal);
    let mut out = io::stdout().lock();
    match args.format {
        TableFormat::Table => write_table(&mut out, &rows)?,
        TableFormat::Json => write_json(&mut out, &rows)?,
    }
    out.flush()?;
    Ok(())
}
