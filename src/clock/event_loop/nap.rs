//! `await asyncio.sleep(t)` as asyncio has it: the coroutine always gives
//! the thread back to the loop, even when there is nothing to wait for.
//!
//! A tokio timer whose moment has come completes at once, without giving
//! the thread back. asyncio's `sleep(0)` yields once, so that every other
//! ready task runs first; the difference shows as soon as a product takes
//! no waiting but some computing: with tokio's behaviour, the first such
//! product would compute before the waiter had even asked for the others.
//! A [`Nap`] is a timer that yields at least once, at the cost of one flag.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use super::timers::{Nanos, Slot, Timers};

/// A timer that hands the thread back to the loop at least once.
///
/// It borrows the loop's timers rather than sharing them: a million
/// waiting products are a million naps, each the smaller for it.
pub struct Nap<'a> {
    timers: &'a Timers,
    until: Nanos,
    /// Where it waits in the loop's timers, once it does: [`UNQUEUED`]
    /// until then (a sentinel rather than an `Option`, which would make
    /// every nap 8 bytes bigger).
    slot: Slot,
    /// Its moment was ahead when it was asked for (a wait of some length,
    /// just computed): it joins the timers without a look at the clock.
    ahead: bool,
    yielded: bool,
    done: bool,
}

/// The slot of a nap not in the timers' queue.
const UNQUEUED: Slot = Slot::MAX;

impl<'a> Nap<'a> {
    /// A nap until `until`, on the loop's `timers`.
    pub(super) fn new(timers: &'a Timers, until: Nanos) -> Nap<'a> {
        Nap {
            timers,
            until,
            slot: UNQUEUED,
            ahead: false,
            yielded: false,
            done: false,
        }
    }

    /// A nap until `until`, a moment still ahead when it was asked for
    /// (see [`Timers::sleep_ahead`]).
    pub(super) fn ahead(timers: &'a Timers, until: Nanos) -> Nap<'a> {
        Nap {
            ahead: true,
            ..Nap::new(timers, until)
        }
    }
}

impl Future for Nap<'_> {
    type Output = ();

    // Inlined into the coroutine that sleeps, as are the drop below and the
    // gather's `next_woken`: left to itself, the compiler stops inlining
    // them when the models' coroutines change shape (7 million more
    // instructions at `--repeat 10000`, callgrind).
    #[inline]
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let this = self.get_mut();
        if this.done {
            return Poll::Ready(());
        }
        if this.slot != UNQUEUED {
            if !this.timers.rung(this.until) {
                // Polled again before its moment, for another's sake.
                this.timers.renew(this.until, this.slot, cx.waker());
                return Poll::Pending;
            }
        } else if let Some(slot) = if this.ahead {
            this.timers.sleep_ahead(this.until, cx.waker())
        } else {
            this.timers.sleep(this.until, cx.waker())
        } {
            // The timers have the waker: the thread goes back to the loop.
            this.slot = slot;
            this.yielded = true;
            return Poll::Pending;
        }
        if !this.yielded {
            // Due already: come back once every other ready task has had
            // its turn, as asyncio's `sleep(0)` does.
            this.yielded = true;
            cx.waker().wake_by_ref();
            return Poll::Pending;
        }
        this.done = true;
        Poll::Ready(())
    }
}

impl Drop for Nap<'_> {
    #[inline]
    fn drop(&mut self) {
        // Cancelled while it waits: its waker would only be woken for
        // nothing, and held until then.
        if self.slot != UNQUEUED && !self.done {
            self.timers.cancel(self.until, self.slot);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::{Arc, Mutex};

    /// Two tasks napping for nothing take turns, as with asyncio.sleep(0):
    /// the first does not finish before the second has started.
    #[test]
    fn a_nap_for_nothing_still_lets_others_run() {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_time()
            .start_paused(true)
            .build()
            .unwrap();
        let log = Arc::new(Mutex::new(Vec::new()));
        runtime.block_on(async {
            let timers = Arc::new(Timers::on_paused_time());
            let task = |name: &'static str| {
                let (log, timers) = (Arc::clone(&log), &timers);
                async move {
                    log.lock().unwrap().push(format!("{name} starts"));
                    Nap::new(timers, 0).await;
                    log.lock().unwrap().push(format!("{name} ends"));
                }
            };
            futures::join!(task("a"), task("b"));
        });
        assert_eq!(
            *log.lock().unwrap(),
            ["a starts", "b starts", "a ends", "b ends"]
        );
    }
}
