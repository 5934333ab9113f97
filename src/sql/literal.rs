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
    if needs_escape_string(s) {
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
        out.reserve(s.len() + 2);
        out.push('\'');
        // Runs between quotes are copied whole; each quote is doubled.
        let mut runs = s.split('\'');
        if let Some(first) = runs.next() {
            out.push_str(first);
        }
        for run in runs {
            out.push_str("''");
            out.push_str(run);
        }
    }
    out.push('\'');
}

/// An optional text literal (`NULL` for `None`).
pub(crate) fn opt_text(s: Option<&str>) -> String {
    s.map_or_else(|| "NULL".to_owned(), text)
}

/// An integer literal.
pub(crate) fn opt_int(i: Option<i64>) -> String {
    i.map_or_else(|| "NULL".to_owned(), |i| i.to_string())
}

/// A double precision literal: the shortest decimal that reads back as the same double.
/// Only finite values reach here (the reader turns the rest into NULL).
pub(crate) fn opt_float(f: Option<f64>) -> String {
    match f {
        Some(f) if f.is_finite() => format!("{f:?}"),
        _ => "NULL".to_owned(),
    }
}

/// A timestamp literal (ISO 8601, read the same under every `DateStyle`).
pub(crate) fn opt_timestamp(t: Option<Timestamp>) -> String {
    let Some(t) = t else { return "NULL".to_owned() };
    let mut s = format!(
        "'{:04}-{:02}-{:02} {:02}:{:02}:{:02}",
        t.year, t.month, t.day, t.hour, t.minute, t.second
    );
    if t.microsecond != 0 {
        let _ = write!(s, ".{:06}", t.microsecond);
    }
    s.push('\'');
    s
}

/// A `varchar[]` literal: `'{}'` when empty, else `ARRAY[...]`, one item per line when the
/// list is long.
pub(crate) fn text_array(items: &[Option<String>]) -> String {
    if items.is_empty() {
        return "'{}'".to_owned();
    }
    let parts: Vec<String> = items.iter().map(|i| opt_text(i.as_deref())).collect();
    let total: usize = parts.iter().map(String::len).sum();
    if parts.len() == 1 && total <= 60 && !parts.iter().any(|p| p.contains('\n')) {
        return format!("ARRAY[{}]", parts.join(", "));
    }
    let mut out = String::from("ARRAY[\n");
    for (n, p) in parts.iter().enumerate() {
        out.push_str(VALUE_INDENT);
        out.push_str(if n == 0 { "    " } else { "  , " });
        out.push_str(p);
        out.push('\n');
    }
    out.push_str(VALUE_INDENT);
    out.push(']');
    out
}

/// A `jsonb` literal: the document's pretty-printed text (jsonb ignores layout), its lines
/// indented to sit under the value. JSON text holds no raw newline but those of its layout.
pub(crate) fn opt_json(j: Option<&JsonText>) -> String {
    let Some(j) = j else { return "NULL".to_owned() };
    text(&j.as_str().replace('\n', &format!("\n{VALUE_INDENT}")))
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
            let mut expected = String::from("\"");
            for c in s.chars() {
                match c {
                    '"' => expected.push_str("\\\""),
                    '\\' => expected.push_str("\\\\"),
                    '\n' => expected.push_str("\\n"),
                    '\r' => expected.push_str("\\r"),
                    '\t' => expected.push_str("\\t"),
                    c if (c as u32) < 0x20 || c == '\u{7f}' => {
                        let _ = write!(expected, "\\u{:04x}", c as u32);
                    }
                    c => expected.push(c),
                }
            }
            expected.push('"');
            assert_eq!(json, expected, "U+{:04X}", c as u32);
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
