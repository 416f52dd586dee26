//! `mesonero completions SHELL` and `mesonero man`: the completion
//! scripts and the manual page, generated from the command line's own
//! definition.

mod common;

use std::io::Write;
use std::process::{Command, Stdio};

use common::{run, stdout_of};

/// Every subcommand of `mesonero --help`, as listed there.
fn subcommands() -> Vec<String> {
    let help = stdout_of(&["--help"]);
    let commands: Vec<String> = help
        .lines()
        .skip_while(|l| *l != "Commands:")
        .skip(1)
        .take_while(|l| !l.is_empty())
        .filter(|l| l.starts_with("  ") && !l.starts_with("   "))
        .filter_map(|l| l.split_whitespace().next())
        .filter(|&name| name != "help")
        .map(str::to_owned)
        .collect();
    assert!(commands.len() >= 8, "{help}");
    commands
}

#[test]
fn the_bash_script_completes_every_subcommand() {
    let script = stdout_of(&["completions", "bash"]);
    assert!(script.contains("complete -F _mesonero"), "{script}");
    // The first word's candidates, and a case for each subcommand.
    let first = script
        .lines()
        .find(|l| l.trim_start().starts_with("opts=\"-h -V"))
        .unwrap_or_else(|| panic!("no top-level candidates:\n{script}"));
    for command in subcommands() {
        assert!(
            first.contains(&format!(" {command} ")),
            "{command}: {first}"
        );
        assert!(
            script.contains(&format!("mesonero,{command})")),
            "{command} has no completions of its own"
        );
    }
    // The options of a subcommand, with their values.
    assert!(script.contains("--strategy"), "race's options");
}

#[test]
fn zsh_and_fish_scripts_are_made_and_a_bad_shell_is_refused() {
    assert!(stdout_of(&["completions", "zsh"]).starts_with("#compdef mesonero"));
    let fish = stdout_of(&["completions", "fish"]);
    assert!(fish.contains("complete -c mesonero"), "{fish}");
    assert!(fish.contains("-a \"race\""), "{fish}");
    common::assert_bad_input(&run(["completions", "tcsh"]), &["'tcsh'"]);
}

#[test]
fn bash_accepts_the_script() {
    let Some(bash) = program("bash") else {
        return;
    };
    let script = stdout_of(&["completions", "bash"]);
    // `-n` reads the script without running it: a syntax check.
    let mut child = Command::new(bash)
        .arg("-n")
        .stdin(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("bash starts");
    child
        .stdin
        .take()
        .expect("piped")
        .write_all(script.as_bytes())
        .expect("bash reads the script");
    let out = child.wait_with_output().expect("bash ends");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn the_man_page_is_roff_with_every_command() {
    let page = stdout_of(&["man"]);
    assert!(page.contains("\n.TH mesonero 1 "), "{page}");
    assert!(page.contains("\n.SH NAME\nmesonero \\- "), "{page}");
    for command in subcommands() {
        let heading = format!("\n.SH \"MESONERO {}\"\n", command.to_uppercase());
        assert!(page.contains(&heading), "no section for {command}");
    }
    // Every line is text or a roff request or macro: a dot and a name.
    for line in page.lines().filter(|l| l.starts_with('.')) {
        let name = line[1..].split_whitespace().next().unwrap_or_default();
        assert!(
            name.chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '\\' || c == '('),
            "{line}"
        );
    }
}

#[test]
fn man_renders_the_page() {
    let Some(man) = program("man") else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("mesonero.1");
    std::fs::write(&path, stdout_of(&["man"])).unwrap();
    let out = Command::new(man)
        .arg("-l")
        .arg(&path)
        .env("MANPAGER", "cat")
        .env("PAGER", "cat")
        .env("MANWIDTH", "100")
        .stdin(Stdio::null())
        .output()
        .expect("man runs");
    let text = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    // groff warns on stderr about requests it does not know.
    assert!(!stderr.contains("warning"), "{stderr}");
    for needle in [
        "NAME",
        "MESONERO RACE",
        "MESONERO COMPLETIONS",
        "--strategy",
    ] {
        assert!(text.contains(needle), "{needle} not in:\n{text}");
    }
}

/// The path of `name` on `PATH`. Without it a test is skipped, and says
/// so; under CI (`CI` set) it fails instead.
fn program(name: &str) -> Option<std::path::PathBuf> {
    let found = std::env::var_os("PATH")
        .iter()
        .flat_map(std::env::split_paths)
        .map(|dir| dir.join(name))
        .find(|path| path.is_file());
    if found.is_none() {
        assert!(
            std::env::var_os("CI").is_none(),
            "{name} is not installed, and CI is set"
        );
        eprintln!("skipped: {name} is not installed");
    }
    found
}
