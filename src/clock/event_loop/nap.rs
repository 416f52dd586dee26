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

use pin_project_lite::pin_project;
use tokio::time::Sleep;

pin_project! {
    /// A timer that hands the thread back to the loop at least once.
    pub struct Nap {
        #[pin]
        timer: Sleep,
        yielded: bool,
    }
}

impl Nap {
    /// A nap until the timer's moment.
    pub fn new(timer: Sleep) -> Nap {
        Nap {
            timer,
            yielded: false,
        }
    }
}

impl Future for Nap {
    type Output = ();

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let this = self.project();
        match this.timer.poll(cx) {
            Poll::Ready(()) if !*this.yielded => {
                // Due already: come back once every other ready task has
                // had its turn, as asyncio's `sleep(0)` does.
                *this.yielded = true;
                cx.waker().wake_by_ref();
                Poll::Pending
            }
            Poll::Ready(()) => Poll::Ready(()),
            Poll::Pending => {
                // The timer has the waker: the thread goes back to the loop.
                *this.yielded = true;
                Poll::Pending
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::{Arc, Mutex};
    use std::time::Duration;

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
            let task = |name: &'static str| {
                let log = Arc::clone(&log);
                async move {
                    log.lock().unwrap().push(format!("{name} starts"));
                    Nap::new(tokio::time::sleep(Duration::ZERO)).await;
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
