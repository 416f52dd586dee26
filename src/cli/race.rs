//! Options of `mesonero race`, the article's race on `BALANCE`.

use clap::{Args, ValueEnum};

use super::{ExportArgs, TableFormat};
use crate::race::{self, Strategy};

/// Options of `mesonero race`.
#[derive(Debug, Args)]
pub struct RaceArgs {
    /// How the threads share the balance.
    #[arg(long, value_enum, default_value = "all")]
    pub strategy: RaceStrategy,
    /// Additions (or subtractions) of 1 each thread makes.
    #[arg(long, value_name = "N", default_value_t = race::DEFAULT_ITERATIONS, value_parser = parse_iterations)]
    pub iterations: u64,
    /// Threads, half adding and half subtracting: an even number, at
    /// least 2.
    #[arg(long, value_name = "N", default_value = "2", value_parser = parse_threads)]
    pub threads: usize,
    /// Runs of each strategy; times are the median.
    #[arg(long, value_name = "N", default_value_t = race::DEFAULT_RUNS, value_parser = clap::value_parser!(u32).range(1..=race::MAX_RUNS as i64))]
    pub runs: u32,
    /// How to print the figures.
    #[arg(long, value_enum, default_value = "table")]
    pub format: TableFormat,
    #[command(flatten)]
    pub export: ExportArgs,
}

/// `--strategy` of `race`: one strategy, or all three in one table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum RaceStrategy {
    /// No lock: read the balance, then write it back; updates get lost.
    None,
    /// A mutex around the balance: the article's Lock.
    Mutex,
    /// An atomic fetch_add / fetch_sub.
    Atomic,
    /// The three, one row each.
    All,
}

impl RaceStrategy {
    /// The strategies to run, in table order.
    pub fn strategies(self) -> Vec<Strategy> {
        match self {
            RaceStrategy::None => vec![Strategy::None],
            RaceStrategy::Mutex => vec![Strategy::Mutex],
            RaceStrategy::Atomic => vec![Strategy::Atomic],
            RaceStrategy::All => Strategy::ALL.to_vec(),
        }
    }
}

fn parse_threads(text: &str) -> Result<usize, String> {
    let threads = text
        .parse::<usize>()
        .map_err(|_| format!("'{text}' is not a number of threads"))?;
    race::check_threads(threads).map_err(|e| e.to_string())
}

pub(super) fn parse_iterations(text: &str) -> Result<u64, String> {
    let iterations = text
        .parse::<u64>()
        .map_err(|_| format!("'{text}' is not a number of iterations"))?;
    race::check_iterations(iterations).map_err(|e| e.to_string())
}
