//! `await asyncio.gather(*coros)` for the loop: runs coroutines at once,
//! on the task that awaits them, until every one is done or one fails.
//!
//! asyncio wraps each coroutine in a task and runs a task only when it is
//! woken. A [`Gather`] does the same inside one tokio task, in one of two
//! ways, as the futures crate's `try_join_all` and `FuturesUnordered` do
//! (the behaviour the models' exact figures were first measured with):
//!
//! - **in turn**, for a few coroutines ([`gather`] of at most
//!   [`IN_TURN_UP_TO`]): whenever the gather is polled, it polls every
//!   coroutine not done yet, in order. Nothing is kept per coroutine but
//!   the coroutine itself, which suits the few products of one order.
//! - **as woken**, for many ([`gather`] of more, or [`gather_many`] of any
//!   number): each coroutine has a waker of its own, and only those woken
//!   are polled, in the order they were woken, as asyncio's ready queue
//!   runs them. It yields to the loop once it has polled as many
//!   coroutines as are left, or two have asked to run again at once.
//!
//! Both keep the coroutines in one allocation, in place, and drop each as
//! soon as it is done. The futures crate's general versions give each of
//! a million orders a task of its own (about 72 bytes and an allocation
//! more) and make every order's coroutine hold room for gathering
//! thousands of products; a gather as woken costs 16 bytes a coroutine,
//! and one in turn nothing.

use std::collections::VecDeque;
use std::future::Future;
use std::mem::ManuallyDrop;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::task::{Context, Poll, RawWaker, RawWakerVTable, Waker};

use futures::task::AtomicWaker;

/// The most coroutines a [`gather`] polls in turn; past that, as woken.
/// The futures crate's `try_join_all` draws the same line.
pub const IN_TURN_UP_TO: usize = 30;

/// Gathers `coros`: completes when all have, or with the first error.
/// A few are polled in turn, many as woken (see the module's doc).
pub fn gather<F, E>(coros: impl IntoIterator<Item = F>) -> Gather<F>
where
    F: Future<Output = Result<(), E>>,
{
    let coros = place(coros);
    let board = (coros.len() > IN_TURN_UP_TO).then(|| Board::new(coros.len()));
    Gather::new(coros, board)
}

/// Gathers `coros`, polling only those woken, whatever their number: for
/// every order of a shift, each of which is woken on its own.
pub fn gather_many<F, E>(coros: impl IntoIterator<Item = F>) -> Gather<F>
where
    F: Future<Output = Result<(), E>>,
{
    let coros = place(coros);
    let board = Some(Board::new(coros.len()));
    Gather::new(coros, board)
}

/// Coroutines gathered; the future [`gather`] and [`gather_many`] give.
#[must_use = "a gather does nothing unless awaited"]
pub struct Gather<F> {
    /// Each coroutine in its place, never moved; `None` once done.
    coros: Pin<Box<[Option<F>]>>,
    /// Coroutines not done yet.
    left: usize,
    /// Which were woken, when they are polled as woken.
    board: Option<Arc<Board>>,
}

/// The coroutines, each in its place.
fn place<F>(coros: impl IntoIterator<Item = F>) -> Pin<Box<[Option<F>]>> {
    Box::into_pin(coros.into_iter().map(Some).collect())
}

impl<F> Gather<F> {
    fn new(coros: Pin<Box<[Option<F>]>>, board: Option<Arc<Board>>) -> Gather<F> {
        Gather {
            left: coros.len(),
            coros,
            board,
        }
    }
}

/// The place of coroutine `index`, pinned.
fn coro<F>(coros: &mut Pin<Box<[Option<F>]>>, index: usize) -> Option<Pin<&mut Option<F>>> {
    if index >= coros.len() {
        return None;
    }
    // SAFETY: the slice is pinned in its box, which is never moved out of
    // nor resized; a coroutine is only ever dropped in place (through
    // `Pin::set`) or with the slice, so pinning one of them is sound.
    Some(unsafe { coros.as_mut().map_unchecked_mut(|all| &mut all[index]) })
}

impl<F, E> Future for Gather<F>
where
    F: Future<Output = Result<(), E>>,
{
    type Output = Result<(), E>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Result<(), E>> {
        // `Gather` is `Unpin`: its coroutines are pinned in their box.
        let Gather { coros, left, board } = self.get_mut();
        match board {
            None => poll_in_turn(coros, left, cx),
            Some(board) => poll_as_woken(coros, left, board, cx),
        }
    }
}

/// Polls every coroutine not done yet, in order.
fn poll_in_turn<F, E>(
    coros: &mut Pin<Box<[Option<F>]>>,
    left: &mut usize,
    cx: &mut Context<'_>,
) -> Poll<Result<(), E>>
where
    F: Future<Output = Result<(), E>>,
{
    for index in 0..coros.len() {
        if let Some(place) = coro(coros, index) {
            if let Poll::Ready(Err(e)) = poll_one(place, left, cx) {
                return Poll::Ready(Err(e));
            }
        }
    }
    if *left == 0 {
        Poll::Ready(Ok(()))
    } else {
        Poll::Pending
    }
}

/// Polls the coroutines woken, in the order they were, each with its own
/// waker, as `FuturesUnordered` does: the count of those polled and of
/// those that woke themselves starts again after each one done.
fn poll_as_woken<F, E>(
    coros: &mut Pin<Box<[Option<F>]>>,
    left: &mut usize,
    board: &Board,
    cx: &mut Context<'_>,
) -> Poll<Result<(), E>>
where
    F: Future<Output = Result<(), E>>,
{
    board.gatherer.register(cx.waker());
    let (mut polled, mut yielded) = (0, 0);
    while *left > 0 {
        let Some(index) = board.next_woken() else {
            return Poll::Pending;
        };
        let Some(mut place) = coro(coros, index) else {
            continue;
        };
        if place.is_none() {
            // Woken after it was done.
            continue;
        }
        let slot = &board.slots[index];
        slot.queued.store(false, Ordering::SeqCst);
        slot.woken.store(false, Ordering::Relaxed);
        let before = *left;
        let done = poll_one(
            place.as_mut(),
            left,
            &mut Context::from_waker(&slot.waker()),
        );
        if let Poll::Ready(Err(e)) = done {
            return Poll::Ready(Err(e));
        }
        if *left < before {
            (polled, yielded) = (0, 0);
            continue;
        }
        polled += 1;
        yielded += usize::from(slot.woken.load(Ordering::Relaxed));
        if yielded >= 2 || polled >= *left {
            // Let the loop run everything else before going on.
            cx.waker().wake_by_ref();
            return Poll::Pending;
        }
    }
    Poll::Ready(Ok(()))
}

/// Polls one coroutine; drops it in place, and counts it, once done.
fn poll_one<F, E>(
    mut place: Pin<&mut Option<F>>,
    left: &mut usize,
    cx: &mut Context<'_>,
) -> Poll<Result<(), E>>
where
    F: Future<Output = Result<(), E>>,
{
    let Some(coro) = place.as_mut().as_pin_mut() else {
        return Poll::Ready(Ok(()));
    };
    let done = coro.poll(cx);
    match done {
        Poll::Pending => Poll::Pending,
        Poll::Ready(Ok(())) => {
            place.set(None);
            *left -= 1;
            Poll::Ready(Ok(()))
        }
        Poll::Ready(Err(e)) => Poll::Ready(Err(e)),
    }
}

/// Which coroutines of a gather were woken, and the waker of the task
/// that awaits it. Shared by the gather and every waker it gave.
struct Board {
    /// The coroutines woken, by index, in the order they were, each once.
    woken: Mutex<VecDeque<u32>>,
    /// The task awaiting the gather.
    gatherer: AtomicWaker,
    /// One per coroutine: what its waker points at.
    slots: Box<[Slot]>,
}

/// A coroutine's waker: where it points, and what it tells.
struct Slot {
    /// The board this slot is part of.
    board: *const Board,
    index: u32,
    /// In the board's list of those woken.
    queued: AtomicBool,
    /// Woken since it was last polled.
    woken: AtomicBool,
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
    fn new(len: usize) -> Arc<Board> {
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
    fn next_woken(&self) -> Option<usize> {
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
    fn waker(&self) -> ManuallyDrop<Waker> {
        let data = std::ptr::from_ref(self).cast::<()>();
        // SAFETY: `data` points at a slot of a live board, as the vtable's
        // functions expect; `ManuallyDrop` keeps the count it does not own
        // from being given back.
        ManuallyDrop::new(unsafe { Waker::from_raw(RawWaker::new(data, &VTABLE)) })
    }

    /// Lists the coroutine as woken, unless it is already, and wakes the
    /// gatherer.
    fn wake(&self) {
        self.woken.store(true, Ordering::Relaxed);
        if !self.queued.swap(true, Ordering::SeqCst) {
            // SAFETY: the caller holds a count of the board (see `VTABLE`).
            let board = unsafe { &*self.board };
            board.lock().push_back(self.index);
            board.gatherer.wake();
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

#[cfg(test)]
mod tests;
