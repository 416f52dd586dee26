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
pub struct Kitchen {
    cooks: Crew,
}

impl Kitchen {
    /// A kitchen with `cooks` cooks, or unlimited ones for `None`.
    /// A count of 0 is treated as 1; the command line refuses it earlier.
    pub fn new(cooks: Option<usize>) -> Kitchen {
        Kitchen {
            cooks: Crew::new(cooks),
        }
    }

    /// Takes a product that needs `preparation`, asked for at `now`, and
    /// says when it will be ready.
    pub fn ready_at(&self, now: Duration, preparation: Duration) -> Duration {
        self.cooks.take(now, preparation)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(secs: f64) -> Duration {
        Duration::from_secs_f64(secs)
    }

    #[test]
    fn an_unlimited_kitchen_prepares_everything_at_once() {
        let k = Kitchen::new(None);
        assert_eq!(k.ready_at(s(0.0), s(7.5)), s(7.5));
        assert_eq!(k.ready_at(s(0.0), s(1.0)), s(1.0));
    }

    #[test]
    fn one_cook_prepares_one_product_after_another() {
        let k = Kitchen::new(Some(1));
        assert_eq!(k.ready_at(s(0.0), s(7.5)), s(7.5));
        assert_eq!(k.ready_at(s(0.0), s(1.0)), s(8.5));
        assert_eq!(k.ready_at(s(10.0), s(1.0)), s(11.0));
    }

    #[test]
    fn two_cooks_take_the_next_product_whoever_is_free_first() {
        let k = Kitchen::new(Some(2));
        assert_eq!(k.ready_at(s(0.0), s(4.0)), s(4.0));
        assert_eq!(k.ready_at(s(0.0), s(1.0)), s(1.0));
        assert_eq!(k.ready_at(s(0.0), s(1.0)), s(2.0));
        assert_eq!(k.ready_at(s(0.0), s(1.0)), s(3.0));
        assert_eq!(k.ready_at(s(0.0), s(1.0)), s(4.0));
    }
}
