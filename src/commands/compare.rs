//! `mesonero compare`: each model in turn on the same workload, one table.

use std::fs::File;
use std::io::{self, BufWriter, IsTerminal, Write};
use std::path::PathBuf;

use crate::cli::{CompareArgs, TableFormat};
use crate::clock::Shutdown;
use crate::ideal;
use crate::report::compare::{self, write_table};
use crate::report::export::{Csv, Exporter, Json, Markdown};
use crate::restaurant::{self, Model};

use super::pictures::Pictures;
use super::CommandError;

pub(super) fn run(args: &CompareArgs, shutdown: &Shutdown) -> Result<(), CommandError> {
    let workload = super::workload(&args.workload)?;
    // Created before the runs, so that a bad path fails at once, not
    // after several seconds of serving.
    let exports = exports(args)?;
    let pictures = Pictures::open(&args.pictures, args.format == TableFormat::Table)?;
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
    for (path, exporter, file) in exports {
        let mut file = BufWriter::new(file);
        exporter
            .write(&mut file, &rows)
            .and_then(|()| file.flush())
            .map_err(|source| CommandError::Export { path, source })?;
    }
    let mut out = io::stdout().lock();
    match args.format {
        TableFormat::Table => write_table(&mut out, &rows)?,
        TableFormat::Json => Json.write(&mut out, &rows)?,
    }
    out.flush()?;
    drop(out);
    pictures.write(&runs)
}

/// The export files asked for, created empty, each with its exporter.
fn exports(
    args: &CompareArgs,
) -> Result<Vec<(PathBuf, &'static dyn Exporter, File)>, CommandError> {
    let asked: [(&Option<PathBuf>, &'static dyn Exporter); 3] = [
        (&args.export_json, &Json),
        (&args.export_markdown, &Markdown),
        (&args.export_csv, &Csv),
    ];
    let mut exports = Vec::new();
    for (path, exporter) in asked {
        if let Some(path) = path {
            let file = File::create(path).map_err(|source| CommandError::Export {
                path: path.clone(),
                source,
            })?;
            exports.push((path.clone(), exporter, file));
        }
    }
    Ok(exports)
}
