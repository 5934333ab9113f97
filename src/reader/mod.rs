//! Frontend: reads a plot repository into the [`Model`].
//!
//! Takes the repository folder; returns the model, every diagnostic found (sorted by file
//! and position), and the texts those diagnostics point into. It never stops at the first
//! problem: each spec folder is read on its own, so one report lists them all.

pub(crate) mod catalog;
pub(crate) mod convert;
pub(crate) mod files;
pub(crate) mod markdown;
mod spec;
pub(crate) mod yamlfile;

use std::path::Path;

use rayon::prelude::*;

use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::error::Error;
use crate::ir::Model;
use crate::source::Sources;
use files::{Kind, Root};

/// Default largest file, in bytes (16 MiB).
pub const DEFAULT_MAX_FILE_SIZE: u64 = 16 * 1024 * 1024;

/// How to read.
#[derive(Debug, Clone)]
pub struct ReadOptions {
    /// Largest file read, in bytes; larger files are an error.
    pub max_file_size: u64,
}

impl Default for ReadOptions {
    fn default() -> Self {
        Self {
            max_file_size: DEFAULT_MAX_FILE_SIZE,
        }
    }
}

/// The result of reading a repository.
#[derive(Debug, Clone, Default)]
pub struct Reading {
    /// The rows to sync; complete only when `diagnostics` has no error.
    pub model: Model,
    /// Every problem found, sorted by file and position.
    pub diagnostics: Diagnostics,
    /// Texts of the files the diagnostics point into.
    pub sources: Sources,
}

/// Extracts a `specification.md` as [`read`] does and returns how many values it found: a
/// hook for the benchmarks (`benches/`), not an API.
#[doc(hidden)]
#[must_use]
pub fn parse_markdown(text: &str) -> usize {
    let md = markdown::parse(text);
    usize::from(md.title.is_some())
        + usize::from(!md.description.is_empty())
        + md.applications.len()
        + md.data.len()
        + md.notes.len()
}

/// Reads the repository at `repo`: `repo/plotsql.yaml` and `repo/plots/`.
///
/// # Errors
/// [`Error::RepoNotFound`] when `repo` is not a folder; every problem inside the repository
/// is a diagnostic instead.
pub fn read(repo: &Path, options: &ReadOptions) -> Result<Reading, Error> {
    let mut impls = Vec::new();
    let mut reading = read_windows(repo, options, usize::MAX, |_, window| {
        impls.extend(window);
    })?;
    reading.model.impls = impls;
    Ok(reading)
}

/// [`read`] a window of spec folders at a time, for builds whose memory must not grow with
/// the repository: the implementations of each `window` folders go to `on_window`, in key
/// order (each window's keys sort after the previous one's), instead of into the model.
/// `on_window` also learns whether an error has been found so far; it runs while the next
/// window is read.
///
/// # Errors
/// As [`read`].
pub fn read_windows(
    repo: &Path,
    options: &ReadOptions,
    window: usize,
    mut on_window: impl FnMut(bool, Vec<crate::ir::Impl>) + Send,
) -> Result<Reading, Error> {
    if !repo.is_dir() {
        return Err(Error::RepoNotFound {
            path: repo.to_path_buf(),
        });
    }
    let canonical = std::fs::canonicalize(repo).map_err(|source| Error::Io {
        path: repo.to_path_buf(),
        source,
    })?;
    let root = Root {
        dir: repo.to_path_buf(),
        canonical,
        max_file_size: options.max_file_size,
    };
    let mut reading = Reading::default();
    let report = |reading: &mut Reading, d: Diagnostic| reading.diagnostics.push(d);

    // The catalog.
    let catalog_path = repo.join("plotsql.yaml");
    let catalog = match root.kind(&catalog_path) {
        Ok(Some(Kind::File)) => match files::read_text(&root, &catalog_path) {
            Ok(text) => {
                let mut found = Vec::new();
                let catalog = catalog::lower("plotsql.yaml", &text, &mut found);
                if found.iter().any(|d| d.span.is_some()) {
                    reading.sources.insert("plotsql.yaml", &text);
                }
                for d in found {
                    report(&mut reading, d);
                }
                catalog
            }
            Err(d) => {
                report(&mut reading, d);
                crate::ir::Catalog::default()
            }
        },
        Ok(other) => {
            let what = if other.is_none() {
                "is missing"
            } else {
                "is not a file"
            };
            report(
                &mut reading,
                Diagnostic::error("plotsql::catalog::missing", format!("the catalog `plotsql.yaml` {what}"))
                    .in_file("plotsql.yaml")
                    .label(what)
                    .help("create plotsql.yaml listing the languages and libraries (see `plotsql --help`)"),
            );
            crate::ir::Catalog::default()
        }
        Err(d) => {
            report(&mut reading, d);
            crate::ir::Catalog::default()
        }
    };

    // The plots.
    let plots = repo.join("plots");
    let entries = match root.kind(&plots) {
        Ok(Some(Kind::Dir)) => match files::list_dir(&root, &plots) {
            Ok((entries, problems)) => {
                for d in problems {
                    report(&mut reading, d);
                }
                entries
            }
            Err(d) => {
                report(&mut reading, d);
                Vec::new()
            }
        },
        Ok(other) => {
            let what = if other.is_none() {
                "is missing"
            } else {
                "is not a folder"
            };
            report(
                &mut reading,
                Diagnostic::error(
                    "plotsql::repo::no_plots",
                    format!("the folder `plots` {what}"),
                )
                .in_file("plots")
                .label(what)
                .help("pass the repository root, the folder that holds plots/"),
            );
            Vec::new()
        }
        Err(d) => {
            report(&mut reading, d);
            Vec::new()
        }
    };
    let folders: Vec<_> = entries
        .into_iter()
        .filter(|e| e.kind == Kind::Dir && !e.name.starts_with('.'))
        .collect();
    reading.model.catalog = catalog;
    // Spec folders are independent: read them on every core. `collect` keeps the order of
    // `folders`, so the merge below (and the script) does not depend on the thread count.
    // A folder's spec id is its name, and `folders` is sorted by name: windows come in key
    // order.
    // The implementations of the previous window, handed over while this one is read.
    let mut pending: Option<(bool, Vec<crate::ir::Impl>)> = None;
    for folders in folders.chunks(window.max(1)) {
        let catalog = &reading.model.catalog;
        let (results, ()) = rayon::join(
            || -> Vec<spec::Folder> {
                folders
                    .par_iter()
                    .map(|e| spec::read(&root, catalog, &e.name, &e.path))
                    .collect()
            },
            || {
                if let Some((failed, impls)) = pending.take() {
                    on_window(failed, impls);
                }
            },
        );
        let mut impls = Vec::new();
        for folder in results {
            reading.diagnostics.extend(folder.diagnostics);
            reading.sources.extend(folder.sources);
            if let Some(spec) = folder.spec {
                reading.model.specs.push(spec);
            }
            impls.extend(folder.impls.into_iter().map(|(i, _)| i));
        }
        impls.sort_by(|a, b| a.key().cmp(&b.key()));
        pending = Some((reading.diagnostics.has_errors(), impls));
    }
    if let Some((failed, impls)) = pending {
        on_window(failed, impls);
    }
    reading.model.specs.sort_by(|a, b| a.id.cmp(&b.id));
    reading.diagnostics.sort();
    Ok(reading)
}
