//! The cashier's desk: what the waiter processes share, and the service
//! of each one's messages.
//!
//! The queue of orders and the kitchen's cooks stay with the cashier, as
//! the one copy every waiter takes from and asks; so does the trace, into
//! which every waiter's events are merged as they arrive.
//!
//! Each waiter stamps its events on its own clock, set to the cashier's
//! opening (see `epoch.rs`), so their times carry no delay of the
//! connection. Two waiters' events may still cross on the way: one
//! stamped at 5.000 s may arrive after another's stamped at 5.001 s. The
//! trace must stay in time order, so an event that arrives after a later
//! one is recorded at that later time: late by no more than it spent in
//! transit, and each waiter's own events keep their order, which is all
//! the invariants compare.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use super::channel::{FromCashier, FromWaiter, Happened};
use super::line::Line;
use crate::kitchen::Kitchen;
use crate::restaurant::OrderQueue;
use crate::trace::Recorder;
use crate::workload::{OrderId, Workload, MAX_PREPARATION};

/// The latest restaurant time a waiter may name: a century, far past any
/// run, and far from overflowing the kitchen's arithmetic.
pub(crate) const MAX_TIME: Duration = Duration::from_secs(100 * 365 * 86_400);

/// How a waiter's conversation ended early.
#[derive(Debug, PartialEq, Eq)]
pub enum Breach {
    /// The connection ended (or failed) before the waiter was done: the
    /// process died, most likely.
    Hung,
    /// The waiter said something a waiter must not.
    Broke(String),
}

/// What every waiter shares, kept by the cashier.
pub struct Desk {
    workload: Arc<Workload>,
    orders: OrderQueue,
    kitchen: Kitchen,
    recorder: Arc<Recorder>,
    merge: Merge,
}

impl Desk {
    /// A desk for `workload`, with `cooks` in the kitchen, recording into
    /// `recorder`.
    pub fn new(workload: &Arc<Workload>, cooks: Option<usize>, recorder: &Arc<Recorder>) -> Desk {
        Desk {
            workload: Arc::clone(workload),
            orders: OrderQueue::new(workload.orders().len()),
            kitchen: Kitchen::new(cooks),
            recorder: Arc::clone(recorder),
            merge: Merge::default(),
        }
    }

    /// Serves one waiter's messages until it is done and hangs up.
    pub async fn attend(&self, line: &mut Line) -> Result<(), Breach> {
        loop {
            let message = match line.receive().await {
                Ok(Some(message)) => message,
                Ok(None) if line.done => return Ok(()),
                Ok(None) => return Err(Breach::Hung),
                Err(e) if e.kind() == std::io::ErrorKind::InvalidData => {
                    return Err(Breach::Broke(format!(
                        "sent something else than a message ({e})"
                    )))
                }
                Err(_) => return Err(Breach::Hung),
            };
            if line.done {
                return Err(Breach::Broke("went on after it was done".into()));
            }
            match message {
                // The article's `orders.get()`, for a waiter elsewhere.
                FromWaiter::Take => {
                    let order = self.orders.get();
                    if let Some(order) = order {
                        line.held.insert(order);
                    }
                    reply(line, &FromCashier::Order { order }).await?;
                }
                FromWaiter::Kitchen { now, preparation } => {
                    if now > MAX_TIME || preparation > MAX_PREPARATION {
                        return Err(Breach::Broke(format!(
                            "asked the kitchen for {preparation:?} at {now:?}"
                        )));
                    }
                    let until = self.kitchen.ready_at(now, preparation);
                    reply(line, &FromCashier::Ready { until }).await?;
                }
                FromWaiter::Event { at, order, what } => self.record(line, at, order, what)?,
                FromWaiter::Done if line.held.is_empty() => line.done = true,
                FromWaiter::Done => {
                    return Err(Breach::Broke("said it was done with orders in hand".into()))
                }
                FromWaiter::Hello { .. } | FromWaiter::Ready => {
                    return Err(Breach::Broke("greeted the cashier again".into()))
                }
            }
        }
    }

    /// Records what happened to an order the waiter holds.
    fn record(
        &self,
        line: &mut Line,
        at: Duration,
        order: OrderId,
        what: Happened,
    ) -> Result<(), Breach> {
        let broke = |what: String| Err(Breach::Broke(what));
        if !line.held.contains(&order) {
            return broke(format!("told of order {order}, which it does not hold"));
        }
        if at > MAX_TIME {
            return broke(format!("told of a moment past a century: {at:?}"));
        }
        // Only a broker re-delivers: the cashier hands out each order once.
        if let Happened::Redelivered(_) = what {
            return broke("told of a re-delivery".into());
        }
        let items = self.workload.order(order).products.len();
        let Some(kinds) = what.kinds(items) else {
            return broke(format!("told of a product order {order} does not have"));
        };
        // Read under the trace's lock, as any clock is.
        let merged = || self.merge.at(at);
        self.recorder.record_all(&merged, line.waiter, order, kinds);
        if what == Happened::Dispatched {
            line.held.remove(&order);
        }
        Ok(())
    }
}

/// The times of events merged from several waiters, in time order.
#[derive(Default)]
pub struct Merge {
    /// The latest time recorded, in microseconds, as the trace keeps it.
    latest: AtomicU64,
}

impl Merge {
    /// The time to record an event stamped `at`: `at`, or the latest time
    /// recorded if that is later.
    pub fn at(&self, at: Duration) -> Duration {
        let at = at.as_micros() as u64;
        let latest = self.latest.fetch_max(at, Ordering::Relaxed);
        Duration::from_micros(latest.max(at))
    }
}

/// Answers a waiter; a connection that fails is a waiter gone.
async fn reply(line: &mut Line, message: &FromCashier) -> Result<(), Breach> {
    line.send(message).await.map_err(|_| Breach::Hung)
}

#[cfg(test)]
mod tests;
