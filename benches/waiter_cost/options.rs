//! The benchmark's command line: what `cargo bench --bench waiter_cost --`
//! passes on.

use super::{Kind, REPS, SIZES};

/// What to measure, and how to print it.
#[derive(Debug)]
pub struct Options {
    /// JSON instead of a table.
    pub json: bool,
    /// Runs of each size; the median is reported.
    pub reps: usize,
    /// Numbers of waiters.
    pub sizes: Vec<usize>,
    /// Kinds of waiter whose name contains this, as criterion's filter.
    pub filter: Option<String>,
    /// Set in a copy of the benchmark started to make one measurement.
    pub child: Option<(Kind, usize)>,
}

impl Options {
    /// Reads the arguments; the message says what is wrong with them.
    pub fn parse(args: impl IntoIterator<Item = String>) -> Result<Options, String> {
        let mut options = Options {
            json: false,
            reps: REPS,
            sizes: SIZES.to_vec(),
            filter: None,
            child: None,
        };
        let mut args = args.into_iter();
        while let Some(arg) = args.next() {
            let mut value = |name: &str| args.next().ok_or(format!("{name} needs a value"));
            match arg.as_str() {
                // What cargo bench passes to every benchmark.
                "--bench" => {}
                "--json" => options.json = true,
                "--reps" => options.reps = count("--reps", &value("--reps")?)?,
                "--sizes" => {
                    options.sizes = value("--sizes")?
                        .split(',')
                        .map(|n| count("--sizes", n))
                        .collect::<Result<_, _>>()?;
                }
                "--child" => {
                    let kind = value("--child")?;
                    let kind = Kind::ALL
                        .into_iter()
                        .find(|k| k.name() == kind)
                        .ok_or(format!("--child: no waiter kind '{kind}'"))?;
                    options.child = Some((kind, count("--child", &value("--child")?)?));
                }
                _ if !arg.starts_with('-') && options.filter.is_none() => {
                    options.filter = Some(arg);
                }
                _ => {
                    return Err(format!(
                        "unknown argument '{arg}'; the options are --json, --reps N, --sizes N,N,... and a filter on task, thread or process"
                    ))
                }
            }
        }
        Ok(options)
    }

    /// Whether `kind` is to be measured.
    pub fn wants(&self, kind: Kind) -> bool {
        self.filter
            .as_ref()
            .is_none_or(|f| kind.name().contains(f.as_str()))
    }
}

/// A whole number of at least 1.
fn count(option: &str, text: &str) -> Result<usize, String> {
    match text.trim().parse() {
        Ok(n) if n >= 1 => Ok(n),
        _ => Err(format!(
            "{option}: '{text}' is not a whole number of at least 1"
        )),
    }
}
