//! The stream of events: what the waiters tell, as JSON, and the cashier
//! reads in order.

use redis::streams::StreamReadReply;
use redis::AsyncCommands;

use super::super::connection::Broker;
use super::super::{BrokerError, POLL};
use super::{BrokerRun, Told};

/// Events read per round trip.
const EVENTS_PER_TRIP: usize = 1000;

/// The longest event the cashier reads: a waiter's are about a hundred
/// bytes, and anything else on a shared broker is not one.
const MAX_TOLD: usize = 1024;

impl BrokerRun {
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
                    .filter(|e| e.len() <= MAX_TOLD)
                    .and_then(|e| serde_json::from_str(&e).ok());
                (entry.id, told)
            })
            .collect())
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
}
