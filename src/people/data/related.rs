//! swapi's other resources: films, species, vehicles and starships, and
//! the links between every resource.
//!
//! They are kept as swapi's fixture files give them (a `fields` object per
//! `pk`) and served as they are, with their links written as URLs. Links
//! are stored one way only, as in the fixtures (a film lists its
//! `characters`, a starship its `pilots`); the other way (a person's
//! `films`, `starships`) is found by looking through the records that
//! link. The data sets are swapi's size, so the look-up is a short scan.

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use super::Resource;

/// Fields that link to another resource: the resource holding the field,
/// the field, the resource it links to, and whether the resource linked
/// to lists its links back (a person lists the `films` whose `characters`
/// name them; a planet lists no `species` from their `homeworld`).
const LINKS: [(Resource, &str, Resource, bool); 9] = [
    (Resource::Films, "characters", Resource::People, true),
    (Resource::Films, "planets", Resource::Planets, true),
    (Resource::Films, "starships", Resource::Starships, true),
    (Resource::Films, "vehicles", Resource::Vehicles, true),
    (Resource::Films, "species", Resource::Species, true),
    (Resource::Species, "people", Resource::People, true),
    (Resource::Species, "homeworld", Resource::Planets, false),
    (Resource::Starships, "pilots", Resource::People, true),
    (Resource::Vehicles, "pilots", Resource::People, true),
];

/// A record's fields, as in a fixture file.
pub(super) type Fields = Map<String, Value>;

/// The films, species, vehicles and starships of a data set.
#[derive(Debug, Clone, Default)]
pub(super) struct Related {
    /// By resource, then by `pk`.
    records: BTreeMap<Resource, BTreeMap<u64, Fields>>,
    /// swapi keeps what vehicles and starships share (name, model,
    /// manufacturer...) in `resources.transport` records with the same
    /// `pk`; they are merged in when served.
    transport: BTreeMap<u64, Fields>,
}

impl Related {
    /// Adds a record; false if one of the same resource and `pk` was there.
    pub(super) fn insert(&mut self, resource: Resource, pk: u64, fields: Fields) -> bool {
        self.records
            .entry(resource)
            .or_default()
            .insert(pk, fields)
            .is_none()
    }

    /// Adds a transport record; false if one with this `pk` was there.
    pub(super) fn insert_transport(&mut self, pk: u64, fields: Fields) -> bool {
        self.transport.insert(pk, fields).is_none()
    }

    fn of(&self, resource: Resource) -> impl Iterator<Item = (&u64, &Fields)> {
        self.records.get(&resource).into_iter().flatten()
    }

    /// How many records of `resource` there are.
    pub(super) fn count(&self, resource: Resource) -> u64 {
        self.records.get(&resource).map_or(0, |r| r.len() as u64)
    }

    /// The ids of the records of `resource` whose name (a film's title)
    /// contains `needle`, already in lower case.
    pub(super) fn matching(&self, resource: Resource, needle: &str) -> Vec<u64> {
        self.of(resource)
            .filter(|(pk, fields)| {
                let name = self.name_of(resource, **pk, fields).to_lowercase();
                name.contains(needle)
            })
            .map(|(&pk, _)| pk)
            .collect()
    }

    fn name_of<'a>(&'a self, resource: Resource, pk: u64, fields: &'a Fields) -> &'a str {
        let key = if resource == Resource::Films {
            "title"
        } else {
            "name"
        };
        fields
            .get(key)
            .or_else(|| self.transport.get(&pk).and_then(|t| t.get(key)))
            .and_then(Value::as_str)
            .unwrap_or("")
    }

    /// The record of `resource` with this id, in swapi's shape, with URLs
    /// under `base`.
    pub(super) fn render(&self, resource: Resource, id: u64, base: &str) -> Option<Value> {
        let mut fields = self.records.get(&resource)?.get(&id)?.clone();
        if matches!(resource, Resource::Vehicles | Resource::Starships) {
            if let Some(shared) = self.transport.get(&id) {
                for (key, value) in shared {
                    fields.entry(key.clone()).or_insert_with(|| value.clone());
                }
            }
        }
        for (from, field, to, _) in LINKS {
            if from == resource {
                if let Some(value) = fields.get_mut(field) {
                    *value = as_urls(value, to, base);
                }
            }
        }
        for (field, urls) in self.linking(resource, id, base) {
            fields.insert(field.to_string(), urls.into());
        }
        fields.insert("url".into(), resource.url(base, id).into());
        Some(Value::Object(fields))
    }

    /// The links back to the record of `resource` with this id, by field:
    /// for a person, the `films` naming them among their `characters`,
    /// and so on. Every field that links back is there, empty where
    /// nothing links.
    pub(super) fn linking(
        &self,
        resource: Resource,
        id: u64,
        base: &str,
    ) -> Vec<(&'static str, Vec<String>)> {
        LINKS
            .iter()
            .filter(|&&(_, _, to, back)| to == resource && back)
            .map(|&(from, field, _, _)| {
                let urls = self
                    .of(from)
                    .filter(|(_, fields)| fields.get(field).is_some_and(|v| names(v, id)))
                    .map(|(&pk, _)| from.url(base, pk))
                    .collect();
                (from.path(), urls)
            })
            .collect()
    }
}

/// Whether a link field (an id, or an array of them) names `id`.
fn names(value: &Value, id: u64) -> bool {
    match value {
        Value::Array(items) => items.iter().any(|v| v.as_u64() == Some(id)),
        other => other.as_u64() == Some(id),
    }
}

/// A link field with its ids written as URLs of `to`; anything that is not
/// an id (swapi's `null` homeworld of droids) is left as it is.
fn as_urls(value: &Value, to: Resource, base: &str) -> Value {
    let url = |v: &Value| match v.as_u64() {
        Some(pk) => Value::String(to.url(base, pk)),
        None => v.clone(),
    };
    match value {
        Value::Array(items) => Value::Array(items.iter().map(url).collect()),
        other => url(other),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn fields(value: Value) -> Fields {
        match value {
            Value::Object(map) => map,
            _ => panic!("not an object"),
        }
    }

    #[test]
    fn links_are_urls_both_ways() {
        let mut related = Related::default();
        related.insert(
            Resource::Films,
            1,
            fields(json!({"title": "A New Hope", "characters": [1, 2], "planets": [1]})),
        );
        related.insert(
            Resource::Starships,
            12,
            fields(json!({"pilots": [1], "MGLT": "100"})),
        );
        related.insert_transport(12, fields(json!({"name": "X-wing"})));
        let base = "http://h";
        let film = related.render(Resource::Films, 1, base).unwrap();
        assert_eq!(
            film["characters"],
            json!(["http://h/api/people/1/", "http://h/api/people/2/"])
        );
        assert_eq!(film["url"], "http://h/api/films/1/");
        let ship = related.render(Resource::Starships, 12, base).unwrap();
        assert_eq!(ship["name"], "X-wing");
        assert_eq!(ship["films"], json!([]));
        let luke = related.linking(Resource::People, 1, base);
        assert_eq!(
            luke,
            vec![
                ("films", vec!["http://h/api/films/1/".to_string()]),
                ("species", vec![]),
                ("starships", vec!["http://h/api/starships/12/".to_string()]),
                ("vehicles", vec![]),
            ]
        );
        assert_eq!(related.matching(Resource::Starships, "wing"), vec![12]);
        assert_eq!(related.matching(Resource::Films, "hope"), vec![1]);
        assert!(related.render(Resource::Films, 2, base).is_none());
    }
}
