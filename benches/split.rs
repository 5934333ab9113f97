//! Where `plotsql build` spends its time, stage by stage, on one repository.
//!
//! Not a criterion bench: it runs each stage a few times and prints the median, in
//! milliseconds, as `stage<TAB>ms` lines (what `scripts/bench.sh` reads).
//!
//! ```text
//! cargo bench --bench split -- [REPO] [RUNS]
//! ```
//!
//! REPO defaults to `examples/demo`. A third argument, one of `yaml`, `yaml-full`, `read`,
//! `sql`, `stream`, `compile`, runs only that stage RUNS times (for `perf record`);
//! `yaml-check` instead loads every YAML file by the fast path and the full loader and
//! reports how many the fast path took and any difference. The stages:
//! - walk: listing every folder under `plots/` (one thread);
//! - read: reading every file of `plots/` as text (one thread);
//! - yaml: `plotsql::yaml::load` on every `.yaml` file (one thread);
//! - markdown: the `specification.md` extraction on every spec (one thread);
//! - validation: the rest of the frontend, lowering and checking values: `reader::read`
//!   on one thread less the four stages above;
//! - read_1t / read_2t: the whole frontend `reader::read` on one thread and on the default
//!   thread pool (two threads on a two-core machine);
//! - sql: `sql::statements` (rendering every statement, all held at once);
//! - script: `writer::script` (joining the statements into one string);
//! - write: writing that string to a file;
//! - stream: `writer::Script::write_to` a buffered file, rendering the statements in parallel while writing them in order (the
//!   backend's sql, script and write in one);
//! - compile: `plotsql::compile`, everything but the write (the script rendered into one
//!   string);
//! - build_read / build_write / build: what `plotsql build -o` does (`plotsql::stream`):
//!   the frontend reading a window of spec folders at a time while the implementations'
//!   upserts are rendered, then the script written to a buffered file; and both.

use std::path::{Path, PathBuf};
use std::time::Instant;

use plotsql::{BuildOptions, reader, sql, writer};

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v.get(v.len() / 2).copied().unwrap_or(0.0)
}

fn time<T>(runs: usize, mut f: impl FnMut() -> T) -> f64 {
    let mut samples = Vec::with_capacity(runs);
    for _ in 0..runs {
        let start = Instant::now();
        std::hint::black_box(f());
        samples.push(start.elapsed().as_secs_f64() * 1000.0);
    }
    median(samples)
}

/// Heap bytes of a string as glibc's malloc holds it (16-byte steps, 32 at least).
fn heap(capacity: usize) -> usize {
    if capacity == 0 {
        0
    } else {
        (capacity + 8).div_ceil(16).max(2) * 16
    }
}

fn json_bytes(j: &plotsql::ir::JsonText) -> usize {
    heap(j.as_str().len())
}

/// Estimated heap bytes of the model: (text fields, JSON documents).
fn model_bytes(m: &plotsql::ir::Model) -> (usize, usize) {
    let opt = |s: &Option<String>| s.as_ref().map_or(0, |s| heap(s.capacity()));
    let list = |l: &Vec<Option<String>>| heap(l.capacity() * 24) + l.iter().map(opt).sum::<usize>();
    let oj = |j: &Option<plotsql::ir::JsonText>| j.as_ref().map_or(0, json_bytes);
    let mut text = heap(m.impls.capacity() * std::mem::size_of::<plotsql::ir::Impl>());
    let mut json = 0;
    for i in &m.impls {
        text += heap(i.code.capacity())
            + heap(i.spec_id.capacity())
            + heap(i.language_id.capacity())
            + heap(i.library_id.capacity());
        for s in [
            &i.preview_url_light,
            &i.preview_url_dark,
            &i.preview_html_light,
            &i.preview_html_dark,
            &i.python_version,
            &i.library_version,
            &i.generated_by,
            &i.review_image_description,
        ] {
            text += opt(s);
        }
        text += list(&i.review_strengths) + list(&i.review_weaknesses);
        json += oj(&i.review_criteria_checklist) + oj(&i.impl_tags);
    }
    for s in &m.specs {
        text += heap(s.id.capacity())
            + heap(s.title.capacity())
            + heap(s.description.capacity())
            + opt(&s.suggested);
        text += list(&s.applications) + list(&s.data) + list(&s.notes);
        json += oj(&s.tags);
    }
    (text, json)
}

fn walk(dir: &Path, folders: &mut Vec<PathBuf>, files: &mut Vec<PathBuf>) -> std::io::Result<()> {
    let mut entries: Vec<_> = std::fs::read_dir(dir)?.collect::<Result<_, _>>()?;
    entries.sort_by_key(std::fs::DirEntry::file_name);
    for e in entries {
        let path = e.path();
        if e.file_type()?.is_dir() {
            folders.push(path.clone());
            walk(&path, folders, files)?;
        } else {
            files.push(path);
        }
    }
    Ok(())
}

/// The backend of `plotsql build -o`: plan, then render and write in a stream.
fn stream(
    model: &plotsql::ir::Model,
    options: &BuildOptions,
    out: &Path,
) -> Result<(), Box<dyn std::error::Error>> {
    let script = plotsql::script(model, options)?;
    let file = std::io::BufWriter::with_capacity(256 * 1024, std::fs::File::create(out)?);
    script.write_to(file)?;
    Ok(())
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    // `cargo bench` passes `--bench`; skip flags.
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with("--"))
        .collect();
    let repo = PathBuf::from(args.first().map_or("examples/demo", String::as_str));
    let runs: usize = args.get(1).map_or(Ok(5), |s| s.parse())?;
    let plots = repo.join("plots");

    let walk_ms = time(runs, || {
        let (mut folders, mut files) = (Vec::new(), Vec::new());
        walk(&plots, &mut folders, &mut files).map(|()| files.len())
    });
    let (mut folders, mut files) = (Vec::new(), Vec::new());
    walk(&plots, &mut folders, &mut files)?;
    let options = BuildOptions::default();
    if let Some(only) = args.get(2) {
        let ms = match only.as_str() {
            "yaml" | "yaml-full" => {
                let texts: Vec<String> = files
                    .iter()
                    .filter(|f| f.extension().is_some_and(|e| e == "yaml"))
                    .filter_map(|f| std::fs::read_to_string(f).ok())
                    .collect();
                let load = if only == "yaml" {
                    plotsql::yaml::load
                } else {
                    plotsql::yaml::load_full
                };
                time(runs, || texts.iter().filter(|t| load(t).is_ok()).count())
            }
            "yaml-check" => {
                // How many YAML files the fast path takes, and whether it agrees on each.
                let (mut fast, mut full, mut differ) = (0, 0, 0);
                for f in files
                    .iter()
                    .filter(|f| f.extension().is_some_and(|e| e == "yaml"))
                {
                    let text = std::fs::read_to_string(f)?;
                    match plotsql::fuzzing::yaml_fast_path_agrees(&text) {
                        Ok(true) => fast += 1,
                        Ok(false) => {
                            full += 1;
                            if std::env::var_os("PLOTSQL_SHOW_FULL").is_some() {
                                println!("# full: {}", f.display());
                            }
                        }
                        Err(e) => {
                            differ += 1;
                            println!("# {}: {e}", f.display());
                        }
                    }
                }
                println!(
                    "# yaml fast path: {fast} taken, {full} left to the full loader, {differ} differ"
                );
                if differ > 0 {
                    return Err("the fast path differs from the full loader".into());
                }
                return Ok(());
            }
            "read" => time(runs, || reader::read(&repo, &options.read)),
            "sql" => {
                let reading = reader::read(&repo, &options.read)?;
                time(runs, || sql::statements(&reading.model, &options.sql))
            }
            "stream" => {
                let reading = reader::read(&repo, &options.read)?;
                let out =
                    std::env::temp_dir().join(format!("plotsql-split-{}.sql", std::process::id()));
                let ms = time(runs, || stream(&reading.model, &options, &out));
                let _ = std::fs::remove_file(&out);
                ms
            }
            _ => time(runs, || plotsql::compile(&repo, &options)),
        };
        println!("{only}\t{ms:.1}");
        return Ok(());
    }
    let read_ms = time(runs, || {
        files
            .iter()
            .filter_map(|f| std::fs::read_to_string(f).ok())
            .map(|t| t.len())
            .sum::<usize>()
    });
    let texts: Vec<(PathBuf, String)> = files
        .iter()
        .filter_map(|f| std::fs::read_to_string(f).ok().map(|t| (f.clone(), t)))
        .collect();
    let has_ext = |p: &Path, ext: &str| p.extension().is_some_and(|e| e == ext);
    let yamls: Vec<&str> = texts
        .iter()
        .filter(|(p, _)| has_ext(p, "yaml"))
        .map(|(_, t)| t.as_str())
        .collect();
    let mds: Vec<&str> = texts
        .iter()
        .filter(|(p, _)| {
            p.file_name()
                .is_some_and(|n| n == "specification.md" || n == "spec.md")
        })
        .map(|(_, t)| t.as_str())
        .collect();
    let yaml_ms = time(runs, || {
        yamls
            .iter()
            .filter(|t| plotsql::yaml::load(t).is_ok())
            .count()
    });
    let md_ms = time(runs, || {
        mds.iter().map(|t| reader::parse_markdown(t)).sum::<usize>()
    });

    let one = rayon::ThreadPoolBuilder::new().num_threads(1).build()?;
    let read_1t = time(runs, || one.install(|| reader::read(&repo, &options.read)));
    let read_2t = time(runs, || reader::read(&repo, &options.read));
    let reading = reader::read(&repo, &options.read)?;
    let sql_ms = time(runs, || sql::statements(&reading.model, &options.sql));
    let statements = sql::statements(&reading.model, &options.sql)?;
    let counts = writer::Counts::of(&reading.model);
    let script_ms = time(runs, || {
        writer::script(&statements, counts, &options.script)
    });
    let script = writer::script(&statements, counts, &options.script);
    let out = std::env::temp_dir().join(format!("plotsql-split-{}.sql", std::process::id()));
    let write_ms = time(runs, || std::fs::write(&out, &script));
    let stream_ms = time(runs, || stream(&reading.model, &options, &out));
    if std::fs::read(&out)? != script.as_bytes() {
        return Err("the streamed script differs from writer::script's".into());
    }
    let compile_ms = time(runs, || plotsql::compile(&repo, &options));
    // What `plotsql build -o` does: the streamed read, then the write.
    let stream_options = plotsql::stream::StreamOptions::default();
    let build_read_ms = time(runs, || {
        plotsql::stream::read(&repo, &options, stream_options).map(|s| s.impls)
    });
    let build = || -> Result<(), Box<dyn std::error::Error>> {
        let streamed = plotsql::stream::read(&repo, &options, stream_options)?;
        let file = std::io::BufWriter::new(std::fs::File::create(&out)?);
        streamed.write_to(file, &options)?;
        Ok(())
    };
    let build_ms = time(runs, || build().is_ok());
    build()?;
    if std::fs::read(&out)? != script.as_bytes() {
        return Err("the streamed build's script differs from writer::script's".into());
    }
    let _ = std::fs::remove_file(&out);

    let (text_bytes, json_bytes) = model_bytes(&reading.model);
    println!(
        "# model heap (estimate): text {:.1} MB, JSON {:.1} MB; statements {:.1} MB; script {:.1} MB",
        text_bytes as f64 / 1e6,
        json_bytes as f64 / 1e6,
        statements.iter().map(|s| s.sql.capacity()).sum::<usize>() as f64 / 1e6,
        script.len() as f64 / 1e6
    );
    let validation = (read_1t - walk_ms - read_ms - yaml_ms - md_ms).max(0.0);
    println!(
        "# repository {} ({} files, {} specs, {} implementations)",
        repo.display(),
        files.len(),
        counts.specs,
        counts.impls
    );
    println!("# stage\tms (median of {runs})");
    for (name, ms) in [
        ("walk", walk_ms),
        ("read", read_ms),
        ("yaml", yaml_ms),
        ("markdown", md_ms),
        ("validation", validation),
        ("read_1t", read_1t),
        ("read_2t", read_2t),
        ("sql", sql_ms),
        ("script", script_ms),
        ("write", write_ms),
        ("stream", stream_ms),
        ("compile", compile_ms),
        ("build_read", build_read_ms),
        ("build_write", (build_ms - build_read_ms).max(0.0)),
        ("build", build_ms),
    ] {
        println!("{name}\t{ms:.1}");
    }
    Ok(())
}
