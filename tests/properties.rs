//! Properties of every model on random workloads, on the virtual clock.
//!
//! `tests/models.rs` pins the article's figures; here proptest draws small
//! random workloads and staffing and checks what must hold for any of them:
//! the trace is correct, the makespan is exactly the ideal, the ideal agrees
//! with a computation made here from first principles where that is simple,
//! and a run is deterministic. Another turns the tables and checks that
//! the trace checker refuses a correct trace with one thing broken; a last
//! one checks the timeline's lanes drawn from any trace.
//!
//! The threaded models start real OS threads (one per product for
//! `thread-per-product`), so the number of cases is kept modest.

use std::sync::Arc;
use std::time::Duration;

use proptest::prelude::*;
use proptest::sample::Index;

use mesonero::latency::Lang;
use mesonero::report::timeline::{most, Chart, Words};
use mesonero::restaurant::{self, LoopSettings, Model, Run, Setup};
use mesonero::trace::Culprit;
use mesonero::{ClockKind, Event, EventKind, Menu, Shutdown, Trace, Workload};

/// Cases per property: each case runs every model twice, some of them on
/// dozens of threads.
const CASES: u32 = 64;

/// A preparation time in whole milliseconds, up to 10 s. Half of them are
/// multiples of 250 ms, so that equal times, and equal sums of times, are
/// common: ties are where schedules tend to go wrong.
fn preparation() -> impl Strategy<Value = u64> {
    prop_oneof![(1u64..=40).prop_map(|k| k * 250), 1u64..=10_000]
}

/// A product's work in milliseconds: the kitchen's wait and the CPU time.
/// Pure waiting, as in the article, unless `computing`; then a third
/// compute only, a third wait then compute, and a third only wait.
fn work(computing: bool) -> BoxedStrategy<(u64, u64)> {
    if !computing {
        return preparation().prop_map(|wait| (wait, 0)).boxed();
    }
    prop_oneof![
        preparation().prop_map(|cpu| (0, cpu)),
        (preparation(), preparation()),
        preparation().prop_map(|wait| (wait, 0)),
    ]
    .boxed()
}

/// A random workload: 1 to 5 products, and 1 to 12 orders of 1 to 5
/// products each, repeats allowed; its products compute if `computing`.
fn workload_of(computing: bool) -> impl Strategy<Value = Workload> {
    prop::collection::vec(work(computing), 1..=5)
        .prop_flat_map(|works| {
            let products = works.len();
            let orders =
                prop::collection::vec(prop::collection::vec(0..products as u32, 1..=5), 1..=12);
            (Just(works), orders)
        })
        .prop_map(|(works, orders)| {
            let mut menu = Menu::default();
            for (i, &(wait, cpu)) in works.iter().enumerate() {
                let ms = Duration::from_millis;
                menu.add_with_cpu(&format!("p{i}"), ms(wait), ms(cpu))
                    .expect("names are distinct and times valid");
            }
            Workload::from_ids(menu, orders).expect("orders are non-empty and on the menu")
        })
}

/// A workload of pure waiting, as the article's.
fn workload() -> impl Strategy<Value = Workload> {
    workload_of(false)
}

/// A workload whose products may compute too, or only compute.
fn mixed_workload() -> impl Strategy<Value = Workload> {
    workload_of(true)
}

/// The CPU: 1 to 3 cores, with a GIL or not.
fn cpu() -> impl Strategy<Value = (usize, bool)> {
    (1usize..=3, any::<bool>())
}

/// Waiters (1 to 4) and cooks (unlimited, or 1 to 3).
fn staff() -> impl Strategy<Value = (usize, Option<usize>)> {
    (1usize..=4, prop::option::of(1usize..=3))
}

/// The event loop's settings: a blocking pool of 1 to 3 threads or the
/// default, and a slow-callback threshold of 1 ms (every product is
/// reported), 100 ms (asyncio's default) or 5 s.
fn loop_settings() -> impl Strategy<Value = LoopSettings> {
    let pool = prop_oneof![Just(LoopSettings::default().blocking_threads), 1usize..=3];
    let threshold = prop::sample::select(vec![1u64, 100, 5_000]);
    (pool, threshold).prop_map(|(blocking_threads, millis)| LoopSettings {
        blocking_threads,
        slow_callback: Some(Duration::from_millis(millis)),
        ..LoopSettings::default()
    })
}

/// Every model the virtual clock can run.
fn virtual_models() -> Vec<Model> {
    Model::ALL
        .into_iter()
        .filter(|m| m.runs_on(ClockKind::Virtual))
        .collect()
}

fn setup(model: Model, waiters: usize, cooks: Option<usize>) -> Setup {
    Setup {
        waiters,
        cooks,
        ..Setup::new(model, ClockKind::Virtual)
    }
}

fn serve(workload: &Arc<Workload>, setup: &Setup) -> Run {
    restaurant::run(workload, setup, None, &Shutdown::new())
        .unwrap_or_else(|e| panic!("{} failed: {e}", setup.model))
}

/// Each product's wait and CPU time together, in queue order.
fn all_work(workload: &Workload) -> Vec<Duration> {
    workload
        .orders()
        .iter()
        .flat_map(|o| &o.products)
        .map(|&p| workload.menu().product(p))
        .map(|p| p.preparation + p.cpu)
        .collect()
}

/// The preparation time of every product of one order.
fn order_times(workload: &Workload, order: usize) -> impl Iterator<Item = Duration> + '_ {
    workload.orders()[order]
        .products
        .iter()
        .map(|&p| workload.menu().product(p).preparation)
}

/// The preparation time of every product of every order, in queue order.
fn all_times(workload: &Workload) -> Vec<Duration> {
    (0..workload.orders().len())
        .flat_map(|o| order_times(workload, o))
        .collect()
}

/// The ideal makespan computed here, independently of `mesonero::ideal`,
/// for the cases simple enough to do so by hand; `None` for `threads` with
/// a few cooks, where waiters and cooks interleave.
fn expected_ideal(workload: &Workload, setup: &Setup) -> Option<Duration> {
    if workload.has_cpu() {
        // One product at a time, waiting then computing, on one thread.
        return match setup.model {
            Model::Sync | Model::AsyncBlocking => Some(all_work(workload).into_iter().sum()),
            _ => None,
        };
    }
    match (setup.model, setup.cooks) {
        // One product at a time, whatever the kitchen.
        (Model::Sync, _) => Some(all_times(workload).into_iter().sum()),
        // Everything asked for at once, a cook for each: the longest.
        (Model::Async | Model::ThreadPerProduct, None) => all_times(workload).into_iter().max(),
        // Everything asked for at once, in queue order, to a few cooks: each
        // product goes to the cook free first.
        (Model::Async | Model::ThreadPerProduct, Some(cooks)) => {
            let mut free_at = vec![Duration::ZERO; cooks];
            for time in all_times(workload) {
                let cook = (0..cooks).min_by_key(|&c| free_at[c]).expect("a cook");
                free_at[cook] += time;
            }
            free_at.into_iter().max()
        }
        // The blocked loop serves one product at a time.
        (Model::AsyncBlocking, _) => Some(all_times(workload).into_iter().sum()),
        // One waiter forgetting gather: each order takes its longest product.
        (Model::AsyncSequential, None) if setup.waiters == 1 => Some(
            (0..workload.orders().len())
                .map(|o| order_times(workload, o).max().unwrap_or_default())
                .sum(),
        ),
        // Every product handed to the pool at once, in queue order: each to
        // the thread free first, busy for its preparation time.
        (Model::AsyncOffload, None) => {
            let mut free_at = vec![Duration::ZERO; setup.event_loop.blocking_threads.min(64)];
            for time in all_times(workload) {
                let thread = (0..free_at.len())
                    .min_by_key(|&t| free_at[t])
                    .expect("a thread");
                free_at[thread] += time;
            }
            free_at.into_iter().max()
        }
        // Greedy list scheduling: the waiter free first (lowest index on a
        // tie) takes the next order in queue order and is busy for the sum
        // of its products.
        (Model::Threads, None) => {
            let mut free_at = vec![Duration::ZERO; setup.waiters];
            for order in 0..workload.orders().len() {
                let (waiter, _) = free_at
                    .iter()
                    .enumerate()
                    .min_by_key(|&(i, &t)| (t, i))
                    .expect("at least one waiter");
                free_at[waiter] += order_times(workload, order).sum::<Duration>();
            }
            free_at.into_iter().max()
        }
        _ => None,
    }
}

/// One thing broken in a correct trace.
#[derive(Debug, Clone)]
enum Mutation {
    /// One event is gone.
    Drop(Index),
    /// One event appears again, anywhere.
    Duplicate(Index, Index),
    /// A product is done before it was requested: one `DoneProduct` moves
    /// to just before its `RequestProduct`.
    DoneBeforeRequest(Index),
    /// A product is dispatched before its order is done: one `Dispatch`
    /// moves to just before its order's `DoneOrder`.
    DispatchBeforeDone(Index),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        any::<Index>().prop_map(Mutation::Drop),
        (any::<Index>(), any::<Index>()).prop_map(|(a, b)| Mutation::Duplicate(a, b)),
        any::<Index>().prop_map(Mutation::DoneBeforeRequest),
        any::<Index>().prop_map(Mutation::DispatchBeforeDone),
    ]
}

/// Positions of the events that match.
fn positions(events: &[Event], wanted: impl Fn(&Event) -> bool) -> Vec<usize> {
    (0..events.len()).filter(|&i| wanted(&events[i])).collect()
}

/// Moves the event at `from` to just before the first event that matches
/// `before`, which must come earlier in the trace.
fn move_before(events: &mut Vec<Event>, from: usize, before: impl Fn(&Event) -> bool) {
    let to = events
        .iter()
        .position(before)
        .expect("the event to move before is in the trace");
    assert!(to < from, "a correct trace has them the other way round");
    let event = events.remove(from);
    events.insert(to, event);
}

/// Applies a mutation to a correct trace's events.
fn mutate(events: &mut Vec<Event>, mutation: &Mutation) {
    match mutation {
        Mutation::Drop(i) => {
            events.remove(i.index(events.len()));
        }
        Mutation::Duplicate(i, at) => {
            let event = events[i.index(events.len())];
            // Anywhere from before the first event to after the last.
            events.insert(at.index(events.len() + 1), event);
        }
        Mutation::DoneBeforeRequest(i) => {
            let done = positions(events, |e| {
                matches!(e.kind(), EventKind::DoneProduct { .. })
            });
            let from = done[i.index(done.len())];
            let (order, kind) = (events[from].order(), events[from].kind());
            let request = EventKind::RequestProduct {
                item: kind.item().expect("a product event") as u16,
            };
            move_before(events, from, |e| e.order() == order && e.kind() == request);
        }
        Mutation::DispatchBeforeDone(i) => {
            let dispatched = positions(events, |e| matches!(e.kind(), EventKind::Dispatch { .. }));
            let from = dispatched[i.index(dispatched.len())];
            let order = events[from].order();
            move_before(events, from, |e| {
                e.order() == order && e.kind() == EventKind::DoneOrder
            });
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig {
        // Enough shrinking to bring a failure down to a workload of one or
        // two orders; it costs only when a property fails.
        max_shrink_iters: 4096,
        ..ProptestConfig::with_cases(CASES)
    })]

    /// Every model serves any workload correctly, exactly in its ideal
    /// makespan, and the same way every time: products that wait, compute,
    /// or both, on any number of cores, with a GIL or not.
    #[test]
    fn every_model_serves_in_its_ideal_makespan(
        workload in prop_oneof![workload(), mixed_workload()],
        (waiters, cooks) in staff(),
        (cores, gil) in cpu(),
        event_loop in loop_settings(),
    ) {
        let workload = Arc::new(workload);
        for model in virtual_models() {
            let setup = Setup {
                event_loop,
                cores: Some(cores),
                gil,
                ..setup(model, waiters, cooks)
            };
            let run = serve(&workload, &setup);
            // `run` checks the trace already; a failure there is a panic
            // above. Check again, so the property does not rest on that.
            prop_assert_eq!(run.trace.check(), Ok(()), "{}", model);
            prop_assert_eq!(run.makespan(), run.ideal, "{}: makespan against ideal", model);
            if let Some(expected) = expected_ideal(&workload, &setup) {
                prop_assert_eq!(run.ideal, expected, "{}: ideal against this test's", model);
            }
            let again = serve(&workload, &setup);
            prop_assert_eq!(
                run.trace.events(),
                again.trace.events(),
                "{}: two runs of the same setup differ",
                model
            );
            prop_assert_eq!(run.trace.blocked(), again.trace.blocked());
        }
    }

    /// The detector names every blocking call of `async-blocking`, each
    /// for exactly the product's preparation time, and finds nothing in the
    /// models that never block the loop.
    #[test]
    fn the_detector_finds_exactly_the_blocking_calls(
        workload in workload(),
        (waiters, cooks) in staff(),
        event_loop in loop_settings(),
    ) {
        let workload = Arc::new(workload);
        let threshold = event_loop.slow_callback.expect("the detector is on");
        for model in [Model::Async, Model::AsyncBlocking, Model::AsyncSequential, Model::AsyncOffload] {
            let setup = Setup { event_loop, ..setup(model, waiters, cooks) };
            let run = serve(&workload, &setup);
            let blocked = run.trace.blocked();
            if model != Model::AsyncBlocking {
                prop_assert!(blocked.is_empty(), "{}: {:?}", model, blocked);
                continue;
            }
            // The kitchen is never busy when products come one at a time,
            // so each one blocks the loop for its preparation time.
            let mut expected = Vec::new();
            for (order, o) in workload.orders().iter().enumerate() {
                for (item, &p) in o.products.iter().enumerate() {
                    let time = workload.menu().product(p).preparation;
                    if time >= threshold {
                        let by = Culprit::Product { order: order as u32, item: item as u16 };
                        expected.push((by, time));
                    }
                }
            }
            let found: Vec<_> = blocked.iter().map(|b| (b.by, b.length)).collect();
            prop_assert_eq!(found, expected);
            if threshold == Duration::from_millis(1) {
                prop_assert_eq!(run.trace.time_blocked(), run.makespan());
            }
        }
    }

    /// The trace checker refuses a correct trace with one thing broken.
    #[test]
    fn the_checker_catches_a_broken_trace(
        workload in workload(),
        (waiters, cooks) in staff(),
        model in prop::sample::select(virtual_models()),
        mutation in mutation(),
    ) {
        let workload = Arc::new(workload);
        let run = serve(&workload, &setup(model, waiters, cooks));
        let mut events = run.trace.events().to_vec();
        mutate(&mut events, &mutation);
        let broken = Trace::new(Arc::clone(&workload), events);
        prop_assert!(
            broken.check().is_err(),
            "{} trace with {:?} passed the check",
            model,
            mutation
        );
    }

    /// The timeline's lanes hold every product once, never overlap, use no
    /// more tracks per waiter than it had products in flight at once, and
    /// mark every order's dispatch once; every stretch the event loop was
    /// blocked is kept, and drawn once in a view of any size, which never
    /// has more rows than asked for.
    #[test]
    fn timeline_lanes_are_tight_and_complete(
        workload in workload(),
        (waiters, cooks) in staff(),
        model in prop::sample::select(virtual_models()),
        max_rows in 3usize..30,
    ) {
        let workload = Arc::new(workload);
        let run = serve(&workload, &setup(model, waiters, cooks));
        let chart = Chart::of(model.name(), waiters, &run.trace);
        prop_assert_eq!(chart.bars(), workload.products_total());
        let mut marks = 0;
        for lane in &chart.lanes {
            for pair in lane.bars.windows(2) {
                prop_assert!(pair[0].end <= pair[1].start, "{}: overlap on a lane", model);
            }
            marks += lane.dispatches.len();
        }
        prop_assert_eq!(marks, workload.orders().len());
        for waiter in 1..=waiters as u32 {
            let lanes: Vec<_> = chart.lanes.iter().filter(|l| l.waiter == waiter).collect();
            prop_assert!(!lanes.is_empty(), "{}: waiter {} has no lane", model, waiter);
            let spans: Vec<(Duration, Duration)> = lanes
                .iter()
                .flat_map(|l| l.bars.iter().map(|b| (b.start, b.end)))
                .collect();
            prop_assert_eq!(lanes.len(), most_at_once(&spans).max(1), "{}: waiter {}", model, waiter);
        }
        prop_assert_eq!(chart.blocked.len(), run.trace.blocked().len());
        let held: Duration = chart.blocked.iter().map(|s| s.end - s.start).sum();
        prop_assert_eq!(held, run.trace.time_blocked());
        prop_assert!(chart.blocked.iter().all(|s| s.waiter as usize <= waiters));
        let view = chart.view(max_rows, Words::of(Lang::En));
        prop_assert!(view.rows.len() <= max_rows, "{}: {} rows", model, view.rows.len());
        let drawn: usize = view.rows.iter().map(|r| r.blocked.len()).sum();
        prop_assert_eq!(drawn, chart.blocked.len(), "{}", model);
        let bars: usize = view.rows.iter().map(|r| r.bars.len()).sum();
        prop_assert_eq!(bars, workload.products_total());
    }

    /// Where products compute, the timeline splits each bar at its
    /// computing's start: only a product with CPU time has a computing
    /// part, it lies within its bar, after the kitchen's part, and lasts
    /// exactly the product's CPU time; no more products compute at once
    /// than there are cores, one under the GIL.
    #[test]
    fn timeline_computing_lies_within_its_bar(
        workload in mixed_workload(),
        (waiters, cooks) in staff(),
        (cores, gil) in cpu(),
        model in prop::sample::select(virtual_models()),
    ) {
        let workload = Arc::new(workload);
        let setup = Setup { cores: Some(cores), gil, ..setup(model, waiters, cooks) };
        let run = serve(&workload, &setup);
        let chart = Chart::of(model.name(), waiters, &run.trace);
        prop_assert_eq!(chart.bars(), workload.products_total());
        for bar in chart.lanes.iter().flat_map(|l| &l.bars) {
            let item = bar.item as usize;
            let cpu = workload.cpu(bar.order, item);
            prop_assert_eq!(bar.compute.is_some(), !cpu.is_zero(), "{}: {:?}", model, bar);
            prop_assert_eq!(bar.waiting() + bar.computing(), bar.end - bar.start);
            if let Some(compute) = bar.compute {
                let kitchen = bar.start + workload.preparation(bar.order, item);
                prop_assert!(kitchen <= compute && compute <= bar.end, "{}: {:?}", model, bar);
                prop_assert_eq!(bar.computing(), cpu, "{}: {:?}", model, bar);
            }
        }
        let cores = if gil { 1 } else { cores };
        prop_assert!(most(&chart.computing) as usize <= cores, "{}", model);
    }
}

/// The most spans in progress at one moment; a span ending when another
/// starts does not overlap it.
fn most_at_once(spans: &[(Duration, Duration)]) -> usize {
    let mut edges: Vec<(Duration, i32)> = Vec::new();
    for &(start, end) in spans {
        edges.push((start, 1));
        edges.push((end, -1));
    }
    // Ends before starts at the same moment.
    edges.sort();
    let (mut now, mut most) = (0i32, 0i32);
    for (_, step) in edges {
        now += step;
        most = most.max(now);
    }
    most as usize
}
