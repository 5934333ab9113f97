//! Helpers: repository fixtures in temporary folders, the plotsql binary, PostgreSQL
//! databases of their own for each test.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

/// The repository root of this crate.
pub fn manifest_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The bundled example repository.
pub fn demo() -> PathBuf {
    manifest_dir().join("examples/demo")
}

/// insta settings: snapshots live in the top-level `snapshots/` folder.
pub fn snapshot_settings() -> insta::Settings {
    let mut s = insta::Settings::clone_current();
    s.set_snapshot_path(manifest_dir().join("snapshots"));
    s.set_prepend_module_to_snapshot(false);
    s
}

/// A repository written into a temporary folder from `(path, content)` pairs.
pub struct Repo {
    pub dir: tempfile::TempDir,
}

impl Repo {
    pub fn new(files: &[(&str, &str)]) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let repo = Self { dir };
        for (path, content) in files {
            repo.write(path, content);
        }
        repo
    }

    /// A copy of the demo repository.
    pub fn demo_copy() -> Self {
        let dir = tempfile::tempdir().unwrap();
        copy_tree(&demo(), dir.path());
        Self { dir }
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    pub fn write(&self, path: &str, content: &str) {
        let p = self.dir.path().join(path);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, content).unwrap();
    }

    pub fn remove(&self, path: &str) {
        let p = self.dir.path().join(path);
        if p.is_dir() {
            std::fs::remove_dir_all(p).unwrap();
        } else {
            std::fs::remove_file(p).unwrap();
        }
    }

    pub fn read(&self, path: &str) -> String {
        std::fs::read_to_string(self.dir.path().join(path)).unwrap()
    }
}

pub fn copy_tree(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.unwrap();
        let rel = entry.path().strip_prefix(from).unwrap();
        let target = to.join(rel);
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// Runs the plotsql binary.
pub fn plotsql(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_plotsql"))
        .args(args)
        .output()
        .unwrap()
}

/// `plotsql build REPO` with extra arguments; panics unless it succeeds. Returns the script.
pub fn build(repo: &Path, extra: &[&str]) -> String {
    let mut args = vec!["build", repo.to_str().unwrap()];
    args.extend_from_slice(extra);
    let out = plotsql(&args);
    assert!(
        out.status.success(),
        "plotsql build failed: {}\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

// ---------------------------------------------------------------------------------------
// PostgreSQL

/// The server the tests use: `DATABASE_URL`, or the local one.
pub fn server_url() -> String {
    std::env::var("DATABASE_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".to_owned())
}

/// `url` with its database name replaced by `db`.
pub fn with_database(url: &str, db: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b, format!("?{q}")),
        None => (url, String::new()),
    };
    let scheme_end = base.find("://").map_or(0, |i| i + 3);
    let host_part = match base[scheme_end..].find('/') {
        Some(i) => &base[..scheme_end + i],
        None => base,
    };
    format!("{host_part}/{db}{query}")
}

/// psql on `url` with `sql` on standard input.
pub fn psql(url: &str, args: &[&str], stdin: &str) -> Output {
    let mut child = Command::new("psql")
        .args(["-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", url])
        .args(args)
        .env("PGCONNECT_TIMEOUT", "5")
        // Session settings under test are passed explicitly, never inherited.
        .env_remove("PGOPTIONS")
        .env_remove("PGCLIENTENCODING")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("psql must be installed to run the PostgreSQL tests");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

/// True when the server answers. Without it, a test fails when `CI` is set (the CI job
/// must have PostgreSQL) and is skipped, with the reason printed, elsewhere.
pub fn postgres_available() -> bool {
    let url = server_url();
    let ok = Command::new("psql")
        .args(["-X", "-q", "-d", &url, "-c", "SELECT 1"])
        .env("PGCONNECT_TIMEOUT", "5")
        .output()
        .map(|o| o.status.success());
    match ok {
        Ok(true) => true,
        other => {
            let why = match other {
                Err(e) => format!("psql could not run: {e}"),
                _ => format!("no PostgreSQL answers at {url}"),
            };
            assert!(
                std::env::var_os("CI").is_none(),
                "PostgreSQL is required when CI is set: {why}"
            );
            eprintln!("skipping PostgreSQL test: {why} (set DATABASE_URL)");
            false
        }
    }
}

/// A database of the test's own, created with the target schema, dropped at the end.
pub struct TestDb {
    pub name: String,
    pub url: String,
}

impl TestDb {
    /// A fresh database with the plotsql schema, or `None` (skip) without a server.
    pub fn new(tag: &str) -> Option<Self> {
        if !postgres_available() {
            return None;
        }
        let name = format!(
            "plotsql_test_{}_{}_{}",
            tag,
            std::process::id(),
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .subsec_nanos()
        );
        let server = server_url();
        let out = psql(&server, &["-c", &format!("CREATE DATABASE \"{name}\"")], "");
        assert!(
            out.status.success(),
            "CREATE DATABASE failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let db = Self {
            url: with_database(&server, &name),
            name,
        };
        let schema = plotsql(&["schema"]);
        let out = db.psql(&String::from_utf8(schema.stdout).unwrap());
        assert!(
            out.status.success(),
            "schema failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        Some(db)
    }

    pub fn psql(&self, sql: &str) -> Output {
        psql(&self.url, &[], sql)
    }

    /// Applies a script as users do (`psql -X -f`), asserting success; returns stdout.
    pub fn apply(&self, script: &str) -> String {
        let out = self.try_apply(script, &[]);
        assert!(
            out.status.success(),
            "apply failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    }

    pub fn try_apply(&self, script: &str, args: &[&str]) -> Output {
        let file = tempfile::NamedTempFile::new().unwrap();
        std::fs::write(file.path(), script).unwrap();
        Command::new("psql")
            .args(["-X", "-d", &self.url])
            .args(args)
            .arg("-f")
            .arg(file.path())
            .output()
            .unwrap()
    }

    /// One query's rows, `|`-separated, one line per row.
    pub fn query(&self, sql: &str) -> String {
        let out = psql(&self.url, &["-A", "-t", "-c", sql], "");
        assert!(
            out.status.success(),
            "query failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    }

    /// The four tables as canonical JSON (every synced column; not ids or clocks).
    pub fn dump(&self) -> serde_json::Value {
        let text = self.query(DUMP_SQL);
        serde_json::from_str(text.trim()).unwrap()
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        let _ = psql(
            &server_url(),
            &[
                "-c",
                &format!("DROP DATABASE IF EXISTS \"{}\" WITH (FORCE)", self.name),
            ],
            "",
        );
    }
}

pub const DUMP_SQL: &str = r#"SELECT json_build_object(
  'languages', (SELECT coalesce(json_agg(t ORDER BY t.id COLLATE "C"), '[]') FROM (
      SELECT id, name, file_extension, runtime_version, documentation_url, description FROM public.languages) t),
  'libraries', (SELECT coalesce(json_agg(t ORDER BY t.id COLLATE "C"), '[]') FROM (
      SELECT id, name, language_id, version, documentation_url, description FROM public.libraries) t),
  'specs', (SELECT coalesce(json_agg(t ORDER BY t.id COLLATE "C"), '[]') FROM (
      SELECT id, title, description, applications, data, notes, created, updated, issue, suggested, tags
      FROM public.specs) t),
  'impls', (SELECT coalesce(json_agg(t ORDER BY t.spec_id COLLATE "C", t.language_id COLLATE "C", t.library_id COLLATE "C"), '[]') FROM (
      SELECT spec_id, language_id, library_id, code, preview_url_light, preview_url_dark, preview_html_light,
             preview_html_dark, python_version, library_version, tested, quality_score, generated_at, updated,
             generated_by, issue, workflow_run, review_strengths, review_weaknesses, review_image_description,
             review_criteria_checklist, review_verdict, impl_tags
      FROM public.impls) t))"#;
