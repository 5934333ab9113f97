//! The model: plain data between the frontend and the backend.
//!
//! Everything here is already typed as the target columns are: text is text, lists are
//! lists, JSON is JSON. The reader builds a [`Model`]; the backend turns it into SQL. No
//! I/O, no positions: diagnostics were raised while lowering.

use std::fmt::Write as _;

/// A `timestamp without time zone` value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp {
    /// 1..=9999
    pub year: u16,
    /// 1..=12
    pub month: u8,
    /// 1..=31
    pub day: u8,
    /// 0..=23
    pub hour: u8,
    /// 0..=59
    pub minute: u8,
    /// 0..=59
    pub second: u8,
    /// 0..=999_999
    pub microsecond: u32,
}

/// A JSON value in the order it was written (jsonb sorts keys itself).
#[derive(Debug, Clone, PartialEq)]
pub enum Json {
    /// `null`
    Null,
    /// `true` / `false`
    Bool(bool),
    /// A number, as the JSON text Python's `json.dumps` writes for it.
    Number(String),
    /// A string.
    String(String),
    /// An array.
    Array(Vec<Json>),
    /// An object; keys are unique.
    Object(Vec<(String, Json)>),
}

/// A JSON document as stored: pretty-printed with two-space indentation, keys in source
/// order. One string instead of a tree keeps the model small.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JsonText(String);

impl JsonText {
    /// The document's text.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl JsonText {
    /// Text that [`JsonText::from`] would have written.
    pub(crate) fn from_rendered(text: String) -> Self {
        Self(text)
    }
}

impl From<&Json> for JsonText {
    fn from(json: &Json) -> Self {
        let mut buf = String::new();
        write_json(&mut buf, json, 1);
        Self(buf)
    }
}

pub(crate) fn json_string(buf: &mut String, s: &str) {
    buf.reserve(s.len() + 2);
    buf.push('"');
    // Every character that needs an escape is ASCII, so the runs between them are whole
    // characters, copied as they are.
    let mut run_start = 0;
    let bytes = s.as_bytes();
    // Most text needs no escape: skip blocks of 16 bytes that hold none.
    let clean = |b: u8| b >= 0x20 && b != b'"' && b != b'\\' && b != 0x7f;
    let mut from = 0;
    while let Some(block) = bytes.get(from..from + 16) {
        if !block.iter().fold(true, |ok, &b| ok & clean(b)) {
            break;
        }
        from += 16;
    }
    for (at, &b) in bytes.iter().enumerate().skip(from) {
        let escape = match b {
            b'"' => "\\\"",
            b'\\' => "\\\\",
            b'\n' => "\\n",
            b'\r' => "\\r",
            b'\t' => "\\t",
            0..0x20 | 0x7f => "",
            _ => continue,
        };
        buf.push_str(s.get(run_start..at).unwrap_or_default());
        if escape.is_empty() {
            let _ = write!(buf, "\\u{:04x}", b);
        } else {
            buf.push_str(escape);
        }
        run_start = at + 1;
    }
    buf.push_str(s.get(run_start..).unwrap_or_default());
    buf.push('"');
}

fn json_newline(buf: &mut String, depth: usize) {
    buf.push('\n');
    for _ in 0..depth {
        buf.push_str("  ");
    }
}

/// Writes a JSON array or object (`open` and `close` its brackets) as [`JsonText`] lays
/// them out: `[]` when empty, else one member per line, indented two spaces per level.
/// `member` writes one member at the next depth.
pub(crate) fn write_json_members<T, E>(
    buf: &mut String,
    (open, close): (char, char),
    members: &[T],
    depth: usize,
    mut member: impl FnMut(&mut String, &T, usize) -> Result<(), E>,
) -> Result<(), E> {
    buf.push(open);
    for (n, m) in members.iter().enumerate() {
        if n > 0 {
            buf.push(',');
        }
        json_newline(buf, depth);
        member(buf, m, depth + 1)?;
    }
    if !members.is_empty() {
        json_newline(buf, depth - 1);
    }
    buf.push(close);
    Ok(())
}

pub(crate) fn write_json(buf: &mut String, j: &Json, depth: usize) {
    let members: Result<(), std::convert::Infallible> = match j {
        Json::Null => return buf.push_str("null"),
        Json::Bool(b) => return buf.push_str(if *b { "true" } else { "false" }),
        Json::Number(n) => return buf.push_str(n),
        Json::String(s) => return json_string(buf, s),
        Json::Array(items) => write_json_members(buf, ('[', ']'), items, depth, |buf, item, d| {
            write_json(buf, item, d);
            Ok(())
        }),
        Json::Object(entries) => {
            write_json_members(buf, ('{', '}'), entries, depth, |buf, (k, v), d| {
                json_string(buf, k);
                buf.push_str(": ");
                write_json(buf, v, d);
                Ok(())
            })
        }
    };
    let Ok(()) = members;
}

/// The review verdict of an implementation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Verdict {
    /// `APPROVED`
    Approved,
    /// `REJECTED`
    Rejected,
}

impl Verdict {
    /// The stored text.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Approved => "APPROVED",
            Verdict::Rejected => "REJECTED",
        }
    }
}

/// A row of `languages`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Language {
    /// Primary key.
    pub id: String,
    /// Display name.
    pub name: String,
    /// Extension of implementation files, with its dot (`.py`).
    pub file_extension: String,
    /// Runtime version.
    pub runtime_version: Option<String>,
    /// Documentation address.
    pub documentation_url: Option<String>,
    /// Free text.
    pub description: Option<String>,
}

/// A row of `libraries`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Library {
    /// Primary key.
    pub id: String,
    /// Display name.
    pub name: String,
    /// The language it belongs to.
    pub language_id: String,
    /// Library version.
    pub version: Option<String>,
    /// Documentation address.
    pub documentation_url: Option<String>,
    /// Free text.
    pub description: Option<String>,
}

/// The catalog: seed rows for `languages` and `libraries`, each sorted by id.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Catalog {
    /// Languages, sorted by id.
    pub languages: Vec<Language>,
    /// Libraries, sorted by id.
    pub libraries: Vec<Library>,
}

impl Catalog {
    /// The language with this id.
    #[must_use]
    pub fn language(&self, id: &str) -> Option<&Language> {
        self.languages
            .binary_search_by(|l| l.id.as_str().cmp(id))
            .ok()
            .and_then(|i| self.languages.get(i))
    }

    /// The library with this id.
    #[must_use]
    pub fn library(&self, id: &str) -> Option<&Library> {
        self.libraries
            .binary_search_by(|l| l.id.as_str().cmp(id))
            .ok()
            .and_then(|i| self.libraries.get(i))
    }
}

/// A row of `specs`.
#[derive(Debug, Clone, PartialEq)]
pub struct Spec {
    /// Primary key: the folder name.
    pub id: String,
    /// Title (markdown heading or YAML override).
    pub title: String,
    /// The `## Description` section.
    pub description: String,
    /// Bullets of `## Applications`.
    pub applications: Vec<Option<String>>,
    /// Bullets of `## Data`.
    pub data: Vec<Option<String>>,
    /// Bullets of `## Notes`.
    pub notes: Vec<Option<String>>,
    /// Creation time.
    pub created: Option<Timestamp>,
    /// Last update time.
    pub updated: Option<Timestamp>,
    /// Issue number.
    pub issue: Option<i32>,
    /// Who suggested it.
    pub suggested: Option<String>,
    /// Classification tags.
    pub tags: Option<JsonText>,
}

/// A row of `impls` (its `id` is left to the database).
#[derive(Debug, Clone, PartialEq)]
pub struct Impl {
    /// The spec.
    pub spec_id: String,
    /// The language.
    pub language_id: String,
    /// The library.
    pub library_id: String,
    /// The implementation's source text.
    pub code: String,
    /// Light preview image.
    pub preview_url_light: Option<String>,
    /// Dark preview image.
    pub preview_url_dark: Option<String>,
    /// Light interactive preview.
    pub preview_html_light: Option<String>,
    /// Dark interactive preview.
    pub preview_html_dark: Option<String>,
    /// Python version used.
    pub python_version: Option<String>,
    /// Library version used.
    pub library_version: Option<String>,
    /// Review score, 0..=100.
    pub quality_score: Option<f64>,
    /// Generation time.
    pub generated_at: Option<Timestamp>,
    /// Last update time.
    pub updated: Option<Timestamp>,
    /// Generator.
    pub generated_by: Option<String>,
    /// Issue number.
    pub issue: Option<i32>,
    /// CI run id.
    pub workflow_run: Option<i64>,
    /// Review strengths.
    pub review_strengths: Vec<Option<String>>,
    /// Review weaknesses.
    pub review_weaknesses: Vec<Option<String>>,
    /// Description of the rendered image.
    pub review_image_description: Option<String>,
    /// Review checklist.
    pub review_criteria_checklist: Option<JsonText>,
    /// Review verdict.
    pub review_verdict: Option<Verdict>,
    /// Implementation tags.
    pub impl_tags: Option<JsonText>,
}

impl Impl {
    /// The natural key `(spec_id, language_id, library_id)`.
    #[must_use]
    pub fn key(&self) -> (&str, &str, &str) {
        (&self.spec_id, &self.language_id, &self.library_id)
    }
}

/// Everything one sync writes.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Model {
    /// Seed rows.
    pub catalog: Catalog,
    /// Specs sorted by id.
    pub specs: Vec<Spec>,
    /// Implementations sorted by (spec, language, library).
    pub impls: Vec<Impl>,
}

#[cfg(test)]
pub(crate) mod tests {
    use super::json_string;

    /// [`json_string`]'s text, escaping character by character, the obvious way.
    pub(crate) fn json_string_by_char(s: &str) -> String {
        let mut out = String::from("\"");
        for c in s.chars() {
            match c {
                '"' => out.push_str("\\\""),
                '\\' => out.push_str("\\\\"),
                '\n' => out.push_str("\\n"),
                '\r' => out.push_str("\\r"),
                '\t' => out.push_str("\\t"),
                '\0'..='\u{1f}' | '\u{7f}' => out.push_str(&format!("\\u{:04x}", c as u32)),
                c => out.push(c),
            }
        }
        out.push('"');
        out
    }

    #[test]
    fn escapes_wherever_the_character_stands() {
        for special in [
            "\"", "\\", "\n", "\r", "\t", "\u{1}", "\u{1f}", "\u{7f}", "é", "·",
        ] {
            for len in 0..40 {
                for at in 0..=len {
                    let mut s = "x".repeat(len);
                    s.insert_str(at, special);
                    let mut buf = String::new();
                    json_string(&mut buf, &s);
                    assert_eq!(buf, json_string_by_char(&s), "{s:?}");
                }
            }
        }
    }
}
