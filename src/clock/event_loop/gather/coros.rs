//! The coroutines of a gather, each in its place, never moved, and
//! dropped there as soon as it is done.
//!
//! A few, the products of one order, are kept inside the gather itself,
//! and so inside the coroutine that awaits it: nothing is allocated for
//! them, where an allocation per order and its freeing were a tenth of
//! the time of a run at `--repeat 10000` (glibc's `malloc` and `free`,
//! `perf record`). More are kept in one allocation of their own, and a
//! `Vec` of coroutines becomes it without being copied.
//!
//! Which are done, and how many are left, is kept apart in one word, a
//! [`Tally`], rather than as an `Option` around each coroutine, which
//! would add 8 bytes to every one of a million products.

use std::future::Future;
use std::mem::ManuallyDrop;
use std::pin::Pin;
use std::ptr::NonNull;
use std::task::{Context, Poll};

use smallvec::SmallVec;

/// How many coroutines a gather keeps inside itself: every order of the
/// article has at most four products.
pub(super) const INSIDE: usize = 4;

/// Coroutines, pinned where they are, and which of them are done.
pub(super) struct Coros<F> {
    /// Each coroutine, in place until dropped there: inside the gather
    /// for up to [`INSIDE`], pinned with it, or else in a buffer of their
    /// own, which is never resized.
    pub(super) places: SmallVec<[ManuallyDrop<F>; INSIDE]>,
    /// How many are left, and which are done.
    tally: Tally,
}

// SAFETY: the tally's words, when it has words of its own, belong to
// these coroutines alone, and are reached only through `&self` to read
// and `&mut self` to write, as a `Box<[u64]>` would be.
unsafe impl<F: Send> Send for Coros<F> {}
// SAFETY: as above.
unsafe impl<F: Sync> Sync for Coros<F> {}

impl<F> Coros<F> {
    /// Places `coros`, a few, none of them done: up to [`INSIDE`] of them
    /// inside.
    pub(super) fn new(coros: impl IntoIterator<Item = F>) -> Coros<F> {
        Coros::placed(coros.into_iter().map(ManuallyDrop::new).collect())
    }

    /// Places `coros`, any number, none of them done: a `Vec` of more
    /// than [`INSIDE`] lends its buffer, with no copy of a million
    /// coroutines.
    pub(super) fn many(coros: impl IntoIterator<Item = F>) -> Coros<F> {
        // A `Vec` comes through `collect` as it is, buffer and all, with
        // no coroutine moved; a `map(ManuallyDrop::new)` here would reuse
        // the buffer too, but copy every coroutine out of its place and
        // back (200 bytes an order: 8 MB at `--repeat 10000`).
        let mut coros = ManuallyDrop::new(coros.into_iter().collect::<Vec<F>>());
        let (start, len, room) = (coros.as_mut_ptr(), coros.len(), coros.capacity());
        // SAFETY: the buffer, given up above, is taken over whole: a
        // `ManuallyDrop<F>` has the size and alignment of an `F` (it is
        // `repr(transparent)`), so it is the allocation of a vector of
        // `room` of them, with the first `len` in place.
        let places = unsafe { Vec::from_raw_parts(start.cast::<ManuallyDrop<F>>(), len, room) };
        Coros::placed(SmallVec::from_vec(places))
    }

    fn placed(places: SmallVec<[ManuallyDrop<F>; INSIDE]>) -> Coros<F> {
        let tally = Tally::new(places.len());
        Coros { places, tally }
    }

    /// How many there are, done or not.
    pub(super) fn len(&self) -> usize {
        self.places.len()
    }

    /// How many are not done yet.
    pub(super) fn left(&self) -> usize {
        // SAFETY: the tally was made for this many coroutines.
        unsafe { self.tally.left(self.len()) }
    }

    /// Whether coroutine `index` is done; a coroutine past the end is.
    pub(super) fn is_done(&self, index: usize) -> bool {
        // SAFETY: as above, and `index` is one of them.
        index >= self.len() || unsafe { self.tally.is_done(self.len(), index) }
    }

    /// Polls coroutine `index`, unless it is done; drops it once it is
    /// done, or failed.
    pub(super) fn poll<E>(
        self: Pin<&mut Self>,
        index: usize,
        cx: &mut Context<'_>,
    ) -> Poll<Result<(), E>>
    where
        F: Future<Output = Result<(), E>>,
    {
        // SAFETY: nothing here moves the coroutines: they are reached in
        // place, and `places` is never resized.
        let this = unsafe { self.get_unchecked_mut() };
        if this.is_done(index) {
            return Poll::Ready(Ok(()));
        }
        // SAFETY: the coroutines are pinned, inside `self` or in their
        // buffer, never moved from nor resized, and one not done has not
        // been dropped: it is still where it was pinned.
        let coro = unsafe { Pin::new_unchecked(&mut *this.places[index]) };
        let result = coro.poll(cx);
        if result.is_ready() {
            // Marked first, so that a panic in its drop cannot drop it twice.
            this.finish(index);
            // SAFETY: done now, it is never polled nor dropped again; it is
            // dropped in place, as pinning requires.
            unsafe { ManuallyDrop::drop(&mut this.places[index]) };
        }
        result
    }

    /// Marks coroutine `index`, not done yet, done.
    fn finish(&mut self, index: usize) {
        let len = self.len();
        // SAFETY: the tally was made for `len` coroutines, and `index` is
        // one of them, not done yet.
        unsafe { self.tally.finish(len, index) }
    }
}

impl<F> Drop for Coros<F> {
    fn drop(&mut self) {
        for index in 0..self.len() {
            if !self.is_done(index) {
                self.finish(index);
                // SAFETY: not done, so not dropped yet; dropped in place,
                // as pinning requires, and marked so, never again.
                unsafe { ManuallyDrop::drop(&mut self.places[index]) };
            }
        }
        let len = self.len();
        // SAFETY: made for `len` coroutines, and never used again.
        unsafe { self.tally.free(len) }
    }
}

/// How many coroutines a tally keeps in its word; past that, in words of
/// their own. Every gather in turn fits ([`super::IN_TURN_UP_TO`]).
const FEW: usize = 32;

/// How many of a gather's coroutines are left, and a bit for each done.
///
/// For up to [`FEW`] coroutines, the few products of one order, both fit
/// in the word itself, and nothing is allocated for them. For more, the
/// word points to words of their own: the count, then the bits. Which of
/// the two a tally holds follows from the number of coroutines, which
/// the gather keeps anyway and passes to every call; so the tally is 8
/// bytes where a count and a slice of bits would be 24, in every order's
/// coroutine.
union Tally {
    /// The count in the high half, the bits in the low.
    few: u64,
    /// `1 + len.div_ceil(64)` words, from a `Box<[u64]>`: the count, then
    /// the bits.
    many: NonNull<u64>,
}

impl Tally {
    /// The tally of `len` coroutines, none done.
    fn new(len: usize) -> Tally {
        if len <= FEW {
            return Tally {
                few: (len as u64) << 32,
            };
        }
        let mut words = vec![0; Tally::words(len)].into_boxed_slice();
        words[0] = len as u64;
        let words = NonNull::from(Box::leak(words));
        Tally {
            many: words.cast::<u64>(),
        }
    }

    /// How many words a tally of more than [`FEW`] has.
    fn words(len: usize) -> usize {
        1 + len.div_ceil(64)
    }

    /// The words of a tally of more than [`FEW`].
    ///
    /// # Safety
    /// The tally was made for `len` coroutines, `len > FEW`, and not freed.
    unsafe fn many(&self, len: usize) -> &[u64] {
        // SAFETY: by the caller, `many` is the words `new` allocated for
        // `len`, alive, and shared as `self` is.
        unsafe { std::slice::from_raw_parts(self.many.as_ptr(), Tally::words(len)) }
    }

    /// # Safety
    /// As [`Tally::many`].
    unsafe fn many_mut(&mut self, len: usize) -> &mut [u64] {
        // SAFETY: as above, borrowed uniquely as `self` is.
        unsafe { std::slice::from_raw_parts_mut(self.many.as_ptr(), Tally::words(len)) }
    }

    /// How many are left.
    ///
    /// # Safety
    /// The tally was made for `len` coroutines and not freed.
    unsafe fn left(&self, len: usize) -> usize {
        if len <= FEW {
            // SAFETY: a tally of a few holds `few`.
            (unsafe { self.few } >> 32) as usize
        } else {
            // SAFETY: by the caller.
            (unsafe { self.many(len) })[0] as usize
        }
    }

    /// Whether coroutine `index` is done.
    ///
    /// # Safety
    /// As [`Tally::left`], and `index < len`.
    unsafe fn is_done(&self, len: usize, index: usize) -> bool {
        let bit = 1 << (index % 64);
        if len <= FEW {
            // SAFETY: a tally of a few holds `few`.
            (unsafe { self.few }) & bit != 0
        } else {
            // SAFETY: by the caller.
            (unsafe { self.many(len) })[1 + index / 64] & bit != 0
        }
    }

    /// Marks coroutine `index` done: one fewer left.
    ///
    /// # Safety
    /// As [`Tally::is_done`], and `index` is not done yet.
    unsafe fn finish(&mut self, len: usize, index: usize) {
        let bit = 1 << (index % 64);
        if len <= FEW {
            // SAFETY: a tally of a few holds `few`; its count, at least 1
            // with `index` not done, is in the high half.
            unsafe { self.few = (self.few | bit) - (1 << 32) };
        } else {
            // SAFETY: by the caller.
            let words = unsafe { self.many_mut(len) };
            words[1 + index / 64] |= bit;
            words[0] -= 1;
        }
    }

    /// Frees the words of a tally of more than [`FEW`].
    ///
    /// # Safety
    /// As [`Tally::left`]; the tally is never used again.
    unsafe fn free(&mut self, len: usize) {
        if len > FEW {
            // SAFETY: the words `new` leaked, as the box they were.
            drop(unsafe { Box::from_raw(self.many_mut(len)) });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Marks `done` of `len` coroutines done, in that order, checking the
    /// tally after each.
    fn tally_through(len: usize, done: &[usize]) {
        let mut tally = Tally::new(len);
        // SAFETY: every call is for `len`, with an index below it, each
        // marked done once; the tally is freed last.
        unsafe {
            assert_eq!(tally.left(len), len);
            for (n, &index) in done.iter().enumerate() {
                assert!(!tally.is_done(len, index));
                tally.finish(len, index);
                assert!(tally.is_done(len, index));
                assert_eq!(tally.left(len), len - n - 1);
            }
            for index in (0..len).filter(|i| !done.contains(i)) {
                assert!(!tally.is_done(len, index));
            }
            tally.free(len);
        }
    }

    #[test]
    fn a_few_are_tallied_in_the_word_itself() {
        tally_through(0, &[]);
        tally_through(3, &[2, 0, 1]);
        tally_through(FEW, &[0, FEW - 1, 5]);
    }

    #[test]
    fn many_are_tallied_in_words_of_their_own() {
        tally_through(FEW + 1, &[FEW, 0]);
        tally_through(200, &[0, 63, 64, 130, 199]);
        tally_through(64 * 3, &[191, 128, 127]);
    }

    #[test]
    fn a_tally_is_one_word() {
        assert_eq!(std::mem::size_of::<Tally>(), 8);
    }
}
