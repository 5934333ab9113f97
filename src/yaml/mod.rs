//! YAML reading with PyYAML's `safe_load` typing.
//!
//! The parser (saphyr-parser) gives events with each scalar's style and position; [`load`]
//! builds a [`Node`] tree from them, typing plain scalars by the YAML 1.1 rules of
//! [`resolve`], expanding aliases and `<<` merges within fixed budgets, and keeping the
//! byte span of every node for diagnostics.

pub(crate) mod fast;
mod loader;
pub mod resolve;

pub use loader::{load, load_full};

use crate::source::Span;

/// A calendar date as PyYAML's `datetime.date`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    /// 1..=9999
    pub year: u16,
    /// 1..=12
    pub month: u8,
    /// 1..=31, valid for the month
    pub day: u8,
}

/// A date and time as PyYAML's `datetime.datetime`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct DateTime {
    /// The calendar date.
    pub date: Date,
    /// 0..=23
    pub hour: u8,
    /// 0..=59
    pub minute: u8,
    /// 0..=59
    pub second: u8,
    /// 0..=999_999
    pub microsecond: u32,
    /// UTC offset in seconds when the value is time-zone aware (`Z` is `Some(0)`).
    pub offset_seconds: Option<i32>,
}

/// A typed YAML value.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// `~`, `null`, empty.
    Null,
    /// YAML 1.1 booleans (`yes`, `off`, ...).
    Bool(bool),
    /// Integers (decimal, `0b`, octal `0..`, `0x`, base 60).
    Int(i128),
    /// Floats, including `.inf` and `.nan`.
    Float(f64),
    /// Strings: every quoted or block scalar, and plain scalars no other rule takes.
    Str(String),
    /// A bare date `YYYY-MM-DD`.
    Date(Date),
    /// A datetime, naive or aware.
    DateTime(DateTime),
    /// A sequence.
    Seq(Vec<Node>),
    /// A mapping in Python dict order: a repeated key keeps its first position and takes
    /// the last value; merged (`<<`) keys come first.
    Map(Vec<(Node, Node)>),
}

/// A value and where it stands in the file.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    /// The value.
    pub value: Value,
    /// Bytes of the node in the source text (for a collection: from its start to its end).
    pub span: Span,
}

/// Something the loader accepted but the author should hear about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum YamlWarning {
    /// A mapping key given more than once; the last value wins.
    DuplicateKey {
        /// The key as text.
        key: String,
        /// The earlier occurrence.
        first: Span,
        /// The occurrence that wins.
        second: Span,
    },
}

/// Why a YAML text does not load (PyYAML's `safe_load` would raise).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct YamlError {
    /// What is wrong, lowercase, no final period.
    pub message: String,
    /// Where.
    pub span: Span,
}

/// A loaded YAML document.
#[derive(Debug, Clone, PartialEq)]
pub struct Document {
    /// The root node; an empty stream gives `Null`.
    pub root: Node,
    /// Duplicate keys and the like.
    pub warnings: Vec<YamlWarning>,
}

impl Node {
    /// The value under string key `key` when this node is a mapping.
    #[must_use]
    pub fn get(&self, key: &str) -> Option<&Node> {
        match &self.value {
            Value::Map(entries) => entries
                .iter()
                .find(|(k, _)| matches!(&k.value, Value::Str(s) if s == key))
                .map(|(_, v)| v),
            _ => None,
        }
    }
}

impl Value {
    /// Python truthiness: `None`, `False`, `0`, `0.0`, `""`, `[]`, `{}` are false.
    #[must_use]
    pub fn is_truthy(&self) -> bool {
        match self {
            Value::Null => false,
            Value::Bool(b) => *b,
            Value::Int(i) => *i != 0,
            Value::Float(f) => *f != 0.0,
            Value::Str(s) => !s.is_empty(),
            Value::Date(_) | Value::DateTime(_) => true,
            Value::Seq(items) => !items.is_empty(),
            Value::Map(entries) => !entries.is_empty(),
        }
    }
}

/// The first character PyYAML's reader refuses (`check_printable`), with its byte offset.
///
/// Allowed: tab, line feed, carriage return, `' '..='~'`, U+0085, U+00A0..=U+D7FF,
/// U+E000..=U+FFFD and U+10000 up. Scans bytes: of the refused characters above ASCII, the
/// C1 controls are `C2 80..=9F` (less `C2 85`) and U+FFFE / U+FFFF are `EF BF BE` / `EF BF BF`.
pub(crate) fn first_unprintable(text: &str) -> Option<(usize, char)> {
    let bytes = text.as_bytes();
    // Printable ASCII and line feeds, 32 bytes at a time without a branch per byte; a
    // block holding anything else is looked at byte by byte.
    let plain = |b: u8| (0x20..0x7f).contains(&b) | (b == b'\n');
    let mut start = 0;
    for block in bytes.chunks(32) {
        let end = start + block.len();
        if !block.iter().fold(true, |ok, &b| ok & plain(b))
            && let Some(found) = unprintable_in(text, start, end)
        {
            return Some(found);
        }
        start = end;
    }
    None
}

/// [`first_unprintable`] among the bytes `start..end` of `text`.
fn unprintable_in(text: &str, start: usize, end: usize) -> Option<(usize, char)> {
    let bytes = text.as_bytes();
    let at = (start..end).find(|&i| match bytes.get(i).copied().unwrap_or(b' ') {
        b'\t' | b'\n' | b'\r' | b' '..=b'~' => false,
        0xc2 => bytes
            .get(i + 1)
            .is_some_and(|&n| (0x80..=0x9f).contains(&n) && n != 0x85),
        0xef => bytes.get(i + 1) == Some(&0xbf) && matches!(bytes.get(i + 2), Some(0xbe | 0xbf)),
        0x80..=0xff => false,
        _ => true,
    })?;
    text.get(at..)?.chars().next().map(|c| (at, c))
}

#[cfg(test)]
mod printable_tests {
    use super::first_unprintable;

    /// The byte scan agrees with the character class on every character.
    #[test]
    fn byte_scan_matches_the_character_class() {
        let printable = |c: char| {
            matches!(c,
                '\t' | '\n' | '\r' | ' '..='~' | '\u{85}' | '\u{A0}'..='\u{D7FF}'
                | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..)
        };
        for c in (0..=0x11_0000u32).filter_map(char::from_u32) {
            let text = format!("ab{c}cd");
            let expected = (!printable(c)).then_some((2, c));
            assert_eq!(first_unprintable(&text), expected, "U+{:04X}", c as u32);
        }
        assert_eq!(first_unprintable(""), None);
    }
}
