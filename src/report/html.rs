//! The page of `mesonero report`: every comparison of the tool on one
//! self-contained HTML page.
//!
//! The tables are the terminal's own ([`Table`](super::table::Table)), written as HTML, so the
//! page and the commands it names show the same figures in the same words.
//! Self-contained means the page asks for nothing: the style sheet is
//! inline, there is no script, and a Content-Security-Policy forbids any
//! load, so that it opens the same from a mail attachment, offline, years
//! later.

use std::io::{self, Write};

use super::compare::Row;
use super::latency::LatencyReport;
use super::timeline;
use crate::latency::Lang;
use crate::people::client::stats::FetchStats;
use crate::race::Summary;
use crate::restaurant::Run;

pub mod text;

pub use text::Text;

/// The inline style sheet.
const STYLE: &str = include_str!("html/style.css");

/// Forbids every load, scripts included; only the inline style sheet (and
/// inline SVG, which is not a load) may be used.
const POLICY: &str = "default-src 'none'; style-src 'unsafe-inline'";

/// Everything the page shows, measured by `mesonero report`.
pub struct Page {
    /// The language of the page's words; the tables' headers, the
    /// commands and the article's lines stay as the commands print them.
    pub lang: Lang,
    /// When the report was made, as people read it.
    pub date: String,
    /// What the restaurant served, such as "the article's: 4 orders, 11
    /// products from a menu of 3".
    pub workload: String,
    /// The restaurant's clock, such as "virtual clock".
    pub clock: String,
    /// Waiters and cooks.
    pub staff: String,
    /// The restaurant runs, one per model, in table order.
    pub runs: Vec<Run>,
    /// Their figures.
    pub compare: Vec<Row>,
    /// The runs of the article's warning, one per model of
    /// `--models lesson-blocking`, in table order.
    pub lesson: Vec<Run>,
    /// Their figures.
    pub lesson_compare: Vec<Row>,
    /// Concurrency is not parallelism: the runs of products that compute,
    /// on a few cores, without the GIL.
    pub parallel: Vec<Run>,
    /// Their figures.
    pub parallel_compare: Vec<Row>,
    /// The same under the GIL.
    pub parallel_gil_compare: Vec<Row>,
    /// One row per fetch model.
    pub fetch: Vec<FetchStats>,
    /// What the fetches asked for, and from where, in the page's
    /// language.
    pub fetch_setup: String,
    /// One summary per race strategy.
    pub race: Vec<Summary>,
    /// The article's latency table.
    pub latency: LatencyReport,
    /// The terminal command that shows each section.
    pub commands: Commands,
}

/// The terminal commands that reproduce each section.
pub struct Commands {
    /// `mesonero compare ...`.
    pub compare: String,
    /// `mesonero compare --models lesson-blocking ...`.
    pub lesson: String,
    /// `mesonero compare --cpu 1s --cores 2 ...`.
    pub parallel: String,
    /// The same with `--gil`.
    pub parallel_gil: String,
    /// `mesonero fetch --compare ...`.
    pub fetch: String,
    /// `mesonero race ...`.
    pub race: String,
    /// `mesonero latency`.
    pub latency: String,
}

/// The sections' ids, in page order; their titles are [`Text::sections`].
const SECTIONS: [&str; 7] = [
    "compare",
    "timelines",
    "lesson",
    "parallel",
    "fetch",
    "race",
    "latency",
];

/// Text with `<`, `>`, `&`, `"` and `'` escaped, safe in HTML text and in
/// quoted attribute values.
pub fn escape(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            '&' => escaped.push_str("&amp;"),
            '"' => escaped.push_str("&quot;"),
            '\'' => escaped.push_str("&#39;"),
            // XML allows no control character, not even as a reference:
            // shown as its escape, as a terminal shows it.
            c if c.is_control() && !matches!(c, '\n' | '\t') => escaped.extend(c.escape_unicode()),
            c => escaped.push(c),
        }
    }
    escaped
}

/// Writes the whole page.
pub fn write_page(out: &mut impl Write, page: &Page) -> io::Result<()> {
    let text = Text::of(page.lang);
    write_head(out, page, text)?;
    section(out, text, 0, text.compare, &page.commands.compare)?;
    super::compare::table(&page.compare).write_html(out)?;
    end_section(out)?;

    section(
        out,
        text,
        1,
        text.timelines,
        &format!("{} --timeline timeline.svg", page.commands.compare),
    )?;
    writeln!(out, "{}", timeline_picture(&page.runs, page.lang))?;
    end_section(out)?;

    section(out, text, 2, text.lesson, &page.commands.lesson)?;
    super::compare::table(&page.lesson_compare).write_html(out)?;
    writeln!(out, "{}", timeline_picture(&page.lesson, page.lang))?;
    end_section(out)?;

    section(out, text, 3, text.parallel, &page.commands.parallel)?;
    super::compare::table(&page.parallel_compare).write_html(out)?;
    command(out, text, &page.commands.parallel_gil)?;
    super::compare::table(&page.parallel_gil_compare).write_html(out)?;
    writeln!(out, "{}", timeline_picture(&page.parallel, page.lang))?;
    end_section(out)?;

    section(
        out,
        text,
        4,
        &(text.fetch)(&page.fetch_setup),
        &page.commands.fetch,
    )?;
    super::fetch::table(&page.fetch).write_html(out)?;
    if let Some(failed) = fetch_failures(&page.fetch, text) {
        writeln!(out, "<ul class=\"notes\"><li>{}</li></ul>", escape(&failed))?;
    }
    end_section(out)?;

    section(out, text, 5, text.race, &page.commands.race)?;
    if let Some(heading) = super::race::heading(&page.race, page.lang) {
        writeln!(out, "<p>{}</p>", escape(&heading))?;
    }
    super::race::table(&page.race).write_html(out)?;
    notes(out, &super::race::notes(&page.race, page.lang))?;
    end_section(out)?;

    section(
        out,
        text,
        6,
        &(text.latency)(&page.latency.scale.to_string()),
        &page.commands.latency,
    )?;
    super::latency::table(&page.latency).write_html(out)?;
    end_section(out)?;

    writeln!(
        out,
        "<footer><p>{}</p></footer>",
        escape(&(text.footer)(env!("CARGO_PKG_VERSION")))
    )?;
    writeln!(out, "</body>\n</html>")
}

/// The picture `compare --timeline` draws of `runs`, inline, in `lang`:
/// the restaurant's timelines, and the warning's.
fn timeline_picture(runs: &[Run], lang: Lang) -> String {
    let timeline = timeline::Timeline::of(runs);
    let picture = timeline::svg::render(&timeline, timeline::svg::Embedding::Html, lang);
    format!("<div class=\"timeline-picture\">\n{picture}</div>")
}

/// The document's head, the title and the facts of the report.
fn write_head(out: &mut impl Write, page: &Page, text: &Text) -> io::Result<()> {
    writeln!(out, "<!DOCTYPE html>")?;
    writeln!(out, "<html lang=\"{}\">", text.code)?;
    writeln!(out, "<head>")?;
    writeln!(out, "<meta charset=\"utf-8\">")?;
    writeln!(
        out,
        "<meta http-equiv=\"Content-Security-Policy\" content=\"{POLICY}\">"
    )?;
    writeln!(
        out,
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
    )?;
    writeln!(
        out,
        "<title>{}, {}</title>",
        escape(text.title),
        escape(&page.date)
    )?;
    writeln!(out, "<style>\n{STYLE}</style>")?;
    writeln!(out, "</head>")?;
    writeln!(out, "<body>")?;
    writeln!(out, "<header>")?;
    writeln!(out, "<h1>{}</h1>", escape(text.title))?;
    writeln!(out, "<p>{}</p>", escape(text.tagline))?;
    writeln!(out, "<dl class=\"facts\">")?;
    let facts = [
        format!("mesonero {}", env!("CARGO_PKG_VERSION")),
        page.date.clone(),
        page.workload.clone(),
        page.clock.clone(),
        page.staff.clone(),
    ];
    for (term, value) in text.facts.iter().zip(facts) {
        writeln!(out, "<dt>{}</dt><dd>{}</dd>", escape(term), escape(&value))?;
    }
    writeln!(out, "</dl>")?;
    writeln!(out, "<nav><ol>")?;
    // The titles are the page's own words, which hold no markup.
    for (id, title) in SECTIONS.iter().zip(text.sections) {
        writeln!(out, "<li><a href=\"#{id}\">{title}</a></li>")?;
    }
    writeln!(out, "</ol></nav>")?;
    writeln!(out, "</header>")
}

/// Opens section `index` of [`SECTIONS`]: its title, what it shows, and
/// the command that shows it on the terminal.
fn section(
    out: &mut impl Write,
    text: &Text,
    index: usize,
    what: &str,
    command: &str,
) -> io::Result<()> {
    writeln!(out, "<section id=\"{}\">", SECTIONS[index])?;
    writeln!(out, "<h2>{}</h2>", text.sections[index])?;
    writeln!(out, "<p>{}</p>", escape(what))?;
    self::command(out, text, command)
}

/// The command that shows what follows on the terminal.
fn command(out: &mut impl Write, text: &Text, command: &str) -> io::Result<()> {
    writeln!(
        out,
        "<p class=\"command\">{} <code>{}</code></p>",
        escape(text.on_the_terminal),
        escape(command)
    )
}

fn end_section(out: &mut impl Write) -> io::Result<()> {
    writeln!(out, "</section>")
}

fn notes(out: &mut impl Write, notes: &[String]) -> io::Result<()> {
    if notes.is_empty() {
        return Ok(());
    }
    writeln!(out, "<ul class=\"notes\">")?;
    for note in notes {
        writeln!(out, "<li>{}</li>", escape(note))?;
    }
    writeln!(out, "</ul>")
}

/// A note when some fetches failed: a local server should not fail, so
/// the figures are not what the section says they are.
fn fetch_failures(rows: &[FetchStats], text: &Text) -> Option<String> {
    let failed: Vec<String> = rows
        .iter()
        .filter(|s| s.failed > 0)
        .map(|s| (text.fetch_failed)(s.model, s.failed, s.ids))
        .collect();
    (!failed.is_empty()).then(|| (text.fetch_failures)(&failed.join(", ")))
}

#[cfg(test)]
mod tests;
