//! The virtual clock for threads: real OS threads, simulated time.
//!
//! Every thread that takes part in a run is a *participant*. Only one
//! participant runs at a time: it holds the baton until it sleeps, waits for
//! another thread, or ends. Then the baton passes to the participant with
//! the earliest wake-up time (ties go to whoever went to sleep first), and
//! the clock jumps to that time. Nobody ever really waits, and the same
//! program gives the same schedule, to the microsecond, every time.
//!
//! This is a discrete-event simulation whose "events" are the real threads
//! of the model: the model code is exactly the code that runs on the real
//! clock.

use std::cell::Cell;
use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::thread::Thread;
use std::time::Duration;

use super::baton::Baton;
use super::Now;
use crate::cpu::affinity;

/// Identifies a thread within one clock.
pub(super) type Participant = usize;

static NEXT_CLOCK: AtomicUsize = AtomicUsize::new(0);

thread_local! {
    /// Which clock this thread takes part in, and as which participant.
    static CURRENT: Cell<Option<(usize, Participant)>> = const { Cell::new(None) };
}

/// Simulated time shared by a set of threads, of which one runs at a time.
pub struct VirtualClock {
    id: usize,
    /// The core the threads it starts are kept on: the one its first
    /// participant was on when it was made.
    core: Option<usize>,
    state: Mutex<State>,
}

struct State {
    now: Duration,
    /// Tie-breaker: wake-ups at the same instant go in the order they were
    /// asked for, as the article's two waiters wake in turn.
    next_seq: u64,
    ready: BinaryHeap<Reverse<(Duration, u64, Participant)>>,
    finished: Vec<bool>,
    joiners: Vec<Vec<Participant>>,
    /// One baton per participant, so that passing it wakes exactly one
    /// thread even when thousands are waiting.
    batons: Vec<Arc<Baton>>,
}

impl VirtualClock {
    /// A clock at time zero, whose first participant (running) is the
    /// calling thread.
    pub fn new() -> VirtualClock {
        let id = NEXT_CLOCK.fetch_add(1, Ordering::Relaxed);
        CURRENT.with(|c| c.set(Some((id, 0))));
        let first = Baton::new();
        first.bind(std::thread::current());
        VirtualClock {
            id,
            core: affinity::current_core(),
            state: Mutex::new(State {
                now: Duration::ZERO,
                next_seq: 0,
                ready: BinaryHeap::new(),
                finished: vec![false],
                joiners: vec![Vec::new()],
                batons: vec![Arc::new(first)],
            }),
        }
    }

    /// Gives up the baton until restaurant time `at`.
    pub fn sleep_until(&self, at: Duration) {
        let me = self.me();
        let mut state = self.lock();
        let wake = at.max(state.now);
        state.wake_later(wake, me);
        Self::pass_baton_and_wait(state, me);
    }

    /// Makes room for a new participant, which will not run until
    /// [`VirtualClock::admit`] is called for it.
    pub(super) fn register(&self) -> Participant {
        let mut state = self.lock();
        state.finished.push(false);
        state.joiners.push(Vec::new());
        state.batons.push(Arc::new(Baton::new()));
        state.finished.len() - 1
    }

    /// The new participant's thread has started: it may run from now on.
    pub(super) fn admit(&self, p: Participant, thread: Thread) {
        let mut state = self.lock();
        state.batons[p].bind(thread);
        let now = state.now;
        state.wake_later(now, p);
    }

    /// The new participant's thread could not be started.
    pub(super) fn abandon(&self, p: Participant) {
        self.lock().finished[p] = true;
    }

    /// Called first thing on a participant's own thread: keeps it on the
    /// clock's core, and waits for the baton.
    pub(super) fn enter(&self, p: Participant) {
        CURRENT.with(|c| c.set(Some((self.id, p))));
        // Only one participant runs at a time, so sharing a core costs no
        // parallelism, while handing the baton to a thread on another core
        // can take several times as long (it may have to wake that core).
        // The first participant is the caller's thread, which is left as
        // it is; if the core cannot be kept, hand-overs are only slower.
        if let Some(core) = self.core {
            affinity::keep_on(core);
        }
        let baton = Arc::clone(&self.lock().batons[p]);
        baton.take();
    }

    /// Called last thing on a participant's own thread, even when it
    /// panics: wakes whoever joins it and passes the baton on.
    pub(super) fn leave(&self, p: Participant) {
        let mut state = self.lock();
        state.finished[p] = true;
        for joiner in std::mem::take(&mut state.joiners[p]) {
            let now = state.now;
            state.wake_later(now, joiner);
        }
        if let Some(next) = state.pass_baton() {
            let next = Arc::clone(&state.batons[next]);
            drop(state);
            next.give();
        }
    }

    /// Gives up the baton until participant `p` has ended.
    pub(super) fn wait_for(&self, p: Participant) {
        let me = self.me();
        let mut state = self.lock();
        if state.finished[p] {
            return;
        }
        state.joiners[p].push(me);
        Self::pass_baton_and_wait(state, me);
    }

    /// Passes the baton on and waits for it to come back. When the caller
    /// is itself the next to wake, it just goes on: no thread is woken and
    /// none waits.
    fn pass_baton_and_wait(mut state: MutexGuard<'_, State>, me: Participant) {
        let next = state.pass_baton();
        if next == Some(me) {
            return;
        }
        let mine = Arc::clone(&state.batons[me]);
        let next = next.map(|p| Arc::clone(&state.batons[p]));
        // The lock is released before the next thread is woken, so that
        // it can run at once.
        drop(state);
        if let Some(next) = next {
            next.give();
        }
        mine.take();
    }

    fn me(&self) -> Participant {
        match CURRENT.with(Cell::get) {
            Some((clock, p)) if clock == self.id => p,
            // A thread not started through this clock cannot take part:
            // the clock could not know when it sleeps. This is a bug in a
            // model, never a user error.
            _ => panic!("a thread used a virtual clock it was not started by"),
        }
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }
}

impl Default for VirtualClock {
    fn default() -> Self {
        VirtualClock::new()
    }
}

impl State {
    fn wake_later(&mut self, at: Duration, p: Participant) {
        let seq = self.next_seq;
        self.next_seq += 1;
        self.ready.push(Reverse((at, seq, p)));
    }

    /// Hands the baton to the earliest wake-up, moving time forward to it,
    /// and says who that is; the caller gives it its baton once the lock
    /// is released.
    fn pass_baton(&mut self) -> Option<Participant> {
        let Reverse((at, _, next)) = self.ready.pop()?;
        self.now = self.now.max(at);
        Some(next)
    }
}

impl Now for VirtualClock {
    fn now(&self) -> Duration {
        self.lock().now
    }
}
