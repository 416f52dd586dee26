//! The words of `mesonero latency --measure`: the label beside a measured
//! figure, and the note that says how each row was measured or why not.

use crate::latency::measure::io::FileAccess;
use crate::latency::measure::{Method, Outcome, Skip};
use crate::latency::Lang;

/// The measured figure, marked where it is not what the row means.
pub fn measured_cell(outcome: &Outcome, lang: Lang) -> String {
    let Outcome::Measured { stats, method } = outcome else {
        return "-".to_string();
    };
    let figure = stats.median.machine();
    let label = match (method, lang) {
        (Method::LoopbackStream { .. } | Method::LoopbackRoundTrip, Lang::En) => " (loopback)",
        (Method::LoopbackStream { .. } | Method::LoopbackRoundTrip, Lang::Es) => " (bucle local)",
        (Method::FileRead { access, .. }, _) => match (access, lang) {
            (FileAccess::Direct, _) => "",
            (FileAccess::CacheDropped, Lang::En) => " (cache dropped)",
            (FileAccess::CacheDropped, Lang::Es) => " (caché vaciada)",
            (FileAccess::PageCache, Lang::En) => " (page cache)",
            (FileAccess::PageCache, Lang::Es) => " (caché de páginas)",
        },
        _ => "",
    };
    format!("{figure}{label}")
}

/// `24 KiB`, `256 MiB`, `431 bytes`.
pub fn size(bytes: u64) -> String {
    match bytes {
        b if b >= 1 << 20 && b % (1 << 20) == 0 => format!("{} MiB", b >> 20),
        b if b >= 1 << 10 && b % (1 << 10) == 0 => format!("{} KiB", b >> 10),
        b => format!("{b} bytes"),
    }
}

/// How a row was measured, or why it was not, in a sentence.
pub fn note(outcome: &Outcome, lang: Lang) -> String {
    match outcome {
        Outcome::Measured { stats, method } => {
            let samples = match lang {
                Lang::En => format!("{} samples", stats.samples),
                Lang::Es => format!("{} muestras", stats.samples),
            };
            format!("{}; {samples}", method_note(method, lang))
        }
        Outcome::Skipped(skip) => match (skip, lang) {
            (Skip::NeedsSpinningDisk, Lang::En) => "not measured: needs a spinning disk".into(),
            (Skip::NeedsSpinningDisk, Lang::Es) => {
                "sin medir: hace falta un disco giratorio".into()
            }
            (Skip::NeedsLongLink, Lang::En) => {
                "not measured: needs a link across the Atlantic".into()
            }
            (Skip::NeedsLongLink, Lang::Es) => {
                "sin medir: hace falta un enlace que cruce el Atlántico".into()
            }
            (Skip::Failed(why), Lang::En) => format!("not measured: {why}"),
            (Skip::Failed(why), Lang::Es) => format!("sin medir: {why}"),
        },
    }
}

fn method_note(method: &Method, lang: Lang) -> String {
    let (en, es) = match *method {
        Method::PointerChase {
            bytes,
            level,
            cache_bytes,
            fits,
            from_sys,
        } => {
            let cache = match level {
                1 => "L1d".to_string(),
                level => format!("L{level}"),
            };
            let (bytes, cache_bytes) = (size(bytes), size(cache_bytes));
            let (fit_en, fit_es) = match fits {
                true => (
                    format!("half the {cache_bytes} {cache} cache"),
                    format!("la mitad de la caché {cache} de {cache_bytes}"),
                ),
                false => (
                    format!("far beyond the {cache_bytes} {cache} cache"),
                    format!("mucho más que la caché {cache} de {cache_bytes}"),
                ),
            };
            let (source_en, source_es) = match from_sys {
                true => ("sizes from /sys", "tamaños de /sys"),
                false => ("sizes assumed", "tamaños supuestos"),
            };
            (
                format!(
                    "pointer chasing through a random cycle in {bytes}, {fit_en} ({source_en})"
                ),
                format!(
                    "persecución de punteros por un ciclo aleatorio en {bytes}, \
                     {fit_es} ({source_es})"
                ),
            )
        }
        Method::Branches { bytes, pool } => {
            let (bytes, pool) = (size(bytes as u64), size(pool as u64));
            (
                format!(
                    "{bytes} passes over {pool} of random bytes against the same sorted, \
                     per misprediction (half the branches)"
                ),
                format!(
                    "pasadas de {bytes} por {pool} de bytes aleatorios contra los mismos \
                     ordenados, por fallo (la mitad de los saltos)"
                ),
            )
        }
        Method::Mutex => (
            "std::sync::Mutex locked and unlocked by a single thread".into(),
            "std::sync::Mutex bloqueado y desbloqueado por un solo hilo".into(),
        ),
        Method::Snappy { input, output } => {
            let input = size(input as u64);
            (
                format!("the snap crate, {input} of text to {output} bytes"),
                format!("el crate snap, {input} de texto a {output} bytes"),
            )
        }
        Method::LoopbackStream { bytes } => {
            let bytes = size(bytes as u64);
            (
                format!("{bytes} messages streamed over TCP on 127.0.0.1: no network card"),
                format!("mensajes de {bytes} en flujo por TCP en 127.0.0.1: sin tarjeta de red"),
            )
        }
        Method::MemoryRead { bytes, buffer } => {
            let (bytes, buffer) = (size(bytes as u64), size(buffer));
            (
                format!("summing {bytes} in order from a {buffer} buffer, so it comes from RAM"),
                format!("sumar {bytes} en orden de un búfer de {buffer}, para que venga de la RAM"),
            )
        }
        Method::LoopbackRoundTrip => (
            "a 1-byte TCP ping-pong on 127.0.0.1 stands in: a lower bound, \
             with no network card, cable or switch"
                .into(),
            "lo sustituye un ping-pong TCP de 1 byte en 127.0.0.1: un mínimo, \
             sin tarjeta de red, cable ni switch"
                .into(),
        ),
        Method::FileRead {
            bytes,
            file,
            access,
        } => {
            let (bytes, file) = (size(bytes as u64), size(file));
            let (how_en, how_es) = match access {
                FileAccess::Direct => (
                    "with O_DIRECT, bypassing the page cache",
                    "con O_DIRECT, sin pasar por la caché de páginas",
                ),
                FileAccess::CacheDropped => (
                    "O_DIRECT refused: page cache dropped before each read",
                    "O_DIRECT rechazado: caché de páginas vaciada antes de cada lectura",
                ),
                FileAccess::PageCache => (
                    "from the page cache: this file system cannot bypass it",
                    "de la caché de páginas: este sistema de archivos no permite evitarla",
                ),
            };
            (
                format!("{bytes} at random offsets of a {file} temporary file, {how_en}"),
                format!(
                    "{bytes} en posiciones aleatorias de un archivo temporal de {file}, {how_es}"
                ),
            )
        }
    };
    match lang {
        Lang::En => en,
        Lang::Es => es,
    }
}
