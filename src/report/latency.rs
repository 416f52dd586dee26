//! `mesonero latency`'s output: the article's table at human scale, with
//! the figures measured here beside it, as an aligned table, Markdown or
//! JSON.
//!
//! The figures come from [`crate::latency`]; this file only words them, in
//! English or in Spanish.

use std::io::{self, Write};

use serde_json::{json, Value};

mod notes;

pub use notes::{measured_cell, note};

use super::table::{Align, Table};
use crate::latency::measure::{Outcome, Skip};
use crate::latency::{human_table, HumanRow, Lang, Operation, Scale};

/// What `mesonero latency` prints.
pub struct LatencyReport {
    /// The human-scale factor.
    pub scale: Scale,
    /// The language of names, units, comparisons and notes.
    pub lang: Lang,
    /// Each row of the article's table, scaled.
    pub rows: Vec<HumanRow>,
    /// With `--measure`: each row's outcome, in the same order.
    pub measured: Option<Vec<Outcome>>,
}

impl LatencyReport {
    /// The table at `scale`, with the outcomes of `--measure` if any.
    pub fn new(
        scale: Scale,
        lang: Lang,
        measured: Option<Vec<(Operation, Outcome)>>,
    ) -> LatencyReport {
        let rows = human_table(scale);
        let measured = measured.map(|outcomes| {
            rows.iter()
                .map(|row| {
                    outcomes
                        .iter()
                        .find(|(op, _)| *op == row.operation)
                        .map(|(_, outcome)| outcome.clone())
                        .unwrap_or(Outcome::Skipped(Skip::Failed("not run".into())))
                })
                .collect()
        });
        LatencyReport {
            scale,
            lang,
            rows,
            measured,
        }
    }

    fn headers(&self) -> Vec<(String, Align)> {
        let (operation, time, measured, like) = match self.lang {
            Lang::En => ("operation", "time", "measured", "about as long as"),
            Lang::Es => ("operación", "tiempo", "medido", "tanto como"),
        };
        let mut headers = vec![
            (operation.to_string(), Align::Left),
            (time.to_string(), Align::Right),
        ];
        if self.measured.is_some() {
            headers.push((measured.to_string(), Align::Right));
        }
        let human = match self.lang {
            Lang::En => "human",
            Lang::Es => "humano",
        };
        headers.push((format!("{human} (x{})", self.scale), Align::Right));
        headers.push((like.to_string(), Align::Left));
        headers
    }

    /// Each row's cells, as in [`LatencyReport::headers`].
    fn cells(&self) -> Vec<Vec<String>> {
        let lang = self.lang;
        self.rows
            .iter()
            .enumerate()
            .map(|(i, row)| {
                let mut cells = vec![
                    row.operation.name(lang).to_string(),
                    row.reference.machine(),
                ];
                if let Some(measured) = &self.measured {
                    cells.push(measured_cell(&measured[i], lang));
                }
                cells.push(row.human.human(lang));
                cells.push(row.comparison.text(lang).to_string());
                cells
            })
            .collect()
    }

    /// One line per row of how it was measured, or why it was not.
    fn notes(&self) -> Vec<String> {
        let Some(measured) = &self.measured else {
            return Vec::new();
        };
        self.rows
            .iter()
            .zip(measured)
            .map(|(row, outcome)| {
                format!(
                    "{}: {}",
                    row.operation.name(self.lang),
                    note(outcome, self.lang)
                )
            })
            .collect()
    }

    fn notes_title(&self) -> &'static str {
        match self.lang {
            Lang::En => "Measured on this machine, each figure the median of its samples:",
            Lang::Es => "Medido en esta máquina, cada cifra la mediana de sus muestras:",
        }
    }
}

/// The report as an aligned table, then the notes of `--measure`.
pub fn write_table(out: &mut impl Write, report: &LatencyReport) -> io::Result<()> {
    table(report).write(out)?;
    let notes = report.notes();
    if !notes.is_empty() {
        writeln!(out, "\n{}", report.notes_title())?;
        for note in notes {
            writeln!(out, "- {note}")?;
        }
    }
    Ok(())
}

/// The rows of the report as a table, for the terminal or for HTML; the
/// notes of `--measure` are not in it.
pub fn table(report: &LatencyReport) -> Table {
    let headers = report.headers();
    let columns: Vec<(&str, Align)> = headers.iter().map(|(h, a)| (h.as_str(), *a)).collect();
    let mut table = Table::new(&columns);
    for cells in report.cells() {
        table.row(cells);
    }
    table
}

/// The report as a Markdown table, then the notes as a list.
pub fn write_markdown(out: &mut impl Write, report: &LatencyReport) -> io::Result<()> {
    let headers = report.headers();
    let names: Vec<&str> = headers.iter().map(|(h, _)| h.as_str()).collect();
    writeln!(out, "| {} |", names.join(" | "))?;
    let rules: Vec<&str> = headers
        .iter()
        .map(|(_, a)| match a {
            Align::Left => "---",
            Align::Right => "---:",
        })
        .collect();
    writeln!(out, "| {} |", rules.join(" | "))?;
    for cells in report.cells() {
        // A `|` inside a cell would end it early.
        let cells: Vec<String> = cells.iter().map(|c| c.replace('|', "\\|")).collect();
        writeln!(out, "| {} |", cells.join(" | "))?;
    }
    let notes = report.notes();
    if !notes.is_empty() {
        writeln!(out, "\n{}\n", report.notes_title())?;
        for note in notes {
            writeln!(out, "- {note}")?;
        }
    }
    Ok(())
}

/// The report as a JSON array, one object per row.
pub fn write_json(out: &mut impl Write, report: &LatencyReport) -> io::Result<()> {
    let lang = report.lang;
    let rows: Vec<Value> = report
        .rows
        .iter()
        .enumerate()
        .map(|(i, row)| {
            let mut object = json!({
                "id": row.operation.id(),
                "operation": row.operation.name(lang),
                "reference_ns": row.operation.reference_nanos(),
                "human_s": row.human.as_secs(),
                "human": row.human.human(lang),
                "comparison": row.comparison.text(lang),
            });
            if let Some(measured) = &report.measured {
                let outcome = &measured[i];
                let (median, samples) = match outcome {
                    Outcome::Measured { stats, .. } => {
                        // A thousandth of a nanosecond is past any
                        // clock's resolution.
                        let nanos = (stats.median.as_nanos() * 1e3).round() / 1e3;
                        (json!(nanos), json!(stats.samples))
                    }
                    Outcome::Skipped(_) => (Value::Null, Value::Null),
                };
                object["measured_ns"] = median;
                object["samples"] = samples;
                object["measured"] = json!(measured_cell(outcome, lang));
                object["note"] = json!(note(outcome, lang));
            }
            object
        })
        .collect();
    serde_json::to_writer_pretty(&mut *out, &rows)?;
    writeln!(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::latency::measure::io::FileAccess;
    use crate::latency::measure::{Method, Stats};
    use crate::latency::Span;

    fn printed(
        write: fn(&mut Vec<u8>, &LatencyReport) -> io::Result<()>,
        r: &LatencyReport,
    ) -> String {
        let mut out = Vec::new();
        write(&mut out, r).unwrap();
        String::from_utf8(out).unwrap()
    }

    /// Some rows measured, some skipped as the command skips them, one
    /// failed.
    fn measured() -> Vec<(Operation, Outcome)> {
        let measured = |nanos, samples, method| Outcome::Measured {
            stats: Stats {
                median: Span::from_nanos(nanos),
                samples,
            },
            method,
        };
        let chase = |bytes, level, cache_bytes, from_sys| Method::PointerChase {
            bytes,
            level,
            cache_bytes,
            fits: level < 3,
            from_sys,
        };
        Operation::ALL
            .iter()
            .map(|&op| {
                let outcome = match op {
                    Operation::L1CacheReference => {
                        measured(1.23, 25_000, chase(24 << 10, 1, 48 << 10, true))
                    }
                    Operation::MainMemoryReference => {
                        measured(104.4, 300, chase(256 << 20, 3, 32 << 20, false))
                    }
                    Operation::SsdRandomRead => measured(
                        4_100.0,
                        9_000,
                        Method::FileRead {
                            bytes: 4096,
                            file: 32 << 20,
                            access: FileAccess::PageCache,
                        },
                    ),
                    Operation::DatacenterRoundTrip => {
                        measured(11_500.0, 30_000, Method::LoopbackRoundTrip)
                    }
                    Operation::DiskSeek | Operation::ReadDisk1M => {
                        Outcome::Skipped(Skip::NeedsSpinningDisk)
                    }
                    Operation::PacketCaNlCa => Outcome::Skipped(Skip::NeedsLongLink),
                    _ => Outcome::Skipped(Skip::Failed("left out of this test".into())),
                };
                (op, outcome)
            })
            .collect()
    }

    #[test]
    fn the_markdown_table_is_the_articles_at_human_scale() {
        let report = LatencyReport::new(Scale::ARTICLE, Lang::En, None);
        insta::assert_snapshot!(printed(write_markdown, &report), @r"
        | operation | time | human (x1e9) | about as long as |
        | --- | ---: | ---: | --- |
        | L1 cache reference | 0.5 ns | 0.5 s | a heartbeat at rest |
        | Branch mispredict | 5 ns | 5 s | a deep breath, in and out |
        | L2 cache reference | 7 ns | 7 s | a big yawn |
        | Mutex lock/unlock | 25 ns | 25 s | washing your hands properly |
        | Main memory reference | 100 ns | 100 s | brushing your teeth |
        | Compress 1K bytes with Zippy | 3 µs | 50 min | an episode of a TV drama |
        | Send 2K bytes over 1 Gbps network | 20 µs | 5.6 hours | a working day |
        | SSD random read | 150 µs | 1.7 days | a weekend |
        | Read 1 MB sequentially from memory | 250 µs | 2.9 days | a three-day music festival |
        | Round trip within same datacenter | 0.5 ms | 5.8 days | a week at the beach |
        | Read 1 MB sequentially from SSD | 1 ms | 11.6 days | getting over a bad cold |
        | Disk seek | 10 ms | 16.5 weeks | a university semester |
        | Read 1 MB sequentially from disk | 20 ms | 7.6 months | a school year |
        | Send packet CA->Netherlands->CA | 150 ms | 4.8 years | a bachelor's degree |
        ");
    }

    #[test]
    fn measured_figures_sit_beside_the_articles_with_notes() {
        let scale = "1e6".parse().unwrap();
        let report = LatencyReport::new(scale, Lang::Es, Some(measured()));
        insta::assert_snapshot!(printed(write_table, &report), @r"
        operación                                               tiempo                     medido  humano (x1e6)  tanto como
        ------------------------------------------------------  ------  -------------------------  -------------  --------------------------------------------------
        Referencia de la caché L1                               0.5 ns                     1.2 ns         0.5 ms  el destello de un flash
        Predicción errónea de rama                                5 ns                          -           5 ms  un aleteo de colibrí
        Referencia de la caché L2                                 7 ns                          -           7 ms  un aleteo de colibrí
        Bloqueo/Desbloqueo del Mutex                             25 ns                          -          25 ms  un aleteo de colibrí
        Referencia a la memoria principal                       100 ns                     104 ns          0.1 s  un velocista reaccionando al pistoletazo de salida
        Comprimir 1K bytes con Zippy                              3 µs                          -            3 s  respirar hondo, dentro y fuera
        Enviar 2K bytes en una red de 1 Gbps                     20 µs                          -           20 s  lavarse bien las manos
        Lectura aleatoria de un SSD                             150 µs  4.1 µs (caché de páginas)        2.5 min  cepillarse los dientes
        Leer 1 MB secuencialmente de la memoria                 250 µs                          -        4.2 min  una canción pop
        Viaje de ida y vuelta dentro del mismo centro de datos  0.5 ms      11.5 µs (bucle local)        8.3 min  una pausa para el café
        Leer 1 MB secuencialmente desde un SSD                    1 ms                          -       16.7 min  una pausa para el café
        Búsqueda de disco                                        10 ms                          -      2.8 horas  una película
        Leer 1 MB secuencialmente desde un disco                 20 ms                          -      5.6 horas  una jornada de trabajo
        Enviar paquete CA->Holanda->CA                          150 ms                          -       1.7 días  un fin de semana

        Medido en esta máquina, cada cifra la mediana de sus muestras:
        - Referencia de la caché L1: persecución de punteros por un ciclo aleatorio en 24 KiB, la mitad de la caché L1d de 48 KiB (tamaños de /sys); 25000 muestras
        - Predicción errónea de rama: sin medir: left out of this test
        - Referencia de la caché L2: sin medir: left out of this test
        - Bloqueo/Desbloqueo del Mutex: sin medir: left out of this test
        - Referencia a la memoria principal: persecución de punteros por un ciclo aleatorio en 256 MiB, mucho más que la caché L3 de 32 MiB (tamaños supuestos); 300 muestras
        - Comprimir 1K bytes con Zippy: sin medir: left out of this test
        - Enviar 2K bytes en una red de 1 Gbps: sin medir: left out of this test
        - Lectura aleatoria de un SSD: 4 KiB en posiciones aleatorias de un archivo temporal de 32 MiB, de la caché de páginas: este sistema de archivos no permite evitarla; 9000 muestras
        - Leer 1 MB secuencialmente de la memoria: sin medir: left out of this test
        - Viaje de ida y vuelta dentro del mismo centro de datos: lo sustituye un ping-pong TCP de 1 byte en 127.0.0.1: un mínimo, sin tarjeta de red, cable ni switch; 30000 muestras
        - Leer 1 MB secuencialmente desde un SSD: sin medir: left out of this test
        - Búsqueda de disco: sin medir: hace falta un disco giratorio
        - Leer 1 MB secuencialmente desde un disco: sin medir: hace falta un disco giratorio
        - Enviar paquete CA->Holanda->CA: sin medir: hace falta un enlace que cruce el Atlántico
        ");
    }

    #[test]
    fn json_has_one_object_per_row() {
        let report = LatencyReport::new(Scale::ARTICLE, Lang::En, Some(measured()));
        let rows: Vec<Value> = serde_json::from_str(&printed(write_json, &report)).unwrap();
        assert_eq!(rows.len(), 14);
        let l1 = &rows[0];
        assert_eq!(l1["id"], "l1_cache_reference");
        assert_eq!(l1["operation"], "L1 cache reference");
        assert_eq!(l1["reference_ns"], 0.5);
        assert_eq!(l1["human_s"], 0.5);
        assert_eq!(l1["human"], "0.5 s");
        assert_eq!(l1["comparison"], "a heartbeat at rest");
        assert_eq!(l1["measured_ns"], 1.23);
        assert_eq!(l1["samples"], 25_000);
        let seek = &rows[11];
        assert_eq!(seek["measured_ns"], Value::Null);
        assert_eq!(seek["note"], "not measured: needs a spinning disk");
        let without = LatencyReport::new(Scale::ARTICLE, Lang::En, None);
        let rows: Vec<Value> = serde_json::from_str(&printed(write_json, &without)).unwrap();
        assert!(rows[0].get("measured_ns").is_none());
    }
}
