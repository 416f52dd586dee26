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
use crate::clock::{nanos, Now};
use crate::trace::{Blocked, Culprit, Recorder, WaiterId};

/// asyncio's default `slow_callback_duration`, in restaurant time.
pub const DEFAULT_SLOW_CALLBACK: Duration = Duration::from_millis(100);

/// Where this thread's current turn stands: the last mark, and whose code
/// recorded it. Two cells rather than one of an `Option`: a lap reads
/// only the mark, and writes both, at every event of a run.
struct Lap {
    /// The last mark, in nanoseconds of restaurant time; [`NO_TURN`]
    /// while the thread works for no loop.
    since: Cell<u64>,
    /// The waiter who recorded the last mark, and whose code it was.
    by: Cell<(WaiterId, Culprit)>,
}

/// No turn under way.
const NO_TURN: u64 = u64::MAX;

thread_local! {
    /// The lap under way on this thread, while it works for a loop.
    static LAP: Lap = const {
        Lap {
            since: Cell::new(NO_TURN),
            by: Cell::new((0, Culprit::Loop)),
        }
    };
}

/// A moment as a lap keeps it: nanoseconds, short of [`NO_TURN`].
fn mark(at: Duration) -> u64 {
    nanos(at).min(NO_TURN - 1)
}

/// The detector of one run: the threshold, and where to record what it
/// finds.
#[derive(Clone)]
pub struct Watch {
    /// In nanoseconds, as laps are kept.
    threshold: u64,
    recorder: Arc<Recorder>,
}

impl Watch {
    /// A detector reporting stretches of at least `threshold` to
    /// `recorder`.
    pub fn new(threshold: Duration, recorder: Arc<Recorder>) -> Watch {
        Watch {
            threshold: nanos(threshold),
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
            let since = lap.since.get();
            // Events on a thread that is not the loop's (none in the
            // models) mark nothing.
            if since != NO_TURN {
                let at = mark(at);
                self.report(since, at, waiter, by);
                lap.since.set(at);
                lap.by.set((waiter, by));
            }
        });
    }

    /// This thread begins a turn of work at `now`.
    fn begin(&self, now: Duration) {
        LAP.with(|lap| {
            lap.since.set(mark(now));
            lap.by.set((0, Culprit::Loop));
        });
    }

    /// This thread ends its turn at `now`: the last lap goes to whoever
    /// recorded the last event, whose code most likely ran on.
    fn end(&self, now: Duration) {
        let (since, (waiter, by)) = LAP.with(|lap| (lap.since.replace(NO_TURN), lap.by.get()));
        if since != NO_TURN {
            self.report(since, mark(now), waiter, by);
        }
    }

    /// Records the stretch from `since` to `until` as `by`'s, if it held
    /// the loop for the threshold or more.
    #[inline]
    fn report(&self, since: u64, until: u64, waiter: WaiterId, by: Culprit) {
        let length = until.saturating_sub(since);
        if length >= self.threshold {
            self.recorder.record_blocked(Blocked {
                start: Duration::from_nanos(since),
                length: Duration::from_nanos(length),
                waiter,
                by,
            });
        }
    }
}
