//! The timelines' words, one set per language: the pictures the report
//! page embeds speak the page's language (`mesonero report --lang es`);
//! the pictures and text of the other commands, which have no `--lang`,
//! and the Chrome trace are in English. Each word is a field of
//! [`Words`], so a set that leaves one out does not compile.
//!
//! What is not a word of the picture stays as it is in every language:
//! model names, the workload's product names, figures, and `Received
//! orders`, a line the article prints.

use std::time::Duration;

use super::axis;
use crate::latency::Lang;

/// A noun, one and many: `waiter`, `waiters`.
pub struct Noun {
    /// One: `waiter`.
    pub one: &'static str,
    /// Several: `waiters`.
    pub many: &'static str,
}

impl Noun {
    /// `1 waiter`, `3 waiters`.
    pub fn count(&self, n: usize) -> String {
        format!("{n} {}", if n == 1 { self.one } else { self.many })
    }

    /// One by its number: `waiter 3`.
    pub fn numbered(&self, n: impl std::fmt::Display) -> String {
        format!("{} {n}", self.one)
    }

    /// Several by their first and last numbers: `waiters 1-4`.
    pub fn range(&self, first: usize, last: usize) -> String {
        format!("{} {first}-{last}", self.many)
    }
}

/// The timelines' words in one language.
pub struct Words {
    /// Who takes the orders, and whose lanes they are.
    pub waiter: Noun,
    /// An OS thread, a lane of thread-per-product.
    pub thread: Noun,
    /// A task on an event loop, a lane of the async models.
    pub task: Noun,
    /// What a bar stands for.
    pub product: Noun,
    /// What is dispatched.
    pub order: Noun,
    /// Before a model's makespan: the tables' own header, which the page
    /// names as is in every language.
    pub makespan: &'static str,
    /// Under the shared time axis.
    pub axis: &'static str,
    /// Above a Gantt chart: what a bar and a mark are.
    pub gantt: &'static str,
    /// Above a Gantt chart in which products were computed: a bar lasts
    /// until its product is ready, computed too.
    pub gantt_cpu: &'static str,
    /// A product's first part, hatched: the waiter waits, for the
    /// kitchen, then perhaps for a core or the GIL.
    pub waiting: &'static str,
    /// A product's second part, solid: the waiter computes on a core.
    pub computing: &'static str,
    /// The step chart of products being computed, at scale.
    pub products_computing: &'static str,
    /// The most products computing at once, beside a step chart.
    pub computing_at_most: fn(most: u32) -> String,
    /// Above the picture at scale: what it shows instead.
    pub at_scale: &'static str,
    /// `lanes` lanes drawn `per_row` to a row.
    pub grouped: fn(lanes: usize, per_row: usize) -> String,
    /// The dispatch marks left out, when too many to draw.
    pub marks_left_out: fn(marks: usize) -> String,
    /// What a row drawn as bands shows.
    pub dense: &'static str,
    /// What a row of merged stretches shows.
    pub merged: &'static str,
    /// From when to when, in a bar's or a strip's tooltip.
    pub span: fn(from: &str, to: &str) -> String,
    /// The products the legend leaves out.
    pub more_products: fn(more: usize) -> String,
    /// What a stretch is called, in tooltips and the legend.
    pub blocked: &'static str,
    /// The row of a waiter's stretches.
    pub loop_row: &'static str,
    /// The row of stretches no waiter's code can be named for.
    pub unnamed_row: &'static str,
    /// What a blocked loop means, after [`Words::blocked`] in the legend.
    pub nothing_else_runs: &'static str,
    /// Stretches merged into one: how many, and how long in all.
    pub times: fn(count: usize, held: &str) -> String,
    /// Between how long the loop was blocked and whose code it was.
    pub by: &'static str,
    /// A stretch no waiter's code can be named for.
    pub no_waiters_code: &'static str,
    /// A stretch of a waiter's own code (`waiter 1`).
    pub taking_orders: fn(waiter: &str) -> String,
    /// A stretch of a product's code: `order 3`, the product.
    pub product_of: fn(order: &str, product: &str) -> String,
    /// A product its waiter was lost waiting for, the order re-delivered:
    /// in its tooltip and the legend.
    pub abandoned: &'static str,
    /// The mark of an order given again to another waiter, in the legend.
    pub redelivered: &'static str,
    /// The mark's tooltip: the order, and the waiter that had it
    /// (`waiter 1`).
    pub redelivered_from: fn(order: &str, waiter: &str) -> String,
    /// The step chart of products requested and not yet handed over.
    pub in_preparation: &'static str,
    /// The step chart of OS threads.
    pub threads_alive: &'static str,
    /// A step chart's tooltip: the model, the most at once, of what.
    pub at_once: fn(model: &str, most: u32, what: &str) -> String,
    /// The most at once, beside a step chart.
    pub at_most: fn(most: u32) -> String,
    /// The heading of the orders' latencies.
    pub latency: &'static str,
    /// What the box plots of latencies show.
    pub latency_explained: &'static str,
    /// A model that dispatched no order has no box.
    pub none_dispatched: &'static str,
    /// Under the latencies' axis.
    pub latency_axis: &'static str,
    /// A spread of latencies: `4 orders`, the fastest, the median, nine
    /// in ten, the slowest.
    pub spread: fn(orders: &str, fastest: &str, median: &str, p90: &str, slowest: &str) -> String,
}

impl Words {
    /// The words in `lang`.
    pub fn of(lang: Lang) -> &'static Words {
        match lang {
            Lang::En => &ENGLISH,
            Lang::Es => &SPANISH,
        }
    }

    /// A model's figures beside its name: `2 waiters, 11 products,
    /// makespan 43.8 s`.
    pub fn figures(&self, waiters: usize, products: usize, makespan: Duration) -> String {
        format!(
            "{}, {}, {} {}",
            self.waiter.count(waiters),
            self.product.count(products),
            self.makespan,
            axis::label(makespan)
        )
    }

    /// How long a product waited and computed, in its tooltip: `waiting
    /// 3 s, computing (CPU) 0.5 s`.
    pub fn parts(&self, waiting: Duration, computing: Duration) -> String {
        format!(
            "{} {}, {} {}",
            self.waiting,
            axis::label(waiting),
            self.computing,
            axis::label(computing)
        )
    }
}

/// The English words, which every renderer but the report's page uses.
pub(super) const ENGLISH: Words = Words {
    waiter: Noun {
        one: "waiter",
        many: "waiters",
    },
    thread: Noun {
        one: "thread",
        many: "threads",
    },
    task: Noun {
        one: "task",
        many: "tasks",
    },
    product: Noun {
        one: "product",
        many: "products",
    },
    order: Noun {
        one: "order",
        many: "orders",
    },
    makespan: "makespan",
    axis: "restaurant time",
    gantt: "Each bar is a product, from the waiter's request to the kitchen's answer; ▼ marks an \
            order's dispatch.",
    gantt_cpu: "Each bar is a product, from the waiter's request until it is ready; ▼ marks an \
                order's dispatch.",
    waiting: "waiting",
    computing: "computing (CPU)",
    products_computing: "products computing (CPU)",
    computing_at_most: |most| format!("{most} computing at most"),
    at_scale: "Too many products for a bar each: what was in flight over time, and below, how \
               long orders took.",
    grouped: |lanes, per_row| format!("{lanes} lanes grouped {per_row} to a row"),
    marks_left_out: |marks| format!("{marks} dispatch marks left out"),
    dense: "Rows this dense show, in each pixel column, the product waited for longest, darker \
            where more lanes are busy.",
    merged: "Where the event loop was blocked too many times to draw each, stretches less than a \
             pixel apart are drawn as one.",
    span: |from, to| format!("{from} to {to}"),
    more_products: |more| format!("and {more} more products"),
    blocked: "event loop blocked",
    loop_row: "loop blocked",
    unnamed_row: "loop blocked, no waiter",
    nothing_else_runs: "no other task runs",
    times: |count, held| format!("{count} times, {held} in all"),
    by: "by",
    no_waiters_code: "no waiter's code",
    taking_orders: |waiter| format!("{waiter} taking orders"),
    product_of: |order, product| format!("{order}'s {product}"),
    abandoned: "abandoned, its waiter lost",
    redelivered: "order re-delivered",
    redelivered_from: |order, waiter| format!("{order} re-delivered from {waiter}"),
    in_preparation: "products in preparation",
    threads_alive: "OS threads alive",
    at_once: |model, most, what| format!("{model}: at most {most} {what} at once"),
    at_most: |most| format!("{most} at most"),
    latency: "Order latency",
    latency_explained: "From \"Received orders\" to each order's dispatch: the line spans all, \
                        the box the middle half, the bar is the median.",
    none_dispatched: "no order dispatched",
    latency_axis: "order latency",
    spread: |orders, fastest, median, p90, slowest| {
        format!(
            "{orders}: fastest {fastest}, median {median}, 9 in 10 within {p90}, slowest \
             {slowest}"
        )
    },
};

/// The Spanish words, in the article's vocabulary.
const SPANISH: Words = Words {
    waiter: Noun {
        one: "camarero",
        many: "camareros",
    },
    thread: Noun {
        one: "hilo",
        many: "hilos",
    },
    task: Noun {
        one: "tarea",
        many: "tareas",
    },
    product: Noun {
        one: "producto",
        many: "productos",
    },
    order: Noun {
        one: "pedido",
        many: "pedidos",
    },
    makespan: "makespan",
    axis: "tiempo del restaurante",
    gantt: "Cada barra es un producto, desde que el camarero lo pide hasta que la cocina lo \
            entrega; ▼ marca el despacho de un pedido.",
    gantt_cpu: "Cada barra es un producto, desde que el camarero lo pide hasta que está listo; ▼ \
                marca el despacho de un pedido.",
    waiting: "esperando",
    computing: "calculando (CPU)",
    products_computing: "productos calculándose (CPU)",
    computing_at_most: |most| format!("{most} calculando como máximo"),
    at_scale: "Demasiados productos para una barra cada uno: lo que había en curso a lo largo \
               del tiempo y, debajo, cuánto tardaron los pedidos.",
    grouped: |lanes, per_row| {
        format!("{lanes} carriles, agrupados de {per_row} en {per_row} por fila")
    },
    marks_left_out: |marks| format!("{marks} marcas de despacho omitidas"),
    dense: "En las filas tan densas, cada columna de píxeles muestra el producto que más se \
            esperó, más oscuro donde hay más carriles ocupados.",
    merged: "Donde el bucle de eventos se bloqueó demasiadas veces para dibujar cada una, los \
             tramos a menos de un píxel uno de otro se dibujan como uno solo.",
    span: |from, to| format!("de {from} a {to}"),
    more_products: |more| format!("y {more} productos más"),
    blocked: "bucle de eventos bloqueado",
    loop_row: "bucle bloqueado",
    unnamed_row: "bucle bloqueado, sin camarero",
    nothing_else_runs: "no se ejecuta ninguna otra tarea",
    times: |count, held| format!("{count} veces, {held} en total"),
    by: "por",
    no_waiters_code: "código de ningún camarero",
    taking_orders: |waiter| format!("{waiter} tomando pedidos"),
    product_of: |order, product| format!("{product} del {order}"),
    abandoned: "abandonado al perderse su camarero",
    redelivered: "pedido reasignado",
    redelivered_from: |order, waiter| format!("{order} reasignado: lo tenía el {waiter}"),
    in_preparation: "productos en preparación",
    threads_alive: "hilos del sistema activos",
    at_once: |model, most, what| format!("{model}: como mucho {most} {what} a la vez"),
    at_most: |most| format!("{most} como máximo"),
    latency: "Latencia de los pedidos",
    latency_explained: "Desde «Received orders» hasta el despacho de cada pedido: la línea \
                        abarca todos, la caja la mitad central, la raya es la mediana.",
    none_dispatched: "ningún pedido despachado",
    latency_axis: "latencia del pedido",
    spread: |orders, fastest, median, p90, slowest| {
        format!(
            "{orders}: el más rápido {fastest}, mediana {median}, 9 de cada 10 en {p90} o \
             menos, el más lento {slowest}"
        )
    },
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nouns_agree_with_their_counts() {
        assert_eq!(ENGLISH.waiter.count(1), "1 waiter");
        assert_eq!(SPANISH.product.count(11), "11 productos");
        assert_eq!(SPANISH.task.numbered(3), "tarea 3");
        assert_eq!(ENGLISH.thread.range(1, 4), "threads 1-4");
        let makespan = Duration::from_millis(43_800);
        assert_eq!(
            SPANISH.figures(1, 11, makespan),
            "1 camarero, 11 productos, makespan 43.8 s"
        );
        let (wait, cpu) = (Duration::from_secs(3), Duration::from_millis(500));
        assert_eq!(
            ENGLISH.parts(wait, cpu),
            "waiting 3 s, computing (CPU) 0.5 s"
        );
        assert_eq!(
            SPANISH.parts(wait, cpu),
            "esperando 3 s, calculando (CPU) 0.5 s"
        );
    }
}
