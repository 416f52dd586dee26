//! `mesonero serve`: the people API on a port until Ctrl-C or SIGTERM,
//! then a graceful stop: requests in flight get their answers first.
//!
//! Everything it prints goes to stderr, and a stderr that is closed
//! (`mesonero serve 2>&1 | head -1`) or full (`2>/dev/full`) must not stop
//! the server: the lines are written with errors ignored, never with
//! `eprintln!`, which panics on them.

use std::future::Future;
use std::io::{self, IsTerminal, Write};
use std::sync::Arc;

use tracing_subscriber::EnvFilter;

use crate::cli::ServeArgs;
use crate::clock::Shutdown;
use crate::people::{Dataset, RequestLog, ServeError, Server, ServerConfig};

use super::CommandError;

pub(super) fn run(args: &ServeArgs, shutdown: &Shutdown) -> Result<(), CommandError> {
    let dataset = if args.data.is_empty() {
        Dataset::builtin()
    } else {
        Dataset::from_fixture_files(&args.data)?
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
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(ServeError::Start)?;
    runtime.block_on(serve(config, shutdown.clone()))
}

async fn serve(config: ServerConfig, shutdown: Shutdown) -> Result<(), CommandError> {
    let people = config.dataset.people_count();
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
    server.run(stop_signal(shutdown)).await?;
    let count = requests.get();
    say(&format!(
        "stopped after {count} request{}",
        if count == 1 { "" } else { "s" }
    ));
    Ok(())
}

/// Writes a line to stderr. A closed or full stderr is not worth stopping
/// the server for, nor can it be told about.
fn say(line: &str) {
    let _ = writeln!(io::stderr().lock(), "{line}");
}

/// Completes on the first Ctrl-C (the command layer's handler triggers
/// `shutdown`; a second Ctrl-C ends the process at once) or on SIGTERM,
/// as a service manager sends it.
fn stop_signal(shutdown: Shutdown) -> impl Future<Output = ()> + Send + 'static {
    #[cfg(unix)]
    let terminate = {
        use tokio::signal::unix::{signal, SignalKind};
        // Without SIGTERM handling, SIGTERM keeps its default effect of
        // ending the process, which is an acceptable fallback.
        signal(SignalKind::terminate()).ok()
    };
    async move {
        #[cfg(unix)]
        if let Some(mut terminate) = terminate {
            tokio::select! {
                () = shutdown.triggered() => {}
                _ = terminate.recv() => {}
            }
            return;
        }
        shutdown.triggered().await;
    }
}

/// Request lines go to stderr with the start line; `RUST_LOG` may change
/// what is shown.
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
    fn rates_print_as_short_percentages() {
        assert_eq!(percent(0.0), "0");
        assert_eq!(percent(0.1), "10");
        assert_eq!(percent(0.125), "12.5");
        assert_eq!(percent(1.0), "100");
    }
}
