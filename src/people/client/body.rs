//! Reading a response body with a cap on its size, chunk by chunk, so
//! that a server sending an endless or enormous body costs at most the cap
//! in memory, and the id fails with the reason as soon as the cap is passed.
//!
//! Sizes are written `1MB`, `512KB`, `64KiB` or a number of bytes; `KB`,
//! `MB` and `GB` are powers of 1000, `KiB`, `MiB` and `GiB` powers of 1024.

use std::io::Read;
use std::time::Duration;

use super::Failure;

/// The default cap on a response body: 1 MB, some thousand times a person.
pub const DEFAULT_MAX_BODY: u64 = 1_000_000;

/// The largest cap `--max-body` accepts: 1 GB.
pub const LARGEST_MAX_BODY: u64 = 1_000_000_000;

/// Units of a size, longest names first so that `kib` is not read as `k`.
const UNITS: [(&str, u64); 11] = [
    ("kib", 1 << 10),
    ("mib", 1 << 20),
    ("gib", 1 << 30),
    ("kb", 1_000),
    ("mb", 1_000_000),
    ("gb", 1_000_000_000),
    ("k", 1_000),
    ("m", 1_000_000),
    ("g", 1_000_000_000),
    ("b", 1),
    ("", 1),
];

/// Reads a size such as `1MB`, `512KB`, `1.5 MiB` or `2000`, from 1 byte
/// to [`LARGEST_MAX_BODY`].
pub fn parse_size(text: &str) -> Result<u64, String> {
    let range = format!(
        "give a size from 1 byte to {}, such as 1MB, 512KB or 2000",
        format_size(LARGEST_MAX_BODY)
    );
    let lower = text.trim().to_ascii_lowercase();
    let (number, unit) = UNITS
        .iter()
        .find_map(|&(name, unit)| Some((lower.strip_suffix(name)?, unit)))
        .unwrap_or((lower.as_str(), 1));
    let Ok(number) = number.trim().parse::<f64>() else {
        return Err(format!("'{text}' is not a size: {range}"));
    };
    let bytes = (number * unit as f64).round();
    if !(1.0..=LARGEST_MAX_BODY as f64).contains(&bytes) {
        return Err(format!("'{text}' is out of range: {range}"));
    }
    // The range check above makes this conversion exact.
    Ok(bytes as u64)
}

/// A size in the largest unit that writes it exactly: `1 MB`, `64 KiB`,
/// `1500 bytes`.
pub fn format_size(bytes: u64) -> String {
    let named = [
        ("GB", 1_000_000_000),
        ("MB", 1_000_000),
        ("KB", 1_000),
        ("GiB", 1 << 30),
        ("MiB", 1 << 20),
        ("KiB", 1 << 10),
    ];
    match named
        .iter()
        .find(|&&(_, unit)| bytes >= unit && bytes.is_multiple_of(unit))
    {
        Some((name, unit)) => format!("{} {name}", bytes / unit),
        None if bytes == 1 => "1 byte".into(),
        None => format!("{bytes} bytes"),
    }
}

/// The whole body of a blocking response, if it is at most `max` bytes.
pub fn read_blocking(
    mut response: reqwest::blocking::Response,
    max: u64,
    timeout: Duration,
) -> Result<Vec<u8>, Failure> {
    if response.content_length().is_some_and(|n| n > max) {
        return Err(Failure::TooLarge(max));
    }
    let mut body = Vec::new();
    // One byte more than allowed tells a body at the cap from one past
    // it; `take` reads no further, so memory stays at the cap.
    let read = (&mut response)
        .take(max.saturating_add(1))
        .read_to_end(&mut body);
    match read {
        Ok(_) if body.len() as u64 > max => Err(Failure::TooLarge(max)),
        Ok(_) => Ok(body),
        // The blocking client's read errors are its own errors inside an
        // io::Error; they say whether it was the timeout.
        Err(e) => Err(match e.get_ref().and_then(|r| r.downcast_ref()) {
            Some(error) => Failure::from_reqwest(error, timeout),
            None => Failure::Connection(e.to_string()),
        }),
    }
}

/// The whole body of an async response, if it is at most `max` bytes.
pub async fn read_async(
    mut response: reqwest::Response,
    max: u64,
    timeout: Duration,
) -> Result<Vec<u8>, Failure> {
    if response.content_length().is_some_and(|n| n > max) {
        return Err(Failure::TooLarge(max));
    }
    let mut body = Vec::new();
    // Chunk by chunk, as they arrive: each `.await` lets other requests
    // run, and the cap is checked before a chunk is kept.
    while let Some(chunk) = response
        .chunk()
        .await
        .map_err(|e| Failure::from_reqwest(&e, timeout))?
    {
        if (body.len() + chunk.len()) as u64 > max {
            return Err(Failure::TooLarge(max));
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_in_decimal_and_binary_units() {
        assert_eq!(parse_size("1MB"), Ok(1_000_000));
        assert_eq!(parse_size("512KB"), Ok(512_000));
        assert_eq!(parse_size("512kb"), Ok(512_000));
        assert_eq!(parse_size("64 KiB"), Ok(65_536));
        assert_eq!(parse_size("1.5MiB"), Ok(1_572_864));
        assert_eq!(parse_size("2000"), Ok(2000));
        assert_eq!(parse_size("2000B"), Ok(2000));
        assert_eq!(parse_size("1GB"), Ok(LARGEST_MAX_BODY));
    }

    #[test]
    fn bad_sizes_say_the_range() {
        for bad in ["0", "0.4", "-1", "2GB", "1e300", "lots", "MB", "nan", ""] {
            let err = parse_size(bad).unwrap_err();
            assert!(err.contains("from 1 byte to 1 GB"), "{bad}: {err}");
        }
    }

    #[test]
    fn sizes_print_in_the_unit_that_fits() {
        assert_eq!(format_size(DEFAULT_MAX_BODY), "1 MB");
        assert_eq!(format_size(512_000), "512 KB");
        assert_eq!(format_size(65_536), "64 KiB");
        assert_eq!(format_size(1999), "1999 bytes");
        assert_eq!(format_size(1), "1 byte");
    }
}
