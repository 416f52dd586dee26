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
//! - **buckets are kept.** A bucket rung is handed to the alarm, which
//!   wakes its sleepers and gives it back empty; the next new tick gets it
//!   with the room it had, rather than a bucket grown again from nothing,
//!   a reallocation at every doubling. A bucket never made before starts
//!   with room for [`ROOM`] sleepers. Only a few buckets are kept, and
//!   none that held many sleepers: kept to the end of a run, the buckets
//!   of a million sleepers added 20 MB to its peak, which comes at its
//!   end, when the trace is full.

use std::collections::BTreeMap;
use std::task::Waker;

use super::Slot;

/// How many recent ticks are remembered (a power of two).
const RECENT: usize = 64;

/// How many sleepers a new bucket has room for (256 bytes of wakers): in
/// a large run most buckets hold more, and growing each from one took
/// three reallocations before it held this many.
const ROOM: usize = 16;

/// How many emptied buckets are kept for new ticks: as many as the
/// recent ticks remembered, which is about as many as are in use at once
/// when products are asked one after another.
const SPARES: usize = RECENT;

/// The most sleepers a bucket kept has room for (16 KiB of wakers).
const KEPT_ROOM: usize = 1024;

/// A tick no sleeper's moment falls in (see [`super::tick_of`]): an empty
/// entry of the recent table.
const NO_TICK: u64 = u64::MAX;

/// The sleepers of one tick.
pub(super) type Bucket = Vec<Option<Waker>>;

/// Sleepers by tick.
pub(super) struct Queue {
    /// Each tick with sleepers, earliest first, and its bucket.
    due: BTreeMap<u64, usize>,
    /// Buckets, by their place, in use or (empty) not. In a bucket, a
    /// sleeper cancelled is `None`, so that the others keep their places.
    buckets: Vec<Bucket>,
    /// Places free for another tick's bucket.
    free: Vec<usize>,
    /// Buckets rung and given back empty, with their room.
    spare: Vec<Bucket>,
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
            spare: Vec::new(),
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
                let sleepers = self.spare.pop().unwrap_or_else(|| Vec::with_capacity(ROOM));
                let bucket = match self.free.pop() {
                    Some(place) => {
                        self.buckets[place] = sleepers;
                        place
                    }
                    None => {
                        self.buckets.push(sleepers);
                        self.buckets.len() - 1
                    }
                };
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

    /// Takes the earliest tick's bucket out, to wake its sleepers (the
    /// cancelled ones are `None`) and give it back with [`Queue::give_back`].
    pub(super) fn ring_first(&mut self) -> Option<Bucket> {
        let (tick, bucket) = self.due.pop_first()?;
        self.free.push(bucket);
        let recent = &mut self.recent[place(tick)];
        if recent.0 == tick {
            *recent = (NO_TICK, 0);
        }
        Some(std::mem::take(&mut self.buckets[bucket]))
    }

    /// Takes buckets rung back, emptied, for new ticks: a few, not too
    /// large; the others are freed.
    pub(super) fn give_back(&mut self, emptied: impl IntoIterator<Item = Bucket>) {
        for bucket in emptied {
            if self.spare.len() < SPARES && bucket.capacity() <= KEPT_ROOM {
                self.spare.push(bucket);
            }
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
        let mut emptied = Vec::new();
        for tick in 1..=200 {
            assert_eq!(queue.first(), Some(tick));
            let mut bucket = queue.ring_first().unwrap();
            assert_eq!(bucket.len(), 2);
            bucket.drain(..).flatten().for_each(Waker::wake);
            emptied.push(bucket);
            assert!(queue.get_mut(tick, 0).is_none());
        }
        assert!(queue.first().is_none() && queue.ring_first().is_none());
        assert_eq!(sum.load(Ordering::Relaxed), 400);
        // A new tick gets a place and a bucket back, empty, with its room.
        queue.give_back(emptied);
        assert_eq!(queue.push(500, &sleeper(1, &sum)), (0, true));
        assert_eq!(queue.buckets.len(), 200);
        assert!(queue.buckets[queue.find(500).unwrap()].capacity() >= ROOM);
        assert_eq!(queue.spare.len(), SPARES - 1);
        // A bucket that held many is not kept.
        queue.give_back([Vec::with_capacity(KEPT_ROOM + 1)]);
        assert_eq!(queue.spare.len(), SPARES - 1);
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
        let bucket = queue.ring_first().unwrap();
        bucket.into_iter().flatten().for_each(Waker::wake);
        assert_eq!(sum.load(Ordering::Relaxed), 101);
    }

    #[test]
    fn places_are_within_the_table() {
        for tick in [0, 1, 64, 1 << 40, NO_TICK - 1] {
            assert!(place(tick) < RECENT);
        }
    }
}
