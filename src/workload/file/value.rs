//! The deserializers both formats share: the menu as [`Entries`] in the
//! order the parser hands them over, and a product's work as a [`Value`]
//! that takes whatever was written, so that a wrong type is reported as a
//! workload error on the product's line rather than as a parser's message.
//!
//! A product's work is a preparation time (`burger = 7.5`), pure waiting as
//! in the article, or a table of its parts (`photo = { cpu = "1s" }`,
//! `soup = { wait = "2s", cpu = "250ms" }`): the kitchen's wait, then the
//! waiter's CPU time.

use std::fmt;
use std::marker::PhantomData;
use std::time::Duration;

use serde::de::{self, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;

use super::Format;
use crate::workload::duration::{self, Part};
use crate::workload::WorkloadError;

/// A menu: its entries in the order the deserializer hands them over.
///
/// `serde_json` hands them in file order, which a map would lose (it is not
/// built with `preserve_order`). `toml` hands them sorted by key whatever
/// the type, so its values are [`Spanned`](::toml::Spanned) and the TOML
/// reader sorts them back into file order by position.
pub(super) struct Entries<V>(pub(super) Vec<(String, V)>);

impl<'de, V: Deserialize<'de>> Deserialize<'de> for Entries<V> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct EntriesVisitor<V>(PhantomData<V>);

        impl<'de, V: Deserialize<'de>> Visitor<'de> for EntriesVisitor<V> {
            type Value = Entries<V>;

            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("the menu: product names with their preparation times")
            }

            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut entries = Vec::with_capacity(map.size_hint().unwrap_or(0));
                while let Some(entry) = map.next_entry::<String, V>()? {
                    entries.push(entry);
                }
                Ok(Entries(entries))
            }
        }

        deserializer.deserialize_map(EntriesVisitor(PhantomData))
    }
}

/// The keys a product's table may have, each a part of its work, in the
/// order its work happens.
pub(super) const PARTS: [(&str, Part); 2] = [("wait", Part::Preparation), ("cpu", Part::Cpu)];

/// A product's work as written, before checking.
pub(super) enum Value {
    /// A bare number: seconds, as the article writes them.
    Seconds(f64),
    /// A string, with a unit or without.
    Text(String),
    /// A table of the work's parts, by key, as written.
    Parts(Vec<(String, Value)>),
    /// Something that cannot be a preparation time.
    Other(Kind),
}

/// What a preparation time was written as, when it is not one.
#[derive(Clone, Copy)]
pub(super) enum Kind {
    Bool,
    Table,
    Array,
    Date,
    Null,
}

/// A product's work, checked: the kitchen's wait, then the CPU time.
pub(super) struct Work {
    /// The kitchen's part.
    pub(super) preparation: Duration,
    /// The waiter's own part.
    pub(super) cpu: Duration,
}

impl Value {
    /// The work of `product`, checked; `format` names a table in the words
    /// of the file's format.
    pub(super) fn work(&self, product: &str, format: Format) -> Result<Work, WorkloadError> {
        let preparation = match self {
            Value::Parts(parts) => return parts_of(parts, product, format),
            Value::Seconds(seconds) => duration::from_seconds(product, *seconds),
            Value::Text(text) => duration::parse(product, text),
            Value::Other(kind) => Err(not_a_duration(product, Part::Preparation, *kind, format)),
        }?;
        Ok(Work {
            preparation,
            cpu: Duration::ZERO,
        })
    }

    /// One part of a product's work, which may be 0.
    fn part(&self, product: &str, part: Part, format: Format) -> Result<Duration, WorkloadError> {
        match self {
            Value::Seconds(seconds) => duration::part_from_seconds(product, part, *seconds),
            Value::Text(text) => duration::parse_part(product, part, text),
            Value::Parts(_) => Err(not_a_duration(product, part, Kind::Table, format)),
            Value::Other(kind) => Err(not_a_duration(product, part, *kind, format)),
        }
    }
}

/// A product's work written as a table of its parts, checked: only known
/// keys, and some time in all.
fn parts_of(
    parts: &[(String, Value)],
    product: &str,
    format: Format,
) -> Result<Work, WorkloadError> {
    let mut work = [Duration::ZERO; PARTS.len()];
    for (key, value) in parts {
        let Some(i) = PARTS.iter().position(|(name, _)| name == key) else {
            let known: Vec<String> = PARTS.iter().map(|(name, _)| format!("`{name}`")).collect();
            return Err(bad(
                product,
                format!(
                    "unknown key `{}`; a product's {} may have {}",
                    key.escape_debug(),
                    table(format),
                    known.join(" and ")
                ),
            ));
        };
        work[i] = value.part(product, PARTS[i].1, format)?;
    }
    let [preparation, cpu] = work;
    if preparation.is_zero() && cpu.is_zero() {
        return Err(bad(
            product,
            "a product must take some time: give `wait` or `cpu` a positive duration".into(),
        ));
    }
    Ok(Work { preparation, cpu })
}

/// The error for a value that cannot be a duration.
fn not_a_duration(product: &str, part: Part, kind: Kind, format: Format) -> WorkloadError {
    let kind = match kind {
        Kind::Bool => "a boolean",
        Kind::Table => match format {
            Format::Toml => "a table",
            Format::Json => "an object",
        },
        Kind::Array => "an array",
        Kind::Date => "a date",
        Kind::Null => "null",
    };
    // A table is what a product's work may be, but not one of its parts.
    let or_table = match part {
        Part::Preparation => match format {
            Format::Toml => ", or a table such as { wait = 2, cpu = \"250ms\" }".to_string(),
            Format::Json => ", or an object such as {\"wait\": 2, \"cpu\": \"250ms\"}".to_string(),
        },
        Part::Cpu => String::new(),
    };
    bad(
        product,
        format!(
            "the {} must be a number of seconds, such as 7.5, \
             or a string with a unit, such as \"7.5s\"{or_table}; not {kind}",
            part.name()
        ),
    )
}

/// What the file's format calls a table.
fn table(format: Format) -> &'static str {
    match format {
        Format::Toml => "table",
        Format::Json => "object",
    }
}

fn bad(product: &str, problem: String) -> WorkloadError {
    WorkloadError::BadDuration {
        product: product.to_string(),
        problem,
    }
}

impl<'de> Deserialize<'de> for Value {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct ValueVisitor;

        impl<'de> Visitor<'de> for ValueVisitor {
            type Value = Value;

            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a preparation time")
            }

            fn visit_bool<E: de::Error>(self, _: bool) -> Result<Value, E> {
                Ok(Value::Other(Kind::Bool))
            }

            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Value, E> {
                Ok(Value::Seconds(v as f64))
            }

            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Value, E> {
                Ok(Value::Seconds(v as f64))
            }

            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Value, E> {
                Ok(Value::Seconds(v))
            }

            fn visit_str<E: de::Error>(self, v: &str) -> Result<Value, E> {
                Ok(Value::Text(v.to_string()))
            }

            fn visit_unit<E: de::Error>(self) -> Result<Value, E> {
                Ok(Value::Other(Kind::Null))
            }

            fn visit_none<E: de::Error>(self) -> Result<Value, E> {
                Ok(Value::Other(Kind::Null))
            }

            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
                while seq.next_element::<IgnoredAny>()?.is_some() {}
                Ok(Value::Other(Kind::Array))
            }

            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
                let mut parts = Vec::new();
                while let Some(key) = map.next_key::<String>()? {
                    // toml hands dates and times over as a map with this
                    // one key.
                    if key == "$__toml_private_datetime" {
                        map.next_value::<IgnoredAny>()?;
                        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
                        return Ok(Value::Other(Kind::Date));
                    }
                    parts.push((key, map.next_value::<Value>()?));
                }
                Ok(Value::Parts(parts))
            }
        }

        deserializer.deserialize_any(ValueVisitor)
    }
}
