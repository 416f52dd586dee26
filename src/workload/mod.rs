//! The restaurant's workload: a menu of products with their preparation
//! times, and the orders the cashier receives.
//!
//! This is the article's `PREPARATION_TIME` dictionary and its list of order
//! tuples, made into types. [`Workload::article`] is the article's own
//! workload; [`file`](mod@file) reads one from TOML or JSON; [`generate`] repeats or
//! draws orders at random; [`memory`] refuses one too big for the machine.

pub mod duration;
pub mod file;
pub mod generate;
pub mod memory;

use std::collections::HashMap;
use std::time::Duration;

use smallvec::SmallVec;
use thiserror::Error;

/// The longest preparation time a product may have. Longer is almost
/// certainly a typo (`75000` for `7.5`), and would make a real-clock run last
/// for days.
pub const MAX_PREPARATION: Duration = Duration::from_secs(24 * 60 * 60);

/// The most orders a workload may hold, so a mistyped `--repeat` fails with a
/// message at once; trace events have room for this many. A workload must
/// also fit in memory: see [`memory`], which refuses one that would need
/// more than the machine has available.
pub const MAX_ORDERS: usize = 20_000_000;

/// How many of the menu's names an error message lists.
pub const NAMES_SHOWN: usize = 20;

/// Index of a product in the [`Menu`].
pub type ProductId = u32;

/// One dish or drink the kitchen prepares, and how long that takes.
///
/// Its work has two parts: the kitchen's, which the waiter only waits for
/// (the article's every product), and then the waiter's own, which needs a
/// CPU core: a photo to compress, an answer to parse. Either may be 0, not
/// both.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Product {
    /// The name orders use, such as `burger`.
    pub name: String,
    /// How long the kitchen takes to prepare it, in restaurant time.
    pub preparation: Duration,
    /// How long the waiter then computes, on a core, in restaurant time.
    pub cpu: Duration,
}

/// The menu: the products the kitchen can prepare, in the order they were
/// written.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Menu {
    products: Vec<Product>,
    /// Each product's id by name, so that finding one (and refusing a
    /// name twice) does not search the list: a menu of a million products
    /// is then read in a second, where searching made it take minutes.
    index: HashMap<String, ProductId>,
}

impl Menu {
    /// Adds a product that is pure waiting, checking its name and
    /// preparation time.
    pub fn add(&mut self, name: &str, preparation: Duration) -> Result<ProductId, WorkloadError> {
        self.add_with_cpu(name, preparation, Duration::ZERO)
    }

    /// Adds a product whose waiter computes for `cpu` after the kitchen's
    /// `preparation`, checking both; one of them may be 0.
    pub fn add_with_cpu(
        &mut self,
        name: &str,
        preparation: Duration,
        cpu: Duration,
    ) -> Result<ProductId, WorkloadError> {
        if name.trim().is_empty() {
            return Err(WorkloadError::EmptyProductName);
        }
        // A name is printed in the log, on a terminal, and in SVG and HTML:
        // an escape sequence would rewrite the screen, a newline forge a
        // log line, and most control characters are not allowed in XML.
        if name.chars().any(char::is_control) {
            return Err(WorkloadError::ControlCharacter(name.to_string()));
        }
        if self.find(name).is_some() {
            return Err(WorkloadError::DuplicateProduct(name.to_string()));
        }
        if cpu.is_zero() {
            // Pure waiting, as every product of the article.
            duration::check(name, preparation)?;
        } else {
            duration::check_part(name, duration::Part::Preparation, preparation)?;
            duration::check_part(name, duration::Part::Cpu, cpu)?;
        }
        let id = self.products.len() as ProductId;
        self.products.push(Product {
            name: name.to_string(),
            preparation,
            cpu,
        });
        self.index.insert(name.to_string(), id);
        Ok(id)
    }

    /// The product with this name, if the menu has it.
    pub fn find(&self, name: &str) -> Option<ProductId> {
        self.index.get(name).copied()
    }

    /// The product with this id. Ids come from this menu, so it exists.
    pub fn product(&self, id: ProductId) -> &Product {
        &self.products[id as usize]
    }

    /// Every product, in menu order.
    pub fn products(&self) -> &[Product] {
        &self.products
    }

    /// Number of products on the menu.
    pub fn len(&self) -> usize {
        self.products.len()
    }

    /// Whether the menu has no products.
    pub fn is_empty(&self) -> bool {
        self.products.is_empty()
    }

    /// The names, joined with commas, for error messages: the first
    /// [`NAMES_SHOWN`] of them, and how many more there are, so that a
    /// message about a big menu stays one readable line.
    pub fn names(&self) -> String {
        let shown: Vec<&str> = self
            .products
            .iter()
            .take(NAMES_SHOWN)
            .map(|p| p.name.as_str())
            .collect();
        let mut names = shown.join(", ");
        if self.products.len() > NAMES_SHOWN {
            names += &format!(" and {} more", self.products.len() - NAMES_SHOWN);
        }
        names
    }
}

/// Identifier of an order: its position in the cashier's queue, from 0 as in
/// the article.
pub type OrderId = u32;

/// An order's products. Up to four are kept in the order itself, more on
/// the heap: an order is a few products, and an allocation for each of a
/// million orders would be a large part of a large run's memory.
pub type Products = SmallVec<[ProductId; 4]>;

/// A customer's order: a list of products, possibly repeated
/// (`burger, burger, beer, frites`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Order {
    /// The order's number, from 0.
    pub id: OrderId,
    /// The products, in the order the customer named them.
    pub products: Products,
}

/// A menu and the orders to serve from it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Workload {
    menu: Menu,
    orders: Vec<Order>,
    products_total: usize,
}

impl Workload {
    /// Builds a workload from a menu and orders written as product names.
    pub fn new<S: AsRef<str>>(menu: Menu, orders: &[Vec<S>]) -> Result<Workload, WorkloadError> {
        let mut ids = Vec::with_capacity(orders.len());
        for (i, names) in orders.iter().enumerate() {
            let mut products = Vec::with_capacity(names.len());
            for name in names {
                let name = name.as_ref();
                let id = menu
                    .find(name)
                    .ok_or_else(|| WorkloadError::UnknownProduct {
                        order: i,
                        product: name.to_string(),
                        menu: menu.names(),
                    })?;
                products.push(id);
            }
            ids.push(products);
        }
        Workload::from_ids(menu, ids)
    }

    /// Builds a workload from a menu and orders given as product ids.
    pub fn from_ids<P: Into<Products>>(
        menu: Menu,
        orders: Vec<P>,
    ) -> Result<Workload, WorkloadError> {
        if menu.is_empty() {
            return Err(WorkloadError::EmptyMenu);
        }
        if orders.is_empty() {
            return Err(WorkloadError::NoOrders);
        }
        if orders.len() > MAX_ORDERS {
            return Err(WorkloadError::TooManyOrders(orders.len() as u128));
        }
        let mut products_total = 0;
        let mut built = Vec::with_capacity(orders.len());
        for (i, products) in orders.into_iter().enumerate() {
            let products: Products = products.into();
            if products.is_empty() {
                return Err(WorkloadError::EmptyOrder(i));
            }
            if products.len() > u16::MAX as usize {
                return Err(WorkloadError::OrderTooLong(i, products.len()));
            }
            if let Some(&bad) = products.iter().find(|&&p| p as usize >= menu.len()) {
                return Err(WorkloadError::UnknownProduct {
                    order: i,
                    product: format!("#{bad}"),
                    menu: menu.names(),
                });
            }
            products_total += products.len();
            built.push(Order {
                id: i as OrderId,
                products,
            });
        }
        memory::check(built.len(), products_total as u64)?;
        Ok(Workload {
            menu,
            orders: built,
            products_total,
        })
    }

    /// The article's workload: its menu and its four orders.
    pub fn article() -> Workload {
        let mut menu = Menu::default();
        // unwrap is safe because these constants satisfy every menu check.
        for (name, millis) in [
            ("burger", 7500),
            ("frites", 4000),
            ("soda", 1000),
            ("beer", 1200),
        ] {
            menu.add(name, Duration::from_millis(millis)).unwrap();
        }
        let orders = [
            vec!["burger", "soda"],
            vec!["burger", "burger", "beer", "frites"],
            vec!["beer", "beer", "beer"],
            vec!["burger", "frites"],
        ];
        // unwrap is safe because every product named is on the menu above.
        Workload::new(menu, &orders).unwrap()
    }

    /// The menu.
    pub fn menu(&self) -> &Menu {
        &self.menu
    }

    /// The orders, in the order the cashier queues them.
    pub fn orders(&self) -> &[Order] {
        &self.orders
    }

    /// The order with this id. Ids come from this workload, so it exists.
    pub fn order(&self, id: OrderId) -> &Order {
        &self.orders[id as usize]
    }

    /// Products in all orders together.
    pub fn products_total(&self) -> usize {
        self.products_total
    }

    /// How long one product of an order takes to prepare.
    pub fn preparation(&self, order: OrderId, item: usize) -> Duration {
        self.menu
            .product(self.order(order).products[item])
            .preparation
    }

    /// How long the waiter computes for one product of an order, after
    /// the kitchen's part.
    pub fn cpu(&self, order: OrderId, item: usize) -> Duration {
        self.menu.product(self.order(order).products[item]).cpu
    }

    /// The CPU time of every product of every order, in all.
    pub fn cpu_total(&self) -> Duration {
        if !self.has_cpu() {
            return Duration::ZERO;
        }
        self.orders
            .iter()
            .flat_map(|o| &o.products)
            .map(|&p| self.menu.product(p).cpu)
            .sum()
    }

    /// Whether any product needs CPU time: a workload of pure waiting
    /// shows nothing of cores or the GIL.
    pub fn has_cpu(&self) -> bool {
        self.menu.products().iter().any(|p| !p.cpu.is_zero())
    }

    /// The name of one product of an order.
    pub fn product_name(&self, order: OrderId, item: usize) -> &str {
        &self.menu.product(self.order(order).products[item]).name
    }
}

/// What can be wrong with a workload, whatever file or option it came from.
#[derive(Debug, Error, PartialEq, Eq)]
pub enum WorkloadError {
    /// A menu with no products.
    #[error("the menu is empty: give at least one product and its preparation time")]
    EmptyMenu,
    /// No orders at all.
    #[error("there are no orders: give at least one")]
    NoOrders,
    /// An order with no products.
    #[error("order {0} is empty: every order needs at least one product")]
    EmptyOrder(usize),
    /// An order naming more products than an order can hold.
    #[error("order {0} has {1} products; an order holds at most 65535")]
    OrderTooLong(usize, usize),
    /// An order names a product that is not on the menu.
    #[error(
        "order {order} asks for '{}', which is not on the menu (the menu has: {menu})",
        product.escape_debug()
    )]
    UnknownProduct {
        /// The order's number.
        order: usize,
        /// The name it used.
        product: String,
        /// What the menu has, to help fix a typo.
        menu: String,
    },
    /// A product with an empty name.
    #[error("a product on the menu has an empty name")]
    EmptyProductName,
    /// A product name with a control character, such as an escape or a
    /// newline, shown escaped.
    #[error("product name \"{}\" has a control character", .0.escape_debug())]
    ControlCharacter(String),
    /// The same product twice on the menu.
    #[error("'{}' is on the menu twice", .0.escape_debug())]
    DuplicateProduct(String),
    /// A preparation time that cannot be a preparation time.
    #[error("'{}': {problem}", product.escape_debug())]
    BadDuration {
        /// The product it belongs to.
        product: String,
        /// What is wrong with it.
        problem: String,
    },
    /// More orders than the tool will hold in memory.
    #[error("{0} orders is more than the {MAX_ORDERS} a run may hold; use a smaller --repeat or --random")]
    TooManyOrders(u128),
    /// A workload whose run would need more memory than there is.
    #[error(
        "{orders} orders would need about {} of memory; this machine has {} available: \
         use a smaller --repeat or --random",
        memory::size(*needed),
        memory::size(*available)
    )]
    OutOfMemory {
        /// Orders in the workload.
        orders: usize,
        /// Bytes a run would need, about.
        needed: u64,
        /// Bytes this machine has available.
        available: u64,
    },
    /// Orders repeated no times at all.
    #[error("--repeat must be at least 1: repeating the orders 0 times leaves none to serve")]
    ZeroRepeat,
    /// No random orders at all.
    #[error("--random must be at least 1: 0 random orders leaves none to serve")]
    ZeroRandom,
}

/// Order ids for a message: all of a few, the first of many.
pub fn list_orders(orders: &[OrderId]) -> String {
    const SHOWN: usize = 20;
    let shown: Vec<String> = orders.iter().take(SHOWN).map(u32::to_string).collect();
    let mut text = shown.join(", ");
    if orders.len() > SHOWN {
        text.push_str(&format!(" and {} more", orders.len() - SHOWN));
    }
    if orders.is_empty() {
        text.push_str("none");
    }
    text
}

#[cfg(test)]
mod tests;
