//! The command each section of the report runs, as a reader would type
//! it: its words are parsed by the command's own declaration into the
//! command's own arguments, which the section then runs with. Every
//! default is the command's, stated once with its option, and the page
//! names the very command whose figures it shows.

use std::ffi::OsString;
use std::time::Duration;

use clap::{Parser, ValueEnum};

use crate::cli::{Cli, Command, CompareArgs, FetchArgs, LatencyArgs, RaceArgs, ReportArgs};
use crate::report::html::Commands;
use crate::restaurant::{Model, ModelSet};

use super::super::CommandError;

/// A command of the tool as the report runs it.
pub(super) struct Line<A> {
    /// The words after `mesonero`.
    words: Vec<OsString>,
    /// The command's arguments, parsed from them.
    pub args: A,
}

impl<A> Line<A> {
    /// Parses `words` as the command line `mesonero words...`, keeping
    /// the arguments `pick` finds in it.
    fn parse(
        words: Vec<OsString>,
        pick: fn(Command) -> Option<A>,
    ) -> Result<Line<A>, CommandError> {
        let refused = |why: String| CommandError::Usage(format!("{}: {why}", shown(&words)));
        let argv = std::iter::once(OsString::from("mesonero")).chain(words.iter().cloned());
        let cli = Cli::try_parse_from(argv).map_err(|e| refused(first_line(&e)))?;
        let args = cli
            .command
            .and_then(pick)
            .ok_or_else(|| refused("not the command expected".to_string()))?;
        Ok(Line { words, args })
    }

    /// The command, as typed in a POSIX shell.
    pub(super) fn shown(&self) -> String {
        shown(&self.words)
    }
}

/// `mesonero words...`, as typed in a POSIX shell.
fn shown(words: &[OsString]) -> String {
    let words = words.iter().map(|w| quote(&w.to_string_lossy()));
    std::iter::once("mesonero".to_string())
        .chain(words)
        .collect::<Vec<_>>()
        .join(" ")
}

/// The commands of every section.
pub(super) struct Lines {
    /// `compare`: the restaurant and its timelines.
    pub compare: Line<CompareArgs>,
    /// `compare --models lesson-blocking`: the article's warning.
    pub lesson: Line<CompareArgs>,
    /// `compare --cpu 1s --cores 2`: concurrency is not parallelism.
    pub parallel: Line<CompareArgs>,
    /// The same under the GIL.
    pub parallel_gil: Line<CompareArgs>,
    /// `fetch --compare`.
    pub fetch: Line<FetchArgs>,
    /// `race`.
    pub race: Line<RaceArgs>,
    /// `latency`.
    pub latency: Line<LatencyArgs>,
}

impl Lines {
    /// The commands that show, on the terminal, what the report shows
    /// with `args`. Options the commands would refuse are refused here,
    /// before any work.
    pub(super) fn of(args: &ReportArgs) -> Result<Lines, CommandError> {
        let compare_defaults = Line::parse(words(&["compare"]), compare)?.args;
        let restaurant = restaurant_words(args, &compare_defaults);
        let compare = served(words(&["compare"]), &restaurant, args)?;
        let lesson_models = ["compare", "--models", ModelSet::LessonBlocking.name()];
        let lesson = served(words(&lesson_models), &restaurant, args)?;
        let computing = computing_words(args, &restaurant);
        let parallel = served(words(&["compare"]), &computing, args)?;
        let mut with_gil = computing;
        if !args.service.gil {
            with_gil.push("--gil".into());
        }
        let parallel_gil = served(words(&["compare"]), &with_gil, args)?;
        // An event loop option no model of the page uses is refused, as
        // compare refuses it.
        let mut models = page_models(&compare.args)?;
        models.extend(page_models(&lesson.args)?);
        models.extend(page_models(&parallel.args)?);
        super::super::check_options(&models, &args.service)?;

        let mut fetch_words = words(&["fetch", "--compare"]);
        if let Some(delay) = args.server_delay {
            push(&mut fetch_words, "--server-delay", duration(delay));
        }
        let mut race_words = words(&["race"]);
        if let Some(n) = args.race_iterations {
            push(&mut race_words, "--iterations", n.to_string());
        }
        if let Some(n) = args.race_runs {
            push(&mut race_words, "--runs", n.to_string());
        }
        let latency_defaults = Line::parse(words(&["latency"]), latency)?.args;
        let mut latency_words = words(&["latency"]);
        let lang = args.language.lang;
        if lang != latency_defaults.language.lang {
            push(&mut latency_words, "--lang", value(lang));
        }
        Ok(Lines {
            compare,
            lesson,
            parallel,
            parallel_gil,
            fetch: Line::parse(fetch_words, fetch)?,
            race: Line::parse(race_words, race)?,
            latency: Line::parse(latency_words, latency)?,
        })
    }

    /// The commands as the page shows them.
    pub(super) fn shown(&self) -> Commands {
        Commands {
            compare: self.compare.shown(),
            lesson: self.lesson.shown(),
            parallel: self.parallel.shown(),
            parallel_gil: self.parallel_gil.shown(),
            fetch: self.fetch.shown(),
            race: self.race.shown(),
            latency: self.latency.shown(),
        }
    }
}

/// The restaurant's options that differ from `compare`'s defaults, in the
/// order `compare --help` lists them; the event loop's come per command.
fn restaurant_words(args: &ReportArgs, defaults: &CompareArgs) -> Vec<OsString> {
    let mut words = Vec::new();
    let (service, default) = (&args.service, &defaults.service);
    if service.clock != default.clock {
        push(&mut words, "--clock", value(service.clock));
    }
    if service.speed != default.speed {
        push(&mut words, "--speed", service.speed.to_string());
    }
    if let Some(n) = service.waiters {
        push(&mut words, "--waiters", n.to_string());
    }
    if let Some(n) = service.cooks {
        push(&mut words, "--cooks", n.to_string());
    }
    if let Some(n) = service.cores {
        push(&mut words, "--cores", n.to_string());
    }
    if service.gil {
        words.push("--gil".into());
    }
    let workload = &args.workload;
    if let Some(path) = &workload.workload {
        push(&mut words, "--workload", path.as_os_str());
    }
    if let Some(n) = workload.repeat {
        push(&mut words, "--repeat", n.to_string());
    }
    if let Some(n) = workload.random {
        push(&mut words, "--random", n.to_string());
    }
    if let Some(n) = workload.seed {
        push(&mut words, "--seed", n.to_string());
    }
    if let Some(cpu) = workload.cpu {
        push(&mut words, "--cpu", duration(cpu));
    }
    words
}

/// The CPU time every product needs in the section on parallelism, when
/// the report is not given one.
const SECTION_CPU: &str = "1s";

/// The cores of that section on the virtual clock, when the report is not
/// given a number: two, so that its figures are the same on any machine.
/// On the real clock the run has the machine's.
const SECTION_CORES: &str = "2";

/// The restaurant's options for the section on parallelism: the report's,
/// with every product computing and, on the virtual clock, a fixed number
/// of cores.
fn computing_words(args: &ReportArgs, restaurant: &[OsString]) -> Vec<OsString> {
    let mut words = restaurant.to_vec();
    if args.workload.cpu.is_none() {
        push(&mut words, "--cpu", SECTION_CPU);
    }
    if args.service.cores.is_none() && args.service.clock == crate::cli::ClockArg::Virtual {
        push(&mut words, "--cores", SECTION_CORES);
    }
    words
}

/// `compare` from `head` and the restaurant's options, with each event
/// loop option given when one of the models it serves uses it.
fn served(
    head: Vec<OsString>,
    restaurant: &[OsString],
    args: &ReportArgs,
) -> Result<Line<CompareArgs>, CommandError> {
    let mut words = head;
    words.extend_from_slice(restaurant);
    let plain = Line::parse(words.clone(), compare)?;
    let models = page_models(&plain.args)?;
    let uses = |has: fn(Model) -> bool| models.iter().any(|&m| has(m));
    let options = &args.service.event_loop;
    if let (Some(threshold), true) = (options.slow_callback, uses(Model::has_event_loop)) {
        push(&mut words, "--slow-callback", threshold.to_string());
    }
    if let (Some(n), true) = (options.blocking_threads, uses(Model::has_blocking_pool)) {
        push(&mut words, "--blocking-threads", n.to_string());
    }
    if let (Some(n), true) = (options.workers, uses(Model::has_workers)) {
        push(&mut words, "--workers", n.to_string());
    }
    if words.len() == plain.words.len() {
        return Ok(plain);
    }
    Line::parse(words, compare)
}

/// The models `args` serves on its clock.
fn page_models(args: &CompareArgs) -> Result<Vec<Model>, CommandError> {
    Ok(super::super::models(&args.models, &args.service)?.0)
}

fn compare(command: Command) -> Option<CompareArgs> {
    match command {
        Command::Compare(args) => Some(args),
        _ => None,
    }
}

fn fetch(command: Command) -> Option<FetchArgs> {
    match command {
        Command::Fetch(args) => Some(args),
        _ => None,
    }
}

fn race(command: Command) -> Option<RaceArgs> {
    match command {
        Command::Race(args) => Some(args),
        _ => None,
    }
}

fn latency(command: Command) -> Option<LatencyArgs> {
    match command {
        Command::Latency(args) => Some(args),
        _ => None,
    }
}

fn words(words: &[&str]) -> Vec<OsString> {
    words.iter().map(OsString::from).collect()
}

fn push(words: &mut Vec<OsString>, option: &str, value: impl Into<OsString>) {
    words.push(option.into());
    words.push(value.into());
}

/// A value of an option whose values clap lists, as typed.
fn value(v: impl ValueEnum) -> String {
    // No value of the tool's enums is skipped, so each has a name.
    v.to_possible_value()
        .map_or_else(String::new, |p| p.get_name().to_string())
}

/// A duration as the options read it: `1s`, `20ms`, `1s 500ms`.
fn duration(d: Duration) -> String {
    humantime::format_duration(d).to_string()
}

/// The first line of clap's error, without its `error: `.
fn first_line(e: &clap::Error) -> String {
    let text = e.to_string();
    let line = text.lines().next().unwrap_or_default();
    line.trim_start_matches("error: ").to_string()
}

/// A word for a POSIX shell: as it is when it holds nothing the shell
/// would read, quoted otherwise.
fn quote(word: &str) -> String {
    let plain = !word.is_empty()
        && word
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./,:=@+%".contains(c));
    match plain {
        true => word.to_string(),
        false => format!("'{}'", word.replace('\'', r"'\''")),
    }
}

#[cfg(test)]
mod tests;
