//! `plotsql build` streams (`plotsql::stream`): it must write, byte for byte, the script
//! `plotsql::compile` renders in memory, whatever the window, the spill threshold, the chunk
//! size and the script options; and report the same diagnostics.

use std::path::Path;

use plotsql::stream::{self, StreamOptions};
use plotsql::{BuildOptions, compile};

use crate::util::{Repo, demo, manifest_dir};

const CATALOG: &str = "languages:\n  - {id: python, name: Python, file_extension: .py}\n  - {id: r, name: R, file_extension: .R}\n\
libraries:\n  - {id: matplotlib, name: Matplotlib, language_id: python}\n  - {id: plotly, name: Plotly, language_id: python}\n  - {id: ggplot2, name: ggplot2, language_id: r}\n";

/// `n` specs with zero to three implementations each, in two languages.
fn sample(n: usize) -> Repo {
    let repo = Repo::new(&[("plotsql.yaml", CATALOG)]);
    for i in 0..n {
        let id = format!("plot-{i:03}");
        repo.write(
            &format!("plots/{id}/specification.md"),
            &format!("# {id}: Plot {i}\n\n## Description\n\nPlot number {i}.\n\n## Data\n\n- `x` values\n"),
        );
        let libs: &[(&str, &str, &str)] = &[
            ("python", "matplotlib", "py"),
            ("python", "plotly", "py"),
            ("r", "ggplot2", "R"),
        ];
        for (lang, lib, ext) in libs.iter().take(i % 4) {
            repo.write(
                &format!("plots/{id}/implementations/{lang}/{lib}.{ext}"),
                &format!("# {id} with {lib}\nplot({i})\n"),
            );
            repo.write(
                &format!("plots/{id}/metadata/{lang}/{lib}.yaml"),
                &format!(
                    "library: {lib}\nquality_score: {}\nreview:\n  strengths:\n  - 'Good: {i}'\n",
                    50 + i % 50
                ),
            );
        }
    }
    repo
}

fn streamed(repo: &Path, options: &BuildOptions, stream: StreamOptions) -> Option<String> {
    let s = stream::read(repo, options, stream).unwrap();
    if s.reading.diagnostics.has_errors() {
        return None;
    }
    let bytes = s.write_to(Vec::new(), options).unwrap();
    Some(String::from_utf8(bytes).unwrap())
}

fn assert_same(repo: &Path, options: &BuildOptions) {
    let expected = compile(repo, options).unwrap();
    for window in [1, 2, 3, 64] {
        for spill_after in [0, 700, usize::MAX] {
            let stream = StreamOptions {
                window,
                spill_after,
            };
            let s = stream::read(repo, options, stream).unwrap();
            assert_eq!(
                s.reading.diagnostics,
                expected.reading.diagnostics,
                "{}: diagnostics",
                repo.display()
            );
            assert_eq!(s.impls, expected.reading.model.impls.len());
            let (checked, impls) = stream::check(repo, options, stream).unwrap();
            assert_eq!(checked.diagnostics, expected.reading.diagnostics);
            assert_eq!(checked.model.specs, expected.reading.model.specs);
            assert_eq!(impls, s.impls);
            assert_eq!(
                streamed(repo, options, stream),
                expected.script,
                "{}: window {window}, spill after {spill_after}, chunk size {}",
                repo.display(),
                options.sql.chunk_size
            );
        }
    }
}

fn with(chunk_size: usize, plan: bool, max_delete: Option<u64>) -> BuildOptions {
    let mut options = BuildOptions::default();
    options.sql.chunk_size = chunk_size;
    options.script.plan = plan;
    options.script.max_delete = max_delete;
    options
}

#[test]
fn streams_the_script_compile_renders() {
    let repo = sample(23);
    for chunk_size in [1, 2, 3, 7, 500] {
        assert_same(repo.path(), &with(chunk_size, false, None));
    }
    assert_same(repo.path(), &with(4, true, Some(3)));
    assert_same(&demo(), &with(2, false, None));
    assert_same(&demo(), &BuildOptions::default());
}

#[test]
fn scripts_cut_into_several_queries_stream_alike() {
    let repo = sample(12);
    let mut options = with(3, false, None);
    options.script.max_query_bytes = 2000;
    assert_same(repo.path(), &options);
}

#[test]
fn repositories_without_implementations_or_specs_stream_alike() {
    let no_impls = sample(1);
    assert_same(no_impls.path(), &BuildOptions::default());
    let empty = Repo::new(&[("plotsql.yaml", CATALOG)]);
    std::fs::create_dir_all(empty.path().join("plots")).unwrap();
    let options = BuildOptions {
        allow_empty: true,
        ..BuildOptions::default()
    };
    assert_same(empty.path(), &options);
    // Without --allow-empty: the same error, and no script.
    assert_same(empty.path(), &BuildOptions::default());
}

/// Every fixture: the same diagnostics; a script only where `compile` gives one.
#[test]
fn fixtures_report_alike_and_write_nothing_on_errors() {
    let fixtures = manifest_dir().join("tests/fixtures");
    let mut seen = 0;
    for entry in std::fs::read_dir(&fixtures).unwrap() {
        let path = entry.unwrap().path();
        if !path.is_dir() {
            continue;
        }
        seen += 1;
        assert_same(&path, &with(2, false, None));
        let s = stream::read(&path, &BuildOptions::default(), StreamOptions::default()).unwrap();
        if s.reading.diagnostics.has_errors() {
            let err = s
                .write_to(Vec::new(), &BuildOptions::default())
                .unwrap_err();
            assert_eq!(err.kind(), std::io::ErrorKind::InvalidInput);
        }
    }
    assert!(seen > 30, "{seen} fixtures");
}
