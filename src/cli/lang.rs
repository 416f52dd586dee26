//! `--lang`, one definition for every command that speaks a language.

use clap::Args;

use crate::latency::Lang;

/// The language of what a command writes for people to read.
#[derive(Debug, Clone, Copy, Args)]
pub struct LangArgs {
    /// The language of the words written: names, units, comparisons,
    /// headings and prose. The commands and the article's log lines stay
    /// as they are.
    #[arg(long, value_enum, default_value = "en")]
    pub lang: Lang,
}
