//! Options of `mesonero report`, which runs every comparison and writes
//! one HTML page.
//!
//! The options of each section are the commands': those the report does
//! not take have the commands' defaults, and so do those it takes when
//! they are not given.

use std::path::PathBuf;
use std::time::Duration;

use clap::Args;

use super::race::parse_iterations;
use super::{parse_duration, LangArgs, ServiceArgs, WorkloadArgs};
use crate::race;

/// Options of `mesonero report`.
#[derive(Debug, Args)]
pub struct ReportArgs {
    /// Where to write the page; it appears only once complete. Not `-`
    /// (/dev/stdout writes the page there).
    #[arg(long, value_name = "FILE", default_value = "report.html", value_parser = super::parse_output_file)]
    pub output: PathBuf,
    /// The built-in people server's delay per request, in the fetch
    /// section [default: fetch's --server-delay].
    #[arg(long, value_name = "DURATION", value_parser = parse_duration)]
    pub server_delay: Option<Duration>,
    /// Additions (or subtractions) of 1 each thread makes in the race
    /// [default: race's --iterations].
    #[arg(long, value_name = "N", value_parser = parse_iterations)]
    pub race_iterations: Option<u64>,
    /// Runs of each race strategy; times are the median [default: race's
    /// --runs].
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=race::MAX_RUNS as i64))]
    pub race_runs: Option<u32>,
    #[command(flatten)]
    pub language: LangArgs,
    #[command(flatten)]
    pub service: ServiceArgs,
    #[command(flatten)]
    pub workload: WorkloadArgs,
}
