//! A JSON value kept as a server sent it: every key of every object, in
//! the order it came, so that `--output` writes a person the way the API
//! wrote it, whatever fields that API has.
//!
//! `serde_json::Value` would do, but without the crate-wide
//! `preserve_order` feature its objects sort their keys, and turning that
//! feature on would reorder every other JSON object the program writes.
//! Numbers are kept as `serde_json` reads them: `172` stays `172`, while
//! `1.50` is written back as `1.5`.

use std::fmt;

use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::ser::{Serialize, SerializeMap, SerializeSeq, Serializer};
use serde_json::Number;

/// A JSON value as received.
#[derive(Debug, Clone, PartialEq)]
pub enum Received {
    /// `null`.
    Null,
    /// `true` or `false`.
    Bool(bool),
    /// A number.
    Number(Number),
    /// A string.
    String(String),
    /// An array.
    Array(Vec<Received>),
    /// An object: its keys and values in the order received, a key given
    /// twice kept twice.
    Object(Vec<(String, Received)>),
}

impl Received {
    /// What kind of value this is, for messages: `a string`, `an array`.
    pub fn kind(&self) -> &'static str {
        match self {
            Received::Null => "null",
            Received::Bool(_) => "a boolean",
            Received::Number(_) => "a number",
            Received::String(_) => "a string",
            Received::Array(_) => "an array",
            Received::Object(_) => "an object",
        }
    }
}

impl Serialize for Received {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Received::Null => serializer.serialize_unit(),
            Received::Bool(b) => serializer.serialize_bool(*b),
            Received::Number(n) => n.serialize(serializer),
            Received::String(s) => serializer.serialize_str(s),
            Received::Array(items) => {
                let mut seq = serializer.serialize_seq(Some(items.len()))?;
                for item in items {
                    seq.serialize_element(item)?;
                }
                seq.end()
            }
            Received::Object(entries) => serialize_entries(entries, serializer),
        }
    }
}

/// Writes `entries` as one JSON object, in their order.
pub fn serialize_entries<S: Serializer>(
    entries: &[(String, Received)],
    serializer: S,
) -> Result<S::Ok, S::Error> {
    let mut map = serializer.serialize_map(Some(entries.len()))?;
    for (key, value) in entries {
        map.serialize_entry(key, value)?;
    }
    map.end()
}

impl<'de> Deserialize<'de> for Received {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Received, D::Error> {
        // serde_json stops nesting deeper than 128 levels, so this
        // recursion cannot overflow the stack.
        deserializer.deserialize_any(ReceivedVisitor)
    }
}

struct ReceivedVisitor;

impl<'de> Visitor<'de> for ReceivedVisitor {
    type Value = Received;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_unit<E>(self) -> Result<Received, E> {
        Ok(Received::Null)
    }

    fn visit_bool<E>(self, b: bool) -> Result<Received, E> {
        Ok(Received::Bool(b))
    }

    fn visit_i64<E>(self, n: i64) -> Result<Received, E> {
        Ok(Received::Number(n.into()))
    }

    fn visit_u64<E>(self, n: u64) -> Result<Received, E> {
        Ok(Received::Number(n.into()))
    }

    fn visit_f64<E: de::Error>(self, n: f64) -> Result<Received, E> {
        // JSON has no NaN or infinity; a deserializer that made one up
        // is refused rather than written back as something else.
        Number::from_f64(n)
            .map(Received::Number)
            .ok_or_else(|| E::custom(format!("{n} is not a JSON number")))
    }

    fn visit_str<E>(self, s: &str) -> Result<Received, E> {
        Ok(Received::String(s.to_string()))
    }

    fn visit_string<E>(self, s: String) -> Result<Received, E> {
        Ok(Received::String(s))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Received, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element()? {
            items.push(item);
        }
        Ok(Received::Array(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Received, A::Error> {
        let mut entries = Vec::new();
        while let Some(entry) = map.next_entry()? {
            entries.push(entry);
        }
        Ok(Received::Object(entries))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn round_trip(text: &str) -> String {
        let value: Received = serde_json::from_str(text).unwrap();
        serde_json::to_string(&value).unwrap()
    }

    #[test]
    fn keys_keep_their_order_at_every_depth() {
        let text = r#"{"z":1,"a":{"y":[true,null,"s"],"b":-2},"m":2.5}"#;
        assert_eq!(round_trip(text), text);
    }

    #[test]
    fn whitespace_goes_and_values_stay() {
        let text = "{\n  \"name\": \"Luke\",\n  \"height\": 172,\n  \"mass\": 1.50\n}";
        assert_eq!(
            round_trip(text),
            r#"{"name":"Luke","height":172,"mass":1.5}"#
        );
    }

    #[test]
    fn a_key_given_twice_is_kept_twice() {
        assert_eq!(round_trip(r#"{"a":1,"a":2}"#), r#"{"a":1,"a":2}"#);
    }

    #[test]
    fn kinds_read_as_english() {
        let kind = |text| serde_json::from_str::<Received>(text).unwrap().kind();
        assert_eq!(kind("[]"), "an array");
        assert_eq!(kind("172"), "a number");
        assert_eq!(kind("null"), "null");
    }

    #[test]
    fn nesting_past_serde_jsons_limit_is_an_error_not_a_crash() {
        let deep = "[".repeat(100_000);
        assert!(serde_json::from_str::<Received>(&deep).is_err());
    }
}
