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
//! [`writer::script`] are the stages on their own.

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

/// Reads the repository at `repo` and, when it has no error, writes the script.
///
/// # Errors
/// When the repository cannot be read at all (see [`Error`]).
pub fn compile(repo: &Path, options: &BuildOptions) -> Result<Build, Error> {
    let mut reading = reader::read(repo, &options.read)?;
    if options.strict {
        reading.diagnostics.make_strict();
    }
    if reading.model.specs.is_empty() && !options.allow_empty && !reading.diagnostics.has_errors() {
        reading.diagnostics.push(
            Diagnostic::error(
                "plotsql::repo::empty",
                "the repository has no specs: its script would delete every spec and implementation",
            )
            .in_file("plots")
            .label("no spec folder here")
            .help("check the path; pass `--allow-empty` if emptying the tables is intended"),
        );
    }
    if reading.diagnostics.has_errors() {
        return Ok(Build {
            reading,
            script: None,
        });
    }
    let statements = sql::statements(&reading.model, &options.sql)
        .map_err(|e| Error::Internal(e.to_string()))?;
    let counts = writer::Counts::of(&reading.model);
    let script = writer::script_owned(statements, counts, &options.script);
    Ok(Build {
        reading,
        script: Some(script),
    })
}
