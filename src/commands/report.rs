//! `mesonero report`: every comparison of the tool run in turn and written
//! to one self-contained HTML page.
//!
//! Each section is a command's own run, with the command's own arguments
//! ([`lines`]): `compare`, `compare --models lesson-blocking`, `compare
//! --cpu 1s` without and with `--gil`, `fetch --compare`, `race` and
//! `latency`, whose command lines the page shows.
//! The page is written to a temporary file beside the output and renamed
//! over it only when complete ([`pending`]).

use std::sync::Arc;

use chrono::Local;

use crate::cli::{CompareArgs, ReportArgs};
use crate::clock::Shutdown;
use crate::people::client::stats::FetchStats;
use crate::report::html::{Page, Text};
use crate::restaurant::{Model, Run};
use crate::workload::Workload;

use super::progress::ProgressLine;
use super::{compare, fetch, latency, race, CommandError};

mod describe;
mod lines;
mod pending;

use lines::{Line, Lines};
use pending::Pending;

pub(super) fn run(args: &ReportArgs, shutdown: &Shutdown) -> Result<(), CommandError> {
    let text = Text::of(args.language.lang);
    // Bad input first, before any work: each command refuses what it
    // would refuse on its own.
    let lines = Lines::of(args)?;
    let workload = super::workload(&lines.compare.args.workload)?;
    let computing = super::workload(&lines.parallel.args.workload)?;
    let models = compare::models(&lines.compare.args)?;
    let lesson_models = compare::models(&lines.lesson.args)?;
    let parallel_models = compare::models(&lines.parallel.args)?;
    // The report never asks for --all, so the ids are given.
    let ids = fetch::given_ids(&lines.fetch.args)?.unwrap_or_default();
    let output = Pending::create(&args.output)?;

    let progress = ProgressLine::on_terminal();
    let runs = served(
        &lines.compare,
        &workload,
        &models,
        &progress.within("restaurant"),
        shutdown,
    );
    let runs = finished(runs, "the restaurant", args, shutdown)?;
    let lesson = served(
        &lines.lesson,
        &workload,
        &lesson_models,
        &progress.within("lesson"),
        shutdown,
    );
    let lesson = finished(lesson, "the article's warning", args, shutdown)?;
    let section = "concurrency and parallelism";
    let parallel = served(
        &lines.parallel,
        &computing,
        &parallel_models,
        &progress.within("parallelism"),
        shutdown,
    );
    let parallel = finished(parallel, section, args, shutdown)?;
    let parallel_gil = served(
        &lines.parallel_gil,
        &computing,
        &parallel_models,
        &progress.within("parallelism, GIL"),
        shutdown,
    );
    let parallel_gil = finished(parallel_gil, section, args, shutdown)?;
    let fetched = fetched(&lines, &ids, &progress.within("fetches"), shutdown);
    let fetched = finished(fetched, "the fetches", args, shutdown)?;
    let (race, ended) = race::measure(&lines.race.args, &progress.within("race"), shutdown);
    let race = finished(
        ended.map(|()| race).map_err(Into::into),
        "the race",
        args,
        shutdown,
    )?;
    let latency = latency::report(&lines.latency.args, shutdown);
    let latency = finished(latency, "the latencies", args, shutdown)?;
    drop(progress);

    let mut page_models = models.clone();
    page_models.extend(lesson_models);
    let page = Page {
        lang: args.language.lang,
        date: Local::now().format("%Y-%m-%d %H:%M:%S %:z").to_string(),
        workload: describe::workload(&lines.compare.args.workload, &workload, text),
        clock: describe::clock(&lines.compare.args.service, text),
        staff: describe::staff(&lines.compare.args.service, &page_models, text),
        compare: compare::rows(&lines.compare.args, &workload, &runs),
        runs,
        lesson_compare: compare::rows(&lines.lesson.args, &workload, &lesson),
        lesson,
        parallel_compare: compare::rows(&lines.parallel.args, &computing, &parallel),
        parallel_gil_compare: compare::rows(&lines.parallel_gil.args, &computing, &parallel_gil),
        parallel,
        fetch: fetched,
        fetch_setup: describe::fetch_setup(&lines.fetch.args, &ids, text),
        race,
        latency,
        commands: lines.shown(),
    };
    let bytes = output.finish(&page)?;
    noteln!(
        "wrote {} ({} KB)",
        args.output.display(),
        bytes.div_ceil(1024)
    );
    Ok(())
}

/// A section's outcome as the report's: Ctrl-C, however the command
/// would have ended, is an interrupted report that names the section.
fn finished<T>(
    ran: Result<T, CommandError>,
    section: &'static str,
    args: &ReportArgs,
    shutdown: &Shutdown,
) -> Result<T, CommandError> {
    let interrupted = || CommandError::ReportInterrupted {
        section,
        path: args.output.clone(),
    };
    match ran {
        Err(e) if e.exit_code() == 130 => Err(interrupted()),
        Ok(_) if shutdown.is_triggered() => Err(interrupted()),
        ran => ran,
    }
}

/// The runs of `compare` with `args`: every model's, or the first
/// failure, which leaves the page unwritten.
fn served(
    line: &Line<CompareArgs>,
    workload: &Arc<Workload>,
    models: &[Model],
    progress: &ProgressLine,
    shutdown: &Shutdown,
) -> Result<Vec<Run>, CommandError> {
    let served = compare::runs(&line.args, workload, models, progress, shutdown);
    match served.failed.into_iter().next() {
        Some((_, e)) => Err(e.into()),
        None => Ok(served.runs),
    }
}

/// The rows of `fetch --compare` from the built-in server, which stops
/// once they are fetched; ids that failed are rows, noted on the page.
fn fetched(
    lines: &Lines,
    ids: &[u64],
    progress: &ProgressLine,
    shutdown: &Shutdown,
) -> Result<Vec<FetchStats>, CommandError> {
    let args = &lines.fetch.args;
    progress.show("starting the people server");
    // The server's address is noted on a line of its own.
    progress.clear();
    let (server, request) = fetch::connect(args, None)?;
    let (rows, ended) = fetch::measure(args, &request, ids, progress, shutdown);
    drop(server);
    ended?;
    Ok(rows)
}
