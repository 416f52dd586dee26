//! The command line: one struct per subcommand, parsed by clap.
//!
//! `mesonero` alone runs `compare` on the article's workload, so that
//! `cargo run --release` shows the article's point in one table.

use std::path::PathBuf;
use std::time::Duration;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::clock::{MAX_SPEED, MIN_SPEED};
use crate::latency::Scale;
use crate::restaurant::Model;

mod broker;
mod event_loop;
mod fetch;
mod lang;
mod models;
mod outputs;
mod race;
mod report;
mod serve;

pub use broker::{BrokerArgs, CashierArgs, WaiterArgs};
pub use event_loop::{LoopArgs, SlowCallback, MAX_BLOCKING_THREADS, MAX_WORKERS};
pub use fetch::FetchArgs;
pub use lang::LangArgs;
pub use models::{parse_model_choice, ModelChoice};
pub use outputs::{parse_output_file, ExportArgs, PictureArgs};
pub use race::{RaceArgs, RaceStrategy};
pub use report::ReportArgs;
pub use serve::ServeArgs;

/// See and measure the difference between blocking, threaded and
/// asynchronous I/O, with the restaurant of the article "Una introducción
/// a la asincronía en Python".
#[derive(Debug, Parser)]
#[command(
    name = "mesonero",
    version,
    args_conflicts_with_subcommands = true,
    after_help = EXAMPLES
)]
pub struct Cli {
    /// What to do; `compare` when omitted.
    #[command(subcommand)]
    pub command: Option<Command>,
    /// Options of `compare`, when no command is given.
    #[command(flatten)]
    pub compare: CompareArgs,
}

/// The end of `mesonero --help`: what no command means, and a few
/// commands to start with (each is parsed by a test).
const EXAMPLES: &str = "\
With no command, mesonero runs compare, with the options above.

Examples:
  mesonero restaurant --model async   The article's log, served by one async waiter
  mesonero compare --clock virtual    Every model in one table, in virtual time: instant and exact
  mesonero report                     Every comparison in one HTML page, report.html";

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve the restaurant with every model and compare them in one table.
    Compare(CompareArgs),
    /// Serve the restaurant with one model, printing the article's log.
    Restaurant(RestaurantArgs),
    /// Serve a swapi-compatible people API locally, slow and unreliable on
    /// demand, for `asinc2.py`'s requests.
    Serve(ServeArgs),
    /// Fetch people from a swapi-like API, as the article's asinc2.py does.
    Fetch(FetchArgs),
    /// The article's table of latencies, at human scale, and measured on
    /// this machine with --measure.
    Latency(LatencyArgs),
    /// The article's race on BALANCE: threads adding and subtracting 1
    /// with no lock, with a mutex and with an atomic.
    Race(RaceArgs),
    /// Serve the restaurant through a broker (Redis): queue the orders on
    /// it, and gather what waiters anywhere (`mesonero waiter`) tell.
    Cashier(CashierArgs),
    /// Serve a broker run's orders, from this machine or another, until
    /// its cashier closes it.
    Waiter(WaiterArgs),
    /// Write one self-contained HTML page with every comparison: the
    /// restaurant's four models, the people fetched three ways, the race
    /// and the latency table.
    Report(ReportArgs),
    /// Print the completion script of a shell to stdout, such as
    /// `mesonero completions bash > ~/.local/share/bash-completion/completions/mesonero`.
    Completions {
        /// The shell to complete for.
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the manual page, in roff, to stdout: `mesonero man | man -l -`.
    Man,
    /// A waiter process that says it is ready and idles until stdin
    /// closes: what one costs, for benches/waiter_cost.rs.
    #[command(hide = true)]
    IdleWaiter,
    /// One waiter of `--model processes`, started by its cashier.
    #[command(name = crate::restaurant::processes::COMMAND, hide = true)]
    WaiterProcess {
        /// The cashier's address.
        #[arg(long, value_name = "ADDRESS")]
        connect: String,
    },
}

/// Options of `mesonero restaurant`.
#[derive(Debug, Args)]
pub struct RestaurantArgs {
    /// The model that serves the orders.
    #[arg(long, value_enum, default_value = "sync")]
    pub model: Model,
    /// How to print what happens: the article's log lines, one JSON object
    /// per event, or only the summary line.
    #[arg(long, value_enum, default_value = "log")]
    pub format: EventFormat,
    #[command(flatten)]
    pub pictures: PictureArgs,
    #[command(flatten)]
    pub service: ServiceArgs,
    #[command(flatten)]
    pub broker: BrokerArgs,
    #[command(flatten)]
    pub workload: WorkloadArgs,
}

/// Options of `mesonero compare`.
#[derive(Debug, Args)]
pub struct CompareArgs {
    /// The models to compare, separated by commas, or sets of them:
    /// `article` (sync, threads, thread-per-product, async),
    /// `lesson-blocking` (async, async-blocking, async-sequential,
    /// async-offload) or `all`.
    #[arg(
        long,
        value_name = "MODELS",
        value_delimiter = ',',
        value_parser = parse_model_choice,
        default_value = "article"
    )]
    pub models: Vec<ModelChoice>,
    /// How to print the comparison.
    #[arg(long, value_enum, default_value = "table")]
    pub format: TableFormat,
    #[command(flatten)]
    pub export: ExportArgs,
    #[command(flatten)]
    pub pictures: PictureArgs,
    #[command(flatten)]
    pub service: ServiceArgs,
    #[command(flatten)]
    pub broker: BrokerArgs,
    #[command(flatten)]
    pub workload: WorkloadArgs,
}

/// Options of `mesonero latency`.
#[derive(Debug, Args)]
pub struct LatencyArgs {
    /// Also measure each row this machine can, and print it beside the
    /// article's figure (takes about ten seconds).
    #[arg(long)]
    pub measure: bool,
    /// Multiply every time by this for the human-scale column: at 1e9, as
    /// in the article, a nanosecond lasts a second. From 1e-3 to 1e12.
    #[arg(long, default_value = "1e9", allow_negative_numbers = true)]
    pub scale: Scale,
    #[command(flatten)]
    pub language: LangArgs,
    /// How to print the table.
    #[arg(long, value_enum, default_value = "table")]
    pub format: LatencyFormat,
    /// Sampling time per measured row; tests shorten it.
    #[arg(long, hide = true, value_parser = parse_duration)]
    pub budget: Option<Duration>,
}

/// `--format` of `latency`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LatencyFormat {
    /// An aligned table.
    Table,
    /// A JSON array, one object per row.
    Json,
    /// A Markdown table.
    Markdown,
}

/// Staff and clock.
#[derive(Debug, Args)]
pub struct ServiceArgs {
    /// Real clock (waits, compressed by --speed) or virtual clock (instant,
    /// exact, deterministic).
    #[arg(long, value_enum, default_value = "real")]
    pub clock: ClockArg,
    /// On the real clock, how many restaurant seconds pass in one wall
    /// second: at 10, the 7.5 s burger takes 0.75 s.
    #[arg(
        long,
        default_value = DEFAULT_SPEED,
        value_parser = parse_speed,
        allow_negative_numbers = true
    )]
    pub speed: f64,
    /// Number of waiters [default: 2 for sync, threads and processes, 1
    /// for the others, as in the article].
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..=crate::trace::MAX_WAITERS as i64))]
    pub waiters: Option<u32>,
    /// Kitchen capacity: at most this many products in preparation at once
    /// [default: unlimited, as in the article].
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..))]
    pub cooks: Option<u32>,
    /// CPU cores for the products' computing (a product's `cpu` time): on
    /// the virtual clock, simulated; on the real clock, the run is pinned
    /// to this many of the machine's [default: this machine's].
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=crate::cpu::MAX_CORES as i64))]
    pub cores: Option<u32>,
    /// Compute as Python does: one lock per process (the GIL), held while
    /// computing and let go while waiting, so that threads compute one at
    /// a time.
    #[arg(long)]
    pub gil: bool,
    #[command(flatten)]
    pub event_loop: LoopArgs,
}

/// Where the orders come from.
#[derive(Debug, Args)]
pub struct WorkloadArgs {
    /// A workload file, TOML or JSON by extension: a `menu` of product =
    /// preparation time (seconds, or "7.5s", "250ms") and `orders`, a list
    /// of lists of product names [default: the article's].
    #[arg(long, value_name = "FILE")]
    pub workload: Option<PathBuf>,
    /// Serve the orders this many times over.
    // Zero is refused by the workload, with a message that says why.
    #[arg(long, value_name = "N")]
    pub repeat: Option<u64>,
    /// Instead of the file's or the article's orders, N random orders of 1
    /// to 4 products from the menu.
    #[arg(long, value_name = "N")]
    pub random: Option<u64>,
    /// Seed of --random: the same seed gives the same orders [default: 1].
    // Not `requires = "random"`: clap would spread that error over several
    // lines; the command refuses a seed without --random in one.
    #[arg(long, value_name = "S")]
    pub seed: Option<u64>,
    /// Give every product of the menu this much CPU time, which the
    /// waiter computes after the kitchen's part ("250ms", "1s"; 0 for pure
    /// waiting) [default: the workload's own].
    #[arg(long, value_name = "DURATION", value_parser = parse_cpu, allow_negative_numbers = true)]
    pub cpu: Option<std::time::Duration>,
}

/// `--clock`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ClockArg {
    /// Wall time, compressed by --speed.
    Real,
    /// Simulated time: no waiting, exact figures.
    Virtual,
}

/// `--format` of `restaurant`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum EventFormat {
    /// The article's log lines, then a summary line.
    Log,
    /// One JSON object per event; the summary goes to stderr.
    Json,
    /// Only the summary line.
    Quiet,
}

/// `--format` of `compare`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum TableFormat {
    /// An aligned table.
    Table,
    /// A JSON array, one object per model.
    Json,
}

/// `--speed` unless given: the article's 43.8 s of `sync` in 4.4 s.
pub(crate) const DEFAULT_SPEED: &str = "10";

/// The longest duration an option takes: a day.
const MAX_OPTION_DURATION: Duration = Duration::from_secs(86_400);

/// Reads a duration option, from 0 to [`MAX_OPTION_DURATION`] whether
/// written as seconds or with a unit: a year of `--budget` would hang.
pub(crate) fn parse_duration(text: &str) -> Result<Duration, String> {
    let too_long = || format!("'{text}' is not a duration between 0 and a day");
    if let Ok(seconds) = text.parse::<f64>() {
        return match seconds {
            s if s.is_finite() && (0.0..=MAX_OPTION_DURATION.as_secs_f64()).contains(&s) => {
                Ok(Duration::from_secs_f64(s))
            }
            _ => Err(too_long()),
        };
    }
    match humantime::parse_duration(text) {
        Ok(d) if d <= MAX_OPTION_DURATION => Ok(d),
        Ok(_) => Err(too_long()),
        Err(e) => Err(format!(
            "'{text}' is not a duration ({e}); write it as 5s, 500ms or 1.5"
        )),
    }
}

/// Reads `--speed`, within [`MIN_SPEED`]..=[`MAX_SPEED`]: outside it a
/// wait would be too long or too short for the clocks to measure.
/// `--cpu`: a CPU time as a workload file writes one (`1`, `"250ms"`),
/// with the same limits: at most a day, in whole milliseconds.
fn parse_cpu(text: &str) -> Result<Duration, String> {
    use crate::workload::duration::{parse_part, Part};
    parse_part("--cpu", Part::Cpu, text).map_err(|e| match e {
        crate::workload::WorkloadError::BadDuration { problem, .. } => problem,
        e => e.to_string(),
    })
}

pub(crate) fn parse_speed(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(speed) if (MIN_SPEED..=MAX_SPEED).contains(&speed) => Ok(speed),
        Ok(_) => Err(format!(
            "'{text}' is not a speed: give a number from {MIN_SPEED} to {MAX_SPEED}, such as 10"
        )),
        Err(_) => Err(format!("'{text}' is not a number")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn the_command_line_is_well_formed() {
        Cli::command().debug_assert();
    }

    #[test]
    fn no_command_means_compare_with_the_articles_defaults() {
        let cli = Cli::try_parse_from(["mesonero"]).unwrap();
        assert!(cli.command.is_none());
        assert_eq!(
            cli.compare.models,
            [ModelChoice::Set(crate::restaurant::ModelSet::Article)]
        );
        assert_eq!(cli.compare.service.speed, 10.0);
    }

    #[test]
    fn the_examples_of_the_help_are_commands() {
        let examples: Vec<&str> = EXAMPLES
            .lines()
            .filter_map(|line| line.trim_start().strip_prefix("mesonero "))
            .collect();
        assert_eq!(examples.len(), 3, "{EXAMPLES}");
        for example in examples {
            // The command is what comes before the two spaces of the column.
            let command = example.split("  ").next().unwrap_or_default();
            let args = std::iter::once("mesonero").chain(command.split_whitespace());
            let cli = Cli::try_parse_from(args);
            assert!(cli.is_ok(), "{example}: {:?}", cli.err());
        }
    }

    #[test]
    fn durations_are_at_most_a_day_however_written() {
        assert_eq!(parse_duration("1.5"), Ok(Duration::from_millis(1500)));
        assert_eq!(parse_duration("24h"), Ok(MAX_OPTION_DURATION));
        for long in ["86401", "1000y", "25h", "1e300"] {
            assert_eq!(
                parse_duration(long),
                Err(format!("'{long}' is not a duration between 0 and a day"))
            );
        }
        let err = Cli::try_parse_from(["mesonero", "latency", "--budget", "1000y"]).unwrap_err();
        assert!(err.to_string().contains("between 0 and a day"), "{err}");
    }

    #[test]
    fn speeds_must_be_within_their_range() {
        for bad in [
            "0", "-1", "nan", "inf", "fast", "1e-300", "1e-19", "0.0009", "1000001",
        ] {
            assert!(
                Cli::try_parse_from(["mesonero", "compare", "--speed", bad]).is_err(),
                "{bad}"
            );
        }
        // A negative speed is a bad value, not an unknown option.
        let err = Cli::try_parse_from(["mesonero", "compare", "--speed", "-1"]).unwrap_err();
        assert_eq!(err.kind(), clap::error::ErrorKind::ValueValidation);
        assert!(err.to_string().contains("'-1' is not a speed"), "{err}");
        let err = Cli::try_parse_from(["mesonero", "--speed", "1e-300"]).unwrap_err();
        assert!(
            err.to_string()
                .contains("'1e-300' is not a speed: give a number from 0.001 to 1000000"),
            "{err}"
        );
        for edge in ["0.001", "1e6"] {
            let cli = Cli::try_parse_from(["mesonero", "--speed", edge]).unwrap();
            assert_eq!(cli.compare.service.speed, edge.parse::<f64>().unwrap());
        }
    }
}
