//! A chart as the picture and the text draw it: rows of lanes, grouped
//! when there are too many, and under each waiter whose code blocked the
//! event loop, a row of the stretches it did. A re-delivery is marked on
//! the row of its new waiter's first lane.

use std::ops::Range;
use std::time::Duration;

use super::{Bar, Chart, Lane, Stretch, Words};
use crate::trace::Redelivery;

/// A chart as drawn: rows of bars, and how many lanes each row holds.
#[derive(Debug)]
pub struct View<'a> {
    /// The rows, top to bottom.
    pub rows: Vec<Row<'a>>,
    /// Lanes drawn in one row; 1 when every lane has its own.
    pub lanes_per_row: usize,
}

/// One row of a view: one lane, several grouped, or the stretches the
/// event loop was blocked by the waiters of the rows above it.
#[derive(Debug)]
pub struct Row<'a> {
    /// `waiter 1`, `thread 3` or `task 3` (`waiter 2, task 3` when there
    /// are several waiters), `tasks 1-40` when grouped, or `loop blocked`.
    pub label: String,
    /// The bars to draw; none in a row of stretches.
    pub bars: Vec<&'a Bar>,
    /// When orders were dispatched from this row.
    pub dispatches: Vec<Duration>,
    /// The stretches to draw, by waiter then start; only in a row of
    /// stretches, which has nothing else.
    pub blocked: &'a [Stretch],
    /// The orders re-delivered to a waiter of this row, in trace order.
    pub redeliveries: Vec<&'a Redelivery>,
}

impl Row<'_> {
    /// Whether the row shows stretches the event loop was blocked rather
    /// than lanes.
    pub fn is_loop(&self) -> bool {
        !self.blocked.is_empty()
    }
}

impl Chart {
    /// What to draw with at most `max_rows` rows: lanes grouped when
    /// there are more. The rows of stretches count too: when they do not
    /// fit beside the lanes, the lanes are grouped more. Rows are labelled
    /// in `words`.
    pub fn view(&self, max_rows: usize, words: &Words) -> View<'_> {
        let max_rows = max_rows.max(1);
        let lanes = self.lanes.len();
        let unnamed = self.blocked.partition_point(|s| s.waiter == 0);
        let top = usize::from(unnamed > 0);
        let mut group = lanes.div_ceil(max_rows).max(1);
        let rows = |group: usize| {
            let under = self.under(group, unnamed);
            top + under.len() + under.iter().filter(|r| !r.is_empty()).count()
        };
        if self.blocked.len() > unnamed && rows(group) > max_rows {
            // At most half the rows of lanes, each with a row under it.
            let room = (max_rows.saturating_sub(top) / 2).max(1);
            group = lanes.div_ceil(room).max(1);
        }
        let loop_row = |label: &str, blocked| Row {
            label: label.to_string(),
            bars: Vec::new(),
            dispatches: Vec::new(),
            blocked,
            redeliveries: Vec::new(),
        };
        let mut view = Vec::new();
        if unnamed > 0 {
            view.push(loop_row(words.unnamed_row, &self.blocked[..unnamed]));
        }
        let under = self.under(group, unnamed);
        let mut redeliveries = self.redelivered(group).into_iter();
        for (lanes, under) in self.lanes.chunks(group).zip(under) {
            view.push(Row {
                label: self.row_label(lanes, words),
                bars: lanes.iter().flat_map(|l| &l.bars).collect(),
                dispatches: lanes
                    .iter()
                    .flat_map(|l| &l.dispatches)
                    .map(|&(_, at)| at)
                    .collect(),
                blocked: &[],
                redeliveries: redeliveries.next().unwrap_or_default(),
            });
            if !under.is_empty() {
                view.push(loop_row(words.loop_row, &self.blocked[under]));
            }
        }
        View {
            rows: view,
            lanes_per_row: group,
        }
    }

    /// For each row of `group` lanes, the re-deliveries to a waiter whose
    /// first lane it holds.
    fn redelivered(&self, group: usize) -> Vec<Vec<&Redelivery>> {
        let mut rows = vec![Vec::new(); self.lanes.len().div_ceil(group)];
        for r in &self.redeliveries {
            // Lanes are by waiter.
            let lane = self.lanes.partition_point(|l| l.waiter < r.to);
            if self.lanes.get(lane).is_some_and(|l| l.waiter == r.to) {
                rows[lane / group].push(r);
            }
        }
        rows
    }

    /// For each row of `group` lanes, the stretches (from `from` on in
    /// [`Chart::blocked`]) drawn under it: those of the waiters whose last
    /// lane it holds.
    fn under(&self, group: usize, mut from: usize) -> Vec<Range<usize>> {
        let chunks = self.lanes.len().div_ceil(group);
        let mut ranges = Vec::with_capacity(chunks);
        for i in 0..chunks {
            // Up to the first waiter of the next row: a waiter whose lanes
            // go on there has its stretches drawn under that row.
            let rest = &self.blocked[from..];
            let to = from
                + match self.lanes.get((i + 1) * group) {
                    Some(next) => rest.partition_point(|s| s.waiter < next.waiter),
                    None => rest.len(),
                };
            ranges.push(from..to);
            from = to;
        }
        ranges
    }
}

impl View<'_> {
    /// What a reader must know about the grouping, if anything, in
    /// `words`.
    pub fn note(&self, chart: &Chart, words: &Words) -> Option<String> {
        (self.lanes_per_row > 1).then(|| (words.grouped)(chart.lanes.len(), self.lanes_per_row))
    }
}

impl Chart {
    /// The label of a row of lanes, all of one waiter or spanning several.
    fn row_label(&self, lanes: &[Lane], words: &Words) -> String {
        let (Some(first), Some(last)) = (lanes.first(), lanes.last()) else {
            return String::new();
        };
        let waiter = &words.waiter;
        if first.waiter != last.waiter {
            return waiter.range(first.waiter as usize, last.waiter as usize);
        }
        let Some(unit) = self.units.noun(words) else {
            return waiter.numbered(first.waiter);
        };
        let lanes = if lanes.len() > 1 {
            unit.range(first.track + 1, last.track + 1)
        } else {
            unit.numbered(first.track + 1)
        };
        if self.waiters > 1 {
            format!("{}, {lanes}", waiter.numbered(first.waiter))
        } else {
            lanes
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::latency::Lang;
    use crate::report::timeline::Units;
    use crate::trace::{Culprit, WaiterId};

    fn lane(waiter: WaiterId, track: usize, tracks: usize) -> Lane {
        Lane {
            waiter,
            track,
            tracks,
            bars: Vec::new(),
            dispatches: Vec::new(),
        }
    }

    fn stretch(waiter: WaiterId, start: u64) -> Stretch {
        Stretch {
            waiter,
            start: Duration::from_secs(start),
            end: Duration::from_secs(start + 1),
            by: Culprit::Order(0),
            product: None,
        }
    }

    fn chart(lanes: Vec<Lane>, blocked: Vec<Stretch>) -> Chart {
        Chart {
            model: "m",
            waiters: 3,
            lanes,
            blocked,
            makespan: Duration::from_secs(9),
            units: Units::Tasks,
            in_flight: Vec::new(),
            computing: Vec::new(),
            threads: None,
            latencies: Vec::new(),
            redeliveries: Vec::new(),
        }
    }

    fn shape<'a>(view: &'a View) -> Vec<(&'a str, usize)> {
        let rows = view.rows.iter();
        rows.map(|r| (r.label.as_str(), r.blocked.len())).collect()
    }

    #[test]
    fn each_waiters_stretches_go_under_its_last_lane() {
        let lanes = vec![lane(1, 0, 2), lane(1, 1, 2), lane(2, 0, 1), lane(3, 0, 1)];
        let blocked = vec![stretch(0, 5), stretch(1, 0), stretch(1, 3), stretch(3, 2)];
        let c = chart(lanes, blocked);
        let view = c.view(24, Words::of(Lang::En));
        assert_eq!(
            shape(&view),
            [
                ("loop blocked, no waiter", 1),
                ("waiter 1, task 1", 0),
                ("waiter 1, task 2", 0),
                ("loop blocked", 2),
                ("waiter 2, task 1", 0),
                ("waiter 3, task 1", 0),
                ("loop blocked", 1),
            ]
        );
        assert!(view.rows[3].is_loop() && !view.rows[4].is_loop());
        assert_eq!(view.rows[6].blocked[0].waiter, 3);
    }

    #[test]
    fn rows_of_stretches_count_against_the_limit() {
        // Eight waiters, each blocking: sixteen rows do not fit in eight,
        // so the lanes go two to a row, each row with its stretches.
        let lanes = (1..=8).map(|w| lane(w, 0, 1)).collect();
        let blocked = (1..=8).map(|w| stretch(w, 0)).collect();
        let c = chart(lanes, blocked);
        let view = c.view(8, Words::of(Lang::En));
        assert_eq!(view.lanes_per_row, 2);
        assert_eq!(view.rows.len(), 8);
        let held: Vec<usize> = view.rows.iter().map(|r| r.blocked.len()).collect();
        assert_eq!(held, [0, 2, 0, 2, 0, 2, 0, 2]);
        // Without stretches, the same lanes fill the eight rows.
        let without = chart(c.lanes.clone(), Vec::new());
        assert_eq!(without.view(8, Words::of(Lang::En)).lanes_per_row, 1);
    }

    #[test]
    fn lanes_are_named_by_what_they_stand_for() {
        let lanes: Vec<Lane> = (0..4).map(|t| lane(1, t, 4)).collect();
        let mut c = chart(lanes, Vec::new());
        c.waiters = 1;
        let in_words = |c: &Chart, rows, lang| -> Vec<String> {
            let view = c.view(rows, Words::of(lang));
            view.rows.into_iter().map(|r| r.label).collect()
        };
        let labels = |c: &Chart, rows| in_words(c, rows, Lang::En);
        assert_eq!(labels(&c, 4), ["task 1", "task 2", "task 3", "task 4"]);
        assert_eq!(labels(&c, 2), ["tasks 1-2", "tasks 3-4"]);
        assert_eq!(in_words(&c, 2, Lang::Es), ["tareas 1-2", "tareas 3-4"]);
        c.units = Units::Threads;
        assert_eq!(labels(&c, 1), ["threads 1-4"]);
        c.waiters = 2;
        assert_eq!(labels(&c, 1), ["waiter 1, threads 1-4"]);
        assert_eq!(in_words(&c, 1, Lang::Es), ["camarero 1, hilos 1-4"]);
        c.units = Units::Waiters;
        c.lanes = vec![lane(1, 0, 1), lane(2, 0, 1)];
        assert_eq!(labels(&c, 2), ["waiter 1", "waiter 2"]);
        assert_eq!(labels(&c, 1), ["waiters 1-2"]);
        assert_eq!(in_words(&c, 1, Lang::Es), ["camareros 1-2"]);
    }
}
