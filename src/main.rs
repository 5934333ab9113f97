//! The `plotsql` command line: a thin layer over the library.
//!
//! Exit codes: 0 clean (warnings allowed unless `--strict`), 1 the repository has errors,
//! 2 usage or I/O failure.

use std::fs::File;
use std::io::{BufWriter, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};
use plotsql::render::{self, Format, RenderOptions};
use plotsql::{BuildOptions, reader, sql, stream, writer};

const EXIT_CODES: &str = "\
Exit codes:
  0  clean (warnings allowed unless --strict)
  1  the repository has errors; no script was written
  2  usage or I/O failure";

/// Compile a plot repository into one PostgreSQL sync script.
#[derive(Debug, Parser)]
#[command(name = "plotsql", version, about, long_about = None, after_help = EXIT_CODES)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Write the sync script for a repository.
    ///
    /// Reads REPO/plotsql.yaml and REPO/plots/, checks everything, and writes one script
    /// that `psql` applies in a single transaction. Nothing is written when the repository
    /// has errors.
    #[command(after_help = concat!(
        "Examples:\n",
        "  plotsql build examples/demo -o sync.sql\n",
        "  plotsql build . | psql -X -d \"$DATABASE_URL\"\n\n",
        "Exit codes:\n  0  clean (warnings allowed unless --strict)\n",
        "  1  the repository has errors; no script was written\n  2  usage or I/O failure"))]
    Build(BuildArgs),
    /// Check a repository without writing a script.
    ///
    /// Runs the same reading and validation as `build` and prints every diagnostic.
    #[command(after_help = concat!(
        "Examples:\n",
        "  plotsql check .\n",
        "  plotsql check --strict --message-format github .\n\n",
        "Exit codes:\n  0  clean (warnings allowed unless --strict)\n",
        "  1  the repository has errors\n  2  usage or I/O failure"))]
    Check(CommonArgs),
    /// Print the target schema (DDL) for a new, empty database.
    #[command(
        after_help = "Example:\n  plotsql schema | psql -X -v ON_ERROR_STOP=1 -d \"$DATABASE_URL\""
    )]
    Schema,
}

#[derive(Debug, Args)]
struct CommonArgs {
    /// The repository: the folder holding plotsql.yaml and plots/.
    #[arg(default_value = ".")]
    repo: PathBuf,
    /// Treat warnings as errors.
    #[arg(long)]
    strict: bool,
    /// How diagnostics are printed.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    message_format: Format,
    /// Largest file read, in bytes; larger files are an error.
    #[arg(long, default_value_t = reader::DEFAULT_MAX_FILE_SIZE)]
    max_file_size: u64,
}

#[derive(Debug, Args)]
struct BuildArgs {
    #[command(flatten)]
    common: CommonArgs,
    /// Write the script to FILE instead of standard output (left untouched on errors).
    #[arg(short, long, value_name = "FILE")]
    output: Option<PathBuf>,
    /// Most rows in one upsert statement.
    #[arg(long, default_value_t = 500, value_parser = clap::value_parser!(u32).range(1..))]
    chunk_size: u32,
    /// End the script with ROLLBACK: show what it would change, change nothing.
    #[arg(long)]
    plan: bool,
    /// Accept a repository without specs (the script then deletes every spec).
    #[arg(long)]
    allow_empty: bool,
    /// Make the script abort, changing nothing, when its deletes would remove more than N rows.
    #[arg(long, value_name = "N")]
    max_delete: Option<u64>,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("{:?}", miette::Report::new(e));
            ExitCode::from(2)
        }
    }
}

fn render_options(format: Format) -> RenderOptions {
    // Colour only on a terminal, and never when NO_COLOR is set (https://no-color.org).
    let color = std::io::stderr().is_terminal()
        && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
    RenderOptions {
        format,
        color,
        width: 100,
    }
}

fn run(cli: Cli) -> Result<ExitCode, plotsql::Error> {
    match cli.command {
        Command::Schema => {
            print!("{}", plotsql::SCHEMA_SQL);
            Ok(ExitCode::SUCCESS)
        }
        Command::Check(args) => {
            let options = options(&args, 500, false, false);
            let (reading, impls) =
                stream::check(&args.repo, &options, stream::StreamOptions::default())?;
            report(&reading, impls, args.message_format);
            Ok(exit(&reading))
        }
        Command::Build(args) => {
            let mut options = options(
                &args.common,
                args.chunk_size as usize,
                args.plan,
                args.allow_empty,
            );
            options.script.max_delete = args.max_delete;
            // Read and check everything, rendering the implementations as they come; the
            // output is touched only once the whole repository is known to be clean.
            let mut streamed = stream::read(
                &args.common.repo,
                &options,
                stream::StreamOptions::default(),
            )?;
            report(
                &streamed.reading,
                streamed.impls,
                args.common.message_format,
            );
            let code = exit(&streamed.reading);
            if !streamed.reading.diagnostics.has_errors() {
                // The diagnostics are printed: their texts are no longer needed.
                drop(std::mem::take(&mut streamed.reading.sources));
                write_output(args.output.as_deref(), |out| {
                    streamed.write_to(out, &options).map(drop)
                })?;
            }
            Ok(code)
        }
    }
}

fn options(args: &CommonArgs, chunk_size: usize, plan: bool, allow_empty: bool) -> BuildOptions {
    BuildOptions {
        read: reader::ReadOptions {
            max_file_size: args.max_file_size,
        },
        sql: sql::SqlOptions {
            chunk_size,
            ..sql::SqlOptions::default()
        },
        script: writer::ScriptOptions {
            plan,
            ..writer::ScriptOptions::default()
        },
        strict: args.strict,
        allow_empty,
    }
}

fn report(reading: &reader::Reading, impls: usize, format: Format) {
    let d = &reading.diagnostics;
    let text = render::render(d, &reading.sources, render_options(format));
    let mut err = std::io::stderr().lock();
    let _ = err.write_all(text.as_bytes());
    if format == Format::Human {
        let m = &reading.model;
        let _ = writeln!(
            err,
            "plotsql: {} specs, {} implementations, {} errors, {} warnings",
            m.specs.len(),
            impls,
            d.error_count(),
            d.warning_count()
        );
    }
}

fn exit(reading: &reader::Reading) -> ExitCode {
    if reading.diagnostics.has_errors() {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

/// Buffer of the output: statements are larger and bypass it; the short lines between
/// them are gathered.
const OUTPUT_BUFFER: usize = 256 * 1024;

/// Streams the script (`write` writes it) to stdout, or atomically to `path`: into a
/// temporary file next to it, renamed over it only once complete. On any failure the
/// temporary file is removed and `path` is left untouched.
fn write_output(
    path: Option<&Path>,
    write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> Result<(), plotsql::Error> {
    fn io(path: &Path) -> impl Fn(std::io::Error) -> plotsql::Error + '_ {
        move |source| plotsql::Error::Io {
            path: path.to_path_buf(),
            source,
        }
    }
    match path {
        None => {
            let stdout = Path::new("<stdout>");
            let mut out = BufWriter::with_capacity(OUTPUT_BUFFER, std::io::stdout().lock());
            write(&mut out).map_err(io(stdout))?;
            out.flush().map_err(io(stdout))
        }
        Some(path) => {
            let dir = path
                .parent()
                .filter(|p| !p.as_os_str().is_empty())
                .unwrap_or(Path::new("."));
            let name = path
                .file_name()
                .map_or_else(|| "script".into(), |n| n.to_string_lossy().into_owned());
            let tmp = TempFile {
                path: dir.join(format!(".{name}.plotsql-tmp")),
                persisted: false,
            };
            let file = File::create(&tmp.path).map_err(io(&tmp.path))?;
            let mut out = BufWriter::with_capacity(OUTPUT_BUFFER, file);
            write(&mut out).map_err(io(&tmp.path))?;
            let file = out
                .into_inner()
                .map_err(|e| io(&tmp.path)(e.into_error()))?;
            drop(file);
            tmp.persist(path).map_err(io(path))
        }
    }
}

/// A temporary output file, removed unless it is renamed into place.
struct TempFile {
    path: PathBuf,
    persisted: bool,
}

impl TempFile {
    /// Renames the file to `path`, atomically replacing what was there.
    fn persist(mut self, path: &Path) -> std::io::Result<()> {
        std::fs::rename(&self.path, path)?;
        self.persisted = true;
        Ok(())
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        if !self.persisted {
            let _ = std::fs::remove_file(&self.path);
        }
    }
}
