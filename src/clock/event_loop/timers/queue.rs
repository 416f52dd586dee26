//! The timers' queue: sleepers by the tick their moment falls in, earliest
//! first, as asyncio keeps its scheduled callbacks in a heap.
//!
//! Two things make it cheap at a million sleepers, where a bucket per tick
//! in a sorted map took a sixth of a run's instructions (callgrind,
//! `--repeat 10000`):
//!
//! - **recent ticks are remembered.** Products asked one after another
//!   fall, most of them, in a handful of ticks, one per preparation time;
//!   a small table, by tick, names their buckets without a search of the
//!   sorted map.
//! - **buckets are kept.** A bucket rung is emptied and given to the next
//!   new tick with the room it had, rather than freed and grown again from
//!   nothing, a reallocation at every doubling.

use std::collections::BTreeMap;
use std::task::Waker;

use super::Slot;

/// How many recent ticks are remembered (a power of two).
const RECENT: usize = 64;

/// A tick no sleeper's moment falls in (see [`super::tick_of`]): an empty
/// entry of the recent table.
const NO_TICK: u64 = u64::MAX;

/// Sleepers by tick.
pub(super) struct Queue {
    /// Each tick with sleepers, earliest first, and its bucket.
    due: BTreeMap<u64, usize>,
    /// Buckets, in use or free. In a bucket, a sleeper cancelled is
    /// `None`, so that the others keep their places.
    buckets: Vec<Vec<Option<Waker>>>,
    /// Buckets free for another tick.
    free: Vec<usize>,
    /// Recent ticks and their buckets, at a place drawn from the tick.
    recent: [(u64, usize); RECENT],
    /// The alarm's waker, to call when a sleeper comes in earlier than
    /// every other.
    pub(super) alarm: Option<Waker>,
}

impl Queue {
    /// An empty queue.
    pub(super) fn new() -> Queue {
        Queue {
            due: BTreeMap::new(),
            buckets: Vec::new(),
            free: Vec::new(),
            recent: [(NO_TICK, 0); RECENT],
            alarm: None,
        }
    }

    /// Puts `waker` in the bucket of `tick`: its place there, and whether
    /// it is the earliest tick queued and new, for which the alarm must be
    /// set again.
    pub(super) fn push(&mut self, tick: u64, waker: &Waker) -> (Slot, bool) {
        let (bucket, earliest) = match self.find(tick) {
            Some(bucket) => (bucket, false),
            None => {
                let earliest = self.due.first_key_value().is_none_or(|(&t, _)| tick < t);
                let bucket = self.free.pop().unwrap_or_else(|| {
                    self.buckets.push(Vec::new());
                    self.buckets.len() - 1
                });
                self.due.insert(tick, bucket);
                (bucket, earliest)
            }
        };
        self.recent[place(tick)] = (tick, bucket);
        let sleepers = &mut self.buckets[bucket];
        // Four billion sleepers in one bucket would take 64 GB of
        // wakers; the memory check refuses such a run long before.
        let slot = Slot::try_from(sleepers.len()).unwrap_or(Slot::MAX - 1);
        sleepers.push(Some(waker.clone()));
        (slot, earliest)
    }

    /// The sleeper of `tick` at `slot`, if its tick has not been rung.
    pub(super) fn get_mut(&mut self, tick: u64, slot: Slot) -> Option<&mut Option<Waker>> {
        let bucket = self.find(tick)?;
        self.buckets[bucket].get_mut(slot as usize)
    }

    /// The earliest tick with sleepers.
    pub(super) fn first(&self) -> Option<u64> {
        self.due.first_key_value().map(|(&tick, _)| tick)
    }

    /// Takes the earliest tick's sleepers out, the cancelled left behind,
    /// into `woken`: the bucket is free again.
    pub(super) fn ring_first(&mut self, woken: &mut Vec<Waker>) {
        let Some((tick, bucket)) = self.due.pop_first() else {
            return;
        };
        woken.extend(self.buckets[bucket].drain(..).flatten());
        self.free.push(bucket);
        let recent = &mut self.recent[place(tick)];
        if recent.0 == tick {
            *recent = (NO_TICK, 0);
        }
    }

    /// The bucket of `tick`, if it has one.
    fn find(&self, tick: u64) -> Option<usize> {
        match self.recent[place(tick)] {
            (recent, bucket) if recent == tick => Some(bucket),
            _ => self.due.get(&tick).copied(),
        }
    }
}

/// Where `tick` is remembered in the recent table: Fibonacci hashing, so
/// that ticks a fixed distance apart, as two preparation times keep, seldom
/// take the same place.
fn place(tick: u64) -> usize {
    (tick.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> (u64::BITS - RECENT.trailing_zeros())) as usize
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Arc;

    use futures::task::{waker, ArcWake};

    /// A waker that tells which sleeper it is by a number.
    struct Sleeper(usize, Arc<AtomicUsize>);

    impl ArcWake for Sleeper {
        fn wake_by_ref(sleeper: &Arc<Self>) {
            sleeper.1.fetch_add(sleeper.0, Ordering::Relaxed);
        }
    }

    fn sleeper(number: usize, sum: &Arc<AtomicUsize>) -> Waker {
        waker(Arc::new(Sleeper(number, Arc::clone(sum))))
    }

    /// Ticks ring earliest first, each with its own sleepers, whether the
    /// ticks were remembered, forgotten or share a place in the table; a
    /// bucket rung serves a later tick, empty.
    #[test]
    fn ticks_ring_in_order_with_their_own_sleepers() {
        let sum = Arc::new(AtomicUsize::new(0));
        let mut queue = Queue::new();
        // More ticks than the table remembers, pushed out of order, so that
        // most are found in the sorted map, and some share a place.
        let ticks: Vec<u64> = (0..200).map(|i| (i * 7919) % 200 + 1).collect();
        for (n, &tick) in ticks.iter().enumerate() {
            let earliest = queue.first().is_none_or(|first| tick < first);
            assert_eq!(queue.push(tick, &sleeper(1, &sum)), (0, earliest));
            assert_eq!(
                queue.push(tick, &sleeper(1, &sum)).0,
                1,
                "tick {tick}, push {n}"
            );
        }
        for tick in 1..=200 {
            assert_eq!(queue.first(), Some(tick));
            let mut woken = Vec::new();
            queue.ring_first(&mut woken);
            assert_eq!(woken.len(), 2);
            woken.into_iter().for_each(Waker::wake);
            assert!(queue.get_mut(tick, 0).is_none());
        }
        assert_eq!(queue.first(), None);
        assert_eq!(sum.load(Ordering::Relaxed), 400);
        // A new tick gets a bucket back, empty.
        assert_eq!(queue.push(500, &sleeper(1, &sum)), (0, true));
        assert_eq!(queue.buckets.len(), 200);
    }

    /// A sleeper cancelled stays in its place, and is not woken.
    #[test]
    fn a_cancelled_sleeper_keeps_its_place_and_is_not_woken() {
        let sum = Arc::new(AtomicUsize::new(0));
        let mut queue = Queue::new();
        for number in [1, 10, 100] {
            queue.push(3, &sleeper(number, &sum));
        }
        *queue.get_mut(3, 1).unwrap() = None;
        assert!(queue.get_mut(3, 2).unwrap().is_some());
        let mut woken = Vec::new();
        queue.ring_first(&mut woken);
        woken.into_iter().for_each(Waker::wake);
        assert_eq!(sum.load(Ordering::Relaxed), 101);
    }

    #[test]
    fn places_are_within_the_table() {
        for tick in [0, 1, 64, 1 << 40, NO_TICK - 1] {
            assert!(place(tick) < RECENT);
        }
    }
}
