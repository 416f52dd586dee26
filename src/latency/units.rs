//! Lengths of time with a unit chosen for their size, from nanoseconds to
//! years.
//!
//! The latency table spans nine orders of magnitude, and its human-scale
//! version spans seconds to years, so no single unit reads well. A [`Span`]
//! is a length of time in seconds, as `f64` because scaled times can reach
//! far past what [`std::time::Duration`] holds comfortably; [`Span::machine`]
//! writes it the way a latency is written (`0.5 ns`, `150 µs`, `20 ms`) and
//! [`Span::human`] the way a person talks about a wait (`100 s`, `50 min`,
//! `11.6 days`, `16.5 weeks`).

use std::fmt;

use super::Lang;

/// A unit of time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    /// 10⁻⁹ s.
    Nanoseconds,
    /// 10⁻⁶ s.
    Microseconds,
    /// 10⁻³ s.
    Milliseconds,
    /// The SI second.
    Seconds,
    /// 60 s.
    Minutes,
    /// 3,600 s.
    Hours,
    /// 86,400 s.
    Days,
    /// 7 days.
    Weeks,
    /// A twelfth of an average Gregorian year: 30.436875 days.
    Months,
    /// An average Gregorian year: 365.2425 days.
    Years,
}

const DAY: f64 = 86_400.0;
const YEAR: f64 = 365.2425 * DAY;

impl Unit {
    /// How many seconds one of this unit lasts.
    pub fn seconds(self) -> f64 {
        match self {
            Unit::Nanoseconds => 1e-9,
            Unit::Microseconds => 1e-6,
            Unit::Milliseconds => 1e-3,
            Unit::Seconds => 1.0,
            Unit::Minutes => 60.0,
            Unit::Hours => 3_600.0,
            Unit::Days => DAY,
            Unit::Weeks => 7.0 * DAY,
            Unit::Months => YEAR / 12.0,
            Unit::Years => YEAR,
        }
    }

    /// The unit's name after a number: a symbol for the short units, a
    /// word for the long ones, singular when `one` is true.
    pub fn name(self, lang: Lang, one: bool) -> &'static str {
        let (en, en_one, es, es_one) = match self {
            Unit::Nanoseconds => ("ns", "ns", "ns", "ns"),
            Unit::Microseconds => ("µs", "µs", "µs", "µs"),
            Unit::Milliseconds => ("ms", "ms", "ms", "ms"),
            Unit::Seconds => ("s", "s", "s", "s"),
            Unit::Minutes => ("min", "min", "min", "min"),
            Unit::Hours => ("hours", "hour", "horas", "hora"),
            Unit::Days => ("days", "day", "días", "día"),
            Unit::Weeks => ("weeks", "week", "semanas", "semana"),
            Unit::Months => ("months", "month", "meses", "mes"),
            Unit::Years => ("years", "year", "años", "año"),
        };
        match (lang, one) {
            (Lang::En, false) => en,
            (Lang::En, true) => en_one,
            (Lang::Es, false) => es,
            (Lang::Es, true) => es_one,
        }
    }
}

/// A length of time, in seconds.
#[derive(Debug, Clone, Copy, PartialEq, PartialOrd)]
pub struct Span(f64);

impl Span {
    /// A span of `secs` seconds.
    pub fn from_secs(secs: f64) -> Span {
        Span(secs)
    }

    /// A span of `nanos` nanoseconds.
    pub fn from_nanos(nanos: f64) -> Span {
        // Dividing, not multiplying by 1e-9 (which is not exact in binary),
        // keeps 0.5 ns at 0.5e-9 s exactly as typed.
        Span(nanos / 1e9)
    }

    /// The span in seconds.
    pub fn as_secs(self) -> f64 {
        self.0
    }

    /// The span in nanoseconds.
    pub fn as_nanos(self) -> f64 {
        self.0 * 1e9
    }

    /// The unit a latency is written in: the largest of ns, µs, ms and s
    /// of which the span holds at least a half, so that 500,000 ns reads
    /// `0.5 ms` and 250,000 ns `250 µs`, as in the article.
    pub fn machine_unit(self) -> Unit {
        let secs = self.0.abs();
        if secs < 0.5e-6 {
            Unit::Nanoseconds
        } else if secs < 0.5e-3 {
            Unit::Microseconds
        } else if secs < 0.5 {
            Unit::Milliseconds
        } else {
            Unit::Seconds
        }
    }

    /// The unit a person would say this wait in. Each unit covers the
    /// range where it reads naturally, the way the article writes its
    /// human-scale table: seconds up to two minutes ("100 s"), minutes up
    /// to two hours ("50 min"), hours up to a day, days up to two weeks
    /// ("11.6 days"), weeks up to half a year ("16.5 weeks"), months up to
    /// a year, then years. Under a tenth of a second, as with a small
    /// `--scale`, it falls back to the latency units.
    pub fn human_unit(self) -> Unit {
        let secs = self.0.abs();
        if secs < 0.1 {
            self.machine_unit()
        } else if secs < 120.0 {
            Unit::Seconds
        } else if secs < 2.0 * 3_600.0 {
            Unit::Minutes
        } else if secs < DAY {
            Unit::Hours
        } else if secs < 14.0 * DAY {
            Unit::Days
        } else if secs < YEAR / 2.0 {
            Unit::Weeks
        } else if secs < YEAR {
            Unit::Months
        } else {
            Unit::Years
        }
    }

    /// The span in `unit`, written for people: `0.5 ns`, `3 µs`, `150 ms`.
    pub fn in_unit(self, unit: Unit, lang: Lang) -> String {
        let number = number(self.0 / unit.seconds());
        let one = number == "1";
        format!("{number} {}", unit.name(lang, one))
    }

    /// The span as a latency: `0.5 ns`, `20 µs`, `150 ms`.
    pub fn machine(self) -> String {
        // Symbols are the same in every language.
        self.in_unit(self.machine_unit(), Lang::En)
    }

    /// The span as a wait people live through: `0.5 s`, `50 min`,
    /// `1.7 days`, `4.8 years`.
    pub fn human(self, lang: Lang) -> String {
        self.in_unit(self.human_unit(), lang)
    }
}

impl fmt::Display for Span {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.machine())
    }
}

/// A number with the precision a table needs and no more: whole from 100
/// on (`150`), one decimal from 1 (`11.6`, `5`), two significant digits
/// below 1 (`0.5`, `0.25`, `0.031`); trailing zeros dropped.
pub fn number(value: f64) -> String {
    if !value.is_finite() {
        return value.to_string();
    }
    let magnitude = value.abs();
    let decimals = if magnitude >= 100.0 || magnitude == 0.0 {
        0
    } else if magnitude >= 1.0 {
        1
    } else {
        // Two significant digits: 0.5 -> 2 decimals, 0.031 -> 3.
        (1 - magnitude.log10().floor() as i32).clamp(1, 15) as usize
    };
    let text = format!("{value:.decimals$}");
    if text.contains('.') {
        text.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_keep_the_precision_a_table_needs() {
        assert_eq!(number(0.5), "0.5");
        assert_eq!(number(0.25), "0.25");
        assert_eq!(number(0.0312), "0.031");
        assert_eq!(number(1.0), "1");
        assert_eq!(number(5.5556), "5.6");
        assert_eq!(number(11.574), "11.6");
        assert_eq!(number(99.96), "100");
        assert_eq!(number(150.4), "150");
        assert_eq!(number(0.0), "0");
        assert_eq!(number(123_456.7), "123457");
    }

    #[test]
    fn latencies_are_written_in_ns_us_ms_and_s() {
        let cases = [
            (0.5, "0.5 ns"),
            (7.0, "7 ns"),
            (100.0, "100 ns"),
            (999.0, "1 µs"),
            (1_000.0, "1 µs"),
            (3_000.0, "3 µs"),
            (150_000.0, "150 µs"),
            (500_000.0, "0.5 ms"),
            (1_000_000.0, "1 ms"),
            (150_000_000.0, "150 ms"),
            (2_500_000_000.0, "2.5 s"),
        ];
        for (nanos, text) in cases {
            assert_eq!(Span::from_nanos(nanos).machine(), text, "{nanos} ns");
        }
        assert_eq!(Span::from_nanos(250_000.0).machine(), "250 µs");
        assert_eq!(Span::from_nanos(499.0).machine(), "499 ns");
        assert_eq!(Span::from_nanos(600.0).machine(), "0.6 µs");
    }

    #[test]
    fn human_units_follow_the_articles_choices() {
        let cases = [
            (0.5, Unit::Seconds),
            (100.0, Unit::Seconds),
            (120.0, Unit::Minutes),
            (3_000.0, Unit::Minutes),
            (20_000.0, Unit::Hours),
            (150_000.0, Unit::Days),
            (1_000_000.0, Unit::Days),
            (10_000_000.0, Unit::Weeks),
            (20_000_000.0, Unit::Months),
            (150_000_000.0, Unit::Years),
            (0.05, Unit::Milliseconds),
        ];
        for (secs, unit) in cases {
            assert_eq!(Span::from_secs(secs).human_unit(), unit, "{secs} s");
        }
    }

    #[test]
    fn human_times_read_in_both_languages() {
        let span = Span::from_secs(1e6);
        assert_eq!(span.human(Lang::En), "11.6 days");
        assert_eq!(span.human(Lang::Es), "11.6 días");
        assert_eq!(Span::from_secs(DAY).human(Lang::En), "1 day");
        assert_eq!(Span::from_secs(DAY).human(Lang::Es), "1 día");
        assert_eq!(Span::from_secs(2e7).human(Lang::Es), "7.6 meses");
        assert_eq!(Span::from_secs(1.5e8).human(Lang::Es), "4.8 años");
        assert_eq!(Span::from_secs(3_000.0).human(Lang::Es), "50 min");
        assert_eq!(Span::from_secs(5e-4).human(Lang::En), "0.5 ms");
    }
}
