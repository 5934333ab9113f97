//! Builds a [`Document`] from saphyr-parser's events with the semantics of PyYAML's
//! `yaml.safe_load`: one document, aliases expanded, `<<` merged as `flatten_mapping` does,
//! mappings with Python dict semantics, scalars typed by [`super::resolve`].
//!
//! The tree is built with an explicit stack of open collections, never by recursion, and
//! within fixed budgets: nesting depth, and the number of nodes copied for anchors and
//! aliases (so a "billion laughs" document fails fast instead of exhausting memory).
//!
//! saphyr-parser reads YAML 1.2 and is more lenient than PyYAML's scanner in a few places
//! that matter for "loads or not"; three of PyYAML's rejections are reproduced here: the
//! reader's non-printable characters, tabs outside quoted scalars, block scalars and
//! comments, and anchor names other than letters, digits, `-` and `_` (plus PyYAML's
//! refusal of a repeated anchor name).

use std::collections::HashMap;
use std::collections::hash_map::Entry;

use saphyr_parser::{Event, Parser, ScalarStyle, Tag};

use super::resolve::{self, Scalar};
use super::{Date, DateTime, Document, Node, Value, YamlError, YamlWarning};
use crate::source::Span;

/// Deepest nesting of collections accepted (PyYAML has none, but recursion limits it).
const MAX_DEPTH: usize = 256;

/// Most nodes that may be copied for anchors and aliases in one document.
const MAX_COPIED_NODES: usize = 1_000_000;

/// Loads a YAML text the way PyYAML's `yaml.safe_load` does.
///
/// An empty stream (or one with only comments) gives a `Null` root spanning `0..0`.
///
/// # Errors
/// Whatever makes `safe_load` raise (syntax, more than one document, an undefined alias, a
/// duplicate anchor, an unhashable key, a bad merge, an invalid date, an unsupported tag),
/// plus this crate's limits: nesting deeper than 256, too many nodes after alias
/// expansion, a recursive alias, an integer beyond 128 bits.
pub fn load(text: &str) -> Result<Document, YamlError> {
    check_printable(text)?;
    let mut builder = Builder::new(text);
    let mut parser = Parser::new_from_str(text);
    let mut documents = 0;
    while let Some(next) = parser.next_event() {
        let (event, span) = match next {
            Ok(ok) => ok,
            Err(error) => {
                let at = builder.offsets.byte(error.marker().index());
                return Err(YamlError {
                    message: error.info().to_owned(),
                    span: Span::new(at, at),
                });
            }
        };
        let span = builder.offsets.span(span);
        match event {
            Event::Nothing | Event::StreamStart | Event::StreamEnd | Event::DocumentEnd => {}
            Event::DocumentStart(_) => {
                if documents > 0 {
                    return Err(YamlError {
                        message: "expected a single document in the stream, but found another"
                            .to_owned(),
                        span,
                    });
                }
                documents += 1;
            }
            Event::Scalar(value, style, anchor, tag) => {
                builder.scalar(&value, style, anchor, tag.as_deref(), span)?;
            }
            Event::Alias(anchor) => builder.alias(anchor, span)?,
            Event::SequenceStart(anchor, tag) => builder.open(false, anchor, tag.as_deref(), span)?,
            Event::MappingStart(anchor, tag) => builder.open(true, anchor, tag.as_deref(), span)?,
            Event::SequenceEnd | Event::MappingEnd => builder.close(span)?,
        }
    }
    builder.finish()
}

/// PyYAML's reader refuses these characters anywhere in the stream, even in comments.
fn check_printable(text: &str) -> Result<(), YamlError> {
    let bad = text.char_indices().find(|&(_, c)| {
        !matches!(c,
            '\t' | '\n' | '\r' | ' '..='~' | '\u{85}' | '\u{A0}'..='\u{D7FF}'
            | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..)
    });
    match bad {
        None => Ok(()),
        Some((at, c)) => Err(YamlError {
            message: format!(
                "unacceptable character #x{:04x}: special characters are not allowed",
                u32::from(c)
            ),
            span: Span::new(at, at + c.len_utf8()),
        }),
    }
}

/// saphyr-parser counts positions in characters; spans are in bytes.
struct Offsets {
    /// Byte offset of each character, and the text length last; `None` for ASCII text,
    /// where the two agree.
    table: Option<Vec<usize>>,
    len: usize,
}

impl Offsets {
    fn new(text: &str) -> Self {
        let table = (!text.is_ascii()).then(|| {
            text.char_indices()
                .map(|(at, _)| at)
                .chain(std::iter::once(text.len()))
                .collect()
        });
        Self {
            table,
            len: text.len(),
        }
    }

    fn byte(&self, char_index: usize) -> usize {
        match &self.table {
            None => char_index.min(self.len),
            Some(table) => table.get(char_index).copied().unwrap_or(self.len),
        }
    }

    fn span(&self, span: saphyr_parser::Span) -> Span {
        let start = self.byte(span.start.index());
        let end = self.byte(span.end.index()).max(start);
        Span::new(start, end)
    }
}

/// A finished node on its way into its parent.
#[derive(Debug, Clone)]
struct Built {
    item: Item,
    /// Nodes in the subtree, for the copy budget.
    count: usize,
    /// Levels of collections in the subtree (0 for a scalar), for the depth limit.
    height: usize,
}

/// What a node is before it is placed: `<<` and `=` only mean something as mapping keys.
#[derive(Debug, Clone)]
enum Item {
    Node(Node),
    Merge(Span),
    /// The value key `=` (or `!!value`): a string key.
    ValueKey(Node),
}

/// The key part of a mapping entry waiting for its value.
enum Key {
    Node(Node),
    Merge(Span),
}

/// A collection whose end has not been seen yet.
struct Frame {
    kind: FrameKind,
    /// saphyr-parser's anchor id, 0 for none.
    anchor: usize,
    /// Where the node's content starts (after its anchor and tag).
    start: usize,
    /// End of the start event, and then of the latest child.
    last_end: usize,
    count: usize,
    height: usize,
}

enum FrameKind {
    Seq(Vec<Node>),
    Map(MapBuilder),
}

/// A mapping's entries as PyYAML's `flatten_mapping` arranges them: everything merged in
/// first, then the mapping's own entries. Python dict semantics are applied at the end.
#[derive(Default)]
struct MapBuilder {
    merged: Vec<(Node, Node)>,
    own: Vec<(Node, Node)>,
    key: Option<Key>,
}

/// How a scalar was written, for the tab check.
#[derive(Clone, Copy, PartialEq, Eq)]
enum ScalarKind {
    Plain,
    Quoted,
    /// A block scalar whose content is indented by this many spaces.
    Block(usize),
}

struct Builder<'t> {
    text: &'t str,
    offsets: Offsets,
    stack: Vec<Frame>,
    root: Option<Node>,
    /// Finished anchored nodes by saphyr-parser's anchor id (each definition has its own).
    anchors: HashMap<usize, Built>,
    /// Anchor names seen in the document: PyYAML refuses a second definition.
    anchor_names: HashMap<&'t str, Span>,
    copied: usize,
    /// Every scalar's span in document order, for the tab check.
    scalars: Vec<(Span, ScalarKind)>,
    warnings: Vec<YamlWarning>,
}

fn error(message: impl Into<String>, span: Span) -> YamlError {
    YamlError {
        message: message.into(),
        span,
    }
}

/// The resolved tag as PyYAML spells it (`!` alone is the non-specific tag).
fn tag_name(tag: &Tag) -> String {
    if tag.handle.is_empty() {
        tag.suffix.clone()
    } else {
        format!("{}{}", tag.handle, tag.suffix)
    }
}

impl<'t> Builder<'t> {
    fn new(text: &'t str) -> Self {
        Self {
            text,
            offsets: Offsets::new(text),
            stack: Vec::new(),
            root: None,
            anchors: HashMap::new(),
            anchor_names: HashMap::new(),
            copied: 0,
            scalars: Vec::new(),
            warnings: Vec::new(),
        }
    }

    fn scalar(
        &mut self,
        value: &str,
        style: ScalarStyle,
        anchor: usize,
        tag: Option<&Tag>,
        span: Span,
    ) -> Result<(), YamlError> {
        let start = self.properties(anchor, span)?;
        let span = Span::new(start, span.end);
        let kind = match style {
            ScalarStyle::Plain => ScalarKind::Plain,
            ScalarStyle::SingleQuoted | ScalarStyle::DoubleQuoted => ScalarKind::Quoted,
            ScalarStyle::Literal | ScalarStyle::Folded => {
                ScalarKind::Block(block_indent(self.text, span))
            }
        };
        self.scalars.push((span, kind));
        let resolved = match tag {
            Some(tag) => resolve::resolve_tagged(&tag_name(tag), value),
            None if style == ScalarStyle::Plain => resolve::resolve_implicit(value),
            None => Ok(Scalar::Value(Value::Str(value.to_owned()))),
        }
        .map_err(|message| error(message, span))?;
        let item = match resolved {
            Scalar::Value(value) => Item::Node(Node { value, span }),
            Scalar::Merge => Item::Merge(span),
            Scalar::ValueKey(text) => Item::ValueKey(Node {
                value: Value::Str(text),
                span,
            }),
        };
        let built = Built {
            item,
            count: 1,
            height: 0,
        };
        if anchor > 0 {
            self.remember(anchor, &built, span)?;
        }
        self.place(built)
    }

    fn open(
        &mut self,
        mapping: bool,
        anchor: usize,
        tag: Option<&Tag>,
        span: Span,
    ) -> Result<(), YamlError> {
        if let Some(tag) = tag {
            resolve::check_collection_tag(&tag_name(tag), mapping)
                .map_err(|message| error(message, span))?;
        }
        let start = self.properties(anchor, span)?;
        if self.stack.len() >= MAX_DEPTH {
            return Err(error(
                format!("collections nested deeper than {MAX_DEPTH} levels"),
                span,
            ));
        }
        let kind = if mapping {
            FrameKind::Map(MapBuilder::default())
        } else {
            FrameKind::Seq(Vec::new())
        };
        self.stack.push(Frame {
            kind,
            anchor,
            start,
            last_end: span.end,
            count: 1,
            height: 0,
        });
        Ok(())
    }

    fn close(&mut self, span: Span) -> Result<(), YamlError> {
        let Some(frame) = self.stack.pop() else {
            return Err(error("unbalanced end of collection", span));
        };
        // A flow collection ends at its bracket; a block one where its last child ends (the
        // parser's end event stands where the next token starts, after comments).
        let closes_flow = matches!(self.text.get(span.start..span.end), Some("]" | "}"));
        let end = if closes_flow {
            span.end
        } else {
            frame.last_end
        };
        let node_span = Span::new(frame.start, end.max(frame.start));
        let value = match frame.kind {
            FrameKind::Seq(items) => Value::Seq(items),
            FrameKind::Map(map) => Value::Map(self.finish_map(map, node_span)?),
        };
        let built = Built {
            item: Item::Node(Node {
                value,
                span: node_span,
            }),
            count: frame.count,
            height: frame.height + 1,
        };
        if frame.anchor > 0 {
            self.remember(frame.anchor, &built, node_span)?;
        }
        self.place(built)
    }

    fn alias(&mut self, anchor: usize, span: Span) -> Result<(), YamlError> {
        let name = self.text.get(span.start + 1..span.end).unwrap_or_default();
        check_anchor_name(name, span)?;
        let Some(anchored) = self.anchors.get(&anchor) else {
            let message = if self.stack.iter().any(|frame| frame.anchor == anchor) {
                format!("recursive alias *{name}: it stands inside its own anchor")
            } else {
                format!("found undefined alias *{name}")
            };
            return Err(error(message, span));
        };
        if self.stack.len() + anchored.height > MAX_DEPTH {
            return Err(error(
                format!("collections nested deeper than {MAX_DEPTH} levels after alias expansion"),
                span,
            ));
        }
        let count = anchored.count;
        self.charge(count, span)?;
        let mut built = self.anchors.get(&anchor).cloned().ok_or_else(|| {
            // Unreachable: the look-up above found it.
            error(format!("found undefined alias *{name}"), span)
        })?;
        // The copy stands where the alias is written; its children keep their own spans.
        match &mut built.item {
            Item::Node(node) | Item::ValueKey(node) => node.span = span,
            Item::Merge(at) => *at = span,
        }
        self.place(built)
    }

    /// Reads the anchor and tag in front of a node, registers the anchor name, and returns
    /// where the node's content starts.
    fn properties(&mut self, anchor: usize, span: Span) -> Result<usize, YamlError> {
        let props = scan_properties(self.text, span);
        if anchor > 0 {
            if let Some((name, at)) = props.anchor {
                check_anchor_name(name, at)?;
                if let Some(first) = self.anchor_names.insert(name, at) {
                    return Err(error(
                        format!(
                            "found duplicate anchor &{name} (first defined at byte {})",
                            first.start
                        ),
                        at,
                    ));
                }
            }
        }
        Ok(props.content_start)
    }

    /// Keeps a copy of an anchored node for its aliases, within the copy budget.
    fn remember(&mut self, anchor: usize, built: &Built, span: Span) -> Result<(), YamlError> {
        self.charge(built.count, span)?;
        self.anchors.insert(anchor, built.clone());
        Ok(())
    }

    fn charge(&mut self, count: usize, span: Span) -> Result<(), YamlError> {
        self.copied = self.copied.saturating_add(count);
        if self.copied > MAX_COPIED_NODES {
            return Err(error(
                format!(
                    "document too large after alias expansion (more than {MAX_COPIED_NODES} nodes copied)"
                ),
                span,
            ));
        }
        Ok(())
    }

    /// Puts a finished node into the open collection, or makes it the root.
    fn place(&mut self, built: Built) -> Result<(), YamlError> {
        let Some(frame) = self.stack.last_mut() else {
            self.root = Some(plain_node(built.item)?);
            return Ok(());
        };
        frame.count = frame.count.saturating_add(built.count);
        frame.height = frame.height.max(built.height);
        match &mut frame.kind {
            FrameKind::Seq(items) => {
                let node = plain_node(built.item)?;
                frame.last_end = frame.last_end.max(node.span.end);
                items.push(node);
            }
            FrameKind::Map(map) => match map.key.take() {
                None => {
                    let key = match built.item {
                        Item::Node(node) => {
                            if matches!(node.value, Value::Seq(_) | Value::Map(_)) {
                                return Err(error(
                                    "found unhashable key: a sequence or mapping cannot be a mapping key",
                                    node.span,
                                ));
                            }
                            frame.last_end = frame.last_end.max(node.span.end);
                            Key::Node(node)
                        }
                        Item::ValueKey(node) => {
                            frame.last_end = frame.last_end.max(node.span.end);
                            Key::Node(node)
                        }
                        Item::Merge(span) => {
                            frame.last_end = frame.last_end.max(span.end);
                            Key::Merge(span)
                        }
                    };
                    map.key = Some(key);
                }
                Some(key) => {
                    let value = plain_node(built.item)?;
                    frame.last_end = frame.last_end.max(value.span.end);
                    match key {
                        Key::Node(key) => map.own.push((key, value)),
                        Key::Merge(_) => merge(&mut map.merged, value)?,
                    }
                }
            },
        }
        Ok(())
    }

    /// Applies Python dict semantics to a mapping's entries: a repeated key keeps its first
    /// position and takes the last value. Only a key repeated among the mapping's own
    /// entries is worth a warning; overriding merged keys is what `<<` is for.
    fn finish_map(
        &mut self,
        map: MapBuilder,
        span: Span,
    ) -> Result<Vec<(Node, Node)>, YamlError> {
        let total = map.merged.len() + map.own.len();
        let mut entries: Vec<(Node, Node)> = Vec::with_capacity(total);
        // Where the winning own occurrence of each entry's key stands, if any.
        let mut own_at: Vec<Option<Span>> = Vec::with_capacity(total);
        let mut index: HashMap<HashKey, usize> = HashMap::with_capacity(total);
        let merged = map.merged.into_iter().map(|pair| (false, pair));
        let own = map.own.into_iter().map(|pair| (true, pair));
        for (is_own, (key, value)) in merged.chain(own) {
            let Some(hash) = HashKey::of(&key.value) else {
                return Err(error("found unhashable key", span));
            };
            match index.entry(hash) {
                Entry::Occupied(slot) => {
                    let at = *slot.get();
                    if is_own {
                        if let (Some(first), Some((first_key, _))) = (own_at[at], entries.get(at)) {
                            self.warnings.push(YamlWarning::DuplicateKey {
                                key: key_text(self.text, first_key),
                                first,
                                second: key.span,
                            });
                        }
                        own_at[at] = Some(key.span);
                    }
                    if let Some(entry) = entries.get_mut(at) {
                        entry.1 = value;
                    }
                }
                Entry::Vacant(slot) => {
                    slot.insert(entries.len());
                    own_at.push(is_own.then_some(key.span));
                    entries.push((key, value));
                }
            }
        }
        Ok(entries)
    }

    fn finish(self) -> Result<Document, YamlError> {
        self.check_tabs()?;
        let root = self.root.unwrap_or(Node {
            value: Value::Null,
            span: Span::new(0, 0),
        });
        Ok(Document {
            root,
            warnings: self.warnings,
        })
    }

    /// PyYAML's scanner only skips spaces between tokens and ends plain scalars at a tab, so
    /// a tab is an error anywhere but inside a quoted scalar, a block scalar's content, or a
    /// comment. saphyr-parser accepts several of those places; refuse them here.
    fn check_tabs(&self) -> Result<(), YamlError> {
        for (at, _) in self.text.match_indices('\t') {
            if !self.tab_allowed(at) {
                return Err(error(
                    "found a tab character where PyYAML does not allow one (only inside quotes, block scalars and comments)",
                    Span::new(at, at + 1),
                ));
            }
        }
        Ok(())
    }

    fn tab_allowed(&self, at: usize) -> bool {
        let line_start = self.text[..at].rfind('\n').map_or(0, |n| n + 1);
        match self.scalar_at(at) {
            Some(ScalarKind::Quoted) => true,
            Some(ScalarKind::Plain) => false,
            Some(ScalarKind::Block(indent)) => {
                // Content may hold tabs; the indentation in front of it may not.
                let before = &self.text[line_start..at];
                !(before.bytes().all(|b| b == b' ') && before.len() < indent)
            }
            None => {
                // In a comment: a `#` earlier on the line, outside every scalar, after a
                // space or at the start of the line.
                let line = &self.text[line_start..at];
                line.match_indices('#').any(|(n, _)| {
                    let hash = line_start + n;
                    let after_blank = n == 0 || matches!(line.as_bytes().get(n - 1), Some(b' '));
                    after_blank && self.scalar_at(hash).is_none()
                })
            }
        }
    }

    /// The kind of the scalar whose span holds byte `at`.
    fn scalar_at(&self, at: usize) -> Option<ScalarKind> {
        let after = self.scalars.partition_point(|(span, _)| span.start <= at);
        let (span, kind) = self.scalars.get(after.checked_sub(1)?)?;
        (at < span.end).then_some(*kind)
    }
}

/// A node that is neither `<<` nor `=`, which PyYAML cannot construct outside a key.
fn plain_node(item: Item) -> Result<Node, YamlError> {
    match item {
        Item::Node(node) => Ok(node),
        Item::Merge(span) => Err(error(
            format!(
                "{}: `<<` merges only as a mapping key",
                resolve::no_constructor("merge")
            ),
            span,
        )),
        Item::ValueKey(node) => Err(error(
            format!(
                "{}: `=` is only allowed as a mapping key",
                resolve::no_constructor("value")
            ),
            node.span,
        )),
    }
}

/// PyYAML's `flatten_mapping` for one `<<` value: a mapping's entries, or each mapping of
/// a sequence with the LAST one's entries first (so earlier mappings win on shared keys).
fn merge(merged: &mut Vec<(Node, Node)>, value: Node) -> Result<(), YamlError> {
    match value.value {
        Value::Map(entries) => {
            merged.extend(entries);
            Ok(())
        }
        Value::Seq(items) => {
            if let Some(bad) = items.iter().find(|n| !matches!(n.value, Value::Map(_))) {
                return Err(error(
                    format!(
                        "expected a mapping for merging, but found {}",
                        node_kind(&bad.value)
                    ),
                    bad.span,
                ));
            }
            for item in items.into_iter().rev() {
                if let Value::Map(entries) = item.value {
                    merged.extend(entries);
                }
            }
            Ok(())
        }
        other => Err(error(
            format!(
                "expected a mapping or list of mappings for merging, but found {}",
                node_kind(&other)
            ),
            value.span,
        )),
    }
}

fn node_kind(value: &Value) -> &'static str {
    match value {
        Value::Seq(_) => "sequence",
        Value::Map(_) => "mapping",
        _ => "scalar",
    }
}

/// A key for a duplicate-key warning: a string's content, else the key's source text.
fn key_text(text: &str, key: &Node) -> String {
    match &key.value {
        Value::Str(s) => s.clone(),
        _ => text
            .get(key.span.start..key.span.end)
            .unwrap_or_default()
            .to_owned(),
    }
}

/// PyYAML's anchor names: ASCII letters, digits, `-` and `_` (YAML 1.2, and so
/// saphyr-parser, allows more).
fn check_anchor_name(name: &str, span: Span) -> Result<(), YamlError> {
    let valid = !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    if valid {
        Ok(())
    } else {
        Err(error(
            format!("anchor name {name:?} must be ASCII letters, digits, '-' or '_'"),
            span,
        ))
    }
}

/// The anchor (name and span) and the content start of a node event's span.
struct Properties<'t> {
    anchor: Option<(&'t str, Span)>,
    content_start: usize,
}

/// Reads `&anchor` and `!tag` properties from the start of an event's span (the parser
/// reports ids, not names, and spans that begin at the properties).
fn scan_properties(text: &str, span: Span) -> Properties<'_> {
    let bytes = text.as_bytes();
    let end = span.end.min(text.len());
    let at = |i: usize| bytes.get(i).copied().filter(|_| i < end);
    let ends_token = |b: u8| matches!(b, b' ' | b'\t' | b'\r' | b'\n' | b',' | b'[' | b']' | b'{' | b'}');
    let mut i = span.start;
    let mut anchor = None;
    loop {
        // Separation between properties: blanks, line breaks, comments.
        while let Some(b) = at(i) {
            match b {
                b' ' | b'\t' | b'\r' | b'\n' => i += 1,
                b'#' => {
                    while at(i).is_some_and(|b| b != b'\n') {
                        i += 1;
                    }
                }
                _ => break,
            }
        }
        match at(i) {
            Some(b'&') => {
                let name_start = i + 1;
                i = name_start;
                while at(i).is_some_and(|b| !ends_token(b)) {
                    i += 1;
                }
                if let Some(name) = text.get(name_start..i) {
                    anchor = Some((name, Span::new(name_start - 1, i)));
                }
            }
            Some(b'!') if at(i + 1) == Some(b'<') => {
                while at(i).is_some_and(|b| b != b'>') {
                    i += 1;
                }
                i += 1;
            }
            Some(b'!') => {
                while at(i).is_some_and(|b| !ends_token(b)) {
                    i += 1;
                }
            }
            _ => break,
        }
    }
    Properties {
        anchor,
        content_start: i.clamp(span.start, end.max(span.start)),
    }
}

/// The indentation of a block scalar's content. The span starts at the first content
/// character, or at the `|` / `>` header when the scalar has properties.
fn block_indent(text: &str, span: Span) -> usize {
    let own = text.get(span.start..span.end).unwrap_or_default();
    let body = if own.starts_with(['|', '>']) {
        match own.find('\n') {
            Some(n) => &own[n + 1..],
            None => return 0,
        }
    } else {
        // From the start of the line, so that the first line's indentation counts.
        let line_start = text[..span.start].rfind('\n').map_or(0, |n| n + 1);
        text.get(line_start..span.end).unwrap_or_default()
    };
    body.split('\n')
        .find(|line| !line.trim_start_matches(' ').trim_end_matches('\r').is_empty())
        .map_or(0, |line| line.len() - line.trim_start_matches(' ').len())
}

/// Python's equality and hashing of dict keys: `1`, `1.0` and `True` are one key, so are
/// `0`, `0.0`, `-0.0` and `False`; aware datetimes are equal when they name the same
/// instant; a date never equals a datetime, nor a naive datetime an aware one.
///
/// Every NaN is one key here. In PyYAML the implicit `.nan` is a single shared object, so
/// `{.nan: 1, .NaN: 2}` has one key; only a NaN written as `!!float nan` would be distinct.
#[derive(Debug, PartialEq, Eq, Hash)]
enum HashKey {
    Null,
    /// Booleans, integers and integral floats in `i128` range.
    Int(i128),
    /// Other floats by bit pattern.
    Float(u64),
    Nan,
    Str(String),
    Date(Date),
    Naive(DateTime),
    /// An aware datetime as microseconds since 1970-01-01 UTC.
    Instant(i128),
}

impl HashKey {
    /// `None` for the unhashable sequences and mappings.
    fn of(value: &Value) -> Option<Self> {
        Some(match value {
            Value::Null => Self::Null,
            Value::Bool(b) => Self::Int(i128::from(*b)),
            Value::Int(i) => Self::Int(*i),
            Value::Float(f) => Self::float(*f),
            Value::Str(s) => Self::Str(s.clone()),
            Value::Date(d) => Self::Date(*d),
            Value::DateTime(dt) => match dt.offset_seconds {
                None => Self::Naive(*dt),
                Some(offset) => Self::Instant(utc_micros(dt, offset)),
            },
            Value::Seq(_) | Value::Map(_) => return None,
        })
    }

    fn float(f: f64) -> Self {
        // 2^127: every integral float in [-2^127, 2^127) converts to i128 exactly.
        let limit = 2f64.powi(127);
        if f.is_nan() {
            Self::Nan
        } else if f.fract() == 0.0 && f >= -limit && f < limit {
            Self::Int(f as i128)
        } else {
            Self::Float(f.to_bits())
        }
    }
}

/// Microseconds since the Unix epoch of an aware datetime.
fn utc_micros(dt: &DateTime, offset_seconds: i32) -> i128 {
    let days = days_from_civil(
        i64::from(dt.date.year),
        i64::from(dt.date.month),
        i64::from(dt.date.day),
    );
    let seconds = days * 86_400
        + i64::from(dt.hour) * 3600
        + i64::from(dt.minute) * 60
        + i64::from(dt.second)
        - i64::from(offset_seconds);
    i128::from(seconds) * 1_000_000 + i128::from(dt.microsecond)
}

/// Days from 1970-01-01 in the proleptic Gregorian calendar (Howard Hinnant's algorithm).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let year_of_era = y - era * 400;
    let shifted_month = (month + 9) % 12;
    let day_of_year = (153 * shifted_month + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}
