//! Options of `mesonero report`, which runs every comparison and writes
//! one HTML page.

use std::path::PathBuf;
use std::time::Duration;

use clap::Args;

use super::race::parse_iterations;
use super::{parse_duration, ServiceArgs, WorkloadArgs};
use crate::race;

/// Options of `mesonero report`.
#[derive(Debug, Args)]
pub struct ReportArgs {
    /// Where to write the page; it appears only once complete. Not `-`
    /// (/dev/stdout writes the page there).
    #[arg(long, value_name = "FILE", default_value = "report.html", value_parser = super::parse_output_file)]
    pub output: PathBuf,
    /// The built-in people server's delay per request, in the fetch
    /// section.
    #[arg(long, value_name = "DURATION", default_value = "1s", value_parser = parse_duration)]
    pub server_delay: Duration,
    /// Additions (or subtractions) of 1 each thread makes in the race.
    #[arg(long, value_name = "N", default_value = "1000000", value_parser = parse_iterations)]
    pub race_iterations: u64,
    /// Runs of each race strategy; times are the median.
    #[arg(long, value_name = "N", default_value = "5", value_parser = clap::value_parser!(u32).range(1..=race::MAX_RUNS as i64))]
    pub race_runs: u32,
    #[command(flatten)]
    pub service: ServiceArgs,
    #[command(flatten)]
    pub workload: WorkloadArgs,
}
