//! The frontend's rules (REFERENCE §2–§7), one test each, on small repositories.

use plotsql::ir::{Impl, Model, Timestamp, Verdict};
use plotsql::reader::{ReadOptions, Reading, read};

use crate::util::Repo;

const CATALOG: &str = "languages:\n  - {id: python, name: Python, file_extension: .py}\n  - {id: julia, name: Julia, file_extension: .jl}\n\
libraries:\n  - {id: matplotlib, name: Matplotlib, language_id: python}\n  - {id: plotly, name: Plotly, language_id: python}\n  - {id: makie, name: Makie, language_id: julia}\n";

fn reading(files: &[(&str, &str)]) -> Reading {
    let mut all = vec![("plotsql.yaml", CATALOG)];
    all.extend_from_slice(files);
    let repo = Repo::new(&all);
    read(repo.path(), &ReadOptions::default()).unwrap()
}

fn model(files: &[(&str, &str)]) -> Model {
    let r = reading(files);
    assert!(!r.diagnostics.has_errors(), "{:?}", r.diagnostics);
    r.model
}

fn codes(r: &Reading) -> Vec<&'static str> {
    r.diagnostics.iter().map(|d| d.code).collect()
}

fn one_impl(files: &[(&str, &str)]) -> Impl {
    let mut all = vec![
        ("plots/s/specification.md", "# s: S\n"),
        ("plots/s/implementations/python/matplotlib.py", "x\n"),
    ];
    all.extend_from_slice(files);
    let m = model(&all);
    assert_eq!(m.impls.len(), 1);
    m.impls.into_iter().next().unwrap()
}

fn ts(y: u16, mo: u8, d: u8, h: u8, mi: u8, s: u8) -> Option<Timestamp> {
    Some(Timestamp {
        year: y,
        month: mo,
        day: d,
        hour: h,
        minute: mi,
        second: s,
        microsecond: 0,
    })
}

#[test]
fn spec_folders_sorted_dot_skipped_underscore_kept_files_ignored() {
    let m = model(&[
        ("plots/b/specification.md", "# b: B\n"),
        ("plots/a/specification.md", "# a: A\n"),
        ("plots/_c/specification.md", "# c: C\n"),
        ("plots/.hidden/specification.md", "# h: H\n"),
        ("plots/README.md", "not a spec\n"),
    ]);
    let ids: Vec<&str> = m.specs.iter().map(|s| s.id.as_str()).collect();
    assert_eq!(ids, ["_c", "a", "b"]);
}

#[test]
fn missing_markdown_skips_the_folder_with_a_warning() {
    let r = reading(&[
        ("plots/a/specification.yaml", "spec_id: a\n"),
        ("plots/b/spec.md", "# b: B\n"),
    ]);
    assert_eq!(r.model.specs.len(), 1, "legacy spec.md is read");
    assert_eq!(codes(&r), ["plotsql::spec::missing_markdown"]);
}

#[test]
fn spec_id_naming_rule_is_a_warning_and_the_spec_is_synced() {
    let r = reading(&[("plots/Bad_Name/specification.md", "# x: X\n")]);
    assert_eq!(r.model.specs.len(), 1);
    assert_eq!(codes(&r), ["plotsql::spec::id_naming"]);
}

#[test]
fn title_falls_back_to_the_id_and_yaml_title_overrides() {
    let m = model(&[
        ("plots/a/specification.md", "no heading here\n"),
        ("plots/b/specification.md", "# b: From markdown\n"),
        (
            "plots/b/specification.yaml",
            "spec_id: b\ntitle: From YAML\n",
        ),
        ("plots/c/specification.md", "# c: From markdown\n"),
        ("plots/c/specification.yaml", "spec_id: c\ntitle: ''\n"),
        (
            "plots/d/specification.md",
            "\u{feff}# d: Hidden by the BOM\n",
        ),
        ("plots/e/specification.md", "# e: Title\n"),
        (
            "plots/e/specification.yaml",
            "title: Ignored without spec_id\n",
        ),
    ]);
    let titles: Vec<&str> = m.specs.iter().map(|s| s.title.as_str()).collect();
    assert_eq!(titles, ["a", "From YAML", "From markdown", "d", "Title"]);
}

#[test]
fn sections_and_bullets() {
    let m = model(&[(
        "plots/a/specification.md",
        "# a: A\n\n## Description\n\n  Text\n  more  \n\n## Applications\n- one\n  * two  \n-three\n+ four\n\n## Notes\n### Data\n- inner\n",
    )]);
    let s = &m.specs[0];
    assert_eq!(s.description, "Text\n  more");
    assert_eq!(s.applications, [Some("one".into()), Some("two".into())]);
    assert_eq!(
        s.data,
        [Some("inner".into())],
        "## Data matches inside ### Data"
    );
    assert_eq!(
        s.notes,
        [Some("inner".into())],
        "an empty section swallows the next heading"
    );
}

#[test]
fn three_layouts_mixed_in_one_spec() {
    let m = model(&[
        ("plots/s/specification.md", "# s: S\n"),
        (
            "plots/s/specification.yaml",
            "spec_id: s\nimplementations:\n  plotly:\n    generated_by: oldest\n",
        ),
        ("plots/s/implementations/python/matplotlib.py", "a\n"),
        (
            "plots/s/metadata/python/matplotlib.yaml",
            "library: matplotlib\ngenerated_by: current\n",
        ),
        ("plots/s/implementations/plotly.py", "b\n"),
        ("plots/s/implementations/julia/makie.jl", "c\n"),
        (
            "plots/s/metadata/julia/makie.yaml",
            "library: makie\ngenerated_by: julia\n",
        ),
        ("plots/s/implementations/python/notes.txt", "ignored\n"),
        ("plots/s/implementations/python/preview.png", "\u{89}PNG"),
        ("plots/s/implementations/python/_helper.py", "ignored\n"),
        ("plots/s/implementations/_old/x.py", "ignored\n"),
    ]);
    let got: Vec<(&str, &str, Option<&str>)> = m
        .impls
        .iter()
        .map(|i| {
            (
                i.language_id.as_str(),
                i.library_id.as_str(),
                i.generated_by.as_deref(),
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            ("julia", "makie", Some("julia")),
            ("python", "matplotlib", Some("current")),
            ("python", "plotly", Some("oldest"))
        ]
    );
}

#[test]
fn legacy_flat_metadata_and_the_no_fallback_rule() {
    let m = model(&[
        ("plots/s/specification.md", "# s: S\n"),
        ("plots/s/implementations/matplotlib.py", "a\n"),
        (
            "plots/s/metadata/matplotlib.yaml",
            "library: matplotlib\ngenerated_by: flat\n",
        ),
        ("plots/t/specification.md", "# t: T\n"),
        ("plots/t/implementations/python/matplotlib.py", "a\n"),
        // Found but without `library`: counts as {}, no fall-back to metadata/matplotlib.yaml.
        (
            "plots/t/metadata/python/matplotlib.yaml",
            "generated_by: no-library\n",
        ),
        (
            "plots/t/metadata/matplotlib.yaml",
            "library: matplotlib\ngenerated_by: flat\n",
        ),
    ]);
    assert_eq!(m.impls[0].generated_by.as_deref(), Some("flat"));
    assert_eq!(m.impls[1].generated_by, None);
}

#[test]
fn unknown_language_folder_is_skipped_with_a_warning() {
    let r = reading(&[
        ("plots/s/specification.md", "# s: S\n"),
        ("plots/s/implementations/rust/plotters.rs", "fn main() {}\n"),
    ]);
    assert!(r.model.impls.is_empty());
    assert_eq!(codes(&r), ["plotsql::impl::unknown_language_folder"]);
}

#[test]
fn hidden_implementation_file_names_a_library_and_fails_on_the_catalog() {
    let r = reading(&[
        ("plots/s/specification.md", "# s: S\n"),
        ("plots/s/implementations/python/.x.py", "x\n"),
    ]);
    assert_eq!(codes(&r), ["plotsql::impl::unknown_library"]);
}

#[test]
fn code_gets_universal_newlines_and_keeps_its_bom() {
    let i = one_impl(&[(
        "plots/s/implementations/python/matplotlib.py",
        "\u{feff}a\r\nb\rc\n",
    )]);
    assert_eq!(i.code, "\u{feff}a\nb\nc\n");
}

#[test]
fn or_fallbacks_and_current_nesting() {
    let i = one_impl(&[(
        "plots/s/metadata/python/matplotlib.yaml",
        "library: matplotlib\npreview_url: u\npreview_html: h\npreview_html_dark: hd\ncreated: '2025-01-02T03:04:05Z'\n\
         python_version: '3.12'\nissue: 7\ncurrent:\n  python_version: ''\n  library_version: '1.0'\n  quality_score: 0\n  issue: 9\nquality_score: 80\n",
    )]);
    assert_eq!(i.preview_url_light.as_deref(), Some("u"));
    assert_eq!(i.preview_html_light.as_deref(), Some("h"));
    assert_eq!(i.preview_html_dark.as_deref(), Some("hd"));
    assert_eq!(
        i.python_version.as_deref(),
        Some("3.12"),
        "'' under current is falsy"
    );
    assert_eq!(i.library_version.as_deref(), Some("1.0"));
    assert_eq!(i.issue, Some(9));
    assert_eq!(i.quality_score, Some(80.0), "0 under current falls back");
    assert_eq!(
        i.generated_at,
        ts(2025, 1, 2, 3, 4, 5),
        "generated_at falls back to created"
    );
}

#[test]
fn timestamps_as_python_reads_them() {
    let m = model(&[
        ("plots/a/specification.md", "# a: A\n"),
        (
            "plots/a/specification.yaml",
            "spec_id: a\ncreated: '2025-01-10'\nupdated: 2025-01-10\n",
        ),
        ("plots/b/specification.md", "# b: B\n"),
        (
            "plots/b/specification.yaml",
            "spec_id: b\ncreated: 2025-01-10T10:11:12+05:00\nupdated: '2025-01-10T10:11:12.5Z'\n",
        ),
        ("plots/c/specification.md", "# c: C\n"),
        (
            "plots/c/specification.yaml",
            "spec_id: c\ncreated: 'garbage'\nupdated: 20250110\n",
        ),
    ]);
    assert_eq!(
        m.specs[0].created,
        ts(2025, 1, 10, 0, 0, 0),
        "a quoted date gives midnight"
    );
    assert_eq!(m.specs[0].updated, None, "an unquoted date is NULL");
    assert_eq!(
        m.specs[1].created,
        ts(2025, 1, 10, 10, 11, 12),
        "offset dropped, wall clock kept"
    );
    let mut half = ts(2025, 1, 10, 10, 11, 12).unwrap();
    half.microsecond = 500_000;
    assert_eq!(m.specs[1].updated, Some(half));
    assert_eq!(m.specs[2].created, None);
    assert_eq!(m.specs[2].updated, None, "a number is NULL");
    let r = reading(&[
        ("plots/c/specification.md", "# c: C\n"),
        (
            "plots/c/specification.yaml",
            "spec_id: c\ncreated: 'garbage'\nupdated: 2025-01-01T00:00:00-08:00\n",
        ),
    ]);
    assert_eq!(
        codes(&r),
        [
            "plotsql::timestamp::unreadable",
            "plotsql::timestamp::offset_dropped"
        ]
    );
}

#[test]
fn quality_score_coercion() {
    let score = |v: &str| {
        one_impl(&[(
            "plots/s/metadata/python/matplotlib.yaml",
            &format!("library: matplotlib\nquality_score: {v}\n"),
        )])
        .quality_score
    };
    assert_eq!(score("yes"), Some(1.0));
    assert_eq!(score("' 88 '"), Some(88.0));
    assert_eq!(score("'9_0'"), Some(90.0));
    assert_eq!(score("'1e2'"), Some(100.0));
    assert_eq!(score("1e2"), Some(100.0));
    assert_eq!(score("100.5"), None);
    assert_eq!(score("-1"), None);
    assert_eq!(score(".nan"), None);
    assert_eq!(score("'high'"), None);
    assert_eq!(score("[1]"), None);
    let r = reading(&[
        ("plots/s/specification.md", "# s: S\n"),
        ("plots/s/implementations/python/matplotlib.py", "x\n"),
        (
            "plots/s/metadata/python/matplotlib.yaml",
            "library: matplotlib\nquality_score: 101\n",
        ),
    ]);
    assert_eq!(codes(&r), ["plotsql::impl::invalid_quality_score"]);
}

#[test]
fn verdict_coercion() {
    let verdict = |v: &str| {
        reading(&[
            ("plots/s/specification.md", "# s: S\n"),
            ("plots/s/implementations/python/matplotlib.py", "x\n"),
            (
                "plots/s/metadata/python/matplotlib.yaml",
                &format!("library: matplotlib\nreview:\n  verdict: {v}\n"),
            ),
        ])
    };
    assert_eq!(
        verdict("APPROVED").model.impls[0].review_verdict,
        Some(Verdict::Approved)
    );
    assert_eq!(
        verdict("REJECTED").model.impls[0].review_verdict,
        Some(Verdict::Rejected)
    );
    let odd = verdict("approved");
    assert_eq!(odd.model.impls[0].review_verdict, None);
    assert_eq!(codes(&odd), ["plotsql::impl::invalid_verdict"]);
    assert_eq!(verdict("~").model.impls[0].review_verdict, None);
    for falsy in ["''", "false", "0"] {
        assert!(
            verdict(falsy).diagnostics.has_errors(),
            "{falsy} is rejected by the database"
        );
    }
}

#[test]
fn json_columns_keep_yaml_types_and_tags_turn_datetimes_into_text() {
    let m = model(&[
        ("plots/s/specification.md", "# s: S\n"),
        (
            "plots/s/specification.yaml",
            "spec_id: s\ntags:\n  when: 2025-12-11 22:45:43Z\n  naive: 2025-12-11T22:45:43\n  n: 0x1F\n  f: 1.10\n  on: yes\n  1: one\n",
        ),
    ]);
    let text = m.specs[0].tags.as_ref().unwrap().as_str();
    assert_eq!(
        text,
        "{\n  \"when\": \"2025-12-11T22:45:43+00:00\",\n  \"naive\": \"2025-12-11T22:45:43\",\n  \"n\": 31,\n  \"f\": 1.1,\n  \"true\": \"one\"\n}",
        "`on` is the key True, and 1 == True in a Python dict: one key, first position, last value"
    );
}

#[test]
fn text_columns_store_scalars_as_postgresql_casts_them() {
    let i = one_impl(&[(
        "plots/s/metadata/python/matplotlib.yaml",
        "library: matplotlib\npython_version: 3.10\nlibrary_version: 2024-01-02\ngenerated_by: true\nreview:\n  strengths: [no, ~, yes]\n  weaknesses: [2025-01-01]\n",
    )]);
    assert_eq!(i.python_version.as_deref(), Some("3.1"));
    assert_eq!(i.library_version.as_deref(), Some("2024-01-02"));
    assert_eq!(i.generated_by.as_deref(), Some("true"));
    assert_eq!(
        i.review_strengths,
        [Some("false".into()), None, Some("true".into())]
    );
    assert_eq!(i.review_weaknesses, [Some("2025-01-01".into())]);
}

#[test]
fn integer_columns_read_strings_as_postgresql_does() {
    let i = one_impl(&[(
        "plots/s/metadata/python/matplotlib.yaml",
        "library: matplotlib\nissue: ' 0077 '\nworkflow_run: '-12'\n",
    )]);
    assert_eq!(i.issue, Some(77));
    assert_eq!(i.workflow_run, Some(-12));
    let r = reading(&[
        ("plots/s/specification.md", "# s: S\n"),
        ("plots/s/implementations/python/matplotlib.py", "x\n"),
        (
            "plots/s/metadata/python/matplotlib.yaml",
            "library: matplotlib\nworkflow_run: 0o17\n",
        ),
    ]);
    assert!(
        r.diagnostics.has_errors(),
        "`0o17` is a string that is no integer literal"
    );
}

#[test]
fn lists_mixing_strings_with_other_scalars_are_refused() {
    let list = |v: &str| {
        reading(&[
            ("plots/s/specification.md", "# s: S\n"),
            ("plots/s/implementations/python/matplotlib.py", "x\n"),
            (
                "plots/s/metadata/python/matplotlib.yaml",
                &format!("library: matplotlib\nreview:\n  strengths: {v}\n"),
            ),
        ])
    };
    for mixed in [
        "['Clean code', 5]",
        "[1, true]",
        "['yes', true]",
        "['Jan 5', 2025-01-10]",
    ] {
        assert_eq!(
            codes(&list(mixed)),
            ["plotsql::value::wrong_type"],
            "{mixed}"
        );
    }
    let numbers = list("[1, 2.50, ~]");
    assert!(!numbers.diagnostics.has_errors());
    assert_eq!(
        numbers.model.impls[0].review_strengths,
        [Some("1".into()), Some("2.5".into()), None]
    );
}

#[test]
fn varchar_limits_cut_trailing_spaces_as_postgresql_does() {
    let long = format!("{}{}", "g".repeat(99), "   ");
    let i = one_impl(&[(
        "plots/s/metadata/python/matplotlib.yaml",
        &format!("library: matplotlib\ngenerated_by: '{long}'\n"),
    )]);
    assert_eq!(i.generated_by.as_deref(), Some(&long[..100]));
    let r = reading(&[
        ("plots/s/specification.md", "# s: S\n"),
        ("plots/s/implementations/python/matplotlib.py", "x\n"),
        (
            "plots/s/metadata/python/matplotlib.yaml",
            &format!(
                "library: matplotlib\ngenerated_by: '{}x'\n",
                "g".repeat(100)
            ),
        ),
    ]);
    assert_eq!(codes(&r), ["plotsql::value::too_long"]);
}

#[test]
fn nan_in_a_text_column_is_stored_as_postgresql_casts_it() {
    let i = one_impl(&[(
        "plots/s/metadata/python/matplotlib.yaml",
        "library: matplotlib\npython_version: .nan\n",
    )]);
    assert_eq!(i.python_version.as_deref(), Some("NaN"));
}

#[test]
fn nul_in_markdown_matters_only_inside_stored_sections() {
    let m = model(&[(
        "plots/s/specification.md",
        "# s: S\n\nfree text \0 here\n\n## Notes\n\n- a note\n",
    )]);
    assert_eq!(m.specs[0].notes, [Some("a note".into())]);
    let r = reading(&[(
        "plots/s/specification.md",
        "# s: S\n\n## Notes\n\n- a \0 note\n",
    )]);
    assert_eq!(codes(&r), ["plotsql::text::nul"]);
}

#[test]
fn unicode_line_breaks_in_yaml_are_refused() {
    for c in ['\u{85}', '\u{2028}', '\u{2029}'] {
        let r = reading(&[
            ("plots/s/specification.md", "# s: S\n"),
            (
                "plots/s/specification.yaml",
                &format!("spec_id: s\nsuggested: a{c}b\n"),
            ),
        ]);
        assert_eq!(
            codes(&r),
            ["plotsql::yaml::unprintable"],
            "U+{:04X}",
            c as u32
        );
    }
}

#[cfg(unix)]
#[test]
fn a_bad_entry_does_not_hide_the_rest_of_its_folder() {
    let outside = tempfile::NamedTempFile::new().unwrap();
    let repo = Repo::new(&[
        ("plotsql.yaml", CATALOG),
        ("plots/s/specification.md", "# s: S\n"),
        ("plots/s/implementations/python/unknown.py", "x\n"),
    ]);
    std::os::unix::fs::symlink(
        outside.path(),
        repo.path()
            .join("plots/s/implementations/python/matplotlib.py"),
    )
    .unwrap();
    let r = read(repo.path(), &ReadOptions::default()).unwrap();
    let mut found = codes(&r);
    found.sort_unstable();
    assert_eq!(
        found,
        [
            "plotsql::fs::link_outside",
            "plotsql::impl::unknown_library"
        ]
    );
}
