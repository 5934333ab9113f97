//! `specification.md` extraction: title, description and the three bullet lists.
//!
//! The job took these with Python regexes, and the database holds what those regexes gave,
//! quirks included (REFERENCE §3):
//!
//! - title: `re.search(r"^#\s+[\w-]+:\s*(.+)$", text, re.MULTILINE)`, group 1 stripped;
//! - section `Name`: `re.search(rf"## {Name}\s*\n(.+?)(?=\n##|\Z)", text, re.DOTALL)`,
//!   group 1 stripped, `""` when absent;
//! - bullets: the section's lines, stripped, that start with `- ` or `* `, less those two
//!   characters, stripped again.
//!
//! Rather than run a regex engine, each pattern is matched by a hand-written scan that
//! follows the backtracking order Python's engine would, so a pathological file (say 16 MiB
//! of `## Data`) still takes linear time. `\s`, `\w` and strip use Python's character
//! classes from [`crate::python`]. Input is decoded UTF-8 with universal newlines applied.

use crate::python::{is_space, is_word, strip};
use crate::source::Span;

/// What the job read from one `specification.md`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(crate) struct SpecMarkdown {
    /// The stripped title and its byte span in the text; `None` when no line matches (the
    /// caller then uses the spec id). May be `Some("")`: `# id:` followed only by blanks.
    pub(crate) title: Option<(String, Span)>,
    /// The `Description` section, stripped.
    pub(crate) description: String,
    /// Bullets of the `Applications` section.
    pub(crate) applications: Vec<String>,
    /// Bullets of the `Data` section.
    pub(crate) data: Vec<String>,
    /// Bullets of the `Notes` section.
    pub(crate) notes: Vec<String>,
}

/// The sections, in the order `scan` returns them.
const SECTION_NAMES: [&str; 4] = ["Description", "Applications", "Data", "Notes"];

/// Extracts title, description and bullet lists as the job's regexes did.
#[must_use]
pub(crate) fn parse(text: &str) -> SpecMarkdown {
    let (title, [description, applications, data, notes]) = scan(text);
    SpecMarkdown {
        title,
        description: strip(description).to_owned(),
        applications: bullets(strip(applications)),
        data: bullets(strip(data)),
        notes: bullets(strip(notes)),
    }
}

/// Finds the title and the four raw sections (group 1, unstripped) in one pass.
///
/// Each of the five patterns starts with a `#`, so one fast search for `#` visits every
/// place where any of them can start, leftmost first, which is the order `re.search`
/// tries them in; each pattern keeps its first success. The patterns are independent, so
/// sharing the pass changes nothing but speed.
fn scan(text: &str) -> (Option<(String, Span)>, [&str; 4]) {
    let bytes = text.as_bytes();
    let mut title = None;
    let mut sections: [Option<&str>; 4] = [None; 4];
    for (hash, _) in text.match_indices('#') {
        // `^` with MULTILINE: the start of the text or just after a `\n`.
        if title.is_none() && (hash == 0 || bytes[hash - 1] == b'\n') {
            title = title_at(text, hash);
        }
        if let Some(rest) = text[hash..].strip_prefix("## ") {
            for (slot, name) in sections.iter_mut().zip(SECTION_NAMES) {
                if slot.is_none() && rest.starts_with(name) {
                    *slot = section_at(text, hash + "## ".len() + name.len());
                }
            }
        }
        if title.is_some() && sections.iter().all(Option::is_some) {
            break;
        }
    }
    (title, sections.map(|found| found.unwrap_or("")))
}

/// Byte index of the first character at or after `from` for which `pred` is false.
/// ASCII bytes are classified without decoding: these runs are the whole cost of a
/// pathological file.
fn skip_while(
    text: &str,
    from: usize,
    ascii: impl Fn(u8) -> bool,
    pred: impl Fn(char) -> bool,
) -> usize {
    let bytes = text.as_bytes();
    let mut i = from;
    while let Some(&byte) = bytes.get(i) {
        if byte.is_ascii() {
            if !ascii(byte) {
                return i;
            }
            i += 1;
        } else {
            match text[i..].chars().next() {
                Some(c) if pred(c) => i += c.len_utf8(),
                _ => return i,
            }
        }
    }
    i
}

/// Python's `\s` over ASCII: `\t`..`\r`, `\x1c`..`\x1f` and space.
fn is_ascii_space(byte: u8) -> bool {
    matches!(byte, b'\t'..=b'\r' | 0x1c..=b' ')
}

/// `[\w-]` over ASCII.
fn is_ascii_word_or_dash(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || byte == b'_' || byte == b'-'
}

/// `[\w-]`.
fn is_word_or_dash(c: char) -> bool {
    is_word(c) || c == '-'
}

/// Where the run of `\s` characters starting at `from` ends.
fn skip_spaces(text: &str, from: usize) -> usize {
    skip_while(text, from, is_ascii_space, is_space)
}

/// The title pattern at `hash`, the byte index of a `#` that starts a line.
///
/// Backtracking cannot help the first three parts: a shorter `\s+` leaves a space where
/// `[\w-]` is needed, a shorter `[\w-]+` a word character where `:` is needed. So each
/// takes its longest run, and only `\s*(.+)$` needs thought.
fn title_at(text: &str, hash: usize) -> Option<(String, Span)> {
    let after_hash = hash + 1;
    let word_start = skip_spaces(text, after_hash);
    if word_start == after_hash {
        return None;
    }
    let colon = skip_while(text, word_start, is_ascii_word_or_dash, is_word_or_dash);
    if colon == word_start || text.as_bytes().get(colon) != Some(&b':') {
        return None;
    }
    let blank_start = colon + 1;
    let value_start = skip_spaces(text, blank_start);
    if value_start < text.len() {
        // A non-space character, so not `\n`: `(.+)` runs from it to the end of its line,
        // where `$` matches. `\s` can have crossed newlines to get here.
        let line_end = text[value_start..]
            .find('\n')
            .map_or(text.len(), |i| value_start + i);
        let value = strip(&text[value_start..line_end]);
        let span = Span::new(value_start, value_start + value.len());
        return Some((value.to_owned(), span));
    }
    // Only whitespace up to the end of the text: `\s*` gives back characters until `.`
    // finds one that is not `\n`. The last such one is followed only by `\n`s, so the
    // group is that single whitespace character, stripped to nothing. With only `\n`s
    // (or nothing) after the colon there is no match on this line.
    let last_byte = text.as_bytes()[blank_start..]
        .iter()
        .rposition(|&byte| byte != b'\n')?;
    // Back to the start of that character, for the span.
    let mut at = blank_start + last_byte;
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    Some((String::new(), Span::new(at, at)))
}

/// `## Name\s*\n(.+?)(?=\n##|\Z)` with DOTALL, where `run_start` is the byte just after
/// `## Name`: group 1, unstripped, or `None` when the pattern fails here. Not anchored:
/// `### Data` and a heading in the middle of a line match too.
fn section_at(text: &str, run_start: usize) -> Option<&str> {
    let run_end = skip_spaces(text, run_start);
    let newline = body_newline(text, run_start, run_end)?;
    let body_start = newline + 1;
    // `.+?` takes at least one character, then stops at the first `\n##` or at the end
    // of the text.
    let first_len = text[body_start..].chars().next().map_or(0, char::len_utf8);
    let search_from = body_start + first_len;
    let body_end = text[search_from..]
        .find("\n##")
        .map_or(text.len(), |i| search_from + i);
    Some(&text[body_start..body_end])
}

/// Which `\n` of the whitespace run `text[start..end]` the section pattern's `\n` takes.
///
/// `\s*` is greedy, so the last `\n` of the run is tried first; `(.+?)` then needs one
/// more character, which fails only when that `\n` ends the text, and then the `\n`
/// before it is used. (An empty section thus swallows the next heading, as the job did.)
fn body_newline(text: &str, start: usize, end: usize) -> Option<usize> {
    let run = &text[start..end];
    let last = start + run.rfind('\n')?;
    if last + 1 < text.len() {
        return Some(last);
    }
    run[..last - start].rfind('\n').map(|i| start + i)
}

/// The bullet items of a section: lines (split on `\n`) that, stripped, start with `- `
/// or `* `; the item is the rest of the line, stripped.
fn bullets(section: &str) -> Vec<String> {
    section
        .split('\n')
        .filter_map(|line| {
            let line = strip(line);
            let item = line
                .strip_prefix("- ")
                .or_else(|| line.strip_prefix("* "))?;
            Some(strip(item).to_owned())
        })
        .collect()
}

#[cfg(test)]
mod tests {
    //! Expected values are what the job's Python regexes give (run with the real Python
    //! 3.11 by the scratch generator that printed this table).

    use super::*;

    struct Case {
        name: &'static str,
        text: &'static str,
        title: Option<(&'static str, usize, usize)>,
        description: &'static str,
        applications: &'static [&'static str],
        data: &'static [&'static str],
        notes: &'static [&'static str],
    }

    const CASES: &[Case] = &[
        Case {
            name: "a full spec",
            text: "# scatter-basic: Basic Scatter Plot\n\n\
                   ## Description\n\nA scatter of two numeric variables.\n\n\
                   ## Applications\n\n- Correlation\n- Outliers\n\n\
                   ## Data\n\n- `x` (numeric)\n* `y` (numeric)\n\n\
                   ## Notes\n\n- Keep it simple\n",
            title: Some(("Basic Scatter Plot", 17, 35)),
            description: "A scatter of two numeric variables.",
            applications: &["Correlation", "Outliers"],
            data: &["`x` (numeric)", "`y` (numeric)"],
            notes: &["Keep it simple"],
        },
        Case {
            name: "no title line",
            text: "Just text\n## Data\n- a\n",
            title: None,
            description: "",
            applications: &[],
            data: &["a"],
            notes: &[],
        },
        Case {
            name: "BOM hides the first line",
            text: "\u{feff}# id: Hidden\n# other: Shown\n",
            title: Some(("Shown", 25, 30)),
            description: "",
            applications: &[],
            data: &[],
            notes: &[],
        },
        Case {
            name: "title inside a code block",
            text: "```\n# x: In code\n```\n# id: Real\n",
            title: Some(("In code", 9, 16)),
            description: "",
            applications: &[],
            data: &[],
            notes: &[],
        },
        Case {
            name: "blanks after the colon at the end",
            text: "# id:   ",
            title: Some(("", 7, 7)),
            description: "",
            applications: &[],
            data: &[],
            notes: &[],
        },
        Case {
            name: "only newlines after the colon",
            text: "# id:\n\n\n",
            title: None,
            description: "",
            applications: &[],
            data: &[],
            notes: &[],
        },
        Case {
            name: "newlines then a blank",
            text: "# id:\n\n \n\n",
            title: Some(("", 7, 7)),
            description: "",
            applications: &[],
            data: &[],
            notes: &[],
        },
        Case {
            name: "\\s crosses lines",
            text: "# id:\n\nNext line\n",
            title: Some(("Next line", 7, 16)),
            description: "",
            applications: &[],
            data: &[],
            notes: &[],
        },
        Case {
            name: "\\s+ crosses lines too",
            text: "#\nid: x\n",
            title: Some(("x", 6, 7)),
            description: "",
            applications: &[],
            data: &[],
            notes: &[],
        },
        Case {
            name: "space before the colon",
            text: "# id : x\n",
            title: None,
            description: "",
            applications: &[],
            data: &[],
            notes: &[],
        },
        Case {
            name: "no space after #",
            text: "#id: x\n",
            title: None,
            description: "",
            applications: &[],
            data: &[],
            notes: &[],
        },
        Case {
            name: "dashes and underscores",
            text: "# a-b_c9: T  \n",
            title: Some(("T", 10, 11)),
            description: "",
            applications: &[],
            data: &[],
            notes: &[],
        },
        Case {
            name: "combining mark is not \\w",
            text: "# e\u{301}: x\n",
            title: None,
            description: "",
            applications: &[],
            data: &[],
            notes: &[],
        },
        Case {
            name: "Unicode digit is \\w",
            text: "# \u{663}: x\n",
            title: Some(("x", 6, 7)),
            description: "",
            applications: &[],
            data: &[],
            notes: &[],
        },
        Case {
            name: "dot matches U+2028",
            text: "# id: x\u{2028}y \n",
            title: Some(("x\u{2028}y", 6, 11)),
            description: "",
            applications: &[],
            data: &[],
            notes: &[],
        },
        Case {
            name: "title trimmed of Unicode blanks",
            text: "# id:\u{3000}Title\u{a0}\n",
            title: Some(("Title", 8, 13)),
            description: "",
            applications: &[],
            data: &[],
            notes: &[],
        },
        Case {
            name: "multibyte title",
            text: "# id: Gr\u{f6}\u{df}e \u{2013} \u{dc}bersicht\n",
            title: Some(("Gr\u{f6}\u{df}e \u{2013} \u{dc}bersicht", 6, 28)),
            description: "",
            applications: &[],
            data: &[],
            notes: &[],
        },
        Case {
            name: "### Data matches",
            text: "### Data\n- a\n",
            title: None,
            description: "",
            applications: &[],
            data: &["a"],
            notes: &[],
        },
        Case {
            name: "heading mid-line",
            text: "text ## Data\n- a\n",
            title: None,
            description: "",
            applications: &[],
            data: &["a"],
            notes: &[],
        },
        Case {
            name: "blank lines after a heading",
            text: "## Data\n\n\n- a\n",
            title: None,
            description: "",
            applications: &[],
            data: &["a"],
            notes: &[],
        },
        Case {
            name: "empty section swallows the next",
            text: "## Description\n## Data\n- a\n## Notes\n- n\n",
            title: None,
            description: "## Data\n- a",
            applications: &[],
            data: &["a"],
            notes: &["n"],
        },
        Case {
            name: "sub-heading ends a section",
            text: "## Notes\n- a\n### Sub\n- b\n",
            title: None,
            description: "",
            applications: &[],
            data: &[],
            notes: &["a"],
        },
        Case {
            name: "Datasets is not Data",
            text: "## Datasets\n- a\n",
            title: None,
            description: "",
            applications: &[],
            data: &[],
            notes: &[],
        },
        Case {
            name: "colon after the name",
            text: "## Data:\n- a\n",
            title: None,
            description: "",
            applications: &[],
            data: &[],
            notes: &[],
        },
        Case {
            name: "heading at the very end",
            text: "## Data\n",
            title: None,
            description: "",
            applications: &[],
            data: &[],
            notes: &[],
        },
        Case {
            name: "heading, blank, end",
            text: "## Data \n",
            title: None,
            description: "",
            applications: &[],
            data: &[],
            notes: &[],
        },
        Case {
            name: "heading, two newlines, end",
            text: "## Data\n\n",
            title: None,
            description: "",
            applications: &[],
            data: &[],
            notes: &[],
        },
        Case {
            name: "bullet shapes",
            text: "## Notes\n-  x  \n*\ty\n-x\n - z\n- \n* w\n",
            title: None,
            description: "",
            applications: &[],
            data: &[],
            notes: &["x", "z", "w"],
        },
        Case {
            name: "split on \\n only",
            text: "## Notes\n- a\u{85}b\n",
            title: None,
            description: "",
            applications: &[],
            data: &[],
            notes: &["a\u{85}b"],
        },
        Case {
            name: "description trimmed",
            text: "## Description\n\u{a0}Text\u{3000}\n",
            title: None,
            description: "Text",
            applications: &[],
            data: &[],
            notes: &[],
        },
        Case {
            name: "Unicode blanks before the newline",
            text: "## Data\u{a0}\u{2028}\n- a\n",
            title: None,
            description: "",
            applications: &[],
            data: &["a"],
            notes: &[],
        },
        Case {
            name: "first section wins",
            text: "## Notes\n- a\n## Notes\n- b\n",
            title: None,
            description: "",
            applications: &[],
            data: &[],
            notes: &["a"],
        },
        Case {
            name: "two spaces in the heading",
            text: "##  Data\n- a\n",
            title: None,
            description: "",
            applications: &[],
            data: &[],
            notes: &[],
        },
        Case {
            name: "empty text",
            text: "",
            title: None,
            description: "",
            applications: &[],
            data: &[],
            notes: &[],
        },
    ];

    #[test]
    fn quirks_match_python_regexes() {
        for case in CASES {
            let parsed = parse(case.text);
            let title = parsed
                .title
                .as_ref()
                .map(|(text, span)| (text.as_str(), span.start, span.end));
            assert_eq!(title, case.title, "title: {}", case.name);
            assert_eq!(
                parsed.description, case.description,
                "description: {}",
                case.name
            );
            assert_eq!(
                parsed.applications, case.applications,
                "applications: {}",
                case.name
            );
            assert_eq!(parsed.data, case.data, "data: {}", case.name);
            assert_eq!(parsed.notes, case.notes, "notes: {}", case.name);
        }
    }

    #[test]
    fn title_span_points_at_the_title() {
        let text = "# id: Größe – Übersicht\n";
        let Some((title, span)) = parse(text).title else {
            panic!("no title");
        };
        assert_eq!(&text[span.start..span.end], title);
    }

    /// Inputs that make a backtracking engine, or a careless scan, quadratic. Each holds
    /// about 1 MiB; a quadratic scan would take minutes, a linear one milliseconds.
    #[test]
    fn pathological_inputs_stay_linear() {
        const SIZE: usize = 1 << 20;
        let repeat = |unit: &str| unit.repeat(SIZE / unit.len());
        let inputs = [
            repeat("## Data"),
            repeat("#\n"),
            repeat("# -\n"),
            repeat("\n##"),
            repeat("## Notes \u{a0}"),
            format!("# a:{}", "\n".repeat(SIZE)),
            format!("# a:{}", " \n".repeat(SIZE / 2)),
            format!("#{}", " ".repeat(SIZE)),
            format!("## Data{}", "\n".repeat(SIZE)),
        ];
        let started = std::time::Instant::now();
        for input in &inputs {
            let parsed = parse(input);
            assert!(parsed.data.is_empty() && parsed.notes.is_empty());
        }
        // Generous even for an unoptimised build on a loaded machine.
        assert!(started.elapsed() < std::time::Duration::from_secs(20));
    }
}
