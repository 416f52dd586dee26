//! Packing a waiter's bars into tracks, so that no two bars on a track
//! overlap: as many tracks as the waiter had products in flight at once.
//!
//! Overlap-free tracks are what make a Gantt chart readable, and what
//! Perfetto needs: it rejects complete events that overlap on one thread.
//! The same packing ([`tracks`]) puts the stretches the event loop was
//! blocked on threads of their own in the Chrome trace.

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::time::Duration;

use super::{Bar, Lane};
use crate::trace::WaiterId;
use crate::workload::OrderId;

/// Lays out `bars` (each with the waiter that asked for it) in lanes, by
/// waiter then track, and marks each order's dispatch on the lane of its
/// last product. Waiters 1 to `waiters` all get a lane, even an empty one:
/// a waiter with nothing to do is part of the picture.
///
/// In a run with re-deliveries, an order may have bars on two waiters'
/// lanes: `dispatchers` then names, by order, the waiter that dispatched
/// it, on whose lanes its mark goes. Empty for a run without.
pub(super) fn pack(
    mut bars: Vec<(WaiterId, Bar)>,
    waiters: usize,
    dispatched: &[Option<Duration>],
    dispatchers: &[WaiterId],
) -> Vec<Lane> {
    // By start, as the greedy packing needs; then in the order's own
    // order, so that an order's products read top to bottom. Two bars
    // equal in all of it are the same bar, so an unstable sort, with no
    // copy of a million bars aside, sorts them as a stable one would.
    bars.sort_unstable_by_key(|(waiter, b)| {
        let rest = (b.end, b.compute, b.abandoned);
        (*waiter, b.start, b.order, b.item, rest)
    });
    let mut lanes: Vec<Lane> = Vec::new();
    let mut start = 0;
    let mut next_waiter: WaiterId = 1;
    while start < bars.len() {
        let waiter = bars[start].0;
        let end = start + bars[start..].partition_point(|(w, _)| *w == waiter);
        lanes.extend((next_waiter..waiter).map(idle));
        lanes.extend(tracks_of(waiter, &bars[start..end]));
        next_waiter = waiter + 1;
        start = end;
    }
    let waiters = WaiterId::try_from(waiters).unwrap_or(WaiterId::MAX);
    lanes.extend((next_waiter..=waiters).map(idle));
    mark_dispatches(&mut lanes, dispatched, dispatchers);
    lanes
}

/// The lane of a waiter that asked for nothing.
fn idle(waiter: WaiterId) -> Lane {
    Lane {
        waiter,
        track: 0,
        tracks: 1,
        bars: Vec::new(),
        dispatches: Vec::new(),
    }
}

/// One waiter's bars, sorted by start, on the fewest tracks that hold
/// them.
fn tracks_of(waiter: WaiterId, bars: &[(WaiterId, Bar)]) -> Vec<Lane> {
    let bars: Vec<Bar> = bars.iter().map(|&(_, bar)| bar).collect();
    let tracks = tracks(&bars, |b| (b.start, b.end));
    let count = tracks.len();
    tracks
        .into_iter()
        .enumerate()
        .map(|(track, bars)| Lane {
            waiter,
            track,
            tracks: count,
            bars,
            dispatches: Vec::new(),
        })
        .collect()
}

/// Spans sorted by start, each greedily put on the lowest track free at
/// its start: the fewest tracks on which none overlaps another. A span
/// ending when another starts leaves its track free for it.
pub(super) fn tracks<T: Copy>(
    items: &[T],
    span: impl Fn(&T) -> (Duration, Duration),
) -> Vec<Vec<T>> {
    let mut tracks: Vec<Vec<T>> = Vec::new();
    let mut busy: BinaryHeap<Reverse<(Duration, usize)>> = BinaryHeap::new();
    let mut free: BinaryHeap<Reverse<usize>> = BinaryHeap::new();
    for item in items {
        let (start, end) = span(item);
        while let Some(&Reverse((until, track))) = busy.peek() {
            if until > start {
                break;
            }
            busy.pop();
            free.push(Reverse(track));
        }
        let track = match free.pop() {
            Some(Reverse(track)) => track,
            None => {
                // Room for one: the async waiter has a million tracks of
                // one bar each, where the default room for four would be
                // four times the memory.
                tracks.push(Vec::with_capacity(1));
                tracks.len() - 1
            }
        };
        tracks[track].push(*item);
        busy.push(Reverse((end, track)));
    }
    tracks
}

/// Puts each dispatched order's mark on the lane where its last product
/// ended: that is where the waiter was when the order was ready. An
/// abandoned product, or one of another waiter than the dispatcher's
/// (`dispatchers`, when known), was not part of the dispatch.
fn mark_dispatches(lanes: &mut [Lane], dispatched: &[Option<Duration>], dispatchers: &[WaiterId]) {
    let mut last: Vec<Option<(Duration, usize)>> = vec![None; dispatched.len()];
    for (i, lane) in lanes.iter().enumerate() {
        for bar in &lane.bars {
            let order = bar.order as usize;
            let dispatcher = dispatchers.get(order);
            if bar.abandoned || dispatcher.is_some_and(|&w| w != lane.waiter) {
                continue;
            }
            if let Some(entry) = last.get_mut(order) {
                match entry {
                    Some((end, _)) if bar.end < *end => {}
                    _ => *entry = Some((bar.end, i)),
                }
            }
        }
    }
    for (order, (last, at)) in last.iter().zip(dispatched).enumerate() {
        if let (Some((_, lane)), Some(at)) = (last, at) {
            lanes[*lane].dispatches.push((order as OrderId, *at));
        }
    }
    for lane in lanes {
        lane.dispatches.sort_by_key(|&(order, at)| (at, order));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bar(order: OrderId, start: u64, end: u64) -> Bar {
        Bar {
            order,
            item: 0,
            product: 0,
            start: Duration::from_secs(start),
            end: Duration::from_secs(end),
            compute: None,
            abandoned: false,
        }
    }

    fn spans(lane: &Lane) -> Vec<(u64, u64)> {
        let s = |b: &Bar| (b.start.as_secs(), b.end.as_secs());
        lane.bars.iter().map(s).collect()
    }

    #[test]
    fn back_to_back_bars_share_a_track_and_overlapping_ones_do_not() {
        let bars = vec![
            (1, bar(0, 0, 5)),
            (1, bar(1, 5, 7)),
            (1, bar(2, 1, 3)),
            (1, bar(3, 3, 9)),
            (2, bar(4, 0, 2)),
        ];
        let lanes = pack(bars, 3, &[], &[]);
        let shape: Vec<_> = lanes
            .iter()
            .map(|l| (l.waiter, l.track, l.tracks, spans(l)))
            .collect();
        assert_eq!(
            shape,
            [
                (1, 0, 2, vec![(0, 5), (5, 7)]),
                (1, 1, 2, vec![(1, 3), (3, 9)]),
                (2, 0, 1, vec![(0, 2)]),
                (3, 0, 1, vec![]),
            ]
        );
    }

    #[test]
    fn dispatch_goes_on_the_lane_of_the_orders_last_product() {
        let mut late = bar(0, 0, 8);
        late.item = 1;
        let bars = vec![(1, bar(0, 0, 3)), (1, late)];
        let dispatched = [Some(Duration::from_secs(8))];
        let lanes = pack(bars, 1, &dispatched, &[]);
        assert_eq!(lanes[0].dispatches, []);
        assert_eq!(lanes[1].dispatches, [(0, Duration::from_secs(8))]);
    }
}
