//! Helpers of the hostile suite: compiling in-process, applying with psql under chosen
//! settings, full dumps with pg_dump.

use std::path::Path;
use std::process::{Command, Output};

use plotsql::render::{self, RenderOptions};

/// Compiles `repo` with the default options (and `chunk_size` rows per upsert); the script,
/// or the rendered diagnostics.
pub fn compile_chunked(repo: &Path, chunk_size: usize) -> Result<String, String> {
    let mut options = plotsql::BuildOptions::default();
    options.sql.chunk_size = chunk_size;
    let build = plotsql::compile(repo, &options).map_err(|e| e.to_string())?;
    match build.script {
        Some(script) => Ok(script),
        None => Err(render::render(
            &build.reading.diagnostics,
            &build.reading.sources,
            RenderOptions::default(),
        )),
    }
}

/// Compiles `repo` with the default options.
pub fn compile(repo: &Path) -> Result<String, String> {
    compile_chunked(repo, 500)
}

/// `psql -X -d url ARGS -f script`, run in `cwd` with `env` added.
pub fn apply_in(
    url: &str,
    script: &str,
    cwd: &Path,
    args: &[&str],
    env: &[(&str, &str)],
) -> Output {
    let file = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(file.path(), script).unwrap();
    let mut cmd = Command::new("psql");
    cmd.args(["-X", "-d", url])
        .args(args)
        .arg("-f")
        .arg(file.path())
        .current_dir(cwd);
    cmd.env_remove("PGOPTIONS").env_remove("PGCLIENTENCODING");
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().unwrap()
}

/// `psql -X -d url` with `stdin`, ON_ERROR_STOP, settings reset.
pub fn sql(url: &str, stdin: &str) -> Output {
    crate::util::psql(url, &["-A", "-t"], stdin)
}

/// Runs `stdin` and asserts success; returns stdout.
pub fn sql_ok(url: &str, stdin: &str) -> String {
    let out = sql(url, stdin);
    assert!(
        out.status.success(),
        "{stdin}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// The whole `public` schema, definitions and data, as pg_dump writes it: equal dumps mean
/// byte-identical tables (ids, clocks and row order included).
pub fn pg_dump(url: &str) -> String {
    let out = Command::new("pg_dump")
        .args([
            "--schema=public",
            "--no-owner",
            "--no-privileges",
            "-d",
            url,
        ])
        .env_remove("PGOPTIONS")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "pg_dump failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    // Recent pg_dump versions fence the dump with `\restrict KEY` lines, a new random key
    // each time.
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .filter(|l| !l.starts_with("\\restrict ") && !l.starts_with("\\unrestrict "))
        .map(|l| format!("{l}\n"))
        .collect()
}

/// Asserts two pg_dump outputs are equal, showing the first differing line.
pub fn assert_same_dump(before: &str, after: &str, what: &str) {
    if before != after {
        let diff = before
            .lines()
            .zip(after.lines())
            .find(|(a, b)| a != b)
            .map_or_else(
                || "(one is a prefix of the other)".to_owned(),
                |(a, b)| format!("- {a}\n+ {b}"),
            );
        panic!("{what}: the database changed\n{diff}");
    }
}

/// `TestDb::dump`, byte for byte: psql's display drops characters it deems invalid (such
/// as U+10FFFF), so the JSON comes back base64-encoded. The session's own settings make
/// the database's (search path, float digits, encodings) irrelevant.
pub fn exact_dump(url: &str) -> serde_json::Value {
    let query = format!(
        "SET search_path = pg_catalog, public;\nSET extra_float_digits = 1;\nSET client_encoding = 'UTF8';\n\
         SELECT translate(encode(convert_to(({})::text, 'UTF8'), 'base64'), E'\\n', '');\n",
        crate::util::DUMP_SQL
    );
    let b64 = sql_ok(url, &query);
    let bytes = base64_decode(b64.trim());
    serde_json::from_slice(&bytes).unwrap()
}

fn base64_decode(s: &str) -> Vec<u8> {
    let value = |c: u8| -> u32 {
        match c {
            b'A'..=b'Z' => u32::from(c - b'A'),
            b'a'..=b'z' => u32::from(c - b'a') + 26,
            b'0'..=b'9' => u32::from(c - b'0') + 52,
            b'+' => 62,
            b'/' => 63,
            _ => panic!("not base64: {c}"),
        }
    };
    let mut out = Vec::with_capacity(s.len() / 4 * 3);
    for chunk in s.as_bytes().chunks(4) {
        let data: Vec<u8> = chunk.iter().copied().filter(|&c| c != b'=').collect();
        let mut n = 0u32;
        for (i, &c) in data.iter().enumerate() {
            n |= value(c) << (18 - 6 * i);
        }
        let bytes = n.to_be_bytes();
        out.extend_from_slice(&bytes[1..data.len()]);
    }
    out
}

/// A temporary folder in memory (`/dev/shm`) where there is one: repositories of
/// thousands of small files are written faster there.
pub fn scratch_dir() -> tempfile::TempDir {
    let shm = Path::new("/dev/shm");
    if shm.is_dir()
        && let Ok(dir) = tempfile::tempdir_in(shm)
    {
        return dir;
    }
    tempfile::tempdir().unwrap()
}
