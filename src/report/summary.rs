//! The one line printed after a run, and a second naming the orders
//! given again to another waiter, when a broker run lost any.

use std::io::{self, Write};

use super::{seconds, wall};
use crate::clock::ClockKind;
use crate::restaurant::Run;
use crate::trace::Redelivery;

/// The most re-deliveries named one by one; the rest are counted.
const MAX_NAMED: usize = 10;

/// Writes, for example: `sync: 4 orders, 11 products, 2 waiters, unlimited
/// cooks, 1 OS thread; makespan 43.8 s (ideal 43.8 s, +0.0 %); wall 4.39 s,
/// real clock at speed 10`. A model with an event loop also says how often
/// and how long a waiter's code blocked it: `event loop blocked 11 times,
/// 43.8 s in all`.
///
/// A run in which orders were re-delivered has a second line that names
/// them (see [`redeliveries`]).
pub fn write(out: &mut impl Write, run: &Run) -> io::Result<()> {
    let w = run.trace.workload();
    let setup = &run.setup;
    let plural =
        |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
    let cooks = match setup.cooks {
        Some(n) => plural(n, "cook", "cooks"),
        None => "unlimited cooks".to_string(),
    };
    let clock = match setup.clock {
        ClockKind::Real { speed } => format!("real clock at speed {speed}"),
        ClockKind::Virtual => "virtual clock".to_string(),
    };
    // Cores and CPU time matter only to products that compute.
    let cpu = if w.has_cpu() {
        let gil = if setup.gil { " under a GIL" } else { "" };
        format!(
            ", {}{gil}; CPU {} s, {:.2} cores busy",
            plural(setup.cores(), "core", "cores"),
            seconds(run.cpu),
            run.cores_busy()
        )
    } else {
        String::new()
    };
    let blocked = if setup.model.has_event_loop() {
        let stretches = run.trace.blocked().len();
        match setup.event_loop.slow_callback {
            None => "; event loop not watched (--slow-callback off)".to_string(),
            Some(_) if stretches == 0 => "; event loop never blocked".to_string(),
            Some(_) => format!(
                "; event loop blocked {}, {} s in all",
                plural(stretches, "time", "times"),
                seconds(run.trace.time_blocked())
            ),
        }
    } else {
        String::new()
    };
    writeln!(
        out,
        "{}: {}, {}, {}, {cooks}, {}{cpu}; makespan {} s (ideal {} s, {:+.1} %){blocked}; wall {}, {clock}",
        setup.model,
        plural(w.orders().len(), "order", "orders"),
        plural(w.products_total(), "product", "products"),
        plural(setup.waiters, "waiter", "waiters"),
        if setup.model.has_processes() {
            plural(run.threads, "OS process", "OS processes")
        } else {
            plural(run.threads, "OS thread", "OS threads")
        },
        seconds(run.makespan()),
        seconds(run.ideal),
        super::compare::overhead_percent(run.makespan(), run.ideal),
        wall(run.wall),
    )?;
    if let Some(line) = redeliveries(&run.trace.redeliveries()) {
        writeln!(out, "{line}")?;
    }
    Ok(())
}

/// The orders given again, the first `MAX_NAMED` by name: `Re-delivered:
/// order 2 (waiter 1 → 3), order 5 (waiter 2 → 1)`, then `and 4 more`;
/// `None` when there were none.
pub fn redeliveries(redeliveries: &[Redelivery]) -> Option<String> {
    if redeliveries.is_empty() {
        return None;
    }
    let named: Vec<String> = redeliveries
        .iter()
        .take(MAX_NAMED)
        .map(|r| match r.from {
            // A reader of the broker's stream that is no waiter of the run.
            0 => format!("order {} (a silent reader → {})", r.order, r.to),
            from => format!("order {} (waiter {from} → {})", r.order, r.to),
        })
        .collect();
    let mut line = format!("Re-delivered: {}", named.join(", "));
    if redeliveries.len() > MAX_NAMED {
        line.push_str(&format!(", and {} more", redeliveries.len() - MAX_NAMED));
    }
    Some(line)
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;
    use std::time::Duration;

    use super::*;
    use crate::restaurant::{Model, Setup};
    use crate::trace::{Event, EventKind, Trace};
    use crate::workload::Workload;

    fn redelivery(order: u32, from: u32, to: u32) -> Redelivery {
        Redelivery {
            order,
            from,
            to,
            at: Duration::ZERO,
        }
    }

    #[test]
    fn a_run_that_lost_waiters_names_its_redeliveries() {
        let workload = Arc::new(Workload::article());
        let at = Duration::from_millis;
        let events = vec![
            Event::new(at(0), 0, 0, EventKind::ReceivedOrders),
            Event::new(at(500), 3, 2, EventKind::Redelivered { from: 1 }),
            Event::new(at(700), 1, 3, EventKind::Redelivered { from: 2 }),
        ];
        let run = Run {
            setup: Setup::new(Model::Processes, ClockKind::Virtual),
            threads: 3,
            trace: Trace::new(workload, events),
            wall: at(2),
            cpu: Duration::ZERO,
            ideal: at(700),
        };
        let mut out = Vec::new();
        write(&mut out, &run).unwrap();
        let text = String::from_utf8(out).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 2, "{text}");
        assert_eq!(
            lines[1],
            "Re-delivered: order 2 (waiter 1 → 3), order 3 (waiter 2 → 1)"
        );
    }

    #[test]
    fn past_ten_redeliveries_the_rest_are_counted() {
        assert_eq!(redeliveries(&[]), None);
        let many: Vec<Redelivery> = (0..13).map(|o| redelivery(o, 1, 2)).collect();
        let line = redeliveries(&many).unwrap();
        assert!(line.starts_with("Re-delivered: order 0 (waiter 1 → 2), order 1 "));
        assert!(
            line.ends_with("order 9 (waiter 1 → 2), and 3 more"),
            "{line}"
        );
    }
}
