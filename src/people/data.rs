//! The people, planets and other resources the server hands out, in
//! swapi's JSON shape.
//!
//! A [`Dataset`] is either the project's own ([`Dataset::builtin`]: the nine
//! people `asinc2.py` prints and generated others up to swapi's size, from
//! a few planets; or [`Dataset::generated`], up to a million people for
//! load tests) or swapi's fixture files ([`Dataset::from_fixture_files`]).
//! Records are stored without their URLs: [`Dataset::person`] writes them
//! against the server's own base URL, so that `url` and `homeworld` are
//! absolute links a client can follow, as swapi's are.
//!
//! Generated people are computed from their id on each request, never
//! stored: a million cost nothing until asked for. The records' types are
//! in `records`, films, species, vehicles and starships in `related`.

mod builtin;
mod error;
mod fixture;
mod generate;
mod records;
mod related;

use std::collections::BTreeMap;
use std::path::PathBuf;

pub use error::DataError;
pub use records::{Person, Planet};
use records::{PersonRecord, PlanetRecord};
use related::Related;
use serde::Serialize;

/// People on a page of `GET /api/people/`, as swapi pages them.
pub const PAGE_SIZE: usize = 10;

/// The largest data file read: 64 MiB, two thousand times swapi's
/// fixtures (tens of KB), and a bound on what `--data /dev/zero` or a
/// never-ending pipe can make the server hold in memory (twice this,
/// briefly, as the text's buffer grows).
pub const MAX_DATA_FILE: u64 = 64 * 1024 * 1024;

/// How many people the built-in data has: the article's nine and
/// generated others, about as many as swapi's 82, so that a crawl of every
/// page is a few requests.
pub const BUILTIN_PEOPLE: u64 = 82;

/// The most people [`Dataset::generated`] makes, for load tests: enough
/// for runs of a hundred thousand distinct requests.
pub const MAX_PEOPLE: u64 = generate::LIMIT;

/// Planets list their `residents` while a data set has at most this many
/// people; past it (a load test's generated million), a planet would list
/// hundreds of thousands, and the field is left out.
pub const MAX_LISTED_RESIDENTS: u64 = 1_000;

/// A kind of resource of the API, as swapi's root lists them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Resource {
    /// `/api/people/`.
    People,
    /// `/api/planets/`.
    Planets,
    /// `/api/films/`.
    Films,
    /// `/api/species/`.
    Species,
    /// `/api/vehicles/`.
    Vehicles,
    /// `/api/starships/`.
    Starships,
}

impl Resource {
    /// Every resource, in the order of swapi's root.
    pub const ALL: [Resource; 6] = [
        Resource::People,
        Resource::Planets,
        Resource::Films,
        Resource::Species,
        Resource::Vehicles,
        Resource::Starships,
    ];

    /// Its name in URLs, such as `people`.
    pub fn path(self) -> &'static str {
        match self {
            Resource::People => "people",
            Resource::Planets => "planets",
            Resource::Films => "films",
            Resource::Species => "species",
            Resource::Vehicles => "vehicles",
            Resource::Starships => "starships",
        }
    }

    /// The URL of its list, under `base` (`scheme://host:port`).
    pub fn list_url(self, base: &str) -> String {
        format!("{}/api/{}/", base.trim_end_matches('/'), self.path())
    }

    /// The URL of the record with this id, under `base`.
    pub fn url(self, base: &str, id: u64) -> String {
        format!("{}{id}/", self.list_url(base))
    }
}

/// A record of any resource, as it is served.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Record {
    /// A person, its fields in swapi's order.
    Person(Person),
    /// A planet, its fields in swapi's order.
    Planet(Planet),
    /// A film, species, vehicle or starship, as its fixture holds it.
    Other(serde_json::Value),
}

/// The people, planets and other resources a server hands out.
#[derive(Debug, Clone)]
pub struct Dataset {
    people: BTreeMap<u64, PersonRecord>,
    planets: BTreeMap<u64, PlanetRecord>,
    related: Related,
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
    /// [`BUILTIN_PEOPLE`].
    pub fn builtin() -> Dataset {
        // unwrap is safe because BUILTIN_PEOPLE is within 1..=MAX_PEOPLE.
        Dataset::generated(BUILTIN_PEOPLE).expect("the built-in size is in range")
    }

    /// As [`Dataset::builtin`], with `people` people in all (the article's
    /// nine first, or as many of them as fit), from 1 to [`MAX_PEOPLE`]:
    /// `serve --people N`, for load tests.
    pub fn generated(people: u64) -> Result<Dataset, DataError> {
        if !(1..=MAX_PEOPLE).contains(&people) {
            return Err(DataError::People(people));
        }
        let (mut stored, planets) = builtin::records();
        stored.retain(|&id, _| id <= people);
        Ok(Dataset {
            people: stored,
            planets,
            related: Related::default(),
            generated_up_to: people,
        })
    }

    /// The resources of swapi fixture files (a JSON array of
    /// `{"model", "pk", "fields"}` objects, as in swapi's `people.json`,
    /// `planets.json`, `films.json`...). A file may hold any of them; other
    /// models are skipped. A person's `homeworld` is a planet's `pk`; a
    /// person's films, species, vehicles and starships are those whose
    /// `characters`, `people` or `pilots` name them. A file over
    /// [`MAX_DATA_FILE`] is refused.
    pub fn from_fixture_files(paths: &[PathBuf]) -> Result<Dataset, DataError> {
        let mut dataset = Dataset {
            people: BTreeMap::new(),
            planets: BTreeMap::new(),
            related: Related::default(),
            generated_up_to: 0,
        };
        for path in paths {
            let text = fixture::read(path, MAX_DATA_FILE)?;
            fixture::load(path, &text, &mut dataset)?;
        }
        Ok(dataset)
    }

    /// The person with this id, with URLs under `base_url` (the server's
    /// own `scheme://host:port`); `None` if there is none.
    pub fn person(&self, id: u64, base_url: &str) -> Option<Person> {
        let base = base_url.trim_end_matches('/');
        let record = self.person_record(id)?;
        let mut person = Person {
            name: record.name,
            height: record.height,
            mass: record.mass,
            hair_color: record.hair_color,
            skin_color: record.skin_color,
            eye_color: record.eye_color,
            birth_year: record.birth_year,
            gender: record.gender,
            homeworld: Resource::Planets.url(base, record.homeworld),
            films: Vec::new(),
            species: Vec::new(),
            vehicles: Vec::new(),
            starships: Vec::new(),
            created: record.created,
            edited: record.edited,
            url: Resource::People.url(base, id),
        };
        for (field, urls) in self.related.linking(Resource::People, id, base) {
            match field {
                "films" => person.films = urls,
                "species" => person.species = urls,
                "vehicles" => person.vehicles = urls,
                "starships" => person.starships = urls,
                _ => {}
            }
        }
        Some(person)
    }

    /// The stored or generated record of the person with this id.
    fn person_record(&self, id: u64) -> Option<PersonRecord> {
        match self.people.get(&id) {
            Some(record) => Some(record.clone()),
            None if self.is_generated(id) => Some(generate::person(id, self.planets.len() as u64)),
            None => None,
        }
    }

    /// The planet with this id, with URLs under `base_url`; `None` if there
    /// is none.
    pub fn planet(&self, id: u64, base_url: &str) -> Option<Planet> {
        let base = base_url.trim_end_matches('/');
        let record = self.planets.get(&id)?.clone();
        // Residents are listed only for a data set of swapi's size: see
        // the field.
        let residents = (self.people_count() <= MAX_LISTED_RESIDENTS).then(|| {
            self.people_ids()
                .filter(|&pid| self.person_record(pid).is_some_and(|p| p.homeworld == id))
                .map(|pid| Resource::People.url(base, pid))
                .collect()
        });
        let films = self
            .related
            .linking(Resource::Planets, id, base)
            .into_iter()
            .find(|(field, _)| *field == "films")
            .map(|(_, urls)| urls)
            .unwrap_or_default();
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
            films,
            created: record.created,
            edited: record.edited,
            url: Resource::Planets.url(base, id),
        })
    }

    /// The record of `resource` with this id, with URLs under `base_url`;
    /// `None` if there is none.
    pub fn render(&self, resource: Resource, id: u64, base_url: &str) -> Option<Record> {
        match resource {
            Resource::People => self.person(id, base_url).map(Record::Person),
            Resource::Planets => self.planet(id, base_url).map(Record::Planet),
            other => self.related.render(other, id, base_url).map(Record::Other),
        }
    }

    /// How many people there are, generated ones included.
    pub fn people_count(&self) -> u64 {
        self.people.len() as u64 + self.generated_count()
    }

    /// How many planets there are.
    pub fn planet_count(&self) -> u64 {
        self.planets.len() as u64
    }

    /// How many records of `resource` there are.
    pub fn count(&self, resource: Resource) -> u64 {
        match resource {
            Resource::People => self.people_count(),
            Resource::Planets => self.planet_count(),
            other => self.related.count(other),
        }
    }

    /// The ids of the people whose name contains `text`, ignoring case, in
    /// increasing order. On a million generated people this scans a
    /// million names, which takes some milliseconds: see [`Dataset::list`]
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
        page_of(self.matching(search), skip, take)
    }

    /// As [`Dataset::list`], for any resource: planets, films and the rest
    /// are searched by name (a film by title).
    pub fn list_of(&self, resource: Resource, search: &str, skip: u64, take: usize) -> Listing {
        let needle = search.to_lowercase();
        match resource {
            Resource::People => self.list(search, skip, take),
            Resource::Planets => {
                let ids = self
                    .planets
                    .iter()
                    .filter(|(_, planet)| planet.name.to_lowercase().contains(&needle))
                    .map(|(&id, _)| id);
                page_of(ids, skip, take)
            }
            other => page_of(
                self.related.matching(other, &needle).into_iter(),
                skip,
                take,
            ),
        }
    }

    /// Every person's id, in increasing order.
    fn people_ids(&self) -> impl Iterator<Item = u64> + '_ {
        self.people.keys().copied().chain(self.generated_range())
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

/// The page of `ids` (increasing) that skips `skip` and keeps at most
/// `take`, and how many there are in all.
fn page_of(ids: impl Iterator<Item = u64>, skip: u64, take: usize) -> Listing {
    let mut total = 0;
    let mut page = Vec::with_capacity(take);
    for id in ids {
        if total >= skip && page.len() < take {
            page.push(id);
        }
        total += 1;
    }
    Listing { total, ids: page }
}

#[cfg(test)]
mod tests;
