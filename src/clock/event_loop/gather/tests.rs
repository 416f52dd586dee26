use super::*;

use std::collections::{HashMap, HashSet};
use std::sync::atomic::AtomicUsize;
use std::sync::Mutex;
use std::task::Waker;

use futures::task::{noop_waker, waker, ArcWake};

/// What the probes of one test did, and what they are told to do.
#[derive(Default)]
struct Script {
    /// Each probe's id, every time it was polled.
    polled: Vec<usize>,
    /// The waker each probe was last polled with.
    wakers: HashMap<usize, Waker>,
    /// Probes to end at their next poll, and how.
    finish: HashMap<usize, Result<(), &'static str>>,
    /// Probes that wake themselves whenever polled.
    restless: HashSet<usize>,
    /// Probes that wake the next one whenever polled.
    nudging: HashSet<usize>,
}

type Shared = Arc<Mutex<Script>>;

/// A coroutine that does what the script says.
async fn probe(id: usize, script: Shared) -> Result<(), &'static str> {
    std::future::poll_fn(|cx| {
        let mut script = script.lock().unwrap();
        script.polled.push(id);
        script.wakers.insert(id, cx.waker().clone());
        if let Some(done) = script.finish.remove(&id) {
            return Poll::Ready(done);
        }
        if script.restless.contains(&id) {
            cx.waker().wake_by_ref();
        }
        if script.nudging.contains(&id) {
            if let Some(next) = script.wakers.get(&(id + 1)) {
                next.wake_by_ref();
            }
        }
        Poll::Pending
    })
    .await
}

/// Counts the gatherer's wake-ups.
#[derive(Default)]
struct Gatherer(AtomicUsize);

impl ArcWake for Gatherer {
    fn wake_by_ref(gatherer: &Arc<Self>) {
        gatherer.0.fetch_add(1, Ordering::Relaxed);
    }
}

fn probes(
    count: usize,
    script: &Shared,
) -> impl Iterator<Item = impl Future<Output = Result<(), &'static str>>> + '_ {
    (0..count).map(|id| probe(id, Arc::clone(script)))
}

/// Polls the gather once with a waker that counts.
fn poll_once<F: Future>(gather: &mut Pin<Box<F>>, gatherer: &Arc<Gatherer>) -> Poll<F::Output> {
    let waker = waker(Arc::clone(gatherer));
    gather.as_mut().poll(&mut Context::from_waker(&waker))
}

fn taken(script: &Shared) -> Vec<usize> {
    std::mem::take(&mut script.lock().unwrap().polled)
}

fn wake(script: &Shared, id: usize) {
    let waker = script.lock().unwrap().wakers[&id].clone();
    waker.wake();
}

#[test]
fn a_few_are_polled_in_turn_every_time() {
    let script = Shared::default();
    let gatherer = Arc::new(Gatherer::default());
    let mut gather = Box::pin(gather(probes(3, &script)));
    assert!(poll_once(&mut gather, &gatherer).is_pending());
    assert_eq!(taken(&script), [0, 1, 2]);
    script.lock().unwrap().finish.insert(1, Ok(()));
    assert!(poll_once(&mut gather, &gatherer).is_pending());
    assert_eq!(taken(&script), [0, 1, 2]);
    // The one done is not polled again.
    script
        .lock()
        .unwrap()
        .finish
        .extend([(0, Ok(())), (2, Ok(()))]);
    assert_eq!(poll_once(&mut gather, &gatherer), Poll::Ready(Ok(())));
    assert_eq!(taken(&script), [0, 2]);
}

#[test]
fn the_first_error_ends_the_gather() {
    for count in [3, IN_TURN_UP_TO + 1] {
        let script = Shared::default();
        let gatherer = Arc::new(Gatherer::default());
        let mut gather = Box::pin(gather(probes(count, &script)));
        assert!(poll_once(&mut gather, &gatherer).is_pending());
        script
            .lock()
            .unwrap()
            .finish
            .extend([(1, Err("burnt")), (2, Err("cold"))]);
        wake(&script, 1);
        wake(&script, 2);
        assert_eq!(poll_once(&mut gather, &gatherer), Poll::Ready(Err("burnt")));
    }
}

#[test]
fn many_are_polled_as_woken_in_the_order_they_were_each_once() {
    let script = Shared::default();
    let gatherer = Arc::new(Gatherer::default());
    let count = IN_TURN_UP_TO + 10;
    let mut gather = Box::pin(gather(probes(count, &script)));
    assert!(poll_once(&mut gather, &gatherer).is_pending());
    assert_eq!(taken(&script), (0..count).collect::<Vec<_>>());
    // Having polled as many as are left, it yields, as `FuturesUnordered`.
    assert_eq!(gatherer.0.load(Ordering::Relaxed), 1);
    wake(&script, 7);
    wake(&script, 3);
    wake(&script, 7);
    // Once: the gatherer's waker is given back when used.
    assert_eq!(gatherer.0.load(Ordering::Relaxed), 2);
    assert!(poll_once(&mut gather, &gatherer).is_pending());
    assert_eq!(taken(&script), [7, 3]);
    // Nothing woken, nothing polled.
    assert!(poll_once(&mut gather, &gatherer).is_pending());
    assert_eq!(taken(&script), [] as [usize; 0]);
}

#[test]
fn a_gather_of_many_ends_when_the_last_is_done() {
    let script = Shared::default();
    let gatherer = Arc::new(Gatherer::default());
    let mut gather = Box::pin(gather_many(probes(2, &script)));
    assert!(poll_once(&mut gather, &gatherer).is_pending());
    script.lock().unwrap().finish.insert(0, Ok(()));
    wake(&script, 0);
    assert!(poll_once(&mut gather, &gatherer).is_pending());
    // Woken after it was done: not polled.
    wake(&script, 0);
    script.lock().unwrap().finish.insert(1, Ok(()));
    wake(&script, 1);
    assert_eq!(poll_once(&mut gather, &gatherer), Poll::Ready(Ok(())));
    assert_eq!(taken(&script), [0, 1, 0, 1]);
}

/// Two coroutines that ask to run again at once: the gather hands the
/// thread back to the loop, and asks to be polled again.
#[test]
fn many_yield_to_the_loop_when_two_want_to_run_again() {
    let script = Shared::default();
    script.lock().unwrap().restless.extend([0, 1]);
    let gatherer = Arc::new(Gatherer::default());
    let mut gather = Box::pin(gather_many(probes(4, &script)));
    assert!(poll_once(&mut gather, &gatherer).is_pending());
    assert_eq!(taken(&script), [0, 1]);
    // Woken by itself as it yields, and not by the first: the list of
    // those woken was not empty, so a poll was coming anyway.
    assert_eq!(gatherer.0.load(Ordering::Relaxed), 1);
    assert!(poll_once(&mut gather, &gatherer).is_pending());
    assert_eq!(taken(&script), [2, 3, 0, 1]);
}

/// Coroutines woken one after another, as the alarm wakes the products
/// of one moment, wake the gatherer once, and are polled in that order.
#[test]
fn many_woken_at_once_wake_the_gatherer_once() {
    let script = Shared::default();
    let gatherer = Arc::new(Gatherer::default());
    let mut gather = Box::pin(gather_many(probes(3, &script)));
    let woken = || gatherer.0.load(Ordering::Relaxed);
    assert!(poll_once(&mut gather, &gatherer).is_pending());
    assert_eq!(taken(&script), [0, 1, 2]);
    let before = woken();
    for id in [2, 0, 1] {
        wake(&script, id);
    }
    assert_eq!(woken(), before + 1);
    assert!(poll_once(&mut gather, &gatherer).is_pending());
    assert_eq!(taken(&script), [2, 0, 1]);
    // Emptied, the list wakes the gatherer again with its next one.
    let before = woken();
    wake(&script, 1);
    assert_eq!(woken(), before + 1);
}

/// Coroutines that keep waking each other: the gather polls as many as
/// are left, then hands the thread back.
#[test]
fn many_yield_to_the_loop_after_as_many_polls_as_are_left() {
    let script = Shared::default();
    script.lock().unwrap().nudging.extend(0..4);
    let gatherer = Arc::new(Gatherer::default());
    let mut gather = Box::pin(gather_many(probes(5, &script)));
    assert!(poll_once(&mut gather, &gatherer).is_pending());
    assert_eq!(taken(&script), [0, 1, 2, 3, 4]);
    // The nudges were of coroutines queued already; the yield wakes it.
    assert_eq!(gatherer.0.load(Ordering::Relaxed), 1);
    wake(&script, 0);
    assert!(poll_once(&mut gather, &gatherer).is_pending());
    assert_eq!(taken(&script), [0, 1, 2, 3, 4]);
}

/// A waker kept past its gather, cloned, woken and dropped, touches only
/// the board it keeps alive; woken on another thread, it wakes the gather.
#[test]
fn wakers_may_outlive_the_gather_and_cross_threads() {
    let script = Shared::default();
    let gatherer = Arc::new(Gatherer::default());
    let mut gather = Box::pin(gather_many(probes(3, &script)));
    assert!(poll_once(&mut gather, &gatherer).is_pending());
    let kept = script.lock().unwrap().wakers[&2].clone();
    let before = gatherer.0.load(Ordering::Relaxed);
    std::thread::spawn({
        let kept = kept.clone();
        move || kept.wake()
    })
    .join()
    .unwrap();
    assert_eq!(gatherer.0.load(Ordering::Relaxed), before + 1);
    assert!(poll_once(&mut gather, &gatherer).is_pending());
    assert_eq!(taken(&script), [0, 1, 2, 2]);
    std::mem::drop(gather);
    script.lock().unwrap().wakers.clear();
    let again = kept.clone();
    kept.wake_by_ref();
    again.wake();
    std::mem::drop(kept);
}

#[test]
fn an_empty_gather_is_done_at_once() {
    let noop = noop_waker();
    let mut cx = Context::from_waker(&noop);
    let none = std::iter::empty::<std::future::Ready<Result<(), ()>>>;
    assert_eq!(
        std::pin::pin!(gather(none())).poll(&mut cx),
        Poll::Ready(Ok(()))
    );
    assert_eq!(
        std::pin::pin!(gather_many(none())).poll(&mut cx),
        Poll::Ready(Ok(()))
    );
}

/// A gather is 24 bytes beside the room for four coroutines, keeps a few
/// inside and more in a buffer, and holds 16 bytes a coroutine more as
/// woken: the sizes the module's doc promises.
#[test]
fn a_gather_costs_what_its_doc_says() {
    assert_eq!(std::mem::size_of::<board::Slot>(), 16);
    type Coro = std::future::Ready<Result<(), [u64; 5]>>;
    assert_eq!(
        std::mem::size_of::<Gather<Coro>>(),
        24 + coros::INSIDE * std::mem::size_of::<Coro>()
    );
    let coros = |count| (0..count).map(|_| std::future::ready(Ok(())));
    let few: Gather<Coro> = gather(coros(coros::INSIDE));
    assert!(few.board.is_none() && !few.coros.places.spilled());
    let more: Gather<Coro> = gather(coros(coros::INSIDE + 1));
    assert!(more.board.is_none() && more.coros.places.spilled());
}

/// A gather dropped before it is done drops every coroutine not done,
/// once; those done were dropped as they finished.
#[test]
fn every_coroutine_is_dropped_once() {
    struct Counted(Arc<AtomicUsize>);
    impl Drop for Counted {
        fn drop(&mut self) {
            self.0.fetch_add(1, Ordering::Relaxed);
        }
    }
    for count in [3, 100] {
        let dropped = Arc::new(AtomicUsize::new(0));
        let script = Shared::default();
        let gatherer = Arc::new(Gatherer::default());
        let mut gather = Box::pin(gather(probes(count, &script).map(|probe| {
            let counted = Counted(Arc::clone(&dropped));
            async move {
                let _counted = counted;
                probe.await
            }
        })));
        assert!(poll_once(&mut gather, &gatherer).is_pending());
        script.lock().unwrap().finish.insert(1, Ok(()));
        wake(&script, 1);
        assert!(poll_once(&mut gather, &gatherer).is_pending());
        assert_eq!(dropped.load(Ordering::Relaxed), 1);
        std::mem::drop(gather);
        assert_eq!(dropped.load(Ordering::Relaxed), count);
    }
}
