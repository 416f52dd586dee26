//! The ideal makespan of each model: how long it takes with no overhead at
//! all, computed on paper rather than by running anything.
//!
//! - `sync` and `async-blocking`: every preparation time, one after
//!   another (the blocked event loop serves one product at a time).
//! - `threads` and `processes`: each waiter, as soon as it is free, takes
//!   the next order in queue order and serves it product by product
//!   (greedy list scheduling).
//! - `async`, `async-multi` and `thread-per-product`: every product asked
//!   for at once, so the longest one; with a limited number of cooks, the
//!   schedule the kitchen gives when handed every product at time zero.
//! - `async-sequential`: each waiter, as soon as it is free, takes the
//!   next order and asks for all its products at once; the order takes as
//!   long as the kitchen's schedule for them.
//! - `async-offload`: every product asked for at once, each blocking a
//!   thread of the pool for the kitchen's wait: the list schedule of those
//!   waits, in request order, onto the pool's threads.
//!
//! On the virtual clock each model must match its ideal exactly; on the
//! real clock the difference is the model's overhead.

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::time::Duration;

use crate::crew::Crew;
use crate::kitchen::Kitchen;
use crate::restaurant::{Model, Setup};
use crate::workload::Workload;

/// The ideal makespan of `setup`'s model on `workload`.
pub fn makespan(workload: &Workload, setup: &Setup) -> Duration {
    let kitchen = Kitchen::new(setup.cooks);
    let preparations = || {
        workload
            .orders()
            .iter()
            .flat_map(|o| &o.products)
            .map(|&p| workload.menu().product(p).preparation)
    };
    match setup.model {
        // One product at a time, so the kitchen is never busy: cooks don't
        // matter.
        Model::Sync | Model::AsyncBlocking => preparations().sum(),
        // A process per waiter is a thread per waiter, as far as waiting
        // goes; and each process has a GIL of its own.
        Model::Threads | Model::Processes => waiters_in_turn(workload, setup.waiters, &kitchen),
        Model::ThreadPerProduct | Model::Async | Model::AsyncMulti => preparations()
            .map(|p| kitchen.ready_at(Duration::ZERO, p))
            .max()
            .unwrap_or_default(),
        Model::AsyncSequential => orders_in_turn(workload, setup.waiters, &kitchen),
        Model::AsyncOffload => {
            let pool = Crew::new(Some(setup.event_loop.blocking_threads));
            preparations()
                .map(|p| pool.take(Duration::ZERO, kitchen.ready_at(Duration::ZERO, p)))
                .max()
                .unwrap_or_default()
        }
    }
}

/// Waiters that each serve one order at a time, asking for its products
/// all at once. The waiter free first takes the next order; on a tie, the
/// waiter with the lower badge, which the event loop polls first.
fn orders_in_turn(workload: &Workload, waiters: usize, kitchen: &Kitchen) -> Duration {
    let mut free: BinaryHeap<Reverse<(Duration, usize)>> =
        (0..waiters).map(|w| Reverse((Duration::ZERO, w))).collect();
    let mut end = Duration::ZERO;
    for order in workload.orders() {
        // Every waiter taken out is put back, so there is always one.
        let Some(Reverse((now, waiter))) = free.pop() else {
            break;
        };
        let done = order
            .products
            .iter()
            .map(|&p| kitchen.ready_at(now, workload.menu().product(p).preparation))
            .max()
            .unwrap_or(now);
        end = end.max(done);
        free.push(Reverse((done, waiter)));
    }
    end
}

/// Simulates waiters that each serve one product at a time. At every step
/// the waiter with the earliest next moment acts (ties to whoever has been
/// waiting longest), which is also how the virtual clock orders threads.
fn waiters_in_turn(workload: &Workload, waiters: usize, kitchen: &Kitchen) -> Duration {
    struct Busy {
        order: usize,
        next_item: usize,
    }
    let mut orders = workload.orders().iter().enumerate();
    let mut current: Vec<Option<Busy>> = (0..waiters).map(|_| None).collect();
    // (moment the waiter acts, sequence number for ties, waiter)
    let mut agenda: BinaryHeap<Reverse<(Duration, u64, usize)>> = (0..waiters)
        .map(|w| Reverse((Duration::ZERO, w as u64, w)))
        .collect();
    let mut seq = waiters as u64;
    let mut end = Duration::ZERO;
    while let Some(Reverse((now, _, w))) = agenda.pop() {
        end = end.max(now);
        let busy = match current[w].take() {
            Some(busy) if busy.next_item < workload.orders()[busy.order].products.len() => busy,
            // Order dispatched (or none yet): take the next one.
            _ => match orders.next() {
                Some((order, _)) => Busy {
                    order,
                    next_item: 0,
                },
                None => continue,
            },
        };
        let product = workload.orders()[busy.order].products[busy.next_item];
        let ready = kitchen.ready_at(now, workload.menu().product(product).preparation);
        current[w] = Some(Busy {
            next_item: busy.next_item + 1,
            ..busy
        });
        agenda.push(Reverse((ready, seq, w)));
        seq += 1;
    }
    end
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::ClockKind;

    fn ideal(model: Model, waiters: usize, cooks: Option<usize>) -> Duration {
        let setup = Setup {
            waiters,
            cooks,
            ..Setup::new(model, ClockKind::Virtual)
        };
        makespan(&Workload::article(), &setup)
    }

    fn ms(millis: u64) -> Duration {
        Duration::from_millis(millis)
    }

    #[test]
    fn the_articles_figures() {
        assert_eq!(ideal(Model::Sync, 2, None), ms(43_800));
        assert_eq!(ideal(Model::Threads, 2, None), ms(23_600));
        assert_eq!(ideal(Model::ThreadPerProduct, 1, None), ms(7_500));
        assert_eq!(ideal(Model::Async, 1, None), ms(7_500));
    }

    #[test]
    fn the_lessons_figures() {
        assert_eq!(ideal(Model::AsyncBlocking, 1, None), ms(43_800));
        // 7.5 + 7.5 + 1.2 + 7.5: each order's longest product in turn.
        assert_eq!(ideal(Model::AsyncSequential, 1, None), ms(23_700));
        assert_eq!(ideal(Model::AsyncOffload, 1, None), ms(7_500));
        assert_eq!(ideal(Model::AsyncMulti, 1, None), ms(7_500));
    }

    #[test]
    fn a_small_pool_serves_the_offloaded_products_in_turn() {
        let setup = |threads| Setup {
            event_loop: crate::restaurant::LoopSettings {
                blocking_threads: threads,
                ..Default::default()
            },
            ..Setup::new(Model::AsyncOffload, ClockKind::Virtual)
        };
        let article = Workload::article();
        // In request order, each to the thread free first (A, B): burger A
        // 0-7.5, soda B 0-1, burger B 1-8.5, burger A 7.5-15, beer B
        // 8.5-9.7, frites B 9.7-13.7, beer B 13.7-14.9, beer B 14.9-16.1,
        // beer A 15-16.2, burger B 16.1-23.6, frites A 16.2-20.2.
        assert_eq!(makespan(&article, &setup(2)), ms(23_600));
        assert_eq!(makespan(&article, &setup(1)), ms(43_800));
        assert_eq!(makespan(&article, &setup(11)), ms(7_500));
    }

    #[test]
    fn two_waiters_forgetting_gather_each_take_the_next_order() {
        // Both are free at 7.5: waiter 1 (polled first) takes order 2
        // (7.5-8.7), waiter 2 order 3 (7.5-15).
        assert_eq!(ideal(Model::AsyncSequential, 2, None), ms(15_000));
    }

    #[test]
    fn more_waiters_help_threads_until_each_has_an_order() {
        assert_eq!(ideal(Model::Threads, 1, None), ms(43_800));
        // Orders take 8.5, 20.2, 3.6 and 11.5 s: four waiters wait for the
        // longest.
        assert_eq!(ideal(Model::Threads, 4, None), ms(20_200));
        assert_eq!(ideal(Model::Threads, 40, None), ms(20_200));
    }

    #[test]
    fn one_cook_makes_every_model_sequential() {
        for model in Model::ALL {
            assert_eq!(ideal(model, 2, Some(1)), ms(43_800), "{model}");
        }
    }

    #[test]
    fn two_cooks_take_products_in_request_order() {
        // Products in request order, each to the cook free first (A, B):
        // burger A 0-7.5, soda B 0-1, burger B 1-8.5, burger A 7.5-15,
        // beer B 8.5-9.7, frites B 9.7-13.7, beer B 13.7-14.9,
        // beer B 14.9-16.1, beer A 15-16.2, burger B 16.1-23.6,
        // frites A 16.2-20.2.
        assert_eq!(ideal(Model::Async, 1, Some(2)), ms(23_600));
        assert_eq!(ideal(Model::ThreadPerProduct, 1, Some(2)), ms(23_600));
    }
}
