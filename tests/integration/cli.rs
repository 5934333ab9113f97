//! The command line: exit codes, output files, help.

use crate::util::{Repo, demo, plotsql};

const CATALOG: &str = "languages:\n  - {id: python, name: Python, file_extension: .py}\nlibraries:\n  - {id: matplotlib, name: Matplotlib, language_id: python}\n";

#[test]
fn check_is_clean_on_the_demo() {
    let out = plotsql(&["check", demo().to_str().unwrap()]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.stdout.is_empty(), "check writes no script");
}

#[test]
fn strict_turns_the_demo_warnings_into_errors() {
    let out = plotsql(&["check", "--strict", demo().to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn errors_exit_1_and_leave_the_output_file_untouched() {
    let repo = Repo::new(&[
        ("plotsql.yaml", CATALOG),
        ("plots/a/specification.md", "# a: A\n"),
        ("plots/a/implementations/python/unknown.py", "x = 1\n"),
    ]);
    let out_file = repo.path().join("sync.sql");
    std::fs::write(&out_file, "previous").unwrap();
    let out = plotsql(&[
        "build",
        repo.path().to_str().unwrap(),
        "-o",
        out_file.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(std::fs::read_to_string(&out_file).unwrap(), "previous");
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stderr.contains("plotsql::impl::unknown_library"),
        "{stderr}"
    );
}

#[test]
fn output_file_is_written_on_success() {
    let repo = Repo::new(&[
        ("plotsql.yaml", CATALOG),
        ("plots/a/specification.md", "# a: A\n"),
    ]);
    let out_file = repo.path().join("out/sync.sql");
    std::fs::create_dir_all(out_file.parent().unwrap()).unwrap();
    let out = plotsql(&[
        "build",
        repo.path().to_str().unwrap(),
        "-o",
        out_file.to_str().unwrap(),
    ]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.stdout.is_empty());
    assert!(
        std::fs::read_to_string(&out_file)
            .unwrap()
            .contains("COMMIT \\;")
    );
}

#[test]
fn missing_repository_is_exit_2() {
    let out = plotsql(&["build", "/nonexistent/plotsql-repo"]);
    assert_eq!(out.status.code(), Some(2));
    let out = plotsql(&["build", "--chunk-size", "0", "."]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn empty_repository_needs_allow_empty() {
    let repo = Repo::new(&[("plotsql.yaml", CATALOG), ("plots/.keep", "")]);
    let out = plotsql(&["build", repo.path().to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("plotsql::repo::empty"));
    let out = plotsql(&["build", repo.path().to_str().unwrap(), "--allow-empty"]);
    assert_eq!(out.status.code(), Some(0));
    let script = String::from_utf8(out.stdout).unwrap();
    assert!(
        script.contains("DELETE FROM \"public\".\"specs\" RETURNING"),
        "{script}"
    );
}

#[test]
fn schema_prints_the_ddl() {
    let out = plotsql(&["schema"]);
    assert_eq!(out.status.code(), Some(0));
    let ddl = String::from_utf8(out.stdout).unwrap();
    for table in ["languages", "libraries", "specs", "impls"] {
        assert!(
            ddl.contains(&format!("CREATE TABLE public.{table} (")),
            "{table}"
        );
    }
    assert!(ddl.contains("CONSTRAINT uq_impl UNIQUE (spec_id, language_id, library_id)"));
}

#[test]
fn every_command_has_help_with_an_example() {
    for cmd in ["build", "check", "schema"] {
        let out = plotsql(&[cmd, "--help"]);
        assert_eq!(out.status.code(), Some(0));
        let help = String::from_utf8(out.stdout).unwrap();
        assert!(
            help.contains("Example"),
            "{cmd} --help has no example:\n{help}"
        );
    }
    let help = String::from_utf8(plotsql(&["--help"]).stdout).unwrap();
    assert!(help.contains("Exit codes"), "{help}");
}

/// The script is streamed into a temporary file renamed over FILE only once complete: a
/// write failing midway (here the file size limit) leaves FILE as it was and no temporary
/// file behind.
#[cfg(unix)]
#[test]
fn a_failed_write_leaves_the_output_file_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let out_file = dir.path().join("sync.sql");
    std::fs::write(&out_file, "previous").unwrap();
    // SIGXFSZ ignored, so a write past the limit fails with EFBIG instead of killing.
    let out = std::process::Command::new("sh")
        .arg("-c")
        .arg("trap '' XFSZ; ulimit -f 8; exec \"$0\" \"$@\"")
        .arg(env!("CARGO_BIN_EXE_plotsql"))
        .args(["build", demo().to_str().unwrap(), "-o"])
        .arg(&out_file)
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(std::fs::read_to_string(&out_file).unwrap(), "previous");
    let left: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(left, ["sync.sql"]);
}
