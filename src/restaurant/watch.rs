//! The slow-callback detector: asyncio's debug mode for the restaurant's
//! event loop, naming the code that held it.
//!
//! In debug mode, asyncio times every callback it runs, and logs those that
//! held the loop for at least `slow_callback_duration` (100 ms): while one
//! runs, nothing else can. Here the event loop tells the detector when each
//! of its threads begins a turn of work (it woke up) and ends one (it is
//! going idle), and each event a waiter records on that thread marks a lap:
//! the stretch since the previous mark was spent in the code that led to
//! the event ([`crate::trace::EventKind::culprit`]): the coroutine of one
//! product (`request burger`, up to `Done burger`), of one order, or the
//! waiter's own. A lap at least as long as the threshold is recorded in the
//! trace as [`Blocked`], and printed as the article's log prints everything:
//!
//! ```text
//! <Waiter: 1> [Order: 0] WARNING: the event loop was blocked for 7.5 seg by request burger
//! ```
//!
//! The laps cost a thread-local read per event, and the clock is read only
//! when a turn begins or ends, so the detector stays cheap at a million
//! products. It times code between two events: a blocking call between a
//! product's request and its answer is that product's, exactly. The time
//! the loop itself spends between events (polling, waking timers) falls in
//! the next lap, and is far below any sensible threshold. On the real
//! clock, as in asyncio, a lap is wall time: a thread the operating system
//! set aside for a few milliseconds, on a busy machine, was blocked too,
//! and the lap names whatever code it was running.

use std::cell::Cell;
use std::sync::Arc;
use std::time::Duration;

use crate::clock::event_loop::{Turn, TurnObserver};
use crate::clock::Now;
use crate::trace::{Blocked, Culprit, Recorder, WaiterId};

/// asyncio's default `slow_callback_duration`, in restaurant time.
pub const DEFAULT_SLOW_CALLBACK: Duration = Duration::from_millis(100);

/// Where this thread's current turn stands: the last mark, and whose code
/// recorded it.
#[derive(Clone, Copy)]
struct Lap {
    since: Duration,
    waiter: WaiterId,
    by: Culprit,
}

thread_local! {
    /// The lap under way on this thread, while it works for a loop.
    static LAP: Cell<Option<Lap>> = const { Cell::new(None) };
}

/// The detector of one run: the threshold, and where to record what it
/// finds.
#[derive(Clone)]
pub struct Watch {
    threshold: Duration,
    recorder: Arc<Recorder>,
}

impl Watch {
    /// A detector reporting stretches of at least `threshold` to
    /// `recorder`.
    pub fn new(threshold: Duration, recorder: Arc<Recorder>) -> Watch {
        Watch {
            threshold,
            recorder,
        }
    }

    /// What the event loop tells of its turns.
    pub fn turns(&self) -> TurnObserver {
        let watch = self.clone();
        Arc::new(move |clock, turn| match turn {
            Turn::Begins => watch.begin(clock.now()),
            Turn::Ends => watch.end(clock.now()),
        })
    }

    /// A waiter's code recorded an event at `at`: the lap since the last
    /// mark was `by`'s.
    // Inlined, as `Recorder::record_all`: a lap is marked at every event.
    #[inline]
    pub fn lap(&self, at: Duration, waiter: WaiterId, by: Culprit) {
        LAP.with(|lap| {
            // Events on a thread that is not the loop's (none in the
            // models) mark nothing.
            if let Some(last) = lap.get() {
                self.report(last.since, at, waiter, by);
                lap.set(Some(Lap {
                    since: at,
                    waiter,
                    by,
                }));
            }
        });
    }

    /// This thread begins a turn of work at `now`.
    fn begin(&self, now: Duration) {
        LAP.with(|lap| {
            lap.set(Some(Lap {
                since: now,
                waiter: 0,
                by: Culprit::Loop,
            }))
        });
    }

    /// This thread ends its turn at `now`: the last lap goes to whoever
    /// recorded the last event, whose code most likely ran on.
    fn end(&self, now: Duration) {
        if let Some(last) = LAP.with(Cell::take) {
            self.report(last.since, now, last.waiter, last.by);
        }
    }

    fn report(&self, since: Duration, until: Duration, waiter: WaiterId, by: Culprit) {
        let length = until.saturating_sub(since);
        if length >= self.threshold {
            self.recorder.record_blocked(Blocked {
                start: since,
                length,
                waiter,
                by,
            });
        }
    }
}
