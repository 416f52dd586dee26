//! The kitchen: where products take time.
//!
//! A waiter hands the kitchen a product and learns when it will be ready;
//! waiting for that moment is the waiter's business, and how it waits is
//! the whole difference between the models. By default the kitchen has as
//! many cooks as there are products, as in the article, where every
//! `sleep` runs at once. With a number of cooks, at most that many products
//! are in preparation at once, and each product goes to the cook who is
//! free first, in the order the products were asked for (a [`Crew`]).

use std::time::Duration;

use crate::crew::Crew;

/// The kitchen's cooks and when each will next be free.
///
/// A waiter in a process of its own asks the cashier's kitchen, in the
/// cashier's process, so that every waiter shares its cooks: its kitchen
/// is [`Kitchen::remote`].
pub struct Kitchen {
    cooks: Cooks,
}

/// Where the cooks are.
enum Cooks {
    /// In this process.
    Here(Crew),
    /// In another: asking says when a product will be ready.
    Elsewhere(Box<dyn Fn(Duration, Duration) -> Duration + Send + Sync>),
}

impl Kitchen {
    /// A kitchen with `cooks` cooks, or unlimited ones for `None`.
    /// A count of 0 is treated as 1; the command line refuses it earlier.
    pub fn new(cooks: Option<usize>) -> Kitchen {
        Kitchen {
            cooks: Cooks::Here(Crew::new(cooks)),
        }
    }

    /// A kitchen elsewhere: `ready_at(now, preparation)` asks it when a
    /// product asked for at `now` will be ready, never before
    /// `now + preparation`.
    pub fn remote(
        ready_at: impl Fn(Duration, Duration) -> Duration + Send + Sync + 'static,
    ) -> Kitchen {
        Kitchen {
            cooks: Cooks::Elsewhere(Box::new(ready_at)),
        }
    }

    /// Takes a product that needs `preparation`, asked for at `now`, and
    /// says when it will be ready.
    pub fn ready_at(&self, now: Duration, preparation: Duration) -> Duration {
        match &self.cooks {
            Cooks::Here(cooks) => cooks.take(now, preparation),
            // Whatever the other side says, a product is never ready
            // before it is asked for.
            Cooks::Elsewhere(ask) => ask(now, preparation).max(now),
        }
    }

    /// Takes a product that needs `preparation`, asked for at `now`, and
    /// says how long the waiter will wait for it.
    pub fn ask(&self, now: Duration, preparation: Duration) -> Wait {
        let until = self.ready_at(now, preparation);
        Wait {
            until,
            length: until - now,
        }
    }
}

/// How long a waiter waits for a product: the article's `time_sleep`, and
/// the moment it ends. Clocks sleep until the moment, so that no time is
/// lost between asking and sleeping; a thread that takes the wait over
/// later (a pool's) sleeps its length.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Wait {
    /// When the product is ready, in restaurant time.
    pub until: Duration,
    /// How long from the request until then.
    pub length: Duration,
}

#[cfg(test)]
mod tests {
    use super::*;

    /// How cooks take products is the crew's (`crew.rs`, tested there);
    /// here, that the kitchen hands them over.
    #[test]
    fn products_go_to_the_cooks_in_the_order_asked() {
        let s = Duration::from_secs_f64;
        let unlimited = Kitchen::new(None);
        assert_eq!(unlimited.ready_at(s(0.0), s(7.5)), s(7.5));
        assert_eq!(unlimited.ready_at(s(0.0), s(1.0)), s(1.0));
        let one = Kitchen::new(Some(1));
        assert_eq!(one.ready_at(s(0.0), s(7.5)), s(7.5));
        assert_eq!(one.ready_at(s(0.0), s(1.0)), s(8.5));
    }

    #[test]
    fn a_remote_kitchen_is_asked_and_never_ready_before_the_request() {
        let s = Duration::from_secs_f64;
        let remote = Kitchen::remote(|now, preparation| now + preparation * 2);
        assert_eq!(
            remote.ask(s(1.0), s(2.0)),
            Wait {
                until: s(5.0),
                length: s(4.0)
            }
        );
        let confused = Kitchen::remote(|_, _| Duration::ZERO);
        assert_eq!(confused.ready_at(s(3.0), s(1.0)), s(3.0));
    }
}
