//! The results: a table as they come, or one JSON document at the end.

use std::time::Duration;

use serde_json::{json, Value};

use super::{Kind, Sample};

/// What "memory each" means, stated once for the table and the JSON.
const MEMORY: &str = "\
memory each: for tasks and threads, the resident memory (RSS) the process grew by,
divided by the waiters; for processes, each waiter process's proportional set size
(PSS: a page shared by k processes counts 1/k to each), with its RSS beside it";

/// Rows of results.
pub struct Table {
    json: bool,
    reps: usize,
    rows: Vec<Value>,
}

impl Table {
    /// A table for runs of `reps` each; the heading is printed at once.
    pub fn new(json: bool, reps: usize) -> Table {
        if !json {
            println!(
                "The cost of a waiter: median of {reps} runs on {} cores, load average {} at the start",
                cores(),
                load_average()
            );
            println!(
                "{:<8} {:>6} {:>14} {:>10} {:>12}",
                "waiter", "count", "start-up each", "total", "memory each"
            );
        }
        Table {
            json,
            reps,
            rows: Vec::new(),
        }
    }

    /// The median of `samples` of `n` waiters of `kind`.
    pub fn row(&mut self, kind: Kind, n: usize, samples: &[Sample]) {
        let total = median(samples.iter().map(|s| s.total));
        let memory = median(samples.iter().map(|s| s.memory)) as f64 / n as f64;
        let rss = median(samples.iter().filter_map(|s| s.rss)) as f64 / n as f64;
        let threads = samples.iter().filter_map(|s| s.threads_each).max();
        let each = total / u32::try_from(n).unwrap_or(u32::MAX);
        if self.json {
            let mut row = json!({
                "waiter": kind.name(),
                "count": n,
                "startup_each_ns": each.as_nanos() as u64,
                "total_ns": total.as_nanos() as u64,
                "memory_each_bytes": memory.round() as i64,
                "memory_measure": if kind == Kind::Process { "pss" } else { "rss_added" },
            });
            if let Some(threads) = threads {
                row["rss_each_bytes"] = json!(rss.round() as i64);
                row["os_threads_each"] = json!(threads);
            }
            self.rows.push(row);
        } else {
            let extra = match threads {
                Some(t) => format!("  RSS {}, {t} OS threads", bytes(rss)),
                None => String::new(),
            };
            println!(
                "{:<8} {n:>6} {:>14} {:>10} {:>12}{extra}",
                kind.name(),
                duration(each),
                duration(total),
                bytes(memory)
            );
        }
    }

    /// A size not measured, and why.
    pub fn skipped(&mut self, kind: Kind, n: usize, reason: &str) {
        if self.json {
            self.rows
                .push(json!({"waiter": kind.name(), "count": n, "skipped": reason}));
        } else {
            println!("{:<8} {n:>6}  skipped: {reason}", kind.name());
        }
    }

    /// Prints the JSON, or the table's key.
    pub fn finish(self) {
        if self.json {
            let all = json!({
                "reps": self.reps,
                "cores": cores(),
                "load_average": load_average().parse::<f64>().ok(),
                "memory": MEMORY.replace('\n', " "),
                "rows": self.rows,
            });
            println!("{all:#}");
        } else {
            println!("{MEMORY}");
        }
    }
}

fn cores() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

/// The system's load average over the last minute, as `uptime` shows it:
/// on a shared machine, how busy the others kept it.
fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .ok()
        .and_then(|l| l.split_whitespace().next().map(str::to_owned))
        .unwrap_or_else(|| "unknown".into())
}

/// The middle value (the lower of the two middle ones for an even count).
fn median<T: Ord + Default>(values: impl Iterator<Item = T>) -> T {
    let mut values: Vec<T> = values.collect();
    values.sort();
    let middle = values.len().saturating_sub(1) / 2;
    values.into_iter().nth(middle).unwrap_or_default()
}

/// A duration with three significant digits and its unit.
fn duration(d: Duration) -> String {
    let ns = d.as_nanos() as f64;
    match ns {
        _ if ns < 1e3 => format!("{ns:.0} ns"),
        _ if ns < 1e6 => format!("{} µs", significant(ns / 1e3)),
        _ if ns < 1e9 => format!("{} ms", significant(ns / 1e6)),
        _ => format!("{} s", significant(ns / 1e9)),
    }
}

/// A size in bytes, in KiB or MiB, with three significant digits.
fn bytes(b: f64) -> String {
    if b.abs() < 1024.0 * 1024.0 {
        format!("{} KiB", significant(b / 1024.0))
    } else {
        format!("{} MiB", significant(b / (1024.0 * 1024.0)))
    }
}

fn significant(x: f64) -> String {
    match x.abs() {
        a if a < 10.0 => format!("{x:.2}"),
        a if a < 100.0 => format!("{x:.1}"),
        _ => format!("{x:.0}"),
    }
}
