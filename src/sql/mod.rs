//! Backend: the [`Model`] as sea-query statements for PostgreSQL, in a fixed order.
//!
//! Values are rendered by `literal` and handed to sea-query as custom expressions, laid
//! out one value per line, so the script diffs line by line. Statement order: languages,
//! libraries, spec upserts, implementation upserts, the spec delete, the implementation
//! delete.

pub(crate) mod literal;

use sea_query::{
    Alias, CommonTableExpression, Expr, InsertStatement, OnConflict, PostgresQueryBuilder, Query,
    SubQueryStatement, WithClause, WithQuery,
};

use rayon::prelude::*;

use crate::ir::{Impl, Model, Spec};

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

/// Lays out one row: a value per line, leading commas, so a changed value is a changed line.
fn row(values: Vec<String>) -> Vec<Expr> {
    let n = values.len();
    values
        .into_iter()
        .enumerate()
        .map(|(i, mut s)| {
            if i == 0 {
                s.insert_str(0, "\n    ");
            }
            s.push_str(if i + 1 == n { "\n" } else { "\n  " });
            Expr::cust(s)
        })
        .collect()
}

/// Bytes of SQL a row's values take, to size the statement's text up front: each value
/// with its line break, indentation and separator, and the row's parentheses.
fn row_len(values: &[String]) -> usize {
    values.iter().map(|v| v.len() + 8).sum::<usize>() + 16
}

fn spec_values(s: &Spec) -> Vec<String> {
    vec![
        literal::text(&s.id),
        literal::text(&s.title),
        literal::text(&s.description),
        literal::text_array(&s.applications),
        literal::text_array(&s.data),
        literal::text_array(&s.notes),
        literal::opt_timestamp(s.created),
        literal::opt_timestamp(s.updated),
        literal::opt_int(s.issue.map(i64::from)),
        literal::opt_text(s.suggested.as_deref()),
        literal::opt_json(s.tags.as_ref()),
    ]
}

fn impl_values(i: &Impl) -> Vec<String> {
    vec![
        "pg_catalog.gen_random_uuid()".to_owned(),
        literal::text(&i.spec_id),
        literal::text(&i.language_id),
        literal::text(&i.library_id),
        literal::text(&i.code),
        literal::opt_text(i.preview_url_light.as_deref()),
        literal::opt_text(i.preview_url_dark.as_deref()),
        literal::opt_text(i.preview_html_light.as_deref()),
        literal::opt_text(i.preview_html_dark.as_deref()),
        literal::opt_text(i.python_version.as_deref()),
        literal::opt_text(i.library_version.as_deref()),
        literal::opt_float(i.quality_score),
        literal::opt_timestamp(i.generated_at),
        literal::opt_timestamp(i.updated),
        literal::opt_text(i.generated_by.as_deref()),
        literal::opt_int(i.issue.map(i64::from)),
        literal::opt_int(i.workflow_run),
        literal::text_array(&i.review_strengths),
        literal::text_array(&i.review_weaknesses),
        literal::opt_text(i.review_image_description.as_deref()),
        literal::opt_json(i.review_criteria_checklist.as_ref()),
        literal::opt_text(i.review_verdict.map(crate::ir::Verdict::as_str)),
        literal::opt_json(i.impl_tags.as_ref()),
    ]
}

/// Splits `n` keyed rows into chunks of at most `max` rows. A chunk ends after a row whose
/// key hash says so (about every `max / 2` rows), or when it is full: boundaries depend on
/// the keys near them, not on the row count since the start, so inserting or deleting a
/// row moves no boundary far from it.
fn chunk_bounds<K: AsRef<[u8]>>(
    keys: impl Iterator<Item = K>,
    max: usize,
) -> Vec<std::ops::Range<usize>> {
    let max = max.max(1);
    let period = u64::try_from((max / 2).max(1)).unwrap_or(1);
    let mut out = Vec::new();
    let mut start = 0;
    let mut n = 0;
    for (i, key) in keys.enumerate() {
        n = i + 1;
        let cut = fnv1a(key.as_ref()).is_multiple_of(period);
        if cut || n - start == max {
            out.push(start..n);
            start = n;
        }
    }
    if start < n {
        out.push(start..n);
    }
    out
}

fn fnv1a(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in bytes {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

type SqlResult<T> = Result<T, sea_query::error::Error>;

fn table_ref(schema: &str, table: Table) -> (Alias, Alias) {
    (Alias::new(schema), Alias::new(table.name()))
}

fn insert_do_nothing(
    schema: &str,
    table: Table,
    columns: &[&str],
    rows: Vec<Vec<String>>,
) -> SqlResult<Statement> {
    reported_insert(
        schema,
        table,
        columns,
        rows,
        Action::InsertNew,
        OnConflict::column(Alias::new("id")).do_nothing().to_owned(),
    )
}

/// An insert of `rows` with `conflict`, counted into the change report.
fn reported_insert(
    schema: &str,
    table: Table,
    columns: &[&str],
    rows: Vec<Vec<String>>,
    action: Action,
    conflict: OnConflict,
) -> SqlResult<Statement> {
    let n = rows.len();
    let size = rows.iter().map(|r| row_len(r)).sum();
    let mut q = Query::insert();
    q.into_table(table_ref(schema, table))
        .columns(columns.iter().map(|c| Alias::new(*c)));
    for r in rows {
        q.values(row(r))?;
    }
    q.on_conflict(conflict);
    q.returning(Query::returning().expr(Expr::cust("(xmax = 0) AS inserted")));
    Ok(Statement {
        table,
        action,
        rows: n,
        sql: reported(q.into(), table, n, false, size)?,
    })
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

fn upsert(
    schema: &str,
    table: Table,
    columns: &[&str],
    conflict: OnConflict,
    update: &[&str],
    rows: Vec<Vec<String>>,
) -> SqlResult<Statement> {
    let mut conflict = conflict;
    conflict
        .update_columns(update.iter().map(|c| Alias::new(*c)))
        .action_and_where(changed(table.name(), update));
    reported_insert(schema, table, columns, rows, Action::Upsert, conflict)
}

/// `DELETE FROM t WHERE NOT EXISTS (SELECT FROM (VALUES ...) keep(cols) WHERE keep.c = t.c ...)`:
/// an anti-join, linear in the keys (a `NOT IN` list is quadratic and overflows the stack
/// near 10,000 keys). With no keys at all, every row goes.
fn delete_missing(
    schema: &str,
    table: Table,
    columns: &[&str],
    keys: &[Vec<String>],
) -> SqlResult<Statement> {
    let mut q = Query::delete();
    q.from_table(table_ref(schema, table));
    if !keys.is_empty() {
        let mut values = String::from("(VALUES");
        for (n, k) in keys.iter().enumerate() {
            values.push_str(if n == 0 { "\n    " } else { "\n  , " });
            values.push('(');
            values.push_str(&k.join(", "));
            values.push(')');
        }
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
        values.push_str(&format!(
            "\n) AS \"keep\" ({}) WHERE {}",
            cols.join(", "),
            cond.join(" AND ")
        ));
        q.and_where(Expr::cust(format!("NOT EXISTS (SELECT FROM {values})")));
    }
    q.returning(Query::returning().expr(Expr::cust("true AS deleted")));
    let size = keys.iter().map(|k| row_len(k)).sum();
    Ok(Statement {
        table,
        action: Action::Delete,
        rows: keys.len(),
        sql: reported(q.into(), table, 0, true, size)?,
    })
}

/// The change report: each writing statement runs inside a CTE whose `RETURNING` rows are
/// counted into `pg_temp.plotsql_report` (`xmax = 0` tells an inserted row from an updated
/// one; rows an upsert leaves alone are not returned, so they count as unchanged).
pub const REPORT_TABLE: &str = "pg_temp.plotsql_report";

fn reported(
    statement: SubQueryStatement,
    table: Table,
    rows: usize,
    delete: bool,
    size: usize,
) -> SqlResult<String> {
    // Built in place: sea-query's `.to_owned()` idiom would copy every value of the
    // statement once per builder.
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
            format!("{rows} - count(*)"),
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
    // What `insert.with(with).to_string(..)` gives, without its copy of the whole query,
    // into a string sized for the values.
    let mut query = WithQuery::new();
    query.with_clause(with).query(insert);
    let mut sql = String::with_capacity(size + 1024);
    query.build_collect_into(PostgresQueryBuilder, &mut sql);
    sql.shrink_to_fit();
    Ok(sql)
}

/// The statements of one sync, in order.
///
/// # Errors
/// Only if sea-query rejects a statement (a row of the wrong width), which would be a bug.
pub fn statements(
    model: &Model,
    options: &SqlOptions,
) -> Result<Vec<Statement>, sea_query::error::Error> {
    let schema = options.schema.as_str();
    let mut out = Vec::new();
    let cat = &model.catalog;
    if !cat.languages.is_empty() {
        let rows = cat
            .languages
            .iter()
            .map(|l| {
                vec![
                    literal::text(&l.id),
                    literal::text(&l.name),
                    literal::text(&l.file_extension),
                    literal::opt_text(l.runtime_version.as_deref()),
                    literal::opt_text(l.documentation_url.as_deref()),
                    literal::opt_text(l.description.as_deref()),
                ]
            })
            .collect();
        out.push(insert_do_nothing(
            schema,
            Table::Languages,
            &LANGUAGE_COLUMNS,
            rows,
        )?);
    }
    if !cat.libraries.is_empty() {
        let rows = cat
            .libraries
            .iter()
            .map(|l| {
                vec![
                    literal::text(&l.id),
                    literal::text(&l.name),
                    literal::text(&l.language_id),
                    literal::opt_text(l.version.as_deref()),
                    literal::opt_text(l.documentation_url.as_deref()),
                    literal::opt_text(l.description.as_deref()),
                ]
            })
            .collect();
        out.push(insert_do_nothing(
            schema,
            Table::Libraries,
            &LIBRARY_COLUMNS,
            rows,
        )?);
    }
    // The upserts, one per chunk, rendered on every core; `collect` keeps their order.
    let spec_chunks = chunk_bounds(
        model.specs.iter().map(|s| s.id.as_bytes()),
        options.chunk_size,
    );
    let impl_keys = model
        .impls
        .iter()
        .map(|i| format!("{}\0{}\0{}", i.spec_id, i.language_id, i.library_id));
    let impl_chunks = chunk_bounds(impl_keys, options.chunk_size);
    let chunks: Vec<(Table, std::ops::Range<usize>)> = spec_chunks
        .into_iter()
        .map(|r| (Table::Specs, r))
        .chain(impl_chunks.into_iter().map(|r| (Table::Impls, r)))
        .collect();
    let upserts = chunks
        .into_par_iter()
        .map(|(table, range)| match table {
            Table::Impls => {
                let rows = model
                    .impls
                    .get(range)
                    .unwrap_or_default()
                    .iter()
                    .map(impl_values)
                    .collect();
                upsert(
                    schema,
                    table,
                    &IMPL_COLUMNS,
                    OnConflict::constraint("uq_impl"),
                    &IMPL_COLUMNS[4..],
                    rows,
                )
            }
            _ => {
                let rows = model
                    .specs
                    .get(range)
                    .unwrap_or_default()
                    .iter()
                    .map(spec_values)
                    .collect();
                upsert(
                    schema,
                    table,
                    &SPEC_COLUMNS,
                    OnConflict::column(Alias::new("id")),
                    &SPEC_COLUMNS[1..],
                    rows,
                )
            }
        })
        .collect::<SqlResult<Vec<Statement>>>()?;
    out.extend(upserts);
    // Implementations first, so the rows a spec delete would cascade to are counted too.
    let impl_keys: Vec<Vec<String>> = model
        .impls
        .iter()
        .map(|i| {
            vec![
                literal::text(&i.spec_id),
                literal::text(&i.language_id),
                literal::text(&i.library_id),
            ]
        })
        .collect();
    out.push(delete_missing(
        schema,
        Table::Impls,
        &["spec_id", "language_id", "library_id"],
        &impl_keys,
    )?);
    let spec_keys: Vec<Vec<String>> = model
        .specs
        .iter()
        .map(|s| vec![literal::text(&s.id)])
        .collect();
    out.push(delete_missing(schema, Table::Specs, &["id"], &spec_keys)?);
    Ok(out)
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
