//! The records of the API, as stored and as served: a person and a planet
//! in swapi's JSON shape, and the `fields` objects of swapi's fixture
//! files they are stored as.

use serde::{Deserialize, Serialize};

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
    /// URLs of the films the person is in; empty where the data has none.
    /// Defaults to empty when read, so that an answer without it (an
    /// older server's) still reads as a person.
    #[serde(default)]
    pub films: Vec<String>,
    /// URLs of the person's species; swapi leaves humans' empty.
    #[serde(default)]
    pub species: Vec<String>,
    /// URLs of the vehicles the person has piloted.
    #[serde(default)]
    pub vehicles: Vec<String>,
    /// URLs of the starships the person has piloted.
    #[serde(default)]
    pub starships: Vec<String>,
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
    /// URLs of the people from this planet. Absent past
    /// [`super::MAX_LISTED_RESIDENTS`] people (`--people N` for a load
    /// test), where a planet would list hundreds of thousands.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub residents: Option<Vec<String>>,
    /// URLs of the films the planet appears in.
    #[serde(default)]
    pub films: Vec<String>,
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
pub(super) struct PersonRecord {
    pub(super) name: String,
    pub(super) height: String,
    pub(super) mass: String,
    pub(super) hair_color: String,
    pub(super) skin_color: String,
    pub(super) eye_color: String,
    pub(super) birth_year: String,
    pub(super) gender: String,
    pub(super) homeworld: u64,
    pub(super) created: String,
    pub(super) edited: String,
}

/// A planet as stored; also the `fields` object of swapi's fixture files.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub(super) struct PlanetRecord {
    pub(super) name: String,
    pub(super) rotation_period: String,
    pub(super) orbital_period: String,
    pub(super) diameter: String,
    pub(super) climate: String,
    pub(super) gravity: String,
    pub(super) terrain: String,
    pub(super) surface_water: String,
    pub(super) population: String,
    pub(super) created: String,
    pub(super) edited: String,
}
