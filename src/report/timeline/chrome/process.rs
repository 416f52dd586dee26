//! A model's process in the trace: its name, its threads named and sorted
//! as they come, and the threads the stretches its event loop was blocked
//! go on, in both layouts.
//!
//! The stretches a waiter's code held the event loop are complete events
//! named `event loop blocked`, on a thread of their own after the
//! waiter's (`waiter 1 · event loop`), so that they never overlap its
//! products; on a multi-thread runtime they may overlap each other, and
//! are packed on overlap-free threads as the lanes are.

use std::io;

use serde_json::json;

use super::events::{micros, Event, Events};
use crate::report::timeline::{lanes, Stretch, BLOCKED};
use crate::trace::WaiterId;

/// Names process `pid` after `model` and sorts it in its place.
pub(super) fn name(events: &mut Events, pid: usize, model: &str) -> io::Result<()> {
    let mut meta = Event::new("process_name", "M", pid, 0);
    meta.args = json!({ "name": model });
    events.event(&meta)?;
    let mut sort = Event::new("process_sort_index", "M", pid, 0);
    sort.args = json!({ "sort_index": pid });
    events.event(&sort)
}

/// The threads of one model's process, named and sorted as they come.
pub(super) struct Threads {
    pid: usize,
    /// The id of the next thread of the loop.
    next_tid: usize,
    /// Threads sorted so far.
    sorted: usize,
}

impl Threads {
    /// The threads of process `pid`, the loop's numbered from `first_loop`.
    pub fn new(pid: usize, first_loop: usize) -> Threads {
        Threads {
            pid,
            next_tid: first_loop,
            sorted: 0,
        }
    }

    /// Names thread `tid` and puts it after those named before.
    pub fn name(&mut self, events: &mut Events, tid: usize, label: String) -> io::Result<()> {
        let mut name = Event::new("thread_name", "M", self.pid, tid);
        name.args = json!({ "name": label });
        events.event(&name)?;
        self.sorted += 1;
        let mut sort = Event::new("thread_sort_index", "M", self.pid, tid);
        sort.args = json!({ "sort_index": self.sorted });
        events.event(&sort)
    }

    /// Writes the stretches `waiter`'s code held the event loop (sorted by
    /// start) on threads of their own, as many as they need not to
    /// overlap.
    pub fn write_loop(
        &mut self,
        events: &mut Events,
        waiter: WaiterId,
        stretches: &[Stretch],
        products: &[String],
    ) -> io::Result<()> {
        let tracks = lanes::tracks(stretches, |s| (s.start, s.end));
        let count = tracks.len();
        for (track, stretches) in tracks.into_iter().enumerate() {
            let tid = self.next_tid;
            self.next_tid += 1;
            let mut label = match waiter {
                0 => "event loop".to_string(),
                w => format!("waiter {w} · event loop"),
            };
            if count > 1 {
                label.push_str(&format!(" · {}", track + 1));
            }
            self.name(events, tid, label)?;
            for s in stretches {
                let mut event = Event::new(BLOCKED, "X", self.pid, tid);
                event.cat = Some("blocked");
                event.ts = Some(micros(s.start));
                event.dur = Some(micros(s.length()));
                event.args = args(&s, products);
                events.event(&event)?;
            }
        }
        Ok(())
    }
}

/// What a stretch's slice says: whose code, and how long.
fn args(stretch: &Stretch, products: &[String]) -> serde_json::Value {
    let mut args = serde_json::Map::new();
    if stretch.waiter != 0 {
        args.insert("waiter".into(), json!(stretch.waiter));
    }
    if let Some(order) = stretch.order() {
        args.insert("order".into(), json!(order));
    }
    if let Some(item) = stretch.by.item() {
        args.insert("item".into(), json!(item));
    }
    if let Some(name) = stretch.product.and_then(|p| products.get(p as usize)) {
        args.insert("product".into(), json!(name));
    }
    args.insert("length_s".into(), json!(stretch.length().as_secs_f64()));
    serde_json::Value::Object(args)
}
