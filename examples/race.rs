//! The article's race on `BALANCE`, as a snippet: two threads, a million
//! deposits and a million withdrawals, first with no lock, then with one.
//!
//! ```sh
//! cargo run --release --example race
//! ```
//!
//! `mesonero race` is the measured version: more threads, several runs,
//! an atomic, and a table (`src/race/`).

use std::sync::atomic::{AtomicI64, Ordering::Relaxed};
use std::sync::{Barrier, Mutex};
use std::thread;

const VECES: u64 = 1_000_000;

fn main() {
    // `BALANCE += 1` with no lock: read, then write back. Rust will not
    // share a plain i64 between threads that write it, so it is an atomic
    // whose load and store are separate steps, as Python's are.
    // `black_box` keeps them separate instructions: fused into one `inc`,
    // a thread switch could no longer come between them (`src/race/`).
    let balance = AtomicI64::new(0);
    // Not in the article: both threads start together, so that the first
    // does not finish before the second begins and hide the race.
    let barrier = Barrier::new(2);
    thread::scope(|s| {
        s.spawn(|| {
            barrier.wait();
            for _ in 0..VECES {
                let leido = std::hint::black_box(balance.load(Relaxed));
                balance.store(leido + 1, Relaxed);
            }
        });
        s.spawn(|| {
            barrier.wait();
            for _ in 0..VECES {
                let leido = std::hint::black_box(balance.load(Relaxed));
                balance.store(leido - 1, Relaxed); // Sección crítica
            }
        });
    });
    println!(
        "Sin lock: El valor final del balance es: {}",
        balance.load(Relaxed)
    );

    // `with lock:`: the Mutex holds the balance, so it cannot be reached
    // without the lock.
    let balance = Mutex::new(0_i64);
    thread::scope(|s| {
        s.spawn(|| {
            for _ in 0..VECES {
                *balance.lock().expect("no thread panics holding it") += 1;
            }
        });
        s.spawn(|| {
            for _ in 0..VECES {
                *balance.lock().expect("no thread panics holding it") -= 1;
            }
        });
    });
    let balance = *balance.lock().expect("no thread panics holding it");
    println!("Con lock: El valor final del balance es: {balance}");
}
