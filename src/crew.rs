//! A crew: a fixed number of identical workers, each job going to the one
//! free first, in the order the jobs come.
//!
//! The kitchen's cooks are a crew, and so is the pool of threads the
//! `async-offload` model hands its blocking calls to: on the virtual clock
//! that pool is simulated with a crew. [`crate::ideal`] uses the same crew
//! to compute, on paper, the schedules both give.
//!
//! Members are hired only when a job finds every member busy, so a crew of
//! four billion costs nothing until four billion jobs overlap.

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::sync::Mutex;
use std::time::Duration;

/// Workers that each do one job at a time; `None` size for as many as
/// there are jobs.
pub struct Crew {
    size: Option<usize>,
    /// When each member hired so far will next be free.
    free_at: Mutex<BinaryHeap<Reverse<Duration>>>,
}

impl Crew {
    /// A crew of `size` members, or unlimited ones for `None`. A size of 0
    /// is treated as 1; the command line refuses it earlier.
    pub fn new(size: Option<usize>) -> Crew {
        Crew {
            size: size.map(|n| n.max(1)),
            free_at: Mutex::new(BinaryHeap::new()),
        }
    }

    /// When a job arriving at `now` would start: at once if a member is
    /// free (or one more may be hired), else when the member free first is.
    pub fn start(&self, now: Duration) -> Duration {
        let Some(size) = self.size else {
            return now;
        };
        let free_at = self.free_at.lock().unwrap_or_else(|e| e.into_inner());
        starts(&free_at, size, now)
    }

    /// Takes a job that keeps a member busy for `busy`, arriving at `now`,
    /// and says when it will be done.
    pub fn take(&self, now: Duration, busy: Duration) -> Duration {
        let Some(size) = self.size else {
            return now + busy;
        };
        // The lock is held only to pick a member, never while working.
        let mut free_at = self.free_at.lock().unwrap_or_else(|e| e.into_inner());
        let start = starts(&free_at, size, now);
        if start > now || free_at.peek().is_some_and(|&Reverse(first)| first <= now) {
            // The member free first takes it, now or when free.
            free_at.pop();
        }
        // Otherwise everyone hired is busy and the crew is not full: hire.
        let done = start + busy;
        free_at.push(Reverse(done));
        done
    }

    /// How many members were ever busy at once: those hired.
    pub fn hired(&self) -> usize {
        self.free_at.lock().unwrap_or_else(|e| e.into_inner()).len()
    }
}

/// When a job arriving at `now` starts, given when each member hired so
/// far is free and how many may be hired.
fn starts(free_at: &BinaryHeap<Reverse<Duration>>, size: usize, now: Duration) -> Duration {
    match free_at.peek() {
        Some(&Reverse(first)) if first > now && free_at.len() >= size => first,
        _ => now,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(secs: f64) -> Duration {
        Duration::from_secs_f64(secs)
    }

    #[test]
    fn an_unlimited_crew_does_every_job_at_once() {
        let crew = Crew::new(None);
        assert_eq!(crew.take(s(0.0), s(7.5)), s(7.5));
        assert_eq!(crew.take(s(0.0), s(1.0)), s(1.0));
        assert_eq!(crew.hired(), 0);
    }

    #[test]
    fn one_member_does_one_job_after_another() {
        let crew = Crew::new(Some(1));
        assert_eq!(crew.take(s(0.0), s(7.5)), s(7.5));
        assert_eq!(crew.take(s(0.0), s(1.0)), s(8.5));
        assert_eq!(crew.take(s(10.0), s(1.0)), s(11.0));
        assert_eq!(crew.hired(), 1);
    }

    #[test]
    fn each_job_goes_to_the_member_free_first() {
        let crew = Crew::new(Some(2));
        assert_eq!(crew.take(s(0.0), s(4.0)), s(4.0));
        assert_eq!(crew.take(s(0.0), s(1.0)), s(1.0));
        assert_eq!(crew.start(s(0.0)), s(1.0));
        assert_eq!(crew.take(s(0.0), s(1.0)), s(2.0));
        assert_eq!(crew.take(s(0.0), s(1.0)), s(3.0));
        assert_eq!(crew.take(s(0.0), s(1.0)), s(4.0));
        assert_eq!(crew.hired(), 2);
    }

    #[test]
    fn a_free_member_is_reused_before_another_is_hired() {
        let crew = Crew::new(Some(1_000));
        assert_eq!(crew.take(s(0.0), s(1.0)), s(1.0));
        assert_eq!(crew.take(s(2.0), s(1.0)), s(3.0));
        assert_eq!(crew.take(s(2.5), s(1.0)), s(3.5));
        assert_eq!(crew.hired(), 2);
    }

    #[test]
    fn a_huge_crew_costs_nothing_up_front() {
        let crew = Crew::new(Some(usize::MAX));
        assert_eq!(crew.take(s(0.0), s(1.0)), s(1.0));
        assert_eq!(crew.hired(), 1);
    }
}
