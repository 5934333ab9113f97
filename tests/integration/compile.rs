//! Whole scripts: snapshots, determinism, the summary line.

use crate::util::{Repo, build, copy_tree, demo, plotsql, snapshot_settings};

#[test]
fn demo_script_snapshot() {
    let script = build(&demo(), &[]);
    snapshot_settings().bind(|| insta::assert_snapshot!("demo_script", script));
}

#[test]
fn demo_plan_ends_in_rollback() {
    let script = build(&demo(), &["--plan"]);
    assert!(script.trim_end().ends_with("ROLLBACK;"), "{script}");
    assert!(!script.contains("COMMIT;"));
}

#[test]
fn same_input_same_bytes_whatever_the_creation_order() {
    let first = build(&demo(), &[]);
    let second = build(&demo(), &[]);
    assert_eq!(first, second);
    // A copy written in reverse order (other inode and directory order) gives the same bytes.
    let dir = tempfile::tempdir().unwrap();
    let mut files: Vec<_> = walkdir::WalkDir::new(demo())
        .into_iter()
        .map(Result::unwrap)
        .filter(|e| e.file_type().is_file())
        .map(|e| e.path().to_path_buf())
        .collect();
    files.reverse();
    for f in files {
        let rel = f.strip_prefix(demo()).unwrap();
        let target = dir.path().join(rel);
        std::fs::create_dir_all(target.parent().unwrap()).unwrap();
        std::fs::copy(&f, target).unwrap();
    }
    assert_eq!(build(dir.path(), &[]), first);
}

#[test]
fn summary_line_counts_specs_impls_and_warnings() {
    let out = plotsql(&["build", demo().to_str().unwrap()]);
    let stderr = String::from_utf8(out.stderr).unwrap();
    let last = stderr.lines().last().unwrap();
    assert!(
        last.starts_with("plotsql: 5 specs, 6 implementations, 0 errors, 6 warnings"),
        "{last}"
    );
}

#[test]
fn chunk_size_bounds_rows_per_statement() {
    let repo = Repo::demo_copy();
    for i in 0..7 {
        repo.write(
            &format!("plots/extra-{i}/specification.md"),
            &format!("# extra-{i}: Extra {i}\n"),
        );
    }
    let script = build(repo.path(), &["--chunk-size", "2"]);
    let upserts = script.matches("INSERT INTO \"public\".\"specs\"").count();
    assert!(
        upserts >= 6,
        "11 specs in chunks of at most 2 need at least 6 statements, got {upserts}"
    );
    for part in script.split("-- specs upsert: ").skip(1) {
        let n: usize = part.split(' ').next().unwrap().parse().unwrap();
        assert!((1..=2).contains(&n), "chunk of {n} rows");
    }
}

#[test]
fn fixture_copy_helper_copies_everything() {
    let dir = tempfile::tempdir().unwrap();
    copy_tree(&demo(), dir.path());
    assert!(dir.path().join("plotsql.yaml").is_file());
}
