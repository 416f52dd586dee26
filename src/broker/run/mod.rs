//! A run on the broker: its keys, and every command the cashier and the
//! waiters send about it. Each is safe to send again after a lost answer
//! (see `connection.rs`).
//!
//! Here, the run's life: created, opened, watched, closed, found. The
//! orders' stream is in `orders.rs`, the events' in `events.rs`, the
//! badges and the ready waiters in `staff.rs`.

use std::time::Duration;

use redis::AsyncCommands;
use serde::{Deserialize, Serialize};

mod events;
mod orders;
mod staff;

use super::connection::Broker;
use super::keys::{Keys, RunName, GROUP, OPEN_RUNS};
use super::BrokerError;
use crate::restaurant::processes::{Happened, ShiftSpec};
use crate::workload::OrderId;

/// How long a run's keys live at most: a cashier that dies leaves
/// nothing on the broker past this.
pub const RUN_LIFETIME: Duration = Duration::from_secs(24 * 60 * 60);

/// How long a closed run's keys stay, for its waiters to see it closed.
pub const KEPT_AFTER_CLOSE: Duration = Duration::from_secs(60);

/// How long a cashier's sign of life lasts; it gives one every second.
pub const CASHIER_SIGN: Duration = Duration::from_secs(5);

/// A waiter's badge on a broker run: 1 to 65,535.
pub type Badge = u16;

/// Something that happened, as a waiter tells the cashier through the
/// events stream.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Told {
    /// The waiter.
    pub waiter: Badge,
    /// The waiter's count of what it told, from 1: the cashier drops a
    /// repeat of one it has (sent again after a lost answer).
    pub seq: u64,
    /// Restaurant time, in microseconds, on the waiter's clock.
    pub at_us: u64,
    /// The order.
    pub order: OrderId,
    /// What.
    pub what: Happened,
}

/// An order taken from the stream: its entry, to acknowledge it by.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Taken {
    /// The stream entry's id.
    pub entry: String,
    /// The order.
    pub order: OrderId,
    /// The waiter it was taken from, for an order claimed from another.
    pub from: Option<Badge>,
}

/// Where a run stands, as a waiter sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RunState {
    /// The opening, in nanoseconds of wall time, once the cashier opened.
    pub opening: Option<u128>,
    /// Whether the cashier closed the run.
    pub closed: bool,
    /// Whether the cashier showed a sign of life lately.
    pub cashier: bool,
}

impl RunState {
    /// Whether the run may still have orders to serve.
    pub fn alive(&self) -> bool {
        self.cashier && !self.closed
    }
}

/// One run on the broker.
pub struct BrokerRun {
    name: RunName,
    keys: Keys,
}

/// A waiter's name in the consumer group.
fn consumer(badge: Badge) -> String {
    format!("waiter-{badge}")
}

/// The badge in a consumer's name.
fn badge_of(consumer: &str) -> Option<Badge> {
    consumer.strip_prefix("waiter-")?.parse().ok()
}

/// Seconds of wall time since 1970, to order the runs by.
fn wall_seconds() -> f64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default()
        .as_secs_f64()
}

/// Seconds, for EXPIRE.
fn secs(d: Duration) -> u64 {
    d.as_secs().max(1)
}

impl BrokerRun {
    /// The run named `name`.
    pub fn named(name: RunName) -> BrokerRun {
        BrokerRun {
            keys: name.keys(),
            name,
        }
    }

    /// Its name.
    pub fn name(&self) -> &RunName {
        &self.name
    }

    /// Creates the run with its shift; a run of that name still on the
    /// broker is refused.
    pub async fn create(&self, broker: &Broker, spec: &ShiftSpec) -> Result<(), BrokerError> {
        let shift = serde_json::to_string(spec).unwrap_or_default();
        let keys = &self.keys;
        let created: bool = broker
            .call(|mut c| {
                let shift = shift.clone();
                async move {
                    redis::cmd("SET")
                        .arg(keys.shift())
                        .arg(shift)
                        .arg("NX")
                        .arg("EX")
                        .arg(secs(RUN_LIFETIME))
                        .query_async::<Option<String>>(&mut c)
                        .await
                        .map(|ok| ok.is_some())
                }
            })
            .await?;
        if !created {
            return Err(BrokerError::RunTaken {
                run: self.name.to_string(),
                url: broker.url().to_string(),
            });
        }
        let name = self.name.as_str();
        broker
            .call(|mut c| async move {
                let mut pipe = redis::pipe();
                // Both streams are made now, so that they can be set to
                // expire; the events' group is only there to make it.
                for stream in [keys.orders(), keys.events()] {
                    pipe.cmd("XGROUP")
                        .arg("CREATE")
                        .arg(&stream)
                        .arg(GROUP)
                        .arg("0")
                        .arg("MKSTREAM")
                        .ignore();
                }
                for key in [keys.orders(), keys.events()] {
                    pipe.expire(key, secs(RUN_LIFETIME) as i64).ignore();
                }
                pipe.zadd(OPEN_RUNS, name, wall_seconds()).ignore();
                pipe.set_ex(keys.cashier(), 1, secs(CASHIER_SIGN)).ignore();
                pipe.query_async::<()>(&mut c).await.or_else(already_there)
            })
            .await
    }

    /// Opens the restaurant at `epoch` (nanoseconds of wall time).
    pub async fn open(&self, broker: &Broker, epoch: u128) -> Result<(), BrokerError> {
        let open = self.keys.open();
        broker
            .call(|mut c| {
                let open = open.clone();
                async move { c.set_ex(open, epoch.to_string(), secs(RUN_LIFETIME)).await }
            })
            .await
    }

    /// The cashier's sign of life, which lasts [`CASHIER_SIGN`].
    pub async fn cashier_alive(&self, broker: &Broker) -> Result<(), BrokerError> {
        let key = self.keys.cashier();
        broker
            .call(|mut c| {
                let key = key.clone();
                async move { c.set_ex(key, 1, secs(CASHIER_SIGN)).await }
            })
            .await
    }

    /// Closes the run: its waiters go home, and its keys expire soon.
    pub async fn close(&self, broker: &Broker) -> Result<(), BrokerError> {
        let keys = &self.keys;
        let name = self.name.as_str();
        broker
            .call_stopping(|mut c| async move {
                let mut pipe = redis::pipe();
                pipe.set_ex(keys.closed(), 1, secs(KEPT_AFTER_CLOSE))
                    .ignore();
                for key in keys.all() {
                    pipe.expire(key, secs(KEPT_AFTER_CLOSE) as i64).ignore();
                }
                pipe.zrem(OPEN_RUNS, name).ignore();
                pipe.query_async::<()>(&mut c).await
            })
            .await
    }

    /// The run most recently created whose cashier is alive, if any.
    /// Runs whose cashier died or whose keys expired are taken off the
    /// list on the way.
    pub async fn latest(broker: &Broker) -> Result<Option<RunName>, BrokerError> {
        let names: Vec<String> = broker
            .call(|mut c| async move { c.zrevrange(OPEN_RUNS, 0, 9).await })
            .await?;
        for name in names {
            let run = RunName::parse(&name).ok().map(BrokerRun::named);
            if let Some(run) = run {
                if run.state(broker).await?.alive() {
                    return Ok(Some(run.name));
                }
            }
            broker
                .call(|mut c| {
                    let name = name.clone();
                    async move { c.zrem(OPEN_RUNS, name).await }
                })
                .await
                .map(|_: i64| ())?;
        }
        Ok(None)
    }

    /// The run's shift, once its cashier has created it.
    pub async fn shift(&self, broker: &Broker) -> Result<Option<ShiftSpec>, BrokerError> {
        let key = self.keys.shift();
        let text: Option<String> = broker
            .call(|mut c| {
                let key = key.clone();
                async move { c.get(key).await }
            })
            .await?;
        match text {
            None => Ok(None),
            Some(text) => serde_json::from_str(&text)
                .map(Some)
                .map_err(|e| BrokerError::Garbled {
                    what: format!("run {}'s shift", self.name),
                    why: e.to_string(),
                }),
        }
    }

    /// Where the run stands.
    pub async fn state(&self, broker: &Broker) -> Result<RunState, BrokerError> {
        let keys = &self.keys;
        let (opening, closed, cashier): (Option<String>, bool, bool) = broker
            .call(|mut c| async move {
                redis::pipe()
                    .get(keys.open())
                    .exists(keys.closed())
                    .exists(keys.cashier())
                    .query_async(&mut c)
                    .await
            })
            .await?;
        Ok(RunState {
            opening: opening.and_then(|o| o.parse().ok()),
            closed,
            cashier,
        })
    }
}

/// A group made by an earlier try is no failure.
fn already_there(e: redis::RedisError) -> redis::RedisResult<()> {
    if e.code() == Some("BUSYGROUP") {
        Ok(())
    } else {
        Err(e)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn badges_are_read_back_from_consumer_names() {
        assert_eq!(badge_of(&consumer(7)), Some(7));
        assert_eq!(badge_of("rogue"), None);
        assert_eq!(badge_of("waiter-70000"), None);
    }

    #[test]
    fn what_is_told_goes_as_json_and_comes_back() {
        let told = Told {
            waiter: 3,
            seq: 9,
            at_us: 1_500_000,
            order: 2,
            what: Happened::RequestProduct(1),
        };
        let text = serde_json::to_string(&told).unwrap();
        assert_eq!(serde_json::from_str::<Told>(&text).unwrap(), told);
    }
}
