//! The deserializers both formats share: the menu as [`Entries`] in the
//! order the parser hands them over, and a preparation time as a [`Value`]
//! that takes whatever was written, so that a wrong type is reported as a
//! workload error on the product's line rather than as a parser's message.

use std::fmt;
use std::marker::PhantomData;
use std::time::Duration;

use serde::de::{self, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;

use super::Format;
use crate::workload::{duration, WorkloadError};

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

/// A preparation time as written, before checking.
pub(super) enum Value {
    /// A bare number: seconds, as the article writes them.
    Seconds(f64),
    /// A string, with a unit or without.
    Text(String),
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

impl Value {
    /// The preparation time of `product`, checked; `format` names a table in
    /// the words of the file's format.
    pub(super) fn preparation(
        &self,
        product: &str,
        format: Format,
    ) -> Result<Duration, WorkloadError> {
        match self {
            Value::Seconds(seconds) => duration::from_seconds(product, *seconds),
            Value::Text(text) => duration::parse(product, text),
            Value::Other(kind) => {
                let kind = match (kind, format) {
                    (Kind::Bool, _) => "a boolean",
                    (Kind::Table, Format::Toml) => "a table",
                    (Kind::Table, Format::Json) => "an object",
                    (Kind::Array, _) => "an array",
                    (Kind::Date, _) => "a date",
                    (Kind::Null, _) => "null",
                };
                Err(WorkloadError::BadDuration {
                    product: product.to_string(),
                    problem: format!(
                        "the preparation time must be a number of seconds, such as 7.5, \
                         or a string with a unit, such as \"7.5s\"; not {kind}"
                    ),
                })
            }
        }
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
                // toml hands dates and times over as a map with this one key.
                let kind = match map.next_key::<String>()? {
                    Some(key) => {
                        map.next_value::<IgnoredAny>()?;
                        if key == "$__toml_private_datetime" {
                            Kind::Date
                        } else {
                            Kind::Table
                        }
                    }
                    None => Kind::Table,
                };
                while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
                Ok(Value::Other(kind))
            }
        }

        deserializer.deserialize_any(ValueVisitor)
    }
}
