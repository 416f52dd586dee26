//! Placeholder for the dataset: the shape of a person.
use serde::{Deserialize, Serialize};

/// A person as swapi returns it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Person {
    /// Name.
    pub name: String,
    /// Height.
    pub height: String,
    /// Mass.
    pub mass: String,
    /// Hair colour.
    pub hair_color: String,
    /// Skin colour.
    pub skin_color: String,
    /// Eye colour.
    pub eye_color: String,
    /// Birth year.
    pub birth_year: String,
    /// Gender.
    pub gender: String,
    /// Home world URL.
    pub homeworld: String,
    /// Created.
    pub created: String,
    /// Edited.
    pub edited: String,
    /// URL.
    pub url: String,
}
