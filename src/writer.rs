//! Writes the statements as one psql script: session settings, one transaction, the
//! statements in order, the end of the transaction. Same model, same bytes: no clocks, no
//! paths, no versions in the text.

use crate::sql::Statement;

/// How the script ends and what it says about itself.
#[derive(Debug, Clone, Default)]
pub struct ScriptOptions {
    /// End with `ROLLBACK` instead of `COMMIT`: show the effect, change nothing.
    pub plan: bool,
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

/// The whole script.
#[must_use]
pub fn script(statements: &[Statement], counts: Counts, options: &ScriptOptions) -> String {
    let size: usize = statements.iter().map(|s| s.sql.len() + 4).sum();
    let mut out = String::with_capacity(size + 1024);
    out.push_str("-- plotsql sync script. Generated; do not edit.\n");
    out.push_str(&format!(
        "-- {} languages, {} libraries, {} specs, {} implementations.\n",
        counts.languages, counts.libraries, counts.specs, counts.impls
    ));
    out.push_str("-- Apply with: psql -X -d \"$DATABASE_URL\" -f <this file>\n");
    if options.plan {
        out.push_str("-- Plan mode: the transaction is rolled back at the end; nothing is changed.\n");
    }
    out.push('\n');
    out.push_str("\\set ON_ERROR_STOP on\n");
    out.push_str("SET client_encoding = 'UTF8';\n");
    out.push_str("SET standard_conforming_strings = on;\n");
    out.push_str("SET search_path = pg_catalog;\n");
    out.push('\n');
    out.push_str("BEGIN;\n");
    for s in statements {
        out.push('\n');
        out.push_str(&format!("-- {} {}: {} rows\n", s.table.name(), action_word(s.action), s.rows));
        out.push_str(&s.sql);
        out.push_str(";\n");
    }
    out.push('\n');
    out.push_str(if options.plan { "ROLLBACK;\n" } else { "COMMIT;\n" });
    out
}

fn action_word(a: crate::sql::Action) -> &'static str {
    match a {
        crate::sql::Action::InsertNew => "insert new",
        crate::sql::Action::Upsert => "upsert",
        crate::sql::Action::Delete => "delete rows not among these keys",
    }
}
