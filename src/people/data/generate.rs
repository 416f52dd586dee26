//! People made up from their id, for the ids past the nine stored ones.
//!
//! Load runs need many distinct people, and storing a million records
//! would cost memory for nothing: a generated person is a pure function of
//! its id. The id is scrambled by a bijection on 20 bits, so that
//! neighbours look unrelated, and its four 5-bit digits pick four
//! syllables. Every syllable is one consonant and one vowel, so a name can
//! be read back one way only: distinct ids give distinct names.

use super::builtin::{CREATED, EDITED};
use super::PersonRecord;

/// The highest id the built-in data has.
pub(super) const LIMIT: u64 = 1_000_000;

const BITS: u32 = 20;
const MASK: u64 = (1 << BITS) - 1;
// Names are unique only while ids fit in the scramble's bits.
const _: () = assert!(LIMIT <= MASK + 1);

/// A name is two halves of 10 bits each, so there are this many halves.
const HALVES: usize = 1 << (BITS / 2);

const CONSONANTS: [u8; 8] = *b"bdklmnrt";
const VOWELS: [u8; 4] = *b"aeio";
/// A family name's ending, chosen by the half it ends; it adds variety
/// without adding ambiguity, since the half before it has a fixed length.
const ENDINGS: [&str; 6] = ["", "n", "r", "s", "th", "k"];

const HAIR: [&str; 8] = [
    "black", "brown", "blond", "auburn", "grey", "white", "none", "red",
];
const SKIN: [&str; 8] = [
    "fair", "light", "olive", "tan", "brown", "dark", "pale", "green",
];
const EYES: [&str; 8] = [
    "brown", "blue", "green", "hazel", "grey", "black", "yellow", "orange",
];
const GENDERS: [&str; 5] = ["female", "male", "female", "male", "n/a"];

/// The person with this id; `planets` is how many planets there are to be
/// from (at least one is assumed).
pub(super) fn person(id: u64, planets: u64) -> PersonRecord {
    let mut bits = Bits(splitmix64(id));
    PersonRecord {
        name: name(id),
        height: (150 + bits.below(60)).to_string(),
        mass: (45 + bits.below(80)).to_string(),
        hair_color: HAIR[bits.below(8) as usize].into(),
        skin_color: SKIN[bits.below(8) as usize].into(),
        eye_color: EYES[bits.below(8) as usize].into(),
        birth_year: format!("{}BBY", 1 + bits.below(120)),
        gender: GENDERS[bits.below(5) as usize].into(),
        homeworld: 1 + bits.below(planets.max(1)),
        created: CREATED.into(),
        edited: EDITED.into(),
    }
}

/// The name of the person with this id, such as `Dako Miren`.
pub(super) fn name(id: u64) -> String {
    let x = scramble(id);
    let mut name = String::with_capacity(16);
    name.push_str(&capitalised(&given(x)));
    name.push(' ');
    name.push_str(&capitalised(&family(x)));
    name
}

/// Tells whether generated names contain a piece of text, quickly enough
/// to scan a million of them per search.
pub(super) struct NameMatcher {
    needle: String,
    /// By the half's 10 bits: whether the given name contains the needle.
    given: Vec<bool>,
    /// Likewise for the family name.
    family: Vec<bool>,
}

impl NameMatcher {
    /// A matcher for `needle`, already in lower case.
    pub(super) fn new(needle: &str) -> NameMatcher {
        // A needle without a space lies within one half of a name, so two
        // tables of 1024 answers cover every name; with a space it may
        // span both, and `matches` builds the name instead.
        let (given, family) = if needle.contains(' ') {
            (Vec::new(), Vec::new())
        } else {
            let table = |half: fn(u64) -> String| {
                (0..HALVES as u64)
                    .map(|h| half(h << (BITS / 2) | h).contains(needle))
                    .collect()
            };
            (table(given), table(family))
        };
        NameMatcher {
            needle: needle.to_string(),
            given,
            family,
        }
    }

    /// Whether the name of `id` contains the needle, ignoring case.
    pub(super) fn matches(&self, id: u64) -> bool {
        if self.given.is_empty() {
            return name(id).to_lowercase().contains(&self.needle);
        }
        let x = scramble(id);
        self.given[(x >> (BITS / 2)) as usize] || self.family[(x as usize) % HALVES]
    }
}

/// The given name, in lower case, from the high half of a scrambled id.
fn given(x: u64) -> String {
    half(x >> (BITS / 2))
}

/// The family name, in lower case, from the low half of a scrambled id.
fn family(x: u64) -> String {
    let low = x % HALVES as u64;
    half(low) + ENDINGS[(low % ENDINGS.len() as u64) as usize]
}

/// Two syllables from 10 bits.
fn half(bits: u64) -> String {
    let mut text = String::with_capacity(6);
    for digit in [(bits >> 5) & 31, bits & 31] {
        text.push(CONSONANTS[(digit >> 2) as usize] as char);
        text.push(VOWELS[(digit & 3) as usize] as char);
    }
    text
}

fn capitalised(word: &str) -> String {
    let mut chars = word.chars();
    match chars.next() {
        Some(first) => first.to_ascii_uppercase().to_string() + chars.as_str(),
        None => String::new(),
    }
}

/// A bijection on 20-bit numbers that spreads neighbours apart: odd
/// multipliers and right xor-shifts can each be undone.
fn scramble(id: u64) -> u64 {
    let mut x = id & MASK;
    x = x.wrapping_mul(0x9_E3B5) & MASK;
    x ^= x >> 11;
    x = x.wrapping_mul(0x6_A4C3) & MASK;
    x ^= x >> 9;
    x
}

/// SplitMix64: a well-mixed 64-bit value from any seed.
fn splitmix64(seed: u64) -> u64 {
    let mut z = seed.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// Small draws taken one after another from one random word.
struct Bits(u64);

impl Bits {
    /// A number below `n`, nearly uniform for the small `n` used here.
    fn below(&mut self, n: u64) -> u64 {
        let value = self.0 % n;
        self.0 /= n;
        value
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn the_scramble_is_a_bijection() {
        let seen: HashSet<u64> = (0..=MASK).map(scramble).collect();
        assert_eq!(seen.len() as u64, MASK + 1);
    }

    #[test]
    fn the_matcher_agrees_with_the_names() {
        for needle in ["a", "ko", "dak", "ath", "o m", "zz", ""] {
            let matcher = NameMatcher::new(needle);
            for id in (10..LIMIT).step_by(997) {
                let expected = name(id).to_lowercase().contains(needle);
                assert_eq!(matcher.matches(id), expected, "{needle:?} in {}", name(id));
            }
        }
    }

    #[test]
    fn a_person_is_a_function_of_the_id() {
        assert_eq!(person(123_456, 4), person(123_456, 4));
        let home = person(77, 4).homeworld;
        assert!((1..=4).contains(&home));
    }
}
