//! Renderers: everything a user sees, drawn from traces and runs.
//!
//! - [`log`]: the article's log lines, `HH:MM:SS <Waiter: 1> [Order: 0] ...`;
//! - [`jsonl`]: one JSON object per event;
//! - [`live`]: either of those, printed as events happen;
//! - [`summary`]: the one line after a run;
//! - [`compare`]: the comparison of models (figures, table, JSON);
//! - [`latency`]: the latency table of `mesonero latency`;
//! - [`race`]: the race on `BALANCE`, one row per strategy (table, JSON);
//! - [`export`]: the tables of `compare`, `fetch --compare` and `race` as
//!   JSON, Markdown or CSV files;
//! - [`table`]: tables, as aligned text or as HTML;
//! - [`timeline`]: who waits when: an SVG Gantt chart, a text one, and a
//!   Chrome trace for Perfetto;
//! - [`html`]: the self-contained page of `mesonero report`.
//!
//! Renderers write to any `impl Write`, so tests capture what users see.

pub mod compare;
pub mod export;
pub mod fetch;
pub mod html;
pub mod jsonl;
pub mod latency;
pub mod live;
pub mod log;
pub mod race;
pub mod summary;
pub mod table;
pub mod timeline;

use std::time::Duration;

/// Text from outside (a person's name from a server) made safe to print:
/// each control character shown as its escape (`\u{1b}`), so that no
/// escape sequence rewrites the terminal and no newline forges a line.
pub fn printable(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.chars().any(char::is_control) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut shown = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if c.is_control() {
            shown.extend(c.escape_unicode());
        } else {
            shown.push(c);
        }
    }
    std::borrow::Cow::Owned(shown)
}

/// Restaurant seconds as people read them: at most three decimals, no
/// trailing zeros (`43.8`, `7.5`, `23.612`).
pub fn seconds(d: Duration) -> String {
    let millis = (d.as_nanos() + 500_000) / 1_000_000;
    let text = format!("{}.{:03}", millis / 1000, millis % 1000);
    text.trim_end_matches('0').trim_end_matches('.').to_string()
}

/// Wall time, with a unit chosen for its size: `812 µs`, `4.38 ms`, `7.52 s`.
pub fn wall(d: Duration) -> String {
    let secs = d.as_secs_f64();
    if secs >= 1.0 {
        format!("{secs:.2} s")
    } else if secs >= 1e-3 {
        format!("{:.2} ms", secs * 1e3)
    } else {
        format!("{:.0} µs", secs * 1e6)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seconds_read_like_the_article() {
        assert_eq!(seconds(Duration::from_millis(43_800)), "43.8");
        assert_eq!(seconds(Duration::from_millis(7_500)), "7.5");
        assert_eq!(seconds(Duration::from_secs(4)), "4");
        assert_eq!(seconds(Duration::from_micros(23_612_400)), "23.612");
        assert_eq!(seconds(Duration::from_micros(999_600)), "1");
        assert_eq!(seconds(Duration::ZERO), "0");
    }

    #[test]
    fn control_characters_are_shown_escaped() {
        assert_eq!(printable("Luke Skywalker"), "Luke Skywalker");
        assert_eq!(printable("bad\u{1b}[2J"), "bad\\u{1b}[2J");
        assert_eq!(printable("two\nlines"), "two\\u{a}lines");
    }

    #[test]
    fn wall_time_picks_a_unit() {
        assert_eq!(wall(Duration::from_millis(7_520)), "7.52 s");
        assert_eq!(wall(Duration::from_micros(4_380)), "4.38 ms");
        assert_eq!(wall(Duration::from_micros(812)), "812 µs");
    }
}
