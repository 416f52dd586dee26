//! A person as the client fetched it. The article's client reads only
//! `person["name"]`; so does this one. The name is required, and is a
//! string; every other field is kept as it came, whatever its type or
//! however many there are, and `--output` writes the person back whole.
//!
//! This type belongs to the client: the server's own `Person` says what
//! the built-in API sends, not what every API a user points `--api` at
//! must send.

use serde::{Serialize, Serializer};

use super::received::{serialize_entries, Received};
use super::Failure;

/// A person as received: its name, and the whole object.
#[derive(Debug, Clone, PartialEq)]
pub struct FetchedPerson {
    name: String,
    fields: Vec<(String, Received)>,
}

impl FetchedPerson {
    /// Reads a response body as a person: a JSON object with a string
    /// `name`. A body that is not JSON fails as [`Failure::NotJson`];
    /// JSON that is not such an object as [`Failure::NotAPerson`], saying
    /// what is wrong.
    pub fn parse(body: &[u8]) -> Result<FetchedPerson, Failure> {
        let value: Received =
            serde_json::from_slice(body).map_err(|e| Failure::NotJson(e.to_string()))?;
        let Received::Object(fields) = value else {
            return Err(Failure::NotAPerson(format!(
                "{}, not an object with a \"name\"",
                value.kind()
            )));
        };
        let mut names = fields.iter().filter(|(key, _)| key == "name");
        let name = match (names.next(), names.next()) {
            (None, _) => return Err(Failure::NotAPerson("no \"name\" field".into())),
            (Some(_), Some(_)) => {
                return Err(Failure::NotAPerson("\"name\" is given twice".into()))
            }
            (Some((_, Received::String(name))), None) => name.clone(),
            (Some((_, other)), None) => {
                return Err(Failure::NotAPerson(format!(
                    "\"name\" is {}, not a string",
                    other.kind()
                )))
            }
        };
        Ok(FetchedPerson { name, fields })
    }

    /// The person's name, as the article's log prints it.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Every field, in the order received, `name` included.
    pub fn fields(&self) -> &[(String, Received)] {
        &self.fields
    }

    /// The field `key`, if there is one (the first, if it came twice).
    pub fn get(&self, key: &str) -> Option<&Received> {
        self.fields.iter().find(|(k, _)| k == key).map(|(_, v)| v)
    }
}

impl Serialize for FetchedPerson {
    /// The object as received.
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serialize_entries(&self.fields, serializer)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn written(body: &str) -> String {
        serde_json::to_string(&FetchedPerson::parse(body.as_bytes()).unwrap()).unwrap()
    }

    #[test]
    fn a_name_is_enough() {
        let person = FetchedPerson::parse(br#"{"name": "Luke", "url": "u"}"#).unwrap();
        assert_eq!(person.name(), "Luke");
        assert_eq!(person.fields().len(), 2);
        assert_eq!(person.get("url"), Some(&Received::String("u".into())));
        assert_eq!(person.get("height"), None);
    }

    #[test]
    fn every_other_field_is_written_back_as_received() {
        for body in [
            r#"{"url":"http://h/api/people/1/","name":"Luke"}"#,
            r#"{"name":"Luke","height":172,"mass":"77"}"#,
            r#"{"name":"Luke","films":["a","b"],"extra":{"z":null,"a":false}}"#,
        ] {
            assert_eq!(written(body), body);
        }
    }

    #[test]
    fn anything_but_an_object_with_a_string_name_says_what_is_wrong() {
        let reason = |body: &str| match FetchedPerson::parse(body.as_bytes()) {
            Err(Failure::NotAPerson(reason)) => reason,
            other => panic!("{body}: {other:?}"),
        };
        assert_eq!(reason(r#"{"detail": "Not found"}"#), "no \"name\" field");
        assert_eq!(
            reason(r#"{"name": 7}"#),
            "\"name\" is a number, not a string"
        );
        assert_eq!(
            reason(r#"{"name": null}"#),
            "\"name\" is null, not a string"
        );
        assert_eq!(
            reason(r#"{"name": "a", "name": "b"}"#),
            "\"name\" is given twice"
        );
        assert_eq!(
            reason(r#"[{"name": "Luke"}]"#),
            "an array, not an object with a \"name\""
        );
        assert_eq!(
            reason(r#""Luke""#),
            "a string, not an object with a \"name\""
        );
    }

    #[test]
    fn a_body_that_is_not_json_says_so() {
        for body in [
            "<html>",
            "",
            r#"{"name": "Luke"} trailing"#,
            "{\"name\": \"\\ud800\"}",
        ] {
            assert!(
                matches!(
                    FetchedPerson::parse(body.as_bytes()),
                    Err(Failure::NotJson(_))
                ),
                "{body}"
            );
        }
        assert!(matches!(
            FetchedPerson::parse(b"{\"name\": \"\xff\"}"),
            Err(Failure::NotJson(_))
        ));
    }
}
