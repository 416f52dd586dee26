//! The one line printed after a run.

use std::io::{self, Write};

use super::{seconds, wall};
use crate::clock::ClockKind;
use crate::restaurant::Run;

/// Writes, for example: `sync: 4 orders, 11 products, 2 waiters, unlimited
/// cooks, 1 OS thread; makespan 43.8 s (ideal 43.8 s, +0.0 %); wall 4.39 s,
/// real clock at speed 10`. A model with an event loop also says how often
/// and how long a waiter's code blocked it: `event loop blocked 11 times,
/// 43.8 s in all`.
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
    )
}
