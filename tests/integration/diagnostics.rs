//! Diagnostics: every bad input is reported at compile time, precisely located.
//!
//! One small repository per diagnostic code under `tests/fixtures/<case>/`; repositories git
//! cannot store (symbolic links, names that are not UTF-8, huge or unreadable files) are built
//! in temporary folders. For each case the real binary's report is pinned in all three formats
//! (snapshot `diag_<case>`), and an error case must leave an existing `-o` file untouched.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::util::{Repo, copy_tree, demo, manifest_dir, plotsql, snapshot_settings};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Sev {
    Error,
    Warning,
}

/// Every diagnostic code: its severity and the case that shows it (a fixture folder, or a
/// test below that builds the repository).
const CODES: &[(&str, Sev, &str)] = &[
    (
        "plotsql::catalog::duplicate_id",
        Sev::Error,
        "catalog_duplicate_id",
    ),
    (
        "plotsql::catalog::malformed",
        Sev::Error,
        "catalog_malformed",
    ),
    ("plotsql::catalog::missing", Sev::Error, "catalog_missing"),
    (
        "plotsql::catalog::missing_field",
        Sev::Error,
        "catalog_missing_field",
    ),
    (
        "plotsql::catalog::unknown_language",
        Sev::Error,
        "catalog_unknown_language",
    ),
    ("plotsql::fs::broken_link", Sev::Error, "fs_broken_link"),
    ("plotsql::fs::invalid_utf8", Sev::Error, "fs_invalid_utf8"),
    ("plotsql::fs::link_outside", Sev::Error, "fs_link_outside"),
    ("plotsql::fs::non_utf8_name", Sev::Error, "fs_non_utf8_name"),
    ("plotsql::fs::not_a_file", Sev::Error, "fs_not_a_file"),
    ("plotsql::fs::too_large", Sev::Error, "fs_too_large"),
    ("plotsql::fs::unreadable", Sev::Error, "fs_unreadable"),
    (
        "plotsql::impl::current_not_mapping",
        Sev::Error,
        "impl_current_not_mapping",
    ),
    ("plotsql::impl::duplicate", Sev::Error, "impl_duplicate"),
    (
        "plotsql::impl::empty_verdict",
        Sev::Error,
        "impl_empty_verdict",
    ),
    (
        "plotsql::impl::invalid_quality_score",
        Sev::Warning,
        "impl_invalid_quality_score",
    ),
    (
        "plotsql::impl::invalid_verdict",
        Sev::Warning,
        "impl_invalid_verdict",
    ),
    (
        "plotsql::impl::metadata_not_mapping",
        Sev::Error,
        "impl_metadata_not_mapping",
    ),
    (
        "plotsql::impl::metadata_without_library",
        Sev::Warning,
        "impl_metadata_without_library",
    ),
    (
        "plotsql::impl::review_not_mapping",
        Sev::Error,
        "impl_review_not_mapping",
    ),
    (
        "plotsql::impl::unknown_language",
        Sev::Error,
        "impl_unknown_language",
    ),
    (
        "plotsql::impl::unknown_language_folder",
        Sev::Warning,
        "impl_unknown_language_folder",
    ),
    (
        "plotsql::impl::unknown_library",
        Sev::Error,
        "impl_unknown_library",
    ),
    (
        "plotsql::json::not_serialisable",
        Sev::Error,
        "json_not_serialisable",
    ),
    ("plotsql::repo::empty", Sev::Error, "repo_empty"),
    ("plotsql::repo::no_plots", Sev::Error, "repo_no_plots"),
    ("plotsql::spec::id_naming", Sev::Warning, "spec_id_naming"),
    ("plotsql::spec::id_too_long", Sev::Error, "spec_id_too_long"),
    (
        "plotsql::spec::missing_markdown",
        Sev::Warning,
        "spec_missing_markdown",
    ),
    (
        "plotsql::spec::yaml_without_spec_id",
        Sev::Warning,
        "spec_yaml_without_spec_id",
    ),
    ("plotsql::text::nul", Sev::Error, "text_nul"),
    (
        "plotsql::timestamp::offset_dropped",
        Sev::Warning,
        "timestamp_offset_dropped",
    ),
    (
        "plotsql::timestamp::unreadable",
        Sev::Warning,
        "timestamp_unreadable",
    ),
    (
        "plotsql::value::float_as_text",
        Sev::Error,
        "value_float_as_text",
    ),
    (
        "plotsql::value::integer_out_of_range",
        Sev::Error,
        "value_integer_out_of_range",
    ),
    (
        "plotsql::value::nested_list_item",
        Sev::Error,
        "value_nested_list_item",
    ),
    (
        "plotsql::value::not_an_integer",
        Sev::Error,
        "value_not_an_integer",
    ),
    ("plotsql::value::too_long", Sev::Error, "value_too_long"),
    ("plotsql::value::wrong_type", Sev::Error, "value_wrong_type"),
    (
        "plotsql::yaml::duplicate_key",
        Sev::Warning,
        "yaml_duplicate_key",
    ),
    ("plotsql::yaml::syntax", Sev::Error, "yaml_syntax"),
    ("plotsql::yaml::unprintable", Sev::Error, "yaml_unprintable"),
];

/// Codes that cannot appear together with the others in one repository: a missing catalog
/// or `plots/` folder, an empty repository (reported only when nothing else is wrong), an
/// implementation of a language the catalog lacks (the flat layout is python, and a python
/// duplicate needs python in the catalog), and an unreadable file (root reads everything).
const NOT_COMBINABLE: &[&str] = &[
    "plotsql::catalog::missing",
    "plotsql::repo::no_plots",
    "plotsql::repo::empty",
    "plotsql::impl::unknown_language",
    "plotsql::fs::unreadable",
];

/// The catalog most fixtures use.
const CATALOG: &str = concat!(
    "languages:\n",
    "  - {id: python, name: Python, file_extension: .py}\n",
    "libraries:\n",
    "  - {id: matplotlib, name: Matplotlib, language_id: python}\n",
    "  - {id: plotly, name: Plotly, language_id: python}\n",
    "  - {id: seaborn, name: Seaborn, language_id: python}\n",
);

fn fixtures() -> PathBuf {
    manifest_dir().join("tests/fixtures")
}

fn severity(code: &str) -> Sev {
    CODES
        .iter()
        .find(|(c, ..)| *c == code)
        .map(|(_, s, _)| *s)
        .unwrap_or_else(|| panic!("{code} is not in CODES"))
}

fn path_str(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// One run of `plotsql check REPO --message-format FORMAT`.
struct Check {
    exit: i32,
    stderr: String,
}

fn check(repo: &Path, format: &str, extra: &[&str]) -> Check {
    let mut args = vec!["check", path_str(repo), "--message-format", format];
    args.extend_from_slice(extra);
    let out = plotsql(&args);
    assert!(out.stdout.is_empty(), "check writes nothing to stdout");
    Check {
        exit: out.status.code().expect("plotsql was killed"),
        stderr: String::from_utf8(out.stderr).expect("the report is UTF-8"),
    }
}

/// The diagnostics of a JSON report, each checked for its fields.
fn parse_json(report: &str) -> Vec<Value> {
    report
        .lines()
        .map(|line| {
            let v: Value = serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}: {line}"));
            for key in [
                "code", "severity", "message", "file", "line", "column", "help",
            ] {
                assert!(v.get(key).is_some(), "no `{key}` in {line}");
            }
            assert!(
                v["code"].as_str().unwrap().starts_with("plotsql::"),
                "{line}"
            );
            assert!(
                ["error", "warning"].contains(&v["severity"].as_str().unwrap()),
                "{line}"
            );
            assert!(
                v["file"].is_string(),
                "every diagnostic names its file: {line}"
            );
            assert!(
                v["help"].is_string(),
                "every diagnostic says how to fix it: {line}"
            );
            assert_eq!(v["line"].is_null(), v["column"].is_null(), "{line}");
            v
        })
        .collect()
}

/// The codes in a JSON report.
fn json_codes(report: &[Value]) -> BTreeSet<String> {
    report
        .iter()
        .map(|v| v["code"].as_str().unwrap().to_owned())
        .collect()
}

/// Runs `check` on `repo` in the three formats, checks they agree, and returns the exit
/// code, the JSON diagnostics and the text pinned by the snapshot.
fn reports(repo: &Path, extra: &[&str]) -> (i32, Vec<Value>, String) {
    let human = check(repo, "human", extra);
    let json = check(repo, "json", extra);
    let github = check(repo, "github", extra);
    assert_eq!(human.exit, json.exit);
    assert_eq!(human.exit, github.exit);
    let diags = parse_json(&json.stderr);

    // The same diagnostics in the same order in every format.
    let human_codes: Vec<&str> = human
        .stderr
        .lines()
        .filter(|l| l.starts_with("plotsql::"))
        .collect();
    let codes: Vec<&str> = diags.iter().map(|v| v["code"].as_str().unwrap()).collect();
    assert_eq!(human_codes, codes, "human and json reports differ");
    let github_lines: Vec<&str> = github.stderr.lines().collect();
    assert_eq!(github_lines.len(), diags.len(), "{}", github.stderr);
    for (line, v) in github_lines.iter().zip(&diags) {
        let kind = v["severity"].as_str().unwrap();
        assert!(line.starts_with(&format!("::{kind} file=")), "{line}");
        if let (Some(l), Some(c)) = (v["line"].as_u64(), v["column"].as_u64()) {
            assert!(line.contains(&format!(",line={l},col={c},")), "{line}");
        }
    }
    // Sorted by file, and within a file by position (whole-file problems first).
    let keys: Vec<(String, u64, u64)> = diags
        .iter()
        .map(|v| {
            (
                v["file"].as_str().unwrap().to_owned(),
                v["line"].as_u64().unwrap_or(0),
                v["column"].as_u64().unwrap_or(0),
            )
        })
        .collect();
    let mut sorted = keys.clone();
    sorted.sort();
    assert_eq!(
        keys, sorted,
        "diagnostics are not sorted by file and position"
    );
    // The human report ends with the summary line.
    let errors = diags.iter().filter(|v| v["severity"] == "error").count();
    let summary = human.stderr.lines().last().unwrap_or("");
    assert!(
        summary.starts_with("plotsql: ")
            && summary.ends_with(&format!(
                " {errors} errors, {} warnings",
                diags.len() - errors
            )),
        "{summary}"
    );
    assert_eq!(
        human.exit,
        i32::from(errors > 0),
        "exit code 1 exactly when there are errors"
    );
    assert!(
        !human.stderr.contains('\u{1b}'),
        "no colour when stderr is not a terminal"
    );

    let text = format!(
        "exit code: {}\n\n---- human ----\n{}\n---- json ----\n{}\n---- github ----\n{}",
        human.exit, human.stderr, json.stderr, github.stderr
    );
    let text = text.replace(path_str(repo), "[REPO]");
    (human.exit, diags, text)
}

/// `plotsql build REPO -o out.sql` over an existing out.sql: exit 1 and the file untouched.
fn assert_build_leaves_output_untouched(repo: &Path, extra: &[&str]) {
    let dir = tempfile::tempdir().unwrap();
    let out_file = dir.path().join("out.sql");
    std::fs::write(&out_file, "-- previous script\n").unwrap();
    let mut args = vec!["build", path_str(repo), "-o", path_str(&out_file)];
    args.extend_from_slice(extra);
    let out = plotsql(&args);
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.stdout.is_empty());
    assert_eq!(
        std::fs::read_to_string(&out_file).unwrap(),
        "-- previous script\n"
    );
    let leftovers: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(
        leftovers.len(),
        1,
        "no temporary file is left behind: {leftovers:?}"
    );
}

/// Checks one case: its code is reported, the report is pinned, and the exit codes of
/// `check`, `check --strict` and `build -o` follow the severity.
fn assert_case(case: &str, repo: &Path, extra: &[&str]) -> Vec<Value> {
    let (code, sev, _) = *CODES
        .iter()
        .find(|(_, _, c)| *c == case)
        .unwrap_or_else(|| panic!("no code has the case {case}"));
    let (exit, diags, text) = reports(repo, extra);
    assert!(
        json_codes(&diags).contains(code),
        "{case} does not report {code}:\n{text}"
    );
    for v in &diags {
        let c = v["code"].as_str().unwrap();
        let expected = match severity(c) {
            Sev::Error => "error",
            Sev::Warning => "warning",
        };
        assert_eq!(v["severity"], expected, "{c}");
    }
    snapshot_settings().bind(|| insta::assert_snapshot!(format!("diag_{case}"), text));
    match sev {
        Sev::Error => {
            assert_eq!(exit, 1);
            assert_build_leaves_output_untouched(repo, extra);
        }
        Sev::Warning => {
            assert_eq!(exit, 0, "{text}");
            let mut strict = extra.to_vec();
            strict.push("--strict");
            let (exit, diags, _) = reports(repo, &strict);
            assert_eq!(exit, 1, "--strict turns warnings into errors");
            assert!(diags.iter().all(|v| v["severity"] == "error"));
            assert_build_leaves_output_untouched(repo, &strict);
            let out = plotsql(&["build", path_str(repo)]);
            assert_eq!(
                out.status.code(),
                Some(0),
                "a warning does not stop the build"
            );
            assert!(!out.stdout.is_empty());
        }
    }
    diags
}

macro_rules! fixture_cases {
    ($($case:ident),* $(,)?) => {
        $(
            #[test]
            fn $case() {
                assert_case(stringify!($case), &fixtures().join(stringify!($case)), &[]);
            }
        )*
        /// The cases stored under tests/fixtures.
        const FIXTURE_CASES: &[&str] = &[$(stringify!($case)),*];
    };
}

fixture_cases!(
    catalog_duplicate_id,
    catalog_malformed,
    catalog_missing,
    catalog_missing_field,
    catalog_unknown_language,
    fs_invalid_utf8,
    fs_not_a_file,
    impl_current_not_mapping,
    impl_duplicate,
    impl_empty_verdict,
    impl_invalid_quality_score,
    impl_invalid_verdict,
    impl_metadata_not_mapping,
    impl_metadata_without_library,
    impl_review_not_mapping,
    impl_unknown_language,
    impl_unknown_language_folder,
    impl_unknown_library,
    json_not_serialisable,
    repo_empty,
    repo_no_plots,
    spec_id_naming,
    spec_id_too_long,
    spec_missing_markdown,
    spec_yaml_without_spec_id,
    text_nul,
    timestamp_offset_dropped,
    timestamp_unreadable,
    value_float_as_text,
    value_integer_out_of_range,
    value_nested_list_item,
    value_not_an_integer,
    value_too_long,
    value_wrong_type,
    yaml_duplicate_key,
    yaml_syntax,
    yaml_unprintable,
);

// ---------------------------------------------------------------------------------------
// Repositories git cannot store

/// A sound repository with one spec and one implementation, to break.
fn base_repo() -> Repo {
    Repo::new(&[
        ("plotsql.yaml", CATALOG),
        ("plots/s/specification.md", "# s: S\n"),
        (
            "plots/s/implementations/python/matplotlib.py",
            "import matplotlib\n",
        ),
    ])
}

/// Adds the files that break the temporary cases to `repo` (one spec folder each).
fn add_fs_too_large(repo: &Path) {
    let dir = repo.join("plots/fs-too-large/implementations/python");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        repo.join("plots/fs-too-large/specification.md"),
        "# fs-too-large: Too large\n",
    )
    .unwrap();
    // A sparse file one byte over the default limit of 16 MiB: never read, only measured.
    let file = std::fs::File::create(dir.join("matplotlib.py")).unwrap();
    file.set_len(16 * 1024 * 1024 + 1).unwrap();
}

fn add_fs_link_outside(repo: &Path, outside: &Path) {
    let dir = repo.join("plots/fs-link-outside/implementations/python");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        repo.join("plots/fs-link-outside/specification.md"),
        "# fs-link-outside: Link\n",
    )
    .unwrap();
    let secret = outside.join("secret.py");
    std::fs::write(&secret, "password = 'hunter2'\n").unwrap();
    std::os::unix::fs::symlink(&secret, dir.join("matplotlib.py")).unwrap();
}

fn add_fs_broken_link(repo: &Path) {
    let dir = repo.join("plots/fs-broken-link/implementations/python");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        repo.join("plots/fs-broken-link/specification.md"),
        "# fs-broken-link: Broken\n",
    )
    .unwrap();
    std::os::unix::fs::symlink("gone.py", dir.join("matplotlib.py")).unwrap();
}

fn add_fs_non_utf8_name(repo: &Path) {
    use std::os::unix::ffi::OsStrExt;
    let dir = repo.join("plots/fs-non-utf8-name/implementations/python");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        repo.join("plots/fs-non-utf8-name/specification.md"),
        "# fs-non-utf8-name: Name\n",
    )
    .unwrap();
    let name = std::ffi::OsStr::from_bytes(b"caf\xe9.py");
    std::fs::write(dir.join(name), "x = 1\n").unwrap();
}

#[test]
fn fs_too_large() {
    let repo = base_repo();
    add_fs_too_large(repo.path());
    let diags = assert_case("fs_too_large", repo.path(), &[]);
    assert_eq!(diags.len(), 1);
    assert!(
        diags[0]["message"]
            .as_str()
            .unwrap()
            .contains("16777217 bytes, over the limit of 16777216")
    );
}

#[test]
fn max_file_size_sets_the_limit() {
    // The code file is the largest file of the repository.
    let repo = base_repo();
    let code = format!("{}\n", "x".repeat(999));
    repo.write("plots/s/implementations/python/matplotlib.py", &code);
    let size = code.len().to_string();
    let at_limit = check(repo.path(), "json", &["--max-file-size", &size]);
    assert_eq!(
        at_limit.exit, 0,
        "a file of exactly the limit is read: {}",
        at_limit.stderr
    );
    let smaller = (size.parse::<u64>().unwrap() - 1).to_string();
    let over = check(repo.path(), "json", &["--max-file-size", &smaller]);
    assert_eq!(over.exit, 1);
    let diags = parse_json(&over.stderr);
    assert_eq!(
        json_codes(&diags),
        BTreeSet::from(["plotsql::fs::too_large".to_owned()])
    );
    assert_eq!(
        diags[0]["file"],
        "plots/s/implementations/python/matplotlib.py"
    );
}

#[test]
fn fs_link_outside() {
    let repo = base_repo();
    let outside = tempfile::tempdir().unwrap();
    add_fs_link_outside(repo.path(), outside.path());
    let (_, _, text) = reports(repo.path(), &[]);
    assert!(!text.contains("hunter2"), "the target is never read");
    assert!(
        !text.contains(path_str(outside.path())),
        "the target is never named"
    );
    assert_case("fs_link_outside", repo.path(), &[]);
}

#[test]
fn links_inside_the_repository_are_followed() {
    let repo = base_repo();
    std::os::unix::fs::symlink(
        "matplotlib.py",
        repo.path().join("plots/s/implementations/python/plotly.py"),
    )
    .unwrap();
    let out = check(repo.path(), "json", &[]);
    assert_eq!(out.exit, 0, "{}", out.stderr);
}

#[test]
fn fs_broken_link() {
    let repo = base_repo();
    add_fs_broken_link(repo.path());
    assert_case("fs_broken_link", repo.path(), &[]);
}

#[test]
fn fs_non_utf8_name() {
    let repo = base_repo();
    add_fs_non_utf8_name(repo.path());
    assert_case("fs_non_utf8_name", repo.path(), &[]);
}

#[test]
fn fs_unreadable() {
    use std::os::unix::fs::PermissionsExt;
    let repo = base_repo();
    let file = repo
        .path()
        .join("plots/s/implementations/python/matplotlib.py");
    std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o000)).unwrap();
    if std::fs::read(&file).is_ok() {
        eprintln!("skipping fs_unreadable: this user reads files without permission (root)");
        return;
    }
    let out = check(repo.path(), "json", &[]);
    assert_eq!(out.exit, 1);
    let diags = parse_json(&out.stderr);
    assert_eq!(
        json_codes(&diags),
        BTreeSet::from(["plotsql::fs::unreadable".to_owned()])
    );
    assert_eq!(
        diags[0]["file"],
        "plots/s/implementations/python/matplotlib.py"
    );
    assert_build_leaves_output_untouched(repo.path(), &[]);
}

/// A YAML file that would take the Python job minutes or gigabytes ends in an error fast.
fn assert_fast_yaml_error(yaml: &str) {
    let repo = base_repo();
    repo.write("plots/s/metadata/python/matplotlib.yaml", yaml);
    let start = Instant::now();
    let out = check(repo.path(), "json", &[]);
    let took = start.elapsed();
    assert!(took < Duration::from_secs(1), "took {took:?}");
    assert_eq!(out.exit, 1);
    let diags = parse_json(&out.stderr);
    assert_eq!(
        json_codes(&diags),
        BTreeSet::from(["plotsql::yaml::syntax".to_owned()]),
        "{}",
        out.stderr
    );
    assert_eq!(diags[0]["file"], "plots/s/metadata/python/matplotlib.yaml");
    assert!(diags[0]["line"].is_u64());
}

#[test]
fn yaml_alias_bomb_is_an_error_within_a_second() {
    // Billion laughs: ten levels of ten aliases each, 10^10 nodes once expanded.
    let mut yaml = String::from(
        "library: matplotlib\na0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n",
    );
    for i in 1..=10 {
        let refs = vec![format!("*a{}", i - 1); 10].join(", ");
        yaml.push_str(&format!("a{i}: &a{i} [{refs}]\n"));
    }
    assert_fast_yaml_error(&yaml);
}

#[test]
fn yaml_deep_nesting_is_an_error_within_a_second() {
    let depth = 100_000;
    assert_fast_yaml_error(&format!(
        "library: matplotlib\nx: {}{}\n",
        "[".repeat(depth),
        "]".repeat(depth)
    ));
    assert_fast_yaml_error(&format!(
        "library: matplotlib\nx: {}{}\n",
        "{a: ".repeat(depth),
        "}".repeat(depth)
    ));
    let block: String = (0..2_000)
        .map(|i| format!("{}- \n", "  ".repeat(i)))
        .collect();
    assert_fast_yaml_error(&format!("library: matplotlib\nx:\n{block}"));
}

// ---------------------------------------------------------------------------------------
// All at once

#[test]
fn every_error_is_reported_in_one_run() {
    let repo = tempfile::tempdir().unwrap();
    let outside = tempfile::tempdir().unwrap();
    // Every fixture's spec folders side by side, with one catalog holding the catalog errors.
    for case in FIXTURE_CASES {
        let code = CODES.iter().find(|(_, _, c)| c == case).unwrap().0;
        if NOT_COMBINABLE.contains(&code) || case.starts_with("catalog_") {
            continue;
        }
        copy_tree(
            &fixtures().join(case).join("plots"),
            &repo.path().join("plots"),
        );
    }
    let catalog = concat!(
        "languages:\n",
        "  - {id: python, name: Python, file_extension: .py}\n",
        "  - {id: python, name: Python 3, file_extension: .py}\n",
        "  - {id: julia, name: Julia}\n",
        "  - ruby\n",
        "libraries:\n",
        "  - {id: matplotlib, name: Matplotlib, language_id: python}\n",
        "  - {id: plotly, name: Plotly, language_id: python}\n",
        "  - {id: seaborn, name: Seaborn, language_id: python}\n",
        "  - {id: matplotlib, name: MPL, language_id: python}\n",
        "  - {id: makie, name: Makie, language_id: julia}\n",
    );
    std::fs::write(repo.path().join("plotsql.yaml"), catalog).unwrap();
    add_fs_too_large(repo.path());
    add_fs_link_outside(repo.path(), outside.path());
    add_fs_broken_link(repo.path());
    add_fs_non_utf8_name(repo.path());

    let out = check(repo.path(), "json", &[]);
    assert_eq!(out.exit, 1);
    let diags = parse_json(&out.stderr);
    let found = json_codes(&diags);
    let expected: BTreeSet<String> = CODES
        .iter()
        .filter(|(code, ..)| !NOT_COMBINABLE.contains(code))
        .map(|(code, ..)| (*code).to_owned())
        .collect();
    let missing: Vec<_> = expected.difference(&found).collect();
    assert!(
        missing.is_empty(),
        "not reported: {missing:?}\ncatalog:\n{catalog}\n{}",
        out.stderr
    );
    let unexpected: Vec<_> = found.difference(&expected).collect();
    assert!(unexpected.is_empty(), "unexpected: {unexpected:?}");
    // Each problem once: one report per (code, file, line, column).
    let mut seen = BTreeMap::new();
    for v in &diags {
        let key = (
            v["code"].to_string(),
            v["file"].to_string(),
            v["line"].to_string(),
            v["column"].to_string(),
        );
        *seen.entry(key).or_insert(0) += 1;
    }
    assert!(seen.values().all(|&n| n == 1), "{seen:?}");
    assert_build_leaves_output_untouched(repo.path(), &[]);
}

// ---------------------------------------------------------------------------------------
// The demo, strict mode, the code table, exit codes

#[test]
fn strict_demo_fails_with_exactly_its_warnings_as_errors() {
    let relaxed = check(&demo(), "json", &[]);
    assert_eq!(relaxed.exit, 0, "{}", relaxed.stderr);
    let warnings = parse_json(&relaxed.stderr);
    assert!(!warnings.is_empty(), "the demo shows warnings");
    assert!(warnings.iter().all(|v| v["severity"] == "warning"));

    let strict = check(&demo(), "json", &["--strict"]);
    assert_eq!(strict.exit, 1);
    let errors = parse_json(&strict.stderr);
    let as_errors: Vec<Value> = warnings
        .iter()
        .map(|v| {
            let mut v = v.clone();
            v["severity"] = "error".into();
            v
        })
        .collect();
    assert_eq!(errors, as_errors);

    let human = check(&demo(), "human", &["--strict"]);
    let summary = human.stderr.lines().last().unwrap();
    assert!(
        summary.ends_with(&format!(" {} errors, 0 warnings", warnings.len())),
        "{summary}"
    );
    assert_build_leaves_output_untouched(&demo(), &["--strict"]);
}

/// Every code the sources can emit has a row in [`CODES`], and every row's case exists.
#[test]
fn every_code_has_a_case() {
    let code = regex::Regex::new(r#""(plotsql::[a-z_]+::[a-z0-9_]+)""#).unwrap();
    let mut in_sources = BTreeSet::new();
    for entry in walkdir::WalkDir::new(manifest_dir().join("src")) {
        let entry = entry.unwrap();
        if entry.path().extension().is_some_and(|e| e == "rs") {
            let text = std::fs::read_to_string(entry.path()).unwrap();
            in_sources.extend(code.captures_iter(&text).map(|c| c[1].to_owned()));
        }
    }
    let listed: BTreeSet<String> = CODES.iter().map(|(c, ..)| (*c).to_owned()).collect();
    assert_eq!(
        in_sources, listed,
        "a diagnostic code was added or removed: update CODES and add a case"
    );
    let temporary = [
        "fs_too_large",
        "fs_link_outside",
        "fs_broken_link",
        "fs_non_utf8_name",
        "fs_unreadable",
    ];
    for (code, _, case) in CODES {
        assert!(
            FIXTURE_CASES.contains(case) || temporary.contains(case),
            "{code}: no case `{case}`"
        );
        if FIXTURE_CASES.contains(case) {
            assert!(
                fixtures().join(case).is_dir(),
                "tests/fixtures/{case} is missing"
            );
        }
    }
    let on_disk: BTreeSet<String> = std::fs::read_dir(fixtures())
        .unwrap()
        .map(|e| e.unwrap())
        .filter(|e| e.file_type().unwrap().is_dir())
        .map(|e| e.file_name().into_string().unwrap())
        .collect();
    let known: BTreeSet<String> = FIXTURE_CASES.iter().map(|c| (*c).to_owned()).collect();
    assert_eq!(on_disk, known, "every fixture folder is tested");
}

#[test]
fn help_documents_the_exit_codes() {
    for args in [&["--help"][..], &["build", "--help"], &["check", "--help"]] {
        let help = String::from_utf8(plotsql(args).stdout).unwrap();
        assert!(help.contains("Exit codes:"), "{args:?}: {help}");
        assert!(help.contains("0  clean"), "{help}");
        assert!(help.contains("1  the repository has errors"), "{help}");
        assert!(help.contains("2  usage or I/O failure"), "{help}");
    }
    let help = String::from_utf8(plotsql(&["check", "--help"]).stdout).unwrap();
    for option in [
        "--message-format",
        "--strict",
        "--max-file-size",
        "human",
        "json",
        "github",
    ] {
        assert!(help.contains(option), "{option}: {help}");
    }
}

#[test]
fn usage_and_io_failures_exit_2() {
    let out = plotsql(&["check", "--message-format", "xml", "."]);
    assert_eq!(out.status.code(), Some(2));
    let out = plotsql(&["check", "/nonexistent/plotsql-repo"]);
    assert_eq!(out.status.code(), Some(2));
    // An output file that cannot be written: the repository is fine, the I/O is not.
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("missing-folder/out.sql");
    let out = plotsql(&["build", path_str(&demo()), "-o", path_str(&target)]);
    assert_eq!(
        out.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
