//! The words of the report's page, one set per language.
//!
//! Every string of the page that is not a figure, a name of the tool or a
//! line the article prints is here, as a field of [`Text`]: a set that
//! leaves one out does not compile. The tables' column headers are the
//! commands' own, declared once with each table, and stay as the commands
//! print them; so do the model and strategy names and the commands. The
//! words around the race's table are the `race` command's own, in each
//! language ([`crate::report::race::Words`]), and so are the timeline
//! pictures' labels, captions and tooltips
//! ([`crate::report::timeline::Words`]).

use crate::latency::Lang;

/// The page's words in one language.
pub struct Text {
    /// The language's code, for `<html lang>`.
    pub code: &'static str,
    /// The page's heading, and its title before the date.
    pub title: &'static str,
    /// The line under the heading.
    pub tagline: &'static str,
    /// The names of the facts under it: version, date, workload, clock
    /// and staff.
    pub facts: [&'static str; 5],
    /// The section titles, in page order.
    pub sections: [&'static str; 7],
    /// Before each section's command.
    pub on_the_terminal: &'static str,
    /// What the restaurant's table shows.
    pub compare: &'static str,
    /// What the timelines show.
    pub timelines: &'static str,
    /// The article's warning, and what its table shows.
    pub lesson: &'static str,
    /// Concurrency against parallelism, and what its tables show.
    pub parallel: &'static str,
    /// What the fetches show, from what they asked for.
    pub fetch: fn(setup: &str) -> String,
    /// What the fetches asked for, and from where.
    pub fetch_setup: fn(ids: &str, delay: &str) -> String,
    /// The ids from `first` to `last`.
    pub id_range: fn(first: u64, last: u64) -> String,
    /// One model's failed fetches.
    pub fetch_failed: fn(model: &str, failed: usize, ids: usize) -> String,
    /// The note under the fetches' table when some failed.
    pub fetch_failures: fn(failed: &str) -> String,
    /// What the race shows.
    pub race: &'static str,
    /// What the latency table shows, at `scale`.
    pub latency: fn(scale: &str) -> String,
    /// The page's last line.
    pub footer: fn(version: &str) -> String,
    /// The workload when no file is given.
    pub articles_orders: &'static str,
    /// `--random N --seed S`.
    pub random_orders: fn(count: u64, seed: u64) -> String,
    /// `--repeat N`.
    pub repeated: fn(times: u64) -> String,
    /// The workload's source and size.
    pub workload: fn(source: &str, orders: usize, products: usize, menu: usize) -> String,
    /// The real clock at `speed`.
    pub real_clock: fn(speed: f64) -> String,
    /// The virtual clock.
    pub virtual_clock: &'static str,
    /// `n` waiters, for every model.
    pub waiters: fn(n: usize) -> String,
    /// `n` waiters for the models named.
    pub waiters_for: fn(n: usize, models: &str) -> String,
    /// `n` waiters for the models not named before.
    pub for_the_others: fn(n: usize) -> String,
    /// The word before the last item of a list.
    pub and: &'static str,
    /// `--cooks N`.
    pub cooks: fn(n: usize) -> String,
    /// No `--cooks`.
    pub unlimited_cooks: &'static str,
}

impl Text {
    /// The words of `lang`.
    pub fn of(lang: Lang) -> &'static Text {
        match lang {
            Lang::En => &EN,
            Lang::Es => &ES,
        }
    }

    /// `a`, `a and b`, `a, b and c`.
    pub fn list(&self, items: &[&str]) -> String {
        match items {
            [] => String::new(),
            [one] => one.to_string(),
            [init @ .., last] => format!("{} {} {last}", init.join(", "), self.and),
        }
    }
}

/// `n` and the word that goes with it.
fn count(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

const EN: Text = Text {
    code: "en",
    title: "mesonero report",
    tagline: "Blocking, threaded and asynchronous I/O, measured on this machine.",
    facts: ["version", "date", "workload", "clock", "staff"],
    sections: [
        "The restaurant, served four ways",
        "Timelines",
        "The article's warning: one blocking call undoes it all",
        "Concurrency is not parallelism",
        "Fetching people",
        "The race on the balance",
        "Latencies at human scale",
    ],
    on_the_terminal: "On the terminal:",
    compare: "Each model serves the same orders. Makespan is restaurant time until the last \
              order was on its table; ideal is what the model would take with no overhead at \
              all; speed-up is sync's makespan divided by the model's; wall is the time the run \
              really took.",
    timelines: "Who did what, and when: one lane per waiter, for each model.",
    lesson: "The article warns that asyncio.sleep waits without blocking but time.sleep \
             blocks, and that every change it made to the restaurant would have been for \
             nothing had it kept time.sleep: the event loop runs one piece of code at a time, \
             so while one sits in a blocking call, nothing else runs. Here is the warning, run: \
             async is asinc.py; async-blocking keeps the blocking sleep in the coroutine; \
             async-sequential forgets gather and awaits each order in turn; async-offload \
             hands the blocking call to a thread pool, as asyncio's run_in_executor does. Loop \
             blocked is how long a waiter's code held the event loop; in the timeline, a strip \
             under the waiter shows when.",
    parallel: "The article tells concurrency (dealing with many things at once) from \
               parallelism (doing many things at once, on as many processors). Its products \
               are pure waiting, which one thread can overlap; here every product also needs \
               CPU time once the kitchen hands it over, and computing needs a core. Threads \
               compute in parallel, one per core; the event loop computes on its one thread, \
               one product after another, and its detector names each product that held it. \
               Under Python's GIL, one lock per process held while computing, threads compute \
               one at a time too. CPU is the CPU time used; cores busy, that time over the \
               run's. In the timeline, computing is drawn solid and waiting hatched.",
    fetch: |setup| {
        format!(
            "The article's asinc2.py: {setup}, one model after the other. Sequential waits \
             for each answer before asking for the next; threads and async keep many requests \
             in flight, so the waits overlap."
        )
    },
    fetch_setup: |ids, delay| {
        format!(
            "people {ids} from the built-in swapi-like server on 127.0.0.1, which waits \
             {delay} before each answer"
        )
    },
    id_range: |first, last| format!("{first} to {last}"),
    fetch_failed: |model, failed, ids| format!("{model} failed {failed} of {ids} ids"),
    fetch_failures: |failed| format!("{failed}; see the answers with the command."),
    race: "The article's race: threads adding and subtracting 1 on one balance, which should \
           end at 0. With no lock, updates are lost; a mutex or an atomic loses none.",
    latency: |scale| {
        format!(
            "The article's table of latencies, each time multiplied by {scale} so that a \
             nanosecond lasts a second, beside something that takes about as long. These are \
             the article's reference figures, not measured here; the command's --measure \
             measures the rows this machine can."
        )
    },
    footer: |version| {
        format!(
            "From the article \u{201c}Una introducci\u{f3}n a la asincron\u{ed}a en \
             Python\u{201d}, in Rust. Made by mesonero {version}."
        )
    },
    articles_orders: "the article's",
    random_orders: |count, seed| format!("{count} random orders (seed {seed})"),
    repeated: |times| format!("{times} times over"),
    workload: |source, orders, products, menu| {
        format!(
            "{source}: {}, {} from a menu of {menu}",
            count(orders, "order", "orders"),
            count(products, "product", "products")
        )
    },
    real_clock: |speed| {
        format!("real clock at speed {speed}: {speed} restaurant seconds per wall second")
    },
    virtual_clock: "virtual clock: instant, exact, deterministic",
    waiters: |n| count(n, "waiter", "waiters"),
    waiters_for: |n, models| format!("{} for {models}", count(n, "waiter", "waiters")),
    for_the_others: |n| format!("{n} for the others"),
    and: "and",
    cooks: |n| count(n, "cook", "cooks"),
    unlimited_cooks: "unlimited cooks",
};

const ES: Text = Text {
    code: "es",
    title: "informe de mesonero",
    tagline: "E/S bloqueante, con hilos y asíncrona, medida en esta máquina.",
    facts: ["versión", "fecha", "pedidos", "reloj", "personal"],
    sections: [
        "El restaurante, servido de cuatro maneras",
        "Líneas de tiempo",
        "La advertencia del artículo: una sola llamada bloqueante lo echa todo a perder",
        "La concurrencia no es paralelismo",
        "Pidiendo personas a la API",
        "La carrera sobre el balance",
        "Latencias a escala humana",
    ],
    on_the_terminal: "En la terminal:",
    compare: "Cada modelo sirve los mismos pedidos. Makespan es el tiempo del restaurante hasta \
              que el último pedido llegó a su mesa; ideal es lo que tardaría el modelo sin \
              ninguna sobrecarga; speed-up es el makespan de sync dividido entre el del modelo; \
              wall es lo que de verdad tardó la ejecución.",
    timelines: "Quién hizo qué, y cuándo: un carril por camarero, para cada modelo.",
    lesson: "El artículo advierte que asyncio.sleep espera sin bloquear, pero time.sleep \
             bloquea, y que ninguno de los cambios que le hizo al restaurante habría servido de \
             nada si hubiera seguido con time.sleep: el bucle de eventos ejecuta un solo trozo \
             de código a la vez, así que mientras uno está en una llamada bloqueante, no se \
             ejecuta nada más. Aquí está la advertencia, en marcha: async es asinc.py; \
             async-blocking deja el sleep bloqueante dentro de la corrutina; async-sequential \
             olvida gather y espera cada pedido por turno; async-offload le pasa la llamada \
             bloqueante a un grupo de hilos, como hace run_in_executor de asyncio. Loop blocked \
             es cuánto tiempo retuvo el código de un camarero el bucle de eventos; en la línea \
             de tiempo, una franja bajo el camarero muestra cuándo.",
    parallel: "El artículo distingue la concurrencia (ocuparse de muchas cosas a la vez) del \
               paralelismo (hacer muchas cosas a la vez, con otros tantos procesadores). Sus \
               productos son pura espera, que un solo hilo puede solapar; aquí cada producto \
               necesita además tiempo de CPU cuando la cocina lo entrega, y calcular necesita \
               un núcleo. Los hilos calculan en paralelo, uno por núcleo; el bucle de eventos \
               calcula en su único hilo, un producto tras otro, y su detector nombra cada \
               producto que lo retuvo. Con el GIL de Python, un cerrojo por proceso que se \
               tiene mientras se calcula, los hilos también calculan de uno en uno. CPU es el \
               tiempo de CPU usado; cores busy, ese tiempo dividido entre el de la ejecución. \
               En la línea de tiempo, el cálculo se dibuja macizo y la espera rayada.",
    fetch: |setup| {
        format!(
            "El asinc2.py del artículo: {setup}, un modelo tras otro. Sequential espera cada \
             respuesta antes de hacer la siguiente petición; threads y async mantienen muchas \
             peticiones en curso, así que las esperas se solapan."
        )
    },
    fetch_setup: |ids, delay| {
        format!(
            "las personas {ids} del servidor integrado al estilo de swapi en 127.0.0.1, que \
             espera {delay} antes de cada respuesta"
        )
    },
    id_range: |first, last| format!("{first} a {last}"),
    fetch_failed: |model, failed, ids| format!("{model} falló {failed} de {ids} ids"),
    fetch_failures: |failed| format!("{failed}; el comando muestra las respuestas."),
    race: "La condición de carrera del artículo: hilos que suman y restan 1 a un mismo \
           balance, que debería terminar en 0. Sin lock se pierden actualizaciones; con un \
           mutex o una operación atómica no se pierde ninguna.",
    latency: |scale| {
        format!(
            "La tabla de latencias del artículo, con cada tiempo multiplicado por {scale} para \
             que un nanosegundo dure un segundo, junto a algo que tarda más o menos lo mismo. \
             Son las cifras de referencia del artículo, no medidas aquí; la opción --measure \
             del comando mide las filas que esta máquina puede medir."
        )
    },
    footer: |version| {
        format!(
            "Del artículo «Una introducción a la asincronía en Python», en Rust. Hecho con \
             mesonero {version}."
        )
    },
    articles_orders: "los del artículo",
    random_orders: |count, seed| format!("{count} pedidos al azar (semilla {seed})"),
    repeated: |times| format!("repetidos {times} veces"),
    workload: |source, orders, products, menu| {
        format!(
            "{source}: {}, {} de una carta de {menu}",
            count(orders, "pedido", "pedidos"),
            count(products, "producto", "productos")
        )
    },
    real_clock: |speed| {
        format!("reloj real a velocidad {speed}: {speed} segundos del restaurante por segundo real")
    },
    virtual_clock: "reloj virtual: instantáneo, exacto, determinista",
    waiters: |n| count(n, "camarero", "camareros"),
    waiters_for: |n, models| format!("{} para {models}", count(n, "camarero", "camareros")),
    for_the_others: |n| format!("{n} para los demás"),
    and: "y",
    cooks: |n| count(n, "cocinero", "cocineros"),
    unlimited_cooks: "cocineros sin límite",
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_read_as_sentences() {
        assert_eq!(EN.list(&["sync"]), "sync");
        assert_eq!(EN.list(&["sync", "threads"]), "sync and threads");
        assert_eq!(ES.list(&["a", "b", "c"]), "a, b y c");
    }

    #[test]
    fn counts_agree_with_their_nouns() {
        assert_eq!(
            (ES.workload)("x", 1, 2, 3),
            "x: 1 pedido, 2 productos de una carta de 3"
        );
        assert_eq!((EN.waiters_for)(1, "async"), "1 waiter for async");
        assert_eq!((ES.cooks)(1), "1 cocinero");
    }
}
