//! `specification.md` extraction: never panics, keeps its invariants, and on ASCII text
//! agrees with the Python job's regexes (run here by fancy-regex, a backtracking engine).
#![no_main]

mod common;

use std::sync::LazyLock;

use fancy_regex::Regex;
use libfuzzer_sys::fuzz_target;
use plotsql::fuzzing;

/// Python's `\s` on ASCII: `str.isspace()` also counts `\x1c`..`\x1f`.
const S: &str = r"[\t\n\x0b\x0c\r\x1c-\x1f ]";

static TITLE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(r"(?m)^#{S}+[A-Za-z0-9_-]+:{S}*(.+)$")).expect("title regex")
});

fn section_regex(name: &str) -> Regex {
    Regex::new(&format!(r"(?s)## {name}{S}*\n(.+?)(?=\n##|\z)")).expect("section regex")
}

static SECTIONS: LazyLock<[Regex; 4]> = LazyLock::new(|| {
    [
        section_regex("Description"),
        section_regex("Applications"),
        section_regex("Data"),
        section_regex("Notes"),
    ]
});

fn bullets(section: &str) -> Vec<String> {
    section
        .split('\n')
        .filter_map(|line| {
            let line = fuzzing::python_strip(line);
            let item = line
                .strip_prefix("- ")
                .or_else(|| line.strip_prefix("* "))?;
            Some(fuzzing::python_strip(item).to_owned())
        })
        .collect()
}

fuzz_target!(|bytes: &[u8]| {
    let Ok(text) = fuzzing::decode(bytes) else {
        return;
    };
    assert!(!text.contains('\r') && !text.contains('\0'));
    let md = fuzzing::markdown(&text);

    if let Some((title, start, end)) = &md.title {
        assert!(
            start <= end && *end <= text.len(),
            "title span {start}..{end} outside the text"
        );
        assert!(text.is_char_boundary(*start) && text.is_char_boundary(*end));
        if !title.is_empty() {
            assert_eq!(&text[*start..*end], title, "the span covers the title");
        }
        assert!(!title.contains('\n'));
        assert_eq!(fuzzing::python_strip(title), title);
    }
    assert_eq!(fuzzing::python_strip(&md.description), md.description);
    for item in md.applications.iter().chain(&md.data).chain(&md.notes) {
        assert!(!item.contains('\n'));
        assert_eq!(fuzzing::python_strip(item), item);
    }
    for s in std::iter::once(&md.description).chain(&md.applications) {
        assert_eq!(common::text_value(&fuzzing::text_literal(s)), *s);
    }

    if text.is_ascii() && text.len() <= 2048 {
        let expected_title = TITLE
            .captures(&text)
            .expect("title regex runs")
            .and_then(|c| c.get(1))
            .map(|m| fuzzing::python_strip(m.as_str()).to_owned());
        assert_eq!(
            md.title.as_ref().map(|t| t.0.clone()),
            expected_title,
            "title of {text:?}"
        );
        let section = |i: usize| -> String {
            SECTIONS[i]
                .captures(&text)
                .expect("section regex runs")
                .and_then(|c| c.get(1))
                .map_or("", |m| fuzzing::python_strip(m.as_str()))
                .to_owned()
        };
        assert_eq!(md.description, section(0), "description of {text:?}");
        assert_eq!(
            md.applications,
            bullets(&section(1)),
            "applications of {text:?}"
        );
        assert_eq!(md.data, bullets(&section(2)), "data of {text:?}");
        assert_eq!(md.notes, bullets(&section(3)), "notes of {text:?}");
    }
});
