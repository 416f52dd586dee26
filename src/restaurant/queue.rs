//! The cashier's queue of orders: the article's `Queue`.

use std::sync::atomic::{AtomicUsize, Ordering};

use crate::workload::OrderId;

/// The orders waiting for a waiter, first come first served. Every order
/// is queued before any waiter starts, as the article's cashier does, so
/// the queue only ever shrinks: taking an order is one atomic increment.
pub struct OrderQueue {
    next: AtomicUsize,
    len: usize,
}

impl OrderQueue {
    /// A queue holding orders `0..len`.
    pub fn new(len: usize) -> OrderQueue {
        OrderQueue {
            next: AtomicUsize::new(0),
            len,
        }
    }

    /// Takes the next order, or `None` when the queue is empty (the
    /// article's `while not self.orders.empty(): self.orders.get()`, in one
    /// step, so two waiters can never take the same order).
    pub fn get(&self) -> Option<OrderId> {
        let next = self.next.fetch_add(1, Ordering::Relaxed);
        (next < self.len).then_some(next as OrderId)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_order_is_taken_once_across_threads() {
        let queue = OrderQueue::new(10_000);
        let taken: Vec<Vec<OrderId>> = std::thread::scope(|s| {
            let takers: Vec<_> = (0..4)
                .map(|_| s.spawn(|| std::iter::from_fn(|| queue.get()).collect::<Vec<_>>()))
                .collect();
            takers.into_iter().map(|t| t.join().unwrap()).collect()
        });
        let mut all: Vec<OrderId> = taken.concat();
        all.sort_unstable();
        assert_eq!(all, (0..10_000).collect::<Vec<_>>());
    }
}
