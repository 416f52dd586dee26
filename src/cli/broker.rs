//! The options of a run through a broker: `cashier`, `waiter`, and
//! `--broker` of `restaurant` and `compare` for the `processes` model.

use std::time::Duration;

use clap::Args;

use super::{parse_duration, EventFormat, PictureArgs, WorkloadArgs};
use crate::broker::{self, BrokerError, BrokerSettings, BrokerUrl, RunName, URL_VAR};

/// Where the broker is, and how a run uses it.
#[derive(Debug, Args)]
pub struct BrokerArgs {
    /// The broker: a Redis server, as redis://[[USER]:PASSWORD@]HOST[:PORT][/DB].
    /// With it, the processes model's waiters take their orders from a
    /// Redis stream instead of from the cashier. `cashier` and `waiter`
    /// also read it from the environment variable MESONERO_BROKER, which
    /// keeps a password off the command line.
    // This text is the option's help, where the URL's brackets mean
    // "optional", not links.
    #[allow(rustdoc::broken_intra_doc_links)]
    #[arg(long, value_name = "URL", value_parser = parse_broker)]
    pub broker: Option<BrokerUrl>,
    /// The run's name on the broker: letters, digits, '.', '_' and '-'
    /// [default: a new name for a cashier; the latest open run for a
    /// waiter].
    #[arg(long, value_name = "NAME", value_parser = parse_run)]
    pub run: Option<RunName>,
    /// How long an order may go without a sign of life from its waiter
    /// before another waiter claims it.
    #[arg(long, value_name = "DURATION", value_parser = parse_claim_after,
          default_value_t = broker::DEFAULT_CLAIM_AFTER.into())]
    pub claim_after: humantime::Duration,
    /// How long to keep trying to reach a broker that was lost before
    /// giving up.
    #[arg(long, value_name = "DURATION", value_parser = parse_patience,
          default_value_t = broker::DEFAULT_PATIENCE.into())]
    pub patience: humantime::Duration,
}

impl BrokerArgs {
    /// The settings, if a broker is given.
    pub fn settings(&self, deadline: Option<Duration>) -> Option<BrokerSettings> {
        Some(self.settings_at(self.broker.clone()?, deadline))
    }

    /// The settings, with the broker given, or else the one in
    /// [`URL_VAR`]; an error says that neither is.
    pub fn required(&self, deadline: Option<Duration>) -> Result<BrokerSettings, BrokerError> {
        let url = match &self.broker {
            Some(url) => url.clone(),
            None => match std::env::var(URL_VAR) {
                Ok(text) => BrokerUrl::parse(&text)?,
                Err(_) => {
                    return Err(BrokerError::BadSetup(format!(
                        "give the broker with --broker redis://HOST:PORT, or in {URL_VAR}"
                    )))
                }
            },
        };
        Ok(self.settings_at(url, deadline))
    }

    fn settings_at(&self, url: BrokerUrl, deadline: Option<Duration>) -> BrokerSettings {
        BrokerSettings {
            run: self.run.clone(),
            claim_after: self.claim_after.into(),
            patience: self.patience.into(),
            deadline,
            ..BrokerSettings::new(url)
        }
    }
}

/// Options of `mesonero cashier`.
#[derive(Debug, Args)]
pub struct CashierArgs {
    #[command(flatten)]
    pub broker: BrokerArgs,
    /// Open once this many waiters are ready: until then, no order is
    /// taken and the restaurant's clock does not run.
    #[arg(long, value_name = "N", default_value_t = 1,
          value_parser = clap::value_parser!(u16).range(0..))]
    pub waiters: u16,
    /// Give up on the orders still unserved this long after the start,
    /// listing them [default: wait as long as waiters serve].
    #[arg(long, value_name = "DURATION", value_parser = parse_duration)]
    pub deadline: Option<Duration>,
    /// How many restaurant seconds pass in one wall second, for every
    /// waiter of the run.
    #[arg(long, default_value = super::DEFAULT_SPEED, value_parser = super::parse_speed, allow_negative_numbers = true)]
    pub speed: f64,
    /// Every waiter computes under a GIL of its own process.
    #[arg(long)]
    pub gil: bool,
    /// How to print what happens.
    #[arg(long, value_enum, default_value = "log")]
    pub format: EventFormat,
    #[command(flatten)]
    pub pictures: PictureArgs,
    #[command(flatten)]
    pub workload: WorkloadArgs,
}

/// Options of `mesonero waiter`.
#[derive(Debug, Args)]
pub struct WaiterArgs {
    #[command(flatten)]
    pub broker: BrokerArgs,
    /// Serve as the article's async waiter: on an event loop, taking every
    /// order there is at once and gathering them, round after round.
    #[arg(long = "async")]
    pub asynchronous: bool,
    /// This waiter's badge, from 1 to 65535 [default: the next free one].
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..))]
    pub id: Option<u16>,
    /// How to print what this waiter does.
    #[arg(long, value_enum, default_value = "log")]
    pub format: EventFormat,
}

fn parse_broker(text: &str) -> Result<BrokerUrl, String> {
    BrokerUrl::parse(text).map_err(|e| e.to_string())
}

fn parse_run(text: &str) -> Result<RunName, String> {
    RunName::parse(text).map_err(|e| e.to_string())
}

fn parse_claim_after(text: &str) -> Result<humantime::Duration, String> {
    let d = parse_duration(text)?;
    if d < broker::MIN_CLAIM_AFTER {
        return Err(format!(
            "'{text}' is too short: a waiter shows it is alive three times in that time; give at least {}",
            humantime::format_duration(broker::MIN_CLAIM_AFTER)
        ));
    }
    Ok(d.into())
}

fn parse_patience(text: &str) -> Result<humantime::Duration, String> {
    parse_duration(text).map(Into::into)
}
