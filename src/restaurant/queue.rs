//! The cashier's queue of orders: the article's `Queue`.

use std::sync::atomic::{AtomicUsize, Ordering};

use crate::workload::OrderId;

/// The orders waiting for a waiter, first come first served. Every order
/// is queued before any waiter starts, as the article's cashier does, so
/// the queue only ever shrinks: taking an order is one atomic increment.
///
/// A waiter in a process of its own takes orders from the cashier's queue,
/// in the cashier's process: its queue is [`OrderQueue::remote`].
pub struct OrderQueue {
    place: Place,
}

/// Where the queue is.
enum Place {
    /// In this process.
    Here { next: AtomicUsize, len: usize },
    /// In another: taking an order asks for it.
    Elsewhere(Box<dyn Fn() -> Option<OrderId> + Send + Sync>),
}

impl OrderQueue {
    /// A queue holding orders `0..len`.
    pub fn new(len: usize) -> OrderQueue {
        OrderQueue {
            place: Place::Here {
                next: AtomicUsize::new(0),
                len,
            },
        }
    }

    /// A queue kept elsewhere: `take` asks for the next order, and gives
    /// `None` when there is none left, or nobody to ask.
    pub fn remote(take: impl Fn() -> Option<OrderId> + Send + Sync + 'static) -> OrderQueue {
        OrderQueue {
            place: Place::Elsewhere(Box::new(take)),
        }
    }

    /// How many orders are waiting, as far as this process can tell (the
    /// article's `qsize()`): exact for a queue here with one waiter, an
    /// upper bound when several take from it at once, and 0 for a queue
    /// elsewhere, which would have to be asked.
    pub fn waiting(&self) -> usize {
        match &self.place {
            Place::Here { next, len } => len.saturating_sub(next.load(Ordering::Relaxed)),
            Place::Elsewhere(_) => 0,
        }
    }

    /// Takes the next order, or `None` when the queue is empty (the
    /// article's `while not self.orders.empty(): self.orders.get()`, in one
    /// step, so two waiters can never take the same order).
    pub fn get(&self) -> Option<OrderId> {
        match &self.place {
            Place::Here { next, len } => {
                let next = next.fetch_add(1, Ordering::Relaxed);
                (next < *len).then_some(next as OrderId)
            }
            Place::Elsewhere(take) => take(),
        }
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

    #[test]
    fn the_orders_waiting_are_those_not_taken_yet() {
        let queue = OrderQueue::new(3);
        assert_eq!(queue.waiting(), 3);
        queue.get();
        assert_eq!(queue.waiting(), 2);
        while queue.get().is_some() {}
        assert_eq!(queue.waiting(), 0);
        assert_eq!(OrderQueue::remote(|| Some(7)).waiting(), 0);
    }

    #[test]
    fn a_remote_queue_asks_for_each_order() {
        let asked = std::sync::Arc::new(AtomicUsize::new(0));
        let counter = std::sync::Arc::clone(&asked);
        let queue = OrderQueue::remote(move || {
            let n = counter.fetch_add(1, Ordering::Relaxed);
            (n < 2).then_some(n as OrderId + 10)
        });
        let taken: Vec<OrderId> = std::iter::from_fn(|| queue.get()).collect();
        assert_eq!(taken, [10, 11]);
        assert_eq!(asked.load(Ordering::Relaxed), 3);
    }
}
