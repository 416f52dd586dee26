//! The `mesonero` command: parse, run, report, exit.

use std::io::Write;
use std::process::ExitCode;

use clap::Parser;

use mesonero::alloc::EndOnFailure;
use mesonero::cli::Cli;
use mesonero::commands;

fn main() -> ExitCode {
    // clap prints its own usage errors and exits with code 2.
    let cli = Cli::parse();
    match commands::run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) if e.is_broken_pipe() => ExitCode::SUCCESS,
        Err(e) => {
            // Not eprintln!, which panics when stderr is closed or full:
            // then the message is lost, but the exit code still tells.
            let _ = writeln!(std::io::stderr(), "error: {e}");
            ExitCode::from(e.exit_code())
        }
    }
}

// The system's allocator, ending the process with one line when memory
// runs out.
#[global_allocator]
static GLOBAL: EndOnFailure = EndOnFailure::new();
