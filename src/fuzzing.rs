//! Entry points for the fuzz targets in `fuzz/` (and nothing else): thin wrappers that
//! expose the reader's internal stages on in-memory text. Not an API; hidden from the docs.

use crate::diagnostics::Diagnostic;
use crate::ir::{Catalog, Json, JsonText};
use crate::reader::convert::{self, JsonMode};
use crate::reader::{catalog, files, markdown, yamlfile};
use crate::sql::literal;
use crate::yaml::Node;

/// What the markdown extraction gives for one `specification.md`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Markdown {
    /// The stripped title and its byte range in the text.
    pub title: Option<(String, usize, usize)>,
    /// The `Description` section, stripped.
    pub description: String,
    /// Bullets of `Applications`.
    pub applications: Vec<String>,
    /// Bullets of `Data`.
    pub data: Vec<String>,
    /// Bullets of `Notes`.
    pub notes: Vec<String>,
}

/// Decodes file bytes as the reader does (UTF-8, no NUL, universal newlines).
///
/// # Errors
/// The diagnostic's message when the reader would refuse the file.
pub fn decode(bytes: &[u8]) -> Result<String, String> {
    files::decode("fuzz", bytes.to_vec()).map_err(|d| d.message)
}

/// Python's `str.strip()`, as the markdown extraction applies it.
#[must_use]
pub fn python_strip(s: &str) -> &str {
    crate::python::strip(s)
}

/// Extracts title, description and bullets from decoded markdown text.
#[must_use]
pub fn markdown(text: &str) -> Markdown {
    let md = markdown::parse(text);
    Markdown {
        title: md.title.map(|(t, span)| (t, span.start, span.end)),
        description: md.description,
        applications: md.applications,
        data: md.data,
        notes: md.notes,
    }
}

/// Reads a catalog from the text of `plotsql.yaml`; returns the rows and the diagnostics.
#[must_use]
pub fn catalog(text: &str) -> (Catalog, Vec<Diagnostic>) {
    let mut found = Vec::new();
    let catalog = catalog::lower("plotsql.yaml", text, &mut found);
    (catalog, found)
}

/// Renders `s` as the SQL text literal the script would hold.
#[must_use]
pub fn text_literal(s: &str) -> String {
    literal::text(s)
}

/// What reading one metadata file gives: each JSON column's SQL literal and the
/// diagnostics of every field conversion.
#[derive(Debug, Clone, Default)]
pub struct Metadata {
    /// The file loaded as YAML.
    pub loaded: bool,
    /// `(json value, its SQL literal)` for each JSON column that converted.
    pub json: Vec<(Json, String)>,
    /// SQL literals of the text columns that converted.
    pub texts: Vec<(String, String)>,
    /// SQL literals of the `varchar[]` columns that converted.
    pub arrays: Vec<(Vec<Option<String>>, String)>,
    /// Every error or warning.
    pub diagnostics: Vec<Diagnostic>,
    /// JSON columns whose direct rendering differs from the rendering of the JSON value
    /// (should stay empty).
    pub json_disagreements: Vec<String>,
}

/// Loads a metadata YAML text (per-implementation or spec-level) and converts every field
/// the reader converts, both as a per-implementation file and as a spec-level one.
#[must_use]
pub fn metadata(text: &str) -> Metadata {
    let mut out = Metadata::default();
    let root = match yamlfile::load("metadata.yaml", text, &mut out.diagnostics) {
        Ok(root) => root,
        Err(d) => {
            out.diagnostics.push(d);
            return out;
        }
    };
    out.loaded = true;
    convert_all(&root, &mut out);
    if let Some(implementations) = root.get("implementations")
        && let crate::yaml::Value::Map(entries) = &implementations.value
    {
        for (_, node) in entries {
            convert_all(node, &mut out);
        }
    }
    out
}

fn convert_all(m: &Node, out: &mut Metadata) {
    let c = match m.get("current") {
        Some(cur) if cur.value.is_truthy() => cur,
        _ => m,
    };
    let empty = Node {
        value: crate::yaml::Value::Map(Vec::new()),
        span: crate::source::Span::default(),
    };
    let review = m
        .get("review")
        .filter(|r| matches!(r.value, crate::yaml::Value::Map(_)))
        .unwrap_or(&empty);
    let cm = |key: &str| convert::or(c.get(key), m.get(key));
    let text = |r: Result<Option<String>, Diagnostic>, out: &mut Metadata| match r {
        Ok(Some(s)) => {
            let lit = literal::text(&s);
            out.texts.push((s, lit));
        }
        Ok(None) => {}
        Err(d) => out.diagnostics.push(d),
    };
    for key in [
        "preview_url_light",
        "preview_url",
        "preview_url_dark",
        "preview_html_light",
        "preview_html_dark",
    ] {
        text(convert::text(key, m.get(key)), out);
    }
    for key in ["python_version", "library_version", "title"] {
        text(convert::text(key, cm(key)), out);
    }
    text(
        convert::text_max("generated_by", cm("generated_by"), 100),
        out,
    );
    text(convert::text_max("suggested", m.get("suggested"), 100), out);
    text(
        convert::text("review.image_description", review.get("image_description")),
        out,
    );
    for key in ["strengths", "weaknesses"] {
        match convert::text_list(key, review.get(key)) {
            Ok(items) => {
                let lit = literal::text_array(&items);
                out.arrays.push((items, lit));
            }
            Err(d) => out.diagnostics.push(d),
        }
    }
    for (key, bits) in [("workflow_run", 64), ("issue", 32)] {
        if let Err(d) = convert::integer(key, cm(key), bits) {
            out.diagnostics.push(d);
        }
    }
    let reads = [
        convert::timestamp(
            "generated_at",
            convert::or(c.get("generated_at"), m.get("created")),
        )
        .warning,
        convert::timestamp("updated", m.get("updated")).warning,
        convert::timestamp("created", m.get("created")).warning,
        convert::quality_score("quality_score", cm("quality_score")).warning,
    ];
    out.diagnostics.extend(reads.into_iter().flatten());
    match convert::verdict("review.verdict", review.get("verdict")) {
        Ok(r) => out.diagnostics.extend(r.warning),
        Err(d) => out.diagnostics.push(d),
    }
    let fields = [
        (
            "review.criteria_checklist",
            review.get("criteria_checklist"),
            JsonMode::Strict,
        ),
        ("impl_tags", m.get("impl_tags"), JsonMode::Strict),
        ("tags", m.get("tags"), JsonMode::Tags),
    ];
    for &(field, node, mode) in &fields {
        let direct = convert::json(field, node, mode).map_err(|d| d.message);
        let via_value = convert::json_value(field, node, mode)
            .map(|j| j.map(|j| JsonText::from(&j)))
            .map_err(|d| d.message);
        if direct != via_value {
            out.json_disagreements.push(format!(
                "{field}: direct {direct:?}, via the value {via_value:?}"
            ));
        }
    }
    let jsons = fields.map(|(field, node, mode)| convert::json_value(field, node, mode));
    for j in jsons {
        match j {
            Ok(Some(j)) => {
                let lit = literal::opt_json(Some(&JsonText::from(&j)));
                out.json.push((j, lit));
            }
            Ok(None) => {}
            Err(d) => out.diagnostics.push(d),
        }
    }
}

/// Loads `text` by the YAML fast path and by the full loader and compares: `Ok(true)` when
/// the fast path answered (and agreed), `Ok(false)` when it left the text to the full
/// loader, `Err` describing the first difference otherwise.
///
/// # Errors
/// The fast path's document differs from the full loader's result.
pub fn yaml_fast_path_agrees(text: &str) -> Result<bool, String> {
    if crate::yaml::first_unprintable(text).is_some() {
        return Ok(false);
    }
    let Some(fast) = crate::yaml::fast::load(text) else {
        return Ok(false);
    };
    match crate::yaml::load_full(text) {
        Ok(full) if same_node(&full.root, &fast.root) && full.warnings == fast.warnings => Ok(true),
        Ok(full) => Err(first_difference(&full.root, &fast.root)
            .unwrap_or_else(|| "the warnings differ".to_owned())),
        Err(e) => Err(format!(
            "the full loader refuses the text ({} at {:?}); the fast path loaded it",
            e.message, e.span
        )),
    }
}

/// Node equality, with NaN equal to NaN (as the same text loads to).
fn same_node(a: &Node, b: &Node) -> bool {
    use crate::yaml::Value;
    a.span == b.span
        && match (&a.value, &b.value) {
            (Value::Float(x), Value::Float(y)) => x.to_bits() == y.to_bits(),
            (Value::Seq(x), Value::Seq(y)) => {
                x.len() == y.len() && x.iter().zip(y).all(|(p, q)| same_node(p, q))
            }
            (Value::Map(x), Value::Map(y)) => {
                x.len() == y.len()
                    && x.iter()
                        .zip(y)
                        .all(|((k1, v1), (k2, v2))| same_node(k1, k2) && same_node(v1, v2))
            }
            (x, y) => x == y,
        }
}

/// Where two loaded trees first differ, described for a failure message.
fn first_difference(full: &Node, fast: &Node) -> Option<String> {
    use crate::yaml::Value;
    match (&full.value, &fast.value) {
        (Value::Seq(a), Value::Seq(b)) if a.len() == b.len() => {
            if let Some(d) = a.iter().zip(b).find_map(|(x, y)| first_difference(x, y)) {
                return Some(d);
            }
        }
        (Value::Map(a), Value::Map(b)) if a.len() == b.len() => {
            let pairs = a.iter().zip(b);
            if let Some(d) = pairs
                .clone()
                .find_map(|((k1, _), (k2, _))| first_difference(k1, k2))
            {
                return Some(d);
            }
            if let Some(d) = pairs
                .clone()
                .find_map(|((_, v1), (_, v2))| first_difference(v1, v2))
            {
                return Some(d);
            }
        }
        (a, b) if a != b => {
            return Some(format!(
                "at {:?}: full loader {a:?}, fast path {b:?} at {:?}",
                full.span, fast.span
            ));
        }
        _ => {}
    }
    (full.span != fast.span).then(|| {
        format!(
            "span of the node at {:?}: full loader {:?}, fast path {:?}",
            full.span.start, full.span, fast.span
        )
    })
}
