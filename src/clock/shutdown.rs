//! Stopping a real-clock run early, as on Ctrl-C.
//!
//! Sleeping threads wait on a condition variable rather than in
//! `thread::sleep`, and tasks race their work against [`Shutdown::triggered`],
//! so that a stop request wakes everyone at once instead of after the
//! longest burger.

use std::sync::atomic::Ordering;
use std::sync::{Arc, Condvar, Mutex};
use std::time::Instant;

use thiserror::Error;
use tokio::sync::Notify;

/// The run was asked to stop before it finished.
#[derive(Debug, Clone, Copy, Error, PartialEq, Eq)]
#[error("interrupted")]
pub struct Interrupted;

/// A stop signal shared by everything in a run. Cloning shares it.
#[derive(Clone, Default)]
pub struct Shutdown {
    inner: Arc<Inner>,
}

#[derive(Default)]
struct Inner {
    stopped: Mutex<bool>,
    wake_threads: Condvar,
    wake_tasks: Notify,
    /// A second stop request, for work that stops gracefully (a server
    /// letting requests finish): stop now.
    hurried: std::sync::atomic::AtomicBool,
    hurry: Notify,
    /// Whether anything listens for the second request; if not, a second
    /// request ends the process instead.
    hurry_heard: std::sync::atomic::AtomicBool,
}

impl Shutdown {
    /// A signal that has not fired.
    pub fn new() -> Shutdown {
        Shutdown::default()
    }

    /// Asks the run to stop. Safe to call from a signal handler's thread.
    pub fn trigger(&self) {
        *self.lock() = true;
        self.inner.wake_threads.notify_all();
        self.inner.wake_tasks.notify_waiters();
    }

    /// Whether a stop was asked for.
    pub fn is_triggered(&self) -> bool {
        *self.lock()
    }

    /// Says that this run stops gracefully, and listens for a second
    /// request to hurry ([`Shutdown::hurried`]).
    pub fn listen_for_hurry(&self) {
        self.inner.hurry_heard.store(true, Ordering::SeqCst);
    }

    /// A second stop request: asks a graceful stop to end now. Returns
    /// false when nothing listens, so the caller may end the process.
    pub fn hurry(&self) -> bool {
        self.inner.hurried.store(true, Ordering::SeqCst);
        self.inner.hurry.notify_waiters();
        self.inner.hurry_heard.load(Ordering::SeqCst)
    }

    /// Completes when a second stop request asks a graceful stop to end.
    pub async fn hurried(&self) {
        let notified = self.inner.hurry.notified();
        tokio::pin!(notified);
        notified.as_mut().enable();
        if self.inner.hurried.load(Ordering::SeqCst) {
            return;
        }
        notified.await;
    }

    /// Blocks the thread until `deadline`, or fails as soon as a stop is
    /// asked for.
    pub fn sleep_until(&self, deadline: Instant) -> Result<(), Interrupted> {
        let mut stopped = self.lock();
        loop {
            if *stopped {
                return Err(Interrupted);
            }
            let now = Instant::now();
            if now >= deadline {
                return Ok(());
            }
            // A timed wait, not thread::sleep: trigger() wakes it early.
            stopped = self
                .inner
                .wake_threads
                .wait_timeout(stopped, deadline - now)
                .unwrap_or_else(|e| e.into_inner())
                .0;
        }
    }

    /// Completes when a stop is asked for.
    pub async fn triggered(&self) {
        let notified = self.inner.wake_tasks.notified();
        tokio::pin!(notified);
        // Register before looking at the flag, so a trigger between the
        // two cannot be missed.
        notified.as_mut().enable();
        if self.is_triggered() {
            return;
        }
        notified.await;
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, bool> {
        self.inner.stopped.lock().unwrap_or_else(|e| e.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn a_trigger_wakes_a_sleeping_thread_at_once() {
        let shutdown = Shutdown::new();
        let other = shutdown.clone();
        let started = Instant::now();
        let sleeper =
            std::thread::spawn(move || other.sleep_until(Instant::now() + Duration::from_secs(60)));
        std::thread::sleep(Duration::from_millis(20));
        shutdown.trigger();
        assert_eq!(sleeper.join().unwrap(), Err(Interrupted));
        assert!(started.elapsed() < Duration::from_secs(30));
    }

    #[test]
    fn a_second_request_hurries_only_a_run_that_listens() {
        let shutdown = Shutdown::new();
        assert!(!shutdown.hurry(), "nobody listens: the caller ends it");
        let graceful = Shutdown::new();
        graceful.listen_for_hurry();
        assert!(graceful.hurry());
        // Heard even by a waiter that comes after the request.
        let runtime = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        runtime.block_on(graceful.hurried());
    }

    #[test]
    fn a_deadline_at_the_end_of_time_waits_for_a_stop() {
        let shutdown = Shutdown::new();
        let other = shutdown.clone();
        // As far as the system's clock goes: the timed wait must take it
        // without overflowing.
        let end = crate::clock::deadline(Instant::now(), Duration::MAX);
        let sleeper = std::thread::spawn(move || other.sleep_until(end));
        std::thread::sleep(Duration::from_millis(20));
        shutdown.trigger();
        assert_eq!(sleeper.join().unwrap(), Err(Interrupted));
    }

    #[test]
    fn an_untriggered_sleep_reaches_its_deadline() {
        let shutdown = Shutdown::new();
        assert_eq!(
            shutdown.sleep_until(Instant::now() + Duration::from_millis(5)),
            Ok(())
        );
    }
}
