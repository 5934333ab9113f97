//! Session-setting attacks: the same scripts, applied under hostile session settings (from
//! the environment, or set on the database), write exactly the rows they write under the
//! defaults, and print the same change report.
//!
//! Each run applies three states in turn (hostile cases A, then B: changed values and
//! deletions, then the demo with its timestamps, floats and JSON numbers), so inserts,
//! updates and deletes all run under the setting. The dumps set their own session settings,
//! so the database's cannot bend the reading back.

use std::fmt::Write as _;
use std::path::Path;

use super::cases::{expected_dump, first_difference, two_states, write_batch};
use super::support::{apply_in, compile, exact_dump, scratch_dir, sql_ok};
use crate::util::{TestDb, demo};

/// Look-alikes in a schema `evil`: tables with the sync's names, functions and operators
/// that would win over the real ones if the script resolved names through the session's
/// `search_path` (an `=` that is always true would make every upsert skip its update
/// and every anti-join delete nothing; a `text` domain would reject the report rows).
const EVIL: &str = r#"
CREATE SCHEMA evil;
CREATE TABLE evil.languages (LIKE public.languages);
CREATE TABLE evil.libraries (LIKE public.libraries);
CREATE TABLE evil.specs (LIKE public.specs);
CREATE TABLE evil.impls (LIKE public.impls);
CREATE TABLE evil.plotsql_report (ord int, tbl text, inserted bigint, updated bigint, unchanged bigint, deleted bigint);
CREATE FUNCTION evil.gen_random_uuid() RETURNS uuid LANGUAGE sql AS $$ SELECT '00000000-0000-0000-0000-000000000000'::pg_catalog.uuid $$;
CREATE FUNCTION evil.pg_advisory_xact_lock(bigint) RETURNS void LANGUAGE sql AS $$ SELECT $$;
CREATE FUNCTION evil.yes(varchar, varchar) RETURNS boolean LANGUAGE sql IMMUTABLE AS 'SELECT true';
CREATE FUNCTION evil.yes(text, varchar) RETURNS boolean LANGUAGE sql IMMUTABLE AS 'SELECT true';
CREATE FUNCTION evil.yes(varchar, text) RETURNS boolean LANGUAGE sql IMMUTABLE AS 'SELECT true';
CREATE FUNCTION evil.yes(varchar[], varchar[]) RETURNS boolean LANGUAGE sql IMMUTABLE AS 'SELECT true';
CREATE FUNCTION evil.yes(text, text) RETURNS boolean LANGUAGE sql IMMUTABLE AS 'SELECT true';
CREATE FUNCTION evil.no(varchar, varchar) RETURNS boolean LANGUAGE sql IMMUTABLE AS 'SELECT false';
CREATE OPERATOR evil.= (LEFTARG = varchar, RIGHTARG = varchar, FUNCTION = evil.yes);
CREATE OPERATOR evil.= (LEFTARG = text, RIGHTARG = varchar, FUNCTION = evil.yes);
CREATE OPERATOR evil.= (LEFTARG = varchar, RIGHTARG = text, FUNCTION = evil.yes);
CREATE OPERATOR evil.= (LEFTARG = varchar[], RIGHTARG = varchar[], FUNCTION = evil.yes);
CREATE OPERATOR evil.= (LEFTARG = text, RIGHTARG = text, FUNCTION = evil.yes);
CREATE OPERATOR evil.<> (LEFTARG = varchar, RIGHTARG = varchar, FUNCTION = evil.no);
CREATE AGGREGATE evil.sum(bigint) (SFUNC = pg_catalog.int8pl, STYPE = bigint, INITCOND = '1000');
CREATE FUNCTION evil.count() RETURNS bigint LANGUAGE sql AS 'SELECT 1000::bigint';
CREATE DOMAIN evil.text AS pg_catalog.text CHECK (VALUE IS NULL);
CREATE DOMAIN evil.bigint AS pg_catalog.int8 CHECK (VALUE < 0);
"#;

/// A hostile setting: SQL run on the database before the apply, and environment for psql.
struct Setting {
    name: &'static str,
    database: &'static str,
    env: &'static [(&'static str, &'static str)],
}

const SETTINGS: &[Setting] = &[
    Setting {
        name: "PGOPTIONS standard_conforming_strings=off",
        database: "",
        env: &[("PGOPTIONS", "-c standard_conforming_strings=off")],
    },
    Setting {
        name: "database: standard_conforming_strings=off, backslash_quote=off",
        database: "SET standard_conforming_strings = off; SET backslash_quote = off; SET escape_string_warning = on",
        env: &[],
    },
    Setting {
        name: "PGCLIENTENCODING=LATIN1",
        database: "",
        env: &[("PGCLIENTENCODING", "LATIN1")],
    },
    Setting {
        name: "PGCLIENTENCODING=SQL_ASCII",
        database: "",
        env: &[("PGCLIENTENCODING", "SQL_ASCII")],
    },
    Setting {
        name: "PGCLIENTENCODING=SJIS",
        database: "",
        env: &[("PGCLIENTENCODING", "SJIS")],
    },
    Setting {
        name: "PGCLIENTENCODING=GB18030",
        database: "",
        env: &[("PGCLIENTENCODING", "GB18030")],
    },
    Setting {
        name: "database: client_encoding=LATIN1",
        database: "SET client_encoding = 'LATIN1'",
        env: &[],
    },
    Setting {
        name: "LATIN1 and standard_conforming_strings=off together",
        database: "SET standard_conforming_strings = off",
        env: &[("PGCLIENTENCODING", "LATIN1")],
    },
    Setting {
        name: "database: search_path = evil, public",
        database: "SET search_path = evil, public",
        env: &[],
    },
    Setting {
        name: "database: search_path = evil, pg_catalog, public",
        database: "SET search_path = evil, pg_catalog, public",
        env: &[],
    },
    Setting {
        name: "PGOPTIONS search_path=evil,pg_catalog",
        database: "",
        env: &[("PGOPTIONS", "-c search_path=evil,pg_catalog,public")],
    },
    Setting {
        name: "database: DateStyle, TimeZone, float digits, array_nulls, transform_null_equals, serializable",
        database: "SET DateStyle = 'SQL, DMY'; SET TimeZone = 'Pacific/Chatham'; SET IntervalStyle = 'sql_standard'; \
                   SET extra_float_digits = -15; SET array_nulls = off; SET transform_null_equals = on; \
                   SET default_transaction_isolation = 'serializable'; SET quote_all_identifiers = on; \
                   SET search_path = evil, pg_catalog; SET standard_conforming_strings = off",
        env: &[
            ("PGCLIENTENCODING", "LATIN1"),
            ("PGDATESTYLE", "German"),
            ("PGTZ", "America/St_Johns"),
        ],
    },
];

/// Resets the database's settings, then sets `settings` (`SET a = b; ...`) on it.
fn set_database(db: &TestDb, settings: &str) {
    let mut sql = format!("ALTER DATABASE \"{}\" RESET ALL;\n", db.name);
    for s in settings.split(';').map(str::trim).filter(|s| !s.is_empty()) {
        let _ = writeln!(sql, "ALTER DATABASE \"{}\" {s};", db.name);
    }
    sql_ok(&db.url, &sql);
}

struct Run {
    dumps: Vec<serde_json::Value>,
    reports: Vec<String>,
}

/// Applies the scripts in turn on empty tables under `setting`; the dumps and reports.
fn run(db: &TestDb, scripts: &[String], setting: Option<&Setting>) -> Run {
    sql_ok(
        &db.url,
        "TRUNCATE public.impls, public.specs, public.libraries, public.languages;\n",
    );
    set_database(db, setting.map_or("", |s| s.database));
    let mut run = Run {
        dumps: Vec::new(),
        reports: Vec::new(),
    };
    for script in scripts {
        let env = setting.map_or(&[][..], |s| s.env);
        let out = apply_in(&db.url, script, Path::new("/"), &[], env);
        let name = setting.map_or("defaults", |s| s.name);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            out.status.success() && !stderr.contains("ERROR"),
            "{name}: apply failed: {stderr}"
        );
        run.dumps.push(exact_dump(&db.url));
        run.reports.push(String::from_utf8(out.stdout).unwrap());
    }
    set_database(db, "");
    run
}

#[test]
fn hostile_session_settings_write_the_same_rows() {
    let Some(db) = TestDb::new("hostile_sessions") else {
        return;
    };
    sql_ok(&db.url, EVIL);
    let canary = tempfile::tempdir().unwrap();
    let (a, b) = two_states(30, canary.path().to_str().unwrap());
    let mut scripts = Vec::new();
    for cases in [&a, &b] {
        let repo = scratch_dir();
        write_batch(repo.path(), cases);
        scripts.push(compile(repo.path()).unwrap());
    }
    scripts.push(compile(&demo()).unwrap());

    let baseline = run(&db, &scripts, None);
    if let Some(diff) = first_difference(&expected_dump(&a), &baseline.dumps[0]) {
        panic!("state A under the defaults: {diff}");
    }
    for setting in SETTINGS {
        let got = run(&db, &scripts, Some(setting));
        for (n, (expected, got)) in baseline.dumps.iter().zip(&got.dumps).enumerate() {
            if let Some(diff) = first_difference(expected, got) {
                panic!("{}: state {n} differs: {diff}", setting.name);
            }
        }
        assert_eq!(
            baseline.reports, got.reports,
            "{}: the change report differs",
            setting.name
        );
    }
    assert!(
        std::fs::read_dir(canary.path()).unwrap().next().is_none(),
        "psql ran a meta-command"
    );
    set_database(&db, "");
}
