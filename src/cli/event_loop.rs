//! Options of the async models' event loop.

use std::fmt;
use std::time::Duration;

use clap::Args;

use super::parse_duration;

/// The most worker threads `--workers` may ask for.
pub const MAX_WORKERS: u32 = 1024;
/// The most threads `--blocking-threads` may ask for; the system's own
/// thread limit is checked when the run starts.
pub const MAX_BLOCKING_THREADS: u32 = 100_000;

/// The event loop of the async models.
#[derive(Debug, Args)]
#[command(next_help_heading = "Event loop of the async models")]
pub struct LoopArgs {
    /// Worker threads of async-multi's runtime [default: the machine's
    /// cores, as #[tokio::main] gives].
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=MAX_WORKERS as i64))]
    pub workers: Option<u32>,
    /// The most threads async-offload's blocking pool may start (tokio's
    /// max_blocking_threads) [default: 512, tokio's].
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=MAX_BLOCKING_THREADS as i64))]
    pub blocking_threads: Option<u32>,
    /// Warn of every stretch of at least this much restaurant time during
    /// which one waiter's code held the event loop, as asyncio's
    /// slow_callback_duration does; `off` to stop looking [default: 100ms,
    /// asyncio's].
    #[arg(long, value_name = "DURATION", value_parser = parse_slow_callback, allow_hyphen_values = true)]
    pub slow_callback: Option<SlowCallback>,
}

/// `--slow-callback`: a threshold, or off.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SlowCallback {
    /// Stretches at least this long are reported.
    After(Duration),
    /// The detector is off.
    Off,
}

impl fmt::Display for SlowCallback {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SlowCallback::After(d) => write!(f, "{}", humantime::format_duration(*d)),
            SlowCallback::Off => f.write_str("off"),
        }
    }
}

fn parse_slow_callback(text: &str) -> Result<SlowCallback, String> {
    if text.trim() == "off" {
        return Ok(SlowCallback::Off);
    }
    match parse_duration(text)? {
        d if d.is_zero() => Err(format!(
            "'{text}' is no threshold: give a positive duration, such as 100ms, or off"
        )),
        d => Ok(SlowCallback::After(d)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::event_loop::DEFAULT_BLOCKING_THREADS;
    use crate::restaurant::DEFAULT_SLOW_CALLBACK;
    use clap::CommandFactory;

    #[test]
    fn thresholds_are_positive_durations_or_off() {
        assert_eq!(
            parse_slow_callback("250ms"),
            Ok(SlowCallback::After(Duration::from_millis(250)))
        );
        assert_eq!(parse_slow_callback("off"), Ok(SlowCallback::Off));
        for bad in ["0", "0s", "-1", "-5ms", "soon", "1e9"] {
            assert!(parse_slow_callback(bad).is_err(), "{bad}");
        }
    }

    /// The defaults are stated in code once; the help, which clap cannot
    /// derive for an option whose absence means something, must agree.
    #[test]
    fn the_help_states_the_defaults_in_use() {
        let help = crate::cli::Cli::command()
            .find_subcommand_mut("restaurant")
            .expect("restaurant")
            .render_long_help()
            .to_string();
        let blocking = format!("[default: {DEFAULT_BLOCKING_THREADS}, tokio's]");
        let slow = format!(
            "[default: {}, asyncio's]",
            humantime::format_duration(DEFAULT_SLOW_CALLBACK)
        );
        let flat = help.split_whitespace().collect::<Vec<_>>().join(" ");
        assert!(flat.contains(&blocking), "{help}");
        assert!(flat.contains(&slow), "{help}");
    }
}
