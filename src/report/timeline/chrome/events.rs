//! Writing trace events: a buffer that separates them, the hand-written
//! fields of the ones there are one or two of per product, and
//! [`Event`] for the rest.
//!
//! A trace of a million products has millions of events. Serializing each
//! through serde, with its `args` built as a `serde_json::Value`, cost
//! more than the run; so the events there is one of per product or per
//! order are written field by field into a buffer, with numbers through
//! `itoa` and the menu's names escaped once ([`Names`]). The rare ones
//! (metadata, marks, the stretches the loop was blocked) stay [`Event`]s.
//! Both write the same JSON, keys in the same order.

use std::io::{self, Write};
use std::time::Duration;

use serde::Serialize;

/// Bytes gathered before they are handed to the writer: few calls to it,
/// each of a size a `BufWriter` passes straight through.
const CHUNK: usize = 64 * 1024;

/// One trace event; fields a phase does not use are left out.
#[derive(Serialize)]
pub(super) struct Event<'a> {
    pub name: &'a str,
    pub ph: &'static str,
    pub pid: usize,
    pub tid: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cat: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ts: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dur: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub s: Option<&'static str>,
    #[serde(skip_serializing_if = "serde_json::Value::is_null")]
    pub args: serde_json::Value,
}

impl<'a> Event<'a> {
    /// An event with its name, phase, process and thread, and nothing else.
    pub fn new(name: &'a str, ph: &'static str, pid: usize, tid: usize) -> Event<'a> {
        Event {
            name,
            ph,
            pid,
            tid,
            cat: None,
            ts: None,
            dur: None,
            id: None,
            s: None,
            args: serde_json::Value::Null,
        }
    }
}

/// Restaurant time as the trace's microseconds.
pub(super) fn micros(d: Duration) -> u64 {
    d.as_micros() as u64
}

/// The menu's product names, each escaped once as the inside of a JSON
/// string.
pub(super) struct Names(Vec<String>);

impl Names {
    /// Escapes `products`.
    pub fn of(products: &[String]) -> Names {
        Names(products.iter().map(|p| escaped(p)).collect())
    }

    /// The escaped name of product `index`, `?` for one off the menu.
    pub fn get(&self, index: usize) -> &str {
        self.0.get(index).map_or("?", String::as_str)
    }
}

/// `text` as the inside of a JSON string.
pub(super) fn escaped(text: &str) -> String {
    // serde_json escapes exactly as it would inside an event: writing a
    // string cannot fail.
    let quoted = serde_json::to_string(text).unwrap_or_default();
    quoted
        .strip_prefix('"')
        .and_then(|q| q.strip_suffix('"'))
        .unwrap_or_default()
        .to_string()
}

/// The `traceEvents` array being written: events separated by `,\n`,
/// gathered in a buffer.
pub(super) struct Events<'w> {
    out: &'w mut dyn Write,
    buf: Vec<u8>,
    first: bool,
}

impl<'w> Events<'w> {
    /// Events to be written to `out`, after whatever was written there.
    pub fn new(out: &'w mut dyn Write) -> Events<'w> {
        Events {
            out,
            buf: Vec::with_capacity(CHUNK + 1024),
            first: true,
        }
    }

    /// Writes a whole event.
    pub fn event(&mut self, event: &Event) -> io::Result<()> {
        self.start();
        serde_json::to_writer(&mut self.buf, event).map_err(io::Error::from)?;
        self.done()
    }

    /// Starts an event, `{"name":"<name>","ph":"<ph>","pid":<pid>,"tid":<tid>`:
    /// `name` must be escaped already. [`Events::field`] and
    /// [`Events::number`] add to it, [`Events::close`] ends it.
    pub fn open(&mut self, name: &[&str], ph: &str, pid: usize, tid: usize) {
        self.start();
        self.raw("{\"name\":\"");
        for part in name {
            self.raw(part);
        }
        self.raw("\",\"ph\":\"");
        self.raw(ph);
        self.raw("\",\"pid\":");
        self.int(pid as u64);
        self.raw(",\"tid\":");
        self.int(tid as u64);
    }

    /// Adds `,"<key>":"<value>"`, `value` escaped already.
    pub fn field(&mut self, key: &str, value: &str) {
        self.raw(",\"");
        self.raw(key);
        self.raw("\":\"");
        self.raw(value);
        self.raw("\"");
    }

    /// Adds `,"<key>":<value>`.
    pub fn number(&mut self, key: &str, value: u64) {
        self.raw(",\"");
        self.raw(key);
        self.raw("\":");
        self.int(value);
    }

    /// Adds JSON as it is, such as `,"args":{`.
    pub fn raw(&mut self, json: &str) {
        self.buf.extend_from_slice(json.as_bytes());
    }

    /// Adds a number as it is.
    pub fn int(&mut self, value: u64) {
        let mut digits = itoa::Buffer::new();
        self.buf.extend_from_slice(digits.format(value).as_bytes());
    }

    /// Ends the event [`Events::open`] started.
    pub fn close(&mut self) -> io::Result<()> {
        self.buf.push(b'}');
        self.done()
    }

    /// Hands what is left to the writer.
    pub fn finish(mut self) -> io::Result<()> {
        self.out.write_all(&self.buf)?;
        self.buf.clear();
        Ok(())
    }

    fn start(&mut self) {
        if !self.first {
            self.buf.extend_from_slice(b",\n");
        }
        self.first = false;
    }

    fn done(&mut self) -> io::Result<()> {
        if self.buf.len() >= CHUNK {
            self.out.write_all(&self.buf)?;
            self.buf.clear();
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The hand-written fields are the JSON serde writes for the same
    /// event.
    #[test]
    fn hand_written_events_are_what_serde_writes() {
        let name = "bur\"ger · ñ";
        let mut event = Event::new(name, "b", 2, 3);
        event.cat = Some("order");
        event.ts = Some(7_500_000);
        event.id = Some(12);
        let mut by_serde = Vec::new();
        let mut events = Events::new(&mut by_serde);
        events.event(&event).unwrap();
        events.event(&event).unwrap();
        events.finish().unwrap();

        let mut by_hand = Vec::new();
        let mut events = Events::new(&mut by_hand);
        for _ in 0..2 {
            events.open(&[&escaped(name)], "b", 2, 3);
            events.field("cat", "order");
            events.number("ts", 7_500_000);
            events.number("id", 12);
            events.close().unwrap();
        }
        events.finish().unwrap();
        assert_eq!(
            String::from_utf8(by_hand).unwrap(),
            String::from_utf8(by_serde).unwrap()
        );
    }
}
