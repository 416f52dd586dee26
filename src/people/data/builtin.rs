//! The project's own records: the nine people `asinc2.py` prints, by the
//! same ids, and the planets they come from.
//!
//! Only the names come from the article. Every other field, and the
//! planets themselves, are written here for mesonero; they are plausible,
//! not canonical. The dates are those of the article's run.

use std::collections::BTreeMap;

use super::{PersonRecord, PlanetRecord};

/// When these records were "created": the day the article's `asinc2.py`
/// ran.
pub(super) const CREATED: &str = "2020-09-05T19:24:27.760Z";
/// When they were "edited": the second its last person arrived.
pub(super) const EDITED: &str = "2020-09-05T19:24:29.366Z";

/// The people the article prints, in id order: name, height, mass, hair,
/// skin, eyes, birth year and gender; then the id of their home world.
#[rustfmt::skip]
const PEOPLE: [([&str; 8], u64); 9] = [
    (["Luke Skywalker",     "174", "73",  "sandy",       "tanned",      "grey-blue", "20BBY",  "male"], 1),
    (["C-3PO",              "170", "81",  "n/a",         "brass",       "amber",     "110BBY", "n/a"], 1),
    (["R2-D2",              "98",  "35",  "n/a",         "silver, blue","red",       "34BBY",  "n/a"], 2),
    (["Darth Vader",        "205", "130", "none",        "pale",        "amber",     "42BBY",  "male"], 3),
    (["Leia Organa",        "151", "48",  "dark brown",  "fair",        "hazel",     "20BBY",  "female"], 2),
    (["Owen Lars",          "180", "118", "grey",        "weathered",   "grey",      "50BBY",  "male"], 1),
    (["Beru Whitesun lars", "163", "71",  "auburn",      "freckled",    "green",     "46BBY",  "female"], 1),
    (["R5-D4",              "95",  "30",  "n/a",         "white, rust", "black",     "unknown","n/a"], 1),
    (["Biggs Darklighter",  "181", "82",  "chestnut",    "olive",       "dark brown","25BBY",  "male"], 4),
];

/// The planets: name, rotation period, orbital period, diameter, climate,
/// gravity, terrain, surface water, population.
#[rustfmt::skip]
const PLANETS: [[&str; 9]; 4] = [
    ["Arenal", "26", "310", "11200", "arid, windy",       "1 standard",   "dunes, salt flats",        "2",  "150000"],
    ["Marea",  "22", "371", "12900", "temperate, humid",  "1 standard",   "archipelagos, reefs",      "71", "1800000000"],
    ["Brasa",  "31", "420", "4600",  "scorching",         "1.1 standard", "lava fields, ash plains",  "0",  "20000"],
    ["Niebla", "19", "288", "9800",  "foggy, temperate",  "0.9 standard", "moors, marshes",           "35", "4500000"],
];

/// The records, keyed by id from 1.
pub(super) fn records() -> (BTreeMap<u64, PersonRecord>, BTreeMap<u64, PlanetRecord>) {
    let people = PEOPLE.iter().zip(1..).map(|(&(fields, homeworld), id)| {
        let [name, height, mass, hair, skin, eyes, born, gender] = fields;
        let person = PersonRecord {
            name: name.into(),
            height: height.into(),
            mass: mass.into(),
            hair_color: hair.into(),
            skin_color: skin.into(),
            eye_color: eyes.into(),
            birth_year: born.into(),
            gender: gender.into(),
            homeworld,
            created: CREATED.into(),
            edited: EDITED.into(),
        };
        (id, person)
    });
    let planets = PLANETS.iter().zip(1..).map(|(fields, id)| {
        let [name, rotation, orbit, diameter, climate, gravity, terrain, water, population] =
            *fields;
        let planet = PlanetRecord {
            name: name.into(),
            rotation_period: rotation.into(),
            orbital_period: orbit.into(),
            diameter: diameter.into(),
            climate: climate.into(),
            gravity: gravity.into(),
            terrain: terrain.into(),
            surface_water: water.into(),
            population: population.into(),
            created: CREATED.into(),
            edited: EDITED.into(),
        };
        (id, planet)
    });
    (people.collect(), planets.collect())
}
