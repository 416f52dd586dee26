//! The TOML side of reading a workload file.
//!
//! `toml` keeps the position of every value it hands over as [`Spanned`], so
//! this reader records the byte range of each part of the workload as it
//! reads it, and [`TomlSpans::line`] finds the line of a [`Place`] there.
//! Unlike JSON, TOML needs no second pass over the text.

use std::ops::Range;

use serde::Deserialize;
use toml::Spanned;

use super::value::{Entries, Value};
use super::{one_line, position, Contents, FileError, Place};

/// An order as TOML wrote it, with the position of every product.
type TomlOrder = Spanned<Vec<Spanned<String>>>;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TomlDocument {
    menu: Option<Spanned<Entries<Spanned<Value>>>>,
    orders: Option<Spanned<Vec<TomlOrder>>>,
}

/// Byte ranges of the parts of a TOML workload.
#[derive(Default)]
pub(super) struct TomlSpans {
    menu: Option<Range<usize>>,
    entries: Vec<Range<usize>>,
    orders: Option<Range<usize>>,
    order: Vec<Range<usize>>,
    products: Vec<Vec<Range<usize>>>,
}

impl TomlSpans {
    /// The line of a place in `text`, the text these spans were read from.
    pub(super) fn line(&self, text: &str, place: Place) -> Option<usize> {
        let span = match place {
            Place::Menu => self.menu.as_ref(),
            Place::MenuEntry(i) => self.entries.get(i),
            Place::Orders => self.orders.as_ref(),
            Place::Order(i) => self.order.get(i),
            Place::Product(i, j) => self.products.get(i).and_then(|p| p.get(j)),
            Place::File => None,
        }?;
        Some(position(text, span.start).0)
    }
}

/// Reads TOML text into a workload's contents and where each part of them
/// is; `origin` is the file name for messages.
pub(super) fn read(text: &str, origin: &str) -> Result<(Contents, TomlSpans), FileError> {
    let document: TomlDocument = toml::from_str(text).map_err(|e| {
        let mut message = one_line(e.message());
        // toml says only "duplicate key"; name it, as the caret would have.
        if let Some(key) = e.span().and_then(|span| text.get(span)) {
            if message == "duplicate key" && !key.contains('\n') {
                message = format!("duplicate key `{key}`");
            }
        }
        FileError::syntax(text, origin, e.span().map(|span| span.start), message)
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
    Ok((Contents { menu, orders }, spans))
}
