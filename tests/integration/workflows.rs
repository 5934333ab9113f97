//! The example workflows' shell steps, run locally by `examples/workflows/run-locally.sh`
//! against a small plot repository in git and the real PostgreSQL.

use std::process::Command;

use crate::util::{Repo, manifest_dir, postgres_available, server_url};

const CATALOG: &str = "languages:\n  - {id: python, name: Python, file_extension: .py}\n\
libraries:\n  - {id: matplotlib, name: Matplotlib, language_id: python}\n  - {id: plotly, name: Plotly, language_id: python}\n";

fn spec(repo: &Repo, id: &str) {
    repo.write(
        &format!("plots/{id}/specification.md"),
        &format!("# {id}: Plot {id}\n\n## Description\n\nA plot.\n\n## Notes\n\n- A note\n"),
    );
    repo.write(
        &format!("plots/{id}/specification.yaml"),
        &format!("spec_id: {id}\ncreated: '2025-01-01T00:00:00Z'\ntags:\n  plot_type: [bar]\n"),
    );
    for lib in ["matplotlib", "plotly"] {
        repo.write(
            &format!("plots/{id}/implementations/python/{lib}.py"),
            &format!("import {lib}\n"),
        );
        repo.write(
            &format!("plots/{id}/metadata/python/{lib}.yaml"),
            &format!("library: {lib}\nquality_score: 90\nreview:\n  strengths: [Clear]\n  verdict: APPROVED\n"),
        );
    }
}

fn git(repo: &Repo, args: &[&str]) {
    let out = Command::new("git")
        .args([
            "-c",
            "user.name=test",
            "-c",
            "user.email=test@example.invalid",
            "-c",
            "commit.gpgsign=false",
        ])
        .args(args)
        .current_dir(repo.path())
        .output()
        .expect("git must be installed");
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn run_locally_syncs_plans_and_writes_the_job_summary() {
    if !postgres_available() {
        return;
    }
    let repo = Repo::new(&[("plotsql.yaml", CATALOG)]);
    for id in ["area-basic", "bar-basic", "line-basic"] {
        spec(&repo, id);
    }
    git(&repo, &["init", "-q"]);
    git(&repo, &["add", "-A"]);
    git(&repo, &["commit", "-q", "-m", "base"]);
    let meta = "plots/bar-basic/metadata/python/plotly.yaml";
    repo.write(
        meta,
        &repo
            .read(meta)
            .replace("quality_score: 90", "quality_score: 95"),
    );
    repo.remove("plots/line-basic");
    git(&repo, &["add", "-A"]);
    git(&repo, &["commit", "-q", "-m", "head"]);

    let summary = tempfile::NamedTempFile::new().unwrap();
    let out_dir = tempfile::tempdir().unwrap();
    let out = Command::new("bash")
        .arg(manifest_dir().join("examples/workflows/run-locally.sh"))
        .arg(repo.path())
        .env("PLOTSQL", env!("CARGO_BIN_EXE_plotsql"))
        .env("DATABASE_URL", server_url())
        .env("GITHUB_STEP_SUMMARY", summary.path())
        .env("OUT_DIR", out_dir.path())
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success(),
        "run-locally failed:\n{stdout}\n{stderr}"
    );
    let text = std::fs::read_to_string(summary.path()).unwrap();
    // The sync of HEAD into a fresh database: everything inserted.
    assert!(text.contains("## plotsql sync"), "{text}");
    assert!(
        text.lines()
            .any(|l| l.split('|').map(str::trim).collect::<Vec<_>>()
                == ["impls", "4", "0", "0", "0"]),
        "{text}"
    );
    // The plan between the two commits: the diff and its change report.
    assert!(text.contains("## plotsql plan"), "{text}");
    assert!(
        text.contains("-  , 90.0") && text.contains("+  , 95.0"),
        "{text}"
    );
    assert!(
        text.lines()
            .any(|l| l.split('|').map(str::trim).collect::<Vec<_>>()
                == ["impls", "0", "1", "3", "2"]),
        "{text}"
    );
}
