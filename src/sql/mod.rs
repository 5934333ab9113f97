//! Backend: the [`Model`] as sea-query statements for PostgreSQL, in a fixed order.
//!
//! sea-query builds each kind of statement once, as a template with placeholders where its
//! rows and its row count go (see [`Plan`]). Each statement's rows are then written into its
//! own copy of the template: values rendered by `literal`, laid out one value per line, so
//! the script diffs line by line. Statement order: languages, libraries, spec upserts,
//! implementation upserts, the implementation delete, the spec delete.
//!
//! [`Plan::for_each`] renders the statements on the rayon pool and hands them over in
//! order, a few at a time, so a whole script need never be in memory.

pub(crate) mod literal;

use std::collections::VecDeque;
use std::fmt::Write as _;
use std::ops::Range;

use sea_query::{
    Alias, CommonTableExpression, Expr, InsertStatement, OnConflict, PostgresQueryBuilder, Query,
    SubQueryStatement, WithClause, WithQuery,
};

use rayon::prelude::*;

use crate::ir::{Impl, Language, Library, Model, Spec};

/// How the statements are cut and where the tables live.
#[derive(Debug, Clone)]
pub struct SqlOptions {
    /// Most rows in one upsert statement.
    pub chunk_size: usize,
    /// Schema of the four tables.
    pub schema: String,
}

impl Default for SqlOptions {
    fn default() -> Self {
        Self {
            chunk_size: 500,
            schema: "public".to_owned(),
        }
    }
}

/// What a statement does, for the change report and the summary.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Table {
    /// `languages`
    Languages,
    /// `libraries`
    Libraries,
    /// `specs`
    Specs,
    /// `impls`
    Impls,
}

impl Table {
    /// The table's name.
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Table::Languages => "languages",
            Table::Libraries => "libraries",
            Table::Specs => "specs",
            Table::Impls => "impls",
        }
    }
}

/// The kind of a statement.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// Insert, keep what exists.
    InsertNew,
    /// Insert or update.
    Upsert,
    /// Delete what the repository no longer has.
    Delete,
}

/// One rendered SQL statement, without its final `;`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Statement {
    /// The table written.
    pub table: Table,
    /// What it does.
    pub action: Action,
    /// Rows it carries (for deletes: keys kept).
    pub rows: usize,
    /// The SQL text.
    pub sql: String,
}

const LANGUAGE_COLUMNS: [&str; 6] = [
    "id",
    "name",
    "file_extension",
    "runtime_version",
    "documentation_url",
    "description",
];
const LIBRARY_COLUMNS: [&str; 6] = [
    "id",
    "name",
    "language_id",
    "version",
    "documentation_url",
    "description",
];
/// Columns of `specs` the sync writes, key first.
pub const SPEC_COLUMNS: [&str; 11] = [
    "id",
    "title",
    "description",
    "applications",
    "data",
    "notes",
    "created",
    "updated",
    "issue",
    "suggested",
    "tags",
];
/// Columns of `impls` the sync writes, `id` and the key first.
pub const IMPL_COLUMNS: [&str; 23] = [
    "id",
    "spec_id",
    "language_id",
    "library_id",
    "code",
    "preview_url_light",
    "preview_url_dark",
    "preview_html_light",
    "preview_html_dark",
    "python_version",
    "library_version",
    "quality_score",
    "generated_at",
    "updated",
    "generated_by",
    "issue",
    "workflow_run",
    "review_strengths",
    "review_weaknesses",
    "review_image_description",
    "review_criteria_checklist",
    "review_verdict",
    "impl_tags",
];

fn ident(s: &str) -> String {
    format!("\"{}\"", s.replace('"', "\"\""))
}

/// A statement could not be built: a bug in plotsql, never a property of the repository.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// sea-query refused a statement.
    #[error(transparent)]
    Query(#[from] sea_query::error::Error),
    /// A statement's template lost the place of its rows or of its row count.
    #[error("the template of the `{0}` statements has no single place for its rows")]
    Template(&'static str),
}

/// Splits `n` keyed rows into chunks of at most `max` rows. A chunk ends after a row whose
/// key hash says so (about every `max / 2` rows), or when it is full: boundaries depend on
/// the keys near them, not on the row count since the start, so inserting or deleting a
/// row moves no boundary far from it.
fn chunk_bounds<K: AsRef<[u8]>>(keys: impl Iterator<Item = K>, max: usize) -> Vec<Range<usize>> {
    let mut chunker = Chunker::new(max);
    let mut out = Vec::new();
    let mut start = 0;
    let mut n = 0;
    for (i, key) in keys.enumerate() {
        n = i + 1;
        if chunker.push(key.as_ref()) {
            out.push(start..n);
            start = n;
        }
    }
    if start < n {
        out.push(start..n);
    }
    out
}

/// [`chunk_bounds`] one row at a time, for rows that arrive a window at a time.
#[derive(Debug, Clone)]
pub(crate) struct Chunker {
    max: usize,
    period: u64,
    /// Rows in the open chunk.
    open: usize,
}

impl Chunker {
    pub(crate) fn new(max: usize) -> Self {
        let max = max.max(1);
        Self {
            max,
            period: u64::try_from((max / 2).max(1)).unwrap_or(1),
            open: 0,
        }
    }

    /// Adds the row with key `key`; true when the chunk ends after it.
    pub(crate) fn push(&mut self, key: &[u8]) -> bool {
        self.open += 1;
        let cut = fnv1a(key).is_multiple_of(self.period) || self.open == self.max;
        if cut {
            self.open = 0;
        }
        cut
    }
}

/// The chunking key of an implementation row.
pub(crate) fn impl_chunk_key(i: &Impl) -> String {
    format!("{}\0{}\0{}", i.spec_id, i.language_id, i.library_id)
}

fn fnv1a(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in bytes {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

type SqlResult<T> = Result<T, Error>;

/// Placeholder of a template's rows. NUL never occurs in SQL that sea-query writes, nor in
/// PostgreSQL names.
const ROWS: &str = "\u{0}plotsql:rows\u{0}";
/// Placeholder of a template's row count.
const COUNT: &str = "\u{0}plotsql:count\u{0}";

/// What fills a place left open in a [`Template`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Slot {
    Rows,
    Count,
}

/// A statement's text as sea-query writes it, with the places of its rows and of its row
/// count left open.
#[derive(Debug, Clone)]
struct Template {
    /// The text before the first place.
    head: String,
    /// Each place, and the text after it up to the next one.
    rest: Vec<(Slot, String)>,
}

impl Template {
    /// Splits `sql` at its placeholders, which must be exactly `slots`, in that order.
    fn parse(sql: &str, slots: &[Slot], what: &'static str) -> SqlResult<Self> {
        let mut found: Vec<(usize, Slot, usize)> = [(Slot::Rows, ROWS), (Slot::Count, COUNT)]
            .into_iter()
            .flat_map(|(slot, marker)| {
                sql.match_indices(marker)
                    .map(move |(at, m)| (at, slot, m.len()))
            })
            .collect();
        found.sort_unstable();
        if !found.iter().map(|f| f.1).eq(slots.iter().copied()) {
            return Err(Error::Template(what));
        }
        let text = |range: Range<usize>| {
            sql.get(range)
                .map(str::to_owned)
                .ok_or(Error::Template(what))
        };
        let ends = found.iter().map(|f| f.0).skip(1).chain([sql.len()]);
        let head = text(0..found.first().map_or(sql.len(), |f| f.0))?;
        let rest = found
            .iter()
            .zip(ends)
            .map(|(&(at, slot, len), end)| Ok((slot, text(at + len..end)?)))
            .collect::<SqlResult<_>>()?;
        Ok(Self { head, rest })
    }

    /// Bytes of the fixed text.
    fn len(&self) -> usize {
        self.head.len() + self.rest.iter().map(|(_, t)| t.len()).sum::<usize>()
    }

    /// The statement's text: `rows` writes the rows in their place; `count` goes in the
    /// row count's. `size` is about how many bytes the rows take.
    fn render(&self, size: usize, count: usize, rows: impl FnOnce(&mut String)) -> String {
        let mut sql = String::with_capacity(self.len() + size + 32);
        let mut rows = Some(rows);
        sql.push_str(&self.head);
        for (slot, text) in &self.rest {
            match slot {
                Slot::Rows => {
                    if let Some(rows) = rows.take() {
                        rows(&mut sql);
                    }
                }
                Slot::Count => {
                    let _ = write!(sql, "{count}");
                }
            }
            sql.push_str(text);
        }
        sql
    }
}

/// Writes one row as sea-query would lay out the values `(v1, v2, ...)` if each carried its
/// own line break and indentation: a value per line, leading commas, so a changed value is
/// a changed line.
struct Row<'s> {
    sql: &'s mut String,
    values: usize,
}

impl<'s> Row<'s> {
    fn start(sql: &'s mut String) -> Self {
        sql.push('(');
        Self { sql, values: 0 }
    }

    /// Where the next value goes.
    fn value(&mut self) -> &mut String {
        self.sql
            .push_str(if self.values == 0 { "\n    " } else { "\n  , " });
        self.values += 1;
        self.sql
    }

    fn end(self) {
        self.sql.push_str("\n)");
    }
}

/// Bytes of SQL an optional value takes, about.
fn opt_len(s: Option<&String>) -> usize {
    s.map_or(4, String::len)
}

fn list_len(items: &[Option<String>]) -> usize {
    items
        .iter()
        .map(|i| opt_len(i.as_ref()) + 12)
        .sum::<usize>()
        + 16
}

fn json_len(j: Option<&crate::ir::JsonText>) -> usize {
    // Each line of the document gets an indentation.
    j.map_or(4, |j| j.as_str().len() + j.as_str().len() / 4)
}

fn push_language(row: &mut Row<'_>, l: &Language) {
    literal::push_text(row.value(), &l.id);
    literal::push_text(row.value(), &l.name);
    literal::push_text(row.value(), &l.file_extension);
    literal::push_opt_text(row.value(), l.runtime_version.as_deref());
    literal::push_opt_text(row.value(), l.documentation_url.as_deref());
    literal::push_opt_text(row.value(), l.description.as_deref());
}

fn push_library(row: &mut Row<'_>, l: &Library) {
    literal::push_text(row.value(), &l.id);
    literal::push_text(row.value(), &l.name);
    literal::push_text(row.value(), &l.language_id);
    literal::push_opt_text(row.value(), l.version.as_deref());
    literal::push_opt_text(row.value(), l.documentation_url.as_deref());
    literal::push_opt_text(row.value(), l.description.as_deref());
}

fn catalog_len(fields: [Option<&String>; 6]) -> usize {
    fields.into_iter().map(|f| opt_len(f) + 8).sum::<usize>() + 8
}

fn language_len(l: &Language) -> usize {
    catalog_len([
        Some(&l.id),
        Some(&l.name),
        Some(&l.file_extension),
        l.runtime_version.as_ref(),
        l.documentation_url.as_ref(),
        l.description.as_ref(),
    ])
}

fn library_len(l: &Library) -> usize {
    catalog_len([
        Some(&l.id),
        Some(&l.name),
        Some(&l.language_id),
        l.version.as_ref(),
        l.documentation_url.as_ref(),
        l.description.as_ref(),
    ])
}

fn push_spec(row: &mut Row<'_>, s: &Spec) {
    literal::push_text(row.value(), &s.id);
    literal::push_text(row.value(), &s.title);
    literal::push_text(row.value(), &s.description);
    literal::push_text_array(row.value(), &s.applications);
    literal::push_text_array(row.value(), &s.data);
    literal::push_text_array(row.value(), &s.notes);
    literal::push_opt_timestamp(row.value(), s.created);
    literal::push_opt_timestamp(row.value(), s.updated);
    literal::push_opt_int(row.value(), s.issue.map(i64::from));
    literal::push_opt_text(row.value(), s.suggested.as_deref());
    literal::push_opt_json(row.value(), s.tags.as_ref());
}

fn spec_len(s: &Spec) -> usize {
    s.id.len()
        + s.title.len()
        + s.description.len()
        + list_len(&s.applications)
        + list_len(&s.data)
        + list_len(&s.notes)
        + opt_len(s.suggested.as_ref())
        + json_len(s.tags.as_ref())
        + 11 * 8
        + 80
}

fn push_impl(row: &mut Row<'_>, i: &Impl) {
    row.value().push_str("pg_catalog.gen_random_uuid()");
    literal::push_text(row.value(), &i.spec_id);
    literal::push_text(row.value(), &i.language_id);
    literal::push_text(row.value(), &i.library_id);
    literal::push_text(row.value(), &i.code);
    literal::push_opt_text(row.value(), i.preview_url_light.as_deref());
    literal::push_opt_text(row.value(), i.preview_url_dark.as_deref());
    literal::push_opt_text(row.value(), i.preview_html_light.as_deref());
    literal::push_opt_text(row.value(), i.preview_html_dark.as_deref());
    literal::push_opt_text(row.value(), i.python_version.as_deref());
    literal::push_opt_text(row.value(), i.library_version.as_deref());
    literal::push_opt_float(row.value(), i.quality_score);
    literal::push_opt_timestamp(row.value(), i.generated_at);
    literal::push_opt_timestamp(row.value(), i.updated);
    literal::push_opt_text(row.value(), i.generated_by.as_deref());
    literal::push_opt_int(row.value(), i.issue.map(i64::from));
    literal::push_opt_int(row.value(), i.workflow_run);
    literal::push_text_array(row.value(), &i.review_strengths);
    literal::push_text_array(row.value(), &i.review_weaknesses);
    literal::push_opt_text(row.value(), i.review_image_description.as_deref());
    literal::push_opt_json(row.value(), i.review_criteria_checklist.as_ref());
    literal::push_opt_text(
        row.value(),
        i.review_verdict.map(crate::ir::Verdict::as_str),
    );
    literal::push_opt_json(row.value(), i.impl_tags.as_ref());
}

fn impl_len(i: &Impl) -> usize {
    i.spec_id.len()
        + i.language_id.len()
        + i.library_id.len()
        + i.code.len()
        + i.code.len() / 64
        + opt_len(i.preview_url_light.as_ref())
        + opt_len(i.preview_url_dark.as_ref())
        + opt_len(i.preview_html_light.as_ref())
        + opt_len(i.preview_html_dark.as_ref())
        + opt_len(i.python_version.as_ref())
        + opt_len(i.library_version.as_ref())
        + opt_len(i.generated_by.as_ref())
        + opt_len(i.review_image_description.as_ref())
        + list_len(&i.review_strengths)
        + list_len(&i.review_weaknesses)
        + json_len(i.review_criteria_checklist.as_ref())
        + json_len(i.impl_tags.as_ref())
        + 23 * 8
        + 160
}

fn table_ref(schema: &str, table: Table) -> (Alias, Alias) {
    (Alias::new(schema), Alias::new(table.name()))
}

/// The template of an insert with `conflict`, counted into the change report.
fn insert_template(
    schema: &str,
    table: Table,
    columns: &[&str],
    conflict: OnConflict,
) -> SqlResult<Template> {
    let mut q = Query::insert();
    q.into_table(table_ref(schema, table))
        .columns(columns.iter().map(|c| Alias::new(*c)));
    // One row of placeholders: the rows' one first, then empty values.
    q.values((0..columns.len()).map(|n| Expr::cust(if n == 0 { ROWS } else { "" })))?;
    q.on_conflict(conflict);
    q.returning(Query::returning().expr(Expr::cust("(xmax = 0) AS inserted")));
    let sql = reported(q.into(), table, false)?;
    let row = format!("({ROWS}{})", ", ".repeat(columns.len().saturating_sub(1)));
    if sql.matches(&row).count() != 1 {
        return Err(Error::Template(table.name()));
    }
    Template::parse(
        &sql.replacen(&row, ROWS, 1),
        &[Slot::Rows, Slot::Count],
        table.name(),
    )
}

/// `(t.a, t.b) IS DISTINCT FROM (EXCLUDED.a, EXCLUDED.b)`: update only rows that change.
fn changed(table: &str, columns: &[&str]) -> Expr {
    let stored: Vec<String> = columns
        .iter()
        .map(|c| format!("{}.{}", ident(table), ident(c)))
        .collect();
    let new: Vec<String> = columns
        .iter()
        .map(|c| format!("\"excluded\".{}", ident(c)))
        .collect();
    Expr::cust(format!(
        "({}) IS DISTINCT FROM ({})",
        stored.join(", "),
        new.join(", ")
    ))
}

fn upsert_template(
    schema: &str,
    table: Table,
    columns: &[&str],
    conflict: OnConflict,
    update: &[&str],
) -> SqlResult<Template> {
    let mut conflict = conflict;
    conflict
        .update_columns(update.iter().map(|c| Alias::new(*c)))
        .action_and_where(changed(table.name(), update));
    insert_template(schema, table, columns, conflict)
}

/// `DELETE FROM t WHERE NOT EXISTS (SELECT FROM (VALUES ...) keep(cols) WHERE keep.c = t.c ...)`:
/// an anti-join, linear in the keys (a `NOT IN` list is quadratic and overflows the stack
/// near 10,000 keys). With no keys at all (`keys` false), every row goes.
fn delete_template(
    schema: &str,
    table: Table,
    columns: &[&str],
    keys: bool,
) -> SqlResult<Template> {
    let mut q = Query::delete();
    q.from_table(table_ref(schema, table));
    if keys {
        let cols: Vec<String> = columns.iter().map(|c| ident(c)).collect();
        let cond: Vec<String> = columns
            .iter()
            .map(|c| {
                format!(
                    "\"keep\".{c} = {t}.{c}",
                    c = ident(c),
                    t = ident(table.name())
                )
            })
            .collect();
        q.and_where(Expr::cust(format!(
            "NOT EXISTS (SELECT FROM (VALUES{ROWS}\n) AS \"keep\" ({}) WHERE {})",
            cols.join(", "),
            cond.join(" AND ")
        )));
    }
    q.returning(Query::returning().expr(Expr::cust("true AS deleted")));
    let sql = reported(q.into(), table, true)?;
    let slots: &[Slot] = if keys { &[Slot::Rows] } else { &[] };
    Template::parse(&sql, slots, table.name())
}

/// The change report: each writing statement runs inside a CTE whose `RETURNING` rows are
/// counted into `pg_temp.plotsql_report` (`xmax = 0` tells an inserted row from an updated
/// one; rows an upsert leaves alone are not returned, so they count as unchanged).
pub const REPORT_TABLE: &str = "pg_temp.plotsql_report";

fn reported(statement: SubQueryStatement, table: Table, delete: bool) -> SqlResult<String> {
    let mut cte = CommonTableExpression::new();
    cte.query(statement).table_name(Alias::new("rows"));
    let counts = if delete {
        vec![
            "0".to_owned(),
            "0".to_owned(),
            "0".to_owned(),
            "count(*)".to_owned(),
        ]
    } else {
        vec![
            "count(*) FILTER (WHERE \"inserted\")".to_owned(),
            "count(*) FILTER (WHERE NOT \"inserted\")".to_owned(),
            format!("{COUNT} - count(*)"),
            "0".to_owned(),
        ]
    };
    let mut select = Query::select();
    select.expr(Expr::cust(literal::text(table.name())));
    for c in counts {
        select.expr(Expr::cust(c));
    }
    select.from(Alias::new("rows"));
    let mut insert: InsertStatement = Query::insert();
    insert
        .into_table((Alias::new("pg_temp"), Alias::new("plotsql_report")))
        .columns(["tbl", "inserted", "updated", "unchanged", "deleted"].map(Alias::new))
        .select_from(select)?;
    let mut with = WithClause::new();
    with.cte(cte);
    let mut query = WithQuery::new();
    query.with_clause(with).query(insert);
    let mut sql = String::new();
    query.build_collect_into(PostgresQueryBuilder, &mut sql);
    Ok(sql)
}

/// One statement of a [`Plan`], not rendered yet.
#[derive(Debug, Clone)]
enum Job {
    Languages,
    Libraries,
    Specs(Range<usize>),
    Impls(Range<usize>),
    DeleteImpls,
    DeleteSpecs,
}

/// The statements of one sync, in order, before their rows are rendered: which rows go
/// into which statement, and each kind of statement as sea-query writes it.
///
/// Everything that can fail is done by [`Plan::new`]; rendering a statement cannot fail.
/// Each statement is rendered on its own (the chunks' boundaries depend only on the keys),
/// so they can be rendered in parallel, in any order, and written as they come.
#[derive(Debug)]
pub struct Plan<'a> {
    model: &'a Model,
    languages: Template,
    libraries: Template,
    specs: Template,
    impls: Template,
    delete_impls: Template,
    delete_specs: Template,
    jobs: Vec<Job>,
}

impl<'a> Plan<'a> {
    /// Plans the statements of `model`.
    ///
    /// # Errors
    /// Only if sea-query rejects a statement, which would be a bug.
    pub fn new(model: &'a Model, options: &SqlOptions) -> SqlResult<Self> {
        Self::with_impls(model, options, !model.impls.is_empty())
    }

    /// [`Plan::new`] for a model whose implementations are rendered elsewhere, a chunk at a
    /// time ([`Plan::impl_statement`], [`Plan::impl_delete`]): `model.impls` is ignored
    /// and `any_impls` says whether there are any.
    pub(crate) fn streaming(
        model: &'a Model,
        options: &SqlOptions,
        any_impls: bool,
    ) -> SqlResult<Self> {
        let mut plan = Self::with_impls(model, options, any_impls)?;
        // Their upserts and their delete come from `impl_statement` and `impl_delete`.
        plan.jobs
            .retain(|job| !matches!(job, Job::Impls(_) | Job::DeleteImpls));
        Ok(plan)
    }

    /// How many statements come before the implementations' upserts.
    pub(crate) fn before_impls(&self) -> usize {
        self.jobs
            .iter()
            .take_while(|job| !matches!(job, Job::Impls(_) | Job::DeleteImpls | Job::DeleteSpecs))
            .count()
    }

    /// The upsert of `rows`, a chunk of implementations.
    pub(crate) fn impl_statement(&self, rows: &[Impl]) -> Statement {
        rows_statement(
            &self.impls,
            Table::Impls,
            Action::Upsert,
            rows,
            impl_len,
            push_impl,
        )
    }

    /// The delete of every implementation whose key is not among `keys` (in key order).
    pub(crate) fn impl_delete(&self, keys: &[[String; 3]]) -> Statement {
        keys_statement(&self.delete_impls, Table::Impls, keys, |sql, [s, l, b]| {
            literal::push_text(sql, s);
            sql.push_str(", ");
            literal::push_text(sql, l);
            sql.push_str(", ");
            literal::push_text(sql, b);
        })
    }

    fn with_impls(model: &'a Model, options: &SqlOptions, any_impls: bool) -> SqlResult<Self> {
        let schema = options.schema.as_str();
        let id = || OnConflict::column(Alias::new("id"));
        let mut jobs = Vec::new();
        if !model.catalog.languages.is_empty() {
            jobs.push(Job::Languages);
        }
        if !model.catalog.libraries.is_empty() {
            jobs.push(Job::Libraries);
        }
        let spec_keys = model.specs.iter().map(|s| s.id.as_bytes());
        jobs.extend(
            chunk_bounds(spec_keys, options.chunk_size)
                .into_iter()
                .map(Job::Specs),
        );
        let impl_keys = model.impls.iter().map(impl_chunk_key);
        jobs.extend(
            chunk_bounds(impl_keys, options.chunk_size)
                .into_iter()
                .map(Job::Impls),
        );
        // Implementations first, so the rows a spec delete would cascade to are counted too.
        jobs.extend([Job::DeleteImpls, Job::DeleteSpecs]);
        Ok(Self {
            model,
            languages: insert_template(
                schema,
                Table::Languages,
                &LANGUAGE_COLUMNS,
                id().do_nothing().to_owned(),
            )?,
            libraries: insert_template(
                schema,
                Table::Libraries,
                &LIBRARY_COLUMNS,
                id().do_nothing().to_owned(),
            )?,
            specs: upsert_template(
                schema,
                Table::Specs,
                &SPEC_COLUMNS,
                id(),
                &SPEC_COLUMNS[1..],
            )?,
            impls: upsert_template(
                schema,
                Table::Impls,
                &IMPL_COLUMNS,
                OnConflict::constraint("uq_impl"),
                &IMPL_COLUMNS[4..],
            )?,
            delete_impls: delete_template(
                schema,
                Table::Impls,
                &["spec_id", "language_id", "library_id"],
                any_impls,
            )?,
            delete_specs: delete_template(schema, Table::Specs, &["id"], !model.specs.is_empty())?,
            jobs,
        })
    }

    /// How many statements there are.
    #[must_use]
    pub fn len(&self) -> usize {
        self.jobs.len()
    }

    /// True when there is no statement (never: the deletes are always there).
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.jobs.is_empty()
    }

    /// Renders statement `index`.
    #[must_use]
    pub fn render(&self, index: usize) -> Option<Statement> {
        self.jobs.get(index).map(|job| self.render_job(job))
    }

    /// Renders every statement, in parallel; all of them are held at once.
    #[must_use]
    pub fn render_all(&self) -> Vec<Statement> {
        self.jobs
            .par_iter()
            .map(|job| self.render_job(job))
            .collect()
    }

    /// Renders every statement on the rayon pool and hands them to `f` in order, on the
    /// calling thread, stopping at its first error. At most two statements per pool thread
    /// are rendered ahead of the one `f` has (chunks differ in size: one is enough to keep
    /// the threads busy only when they are even), so a handful are held at a time.
    ///
    /// # Errors
    /// The first error of `f`.
    pub fn for_each<E>(&self, mut f: impl FnMut(Statement) -> Result<(), E>) -> Result<(), E> {
        let threads = rayon::current_num_threads();
        let ahead = 2 * threads;
        // A pool thread must not block waiting on the pool: it renders in order, alone.
        if threads < 2 || rayon::current_thread_index().is_some() {
            return self.jobs.iter().try_for_each(|job| f(self.render_job(job)));
        }
        rayon::in_place_scope(|scope| {
            let mut jobs = self.jobs.iter();
            let mut pending = VecDeque::with_capacity(ahead);
            loop {
                while pending.len() < ahead {
                    let Some(job) = jobs.next() else { break };
                    let (tx, rx) = std::sync::mpsc::sync_channel(1);
                    scope.spawn(move |_| {
                        // Nobody waits any more once `f` has failed.
                        let _ = tx.send(self.render_job(job));
                    });
                    pending.push_back(rx);
                }
                let Some(rx) = pending.pop_front() else {
                    return Ok(());
                };
                // A render that panicked sends nothing; the scope re-raises its panic.
                let Ok(statement) = rx.recv() else {
                    return Ok(());
                };
                f(statement)?;
            }
        })
    }

    fn render_job(&self, job: &Job) -> Statement {
        let m = self.model;
        match job {
            Job::Languages => rows_statement(
                &self.languages,
                Table::Languages,
                Action::InsertNew,
                &m.catalog.languages,
                language_len,
                push_language,
            ),
            Job::Libraries => rows_statement(
                &self.libraries,
                Table::Libraries,
                Action::InsertNew,
                &m.catalog.libraries,
                library_len,
                push_library,
            ),
            Job::Specs(range) => rows_statement(
                &self.specs,
                Table::Specs,
                Action::Upsert,
                m.specs.get(range.clone()).unwrap_or_default(),
                spec_len,
                push_spec,
            ),
            Job::Impls(range) => rows_statement(
                &self.impls,
                Table::Impls,
                Action::Upsert,
                m.impls.get(range.clone()).unwrap_or_default(),
                impl_len,
                push_impl,
            ),
            Job::DeleteImpls => {
                keys_statement(&self.delete_impls, Table::Impls, &m.impls, |sql, i| {
                    literal::push_text(sql, &i.spec_id);
                    sql.push_str(", ");
                    literal::push_text(sql, &i.language_id);
                    sql.push_str(", ");
                    literal::push_text(sql, &i.library_id);
                })
            }
            Job::DeleteSpecs => {
                keys_statement(&self.delete_specs, Table::Specs, &m.specs, |sql, s| {
                    literal::push_text(sql, &s.id);
                })
            }
        }
    }
}

/// An insert or upsert of `rows`.
fn rows_statement<T>(
    template: &Template,
    table: Table,
    action: Action,
    rows: &[T],
    len: fn(&T) -> usize,
    push: fn(&mut Row<'_>, &T),
) -> Statement {
    let size = rows.iter().map(len).sum();
    let sql = template.render(size, rows.len(), |sql| {
        for (n, r) in rows.iter().enumerate() {
            if n > 0 {
                sql.push_str(", ");
            }
            let mut row = Row::start(sql);
            push(&mut row, r);
            row.end();
        }
    });
    Statement {
        table,
        action,
        rows: rows.len(),
        sql,
    }
}

/// A delete keeping the keys of `rows`, one per line.
fn keys_statement<T>(
    template: &Template,
    table: Table,
    rows: &[T],
    key: impl Fn(&mut String, &T),
) -> Statement {
    let sql = template.render(rows.len() * 64, 0, |sql| {
        for (n, r) in rows.iter().enumerate() {
            sql.push_str(if n == 0 { "\n    (" } else { "\n  , (" });
            key(sql, r);
            sql.push(')');
        }
    });
    Statement {
        table,
        action: Action::Delete,
        rows: rows.len(),
        sql,
    }
}

/// The statements of one sync, in order, all rendered (in parallel).
///
/// # Errors
/// Only if sea-query rejects a statement, which would be a bug.
pub fn statements(model: &Model, options: &SqlOptions) -> Result<Vec<Statement>, Error> {
    Ok(Plan::new(model, options)?.render_all())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chunks_never_exceed_the_maximum_and_cover_every_row() {
        let keys: Vec<String> = (0..2000).map(|i| format!("spec-{i}")).collect();
        for max in [1, 2, 7, 100, 500] {
            let chunks = chunk_bounds(keys.iter(), max);
            assert!(chunks.iter().all(|c| !c.is_empty() && c.len() <= max));
            let covered: usize = chunks.iter().map(std::ops::Range::len).sum();
            assert_eq!(covered, keys.len());
            assert!(chunks.windows(2).all(|w| w[0].end == w[1].start));
        }
    }

    fn spec(id: &str) -> Spec {
        Spec {
            id: id.to_owned(),
            title: "t".to_owned(),
            description: String::new(),
            applications: vec![],
            data: vec![],
            notes: vec![],
            created: None,
            updated: None,
            issue: None,
            suggested: None,
            tags: None,
        }
    }

    #[test]
    fn an_empty_model_inserts_nothing_and_deletes_everything() {
        // sea-query renders an insert without rows as invalid SQL and an empty NOT IN as
        // `1 = 1`: neither may appear.
        let st = statements(&Model::default(), &SqlOptions::default()).unwrap();
        assert!(st.iter().all(|s| s.action == Action::Delete));
        assert_eq!(st.len(), 2);
        for s in &st {
            assert!(
                !s.sql.contains("NOT IN") && !s.sql.contains("1 = 1"),
                "{}",
                s.sql
            );
            assert!(!s.sql.contains("VALUES"), "{}", s.sql);
        }
    }

    #[test]
    fn deletes_are_anti_joins_never_not_in() {
        let model = Model {
            specs: vec![spec("a"), spec("b")],
            ..Model::default()
        };
        let st = statements(&model, &SqlOptions::default()).unwrap();
        let delete = st
            .iter()
            .find(|s| s.action == Action::Delete && s.table == Table::Specs)
            .unwrap();
        assert!(
            delete
                .sql
                .contains("NOT EXISTS (SELECT FROM (VALUES\n    ('a')\n  , ('b')\n)"),
            "{}",
            delete.sql
        );
        assert!(!delete.sql.contains("NOT IN"));
    }

    #[test]
    fn non_finite_scores_never_reach_the_script() {
        assert_eq!(literal::opt_float(Some(f64::INFINITY)), "NULL");
        assert_eq!(literal::opt_float(Some(f64::NEG_INFINITY)), "NULL");
        assert_eq!(literal::opt_float(Some(f64::NAN)), "NULL");
    }

    #[test]
    fn each_spec_row_appears_once_per_statement() {
        let model = Model {
            specs: (0..50).map(|i| spec(&format!("s{i:02}"))).collect(),
            ..Model::default()
        };
        let st = statements(
            &model,
            &SqlOptions {
                chunk_size: 7,
                ..SqlOptions::default()
            },
        )
        .unwrap();
        let upserts: Vec<_> = st.iter().filter(|s| s.action == Action::Upsert).collect();
        assert_eq!(upserts.iter().map(|s| s.rows).sum::<usize>(), 50);
        assert!(upserts.iter().all(|s| s.rows <= 7));
    }

    #[test]
    fn templates_have_exactly_their_places() {
        let t = Template::parse(
            &format!("a{ROWS}b{COUNT}c"),
            &[Slot::Rows, Slot::Count],
            "t",
        )
        .unwrap();
        assert_eq!(t.render(0, 7, |sql| sql.push_str("ROWS")), "aROWSb7c");
        assert_eq!(t.len(), 3);
        for (sql, slots) in [
            (format!("a{ROWS}b"), &[Slot::Rows, Slot::Count][..]),
            (format!("a{COUNT}b{ROWS}"), &[Slot::Rows, Slot::Count][..]),
            (format!("a{ROWS}b{ROWS}"), &[Slot::Rows][..]),
            ("a".to_owned(), &[Slot::Rows][..]),
        ] {
            assert!(Template::parse(&sql, slots, "t").is_err(), "{sql:?}");
        }
        // A delete without keys has no place at all.
        let t = Template::parse("DELETE", &[], "t").unwrap();
        assert_eq!(t.render(0, 0, |sql| sql.push_str("never")), "DELETE");
    }

    /// Rows written into the template are the rows sea-query writes from the same values.
    #[test]
    fn templates_match_statements_built_whole() {
        let model = Model {
            specs: (0..5).map(|i| spec(&format!("s{i}"))).collect(),
            ..Model::default()
        };
        let plan = Plan::new(&model, &SqlOptions::default()).unwrap();
        let upsert = plan.render(0).unwrap();
        let mut q = Query::insert();
        q.into_table(table_ref("public", Table::Specs))
            .columns(SPEC_COLUMNS.iter().map(|c| Alias::new(*c)));
        for s in &model.specs {
            let mut values = String::new();
            let mut row = Row::start(&mut values);
            push_spec(&mut row, s);
            row.end();
            // sea-query's own layout of `(v1, v2, ...)`, each value carrying its line break.
            let inner = values
                .strip_prefix('(')
                .unwrap()
                .strip_suffix("\n)")
                .unwrap();
            let parts: Vec<&str> = inner.split("\n  , ").collect();
            let n = parts.len();
            let exprs = parts.iter().enumerate().map(|(i, v)| {
                let v = v.strip_prefix("\n    ").unwrap_or(v);
                let first = if i == 0 { "\n    " } else { "" };
                let last = if i + 1 == n { "\n" } else { "\n  " };
                Expr::cust(format!("{first}{v}{last}"))
            });
            q.values(exprs).unwrap();
        }
        let mut conflict = OnConflict::column(Alias::new("id"));
        conflict
            .update_columns(SPEC_COLUMNS[1..].iter().map(|c| Alias::new(*c)))
            .action_and_where(changed("specs", &SPEC_COLUMNS[1..]));
        q.on_conflict(conflict);
        q.returning(Query::returning().expr(Expr::cust("(xmax = 0) AS inserted")));
        let whole = reported(q.into(), Table::Specs, false)
            .unwrap()
            .replace(COUNT, "5");
        assert_eq!(upsert.sql, whole);
    }

    #[test]
    fn inserting_a_row_moves_no_far_boundary() {
        let keys: Vec<String> = (0..3000).map(|i| format!("spec-{i:05}")).collect();
        let before = chunk_bounds(keys.iter(), 100);
        let mut more = keys.clone();
        more.insert(1, "spec-00000a".to_owned());
        let after = chunk_bounds(more.iter(), 100);
        let ends = |c: &[std::ops::Range<usize>]| -> Vec<String> {
            c.iter()
                .map(|r| r.end)
                .filter(|&e| e > 0)
                .map(|e| e.to_string())
                .collect()
        };
        // Boundaries after the first few chunks are the same keys, shifted by one row.
        let b: Vec<usize> = before.iter().map(|r| r.end).skip(3).collect();
        let a: Vec<usize> = after.iter().map(|r| r.end - 1).skip(3).collect();
        assert_eq!(a, b, "{:?}", ends(&after));
    }
}
