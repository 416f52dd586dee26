//! Recording events as they happen, from any thread or task.

use std::sync::Mutex;
use std::time::Duration;

use std::sync::Arc;

use super::{Blocked, Event, EventKind, Trace, WaiterId};
use crate::clock::Now;
use crate::workload::{OrderId, Workload};

/// Something recorded: an event, or a stretch the event loop was blocked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Record {
    /// One of the article's events.
    Event(Event),
    /// What the slow-callback detector found.
    Blocked(Blocked),
}

/// Called with each record as it is made: how the article's log is
/// printed live on the real clock.
pub type Observer = Box<dyn FnMut(Record) + Send>;

/// Collects the events of one run. Shared by every waiter, thread and task.
pub struct Recorder {
    workload: Arc<Workload>,
    inner: Mutex<Inner>,
}

struct Inner {
    events: Vec<Event>,
    blocked: Vec<Blocked>,
    observer: Option<Observer>,
}

impl Recorder {
    /// A recorder for a run of `workload`, passing each event to `observer`.
    pub fn new(workload: Arc<Workload>, observer: Option<Observer>) -> Recorder {
        // Reserve the exact number of events a full run records, so a large
        // run never holds two copies of its trace while the vector grows.
        let expected = 1 + 3 * workload.orders().len() + 3 * workload.products_total();
        Recorder {
            workload,
            inner: Mutex::new(Inner {
                events: Vec::with_capacity(expected),
                blocked: Vec::new(),
                observer,
            }),
        }
    }

    /// Records that `kind` happened now to `waiter` and `order`, and
    /// returns the time it used.
    pub fn record<C: Now + ?Sized>(
        &self,
        clock: &C,
        waiter: WaiterId,
        order: OrderId,
        kind: EventKind,
    ) -> Duration {
        self.record_all(clock, waiter, order, [kind])
    }

    /// Records several events that happen at the same moment, such as an
    /// order's dispatch, in one go: nothing from another thread comes
    /// between them, and the clock is read once. Returns the time used.
    pub fn record_all<C, I>(
        &self,
        clock: &C,
        waiter: WaiterId,
        order: OrderId,
        kinds: I,
    ) -> Duration
    where
        C: Now + ?Sized,
        I: IntoIterator<Item = EventKind>,
    {
        // The time is read while the lock is held, so that the trace is in
        // time order even when threads record at nearly the same moment.
        // A poisoned lock only means another thread panicked mid-record;
        // the events already there are still good.
        let mut inner = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        let at = clock.now();
        let Inner {
            events, observer, ..
        } = &mut *inner;
        for kind in kinds {
            let event = Event::new(at, waiter, order, kind);
            events.push(event);
            if let Some(observer) = observer.as_mut() {
                observer(Record::Event(event));
            }
        }
        at
    }

    /// Records a stretch during which the event loop was blocked.
    pub fn record_blocked(&self, blocked: Blocked) {
        let mut inner = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        inner.blocked.push(blocked);
        if let Some(observer) = inner.observer.as_mut() {
            observer(Record::Blocked(blocked));
        }
    }

    /// Records an event at a given time (for tests and replays).
    pub fn record_at(&self, at: Duration, waiter: WaiterId, order: OrderId, kind: EventKind) {
        self.record(&move || at, waiter, order, kind);
    }

    /// The trace recorded so far, leaving the recorder empty: it is
    /// shared with every task of a run, some of which may outlive it.
    pub fn take_trace(&self) -> Trace {
        let mut inner = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        let events = std::mem::take(&mut inner.events);
        let blocked = std::mem::take(&mut inner.blocked);
        Trace::with_blocked(Arc::clone(&self.workload), events, blocked)
    }

    /// The trace recorded.
    pub fn into_trace(self) -> Trace {
        self.take_trace()
    }
}
