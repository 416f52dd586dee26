//! `mesonero report`: every comparison of the tool run in turn and written
//! to one self-contained HTML page.
//!
//! The page is written to a temporary file beside the output and renamed
//! over it only when complete, so that a failed or interrupted report
//! never leaves a file that looks finished.

use std::fs::{self, File};
use std::io::{self, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use chrono::Local;
use tempfile::NamedTempFile;

use crate::cli::ReportArgs;
use crate::clock::Shutdown;
use crate::ideal;
use crate::latency::{Lang, Scale};
use crate::people::client::stats::FetchStats;
use crate::people::client::{self, api_url, FetchModel, Request};
use crate::people::server::{spawn_background, ServerConfig};
use crate::race::{self, Strategy, Summary};
use crate::report::compare;
use crate::report::html::{write_page, Page};
use crate::report::latency::LatencyReport;
use crate::restaurant::{self, Model, ModelSet, Run};
use crate::workload::Workload;

use super::CommandError;

mod describe;

/// The people fetched, as in the article.
const IDS: std::ops::RangeInclusive<u64> = 1..=9;

/// Threads in the race, as in the article: one depositing, one withdrawing.
const RACE_THREADS: usize = 2;

pub(super) fn run(args: &ReportArgs, shutdown: &Shutdown) -> Result<(), CommandError> {
    let workload = super::workload(&args.workload)?;
    let lesson = ModelSet::LessonBlocking.models();
    // An event loop option no model of the page uses is refused, as
    // compare refuses it.
    let mut models = Model::ARTICLE.to_vec();
    models.extend(lesson.iter().filter(|m| !Model::ARTICLE.contains(m)));
    super::check_options(&models, &args.service)?;
    // Before any work, so that a bad path fails at once.
    let output = Pending::create(&args.output)?;
    let progress = Progress::new(io::stderr().is_terminal());
    let interrupted = |section: &'static str| {
        let path = args.output.clone();
        move |e: CommandError| match e.exit_code() {
            130 => CommandError::ReportInterrupted { section, path },
            _ => e,
        }
    };

    let served = |models: &[Model], section: &'static str, what: &str| {
        let runs = serve(args, &workload, models, what, &progress, shutdown)
            .map_err(interrupted(section))?;
        if shutdown.is_triggered() {
            return Err(CommandError::ReportInterrupted {
                section,
                path: args.output.clone(),
            });
        }
        Ok(runs)
    };
    let runs = served(&Model::ARTICLE, "the restaurant", "restaurant")?;
    let lesson = served(lesson, "the article's warning", "lesson")?;
    // Speed-ups are sync's, in both tables, as compare gives them.
    let sync_ideal = ideal::makespan(&workload, &super::setup(Model::Sync, &args.service));
    let compare = compare::rows(&runs, sync_ideal);
    let lesson_compare = compare::rows(&lesson, sync_ideal);
    let fetch = fetch(args, &progress, shutdown).map_err(interrupted("the fetches"))?;
    let race = race(args, &progress, shutdown).map_err(interrupted("the race"))?;
    drop(progress);

    let page = Page {
        date: Local::now().format("%Y-%m-%d %H:%M:%S %:z").to_string(),
        workload: describe::workload(&args.workload, &workload),
        clock: describe::clock(&args.service),
        staff: describe::staff(&args.service),
        runs,
        compare,
        lesson,
        lesson_compare,
        fetch,
        fetch_setup: format!(
            "people {} to {} from the built-in swapi-like server on 127.0.0.1, which waits {} \
             before each answer",
            IDS.start(),
            IDS.end(),
            humantime::format_duration(args.server_delay)
        ),
        race,
        latency: LatencyReport::new(Scale::ARTICLE, Lang::En, None),
        commands: describe::commands(args),
    };
    let bytes = output.finish(&page)?;
    noteln!(
        "wrote {} ({} KB)",
        args.output.display(),
        bytes.div_ceil(1024)
    );
    Ok(())
}

/// Each of `models` in turn on the workload, as `compare` serves them,
/// the progress line starting with `what`.
fn serve(
    args: &ReportArgs,
    workload: &Arc<Workload>,
    models: &[Model],
    what: &str,
    progress: &Progress,
    shutdown: &Shutdown,
) -> Result<Vec<Run>, CommandError> {
    let mut runs = Vec::with_capacity(models.len());
    for (i, &model) in models.iter().enumerate() {
        progress.show(&format!(
            "{what}: serving with {model} ({} of {})",
            i + 1,
            models.len()
        ));
        let setup = super::setup(model, &args.service);
        runs.push(restaurant::run(workload, &setup, None, shutdown)?);
    }
    Ok(runs)
}

/// The article's people fetched with each model in turn from the built-in
/// server, as `fetch --compare` does.
fn fetch(
    args: &ReportArgs,
    progress: &Progress,
    shutdown: &Shutdown,
) -> Result<Vec<FetchStats>, CommandError> {
    progress.show("fetches: starting the people server");
    let mut config = ServerConfig::new(([127, 0, 0, 1], 0).into());
    config.delay = args.server_delay;
    let server = spawn_background(config)?;
    // fetch's own defaults, so that the command the page names gives the
    // same figures.
    let request = Request::new(api_url(&format!("{}/api/", server.base_url()))?);
    let ids: Vec<u64> = IDS.collect();
    let mut rows = Vec::with_capacity(FetchModel::ALL.len());
    for (i, model) in FetchModel::ALL.into_iter().enumerate() {
        progress.show(&format!(
            "fetches: people with {model} ({} of {})",
            i + 1,
            FetchModel::ALL.len()
        ));
        let run = client::fetch(model, &request, &ids, &|_| {}, shutdown)?;
        let stats = FetchStats::of(&run);
        if shutdown.is_triggered() {
            return Err(CommandError::FetchInterrupted(stats.interrupted));
        }
        rows.push(stats);
    }
    server.stop();
    Ok(rows)
}

/// Each strategy of the race in turn, as `race` runs them.
fn race(
    args: &ReportArgs,
    progress: &Progress,
    shutdown: &Shutdown,
) -> Result<Vec<Summary>, CommandError> {
    let mut summaries = Vec::with_capacity(Strategy::ALL.len());
    for (i, strategy) in Strategy::ALL.into_iter().enumerate() {
        progress.show(&format!(
            "race: {strategy} ({} of {})",
            i + 1,
            Strategy::ALL.len()
        ));
        summaries.push(race::measure(
            strategy,
            RACE_THREADS,
            args.race_iterations,
            args.race_runs,
            shutdown,
        )?);
    }
    Ok(summaries)
}

/// The error of creating a temporary file without the name tempfile gives
/// it: the message names the output, not a file the user never asked for.
fn without_path(e: io::Error) -> io::Error {
    let text = e.to_string();
    match text.split_once(" at path ") {
        Some((cause, _)) => io::Error::new(e.kind(), cause.to_string()),
        None => e,
    }
}

/// Which section is running, on one line of stderr, when it is a
/// terminal.
struct Progress {
    shown: bool,
}

impl Progress {
    fn new(shown: bool) -> Progress {
        Progress { shown }
    }

    fn show(&self, what: &str) {
        if self.shown {
            note!("\r\x1b[K{what}...");
        }
    }
}

/// Clears the line however the report ends, so that an error message
/// starts on a clean one.
impl Drop for Progress {
    fn drop(&mut self) {
        if self.shown {
            note!("\r\x1b[K");
        }
    }
}

/// Where the page goes, opened before any work so that a bad path fails
/// at once.
struct Pending {
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
    fn create(path: &Path) -> Result<Pending, CommandError> {
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
    fn finish(self, page: &Page) -> Result<u64, CommandError> {
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
