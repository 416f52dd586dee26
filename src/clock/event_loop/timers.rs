//! The loop's timers, kept as asyncio's loop keeps its own: one queue of
//! sleepers sorted by when they fall due, and one alarm, set for the
//! earliest, that wakes every sleeper whose moment has come.
//!
//! Tokio gives each `sleep` a timer of its own in its timer wheel: about
//! 120 bytes, and a walk through the wheel's levels to fire it. With a
//! million products in flight that is most of the run's memory and time.
//! Here a sleeper is a waker in its moment's bucket (16 bytes), and the
//! loop holds a single tokio timer, the alarm, so time moves exactly as
//! before: on the virtual clock, paused time still jumps to the next
//! moment a sleeper waits for, and on the real clock the alarm fires as a
//! tokio timer does.
//!
//! Buckets are [`TICK`] wide, a tenth of tokio's millisecond, so grouping
//! the sleepers adds nothing to tokio's own rounding. Within a bucket,
//! sleepers are woken in the order they went to sleep (`queue.rs`).
//!
//! On the real clock the timers read the system's clock directly
//! ([`Epoch`]), and the loop's clock reads the time through them, at every
//! event; on paused time, tokio's clock, once between the moments it
//! moves.

mod queue;

use std::convert::Infallible;
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::task::{Context, Poll, Waker};
use std::time::Duration;

use tokio::time::{Instant, Sleep};

use crate::clock::{deadline, Epoch};
use queue::{Bucket, Queue};

/// How finely the sleepers' moments are grouped.
const TICK: Duration = Duration::from_micros(100);

/// A moment of the loop, in nanoseconds since its timers started.
pub(super) type Nanos = u64;

/// A sleeper's place in the bucket of its moment.
pub(super) type Slot = u32;

/// The sleepers of one loop and their alarm; shared by every clone of
/// the loop's clock.
pub(super) struct Timers {
    /// Moment 0, for tokio's timer.
    origin: Instant,
    reading: Reading,
    /// Every tick up to this one has been rung: a sleeper polled again
    /// learns whether it was without a look at the clock or the queue.
    rung: AtomicU64,
    queue: Mutex<Queue>,
}

/// How the timers read their time.
enum Reading {
    /// Wall time, read at every look from the system's clock, from this
    /// epoch: `origin` read just after it, so that tokio's timer, set on
    /// `origin`, never fires before the moment it was set for.
    Real(Epoch),
    /// Paused time: the moment last read, until the loop says time moved
    /// ([`UNREAD`] meanwhile).
    Paused(AtomicU64),
}

/// No moment read since time last moved.
const UNREAD: Nanos = Nanos::MAX;

/// How a sleeper joining the queue learns whether its moment has come.
#[derive(Clone, Copy)]
enum Look {
    /// At the clock: come if it is past.
    AtTheClock,
    /// At the last tick rung: come only if its bucket was.
    AtTheRung,
}

impl Timers {
    /// Timers starting at `epoch`, which has just been read, reading the
    /// system's clock whenever they need the time.
    pub(super) fn new(epoch: Epoch) -> Timers {
        Timers::starting(Reading::Real(epoch))
    }

    /// Timers starting now on paused time, which moves only when the
    /// loop's thread parks (and tokio jumps to the next timer) or when the
    /// loop moves it on: told each time by [`Timers::time_moved`], they
    /// read tokio's clock, behind a lock, once in between.
    pub(super) fn on_paused_time() -> Timers {
        Timers::starting(Reading::Paused(AtomicU64::new(UNREAD)))
    }

    fn starting(reading: Reading) -> Timers {
        Timers {
            origin: Instant::now(),
            reading,
            rung: AtomicU64::new(0),
            queue: Mutex::new(Queue::new()),
        }
    }

    /// The moment `at` of tokio's clock, as the timers count.
    pub(super) fn nanos(&self, at: Instant) -> Nanos {
        u64::try_from(at.saturating_duration_since(self.origin).as_nanos()).unwrap_or(u64::MAX)
    }

    /// When the timers started: moment 0.
    pub(super) fn origin(&self) -> Instant {
        self.origin
    }

    /// The system's moment `at` as the timers count, on real time:
    /// nanoseconds after their origin or, negative, before it.
    pub(super) fn moment_of(&self, at: Epoch) -> i128 {
        match &self.reading {
            Reading::Real(origin) => {
                i128::from(at.nanos_since(*origin)) - i128::from(origin.nanos_since(at))
            }
            // Paused time has no wall moments.
            Reading::Paused(_) => 0,
        }
    }

    /// Now, as the timers count.
    #[inline]
    pub(super) fn now(&self) -> Nanos {
        let seen = match &self.reading {
            Reading::Real(origin) => return Epoch::now().nanos_since(*origin),
            Reading::Paused(seen) => seen,
        };
        match seen.load(Ordering::Relaxed) {
            UNREAD => {
                let now = self.nanos(Instant::now());
                seen.store(now, Ordering::Relaxed);
                now
            }
            now => now,
        }
    }

    /// Paused time may have moved: the next look reads it again.
    pub(super) fn time_moved(&self) {
        if let Reading::Paused(seen) = &self.reading {
            seen.store(UNREAD, Ordering::Relaxed);
        }
    }

    /// Puts `waker` to sleep until `at`. `None` if `at` has come already:
    /// nothing was queued. Time is read under the queue's lock, as the
    /// alarm reads it, so a sleeper never joins a bucket already rung.
    pub(super) fn sleep(&self, at: Nanos, waker: &Waker) -> Option<Slot> {
        self.join(at, waker, Look::AtTheClock)
    }

    /// Puts `waker` to sleep until `at`, a moment that was still ahead
    /// when it was asked for, without reading the clock: on the real
    /// clock, that read was half of the time spent reading it. `None` only
    /// if the bucket of `at` was rung already. A moment that has come
    /// meanwhile still joins the queue, and the alarm rings it at its next
    /// turn, as asyncio's `call_later` runs a callback already due.
    pub(super) fn sleep_ahead(&self, at: Nanos, waker: &Waker) -> Option<Slot> {
        self.join(at, waker, Look::AtTheRung)
    }

    fn join(&self, at: Nanos, waker: &Waker, look: Look) -> Option<Slot> {
        let tick = tick_of(at);
        let (slot, alarm) = {
            let mut queue = self.lock();
            // Either way, never a bucket already rung: its moment came
            // before the clock's now (the alarm rings a bucket once its
            // tick has begun, and sets `rung` under this lock).
            let come = match look {
                Look::AtTheClock => self.now() >= at,
                Look::AtTheRung => tick <= self.rung.load(Ordering::Acquire),
            };
            if come {
                return None;
            }
            let (slot, earliest) = queue.push(tick, waker);
            (slot, if earliest { queue.alarm.take() } else { None })
        };
        if let Some(alarm) = alarm {
            alarm.wake();
        }
        Some(slot)
    }

    /// Whether the sleepers of moment `at` have been woken.
    pub(super) fn rung(&self, at: Nanos) -> bool {
        tick_of(at) <= self.rung.load(Ordering::Acquire)
    }

    /// Keeps the sleeper of moment `at` at `slot` with `waker`, if it was
    /// polled again by another one.
    pub(super) fn renew(&self, at: Nanos, slot: Slot, waker: &Waker) {
        let mut queue = self.lock();
        if let Some(Some(kept)) = queue.get_mut(tick_of(at), slot) {
            if !kept.will_wake(waker) {
                kept.clone_from(waker);
            }
        }
    }

    /// Forgets the sleeper of moment `at` at `slot`, which no longer
    /// waits; nothing if its bucket was rung already.
    pub(super) fn cancel(&self, at: Nanos, slot: Slot) {
        let mut queue = self.lock();
        if let Some(kept) = queue.get_mut(tick_of(at), slot) {
            *kept = None;
        }
    }

    /// The alarm that rings these timers; the loop polls it beside its
    /// work, and it never completes.
    pub(super) fn alarm(self: &Arc<Self>) -> Alarm {
        Alarm {
            timers: Arc::clone(self),
            sleep: Box::pin(tokio::time::sleep_until(self.origin)),
            set_for: None,
            rung: Vec::new(),
        }
    }

    /// The moment a tick begins, or the farthest the clock holds.
    fn instant(&self, tick: u64) -> Instant {
        let since = Duration::from_nanos(tick_start(tick));
        Instant::from_std(deadline(self.origin.into_std(), since))
    }

    fn lock(&self) -> MutexGuard<'_, Queue> {
        // A panic while the queue is held is a bug passed on elsewhere;
        // the queue itself is never left half changed.
        self.queue.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// The tick a moment falls in: the first that begins at or after it.
fn tick_of(at: Nanos) -> u64 {
    at.div_ceil(TICK.as_nanos() as u64)
}

/// The moment a tick begins; past 584 years, the last the timers count.
fn tick_start(tick: u64) -> Nanos {
    tick.saturating_mul(TICK.as_nanos() as u64)
}

/// The loop's one tokio timer, set for the earliest sleeper's tick.
pub(super) struct Alarm {
    timers: Arc<Timers>,
    sleep: Pin<Box<Sleep>>,
    /// The tick the timer is set for.
    set_for: Option<u64>,
    /// The buckets of the ticks rung, to give back emptied.
    rung: Vec<Bucket>,
}

impl Future for Alarm {
    type Output = Infallible;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Infallible> {
        let this = self.get_mut();
        loop {
            let next = {
                let mut queue = this.timers.lock();
                queue.give_back(this.rung.drain(..));
                let now = this.timers.now();
                while let Some(tick) = queue.first() {
                    if tick_start(tick) > now {
                        break;
                    }
                    this.rung.extend(queue.ring_first());
                    this.timers.rung.store(tick, Ordering::Release);
                }
                if !queue
                    .alarm
                    .as_ref()
                    .is_some_and(|w| w.will_wake(cx.waker()))
                {
                    queue.alarm = Some(cx.waker().clone());
                }
                queue.first()
            };
            // Woken outside the lock: a sleeper's task may run at once, on
            // another thread, and go to sleep again.
            for bucket in &mut this.rung {
                bucket.drain(..).flatten().for_each(Waker::wake);
            }
            let Some(tick) = next else {
                return Poll::Pending;
            };
            if this.set_for != Some(tick) {
                this.sleep.as_mut().reset(this.timers.instant(tick));
                this.set_for = Some(tick);
            }
            if this.sleep.as_mut().poll(cx).is_pending() {
                return Poll::Pending;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::AtomicUsize;

    use futures::task::{waker, ArcWake};

    /// A waker that counts its wake-ups.
    struct Counter(AtomicUsize);

    impl ArcWake for Counter {
        fn wake_by_ref(counter: &Arc<Self>) {
            counter.0.fetch_add(1, Ordering::Relaxed);
        }
    }

    fn paused() -> tokio::runtime::Runtime {
        tokio::runtime::Builder::new_current_thread()
            .enable_time()
            .start_paused(true)
            .build()
            .unwrap()
    }

    /// Of two sleepers of one moment, the one cancelled is not woken; the
    /// other is, once, when the alarm rings after the moment.
    #[test]
    fn the_alarm_wakes_the_sleepers_due_and_not_the_cancelled() {
        paused().block_on(async {
            let timers = Arc::new(Timers::on_paused_time());
            let (kept, gone) = (
                Arc::new(Counter(AtomicUsize::new(0))),
                Arc::new(Counter(AtomicUsize::new(0))),
            );
            let at = timers.nanos(Instant::now() + Duration::from_secs(1));
            timers.sleep(at, &waker(Arc::clone(&kept))).unwrap();
            let slot = timers.sleep(at, &waker(Arc::clone(&gone))).unwrap();
            timers.cancel(at, slot);
            let mut alarm = Box::pin(timers.alarm());
            assert!(futures::poll!(&mut alarm).is_pending());
            assert!(!timers.rung(at));
            tokio::time::advance(Duration::from_secs(1)).await;
            timers.time_moved();
            assert!(futures::poll!(&mut alarm).is_pending());
            assert!(timers.rung(at));
            assert_eq!(kept.0.load(Ordering::Relaxed), 1);
            assert_eq!(gone.0.load(Ordering::Relaxed), 0);
            // A moment come already is not queued.
            assert_eq!(timers.sleep(at, &waker(kept)), None);
        });
    }

    /// A moment asked for ahead joins the queue without a look at the
    /// clock, even once it has come, and the alarm rings it at its next
    /// turn; only a moment whose bucket was rung is refused.
    #[test]
    fn a_moment_ahead_joins_unless_its_bucket_was_rung() {
        paused().block_on(async {
            let timers = Arc::new(Timers::on_paused_time());
            let counter = Arc::new(Counter(AtomicUsize::new(0)));
            let at = timers.nanos(Instant::now() + Duration::from_secs(1));
            let mut alarm = Box::pin(timers.alarm());
            assert!(futures::poll!(&mut alarm).is_pending());
            tokio::time::advance(Duration::from_secs(2)).await;
            timers.time_moved();
            // Come, but not rung: it joins, where `sleep` would refuse it.
            assert_eq!(timers.sleep(at, &waker(Arc::clone(&counter))), None);
            assert!(timers
                .sleep_ahead(at, &waker(Arc::clone(&counter)))
                .is_some());
            assert!(futures::poll!(&mut alarm).is_pending());
            assert_eq!(counter.0.load(Ordering::Relaxed), 1);
            // Rung: refused.
            assert_eq!(timers.sleep_ahead(at, &waker(counter)), None);
        });
    }

    /// On paused time the timers read the clock once, and again only
    /// once told that time moved.
    #[test]
    fn paused_time_is_read_again_once_it_moved() {
        paused().block_on(async {
            let paused = Timers::on_paused_time();
            assert_eq!(paused.now(), 0);
            tokio::time::advance(Duration::from_secs(1)).await;
            assert_eq!(paused.now(), 0);
            paused.time_moved();
            assert_eq!(paused.now(), 1_000_000_000);
        });
    }

    /// On real time the timers read the system's clock at every look, and
    /// tokio's timer, set on their origin, fires no earlier than they do.
    #[test]
    fn real_time_is_read_every_time_and_never_behind_tokios() {
        tokio::runtime::Builder::new_current_thread()
            .enable_time()
            .build()
            .unwrap()
            .block_on(async {
                let timers = Timers::new(Epoch::now());
                let first = timers.now();
                // A moment later than the first, by as little as the
                // clock tells apart.
                while timers.now() == first {}
                let tick = tick_of(timers.now()) + 10;
                tokio::time::sleep_until(timers.instant(tick)).await;
                assert!(timers.now() >= tick_start(tick));
            });
    }

    #[test]
    fn a_moment_falls_in_the_first_tick_at_or_after_it() {
        let tick = TICK.as_nanos() as u64;
        assert_eq!(tick_of(0), 0);
        assert_eq!(tick_of(1), 1);
        assert_eq!(tick_of(tick), 1);
        assert_eq!(tick_of(tick + 1), 2);
        assert_eq!(tick_of(u64::MAX), u64::MAX.div_ceil(tick));
    }
}
