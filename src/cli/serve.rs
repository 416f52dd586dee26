//! Options of `mesonero serve`, the local people API.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use clap::Args;

use crate::people::data::{BUILTIN_PEOPLE, MAX_LISTED_RESIDENTS, MAX_PEOPLE};
use crate::people::server::{parse_delay, parse_fail_rate, parse_timeout, Limits, RequestLog};

/// The most `--max-connections` accepts: far past any system's default
/// limit on open files, which then refuses connections before the cap does.
pub const MAX_CONNECTIONS: u32 = 1_000_000;

/// Options of `mesonero serve`.
#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Address to listen on; port 0 lets the system choose a free one.
    #[arg(long, default_value = "127.0.0.1:8000")]
    pub addr: SocketAddr,
    /// How long every API response waits: seconds (1, 0.25) or with a
    /// unit (1s, 250ms).
    #[arg(long, default_value = "0", value_parser = parse_delay, allow_hyphen_values = true)]
    pub delay: Duration,
    /// The most random extra wait added to each response's delay.
    #[arg(long, default_value = "0", value_parser = parse_delay, allow_hyphen_values = true)]
    pub jitter: Duration,
    /// Fraction of API responses that fail with 500 or 503, from 0 to 1
    /// (0.1) or as a percentage (10%).
    #[arg(long, default_value = "0", value_parser = parse_fail_rate, allow_negative_numbers = true)]
    pub fail_rate: f64,
    /// Seed of the jitter and the failures: the same seed gives the same
    /// sequence.
    #[arg(long, default_value = "1", value_name = "S")]
    pub seed: u64,
    /// A swapi fixture file (people.json, planets.json, films.json...) to
    /// serve instead of the built-in people; give it once per file. At
    /// most 64 MiB each.
    #[arg(long = "data", value_name = "FILE")]
    pub data: Vec<PathBuf>,
    /// Serve N people instead of the built-in ones, for load tests.
    #[arg(
        long,
        value_name = "N",
        conflicts_with = "data",
        value_parser = clap::value_parser!(u64).range(1..=MAX_PEOPLE),
        help = format!(
            "Serve N people instead of the built-in {BUILTIN_PEOPLE}, for load tests: the \
             article's nine, then generated ones; from 1 to {MAX_PEOPLE}. Past \
             {MAX_LISTED_RESIDENTS}, planets list no residents"
        )
    )]
    pub people: Option<u64>,
    /// Request log on stderr: off, all, or sample=N for one request in N.
    #[arg(long, default_value = "all", value_name = "WHICH")]
    pub log: RequestLog,
    /// How long a client may take to send a request's line and headers,
    /// from its first byte; then the connection is closed.
    #[arg(long, value_name = "DURATION", default_value = "10s", value_parser = parse_timeout, allow_hyphen_values = true)]
    pub header_timeout: Duration,
    /// How long a connection may stay open with no request on it.
    #[arg(long, value_name = "DURATION", default_value = "30s", value_parser = parse_timeout, allow_hyphen_values = true)]
    pub idle_timeout: Duration,
    /// Connections served at once; more wait until one closes.
    #[arg(long, value_name = "N", default_value = "512", value_parser = clap::value_parser!(u32).range(1..=i64::from(MAX_CONNECTIONS)))]
    pub max_connections: u32,
    /// On Ctrl-C or SIGTERM, how long requests in flight have to finish;
    /// connections still open after it are cut off.
    #[arg(long, value_name = "DURATION", default_value = "5s", value_parser = parse_delay, allow_hyphen_values = true)]
    pub grace: Duration,
}

impl ServeArgs {
    /// The server's limits these options ask for.
    pub fn limits(&self) -> Limits {
        Limits {
            header_timeout: self.header_timeout,
            idle_timeout: self.idle_timeout,
            max_connections: Some(self.max_connections as usize),
            grace: self.grace,
        }
    }
}

#[cfg(test)]
mod tests {
    use clap::Parser;

    use crate::cli::{Cli, Command};
    use crate::people::server::Limits;

    #[test]
    fn the_defaults_are_the_servers() {
        let cli = Cli::try_parse_from(["mesonero", "serve"]).unwrap();
        let Some(Command::Serve(args)) = cli.command else {
            panic!("not serve: {cli:?}");
        };
        assert_eq!(args.limits(), Limits::default());
    }
}
