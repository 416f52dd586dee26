//! The article's log lines, in its exact shape.
//!
//! ```text
//! 18:24:55 Received orders
//! 18:24:55 <Waiter: 1> [Order: 0] ********Request order!********
//! 18:24:55 <Waiter: 1> [Order: 0] Request burger. Wait 7.5 seg...
//! 18:25:02 <Waiter: 1> [Order: 0] Done burger
//! ```
//!
//! The article's restaurant never loses a waiter; on a broker, an order
//! given again to another waiter gets a line of its own, on the new
//! waiter's behalf, before its `Request order!`:
//!
//! ```text
//! 18:25:04 <Waiter: 3> [Order: 2] Redelivered from waiter 1
//! ```
//!
//! Timestamps are the start time plus restaurant time, so a run at
//! `--speed 10`, or on the virtual clock, reads like the article's.

use std::io::{self, Write};

use chrono::{DateTime, Local};

use crate::trace::{Blocked, Culprit, Event, EventKind, Record};
use crate::workload::{duration, Workload};

/// Turns events into the article's log lines.
pub struct ArticleLog {
    start: DateTime<Local>,
}

impl ArticleLog {
    /// A log whose restaurant time 0 is `start`.
    pub fn new(start: DateTime<Local>) -> ArticleLog {
        ArticleLog { start }
    }

    /// Writes the line for one record: an event or a warning.
    pub fn write(
        &self,
        out: &mut impl Write,
        workload: &Workload,
        record: &Record,
    ) -> io::Result<()> {
        match record {
            Record::Event(event) => self.write_event(out, workload, event),
            Record::Blocked(blocked) => self.write_blocked(out, workload, blocked),
        }
    }

    /// Writes the line (or, after `Done dispatch!`, the line and a blank
    /// line, as Python's `{:-^30}\n` gives) for one event.
    pub fn write_event(
        &self,
        out: &mut impl Write,
        workload: &Workload,
        event: &Event,
    ) -> io::Result<()> {
        self.write_time(out, event.at())?;
        write_message(out, workload, event)?;
        writeln!(out)?;
        if event.kind() == EventKind::DoneDispatch {
            writeln!(out)?;
        }
        Ok(())
    }

    /// Writes the warning for a stretch the event loop was blocked, at the
    /// moment it got its thread back, as asyncio's debug mode does.
    pub fn write_blocked(
        &self,
        out: &mut impl Write,
        workload: &Workload,
        blocked: &Blocked,
    ) -> io::Result<()> {
        self.write_time(out, blocked.end())?;
        write_warning(out, workload, blocked)?;
        writeln!(out)
    }

    fn write_time(&self, out: &mut impl Write, at: std::time::Duration) -> io::Result<()> {
        let at = chrono::Duration::from_std(at).unwrap_or(chrono::Duration::MAX);
        let clock = (self.start + at).format("%H:%M:%S");
        write!(out, "{clock} ")
    }
}

/// The warning for a blocked stretch, without its timestamp: `<Waiter: 1>
/// [Order: 0] WARNING: the event loop was blocked for 7.5 seg by request
/// burger`. The culprit is named after the article's coroutine: `request
/// burger` (`request_product`), `request order` (`request_order`) or
/// `request orders` (`request_orders`).
pub fn write_warning(
    out: &mut impl Write,
    workload: &Workload,
    blocked: &Blocked,
) -> io::Result<()> {
    if blocked.waiter != 0 {
        write!(out, "<Waiter: {}> ", blocked.waiter)?;
    }
    if let Some(order) = blocked.by.order() {
        write!(out, "[Order: {order}] ")?;
    }
    let held = super::seconds(blocked.length);
    write!(out, "WARNING: the event loop was blocked for {held} seg")?;
    match blocked.by {
        Culprit::Loop => Ok(()),
        Culprit::Waiter => write!(out, " by request orders"),
        Culprit::Order(_) => write!(out, " by request order"),
        Culprit::Product { order, item } => {
            let name = workload.product_name(order, item as usize);
            write!(out, " by request {name}")
        }
    }
}

/// The line for one event, without its timestamp.
pub fn write_message(out: &mut impl Write, workload: &Workload, event: &Event) -> io::Result<()> {
    if event.kind() == EventKind::ReceivedOrders {
        return write!(out, "Received orders");
    }
    write!(
        out,
        "<Waiter: {}> [Order: {}] ",
        event.waiter(),
        event.order()
    )?;
    let name = |item: u16| workload.product_name(event.order(), item as usize);
    match event.kind() {
        EventKind::ReceivedOrders => Ok(()),
        EventKind::RequestOrder => write!(out, "{:*^30}", "Request order!"),
        EventKind::RequestProduct { item } => {
            let wait = duration::seconds(workload.preparation(event.order(), item as usize));
            write!(out, "Request {}. Wait {wait} seg...", name(item))
        }
        EventKind::Compute { item } => {
            let cpu = duration::seconds(workload.cpu(event.order(), item as usize));
            write!(out, "Compute {}. CPU {cpu} seg...", name(item))
        }
        EventKind::DoneProduct { item } => write!(out, "Done {}", name(item)),
        EventKind::DoneOrder => write!(out, "Done order!"),
        EventKind::Dispatch { item } => write!(out, "Dispatch {}", name(item)),
        EventKind::DoneDispatch => write!(out, "{:-^30}", "Done dispatch!"),
        // 0: a reader of the broker's stream that is no waiter of the run.
        EventKind::Redelivered { from: 0 } => write!(out, "Redelivered from a silent reader"),
        EventKind::Redelivered { from } => write!(out, "Redelivered from waiter {from}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::trace::Recorder;
    use chrono::TimeZone;
    use std::sync::Arc;
    use std::time::Duration;

    #[test]
    fn lines_have_the_articles_shape() {
        let workload = Arc::new(Workload::article());
        let r = Recorder::new(Arc::clone(&workload), None);
        let at = |ms| Duration::from_millis(ms);
        r.record_at(at(0), 0, 0, EventKind::ReceivedOrders);
        r.record_at(at(0), 1, 0, EventKind::RequestOrder);
        r.record_at(at(0), 1, 0, EventKind::RequestProduct { item: 0 });
        r.record_at(at(7500), 1, 0, EventKind::DoneProduct { item: 0 });
        r.record_at(at(8500), 1, 0, EventKind::Dispatch { item: 1 });
        r.record_at(at(8500), 1, 0, EventKind::DoneDispatch);
        let start = Local.with_ymd_and_hms(2020, 10, 18, 18, 24, 55).unwrap();
        let log = ArticleLog::new(start);
        let mut out = Vec::new();
        for e in r.into_trace().events() {
            log.write_event(&mut out, &workload, e).unwrap();
        }
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "18:24:55 Received orders\n\
             18:24:55 <Waiter: 1> [Order: 0] ********Request order!********\n\
             18:24:55 <Waiter: 1> [Order: 0] Request burger. Wait 7.5 seg...\n\
             18:25:02 <Waiter: 1> [Order: 0] Done burger\n\
             18:25:03 <Waiter: 1> [Order: 0] Dispatch soda\n\
             18:25:03 <Waiter: 1> [Order: 0] --------Done dispatch!--------\n\n"
        );
    }

    #[test]
    fn a_redelivery_names_the_waiter_that_lost_the_order() {
        let workload = Workload::article();
        let mut out = Vec::new();
        let at = Duration::from_millis(9_000);
        let redelivered = Event::new(at, 3, 2, EventKind::Redelivered { from: 1 });
        let start = Local.with_ymd_and_hms(2020, 10, 18, 18, 24, 55).unwrap();
        ArticleLog::new(start)
            .write_event(&mut out, &workload, &redelivered)
            .unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "18:25:04 <Waiter: 3> [Order: 2] Redelivered from waiter 1\n"
        );
    }
}
