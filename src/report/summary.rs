//! The one line printed after a run.

use std::io::{self, Write};

use super::{seconds, wall};
use crate::clock::ClockKind;
use crate::restaurant::Run;

/// Writes, for example: `sync: 4 orders, 11 products, 2 waiters, unlimited
/// cooks, 1 OS thread; makespan 43.8 s (ideal 43.8 s, +0.0 %); wall 4.39 s,
/// real clock at speed 10`.
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
    writeln!(
        out,
        "{}: {}, {}, {}, {cooks}, {}; makespan {} s (ideal {} s, {:+.1} %); wall {}, {clock}",
        setup.model,
        plural(w.orders().len(), "order", "orders"),
        plural(w.products_total(), "product", "products"),
        plural(setup.waiters, "waiter", "waiters"),
        plural(run.threads, "OS thread", "OS threads"),
        seconds(run.makespan()),
        seconds(run.ideal),
        super::compare::overhead_percent(run.makespan(), run.ideal),
        wall(run.wall),
    )
}
