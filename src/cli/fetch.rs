//! Options of `mesonero fetch`, and the limits on what they accept.

use std::path::PathBuf;
use std::time::Duration;

use clap::Args;

use super::{parse_duration, EventFormat, ExportArgs};
use crate::people::client::body::parse_size;
use crate::people::client::schedule::{MAX_RATE, MIN_RATE};
use crate::people::client::FetchModel;

/// The shortest `--timeout`.
pub const MIN_TIMEOUT: Duration = Duration::from_millis(1);

/// The longest `--timeout`: an hour, which also bounds a `Retry-After`.
pub const MAX_TIMEOUT: Duration = Duration::from_secs(3600);

/// Options of `mesonero fetch`.
#[derive(Debug, Args)]
// Only `--compare` makes a table; clap refuses the exports without it.
#[command(
    mut_arg("export_json", |a| a.requires("compare")),
    mut_arg("export_markdown", |a| a.requires("compare")),
    mut_arg("export_csv", |a| a.requires("compare"))
)]
pub struct FetchArgs {
    /// The API's base URL, such as http://127.0.0.1:8000/api/ (its
    /// people's address, .../api/people/, is read as that root); each
    /// person is asked at {api}people/{id}/ [default: a built-in server
    /// started on a free loopback port, with the article's one-second
    /// delay].
    #[arg(long, value_name = "URL")]
    pub api: Option<String>,
    /// The people to fetch: a range (1-9), a list (1,4,7), or both (1-3,7).
    #[arg(long, default_value = "1-9", conflicts_with = "all")]
    pub ids: String,
    /// Fetch every person, crawling the list pages and following `next`.
    #[arg(long)]
    pub all: bool,
    /// With --all, read at most N list pages; past them the run stops
    /// with exit code 1, having fetched the people listed so far.
    #[arg(
        long,
        value_name = "N",
        default_value = "1000",
        requires = "all",
        value_parser = clap::value_parser!(u32).range(1..=1_000_000)
    )]
    pub max_pages: u32,
    /// How to fetch.
    #[arg(long, value_enum, default_value = "async", conflicts_with = "compare")]
    pub model: FetchModel,
    /// Requests in flight at once (threads for the threads model, within
    /// what this system allows).
    #[arg(long, default_value = "100", value_parser = clap::value_parser!(u32).range(1..=100_000))]
    pub concurrency: u32,
    /// How long one request may take, its body included, from 1ms to 1h
    /// ("5s", "500ms", or seconds).
    #[arg(long, default_value = "5s", value_parser = parse_timeout)]
    pub timeout: Duration,
    /// Tries after a failed one, on 5xx and 429 answers, connection errors
    /// and timeouts, with exponential backoff and jitter, or after the
    /// wait a 429 or 503 asks for in Retry-After (at most --timeout).
    #[arg(long, default_value = "3", value_parser = clap::value_parser!(u32).range(0..=20))]
    pub retries: u32,
    /// At most N requests started per second, in all, on a fixed schedule,
    /// from 0.001 to 1000000; latency then counts from each request's
    /// scheduled start.
    #[arg(long, value_name = "N", value_parser = parse_rate)]
    pub rate: Option<f64>,
    /// The longest response body read, from 1 byte to 1GB ("1MB", "512KB",
    /// "64KiB", or bytes); an id whose body is longer fails.
    #[arg(long, value_name = "SIZE", default_value = "1MB", value_parser = parse_size)]
    pub max_body: u64,
    /// Follow redirects and `next` links to another host than the API's
    /// (refused by default).
    #[arg(long)]
    pub follow_other_hosts: bool,
    /// Also write one JSON line per id (the URL asked, and the person as
    /// received or the error) to FILE, as each id ends; not `-` (--format
    /// json prints the lines there).
    #[arg(long, value_name = "FILE", conflicts_with = "compare", value_parser = super::parse_output_file)]
    pub output: Option<PathBuf>,
    /// How to print: the article's log lines and a summary, one JSON object
    /// per id, or only the summary.
    #[arg(long, value_enum, default_value = "log")]
    pub format: EventFormat,
    /// Fetch the same ids with each model in turn and compare them in one
    /// table.
    #[arg(long)]
    pub compare: bool,
    /// The built-in server's delay per request; ignored with --api.
    #[arg(long, value_name = "DURATION", default_value = "1s", value_parser = parse_duration)]
    pub server_delay: Duration,
    // Only with --compare: see `requires` above.
    #[command(flatten)]
    pub export: ExportArgs,
}

/// Reads `--timeout`: a duration from [`MIN_TIMEOUT`] to [`MAX_TIMEOUT`].
fn parse_timeout(text: &str) -> Result<Duration, String> {
    let range = "give a timeout from 1ms to 1h, such as 5s, 500ms or 1.5";
    let trimmed = text.trim();
    let parsed = match trimmed.parse::<f64>() {
        Ok(seconds) => Duration::try_from_secs_f64(seconds).map_err(|e| e.to_string()),
        Err(_) => humantime::parse_duration(trimmed).map_err(|e| e.to_string()),
    };
    match parsed {
        Ok(timeout) if (MIN_TIMEOUT..=MAX_TIMEOUT).contains(&timeout) => Ok(timeout),
        Ok(_) => Err(format!("'{text}' is out of range: {range}")),
        Err(e) => Err(format!("'{text}' is not a duration ({e}); {range}")),
    }
}

/// Reads `--rate`: requests per second from [`MIN_RATE`] to [`MAX_RATE`].
fn parse_rate(text: &str) -> Result<f64, String> {
    match text.trim().parse::<f64>() {
        Ok(rate) if (MIN_RATE..=MAX_RATE).contains(&rate) => Ok(rate),
        _ => Err(format!(
            "'{text}' is not a rate: give from {MIN_RATE} to {MAX_RATE} requests per second"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cli::{Cli, Command};
    use crate::people::client::body::format_size;
    use clap::Parser;

    fn fetch(args: &[&str]) -> Result<FetchArgs, clap::Error> {
        let cli = Cli::try_parse_from(["mesonero", "fetch"].iter().chain(args))?;
        match cli.command {
            Some(Command::Fetch(args)) => Ok(args),
            other => panic!("not fetch: {other:?}"),
        }
    }

    #[test]
    fn defaults_are_the_documented_limits() {
        let args = fetch(&[]).unwrap();
        assert_eq!(args.timeout, Duration::from_secs(5));
        assert_eq!(args.max_body, 1_000_000);
        assert_eq!(format_size(args.max_body), "1 MB");
        assert_eq!(args.max_pages, 1000);
        assert!(!args.follow_other_hosts);
    }

    #[test]
    fn timeouts_from_a_millisecond_to_an_hour() {
        assert_eq!(parse_timeout("1ms"), Ok(MIN_TIMEOUT));
        assert_eq!(parse_timeout("1h"), Ok(MAX_TIMEOUT));
        assert_eq!(parse_timeout("2.5"), Ok(Duration::from_millis(2500)));
        for bad in [
            "0",
            "0s",
            "500us",
            "61m",
            "99999999999999s",
            "1e300",
            "-1",
            "nan",
        ] {
            let err = parse_timeout(bad).unwrap_err();
            assert!(err.contains("from 1ms to 1h"), "{bad}: {err}");
        }
        assert!(parse_timeout("soon")
            .unwrap_err()
            .contains("is not a duration"));
    }

    #[test]
    fn rates_that_no_schedule_can_hold_are_refused() {
        assert_eq!(parse_rate("0.001"), Ok(0.001));
        assert_eq!(parse_rate("1e6"), Ok(1e6));
        for bad in ["1e-19", "0", "-3", "1e7", "inf", "nan", "fast"] {
            let err = parse_rate(bad).unwrap_err();
            assert!(
                err.contains("is not a rate: give from 0.001 to 1000000 requests per second"),
                "{bad}: {err}"
            );
        }
    }

    #[test]
    fn max_pages_goes_with_all() {
        assert_eq!(fetch(&["--all", "--max-pages", "5"]).unwrap().max_pages, 5);
        let err = fetch(&["--max-pages", "5"]).unwrap_err();
        assert_eq!(err.kind(), clap::error::ErrorKind::MissingRequiredArgument);
        assert!(fetch(&["--all", "--max-pages", "0"]).is_err());
    }
}
