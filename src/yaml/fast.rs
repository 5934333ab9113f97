//! A fast path for the YAML most repositories are made of: block mappings and sequences of
//! plain, quoted and literal scalars, as PyYAML's own emitter writes them.
//!
//! [`load`] reads such a text line by line, several times faster than the event parser,
//! and gives up (`None`) at the first thing outside that subset: flow collections,
//! anchors, aliases, tags, directives, document markers, tabs, carriage returns, escapes,
//! folded scalars, duplicate or non-string keys, empty values, and every indentation or
//! character it is not certain about. The caller then loads the text with the full loader
//! ([`super::loader::load`]), so the fast path decides speed only, never meaning: when it
//! answers, the answer is the full loader's `Ok` document, node for node and span for span
//! (the tests and the fuzz target hold it to that). It never reports an error itself.

use std::collections::HashSet;

use super::resolve::{self, Scalar};
use super::{Document, Node, Value};
use crate::source::Span;

/// Deepest nesting the fast path follows; deeper documents go to the full loader.
const MAX_DEPTH: usize = 64;

/// Loads `text` when it lies within the fast path's subset; `None` otherwise.
///
/// `text` must have passed the printable-character check.
pub(crate) fn load(text: &str) -> Option<Document> {
    let b = text.as_bytes();
    // Characters whose handling differs between YAML 1.1 and 1.2, or needs care the fast
    // path does not take: tabs, carriage returns, the byte order mark, NEL, LS and PS.
    if !ordinary_bytes(b) {
        return None;
    }
    let mut p = Fast { t: text, b, pos: 0 };
    let first = p.next_content()?;
    if first.indent != 0 {
        return None;
    }
    let root = p.map(first.content, 0, 0)?;
    // Only blank and comment lines may follow the root mapping.
    if p.next_content().is_some() {
        return None;
    }
    Some(Document {
        root,
        warnings: Vec::new(),
    })
}

/// Whether the text is free of tabs, carriage returns, other controls, U+FEFF, U+0085,
/// U+2028 and U+2029. Looks at 32 bytes at a time, byte by byte only in blocks holding
/// anything but printable ASCII and line feeds.
fn ordinary_bytes(b: &[u8]) -> bool {
    let plain = |c: u8| (0x20..0x7f).contains(&c) | (c == b'\n');
    let mut start = 0;
    for block in b.chunks(32) {
        let end = start + block.len();
        if !block.iter().fold(true, |ok, &c| ok & plain(c)) {
            for i in start..end {
                let at = |k: usize| b.get(i + k).copied();
                let special = match at(0) {
                    Some(b'\n' | 0x20..=0x7e | 0x80..=0xc1 | 0xc3..=0xe1 | 0xe3..=0xee) => false,
                    Some(0xc2) => at(1) == Some(0x85),
                    Some(0xe2) => at(1) == Some(0x80) && matches!(at(2), Some(0xa8 | 0xa9)),
                    Some(0xef) => at(1) == Some(0xbb) && at(2) == Some(0xbf),
                    Some(0xf0..) => false,
                    _ => true,
                };
                if special {
                    return false;
                }
            }
        }
        start = end;
    }
    true
}

/// One line of the text.
#[derive(Debug, Clone, Copy)]
struct Line {
    /// Spaces before its content.
    indent: usize,
    /// Byte where its content starts.
    content: usize,
    /// Byte of its line feed, or the text's length.
    end: usize,
    /// Byte where the next line starts.
    next: usize,
}

struct Fast<'t> {
    t: &'t str,
    b: &'t [u8],
    /// Start of the first line not read yet.
    pos: usize,
}

/// Bytes that may not start a plain scalar (PyYAML's `check_plain`, less `-?:` which may
/// when a non-space follows), or that the fast path leaves to the full loader.
fn special_start(c: u8) -> bool {
    matches!(
        c,
        b',' | b'['
            | b']'
            | b'{'
            | b'}'
            | b'#'
            | b'&'
            | b'*'
            | b'!'
            | b'|'
            | b'>'
            | b'\''
            | b'"'
            | b'%'
            | b'@'
            | b'`'
    )
}

impl<'t> Fast<'t> {
    fn byte(&self, at: usize) -> Option<u8> {
        self.b.get(at).copied()
    }

    fn line_at(&self, start: usize) -> Line {
        let rest = self.b.get(start..).unwrap_or_default();
        let end = memchr::memchr(b'\n', rest).map_or(self.b.len(), |i| start + i);
        let indent = rest
            .iter()
            .take_while(|&&c| c == b' ')
            .count()
            .min(end - start);
        Line {
            indent,
            content: start + indent,
            end,
            next: (end + 1).min(self.b.len()),
        }
    }

    /// Whether the line holds nothing but spaces.
    fn is_blank(line: &Line) -> bool {
        line.content == line.end
    }

    /// The next line with content that is not a comment, from `self.pos` (which stays).
    fn next_content(&self) -> Option<Line> {
        let mut at = self.pos;
        while at < self.b.len() {
            let line = self.line_at(at);
            if !Self::is_blank(&line) && self.byte(line.content) != Some(b'#') {
                return Some(line);
            }
            at = line.next;
        }
        None
    }

    fn str(&self, start: usize, end: usize) -> Option<&'t str> {
        self.t.get(start..end)
    }

    /// Whether `at` is a `-` that opens a sequence entry (followed by a space or the end of
    /// the line).
    fn is_dash(&self, at: usize) -> bool {
        self.byte(at) == Some(b'-') && matches!(self.byte(at + 1), None | Some(b' ' | b'\n'))
    }

    /// Where the key of a `key: value` entry starting at `start` ends (its colon), when the
    /// line is one; `None` for anything else. Gives up (outer `None`) on what it cannot
    /// judge: a comment before the colon, a space before it, a special first character.
    fn key_colon(&self, start: usize, end: usize) -> Option<Option<usize>> {
        let first = self.byte(start)?;
        let mut at = start;
        while at < end {
            match self.byte(at)? {
                b':' if matches!(self.byte(at + 1), None | Some(b' ' | b'\n')) => {
                    if at == start
                        || self.byte(at - 1) == Some(b' ')
                        || special_start(first)
                        || matches!(first, b'-' | b'?' | b':')
                    {
                        return None;
                    }
                    return Some(Some(at));
                }
                b'#' if self.byte(at.wrapping_sub(1)) == Some(b' ') => return None,
                _ => {}
            }
            at += 1;
        }
        Some(None)
    }

    /// A block mapping whose first key starts at byte `first` (on the line `self.pos`
    /// points into, or at its start) in column `col`.
    fn map(&mut self, first: usize, col: usize, depth: usize) -> Option<Node> {
        if depth > MAX_DEPTH {
            return None;
        }
        let mut entries: Vec<(Node, Node)> = Vec::new();
        let mut seen: Option<HashSet<&'t str>> = None;
        let mut key_start = first;
        let mut end = first;
        loop {
            let line = self.line_at(self.line_start(key_start));
            // `...` (or `---`) at the start of a line ends the document.
            if key_start == line.content
                && line.indent == 0
                && matches!(self.b.get(key_start..key_start + 3), Some(b"..." | b"---"))
                && matches!(self.byte(key_start + 3), None | Some(b' ' | b'\n'))
            {
                return None;
            }
            let colon = self.key_colon(key_start, line.end)??;
            // YAML limits a key without `?` to 1024 characters.
            if colon - key_start > 1000 {
                return None;
            }
            let key_text = self.str(key_start, colon)?;
            let Ok(Scalar::Value(key_value @ Value::Str(_))) = resolve::resolve_implicit(key_text)
            else {
                return None;
            };
            // A repeated key (left to the full loader, which warns): a linear look for
            // small mappings, a set from 16 keys on.
            let repeated = if let Some(seen) = &mut seen {
                !seen.insert(key_text)
            } else {
                let found = entries
                    .iter()
                    .any(|(k, _)| matches!(&k.value, Value::Str(s) if s == key_text));
                if entries.len() == 15 {
                    let mut set: HashSet<&'t str> = HashSet::with_capacity(32);
                    set.extend(
                        entries
                            .iter()
                            .filter_map(|(k, _)| self.str(k.span.start, k.span.end)),
                    );
                    set.insert(key_text);
                    seen = Some(set);
                }
                found
            };
            if repeated {
                return None;
            }
            let key = Node {
                value: key_value,
                span: Span::new(key_start, colon),
            };
            let after = self.skip_spaces(colon + 1, line.end);
            let value = if after == line.end || self.byte(after) == Some(b'#') {
                self.pos = line.next;
                self.nested(col, true, depth)?
            } else {
                self.inline(after, line, col, depth)?
            };
            end = end.max(value.span.end);
            entries.push((key, value));
            match self.next_content() {
                Some(next) if next.indent == col => {
                    self.pos = next.content;
                    key_start = next.content;
                    // An indentless sequence's dash at this column ends nothing here: its
                    // entries were taken by the value above.
                    if self.is_dash(key_start) {
                        return None;
                    }
                }
                Some(next) if next.indent > col => return None,
                _ => break,
            }
        }
        Some(Node {
            value: Value::Map(entries),
            span: Span::new(first, end),
        })
    }

    /// The start of the line holding byte `at`.
    fn line_start(&self, at: usize) -> usize {
        self.b
            .get(..at)
            .and_then(|before| memchr::memrchr(b'\n', before))
            .map_or(0, |i| i + 1)
    }

    fn skip_spaces(&self, mut at: usize, end: usize) -> usize {
        while at < end && self.byte(at) == Some(b' ') {
            at += 1;
        }
        at
    }

    /// The value of a key or sequence entry written on the lines below it: a mapping or
    /// sequence indented deeper than `col` (or a sequence at `col` under a mapping key).
    fn nested(&mut self, col: usize, in_map: bool, depth: usize) -> Option<Node> {
        let line = self.next_content()?;
        if line.indent > col || (in_map && line.indent == col && self.is_dash(line.content)) {
            self.pos = line.content;
            if self.is_dash(line.content) {
                self.seq(line.content, line.indent, line.indent == col, depth + 1)
            } else {
                self.map(line.content, line.indent, depth + 1)
            }
        } else {
            // An empty value: left to the full loader, whose span for it is its own.
            None
        }
    }

    /// A block sequence whose first dash is at byte `first`, column `col`; `indentless`
    /// when it is a mapping value written at its key's column.
    fn seq(&mut self, first: usize, col: usize, indentless: bool, depth: usize) -> Option<Node> {
        if depth > MAX_DEPTH {
            return None;
        }
        let mut items = Vec::new();
        let mut first_token = None;
        let mut dash = first;
        let mut end = first;
        loop {
            let line = self.line_at(self.line_start(dash));
            let after = self.skip_spaces(dash + 1, line.end);
            let on_line = !(after == line.end || self.byte(after) == Some(b'#'));
            if indentless && !on_line && items.is_empty() {
                // Where the full loader starts such a sequence is its own affair.
                return None;
            }
            let item = if !on_line {
                if after == dash + 1 && after != line.end {
                    return None;
                }
                self.pos = line.next;
                self.nested(col, false, depth)?
            } else if self.is_dash(after) || self.byte(after) == Some(b'?') {
                return None;
            } else if !matches!(self.byte(after), Some(b'\'' | b'"' | b'[' | b'{'))
                && self.key_colon(after, line.end)?.is_some()
            {
                self.map(after, after - line.content + line.indent, depth + 1)?
            } else {
                self.inline(after, line, col, depth)?
            };
            end = end.max(item.span.end);
            if first_token.is_none() {
                first_token = Some(if on_line { after } else { item.span.start });
            }
            items.push(item);
            match self.next_content() {
                Some(next) if next.indent == col && self.is_dash(next.content) => {
                    self.pos = next.content;
                    dash = next.content;
                }
                Some(next) if next.indent > col => return None,
                Some(next) if next.indent == col && !indentless => return None,
                _ => break,
            }
        }
        // The full loader's indentless sequence starts at the first token of its first
        // entry, after the dash (for a block scalar: its header); an indented one at the
        // dash.
        let start = if indentless {
            first_token.unwrap_or(first)
        } else {
            first
        };
        Some(Node {
            value: Value::Seq(items),
            span: Span::new(start, end),
        })
    }

    /// A scalar written on the line, starting at `at`; continuation lines must be indented
    /// deeper than `col`.
    fn inline(&mut self, at: usize, line: Line, col: usize, _depth: usize) -> Option<Node> {
        match self.byte(at)? {
            b'\'' => self.quoted(at, b'\'', col),
            b'"' => self.quoted(at, b'"', col),
            b'|' => self.literal(at, line, col),
            b'[' | b'{' => self.empty_flow(at),
            c if special_start(c) => None,
            b'-' | b'?' | b':' if matches!(self.byte(at + 1), None | Some(b' ' | b'\n')) => None,
            _ => self.plain(at, line, col),
        }
    }

    /// An empty flow collection, `[]` or `{}`, alone on the rest of its line.
    fn empty_flow(&mut self, start: usize) -> Option<Node> {
        let value = match (self.byte(start)?, self.byte(start + 1)?) {
            (b'[', b']') => Value::Seq(Vec::new()),
            (b'{', b'}') => Value::Map(Vec::new()),
            _ => return None,
        };
        let close = start + 2;
        let line = self.line_at(self.line_start(start));
        if close != line.end {
            return None;
        }
        self.pos = line.next;
        Some(Node {
            value,
            span: Span::new(start, close),
        })
    }

    /// A plain scalar; PyYAML folds its lines into one.
    fn plain(&mut self, start: usize, line: Line, col: usize) -> Option<Node> {
        let (first_end, comment) = self.plain_line(start, line.end)?;
        self.pos = line.next;
        let mut end = first_end;
        let mut folded: Option<String> = None;
        if !comment {
            let mut blanks = 0;
            let mut at = line.next;
            while at < self.b.len() {
                let next = self.line_at(at);
                if Self::is_blank(&next) {
                    blanks += 1;
                    at = next.next;
                    continue;
                }
                if next.indent <= col || self.byte(next.content) == Some(b'#') {
                    break;
                }
                let c = self.byte(next.content)?;
                // A `- ` there is text (the line is part of the scalar); `? ` and `: ` are
                // left to the full loader.
                if matches!(c, b'?' | b':')
                    && matches!(self.byte(next.content + 1), None | Some(b' ' | b'\n'))
                {
                    return None;
                }
                let (line_end, comment) = self.plain_line(next.content, next.end)?;
                if comment {
                    return None;
                }
                let text = folded.get_or_insert_with(|| {
                    self.str(start, first_end).unwrap_or_default().to_owned()
                });
                if blanks == 0 {
                    text.push(' ');
                } else {
                    text.extend(std::iter::repeat_n('\n', blanks));
                }
                text.push_str(self.str(next.content, line_end)?);
                end = line_end;
                blanks = 0;
                at = next.next;
                self.pos = next.next;
            }
        }
        let value = match folded {
            Some(text) => resolve::resolve_implicit(&text),
            None => resolve::resolve_implicit(self.str(start, first_end)?),
        };
        let Ok(Scalar::Value(value)) = value else {
            return None;
        };
        Some(Node {
            value,
            span: Span::new(start, end),
        })
    }

    /// One line of a plain scalar from `start`: where its text ends (trailing spaces off),
    /// and whether a comment follows. `None` for `: ` inside it.
    fn plain_line(&self, start: usize, end: usize) -> Option<(usize, bool)> {
        let line = self.b.get(start..end)?;
        let mut from = 0;
        let (text, comment) = loop {
            let Some(i) = memchr::memchr2(b':', b'#', line.get(from..)?).map(|i| from + i) else {
                break (line, false);
            };
            match line.get(i)? {
                b':' if matches!(line.get(i + 1), None | Some(b' ')) => return None,
                b'#' if i > 0 && line.get(i - 1) == Some(&b' ') => {
                    break (line.get(..i)?, true);
                }
                _ => from = i + 1,
            }
        };
        let trimmed = text.iter().rposition(|&c| c != b' ').map_or(0, |i| i + 1);
        Some((start + trimmed, comment))
    }

    /// A single- or double-quoted scalar opening at `start`. Double-quoted ones with a
    /// backslash are left to the full loader.
    fn quoted(&mut self, start: usize, quote: u8, col: usize) -> Option<Node> {
        let mut out = String::new();
        let mut at = start + 1;
        loop {
            let rest = self.b.get(at..)?;
            let rel = if quote == b'"' {
                memchr::memchr3(quote, b'\n', b'\\', rest)?
            } else {
                memchr::memchr2(quote, b'\n', rest)?
            };
            let hit = at + rel;
            match self.byte(hit)? {
                b'\\' => return None,
                b'\n' => {
                    let seg = self.str(at, hit)?;
                    out.push_str(seg.trim_end_matches(' '));
                    // Line breaks: one folds into a space, each blank line is a newline.
                    let mut blanks = 0;
                    let mut next = self.line_at(hit + 1);
                    while Self::is_blank(&next) {
                        if next.next == next.end {
                            return None;
                        }
                        blanks += 1;
                        next = self.line_at(next.next);
                    }
                    if next.indent <= col {
                        return None;
                    }
                    if blanks == 0 {
                        out.push(' ');
                    } else {
                        out.extend(std::iter::repeat_n('\n', blanks));
                    }
                    at = next.content;
                }
                _ if quote == b'\'' && self.byte(hit + 1) == Some(b'\'') => {
                    out.push_str(self.str(at, hit + 1)?);
                    at = hit + 2;
                }
                _ => {
                    out.push_str(self.str(at, hit)?);
                    let close = hit + 1;
                    let line = self.line_at(self.line_start(close));
                    // Spaces or a comment after the closing quote: the full loader's span
                    // sometimes takes the spaces in.
                    if close != line.end {
                        return None;
                    }
                    self.pos = line.next;
                    return Some(Node {
                        value: Value::Str(out),
                        span: Span::new(start, close),
                    });
                }
            }
        }
    }

    /// A literal block scalar (`|`, `|-`) whose header is at `start`.
    fn literal(&mut self, start: usize, line: Line, col: usize) -> Option<Node> {
        let (strip, header_end) = match self.byte(start + 1) {
            Some(b'-') => (true, start + 2),
            Some(b' ' | b'\n') | None => (false, start + 1),
            _ => return None,
        };
        if self.skip_spaces(header_end, line.end) != line.end {
            return None;
        }
        let first = self.line_at(line.next);
        if line.next >= self.b.len() || Self::is_blank(&first) || first.indent <= col {
            return None;
        }
        // The full loader reads a tag, an anchor or a comment at the start of a block
        // scalar's span as properties in front of it, which moves the span.
        if matches!(self.byte(first.content), Some(b'#' | b'&' | b'!')) {
            return None;
        }
        let indent = first.indent;
        let mut out = String::new();
        let mut breaks = 0;
        let mut at = line.next;
        let mut end = None;
        while at < self.b.len() {
            let next = self.line_at(at);
            if Self::is_blank(&next) {
                if next.end - at > indent || next.next == next.end {
                    return None;
                }
                breaks += 1;
                at = next.next;
                continue;
            }
            if next.indent < indent {
                // The full loader's scalar ends where the next token starts: right below
                // it, or the fast path does not know where.
                if breaks > 0 || self.byte(next.content) == Some(b'#') {
                    return None;
                }
                end = Some(next.content);
                break;
            }
            if next.next == next.end {
                // The last line of the text lacks its line feed.
                return None;
            }
            if !out.is_empty() {
                out.extend(std::iter::repeat_n('\n', breaks + 1));
            }
            breaks = 0;
            out.push_str(self.str(at + indent, next.end)?);
            at = next.next;
            self.pos = next.next;
        }
        if !strip {
            out.push('\n');
        }
        Some(Node {
            value: Value::Str(out),
            span: Span::new(line.next + indent, end?),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::load;
    use crate::yaml::{Value, load_full};

    /// Texts the fast path must take, each giving exactly the full loader's document.
    const TAKEN: &[&str] = &[
        "a: 1\n",
        "a: 1",
        "library: bokeh\nscore: 92\nratio: 0.5\nok: yes\nnone: null\nday: 2026-03-14\n",
        "created: '2026-03-14T22:19:13Z'\nat: 2026-03-14T22:19:13Z\nneg: -0.28\nv: 3.14.3\n",
        "review:\n  strengths:\n  - one\n  - two\n  weaknesses:\n  - three\n",
        "tags:\n  plot_type:\n    - bar\n    - stem\n  domain:\n    - finance\n",
        "items:\n- id: VQ-01\n  name: Text Legibility\n  score: 8\n  passed: true\n- id: VQ-02\n  name: x\n",
        "a:\n  b:\n    c:\n      d: deep\n  e: f\ng: h\n",
        "text: The plot displays two stacked\n  subplots for ACF (top)\n\n  and PACF.\n",
        "text: first line\n  - a dash line is text\n  more\nnext: 1\n",
        "q: 'It''s: quoted # not a comment'\n",
        "q: 'folded over\n  two lines'\nr: 'and a\n\n\n  blank'\n",
        "q: \"double: quoted\"\nr: \"two\n  lines\"\n",
        "d: |-\n  line one\n    indented\n\n  after a blank\nnext: 1\n",
        "d: |\n  kept newline\nnext: 1\n",
        "list:\n- |-\n  block in a list\n- plain\nafter: x\n",
        "empty: []\nalso: {}\nlist:\n- []\n",
        "# a comment\na: 1 # trailing\n\n  # indented comment\nb: two words  # c\nc:   # on the key\n  d: e\n",
        "url: https://example.org/a:b#frag\ncolon: a:b\nhash: a#b\n",
        "seq:\n- 'quoted: item'\n- \"double item\"\n- plain: compact\n  more: keys\n",
        "nested:\n- - 1\n",
        "unicode: Python Blue · ≈ 0.42 – ✓\nkey ü: v\n",
        "a: 1\n\n\n",
        "trailing spaces: value   \nnext: 1\n",
        "n: 0o17\nm: 0x1F\nb: 0b101\ns: 1_000\nsexa: 1:20\nf: 1e3\ninf: .inf\n",
        "t: True\nf: OFF\nn: ~\n",
    ];

    #[test]
    fn takes_the_block_subset_and_agrees_with_the_full_loader() {
        for text in TAKEN {
            let full = load_full(text);
            match load(text) {
                Some(fast) => assert_eq!(Ok(fast), full, "{text:?}"),
                None if *text == "nested:\n- - 1\n" => {}
                None => panic!("the fast path left {text:?} to the full loader"),
            }
        }
    }

    /// Texts outside the subset: the fast path must leave them to the full loader.
    const LEFT: &[&str] = &[
        "a:\tb\n",
        "a: b\r\n",
        "\u{feff}a: b\n",
        "a: &x 1\nb: *x\n",
        "a: !!str 1\n",
        "--- \na: 1\n",
        "a: 1\n...\n",
        "%YAML 1.1\n---\na: 1\n",
        "a: [1, 2]\n",
        "a: {b: c}\n",
        "a: >\n  folded\n",
        "a: |+\n  keep\n\n",
        "a: |2\n   indicator\n",
        "a:\nb: 1\n",
        "a: 1\na: 2\n",
        "1: a\n",
        "yes: a\n",
        "<<: {a: 1}\n",
        "? a\n: b\n",
        "a: \"esc\\n\"\n",
        "a: b: c\n",
        "a: b\n  c: d\n",
        "a: b # comment\n  continued\n",
        "a: text\n  # comment\n  more\n",
        "- a\n- b\n",
        "plain scalar\n",
        "",
        "a: 'unterminated\n",
        "a: 'continued at\nthe key column'\n",
        "a:\n  - b\n  c: d\n",
        "a: 1\n b: 2\n",
        "a: |-\n  block\n\n# comment\nb: 1\n",
        "a: x\u{2028}y\n",
        "'quoted key': 1\n",
        "key : spaced\n",
        "a:\n-\n    b: 1\n",
        "a: 1\n...    b: 2\n",
        "a: 1\n--- b: 2\n",
    ];

    #[test]
    fn leaves_everything_else_to_the_full_loader() {
        for text in LEFT {
            assert_eq!(load(text), None, "{text:?}");
        }
    }

    #[test]
    fn long_keys_are_left_to_the_full_loader() {
        for n in [10, 1000, 1001, 1030, 2000] {
            let text = format!("{}: v\n", "k".repeat(n));
            assert_eq!(load(&text).is_some(), n <= 1000, "{n}");
            if let Some(doc) = load(&text) {
                assert_eq!(Ok(doc), load_full(&text));
            }
        }
    }

    #[test]
    fn repeated_keys_are_found_in_large_mappings() {
        for n in [3, 15, 16, 17, 40] {
            let mut text: String = (0..n).map(|i| format!("key{i}: {i}\n")).collect();
            assert!(load(&text).is_some(), "{n} keys");
            text.push_str(&format!("key{}: again\n", n - 1));
            assert_eq!(load(&text), None, "{n} keys and a repeat");
        }
    }

    #[test]
    fn folds_and_types_as_pyyaml() {
        let doc = load("a: one\n  two\n\n  three\nb: '1'\nc: 1\n").unwrap_or_else(|| {
            panic!("taken");
        });
        assert_eq!(
            doc.root.get("a").map(|n| &n.value),
            Some(&Value::Str("one two\nthree".into()))
        );
        assert_eq!(
            doc.root.get("b").map(|n| &n.value),
            Some(&Value::Str("1".into()))
        );
        assert_eq!(doc.root.get("c").map(|n| &n.value), Some(&Value::Int(1)));
    }
}
