//! Timelines: who waits, when, for what.
//!
//! A [`Chart`] lays one run out in lanes: one lane per waiter, split into
//! as many tracks as the waiter had products in flight at once (one for a
//! sync or threaded waiter, one per product for the async one), and one
//! [`Bar`] per product, from the request to the kitchen's answer. Beside
//! them, the stretches each waiter's code held the event loop
//! ([`Stretch`], `blocked.rs`). A [`Timeline`] stacks the charts of
//! several runs on one time axis.
//!
//! Three renderers draw it: [`svg`] (a Gantt chart), [`text`] (the same in
//! a terminal) and [`chrome`] (Chrome's trace event format, for Perfetto
//! and `chrome://tracing`). The first two show a [`View`] (`view.rs`): at
//! thousands of lanes, several share a row, and the view says so; the
//! picture also merges bars thinner than a pixel (`density.rs`).

mod axis;
mod blocked;
pub mod chrome;
mod density;
mod lanes;
pub mod svg;
pub mod text;
mod view;

pub use blocked::{Stretch, BLOCKED};
pub use view::{Row, View};

use std::time::Duration;

use crate::restaurant::Run;
use crate::trace::{EventKind, Trace, WaiterId};
use crate::workload::{OrderId, ProductId};

/// One product, from the waiter's request to the kitchen's answer: the
/// time the waiter spends waiting for it.
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
    /// When the kitchen handed it over.
    pub end: Duration,
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
    /// packs the bars of each waiter into tracks, and keeps the stretches
    /// the event loop was blocked.
    pub fn of(model: &'static str, waiters: usize, trace: &Trace) -> Chart {
        let workload = trace.workload();
        // Where each order's products start in one flat list: the pairs
        // are looked up by position, not hashed, since a large run has
        // millions of them.
        let mut first = Vec::with_capacity(workload.orders().len() + 1);
        let mut total = 0;
        for order in workload.orders() {
            first.push(total);
            total += order.products.len();
        }
        let slot = |order: OrderId, item: u16| first.get(order as usize).map(|f| f + item as usize);
        let mut requested: Vec<Option<(WaiterId, Duration)>> = vec![None; total];
        let mut dispatched: Vec<Option<Duration>> = vec![None; workload.orders().len()];
        let mut bars: Vec<(WaiterId, Bar)> = Vec::with_capacity(total);
        for e in trace.events() {
            match e.kind() {
                EventKind::RequestProduct { item } => {
                    if let Some(r) = slot(e.order(), item).and_then(|i| requested.get_mut(i)) {
                        *r = Some((e.waiter(), e.at()));
                    }
                }
                EventKind::DoneProduct { item } => {
                    let asked = slot(e.order(), item).and_then(|i| requested.get_mut(i));
                    if let Some((waiter, start)) = asked.and_then(Option::take) {
                        let order = workload.order(e.order());
                        bars.push((
                            waiter,
                            Bar {
                                order: e.order(),
                                item,
                                product: order.products[item as usize],
                                start,
                                end: e.at(),
                            },
                        ));
                    }
                }
                EventKind::DoneDispatch => {
                    if let Some(d) = dispatched.get_mut(e.order() as usize) {
                        *d = Some(e.at());
                    }
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
        Chart {
            model,
            waiters,
            lanes: lanes::pack(bars, waiters, &dispatched),
            blocked,
            makespan: trace.makespan(),
        }
    }

    /// Products drawn, in all lanes.
    pub fn bars(&self) -> usize {
        self.lanes.iter().map(|l| l.bars.len()).sum()
    }
}
