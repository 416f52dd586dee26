//! Recording events as they happen, from any thread or task.

use std::sync::Mutex;
use std::time::Duration;

use std::sync::Arc;

use super::{Blocked, Event, EventKind, Marks, Trace, WaiterId};
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

/// Called with each record, in trace order, just after it is made and
/// outside the trace's lock: how the article's log is printed live on the
/// real clock.
pub type Observer = Box<dyn FnMut(Record) + Send>;

/// Collects the events of one run. Shared by every waiter, thread and task.
///
/// Two locks: the trace's, held only to add to it, and the observer's,
/// held while a record is printed. Printing can be slow (a terminal, a
/// pipe nobody reads yet); no thread waits for it in order to record.
pub struct Recorder {
    workload: Arc<Workload>,
    /// Whether the events are kept for the trace, or only passed on.
    keeps: bool,
    inner: Mutex<Inner>,
    /// `None` when nothing watches the run: nothing is queued then.
    printer: Option<Mutex<Printer>>,
}

struct Inner {
    events: Vec<Event>,
    /// The marks of `events`, kept up as they come.
    marks: Marks,
    blocked: Vec<Blocked>,
    /// Records not yet passed to the observer, in trace order.
    unseen: Vec<Record>,
}

/// The observer, and the records it is passing on.
struct Printer {
    observer: Observer,
    /// Swapped with [`Inner::unseen`], so neither is allocated anew.
    batch: Vec<Record>,
}

impl Recorder {
    /// A recorder for a run of `workload`, passing each event to `observer`.
    pub fn new(workload: Arc<Workload>, observer: Option<Observer>) -> Recorder {
        // Reserve the exact number of events a full run records, so a large
        // run never holds two copies of its trace while the vector grows.
        let expected = 1 + 3 * workload.orders().len() + 3 * workload.products_total();
        Recorder::with_capacity(workload, observer, expected, true)
    }

    /// A recorder that passes each record to `observer` and keeps none: a
    /// waiter process's, whose events the cashier's recorder keeps.
    pub fn passing_on(workload: Arc<Workload>, observer: Observer) -> Recorder {
        Recorder::with_capacity(workload, Some(observer), 0, false)
    }

    fn with_capacity(
        workload: Arc<Workload>,
        observer: Option<Observer>,
        expected: usize,
        keeps: bool,
    ) -> Recorder {
        Recorder {
            workload,
            keeps,
            inner: Mutex::new(Inner {
                events: Vec::with_capacity(expected),
                marks: Marks::default(),
                blocked: Vec::new(),
                unseen: Vec::new(),
            }),
            printer: observer.map(|observer| {
                Mutex::new(Printer {
                    observer,
                    batch: Vec::new(),
                })
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
    // Inlined into the waiter's code, which records at every event. With
    // no hint here and on `Watch::lap`, the compiler stopped inlining the
    // two when the models' coroutines changed shape: 3 % more
    // instructions at `--repeat 10000` (callgrind).
    #[inline]
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
        let watched = self.printer.is_some();
        let at = {
            // The time is read while the lock is held, so that the trace is
            // in time order even when threads record at nearly the same
            // moment. A poisoned lock only means another thread panicked
            // mid-record; the events already there are still good.
            let mut inner = self.inner.lock().unwrap_or_else(|e| e.into_inner());
            let at = clock.now();
            for kind in kinds {
                let event = Event::new(at, waiter, order, kind);
                if self.keeps {
                    inner.marks.note(&event);
                    inner.events.push(event);
                }
                if watched {
                    inner.unseen.push(Record::Event(event));
                }
            }
            at
        };
        // Checked here, where it inlines: most large runs have no printer,
        // and the call alone cost 1.5 % of their instructions.
        if watched {
            self.pass_on();
        }
        at
    }

    /// Records a stretch during which the event loop was blocked.
    pub fn record_blocked(&self, blocked: Blocked) {
        {
            let mut inner = self.inner.lock().unwrap_or_else(|e| e.into_inner());
            inner.blocked.push(blocked);
            if self.printer.is_some() {
                inner.unseen.push(Record::Blocked(blocked));
            }
        }
        self.pass_on();
    }

    /// Passes the records not yet seen to the observer, outside the
    /// trace's lock.
    ///
    /// Why the log keeps the trace's order: records join `unseen` under
    /// the trace's lock, so in trace order. Only the holder of the
    /// printer's lock takes them out, all at once, and passes them on
    /// before letting go; a later holder finds only records added after
    /// that batch was taken. So the batches come out in order, each in
    /// order. And every recorder calls this after adding its records and
    /// waits for the printer's lock, so when `record` returns, its records
    /// have been passed on, by this thread or by the one that took them.
    fn pass_on(&self) {
        let Some(printer) = &self.printer else {
            return;
        };
        // Lock order: the printer's, then (briefly) the trace's; never the
        // other way round, since the trace's is let go before this call.
        let mut printer = printer.lock().unwrap_or_else(|e| e.into_inner());
        let Printer { observer, batch } = &mut *printer;
        {
            let mut inner = self.inner.lock().unwrap_or_else(|e| e.into_inner());
            std::mem::swap(&mut inner.unseen, batch);
        }
        for record in batch.drain(..) {
            observer(record);
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
        let marks = std::mem::take(&mut inner.marks);
        Trace::marked(Arc::clone(&self.workload), events, blocked, marks)
    }

    /// The trace recorded.
    pub fn into_trace(self) -> Trace {
        self.take_trace()
    }
}
