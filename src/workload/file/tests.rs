//! Tests of reading workload files in both formats: the article's workload,
//! file order of the menu, and that every error names the file, the line
//! and the problem as a user would want to read it.

use std::time::Duration;

use super::*;

/// The article's workload, spelled out in every way a time may be written.
const ARTICLE_TOML: &str = r#"
menu = { burger = 7.5, frites = "4000ms", soda = "1s", beer = 1.2 }
orders = [
    ["burger", "soda"],
    ["burger", "burger", "beer", "frites"],
    ["beer", "beer", "beer"],
    ["burger", "frites"],
]
"#;

const ARTICLE_JSON: &str = r#"{
  "menu": { "burger": 7.5, "frites": "4s", "soda": 1, "beer": "1200ms" },
  "orders": [
    ["burger", "soda"],
    ["burger", "burger", "beer", "frites"],
    ["beer", "beer", "beer"],
    ["burger", "frites"]
  ]
}"#;

fn toml_error(text: &str) -> String {
    parse_toml(text, "w.toml").unwrap_err().to_string()
}

fn json_error(text: &str) -> String {
    parse_json(text, "w.json").unwrap_err().to_string()
}

/// A TOML workload with this menu line and one order of a soda.
fn toml_menu(menu: &str) -> String {
    format!("# a workload\n{menu}\norders = [[\"soda\"]]\n")
}

#[test]
fn reads_the_articles_workload_from_toml() {
    assert_eq!(
        parse_toml(ARTICLE_TOML, "w.toml").unwrap(),
        Workload::article()
    );
}

#[test]
fn reads_the_articles_workload_from_json() {
    assert_eq!(
        parse_json(ARTICLE_JSON, "w.json").unwrap(),
        Workload::article()
    );
}

#[test]
fn keeps_the_menu_in_file_order_with_a_menu_table() {
    let text =
        "orders = [[\"soda\", \"burger\"]]\n\n[menu]\nsoda = 1\nburger = \"7.5s\"\nbeer = 1.2\n";
    let w = parse_toml(text, "w.toml").unwrap();
    assert_eq!(w.menu().names(), "soda, burger, beer");
    assert_eq!(w.preparation(0, 1), Duration::from_millis(7500));
    assert_eq!(w.order(0).products[..], [0, 1]);
}

#[test]
fn reports_the_first_bad_product_in_file_order() {
    // toml sorts tables by key; "beer" must not be reported first.
    assert_eq!(
        toml_error(&toml_menu("menu = { soda = -1, beer = 0 }")),
        "w.toml:2: 'soda': the preparation time must be positive, not -1"
    );
}

#[test]
fn keeps_the_menu_in_file_order_in_json() {
    let text = r#"{"orders": [["soda"]], "menu": {"soda": 1, "burger": 7.5, "beer": 1.2}}"#;
    let w = parse_json(text, "w.json").unwrap();
    assert_eq!(w.menu().names(), "soda, burger, beer");
}

#[test]
fn malformed_toml_names_the_line() {
    assert_eq!(
        toml_error("menu = { soda = 1\norders = [[\"soda\"]]\n"),
        "w.toml:2: missing comma between key-value pairs, expected `,`"
    );
    let err = parse_toml("menu = { soda = 1 }\norders = [[\"soda\"]\n", "w.toml").unwrap_err();
    assert!(matches!(
        err,
        FileError::Syntax {
            line: Some(2),
            column: Some(19),
            ..
        }
    ));
    assert_eq!(err.to_string(), "w.toml:2: unclosed array, expected `]`");
}

#[test]
fn malformed_json_names_the_line() {
    assert_eq!(
        json_error("{\"menu\": {\"soda\": 1,},\n\"orders\": [[\"soda\"]]}"),
        "w.json:1: trailing comma"
    );
    assert_eq!(
        json_error("{\"menu\": {\"soda\": 1},\n\"orders\": [[\"soda\"]]"),
        "w.json:2: EOF while parsing an object"
    );
    assert_eq!(
        json_error("\n[{\"soda\": 1}, [[\"soda\"]]]"),
        "w.json:2: a workload must be an object with a `menu` and `orders`"
    );
}

#[test]
fn unknown_products_name_the_line_of_the_order() {
    let text = "menu = { soda = 1 }\norders = [\n  [\"soda\"],\n  [\"soda\", \"pizza\"],\n]\n";
    assert_eq!(
        toml_error(text),
        "w.toml:4: order 1 asks for 'pizza', which is not on the menu (the menu has: soda)"
    );
    let text = "{\n  \"menu\": {\"soda\": 1},\n  \"orders\": [\n    [\"soda\"],\n    [\"soda\", \"pizza\"]\n  ]\n}";
    assert_eq!(
        json_error(text),
        "w.json:5: order 1 asks for 'pizza', which is not on the menu (the menu has: soda)"
    );
}

#[test]
fn bad_durations_name_the_line_of_the_product() {
    let cases = [
        (
            "menu = { soda = -1 }",
            "w.toml:2: 'soda': the preparation time must be positive, not -1",
        ),
        (
            "menu = { soda = nan }",
            "w.toml:2: 'soda': the preparation time is not a number (NaN)",
        ),
        (
            "menu = { soda = 0 }",
            "w.toml:2: 'soda': the preparation time must be positive, not 0",
        ),
        (
            "menu = { soda = 1e9 }",
            "w.toml:2: 'soda': a preparation time of 1000000000 s is longer than a day; is it a typo?",
        ),
        (
            "menu = { soda = 0.0001 }",
            "w.toml:2: 'soda': 0.0001 s is finer than the restaurant's resolution of 1 ms",
        ),
        (
            "menu = { soda = \"1 fortnight\" }",
            "w.toml:2: 'soda': cannot read '1 fortnight' as a duration (unknown time unit \"fortnight\", \
             supported units: ns, us/µs, ms, sec, min, hours, days, weeks, months, years (and few variations)); \
             write it as 7.5, \"7.5s\" or \"250ms\"",
        ),
        (
            "menu = { soda = true }",
            "w.toml:2: 'soda': the preparation time must be a number of seconds, such as 7.5, \
             or a string with a unit, such as \"7.5s\", or a table such as \
             { wait = 2, cpu = \"250ms\" }; not a boolean",
        ),
        (
            "menu = { soda = { seconds = 1 } }",
            "w.toml:2: 'soda': unknown key `seconds`; a product's table may have `wait` and `cpu`",
        ),
        (
            "menu = { soda = { cpu = { wait = 1 } } }",
            "w.toml:2: 'soda': the CPU time must be a number of seconds, such as 7.5, \
             or a string with a unit, such as \"7.5s\"; not a table",
        ),
    ];
    for (menu, expected) in cases {
        assert_eq!(toml_error(&toml_menu(menu)), expected, "{menu}");
    }
}

#[test]
fn bad_durations_in_json_name_the_line_of_the_product() {
    let text = "{\"menu\": {\n  \"soda\": 1,\n  \"beer\"  :  -1.5\n},\n\"orders\": [[\"soda\"]]}";
    assert_eq!(
        json_error(text),
        "w.json:3: 'beer': the preparation time must be positive, not -1.5"
    );
    let text = "{\"menu\": {\n  \"soda\": [1]\n},\n\"orders\": [[\"soda\"]]}";
    assert_eq!(
        json_error(text),
        "w.json:2: 'soda': the preparation time must be a number of seconds, such as 7.5, \
         or a string with a unit, such as \"7.5s\", or an object such as \
         {\"wait\": 2, \"cpu\": \"250ms\"}; not an array"
    );
    let text = "{\"menu\": {\n  \"soup\": {\"wait\": 2, \"cpu\": \"250ms\"}\n},\n\"orders\": [[\"soup\"]]}";
    let soup = parse_json(text, "w.json").unwrap();
    assert_eq!(
        (soup.preparation(0, 0), soup.cpu(0, 0)),
        (Duration::from_secs(2), Duration::from_millis(250))
    );
}

#[test]
fn an_empty_menu_is_refused() {
    assert_eq!(
        toml_error("orders = [[\"soda\"]]\n[menu]\n"),
        "w.toml:2: the menu is empty: give at least one product and its preparation time"
    );
    assert_eq!(
        json_error("{\"orders\": [[\"soda\"]],\n \"menu\": {}}"),
        "w.json:2: the menu is empty: give at least one product and its preparation time"
    );
}

#[test]
fn no_orders_are_refused() {
    assert_eq!(
        toml_error("menu = { soda = 1 }\n\norders = []\n"),
        "w.toml:3: there are no orders: give at least one"
    );
    assert_eq!(
        json_error("{\"menu\": {\"soda\": 1},\n \"orders\": [\n]}"),
        "w.json:2: there are no orders: give at least one"
    );
}

#[test]
fn an_empty_order_is_refused() {
    let text = "menu = { soda = 1 }\norders = [\n  [\"soda\"],\n  [],\n]\n";
    assert_eq!(
        toml_error(text),
        "w.toml:4: order 1 is empty: every order needs at least one product"
    );
    let text = "{\"menu\": {\"soda\": 1},\n \"orders\": [\n  [\"soda\"],\n  [ ]\n]}";
    assert_eq!(
        json_error(text),
        "w.json:4: order 1 is empty: every order needs at least one product"
    );
}

#[test]
fn a_product_twice_on_the_menu_is_refused() {
    assert_eq!(
        toml_error("orders = [[\"soda\"]]\n[menu]\nsoda = 1\nsoda = 2\n"),
        "w.toml:4: duplicate key `soda`"
    );
    assert_eq!(
        json_error("{\"menu\": {\"soda\": 1,\n \"soda\": 2},\n \"orders\": [[\"soda\"]]}"),
        "w.json:2: 'soda' is on the menu twice"
    );
}

#[test]
fn unknown_keys_are_refused() {
    assert_eq!(
        toml_error("menu = { soda = 1 }\norders = [[\"soda\"]]\nrepeat = 3\n"),
        "w.toml:3: unknown field `repeat`, expected `menu` or `orders`"
    );
    assert_eq!(
        json_error("{\"menu\": {\"soda\": 1},\n \"order\": [[\"soda\"]]}"),
        "w.json:2: unknown field `order`, expected `menu` or `orders`"
    );
}

#[test]
fn missing_orders_or_menu_are_refused() {
    assert_eq!(
        toml_error("menu = { soda = 1 }\n"),
        "w.toml: there is no `orders`; give the orders, each a list of product names"
    );
    assert_eq!(
        json_error("{\"orders\": [[\"soda\"]]}"),
        "w.json: there is no `menu`; give the products and their preparation times"
    );
}

#[test]
fn a_missing_file_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("absent.toml");
    let os_message = std::fs::read_to_string(&path).unwrap_err().to_string();
    let err = load(&path).unwrap_err();
    assert!(matches!(err, FileError::Read { .. }));
    assert_eq!(
        err.to_string(),
        format!(
            "cannot read workload file '{}': {os_message}",
            path.display()
        )
    );
}

#[test]
fn an_unknown_extension_is_refused() {
    let err = load(Path::new("orders.yaml")).unwrap_err();
    assert_eq!(
        err.to_string(),
        "orders.yaml: cannot tell the format of a workload file from its name; \
         it must end in .toml or .json"
    );
    assert!(matches!(
        load(Path::new("orders")).unwrap_err(),
        FileError::UnknownFormat { .. }
    ));
}

#[test]
fn loads_files_by_extension_in_any_case() {
    let dir = tempfile::tempdir().unwrap();
    let toml_path = dir.path().join("article.TOML");
    std::fs::write(&toml_path, ARTICLE_TOML).unwrap();
    assert_eq!(load(&toml_path).unwrap(), Workload::article());
    let json_path = dir.path().join("article.json");
    std::fs::write(&json_path, ARTICLE_JSON).unwrap();
    assert_eq!(load(&json_path).unwrap(), Workload::article());
    std::fs::write(&json_path, "{\"menu\": {}, \"orders\": [[\"soda\"]]}").unwrap();
    assert_eq!(
        load(&json_path).unwrap_err().to_string(),
        format!(
            "{}:1: the menu is empty: give at least one product and its preparation time",
            json_path.display()
        )
    );
}

#[test]
fn a_byte_order_mark_is_read_in_both_formats() {
    let toml = format!("\u{feff}{ARTICLE_TOML}");
    let json = format!("\u{feff}{ARTICLE_JSON}");
    assert_eq!(parse_toml(&toml, "w.toml").unwrap(), Workload::article());
    assert_eq!(parse_json(&json, "w.json").unwrap(), Workload::article());
    // Lines are counted as before.
    let bad = "\u{feff}{\"menu\": {\"soda\": 1},\n\"orders\": [[\"pizza\"]]}";
    assert!(json_error(bad).starts_with("w.json:2: order 0 asks for 'pizza'"));
}

#[test]
fn control_characters_in_names_are_refused_with_their_line() {
    assert_eq!(
        toml_error("# menu\nmenu = { soda = 1, \"bad\\u001b[2J\" = 2 }\norders = [[\"soda\"]]\n"),
        r#"w.toml:2: product name "bad\u{1b}[2J" has a control character"#
    );
    assert_eq!(
        json_error("{\"menu\": {\"soda\": 1,\n  \"a\\nb\": 2},\n \"orders\": [[\"soda\"]]}"),
        r#"w.json:2: product name "a\nb" has a control character"#
    );
}

#[cfg(unix)]
#[test]
fn a_file_that_never_ends_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("zero.json");
    std::os::unix::fs::symlink("/dev/zero", &path).unwrap();
    let err = load(&path).unwrap_err();
    assert!(matches!(err, FileError::TooBig { .. }), "{err}");
    assert!(err.to_string().contains("is larger than 64 MiB"), "{err}");
}
