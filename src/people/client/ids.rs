//! Which people to fetch: `--ids 1-9`, `--ids 1,4,7`, or both mixed
//! (`--ids 1-3,7`).

use thiserror::Error;

/// The most ids one run may ask for, so that a typo (`1-1000000000`) fails
/// with a message instead of exhausting memory.
pub const MAX_IDS: u64 = 10_000_000;

/// A `--ids` value that cannot be read.
#[derive(Debug, Error, PartialEq, Eq)]
pub enum IdsError {
    /// A part that is not a number or a range.
    #[error("--ids: '{0}' is not an id or a range; write ids as 1-9 or 1,4,7")]
    NotAnId(String),
    /// Id 0: swapi's ids start at 1.
    #[error("--ids: ids start at 1, not 0")]
    Zero,
    /// A range written backwards.
    #[error("--ids: the range {0}-{1} is backwards; write {1}-{0}")]
    Backwards(u64, u64),
    /// Nothing at all.
    #[error("--ids: no ids given")]
    Empty,
    /// Far too many.
    #[error("--ids: {0} ids is more than the {MAX_IDS} a run may fetch")]
    TooMany(u64),
}

/// Reads `1-9`, `1,4,7` or `1-3,7` into the ids, in the order written.
/// Repeated ids are kept: fetching a person twice is a fair request.
pub fn parse(text: &str) -> Result<Vec<u64>, IdsError> {
    let mut ranges = Vec::new();
    let mut total: u64 = 0;
    for part in text.split(',').map(str::trim) {
        if part.is_empty() {
            continue;
        }
        let number = |s: &str| -> Result<u64, IdsError> {
            match s.trim().parse::<u64>() {
                Ok(0) => Err(IdsError::Zero),
                Ok(n) => Ok(n),
                Err(_) => Err(IdsError::NotAnId(part.to_string())),
            }
        };
        let (first, last) = match part.split_once('-') {
            Some((a, b)) => (number(a)?, number(b)?),
            None => {
                let n = number(part)?;
                (n, n)
            }
        };
        if last < first {
            return Err(IdsError::Backwards(first, last));
        }
        total = total.saturating_add(last - first + 1);
        if total > MAX_IDS {
            return Err(IdsError::TooMany(total));
        }
        ranges.push(first..=last);
    }
    if ranges.is_empty() {
        return Err(IdsError::Empty);
    }
    Ok(ranges.into_iter().flatten().collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_lists_and_both() {
        assert_eq!(parse("1-9").unwrap(), (1..=9).collect::<Vec<_>>());
        assert_eq!(parse("1,4,7").unwrap(), vec![1, 4, 7]);
        assert_eq!(parse(" 1-3, 7 ,7").unwrap(), vec![1, 2, 3, 7, 7]);
    }

    #[test]
    fn bad_ids_say_what_is_wrong() {
        assert_eq!(parse("a-9"), Err(IdsError::NotAnId("a-9".into())));
        assert_eq!(parse("0-9"), Err(IdsError::Zero));
        assert_eq!(parse("9-1"), Err(IdsError::Backwards(9, 1)));
        assert_eq!(parse(","), Err(IdsError::Empty));
        assert_eq!(parse("1-100000000"), Err(IdsError::TooMany(100_000_000)));
        assert_eq!(parse("-5"), Err(IdsError::NotAnId("-5".into())));
        assert_eq!(
            parse("9-1").unwrap_err().to_string(),
            "--ids: the range 9-1 is backwards; write 1-9"
        );
    }
}
