//! When a Gantt chart is worth drawing: the one threshold past which the
//! pictures give way to what matters at scale.
//!
//! A lane is legible when it has a row of its own, when the model's run
//! spans enough of the shared axis for the eye to find it, and when its
//! products, side by side, get enough of that span each to be told apart.
//! At the article's size every lane is; at ten times its orders the
//! async model has a hundred lanes a few pixels wide and sync a
//! thousand products on one, and a Gantt chart is slivers. Each renderer
//! states the least it needs in its own units (pixels, characters), and
//! draws the Gantt chart only when every lane of every model gets it: one
//! picture, so that the models compare at a glance.

use super::{Timeline, Words};
use crate::latency::Lang;

/// The least room a renderer needs for each lane, in its own units.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Legible {
    /// Rows a model's block may have: more lanes than this would share
    /// rows, each lane a fraction of one.
    pub rows: usize,
    /// The width of the whole time axis.
    pub width: f64,
    /// The least width of a model's run on that axis.
    pub span: f64,
    /// The least width for each product of a lane, on average.
    pub product: f64,
}

impl Legible {
    /// Whether every lane of `timeline` is legible with this room.
    pub fn fits(&self, timeline: &Timeline) -> bool {
        let end = timeline.end().as_secs_f64();
        if end <= 0.0 {
            return true;
        }
        timeline.charts.iter().all(|chart| {
            let span = chart.makespan.as_secs_f64() / end * self.width;
            let busiest = chart.lanes.iter().map(|l| l.bars.len()).max();
            // The grouping is the same in every language.
            chart.view(self.rows, Words::of(Lang::En)).lanes_per_row == 1
                && span >= self.span
                && busiest.unwrap_or(0) as f64 * self.product <= span
        })
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::restaurant::{self, Model, Setup};
    use crate::workload::generate;
    use crate::{ClockKind, Shutdown, Workload};

    const ROOM: Legible = Legible {
        rows: 24,
        width: 745.0,
        span: 40.0,
        product: 4.0,
    };

    fn timeline(models: &[Model], repeat: usize) -> Timeline {
        let workload = Arc::new(generate::repeat(&Workload::article(), repeat).unwrap());
        let runs: Vec<_> = models
            .iter()
            .map(|&m| {
                let setup = Setup::new(m, ClockKind::Virtual);
                restaurant::run(&workload, &setup, None, &Shutdown::new()).unwrap()
            })
            .collect();
        Timeline::of(&runs)
    }

    #[test]
    fn the_gantt_chart_gives_way_when_a_lane_would_be_a_sliver() {
        // The article: async's 7.5 s are 128 px of sync's 43.8 s.
        assert!(ROOM.fits(&timeline(&Model::ARTICLE, 1)));
        // Twice the orders: 22 lanes, and 64 px.
        assert!(ROOM.fits(&timeline(&[Model::Sync, Model::Async], 2)));
        // Three times: 33 lanes do not fit 24 rows.
        assert!(!ROOM.fits(&timeline(&[Model::Async], 3)));
        // Sync alone at six times: 66 products on one lane of 745 px
        // fit; at twenty times, 220 do not.
        assert!(ROOM.fits(&timeline(&[Model::Sync], 6)));
        assert!(!ROOM.fits(&timeline(&[Model::Sync], 20)));
        // Async beside sync at eight times: 88 lanes, and 16 px.
        let narrow = Legible { rows: 100, ..ROOM };
        assert!(!narrow.fits(&timeline(&[Model::Sync, Model::Async], 8)));
    }
}
