//! Builds whose memory does not grow with the repository.
//!
//! [`crate::compile`] holds every row before it renders the first statement. [`read`]
//! reads the spec folders a window at a time instead, renders each chunk of
//! implementations (nineteen twentieths of a repository's bytes) as soon as its rows are
//! in, and keeps only the specs (small), the implementations' keys (for the delete) and the
//! rendered upserts; once those exceed [`StreamOptions::spill_after`] bytes they go to an
//! unnamed temporary file. [`Streamed::write_to`] then writes the script, reading the
//! upserts back one at a time. The script is byte for byte the one [`crate::compile`]
//! renders (the tests hold it to that): chunk boundaries depend only on the keys, and the
//! rows arrive in key order.
//!
//! Nothing is written before the whole repository is read and checked: a repository with
//! errors still writes nothing.

use std::fs::File;
use std::io::{self, Read, Seek, Write};
use std::path::Path;

use rayon::prelude::*;

use crate::error::Error;
use crate::ir::Impl;
use crate::reader::{self, Reading};
use crate::sql::{self, Action, Chunker, Plan, Statement, Table};
use crate::writer::{Counts, ScriptWriter};
use crate::{BuildOptions, Diagnostic};

/// How a streamed build holds its data.
#[derive(Debug, Clone, Copy)]
pub struct StreamOptions {
    /// Spec folders read at a time (in parallel).
    pub window: usize,
    /// Bytes of rendered upserts kept in memory; beyond them they go to a temporary file.
    pub spill_after: usize,
}

impl Default for StreamOptions {
    fn default() -> Self {
        Self {
            window: 64,
            spill_after: 64 * 1024 * 1024,
        }
    }
}

/// A read and checked repository, ready to be written as a script.
#[derive(Debug)]
pub struct Streamed {
    /// What was read: the catalog and the specs (the implementations are below), and the
    /// diagnostics. Write the script only when they have no error.
    pub reading: Reading,
    /// How many implementations were read.
    pub impls: usize,
    /// Every implementation's key, in order.
    keys: Vec<[String; 3]>,
    /// The implementations' upserts, in order.
    upserts: Upserts,
}

/// Rendered upserts: the first ones in a temporary file, the rest in memory.
#[derive(Debug, Default)]
struct Upserts {
    spilled: Option<File>,
    /// (bytes, rows) of each statement in the file, in order.
    spilled_sizes: Vec<(usize, usize)>,
    held: Vec<Statement>,
    held_bytes: usize,
    /// The first error writing the file: reported when the script is written.
    error: Option<io::Error>,
}

impl Upserts {
    fn push(&mut self, statement: Statement, spill_after: usize) {
        self.held_bytes += statement.sql.len();
        self.held.push(statement);
        if self.held_bytes > spill_after
            && self.error.is_none()
            && let Err(e) = self.spill()
        {
            self.error = Some(e);
        }
    }

    fn spill(&mut self) -> io::Result<()> {
        let file = match &mut self.spilled {
            Some(file) => file,
            None => self.spilled.insert(tempfile::tempfile()?),
        };
        let mut out = io::BufWriter::new(file);
        for s in self.held.drain(..) {
            out.write_all(s.sql.as_bytes())?;
            self.spilled_sizes.push((s.sql.len(), s.rows));
        }
        out.flush()?;
        self.held_bytes = 0;
        Ok(())
    }
}

/// Reads and checks the repository at `repo` as [`crate::check`] does, rendering the
/// implementations' upserts as it goes (none once an error is found).
///
/// # Errors
/// When the repository cannot be read at all (see [`Error`]), or a statement cannot be
/// built (a bug).
pub fn read(repo: &Path, options: &BuildOptions, stream: StreamOptions) -> Result<Streamed, Error> {
    let internal = |e: sql::Error| Error::Internal(e.to_string());
    // The upsert's text does not depend on the model: any model gives the template.
    let empty = crate::ir::Model::default();
    let plan = Plan::streaming(&empty, &options.sql, true).map_err(internal)?;
    let mut chunker = Chunker::new(options.sql.chunk_size);
    let mut open: Vec<Impl> = Vec::new();
    let mut keys: Vec<[String; 3]> = Vec::new();
    let mut upserts = Upserts::default();
    let mut impls = 0;
    let mut failed = false;
    let mut reading =
        reader::read_windows(repo, &options.read, stream.window, |errors, window| {
            impls += window.len();
            failed = failed || errors;
            if failed {
                return;
            }
            // Cut the rows into chunks as `compile` does; the last may stay open.
            let mut chunks: Vec<Vec<Impl>> = Vec::new();
            for row in window {
                let cut = chunker.push(sql::impl_chunk_key(&row).as_bytes());
                keys.push([
                    row.spec_id.clone(),
                    row.language_id.clone(),
                    row.library_id.clone(),
                ]);
                open.push(row);
                if cut {
                    chunks.push(std::mem::take(&mut open));
                }
            }
            let rendered: Vec<Statement> = chunks
                .par_iter()
                .map(|rows| plan.impl_statement(rows))
                .collect();
            for s in rendered {
                upserts.push(s, stream.spill_after);
            }
        })?;
    if !open.is_empty() {
        upserts.push(plan.impl_statement(&open), stream.spill_after);
    }
    crate::finish_check(&mut reading, options);
    Ok(Streamed {
        reading,
        impls,
        keys,
        upserts,
    })
}

/// [`crate::check`] a window at a time: the diagnostics and the specs, and how many
/// implementations there are, without holding the implementations.
///
/// # Errors
/// When the repository cannot be read at all (see [`Error`]).
pub fn check(
    repo: &Path,
    options: &BuildOptions,
    stream: StreamOptions,
) -> Result<(Reading, usize), Error> {
    let mut impls = 0;
    let mut reading = reader::read_windows(repo, &options.read, stream.window, |_, window| {
        impls += window.len();
    })?;
    crate::finish_check(&mut reading, options);
    Ok((reading, impls))
}

impl Streamed {
    /// Writes the script to `out` (best buffered) and flushes it; returns `out`. Call only
    /// when the reading has no error.
    ///
    /// # Errors
    /// The first error writing to `out` or reading the temporary file back; the script is
    /// then cut short, and cannot commit. [`io::ErrorKind::InvalidInput`] when the reading
    /// has errors (nothing is written then).
    pub fn write_to<W: Write>(mut self, out: W, options: &BuildOptions) -> io::Result<W> {
        if self.reading.diagnostics.has_errors() {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                "the repository has errors: no script",
            ));
        }
        if let Some(e) = self.upserts.error.take() {
            return Err(e);
        }
        let model = &self.reading.model;
        let plan = Plan::streaming(model, &options.sql, self.impls > 0)
            .map_err(|e| io::Error::other(e.to_string()))?;
        let counts = Counts {
            impls: self.impls,
            ..Counts::of(model)
        };
        let mut w = ScriptWriter::begin(out, counts, &options.script)?;
        let head = plan.before_impls();
        for index in 0..head {
            if let Some(s) = plan.render(index) {
                w.statement(&s)?;
            }
        }
        if let Some(mut file) = self.upserts.spilled.take() {
            file.rewind()?;
            let mut file = io::BufReader::with_capacity(1 << 20, file);
            let mut bytes = Vec::new();
            for &(len, rows) in &self.upserts.spilled_sizes {
                bytes.clear();
                (&mut file).take(len as u64).read_to_end(&mut bytes)?;
                let sql = String::from_utf8(std::mem::take(&mut bytes))
                    .map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e))?;
                let statement = upsert(sql, rows);
                w.statement(&statement)?;
                bytes = statement.sql.into_bytes();
            }
        }
        for s in self.upserts.held.drain(..) {
            w.statement(&s)?;
        }
        w.statement(&plan.impl_delete(&self.keys))?;
        for index in head..plan.len() {
            if let Some(s) = plan.render(index) {
                w.statement(&s)?;
            }
        }
        w.finish()
    }
}

fn upsert(sql: String, rows: usize) -> Statement {
    Statement {
        table: Table::Impls,
        action: Action::Upsert,
        rows,
        sql,
    }
}

/// The error [`crate::check`] adds for a repository without specs.
pub(crate) fn empty_repository() -> Diagnostic {
    Diagnostic::error(
        "plotsql::repo::empty",
        "the repository has no specs: its script would delete every spec and implementation",
    )
    .in_file("plots")
    .label("no spec folder here")
    .help("check the path; pass `--allow-empty` if emptying the tables is intended")
}
