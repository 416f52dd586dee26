//! The coroutines of a gather, each in its place in one allocation, never
//! moved, and dropped there as soon as it is done.
//!
//! Which are done is kept apart, a bit each, rather than as an `Option`
//! around each coroutine, which would add 8 bytes to every one of a
//! million products; and a `Vec` of coroutines becomes the gather's slice
//! without being copied.

use std::future::Future;
use std::mem::ManuallyDrop;
use std::pin::Pin;
use std::task::{Context, Poll};

/// Pinned coroutines, and which of them are done.
pub(super) struct Coros<F> {
    /// Each coroutine, pinned in place until dropped there.
    pub(super) places: Pin<Box<[ManuallyDrop<F>]>>,
    /// One bit a coroutine, set once it is done and dropped.
    done: Bits,
    /// Coroutines not done yet.
    left: usize,
}

impl<F> Coros<F> {
    /// Places `coros`, none of them done.
    pub(super) fn new(coros: impl IntoIterator<Item = F>) -> Coros<F> {
        // From a `Vec`, `collect` reuses its buffer: `ManuallyDrop` does
        // not change the layout.
        let places: Vec<ManuallyDrop<F>> = coros.into_iter().map(ManuallyDrop::new).collect();
        let len = places.len();
        Coros {
            places: Box::into_pin(places.into_boxed_slice()),
            done: Bits::new(len),
            left: len,
        }
    }

    /// How many there are, done or not.
    pub(super) fn len(&self) -> usize {
        self.places.len()
    }

    /// How many are not done yet.
    pub(super) fn left(&self) -> usize {
        self.left
    }

    /// Whether coroutine `index` is done; a coroutine past the end is.
    pub(super) fn is_done(&self, index: usize) -> bool {
        index >= self.len() || self.done.get(index)
    }

    /// Polls coroutine `index`, unless it is done; drops it once it is
    /// done, or failed.
    pub(super) fn poll<E>(&mut self, index: usize, cx: &mut Context<'_>) -> Poll<Result<(), E>>
    where
        F: Future<Output = Result<(), E>>,
    {
        if self.is_done(index) {
            return Poll::Ready(Ok(()));
        }
        // SAFETY: the slice is pinned in its box, which is never moved out
        // of nor resized, and a coroutine not done has not been dropped: it
        // is still where it was pinned.
        let coro = unsafe {
            self.places
                .as_mut()
                .map_unchecked_mut(|places| &mut *places[index])
        };
        let result = coro.poll(cx);
        if result.is_ready() {
            // Marked first, so that a panic in its drop cannot drop it twice.
            self.done.set(index);
            self.left -= 1;
            // SAFETY: done now, it is never polled nor dropped again; it is
            // dropped in place, as pinning requires.
            unsafe { ManuallyDrop::drop(&mut self.places.as_mut().get_unchecked_mut()[index]) };
        }
        result
    }
}

impl<F> Drop for Coros<F> {
    fn drop(&mut self) {
        for index in 0..self.len() {
            if !self.is_done(index) {
                self.done.set(index);
                // SAFETY: not done, so not dropped yet; dropped in place,
                // as pinning requires, and marked so, never again.
                unsafe { ManuallyDrop::drop(&mut self.places.as_mut().get_unchecked_mut()[index]) };
            }
        }
    }
}

/// A bit for each coroutine: the first 64 inline, so that a gather of a
/// few, one per order, needs no allocation for them.
struct Bits {
    first: u64,
    rest: Box<[u64]>,
}

impl Bits {
    /// `len` bits, none set.
    fn new(len: usize) -> Bits {
        Bits {
            first: 0,
            rest: vec![0; len.saturating_sub(64).div_ceil(64)].into_boxed_slice(),
        }
    }

    /// The word of bit `index`, and the bit in it.
    fn word(&mut self, index: usize) -> (&mut u64, u64) {
        let bit = 1 << (index % 64);
        match index.checked_sub(64) {
            None => (&mut self.first, bit),
            Some(past) => (&mut self.rest[past / 64], bit),
        }
    }

    fn get(&self, index: usize) -> bool {
        let word = match index.checked_sub(64) {
            None => self.first,
            Some(past) => self.rest[past / 64],
        };
        word & (1 << (index % 64)) != 0
    }

    fn set(&mut self, index: usize) {
        let (word, bit) = self.word(index);
        *word |= bit;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bits_past_the_first_64_are_kept_apart() {
        let mut bits = Bits::new(200);
        assert_eq!(bits.rest.len(), 3);
        for index in [0, 63, 64, 130, 199] {
            assert!(!bits.get(index));
            bits.set(index);
            assert!(bits.get(index));
        }
        assert!(!bits.get(1) && !bits.get(65) && !bits.get(198));
        assert_eq!(Bits::new(64).rest.len(), 0);
    }
}
