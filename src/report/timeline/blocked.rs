//! The stretches a waiter's code held the event loop, as the timelines
//! draw them: the article's warning made visible.
//!
//! While one piece of code holds the loop's thread, no other task runs:
//! with a blocking sleep in a coroutine, each product's preparation holds
//! it, and the products that should wait together wait one after another.
//! Each renderer gives these stretches a row (or thread) of their own
//! under the waiter whose code it was, named by [`Words::loop_row`].
//!
//! At thousands of stretches a row is drawn merged ([`merge`]): stretches
//! less than a pixel apart become one band, as `density.rs` does for bars.

use std::time::Duration;

use super::words::{Words, ENGLISH};
use crate::report::seconds;
use crate::trace::{Blocked, Culprit, WaiterId};
use crate::workload::{OrderId, ProductId, Workload};

/// What a stretch is called in English, in the Chrome trace's slices and
/// the text's legend.
pub const BLOCKED: &str = ENGLISH.blocked;

/// A stretch during which one waiter's code held the event loop.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stretch {
    /// The waiter whose code it was; 0 when none can be named.
    pub waiter: WaiterId,
    /// When the loop was taken.
    pub start: Duration,
    /// When it got its thread back.
    pub end: Duration,
    /// Which code it was.
    pub by: Culprit,
    /// The product, when it was a product's code.
    pub product: Option<ProductId>,
}

impl Stretch {
    /// A stretch the detector found in a run of `workload`.
    pub fn of(blocked: &Blocked, workload: &Workload) -> Stretch {
        let product = match blocked.by {
            Culprit::Product { order, item } => workload
                .orders()
                .get(order as usize)
                .and_then(|o| o.products.get(item as usize))
                .copied(),
            Culprit::Order(_) | Culprit::Waiter | Culprit::Loop => None,
        };
        Stretch {
            waiter: blocked.waiter,
            start: blocked.start,
            end: blocked.end(),
            by: blocked.by,
            product,
        }
    }

    /// How long the loop was held.
    pub fn length(&self) -> Duration {
        self.end.saturating_sub(self.start)
    }

    /// The order whose code it was, if any.
    pub fn order(&self) -> Option<OrderId> {
        self.by.order()
    }

    /// Whose code it was, in `words`: `order 0's burger`, `order 2`,
    /// `waiter 1 taking orders`, or `no waiter's code`. Product names come
    /// from `products`, unescaped.
    pub fn culprit(&self, products: &[String], words: &Words) -> String {
        match self.by {
            Culprit::Loop => words.no_waiters_code.to_string(),
            Culprit::Waiter => (words.taking_orders)(&words.waiter.numbered(self.waiter)),
            Culprit::Order(order) => words.order.numbered(order),
            Culprit::Product { order, .. } => {
                let name = self
                    .product
                    .and_then(|p| products.get(p as usize))
                    .map_or("?", String::as_str);
                (words.product_of)(&words.order.numbered(order), name)
            }
        }
    }

    /// The sentence a tooltip shows: `event loop blocked 7.5 s by order
    /// 0's burger`.
    pub fn describe(&self, products: &[String], words: &Words) -> String {
        format!(
            "{} {} s {} {}",
            words.blocked,
            seconds(self.length()),
            words.by,
            self.culprit(products, words)
        )
    }
}

/// Stretches drawn as one band, when too many to draw one by one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Merged {
    /// The start of the first.
    pub start: Duration,
    /// The end of the last.
    pub end: Duration,
    /// How many stretches.
    pub count: usize,
    /// How long they held the loop, in all.
    pub held: Duration,
}

/// `stretches`, by start, merged where less than `gap` apart: at a
/// pixel's worth of time, the bands are at least a pixel apart, so there
/// are never more than half as many as the picture has pixel columns.
pub(super) fn merge(stretches: &[Stretch], gap: Duration) -> Vec<Merged> {
    let mut sorted: Vec<&Stretch> = stretches.iter().collect();
    sorted.sort_by_key(|s| (s.start, s.end));
    let mut merged: Vec<Merged> = Vec::new();
    for s in sorted {
        match merged.last_mut() {
            Some(m) if s.start < m.end + gap => {
                m.end = m.end.max(s.end);
                m.count += 1;
                m.held += s.length();
            }
            _ => merged.push(Merged {
                start: s.start,
                end: s.end,
                count: 1,
                held: s.length(),
            }),
        }
    }
    merged
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stretch(by: Culprit, start_ms: u64, end_ms: u64) -> Stretch {
        Stretch {
            waiter: 1,
            start: Duration::from_millis(start_ms),
            end: Duration::from_millis(end_ms),
            by,
            product: match by {
                Culprit::Product { .. } => Some(1),
                _ => None,
            },
        }
    }

    #[test]
    fn a_stretch_names_the_code_that_held_the_loop() {
        let products = ["burger", "fr<i>tes"].map(String::from);
        let product = Culprit::Product { order: 3, item: 1 };
        let en = &ENGLISH;
        assert_eq!(
            stretch(product, 0, 4000).describe(&products, en),
            "event loop blocked 4 s by order 3's fr<i>tes"
        );
        assert_eq!(
            stretch(Culprit::Order(2), 100, 1300).describe(&products, en),
            "event loop blocked 1.2 s by order 2"
        );
        assert_eq!(
            stretch(Culprit::Loop, 0, 150).culprit(&products, en),
            "no waiter's code"
        );
        assert_eq!(
            stretch(Culprit::Waiter, 0, 150).culprit(&products, en),
            "waiter 1 taking orders"
        );
        let es = Words::of(crate::latency::Lang::Es);
        assert_eq!(
            stretch(product, 0, 4000).describe(&products, es),
            "bucle de eventos bloqueado 4 s por fr<i>tes del pedido 3"
        );
    }

    #[test]
    fn stretches_less_than_the_gap_apart_are_merged() {
        let by = Culprit::Loop;
        let s = [
            stretch(by, 5000, 6000),
            stretch(by, 0, 1000),
            stretch(by, 1000, 2000),
            stretch(by, 2050, 2500),
            stretch(by, 2400, 2600),
        ];
        let got = merge(&s, Duration::from_millis(100));
        let ms = |d: Duration| d.as_millis();
        let shape: Vec<_> = got
            .iter()
            .map(|m| (ms(m.start), ms(m.end), m.count, ms(m.held)))
            .collect();
        assert_eq!(shape, [(0, 2600, 4, 2650), (5000, 6000, 1, 1000)]);
    }
}
