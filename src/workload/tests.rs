//! Tests of menus and workloads: the article's, names refused, and a big
//! menu made in linear time.

use super::*;

#[test]
fn the_articles_workload_has_four_orders_and_eleven_products() {
    let w = Workload::article();
    assert_eq!(w.orders().len(), 4);
    assert_eq!(w.products_total(), 11);
    assert_eq!(w.preparation(1, 3), Duration::from_secs(4));
    assert_eq!(w.product_name(2, 0), "beer");
}

#[test]
fn control_characters_in_names_are_refused_and_shown_escaped() {
    let mut menu = Menu::default();
    for name in [
        "bad\u{1b}[2J",
        "two\nlines",
        "tab\there",
        "nul\0",
        "del\u{7f}",
    ] {
        let err = menu.add(name, Duration::from_secs(1)).unwrap_err();
        assert_eq!(err, WorkloadError::ControlCharacter(name.to_string()));
        assert!(!err.to_string().chars().any(char::is_control), "{err}");
    }
    assert_eq!(
        menu.add("bad\u{1b}[2J", Duration::from_secs(1))
            .unwrap_err()
            .to_string(),
        r#"product name "bad\u{1b}[2J" has a control character"#
    );
    menu.add("café con leche", Duration::from_secs(1)).unwrap();
    // A name not on the menu is printed escaped too.
    let err = Workload::new(menu, &[vec!["\u{1b}[2J"]]).unwrap_err();
    assert_eq!(
        err.to_string(),
        r"order 0 asks for '\u{1b}[2J', which is not on the menu (the menu has: café con leche)"
    );
}

/// Finding a product used to search the list, so a menu of a million
/// products took about eighteen minutes to make (100,000 took 11 s).
/// With the index it takes well under a second; the bound is generous
/// for a loaded machine, and still far below the old time.
#[test]
fn a_menu_of_a_million_products_is_made_in_linear_time() {
    let started = std::time::Instant::now();
    let mut menu = Menu::default();
    for i in 0..1_000_000u32 {
        assert_eq!(menu.add(&format!("p{i}"), Duration::from_secs(1)), Ok(i));
    }
    assert_eq!(menu.find("p999999"), Some(999_999));
    assert_eq!(menu.find("p1000000"), None);
    assert_eq!(menu.product(123_456).name, "p123456");
    assert_eq!(
        menu.add("p0", Duration::from_secs(1)),
        Err(WorkloadError::DuplicateProduct("p0".into()))
    );
    let orders: Vec<Vec<ProductId>> = (0..1_000_000).map(|i| vec![i]).collect();
    let workload = Workload::from_ids(menu, orders).unwrap();
    assert_eq!(workload.product_name(999_999, 0), "p999999");
    let elapsed = started.elapsed();
    assert!(elapsed < Duration::from_secs(20), "{elapsed:?}");
    assert_eq!(
        workload.menu().names(),
        "p0, p1, p2, p3, p4, p5, p6, p7, p8, p9, p10, p11, p12, p13, p14, p15, p16, \
         p17, p18, p19 and 999980 more"
    );
}

#[test]
fn unknown_products_name_the_order_and_the_menu() {
    let mut menu = Menu::default();
    menu.add("soda", Duration::from_secs(1)).unwrap();
    let err = Workload::new(menu, &[vec!["soda"], vec!["pizza"]]).unwrap_err();
    assert_eq!(
        err.to_string(),
        "order 1 asks for 'pizza', which is not on the menu (the menu has: soda)"
    );
}

#[test]
fn empty_menus_orders_and_duplicates_are_refused() {
    let empty: &[Vec<&str>] = &[];
    assert_eq!(
        Workload::new(Menu::default(), &[vec!["x"]]).unwrap_err(),
        WorkloadError::UnknownProduct {
            order: 0,
            product: "x".into(),
            menu: String::new()
        }
    );
    let mut menu = Menu::default();
    menu.add("soda", Duration::from_secs(1)).unwrap();
    assert_eq!(
        menu.add("soda", Duration::from_secs(2)).unwrap_err(),
        WorkloadError::DuplicateProduct("soda".into())
    );
    assert_eq!(
        Workload::new(menu.clone(), empty).unwrap_err(),
        WorkloadError::NoOrders
    );
    let no_products: &[Vec<&str>] = &[vec![]];
    assert_eq!(
        Workload::new(menu, no_products).unwrap_err(),
        WorkloadError::EmptyOrder(0)
    );
    assert_eq!(
        Workload::from_ids(Menu::default(), vec![vec![0]]).unwrap_err(),
        WorkloadError::EmptyMenu
    );
}

#[test]
fn long_lists_of_orders_are_shortened() {
    assert_eq!(list_orders(&[1, 2, 3]), "1, 2, 3");
    let many: Vec<OrderId> = (0..25).collect();
    assert!(list_orders(&many).ends_with("19 and 5 more"));
    assert_eq!(list_orders(&[]), "none");
}
