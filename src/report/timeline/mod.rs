//! Timelines: who waits, when, for what.
//!
//! A [`Chart`] lays one run out in lanes: one lane per waiter, split into
//! as many tracks as the waiter had products in flight at once (one for a
//! sync or threaded waiter, one per product for the async one), and one
//! [`Bar`] per product, from the request until the product is ready: the
//! kitchen's answer, or for a product that needs CPU time, the end of the
//! waiter's computing, which splits the bar in two (`computing.rs`).
//! Beside them, the stretches each waiter's code held the event loop
//! ([`Stretch`], `blocked.rs`). A [`Timeline`] stacks the charts of
//! several runs on one time axis.
//!
//! Three renderers draw it: [`svg`] (a Gantt chart), [`text`] (the same in
//! a terminal) and [`chrome`] (Chrome's trace event format, for Perfetto
//! and `chrome://tracing`). The first two show a [`View`] (`view.rs`) while
//! every lane stays legible ([`Legible`], `legible.rs`); past that, a
//! Gantt chart is slivers, and they draw what matters at scale instead,
//! from figures each chart keeps (`load.rs`): products in preparation,
//! products computing and threads alive over time ([`Step`]), and the
//! spread of each order's time from `Received orders` to its dispatch
//! ([`Spread`]).
//!
//! A run on a broker may lose a waiter mid-order: its products still in
//! flight end where the order was re-delivered (`pairs.rs`), drawn as
//! abandoned, and each re-delivery is marked on the new waiter's lane.
//! A run without one is drawn as if there were no such thing.
//!
//! Their words are [`Words`] (`words.rs`): English, or for the pictures of
//! `mesonero report --lang es`, Spanish.

mod axis;
mod blocked;
pub mod chrome;
mod computing;
mod density;
mod lanes;
mod legible;
mod load;
mod pairs;
#[cfg(test)]
mod redelivered;
pub mod svg;
pub mod text;
mod view;
mod words;

pub use blocked::{Stretch, BLOCKED};
pub use legible::Legible;
pub use load::{most, peaks, steps, Spread, Step};
pub use view::{Row, View};
pub use words::{Noun, Words};

use std::time::Duration;

use crate::restaurant::{Model, Run};
use crate::trace::{EventKind, Redelivery, Trace, WaiterId};
use crate::workload::{OrderId, ProductId};

/// One product, from the waiter's request until it is ready: the time
/// the waiter spends waiting for it, and for a product that needs CPU
/// time, then computing it ([`Bar::waiting`], [`Bar::computing`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Bar {
    /// The order it belongs to.
    pub order: OrderId,
    /// Its position in the order.
    pub item: u16,
    /// Which product of the menu.
    pub product: ProductId,
    /// When the waiter asked for it.
    pub start: Duration,
    /// When it was ready: the kitchen handed it over, and the waiter did
    /// the computing it needs.
    pub end: Duration,
    /// When the waiter started computing it, after the kitchen's part and
    /// after getting a core (and the GIL); `None` for a product that
    /// needs no CPU time.
    pub compute: Option<Duration>,
    /// Whether the waiter was lost before the product was ready, and its
    /// order re-delivered to another waiter: the bar then ends at the
    /// re-delivery.
    pub abandoned: bool,
}

/// One track of one waiter: bars that never overlap.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lane {
    /// The waiter.
    pub waiter: WaiterId,
    /// The track within the waiter's lanes, from 0.
    pub track: usize,
    /// How many tracks the waiter has.
    pub tracks: usize,
    /// Its bars, by start time.
    pub bars: Vec<Bar>,
    /// The orders whose last product ended on this lane, and when each was
    /// dispatched.
    pub dispatches: Vec<(OrderId, Duration)>,
}

/// One run laid out in lanes.
#[derive(Debug, Clone, PartialEq)]
pub struct Chart {
    /// The model's name.
    pub model: &'static str,
    /// Waiters it was given.
    pub waiters: usize,
    /// The lanes, by waiter then track.
    pub lanes: Vec<Lane>,
    /// The stretches a waiter's code held the event loop, by waiter then
    /// start; empty for a model without one, or one never blocked.
    pub blocked: Vec<Stretch>,
    /// When the last order was dispatched.
    pub makespan: Duration,
    /// What each lane beyond a waiter's first stands for.
    pub units: Units,
    /// Products in preparation over time: requested, not yet ready.
    pub in_flight: Vec<Step>,
    /// Products being computed over time, the part of those in
    /// preparation that holds a core; empty when nothing computed.
    pub computing: Vec<Step>,
    /// OS threads alive over time, for the models that start threads of
    /// their own; `None` for the others.
    pub threads: Option<Vec<Step>>,
    /// Each dispatched order's time from `Received orders` to its
    /// dispatch, shortest first.
    pub latencies: Vec<Duration>,
    /// The orders given again to another waiter, in trace order; empty
    /// for a run that lost no waiter.
    pub redeliveries: Vec<Redelivery>,
}

/// What a model's lanes stand for, and so how they are labelled.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Units {
    /// A waiter each, who waits for one product at a time: `waiter 2`.
    Waiters,
    /// OS threads, each waiting for one product: `thread 3`.
    Threads,
    /// Tasks on an event loop, each awaiting one product: `task 3`.
    Tasks,
}

impl Units {
    /// The units of the model named `model`.
    fn of(model: &str) -> Units {
        match Model::ALL.iter().find(|m| m.name() == model) {
            Some(Model::Sync | Model::Threads | Model::Processes) => Units::Waiters,
            Some(Model::ThreadPerProduct) => Units::Threads,
            Some(_) => Units::Tasks,
            // Not a model of this crate: lanes are named by waiter.
            None => Units::Waiters,
        }
    }

    /// What one lane is called in `words`, `thread` or `task`; `None`
    /// for waiters.
    pub fn noun(self, words: &Words) -> Option<&Noun> {
        match self {
            Units::Waiters => None,
            Units::Threads => Some(&words.thread),
            Units::Tasks => Some(&words.task),
        }
    }
}

/// Several runs on one time axis, with the menu that names their products.
#[derive(Debug, Clone, PartialEq)]
pub struct Timeline {
    /// One chart per run, in the order given.
    pub charts: Vec<Chart>,
    /// The menu's product names, by [`ProductId`].
    pub products: Vec<String>,
}

impl Timeline {
    /// The timelines of runs of the same workload.
    pub fn of(runs: &[Run]) -> Timeline {
        let products = runs
            .first()
            .map(|run| {
                let menu = run.trace.workload().menu();
                menu.products().iter().map(|p| p.name.clone()).collect()
            })
            .unwrap_or_default();
        Timeline {
            charts: runs
                .iter()
                .map(|run| Chart::of(run.setup.model.name(), run.setup.waiters, &run.trace))
                .collect(),
            products,
        }
    }

    /// The end of the shared axis: the longest makespan.
    pub fn end(&self) -> Duration {
        self.charts
            .iter()
            .map(|c| c.makespan)
            .max()
            .unwrap_or_default()
    }
}

impl Chart {
    /// Lays out a trace: pairs each product's request with its answer,
    /// packs the bars of each waiter into tracks, keeps the stretches the
    /// event loop was blocked, and counts what was in flight over time and
    /// how long each order took.
    pub fn of(model: &'static str, waiters: usize, trace: &Trace) -> Chart {
        let workload = trace.workload();
        let redeliveries = trace.redeliveries();
        let mut pairs = pairs::Pairs::new(workload, !redeliveries.is_empty());
        let mut dispatched: Vec<Option<Duration>> = vec![None; workload.orders().len()];
        // Who dispatched each order, where one may have had two waiters:
        // only in a run with re-deliveries.
        let mut dispatchers: Vec<WaiterId> = Vec::new();
        if !redeliveries.is_empty() {
            dispatchers = vec![0; workload.orders().len()];
        }
        let mut bars: Vec<(WaiterId, Bar)> = Vec::with_capacity(pairs.total());
        let mut received = None;
        // For the threads: when each order's thread started (its `Request
        // order!`), and each waiter's last event, when its thread ended.
        let mut taken: Vec<Option<Duration>> = vec![None; workload.orders().len()];
        let mut last_seen: Vec<Duration> = vec![Duration::ZERO; waiters + 1];
        for e in trace.events() {
            if let Some(last) = last_seen.get_mut(e.waiter() as usize) {
                *last = (*last).max(e.at());
            }
            match e.kind() {
                EventKind::ReceivedOrders => {
                    received.get_or_insert(e.at());
                }
                EventKind::RequestOrder => {
                    if let Some(t) = taken.get_mut(e.order() as usize) {
                        *t = Some(e.at());
                    }
                }
                EventKind::RequestProduct { item } => {
                    pairs.request(e.order(), item, e.waiter(), e.at());
                }
                EventKind::Compute { item } => {
                    pairs.compute(e.order(), item, e.waiter(), e.at());
                }
                EventKind::DoneProduct { item } => {
                    if let Some((waiter, start, compute)) = pairs.done(e.order(), item, e.waiter())
                    {
                        let order = workload.order(e.order());
                        bars.push((
                            waiter,
                            Bar {
                                order: e.order(),
                                item,
                                product: order.products[item as usize],
                                start,
                                end: e.at(),
                                compute,
                                abandoned: false,
                            },
                        ));
                    }
                }
                EventKind::DoneDispatch => {
                    if let Some(d) = dispatched.get_mut(e.order() as usize) {
                        *d = Some(e.at());
                    }
                    if let Some(d) = dispatchers.get_mut(e.order() as usize) {
                        *d = e.waiter();
                    }
                }
                EventKind::Redelivered { from } => {
                    let from = WaiterId::from(from);
                    pairs.abandon(workload, e.order(), from, e.at(), &mut bars);
                }
                _ => {}
            }
        }
        let mut blocked: Vec<Stretch> = trace
            .blocked()
            .iter()
            .map(|b| Stretch::of(b, workload))
            .collect();
        blocked.sort_by_key(|s| (s.waiter, s.start, s.end));
        let makespan = trace.makespan();
        let units = Units::of(model);
        let in_flight = steps(bars.iter().map(|(_, b)| (b.start, b.end)));
        let computing = steps(bars.iter().filter_map(|(_, b)| Some((b.compute?, b.end))));
        let threads = match Model::ALL.iter().find(|m| m.name() == model) {
            Some(Model::Threads) => Some(steps(waiter_threads(makespan, &last_seen))),
            Some(Model::ThreadPerProduct) => {
                let orders = taken.iter().zip(&dispatched);
                let orders = orders.filter_map(|(&t, &d)| Some((t?, d?)));
                let products = bars.iter().map(|(_, b)| (b.start, b.end));
                let all = waiter_threads(makespan, &last_seen).chain(orders);
                Some(steps(all.chain(products)))
            }
            _ => None,
        };
        let since = received.unwrap_or_default();
        let mut latencies: Vec<Duration> = dispatched
            .iter()
            .flatten()
            .map(|at| at.saturating_sub(since))
            .collect();
        latencies.sort_unstable();
        Chart {
            model,
            waiters,
            lanes: lanes::pack(bars, waiters, &dispatched, &dispatchers),
            blocked,
            makespan,
            units,
            in_flight,
            computing,
            threads,
            latencies,
            redeliveries,
        }
    }

    /// The spread of the orders' times from `Received orders` to their
    /// dispatch; `None` when none was dispatched.
    pub fn latency(&self) -> Option<Spread> {
        Spread::of(&self.latencies)
    }

    /// Products drawn, in all lanes.
    pub fn bars(&self) -> usize {
        self.lanes.iter().map(|l| l.bars.len()).sum()
    }
}

/// The main thread, alive for the whole run, and each waiter's thread,
/// started before `Received orders` and ended once the waiter found the
/// queue empty, after its last event (`last_seen`, by waiter id from 1).
fn waiter_threads(
    makespan: Duration,
    last_seen: &[Duration],
) -> impl Iterator<Item = (Duration, Duration)> + '_ {
    let waiters = last_seen.iter().skip(1).map(|&last| (Duration::ZERO, last));
    std::iter::once((Duration::ZERO, makespan)).chain(waiters)
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::restaurant::{self, Setup};
    use crate::{ClockKind, Shutdown, Workload};

    fn chart(model: Model) -> Chart {
        let workload = Arc::new(Workload::article());
        let setup = Setup::new(model, ClockKind::Virtual);
        let run = restaurant::run(&workload, &setup, None, &Shutdown::new()).unwrap();
        Chart::of(model.name(), setup.waiters, &run.trace)
    }

    fn shape(steps: &[Step]) -> Vec<(u64, u32)> {
        let ms = |s: &Step| (s.at.as_millis() as u64, s.count);
        steps.iter().map(ms).collect()
    }

    fn millis(times: &[Duration]) -> Vec<u64> {
        times.iter().map(|t| t.as_millis() as u64).collect()
    }

    #[test]
    fn a_chart_counts_what_was_in_flight_and_how_long_orders_took() {
        // Sync asks for one product at a time and starts no thread.
        let sync = chart(Model::Sync);
        assert_eq!(shape(&sync.in_flight), [(0, 1), (43_800, 0)]);
        assert_eq!(sync.threads, None);
        assert_eq!(millis(&sync.latencies), [8_500, 28_700, 32_300, 43_800]);
        // Threads: the main thread and two waiters', until the second
        // finds the queue empty at 20.2 s.
        let threads = chart(Model::Threads);
        let alive = threads.threads.as_deref().unwrap();
        assert_eq!(shape(alive), [(0, 3), (20_200, 2), (23_600, 0)]);
        assert_eq!(millis(&threads.latencies), [8_500, 12_100, 20_200, 23_600]);
        // A thread per product: all eleven products at once, and beside
        // them the main thread, the waiter's and one per order: 17.
        let per_product = chart(Model::ThreadPerProduct);
        let in_flight = [(0, 11), (1_000, 10), (1_200, 6), (4_000, 4), (7_500, 0)];
        assert_eq!(shape(&per_product.in_flight), in_flight);
        let alive = per_product.threads.as_deref().unwrap();
        let expected = [(0, 17), (1_000, 16), (1_200, 11), (4_000, 9), (7_500, 0)];
        assert_eq!(shape(alive), expected);
        let spread = per_product.latency().unwrap();
        assert_eq!(
            millis(&[spread.min, spread.median, spread.max]),
            [1_200, 7_500, 7_500]
        );
        // Async: the same products in flight, on no thread of its own.
        let tasks = chart(Model::Async);
        assert_eq!(shape(&tasks.in_flight), in_flight);
        assert_eq!((tasks.threads, tasks.units), (None, Units::Tasks));
    }
}
