//! The wire between the cashier and a waiter process: one JSON object per
//! line, over a loopback TCP connection.
//!
//! A conversation goes:
//!
//! ```text
//! waiter                                  cashier
//! Hello { token }                  ->
//!                                  <-     Shift { menu, orders, speed, gil }
//! Ready                            ->     (every waiter has calibrated its CPU work)
//!                                  <-     Open { epoch }   (restaurant time 0)
//! Take                             ->
//!                                  <-     Order { order: Some(1) }
//! Event { at, order, what }        ->     (recorded, in the cashier's trace)
//! Kitchen { now, preparation }     ->
//!                                  <-     Ready { until }
//! ...
//! Take                             ->
//!                                  <-     Order { order: None }
//! Done                             ->     then the connection closes
//! ```
//!
//! The token, given to the waiter process in [`TOKEN_VAR`], tells the
//! cashier which waiter connected, and keeps out any other program that
//! finds the port. Times are restaurant time since the [`Epoch`].

use std::io::{self, BufRead, Write};
use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::clock::ClockKind;
use crate::clock::Epoch;
use crate::restaurant::{Model, Setup};
use crate::trace::EventKind;
use crate::workload::{Menu, OrderId, ProductId, Workload, WorkloadError};

/// The environment variable that gives a waiter process its token.
pub const TOKEN_VAR: &str = "MESONERO_WAITER_TOKEN";

/// The longest line the cashier reads from a waiter: its messages are a
/// few dozen bytes, and a waiter must not make the cashier hold more.
pub const MAX_LINE: usize = 4096;

/// What a waiter process says to the cashier.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "m", rename_all = "kebab-case")]
pub enum FromWaiter {
    /// The first line: who is calling.
    Hello {
        /// The token the cashier gave this waiter.
        token: String,
    },
    /// The shift is open on this side: the waiter may be told to start.
    Ready,
    /// The next order, please (the article's `orders.get()`).
    Take,
    /// When will a product asked for at `now` be ready?
    Kitchen {
        /// When the waiter asked, in restaurant time.
        now: Duration,
        /// How long the product takes to prepare.
        preparation: Duration,
    },
    /// Something happened to an order.
    Event {
        /// When, in restaurant time, on the waiter's clock.
        at: Duration,
        /// The order.
        order: OrderId,
        /// What.
        what: Happened,
    },
    /// No order is left: the waiter's work is over.
    Done,
}

/// What the cashier says to a waiter process.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "m", rename_all = "kebab-case")]
pub enum FromCashier {
    /// The shift to work: the workload and how the clock and CPU go.
    Shift(ShiftSpec),
    /// The restaurant opened at `epoch`.
    Open {
        /// Restaurant time 0.
        epoch: Epoch,
    },
    /// The order taken, or `None` when the queue is empty.
    Order {
        /// The order.
        order: Option<OrderId>,
    },
    /// When the product asked for will be ready.
    Ready {
        /// In restaurant time.
        until: Duration,
    },
}

/// What happened to an order, as a waiter process tells it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Happened {
    /// `Request order!`
    RequestOrder,
    /// A product asked for, by its position in the order.
    RequestProduct(u16),
    /// A product's computing started.
    Compute(u16),
    /// A product is ready.
    DoneProduct(u16),
    /// The order was claimed from waiter `from` (0: a reader that is no
    /// waiter of this run), who took it and went silent: sent only
    /// through a broker.
    Redelivered(u16),
    /// The order is on its table: `Done order!`, a `Dispatch` per product
    /// and `Done dispatch!`, one moment, sent as one message so that the
    /// cashier records them together, as every model does.
    Dispatched,
}

impl Happened {
    /// How a waiter process sends `kind`: the parts of a dispatch but its
    /// last go with it, as [`Happened::Dispatched`].
    pub fn of(kind: EventKind) -> Option<Happened> {
        match kind {
            EventKind::RequestOrder => Some(Happened::RequestOrder),
            EventKind::RequestProduct { item } => Some(Happened::RequestProduct(item)),
            EventKind::Compute { item } => Some(Happened::Compute(item)),
            EventKind::DoneProduct { item } => Some(Happened::DoneProduct(item)),
            EventKind::DoneDispatch => Some(Happened::Dispatched),
            // The cashier's own, or part of a dispatch.
            EventKind::ReceivedOrders | EventKind::DoneOrder | EventKind::Dispatch { .. } => None,
            EventKind::Redelivered { from } => Some(Happened::Redelivered(from)),
        }
    }

    /// The events the cashier records for it, for an order of `items`
    /// products; `None` for a product the order does not have.
    pub fn kinds(self, items: usize) -> Option<Vec<EventKind>> {
        let item = |item: u16| (usize::from(item) < items).then_some(item);
        Some(match self {
            Happened::RequestOrder => vec![EventKind::RequestOrder],
            Happened::RequestProduct(i) => vec![EventKind::RequestProduct { item: item(i)? }],
            Happened::Compute(i) => vec![EventKind::Compute { item: item(i)? }],
            Happened::DoneProduct(i) => vec![EventKind::DoneProduct { item: item(i)? }],
            Happened::Dispatched => EventKind::dispatch(items).collect(),
            Happened::Redelivered(from) => vec![EventKind::Redelivered { from }],
        })
    }
}

/// The shift a waiter process works: every product of the menu with its
/// preparation and CPU time, the orders, and how the clock and CPU go.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ShiftSpec {
    /// `(name, preparation, cpu)` of each product, in menu order.
    pub menu: Vec<(String, Duration, Duration)>,
    /// Each order's products, by their position on the menu.
    pub orders: Vec<Vec<ProductId>>,
    /// Restaurant seconds per wall second.
    pub speed: f64,
    /// Whether the process computes under a GIL of its own.
    pub gil: bool,
}

impl ShiftSpec {
    /// The shift of `workload` at `speed`, with or without a GIL.
    pub fn new(workload: &Workload, speed: f64, gil: bool) -> ShiftSpec {
        ShiftSpec {
            menu: workload
                .menu()
                .products()
                .iter()
                .map(|p| (p.name.clone(), p.preparation, p.cpu))
                .collect(),
            orders: workload
                .orders()
                .iter()
                .map(|o| o.products.to_vec())
                .collect(),
            speed,
            gil,
        }
    }

    /// The setup of one waiter serving this shift as `model` would, on a
    /// real clock of its process.
    pub fn setup(&self, model: Model) -> Setup {
        Setup {
            waiters: 1,
            gil: self.gil,
            ..Setup::new(model, ClockKind::Real { speed: self.speed })
        }
    }

    /// The workload again, checked as any workload is.
    pub fn workload(&self) -> Result<Workload, WorkloadError> {
        let mut menu = Menu::default();
        for (name, preparation, cpu) in &self.menu {
            menu.add_with_cpu(name, *preparation, *cpu)?;
        }
        Workload::from_ids(menu, self.orders.clone())
    }
}

/// A message as one line of JSON, newline included.
pub fn line<T: Serialize>(message: &T) -> Vec<u8> {
    // A message of this module is plain data: serialising it cannot fail.
    let mut line = serde_json::to_vec(message).unwrap_or_default();
    line.push(b'\n');
    line
}

/// Writes one message and sends it at once.
pub fn send<T: Serialize>(out: &mut impl Write, message: &T) -> io::Result<()> {
    out.write_all(&line(message))?;
    out.flush()
}

/// Reads one message; `None` at the end of the connection.
pub fn receive<T: for<'de> Deserialize<'de>>(input: &mut impl BufRead) -> io::Result<Option<T>> {
    let mut text = String::new();
    if input.read_line(&mut text)? == 0 {
        return Ok(None);
    }
    parse(text.as_bytes()).map(Some)
}

/// A message from one line of JSON.
pub fn parse<T: for<'de> Deserialize<'de>>(line: &[u8]) -> io::Result<T> {
    serde_json::from_slice(line).map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_message_comes_back_as_it_went() {
        let from_waiter = [
            FromWaiter::Hello { token: "t".into() },
            FromWaiter::Ready,
            FromWaiter::Take,
            FromWaiter::Kitchen {
                now: Duration::from_millis(1500),
                preparation: Duration::from_millis(7500),
            },
            FromWaiter::Event {
                at: Duration::from_micros(1),
                order: 3,
                what: Happened::Compute(2),
            },
            FromWaiter::Done,
        ];
        let mut wire = Vec::new();
        for m in &from_waiter {
            send(&mut wire, m).unwrap();
        }
        let mut input = wire.as_slice();
        for m in &from_waiter {
            assert_eq!(receive::<FromWaiter>(&mut input).unwrap().as_ref(), Some(m));
        }
        assert_eq!(receive::<FromWaiter>(&mut input).unwrap(), None);
        let open = FromCashier::Open {
            epoch: Epoch::from_nanos(42),
        };
        assert_eq!(parse::<FromCashier>(&line(&open)).unwrap(), open);
    }

    #[test]
    fn a_shift_carries_the_workload_whole() {
        let article = Workload::article();
        let spec = ShiftSpec::new(&article, 10.0, true);
        let back: ShiftSpec = parse(&line(&FromCashier::Shift(spec.clone())))
            .map(|m| match m {
                FromCashier::Shift(s) => s,
                other => panic!("{other:?}"),
            })
            .unwrap();
        assert_eq!(back, spec);
        assert_eq!(back.workload().unwrap(), article);
    }

    #[test]
    fn a_dispatch_is_one_message_of_every_part() {
        assert_eq!(Happened::of(EventKind::DoneOrder), None);
        assert_eq!(Happened::of(EventKind::Dispatch { item: 0 }), None);
        assert_eq!(
            Happened::of(EventKind::DoneDispatch),
            Some(Happened::Dispatched)
        );
        let kinds = Happened::Dispatched.kinds(2).unwrap();
        assert_eq!(kinds, EventKind::dispatch(2).collect::<Vec<_>>());
        // A product the order does not have is refused, not recorded.
        assert_eq!(Happened::DoneProduct(2).kinds(2), None);
    }

    #[test]
    fn garbage_is_an_error_not_a_panic() {
        assert!(parse::<FromWaiter>(b"{\"m\":\"take\"").is_err());
        assert!(parse::<FromWaiter>(b"{\"m\":\"steal\"}").is_err());
    }
}
