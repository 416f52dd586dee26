//! The stream of orders: queued by the cashier with their own ids, taken
//! by the waiters in one consumer group, claimed from a silent waiter,
//! kept by a live one, and dispatched once.

use std::time::Duration;

use redis::streams::StreamReadReply;
use redis::{AsyncCommands, Value};

use super::super::connection::Broker;
use super::super::keys::GROUP;
use super::super::scripts::{CLAIM, DISPATCH, KEEP};
use super::super::{BrokerError, POLL};
use super::{badge_of, consumer, secs, Badge, BrokerRun, Taken, Told, RUN_LIFETIME};
use crate::workload::OrderId;

/// Orders added to the stream per round trip.
const ORDERS_PER_TRIP: usize = 1000;

impl BrokerRun {
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

    /// Takes the next order no one has taken; with `wait`, waiting a
    /// moment for one.
    pub async fn take(
        &self,
        broker: &Broker,
        badge: Badge,
        wait: bool,
    ) -> Result<Option<Taken>, BrokerError> {
        let orders = self.keys.orders();
        let reply: Option<StreamReadReply> = broker
            .call(|mut c| {
                let orders = orders.clone();
                async move {
                    let mut read = redis::cmd("XREADGROUP");
                    read.arg("GROUP").arg(GROUP).arg(consumer(badge));
                    read.arg("COUNT").arg(1);
                    if wait {
                        read.arg("BLOCK").arg(POLL.as_millis() as u64);
                    }
                    read.arg("STREAMS").arg(orders).arg(">");
                    read.query_async(&mut c).await
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
