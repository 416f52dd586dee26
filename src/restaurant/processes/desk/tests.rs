//! The desk against a scripted waiter, over a real loopback connection.

use std::time::Duration;

use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::tcp::{OwnedReadHalf, OwnedWriteHalf};
use tokio::net::{TcpListener, TcpStream};

use super::*;
use crate::restaurant::processes::channel;
use crate::trace::EventKind;

fn ms(millis: u64) -> Duration {
    Duration::from_millis(millis)
}

/// The waiter's end of a connection: it says a message, and hears one.
struct Script {
    input: BufReader<OwnedReadHalf>,
    output: OwnedWriteHalf,
}

impl Script {
    async fn say(&mut self, message: FromWaiter) {
        self.output
            .write_all(&channel::line(&message))
            .await
            .unwrap();
    }

    async fn hear(&mut self) -> FromCashier {
        let mut line = String::new();
        self.input.read_line(&mut line).await.unwrap();
        channel::parse(line.as_bytes()).unwrap()
    }
}

/// A desk for the article's orders with `cooks`, the cashier's line to
/// waiter 1, and that waiter's end.
async fn open(cooks: Option<usize>) -> (Desk, Arc<Recorder>, Line, Script) {
    let workload = Arc::new(Workload::article());
    let recorder = Arc::new(Recorder::new(Arc::clone(&workload), None));
    let desk = Desk::new(&workload, cooks, &recorder);
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let waiter = TcpStream::connect(listener.local_addr().unwrap())
        .await
        .unwrap();
    let (cashier, _) = listener.accept().await.unwrap();
    let line = Line::new(1, 0, BufReader::new(cashier));
    let (input, output) = waiter.into_split();
    let script = Script {
        input: BufReader::new(input),
        output,
    };
    (desk, recorder, line, script)
}

fn run<F: std::future::Future>(test: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
        .block_on(test)
}

#[test]
fn a_waiter_takes_orders_asks_the_kitchen_and_its_events_are_recorded() {
    run(async {
        // One cook: the second product waits for the first.
        let (desk, recorder, mut line, mut waiter) = open(Some(1)).await;
        let script = async {
            waiter.say(FromWaiter::Take).await;
            assert_eq!(waiter.hear().await, FromCashier::Order { order: Some(0) });
            for (at, what) in [
                (1, Happened::RequestOrder),
                (2, Happened::RequestProduct(0)),
            ] {
                let at = ms(at);
                waiter.say(FromWaiter::Event { at, order: 0, what }).await;
            }
            // A burger, then a soda that waits for the one cook.
            for (now, preparation, until) in [(2, 7500, 7502), (3, 1000, 8502)] {
                let (now, preparation) = (ms(now), ms(preparation));
                waiter.say(FromWaiter::Kitchen { now, preparation }).await;
                assert_eq!(waiter.hear().await, FromCashier::Ready { until: ms(until) });
            }
            let at = ms(9000);
            let what = Happened::Dispatched;
            waiter.say(FromWaiter::Event { at, order: 0, what }).await;
            waiter.say(FromWaiter::Done).await;
            drop(waiter);
        };
        let (served, ()) = tokio::join!(desk.attend(&mut line), script);
        assert_eq!(served, Ok(()));
        assert!(line.held.is_empty());
        let trace = recorder.take_trace();
        let kinds: Vec<EventKind> = trace.events().iter().map(|e| e.kind()).collect();
        let mut expected = vec![
            EventKind::RequestOrder,
            EventKind::RequestProduct { item: 0 },
        ];
        expected.extend(EventKind::dispatch(2));
        assert_eq!(kinds, expected);
        assert!(trace.events().iter().all(|e| e.waiter() == 1));
        assert_eq!(trace.makespan(), ms(9000));
    });
}

#[test]
fn a_waiter_that_hangs_up_holding_an_order_is_lost_with_it() {
    run(async {
        let (desk, _, mut line, mut waiter) = open(None).await;
        let script = async {
            waiter.say(FromWaiter::Take).await;
            assert_eq!(waiter.hear().await, FromCashier::Order { order: Some(0) });
            drop(waiter);
        };
        let (served, ()) = tokio::join!(desk.attend(&mut line), script);
        assert_eq!(served, Err(Breach::Hung));
        assert_eq!(line.held.iter().copied().collect::<Vec<_>>(), [0]);
    });
}

#[test]
fn a_waiter_that_says_what_no_waiter_does_breaks_the_protocol() {
    let breaches = [
        // An order it was never given.
        vec![FromWaiter::Event {
            at: ms(1),
            order: 3,
            what: Happened::RequestOrder,
        }],
        // A product its order does not have.
        vec![
            FromWaiter::Take,
            FromWaiter::Event {
                at: ms(1),
                order: 0,
                what: Happened::DoneProduct(2),
            },
        ],
        // Done with an order in hand.
        vec![FromWaiter::Take, FromWaiter::Done],
        // A kitchen asked for a product of a year.
        vec![FromWaiter::Kitchen {
            now: ms(0),
            preparation: Duration::from_secs(365 * 86_400),
        }],
    ];
    for messages in breaches {
        run(async {
            let (desk, recorder, mut line, mut waiter) = open(None).await;
            let script = async {
                for message in messages.clone() {
                    waiter.say(message).await;
                }
                waiter
            };
            let (served, _waiter) = tokio::join!(desk.attend(&mut line), script);
            assert!(
                matches!(served, Err(Breach::Broke(_))),
                "{messages:?}: {served:?}"
            );
            assert!(recorder.take_trace().events().is_empty());
        });
    }
}

#[test]
fn a_line_that_is_not_a_message_breaks_the_protocol() {
    run(async {
        let (desk, _, mut line, mut waiter) = open(None).await;
        let script = async {
            let long = vec![b'x'; channel::MAX_LINE * 2];
            waiter.output.write_all(&long).await.unwrap();
            waiter
        };
        let (served, _waiter) = tokio::join!(desk.attend(&mut line), script);
        assert!(matches!(served, Err(Breach::Broke(_))), "{served:?}");
    });
}

#[test]
fn an_event_that_arrives_after_a_later_one_is_recorded_at_its_time() {
    let merge = Merge::default();
    assert_eq!(merge.at(ms(5)), ms(5));
    // Stamped earlier by another waiter, but crossed on the way.
    assert_eq!(merge.at(ms(4)), ms(5));
    assert_eq!(merge.at(ms(6)), ms(6));
    // Kept to the microsecond, as the trace keeps times.
    assert_eq!(merge.at(Duration::from_nanos(6_000_900)), ms(6));
}
