//! A run on the broker: its keys, and every command the cashier and the
//! waiters send about it. Each is safe to send again after a lost answer
//! (see `connection.rs`).

use std::time::Duration;

use redis::streams::StreamReadReply;
use redis::{AsyncCommands, Value};
use serde::{Deserialize, Serialize};

use super::connection::Broker;
use super::keys::{Keys, RunName, GROUP, OPEN_RUNS};
use super::scripts::{CLAIM, DISPATCH, KEEP};
use super::{BrokerError, POLL};
use crate::restaurant::processes::{Happened, ShiftSpec};
use crate::workload::OrderId;

/// How long a run's keys live at most: a cashier that dies leaves
/// nothing on the broker past this.
pub const RUN_LIFETIME: Duration = Duration::from_secs(24 * 60 * 60);

/// How long a closed run's keys stay, for its waiters to see it closed.
pub const KEPT_AFTER_CLOSE: Duration = Duration::from_secs(60);

/// How long a cashier's sign of life lasts; it gives one every second.
pub const CASHIER_SIGN: Duration = Duration::from_secs(5);

/// Orders added to the stream per round trip.
const ORDERS_PER_TRIP: usize = 1000;

/// Events read per round trip.
const EVENTS_PER_TRIP: usize = 1000;

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

    // The cashier's side.

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

    /// Puts orders `0..count` on the stream, each with its own id, so
    /// that a repeat after a lost answer adds none twice.
    pub async fn queue(&self, broker: &Broker, count: usize) -> Result<(), BrokerError> {
        let orders = self.keys.orders();
        broker
            .call(|mut c| {
                let orders = orders.clone();
                async move {
                    // Where an earlier try stopped.
                    let last: Vec<(String, Value)> = redis::cmd("XREVRANGE")
                        .arg(&orders)
                        .arg("+")
                        .arg("-")
                        .arg("COUNT")
                        .arg(1)
                        .query_async(&mut c)
                        .await?;
                    let mut next = last
                        .first()
                        .and_then(|(id, _)| id.strip_prefix("0-")?.parse::<usize>().ok())
                        .unwrap_or(0);
                    while next < count {
                        let end = (next + ORDERS_PER_TRIP).min(count);
                        let mut pipe = redis::pipe();
                        for order in next..end {
                            pipe.cmd("XADD")
                                .arg(&orders)
                                .arg(format!("0-{}", order + 1))
                                .arg("o")
                                .arg(order)
                                .ignore();
                        }
                        pipe.query_async::<()>(&mut c).await?;
                        next = end;
                    }
                    Ok(())
                }
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

    /// How many waiters are ready.
    pub async fn ready(&self, broker: &Broker) -> Result<usize, BrokerError> {
        let ready = self.keys.ready();
        broker
            .call(|mut c| {
                let ready = ready.clone();
                async move { c.scard(ready).await }
            })
            .await
    }

    /// What the waiters told after `last` (a stream id), waiting a
    /// moment for news; each with its stream id. Entries that are not a
    /// waiter's telling are left out: the broker is shared.
    pub async fn news(
        &self,
        broker: &Broker,
        last: &str,
    ) -> Result<Vec<(String, Option<Told>)>, BrokerError> {
        let events = self.keys.events();
        let reply: Option<StreamReadReply> = broker
            .call(|mut c| {
                let events = events.clone();
                async move {
                    redis::cmd("XREAD")
                        .arg("COUNT")
                        .arg(EVENTS_PER_TRIP)
                        .arg("BLOCK")
                        .arg(POLL.as_millis() as u64)
                        .arg("STREAMS")
                        .arg(events)
                        .arg(last)
                        .query_async(&mut c)
                        .await
                }
            })
            .await?;
        let entries = reply.into_iter().flat_map(|r| r.keys).flat_map(|k| k.ids);
        Ok(entries
            .map(|entry| {
                let told = entry
                    .get::<String>("e")
                    .and_then(|e| serde_json::from_str(&e).ok());
                (entry.id, told)
            })
            .collect())
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

    // The waiters' side.

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

    /// Takes badge `badge`, for `who`; false if another waiter has it.
    pub async fn wear(
        &self,
        broker: &Broker,
        badge: Badge,
        who: &str,
    ) -> Result<bool, BrokerError> {
        let staff = self.keys.staff();
        broker
            .call(|mut c| {
                let (staff, who) = (staff.clone(), who.to_string());
                async move {
                    let (won,): (bool,) = redis::pipe()
                        .hset_nx(&staff, badge, who)
                        .expire(&staff, secs(RUN_LIFETIME) as i64)
                        .ignore()
                        .query_async(&mut c)
                        .await?;
                    Ok(won)
                }
            })
            .await
    }

    /// The next badge no one has asked for.
    pub async fn next_badge(&self, broker: &Broker) -> Result<u64, BrokerError> {
        let badges = self.keys.badges();
        broker
            .call(|mut c| {
                let badges = badges.clone();
                async move {
                    let (next,): (u64,) = redis::pipe()
                        .incr(&badges, 1)
                        .expire(&badges, secs(RUN_LIFETIME) as i64)
                        .ignore()
                        .query_async(&mut c)
                        .await?;
                    Ok(next)
                }
            })
            .await
    }

    /// Says waiter `badge` is ready to serve.
    pub async fn say_ready(&self, broker: &Broker, badge: Badge) -> Result<(), BrokerError> {
        let ready = self.keys.ready();
        broker
            .call(|mut c| {
                let ready = ready.clone();
                async move {
                    redis::pipe()
                        .sadd(&ready, badge)
                        .ignore()
                        .expire(&ready, secs(RUN_LIFETIME) as i64)
                        .ignore()
                        .query_async::<()>(&mut c)
                        .await
                }
            })
            .await
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

    /// Takes the next order no one has taken, waiting a moment for one.
    pub async fn take(&self, broker: &Broker, badge: Badge) -> Result<Option<Taken>, BrokerError> {
        let orders = self.keys.orders();
        let reply: Option<StreamReadReply> = broker
            .call(|mut c| {
                let orders = orders.clone();
                async move {
                    redis::cmd("XREADGROUP")
                        .arg("GROUP")
                        .arg(GROUP)
                        .arg(consumer(badge))
                        .arg("COUNT")
                        .arg(1)
                        .arg("BLOCK")
                        .arg(POLL.as_millis() as u64)
                        .arg("STREAMS")
                        .arg(orders)
                        .arg(">")
                        .query_async(&mut c)
                        .await
                }
            })
            .await?;
        let entry = reply
            .into_iter()
            .flat_map(|r| r.keys)
            .flat_map(|k| k.ids)
            .next();
        let Some(entry) = entry else { return Ok(None) };
        let order = entry
            .get::<OrderId>("o")
            .ok_or_else(|| BrokerError::Garbled {
                what: format!("order entry {}", entry.id),
                why: "it has no order number".into(),
            })?;
        Ok(Some(Taken {
            entry: entry.id,
            order,
            from: None,
        }))
    }

    /// Claims an order another waiter has held for `idle` or longer.
    pub async fn claim(
        &self,
        broker: &Broker,
        badge: Badge,
        idle: Duration,
    ) -> Result<Option<Taken>, BrokerError> {
        let orders = self.keys.orders();
        let claimed: Option<(String, String, OrderId)> = broker
            .call(|mut c| {
                let orders = orders.clone();
                async move {
                    CLAIM
                        .key(orders)
                        .arg(GROUP)
                        .arg(consumer(badge))
                        .arg(idle.as_millis() as u64)
                        .invoke_async(&mut c)
                        .await
                }
            })
            .await?;
        Ok(claimed.map(|(entry, owner, order)| Taken {
            entry,
            order,
            // A consumer this program did not name is no waiter of ours;
            // 0 stands for it.
            from: Some(badge_of(&owner).unwrap_or(0)),
        }))
    }

    /// Keeps the order at `entry` from being claimed; false if it was.
    pub async fn keep(
        &self,
        broker: &Broker,
        badge: Badge,
        entry: &str,
    ) -> Result<bool, BrokerError> {
        let orders = self.keys.orders();
        broker
            .call(|mut c| {
                let orders = orders.clone();
                async move {
                    KEEP.key(orders)
                        .arg(GROUP)
                        .arg(consumer(badge))
                        .arg(entry)
                        .invoke_async(&mut c)
                        .await
                }
            })
            .await
    }

    /// Whether `order` is dispatched already.
    pub async fn is_dispatched(
        &self,
        broker: &Broker,
        order: OrderId,
    ) -> Result<bool, BrokerError> {
        let dispatched = self.keys.dispatched();
        broker
            .call(|mut c| {
                let dispatched = dispatched.clone();
                async move { c.hexists(dispatched, order).await }
            })
            .await
    }

    /// Acknowledges an order someone else dispatched.
    pub async fn ack(&self, broker: &Broker, entry: &str) -> Result<(), BrokerError> {
        let orders = self.keys.orders();
        broker
            .call(|mut c| {
                let orders = orders.clone();
                async move { c.xack(orders, GROUP, &[entry]).await }
            })
            .await
    }

    /// Tells the cashier what happened.
    pub async fn tell(&self, broker: &Broker, told: &Told) -> Result<(), BrokerError> {
        let events = self.keys.events();
        let text = serde_json::to_string(told).unwrap_or_default();
        broker
            .call(|mut c| {
                let (events, text) = (events.clone(), text.clone());
                async move { c.xadd(events, "*", &[("e", text)]).await }
            })
            .await
            .map(|_: String| ())
    }

    /// Dispatches the order at `entry`, telling `told`, unless someone has
    /// dispatched it: true if this waiter's dispatch is the one.
    pub async fn dispatch(
        &self,
        broker: &Broker,
        entry: &str,
        told: &Told,
    ) -> Result<bool, BrokerError> {
        let keys = &self.keys;
        let text = serde_json::to_string(told).unwrap_or_default();
        broker
            .call(|mut c| {
                let text = text.clone();
                async move {
                    DISPATCH
                        .key(keys.dispatched())
                        .key(keys.events())
                        .key(keys.orders())
                        .arg(told.order)
                        .arg(told.waiter)
                        .arg(entry)
                        .arg(text)
                        .arg(secs(RUN_LIFETIME))
                        .arg(GROUP)
                        .invoke_async(&mut c)
                        .await
                }
            })
            .await
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
