//! The catalog `plotsql.yaml`: seed rows for `languages` and `libraries`.

use std::collections::BTreeMap;

use super::convert;
use super::yamlfile;
use crate::diagnostics::Diagnostic;
use crate::ir::{Catalog, Language, Library};
use crate::source::Span;
use crate::yaml::{Node, Value};

/// Reads the catalog from the loaded text of `plotsql.yaml` (`rel` names it). Problems go to
/// `out`; the rows that are sound are returned.
pub(crate) fn lower(rel: &str, text: &str, out: &mut Vec<Diagnostic>) -> Catalog {
    let root = match yamlfile::load(rel, text, out) {
        Ok(root) => root,
        Err(d) => {
            out.push(d);
            return Catalog::default();
        }
    };
    let mut report = |d: Diagnostic| out.push(d.in_file(rel.to_owned()));
    if !matches!(root.value, Value::Map(_)) {
        report(
            Diagnostic::error(
                "plotsql::catalog::malformed",
                "the catalog must be a mapping with `languages` and `libraries`",
            )
            .at(root.span)
            .help("see the example repository's plotsql.yaml"),
        );
        return Catalog::default();
    }
    let mut languages: BTreeMap<String, (Language, Span)> = BTreeMap::new();
    for item in list(&root, "languages", &mut report) {
        match language(item) {
            Ok(lang) => insert_unique(
                &mut languages,
                lang.id.clone(),
                lang,
                item.span,
                "language",
                &mut report,
            ),
            Err(d) => report(d),
        }
    }
    let mut libraries: BTreeMap<String, (Library, Span)> = BTreeMap::new();
    for item in list(&root, "libraries", &mut report) {
        match library(item) {
            Ok(lib) => {
                if !languages.contains_key(&lib.language_id) {
                    let span = item.get("language_id").map_or(item.span, |n| n.span);
                    report(
                        Diagnostic::error(
                            "plotsql::catalog::unknown_language",
                            format!(
                                "library `{}` names the language `{}`, which the catalog does not list",
                                lib.id, lib.language_id
                            ),
                        )
                        .at(span)
                        .label("unknown language")
                        .help("add the language under `languages`, or fix the id"),
                    );
                    continue;
                }
                insert_unique(
                    &mut libraries,
                    lib.id.clone(),
                    lib,
                    item.span,
                    "library",
                    &mut report,
                );
            }
            Err(d) => report(d),
        }
    }
    Catalog {
        languages: languages.into_values().map(|(l, _)| l).collect(),
        libraries: libraries.into_values().map(|(l, _)| l).collect(),
    }
}

fn list<'a>(root: &'a Node, key: &str, report: &mut impl FnMut(Diagnostic)) -> &'a [Node] {
    match root.get(key).map(|n| (n, &n.value)) {
        Some((_, Value::Seq(items))) => items,
        Some((_, Value::Null)) | None => {
            report(
                Diagnostic::error(
                    "plotsql::catalog::malformed",
                    format!("the catalog has no `{key}` list"),
                )
                .at(root.span)
                .help(format!("add a `{key}:` list")),
            );
            &[]
        }
        Some((node, _)) => {
            report(
                Diagnostic::error(
                    "plotsql::catalog::malformed",
                    format!("`{key}` must be a list of mappings"),
                )
                .at(node.span)
                .help(format!("write `{key}:` followed by `- id: ...` entries")),
            );
            &[]
        }
    }
}

fn insert_unique<T>(
    map: &mut BTreeMap<String, (T, Span)>,
    id: String,
    row: T,
    span: Span,
    what: &str,
    report: &mut impl FnMut(Diagnostic),
) {
    if let std::collections::btree_map::Entry::Vacant(slot) = map.entry(id.clone()) {
        slot.insert((row, span));
    } else {
        report(
            Diagnostic::error(
                "plotsql::catalog::duplicate_id",
                format!("{what} `{id}` is listed twice"),
            )
            .at(span)
            .label("second entry")
            .help("remove one of the two entries"),
        );
    }
}

fn required(item: &Node, key: &str, max: Option<usize>) -> Result<String, Diagnostic> {
    if !matches!(item.value, Value::Map(_)) {
        return Err(Diagnostic::error(
            "plotsql::catalog::malformed",
            "a catalog entry must be a mapping",
        )
        .at(item.span)
        .help("write the entry as `- id: ...` with its fields below"));
    }
    let node = item.get(key);
    let value = match max {
        Some(max) => convert::text_max(key, node, max)?,
        None => convert::text(key, node)?,
    };
    match value {
        Some(v) if !v.is_empty() => Ok(v),
        _ => Err(Diagnostic::error(
            "plotsql::catalog::missing_field",
            format!("catalog entry has no `{key}`"),
        )
        .at(node.map_or(item.span, |n| n.span))
        .help(format!("add `{key}:` to the entry"))),
    }
}

fn optional(item: &Node, key: &str, max: Option<usize>) -> Result<Option<String>, Diagnostic> {
    let node = item.get(key);
    match max {
        Some(max) => convert::text_max(key, node, max),
        None => convert::text(key, node),
    }
}

fn language(item: &Node) -> Result<Language, Diagnostic> {
    Ok(Language {
        id: required(item, "id", Some(50))?,
        name: required(item, "name", Some(100))?,
        file_extension: required(item, "file_extension", Some(10))?,
        runtime_version: optional(item, "runtime_version", Some(50))?,
        documentation_url: optional(item, "documentation_url", Some(500))?,
        description: optional(item, "description", None)?,
    })
}

fn library(item: &Node) -> Result<Library, Diagnostic> {
    Ok(Library {
        id: required(item, "id", None)?,
        name: required(item, "name", None)?,
        language_id: required(item, "language_id", Some(50))?,
        version: optional(item, "version", None)?,
        documentation_url: optional(item, "documentation_url", None)?,
        description: optional(item, "description", None)?,
    })
}
