//! `mesonero latency`: the article's table of latencies, at machine and at
//! human scale, and measured on this machine.
//!
//! The article sets the scene for asynchrony with the "latency numbers
//! every programmer should know": an L1 cache reference takes half a
//! nanosecond, a packet across the Atlantic 150 milliseconds. Multiplied
//! by a billion, the first is half a second and the second almost five
//! years, which is what a CPU lives through while a program blocks on the
//! network.
//!
//! - [`reference`](mod@reference): the fourteen rows, the [`Scale`], the scaled table;
//! - [`units`]: [`Span`], a length of time written in the unit that suits
//!   it, from nanoseconds to years;
//! - [`everyday`]: everyday durations, to compare scaled times with;
//! - [`measure`]: an experiment per row that this machine can run.
//!
//! Printing lives in [`crate::report::latency`].

pub mod everyday;
pub mod measure;
pub mod reference;
pub mod units;

pub use reference::{human_table, HumanRow, Operation, Scale};
pub use units::Span;

/// The language of names, units and comparisons.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum Lang {
    /// English: the gist's names.
    #[default]
    En,
    /// Spanish: the article's names.
    Es,
}
