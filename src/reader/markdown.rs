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

/// Extracts title, description and bullet lists as the job's regexes did.
#[must_use]
pub(crate) fn parse(text: &str) -> SpecMarkdown {
    SpecMarkdown {
        title: title(text),
        description: strip(section(text, "## Description")).to_owned(),
        applications: bullets(strip(section(text, "## Applications"))),
        data: bullets(strip(section(text, "## Data"))),
        notes: bullets(strip(section(text, "## Notes"))),
    }
}

/// Byte index of the first character at or after `from` that is not `pred`.
fn skip_while(text: &str, from: usize, pred: impl Fn(char) -> bool) -> usize {
    text[from..]
        .char_indices()
        .find(|&(_, c)| !pred(c))
        .map_or(text.len(), |(i, _)| from + i)
}

/// `^#\s+[\w-]+:\s*(.+)$` with MULTILINE: the first line start (position 0 or after a
/// `\n`) where it matches.
fn title(text: &str) -> Option<(String, Span)> {
    let mut line_start = 0;
    loop {
        if text.as_bytes().get(line_start) == Some(&b'#') {
            if let Some(found) = title_at(text, line_start) {
                return Some(found);
            }
        }
        line_start += text[line_start..].find('\n')? + 1;
    }
}

/// The title pattern at `hash`, the byte index of a `#` that starts a line.
///
/// Backtracking cannot help the first three parts: a shorter `\s+` leaves a space where
/// `[\w-]` is needed, a shorter `[\w-]+` a word character where `:` is needed. So each
/// takes its longest run, and only `\s*(.+)$` needs thought.
fn title_at(text: &str, hash: usize) -> Option<(String, Span)> {
    let after_hash = hash + 1;
    let word_start = skip_while(text, after_hash, is_space);
    if word_start == after_hash {
        return None;
    }
    let colon = skip_while(text, word_start, |c| is_word(c) || c == '-');
    if colon == word_start || text.as_bytes().get(colon) != Some(&b':') {
        return None;
    }
    let blank_start = colon + 1;
    let value_start = skip_while(text, blank_start, is_space);
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
    let (last, _) = text[blank_start..]
        .char_indices()
        .rev()
        .find(|&(_, c)| c != '\n')?;
    let at = blank_start + last;
    Some((String::new(), Span::new(at, at)))
}

/// `{heading}\s*\n(.+?)(?=\n##|\Z)` with DOTALL (heading is `## Name`): group 1, unstripped,
/// or `""` when the pattern matches nowhere. Not anchored: `### Data` and a heading in
/// the middle of a line match too.
fn section<'t>(text: &'t str, heading: &str) -> &'t str {
    let mut from = 0;
    while let Some(found) = text[from..].find(heading) {
        let heading_at = from + found;
        let run_start = heading_at + heading.len();
        let run_end = skip_while(text, run_start, is_space);
        if let Some(newline) = body_newline(text, run_start, run_end) {
            let body_start = newline + 1;
            // `.+?` takes at least one character, then stops at the first `\n##` or at
            // the end of the text.
            let first_len = text[body_start..].chars().next().map_or(0, char::len_utf8);
            let search_from = body_start + first_len;
            let body_end = text[search_from..]
                .find("\n##")
                .map_or(text.len(), |i| search_from + i);
            return &text[body_start..body_end];
        }
        // No match here; a heading starting inside this one is impossible, so move on.
        from = heading_at + 1;
    }
    ""
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
