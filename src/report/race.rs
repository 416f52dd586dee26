//! What `mesonero race` prints: one row per strategy, then notes that say
//! what the figures can and cannot mean.
//!
//! ```text
//! 2 threads, 1 adding 1 and 1 subtracting 1, 1000000 times each; 5 runs per strategy
//! strategy  balance (min..max)  ended at 0  lost (at least)  time (median)  ns/update (median)
//! --------  ------------------  ----------  ---------------  -------------  ------------------
//! none            -63422..412      0 of 5            63422        2.49 ms                1.25
//! ```
//!
//! The heading and notes are [`Words`], in English for the terminal and in
//! Spanish too, for `mesonero report --lang es`.

use std::io::{self, Write};

use super::table::{Cell, Column, Shown, Table, Tabular};
use super::wall;
use crate::latency::Lang;
use crate::race::{Strategy, Summary};

/// Writes the summaries as a table, with the size of the race above it and
/// the notes below.
pub fn write_table(out: &mut impl Write, summaries: &[Summary]) -> io::Result<()> {
    let Some(heading) = heading(summaries, Lang::En) else {
        return Ok(());
    };
    writeln!(out, "{heading}")?;
    table(summaries).write(out)?;
    for line in notes(summaries, Lang::En) {
        writeln!(out, "{line}")?;
    }
    Ok(())
}

/// The words around the race's table, in one language.
pub struct Words {
    /// The size of the race: threads, half of them, iterations, runs.
    heading: fn(usize, usize, u64, usize) -> String,
    /// Why "lost (at least)" is a lower bound.
    lower_bound: &'static str,
    /// A strategy with no lock that ended at 0 in some runs (`which`).
    luck: fn(strategy: &str, which: &str) -> String,
    /// Every run, when all of them ended at 0.
    every_run: &'static str,
    /// Run `3`, or runs `1, 3 and 4`.
    runs: fn(many: bool, list: &str) -> String,
    /// The last link of a list: " and ".
    and: &'static str,
}

impl Words {
    /// The words in `lang`.
    pub fn of(lang: Lang) -> &'static Words {
        match lang {
            Lang::En => &ENGLISH,
            Lang::Es => &SPANISH,
        }
    }
}

const ENGLISH: Words = Words {
    heading: |threads, half, iterations, runs| {
        format!(
            "{threads} threads, {half} adding 1 and {half} subtracting 1, {iterations} times \
             each; {runs} runs per strategy"
        )
    },
    lower_bound: "lost (at least): the largest |final balance| of a run; a lost deposit and a \
                  lost withdrawal cancel out, so more may have been lost.",
    luck: |strategy, which| {
        format!("{strategy} ended at 0 in {which}: luck, not correctness; the updates can still be lost.")
    },
    every_run: "every run",
    runs: |many, list| format!("{} {list}", if many { "runs" } else { "run" }),
    and: " and ",
};

const SPANISH: Words = Words {
    heading: |threads, half, iterations, runs| {
        format!(
            "{threads} hilos, {half} sumando 1 y {half} restando 1, {iterations} veces cada \
             uno; {runs} ejecuciones por estrategia"
        )
    },
    lower_bound: "lost (at least), perdidas (al menos): el mayor |balance final| de una \
                  ejecución; un depósito perdido y una retirada perdida se anulan, así que \
                  pudieron perderse más.",
    luck: |strategy, which| {
        format!(
            "{strategy} terminó en 0 en {which}: suerte, no corrección; las actualizaciones \
             pueden perderse igualmente."
        )
    },
    every_run: "todas las ejecuciones",
    runs: |many, list| {
        format!(
            "{} {list}",
            if many {
                "las ejecuciones"
            } else {
                "la ejecución"
            }
        )
    },
    and: " y ",
};

/// The size of the race, such as `2 threads, 1 adding 1 and 1 subtracting
/// 1, 1000000 times each; 5 runs per strategy`; `None` with no summaries.
pub fn heading(summaries: &[Summary], lang: Lang) -> Option<String> {
    let first = summaries.first()?;
    Some((Words::of(lang).heading)(
        first.threads,
        first.threads / 2,
        first.iterations,
        first.balances.len(),
    ))
}

/// One row per strategy, for the terminal or for HTML.
pub fn table(summaries: &[Summary]) -> Table {
    Table::of(summaries)
}

/// The terminal gives the size of the race in a line above the table; an
/// exported table stands alone, so each row carries it. Every run's
/// balance and time, and which runs ended at 0, are lists: JSON alone
/// holds them.
impl Tabular for Summary {
    const COLUMNS: &'static [Column<Summary>] = &[
        Column::<Self>::left("strategy", "strategy", |s| Cell::Name(s.strategy.name())),
        Column::<Self>::right("threads", "threads", |s| Cell::Integer(s.threads as i128))
            .shown(Shown::FILES),
        Column::<Self>::right("iterations", "iterations", |s| {
            Cell::Integer(s.iterations as i128)
        })
        .shown(Shown::FILES),
        Column::<Self>::right("updates per run", "updates_per_run", |s| {
            Cell::Integer(s.updates_per_run as i128)
        })
        .shown(Shown::JSON),
        Column::<Self>::right("runs", "runs", |s| Cell::Integer(s.balances.len() as i128))
            .shown(Shown::FILES),
        Column::<Self>::right("balances", "balances", |s| {
            Cell::List(
                s.balances
                    .iter()
                    .map(|&b| Cell::Integer(b.into()))
                    .collect(),
            )
        })
        .shown(Shown::JSON),
        Column::<Self>::right("balance (min..max)", "balance_range", |s| {
            Cell::Text(balance_range(s))
        })
        .shown(Shown::SCREEN),
        Column::<Self>::right("min balance", "min_balance", |s| {
            Cell::Integer(s.min_balance as i128)
        })
        .shown(Shown::FILES),
        Column::<Self>::right("max balance", "max_balance", |s| {
            Cell::Integer(s.max_balance as i128)
        })
        .shown(Shown::FILES),
        Column::<Self>::right("ended at 0", "ended_at_zero", |s| {
            Cell::OutOf(s.runs_at_zero.len() as i128, s.balances.len() as i128)
        }),
        // Which runs: the numbers the notes give, counted from 1.
        Column::<Self>::right("runs at 0", "runs_at_zero", |s| {
            Cell::List(
                s.runs_at_zero
                    .iter()
                    .map(|&run| Cell::Integer(run as i128))
                    .collect(),
            )
        })
        .shown(Shown::JSON),
        Column::<Self>::right("lost (at least)", "lost_at_least", |s| {
            Cell::Integer(s.lost_at_least as i128)
        }),
        Column::<Self>::right("times", "times_s", |s| {
            Cell::List(s.times_s.iter().map(|&t| Cell::seconds(t, 6)).collect())
        })
        .unit("s")
        .shown(Shown::JSON),
        Column::<Self>::right("time (median)", "median_time_s", |s| {
            let secs = s.median_time_s;
            Cell::figure(secs, format!("{secs:.6}"), wall(s.median_time))
        })
        .unit("s"),
        Column::<Self>::right("ns/update (median)", "median_ns_per_update", |s| {
            Cell::fixed(s.median_ns_per_update, 2)
        }),
    ];
}

/// `-63422..412`, or the one value when every run ended at the same one.
fn balance_range(s: &Summary) -> String {
    if s.min_balance == s.max_balance {
        s.min_balance.to_string()
    } else {
        format!("{}..{}", s.min_balance, s.max_balance)
    }
}

/// What the table cannot say by itself.
pub fn notes(summaries: &[Summary], lang: Lang) -> Vec<String> {
    let words = Words::of(lang);
    let mut notes = Vec::new();
    if summaries.iter().any(|s| s.lost_at_least > 0) {
        notes.push(words.lower_bound.to_string());
    }
    for s in summaries.iter().filter(|s| s.strategy == Strategy::None) {
        if s.runs_at_zero.is_empty() {
            continue;
        }
        let which = if s.runs_at_zero.len() == s.balances.len() && s.balances.len() > 1 {
            words.every_run.to_string()
        } else {
            (words.runs)(s.runs_at_zero.len() > 1, &list(&s.runs_at_zero, words.and))
        };
        notes.push((words.luck)(s.strategy.name(), &which));
    }
    notes
}

/// `3`, `2 and 4`, `1, 2 and 4`.
fn list(runs: &[usize], and: &str) -> String {
    let names: Vec<String> = runs.iter().map(usize::to_string).collect();
    match names.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{}{and}{last}", rest.join(", ")),
        _ => names.join(""),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn summary(strategy: Strategy, balances: &[i64]) -> Summary {
        Summary::fixture(strategy, balances)
    }

    fn printed(summaries: &[Summary]) -> String {
        let mut out = Vec::new();
        write_table(&mut out, summaries).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn one_row_per_strategy_and_the_lower_bound_explained() {
        let summaries = [
            summary(Strategy::None, &[-63_422, 412, 0]),
            summary(Strategy::Mutex, &[0, 0, 0]),
            summary(Strategy::Atomic, &[0, 0, 0]),
        ];
        insta::assert_snapshot!(printed(&summaries), @r"
        2 threads, 1 adding 1 and 1 subtracting 1, 1000000 times each; 3 runs per strategy
        strategy  balance (min..max)  ended at 0  lost (at least)  time (median)  ns/update (median)
        --------  ------------------  ----------  ---------------  -------------  ------------------
        none             -63422..412      1 of 3            63422        2.10 ms                1.05
        mutex                      0      3 of 3                0        2.10 ms                1.05
        atomic                     0      3 of 3                0        2.10 ms                1.05
        lost (at least): the largest |final balance| of a run; a lost deposit and a lost withdrawal cancel out, so more may have been lost.
        none ended at 0 in run 3: luck, not correctness; the updates can still be lost.
        ");
    }

    #[test]
    fn a_none_that_ended_at_zero_is_called_luck() {
        let text = printed(&[summary(Strategy::None, &[0, 5, 0, 0])]);
        assert!(text.contains("none ended at 0 in runs 1, 3 and 4: luck, not correctness"));
        let text = printed(&[summary(Strategy::None, &[0, 0])]);
        assert!(text.contains("none ended at 0 in every run: luck"));
        assert!(!text.contains("lost (at least):"));
        // A mutex or an atomic at 0 is the point, not luck.
        assert!(!printed(&[summary(Strategy::Mutex, &[0])]).contains("luck"));
    }

    #[test]
    fn the_words_come_in_spanish_too() {
        let summaries = [summary(Strategy::None, &[0, 5, 0])];
        assert_eq!(
            heading(&summaries, Lang::Es).unwrap(),
            "2 hilos, 1 sumando 1 y 1 restando 1, 1000000 veces cada uno; 3 ejecuciones por \
             estrategia"
        );
        let notes = notes(&summaries, Lang::Es);
        assert_eq!(notes.len(), 2);
        assert!(notes[0].starts_with("lost (at least), perdidas (al menos):"));
        assert_eq!(
            notes[1],
            "none terminó en 0 en las ejecuciones 1 y 3: suerte, no corrección; las \
             actualizaciones pueden perderse igualmente."
        );
    }
}
