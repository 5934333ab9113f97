//! Criterion benchmarks of the in-process stages: reading, SQL rendering, script writing,
//! streaming, and the whole compile.
//!
//! ```text
//! cargo bench --bench stages                       # examples/demo
//! PLOTSQL_BENCH_REPO=../shared/corpus/pyplots-2026-05 cargo bench --bench stages
//! ```
//!
//! The repository defaults to `examples/demo`, so the benches run anywhere; point
//! `PLOTSQL_BENCH_REPO` at a real corpus for meaningful figures.

use std::hint::black_box;
use std::path::PathBuf;
use std::time::Duration;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use plotsql::{BuildOptions, reader, sql, writer};

fn repo() -> PathBuf {
    std::env::var_os("PLOTSQL_BENCH_REPO")
        .map_or_else(|| PathBuf::from("examples/demo"), PathBuf::from)
}

fn stages(c: &mut Criterion) {
    let repo = repo();
    let options = BuildOptions::default();
    let Ok(reading) = reader::read(&repo, &options.read) else {
        eprintln!("stages: cannot read {}", repo.display());
        return;
    };
    let Ok(statements) = sql::statements(&reading.model, &options.sql) else {
        eprintln!("stages: cannot render {}", repo.display());
        return;
    };
    let m = &reading.model;
    let counts = writer::Counts::of(m);
    let bytes = writer::script(&statements, counts, &options.script).len() as u64;

    let mut g = c.benchmark_group("stages");
    g.sample_size(10)
        .measurement_time(Duration::from_secs(5))
        .throughput(Throughput::Bytes(bytes));
    g.bench_function("reader::read", |b| {
        b.iter(|| reader::read(black_box(&repo), &options.read))
    });
    g.bench_function("sql::statements", |b| {
        b.iter(|| sql::statements(black_box(m), &options.sql))
    });
    g.bench_function("writer::script", |b| {
        b.iter(|| writer::script(black_box(&statements), counts, &options.script))
    });
    // What `plotsql build` does after checking, minus the I/O: render in parallel, stream.
    if let Ok(script) = plotsql::script(m, &options) {
        g.bench_function("writer::Script::write_to", |b| {
            b.iter(|| script.write_to(std::io::sink()))
        });
    }
    g.bench_function("compile", |b| {
        b.iter(|| plotsql::compile(black_box(&repo), &options))
    });
    g.finish();

    // YAML loading alone, on every YAML file of the repository.
    let yamls: Vec<String> = walk_yaml(&repo.join("plots"));
    let total: usize = yamls.iter().map(String::len).sum();
    let mut g = c.benchmark_group("yaml");
    g.sample_size(10)
        .throughput(Throughput::Bytes(total as u64));
    g.bench_function("load all", |b| {
        b.iter(|| {
            yamls
                .iter()
                .filter(|t| plotsql::yaml::load(black_box(t)).is_ok())
                .count()
        });
    });
    g.finish();
}

fn walk_yaml(dir: &std::path::Path) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "yaml")
                && let Ok(t) = std::fs::read_to_string(&p)
            {
                out.push(t);
            }
        }
    }
    out
}

criterion_group!(benches, stages);
criterion_main!(benches);
