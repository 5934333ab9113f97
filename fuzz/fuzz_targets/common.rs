//! Helpers shared by the fuzz targets: a decoder for the SQL literals plotsql writes, and
//! diagnostic rendering (which must never panic, whatever the spans).

#![allow(dead_code, reason = "each target uses a part")]

use plotsql::diagnostics::{Diagnostic, Diagnostics};
use plotsql::render::{self, Format, RenderOptions};
use plotsql::source::Sources;

/// Reads one SQL string literal at the start of `s` the way PostgreSQL reads it with
/// `standard_conforming_strings` either on or off, and checks psql could not misread it:
/// returns the value and the rest of `s`, or panics.
pub fn read_literal(s: &str) -> (String, &str) {
    if let Some(body) = s.strip_prefix("E'") {
        let mut out = String::new();
        let mut chars = body.char_indices().peekable();
        while let Some((i, c)) = chars.next() {
            match c {
                '\'' => {
                    if chars.peek().map(|&(_, c)| c) == Some('\'') {
                        chars.next();
                        out.push('\'');
                    } else {
                        return (out, &body[i + 1..]);
                    }
                }
                '\\' => {
                    let (_, e) = chars.next().expect("a backslash ends the literal");
                    match e {
                        '\\' => out.push('\\'),
                        '\'' => out.push('\''),
                        'n' => out.push('\n'),
                        'r' => out.push('\r'),
                        't' => out.push('\t'),
                        'b' => out.push('\u{8}'),
                        'f' => out.push('\u{c}'),
                        'x' | 'u' | 'U' => {
                            let n = match e {
                                'x' => 2,
                                'u' => 4,
                                _ => 8,
                            };
                            let hex: String = (0..n)
                                .map(|_| chars.next().expect("short escape").1)
                                .collect();
                            let code = u32::from_str_radix(&hex, 16).expect("hex escape");
                            out.push(char::from_u32(code).expect("escape names a character"));
                        }
                        other => panic!("plotsql writes no escape \\{other}"),
                    }
                }
                c if c.is_control() && c != '\n' && c != '\t' => {
                    panic!(
                        "raw control character U+{:04X} inside an E'' literal",
                        c as u32
                    )
                }
                c => out.push(c),
            }
        }
        panic!("unterminated E'' literal");
    }
    let body = s.strip_prefix('\'').expect("a literal starts with ' or E'");
    let mut out = String::new();
    let mut chars = body.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        match c {
            '\'' => {
                if chars.peek().map(|&(_, c)| c) == Some('\'') {
                    chars.next();
                    out.push('\'');
                } else {
                    return (out, &body[i + 1..]);
                }
            }
            // A backslash would mean something else with standard_conforming_strings off.
            '\\' => panic!("backslash inside a standard string literal"),
            c if c.is_control() && c != '\n' && c != '\t' => {
                panic!(
                    "raw control character U+{:04X} inside a standard literal",
                    c as u32
                )
            }
            c => out.push(c),
        }
    }
    panic!("unterminated literal");
}

/// The value of a whole text literal (nothing may follow it).
pub fn text_value(lit: &str) -> String {
    let (value, rest) = read_literal(lit);
    assert!(rest.is_empty(), "text after the literal: {rest:?}");
    value
}

/// The items of a `varchar[]` literal: `'{}'` or `ARRAY[item, ...]` with NULL items.
pub fn array_value(lit: &str) -> Vec<Option<String>> {
    if lit == "'{}'" {
        return Vec::new();
    }
    let mut rest = lit.strip_prefix("ARRAY[").expect("ARRAY[").trim_start();
    let mut items = Vec::new();
    loop {
        if let Some(after) = rest.strip_prefix("NULL") {
            items.push(None);
            rest = after;
        } else {
            let (v, after) = read_literal(rest);
            items.push(Some(v));
            rest = after;
        }
        rest = rest.trim_start();
        if let Some(after) = rest.strip_prefix(',') {
            rest = after.trim_start();
        } else {
            assert_eq!(rest, "]", "array literal ends with ]");
            return items;
        }
    }
}

/// Renders diagnostics in every format, against `text` as the file they point into.
pub fn render_all(path: &str, text: &str, diagnostics: Vec<Diagnostic>) {
    let mut sources = Sources::new();
    sources.insert(path, text);
    let mut all = Diagnostics::new();
    for d in diagnostics {
        let d = if d.path.is_none() {
            d.in_file(path.to_owned())
        } else {
            d
        };
        all.push(d);
    }
    all.sort();
    for format in [Format::Human, Format::Json, Format::Github] {
        let out = render::render(
            &all,
            &sources,
            RenderOptions {
                format,
                color: false,
                width: 80,
            },
        );
        assert!(all.is_empty() || !out.is_empty());
    }
}
