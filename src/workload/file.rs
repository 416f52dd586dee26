//! Reading a workload from a TOML or JSON file.
//!
//! Both formats have the same shape: a `menu` of product names with their
//! preparation times, and the `orders`, each a list of product names.
//!
//! ```toml
//! menu = { burger = 7.5, soda = "1s", frites = "4000ms" }
//! orders = [["burger", "soda"], ["soda"]]
//! ```
//!
//! A preparation time is a number of seconds, as the article writes them, or
//! a string with a unit (see [`duration::parse`]). The menu keeps the order
//! the products were written in. Every error names the file and, where there
//! is one, the line, as a compiler does: `menu.toml:3: problem`.

use std::collections::HashMap;
use std::fmt;
use std::io;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::de::{self, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;
use thiserror::Error;
use toml::Spanned;

use super::{duration, Menu, ProductId, Workload, WorkloadError};

/// What can go wrong reading a workload file.
#[derive(Debug, Error)]
pub enum FileError {
    /// The file could not be read.
    #[error("cannot read workload file '{}': {source}", path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// Why it could not be read.
        source: io::Error,
    },
    /// The file name does not say which format the file is in.
    #[error("{}: cannot tell the format of a workload file from its name; it must end in .toml or .json", path.display())]
    UnknownFormat {
        /// The file.
        path: PathBuf,
    },
    /// The text is not well-formed TOML or JSON, or does not have the shape
    /// of a workload (a value of the wrong type, an unknown key).
    #[error("{}: {message}", at(origin, *line))]
    Syntax {
        /// The file name.
        origin: String,
        /// The line of the problem, from 1.
        line: Option<usize>,
        /// The column of the problem, from 1, in characters.
        column: Option<usize>,
        /// The parser's message, on one line.
        message: String,
    },
    /// The file has no `menu` or no `orders`.
    #[error("{origin}: there is no `{field}`; {}", hint(field))]
    Missing {
        /// The file name.
        origin: String,
        /// `menu` or `orders`.
        field: &'static str,
    },
    /// The file is well formed, but the workload it describes is not valid.
    #[error("{}: {source}", at(origin, *line))]
    Invalid {
        /// The file name.
        origin: String,
        /// The line of the problem, from 1, if it has one.
        line: Option<usize>,
        /// What is wrong.
        source: WorkloadError,
    },
}

fn at(origin: &str, line: Option<usize>) -> String {
    match line {
        Some(line) => format!("{origin}:{line}"),
        None => origin.to_string(),
    }
}

fn hint(field: &str) -> &'static str {
    match field {
        "menu" => "give the products and their preparation times",
        _ => "give the orders, each a list of product names",
    }
}

/// Reads a workload from a file, in TOML or JSON as its extension says
/// (`.toml` or `.json`, in any case).
pub fn load(path: &Path) -> Result<Workload, FileError> {
    let extension = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase);
    let format = match extension.as_deref() {
        Some("toml") => Format::Toml,
        Some("json") => Format::Json,
        _ => {
            return Err(FileError::UnknownFormat {
                path: path.to_path_buf(),
            })
        }
    };
    let text = std::fs::read_to_string(path).map_err(|source| FileError::Read {
        path: path.to_path_buf(),
        source,
    })?;
    let origin = path.display().to_string();
    match format {
        Format::Toml => parse_toml(&text, &origin),
        Format::Json => parse_json(&text, &origin),
    }
}

/// Reads a workload from TOML text; `origin` is the file name for messages.
pub fn parse_toml(text: &str, origin: &str) -> Result<Workload, FileError> {
    let document: TomlDocument = toml::from_str(text).map_err(|e| {
        let (line, column) = match e.span() {
            Some(span) => {
                let (line, column) = position(text, span.start);
                (Some(line), Some(column))
            }
            None => (None, None),
        };
        let mut message = one_line(e.message());
        // toml says only "duplicate key"; name it, as the caret would have.
        if let Some(key) = e.span().and_then(|span| text.get(span)) {
            if message == "duplicate key" && !key.contains('\n') {
                message = format!("duplicate key `{key}`");
            }
        }
        FileError::Syntax {
            origin: origin.to_string(),
            line,
            column,
            message,
        }
    })?;
    let mut spans = TomlSpans::default();
    let menu = document.menu.map(|menu| {
        spans.menu = Some(menu.span());
        // toml hands a table over sorted by key; put it back in file order.
        let mut entries = menu.into_inner().0;
        entries.sort_by_key(|(_, value)| value.span().start);
        spans.entries = entries.iter().map(|(_, v)| v.span()).collect();
        entries
            .into_iter()
            .map(|(name, value)| (name, value.into_inner()))
            .collect()
    });
    let orders = document.orders.map(|orders| {
        spans.orders = Some(orders.span());
        let orders = orders.into_inner();
        spans.order = orders.iter().map(Spanned::span).collect();
        spans.products = orders
            .iter()
            .map(|o| o.get_ref().iter().map(Spanned::span).collect())
            .collect();
        orders
            .into_iter()
            .map(|o| {
                o.into_inner()
                    .into_iter()
                    .map(Spanned::into_inner)
                    .collect()
            })
            .collect()
    });
    let contents = Contents { menu, orders };
    build(contents, Format::Toml).map_err(|failure| {
        failure.into_error(origin, |place| {
            spans.find(place).map(|span| position(text, span.start).0)
        })
    })
}

/// Reads a workload from JSON text; `origin` is the file name for messages.
pub fn parse_json(text: &str, origin: &str) -> Result<Workload, FileError> {
    // serde would take an array as the fields in order, and name an internal
    // type for anything else; a workload is an object.
    if let Some(start) = text.find(|c: char| !c.is_ascii_whitespace()) {
        if !text[start..].starts_with('{') {
            let (line, column) = position(text, start);
            return Err(FileError::Syntax {
                origin: origin.to_string(),
                line: Some(line),
                column: Some(column),
                message: "a workload must be an object with a `menu` and `orders`".into(),
            });
        }
    }
    let document: JsonDocument = serde_json::from_str(text).map_err(|e| {
        let known = e.line() != 0;
        let suffix = format!(" at line {} column {}", e.line(), e.column());
        let message = e.to_string();
        let message = message.strip_suffix(&suffix).unwrap_or(&message);
        FileError::Syntax {
            origin: origin.to_string(),
            line: known.then(|| e.line()),
            column: known.then(|| e.column().max(1)),
            message: one_line(message),
        }
    })?;
    let contents = Contents {
        menu: document.menu.map(|m| m.0),
        orders: document.orders,
    };
    build(contents, Format::Json).map_err(|failure| {
        failure.into_error(origin, |place| {
            json_offset(text, place).map(|offset| position(text, offset).0)
        })
    })
}

#[derive(Clone, Copy)]
enum Format {
    Toml,
    Json,
}

/// The line (from 1) and column (from 1, in characters) of a byte offset.
fn position(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let before = &text.as_bytes()[..offset];
    let line = 1 + before.iter().filter(|&&b| b == b'\n').count();
    let start = before
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |i| i + 1);
    // Count characters, not bytes: continuation bytes do not start one.
    let column = 1 + before[start..]
        .iter()
        .filter(|&&b| (b & 0xC0) != 0x80)
        .count();
    (line, column)
}

/// A parser's message on one line: the lines joined with "; ".
fn one_line(message: &str) -> String {
    let lines: Vec<&str> = message
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    lines.join("; ")
}

/// An order as TOML wrote it, with the position of every product.
type TomlOrder = Spanned<Vec<Spanned<String>>>;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TomlDocument {
    menu: Option<Spanned<Entries<Spanned<Value>>>>,
    orders: Option<Spanned<Vec<TomlOrder>>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct JsonDocument {
    menu: Option<Entries<Value>>,
    orders: Option<Vec<Vec<String>>>,
}

/// Where in the file a problem is, independent of the format.
#[derive(Clone, Copy, Debug)]
enum Place {
    /// The `menu` itself.
    Menu,
    /// The menu's product with this index, in file order.
    MenuEntry(usize),
    /// The `orders` themselves.
    Orders,
    /// The order with this index.
    Order(usize),
    /// A product of an order: the order's index and the product's.
    Product(usize, usize),
    /// Nowhere in particular.
    File,
}

/// Byte ranges of the parts of a TOML workload.
#[derive(Default)]
struct TomlSpans {
    menu: Option<Range<usize>>,
    entries: Vec<Range<usize>>,
    orders: Option<Range<usize>>,
    order: Vec<Range<usize>>,
    products: Vec<Vec<Range<usize>>>,
}

impl TomlSpans {
    fn find(&self, place: Place) -> Option<&Range<usize>> {
        match place {
            Place::Menu => self.menu.as_ref(),
            Place::MenuEntry(i) => self.entries.get(i),
            Place::Orders => self.orders.as_ref(),
            Place::Order(i) => self.order.get(i),
            Place::Product(i, j) => self.products.get(i)?.get(j),
            Place::File => None,
        }
    }
}

/// A workload file's contents, whatever the format, before checking.
struct Contents {
    menu: Option<Vec<(String, Value)>>,
    orders: Option<Vec<Vec<String>>>,
}

/// Why [`build`] failed.
enum Failure {
    Missing(&'static str),
    Invalid(Place, WorkloadError),
}

impl Failure {
    fn into_error(self, origin: &str, line: impl FnOnce(Place) -> Option<usize>) -> FileError {
        match self {
            Failure::Missing(field) => FileError::Missing {
                origin: origin.to_string(),
                field,
            },
            Failure::Invalid(place, source) => FileError::Invalid {
                origin: origin.to_string(),
                line: line(place),
                source,
            },
        }
    }
}

/// Checks the contents and makes them a workload.
fn build(contents: Contents, format: Format) -> Result<Workload, Failure> {
    let entries = contents.menu.ok_or(Failure::Missing("menu"))?;
    let orders = contents.orders.ok_or(Failure::Missing("orders"))?;
    if entries.is_empty() {
        return Err(Failure::Invalid(Place::Menu, WorkloadError::EmptyMenu));
    }
    let mut menu = Menu::default();
    for (i, (name, value)) in entries.into_iter().enumerate() {
        let invalid = |e| Failure::Invalid(Place::MenuEntry(i), e);
        let preparation = value.preparation(&name, format).map_err(invalid)?;
        menu.add(&name, preparation).map_err(invalid)?;
    }
    let ids: HashMap<&str, ProductId> = menu
        .products()
        .iter()
        .enumerate()
        .map(|(id, p)| (p.name.as_str(), id as ProductId))
        .collect();
    let mut resolved = Vec::with_capacity(orders.len());
    for (i, names) in orders.iter().enumerate() {
        let mut products = Vec::with_capacity(names.len());
        for (j, name) in names.iter().enumerate() {
            let id = ids.get(name.as_str()).ok_or_else(|| {
                Failure::Invalid(
                    Place::Product(i, j),
                    WorkloadError::UnknownProduct {
                        order: i,
                        product: name.clone(),
                        menu: menu.names(),
                    },
                )
            })?;
            products.push(*id);
        }
        resolved.push(products);
    }
    drop(ids);
    Workload::from_ids(menu, resolved).map_err(|e| {
        let place = match e {
            WorkloadError::EmptyMenu => Place::Menu,
            WorkloadError::NoOrders | WorkloadError::TooManyOrders(_) => Place::Orders,
            WorkloadError::EmptyOrder(i) | WorkloadError::OrderTooLong(i, _) => Place::Order(i),
            _ => Place::File,
        };
        Failure::Invalid(place, e)
    })
}

/// A menu: its entries in the order the deserializer hands them over.
///
/// `serde_json` hands them in file order, which a map would lose (it is not
/// built with `preserve_order`). `toml` hands them sorted by key whatever
/// the type, so its values are [`Spanned`] and [`parse_toml`] sorts them back
/// into file order by position.
struct Entries<V>(Vec<(String, V)>);

impl<'de, V: Deserialize<'de>> Deserialize<'de> for Entries<V> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct EntriesVisitor<V>(std::marker::PhantomData<V>);

        impl<'de, V: Deserialize<'de>> Visitor<'de> for EntriesVisitor<V> {
            type Value = Entries<V>;

            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("the menu: product names with their preparation times")
            }

            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut entries = Vec::with_capacity(map.size_hint().unwrap_or(0));
                while let Some(entry) = map.next_entry::<String, V>()? {
                    entries.push(entry);
                }
                Ok(Entries(entries))
            }
        }

        deserializer.deserialize_map(EntriesVisitor(std::marker::PhantomData))
    }
}

/// A preparation time as written, before checking.
enum Value {
    Seconds(f64),
    Text(String),
    Other(Kind),
}

/// What a preparation time was written as, when it is not one.
#[derive(Clone, Copy)]
enum Kind {
    Bool,
    Table,
    Array,
    Date,
    Null,
}

impl Value {
    fn preparation(&self, product: &str, format: Format) -> Result<Duration, WorkloadError> {
        match self {
            Value::Seconds(seconds) => duration::from_seconds(product, *seconds),
            Value::Text(text) => duration::parse(product, text),
            Value::Other(kind) => {
                let kind = match (kind, format) {
                    (Kind::Bool, _) => "a boolean",
                    (Kind::Table, Format::Toml) => "a table",
                    (Kind::Table, Format::Json) => "an object",
                    (Kind::Array, _) => "an array",
                    (Kind::Date, _) => "a date",
                    (Kind::Null, _) => "null",
                };
                Err(WorkloadError::BadDuration {
                    product: product.to_string(),
                    problem: format!(
                        "the preparation time must be a number of seconds, such as 7.5, \
                         or a string with a unit, such as \"7.5s\"; not {kind}"
                    ),
                })
            }
        }
    }
}

impl<'de> Deserialize<'de> for Value {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct ValueVisitor;

        impl<'de> Visitor<'de> for ValueVisitor {
            type Value = Value;

            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a preparation time")
            }

            fn visit_bool<E: de::Error>(self, _: bool) -> Result<Value, E> {
                Ok(Value::Other(Kind::Bool))
            }

            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Value, E> {
                Ok(Value::Seconds(v as f64))
            }

            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Value, E> {
                Ok(Value::Seconds(v as f64))
            }

            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Value, E> {
                Ok(Value::Seconds(v))
            }

            fn visit_str<E: de::Error>(self, v: &str) -> Result<Value, E> {
                Ok(Value::Text(v.to_string()))
            }

            fn visit_unit<E: de::Error>(self) -> Result<Value, E> {
                Ok(Value::Other(Kind::Null))
            }

            fn visit_none<E: de::Error>(self) -> Result<Value, E> {
                Ok(Value::Other(Kind::Null))
            }

            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
                while seq.next_element::<IgnoredAny>()?.is_some() {}
                Ok(Value::Other(Kind::Array))
            }

            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
                // toml hands dates and times over as a map with this one key.
                let kind = match map.next_key::<String>()? {
                    Some(key) => {
                        map.next_value::<IgnoredAny>()?;
                        if key == "$__toml_private_datetime" {
                            Kind::Date
                        } else {
                            Kind::Table
                        }
                    }
                    None => Kind::Table,
                };
                while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
                Ok(Value::Other(kind))
            }
        }

        deserializer.deserialize_any(ValueVisitor)
    }
}

/// The byte offset of a place in a JSON workload that has already been
/// parsed, so is well formed. `serde_json` keeps no positions, so this walks
/// the text again, only when an error needs a line.
fn json_offset(text: &str, place: Place) -> Option<usize> {
    let mut scan = JsonScan { text, pos: 0 };
    let mut found = None;
    scan.object(|scan, _, key, key_at| match (key.as_str(), place) {
        ("menu", Place::Menu) | ("orders", Place::Orders) => {
            found = Some(key_at);
            scan.value()
        }
        ("menu", Place::MenuEntry(wanted)) => scan.object(|scan, i, _, at| {
            if i == wanted {
                found = Some(at);
            }
            scan.value()
        }),
        ("orders", Place::Order(wanted) | Place::Product(wanted, _)) => {
            scan.array(|scan, i, at| {
                if i != wanted {
                    return scan.value();
                }
                match place {
                    Place::Product(_, product) => scan.array(|scan, j, at| {
                        if j == product {
                            found = Some(at);
                        }
                        scan.value()
                    }),
                    _ => {
                        found = Some(at);
                        scan.value()
                    }
                }
            })
        }
        _ => scan.value(),
    })?;
    found
}

/// A walk over well-formed JSON text, recording where things are.
struct JsonScan<'a> {
    text: &'a str,
    pos: usize,
}

impl JsonScan<'_> {
    fn space(&mut self) {
        let bytes = self.text.as_bytes();
        while matches!(bytes.get(self.pos), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.pos += 1;
        }
    }

    fn peek(&self) -> Option<u8> {
        self.text.as_bytes().get(self.pos).copied()
    }

    fn expect(&mut self, byte: u8) -> Option<()> {
        self.space();
        (self.peek()? == byte).then(|| self.pos += 1)
    }

    /// Skips a string, returning it decoded.
    fn string(&mut self) -> Option<String> {
        self.space();
        let start = self.pos;
        self.expect(b'"')?;
        let bytes = self.text.as_bytes();
        loop {
            match bytes.get(self.pos)? {
                b'\\' => self.pos += 2,
                b'"' => break,
                _ => self.pos += 1,
            }
        }
        self.pos += 1;
        serde_json::from_str(self.text.get(start..self.pos)?).ok()
    }

    /// Skips any value.
    fn value(&mut self) -> Option<()> {
        self.space();
        match self.peek()? {
            b'"' => self.string().map(drop),
            b'{' => self.object(|scan, _, _, _| scan.value()),
            b'[' => self.array(|scan, _, _| scan.value()),
            _ => {
                let bytes = self.text.as_bytes();
                while let Some(b) = bytes.get(self.pos) {
                    if matches!(b, b',' | b']' | b'}' | b' ' | b'\t' | b'\n' | b'\r') {
                        break;
                    }
                    self.pos += 1;
                }
                Some(())
            }
        }
    }

    /// Walks an object, calling `each` with the index, key and offset of
    /// every member; `each` must consume the member's value.
    fn object(
        &mut self,
        mut each: impl FnMut(&mut Self, usize, String, usize) -> Option<()>,
    ) -> Option<()> {
        self.expect(b'{')?;
        self.space();
        if self.peek()? == b'}' {
            self.pos += 1;
            return Some(());
        }
        let mut index = 0;
        loop {
            self.space();
            let at = self.pos;
            let key = self.string()?;
            self.expect(b':')?;
            each(self, index, key, at)?;
            index += 1;
            self.space();
            match self.peek()? {
                b',' => self.pos += 1,
                b'}' => break,
                _ => return None,
            }
        }
        self.pos += 1;
        Some(())
    }

    /// Walks an array, calling `each` with the index and offset of every
    /// element; `each` must consume the element.
    fn array(&mut self, mut each: impl FnMut(&mut Self, usize, usize) -> Option<()>) -> Option<()> {
        self.expect(b'[')?;
        self.space();
        if self.peek()? == b']' {
            self.pos += 1;
            return Some(());
        }
        let mut index = 0;
        loop {
            self.space();
            let at = self.pos;
            each(self, index, at)?;
            index += 1;
            self.space();
            match self.peek()? {
                b',' => self.pos += 1,
                b']' => break,
                _ => return None,
            }
        }
        self.pos += 1;
        Some(())
    }
}

#[cfg(test)]
mod tests {
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
        let text = "orders = [[\"soda\", \"burger\"]]\n\n[menu]\nsoda = 1\nburger = \"7.5s\"\nbeer = 1.2\n";
        let w = parse_toml(text, "w.toml").unwrap();
        assert_eq!(w.menu().names(), "soda, burger, beer");
        assert_eq!(w.preparation(0, 1), Duration::from_millis(7500));
        assert_eq!(w.order(0).products, vec![0, 1]);
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
                 or a string with a unit, such as \"7.5s\"; not a boolean",
            ),
            (
                "menu = { soda = { seconds = 1 } }",
                "w.toml:2: 'soda': the preparation time must be a number of seconds, such as 7.5, \
                 or a string with a unit, such as \"7.5s\"; not a table",
            ),
        ];
        for (menu, expected) in cases {
            assert_eq!(toml_error(&toml_menu(menu)), expected, "{menu}");
        }
    }

    #[test]
    fn bad_durations_in_json_name_the_line_of_the_product() {
        let text =
            "{\"menu\": {\n  \"soda\": 1,\n  \"beer\"  :  -1.5\n},\n\"orders\": [[\"soda\"]]}";
        assert_eq!(
            json_error(text),
            "w.json:3: 'beer': the preparation time must be positive, not -1.5"
        );
        let text = "{\"menu\": {\n  \"soda\": [1]\n},\n\"orders\": [[\"soda\"]]}";
        assert_eq!(
            json_error(text),
            "w.json:2: 'soda': the preparation time must be a number of seconds, such as 7.5, \
             or a string with a unit, such as \"7.5s\"; not an array"
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
}
