//! The server's settings as people write them on a command line: delays
//! and timeouts (`1s`, `250ms`, or bare seconds as the article writes
//! them), failure rates (`0.1` or `10%`) and the request log (`off`,
//! `all`, `sample=N`).

use std::fmt;
use std::str::FromStr;
use std::time::Duration;

use thiserror::Error;

/// The longest delay accepted: a request that waits longer is a typo.
pub const MAX_DELAY: Duration = Duration::from_secs(3600);

/// A setting that cannot be read.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum OptionError {
    /// Not a duration.
    #[error(
        "'{0}' is not a duration: write seconds (1, 0.25) or a duration with a unit (1s, 250ms)"
    )]
    Duration(String),
    /// A negative duration, or one over [`MAX_DELAY`].
    #[error("'{0}' is out of range: a delay is from 0 to 1h")]
    DurationRange(String),
    /// A timeout of zero, or over [`MAX_DELAY`].
    #[error("'{0}' is out of range: a timeout is more than 0 and at most 1h")]
    TimeoutRange(String),
    /// Not a fraction from 0 to 1.
    #[error(
        "'{0}' is not a failure rate: give a fraction from 0 to 1 (0.1) or a percentage (10%)"
    )]
    FailRate(String),
    /// Not `off`, `all` or `sample=N`.
    #[error("'{0}' is not a request log: give off, all, or sample=N to log one request in N")]
    Log(String),
}

/// Which requests are logged, one line each, through `tracing`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RequestLog {
    /// None: nothing is timed or formatted.
    Off,
    /// One request in N (the first, the N+1-th...), for heavy loads.
    Sampled(u32),
    /// Every request.
    All,
}

impl RequestLog {
    /// Whether request number `n` (from 0) is logged.
    pub fn logs(self, n: u64) -> bool {
        match self {
            RequestLog::Off => false,
            RequestLog::Sampled(every) => n.is_multiple_of(u64::from(every.max(1))),
            RequestLog::All => true,
        }
    }
}

impl FromStr for RequestLog {
    type Err = OptionError;

    fn from_str(text: &str) -> Result<RequestLog, OptionError> {
        let bad = || OptionError::Log(text.to_string());
        match text.trim() {
            "off" | "none" => Ok(RequestLog::Off),
            "all" => Ok(RequestLog::All),
            other => {
                let every = other.strip_prefix("sample=").ok_or_else(bad)?;
                match every.parse::<u32>() {
                    Ok(0) | Err(_) => Err(bad()),
                    Ok(1) => Ok(RequestLog::All),
                    Ok(n) => Ok(RequestLog::Sampled(n)),
                }
            }
        }
    }
}

impl fmt::Display for RequestLog {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RequestLog::Off => write!(f, "off"),
            RequestLog::Sampled(n) => write!(f, "sample={n}"),
            RequestLog::All => write!(f, "all"),
        }
    }
}

/// Reads a delay: bare seconds (`1`, `0.25`) or with a unit (`1s`,
/// `250ms`, `1.5s`, `1m`); from 0 to [`MAX_DELAY`].
pub fn parse_delay(text: &str) -> Result<Duration, OptionError> {
    let trimmed = text.trim();
    // humantime does not read fractions ("1.5s"), so a number with a
    // single unit is read here, and anything else ("1m 30s") by humantime.
    let split = trimmed.trim_end_matches(|c: char| c.is_alphabetic()).len();
    let (number, unit) = trimmed.split_at(split);
    let scale = match unit {
        "" | "s" => Some(1.0),
        "ms" => Some(1e-3),
        "us" | "µs" => Some(1e-6),
        "ns" => Some(1e-9),
        "m" | "min" => Some(60.0),
        "h" => Some(3600.0),
        _ => None,
    };
    let seconds = match (number.trim().parse::<f64>(), scale) {
        (Ok(number), Some(scale)) => number * scale,
        _ => humantime::parse_duration(trimmed)
            .map_err(|_| OptionError::Duration(text.to_string()))?
            .as_secs_f64(),
    };
    if seconds.is_nan() {
        return Err(OptionError::Duration(text.to_string()));
    }
    if !(0.0..=MAX_DELAY.as_secs_f64()).contains(&seconds) {
        return Err(OptionError::DurationRange(text.to_string()));
    }
    Ok(Duration::from_secs_f64(seconds))
}

/// Reads a timeout as [`parse_delay`] reads a delay, refusing zero, which
/// would close every connection before its first byte.
pub fn parse_timeout(text: &str) -> Result<Duration, OptionError> {
    match parse_delay(text) {
        Ok(timeout) if !timeout.is_zero() => Ok(timeout),
        Ok(_) | Err(OptionError::DurationRange(_)) => {
            Err(OptionError::TimeoutRange(text.to_string()))
        }
        Err(e) => Err(e),
    }
}

/// Reads a failure rate: a fraction (`0.1`) or a percentage (`10%`), from
/// 0 to 1.
pub fn parse_fail_rate(text: &str) -> Result<f64, OptionError> {
    let trimmed = text.trim();
    let rate = match trimmed.strip_suffix('%') {
        Some(percent) => percent.trim().parse::<f64>().map(|p| p / 100.0),
        None => trimmed.parse::<f64>(),
    };
    match rate {
        Ok(rate) if (0.0..=1.0).contains(&rate) => Ok(rate),
        _ => Err(OptionError::FailRate(text.to_string())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delays_read_as_the_article_and_humantime_write_them() {
        let ms = Duration::from_millis;
        for (text, expected) in [
            ("0", ms(0)),
            ("1", ms(1000)),
            ("0.25", ms(250)),
            ("1s", ms(1000)),
            ("250ms", ms(250)),
            ("1.5s", ms(1500)),
            ("1m", ms(60_000)),
            ("1m 30s", ms(90_000)),
        ] {
            assert_eq!(parse_delay(text), Ok(expected), "{text}");
        }
        for bad in ["", "fast", "-1", "1 week", "2h", "nan", "inf", "1xs"] {
            assert!(parse_delay(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn timeouts_are_delays_but_never_zero() {
        assert_eq!(parse_timeout("250ms"), Ok(Duration::from_millis(250)));
        assert_eq!(parse_timeout("1h"), Ok(Duration::from_secs(3600)));
        for bad in ["0", "0s", "-1", "2h"] {
            assert_eq!(
                parse_timeout(bad),
                Err(OptionError::TimeoutRange(bad.to_string())),
                "{bad}"
            );
        }
        assert!(matches!(
            parse_timeout("soon"),
            Err(OptionError::Duration(_))
        ));
    }

    #[test]
    fn fail_rates_are_fractions_or_percentages() {
        assert_eq!(parse_fail_rate("0"), Ok(0.0));
        assert_eq!(parse_fail_rate("1"), Ok(1.0));
        assert_eq!(parse_fail_rate("0.1"), Ok(0.1));
        assert_eq!(parse_fail_rate("25%"), Ok(0.25));
        for bad in ["2", "-0.1", "101%", "nan", "often", ""] {
            assert!(parse_fail_rate(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn request_logs_read_and_sample() {
        assert_eq!("off".parse(), Ok(RequestLog::Off));
        assert_eq!("all".parse(), Ok(RequestLog::All));
        assert_eq!("sample=1".parse(), Ok(RequestLog::All));
        assert_eq!("sample=100".parse(), Ok(RequestLog::Sampled(100)));
        for bad in ["sample=0", "sample=", "some", "sample=-1"] {
            assert!(bad.parse::<RequestLog>().is_err(), "{bad}");
        }
        let logged: Vec<u64> = (0..25)
            .filter(|&n| RequestLog::Sampled(10).logs(n))
            .collect();
        assert_eq!(logged, vec![0, 10, 20]);
        assert!(!RequestLog::Off.logs(0));
        assert_eq!(RequestLog::Sampled(7).to_string(), "sample=7");
    }
}
