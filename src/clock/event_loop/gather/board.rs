//! Which coroutines of a gather as woken were woken: the board they are
//! listed on, and the wakers that list them.
//!
//! A coroutine's waker is built by hand, because it must say which
//! coroutine it wakes without an allocation of its own: its data is a
//! pointer to the coroutine's [`Slot`] on the board, 16 bytes, and each
//! clone holds a count of the board's `Arc`. The futures crate's
//! `FuturesUnordered` does the same with a whole task per future.

use std::collections::VecDeque;
use std::mem::ManuallyDrop;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::task::{RawWaker, RawWakerVTable, Waker};

use futures::task::AtomicWaker;

/// Which coroutines of a gather were woken, and the waker of the task
/// that awaits it. Shared by the gather and every waker it gave.
pub(super) struct Board {
    /// The coroutines woken, by index, in the order they were, each once.
    woken: Mutex<VecDeque<u32>>,
    /// The task awaiting the gather.
    pub(super) gatherer: AtomicWaker,
    /// One per coroutine: what its waker points at.
    pub(super) slots: Box<[Slot]>,
}

/// A coroutine's waker: where it points, and what it tells.
pub(super) struct Slot {
    /// The board this slot is part of.
    board: *const Board,
    index: u32,
    /// In the board's list of those woken.
    pub(super) queued: AtomicBool,
    /// Woken since it was last polled.
    pub(super) woken: AtomicBool,
}

// SAFETY: `board` points at the `Board` holding the slot, which every
// waker of the slot keeps alive by a count of its `Arc`, and which is
// itself safe to share: a mutex, an `AtomicWaker` and atomics.
unsafe impl Send for Slot {}
// SAFETY: as above; nothing is reached through `board` but `&Board`.
unsafe impl Sync for Slot {}

impl Board {
    /// The board of `len` coroutines, every one of them woken, so that the
    /// first poll polls them all, in order.
    pub(super) fn new(len: usize) -> Arc<Board> {
        Arc::new_cyclic(|board| Board {
            // An index past `u32::MAX` (four billion coroutines, refused by
            // the workload's memory check long before) is never polled.
            woken: Mutex::new(
                (0..len)
                    .map(|i| u32::try_from(i).unwrap_or(u32::MAX))
                    .collect(),
            ),
            gatherer: AtomicWaker::new(),
            slots: (0..len)
                .map(|i| Slot {
                    board: board.as_ptr(),
                    index: u32::try_from(i).unwrap_or(u32::MAX),
                    queued: AtomicBool::new(true),
                    woken: AtomicBool::new(false),
                })
                .collect(),
        })
    }

    /// The next coroutine woken, if any.
    #[inline]
    pub(super) fn next_woken(&self) -> Option<usize> {
        self.lock().pop_front().map(|index| index as usize)
    }

    fn lock(&self) -> MutexGuard<'_, VecDeque<u32>> {
        // Nothing panics while the list is held; a poisoned list is whole.
        self.woken.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl Slot {
    /// The waker of this slot's coroutine, borrowed: it holds no count of
    /// the board, so it must not outlive the gather's (its clones do hold
    /// one each).
    pub(super) fn waker(&self) -> ManuallyDrop<Waker> {
        let data = std::ptr::from_ref(self).cast::<()>();
        // SAFETY: `data` points at a slot of a live board, as the vtable's
        // functions expect; `ManuallyDrop` keeps the count it does not own
        // from being given back.
        ManuallyDrop::new(unsafe { Waker::from_raw(RawWaker::new(data, &VTABLE)) })
    }

    /// Lists the coroutine as woken, unless it is already, and wakes the
    /// gatherer if the list was empty.
    ///
    /// Why once is enough: the gatherer, when polled, takes coroutines off
    /// the list until it is empty, or wakes itself to go on later; so a
    /// list that is not empty has a poll of the gatherer coming. The alarm
    /// wakes hundreds of products at once, and each woke the gatherer.
    fn wake(&self) {
        self.woken.store(true, Ordering::Relaxed);
        if !self.queued.swap(true, Ordering::SeqCst) {
            // SAFETY: the caller holds a count of the board (see `VTABLE`).
            let board = unsafe { &*self.board };
            let first = {
                let mut woken = board.lock();
                woken.push_back(self.index);
                woken.len() == 1
            };
            if first {
                board.gatherer.wake();
            }
        }
    }
}

/// A coroutine's waker: its data is a pointer to its [`Slot`], and each
/// waker but the borrowed one holds a count of the slot's board.
static VTABLE: RawWakerVTable = RawWakerVTable::new(clone_waker, wake, wake_by_ref, drop_waker);

/// SAFETY (every function below): `data` points at a `Slot` of a board
/// that is alive, for the waker called holds a count of it, or is the
/// borrowed one of a gather that does.
unsafe fn clone_waker(data: *const ()) -> RawWaker {
    let slot = unsafe { &*data.cast::<Slot>() };
    unsafe { Arc::increment_strong_count(slot.board) };
    RawWaker::new(data, &VTABLE)
}

unsafe fn wake(data: *const ()) {
    unsafe {
        wake_by_ref(data);
        drop_waker(data);
    }
}

unsafe fn wake_by_ref(data: *const ()) {
    unsafe { &*data.cast::<Slot>() }.wake();
}

unsafe fn drop_waker(data: *const ()) {
    // Read before the count is given back: it may be the board's last.
    let board = unsafe { &*data.cast::<Slot>() }.board;
    unsafe { Arc::decrement_strong_count(board) };
}
