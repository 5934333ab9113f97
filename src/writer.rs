//! Writes the statements as one psql script.
//!
//! Layout, in order:
//! 1. psql settings and `SET client_encoding = 'UTF8';` on its own (round trip 1), so psql
//!    reads everything after it as UTF-8 whatever the client encoding was;
//! 2. one query string (round trip 2): the rest of the session settings, `BEGIN`, a
//!    transaction-scoped advisory lock that serialises concurrent syncs, the report table,
//!    the completion guard (a script cut short cannot commit), every statement, the optional
//!    `--max-delete` guard, the completion mark, `COMMIT` and the change report.
//!    The statements are joined with psql's `\;`, which makes psql send them together;
//!    the server runs them in order and stops at the first error, which aborts the
//!    transaction, so nothing is written.
//!
//! Same statements, same bytes: no clocks, paths or versions in the text.

use std::fmt::Write as _;

use crate::sql::{Action, Statement};

/// The advisory lock key every plotsql script takes before writing: the ASCII bytes of
/// `plotsql` read as a big-endian integer.
pub const ADVISORY_LOCK_KEY: i64 = 0x0070_6c6f_7473_716c;

/// Most bytes psql sends as one query string. PostgreSQL refuses a message over 1 GB, so a
/// larger script is cut into several query strings, one more round trip each; the one
/// transaction still spans them all.
pub const MAX_QUERY_BYTES: usize = 256 * 1024 * 1024;

/// How the script ends and what it guards.
#[derive(Debug, Clone)]
pub struct ScriptOptions {
    /// End with `ROLLBACK` instead of `COMMIT`: show the effect, change nothing.
    pub plan: bool,
    /// Abort (and roll back) when the deletes would remove more rows than this.
    pub max_delete: Option<u64>,
    /// Cut the script into query strings of at most about this many bytes
    /// ([`MAX_QUERY_BYTES`] by default).
    pub max_query_bytes: usize,
}

impl Default for ScriptOptions {
    fn default() -> Self {
        Self {
            plan: false,
            max_delete: None,
            max_query_bytes: MAX_QUERY_BYTES,
        }
    }
}

/// Counts shown in the script's header.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    /// Languages in the catalog.
    pub languages: usize,
    /// Libraries in the catalog.
    pub libraries: usize,
    /// Specs.
    pub specs: usize,
    /// Implementations.
    pub impls: usize,
}

impl Counts {
    /// The counts of a model.
    #[must_use]
    pub fn of(model: &crate::ir::Model) -> Self {
        Self {
            languages: model.catalog.languages.len(),
            libraries: model.catalog.libraries.len(),
            specs: model.specs.len(),
            impls: model.impls.len(),
        }
    }
}

const REPORT_QUERY: &str = "SELECT \"tbl\" AS \"table\", sum(\"inserted\") AS \"inserted\", sum(\"updated\") AS \"updated\", \
sum(\"unchanged\") AS \"unchanged\", sum(\"deleted\") AS \"deleted\" FROM pg_temp.plotsql_report \
GROUP BY \"tbl\" ORDER BY min(\"ord\")";

/// Makes a script cut short unable to commit. psql sends what it has read at the end of its
/// input, and `psql -1` then commits it: a truncated file would commit the statements before
/// the cut. Row 1 needs row 2, which only [`COMPLETION_MARK`], just before `COMMIT`, adds;
/// the check is deferred to commit time, so any commit before that mark fails and rolls
/// back. (Plan mode never adds the mark: it never commits.)
const COMPLETION_GUARD: &str = "-- A script cut short cannot commit (not even under `psql -1`): see the last statement.\n\
DROP TABLE IF EXISTS pg_temp.plotsql_complete \\;\n\
CREATE TABLE pg_temp.plotsql_complete (\"step\" int PRIMARY KEY, \"needs\" int REFERENCES pg_temp.plotsql_complete \
DEFERRABLE INITIALLY DEFERRED) \\;\n\
INSERT INTO pg_temp.plotsql_complete VALUES (1, 2) \\;\n";

/// The last statement before `COMMIT`: the script was read to its end.
const COMPLETION_MARK: &str = "INSERT INTO pg_temp.plotsql_complete VALUES (2, NULL) \\;\n";

/// The whole script.
#[must_use]
pub fn script(statements: &[Statement], counts: Counts, options: &ScriptOptions) -> String {
    let size: usize = statements.iter().map(|s| s.sql.len() + 64).sum();
    write_script(statements, size, counts, options)
}

/// [`script`] taking the statements by value: each is freed as soon as it is written, so
/// the statements and the script are not held in full at the same time.
#[must_use]
pub fn script_owned(statements: Vec<Statement>, counts: Counts, options: &ScriptOptions) -> String {
    let size: usize = statements.iter().map(|s| s.sql.len() + 64).sum();
    write_script(statements, size, counts, options)
}

fn write_script<S: std::borrow::Borrow<Statement>>(
    statements: impl IntoIterator<Item = S>,
    size: usize,
    counts: Counts,
    options: &ScriptOptions,
) -> String {
    let mut out = String::with_capacity(size + 4096);
    let _ = write!(
        out,
        "-- plotsql sync script. Generated; do not edit.\n\
         -- {} languages, {} libraries, {} specs, {} implementations.\n\
         -- Apply with: psql -X -d \"$DATABASE_URL\" -f <this file>\n",
        counts.languages, counts.libraries, counts.specs, counts.impls
    );
    if options.plan {
        out.push_str(
            "-- Plan mode: the transaction is rolled back at the end; nothing is changed.\n",
        );
    }
    out.push_str(
        "\n\\set ON_ERROR_STOP on\n\
         \\set QUIET on\n\
         SET client_encoding = 'UTF8';\n\
         \n\
         -- From here on, psql sends everything as one query (statements joined by \\;).\n\
         SET standard_conforming_strings = on \\;\n\
         SET search_path = pg_catalog \\;\n\
         SET client_min_messages = warning \\;\n\
         BEGIN \\;\n",
    );
    let _ = write!(
        out,
        "-- One sync at a time: a second one waits here until the first commits.\n\
         DO $lock$ BEGIN PERFORM pg_catalog.pg_advisory_xact_lock({ADVISORY_LOCK_KEY}); END $lock$ \\;\n"
    );
    out.push_str(
        "DROP TABLE IF EXISTS pg_temp.plotsql_report \\;\n\
         CREATE TABLE pg_temp.plotsql_report (\"ord\" serial, \"tbl\" text, \"inserted\" bigint, \"updated\" bigint, \
         \"unchanged\" bigint, \"deleted\" bigint) \\;\n",
    );
    out.push_str(COMPLETION_GUARD);
    let mut query_start = 0;
    for s in statements {
        let s = s.borrow();
        if out.len() - query_start + s.sql.len() > options.max_query_bytes
            && query_start < out.len()
        {
            // An empty statement ends psql's query buffer: what came before goes as one query.
            out.push_str(
                "\n-- psql sends the statements so far as one query (PostgreSQL takes at most 1 GB).\n;\n",
            );
            query_start = out.len();
        }
        let _ = write!(
            out,
            "\n-- {}: {}\n{} \\;\n",
            s.table.name(),
            describe(s),
            s.sql
        );
    }
    if let Some(max) = options.max_delete {
        let _ = write!(
            out,
            "\n-- --max-delete {max}: abort (and roll back) when the deletes remove more rows.\n\
             DO $guard$ DECLARE n bigint; BEGIN \
             SELECT coalesce(sum(\"deleted\"), 0) INTO n FROM pg_temp.plotsql_report; \
             IF n > {max} THEN RAISE EXCEPTION 'plotsql: this sync would delete % rows, more than --max-delete {max}; nothing was changed', n; END IF; \
             END $guard$ \\;\n"
        );
    }
    out.push('\n');
    if options.plan {
        let _ = write!(
            out,
            "-- Change report, then undo everything.\n{REPORT_QUERY} \\;\nROLLBACK;\n"
        );
    } else {
        let _ = write!(
            out,
            "{COMPLETION_MARK}COMMIT \\;\n-- Change report.\n{REPORT_QUERY};\n"
        );
    }
    out
}

fn describe(s: &Statement) -> String {
    let rows = if s.rows == 1 {
        "row".to_owned()
    } else {
        "rows".to_owned()
    };
    match s.action {
        Action::InsertNew => format!("insert {} new {rows}, keep existing ones", s.rows),
        Action::Upsert => format!("insert or update {} {rows}", s.rows),
        Action::Delete => format!("delete rows whose key is not among these {}", s.rows),
    }
}
