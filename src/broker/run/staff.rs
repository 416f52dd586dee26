//! The run's staff: the waiters' badges, and who is ready.

use redis::AsyncCommands;

use super::super::connection::Broker;
use super::super::BrokerError;
use super::{secs, Badge, BrokerRun, RUN_LIFETIME};

impl BrokerRun {
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
}
