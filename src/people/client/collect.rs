//! The one place where every model hands in the ids it finished: the
//! observer hears of each (the log, the `--output` line, the progress
//! bar), the [`Tally`] counts it, and the outcome, person and all, is then
//! let go, so that a run of millions of ids holds figures, not people.
//!
//! At the end, every id no model finished (the run was stopped before it
//! was asked for) is handed in too, as interrupted: each id of a run is
//! reported exactly once, however the run ends.

use std::sync::Mutex;

use super::attempt::{Observer, Outcome, Progress};
use super::stats::Tally;
use super::Request;

/// Collects the outcomes of one run. Shared by every thread or task of
/// the run.
pub struct Collector<'a> {
    observer: Observer<'a>,
    // A std mutex, held only to count: the observer, which may write to
    // a file, is called before it is taken.
    state: Mutex<State>,
}

struct State {
    tally: Tally,
    /// Whether id number `i` of the run was handed in.
    finished: Vec<bool>,
}

impl<'a> Collector<'a> {
    /// A collector for a run of `ids` ids, telling `observer` of each.
    pub fn new(observer: Observer<'a>, ids: usize) -> Collector<'a> {
        Collector {
            observer,
            state: Mutex::new(State {
                tally: Tally::new(),
                finished: vec![false; ids],
            }),
        }
    }

    /// Where the models report answers and retries as they happen.
    pub fn observer(&self) -> Observer<'a> {
        self.observer
    }

    /// Id number `index` of the run ended with `outcome`.
    pub fn done(&self, index: usize, outcome: Outcome) {
        (self.observer)(Progress::Done(&outcome));
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        state.tally.record(&outcome);
        if let Some(finished) = state.finished.get_mut(index) {
            *finished = true;
        }
    }

    /// Hands in every id of `ids` not yet finished, as interrupted (with
    /// the address `request` would have asked), and returns the run's
    /// figures.
    pub fn finish(self, request: &Request, ids: &[u64]) -> Tally {
        let state = self.state.into_inner().unwrap_or_else(|e| e.into_inner());
        let (mut tally, finished) = (state.tally, state.finished);
        for (&id, _) in ids.iter().zip(&finished).filter(|(_, &done)| !done) {
            let outcome = Outcome::not_asked(id, request.person_url(id));
            (self.observer)(Progress::Done(&outcome));
            tally.record(&outcome);
        }
        tally
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::people::client::{api_url, Failure};
    use std::time::Duration;

    #[test]
    fn ids_never_finished_are_reported_interrupted_once() {
        let seen = Mutex::new(Vec::new());
        let observer = |p: Progress| {
            if let Progress::Done(o) = p {
                let interrupted = o.result == Err(Failure::Interrupted);
                seen.lock().unwrap().push((o.id, interrupted));
            }
        };
        let request = Request::new(api_url("http://127.0.0.1:1/api/").unwrap());
        let collector = Collector::new(&observer, 3);
        collector.done(
            1,
            Outcome {
                id: 2,
                url: request.person_url(2),
                attempts: 1,
                latency: Duration::from_millis(5),
                answers: vec!["404".into()],
                result: Err(Failure::Status(404)),
            },
        );
        // The same id may be asked for twice; the index tells them apart.
        let tally = collector.finish(&request, &[1, 2, 2]);
        assert_eq!(*seen.lock().unwrap(), [(2, false), (1, true), (2, true)]);
        assert_eq!((tally.ids, tally.interrupted, tally.requests), (3, 2, 1));
    }
}
