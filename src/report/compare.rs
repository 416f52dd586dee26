//! `mesonero compare`: every model on one workload, one row each.
//!
//! The figures ([`Row`]) are computed apart from their printing, so that the
//! table, JSON and the exports all show the same numbers.

use std::io::{self, Write};
use std::time::Duration;

use super::seconds;
use super::table::{Cell, Column, Shown, Table, Tabular};
use crate::clock::ClockKind;
use crate::restaurant::{Model, Run};

/// One model's figures in a comparison.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    /// The model's name.
    pub model: &'static str,
    /// Waiters it was given.
    pub waiters: usize,
    /// Cooks in the kitchen; `None` for unlimited.
    pub cooks: Option<usize>,
    /// OS threads it used; for a model whose waiters are processes, the
    /// processes.
    pub threads: usize,
    /// When the last order was dispatched, in restaurant seconds.
    pub makespan_s: f64,
    /// The model's ideal makespan, in restaurant seconds.
    pub ideal_s: f64,
    /// How much longer than the ideal, in percent.
    pub overhead_pct: f64,
    /// How many times faster than sync.
    pub speedup: f64,
    /// For a model with an event loop, the restaurant seconds it was
    /// blocked by a waiter's code, in stretches of at least the
    /// slow-callback threshold; `None` for the others, and when the
    /// detector was off.
    pub loop_blocked_s: Option<f64>,
    /// CPU time used, in seconds: measured on the real clock (wall
    /// seconds of the process and its children), the products' own on the
    /// virtual one (restaurant seconds).
    pub cpu_s: f64,
    /// Cores busy on average: CPU time over the run's time.
    pub cores_busy: f64,
    /// Wall time of the run, in seconds.
    pub wall_s: f64,
    /// `real` or `virtual`.
    pub clock: &'static str,
    /// Restaurant seconds per wall second; 1 on the virtual clock.
    pub speed: f64,
}

/// How much longer `makespan` is than `ideal`, in percent.
pub fn overhead_percent(makespan: Duration, ideal: Duration) -> f64 {
    if ideal.is_zero() {
        return 0.0;
    }
    (makespan.as_secs_f64() / ideal.as_secs_f64() - 1.0) * 100.0
}

/// The figures of each run. Speed-up is against the sync run when there is
/// one, and against sync's ideal (every preparation time added up) when
/// there is not.
pub fn rows(runs: &[Run], sync_ideal: Duration) -> Vec<Row> {
    let baseline = runs
        .iter()
        .find(|r| r.setup.model == Model::Sync)
        .map(Run::makespan)
        .unwrap_or(sync_ideal);
    runs.iter()
        .map(|run| {
            let makespan = run.makespan();
            let (clock, speed) = match run.setup.clock {
                ClockKind::Real { speed } => ("real", speed),
                ClockKind::Virtual => ("virtual", 1.0),
            };
            Row {
                model: run.setup.model.name(),
                waiters: run.setup.waiters,
                cooks: run.setup.cooks,
                threads: run.threads,
                makespan_s: makespan.as_secs_f64(),
                ideal_s: run.ideal.as_secs_f64(),
                overhead_pct: overhead_percent(makespan, run.ideal),
                speedup: if makespan.is_zero() {
                    0.0
                } else {
                    baseline.as_secs_f64() / makespan.as_secs_f64()
                },
                // Unknown, rather than none, when nothing was watching.
                loop_blocked_s: (run.setup.model.has_event_loop()
                    && run.setup.event_loop.slow_callback.is_some())
                .then(|| run.trace.time_blocked().as_secs_f64()),
                cpu_s: run.cpu.as_secs_f64(),
                cores_busy: run.cores_busy(),
                wall_s: run.wall.as_secs_f64(),
                clock,
                speed,
            }
        })
        .collect()
}

/// Writes the rows as an aligned table.
pub fn write_table(out: &mut impl Write, rows: &[Row]) -> io::Result<()> {
    table(rows).write(out)
}

/// The rows as a table, for the terminal or for HTML.
pub fn table(rows: &[Row]) -> Table {
    Table::of(rows)
}

/// Restaurant seconds as the terminal shows them: measured ones to the
/// hundredth, so that the column lines up; virtual ones exact, as they are.
fn restaurant_time(row: &Row, secs: f64) -> Cell {
    let screen = match (row.clock, Duration::try_from_secs_f64(secs)) {
        ("virtual", Ok(exact)) => format!("{} s", seconds(exact)),
        _ => format!("{secs:.2} s"),
    };
    Cell::figure(secs, format!("{secs:.3}"), screen)
}

impl Tabular for Row {
    const COLUMNS: &'static [Column<Row>] = &[
        Column::<Self>::left("model", "model", |r| Cell::Name(r.model)),
        Column::<Self>::right("waiters", "waiters", |r| Cell::Integer(r.waiters as i128)),
        // Unlimited cooks: an empty field, as a spreadsheet reads it.
        Column::<Self>::right("cooks", "cooks", |r| {
            r.cooks.map_or(Cell::Missing, |c| Cell::Integer(c as i128))
        })
        .shown(Shown::CSV),
        Column::<Self>::right("threads", "threads", |r| Cell::Integer(r.threads as i128)),
        Column::<Self>::right("makespan", "makespan_s", |r| {
            restaurant_time(r, r.makespan_s)
        })
        .unit("s"),
        Column::<Self>::right("ideal", "ideal_s", |r| {
            let exact = Duration::try_from_secs_f64(r.ideal_s).map_or_else(
                |_| format!("{} s", r.ideal_s),
                |d| format!("{} s", seconds(d)),
            );
            Cell::figure(r.ideal_s, format!("{:.3}", r.ideal_s), exact)
        })
        .unit("s"),
        Column::<Self>::right("overhead", "overhead_pct", |r| {
            Cell::percent(r.overhead_pct)
        }),
        Column::<Self>::right("speed-up", "speedup", |r| Cell::times(r.speedup)),
        // No event loop, or nothing watching it: no figure.
        Column::<Self>::right("loop blocked", "loop_blocked_s", |r| {
            r.loop_blocked_s
                .map_or(Cell::Missing, |s| restaurant_time(r, s))
        })
        .unit("s"),
        // Simulated CPU time is restaurant time, exact; measured CPU time
        // is the machine's, as wall time is.
        Column::<Self>::right("CPU", "cpu_s", |r| match r.clock {
            "virtual" => restaurant_time(r, r.cpu_s),
            _ => Cell::seconds(r.cpu_s, 6),
        })
        .unit("s"),
        Column::<Self>::right("cores busy", "cores_busy", |r| Cell::fixed(r.cores_busy, 2)),
        Column::<Self>::right("wall", "wall_s", |r| Cell::seconds(r.wall_s, 6)).unit("s"),
        Column::<Self>::left("clock", "clock", |r| Cell::Name(r.clock)).shown(Shown::CSV),
        Column::<Self>::right("speed", "speed", |r| Cell::fixed(r.speed, 1)).shown(Shown::CSV),
    ];
}
