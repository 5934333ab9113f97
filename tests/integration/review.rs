//! Reviewable, re-runnable scripts: diff locality, zero rewrites, the change report, plan
//! mode, serialised runs and the delete guards.

use std::collections::BTreeMap;
use std::io::Write;
use std::process::{Command, Stdio};

use crate::util::{Repo, TestDb, build};

const CATALOG: &str = "languages:\n  - {id: python, name: Python, file_extension: .py}\n\
libraries:\n  - {id: matplotlib, name: Matplotlib, language_id: python}\n  - {id: plotly, name: Plotly, language_id: python}\n  - {id: seaborn, name: Seaborn, language_id: python}\n";

/// A repository of `n` specs with three implementations each, code of several lines.
fn sample(n: usize) -> Repo {
    let repo = Repo::new(&[("plotsql.yaml", CATALOG)]);
    for i in 0..n {
        add_spec(&repo, &format!("plot-{i:03}"));
    }
    repo
}

fn add_spec(repo: &Repo, id: &str) {
    repo.write(
        &format!("plots/{id}/specification.md"),
        &format!("# {id}: Plot {id}\n\n## Description\n\nA plot called {id}.\nIt has two lines.\n\n## Applications\n\n- First use\n- Second use\n\n## Data\n\n- `x` (float) - values\n\n## Notes\n\n- A note\n"),
    );
    repo.write(
        &format!("plots/{id}/specification.yaml"),
        &format!("spec_id: {id}\ncreated: '2025-01-01T00:00:00Z'\ntags:\n  plot_type: [bar, line]\n  domain: [demo]\n"),
    );
    for lib in ["matplotlib", "plotly", "seaborn"] {
        repo.write(
            &format!("plots/{id}/implementations/python/{lib}.py"),
            &format!("# {id} with {lib}\nimport {lib}\n\ndata = [1, 2, 3]\nplot(data)\nsave('plot.png')\n"),
        );
        repo.write(
            &format!("plots/{id}/metadata/python/{lib}.yaml"),
            &format!(
                "library: {lib}\nquality_score: 90\ngenerated_by: gen\nreview:\n  strengths:\n    - Clear\n  weaknesses:\n    - Small\n    - Dense\n  verdict: APPROVED\n  criteria_checklist:\n    visual:\n      score: 28\n      max: 30\nimpl_tags:\n  techniques: [annotations]\n"
            ),
        );
    }
}

/// Lines added plus lines removed between two scripts.
fn changed_lines(a: &str, b: &str) -> usize {
    similar::TextDiff::from_lines(a, b)
        .iter_all_changes()
        .filter(|c| c.tag() != similar::ChangeTag::Equal)
        .count()
}

#[test]
fn one_line_edits_change_about_one_line_of_the_script() {
    let repo = sample(40);
    let chunk = ["--chunk-size", "16"];
    let base = build(repo.path(), &chunk);
    let check = |what: &str, edit: &dyn Fn(&Repo), bound: usize| {
        let copy = Repo::new(&[]);
        crate::util::copy_tree(repo.path(), copy.path());
        edit(&copy);
        let after = build(copy.path(), &chunk);
        let n = changed_lines(&base, &after);
        assert!(
            n > 0 && n <= bound,
            "{what}: {n} changed lines, bound {bound}"
        );
        n
    };
    let meta = "plots/plot-017/metadata/python/plotly.yaml";
    let code = "plots/plot-017/implementations/python/plotly.py";
    let score = check(
        "quality score",
        &|r| {
            r.write(
                meta,
                &r.read(meta)
                    .replace("quality_score: 90", "quality_score: 91"),
            )
        },
        2,
    );
    assert_eq!(score, 2);
    check(
        "one code line",
        &|r| {
            r.write(
                code,
                &r.read(code).replace("data = [1, 2, 3]", "data = [1, 2, 4]"),
            )
        },
        2,
    );
    check(
        "review strength",
        &|r| {
            r.write(
                meta,
                &r.read(meta)
                    .replace("    - Clear\n", "    - Clear\n    - Short\n"),
            )
        },
        6,
    );
    // A new implementation: its row (26 lines with 6 code lines), its key, and the counts
    // in its statement's header, report line and the delete's header.
    check(
        "new implementation",
        &|r| {
            r.write(
                "plots/plot-017/implementations/python/extra.py",
                "print(1)\n",
            );
            let cat =
                r.read("plotsql.yaml") + "  - {id: extra, name: Extra, language_id: python}\n";
            r.write("plotsql.yaml", &cat);
        },
        24 + 9 + 12,
    );
    // Deleting a spec removes its row (33 lines) and three implementation rows (42 lines
    // each), four keys and the counts in a few headers: about 170 of the script's 6,300
    // lines. A shifted chunk boundary would rewrite hundreds more.
    check("delete a spec", &|r| r.remove("plots/plot-020"), 185);
    // A spec sorting first: the same rows added at the front.
    check("spec sorting first", &|r| add_spec(r, "aaa-first"), 185);
}

/// The change report printed by applying a script: table -> [inserted, updated, unchanged, deleted].
fn report(stdout: &str) -> BTreeMap<String, [u64; 4]> {
    let mut out = BTreeMap::new();
    for line in stdout.lines() {
        let cells: Vec<&str> = line.split('|').map(str::trim).collect();
        if cells.len() == 5
            && let Ok(nums) = cells[1..]
                .iter()
                .map(|c| c.parse::<u64>())
                .collect::<Result<Vec<_>, _>>()
        {
            out.insert(cells[0].to_owned(), [nums[0], nums[1], nums[2], nums[3]]);
        }
    }
    out
}

fn xmins(db: &TestDb) -> BTreeMap<String, String> {
    db.query("SELECT 's/' || id, xmin FROM public.specs UNION ALL SELECT 'i/' || spec_id || '/' || library_id, xmin FROM public.impls")
        .lines()
        .filter_map(|l| l.split_once('|'))
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect()
}

#[test]
fn change_report_is_exact_and_resyncs_rewrite_nothing() {
    let Some(db) = TestDb::new("report") else {
        return;
    };
    let repo = sample(12);
    let first = report(&db.apply(&build(repo.path(), &["--chunk-size", "5"])));
    assert_eq!(first["languages"], [1, 0, 0, 0]);
    assert_eq!(first["libraries"], [3, 0, 0, 0]);
    assert_eq!(first["specs"], [12, 0, 0, 0]);
    assert_eq!(first["impls"], [36, 0, 0, 0]);
    let before = xmins(&db);

    let second = report(&db.apply(&build(repo.path(), &["--chunk-size", "5"])));
    assert_eq!(second["specs"], [0, 0, 12, 0]);
    assert_eq!(second["impls"], [0, 0, 36, 0]);
    assert_eq!(second["languages"], [0, 0, 1, 0]);
    assert_eq!(
        xmins(&db),
        before,
        "a re-sync of an unchanged repository rewrites no row"
    );

    // One changed implementation, one changed spec, one new implementation, one deleted
    // spec (with its three implementations).
    let meta = "plots/plot-003/metadata/python/plotly.yaml";
    repo.write(
        meta,
        &repo
            .read(meta)
            .replace("quality_score: 90", "quality_score: 50"),
    );
    let md = "plots/plot-005/specification.md";
    repo.write(md, &repo.read(md).replace("- A note", "- Another note"));
    repo.remove("plots/plot-007");
    repo.remove("plots/plot-008/implementations/python/seaborn.py");
    let third = report(&db.apply(&build(repo.path(), &["--chunk-size", "5"])));
    assert_eq!(third["specs"], [0, 1, 10, 1]);
    assert_eq!(third["impls"], [0, 1, 31, 4]);
    let after = xmins(&db);
    let changed: Vec<&String> = after
        .keys()
        .filter(|k| before.get(*k) != after.get(*k))
        .collect();
    assert_eq!(
        changed,
        ["i/plot-003/plotly", "s/plot-005"],
        "exactly the changed rows were rewritten"
    );
    assert_eq!(after.len(), before.len() - 1 - 4);
}

#[test]
fn plan_mode_reports_and_changes_nothing() {
    let Some(db) = TestDb::new("plan") else {
        return;
    };
    let repo = sample(4);
    db.apply(&build(repo.path(), &[]));
    let dump = db.dump();
    repo.remove("plots/plot-001");
    let meta = "plots/plot-002/metadata/python/seaborn.yaml";
    repo.write(
        meta,
        &repo
            .read(meta)
            .replace("verdict: APPROVED", "verdict: REJECTED"),
    );
    let plan = build(repo.path(), &["--plan"]);
    assert!(plan.trim_end().ends_with("ROLLBACK;"));
    let shown = report(&db.apply(&plan));
    assert_eq!(shown["specs"], [0, 0, 3, 1]);
    assert_eq!(shown["impls"], [0, 1, 8, 3]);
    assert_eq!(db.dump(), dump, "plan mode must not change the database");
}

#[test]
fn max_delete_aborts_a_larger_wipe_and_changes_nothing() {
    let Some(db) = TestDb::new("maxdel") else {
        return;
    };
    let repo = sample(5);
    db.apply(&build(repo.path(), &[]));
    let dump = db.dump();
    repo.remove("plots/plot-000");
    repo.remove("plots/plot-001");
    // 2 specs + 6 implementations = 8 rows.
    let out = db.try_apply(&build(repo.path(), &["--max-delete", "7"]), &[]);
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("would delete 8 rows, more than --max-delete 7"),
        "{stderr}"
    );
    assert_eq!(db.dump(), dump);
    let shown = report(&db.apply(&build(repo.path(), &["--max-delete", "8"])));
    assert_eq!(shown["specs"][3] + shown["impls"][3], 8);
}

#[test]
fn concurrent_applies_queue_on_the_advisory_lock() {
    let Some(db) = TestDb::new("concurrent") else {
        return;
    };
    let repo_a = sample(6);
    let repo_b = sample(6);
    repo_b.remove("plots/plot-002");
    let meta = "plots/plot-004/metadata/python/plotly.yaml";
    repo_b.write(
        meta,
        &repo_b
            .read(meta)
            .replace("quality_score: 90", "quality_score: 12"),
    );
    let (script_a, script_b) = (build(repo_a.path(), &[]), build(repo_b.path(), &[]));

    // State dumps of each script alone, for comparison.
    db.apply(&script_b);
    let state_b = db.dump();
    db.apply(&script_a);
    let state_a = db.dump();

    // Hold the lock from a third session so both applies are certainly concurrent.
    let key = plotsql::writer::ADVISORY_LOCK_KEY;
    let mut holder = Command::new("psql")
        .args(["-X", "-q", "-d", &db.url])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    let mut stdin = holder.stdin.take().unwrap();
    writeln!(stdin, "SELECT pg_advisory_lock({key});").unwrap();
    let wait_for = |n: usize| {
        for _ in 0..100 {
            let waiting: usize = db
                .query(&format!("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND database = (SELECT oid FROM pg_database WHERE datname = current_database()) AND objid = ({key} & 4294967295)::oid AND {}", if n == 0 { "granted" } else { "NOT granted" }))
                .trim()
                .parse()
                .unwrap();
            if waiting >= n.max(1) {
                return;
            }
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
        panic!("lock state not reached");
    };
    wait_for(0);
    let files: Vec<tempfile::NamedTempFile> = [&script_a, &script_b, &script_a, &script_b]
        .iter()
        .map(|s| {
            let f = tempfile::NamedTempFile::new().unwrap();
            std::fs::write(f.path(), s).unwrap();
            f
        })
        .collect();
    let children: Vec<_> = files
        .iter()
        .map(|f| {
            Command::new("psql")
                .args(["-X", "-d", &db.url, "-f"])
                .arg(f.path())
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    wait_for(4);
    writeln!(stdin, "SELECT pg_advisory_unlock({key});").unwrap();
    drop(stdin);
    holder.wait().unwrap();
    for child in children {
        let out = child.wait_with_output().unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(!String::from_utf8_lossy(&out.stderr).contains("deadlock"));
    }
    let end = db.dump();
    assert!(
        end == state_a || end == state_b,
        "the end state must be one of the two repository states"
    );
}
