//! Malicious repositories. Each attack runs the real binary (`plotsql build`) under a
//! 512 MiB address-space limit and must end within a second in a clear diagnostic (its
//! code on stderr), exit code 1 or 2, no panic and no script. SQL injection in names and
//! values is not an error: it must be stored verbatim, which the last test checks against
//! PostgreSQL.

use std::fs;
use std::os::unix::ffi::OsStrExt as _;
use std::os::unix::fs::{PermissionsExt as _, symlink};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use super::support::{apply_in, compile, exact_dump};
use crate::util::{Repo, TestDb};

const CATALOG: &str = "languages:\n  - {id: python, name: Python, file_extension: .py}\nlibraries:\n  - {id: matplotlib, name: Matplotlib, language_id: python}\n";

/// Address-space limit for the binary, in KiB.
const MEMORY_KIB: u64 = 512 * 1024;

/// A sound repository with one spec and one implementation, for an attack to spoil.
fn base() -> Repo {
    Repo::new(&[
        ("plotsql.yaml", CATALOG),
        (
            "plots/ok/specification.md",
            "# ok: OK\n\n## Description\n\nFine.\n",
        ),
        (
            "plots/ok/implementations/python/matplotlib.py",
            "print('ok')\n",
        ),
        (
            "plots/ok/metadata/python/matplotlib.yaml",
            "library: matplotlib\nquality_score: 90\n",
        ),
    ])
}

fn path(repo: &Repo, rel: &str) -> PathBuf {
    repo.path().join(rel)
}

fn replace_with_link(repo: &Repo, rel: &str, target: impl AsRef<Path>) {
    let p = path(repo, rel);
    if p.is_dir() {
        fs::remove_dir_all(&p).unwrap();
    } else if fs::symlink_metadata(&p).is_ok() {
        fs::remove_file(&p).unwrap();
    }
    fs::create_dir_all(p.parent().unwrap()).unwrap();
    symlink(target, p).unwrap();
}

fn sparse(repo: &Repo, rel: &str) {
    let f = fs::File::create(path(repo, rel)).unwrap();
    f.set_len(1 << 30).unwrap();
}

fn write_bytes(repo: &Repo, rel: &str, bytes: &[u8]) {
    let p = path(repo, rel);
    fs::create_dir_all(p.parent().unwrap()).unwrap();
    fs::write(p, bytes).unwrap();
}

fn make_dir(repo: &Repo, rel: &str) {
    let p = path(repo, rel);
    if p.exists() {
        fs::remove_file(&p).unwrap();
    }
    fs::create_dir_all(p).unwrap();
}

fn fifo(repo: &Repo, rel: &str) {
    let p = path(repo, rel);
    if p.exists() {
        fs::remove_file(&p).unwrap();
    }
    let ok = Command::new("mkfifo").arg(&p).status().map(|s| s.success());
    assert!(
        matches!(ok, Ok(true)),
        "mkfifo is needed for the FIFO attacks"
    );
}

/// The YAML "billion laughs": nine levels of ten aliases each.
fn billion_laughs(prefix: &str) -> String {
    let mut y = format!("{prefix}a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
    for i in 1..10 {
        let p = i - 1;
        y.push_str(&format!(
            "a{i}: &a{i} [*a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}]\n"
        ));
    }
    y
}

const DEEP: usize = 10_000;

/// Runs `plotsql build` on `repo`, bounded in memory, as `user` when given.
fn run_build(repo: &Path, as_nobody: Option<&Path>) -> (Output, Duration) {
    let bin = as_nobody.map_or_else(
        || PathBuf::from(env!("CARGO_BIN_EXE_plotsql")),
        Path::to_path_buf,
    );
    let mut cmd = match as_nobody {
        Some(_) => {
            let mut c = Command::new("setpriv");
            c.args([
                "--reuid=65534",
                "--regid=65534",
                "--clear-groups",
                "--",
                "sh",
            ]);
            c
        }
        None => Command::new("sh"),
    };
    cmd.arg("-c")
        .arg(format!("ulimit -v {MEMORY_KIB}; exec \"$0\" \"$@\""))
        .arg(bin)
        .args(["build", "--message-format", "json"])
        .arg(repo);
    let started = Instant::now();
    let out = cmd.output().unwrap();
    (out, started.elapsed())
}

/// Asserts the attack was refused as it must be; `codes` lists acceptable diagnostic codes.
fn assert_refused(name: &str, out: &Output, elapsed: Duration, codes: &[&str]) {
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        !stderr.contains("panicked"),
        "{name}: plotsql panicked: {stderr}"
    );
    assert!(
        matches!(out.status.code(), Some(1 | 2)),
        "{name}: exit {:?}, expected 1 or 2: {stderr}",
        out.status
    );
    assert!(out.stdout.is_empty(), "{name}: a script was written");
    let found: Vec<String> = stderr
        .lines()
        .filter_map(|l| serde_json::from_str::<Value>(l).ok())
        .filter(|d| d["severity"] == "error")
        .filter_map(|d| d["code"].as_str().map(str::to_owned))
        .collect();
    let found_any = found.iter().any(|c| codes.contains(&c.as_str()))
        || (out.status.code() == Some(2) && codes.iter().any(|c| stderr.contains(c)));
    assert!(
        found_any,
        "{name}: expected one of {codes:?}, got {found:?}\n{stderr}"
    );
    assert!(elapsed < Duration::from_secs(1), "{name}: took {elapsed:?}");
}

type Attack = (&'static str, fn(&Repo), &'static [&'static str]);

const LINK_OUTSIDE: &[&str] = &["plotsql::fs::link_outside"];
const BROKEN_LINK: &[&str] = &["plotsql::fs::broken_link"];
const TOO_LARGE: &[&str] = &["plotsql::fs::too_large"];
const YAML: &[&str] = &["plotsql::yaml::syntax"];
const UTF8: &[&str] = &["plotsql::fs::invalid_utf8"];
const NUL: &[&str] = &["plotsql::text::nul"];
const NOT_A_FILE: &[&str] = &["plotsql::fs::not_a_file"];

fn attacks() -> Vec<Attack> {
    vec![
        (
            "specification.md links to /etc/passwd",
            |r| replace_with_link(r, "plots/ok/specification.md", "/etc/passwd"),
            LINK_OUTSIDE,
        ),
        (
            "code file links to /etc/shadow",
            |r| {
                replace_with_link(
                    r,
                    "plots/ok/implementations/python/matplotlib.py",
                    "/etc/shadow",
                )
            },
            LINK_OUTSIDE,
        ),
        (
            "metadata links outside",
            |r| {
                replace_with_link(
                    r,
                    "plots/ok/metadata/python/matplotlib.yaml",
                    "/etc/hostname",
                )
            },
            LINK_OUTSIDE,
        ),
        (
            "plotsql.yaml links outside",
            |r| replace_with_link(r, "plotsql.yaml", "/etc/passwd"),
            LINK_OUTSIDE,
        ),
        (
            "plots links to /etc",
            |r| replace_with_link(r, "plots", "/etc"),
            LINK_OUTSIDE,
        ),
        (
            "a spec folder links to /",
            |r| replace_with_link(r, "plots/root", "/"),
            LINK_OUTSIDE,
        ),
        (
            "a language folder links to /usr/bin",
            |r| replace_with_link(r, "plots/ok/implementations/python", "/usr/bin"),
            LINK_OUTSIDE,
        ),
        (
            "a relative link climbs out of the repository",
            |r| {
                let outside = r
                    .path()
                    .parent()
                    .unwrap()
                    .join(format!("outside-{}", std::process::id()));
                fs::write(&outside, "# x: stolen\n").unwrap();
                let rel = format!(
                    "../../../{}",
                    outside.file_name().unwrap().to_str().unwrap()
                );
                replace_with_link(r, "plots/ok/specification.md", rel);
            },
            LINK_OUTSIDE,
        ),
        (
            "a symlink loop (a -> b -> a)",
            |r| {
                replace_with_link(r, "plots/ok/specification.md", "spec.md");
                replace_with_link(r, "plots/ok/spec.md", "specification.md");
            },
            BROKEN_LINK,
        ),
        (
            "a code file that links to itself",
            |r| {
                replace_with_link(
                    r,
                    "plots/ok/implementations/python/matplotlib.py",
                    "matplotlib.py",
                )
            },
            BROKEN_LINK,
        ),
        (
            "a spec folder that links to itself",
            |r| replace_with_link(r, "plots/loop", "loop"),
            BROKEN_LINK,
        ),
        (
            "a dangling link",
            |r| {
                replace_with_link(
                    r,
                    "plots/ok/metadata/python/matplotlib.yaml",
                    "nowhere.yaml",
                )
            },
            BROKEN_LINK,
        ),
        (
            "a 1 GiB sparse code file",
            |r| sparse(r, "plots/ok/implementations/python/matplotlib.py"),
            TOO_LARGE,
        ),
        (
            "a 1 GiB sparse specification.md",
            |r| sparse(r, "plots/ok/specification.md"),
            TOO_LARGE,
        ),
        (
            "a 1 GiB sparse plotsql.yaml",
            |r| sparse(r, "plotsql.yaml"),
            TOO_LARGE,
        ),
        (
            "a 1 GiB sparse metadata file",
            |r| sparse(r, "plots/ok/metadata/python/matplotlib.yaml"),
            TOO_LARGE,
        ),
        (
            "billion laughs in the metadata",
            |r| {
                r.write(
                    "plots/ok/metadata/python/matplotlib.yaml",
                    &billion_laughs("library: matplotlib\n"),
                )
            },
            YAML,
        ),
        (
            "billion laughs in the catalog",
            |r| r.write("plotsql.yaml", &format!("{CATALOG}{}", billion_laughs(""))),
            YAML,
        ),
        (
            "billion laughs in specification.yaml",
            |r| {
                r.write(
                    "plots/ok/specification.yaml",
                    &billion_laughs("spec_id: ok\n"),
                )
            },
            YAML,
        ),
        (
            "10,000-deep flow sequences",
            |r| {
                r.write(
                    "plots/ok/metadata/python/matplotlib.yaml",
                    &format!(
                        "library: matplotlib\nimpl_tags: {}{}\n",
                        "[".repeat(DEEP),
                        "]".repeat(DEEP)
                    ),
                )
            },
            YAML,
        ),
        (
            "10,000-deep flow mappings",
            |r| {
                r.write(
                    "plots/ok/specification.yaml",
                    &format!(
                        "spec_id: ok\ntags: {}x{}\n",
                        "{a: ".repeat(DEEP),
                        "}".repeat(DEEP)
                    ),
                )
            },
            YAML,
        ),
        (
            "10,000-deep block sequences",
            |r| {
                r.write(
                    "plotsql.yaml",
                    &format!("{CATALOG}x: {}y\n", "- ".repeat(DEEP)),
                )
            },
            YAML,
        ),
        (
            // Indentation grows with depth: 2,000 levels are 2 MB already.
            "2,000-deep block mappings",
            |r| {
                let mut y = String::from("library: matplotlib\nimpl_tags:\n");
                for i in 0..2_000 {
                    y.push_str(&" ".repeat(i + 1));
                    y.push_str("k:\n");
                }
                r.write("plots/ok/metadata/python/matplotlib.yaml", &y);
            },
            YAML,
        ),
        (
            "a recursive alias",
            |r| {
                r.write(
                    "plots/ok/specification.yaml",
                    "spec_id: ok\ntags: &a [*a]\n",
                )
            },
            YAML,
        ),
        (
            "a python object tag",
            |r| {
                r.write("plots/ok/metadata/python/matplotlib.yaml", "library: matplotlib\nimpl_tags: !!python/object/apply:os.system ['touch /tmp/pwned']\n")
            },
            &["plotsql::yaml::syntax", "plotsql::yaml::unsupported_tag"],
        ),
        (
            "invalid UTF-8 in specification.md",
            |r| write_bytes(r, "plots/ok/specification.md", b"# ok: caf\xe9\n"),
            UTF8,
        ),
        (
            "invalid UTF-8 in a code file",
            |r| {
                write_bytes(
                    r,
                    "plots/ok/implementations/python/matplotlib.py",
                    b"x = '\xff\xfe'\n",
                )
            },
            UTF8,
        ),
        (
            "invalid UTF-8 in plotsql.yaml",
            |r| write_bytes(r, "plotsql.yaml", b"languages: []\n# \xc3\x28\n"),
            UTF8,
        ),
        (
            "an overlong UTF-8 encoding of '/'",
            |r| {
                write_bytes(
                    r,
                    "plots/ok/metadata/python/matplotlib.yaml",
                    b"library: matplotlib\nx: \xc0\xaf\n",
                )
            },
            UTF8,
        ),
        (
            "a UTF-16 surrogate encoded in UTF-8",
            |r| write_bytes(r, "plots/ok/specification.md", b"# ok: \xed\xa0\x80\n"),
            UTF8,
        ),
        (
            "a spec folder name that is not UTF-8",
            |r| {
                fs::create_dir_all(
                    r.path()
                        .join("plots")
                        .join(std::ffi::OsStr::from_bytes(b"bad\xff")),
                )
                .unwrap()
            },
            &["plotsql::fs::non_utf8_name"],
        ),
        (
            "a code file name that is not UTF-8",
            |r| {
                let dir = r.path().join("plots/ok/implementations/python");
                fs::write(dir.join(std::ffi::OsStr::from_bytes(b"x\xfe.py")), "x\n").unwrap();
            },
            &["plotsql::fs::non_utf8_name"],
        ),
        (
            "a NUL byte in a code file",
            |r| {
                write_bytes(
                    r,
                    "plots/ok/implementations/python/matplotlib.py",
                    b"x = 1\0\n",
                )
            },
            NUL,
        ),
        (
            "a NUL byte in specification.md",
            |r| write_bytes(r, "plots/ok/specification.md", b"# ok: O\0K\n"),
            NUL,
        ),
        (
            "a NUL byte in YAML",
            |r| {
                write_bytes(
                    r,
                    "plots/ok/metadata/python/matplotlib.yaml",
                    b"library: matplotlib\nx: \0\n",
                )
            },
            NUL,
        ),
        (
            "a \\0 escape in a YAML value",
            |r| {
                r.write(
                    "plots/ok/metadata/python/matplotlib.yaml",
                    "library: matplotlib\npython_version: \"3\\0\"\n",
                )
            },
            NUL,
        ),
        (
            "a \\0 escape in a JSON key",
            |r| {
                r.write(
                    "plots/ok/metadata/python/matplotlib.yaml",
                    "library: matplotlib\nimpl_tags: {\"k\\0\": 1}\n",
                )
            },
            NUL,
        ),
        (
            "a \\x00 escape in a catalog name",
            |r| {
                r.write(
                    "plotsql.yaml",
                    &CATALOG.replace("name: Python", "name: \"Py\\x00\""),
                )
            },
            NUL,
        ),
        (
            "plotsql.yaml is a directory",
            |r| make_dir(r, "plotsql.yaml"),
            &["plotsql::catalog::missing"],
        ),
        (
            "plots is a file",
            |r| {
                fs::remove_dir_all(r.path().join("plots")).unwrap();
                r.write("plots", "not a folder\n");
            },
            &["plotsql::repo::no_plots"],
        ),
        (
            "specification.md is a directory",
            |r| make_dir(r, "plots/ok/specification.md"),
            NOT_A_FILE,
        ),
        (
            "a metadata file is a directory",
            |r| make_dir(r, "plots/ok/metadata/python/matplotlib.yaml"),
            NOT_A_FILE,
        ),
        (
            "specification.md is a FIFO",
            |r| fifo(r, "plots/ok/specification.md"),
            NOT_A_FILE,
        ),
        (
            "plotsql.yaml is a FIFO",
            |r| fifo(r, "plotsql.yaml"),
            &["plotsql::catalog::missing"],
        ),
        (
            "a metadata file is a FIFO",
            |r| fifo(r, "plots/ok/metadata/python/matplotlib.yaml"),
            NOT_A_FILE,
        ),
        (
            "specification.md links to /dev/zero",
            |r| replace_with_link(r, "plots/ok/specification.md", "/dev/zero"),
            LINK_OUTSIDE,
        ),
        (
            "a spec id of 101 characters",
            |r| {
                let id = "a".repeat(101);
                r.write(&format!("plots/{id}/specification.md"), "# x: X\n");
            },
            &["plotsql::spec::id_too_long"],
        ),
    ]
}

#[test]
fn malicious_repositories_are_refused_cleanly() {
    let attacks = attacks();
    for (name, spoil, codes) in &attacks {
        let repo = base();
        spoil(&repo);
        let (out, elapsed) = run_build(repo.path(), None);
        assert_refused(name, &out, elapsed, codes);
    }
    eprintln!("attack fixtures refused: {}", attacks.len());
}

/// Files that cannot be read. Permissions do not stop root, so as root the binary runs as
/// `nobody` (setpriv), with the repository opened to it.
#[test]
fn unreadable_files_are_refused_cleanly() {
    let cases: [(&str, &str); 5] = [
        (
            "an unreadable specification.md",
            "plots/ok/specification.md",
        ),
        (
            "an unreadable code file",
            "plots/ok/implementations/python/matplotlib.py",
        ),
        (
            "an unreadable metadata file",
            "plots/ok/metadata/python/matplotlib.yaml",
        ),
        ("an unreadable plotsql.yaml", "plotsql.yaml"),
        ("an unreadable spec folder", "plots/ok"),
    ];
    // A copy of the binary that `nobody` can run, when needed.
    let bin_dir = tempfile::tempdir().unwrap();
    fs::set_permissions(bin_dir.path(), fs::Permissions::from_mode(0o755)).unwrap();
    let bin = bin_dir.path().join("plotsql");
    fs::copy(env!("CARGO_BIN_EXE_plotsql"), &bin).unwrap();
    fs::set_permissions(&bin, fs::Permissions::from_mode(0o755)).unwrap();
    let mut checked = 0;
    for (name, rel) in cases {
        let repo = base();
        for entry in walkdir::WalkDir::new(repo.path()) {
            let entry = entry.unwrap();
            let mode = if entry.file_type().is_dir() {
                0o755
            } else {
                0o644
            };
            fs::set_permissions(entry.path(), fs::Permissions::from_mode(mode)).unwrap();
        }
        let target = path(&repo, rel);
        fs::set_permissions(&target, fs::Permissions::from_mode(0o000)).unwrap();
        let privileged = if target.is_dir() {
            fs::read_dir(&target).is_ok()
        } else {
            fs::read(&target).is_ok()
        };
        let as_nobody = privileged.then_some(bin.as_path());
        let setpriv = || {
            Command::new("setpriv")
                .args([
                    "--reuid=65534",
                    "--regid=65534",
                    "--clear-groups",
                    "--",
                    "true",
                ])
                .status()
                .is_ok_and(|s| s.success())
        };
        if privileged && !setpriv() {
            eprintln!(
                "{name}: running as root without setpriv; permissions cannot make a file unreadable here"
            );
            continue;
        }
        let (out, elapsed) = run_build(repo.path(), as_nobody);
        assert_refused(name, &out, elapsed, &["plotsql::fs::unreadable"]);
        checked += 1;
        fs::set_permissions(&target, fs::Permissions::from_mode(0o755)).unwrap();
    }
    eprintln!("unreadable fixtures refused: {checked}");
}

/// Hostile shapes that are not errors must still end quickly, bounded, without panicking.
#[test]
fn hostile_but_valid_shapes_end_quickly() {
    type Shape = (&'static str, fn(&Repo));
    let shapes: [Shape; 5] = [
        ("a language folder that links to its own spec folder", |r| {
            replace_with_link(r, "plots/ok/implementations/python/loop", "../../..")
        }),
        ("a FIFO named like a code file", |r| {
            fifo(r, "plots/ok/implementations/python/plotly.py")
        }),
        ("a spec folder that links to the plots folder", |r| {
            replace_with_link(r, "plots/again", ".")
        }),
        ("15 MiB of `## Data` headings", |r| {
            r.write(
                "plots/ok/specification.md",
                &format!("# ok: OK\n{}", "## Data ## Data\n- x\n".repeat(750_000)),
            )
        }),
        ("15 MiB of `#` title candidates", |r| {
            r.write(
                "plots/ok/specification.md",
                &"# a:\n#\t\n# -\n".repeat(1_200_000),
            )
        }),
    ];
    for (name, shape) in shapes {
        let repo = base();
        shape(&repo);
        let (out, elapsed) = run_build(repo.path(), None);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!stderr.contains("panicked"), "{name}: {stderr}");
        assert!(
            matches!(out.status.code(), Some(0 | 1)),
            "{name}: {:?} {stderr}",
            out.status
        );
        assert!(elapsed < Duration::from_secs(1), "{name}: took {elapsed:?}");
    }
}

/// Classic SQL injection payloads in folder names, file names and every kind of value are
/// data: stored verbatim, and the tables are all still there.
#[test]
fn sql_injection_is_stored_verbatim() {
    let Some(db) = TestDb::new("hostile_injection") else {
        return;
    };
    let canary = tempfile::tempdir().unwrap();
    let c = canary.path().to_str().unwrap();
    let spec = "x'); DROP TABLE public.specs; --";
    let lang = "sql'; DROP SCHEMA public CASCADE; --";
    let lib = "$$; DELETE FROM public.impls; $$";
    let title = format!("\\'; TRUNCATE public.languages; -- \\! touch {c}/title");
    let code = format!(
        "';\n\\! touch {c}/code\n\\gexec\nSELECT 1; -- \\\\ E'\\x41' $$ :foo :'foo'\r\n/* */ \\.\n"
    );
    let bullet = "' || (SELECT string_agg(usename, ',') FROM pg_user) || '";
    let catalog = format!(
        "languages:\n  - {{id: {l}, name: {l}, file_extension: \".sql\"}}\nlibraries:\n  - {{id: {b}, name: {b}, language_id: {l}}}\n",
        l = super::cases::dq(lang),
        b = super::cases::dq(lib)
    );
    let repo = Repo::new(&[
        ("plotsql.yaml", &catalog),
        (
            &format!("plots/{spec}/specification.md"),
            &format!("# x: {title}\n\n## Description\n\n{code}\n## Notes\n\n- {bullet}\n"),
        ),
        (
            &format!("plots/{spec}/specification.yaml"),
            &format!(
                "spec_id: x\nsuggested: {}\ntags: {{{}: [{}]}}\n",
                super::cases::dq(bullet),
                super::cases::dq(spec),
                super::cases::dq(&code)
            ),
        ),
        (
            &format!("plots/{spec}/implementations/{lang}/{lib}.sql"),
            &code,
        ),
        (
            &format!("plots/{spec}/metadata/{lang}/{lib}.yaml"),
            &format!(
                "library: x\ngenerated_by: {}\nreview:\n  strengths: [{}]\n",
                super::cases::dq(lib),
                super::cases::dq(&code)
            ),
        ),
    ]);
    let script = compile(repo.path()).unwrap();
    let out = apply_in(&db.url, &script, canary.path(), &["-v", "foo=PWNED"], &[]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        std::fs::read_dir(canary.path()).unwrap().next().is_none(),
        "psql ran a meta-command"
    );
    let d = exact_dump(&db.url);
    let stored_code = code.replace("\r\n", "\n");
    assert_eq!(d["languages"][0]["id"], lang);
    assert_eq!(d["libraries"][0]["id"], lib);
    let s = &d["specs"][0];
    assert_eq!(s["id"], spec);
    assert_eq!(s["title"], title);
    assert_eq!(s["description"], stored_code.trim());
    assert_eq!(s["notes"], json!([bullet]));
    assert_eq!(s["suggested"], bullet);
    assert_eq!(s["tags"], json!({ spec: [code] }));
    let i = &d["impls"][0];
    assert_eq!(
        (&i["spec_id"], &i["language_id"], &i["library_id"]),
        (&json!(spec), &json!(lang), &json!(lib))
    );
    assert_eq!(i["code"], stored_code);
    assert_eq!(i["generated_by"], lib);
    assert_eq!(i["review_strengths"], json!([code]));
}
