//! The people and planets the server hands out, in swapi's JSON shape.
//!
//! A [`Dataset`] is either the project's own ([`Dataset::builtin`]: the nine
//! people `asinc2.py` prints, a few planets, and a generator for a million
//! more) or swapi's fixture files ([`Dataset::from_fixture_files`]).
//! Records are stored without their URLs: [`Dataset::person`] writes them
//! against the server's own base URL, so that `url` and `homeworld` are
//! absolute links a client can follow, as swapi's are.
//!
//! Generated people are computed from their id on each request, never
//! stored: the million cost nothing until asked for.

mod builtin;
mod fixture;
mod generate;

use std::collections::BTreeMap;
use std::io;
use std::path::PathBuf;

use serde::{Deserialize, Serialize};
use thiserror::Error;

/// People on a page of `GET /api/people/`, as swapi pages them.
pub const PAGE_SIZE: usize = 10;

/// The largest data file read: 64 MiB, two thousand times swapi's
/// fixtures (tens of KB), and a bound on what `--data /dev/zero` or a
/// never-ending pipe can make the server hold in memory (twice this,
/// briefly, as the text's buffer grows).
pub const MAX_DATA_FILE: u64 = 64 * 1024 * 1024;

/// A person, as swapi returns it for `GET /api/people/{id}/`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Person {
    /// Name, such as `Luke Skywalker`.
    pub name: String,
    /// Height in centimetres, as text (`"unknown"` is possible in swapi).
    pub height: String,
    /// Mass in kilograms, as text.
    pub mass: String,
    /// Hair colour.
    pub hair_color: String,
    /// Skin colour.
    pub skin_color: String,
    /// Eye colour.
    pub eye_color: String,
    /// Birth year relative to the battle of Yavin, such as `19BBY`.
    pub birth_year: String,
    /// Gender (`male`, `female`, `n/a`...).
    pub gender: String,
    /// URL of the person's planet, such as
    /// `http://127.0.0.1:8000/api/planets/1/`.
    pub homeworld: String,
    /// When the record was created, ISO 8601.
    pub created: String,
    /// When the record was last edited, ISO 8601.
    pub edited: String,
    /// URL of this person, such as `http://127.0.0.1:8000/api/people/1/`.
    pub url: String,
}

/// A planet, as swapi returns it for `GET /api/planets/{id}/`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Planet {
    /// Name.
    pub name: String,
    /// Hours in a day, as text.
    pub rotation_period: String,
    /// Days in a year, as text.
    pub orbital_period: String,
    /// Diameter in kilometres, as text.
    pub diameter: String,
    /// Climate, such as `arid`.
    pub climate: String,
    /// Gravity, such as `1 standard`.
    pub gravity: String,
    /// Terrain, such as `desert`.
    pub terrain: String,
    /// Percentage of the surface covered by water, as text.
    pub surface_water: String,
    /// Population, as text.
    pub population: String,
    /// URLs of the people from this planet. Absent when the dataset
    /// generates people, who are not listed: a planet of the built-in
    /// data would have a hundred thousand.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub residents: Option<Vec<String>>,
    /// When the record was created, ISO 8601.
    pub created: String,
    /// When the record was last edited, ISO 8601.
    pub edited: String,
    /// URL of this planet.
    pub url: String,
}

/// A person as stored: swapi's fields, with the home world as a planet id.
/// This is also the `fields` object of swapi's fixture files.
#[derive(Debug, Clone, PartialEq, Deserialize)]
struct PersonRecord {
    name: String,
    height: String,
    mass: String,
    hair_color: String,
    skin_color: String,
    eye_color: String,
    birth_year: String,
    gender: String,
    homeworld: u64,
    created: String,
    edited: String,
}

/// A planet as stored; also the `fields` object of swapi's fixture files.
#[derive(Debug, Clone, PartialEq, Deserialize)]
struct PlanetRecord {
    name: String,
    rotation_period: String,
    orbital_period: String,
    diameter: String,
    climate: String,
    gravity: String,
    terrain: String,
    surface_water: String,
    population: String,
    created: String,
    edited: String,
}

/// Why a data file cannot be used.
#[derive(Debug, Error)]
pub enum DataError {
    /// The file could not be read.
    #[error("cannot read data file '{}': {source}", path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// Why it could not be read.
        source: io::Error,
    },
    /// The file is larger than the limit ([`MAX_DATA_FILE`]).
    #[error("cannot read data file '{}': it is larger than {} MiB, the most a data file may be", path.display(), limit / (1024 * 1024))]
    TooLarge {
        /// The file.
        path: PathBuf,
        /// The limit, in bytes.
        limit: u64,
    },
    /// The file is not JSON, or not in swapi's fixture shape.
    #[error("{}:{line}: {message}", path.display())]
    Syntax {
        /// The file.
        path: PathBuf,
        /// The line of the problem, from 1.
        line: usize,
        /// What is wrong, from the JSON reader.
        message: String,
    },
    /// Two records of the same kind with the same `pk`.
    #[error("{}: {kind} {pk} appears twice", path.display())]
    Duplicate {
        /// The file with the second one.
        path: PathBuf,
        /// `person` or `planet`.
        kind: &'static str,
        /// The repeated key.
        pk: u64,
    },
    /// A record with `pk` 0, which no URL can reach: ids start at 1.
    #[error("{}: a {kind} has pk 0; ids start at 1", path.display())]
    ZeroPk {
        /// The file.
        path: PathBuf,
        /// `person` or `planet`.
        kind: &'static str,
    },
    /// A file with nothing this server can serve.
    #[error("{}: no people and no planets here; swapi fixtures hold objects with \"model\": \"resources.people\" or \"resources.planet\"", path.display())]
    Empty {
        /// The file.
        path: PathBuf,
    },
}

/// The people and planets a server hands out.
#[derive(Debug, Clone)]
pub struct Dataset {
    people: BTreeMap<u64, PersonRecord>,
    planets: BTreeMap<u64, PlanetRecord>,
    /// Ids after the last stored person up to this one are generated;
    /// 0 when none are.
    generated_up_to: u64,
}

/// One page of a listing: how many people match in all, and the ids of
/// those on the page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Listing {
    /// People matching, over every page.
    pub total: u64,
    /// Ids on the requested page, in increasing order.
    pub ids: Vec<u64>,
}

impl Dataset {
    /// The project's own data: the nine people the article prints, with
    /// the same ids, a few planets, and generated people for every id up to
    /// [`Dataset::BUILTIN_PEOPLE`].
    pub fn builtin() -> Dataset {
        let (people, planets) = builtin::records();
        Dataset {
            people,
            planets,
            generated_up_to: Dataset::BUILTIN_PEOPLE,
        }
    }

    /// How many people the built-in data has, most of them generated:
    /// enough for runs of a hundred thousand distinct requests.
    pub const BUILTIN_PEOPLE: u64 = generate::LIMIT;

    /// The people and planets of swapi fixture files (a JSON array of
    /// `{"model", "pk", "fields"}` objects, as in swapi's `people.json` and
    /// `planets.json`). A file may hold people, planets or both; other
    /// models are skipped. A person's `homeworld` is a planet's `pk`. A
    /// file over [`MAX_DATA_FILE`] is refused.
    pub fn from_fixture_files(paths: &[PathBuf]) -> Result<Dataset, DataError> {
        let mut dataset = Dataset {
            people: BTreeMap::new(),
            planets: BTreeMap::new(),
            generated_up_to: 0,
        };
        for path in paths {
            let text = fixture::read(path, MAX_DATA_FILE)?;
            fixture::load(path, &text, &mut dataset.people, &mut dataset.planets)?;
        }
        Ok(dataset)
    }

    /// The person with this id, with URLs under `base_url` (the server's
    /// own `scheme://host:port`); `None` if there is none.
    pub fn person(&self, id: u64, base_url: &str) -> Option<Person> {
        let base = base_url.trim_end_matches('/');
        let generated;
        let record = match self.people.get(&id) {
            Some(record) => record,
            None if self.is_generated(id) => {
                generated = generate::person(id, self.planets.len() as u64);
                &generated
            }
            None => return None,
        };
        let record = record.clone();
        Some(Person {
            name: record.name,
            height: record.height,
            mass: record.mass,
            hair_color: record.hair_color,
            skin_color: record.skin_color,
            eye_color: record.eye_color,
            birth_year: record.birth_year,
            gender: record.gender,
            homeworld: format!("{base}/api/planets/{}/", record.homeworld),
            created: record.created,
            edited: record.edited,
            url: format!("{base}/api/people/{id}/"),
        })
    }

    /// The planet with this id, with URLs under `base_url`; `None` if there
    /// is none.
    pub fn planet(&self, id: u64, base_url: &str) -> Option<Planet> {
        let base = base_url.trim_end_matches('/');
        let record = self.planets.get(&id)?.clone();
        // Residents are listed only when they are all stored: see the field.
        let residents = (self.generated_up_to == 0).then(|| {
            self.people
                .iter()
                .filter(|(_, person)| person.homeworld == id)
                .map(|(pid, _)| format!("{base}/api/people/{pid}/"))
                .collect()
        });
        Some(Planet {
            name: record.name,
            rotation_period: record.rotation_period,
            orbital_period: record.orbital_period,
            diameter: record.diameter,
            climate: record.climate,
            gravity: record.gravity,
            terrain: record.terrain,
            surface_water: record.surface_water,
            population: record.population,
            residents,
            created: record.created,
            edited: record.edited,
            url: format!("{base}/api/planets/{id}/"),
        })
    }

    /// How many people there are, generated ones included.
    pub fn people_count(&self) -> u64 {
        self.people.len() as u64 + self.generated_count()
    }

    /// How many planets there are.
    pub fn planet_count(&self) -> u64 {
        self.planets.len() as u64
    }

    /// The ids of the people whose name contains `text`, ignoring case, in
    /// increasing order. On the built-in data this scans a million
    /// generated names, which takes some milliseconds: see [`Dataset::list`]
    /// for a page of them without collecting them all.
    pub fn search(&self, text: &str) -> Vec<u64> {
        self.matching(text).collect()
    }

    /// A page of people: those whose name contains `search` (all of them if
    /// it is empty), skipping the first `skip`, at most `take` of them.
    /// Without a search this only counts; with one, it scans every name
    /// once but keeps only the page.
    pub fn list(&self, search: &str, skip: u64, take: usize) -> Listing {
        if search.is_empty() {
            let total = self.people_count();
            let ids = (skip..total.min(skip.saturating_add(take as u64)))
                .filter_map(|index| self.id_at(index))
                .collect();
            return Listing { total, ids };
        }
        let mut total = 0;
        let mut ids = Vec::with_capacity(take);
        for id in self.matching(search) {
            if total >= skip && ids.len() < take {
                ids.push(id);
            }
            total += 1;
        }
        Listing { total, ids }
    }

    /// Ids of people whose name contains `text`, ignoring case.
    fn matching<'a>(&'a self, text: &str) -> impl Iterator<Item = u64> + 'a {
        let needle = text.to_lowercase();
        let matcher = generate::NameMatcher::new(&needle);
        let stored = self
            .people
            .iter()
            .filter(move |(_, person)| person.name.to_lowercase().contains(&needle))
            .map(|(&id, _)| id);
        let generated = self
            .generated_range()
            .filter(move |&id| matcher.matches(id));
        stored.chain(generated)
    }

    /// The id of the `index`-th person, from 0, in increasing id order.
    fn id_at(&self, index: u64) -> Option<u64> {
        let stored = self.people.len() as u64;
        if index < stored {
            // Stored people are few (swapi has 82); walking them is cheap.
            return self.people.keys().nth(index as usize).copied();
        }
        let range = self.generated_range();
        let id = range.start().checked_add(index - stored)?;
        (id <= *range.end()).then_some(id)
    }

    fn generated_range(&self) -> std::ops::RangeInclusive<u64> {
        let first = self.people.keys().next_back().map_or(1, |last| last + 1);
        first..=self.generated_up_to
    }

    fn generated_count(&self) -> u64 {
        let range = self.generated_range();
        (range.end() + 1).saturating_sub(*range.start())
    }

    fn is_generated(&self, id: u64) -> bool {
        self.generated_range().contains(&id)
    }
}

#[cfg(test)]
mod tests;
