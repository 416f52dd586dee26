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
//! - `processes`: as `threads`, but each waiter's process has a GIL of its
//!   own, so only the cores limit their computing.
//!
//! A product that needs CPU time is computed by the waiter's thread once
//! the kitchen hands it over, on a core ([`crate::cpu`]): the threaded
//! models share the run's cores (one, under a GIL), each product to the
//! core free first in the order they became ready; an event loop computes
//! on its one thread (async-multi: on its workers), one product after
//! another, in the order they became ready.
//!
//! On the virtual clock each model must match its ideal exactly; on the
//! real clock the difference is the model's overhead.

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::time::Duration;

use crate::clock::event_loop::default_workers;
use crate::crew::Crew;
use crate::kitchen::Kitchen;
use crate::restaurant::{Model, Setup};
use crate::workload::{Order, Workload};

/// The ideal makespan of `setup`'s model on `workload`.
pub fn makespan(workload: &Workload, setup: &Setup) -> Duration {
    let kitchen = Kitchen::new(setup.cooks);
    // The cores the threads of one process share: one under a GIL.
    let cores = || Crew::new(Some(if setup.gil { 1 } else { setup.cores() }));
    // An event loop's one thread computes one product at a time.
    let one_thread = || Crew::new(Some(1));
    let work = || {
        workload
            .orders()
            .iter()
            .flat_map(|o| &o.products)
            .map(|&p| workload.menu().product(p))
            .map(|p| (p.preparation, p.cpu))
    };
    match setup.model {
        // One product at a time, so the kitchen and the cores are never
        // busy: cooks and cores don't matter.
        Model::Sync | Model::AsyncBlocking => work().map(|(wait, cpu)| wait + cpu).sum(),
        Model::Threads => waiters_in_turn(workload, setup.waiters, &kitchen, &cores()),
        // A process per waiter is a thread per waiter, as far as waiting
        // goes; but each process has a GIL of its own, so only the cores
        // limit their computing.
        Model::Processes => {
            let cores = Crew::new(Some(setup.cores()));
            waiters_in_turn(workload, setup.waiters, &kitchen, &cores)
        }
        Model::ThreadPerProduct | Model::Async | Model::AsyncMulti => {
            let ready = work().map(|(wait, cpu)| (kitchen.ready_at(Duration::ZERO, wait), cpu));
            let cpu = match setup.model {
                Model::ThreadPerProduct => cores(),
                Model::AsyncMulti => {
                    let workers = setup.event_loop.workers.unwrap_or_else(default_workers);
                    let cores = if setup.gil { 1 } else { setup.cores() };
                    Crew::new(Some(workers.min(cores)))
                }
                _ => one_thread(),
            };
            computed(ready, &cpu)
        }
        Model::AsyncSequential => orders_in_turn(workload, setup.waiters, &kitchen),
        Model::AsyncOffload => {
            let pool = Crew::new(Some(setup.event_loop.blocking_threads));
            let ready = work().map(|(wait, cpu)| {
                let ready = kitchen.ready_at(Duration::ZERO, wait);
                (pool.take(Duration::ZERO, ready), cpu)
            });
            computed(ready, &one_thread())
        }
    }
}

/// When the last of some products is done, each ready at a moment and then
/// needing some CPU time: they are computed on `cpu` in the order they
/// became ready (ties in the order given), each on the core free first.
fn computed(ready: impl Iterator<Item = (Duration, Duration)>, cpu: &Crew) -> Duration {
    // A product that needs no computing is done when it is ready, and
    // takes no core: only the others are put in order, which spares
    // sorting a million products when none computes.
    let mut last = Duration::ZERO;
    let mut computing = Vec::new();
    for (at, time) in ready {
        if time.is_zero() {
            last = last.max(at);
        } else {
            computing.push((at, time));
        }
    }
    // Stable: products ready at the same moment keep their request order,
    // as the threads waking then do.
    computing.sort_by_key(|&(at, _)| at);
    computing
        .into_iter()
        .map(|(at, time)| cpu.take(at, time))
        .fold(last, Duration::max)
}

/// Waiters on one event loop that each serve one order at a time, asking
/// for its products all at once, as tokio runs them: all the waiters are
/// one task, which polls them in turn, by badge, and each waiter its
/// order's products in turn. A product that needs computing is computed
/// when it is polled after its timer fired, on the loop's one thread, so
/// time moves on meanwhile; the timers that fall due meanwhile fire only
/// when the loop turns to its timers again, after the pass. A waiter whose
/// order is dispatched takes the next one in the same pass; a product of
/// it that needs no waiting yields once, as asyncio's `sleep(0)` lets the
/// others run, and goes on in the next pass.
/// (Exact for up to 30 waiters, which `gather` polls in turn; past that it
/// polls only those woken, in the order they were.)
fn orders_in_turn(workload: &Workload, waiters: usize, kitchen: &Kitchen) -> Duration {
    /// Where a product of a waiter's order is.
    #[derive(Clone, Copy, PartialEq)]
    enum Product {
        /// Its timer is set for this moment.
        Timer(Duration),
        /// Its timer fired, or it yielded: it goes on when polled.
        Ready,
        /// Done.
        Done,
    }
    let orders = workload.orders();
    let mut next_order = 0;
    // Each waiter's order, and its products.
    let mut serving: Vec<Option<(usize, Vec<Product>)>> = vec![None; waiters];
    let mut now = Duration::ZERO;
    let mut end = Duration::ZERO;
    // Takes the next order at `now`: asks the kitchen for every product,
    // in order; one ready at once yields.
    let take = |now: Duration, next: &mut usize| {
        let order = orders.get(*next)?;
        let products = order
            .products
            .iter()
            .map(
                |&p| match kitchen.ready_at(now, workload.menu().product(p).preparation) {
                    at if at <= now => Product::Ready,
                    at => Product::Timer(at),
                },
            )
            .collect();
        *next += 1;
        Some((*next - 1, products))
    };
    for slot in serving.iter_mut() {
        *slot = take(now, &mut next_order);
    }
    loop {
        // One pass of the task over every waiter, by badge.
        let mut yielded = false;
        for slot in serving.iter_mut() {
            let Some((order, products)) = slot.as_mut() else {
                continue;
            };
            for (item, state) in products.iter_mut().enumerate() {
                if *state == Product::Ready {
                    now += cpu_of(&orders[*order], item, workload);
                    *state = Product::Done;
                }
            }
            if products.iter().all(|&p| p == Product::Done) {
                end = end.max(now);
                *slot = take(now, &mut next_order);
                if let Some((_, products)) = slot {
                    yielded |= products.contains(&Product::Ready);
                }
            }
        }
        // The loop turns to its timers between two passes, whether or not
        // a product yielded: those due fire. If nothing is ready to go on
        // and none is due, time jumps to the first.
        let timers = serving
            .iter()
            .flatten()
            .flat_map(|(_, products)| products)
            .filter_map(|&p| match p {
                Product::Timer(at) => Some(at),
                _ => None,
            });
        match timers.min() {
            Some(first) if !yielded => now = now.max(first),
            Some(_) => {}
            None if yielded => continue,
            None => break,
        }
        for (_, products) in serving.iter_mut().flatten() {
            for state in products.iter_mut() {
                if matches!(*state, Product::Timer(at) if at <= now) {
                    *state = Product::Ready;
                }
            }
        }
    }
    end
}

/// The CPU time of one product of an order.
fn cpu_of(order: &Order, item: usize, workload: &Workload) -> Duration {
    workload.menu().product(order.products[item]).cpu
}

/// Simulates waiters that each serve one product at a time: ask the
/// kitchen, wait, then compute on a core if the product needs it. At every
/// step the waiter with the earliest next moment acts (ties to whoever has
/// been waiting longest), which is also how the virtual clock orders
/// threads.
fn waiters_in_turn(
    workload: &Workload,
    waiters: usize,
    kitchen: &Kitchen,
    cores: &Crew,
) -> Duration {
    /// Where a waiter is in serving a product when it next acts.
    #[derive(Clone, Copy)]
    enum Step {
        /// Free: takes the next product of its order, or the next order.
        Free,
        /// The kitchen handed the product over: compute it if it needs to.
        Handed,
        /// A core is free for it now: compute until the moment given.
        Core(Duration),
    }
    struct Busy {
        order: usize,
        next_item: usize,
    }
    let orders = workload.orders();
    let mut queue = orders.iter().enumerate();
    let mut current: Vec<Option<Busy>> = (0..waiters).map(|_| None).collect();
    let mut steps = vec![Step::Free; waiters];
    // (moment the waiter acts, sequence number for ties, waiter)
    let mut agenda: BinaryHeap<Reverse<(Duration, u64, usize)>> = (0..waiters)
        .map(|w| Reverse((Duration::ZERO, w as u64, w)))
        .collect();
    let mut seq = waiters as u64;
    let mut later = |agenda: &mut BinaryHeap<_>, at: Duration, w: usize| {
        agenda.push(Reverse((at, seq, w)));
        seq += 1;
    };
    let mut end = Duration::ZERO;
    while let Some(Reverse((now, _, w))) = agenda.pop() {
        end = end.max(now);
        match steps[w] {
            Step::Handed => {
                steps[w] = Step::Free;
                let busy = current[w].as_ref().map(|b| (b.order, b.next_item - 1));
                let cpu = busy.map_or(Duration::ZERO, |(o, i)| cpu_of(&orders[o], i, workload));
                if !cpu.is_zero() {
                    let done = cores.take(now, cpu);
                    let start = done - cpu;
                    if start > now {
                        // Every core busy: wait for the one free first.
                        steps[w] = Step::Core(done);
                        later(&mut agenda, start, w);
                    } else {
                        later(&mut agenda, done, w);
                    }
                    continue;
                }
            }
            Step::Core(done) => {
                steps[w] = Step::Free;
                later(&mut agenda, done, w);
                continue;
            }
            Step::Free => {}
        }
        let busy = match current[w].take() {
            Some(busy) if busy.next_item < orders[busy.order].products.len() => busy,
            // Order dispatched (or none yet): take the next one.
            _ => match queue.next() {
                Some((order, _)) => Busy {
                    order,
                    next_item: 0,
                },
                None => continue,
            },
        };
        let product = orders[busy.order].products[busy.next_item];
        let ready = kitchen.ready_at(now, workload.menu().product(product).preparation);
        current[w] = Some(Busy {
            next_item: busy.next_item + 1,
            ..busy
        });
        steps[w] = Step::Handed;
        later(&mut agenda, ready, w);
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

    /// Four orders of one photo, a second of CPU each, on two cores: the
    /// table of "concurrency is not parallelism".
    fn photos(model: Model, waiters: usize, gil: bool) -> Duration {
        let mut menu = crate::workload::Menu::default();
        menu.add_with_cpu("photo", Duration::ZERO, ms(1000))
            .unwrap();
        let workload = Workload::new(menu, &vec![vec!["photo"]; 4]).unwrap();
        let setup = Setup {
            waiters,
            cores: Some(2),
            gil,
            ..Setup::new(model, ClockKind::Virtual)
        };
        makespan(&workload, &setup)
    }

    #[test]
    fn computing_needs_a_core_and_the_gil() {
        for gil in [false, true] {
            let parallel = if gil { ms(4000) } else { ms(2000) };
            assert_eq!(photos(Model::Sync, 2, gil), ms(4000));
            assert_eq!(photos(Model::Threads, 2, gil), parallel);
            assert_eq!(photos(Model::Threads, 4, gil), parallel);
            assert_eq!(photos(Model::ThreadPerProduct, 1, gil), parallel);
            assert_eq!(photos(Model::Async, 1, gil), ms(4000));
            assert_eq!(photos(Model::AsyncBlocking, 1, gil), ms(4000));
            assert_eq!(photos(Model::AsyncSequential, 2, gil), ms(4000));
            assert_eq!(photos(Model::AsyncOffload, 1, gil), ms(4000));
        }
    }

    #[test]
    fn without_cpu_time_cores_and_the_gil_change_nothing() {
        for model in Model::ALL {
            let plain = ideal(model, 2, None);
            for (cores, gil) in [(1, false), (1, true), (8, true)] {
                let setup = Setup {
                    waiters: 2,
                    cores: Some(cores),
                    gil,
                    ..Setup::new(model, ClockKind::Virtual)
                };
                assert_eq!(makespan(&Workload::article(), &setup), plain, "{model}");
            }
        }
    }

    #[test]
    fn waiting_and_computing_overlap_across_threads() {
        // A soup waits 2 s then computes 1 s; two waiters, one core: the
        // second soup's wait overlaps the first one's computing, then
        // waits for the core: 2 + 1 + 1.
        let mut menu = crate::workload::Menu::default();
        menu.add_with_cpu("soup", ms(2000), ms(1000)).unwrap();
        let workload = Workload::new(menu, &vec![vec!["soup"]; 2]).unwrap();
        let setup = |model, waiters| Setup {
            waiters,
            cores: Some(1),
            ..Setup::new(model, ClockKind::Virtual)
        };
        assert_eq!(makespan(&workload, &setup(Model::Threads, 2)), ms(4000));
        assert_eq!(makespan(&workload, &setup(Model::Async, 1)), ms(4000));
        assert_eq!(makespan(&workload, &setup(Model::Sync, 2)), ms(6000));
        assert_eq!(
            makespan(&workload, &setup(Model::AsyncSequential, 1)),
            ms(6000)
        );
    }
}
