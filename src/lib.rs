//! plotsql compiles a plot repository into one PostgreSQL script.
//!
//! ```text
//!  plotsql.yaml ─┐                                   ┌─ languages, libraries: insert new
//!  plots/…       ├─ reader ─▶ Model ─▶ sql ─▶ writer ┼─ specs, impls: chunked upserts
//!  (md, yaml,    │  (frontend,  (ir)   (sea-query)   └─ deletes: anti-joins on the keys
//!   code files) ─┘   diagnostics)                        all in one transaction
//! ```
//!
//! [`compile`] runs every stage; [`reader::read`], [`sql::statements`] and
//! [`writer::script`] are the stages on their own. `plotsql build` holds neither the whole
//! repository nor the whole script: [`stream::read`] reads and checks the spec folders a
//! window at a time, rendering the implementations' upserts as their chunks fill, and
//! [`stream::Streamed::write_to`] writes the script in order once everything is known to
//! be clean (the same bytes as [`compile`]).

pub mod diagnostics;
pub mod error;
#[doc(hidden)]
pub mod fuzzing;
pub mod ir;
pub(crate) mod python;
pub mod reader;
pub mod render;
pub mod source;
pub mod sql;
pub mod stream;
pub mod writer;
pub mod yaml;

use std::path::Path;

pub use diagnostics::{Diagnostic, Diagnostics, Severity};
pub use error::Error;

/// The target schema's DDL, as `plotsql schema` prints it.
pub const SCHEMA_SQL: &str = include_str!("schema.sql");

/// Everything `plotsql build` can be told.
#[derive(Debug, Clone, Default)]
pub struct BuildOptions {
    /// How to read the repository.
    pub read: reader::ReadOptions,
    /// How to cut statements.
    pub sql: sql::SqlOptions,
    /// How to end the script.
    pub script: writer::ScriptOptions,
    /// Warnings count as errors.
    pub strict: bool,
    /// Accept a repository without specs (its script deletes every spec).
    pub allow_empty: bool,
}

/// The outcome of a build.
#[derive(Debug, Clone)]
pub struct Build {
    /// What was read, with its diagnostics.
    pub reading: reader::Reading,
    /// The script, when there was no error.
    pub script: Option<String>,
}

/// Reads and checks the repository at `repo`: everything `build` does before it writes.
/// The script may be written (see [`writer::Script`]) only when the reading's diagnostics
/// have no error.
///
/// # Errors
/// When the repository cannot be read at all (see [`Error`]).
pub fn check(repo: &Path, options: &BuildOptions) -> Result<reader::Reading, Error> {
    let mut reading = reader::read(repo, &options.read)?;
    finish_check(&mut reading, options);
    Ok(reading)
}

/// The checks on a whole reading: `--strict`, and a repository without specs.
pub(crate) fn finish_check(reading: &mut reader::Reading, options: &BuildOptions) {
    if options.strict {
        reading.diagnostics.make_strict();
    }
    if reading.model.specs.is_empty() && !options.allow_empty && !reading.diagnostics.has_errors() {
        reading.diagnostics.push(stream::empty_repository());
    }
}

/// Plans the script of a checked, error-free `model`; nothing is rendered or written yet.
///
/// # Errors
/// [`Error::Internal`] when a statement cannot be built, which would be a bug.
pub fn script<'a>(
    model: &'a ir::Model,
    options: &'a BuildOptions,
) -> Result<writer::Script<'a>, Error> {
    writer::Script::new(model, &options.sql, &options.script)
        .map_err(|e| Error::Internal(e.to_string()))
}

/// Reads the repository at `repo` and, when it has no error, renders the script in memory.
/// (`plotsql build` streams it instead: [`stream::read`], then
/// [`stream::Streamed::write_to`].)
///
/// # Errors
/// When the repository cannot be read at all (see [`Error`]).
pub fn compile(repo: &Path, options: &BuildOptions) -> Result<Build, Error> {
    let reading = check(repo, options)?;
    if reading.diagnostics.has_errors() {
        return Ok(Build {
            reading,
            script: None,
        });
    }
    let script = script(&reading.model, options)?.render();
    Ok(Build {
        reading,
        script: Some(script),
    })
}
