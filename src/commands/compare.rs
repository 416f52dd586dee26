//! `mesonero compare`: each model in turn on the same workload, one table.

use std::io::{self, Write};
use std::sync::Arc;

use crate::cli::{CompareArgs, TableFormat};
use crate::clock::Shutdown;
use crate::ideal;
use crate::report::compare::{self, write_table, Row};
use crate::report::export::{Exporter, Json};
use crate::restaurant::{self, Model, Run, RunError};
use crate::workload::Workload;

use super::export::Exports;
use super::pictures::Pictures;
use super::progress::ProgressLine;
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
    let models = models(args)?;
    let Served { runs, failed } = runs(
        args,
        &workload,
        &models,
        &ProgressLine::on_terminal(),
        shutdown,
    );
    let rows = rows(args, &workload, &runs);
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

/// The models `--models` names, each once, in the order first asked for:
/// `sync,async,sync` is two runs, not three. Those the clock cannot run
/// are named on stderr and left out.
pub(super) fn models(args: &CompareArgs) -> Result<Vec<Model>, CommandError> {
    let (models, left_out) = super::models(&args.models, &args.service)?;
    super::broker(&args.broker, &models, &args.service)?;
    for model in left_out {
        let why = model.why_real_clock().unwrap_or_default();
        noteln!("{model} left out: it runs on the real clock only ({why})");
    }
    Ok(models)
}

/// What serving each model gave.
pub(super) struct Served {
    /// The runs that finished, in the order served.
    pub runs: Vec<Run>,
    /// The models that failed, with why; an interrupted one is last.
    pub failed: Vec<(Model, RunError)>,
}

/// Each of `models` in turn on `workload`, set up as `args` says. A model
/// that fails does not stop the others; Ctrl-C does.
pub(super) fn runs(
    args: &CompareArgs,
    workload: &Arc<Workload>,
    models: &[Model],
    progress: &ProgressLine,
    shutdown: &Shutdown,
) -> Served {
    let mut served = Served {
        runs: Vec::with_capacity(models.len()),
        failed: Vec::new(),
    };
    for (i, &model) in models.iter().enumerate() {
        let setup = super::setup(model, &args.service);
        progress.show(&format!(
            "serving with {model} ({} of {})",
            i + 1,
            models.len()
        ));
        // Only the processes model's waiters take orders from a broker.
        let broker = args
            .broker
            .settings(None)
            .filter(|_| model == Model::Processes);
        let run = restaurant::run_through(workload, &setup, broker.as_ref(), None, shutdown);
        progress.clear();
        match run {
            Ok(run) => served.runs.push(run),
            // Asked to stop: no more models.
            Err(e @ RunError::Interrupted { .. }) => {
                served.failed.push((model, e));
                break;
            }
            Err(e) => served.failed.push((model, e)),
        }
    }
    served
}

/// The table's rows; speed-ups are sync's on the same workload and staff,
/// whether or not sync was served.
pub(super) fn rows(args: &CompareArgs, workload: &Workload, runs: &[Run]) -> Vec<Row> {
    let sync_ideal = ideal::makespan(workload, &super::setup(Model::Sync, &args.service));
    compare::rows(runs, sync_ideal)
}

fn is_interrupted(e: &RunError) -> bool {
    matches!(e, RunError::Interrupted { .. })
}
