//! Preparation times as people write them: bare seconds as the article does
//! (`7.5`), or with a unit (`"7.5s"`, `"250ms"`, `"1m"`).
//!
//! A product's work has two parts (see [`Part`]): the kitchen's wait and
//! the waiter's own CPU time. Both are read and checked here, with the
//! same units and limits; only a product's plain preparation time must be
//! positive, since a part of a product written as a table may be 0.
//!
//! Restaurant time has a resolution of one millisecond, the resolution of
//! tokio's timer, so that the async model on the virtual clock lands on
//! exactly the same instants as the threaded models.

use std::time::Duration;

use super::{WorkloadError, MAX_PREPARATION};

/// Which part of a product's work a duration is, for the words of messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part {
    /// The kitchen's part: the time the waiter waits (`wait`).
    Preparation,
    /// The waiter's own part: time on a CPU core (`cpu`).
    Cpu,
}

impl Part {
    /// The part's name in messages.
    pub fn name(self) -> &'static str {
        match self {
            Part::Preparation => "preparation time",
            Part::Cpu => "CPU time",
        }
    }
}

/// Parses a duration written with a unit, such as `7.5s`, `250ms` or `1m`.
/// A bare number is read as seconds, as the article writes them.
pub fn parse(product: &str, text: &str) -> Result<Duration, WorkloadError> {
    positive(product, parse_part(product, Part::Preparation, text)?)
}

/// Parses one part of a product's work, as [`parse`] does, but 0 is
/// allowed: a product may have no CPU time, or nothing but CPU time.
pub fn parse_part(product: &str, part: Part, text: &str) -> Result<Duration, WorkloadError> {
    let text = text.trim();
    if let Ok(seconds) = text.parse::<f64>() {
        return part_from_seconds(product, part, seconds);
    }
    // humantime does not take fractions ("7.5s"), which the article's menu
    // needs; split number and unit here and let humantime handle the rest.
    // The unit is the trailing run of letters, so "1e9s" is 1e9 seconds.
    let split = text.trim_end_matches(|c: char| c.is_alphabetic()).len();
    let (number, unit) = text.split_at(split);
    let scale = match unit.trim() {
        "ns" => Some(1e-9),
        "us" | "µs" => Some(1e-6),
        "ms" => Some(1e-3),
        "s" | "sec" | "secs" | "seg" => Some(1.0),
        "m" | "min" | "mins" => Some(60.0),
        "h" | "hr" | "hrs" => Some(3600.0),
        _ => None,
    };
    match (number.trim().parse::<f64>(), scale) {
        (Ok(number), Some(scale)) => part_from_seconds(product, part, number * scale),
        // Anything else ("1m 30s", "2 days") is humantime's to read.
        _ => humantime::parse_duration(text)
            .map_err(|e| bad(product, format!("cannot read '{text}' as a duration ({e}); write it as 7.5, \"7.5s\" or \"250ms\"")))
            .and_then(|d| check_part(product, part, d).map(|()| d)),
    }
}

/// Converts a number of seconds, as the article writes them, checking it.
pub fn from_seconds(product: &str, seconds: f64) -> Result<Duration, WorkloadError> {
    if seconds == 0.0 {
        return positive(product, Duration::ZERO);
    }
    part_from_seconds(product, Part::Preparation, seconds)
}

/// Converts a number of seconds for one part of a product's work, which
/// may be 0.
pub fn part_from_seconds(
    product: &str,
    part: Part,
    seconds: f64,
) -> Result<Duration, WorkloadError> {
    let what = part.name();
    if seconds.is_nan() {
        return Err(bad(product, format!("the {what} is not a number (NaN)")));
    }
    if seconds < 0.0 {
        return Err(bad(
            product,
            format!("the {what} must be positive, not {seconds}"),
        ));
    }
    if seconds > MAX_PREPARATION.as_secs_f64() {
        return Err(bad(
            product,
            format!("a {what} of {seconds} s is longer than a day; is it a typo?"),
        ));
    }
    let millis = seconds * 1000.0;
    // Whole milliseconds only; 1.2 s is 1199.9999999999998 ms in binary, so
    // allow for float noise before calling a value fractional.
    if (millis - millis.round()).abs() > 1e-6 {
        return Err(bad(
            product,
            format!("{seconds} s is finer than the restaurant's resolution of 1 ms"),
        ));
    }
    let d = Duration::from_millis(millis.round() as u64);
    check_part(product, part, d)?;
    Ok(d)
}

/// Checks a preparation time: positive, at most a day, whole milliseconds.
pub fn check(product: &str, d: Duration) -> Result<(), WorkloadError> {
    positive(product, d)?;
    check_part(product, Part::Preparation, d)
}

/// Checks one part of a product's work: at most a day, whole milliseconds.
pub fn check_part(product: &str, part: Part, d: Duration) -> Result<(), WorkloadError> {
    if d > MAX_PREPARATION {
        return Err(bad(
            product,
            format!(
                "a {} of {} is longer than a day; is it a typo?",
                part.name(),
                humantime::format_duration(d)
            ),
        ));
    }
    if !d.subsec_nanos().is_multiple_of(1_000_000) {
        return Err(bad(
            product,
            format!("{d:?} is finer than the restaurant's resolution of 1 ms"),
        ));
    }
    Ok(())
}

/// `d`, refused if it is 0: a plain preparation time must be positive.
fn positive(product: &str, d: Duration) -> Result<Duration, WorkloadError> {
    if d.is_zero() {
        return Err(bad(
            product,
            "the preparation time must be positive, not 0".into(),
        ));
    }
    Ok(d)
}

/// Seconds as the article prints them: `7.5`, `4`, `1.2`.
pub fn seconds(d: Duration) -> String {
    format!("{}", d.as_secs_f64())
}

fn bad(product: &str, problem: String) -> WorkloadError {
    WorkloadError::BadDuration {
        product: product.to_string(),
        problem,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_bare_seconds_and_units() {
        assert_eq!(parse("x", "7.5").unwrap(), Duration::from_millis(7500));
        assert_eq!(parse("x", "7.5s").unwrap(), Duration::from_millis(7500));
        assert_eq!(parse("x", "250ms").unwrap(), Duration::from_millis(250));
        assert_eq!(parse("x", "1m").unwrap(), Duration::from_secs(60));
        assert_eq!(parse("x", "1m 30s").unwrap(), Duration::from_secs(90));
        assert_eq!(from_seconds("x", 1.2).unwrap(), Duration::from_millis(1200));
    }

    #[test]
    fn refuses_what_cannot_be_a_preparation_time() {
        for text in [
            "-1", "0", "NaN", "inf", "2d", "abc", "1.0001s", "10us", "", "1e9s",
        ] {
            assert!(parse("soda", text).is_err(), "{text} should be refused");
        }
        let err = parse("soda", "-1").unwrap_err().to_string();
        assert_eq!(err, "'soda': the preparation time must be positive, not -1");
    }

    #[test]
    fn exponents_are_numbers_not_units() {
        assert_eq!(parse("x", "1e3ms").unwrap(), Duration::from_secs(1));
        let err = parse("x", "1e9s").unwrap_err().to_string();
        assert_eq!(
            err,
            "'x': a preparation time of 1000000000 s is longer than a day; is it a typo?"
        );
    }

    #[test]
    fn prints_seconds_as_the_article_does() {
        assert_eq!(seconds(Duration::from_millis(7500)), "7.5");
        assert_eq!(seconds(Duration::from_secs(4)), "4");
        assert_eq!(seconds(Duration::from_millis(1200)), "1.2");
    }
}
