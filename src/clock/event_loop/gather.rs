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
//! Both keep the coroutines in place, and drop each as soon as it is done
//! (`coros.rs`): up to four inside the gather, so inside the coroutine
//! that awaits it, and more in one allocation. The futures crate's general
//! versions give each of a million orders a task of its own (about 72
//! bytes and an allocation more) and make every order's coroutine hold
//! room for gathering thousands of products. A gather here is 24 bytes
//! beside the room for four coroutines, and needs nothing more for up to
//! 32 coroutines in turn; as woken, it adds 16 bytes and a bit a
//! coroutine (`board.rs`).

mod board;
mod coros;

use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::task::{Context, Poll};

use board::Board;
use coros::Coros;
use pin_project_lite::pin_project;

/// The most coroutines a [`gather`] polls in turn; past that, as woken.
/// The futures crate's `try_join_all` draws the same line.
pub const IN_TURN_UP_TO: usize = 30;

/// Gathers `coros`: completes when all have, or with the first error.
/// A few are polled in turn, many as woken (see the module's doc).
pub fn gather<F, E>(coros: impl IntoIterator<Item = F>) -> Gather<F>
where
    F: Future<Output = Result<(), E>>,
{
    let coros = Coros::new(coros);
    let board = (coros.len() > IN_TURN_UP_TO).then(|| Board::new(coros.len()));
    Gather { coros, board }
}

/// Gathers `coros`, polling only those woken, whatever their number: for
/// every order of a shift, each of which is woken on its own.
pub fn gather_many<F, E>(coros: impl IntoIterator<Item = F>) -> Gather<F>
where
    F: Future<Output = Result<(), E>>,
{
    let coros = Coros::many(coros);
    let board = Some(Board::new(coros.len()));
    Gather { coros, board }
}

pin_project! {
    /// Coroutines gathered; the future [`gather`] and [`gather_many`] give.
    #[must_use = "a gather does nothing unless awaited"]
    pub struct Gather<F> {
        // Pinned: a few coroutines are kept inside.
        #[pin]
        coros: Coros<F>,
        // Which were woken, when they are polled as woken.
        board: Option<Arc<Board>>,
    }
}

impl<F, E> Future for Gather<F>
where
    F: Future<Output = Result<(), E>>,
{
    type Output = Result<(), E>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Result<(), E>> {
        let this = self.project();
        let (coros, board) = (this.coros, this.board);
        match board {
            None => poll_in_turn(coros, cx),
            Some(board) => poll_as_woken(coros, board, cx),
        }
    }
}

/// Polls every coroutine not done yet, in order.
fn poll_in_turn<F, E>(mut coros: Pin<&mut Coros<F>>, cx: &mut Context<'_>) -> Poll<Result<(), E>>
where
    F: Future<Output = Result<(), E>>,
{
    for index in 0..coros.len() {
        if let Poll::Ready(Err(e)) = coros.as_mut().poll(index, cx) {
            return Poll::Ready(Err(e));
        }
    }
    if coros.left() == 0 {
        Poll::Ready(Ok(()))
    } else {
        Poll::Pending
    }
}

/// Polls the coroutines woken, in the order they were, each with its own
/// waker, as `FuturesUnordered` does: the count of those polled and of
/// those that woke themselves starts again after each one done.
fn poll_as_woken<F, E>(
    mut coros: Pin<&mut Coros<F>>,
    board: &Board,
    cx: &mut Context<'_>,
) -> Poll<Result<(), E>>
where
    F: Future<Output = Result<(), E>>,
{
    board.gatherer.register(cx.waker());
    let (mut polled, mut yielded) = (0, 0);
    while coros.left() > 0 {
        let Some(index) = board.next_woken() else {
            return Poll::Pending;
        };
        if coros.is_done(index) {
            // Woken after it was done.
            continue;
        }
        let slot = &board.slots[index];
        slot.queued.store(false, Ordering::SeqCst);
        slot.woken.store(false, Ordering::Relaxed);
        match coros
            .as_mut()
            .poll(index, &mut Context::from_waker(&slot.waker()))
        {
            Poll::Ready(Err(e)) => return Poll::Ready(Err(e)),
            Poll::Ready(Ok(())) => (polled, yielded) = (0, 0),
            Poll::Pending => {
                polled += 1;
                yielded += usize::from(slot.woken.load(Ordering::Relaxed));
                if yielded >= 2 || polled >= coros.left() {
                    // Let the loop run everything else before going on.
                    cx.waker().wake_by_ref();
                    return Poll::Pending;
                }
            }
        }
    }
    Poll::Ready(Ok(()))
}

#[cfg(test)]
mod tests;
