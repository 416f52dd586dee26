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
use crate::people::client::stats::FetchStats;
use crate::race::Summary;
use crate::restaurant::Run;

/// The inline style sheet.
const STYLE: &str = include_str!("html/style.css");

/// Forbids every load, scripts included; only the inline style sheet (and
/// inline SVG, which is not a load) may be used.
const POLICY: &str = "default-src 'none'; style-src 'unsafe-inline'";

/// Everything the page shows, measured by `mesonero report`.
pub struct Page {
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
    /// One row per fetch model.
    pub fetch: Vec<FetchStats>,
    /// What the fetches asked for, and from where.
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
    /// `mesonero fetch --compare ...`.
    pub fetch: String,
    /// `mesonero race ...`.
    pub race: String,
    /// `mesonero latency`.
    pub latency: String,
}

/// The sections, in page order: id and title.
const SECTIONS: [(&str, &str); 6] = [
    ("compare", "The restaurant, served four ways"),
    ("timelines", "Timelines"),
    (
        "lesson",
        "The article's warning: one blocking call undoes it all",
    ),
    ("fetch", "Fetching people"),
    ("race", "The race on the balance"),
    ("latency", "Latencies at human scale"),
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
    write_head(out, page)?;
    section(
        out,
        0,
        "Each model serves the same orders. Makespan is restaurant time until the last \
         order was on its table; ideal is what the model would take with no overhead at all; \
         speed-up is sync's makespan divided by the model's; wall is the time the run really \
         took.",
        &page.commands.compare,
    )?;
    super::compare::table(&page.compare).write_html(out)?;
    end_section(out)?;

    section(
        out,
        1,
        "Who did what, and when: one lane per waiter, for each model.",
        &format!("{} --timeline timeline.svg", page.commands.compare),
    )?;
    writeln!(out, "{}", timeline_picture(&page.runs))?;
    end_section(out)?;

    section(
        out,
        2,
        "The article warns that asyncio.sleep waits without blocking but time.sleep \
         blocks, and that every change it made to the restaurant would have been for nothing \
         had it kept time.sleep: the event loop runs one piece of code at a time, so while \
         one sits in a blocking call, nothing else runs. Here is the warning, run: async is \
         asinc.py; async-blocking keeps the blocking sleep in the coroutine; \
         async-sequential forgets gather and awaits each order in turn; async-offload hands \
         the blocking call to a thread pool, as asyncio's run_in_executor does. Loop blocked \
         is how long a waiter's code held the event loop; in the timeline, a strip under the \
         waiter shows when.",
        &page.commands.lesson,
    )?;
    super::compare::table(&page.lesson_compare).write_html(out)?;
    writeln!(out, "{}", timeline_picture(&page.lesson))?;
    end_section(out)?;

    section(
        out,
        3,
        &format!(
            "The article's asinc2.py: {}, one model after the other. Sequential waits for \
             each answer before asking for the next; threads and async keep many requests in \
             flight, so the waits overlap.",
            page.fetch_setup
        ),
        &page.commands.fetch,
    )?;
    super::fetch::table(&page.fetch).write_html(out)?;
    if let Some(failed) = fetch_failures(&page.fetch) {
        writeln!(out, "<ul class=\"notes\"><li>{}</li></ul>", escape(&failed))?;
    }
    end_section(out)?;

    section(
        out,
        4,
        "The article's race: threads adding and subtracting 1 on one balance, which should \
         end at 0. With no lock, updates are lost; a mutex or an atomic loses none.",
        &page.commands.race,
    )?;
    if let Some(heading) = super::race::heading(&page.race) {
        writeln!(out, "<p>{}</p>", escape(&heading))?;
    }
    super::race::table(&page.race).write_html(out)?;
    notes(out, &super::race::notes(&page.race))?;
    end_section(out)?;

    section(
        out,
        5,
        &format!(
            "The article's table of latencies, each time multiplied by {} so that a \
             nanosecond lasts a second, beside something that takes about as long. These are \
             the article's reference figures, not measured here; the command's --measure \
             measures the rows this machine can.",
            page.latency.scale
        ),
        &page.commands.latency,
    )?;
    super::latency::table(&page.latency).write_html(out)?;
    end_section(out)?;

    writeln!(
        out,
        "<footer><p>From the article \u{201c}Una introducci\u{f3}n a la asincron\u{ed}a en \
         Python\u{201d}, in Rust. Made by mesonero {}.</p></footer>",
        env!("CARGO_PKG_VERSION")
    )?;
    writeln!(out, "</body>\n</html>")
}

/// The picture `compare --timeline` draws of `runs`, inline: the
/// restaurant's timelines, and the warning's.
fn timeline_picture(runs: &[Run]) -> String {
    let timeline = timeline::Timeline::of(runs);
    let picture = timeline::svg::render(&timeline, timeline::svg::Embedding::Html);
    format!("<div class=\"timeline-picture\">\n{picture}</div>")
}

/// The document's head, the title and the facts of the report.
fn write_head(out: &mut impl Write, page: &Page) -> io::Result<()> {
    writeln!(out, "<!DOCTYPE html>")?;
    writeln!(out, "<html lang=\"en\">")?;
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
        "<title>mesonero report, {}</title>",
        escape(&page.date)
    )?;
    writeln!(out, "<style>\n{STYLE}</style>")?;
    writeln!(out, "</head>")?;
    writeln!(out, "<body>")?;
    writeln!(out, "<header>")?;
    writeln!(out, "<h1>mesonero report</h1>")?;
    writeln!(
        out,
        "<p>Blocking, threaded and asynchronous I/O, measured on this machine.</p>"
    )?;
    writeln!(out, "<dl class=\"facts\">")?;
    let facts = [
        ("version", format!("mesonero {}", env!("CARGO_PKG_VERSION"))),
        ("date", page.date.clone()),
        ("workload", page.workload.clone()),
        ("clock", page.clock.clone()),
        ("staff", page.staff.clone()),
    ];
    for (term, value) in facts {
        writeln!(out, "<dt>{term}</dt><dd>{}</dd>", escape(&value))?;
    }
    writeln!(out, "</dl>")?;
    writeln!(out, "<nav><ol>")?;
    for (id, title) in SECTIONS {
        writeln!(out, "<li><a href=\"#{id}\">{title}</a></li>")?;
    }
    writeln!(out, "</ol></nav>")?;
    writeln!(out, "</header>")
}

/// Opens section `index` of [`SECTIONS`]: its title, what it shows, and
/// the command that shows it on the terminal.
fn section(out: &mut impl Write, index: usize, what: &str, command: &str) -> io::Result<()> {
    let (id, title) = SECTIONS[index];
    writeln!(out, "<section id=\"{id}\">")?;
    writeln!(out, "<h2>{title}</h2>")?;
    writeln!(out, "<p>{}</p>", escape(what))?;
    writeln!(
        out,
        "<p class=\"command\">On the terminal: <code>{}</code></p>",
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
fn fetch_failures(rows: &[FetchStats]) -> Option<String> {
    let failed: Vec<String> = rows
        .iter()
        .filter(|s| s.failed > 0)
        .map(|s| format!("{} failed {} of {} ids", s.model, s.failed, s.ids))
        .collect();
    (!failed.is_empty())
        .then(|| format!("{}; see the answers with the command.", failed.join(", ")))
}

#[cfg(test)]
mod tests;
