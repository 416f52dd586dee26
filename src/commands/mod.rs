//! What each subcommand does, from parsed arguments to printed output.
//!
//! `main.rs` only parses, calls [`run`], and turns a [`CommandError`] into a
//! message and an exit code: 2 for bad input, 1 for a failed run, 130 for
//! a run stopped with Ctrl-C.

/// Writes to standard error as `eprint!` does, but never panics: when
/// stderr is closed or full, the message is lost, not the run.
macro_rules! note {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = write!(std::io::stderr(), $($arg)*);
    }};
}

/// [`note!`] with a newline, as `eprintln!`.
macro_rules! noteln {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stderr(), $($arg)*);
    }};
}

mod compare;
mod completions;
mod export;
mod fetch;
mod idle_waiter;
mod latency;
mod pictures;
mod progress;
mod race;
mod report;
mod restaurant;
mod serve;
mod service;
mod waiter;

use std::io;
use std::path::Path;

use thiserror::Error;

use crate::broker::BrokerError;
use crate::cli::{Cli, Command};
use crate::clock::Shutdown;
use crate::latency::measure::Interrupted as LatencyInterrupted;
use crate::people::client::ids::IdsError;
use crate::people::client::ClientError;
use crate::people::{DataError, ServeError};
use crate::race::RaceError;
use crate::restaurant::processes::child::{self, WaiterError};
use crate::restaurant::{Model, RunError};
use crate::workload::file::FileError;
use crate::workload::{list_orders, OrderId, WorkloadError};

pub use service::{broker, check_options, models, setup, workload, DEFAULT_SEED};

/// Why a command failed.
#[derive(Debug, Error)]
pub enum CommandError {
    /// A workload file that cannot be used.
    #[error(transparent)]
    File(#[from] FileError),
    /// A workload, from options, that cannot be served.
    #[error(transparent)]
    Workload(#[from] WorkloadError),
    /// A run that failed; boxed, since a failed run carries its trace.
    #[error(transparent)]
    Run(Box<RunError>),
    /// Options that do not fit together, or do not fit the models.
    #[error("{0}")]
    Usage(String),
    /// `--seed` given without `--random`, where it would have no effect.
    #[error("--seed {0} has no effect without --random: give --random N to draw N random orders, or leave out --seed")]
    SeedWithoutRandom(u64),
    /// A run stopped by Ctrl-C.
    #[error("{model} interrupted: {} of {total} orders were still pending: {}", pending.len(), list_orders(pending))]
    Interrupted {
        /// The model that was serving.
        model: Model,
        /// The orders not dispatched.
        pending: Vec<OrderId>,
        /// Orders in the workload.
        total: usize,
    },
    /// A data file for the people server that cannot be used.
    #[error(transparent)]
    Data(#[from] DataError),
    /// The people server could not start, or failed.
    #[error(transparent)]
    Serve(#[from] ServeError),
    /// A fetch that could not run.
    #[error(transparent)]
    Client(#[from] ClientError),
    /// A `--ids` value that cannot be read.
    #[error(transparent)]
    Ids(#[from] IdsError),
    /// Some ids ended in an error; each was reported.
    #[error("{failed} of {total} ids failed")]
    FetchFailed {
        /// Ids that failed.
        failed: usize,
        /// Ids asked for.
        total: usize,
    },
    /// A fetch stopped by Ctrl-C.
    #[error("interrupted: {0} ids were not fetched")]
    FetchInterrupted(usize),
    /// `latency --measure` stopped by Ctrl-C.
    #[error(transparent)]
    LatencyInterrupted(#[from] LatencyInterrupted),
    /// A race that could not run, or was interrupted.
    #[error(transparent)]
    Race(#[from] RaceError),
    /// An output file that cannot be created, found before any work.
    #[error("cannot write '{}': {source}", path.display())]
    Export {
        /// The file.
        path: std::path::PathBuf,
        /// Why.
        source: io::Error,
    },
    /// Writing an output file failed after the work began.
    #[error("writing '{}' failed: {source}", path.display())]
    WriteFailed {
        /// The file.
        path: std::path::PathBuf,
        /// Why.
        source: io::Error,
    },
    /// A `--timeline` file name that says no format.
    #[error("--timeline '{}': the name must end in .svg for a picture or .txt for text, or be - for text on stdout", .0.display())]
    TimelineName(std::path::PathBuf),
    /// `--timeline -` where stdout carries JSON.
    #[error("--timeline - prints to stdout, which --format json keeps for JSON: give a file instead, such as --timeline timeline.svg")]
    TimelineOnStdout,
    /// Two options naming one file, which would write over each other.
    #[error("{first} and {second} both name '{}': give each its own file", path.display())]
    SameFile {
        /// The first option.
        first: &'static str,
        /// The second option.
        second: &'static str,
        /// The file.
        path: std::path::PathBuf,
    },
    /// `report` stopped by Ctrl-C; the page was not written.
    #[error("interrupted during {section}: '{}' was not written", path.display())]
    ReportInterrupted {
        /// The section that was running.
        section: &'static str,
        /// The page.
        path: std::path::PathBuf,
    },
    /// Output could not be written.
    #[error("cannot write the output: {0}")]
    Output(#[from] io::Error),
    /// A waiter process of `processes` stopped early.
    #[error(transparent)]
    Waiter(#[from] WaiterError),
    /// A broker that cannot be used, or a waiter's run on it that failed.
    #[error(transparent)]
    Broker(#[from] BrokerError),
}

impl CommandError {
    /// The process exit code for this error.
    pub fn exit_code(&self) -> u8 {
        match self {
            CommandError::File(_)
            | CommandError::Workload(_)
            | CommandError::Usage(_)
            | CommandError::SeedWithoutRandom(_)
            | CommandError::Data(_)
            | CommandError::Ids(_)
            | CommandError::Export { .. }
            | CommandError::TimelineName(_)
            | CommandError::TimelineOnStdout
            | CommandError::SameFile { .. }
            | CommandError::Waiter(WaiterError::NoToken) => 2,
            CommandError::Interrupted { .. }
            | CommandError::FetchInterrupted(_)
            | CommandError::LatencyInterrupted(_)
            | CommandError::ReportInterrupted { .. } => 130,
            CommandError::Run(e) if matches!(**e, RunError::BadSetup(_)) => 2,
            CommandError::Broker(e) if e.is_bad_input() => 2,
            CommandError::Broker(BrokerError::Interrupted) => 130,
            CommandError::Race(e) => race::exit_code(e),
            CommandError::Client(e) => fetch::exit_code(e),
            CommandError::Run(_)
            | CommandError::Output(_)
            | CommandError::WriteFailed { .. }
            | CommandError::FetchFailed { .. }
            | CommandError::Serve(_)
            | CommandError::Waiter(_)
            | CommandError::Broker(_) => 1,
        }
    }

    /// Whether this is only the reader of our output going away
    /// (`mesonero ... | head`), which is not a failure.
    pub fn is_broken_pipe(&self) -> bool {
        matches!(self, CommandError::Output(e) if e.kind() == io::ErrorKind::BrokenPipe)
    }
}

impl From<RunError> for CommandError {
    fn from(e: RunError) -> CommandError {
        match e {
            RunError::Interrupted { model, trace } => CommandError::Interrupted {
                model,
                pending: trace.pending_orders(),
                total: trace.workload().orders().len(),
            },
            other => CommandError::Run(Box::new(other)),
        }
    }
}

/// Runs the command the user asked for.
pub fn run(cli: Cli) -> Result<(), CommandError> {
    let shutdown = Shutdown::new();
    stop_on_ctrl_c(&shutdown);
    match cli.command {
        Some(Command::Restaurant(args)) => restaurant::run(&args, &shutdown),
        Some(Command::Compare(args)) => compare::run(&args, &shutdown),
        Some(Command::Serve(args)) => serve::run(&args, &shutdown),
        Some(Command::Fetch(args)) => fetch::run(&args, &shutdown),
        Some(Command::Latency(args)) => latency::run(&args, &shutdown),
        Some(Command::Race(args)) => race::run(&args, &shutdown),
        Some(Command::Report(args)) => report::run(&args, &shutdown),
        Some(Command::Cashier(args)) => restaurant::cashier(&args, &shutdown),
        Some(Command::Waiter(args)) => waiter::run(&args, &shutdown),
        Some(Command::Completions { shell }) => completions::completions(shell),
        Some(Command::Man) => completions::man(),
        Some(Command::IdleWaiter) => idle_waiter::run(),
        Some(Command::WaiterProcess { connect }) => Ok(child::run(&connect, &shutdown)?),
        None => compare::run(&cli.compare, &shutdown),
    }
}

/// The first Ctrl-C (or SIGTERM, or SIGHUP) asks the run to stop and
/// report; a second one ends the process at once, in case a run cannot
/// stop by itself, unless the run stops gracefully and listens for it
/// (`serve`, whose grace period it cuts short); a third ends it then.
fn stop_on_ctrl_c(shutdown: &Shutdown) {
    let shutdown = shutdown.clone();
    let mut hurried = false;
    // If a handler cannot be installed, Ctrl-C keeps its default effect of
    // ending the process, which is an acceptable fallback.
    let _ = ctrlc::set_handler(move || {
        if !shutdown.is_triggered() {
            shutdown.trigger();
        } else if hurried || !shutdown.hurry() {
            std::process::exit(130);
        } else {
            hurried = true;
        }
    });
}

/// Refuses two options that name the same file, before either is made.
fn distinct_files(named: &[(&'static str, &Path)]) -> Result<(), CommandError> {
    for (i, &(first, path)) in named.iter().enumerate() {
        if let Some(&(second, _)) = named[i + 1..].iter().find(|(_, p)| *p == path) {
            return Err(CommandError::SameFile {
                first,
                second,
                path: path.to_path_buf(),
            });
        }
    }
    Ok(())
}
