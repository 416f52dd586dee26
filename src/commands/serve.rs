//! `mesonero serve`: the people API on a port until Ctrl-C or SIGTERM,
//! then a graceful stop: requests in flight get their answers first, for
//! at most the grace period.
//!
//! Everything it prints goes to stderr, and a stderr that is closed
//! (`mesonero serve 2>&1 | head -1`) or full (`2>/dev/full`) must not stop
//! the server: the lines are written with errors ignored, never with
//! `eprintln!`, which panics on them.

use std::future::Future;
use std::io::IsTerminal;
use std::sync::Arc;
use std::time::Duration;

use tracing_subscriber::EnvFilter;

use crate::cli::ServeArgs;
use crate::clock::Shutdown;
use crate::people::server::Stopped;
use crate::people::{Dataset, RequestLog, ServeError, Server, ServerConfig};

use super::CommandError;

pub(super) fn run(args: &ServeArgs, shutdown: &Shutdown) -> Result<(), CommandError> {
    let dataset = match args.people {
        _ if !args.data.is_empty() => Dataset::from_fixture_files(&args.data)?,
        Some(people) => Dataset::generated(people)?,
        None => Dataset::builtin(),
    };
    if args.log != RequestLog::Off {
        init_log();
    }
    let config = ServerConfig {
        addr: args.addr,
        delay: args.delay,
        jitter: args.jitter,
        fail_rate: args.fail_rate,
        seed: args.seed,
        dataset: Arc::new(dataset),
        request_log: args.log,
        limits: args.limits(),
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(ServeError::Start)?;
    runtime.block_on(serve(config, shutdown.clone()))
}

async fn serve(config: ServerConfig, shutdown: Shutdown) -> Result<(), CommandError> {
    let people = config.dataset.people_count();
    let grace = config.limits.grace;
    let settings = format!(
        "delay {}, jitter {}, fail rate {}%",
        humantime::format_duration(config.delay),
        humantime::format_duration(config.jitter),
        percent(config.fail_rate)
    );
    let server = Server::bind(config).await?;
    // The actual address, so that `--addr 127.0.0.1:0` tells its port.
    say(&format!(
        "serving {people} people on http://{} ({settings}); Ctrl-C to stop",
        server.local_addr()
    ));
    let requests = server.requests();
    let (first, hurry) = stop_signals(shutdown);
    let stop = async move {
        first.await;
        say(&format!(
            "stopping: requests in flight have {} to finish; Ctrl-C to stop at once",
            humantime::format_duration(grace)
        ));
    };
    let stopped = server.run_until(stop, hurry).await?;
    say(&stop_line(requests.get(), stopped, grace));
    Ok(())
}

/// The last line: how many requests were served, and how many connections
/// were cut off, if any.
fn stop_line(requests: u64, stopped: Stopped, grace: Duration) -> String {
    let mut line = format!("stopped after {requests} {}", plural(requests, "request"));
    if stopped.cut_off > 0 {
        let cut = plural(stopped.cut_off as u64, "connection");
        let when = if stopped.hurried {
            "at the second stop signal".to_string()
        } else {
            format!(
                "after the {} grace period",
                humantime::format_duration(grace)
            )
        };
        line.push_str(&format!(
            "; cut off {} {cut} still open {when}",
            stopped.cut_off
        ));
    }
    line
}

fn plural(n: u64, word: &str) -> String {
    if n == 1 {
        word.to_string()
    } else {
        format!("{word}s")
    }
}

/// Writes a line to stderr. A closed or full stderr is not worth stopping
/// the server for, nor can it be told about.
fn say(line: &str) {
    noteln!("{line}");
}

/// Two futures: the first completes on the first Ctrl-C or SIGTERM, which
/// starts the graceful stop; the second on a second one, which cuts the
/// grace period short (a third ends the process at once, from the command
/// layer's handler).
fn stop_signals(
    shutdown: Shutdown,
) -> (
    impl Future<Output = ()> + Send + 'static,
    impl Future<Output = ()> + Send + 'static,
) {
    shutdown.listen_for_hurry();
    let again = shutdown.clone();
    (async move { shutdown.triggered().await }, async move {
        again.hurried().await
    })
}

/// Request lines go to stderr with the start line; `RUST_LOG` may change
/// what is shown, such as `info,mesonero::connections=debug` for each
/// connection's opening, timeouts and close.
fn init_log() {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    // A subscriber set before (by a test harness, say) stays in place.
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal())
        .with_target(false)
        // A line that cannot be written is dropped: by default the
        // subscriber reports it with `eprintln!`, which panics when
        // stderr is closed, and the panic takes the request's answer.
        .log_internal_errors(false)
        .try_init();
}

/// A fraction as a short percentage: 0.1 is `10`, 0.125 is `12.5`.
fn percent(rate: f64) -> String {
    // Rounded to a millionth of a percent, so 0.1 is not 10.000000000000002.
    let value = (rate * 100.0 * 1e6).round() / 1e6;
    format!("{value}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_stop_line_counts_requests_and_connections_cut_off() {
        let grace = Duration::from_secs(5);
        let clean = Stopped {
            cut_off: 0,
            hurried: false,
        };
        assert_eq!(stop_line(1, clean, grace), "stopped after 1 request");
        assert_eq!(stop_line(0, clean, grace), "stopped after 0 requests");
        let cut = Stopped {
            cut_off: 2,
            hurried: false,
        };
        assert_eq!(
            stop_line(7, cut, grace),
            "stopped after 7 requests; cut off 2 connections still open after the 5s grace period"
        );
        let hurried = Stopped {
            cut_off: 1,
            hurried: true,
        };
        assert_eq!(
            stop_line(3, hurried, grace),
            "stopped after 3 requests; cut off 1 connection still open at the second stop signal"
        );
    }

    #[test]
    fn rates_print_as_short_percentages() {
        assert_eq!(percent(0.0), "0");
        assert_eq!(percent(0.1), "10");
        assert_eq!(percent(0.125), "12.5");
        assert_eq!(percent(1.0), "100");
    }
}
