use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures::future::join;

use super::*;
use crate::clock::Now;
use crate::kitchen::Wait;

fn ms(millis: u64) -> Duration {
    Duration::from_millis(millis)
}

/// A wait of `millis` asked for at time 0.
fn wait(millis: u64) -> Wait {
    Wait {
        until: ms(millis),
        length: ms(millis),
    }
}

fn virtual_loop(blocking_threads: usize) -> EventLoop {
    EventLoop::new(
        Flavor::CurrentThread,
        ClockKind::Virtual,
        blocking_threads,
        None,
    )
    .unwrap()
}

#[test]
fn a_blocking_sleep_moves_virtual_time_on_and_a_timer_due_meanwhile_fires_late() {
    let (seen, _) = virtual_loop(1).run(&Shutdown::new(), |clock| async move {
        let timer = async {
            clock.sleep(wait(1_000)).await;
            clock.now()
        };
        let blocker = async {
            clock.thread_sleep(wait(5_000))?;
            Ok::<_, Interrupted>(clock.now())
        };
        // The timer is registered first, then the blocker holds the thread.
        let (woke, blocked) = join(timer, blocker).await;
        Ok::<_, Interrupted>((woke, blocked?))
    });
    let (woke, blocked) = seen.unwrap();
    assert_eq!(blocked, ms(5_000), "blocked exactly as long as asked");
    assert_eq!(woke, ms(5_000), "the 1 s timer could only fire at 5 s");
}

#[test]
fn an_awaited_sleep_lets_other_timers_fire_on_time() {
    let (seen, _) = virtual_loop(1).run(&Shutdown::new(), |clock| async move {
        let log = Mutex::new(Vec::new());
        let nap = |at: u64| {
            let (clock, log) = (&clock, &log);
            async move {
                clock.sleep(wait(at)).await;
                log.lock().unwrap().push(clock.now());
            }
        };
        join(nap(7_500), nap(1_000)).await;
        Ok::<_, Interrupted>(log.into_inner().unwrap())
    });
    assert_eq!(seen.unwrap(), [ms(1_000), ms(7_500)]);
}

#[test]
fn the_simulated_pool_is_a_list_schedule_onto_its_threads() {
    let (done, threads) = virtual_loop(2).run(&Shutdown::new(), |clock| async move {
        let jobs = [7_500, 1_000, 7_500, 1_200, 4_000].map(|millis| {
            let clock = clock.clone();
            async move {
                clock
                    .spawn_blocking(move |thread| thread.thread_sleep(wait(millis)))
                    .await?;
                Ok::<_, Interrupted>(clock.now())
            }
        });
        futures::future::try_join_all(jobs).await
    });
    // Two threads: 7.5 on A; 1 on B, then 7.5 on B (1-8.5); 1.2 on A
    // (7.5-8.7); 4 on B (8.5-12.5).
    assert_eq!(
        done.unwrap(),
        [ms(7_500), ms(1_000), ms(8_500), ms(8_700), ms(12_500)]
    );
    assert_eq!(threads, 1 + 2, "the loop's thread and two pool threads");
}

#[test]
fn a_blocking_job_sees_its_own_threads_time() {
    let (seen, _) = virtual_loop(1).run(&Shutdown::new(), |clock| async move {
        clock
            .spawn_blocking(|thread| {
                let before = thread.now();
                thread.thread_sleep(wait(300))?;
                Ok((before, thread.now()))
            })
            .await
    });
    assert_eq!(seen.unwrap(), (ms(0), ms(300)));
}

#[test]
fn a_stop_interrupts_a_blocking_sleep_on_the_real_clock() {
    let shutdown = Shutdown::new();
    let trigger = shutdown.clone();
    let event_loop = EventLoop::new(
        Flavor::CurrentThread,
        ClockKind::Real { speed: 1.0 },
        1,
        None,
    )
    .unwrap();
    let started = std::time::Instant::now();
    let (result, _) = event_loop.run(&shutdown, |clock| async move {
        // The stop comes from another thread while this one is blocked.
        std::thread::spawn(move || {
            std::thread::sleep(ms(50));
            trigger.trigger();
        });
        clock.thread_sleep(wait(60_000))
    });
    assert_eq!(result, Err(Interrupted));
    assert!(started.elapsed() < Duration::from_secs(30));
}

#[test]
fn a_multi_threaded_loop_is_refused_on_the_virtual_clock() {
    let refused = EventLoop::new(
        Flavor::MultiThread { workers: 2 },
        ClockKind::Virtual,
        1,
        None,
    );
    assert!(matches!(refused, Err(LoopError::NoVirtualMultiThread)));
}

#[test]
fn turns_begin_and_end_around_each_wake_up() {
    let turns = Arc::new(Mutex::new(Vec::new()));
    let seen = Arc::clone(&turns);
    let observer: TurnObserver = Arc::new(move |clock, turn| {
        seen.lock().unwrap().push((turn, clock.now()));
    });
    let event_loop =
        EventLoop::new(Flavor::CurrentThread, ClockKind::Virtual, 1, Some(observer)).unwrap();
    let (result, _) = event_loop.run(&Shutdown::new(), |clock| async move {
        clock.sleep(wait(2_000)).await;
        Ok::<_, Interrupted>(())
    });
    result.unwrap();
    let turns = turns.lock().unwrap().clone();
    assert_eq!(turns.first(), Some(&(Turn::Begins, ms(0))));
    assert_eq!(turns.last(), Some(&(Turn::Ends, ms(2_000))));
    // The loop went idle at 0 and woke at 2 s: no turn spans the wait.
    assert!(turns.contains(&(Turn::Ends, ms(0))), "{turns:?}");
    assert!(turns.contains(&(Turn::Begins, ms(2_000))), "{turns:?}");
}

/// Sleepers of one moment wake in the order they went to sleep, after
/// every earlier moment's, and paused time jumps from moment to moment.
#[test]
fn sleepers_wake_by_moment_then_in_the_order_they_slept() {
    let (seen, _) = virtual_loop(1).run(&Shutdown::new(), |clock| async move {
        let log = Mutex::new(Vec::new());
        let nap = |name: &'static str, at: u64| {
            let (clock, log) = (&clock, &log);
            async move {
                clock.sleep(wait(at)).await;
                log.lock().unwrap().push((name, clock.now()));
            }
        };
        futures::join!(
            nap("a", 2_500),
            nap("b", 1_000),
            nap("c", 2_500),
            nap("d", 1_000)
        );
        Ok::<_, Interrupted>(log.into_inner().unwrap())
    });
    assert_eq!(
        seen.unwrap(),
        [
            ("b", ms(1_000)),
            ("d", ms(1_000)),
            ("a", ms(2_500)),
            ("c", ms(2_500))
        ]
    );
}

/// A hundred thousand sleepers at a handful of moments, gathered: each
/// wakes once, at its moment, and the run ends at the last.
#[test]
fn many_sleepers_at_few_moments_each_wake_on_time() {
    let (seen, _) = virtual_loop(1).run(&Shutdown::new(), |clock| async move {
        let woke = Mutex::new(Vec::new());
        let sleepers = (0..100_000u64).map(|i| {
            let (clock, woke) = (&clock, &woke);
            async move {
                let at = 500 * (1 + i % 5);
                clock.sleep(wait(at)).await;
                woke.lock().unwrap().push((at, clock.now()));
                Ok::<_, Interrupted>(())
            }
        });
        super::gather_many(sleepers).await?;
        Ok::<_, Interrupted>((woke.into_inner().unwrap(), clock.now()))
    });
    let (woke, end) = seen.unwrap();
    assert_eq!(woke.len(), 100_000);
    assert!(woke.iter().all(|&(at, now)| ms(at) == now));
    assert_eq!(end, ms(2_500));
}
