//! `mesonero completions SHELL` and `mesonero man`: the shell completion
//! script and the manual page, both generated from the same clap
//! definition as the parser, so neither can fall behind an option.

use std::io::{self, Write};

use clap::{Command, CommandFactory};
use clap_complete::Shell;

use crate::cli::Cli;

use super::CommandError;

/// Writes `shell`'s completion script to stdout.
pub(super) fn completions(shell: Shell) -> Result<(), CommandError> {
    let mut command = without_hidden(Cli::command());
    let name = command.get_name().to_owned();
    let mut out = io::stdout().lock();
    // `generate` panics on a write error (a closed pipe among them), so
    // the script is made in memory and written here, where an error is
    // an error.
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut command, name, &mut script);
    out.write_all(&script)?;
    out.flush()?;
    Ok(())
}

/// `command` with its hidden subcommands left out, which clap_complete
/// would offer (clap_mangen leaves them out): the root is made again from
/// its own arguments and visible subcommands, since clap cannot remove one.
fn without_hidden(command: Command) -> Command {
    let visible: Vec<Command> = command
        .get_subcommands()
        .filter(|s| !s.is_hide_set())
        .cloned()
        .collect();
    let mut root = Command::new(command.get_name().to_owned())
        .args(command.get_arguments().cloned())
        .subcommands(visible);
    if let Some(version) = command.get_version() {
        root = root.version(version.to_owned());
    }
    root
}

/// Writes the manual page, in roff, to stdout: `mesonero man | man -l -`.
pub(super) fn man() -> Result<(), CommandError> {
    let mut page = Vec::new();
    write_man(&mut page)?;
    let mut out = io::stdout().lock();
    out.write_all(&page)?;
    out.flush()?;
    Ok(())
}

/// The manual page: the top-level command, then a section per
/// subcommand with its options, as `mesonero help COMMAND` shows them.
fn write_man(out: &mut impl Write) -> io::Result<()> {
    let command = Cli::command();
    let top = clap_mangen::Man::new(command.clone());
    let mut page = Vec::new();
    top.render_title(&mut page)?;
    // Each `render_*` starts with the same two-line preamble, needed once.
    let preamble_end = find(&page, b".TH").unwrap_or(0);
    let preamble = page[..preamble_end].to_vec();
    // A subcommand's sections are subsections (`.SS`) of its own.
    let mut section = |render: &dyn Fn(&mut dyn Write) -> io::Result<()>, sub: bool| {
        let mut text = Vec::new();
        render(&mut text)?;
        let text = text.strip_prefix(preamble.as_slice()).unwrap_or(&text);
        if sub {
            for line in text.split_inclusive(|&b| b == b'\n') {
                match line.strip_prefix(b".SH ") {
                    Some(heading) => {
                        page.extend_from_slice(b".SS ");
                        page.extend_from_slice(heading);
                    }
                    None => page.extend_from_slice(line),
                }
            }
        } else {
            page.extend_from_slice(text);
        }
        Ok::<(), io::Error>(())
    };
    section(&|w| top.render_name_section(w), false)?;
    section(&|w| top.render_synopsis_section(w), false)?;
    section(&|w| top.render_description_section(w), false)?;
    section(&|w| top.render_options_section(w), false)?;
    for sub in command.get_subcommands().filter(|s| !s.is_hide_set()) {
        let title = format!("mesonero {}", sub.get_name());
        let sub = clap_mangen::Man::new(sub.clone().bin_name(title.clone()));
        section(&|w| writeln!(w, ".SH \"{}\"", title.to_uppercase()), false)?;
        section(&|w| sub.render_synopsis_section(w), true)?;
        section(&|w| sub.render_description_section(w), true)?;
        section(&|w| sub.render_options_section(w), true)?;
    }
    section(&|w| top.render_extra_section(w), false)?;
    section(&|w| top.render_version_section(w), false)?;
    out.write_all(&page)
}

/// Where `needle` first starts in `haystack`.
fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_man_page_has_a_section_per_command() {
        let mut page = Vec::new();
        write_man(&mut page).unwrap();
        let page = String::from_utf8(page).unwrap();
        assert!(page.starts_with(".ie \\n(.g .ds Aq"), "{}", &page[..200]);
        for name in ["COMPARE", "RESTAURANT", "RACE", "REPORT", "COMPLETIONS"] {
            assert!(page.contains(&format!(".SH \"MESONERO {name}\"")), "{name}");
        }
    }
}
