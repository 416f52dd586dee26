//! The JSON side of reading a workload file.
//!
//! `serde_json` keeps no positions, so when a workload turns out invalid,
//! [`line`](fn@line) walks the text again with a small scanner to find the line of
//! the [`Place`] at fault. The text has already been parsed by then, so the
//! scanner may assume it is well formed.

use serde::Deserialize;

use super::value::{Entries, Value};
use super::{one_line, position, Contents, FileError, Place};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct JsonDocument {
    menu: Option<Entries<Value>>,
    orders: Option<Vec<Vec<String>>>,
}

/// Reads JSON text into a workload's contents; `origin` is the file name for
/// messages.
pub(super) fn read(text: &str, origin: &str) -> Result<Contents, FileError> {
    // serde would take an array as the fields in order, and name an internal
    // type for anything else; a workload is an object.
    if let Some(start) = text.find(|c: char| !c.is_ascii_whitespace()) {
        if !text[start..].starts_with('{') {
            return Err(FileError::syntax(
                text,
                origin,
                Some(start),
                "a workload must be an object with a `menu` and `orders`".into(),
            ));
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
    Ok(Contents {
        menu: document.menu.map(|m| m.0),
        orders: document.orders,
    })
}

/// The line of a place in a JSON workload that has already been parsed.
pub(super) fn line(text: &str, place: Place) -> Option<usize> {
    offset(text, place).map(|offset| position(text, offset).0)
}

/// The byte offset of a place in a JSON workload that has already been
/// parsed, so is well formed. This walks the text again, only when an error
/// needs a line.
fn offset(text: &str, place: Place) -> Option<usize> {
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

/// Whether a byte is JSON whitespace.
fn is_space(byte: u8) -> bool {
    matches!(byte, b' ' | b'\t' | b'\n' | b'\r')
}

/// A walk over well-formed JSON text, recording where things are.
struct JsonScan<'a> {
    text: &'a str,
    pos: usize,
}

impl JsonScan<'_> {
    fn space(&mut self) {
        while self.peek().is_some_and(is_space) {
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
            // A number, `true`, `false` or `null`: up to the next delimiter.
            _ => {
                while self
                    .peek()
                    .is_some_and(|b| !(is_space(b) || matches!(b, b',' | b']' | b'}')))
                {
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
        self.list(b'{', b'}', |scan, index, at| {
            let key = scan.string()?;
            scan.expect(b':')?;
            each(scan, index, key, at)
        })
    }

    /// Walks an array, calling `each` with the index and offset of every
    /// element; `each` must consume the element.
    fn array(&mut self, each: impl FnMut(&mut Self, usize, usize) -> Option<()>) -> Option<()> {
        self.list(b'[', b']', each)
    }

    /// Walks what objects and arrays share: `open`, then items separated by
    /// commas, then `close`. `each` is called with the index and offset of
    /// every item and must consume it.
    fn list(
        &mut self,
        open: u8,
        close: u8,
        mut each: impl FnMut(&mut Self, usize, usize) -> Option<()>,
    ) -> Option<()> {
        self.expect(open)?;
        self.space();
        if self.peek()? == close {
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
                b if b == close => break,
                _ => return None,
            }
        }
        self.pos += 1;
        Some(())
    }
}
