//! `mesonero latency`: the article's latency table at human scale, and
//! with `--measure`, the same rows measured on this machine.

use std::io::{self, IsTerminal, Write};
use std::time::Duration;

use indicatif::{ProgressBar, ProgressStyle};

use crate::cli::{LatencyArgs, LatencyFormat};
use crate::clock::Shutdown;
use crate::latency::measure::{measure_all, Options, Outcome};
use crate::latency::{Lang, Operation};
use crate::report::latency::{write_json, write_markdown, write_table, LatencyReport};

use super::CommandError;

pub(super) fn run(args: &LatencyArgs, shutdown: &Shutdown) -> Result<(), CommandError> {
    let report = report(args, shutdown)?;
    let mut out = io::stdout().lock();
    match args.format {
        LatencyFormat::Table => write_table(&mut out, &report)?,
        LatencyFormat::Markdown => write_markdown(&mut out, &report)?,
        LatencyFormat::Json => write_json(&mut out, &report)?,
    }
    out.flush()?;
    Ok(())
}

/// The table `args` asks for, measured on this machine with `--measure`.
pub(super) fn report(
    args: &LatencyArgs,
    shutdown: &Shutdown,
) -> Result<LatencyReport, CommandError> {
    let measured = match args.measure {
        true => Some(measure(args, shutdown)?),
        false => None,
    };
    Ok(LatencyReport::new(args.scale, args.language.lang, measured))
}

/// Runs every experiment, naming each on stderr while it runs when stderr
/// is a terminal.
fn measure(
    args: &LatencyArgs,
    shutdown: &Shutdown,
) -> Result<Vec<(Operation, Outcome)>, CommandError> {
    let mut options = Options::default();
    if let Some(budget) = args.budget {
        options.budget = budget;
    }
    let bar = match io::stderr().is_terminal() {
        true => progress_bar(args.language.lang),
        false => ProgressBar::hidden(),
    };
    let mut progress = |operation: Operation| {
        let done = Operation::ALL.iter().position(|&o| o == operation);
        bar.set_position(done.unwrap_or(0) as u64);
        bar.set_message(operation.name(args.language.lang));
    };
    let measured = measure_all(&options, shutdown, &mut progress);
    bar.finish_and_clear();
    Ok(measured?)
}

fn progress_bar(lang: Lang) -> ProgressBar {
    let template = match lang {
        Lang::En => "{spinner} measuring [{pos}/{len}] {msg}",
        Lang::Es => "{spinner} midiendo [{pos}/{len}] {msg}",
    };
    let bar = ProgressBar::new(Operation::ALL.len() as u64);
    // unwrap is safe because the templates above are valid.
    bar.set_style(ProgressStyle::with_template(template).unwrap());
    bar.enable_steady_tick(Duration::from_millis(100));
    bar
}
