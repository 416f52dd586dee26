//! Workloads made from others: repeated orders, random orders from a menu,
//! or the same orders with products that compute.
//!
//! Both make workloads big enough to measure, where the article's four
//! orders are over too soon to tell the models apart.

use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;

use super::{
    memory, Menu, Order, OrderId, ProductId, Products, Workload, WorkloadError, MAX_ORDERS,
};

/// The most products a random order has; the fewest is one.
pub const MAX_RANDOM_ORDER: u32 = 4;

/// The workload's orders repeated `times` times in sequence, on the same
/// menu, numbered again from 0.
pub fn repeat(workload: &Workload, times: usize) -> Result<Workload, WorkloadError> {
    if times == 0 {
        return Err(WorkloadError::ZeroRepeat);
    }
    let per_round = workload.orders().len();
    let count = per_round
        .checked_mul(times)
        .filter(|&count| count <= MAX_ORDERS)
        .ok_or(WorkloadError::TooManyOrders(
            per_round as u128 * times as u128,
        ))?;
    // Refused before the orders are made, not after. Cannot overflow: at
    // most MAX_ORDERS orders of at most 65,535 products.
    let products = workload.products_total() as u64 * times as u64;
    memory::check(count, products)?;
    // Copies of orders already checked, made in place: a large run's
    // workload is built in one pass, with no list of products in between.
    let mut orders = Vec::with_capacity(count);
    let copies = (0..times).flat_map(|_| workload.orders());
    orders.extend(copies.enumerate().map(|(id, order)| Order {
        id: id as OrderId,
        products: order.products.clone(),
    }));
    Ok(Workload {
        menu: workload.menu().clone(),
        orders,
        products_total: workload.products_total() * times,
    })
}

/// The same orders, on a menu whose every product needs `cpu` of the
/// waiter's computing after the kitchen's part: the article's menu, say,
/// if each product were also a photo to compress. 0 leaves pure waiting.
pub fn with_cpu(workload: &Workload, cpu: std::time::Duration) -> Result<Workload, WorkloadError> {
    let mut menu = Menu::default();
    for product in workload.menu().products() {
        menu.add_with_cpu(&product.name, product.preparation, cpu)?;
    }
    let orders = workload
        .orders()
        .iter()
        .map(|o| o.products.clone())
        .collect();
    Workload::from_ids(menu, orders)
}

/// `count` random orders from the menu, each of 1 to [`MAX_RANDOM_ORDER`]
/// products drawn uniformly, possibly the same one twice.
///
/// The same seed gives the same orders on every run and platform: the
/// generator is ChaCha8, whose output is specified, seeded with
/// `seed_from_u64`.
pub fn random(menu: &Menu, count: usize, seed: u64) -> Result<Workload, WorkloadError> {
    if count == 0 {
        return Err(WorkloadError::ZeroRandom);
    }
    if menu.is_empty() {
        return Err(WorkloadError::EmptyMenu);
    }
    if count > MAX_ORDERS {
        return Err(WorkloadError::TooManyOrders(count as u128));
    }
    // Refused before the orders are drawn, with as many products as they
    // will have on average; the workload checks the exact number.
    memory::check(count, count as u64 * u64::from(1 + MAX_RANDOM_ORDER) / 2)?;
    // Product ids are u32, so a menu cannot usefully hold more.
    let products = ProductId::try_from(menu.len()).unwrap_or(ProductId::MAX);
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let orders = (0..count)
        .map(|_| {
            let size = rng.random_range(1..=MAX_RANDOM_ORDER);
            (0..size)
                .map(|_| rng.random_range(0..products))
                .collect::<Products>()
        })
        .collect();
    Workload::from_ids(menu.clone(), orders)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(workload: &Workload, order: usize) -> Vec<&str> {
        (0..workload.orders()[order].products.len())
            .map(|item| workload.product_name(order as u32, item))
            .collect()
    }

    #[test]
    fn repeat_keeps_the_products_and_numbers_the_orders_again() {
        let article = Workload::article();
        let w = repeat(&article, 3).unwrap();
        assert_eq!(w.menu(), article.menu());
        assert_eq!(w.orders().len(), 12);
        assert_eq!(w.products_total(), 33);
        for (i, order) in w.orders().iter().enumerate() {
            assert_eq!(order.id as usize, i);
            assert_eq!(order.products, article.orders()[i % 4].products);
        }
        assert_eq!(repeat(&article, 1).unwrap(), article);
    }

    #[test]
    fn repeat_makes_big_workloads() {
        let w = repeat(&Workload::article(), 100_000).unwrap();
        assert_eq!(w.orders().len(), 400_000);
        assert_eq!(w.products_total(), 1_100_000);
        assert_eq!(w.orders()[399_999].id, 399_999);
        assert_eq!(names(&w, 399_999), ["burger", "frites"]);
    }

    #[test]
    fn repeat_refuses_zero_and_too_many() {
        let article = Workload::article();
        let err = repeat(&article, 0).unwrap_err();
        assert_eq!(err, WorkloadError::ZeroRepeat);
        assert!(err.to_string().contains("--repeat"));
        assert_eq!(
            repeat(&article, MAX_ORDERS / 4 + 1).unwrap_err(),
            WorkloadError::TooManyOrders(MAX_ORDERS as u128 + 4)
        );
        // The product overflows; no allocation is attempted.
        assert_eq!(
            repeat(&article, usize::MAX).unwrap_err(),
            WorkloadError::TooManyOrders(4 * usize::MAX as u128)
        );
    }

    #[test]
    fn random_orders_are_reproducible() {
        let menu = Workload::article().menu().clone();
        let a = random(&menu, 1000, 7).unwrap();
        assert_eq!(a, random(&menu, 1000, 7).unwrap());
        assert_ne!(a.orders(), random(&menu, 1000, 8).unwrap().orders());
    }

    #[test]
    fn random_orders_have_one_to_four_products_from_the_menu() {
        let menu = Workload::article().menu().clone();
        let w = random(&menu, 10_000, 1).unwrap();
        assert_eq!(w.menu(), &menu);
        assert_eq!(w.orders().len(), 10_000);
        let mut sizes = [0usize; 5];
        let mut used = [0usize; 4];
        for (i, order) in w.orders().iter().enumerate() {
            assert_eq!(order.id as usize, i);
            sizes[order.products.len()] += 1;
            for &p in &order.products {
                used[p as usize] += 1;
            }
        }
        assert_eq!(sizes[0], 0);
        // Uniform: every size and every product turns up, roughly evenly.
        assert!(sizes[1..].iter().all(|&n| n > 2000), "{sizes:?}");
        assert!(used.iter().all(|&n| n > 5000), "{used:?}");
    }

    #[test]
    fn random_orders_for_seed_42_stay_the_same() {
        // Pinned so that a change of generator or of how it is used, which
        // would change every seeded run, does not go unnoticed.
        let w = random(Workload::article().menu(), 3, 42).unwrap();
        assert_eq!(names(&w, 0), ["soda"]);
        assert_eq!(names(&w, 1), ["beer"]);
        assert_eq!(names(&w, 2), ["frites", "frites", "soda", "soda"]);
        assert_eq!(
            w.orders()
                .iter()
                .map(|o| o.products.to_vec())
                .collect::<Vec<_>>(),
            [vec![2], vec![3], vec![1, 1, 2, 2]]
        );
    }

    #[test]
    fn random_refuses_zero_too_many_and_an_empty_menu() {
        let menu = Workload::article().menu().clone();
        let err = random(&menu, 0, 1).unwrap_err();
        assert_eq!(err, WorkloadError::ZeroRandom);
        assert!(err.to_string().contains("--random"));
        assert_eq!(
            random(&menu, MAX_ORDERS + 1, 1).unwrap_err(),
            WorkloadError::TooManyOrders(MAX_ORDERS as u128 + 1)
        );
        assert_eq!(
            random(&Menu::default(), 1, 1).unwrap_err(),
            WorkloadError::EmptyMenu
        );
    }
}
