//! Failures of the compiler itself, as opposed to problems in the repository.

use std::path::PathBuf;

/// Something went wrong before the repository could be judged (exit code 2).
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
pub enum Error {
    /// The repository folder does not exist or is not a folder.
    #[error("repository `{}` not found or not a folder", path.display())]
    #[diagnostic(
        code(plotsql::repo::not_found),
        help("pass the folder that holds `plotsql.yaml` and `plots/`")
    )]
    RepoNotFound {
        /// The path given.
        path: PathBuf,
    },
    /// An I/O failure outside the repository's files (output file, canonicalisation).
    #[error("cannot access `{}`: {source}", path.display())]
    #[diagnostic(code(plotsql::io))]
    Io {
        /// The path concerned.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// A statement could not be built; a bug in plotsql.
    #[error("internal error: {0}")]
    #[diagnostic(
        code(plotsql::internal),
        help("please report this with the repository that caused it")
    )]
    Internal(String),
}
