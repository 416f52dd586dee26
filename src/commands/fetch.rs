//! `mesonero fetch`: people from a swapi-like API, with one model and its
//! log, or with each model in turn and a table.
//!
//! Every id asked for ends in one line of the log, of `--format json` and
//! of `--output`, written as it ends, interrupted ones included; the
//! people themselves are not kept once written.

use std::fs::File;
use std::io::{self, IsTerminal, LineWriter, Write};
use std::sync::Mutex;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressStyle};
use url::Url;

use crate::cli::{EventFormat, FetchArgs};
use crate::clock::Shutdown;
use crate::people::client::crawl::{self, Listing};
use crate::people::client::stats::FetchStats;
use crate::people::client::{
    self, api_url, ids, threads, ClientError, FetchModel, FetchRun, Progress, Request, RetryPolicy,
};
use crate::people::server::{spawn_background, BackgroundServer, ServerConfig};
use crate::report::export::{Exporter, Json};
use crate::report::fetch::{write_json_line, write_log_line, write_summary, write_table};

use super::export::Exports;
use super::progress::ProgressLine;
use super::CommandError;

/// Runs with a progress bar from this many ids on, on a terminal.
const LONG_RUN: usize = 100;

pub(super) fn run(args: &FetchArgs, shutdown: &Shutdown) -> Result<(), CommandError> {
    // Bad input first, before anything starts.
    let given_ids = given_ids(args)?;
    let given_api = args.api.as_deref().map(api_url).transpose()?;
    let output = match &args.output {
        Some(path) => Some(File::create(path).map_err(|source| CommandError::Export {
            path: path.clone(),
            source,
        })?),
        None => None,
    };
    // Before the server starts, so that a bad path fails before any
    // request; clap allows the exports only with --compare.
    super::distinct_files(&args.export.files())?;
    let exports = Exports::create(&args.export)?;

    let (_server, request) = connect(args, given_api)?;
    let (ids, cut_short) = match given_ids {
        Some(ids) => (ids, None),
        None => {
            let listing = list(args, &request, shutdown)?;
            check_threads(args, listing.ids.len())?;
            let cut_short = listing.cut_short.then_some(ClientError::TooManyPages {
                max_pages: listing.pages,
                people: listing.ids.len(),
            });
            (listing.ids, cut_short)
        }
    };

    let ran = if args.compare {
        compare(args, &request, &ids, exports, shutdown)
    } else {
        one_model(args, &request, &ids, output, shutdown)
    };
    match (ran, cut_short) {
        // Ctrl-C or output that cannot be written says so first; a list
        // cut short is the failure to tell once its people were reported.
        (Err(e), _) if !matches!(e, CommandError::FetchFailed { .. }) => Err(e),
        (_, Some(cut_short)) => Err(cut_short.into()),
        (ran, None) => ran,
    }
}

/// The ids `--ids` names, refused if this system cannot run the threads
/// they need; `None` with `--all`, whose ids come from the API's list.
pub(super) fn given_ids(args: &FetchArgs) -> Result<Option<Vec<u64>>, CommandError> {
    if args.all {
        return Ok(None);
    }
    let ids = ids::parse(&args.ids)?;
    check_threads(args, ids.len())?;
    Ok(Some(ids))
}

/// The requests `args` asks for, to `given_api`, or to the built-in server
/// started here when no API is given; the server stops when dropped.
pub(super) fn connect(
    args: &FetchArgs,
    given_api: Option<Url>,
) -> Result<(Option<BackgroundServer>, Request), CommandError> {
    let server = match given_api {
        Some(_) => None,
        None => Some(builtin_server(args.server_delay)?),
    };
    let api = match (given_api, &server) {
        (Some(api), _) => api,
        (None, Some(server)) => api_url(&format!("{}/api/", server.base_url()))?,
        (None, None) => unreachable!("a server is started when no API is given"),
    };
    let request = Request {
        api,
        concurrency: args.concurrency as usize,
        timeout: args.timeout,
        retry: RetryPolicy::new(args.retries),
        rate: args.rate,
        max_body: args.max_body,
        follow_other_hosts: args.follow_other_hosts,
    };
    Ok((server, request))
}

/// The exit code of a client error: 2 for what the user can correct on
/// the command line, 130 for Ctrl-C, 1 for the rest.
pub(super) fn exit_code(error: &ClientError) -> u8 {
    match error {
        ClientError::BadUrl { .. } | ClientError::OverBudget { .. } => 2,
        ClientError::CrawlInterrupted { .. } => 130,
        _ => 1,
    }
}

/// Refuses, before it starts, a thread pool this system cannot run.
fn check_threads(args: &FetchArgs, ids: usize) -> Result<(), ClientError> {
    if args.compare || args.model == FetchModel::Threads {
        threads::check_budget(threads::pool_size(args.concurrency as usize, ids))?;
    }
    Ok(())
}

/// `--all`: the people the API lists, with pages and people counted on a
/// terminal as the crawl goes.
fn list(args: &FetchArgs, request: &Request, shutdown: &Shutdown) -> Result<Listing, ClientError> {
    let spinner = crawl_spinner(args.format);
    let progress = |pages: usize, people: usize| {
        if let Some(spinner) = &spinner {
            spinner.set_message(format!("{pages} pages, {people} people"));
        }
    };
    let listing = crawl::list_ids(request, args.max_pages as usize, &progress, shutdown);
    if let Some(spinner) = &spinner {
        spinner.finish_and_clear();
    }
    listing
}

/// The built-in people API on a free loopback port, with `delay` per
/// request as the article's swapi had about a second.
fn builtin_server(delay: Duration) -> Result<BackgroundServer, CommandError> {
    let mut config = ServerConfig::new(([127, 0, 0, 1], 0).into());
    config.delay = delay;
    let server = spawn_background(config)?;
    noteln!(
        "serving the built-in people API on {} ({} per request)",
        server.base_url(),
        humantime::format_duration(delay)
    );
    Ok(server)
}

/// Prints as ids finish: the log or JSON lines, the `--output` file and
/// the progress bar. Writes from every thread go through here.
struct Printer {
    format: EventFormat,
    stdout: Mutex<io::Stdout>,
    // A line at a time, so that the file holds every id that ended even
    // if the process is killed.
    output: Option<Mutex<LineWriter<File>>>,
    bar: Option<ProgressBar>,
    failure: Mutex<Option<io::Error>>,
    shutdown: Shutdown,
}

impl Printer {
    fn print(&self, progress: Progress) {
        let mut written = Ok(());
        let to_stdout = |write: &dyn Fn(&mut io::Stdout) -> io::Result<()>| {
            let mut stdout = self.stdout.lock().unwrap_or_else(|e| e.into_inner());
            match &self.bar {
                Some(bar) => bar.suspend(|| write(&mut stdout)),
                None => write(&mut stdout),
            }
        };
        match (self.format, &progress) {
            (EventFormat::Log, _) => written = to_stdout(&|out| write_log_line(out, &progress)),
            (EventFormat::Json, Progress::Done(outcome)) => {
                written = to_stdout(&|out| write_json_line(out, outcome))
            }
            _ => {}
        }
        if let Progress::Done(outcome) = progress {
            if let Some(file) = &self.output {
                let mut file = file.lock().unwrap_or_else(|e| e.into_inner());
                written = written.and(write_json_line(&mut *file, outcome));
            }
            if let Some(bar) = &self.bar {
                bar.inc(1);
            }
        }
        if let Err(e) = written {
            // Nobody is reading, or the disk is full: stop fetching.
            self.failure
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .get_or_insert(e);
            self.shutdown.trigger();
        }
    }
}

fn one_model(
    args: &FetchArgs,
    request: &Request,
    ids: &[u64],
    output: Option<File>,
    shutdown: &Shutdown,
) -> Result<(), CommandError> {
    let printer = Printer {
        format: args.format,
        stdout: Mutex::new(io::stdout()),
        output: output.map(|f| Mutex::new(LineWriter::new(f))),
        bar: progress_bar(args.format, ids.len()),
        failure: Mutex::new(None),
        shutdown: shutdown.clone(),
    };
    let run = client::fetch(args.model, request, ids, &|p| printer.print(p), shutdown)?;
    if let Some(bar) = &printer.bar {
        bar.finish_and_clear();
    }
    if let Some(file) = &printer.output {
        file.lock().unwrap_or_else(|e| e.into_inner()).flush()?;
    }
    if let Some(error) = printer
        .failure
        .into_inner()
        .unwrap_or_else(|e| e.into_inner())
    {
        return Err(error.into());
    }
    let stats = FetchStats::of(&run);
    if args.format == EventFormat::Json {
        write_summary(&mut io::stderr(), &stats)?;
    } else {
        let mut out = io::stdout().lock();
        write_summary(&mut out, &stats)?;
        out.flush()?;
    }
    verdict(&stats)
}

fn compare(
    args: &FetchArgs,
    request: &Request,
    ids: &[u64],
    exports: Exports<FetchStats>,
    shutdown: &Shutdown,
) -> Result<(), CommandError> {
    // Its bars name the model.
    let (rows, ended) = measure(args, request, ids, &ProgressLine::hidden(), shutdown);
    // Before the verdict: ids that failed are figures too.
    exports.finish(
        &rows,
        |rows| {
            let mut out = io::stdout().lock();
            match args.format {
                EventFormat::Json => Json.write(&mut out, rows)?,
                _ => write_table(&mut out, rows)?,
            }
            out.flush()
        },
        ended,
    )?;
    rows.iter().try_for_each(verdict)
}

/// The same ids fetched with each model in turn, as `--compare` does: a
/// row per model that ran, an interrupted one included, and the error
/// that stopped the rest, if one did.
pub(super) fn measure(
    args: &FetchArgs,
    request: &Request,
    ids: &[u64],
    progress: &ProgressLine,
    shutdown: &Shutdown,
) -> (Vec<FetchStats>, Result<(), ClientError>) {
    let mut rows = Vec::new();
    let mut ended = Ok(());
    for (i, model) in FetchModel::ALL.into_iter().enumerate() {
        progress.show(&format!(
            "people with {model} ({} of {})",
            i + 1,
            FetchModel::ALL.len()
        ));
        let bar = progress_bar(args.format, ids.len());
        if let Some(bar) = &bar {
            bar.set_message(model.name());
        }
        let observer = |p: Progress| {
            if let (Some(bar), Progress::Done(_)) = (&bar, p) {
                bar.inc(1);
            }
        };
        let run: Result<FetchRun, _> = client::fetch(model, request, ids, &observer, shutdown);
        if let Some(bar) = &bar {
            bar.finish_and_clear();
        }
        progress.clear();
        match run {
            // An interrupted run is a row too: its ids that never finished
            // are counted in it.
            Ok(run) => rows.push(FetchStats::of(&run)),
            Err(e) => {
                ended = Err(e);
                break;
            }
        }
        if shutdown.is_triggered() {
            break;
        }
    }
    (rows, ended)
}

/// A spinner on stderr counting the pages and people of `--all`, on a
/// terminal only, as the progress bar.
fn crawl_spinner(format: EventFormat) -> Option<ProgressBar> {
    if format == EventFormat::Json || !io::stderr().is_terminal() {
        return None;
    }
    let spinner = ProgressBar::new_spinner();
    let style = ProgressStyle::with_template("{spinner} listing the people: {msg}")
        .unwrap_or_else(|_| ProgressStyle::default_spinner());
    spinner.set_style(style);
    spinner.set_message("0 pages, 0 people");
    spinner.enable_steady_tick(Duration::from_millis(100));
    Some(spinner)
}

/// A progress bar on stderr, for long runs on a terminal only.
fn progress_bar(format: EventFormat, ids: usize) -> Option<ProgressBar> {
    if format == EventFormat::Json || ids < LONG_RUN || !io::stderr().is_terminal() {
        return None;
    }
    let bar = ProgressBar::new(ids as u64);
    let style =
        ProgressStyle::with_template("{msg} {bar:40} {pos}/{len} ids, {per_sec}, {eta} left")
            .unwrap_or_else(|_| ProgressStyle::default_bar());
    bar.set_style(style);
    Some(bar)
}

/// Exit status of a run: interrupted, some failed, or all fetched.
fn verdict(stats: &FetchStats) -> Result<(), CommandError> {
    if stats.interrupted > 0 {
        Err(CommandError::FetchInterrupted(stats.interrupted))
    } else if stats.failed > 0 {
        Err(CommandError::FetchFailed {
            failed: stats.failed,
            total: stats.ids,
        })
    } else {
        Ok(())
    }
}
