//! The words of the report's header and of the fetch section, in the
//! page's language, from the arguments the sections run with.

use crate::cli::{ClockArg, FetchArgs, ServiceArgs, WorkloadArgs};
use crate::report::html::Text;
use crate::restaurant::Model;
use crate::workload::Workload;

/// Where the orders came from and how many there are, such as "the
/// article's: 4 orders, 11 products from a menu of 3".
pub(super) fn workload(args: &WorkloadArgs, workload: &Workload, text: &Text) -> String {
    let mut source = match &args.workload {
        Some(path) => format!("{}", path.display()),
        None => text.articles_orders.to_string(),
    };
    if let Some(n) = args.random {
        let seed = args.seed.unwrap_or(super::super::DEFAULT_SEED);
        source.push_str(&format!(", {}", (text.random_orders)(n, seed)));
    }
    if let Some(n) = args.repeat {
        source.push_str(&format!(", {}", (text.repeated)(n)));
    }
    (text.workload)(
        &source,
        workload.orders().len(),
        workload.products_total(),
        workload.menu().len(),
    )
}

/// The restaurant's clock.
pub(super) fn clock(args: &ServiceArgs, text: &Text) -> String {
    match args.clock {
        ClockArg::Real => (text.real_clock)(args.speed),
        ClockArg::Virtual => text.virtual_clock.to_string(),
    }
}

/// Waiters and cooks of `models`: "3 waiters", or each model's own number,
/// such as "2 waiters for sync and threads, 1 for the others".
pub(super) fn staff(args: &ServiceArgs, models: &[Model], text: &Text) -> String {
    let waiters = match args.waiters {
        Some(n) => (text.waiters)(n as usize),
        None => own_waiters(models, text),
    };
    let cooks = match args.cooks {
        Some(n) => (text.cooks)(n as usize),
        None => text.unlimited_cooks.to_string(),
    };
    format!("{waiters}; {cooks}")
}

/// Each model's own number of waiters: the most common one last, for
/// "the others".
fn own_waiters(models: &[Model], text: &Text) -> String {
    // (waiters, models), in the order the models come.
    let mut groups: Vec<(usize, Vec<&str>)> = Vec::new();
    for model in models {
        let n = model.default_waiters();
        match groups.iter_mut().find(|(m, _)| *m == n) {
            Some((_, names)) if !names.contains(&model.name()) => names.push(model.name()),
            Some(_) => {}
            None => groups.push((n, vec![model.name()])),
        }
    }
    let Some(most) = groups.iter().map(|(_, names)| names.len()).max() else {
        return String::new();
    };
    if let [(n, _)] = groups.as_slice() {
        return (text.waiters)(*n);
    }
    let others = groups.iter().position(|(_, names)| names.len() == most);
    let others = others.map(|i| groups.remove(i));
    let mut parts: Vec<String> = groups
        .iter()
        .map(|(n, names)| (text.waiters_for)(*n, &text.list(names)))
        .collect();
    if let Some((n, _)) = others {
        parts.push((text.for_the_others)(n));
    }
    parts.join(", ")
}

/// What the fetches asked for, and from where: "people 1 to 9" when the
/// ids run without a gap, as `--ids` has them otherwise.
pub(super) fn fetch_setup(args: &FetchArgs, ids: &[u64], text: &Text) -> String {
    let delay = humantime::format_duration(args.server_delay).to_string();
    let gapless = ids.len() > 1 && ids.windows(2).all(|w| w[0].checked_add(1) == Some(w[1]));
    let ids = match (ids.first(), ids.last()) {
        (Some(&first), Some(&last)) if gapless => (text.id_range)(first, last),
        _ => args.ids.clone(),
    };
    (text.fetch_setup)(&ids, &delay)
}
