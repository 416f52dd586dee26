//! Reading swapi's fixture files: a JSON array of
//! `{"model": "resources.people", "pk": 1, "fields": {...}}` objects.
//!
//! People (`resources.people`), planets (`resources.planet`), films,
//! species, vehicles, starships and what the last two share
//! (`resources.transport`) are kept; other models are skipped, so a dump
//! of the whole database loads too. Errors name the file and, for bad
//! JSON, the line.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::Read;
use std::path::Path;

use serde::Deserialize;

use super::related::Fields;
use super::{DataError, Dataset, PersonRecord, PlanetRecord, Resource};

/// One object of a fixture file.
#[derive(Deserialize)]
#[serde(tag = "model")]
enum Record {
    #[serde(rename = "resources.people")]
    Person { pk: u64, fields: PersonRecord },
    #[serde(rename = "resources.planet")]
    Planet { pk: u64, fields: PlanetRecord },
    #[serde(rename = "resources.film")]
    Film { pk: u64, fields: Fields },
    #[serde(rename = "resources.species")]
    Species { pk: u64, fields: Fields },
    #[serde(rename = "resources.vehicle")]
    Vehicle { pk: u64, fields: Fields },
    #[serde(rename = "resources.starship")]
    Starship { pk: u64, fields: Fields },
    #[serde(rename = "resources.transport")]
    Transport { pk: u64, fields: Fields },
    #[serde(other)]
    Other,
}

/// The text of the file at `path`, if it is at most `limit` bytes.
pub(super) fn read(path: &Path, limit: u64) -> Result<String, DataError> {
    let unreadable = |source| DataError::Read {
        path: path.to_path_buf(),
        source,
    };
    let too_large = || DataError::TooLarge {
        path: path.to_path_buf(),
        limit,
    };
    let file = File::open(path).map_err(unreadable)?;
    // A regular file says its size: refuse it before reading anything.
    if file
        .metadata()
        .is_ok_and(|m| m.is_file() && m.len() > limit)
    {
        return Err(too_large());
    }
    // Devices and pipes do not, and may never end (`/dev/zero`): read at
    // most one byte past the limit, enough to know it is past.
    let mut text = String::new();
    file.take(limit.saturating_add(1))
        .read_to_string(&mut text)
        .map_err(unreadable)?;
    if text.len() as u64 > limit {
        return Err(too_large());
    }
    Ok(text)
}

/// Adds the records of `text`, read from the file at `path`.
pub(super) fn load(path: &Path, text: &str, dataset: &mut Dataset) -> Result<(), DataError> {
    let records: Vec<Record> = serde_json::from_str(text).map_err(|e| syntax(path, &e))?;
    let mut kept = 0;
    for record in records {
        let (kind, pk, added) = match record {
            Record::Person { pk, fields } => ("person", pk, keep(&mut dataset.people, pk, fields)),
            Record::Planet { pk, fields } => ("planet", pk, keep(&mut dataset.planets, pk, fields)),
            Record::Film { pk, fields } => other(dataset, Resource::Films, "film", pk, fields),
            Record::Species { pk, fields } => {
                other(dataset, Resource::Species, "species", pk, fields)
            }
            Record::Vehicle { pk, fields } => {
                other(dataset, Resource::Vehicles, "vehicle", pk, fields)
            }
            Record::Starship { pk, fields } => {
                other(dataset, Resource::Starships, "starship", pk, fields)
            }
            Record::Transport { pk, fields } => (
                "transport",
                pk,
                pk != 0 && dataset.related.insert_transport(pk, fields),
            ),
            Record::Other => continue,
        };
        if pk == 0 {
            return Err(DataError::ZeroPk {
                path: path.to_path_buf(),
                kind,
            });
        }
        if !added {
            return Err(DataError::Duplicate {
                path: path.to_path_buf(),
                kind,
                pk,
            });
        }
        kept += 1;
    }
    if kept == 0 {
        return Err(DataError::Empty {
            path: path.to_path_buf(),
        });
    }
    Ok(())
}

/// Adds a record unless its `pk` is 0 or taken; true if it was added.
fn keep<T>(map: &mut BTreeMap<u64, T>, pk: u64, record: T) -> bool {
    if pk == 0 || map.contains_key(&pk) {
        return false;
    }
    map.insert(pk, record);
    true
}

/// A film, species, vehicle or starship: its name for errors, its pk and
/// whether it was added.
fn other(
    dataset: &mut Dataset,
    resource: Resource,
    kind: &'static str,
    pk: u64,
    fields: Fields,
) -> (&'static str, u64, bool) {
    (
        kind,
        pk,
        pk != 0 && dataset.related.insert(resource, pk, fields),
    )
}

/// A JSON error as `file:line: message`, without serde's own
/// "at line L column C", which would say the line twice.
fn syntax(path: &Path, e: &serde_json::Error) -> DataError {
    let suffix = format!(" at line {} column {}", e.line(), e.column());
    let message = e.to_string();
    let message = message.strip_suffix(&suffix).unwrap_or(&message);
    DataError::Syntax {
        path: path.to_path_buf(),
        line: e.line(),
        message: message.to_string(),
    }
}
