//! Everyday things that take a known time, to make a scaled latency
//! tangible.
//!
//! The human-scale table says what each latency would feel like if a
//! nanosecond lasted a second. Since `--scale` can change, the comparisons
//! are not written beside each row but chosen by length: [`nearest`] picks
//! the entry of [`EVERYDAY`] closest to a span, measured as a ratio (so 5 s
//! is as close to 10 s as 10 s is to 20 s).

use super::units::Span;
use super::Lang;

/// Something everyday and how long it takes.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Everyday {
    /// About how long it takes, in seconds.
    pub seconds: f64,
    /// What it is, in English.
    pub en: &'static str,
    /// What it is, in Spanish.
    pub es: &'static str,
}

const MINUTE: f64 = 60.0;
const HOUR: f64 = 3_600.0;
const DAY: f64 = 86_400.0;
const YEAR: f64 = 365.2425 * DAY;

const fn entry(seconds: f64, en: &'static str, es: &'static str) -> Everyday {
    Everyday { seconds, en, es }
}

/// Everyday durations, shortest first, from a camera flash to recorded
/// history.
pub const EVERYDAY: [Everyday; 25] = [
    entry(0.001, "a camera flash", "el destello de un flash"),
    entry(
        0.02,
        "one wingbeat of a hummingbird",
        "un aleteo de colibrí",
    ),
    entry(
        0.15,
        "a sprinter reacting to the starting gun",
        "un velocista reaccionando al pistoletazo de salida",
    ),
    entry(0.3, "the blink of an eye", "un parpadeo"),
    entry(0.8, "a heartbeat at rest", "un latido en reposo"),
    entry(
        5.0,
        "a deep breath, in and out",
        "respirar hondo, dentro y fuera",
    ),
    entry(6.0, "a big yawn", "un gran bostezo"),
    entry(
        20.0,
        "washing your hands properly",
        "lavarse bien las manos",
    ),
    entry(
        2.0 * MINUTE,
        "brushing your teeth",
        "cepillarse los dientes",
    ),
    entry(3.5 * MINUTE, "a pop song", "una canción pop"),
    entry(15.0 * MINUTE, "a coffee break", "una pausa para el café"),
    entry(
        45.0 * MINUTE,
        "an episode of a TV drama",
        "un capítulo de una serie",
    ),
    entry(2.0 * HOUR, "a feature film", "una película"),
    entry(8.0 * HOUR, "a working day", "una jornada de trabajo"),
    entry(2.0 * DAY, "a weekend", "un fin de semana"),
    entry(
        3.0 * DAY,
        "a three-day music festival",
        "un festival de música de tres días",
    ),
    entry(7.0 * DAY, "a week at the beach", "una semana en la playa"),
    entry(
        10.0 * DAY,
        "getting over a bad cold",
        "curarse de un resfriado fuerte",
    ),
    entry(
        29.5 * DAY,
        "a full cycle of the Moon",
        "un ciclo completo de la Luna",
    ),
    entry(
        YEAR / 3.0,
        "a university semester",
        "un semestre universitario",
    ),
    entry(10.0 * YEAR / 12.0, "a school year", "un curso escolar"),
    entry(
        YEAR,
        "a year, from one birthday to the next",
        "un año, de un cumpleaños al siguiente",
    ),
    entry(
        4.0 * YEAR,
        "a bachelor's degree",
        "una carrera universitaria",
    ),
    entry(80.0 * YEAR, "a human lifetime", "una vida humana"),
    entry(
        5_000.0 * YEAR,
        "all of recorded history",
        "toda la historia escrita",
    ),
];

/// Past this ratio to the shortest or the longest entry, nothing everyday
/// compares.
const OUT_OF_REACH: f64 = 3.0;

/// What a span is about as long as.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Comparison {
    /// An everyday thing of about the same length.
    Like(Everyday),
    /// Shorter than anything a person notices.
    TooShort,
    /// Longer than anything people have lived through.
    TooLong,
}

impl Comparison {
    /// The comparison in words.
    pub fn text(self, lang: Lang) -> &'static str {
        match (self, lang) {
            (Comparison::Like(e), Lang::En) => e.en,
            (Comparison::Like(e), Lang::Es) => e.es,
            (Comparison::TooShort, Lang::En) => "too short to notice",
            (Comparison::TooShort, Lang::Es) => "demasiado breve para notarlo",
            (Comparison::TooLong, Lang::En) => "longer than recorded history",
            (Comparison::TooLong, Lang::Es) => "más que toda la historia escrita",
        }
    }
}

/// The everyday thing closest in length to `span`.
pub fn nearest(span: Span) -> Comparison {
    let secs = span.as_secs();
    let (shortest, longest) = (EVERYDAY[0].seconds, EVERYDAY[EVERYDAY.len() - 1].seconds);
    // Zero and NaN too: no ratio to them means anything.
    if secs.is_nan() || secs * OUT_OF_REACH < shortest {
        return Comparison::TooShort;
    }
    if secs > longest * OUT_OF_REACH {
        return Comparison::TooLong;
    }
    let distance = |e: &Everyday| (secs / e.seconds).ln().abs();
    let closest = EVERYDAY
        .iter()
        .min_by(|a, b| distance(a).total_cmp(&distance(b)))
        // unwrap is safe because EVERYDAY is not empty.
        .unwrap();
    Comparison::Like(*closest)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn like(secs: f64) -> &'static str {
        nearest(Span::from_secs(secs)).text(Lang::En)
    }

    #[test]
    fn entries_run_from_shortest_to_longest() {
        assert!(EVERYDAY.windows(2).all(|w| w[0].seconds < w[1].seconds));
    }

    #[test]
    fn the_nearest_length_wins() {
        assert_eq!(like(0.5), "a heartbeat at rest");
        assert_eq!(like(100.0), "brushing your teeth");
        assert_eq!(like(3_000.0), "an episode of a TV drama");
        assert_eq!(like(1e7), "a university semester");
        assert_eq!(like(1.5e8), "a bachelor's degree");
        assert_eq!(
            nearest(Span::from_secs(1e7)).text(Lang::Es),
            "un semestre universitario"
        );
    }

    #[test]
    fn spans_out_of_reach_say_so() {
        assert_eq!(like(1e-4), "too short to notice");
        assert_eq!(like(0.0), "too short to notice");
        assert_eq!(like(1e13), "longer than recorded history");
        assert_eq!(like(4e-4), "a camera flash");
        assert_eq!(like(4e11), "all of recorded history");
    }
}
