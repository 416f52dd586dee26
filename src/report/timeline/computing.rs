//! A product's two parts: waiting, then computing.
//!
//! A product that needs CPU time is not ready when the kitchen hands it
//! over: the waiter then computes it, once it has a core (and under the
//! GIL, the lock). The trace's `Compute` event marks where computing
//! starts, and splits the product's bar in two: from the request to
//! `Compute` the waiter waits (for the kitchen, then perhaps for a core or
//! the GIL), from `Compute` to `Done` it computes. The renderers draw the
//! two differently: hatched against solid in the picture, lower case
//! against upper case in the text, a slice of its own in the Chrome trace.
//!
//! A product of pure waiting, as all the article's are, is one part, and
//! a timeline with nothing computed is drawn exactly as before products
//! could compute.

use std::time::Duration;

use super::{Bar, Chart, Timeline};

impl Bar {
    /// How long the waiter waited for it: to the start of its computing,
    /// or for a product of pure waiting, to the kitchen's answer.
    pub fn waiting(&self) -> Duration {
        self.compute.unwrap_or(self.end).saturating_sub(self.start)
    }

    /// How long the waiter computed it; zero for a product of pure
    /// waiting.
    pub fn computing(&self) -> Duration {
        self.compute
            .map_or(Duration::ZERO, |at| self.end.saturating_sub(at))
    }
}

impl Chart {
    /// Whether any product of the run was computed.
    pub fn computes(&self) -> bool {
        self.lanes
            .iter()
            .any(|l| l.bars.iter().any(|b| b.compute.is_some()))
    }
}

impl Timeline {
    /// Whether any product of any run was computed: only then do the
    /// pictures tell waiting from computing.
    pub fn computes(&self) -> bool {
        self.charts.iter().any(Chart::computes)
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::report::timeline::Step;
    use crate::trace::{Event, EventKind, Trace};
    use crate::workload::{Menu, Workload};

    fn ms(millis: u64) -> Duration {
        Duration::from_millis(millis)
    }

    /// Async on one core: order 0 is a soup (2 s of kitchen, 0.5 s of
    /// CPU) and a burger (3 s, no CPU); order 1 a photo (3 s of CPU, no
    /// kitchen). All three are asked for at once; the photo takes the core
    /// at once, so the soup, ready at 2 s, waits for it until 3 s.
    pub(crate) fn trace() -> Trace {
        let mut menu = Menu::default();
        menu.add_with_cpu("soup", ms(2_000), ms(500)).unwrap();
        menu.add("burger", ms(3_000)).unwrap();
        menu.add_with_cpu("photo", ms(0), ms(3_000)).unwrap();
        let orders = vec![vec![0, 1], vec![2]];
        let workload = Arc::new(Workload::from_ids(menu, orders).unwrap());
        let event = |at, order, kind| Event::new(ms(at), 1, order, kind);
        let mut events = vec![
            Event::new(ms(0), 0, 0, EventKind::ReceivedOrders),
            event(0, 0, EventKind::RequestOrder),
            event(0, 1, EventKind::RequestOrder),
            event(0, 0, EventKind::RequestProduct { item: 0 }),
            event(0, 0, EventKind::RequestProduct { item: 1 }),
            event(0, 1, EventKind::RequestProduct { item: 0 }),
            event(0, 1, EventKind::Compute { item: 0 }),
            event(3_000, 1, EventKind::DoneProduct { item: 0 }),
        ];
        events.extend(EventKind::dispatch(1).map(|kind| event(3_000, 1, kind)));
        events.extend([
            event(3_000, 0, EventKind::Compute { item: 0 }),
            event(3_000, 0, EventKind::DoneProduct { item: 1 }),
            event(3_500, 0, EventKind::DoneProduct { item: 0 }),
        ]);
        events.extend(EventKind::dispatch(2).map(|kind| event(3_500, 0, kind)));
        Trace::new(workload, events)
    }

    /// The timeline of [`trace`].
    pub(crate) fn timeline() -> Timeline {
        let trace = trace();
        let products = trace.workload().menu().products();
        Timeline {
            charts: vec![Chart::of("async", 1, &trace)],
            products: products.iter().map(|p| p.name.clone()).collect(),
        }
    }

    fn shape(steps: &[Step]) -> Vec<(u64, u32)> {
        steps
            .iter()
            .map(|s| (s.at.as_millis() as u64, s.count))
            .collect()
    }

    #[test]
    fn a_bar_splits_at_its_compute_start() {
        let chart = Chart::of("async", 1, &trace());
        let bars: Vec<&Bar> = chart.lanes.iter().flat_map(|l| &l.bars).collect();
        let find = |order, item| {
            let found = bars.iter().find(|b| (b.order, b.item) == (order, item));
            found.copied().unwrap()
        };
        let soup = find(0, 0);
        let times = (soup.start, soup.compute, soup.end);
        assert_eq!(times, (ms(0), Some(ms(3_000)), ms(3_500)));
        // Two seconds of kitchen and one waiting for the core, then half a
        // second of computing.
        assert_eq!((soup.waiting(), soup.computing()), (ms(3_000), ms(500)));
        let burger = find(0, 1);
        assert_eq!(burger.compute, None);
        assert_eq!((burger.waiting(), burger.computing()), (ms(3_000), ms(0)));
        // Computing from its request: no waiting at all.
        let photo = find(1, 0);
        assert_eq!((photo.waiting(), photo.computing()), (ms(0), ms(3_000)));
        assert!(chart.computes());
        // One product computing at a time, within the three in
        // preparation.
        assert_eq!(shape(&chart.computing), [(0, 1), (3_500, 0)]);
        assert_eq!(shape(&chart.in_flight), [(0, 3), (3_000, 1), (3_500, 0)]);
    }

    #[test]
    fn pure_waiting_computes_nothing() {
        let workload = Arc::new(Workload::article());
        let setup = crate::restaurant::Setup::new(
            crate::restaurant::Model::Async,
            crate::ClockKind::Virtual,
        );
        let run = crate::restaurant::run(&workload, &setup, None, &crate::Shutdown::new()).unwrap();
        let timeline = Timeline::of(&[run]);
        assert!(!timeline.computes());
        assert!(timeline.charts[0].computing.is_empty());
        let bars = timeline.charts[0].lanes.iter().flat_map(|l| &l.bars);
        assert!(bars.into_iter().all(|b| b.waiting() == b.end - b.start));
    }
}
