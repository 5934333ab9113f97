//! SQL literals that PostgreSQL and psql read back byte for byte.
//!
//! Text is written as a standard string `'...'` (quotes doubled) when it holds no
//! backslash and no control character other than newline and tab; otherwise as an escape
//! string `E'...'`, whose meaning does not depend on `standard_conforming_strings`.
//! Newlines stay real newlines inside the literal, so a changed line of a source file is a
//! changed line of the script. psql never sees a meta-command or a variable inside a quoted
//! literal, and no literal can end early: the only way out of one is a lone `'`, which is
//! always doubled.

use std::fmt::Write as _;

use crate::ir::{JsonText, Timestamp};

/// Indentation of a value inside a row (continuation lines of JSON and arrays).
pub(crate) const VALUE_INDENT: &str = "    ";

/// True when `s` holds a backslash or a control character other than newline and tab
/// (`char::is_control`: U+0000..=U+001F and U+007F..=U+009F; the C1 controls are the UTF-8
/// bytes `C2 80..=C2 9F`).
fn needs_escape_string(s: &str) -> bool {
    let bytes = s.as_bytes();
    // Most text is printable ASCII and line breaks: check 32 bytes at a time without a
    // branch per byte (the compiler turns this into vector instructions), and look closer
    // only at a block holding something else.
    let plain = |b: u8| {
        ((b >= 0x20) & (b != b'\\') & (b != 0x7f) & (b < 0xc2)) | (b == b'\n') | (b >= 0xc3)
    };
    let mut at = 0;
    for block in bytes.chunks(32) {
        if !block.iter().fold(true, |ok, &b| ok & plain(b))
            && needs_escape_at(bytes, at, at + block.len())
        {
            return true;
        }
        at += block.len();
    }
    false
}

/// [`needs_escape_string`] for the bytes `start..end` of `bytes`.
fn needs_escape_at(bytes: &[u8], start: usize, end: usize) -> bool {
    (start..end).any(|i| match bytes.get(i).copied().unwrap_or(0) {
        b'\\' | 0x7f => true,
        b'\n' | b'\t' => false,
        0..0x20 => true,
        0xc2 => bytes.get(i + 1).is_some_and(|n| (0x80..=0x9f).contains(n)),
        _ => false,
    })
}

/// A text literal.
pub(crate) fn text(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    push_text(&mut out, s);
    out
}

/// Appends the text literal of `s` to `out`.
pub(crate) fn push_text(out: &mut String, s: &str) {
    push_text_indented(out, s, "");
}

/// Appends the text literal of `s` to `out`, each of its line breaks followed by `indent`
/// (which holds no quote, backslash or control character, so it changes no decision).
///
/// Runs of bytes that need no escape are copied whole. Every byte that needs one is ASCII
/// or the lead byte `C2` of a C1 control, so a run always ends on a character boundary.
fn push_text_indented(out: &mut String, s: &str, indent: &str) {
    let escape = needs_escape_string(s);
    out.reserve(s.len() + 3);
    out.push_str(if escape { "E'" } else { "'" });
    // One loop per kind of literal, each with its own set of bytes to look for.
    match (escape, indent.is_empty()) {
        (false, true) => push_runs::<false, false>(out, s, indent),
        (false, false) => push_runs::<false, true>(out, s, indent),
        (true, true) => push_runs::<true, false>(out, s, indent),
        (true, false) => push_runs::<true, true>(out, s, indent),
    }
    out.push('\'');
}

/// The body of a literal: `s` with each quote doubled, each line break followed by
/// `indent` when `INDENT`, and, when `ESCAPE`, backslashes and control characters escaped.
fn push_runs<const ESCAPE: bool, const INDENT: bool>(out: &mut String, s: &str, indent: &str) {
    let bytes = s.as_bytes();
    // The bytes that may end a run (`C2` ends one only before `80..=9F`), found 32 at a
    // time without a branch per byte.
    let special = |b: u8| {
        (b == b'\'')
            | (INDENT & (b == b'\n'))
            | (ESCAPE
                & ((b == b'\\')
                    | ((b < 0x20) & (b != b'\n') & (b != b'\t'))
                    | (b == 0x7f)
                    | (b == 0xc2)))
    };
    let mut run = 0; // the first byte not copied yet
    for (n, block) in bytes.chunks(32).enumerate() {
        // Most blocks of plain text hold no such byte; a line of JSON always has its break.
        if !INDENT && !block.iter().fold(false, |any, &b| any | special(b)) {
            continue;
        }
        // Bit k set: byte k of the block may end a run.
        let mut mask = block
            .iter()
            .enumerate()
            .fold(0u32, |m, (k, &b)| m | (u32::from(special(b)) << k));
        while mask != 0 {
            let at = n * 32 + mask.trailing_zeros() as usize;
            mask &= mask - 1;
            let b = bytes.get(at).copied().unwrap_or(0);
            let c1 = bytes
                .get(at + 1)
                .copied()
                .filter(|c| (0x80..=0x9f).contains(c));
            if b == 0xc2 && c1.is_none() {
                continue;
            }
            out.push_str(s.get(run..at).unwrap_or_default());
            run = at + 1;
            match (b, c1) {
                (b'\'', _) => out.push_str("''"),
                (b'\n', _) => {
                    out.push('\n');
                    out.push_str(indent);
                }
                (b'\\', _) => out.push_str("\\\\"),
                (b'\r', _) => out.push_str("\\r"),
                // U+0080..=U+009F, whose code point is the second byte.
                (0xc2, Some(c)) => {
                    let _ = write!(out, "\\u{:04X}", u32::from(c));
                    run = at + 2;
                }
                _ => {
                    let _ = write!(out, "\\x{b:02X}");
                }
            }
        }
    }
    out.push_str(s.get(run..).unwrap_or_default());
}

/// An optional text literal (`NULL` for `None`).
pub(crate) fn opt_text(s: Option<&str>) -> String {
    s.map_or_else(|| "NULL".to_owned(), text)
}

/// Appends [`opt_text`].
pub(crate) fn push_opt_text(out: &mut String, s: Option<&str>) {
    match s {
        Some(s) => push_text(out, s),
        None => out.push_str("NULL"),
    }
}

/// Appends an integer literal.
pub(crate) fn push_opt_int(out: &mut String, i: Option<i64>) {
    match i {
        Some(i) => {
            let _ = write!(out, "{i}");
        }
        None => out.push_str("NULL"),
    }
}

/// A double precision literal: the shortest decimal that reads back as the same double.
/// Only finite values reach here (the reader turns the rest into NULL).
#[cfg(test)]
pub(crate) fn opt_float(f: Option<f64>) -> String {
    let mut out = String::new();
    push_opt_float(&mut out, f);
    out
}

/// Appends [`opt_float`].
pub(crate) fn push_opt_float(out: &mut String, f: Option<f64>) {
    match f {
        Some(f) if f.is_finite() => {
            let _ = write!(out, "{f:?}");
        }
        _ => out.push_str("NULL"),
    }
}

/// A timestamp literal (ISO 8601, read the same under every `DateStyle`).
#[cfg(test)]
pub(crate) fn opt_timestamp(t: Option<Timestamp>) -> String {
    let mut out = String::new();
    push_opt_timestamp(&mut out, t);
    out
}

/// Appends [`opt_timestamp`].
pub(crate) fn push_opt_timestamp(out: &mut String, t: Option<Timestamp>) {
    let Some(t) = t else {
        out.push_str("NULL");
        return;
    };
    let _ = write!(
        out,
        "'{:04}-{:02}-{:02} {:02}:{:02}:{:02}",
        t.year, t.month, t.day, t.hour, t.minute, t.second
    );
    if t.microsecond != 0 {
        let _ = write!(out, ".{:06}", t.microsecond);
    }
    out.push('\'');
}

/// A `varchar[]` literal: `'{}'` when empty, else `ARRAY[...]`, one item per line when the
/// list is long.
pub(crate) fn text_array(items: &[Option<String>]) -> String {
    let mut out = String::new();
    push_text_array(&mut out, items);
    out
}

/// Appends [`text_array`].
pub(crate) fn push_text_array(out: &mut String, items: &[Option<String>]) {
    match items {
        [] => out.push_str("'{}'"),
        [item] => {
            let part = opt_text(item.as_deref());
            if part.len() <= 60 && !part.contains('\n') {
                out.push_str("ARRAY[");
                out.push_str(&part);
                out.push(']');
            } else {
                push_array_lines(out, std::iter::once(|out: &mut String| out.push_str(&part)));
            }
        }
        _ => push_array_lines(
            out,
            items
                .iter()
                .map(|i| move |out: &mut String| push_opt_text(out, i.as_deref())),
        ),
    }
}

/// `ARRAY[` and one item per line, each written by its function.
fn push_array_lines<F: FnOnce(&mut String)>(out: &mut String, items: impl Iterator<Item = F>) {
    out.push_str("ARRAY[\n");
    for (n, item) in items.enumerate() {
        out.push_str(VALUE_INDENT);
        out.push_str(if n == 0 { "    " } else { "  , " });
        item(out);
        out.push('\n');
    }
    out.push_str(VALUE_INDENT);
    out.push(']');
}

/// A `jsonb` literal: the document's pretty-printed text (jsonb ignores layout), its lines
/// indented to sit under the value. JSON text holds no raw newline but those of its layout.
pub(crate) fn opt_json(j: Option<&JsonText>) -> String {
    let mut out = String::new();
    push_opt_json(&mut out, j);
    out
}

/// Appends [`opt_json`].
pub(crate) fn push_opt_json(out: &mut String, j: Option<&JsonText>) {
    match j {
        Some(j) => push_text_indented(out, j.as_str(), VALUE_INDENT),
        None => out.push_str("NULL"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_text_doubles_quotes_and_keeps_newlines() {
        assert_eq!(text("it's\nok"), "'it''s\nok'");
        assert_eq!(text(""), "''");
    }

    #[test]
    fn backslashes_and_controls_use_escape_strings() {
        assert_eq!(text(r"a\b"), r"E'a\\b'");
        assert_eq!(text("a\rb'"), "E'a\\rb'''");
        assert_eq!(text("\x01x"), "E'\\x01x'");
        assert_eq!(text("\u{85}"), "E'\\u0085'");
    }

    /// The byte scans agree with the character classes they stand for, on every character.
    #[test]
    fn byte_scans_match_the_character_rules() {
        for c in (0..=0x11_0000u32).filter_map(char::from_u32) {
            let s = format!("a{c}'b");
            let by_char = s
                .chars()
                .any(|c| c == '\\' || (c.is_control() && c != '\n' && c != '\t'));
            assert_eq!(needs_escape_string(&s), by_char, "U+{:04X}", c as u32);
            let mut json = String::new();
            crate::ir::json_string(&mut json, &s);
            let expected = crate::ir::tests::json_string_by_char(&s);
            assert_eq!(json, expected, "U+{:04X}", c as u32);
        }
    }

    /// The literal as it was first written, a character at a time: the reference for the
    /// run-copying [`push_text_indented`].
    fn text_by_char(s: &str) -> String {
        let mut out = String::new();
        if s.chars()
            .any(|c| c == '\\' || (c.is_control() && c != '\n' && c != '\t'))
        {
            out.push_str("E'");
            for c in s.chars() {
                match c {
                    '\\' => out.push_str("\\\\"),
                    '\'' => out.push_str("''"),
                    '\n' | '\t' => out.push(c),
                    '\r' => out.push_str("\\r"),
                    c if c.is_control() && (c as u32) < 0x80 => {
                        let _ = write!(out, "\\x{:02X}", c as u32);
                    }
                    c if c.is_control() => {
                        let _ = write!(out, "\\u{:04X}", c as u32);
                    }
                    c => out.push(c),
                }
            }
        } else {
            out.push('\'');
            out.push_str(&s.replace('\'', "''"));
        }
        out.push('\'');
        out
    }

    /// Runs are cut right whatever the character and wherever it falls in a 32-byte block.
    #[test]
    fn run_copying_matches_the_character_rules() {
        let chars = (0..=0x11_0000u32)
            .filter(|&c| c < 0x800 || c % 251 == 0)
            .filter_map(char::from_u32);
        for c in chars {
            for pad in [0, 1, 29, 30, 31, 32, 63] {
                let s = format!("{}{c}'\n{c}x\t{c}", "a".repeat(pad));
                assert_eq!(text(&s), text_by_char(&s), "U+{:04X} at {pad}", c as u32);
                let mut indented = String::new();
                push_text_indented(&mut indented, &s, VALUE_INDENT);
                let expected = text_by_char(&s.replace('\n', &format!("\n{VALUE_INDENT}")));
                assert_eq!(indented, expected, "U+{:04X} at {pad}", c as u32);
            }
        }
        // A C1 control split across two blocks, and one at the very end.
        for pad in [30, 31, 32] {
            let s = format!("{}\u{85}\u{a0}\u{9f}", "b".repeat(pad));
            assert_eq!(text(&s), text_by_char(&s), "at {pad}");
        }
    }

    #[test]
    fn psql_meta_commands_stay_inside_the_literal() {
        assert_eq!(text("x\n\\! echo pwned"), "E'x\n\\\\! echo pwned'");
        assert_eq!(text(":foo"), "':foo'");
    }

    #[test]
    fn timestamps_floats_and_arrays() {
        let t = Timestamp {
            year: 2025,
            month: 1,
            day: 2,
            hour: 3,
            minute: 4,
            second: 5,
            microsecond: 60,
        };
        assert_eq!(opt_timestamp(Some(t)), "'2025-01-02 03:04:05.000060'");
        assert_eq!(opt_float(Some(92.0)), "92.0");
        assert_eq!(opt_float(Some(0.1)), "0.1");
        assert_eq!(opt_float(Some(f64::NAN)), "NULL");
        assert_eq!(text_array(&[]), "'{}'");
        assert_eq!(text_array(&[Some("a".into())]), "ARRAY['a']");
        assert_eq!(
            text_array(&[Some("a".into()), None]),
            "ARRAY[\n        'a'\n      , NULL\n    ]"
        );
    }

    #[test]
    fn json_is_pretty_and_escaped() {
        use crate::ir::Json;
        let j = Json::Object(vec![
            (
                "a'b".into(),
                Json::Array(vec![Json::Number("1".into()), Json::String("x\"\\".into())]),
            ),
            ("e".into(), Json::Object(vec![])),
        ]);
        assert_eq!(
            opt_json(Some(&JsonText::from(&j))),
            "E'{\n      \"a''b\": [\n        1,\n        \"x\\\\\"\\\\\\\\\"\n      ],\n      \"e\": {}\n    }'"
        );
    }
}
