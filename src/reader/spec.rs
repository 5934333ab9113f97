//! One spec folder: its markdown, its YAML, its implementations and their metadata
//! (REFERENCE §2–§5), lowered to IR rows.

use std::path::Path;

use super::convert::{self, JsonMode, Read};
use super::files::{self, Kind, Root};
use super::{markdown, yamlfile};
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::ir::{Catalog, Impl, Spec};
use crate::source::{Sources, Span};
use crate::yaml::{Node, Value};

/// What one spec folder gives.
#[derive(Debug, Default)]
pub(crate) struct Folder {
    pub(crate) spec: Option<Spec>,
    /// Implementations with the path of their code file.
    pub(crate) impls: Vec<(Impl, String)>,
    pub(crate) diagnostics: Diagnostics,
    pub(crate) sources: Sources,
}

impl Folder {
    /// Records a diagnostic about `rel`, keeping its text for rendering.
    fn report(&mut self, rel: &str, text: Option<&str>, d: Diagnostic) {
        let d = if d.path.is_none() {
            d.in_file(rel.to_owned())
        } else {
            d
        };
        if let (Some(text), Some(_), Some(path)) = (text, d.span, &d.path)
            && path == rel
        {
            self.sources.insert(rel, text);
        }
        self.diagnostics.push(d);
    }

    fn warn_all(&mut self, rel: &str, text: &str, warnings: Vec<Diagnostic>) {
        for w in warnings {
            self.report(rel, Some(text), w);
        }
    }
}

/// A loaded YAML file and its text.
struct YamlFile {
    rel: String,
    text: String,
    root: Node,
}

const SPEC_ID_MAX: usize = 100;
const TITLE_MAX: usize = 255;
const SUGGESTED_MAX: usize = 100;
const GENERATED_BY_MAX: usize = 100;

fn valid_spec_id(id: &str) -> bool {
    !id.is_empty()
        && id.split('-').all(|part| {
            !part.is_empty()
                && part
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        })
}

/// Reads the spec folder `dir` named `id`.
pub(crate) fn read(root: &Root, catalog: &Catalog, id: &str, dir: &Path) -> Folder {
    let mut out = Folder::default();
    let dir_rel = root.relative(dir);
    let md_path = match first_file(root, dir, &["specification.md", "spec.md"]) {
        Ok(Some(p)) => p,
        Ok(None) => {
            out.report(
                &dir_rel,
                None,
                Diagnostic::warning(
                    "plotsql::spec::missing_markdown",
                    format!("spec folder `{dir_rel}` has no specification.md; it is skipped (and its rows removed)"),
                )
                .in_file(dir_rel.clone())
                .at_name()
                .label("no specification.md (or spec.md) in this folder")
                .help("add specification.md, or delete the folder"),
            );
            return out;
        }
        Err(d) => {
            out.report(&dir_rel, None, d);
            return out;
        }
    };
    if !valid_spec_id(id) {
        out.report(
            &dir_rel,
            None,
            Diagnostic::warning(
                "plotsql::spec::id_naming",
                format!("spec id `{id}` does not match `^[a-z0-9]+(-[a-z0-9]+)*$`"),
            )
            .in_file(dir_rel.clone())
            .at_name()
            .label("spec id from the folder name")
            .help("rename the folder to lowercase words joined by dashes"),
        );
    }
    if id.chars().count() > SPEC_ID_MAX {
        out.report(
            &dir_rel,
            None,
            Diagnostic::error(
                "plotsql::spec::id_too_long",
                format!(
                    "spec id `{id}` is {} characters long, over the limit of {SPEC_ID_MAX}",
                    id.chars().count()
                ),
            )
            .in_file(dir_rel.clone())
            .at_name()
            .label(format!("{} characters", id.chars().count()))
            .help("rename the folder to a shorter id"),
        );
    }
    let md_rel = root.relative(&md_path);
    let md_text = match files::read_text_with_nul(root, &md_path) {
        Ok(t) => t,
        Err(d) => {
            // Carry on with an empty text, so the rest of the folder is checked too; the
            // error keeps the script from being written.
            out.report(&md_rel, None, d);
            String::new()
        }
    };
    let md = markdown::parse(&md_text);
    // Only the extracted title and sections are stored: a NUL elsewhere is harmless.
    if memchr::memchr(0, md_text.as_bytes()).is_some() {
        let stored = md
            .title
            .iter()
            .map(|(t, _)| t.as_str())
            .chain([md.description.as_str()])
            .chain(
                md.applications
                    .iter()
                    .chain(&md.data)
                    .chain(&md.notes)
                    .map(String::as_str),
            );
        if stored.into_iter().any(|s| s.contains('\0'))
            && let Err(d) = files::check_no_nul(&md_rel, md_text.clone())
        {
            out.report(&md_rel, None, d);
        }
    }

    // Spec-level YAML: counts only as a non-empty mapping holding spec_id or specification_id.
    let meta = match load_yaml(
        root,
        &mut out,
        dir,
        &["specification.yaml", "metadata.yaml"],
    ) {
        Ok(Some(file)) => {
            let counts = matches!(file.root.value, Value::Map(_))
                && (file.root.get("spec_id").is_some()
                    || file.root.get("specification_id").is_some());
            if counts {
                Some(file)
            } else {
                out.report(
                    &file.rel,
                    Some(&file.text),
                    Diagnostic::warning(
                        "plotsql::spec::yaml_without_spec_id",
                        format!(
                            "`{}` has no `spec_id`, so all of its values are ignored",
                            file.rel
                        ),
                    )
                    .at(first_line(file.root.span, &file.text))
                    .label("no `spec_id` (or `specification_id`) in this document")
                    .help("add `spec_id: <folder name>` at the top"),
                );
                None
            }
        }
        Ok(None) => None,
        // Recorded; carry on without it so the implementations are checked too.
        Err(()) => None,
    };

    let spec = lower_spec(&mut out, id, &md_rel, &md_text, &md, meta.as_ref());
    read_impls(root, catalog, &mut out, id, dir, meta.as_ref());
    out.spec = spec;
    out
}

/// The part of `span` on its first line: a whole document is shown by its first line.
fn first_line(span: Span, text: &str) -> Span {
    let rest = text.get(span.start..span.end).unwrap_or("");
    Span::new(
        span.start,
        span.start + rest.find('\n').unwrap_or(rest.len()),
    )
}

fn first_file(
    root: &Root,
    dir: &Path,
    names: &[&str],
) -> Result<Option<std::path::PathBuf>, Diagnostic> {
    for name in names {
        let p = dir.join(name);
        match root.kind(&p)? {
            Some(Kind::File) => return Ok(Some(p)),
            Some(_) => {
                let rel = root.relative(&p);
                return Err(Diagnostic::error(
                    "plotsql::fs::not_a_file",
                    format!("`{rel}` is not a regular file"),
                )
                .in_file(rel)
                .help("replace it with a file"));
            }
            None => {}
        }
    }
    Ok(None)
}

/// Loads the first existing file of `names` in `dir`. `Err(())` when it exists but fails
/// (the diagnostic is already recorded).
fn load_yaml(
    root: &Root,
    out: &mut Folder,
    dir: &Path,
    names: &[&str],
) -> Result<Option<YamlFile>, ()> {
    let path = match first_file(root, dir, names) {
        Ok(Some(p)) => p,
        Ok(None) => return Ok(None),
        Err(d) => {
            out.report(&root.relative(dir), None, d);
            return Err(());
        }
    };
    load_yaml_at(root, out, &path).map(Some)
}

fn load_yaml_at(root: &Root, out: &mut Folder, path: &Path) -> Result<YamlFile, ()> {
    let rel = root.relative(path);
    let text = match files::read_text(root, path) {
        Ok(t) => t,
        Err(d) => {
            out.report(&rel, None, d);
            return Err(());
        }
    };
    let mut warnings = Vec::new();
    let loaded = yamlfile::load(&rel, &text, &mut warnings);
    out.warn_all(&rel, &text, warnings);
    match loaded {
        Ok(root) => Ok(YamlFile { rel, text, root }),
        Err(d) => {
            out.report(&rel, Some(&text), d);
            Err(())
        }
    }
}

fn lower_spec(
    out: &mut Folder,
    id: &str,
    md_rel: &str,
    md_text: &str,
    md: &markdown::SpecMarkdown,
    meta: Option<&YamlFile>,
) -> Option<Spec> {
    let mut ok = true;
    let get = |key: &str| meta.and_then(|m| m.root.get(key));
    let (yrel, ytext) = meta.map_or(("", ""), |m| (m.rel.as_str(), m.text.as_str()));
    let mut check = |out: &mut Folder, r: Result<(), Diagnostic>, rel: &str, text: &str| {
        if let Err(d) = r {
            out.report(rel, Some(text), d);
            ok = false;
        }
    };

    let yaml_title = match get("title") {
        Some(node) if node.value.is_truthy() => {
            match convert::text_max("title", Some(node), TITLE_MAX) {
                Ok(t) => t,
                Err(d) => {
                    check(out, Err(d), yrel, ytext);
                    None
                }
            }
        }
        _ => None,
    };
    let title = match (yaml_title, &md.title) {
        (Some(t), _) => t,
        (None, Some((t, span))) => {
            check(
                out,
                convert::check_len("title", t, TITLE_MAX, *span),
                md_rel,
                md_text,
            );
            t.clone()
        }
        (None, None) => id.to_owned(),
    };

    let tags = convert::json("tags", get("tags"), JsonMode::Tags);
    let issue = convert::integer("issue", get("issue"), 32);
    let suggested = convert::text_max("suggested", get("suggested"), SUGGESTED_MAX);
    let created = convert::timestamp("created", get("created"));
    let updated = convert::timestamp("updated", get("updated"));
    let tags = take(out, &mut ok, yrel, ytext, tags);
    let issue = take(out, &mut ok, yrel, ytext, issue);
    let suggested = take(out, &mut ok, yrel, ytext, suggested);
    let created = warn_read(out, yrel, ytext, created);
    let updated = warn_read(out, yrel, ytext, updated);

    ok.then(|| Spec {
        id: id.to_owned(),
        title,
        description: md.description.clone(),
        applications: md.applications.iter().cloned().map(Some).collect(),
        data: md.data.iter().cloned().map(Some).collect(),
        notes: md.notes.iter().cloned().map(Some).collect(),
        created,
        updated,
        issue: issue.flatten().and_then(|i| i32::try_from(i).ok()),
        suggested: suggested.flatten(),
        tags: tags.flatten(),
    })
}

fn take<T>(
    out: &mut Folder,
    ok: &mut bool,
    rel: &str,
    text: &str,
    r: Result<T, Diagnostic>,
) -> Option<T> {
    match r {
        Ok(v) => Some(v),
        Err(d) => {
            out.report(rel, Some(text), d);
            *ok = false;
            None
        }
    }
}

fn warn_read<T>(out: &mut Folder, rel: &str, text: &str, r: Read<T>) -> Option<T> {
    if let Some(w) = r.warning {
        out.report(rel, Some(text), w);
    }
    r.value
}

/// An implementation file found in the folder.
struct Found {
    language: String,
    library: String,
    path: std::path::PathBuf,
    rel: String,
}

fn read_impls(
    root: &Root,
    catalog: &Catalog,
    out: &mut Folder,
    spec_id: &str,
    dir: &Path,
    spec_meta: Option<&YamlFile>,
) {
    let impl_dir = dir.join("implementations");
    let mut found: Vec<Found> = Vec::new();
    match root.kind(&impl_dir) {
        Ok(Some(Kind::Dir)) => {}
        Ok(_) => return,
        Err(d) => {
            out.report(&root.relative(&impl_dir), None, d);
            return;
        }
    }
    let entries = match files::list_dir(root, &impl_dir) {
        Ok((e, problems)) => {
            for d in problems {
                out.report(&root.relative(&impl_dir), None, d);
            }
            e
        }
        Err(d) => {
            out.report(&root.relative(&impl_dir), None, d);
            return;
        }
    };
    // 1. implementations/<language>/<library><ext>
    for entry in entries.iter().filter(|e| e.kind == Kind::Dir) {
        if entry.name.starts_with('_') || entry.name.starts_with('.') {
            continue;
        }
        let rel = root.relative(&entry.path);
        let Some(language) = catalog.language(&entry.name) else {
            out.report(
                &rel,
                None,
                Diagnostic::warning(
                    "plotsql::impl::unknown_language_folder",
                    format!("folder `{rel}` names the language `{}`, which the catalog does not list; it is skipped", entry.name),
                )
                .in_file(rel.clone())
                .at_name()
                .label("not a language of plotsql.yaml")
                .help("add the language to plotsql.yaml, or rename the folder"),
            );
            continue;
        };
        let files = match files::list_dir(root, &entry.path) {
            Ok((f, problems)) => {
                for d in problems {
                    out.report(&rel, None, d);
                }
                f
            }
            Err(d) => {
                out.report(&rel, None, d);
                continue;
            }
        };
        for file in files {
            if file.kind != Kind::File
                || file.name.starts_with('_')
                || !file.name.ends_with(&language.file_extension)
            {
                continue;
            }
            let library = file.name[..file.name.len() - language.file_extension.len()].to_owned();
            found.push(Found {
                language: language.id.clone(),
                library,
                rel: root.relative(&file.path),
                path: file.path,
            });
        }
    }
    // 2. implementations/*.py: the legacy flat layout, always python.
    for entry in &entries {
        if entry.kind != Kind::File || entry.name.starts_with('_') || !entry.name.ends_with(".py") {
            continue;
        }
        let library = entry.name[..entry.name.len() - 3].to_owned();
        found.push(Found {
            language: "python".to_owned(),
            library,
            rel: root.relative(&entry.path),
            path: entry.path.clone(),
        });
    }

    let mut seen: std::collections::BTreeMap<(String, String), String> =
        std::collections::BTreeMap::new();
    for f in found {
        if let Some(first) = seen.get(&(f.language.clone(), f.library.clone())) {
            out.report(
                &f.rel,
                None,
                Diagnostic::error(
                    "plotsql::impl::duplicate",
                    format!(
                        "`{}` and `{first}` are both the {} implementation of `{spec_id}` with `{}`",
                        f.rel, f.language, f.library
                    ),
                )
                .in_file(f.rel.clone())
                .at_name()
                .label(format!("same implementation as `{first}`"))
                .help("keep one of the two files (the current layout is implementations/<language>/<library>)"),
            );
            continue;
        }
        seen.insert((f.language.clone(), f.library.clone()), f.rel.clone());
        if let Some(i) = read_impl(root, catalog, out, spec_id, dir, spec_meta, &f) {
            out.impls.push((i, f.rel));
        }
    }
}

fn read_impl(
    root: &Root,
    catalog: &Catalog,
    out: &mut Folder,
    spec_id: &str,
    dir: &Path,
    spec_meta: Option<&YamlFile>,
    f: &Found,
) -> Option<Impl> {
    let mut ok = true;
    if catalog.language(&f.language).is_none() {
        out.report(
            &f.rel,
            None,
            Diagnostic::error(
                "plotsql::impl::unknown_language",
                format!(
                    "`{}` is a {} implementation, but the catalog does not list the language `{}`",
                    f.rel, f.language, f.language
                ),
            )
            .in_file(f.rel.clone())
            .at_name()
            .label(format!("a {} implementation", f.language))
            .help("add the language to plotsql.yaml"),
        );
        ok = false;
    }
    if catalog.library(&f.library).is_none() {
        out.report(
            &f.rel,
            None,
            Diagnostic::error(
                "plotsql::impl::unknown_library",
                format!(
                    "`{}` names the library `{}`, which the catalog does not list",
                    f.rel, f.library
                ),
            )
            .in_file(f.rel.clone())
            .at_name_prefix(f.library.len())
            .label("not a library of plotsql.yaml")
            .help("add the library to plotsql.yaml, or rename the file"),
        );
        ok = false;
    }
    let code = match files::read_text(root, &f.path) {
        Ok(c) => Some(c),
        Err(d) => {
            out.report(&f.rel, None, d);
            ok = false;
            None
        }
    };

    // Metadata: metadata/<language>/<library>.yaml, then (python) metadata/<library>.yaml,
    // then the spec YAML's implementations.<library>.
    let meta_dir = dir.join("metadata");
    let candidates: Vec<std::path::PathBuf> = {
        let mut v = vec![
            meta_dir
                .join(&f.language)
                .join(format!("{}.yaml", f.library)),
        ];
        if f.language == "python" {
            v.push(meta_dir.join(format!("{}.yaml", f.library)));
        }
        v
    };
    let mut file_meta: Option<YamlFile> = None;
    let mut found_file = false;
    for c in &candidates {
        match root.kind(c) {
            Ok(None) => continue,
            Ok(Some(Kind::File)) => {
                found_file = true;
                match load_yaml_at(root, out, c) {
                    Ok(file) => file_meta = Some(file),
                    Err(()) => ok = false,
                }
                break;
            }
            Ok(Some(_)) => {
                let rel = root.relative(c);
                out.report(
                    &rel,
                    None,
                    Diagnostic::error(
                        "plotsql::fs::not_a_file",
                        format!("`{rel}` is not a regular file"),
                    )
                    .help("replace it with a YAML file"),
                );
                ok = false;
                found_file = true;
                break;
            }
            Err(d) => {
                out.report(&root.relative(c), None, d);
                ok = false;
                found_file = true;
                break;
            }
        }
    }
    let empty = Node {
        value: Value::Map(Vec::new()),
        span: Span::default(),
    };
    let (m, mrel, mtext): (&Node, &str, &str) = if found_file {
        match &file_meta {
            Some(file) => {
                let counts = matches!(file.root.value, Value::Map(ref e) if !e.is_empty())
                    && file.root.get("library").is_some();
                if counts {
                    (&file.root, file.rel.as_str(), file.text.as_str())
                } else {
                    out.report(
                        &file.rel,
                        Some(&file.text),
                        Diagnostic::warning(
                            "plotsql::impl::metadata_without_library",
                            format!(
                                "`{}` has no `library` key, so all of its values are ignored",
                                file.rel
                            ),
                        )
                        .at(first_line(file.root.span, &file.text))
                        .label("no `library` in this document")
                        .help(format!("add `library: {}` at the top", f.library)),
                    );
                    (&empty, file.rel.as_str(), "")
                }
            }
            None => (&empty, "", ""),
        }
    } else {
        match spec_meta
            .and_then(|s| s.root.get("implementations"))
            .and_then(|i| i.get(&f.library))
        {
            Some(node) if matches!(node.value, Value::Map(_)) => {
                let s = spec_meta.map_or(("", ""), |s| (s.rel.as_str(), s.text.as_str()));
                (node, s.0, s.1)
            }
            Some(node) if !node.value.is_truthy() => (&empty, "", ""),
            Some(node) => {
                let s = spec_meta.map_or(("", ""), |s| (s.rel.as_str(), s.text.as_str()));
                out.report(
                    s.0,
                    Some(s.1),
                    Diagnostic::error(
                        "plotsql::impl::metadata_not_mapping",
                        format!("`implementations.{}` must be a mapping", f.library),
                    )
                    .at(node.span)
                    .help("write the implementation's metadata as a mapping"),
                );
                return None;
            }
            None => (&empty, "", ""),
        }
    };
    let c: &Node = match m.get("current") {
        Some(cur) if cur.value.is_truthy() => {
            if matches!(cur.value, Value::Map(_)) {
                cur
            } else {
                out.report(
                    mrel,
                    Some(mtext),
                    Diagnostic::error(
                        "plotsql::impl::current_not_mapping",
                        format!(
                            "`current` must be a mapping, found {}",
                            convert::kind_name(&cur.value)
                        ),
                    )
                    .at(cur.span)
                    .help("write `current:` as a mapping of the current values"),
                );
                return None;
            }
        }
        _ => m,
    };
    let review: &Node = match m.get("review") {
        Some(r) if matches!(r.value, Value::Map(_)) => r,
        Some(r) if !r.value.is_truthy() => &empty,
        Some(r) => {
            out.report(
                mrel,
                Some(mtext),
                Diagnostic::error(
                    "plotsql::impl::review_not_mapping",
                    format!(
                        "`review` must be a mapping, found {}",
                        convert::kind_name(&r.value)
                    ),
                )
                .at(r.span)
                .help("write `review:` as a mapping with strengths, weaknesses and verdict"),
            );
            return None;
        }
        None => &empty,
    };
    let cm = |key: &str| convert::or(c.get(key), m.get(key));

    let preview_url_light = convert::text(
        "preview_url_light",
        convert::or(m.get("preview_url_light"), m.get("preview_url")),
    );
    let preview_url_dark = convert::text("preview_url_dark", m.get("preview_url_dark"));
    let preview_html_light = convert::text(
        "preview_html_light",
        convert::or(m.get("preview_html_light"), m.get("preview_html")),
    );
    let preview_html_dark = convert::text("preview_html_dark", m.get("preview_html_dark"));
    let python_version = convert::text("python_version", cm("python_version"));
    let library_version = convert::text("library_version", cm("library_version"));
    let generated_by = convert::text_max("generated_by", cm("generated_by"), GENERATED_BY_MAX);
    let workflow_run = convert::integer("workflow_run", cm("workflow_run"), 64);
    let issue = convert::integer("issue", cm("issue"), 32);
    let strengths = convert::text_list("review.strengths", review.get("strengths"));
    let weaknesses = convert::text_list("review.weaknesses", review.get("weaknesses"));
    let image_description =
        convert::text("review.image_description", review.get("image_description"));
    let checklist = convert::json(
        "review.criteria_checklist",
        review.get("criteria_checklist"),
        JsonMode::Strict,
    );
    let verdict = convert::verdict("review.verdict", review.get("verdict"));
    let impl_tags = convert::json("impl_tags", m.get("impl_tags"), JsonMode::Strict);
    let generated_at = convert::timestamp(
        "generated_at",
        convert::or(c.get("generated_at"), m.get("created")),
    );
    let updated = convert::timestamp("updated", m.get("updated"));
    let quality_score = convert::quality_score("quality_score", cm("quality_score"));

    let preview_url_light = take(out, &mut ok, mrel, mtext, preview_url_light);
    let preview_url_dark = take(out, &mut ok, mrel, mtext, preview_url_dark);
    let preview_html_light = take(out, &mut ok, mrel, mtext, preview_html_light);
    let preview_html_dark = take(out, &mut ok, mrel, mtext, preview_html_dark);
    let python_version = take(out, &mut ok, mrel, mtext, python_version);
    let library_version = take(out, &mut ok, mrel, mtext, library_version);
    let generated_by = take(out, &mut ok, mrel, mtext, generated_by);
    let workflow_run = take(out, &mut ok, mrel, mtext, workflow_run);
    let issue = take(out, &mut ok, mrel, mtext, issue);
    let strengths = take(out, &mut ok, mrel, mtext, strengths);
    let weaknesses = take(out, &mut ok, mrel, mtext, weaknesses);
    let image_description = take(out, &mut ok, mrel, mtext, image_description);
    let checklist = take(out, &mut ok, mrel, mtext, checklist);
    let verdict =
        take(out, &mut ok, mrel, mtext, verdict).and_then(|r| warn_read(out, mrel, mtext, r));
    let impl_tags = take(out, &mut ok, mrel, mtext, impl_tags);
    let generated_at = warn_read(out, mrel, mtext, generated_at);
    let updated = warn_read(out, mrel, mtext, updated);
    let quality_score = warn_read(out, mrel, mtext, quality_score);

    if !ok {
        return None;
    }
    Some(Impl {
        spec_id: spec_id.to_owned(),
        language_id: f.language.clone(),
        library_id: f.library.clone(),
        code: code.unwrap_or_default(),
        preview_url_light: preview_url_light.flatten(),
        preview_url_dark: preview_url_dark.flatten(),
        preview_html_light: preview_html_light.flatten(),
        preview_html_dark: preview_html_dark.flatten(),
        python_version: python_version.flatten(),
        library_version: library_version.flatten(),
        quality_score,
        generated_at,
        updated,
        generated_by: generated_by.flatten(),
        issue: issue.flatten().and_then(|i| i32::try_from(i).ok()),
        workflow_run: workflow_run.flatten(),
        review_strengths: strengths.unwrap_or_default(),
        review_weaknesses: weaknesses.unwrap_or_default(),
        review_image_description: image_description.flatten(),
        review_criteria_checklist: checklist.flatten(),
        review_verdict: verdict,
        impl_tags: impl_tags.flatten(),
    })
}
