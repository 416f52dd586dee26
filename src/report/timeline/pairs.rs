//! Pairing each product's request with its answer, into bars.
//!
//! Each product is asked for once, by one waiter, so one slot per product
//! of every order holds its request until its answer comes: looked up by
//! position, not hashed, since a large run has millions of them.
//!
//! A run on a broker may lose a waiter mid-order and re-deliver the order
//! to another, who asks for its products again. The lost waiter's
//! requests still in flight then end at the re-delivery: abandoned bars
//! ([`Bar::abandoned`]). A waiter only slow, not lost, may go on, and two
//! waiters then wait for one product at once: the second's request waits
//! beside the slot, in a map that only such a run fills.

use std::collections::HashMap;
use std::time::Duration;

use super::Bar;
use crate::trace::WaiterId;
use crate::workload::{OrderId, Workload};

/// A request in flight: who asked, and when.
type Request = (WaiterId, Duration);

/// The requests in flight, by product.
pub(super) struct Pairs {
    /// Where each order's products start in the slots, and where the last
    /// ends.
    first: Vec<usize>,
    /// Each product's request in flight.
    requested: Vec<Option<Request>>,
    /// When each product's computing started; left empty, and so never
    /// looked up, for a workload of pure waiting.
    computed: Vec<Option<Duration>>,
    /// Requests of a product another waiter was waiting for too, by slot
    /// and waiter: when, and when computing started. Empty but in a run
    /// with re-deliveries.
    others: HashMap<(usize, WaiterId), (Duration, Option<Duration>)>,
    /// Whether an answer must be the asking waiter's: only in a run with
    /// re-deliveries, where a product may have two. A run without pairs
    /// each answer with its product's request, whoever records it.
    by_waiter: bool,
}

impl Pairs {
    /// No request in flight yet, for the products of `workload`; in a
    /// run with re-deliveries when `redelivers`.
    pub(super) fn new(workload: &Workload, redelivers: bool) -> Pairs {
        let mut first = Vec::with_capacity(workload.orders().len() + 1);
        let mut total = 0;
        for order in workload.orders() {
            first.push(total);
            total += order.products.len();
        }
        first.push(total);
        Pairs {
            first,
            requested: vec![None; total],
            computed: if workload.has_cpu() {
                vec![None; total]
            } else {
                Vec::new()
            },
            others: HashMap::new(),
            by_waiter: redelivers,
        }
    }

    /// Products of every order.
    pub(super) fn total(&self) -> usize {
        self.requested.len()
    }

    fn slot(&self, order: OrderId, item: u16) -> Option<usize> {
        self.first.get(order as usize).map(|f| f + item as usize)
    }

    /// Whether `waiter`'s request of `slot` waits beside it, another
    /// waiter's holding the slot.
    fn beside(&self, slot: usize, waiter: WaiterId) -> bool {
        if !self.by_waiter {
            return false;
        }
        match self.requested.get(slot) {
            Some(Some((w, _))) => *w != waiter,
            _ => !self.others.is_empty() && self.others.contains_key(&(slot, waiter)),
        }
    }

    /// `waiter` asked for product `item` of `order` at `at`.
    pub(super) fn request(&mut self, order: OrderId, item: u16, waiter: WaiterId, at: Duration) {
        let Some(slot) = self.slot(order, item) else {
            return;
        };
        match self.requested.get_mut(slot) {
            Some(Some((w, _))) if self.by_waiter && *w != waiter => {
                self.others.insert((slot, waiter), (at, None));
            }
            Some(r) => *r = Some((waiter, at)),
            None => {}
        }
    }

    /// `waiter` started computing product `item` of `order` at `at`.
    pub(super) fn compute(&mut self, order: OrderId, item: u16, waiter: WaiterId, at: Duration) {
        let Some(slot) = self.slot(order, item) else {
            return;
        };
        if self.beside(slot, waiter) {
            if let Some(other) = self.others.get_mut(&(slot, waiter)) {
                other.1 = Some(at);
            }
        } else if let Some(c) = self.computed.get_mut(slot) {
            *c = Some(at);
        }
    }

    /// Product `item` of `order` was ready for `waiter`: who asked for it,
    /// when, and when computing started, if that request is in flight.
    pub(super) fn done(
        &mut self,
        order: OrderId,
        item: u16,
        waiter: WaiterId,
    ) -> Option<(WaiterId, Duration, Option<Duration>)> {
        let slot = self.slot(order, item)?;
        if self.beside(slot, waiter) {
            // A request abandoned at a re-delivery, and answered after it,
            // is in neither place: it was drawn already.
            let (start, compute) = self.others.remove(&(slot, waiter))?;
            return Some((waiter, start, compute));
        }
        let compute = self.computed.get_mut(slot).and_then(Option::take);
        let (asked, start) = self.requested.get_mut(slot).and_then(Option::take)?;
        Some((asked, start, compute))
    }

    /// `from` was lost at `at` and its order given to another waiter: its
    /// requests of the order's products still in flight end there, as
    /// abandoned bars.
    pub(super) fn abandon(
        &mut self,
        workload: &Workload,
        order: OrderId,
        from: WaiterId,
        at: Duration,
        bars: &mut Vec<(WaiterId, Bar)>,
    ) {
        let (Some(&start), Some(&end)) = (
            self.first.get(order as usize),
            self.first.get(order as usize + 1),
        ) else {
            return;
        };
        for slot in start..end {
            let item = (slot - start) as u16;
            let lost = match self.requested[slot] {
                Some((w, asked)) if w == from => {
                    self.requested[slot] = None;
                    let compute = self.computed.get_mut(slot).and_then(Option::take);
                    Some((asked, compute))
                }
                _ if self.others.is_empty() => None,
                _ => self.others.remove(&(slot, from)),
            };
            if let Some((asked, compute)) = lost {
                let bar = Bar {
                    order,
                    item,
                    product: workload.order(order).products[item as usize],
                    start: asked,
                    end: at.max(asked),
                    compute: compute.filter(|&c| c <= at),
                    abandoned: true,
                };
                bars.push((from, bar));
            }
        }
    }
}
