//! The commands the report runs, from its options.

use super::*;

fn report_args(args: &[&str]) -> ReportArgs {
    let cli = Cli::try_parse_from(["mesonero", "report"].iter().chain(args)).unwrap();
    match cli.command {
        Some(Command::Report(args)) => args,
        other => panic!("not report: {other:?}"),
    }
}

fn shown(args: &[&str]) -> Commands {
    Lines::of(&report_args(args)).unwrap().shown()
}

#[test]
fn defaults_name_the_plain_commands() {
    let commands = shown(&[]);
    assert_eq!(commands.compare, "mesonero compare");
    assert_eq!(commands.lesson, "mesonero compare --models lesson-blocking");
    assert_eq!(commands.fetch, "mesonero fetch --compare");
    assert_eq!(commands.race, "mesonero race");
    assert_eq!(commands.latency, "mesonero latency");
}

/// The sections run with the commands' own defaults, whatever they are.
#[test]
fn defaults_are_the_commands_own() {
    let lines = Lines::of(&report_args(&[])).unwrap();
    let own = |line: &[&str]| Cli::try_parse_from(["mesonero"].iter().chain(line)).unwrap();
    let Some(Command::Race(race)) = own(&["race"]).command else {
        panic!("race")
    };
    assert_eq!(lines.race.args.iterations, race.iterations);
    assert_eq!(lines.race.args.runs, race.runs);
    assert_eq!(lines.race.args.threads, race.threads);
    assert_eq!(lines.race.args.strategy, race.strategy);
    let Some(Command::Fetch(fetch)) = own(&["fetch"]).command else {
        panic!("fetch")
    };
    assert_eq!(lines.fetch.args.server_delay, fetch.server_delay);
    assert_eq!(lines.fetch.args.ids, fetch.ids);
    assert_eq!(lines.fetch.args.concurrency, fetch.concurrency);
    assert_eq!(lines.fetch.args.timeout, fetch.timeout);
    assert!(lines.fetch.args.compare);
    let Some(Command::Latency(latency)) = own(&["latency"]).command else {
        panic!("latency")
    };
    assert_eq!(lines.latency.args.scale, latency.scale);
    assert!(!lines.latency.args.measure);
    let compare = own(&[]).compare;
    assert_eq!(lines.compare.args.service.speed, compare.service.speed);
    assert_eq!(lines.compare.args.models, compare.models);
}

#[test]
fn options_carry_over_to_the_commands() {
    let args = [
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
        "1.5",
        "--race-iterations",
        "1000",
        "--race-runs",
        "2",
        "--lang",
        "es",
    ];
    let lines = Lines::of(&report_args(&args)).unwrap();
    let commands = lines.shown();
    assert_eq!(
        commands.compare,
        "mesonero compare --clock virtual --waiters 3 --workload 'my orders.toml' --random 5 --seed 2"
    );
    assert_eq!(
        commands.lesson,
        "mesonero compare --models lesson-blocking --clock virtual --waiters 3 --workload 'my orders.toml' --random 5 --seed 2"
    );
    // humantime's words, quoted: the command reads them back.
    assert_eq!(
        commands.fetch,
        "mesonero fetch --compare --server-delay '1s 500ms'"
    );
    assert_eq!(lines.fetch.args.server_delay, Duration::from_millis(1500));
    assert_eq!(commands.race, "mesonero race --iterations 1000 --runs 2");
    assert_eq!(
        (lines.race.args.iterations, lines.race.args.runs),
        (1000, 2)
    );
    assert_eq!(commands.latency, "mesonero latency --lang es");
    assert_eq!(lines.latency.args.language.lang, crate::latency::Lang::Es);
    assert_eq!(
        shown(&["--speed", "2.5"]).compare,
        "mesonero compare --speed 2.5"
    );
}

#[test]
fn event_loop_options_go_where_a_model_uses_them() {
    let given = shown(&["--slow-callback", "1s", "--blocking-threads", "2"]);
    // async, in the first table, has an event loop but no blocking pool.
    assert_eq!(given.compare, "mesonero compare --slow-callback 1s");
    assert_eq!(
        given.lesson,
        "mesonero compare --models lesson-blocking --slow-callback 1s --blocking-threads 2"
    );
    let off = shown(&["--slow-callback", "off"]);
    assert_eq!(
        off.lesson,
        "mesonero compare --models lesson-blocking --slow-callback off"
    );
    // No model of the page has a multi-thread runtime.
    let refused = Lines::of(&report_args(&["--workers", "2"])).err().unwrap();
    assert_eq!(refused.exit_code(), 2);
    assert!(
        refused.to_string().starts_with("--workers sets"),
        "{refused}"
    );
}

#[test]
fn words_are_quoted_for_the_shell() {
    assert_eq!(quote("it's"), r"'it'\''s'");
    assert_eq!(quote("1s 500ms"), "'1s 500ms'");
    assert_eq!(quote("lesson-blocking"), "lesson-blocking");
}
