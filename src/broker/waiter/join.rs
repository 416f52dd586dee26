//! Joining a run: finding it (the one named, or the latest whose cashier
//! is alive), waiting for its shift, and wearing a badge.

use super::super::connection::Broker;
use super::super::run::{Badge, BrokerRun};
use super::super::{tell, BrokerError, BrokerSettings, POLL};
use crate::restaurant::processes::ShiftSpec;

/// The run named, or else the one most recently opened, waiting for one.
pub(super) async fn find_run(
    broker: &Broker,
    settings: &BrokerSettings,
) -> Result<BrokerRun, BrokerError> {
    if let Some(name) = &settings.run {
        return Ok(BrokerRun::named(name.clone()));
    }
    let mut told = false;
    loop {
        if let Some(name) = BrokerRun::latest(broker).await? {
            return Ok(BrokerRun::named(name));
        }
        if !std::mem::replace(&mut told, true) {
            tell(&format!(
                "waiting for a cashier to open a run on {}",
                broker.url()
            ));
        }
        pause(broker).await?;
    }
}

/// The run's shift, waiting for its cashier to create it.
pub(super) async fn wait_for_shift(
    broker: &Broker,
    run: &BrokerRun,
) -> Result<ShiftSpec, BrokerError> {
    let mut told = false;
    loop {
        if let Some(spec) = run.shift(broker).await? {
            return Ok(spec);
        }
        if !std::mem::replace(&mut told, true) {
            tell(&format!(
                "waiting for run {} to be opened on {}",
                run.name(),
                broker.url()
            ));
        }
        pause(broker).await?;
    }
}

/// The badge asked for, or the next free one.
pub(super) async fn wear_badge(
    broker: &Broker,
    run: &BrokerRun,
    id: Option<Badge>,
) -> Result<Badge, BrokerError> {
    let who = format!("process {}", std::process::id());
    if let Some(badge) = id {
        return match run.wear(broker, badge, &who).await? {
            true => Ok(badge),
            false => Err(BrokerError::BadgeTaken {
                badge: badge.into(),
                run: run.name().to_string(),
            }),
        };
    }
    loop {
        let next = run.next_badge(broker).await?;
        let Ok(badge) = Badge::try_from(next) else {
            return Err(BrokerError::BadSetup(format!(
                "run {} has handed out every badge up to {}",
                run.name(),
                Badge::MAX
            )));
        };
        // A badge someone took with --id is skipped.
        if run.wear(broker, badge, &who).await? {
            return Ok(badge);
        }
    }
}

/// A moment between looks at the broker, cut short by a stop.
async fn pause(broker: &Broker) -> Result<(), BrokerError> {
    broker.pause(POLL).await
}
