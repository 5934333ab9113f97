//! Hostile strings, and repositories that place them in every kind of field.
//!
//! A [`Case`] is one spec folder with one implementation, its own language and library,
//! every text field holding a generated string. [`write_batch`] writes many cases as one
//! repository; [`expected_dump`] says what the four tables must hold after a sync, in the
//! shape of `TestDb::dump`, taking into account only the reader's legitimate
//! transformations: universal newlines in code and markdown, Python's `strip()` of titles,
//! sections and bullets, and the markdown layout's own needs (see [`Case::from_raw`]).

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::path::Path;

use proptest::collection::vec;
use proptest::prelude::*;
use serde_json::{Map, Value, json};

/// Stands for the canary folder in generated strings; replaced before use.
pub const CANARY: &str = "@CANARY@";

/// Tokens that mean something to PostgreSQL, psql, YAML, JSON, markdown or a terminal.
const TOKENS: &[&str] = &[
    "'",
    "''",
    "\\",
    "\\\\",
    "$$",
    "$x$",
    "$lock$",
    "$guard$",
    "E'",
    "e'",
    "U&'",
    "X'",
    "--",
    "/*",
    "*/",
    ";",
    "\\;",
    "\\.",
    "\n\\.\n",
    "\n",
    "\r",
    "\r\n",
    "\t",
    "\"",
    "`",
    "{",
    "}",
    "[",
    "]",
    ",",
    "NULL",
    "\u{b}",
    "\u{c}",
    "\u{1b}[31m",
    "\u{7f}",
    "\u{85}",
    "\u{a0}",
    "\u{2028}",
    "\u{2029}",
    "\u{feff}",
    "\u{fffd}",
    "\u{fffe}",
    "\u{ffff}",
    "\u{1f600}",
    "\u{10ffff}",
    "\u{e0001}",
    "\u{1d54f}",
    "e\u{301}",
    "\u{301}",
    "\u{200d}",
    "\u{202e}",
    "\u{200b}",
    "\u{1c}",
    "\u{1f}",
    "\u{3000}",
    "\u{1}",
    // psql meta-commands at line starts.
    "\n\\! touch @CANARY@/bang\n",
    "\\! touch @CANARY@/bang-inline",
    "\n\\gexec\n",
    "\n\\copy (SELECT 1) TO '@CANARY@/copy'\n",
    "\n\\i /etc/passwd\n",
    "\n\\o @CANARY@/out\n",
    "\n\\w @CANARY@/w\n",
    "\n\\g @CANARY@/g\n",
    "\n\\set ON_ERROR_STOP off\n",
    "\n\\q\n",
    "\n\\c postgres\n",
    "\n\\if false\n",
    "\n\\endif\n",
    "\\\\! touch @CANARY@/bang2",
    // psql variables (applied with -v foo=PWNED).
    ":foo",
    ":'foo'",
    ":\"foo\"",
    ":{?foo}",
    ":ENCODING",
    "::text",
    // SQL injection.
    "'); DROP TABLE public.specs; --",
    "'; COMMIT; DELETE FROM public.specs; --",
    "' || (SELECT current_user) || '",
    "$$; DROP TABLE public.impls; $$",
    "\\'; TRUNCATE public.specs; --",
    "\\u0000",
    "\\x00",
    "\\000",
    "\\u00e9",
    "%s%n",
    "{\"a\":",
    "\\\"",
    "\\n",
    // markdown and YAML syntax.
    "## Data",
    "# t: x",
    "- ",
    "* ",
    ": ",
    " #",
    "&a ",
    "*a",
    "!!python/object:os.system",
    "---",
    "...",
    "<<",
    "~",
    "yes",
    "0x1F",
    "2025-01-10",
];

fn atom() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => proptest::sample::select(TOKENS).prop_map(str::to_owned),
        3 => proptest::char::any().prop_map(|c| if c == '\0' { '\u{1}' } else { c }.to_string()),
        3 => proptest::char::range(' ', '~').prop_map(|c| c.to_string()),
        1 => proptest::char::range('\u{80}', '\u{10ffff}').prop_map(|c| c.to_string()),
    ]
}

/// Any string without NUL, heavy on the tokens above.
pub fn hostile() -> impl Strategy<Value = String> {
    vec(atom(), 0..10).prop_map(|parts| parts.concat())
}

/// Strings per case, and small numbers that vary the layout.
const STRINGS: usize = 58;
const KNOBS: usize = 6;

/// The generated material of one case.
pub fn raw_case() -> impl Strategy<Value = (Vec<String>, Vec<u8>)> {
    (vec(hostile(), STRINGS), vec(0u8..3, KNOBS))
}

/// `n` cases.
pub fn raw_batch(n: usize) -> impl Strategy<Value = Vec<(Vec<String>, Vec<u8>)>> {
    vec(raw_case(), n)
}

/// A small JSON document: `{k0: s, k1: [s, s], k2: {k: s}}`.
#[derive(Debug, Clone)]
pub struct JsonDoc {
    pub entries: Vec<(String, JsonItem)>,
}

#[derive(Debug, Clone)]
pub enum JsonItem {
    Str(String),
    List(Vec<String>),
    Obj(String, String),
}

impl JsonDoc {
    fn from_raw(s: &mut impl Iterator<Item = String>) -> Self {
        let mut keys = BTreeSet::new();
        let mut key = |k: String| {
            let mut k = truncate(&k, 80, usize::MAX);
            while !keys.insert(k.clone()) {
                k.push('~');
            }
            k
        };
        let k0 = key(next(s));
        let k1 = key(next(s));
        let k2 = key(next(s));
        let entries = vec![
            (k0, JsonItem::Str(next(s))),
            (k1, JsonItem::List(vec![next(s), next(s)])),
            (
                k2,
                JsonItem::Obj(truncate(&next(s), 80, usize::MAX), next(s)),
            ),
        ];
        Self { entries }
    }

    fn value(&self) -> Value {
        let mut map = Map::new();
        for (k, v) in &self.entries {
            let v = match v {
                JsonItem::Str(s) => json!(s),
                JsonItem::List(items) => json!(items),
                JsonItem::Obj(k, v) => json!({ k: v }),
            };
            map.insert(k.clone(), v);
        }
        Value::Object(map)
    }

    fn yaml(&self) -> String {
        let items: Vec<String> = self
            .entries
            .iter()
            .map(|(k, v)| {
                let v = match v {
                    JsonItem::Str(s) => dq(s),
                    JsonItem::List(items) => format!(
                        "[{}]",
                        items.iter().map(|i| dq(i)).collect::<Vec<_>>().join(", ")
                    ),
                    JsonItem::Obj(k, v) => format!("{{{}: {}}}", dq(k), dq(v)),
                };
                format!("{}: {v}", dq(k))
            })
            .collect();
        format!("{{{}}}", items.join(", "))
    }
}

/// One spec folder, its implementation, its language and library.
#[derive(Debug, Clone)]
pub struct Case {
    pub spec_id: String,
    /// The title line's text after `# t: `.
    pub md_title: String,
    /// A `title:` in specification.yaml, when given.
    pub yaml_title: Option<String>,
    pub description: String,
    pub applications: Vec<String>,
    pub data: Vec<String>,
    pub notes: Vec<String>,
    pub suggested: String,
    pub tags: JsonDoc,
    pub code: String,
    pub lang: [String; 6],
    pub lib: [String; 5],
    pub previews: [String; 4],
    pub python_version: String,
    pub library_version: String,
    pub generated_by: String,
    pub strengths: Vec<String>,
    pub weaknesses: Vec<String>,
    pub image_description: String,
    pub checklist: JsonDoc,
    pub impl_tags: JsonDoc,
}

fn next(s: &mut impl Iterator<Item = String>) -> String {
    s.next().unwrap_or_default()
}

/// The longest prefix of `s` within `chars` characters and `bytes` bytes.
pub fn truncate(s: &str, chars: usize, bytes: usize) -> String {
    let mut out = String::new();
    for (n, c) in s.chars().enumerate() {
        if n >= chars || out.len() + c.len_utf8() > bytes {
            break;
        }
        out.push(c);
    }
    out
}

/// Text usable as one file name: no `/`, not empty, not `.` or `..`.
fn file_name_part(s: &str) -> String {
    s.replace('/', "\u{2215}")
}

/// A name unique in `used` within the limits; `avoid_start` characters cannot start it.
fn unique_name(
    used: &mut BTreeSet<String>,
    raw: &str,
    chars: usize,
    bytes: usize,
    avoid_start: &[char],
    n: usize,
) -> String {
    let mut s = truncate(&file_name_part(raw), chars, bytes);
    let mut salt = 0;
    while s.is_empty() || s.starts_with(avoid_start) || s == "." || s == ".." || used.contains(&s) {
        s = truncate(&format!("n{n}x{salt}{s}"), chars, bytes);
        salt += 1;
    }
    used.insert(s.clone());
    s
}

/// Removes what the markdown layout cannot carry in a one-line value: line breaks (either
/// kind: `\r` becomes one) and `#`, which could start a heading the layout relies on.
fn one_line(s: &str) -> String {
    s.chars()
        .filter(|c| !matches!(c, '\n' | '\r' | '#'))
        .collect()
}

/// Python's `str.strip()`: the characters of `str.isspace()`.
pub fn py_strip(s: &str) -> &str {
    s.trim_matches(|c: char| {
        matches!(c, '\t'..='\r' | '\x1c'..='\x1f' | ' ' | '\u{85}' | '\u{a0}' | '\u{1680}' | '\u{2000}'..='\u{200a}'
            | '\u{2028}' | '\u{2029}' | '\u{202f}' | '\u{205f}' | '\u{3000}')
    })
}

/// Python's universal newlines.
pub fn universal_newlines(s: &str) -> String {
    s.replace("\r\n", "\n").replace('\r', "\n")
}

/// Names already taken in one batch.
#[derive(Default)]
pub struct Names {
    specs: BTreeSet<String>,
    langs: BTreeSet<String>,
    libs: BTreeSet<String>,
}

impl Case {
    /// Builds a case from generated strings, making names unique within `names`.
    pub fn from_raw(
        raw: &(Vec<String>, Vec<u8>),
        n: usize,
        canary: &str,
        names: &mut Names,
    ) -> Self {
        let (strings, knobs) = raw;
        let mut s = strings.iter().map(|s| s.replace(CANARY, canary));
        let knob = |i: usize| usize::from(knobs.get(i).copied().unwrap_or(1));
        let spec_id = unique_name(&mut names.specs, &next(&mut s), 100, 255, &['.'], n);
        let md_title = truncate(&format!("T{}", one_line(&next(&mut s))), 255, usize::MAX);
        let yaml_title = Some(truncate(&next(&mut s), 255, usize::MAX)).filter(|_| knob(0) == 0);
        let description = format!("D{}", next(&mut s).replace('#', ""));
        let mut bullets = |count: usize| -> Vec<String> {
            let items: Vec<String> = (0..2)
                .map(|_| format!("B{}", one_line(&next(&mut s))))
                .collect();
            items.into_iter().take(count).collect()
        };
        let applications = bullets(knob(1));
        let data = bullets(knob(2));
        let notes = bullets(knob(3));
        let code = next(&mut s);
        let suggested = truncate(&next(&mut s), 100, usize::MAX);
        let tags = JsonDoc::from_raw(&mut s);
        let lang_id = unique_name(&mut names.langs, &next(&mut s), 50, 200, &['_', '.'], n);
        let ext = truncate(&file_name_part(&next(&mut s)), 10, 40);
        let ext = if ext.is_empty() { ".x".to_owned() } else { ext };
        let lang = [
            lang_id.clone(),
            {
                let name = truncate(&next(&mut s), 100, usize::MAX);
                if name.is_empty() {
                    "N".to_owned()
                } else {
                    name
                }
            },
            ext,
            truncate(&next(&mut s), 50, usize::MAX),
            truncate(&next(&mut s), 500, usize::MAX),
            next(&mut s),
        ];
        let lib_id = unique_name(&mut names.libs, &next(&mut s), usize::MAX, 200, &['_'], n);
        let lib = [
            lib_id,
            {
                let name = next(&mut s);
                if name.is_empty() {
                    "N".to_owned()
                } else {
                    name
                }
            },
            next(&mut s),
            next(&mut s),
            next(&mut s),
        ];
        let previews = [next(&mut s), next(&mut s), next(&mut s), next(&mut s)];
        let python_version = next(&mut s);
        let library_version = next(&mut s);
        let generated_by = truncate(&next(&mut s), 100, usize::MAX);
        let strengths: Vec<String> = (0..2).map(|_| next(&mut s)).take(knob(4)).collect();
        let weaknesses: Vec<String> = (0..1).map(|_| next(&mut s)).take(knob(5)).collect();
        let image_description = next(&mut s);
        let checklist = JsonDoc::from_raw(&mut s);
        let impl_tags = JsonDoc::from_raw(&mut s);
        Self {
            spec_id,
            md_title,
            yaml_title,
            description,
            applications,
            data,
            notes,
            suggested,
            tags,
            code,
            lang,
            lib,
            previews,
            python_version,
            library_version,
            generated_by,
            strengths,
            weaknesses,
            image_description,
            checklist,
            impl_tags,
        }
    }

    fn markdown(&self) -> String {
        let mut md = format!(
            "# t: {}\n\n## Description\n\n{}\n",
            self.md_title, self.description
        );
        for (name, items) in [
            ("Applications", &self.applications),
            ("Data", &self.data),
            ("Notes", &self.notes),
        ] {
            if !items.is_empty() {
                let _ = write!(md, "\n## {name}\n\n");
                for item in items {
                    let _ = writeln!(md, "- {item}");
                }
            }
        }
        md
    }

    fn spec_yaml(&self) -> String {
        let mut y = format!("spec_id: {}\n", dq(&self.spec_id));
        if let Some(t) = &self.yaml_title {
            let _ = writeln!(y, "title: {}", dq(t));
        }
        let _ = writeln!(y, "suggested: {}", dq(&self.suggested));
        let _ = writeln!(y, "tags: {}", self.tags.yaml());
        y
    }

    fn metadata_yaml(&self) -> String {
        let list = |items: &[String]| {
            format!(
                "[{}]",
                items.iter().map(|i| dq(i)).collect::<Vec<_>>().join(", ")
            )
        };
        let mut y = format!("library: {}\n", dq(&self.lib[0]));
        for (key, v) in [
            "preview_url_light",
            "preview_url_dark",
            "preview_html_light",
            "preview_html_dark",
        ]
        .iter()
        .zip(&self.previews)
        {
            let _ = writeln!(y, "{key}: {}", dq(v));
        }
        let _ = writeln!(y, "python_version: {}", dq(&self.python_version));
        let _ = writeln!(y, "library_version: {}", dq(&self.library_version));
        let _ = writeln!(y, "generated_by: {}", dq(&self.generated_by));
        let _ = writeln!(y, "review:");
        let _ = writeln!(y, "  strengths: {}", list(&self.strengths));
        let _ = writeln!(y, "  weaknesses: {}", list(&self.weaknesses));
        let _ = writeln!(y, "  image_description: {}", dq(&self.image_description));
        let _ = writeln!(y, "  criteria_checklist: {}", self.checklist.yaml());
        let _ = writeln!(y, "impl_tags: {}", self.impl_tags.yaml());
        y
    }

    /// The title the sync stores.
    pub fn title(&self) -> String {
        match &self.yaml_title {
            Some(t) if !t.is_empty() => t.clone(),
            _ => py_strip(&self.md_title).to_owned(),
        }
    }

    fn bullets(items: &[String]) -> Value {
        json!(items.iter().map(|i| py_strip(i)).collect::<Vec<_>>())
    }

    fn spec_row(&self) -> Value {
        json!({
            "id": self.spec_id,
            "title": self.title(),
            "description": py_strip(&universal_newlines(&self.description)),
            "applications": Self::bullets(&self.applications),
            "data": Self::bullets(&self.data),
            "notes": Self::bullets(&self.notes),
            "created": null, "updated": null, "issue": null,
            "suggested": self.suggested,
            "tags": self.tags.value(),
        })
    }

    fn impl_row(&self) -> Value {
        let falsy_null = |s: &String| if s.is_empty() { Value::Null } else { json!(s) };
        json!({
            "spec_id": self.spec_id,
            "language_id": self.lang[0],
            "library_id": self.lib[0],
            "code": universal_newlines(&self.code),
            "preview_url_light": falsy_null(&self.previews[0]),
            "preview_url_dark": self.previews[1],
            "preview_html_light": falsy_null(&self.previews[2]),
            "preview_html_dark": self.previews[3],
            "python_version": self.python_version,
            "library_version": self.library_version,
            "tested": null, "quality_score": null, "generated_at": null, "updated": null,
            "generated_by": self.generated_by,
            "issue": null, "workflow_run": null,
            "review_strengths": self.strengths,
            "review_weaknesses": self.weaknesses,
            "review_image_description": self.image_description,
            "review_criteria_checklist": self.checklist.value(),
            "review_verdict": null,
            "impl_tags": self.impl_tags.value(),
        })
    }

    fn language_row(&self) -> Value {
        let [id, name, ext, runtime, url, description] = &self.lang;
        json!({"id": id, "name": name, "file_extension": ext, "runtime_version": runtime,
               "documentation_url": url, "description": description})
    }

    fn library_row(&self) -> Value {
        let [id, name, version, url, description] = &self.lib;
        json!({"id": id, "name": name, "language_id": self.lang[0], "version": version,
               "documentation_url": url, "description": description})
    }
}

/// A YAML double-quoted scalar that loads as exactly `s`.
pub fn dq(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push('\t'),
            '\u{0}'..='\u{1f}'
            | '\u{7f}'..='\u{9f}'
            | '\u{2028}'
            | '\u{2029}'
            | '\u{feff}'
            | '\u{fffe}'
            | '\u{ffff}' => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Writes `cases` as one repository at `root`.
pub fn write_batch(root: &Path, cases: &[Case]) {
    let mut catalog = String::from("languages:\n");
    for c in cases {
        let [id, name, ext, runtime, url, description] = &c.lang;
        let _ = write!(
            catalog,
            "  - id: {}\n    name: {}\n    file_extension: {}\n    runtime_version: {}\n    documentation_url: {}\n    description: {}\n",
            dq(id),
            dq(name),
            dq(ext),
            dq(runtime),
            dq(url),
            dq(description)
        );
    }
    catalog.push_str("libraries:\n");
    for c in cases {
        let [id, name, version, url, description] = &c.lib;
        let _ = write!(
            catalog,
            "  - id: {}\n    name: {}\n    language_id: {}\n    version: {}\n    documentation_url: {}\n    description: {}\n",
            dq(id),
            dq(name),
            dq(&c.lang[0]),
            dq(version),
            dq(url),
            dq(description)
        );
    }
    std::fs::write(root.join("plotsql.yaml"), catalog).unwrap();
    for c in cases {
        let dir = root.join("plots").join(&c.spec_id);
        let code_dir = dir.join("implementations").join(&c.lang[0]);
        let meta_dir = dir.join("metadata").join(&c.lang[0]);
        std::fs::create_dir_all(&code_dir).unwrap();
        std::fs::create_dir_all(&meta_dir).unwrap();
        std::fs::write(dir.join("specification.md"), c.markdown()).unwrap();
        std::fs::write(dir.join("specification.yaml"), c.spec_yaml()).unwrap();
        std::fs::write(code_dir.join(format!("{}{}", c.lib[0], c.lang[2])), &c.code).unwrap();
        std::fs::write(
            meta_dir.join(format!("{}.yaml", c.lib[0])),
            c.metadata_yaml(),
        )
        .unwrap();
    }
}

fn sorted(mut rows: Vec<(Vec<String>, Value)>) -> Value {
    rows.sort_by(|a, b| a.0.cmp(&b.0));
    Value::Array(rows.into_iter().map(|(_, v)| v).collect())
}

/// The four tables after a sync of `cases` into empty tables, as `TestDb::dump` shows them.
pub fn expected_dump(cases: &[Case]) -> Value {
    json!({
        "languages": sorted(cases.iter().map(|c| (vec![c.lang[0].clone()], c.language_row())).collect()),
        "libraries": sorted(cases.iter().map(|c| (vec![c.lib[0].clone()], c.library_row())).collect()),
        "specs": sorted(cases.iter().map(|c| (vec![c.spec_id.clone()], c.spec_row())).collect()),
        "impls": sorted(
            cases.iter().map(|c| (vec![c.spec_id.clone(), c.lang[0].clone(), c.lib[0].clone()], c.impl_row())).collect()
        ),
    })
}

/// The first difference between two dumps, described, or `None`.
pub fn first_difference(expected: &Value, got: &Value) -> Option<String> {
    for table in ["languages", "libraries", "specs", "impls"] {
        let (e, g) = (&expected[table], &got[table]);
        let (Some(e), Some(g)) = (e.as_array(), g.as_array()) else {
            return Some(format!("{table}: not arrays: {e} / {g}"));
        };
        for (n, (er, gr)) in e.iter().zip(g).enumerate() {
            if er != gr {
                let fields: Vec<String> = er
                    .as_object()
                    .map(|o| {
                        o.iter()
                            .filter(|(k, v)| gr.get(k.as_str()) != Some(v))
                            .map(|(k, v)| {
                                format!(
                                    "  {k}: expected {v}\n  {k}:      got {}",
                                    gr.get(k.as_str()).unwrap_or(&Value::Null)
                                )
                            })
                            .collect()
                    })
                    .unwrap_or_default();
                return Some(format!("{table} row {n} differs:\n{}", fields.join("\n")));
            }
        }
        if e.len() != g.len() {
            return Some(format!(
                "{table}: expected {} rows, got {}",
                e.len(),
                g.len()
            ));
        }
    }
    None
}

impl Case {
    /// This case's keys (spec, language, library) with `other`'s values.
    pub fn with_content_of(&self, other: &Case) -> Case {
        Case {
            spec_id: self.spec_id.clone(),
            lang: self.lang.clone(),
            lib: self.lib.clone(),
            ..other.clone()
        }
    }
}

/// `n` cases generated from a fixed seed (the same on every run).
pub fn fixed_cases(n: usize, seed: u8, canary: &str) -> Vec<Case> {
    use proptest::strategy::ValueTree as _;
    use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};
    let rng = TestRng::from_seed(RngAlgorithm::XorShift, &[seed; 16]);
    let mut runner = TestRunner::new_with_rng(Config::default(), rng);
    let raw = raw_batch(n).new_tree(&mut runner).unwrap().current();
    let mut names = Names::default();
    raw.iter()
        .enumerate()
        .map(|(i, r)| Case::from_raw(r, i, canary, &mut names))
        .collect()
}

/// Two states of one repository: `a` with `n` cases; `b` keeps the first two thirds of
/// them (same keys, new values) and drops the rest. Catalog rows of `b` are `a`'s.
pub fn two_states(n: usize, canary: &str) -> (Vec<Case>, Vec<Case>) {
    let a = fixed_cases(n, 7, canary);
    let other = fixed_cases(n, 8, canary);
    let keep = n * 2 / 3;
    let b = a
        .iter()
        .zip(&other)
        .take(keep)
        .map(|(x, y)| x.with_content_of(y))
        .collect();
    (a, b)
}
