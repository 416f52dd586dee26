//! The spans layout, for charts of many products: each product an async
//! span in its order's event tree, and no thread per lane.
//!
//! The lane-per-thread layout gives the async waiter a thread per product
//! in flight: at a million products, a million threads, each with its
//! name and sort index, and some 400 bytes a product. Here a product is a
//! nestable async begin/end pair (`"ph": "b"` / `"e"`) of category
//! `order`, with the id of its order's tree: the format nests events of
//! the same category and id by time, so Perfetto shows an order's products
//! on one track of its own, and the order's dispatch as an instant
//! (`"ph": "n"`, `order 7 dispatched`) on it. Its thread (`tid`) is its
//! waiter's. Ids are numbers, unique across the trace. The order has no
//! span of its own: its first product's begin is its start, and two more
//! events an order would take the trace past 200 bytes a product at a
//! million products; so Perfetto names an order's track after the first
//! product in it.
//!
//! A tree must nest: a span begun inside another ends inside it. Products
//! that start together (the async waiter asks for all of an order's at
//! once) nest, longest outside; one after another (sync), they follow
//! each other. A product that would cross another's end (asked for a
//! little after it, ready a little after it: the real clock) goes to
//! another tree of the same order, with an id of its own.
//!
//! Inside a product's span, a product that needs CPU time has a nested
//! `compute photo` span, from when the waiter started computing to its
//! end; a product whose waiter was lost has `"abandoned": true` in its
//! args, and its order's tree an instant `redelivered` naming the order
//! and `from`, the waiter that had it. The stretches the loop was blocked
//! stay complete events on threads of their own (`process.rs`).

use std::cmp::Reverse;
use std::io;
use std::time::Duration;

use serde_json::json;

use super::events::{micros, Event, Events, Names};
use super::process::Threads;
use crate::report::timeline::{Bar, Chart};
use crate::trace::{Redelivery, WaiterId};
use crate::workload::OrderId;

/// A product and the waiter that asked for it.
#[derive(Clone, Copy)]
struct Product<'c> {
    bar: &'c Bar,
    waiter: WaiterId,
}

/// What goes in an order's tree.
#[derive(Clone, Copy)]
enum What<'c> {
    /// A product's span.
    Product(Product<'c>),
    /// The computing in a product's span.
    Compute(Product<'c>),
    /// The order's dispatch, by this waiter.
    Dispatched(WaiterId),
    /// The order given to another waiter.
    Redelivered(&'c Redelivery),
}

/// One item of a tree, from `start` to `end` (an instant: both the same).
#[derive(Clone, Copy)]
struct Item<'c> {
    start: Duration,
    end: Duration,
    what: What<'c>,
}

/// A product span still open in a tree while products are placed.
#[derive(Clone, Copy)]
struct Open {
    end: Duration,
    compute: Option<Duration>,
}

/// One event tree of an order.
#[derive(Default)]
struct Tree<'c> {
    id: u64,
    open: Vec<Open>,
    items: Vec<Item<'c>>,
}

impl Tree<'_> {
    /// Whether a product from `start` to `end`, the latest started so far,
    /// nests in this tree: it ends within every span still open at its
    /// start, and crosses no open product's start of computing.
    fn fits(&mut self, start: Duration, end: Duration) -> bool {
        while self.open.last().is_some_and(|o| o.end <= start) {
            self.open.pop();
        }
        if self.open.last().is_some_and(|o| o.end < end) {
            return false;
        }
        let crosses = |c: Duration| start < c && c < end;
        !self.open.iter().any(|o| o.compute.is_some_and(crosses))
    }
}

/// Writes `chart` as process `pid`, its products as async spans; tree ids
/// are taken from `next_id` on.
pub(super) fn write_chart(
    events: &mut Events,
    chart: &Chart,
    pid: usize,
    names: &Names,
    products: &[String],
    next_id: &mut u64,
) -> io::Result<()> {
    write_threads(events, chart, pid, products)?;

    let by_order = ByOrder::of(chart);
    let mut dispatched: Vec<Option<(Duration, WaiterId)>> = vec![None; by_order.len()];
    for lane in &chart.lanes {
        for &(order, at) in &lane.dispatches {
            if let Some(d) = dispatched.get_mut(order as usize) {
                *d = Some((at, lane.waiter));
            }
        }
    }
    let mut redeliveries: Vec<&Redelivery> = chart.redeliveries.iter().collect();
    redeliveries.sort_by_key(|r| (r.order, r.at));
    let mut redeliveries = redeliveries.as_slice();

    let mut order_name = itoa::Buffer::new();
    let mut trees: Vec<Tree> = Vec::new();
    let mut stack: Vec<Item> = Vec::new();
    for (order, &dispatch) in dispatched.iter().enumerate() {
        let mut used = 0;
        for &product in by_order.get(order) {
            let (start, end) = (product.bar.start, product.bar.end);
            let found = trees[..used].iter_mut().position(|t| t.fits(start, end));
            let k = found.unwrap_or_else(|| new_tree(&mut trees, &mut used, next_id));
            let tree = &mut trees[k];
            let compute = product.bar.compute;
            tree.open.push(Open { end, compute });
            let what = What::Product(product);
            tree.items.push(Item { start, end, what });
            if let Some(start) = compute {
                let what = What::Compute(product);
                tree.items.push(Item { start, end, what });
            }
        }
        let now = redeliveries.partition_point(|r| r.order as usize <= order);
        let (these, rest) = redeliveries.split_at(now);
        redeliveries = rest;
        if used == 0 && (dispatch.is_some() || !these.is_empty()) {
            new_tree(&mut trees, &mut used, next_id);
        }
        let marks = these.iter().map(|&r| (r.at, What::Redelivered(r)));
        let marks = marks.chain(dispatch.map(|(at, by)| (at, What::Dispatched(by))));
        if used > 0 {
            let mark = |(at, what)| Item {
                start: at,
                end: at,
                what,
            };
            trees[0].items.extend(marks.map(mark));
        }
        let name = order_name.format(order);
        for tree in &mut trees[..used] {
            write_tree(events, tree, pid, names, name, &mut stack)?;
        }
    }
    Ok(())
}

/// A tree for the order being placed, after the `used` ones it has: its
/// id the next one.
fn new_tree(trees: &mut Vec<Tree>, used: &mut usize, next_id: &mut u64) -> usize {
    if *used == trees.len() {
        trees.push(Tree::default());
    }
    let tree = &mut trees[*used];
    tree.id = *next_id;
    tree.open.clear();
    tree.items.clear();
    *next_id += 1;
    *used += 1;
    *used - 1
}

/// Each order's products, sorted by start and, of those that start
/// together, longest first: the order in which they nest. Laid out order
/// after order in one vector, order `o`'s from `starts[o]` to
/// `starts[o + 1]`: a million products make no million vectors.
struct ByOrder<'c> {
    products: Vec<Product<'c>>,
    starts: Vec<usize>,
}

impl<'c> ByOrder<'c> {
    fn of(chart: &'c Chart) -> ByOrder<'c> {
        let bars = || chart.lanes.iter().flat_map(|l| &l.bars);
        let dispatches = chart.lanes.iter().flat_map(|l| &l.dispatches);
        let orders = bars().map(|b| b.order);
        let orders = orders.chain(dispatches.map(|&(order, _)| order));
        let orders = orders.chain(chart.redeliveries.iter().map(|r| r.order));
        let count = orders.max().map_or(0, |o: OrderId| o as usize + 1);
        // Counted, then each put in its order's place.
        let mut starts = vec![0; count + 1];
        for bar in bars() {
            starts[bar.order as usize + 1] += 1;
        }
        for o in 0..count {
            starts[o + 1] += starts[o];
        }
        let mut next = starts.clone();
        let mut products = Vec::with_capacity(starts[count]);
        if let Some(bar) = bars().next() {
            let filler = Product { bar, waiter: 0 };
            products.resize(starts[count], filler);
        }
        for lane in &chart.lanes {
            for bar in &lane.bars {
                let at = &mut next[bar.order as usize];
                products[*at] = Product {
                    bar,
                    waiter: lane.waiter,
                };
                *at += 1;
            }
        }
        for o in 0..count {
            let these = &mut products[starts[o]..starts[o + 1]];
            these.sort_unstable_by_key(|p| (p.bar.start, Reverse(p.bar.end), p.bar.item));
        }
        ByOrder { products, starts }
    }

    fn len(&self) -> usize {
        self.starts.len() - 1
    }

    fn get(&self, order: usize) -> &[Product<'c>] {
        &self.products[self.starts[order]..self.starts[order + 1]]
    }
}

/// Names each waiter's thread, its `tid` its id, with the threads of the
/// stretches its code held the loop after it.
fn write_threads(
    events: &mut Events,
    chart: &Chart,
    pid: usize,
    products: &[String],
) -> io::Result<()> {
    let last = chart.lanes.iter().map(|l| l.waiter as usize).max();
    let waiters = chart.waiters.max(last.unwrap_or(0));
    let mut threads = Threads::new(pid, waiters + 1);
    let unnamed = chart.blocked.partition_point(|s| s.waiter == 0);
    threads.write_loop(events, 0, &chart.blocked[..unnamed], products)?;
    let mut from = unnamed;
    for waiter in 1..=waiters {
        threads.name(events, waiter, format!("waiter {waiter}"))?;
        let rest = &chart.blocked[from..];
        let to = from + rest.partition_point(|s| s.waiter as usize <= waiter);
        let stretches = &chart.blocked[from..to];
        threads.write_loop(events, waiter as WaiterId, stretches, products)?;
        from = to;
    }
    Ok(())
}

/// Writes one tree's events in time order, each span's end before what
/// starts when it ends; `stack` is room for the spans open.
fn write_tree<'c>(
    events: &mut Events,
    tree: &mut Tree<'c>,
    pid: usize,
    names: &Names,
    order: &str,
    stack: &mut Vec<Item<'c>>,
) -> io::Result<()> {
    // Stable: of two that start and end together, the one placed first
    // holds the other, as when they were placed: a product holds its own
    // computing, and an open product's computing holds a product placed
    // in it since. The instants, put in last, come after the spans that
    // start with them.
    tree.items.sort_by_key(|i| (i.start, Reverse(i.end)));
    stack.clear();
    for &item in &tree.items {
        while let Some(open) = stack.pop_if(|open| open.end <= item.start) {
            write_event(events, &open, "e", tree.id, pid, names, order)?;
        }
        match item.what {
            What::Product(_) | What::Compute(_) => {
                write_event(events, &item, "b", tree.id, pid, names, order)?;
                stack.push(item);
            }
            What::Dispatched(_) | What::Redelivered(_) => {
                write_event(events, &item, "n", tree.id, pid, names, order)?;
            }
        }
    }
    while let Some(open) = stack.pop() {
        write_event(events, &open, "e", tree.id, pid, names, order)?;
    }
    Ok(())
}

/// Writes `item`'s event of phase `ph`: at its start, or for `"e"`, its
/// end.
fn write_event(
    events: &mut Events,
    item: &Item,
    ph: &'static str,
    id: u64,
    pid: usize,
    names: &Names,
    order: &str,
) -> io::Result<()> {
    let at = if ph == "e" { item.end } else { item.start };
    let (name, waiter) = match item.what {
        What::Product(p) => ([names.get(p.bar.product as usize), ""], p.waiter),
        What::Compute(p) => (["compute ", names.get(p.bar.product as usize)], p.waiter),
        What::Dispatched(by) => {
            events.open(&["order ", order, " dispatched"], ph, pid, by as usize);
            events.field("cat", "order");
            events.number("ts", micros(at));
            events.number("id", id);
            return events.close();
        }
        What::Redelivered(r) => {
            let mut event = Event::new("redelivered", ph, pid, r.to as usize);
            event.cat = Some("order");
            event.ts = Some(micros(at));
            event.id = Some(id);
            event.args = json!({ "order": r.order, "from": r.from });
            return events.event(&event);
        }
    };
    events.open(&name, ph, pid, waiter as usize);
    events.field("cat", "order");
    events.number("ts", micros(at));
    events.number("id", id);
    if let What::Product(p) = item.what {
        if p.bar.abandoned && ph == "b" {
            events.raw(",\"args\":{\"abandoned\":true}");
        }
    }
    events.close()
}
