//! The article's "Hola mundo" with asyncio, in tokio: a coroutine that
//! awaits a sleep, giving the event loop control while it waits.
//!
//! ```sh
//! cargo run --release --example hello
//! ```

use std::time::Duration;

/// The article's `async def main(msg, seg)` (in Rust `main` is the
/// program's entry): a future, which does nothing until awaited.
async fn coroutine(msg: &str, seg: u64) {
    // `await asyncio.sleep(seg)`: wait, and let the event loop run other
    // tasks meanwhile ("esperamos y liberamos").
    tokio::time::sleep(Duration::from_secs(seg)).await;
    println!("Espere {seg} seg para decirte: {msg}");
}

fn main() {
    // `loop = asyncio.get_event_loop()`: the event loop, a single-threaded
    // tokio runtime here.
    let event_loop = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()
        .expect("a single-threaded runtime starts");
    // `loop.run_until_complete(main('Hola mundo con Asyncio', 2))`
    event_loop.block_on(coroutine("Hola mundo con Asyncio", 2));

    // Since Python 3.7, `asyncio.run(...)`; in tokio, `#[tokio::main]`
    // builds the runtime and blocks on the future the same way.
    run(coroutine("Hola mundo con Asyncio en Python 3.7", 1));
}

/// `asyncio.run`: a new event loop for one future, closed at the end.
#[tokio::main(flavor = "current_thread")]
async fn run(future: impl std::future::Future<Output = ()>) {
    future.await;
}
