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
//!
//! [`Script::write_to`] streams the script to any `io::Write`, rendering the statements in
//! parallel and writing each in its turn, so the whole script is never in memory (this is
//! what `plotsql build` does). [`script`] and [`Script::render`] give it as one string, with
//! the same bytes; [`ScriptWriter`] writes statements one by one as they come.

use std::io;

use crate::ir::Model;
use crate::sql::{self, Action, Statement};

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

/// Where a script goes: a string, or anything `io::Write`.
trait Sink {
    type Error;
    fn put(&mut self, s: &str) -> Result<(), Self::Error>;
}

impl Sink for String {
    type Error = std::convert::Infallible;
    fn put(&mut self, s: &str) -> Result<(), Self::Error> {
        self.push_str(s);
        Ok(())
    }
}

/// An `io::Write` as a [`Sink`].
struct Io<W>(W);

impl<W: io::Write> Sink for Io<W> {
    type Error = io::Error;
    fn put(&mut self, s: &str) -> io::Result<()> {
        self.0.write_all(s.as_bytes())
    }
}

/// The script being written: its bytes so far, and where the current query string began.
struct Core<'o, S> {
    out: S,
    options: &'o ScriptOptions,
    written: usize,
    query_start: usize,
}

impl<'o, S: Sink> Core<'o, S> {
    fn put(&mut self, s: &str) -> Result<(), S::Error> {
        self.out.put(s)?;
        self.written += s.len();
        Ok(())
    }

    /// Everything before the first statement.
    fn begin(out: S, counts: Counts, options: &'o ScriptOptions) -> Result<Self, S::Error> {
        let mut core = Self {
            out,
            options,
            written: 0,
            query_start: 0,
        };
        core.put(&format!(
            "-- plotsql sync script. Generated; do not edit.\n\
             -- {} languages, {} libraries, {} specs, {} implementations.\n\
             -- Apply with: psql -X -d \"$DATABASE_URL\" -f <this file>\n",
            counts.languages, counts.libraries, counts.specs, counts.impls
        ))?;
        if options.plan {
            core.put(
                "-- Plan mode: the transaction is rolled back at the end; nothing is changed.\n",
            )?;
        }
        core.put(
            "\n\\set ON_ERROR_STOP on\n\
             \\set QUIET on\n\
             SET client_encoding = 'UTF8';\n\
             \n\
             -- From here on, psql sends everything as one query (statements joined by \\;).\n\
             SET standard_conforming_strings = on \\;\n\
             SET search_path = pg_catalog \\;\n\
             SET client_min_messages = warning \\;\n\
             BEGIN \\;\n",
        )?;
        core.put(&format!(
            "-- One sync at a time: a second one waits here until the first commits.\n\
             DO $lock$ BEGIN PERFORM pg_catalog.pg_advisory_xact_lock({ADVISORY_LOCK_KEY}); END $lock$ \\;\n"
        ))?;
        core.put(
            "DROP TABLE IF EXISTS pg_temp.plotsql_report \\;\n\
             CREATE TABLE pg_temp.plotsql_report (\"ord\" serial, \"tbl\" text, \"inserted\" bigint, \"updated\" bigint, \
             \"unchanged\" bigint, \"deleted\" bigint) \\;\n",
        )?;
        core.put(COMPLETION_GUARD)?;
        Ok(core)
    }

    /// One statement, after an end of the query string when the current one would grow
    /// past `max_query_bytes`.
    fn statement(&mut self, s: &Statement) -> Result<(), S::Error> {
        if self.written - self.query_start + s.sql.len() > self.options.max_query_bytes
            && self.query_start < self.written
        {
            // An empty statement ends psql's query buffer: what came before goes as one query.
            self.put(
                "\n-- psql sends the statements so far as one query (PostgreSQL takes at most 1 GB).\n;\n",
            )?;
            self.query_start = self.written;
        }
        self.put(&format!("\n-- {}: {}\n", s.table.name(), describe(s)))?;
        self.put(&s.sql)?;
        self.put(" \\;\n")
    }

    /// Everything after the last statement.
    fn finish(mut self) -> Result<S, S::Error> {
        if let Some(max) = self.options.max_delete {
            self.put(&format!(
                "\n-- --max-delete {max}: abort (and roll back) when the deletes remove more rows.\n\
                 DO $guard$ DECLARE n bigint; BEGIN \
                 SELECT coalesce(sum(\"deleted\"), 0) INTO n FROM pg_temp.plotsql_report; \
                 IF n > {max} THEN RAISE EXCEPTION 'plotsql: this sync would delete % rows, more than --max-delete {max}; nothing was changed', n; END IF; \
                 END $guard$ \\;\n"
            ))?;
        }
        self.put("\n")?;
        if self.options.plan {
            self.put(&format!(
                "-- Change report, then undo everything.\n{REPORT_QUERY} \\;\nROLLBACK;\n"
            ))?;
        } else {
            self.put(&format!(
                "{COMPLETION_MARK}COMMIT \\;\n-- Change report.\n{REPORT_QUERY};\n"
            ))?;
        }
        Ok(self.out)
    }
}

fn infallible<T>(r: Result<T, std::convert::Infallible>) -> T {
    match r {
        Ok(t) => t,
        Err(never) => match never {},
    }
}

/// The whole script, `statements` in order, to `out`.
fn write_all<S: Sink, T: std::borrow::Borrow<Statement>>(
    out: S,
    statements: impl IntoIterator<Item = T>,
    counts: Counts,
    options: &ScriptOptions,
) -> Result<S, S::Error> {
    let mut core = Core::begin(out, counts, options)?;
    for s in statements {
        core.statement(s.borrow())?;
    }
    core.finish()
}

/// Writes a script to an `io::Write` piece by piece: [`ScriptWriter::begin`], then each
/// statement as it comes, then [`ScriptWriter::finish`]. Gives the same bytes as [`script`].
pub struct ScriptWriter<'o, W: io::Write> {
    core: Core<'o, Io<W>>,
}

impl<W: io::Write> std::fmt::Debug for ScriptWriter<'_, W> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ScriptWriter")
            .field("written", &self.core.written)
            .finish_non_exhaustive()
    }
}

impl<'o, W: io::Write> ScriptWriter<'o, W> {
    /// Writes the script's beginning to `out`.
    ///
    /// # Errors
    /// When writing to `out` fails.
    pub fn begin(out: W, counts: Counts, options: &'o ScriptOptions) -> io::Result<Self> {
        Ok(Self {
            core: Core::begin(Io(out), counts, options)?,
        })
    }

    /// Writes one statement.
    ///
    /// # Errors
    /// When writing to `out` fails.
    pub fn statement(&mut self, statement: &Statement) -> io::Result<()> {
        self.core.statement(statement)
    }

    /// Writes the script's end and flushes `out`, which it returns.
    ///
    /// # Errors
    /// When writing to `out` fails.
    pub fn finish(self) -> io::Result<W> {
        let Io(mut out) = self.core.finish()?;
        out.flush()?;
        Ok(out)
    }
}

/// The whole script.
#[must_use]
pub fn script(statements: &[Statement], counts: Counts, options: &ScriptOptions) -> String {
    let size: usize = statements.iter().map(|s| s.sql.len() + 64).sum();
    collect(statements, size, counts, options)
}

/// [`script`] taking the statements by value: each is freed as soon as it is written, so
/// the statements and the script are not held in full at the same time.
#[must_use]
pub fn script_owned(statements: Vec<Statement>, counts: Counts, options: &ScriptOptions) -> String {
    let size: usize = statements.iter().map(|s| s.sql.len() + 64).sum();
    collect(statements, size, counts, options)
}

fn collect<T: std::borrow::Borrow<Statement>>(
    statements: impl IntoIterator<Item = T>,
    size: usize,
    counts: Counts,
    options: &ScriptOptions,
) -> String {
    infallible(write_all(
        String::with_capacity(size + 4096),
        statements,
        counts,
        options,
    ))
}

/// A script ready to be written: its statements planned, none rendered yet.
///
/// Building one does everything that can fail but writing, so nothing is written for a
/// script that cannot be built. [`Script::write_to`] then renders the statements in parallel
/// and writes each as soon as its turn comes, holding only a few at a time.
#[derive(Debug)]
pub struct Script<'a> {
    plan: sql::Plan<'a>,
    counts: Counts,
    options: &'a ScriptOptions,
}

impl<'a> Script<'a> {
    /// Plans the script of `model`.
    ///
    /// # Errors
    /// Only if a statement cannot be built, which would be a bug.
    pub fn new(
        model: &'a Model,
        sql: &sql::SqlOptions,
        options: &'a ScriptOptions,
    ) -> Result<Self, sql::Error> {
        Ok(Self {
            plan: sql::Plan::new(model, sql)?,
            counts: Counts::of(model),
            options,
        })
    }

    /// Writes the script to `out` (best buffered) and flushes it; returns `out`.
    ///
    /// # Errors
    /// The first error writing to `out`; the script is then cut short, and cannot commit.
    pub fn write_to<W: io::Write>(&self, out: W) -> io::Result<W> {
        let Io(mut out) = self.stream(Io(out))?;
        out.flush()?;
        Ok(out)
    }

    /// The whole script as one string.
    #[must_use]
    pub fn render(&self) -> String {
        infallible(self.stream(String::new()))
    }

    /// Renders the statements in parallel and writes each to `out` in its turn.
    fn stream<S: Sink>(&self, out: S) -> Result<S, S::Error> {
        let mut core = Core::begin(out, self.counts, self.options)?;
        self.plan.for_each(|s| core.statement(&s))?;
        core.finish()
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    fn demo() -> Model {
        let repo = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/demo");
        crate::reader::read(&repo, &crate::reader::ReadOptions::default())
            .unwrap()
            .model
    }

    fn sql() -> sql::SqlOptions {
        sql::SqlOptions {
            chunk_size: 2,
            ..sql::SqlOptions::default()
        }
    }

    /// Joined from rendered statements, rendered by the plan, streamed, and written piece
    /// by piece: the same bytes, for every way of cutting the script into query strings.
    #[test]
    fn every_way_of_writing_gives_the_same_bytes() {
        let model = demo();
        let sql_options = sql();
        let statements = sql::statements(&model, &sql_options).unwrap();
        assert!(statements.len() > 6, "{}", statements.len());
        let counts = Counts::of(&model);
        for max_query_bytes in [0, 1, 1500, 4000, 20_000, MAX_QUERY_BYTES] {
            for (plan, max_delete) in [(false, None), (true, Some(5))] {
                let options = ScriptOptions {
                    plan,
                    max_delete,
                    max_query_bytes,
                };
                let joined = script(&statements, counts, &options);
                assert_eq!(script_owned(statements.clone(), counts, &options), joined);
                let planned = Script::new(&model, &sql_options, &options).unwrap();
                assert_eq!(planned.render(), joined);
                assert_eq!(planned.write_to(Vec::new()).unwrap(), joined.as_bytes());
                let mut writer = ScriptWriter::begin(Vec::new(), counts, &options).unwrap();
                for s in &statements {
                    writer.statement(s).unwrap();
                }
                assert_eq!(writer.finish().unwrap(), joined.as_bytes());
                // Cut only between statements, never twice in a row.
                let cut = "\n-- psql sends the statements so far as one query";
                let queries: Vec<&str> = joined.split(cut).collect();
                assert_eq!(queries.len() > 1, max_query_bytes < joined.len());
                assert!(queries.iter().all(|q| q.contains(" \\;\n")));
            }
        }
    }

    /// The order holds however the statements are rendered: on the default pool, on a
    /// one-thread pool, and from inside a pool thread (which renders them itself).
    #[test]
    fn statements_come_in_order_on_any_pool() {
        let model = demo();
        let sql_options = sql();
        let options = ScriptOptions::default();
        let joined = script(
            &sql::statements(&model, &sql_options).unwrap(),
            Counts::of(&model),
            &options,
        );
        let planned = Script::new(&model, &sql_options, &options).unwrap();
        for threads in [1, 2, 3] {
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .unwrap();
            assert_eq!(pool.install(|| planned.render()), joined);
        }
        assert_eq!(planned.render(), joined);
    }

    /// Fails once `room` bytes are written.
    #[derive(Debug)]
    struct Full {
        room: usize,
    }

    impl io::Write for Full {
        fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
            if buf.len() > self.room {
                return Err(io::Error::new(io::ErrorKind::StorageFull, "full"));
            }
            self.room -= buf.len();
            Ok(buf.len())
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn a_failing_write_stops_the_stream() {
        let model = demo();
        let sql_options = sql();
        let options = ScriptOptions::default();
        let planned = Script::new(&model, &sql_options, &options).unwrap();
        for room in [0, 100, 5000] {
            let err = planned.write_to(Full { room }).unwrap_err();
            assert_eq!(err.kind(), io::ErrorKind::StorageFull);
        }
        let mut seen = 0;
        let stopped: Result<(), usize> = planned.plan.for_each(|_| {
            seen += 1;
            if seen == 3 { Err(seen) } else { Ok(()) }
        });
        assert_eq!(stopped, Err(3));
        assert_eq!(seen, 3);
    }
}
