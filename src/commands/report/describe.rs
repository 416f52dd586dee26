//! The words of the report's header, and the terminal commands that show
//! each section, from the options it was given.

use crate::cli::{ClockArg, ReportArgs, ServiceArgs, WorkloadArgs};
use crate::restaurant::ModelSet;
use crate::workload::Workload;

/// Where the orders came from and how many there are, such as "the
/// article's: 4 orders, 11 products from a menu of 3".
pub(super) fn workload(args: &WorkloadArgs, workload: &Workload) -> String {
    let mut source = match &args.workload {
        Some(path) => format!("{}", path.display()),
        None => "the article's".to_string(),
    };
    if let Some(n) = args.random {
        let seed = args.seed.unwrap_or(super::super::DEFAULT_SEED);
        source.push_str(&format!(", {n} random orders (seed {seed})"));
    }
    if let Some(n) = args.repeat {
        source.push_str(&format!(", {n} times over"));
    }
    format!(
        "{source}: {}, {} from a menu of {}",
        plural(workload.orders().len(), "order", "orders"),
        plural(workload.products_total(), "product", "products"),
        workload.menu().len()
    )
}

/// The restaurant's clock.
pub(super) fn clock(args: &ServiceArgs) -> String {
    match args.clock {
        ClockArg::Real => format!(
            "real clock at speed {}: {} restaurant seconds per wall second",
            args.speed, args.speed
        ),
        ClockArg::Virtual => "virtual clock: instant, exact, deterministic".to_string(),
    }
}

/// Waiters and cooks.
pub(super) fn staff(args: &ServiceArgs) -> String {
    let waiters = match args.waiters {
        Some(n) => plural(n as usize, "waiter", "waiters"),
        None => "2 waiters for sync and threads, 1 for the others".to_string(),
    };
    let cooks = match args.cooks {
        Some(n) => plural(n as usize, "cook", "cooks"),
        None => "unlimited cooks".to_string(),
    };
    format!("{waiters}; {cooks}")
}

/// The terminal command that shows each section with the same options.
pub(super) fn commands(args: &ReportArgs) -> crate::report::html::Commands {
    // The options both restaurant sections share.
    let mut compare = Vec::new();
    let service = &args.service;
    if service.clock == ClockArg::Virtual {
        compare.push("--clock virtual".into());
    } else if service.speed != 10.0 {
        compare.push(format!("--speed {}", service.speed));
    }
    if let Some(n) = service.waiters {
        compare.push(format!("--waiters {n}"));
    }
    if let Some(n) = service.cooks {
        compare.push(format!("--cooks {n}"));
    }
    let workload = &args.workload;
    if let Some(path) = &workload.workload {
        compare.push(format!("--workload {}", quote(&path.display().to_string())));
    }
    if let Some(n) = workload.repeat {
        compare.push(format!("--repeat {n}"));
    }
    if let Some(n) = workload.random {
        compare.push(format!("--random {n}"));
    }
    if let Some(n) = workload.seed {
        compare.push(format!("--seed {n}"));
    }
    let event_loop = &service.event_loop;
    // async has an event loop too, so the threshold changes both tables.
    if let Some(threshold) = event_loop.slow_callback {
        compare.push(format!("--slow-callback {threshold}"));
    }
    let mut lesson = compare.clone();
    if let Some(n) = event_loop.blocking_threads {
        lesson.push(format!("--blocking-threads {n}"));
    }
    let command = |head: String, options: Vec<String>| {
        std::iter::once(head)
            .chain(options)
            .collect::<Vec<_>>()
            .join(" ")
    };
    let lesson_set = ModelSet::LessonBlocking.name();
    let mut fetch = "mesonero fetch --compare".to_string();
    if args.server_delay != std::time::Duration::from_secs(1) {
        fetch.push_str(&format!(
            " --server-delay {}",
            humantime::format_duration(args.server_delay)
        ));
    }
    let mut race = "mesonero race".to_string();
    if args.race_iterations != 1_000_000 {
        race.push_str(&format!(" --iterations {}", args.race_iterations));
    }
    if args.race_runs != 5 {
        race.push_str(&format!(" --runs {}", args.race_runs));
    }
    crate::report::html::Commands {
        compare: command("mesonero compare".into(), compare),
        lesson: command(format!("mesonero compare --models {lesson_set}"), lesson),
        fetch,
        race,
        latency: "mesonero latency".to_string(),
    }
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
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
mod tests {
    use clap::Parser;

    use super::*;
    use crate::cli::{Cli, Command};

    fn report_args(args: &[&str]) -> ReportArgs {
        let cli = Cli::try_parse_from(["mesonero", "report"].iter().chain(args)).unwrap();
        match cli.command {
            Some(Command::Report(args)) => args,
            other => panic!("not report: {other:?}"),
        }
    }

    #[test]
    fn defaults_name_the_plain_commands() {
        let commands = commands(&report_args(&[]));
        assert_eq!(commands.compare, "mesonero compare");
        assert_eq!(commands.lesson, "mesonero compare --models lesson-blocking");
        assert_eq!(commands.fetch, "mesonero fetch --compare");
        assert_eq!(commands.race, "mesonero race");
        assert_eq!(commands.latency, "mesonero latency");
    }

    #[test]
    fn options_carry_over_to_the_commands() {
        let args = report_args(&[
            "--clock",
            "virtual",
            "--waiters",
            "3",
            "--workload",
            "my orders.toml",
            "--random",
            "5",
            "--seed",
            "2",
            "--server-delay",
            "20ms",
            "--race-iterations",
            "1000",
            "--race-runs",
            "2",
        ]);
        let commands = commands(&args);
        assert_eq!(
            commands.compare,
            "mesonero compare --clock virtual --waiters 3 --workload 'my orders.toml' --random 5 --seed 2"
        );
        assert_eq!(
            commands.fetch,
            "mesonero fetch --compare --server-delay 20ms"
        );
        assert_eq!(commands.race, "mesonero race --iterations 1000 --runs 2");
        assert_eq!(
            commands.lesson,
            "mesonero compare --models lesson-blocking --clock virtual --waiters 3 --workload 'my orders.toml' --random 5 --seed 2"
        );
        assert_eq!(staff(&args.service), "3 waiters; unlimited cooks");
        assert_eq!(commands_for_speed("2.5"), "mesonero compare --speed 2.5");
    }

    #[test]
    fn event_loop_options_go_where_a_model_uses_them() {
        let args = report_args(&["--slow-callback", "1s", "--blocking-threads", "2"]);
        let given = commands(&args);
        // async, in the first table, has an event loop but no blocking pool.
        assert_eq!(given.compare, "mesonero compare --slow-callback 1s");
        assert_eq!(
            given.lesson,
            "mesonero compare --models lesson-blocking --slow-callback 1s --blocking-threads 2"
        );
        let off = commands(&report_args(&["--slow-callback", "off"]));
        assert_eq!(
            off.lesson,
            "mesonero compare --models lesson-blocking --slow-callback off"
        );
    }

    fn commands_for_speed(speed: &str) -> String {
        commands(&report_args(&["--speed", speed])).compare
    }

    #[test]
    fn the_workload_is_described() {
        let args = report_args(&["--repeat", "2"]);
        let served = crate::commands::workload(&args.workload).unwrap();
        let text = workload(&args.workload, &served);
        assert_eq!(
            text,
            "the article's, 2 times over: 8 orders, 22 products from a menu of 4"
        );
        assert_eq!(quote("it's"), r"'it'\''s'");
    }
}
