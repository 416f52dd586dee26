//! What a command is doing, on one line of stderr when stderr is a
//! terminal: "serving with async (4 of 4)...". `compare`, `race` and
//! `report` share it, so that the report's sections say what the commands
//! say, after the section's name.

use std::io::{self, IsTerminal};

/// The progress line of one command, or of one section of the report.
pub(super) struct ProgressLine {
    shown: bool,
    /// Put before each line, such as "the lesson: ".
    prefix: String,
}

impl ProgressLine {
    /// A line shown when stderr is a terminal, and hidden otherwise.
    pub(super) fn on_terminal() -> ProgressLine {
        ProgressLine {
            shown: io::stderr().is_terminal(),
            prefix: String::new(),
        }
    }

    /// A line never shown, for a command that shows its own bars.
    pub(super) fn hidden() -> ProgressLine {
        ProgressLine {
            shown: false,
            prefix: String::new(),
        }
    }

    /// The same line, each message after `section`.
    pub(super) fn within(&self, section: &str) -> ProgressLine {
        ProgressLine {
            shown: self.shown,
            prefix: format!("{}{section}: ", self.prefix),
        }
    }

    /// Replaces the line with `what`.
    pub(super) fn show(&self, what: &str) {
        if self.shown {
            note!("\r\x1b[K{}{what}...", self.prefix);
        }
    }

    /// Clears the line, so that what is written next starts on a clean
    /// one.
    pub(super) fn clear(&self) {
        if self.shown {
            note!("\r\x1b[K");
        }
    }
}

/// Clears the line however the command ends, so that an error message
/// starts on a clean one.
impl Drop for ProgressLine {
    fn drop(&mut self) {
        self.clear();
    }
}
