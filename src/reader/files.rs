//! Reading files and listing folders safely.
//!
//! Every file of the repository goes through [`read_text`]: a size limit before reading,
//! strict UTF-8 (the Python job reads with `encoding="utf-8"`), no NUL characters (PostgreSQL
//! rejects them in text), and universal newlines as Python's text mode applies them.
//! Folder listings come from [`list_dir`]: sorted by name as Python's `sorted()` sorts
//! strings, symbolic links followed only when they stay inside the repository.

use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};

use walkdir::WalkDir;

use crate::diagnostics::Diagnostic;
use crate::source::Span;

/// What a folder entry is, after following a link that stays inside the repository.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    File,
    Dir,
    Other,
}

/// One entry of a folder.
#[derive(Debug, Clone)]
pub(crate) struct Entry {
    pub(crate) name: String,
    pub(crate) path: PathBuf,
    pub(crate) kind: Kind,
}

/// Where the repository is and what may be read of it.
#[derive(Debug, Clone)]
pub(crate) struct Root {
    /// The repository folder as given.
    pub(crate) dir: PathBuf,
    /// Its canonical form, to tell whether a link leaves it.
    pub(crate) canonical: PathBuf,
    /// Largest file read, in bytes.
    pub(crate) max_file_size: u64,
}

impl Root {
    /// The path of `path` relative to the repository, `/`-separated, for diagnostics.
    pub(crate) fn relative(&self, path: &Path) -> String {
        let rel = path.strip_prefix(&self.dir).unwrap_or(path);
        let parts: Vec<String> = rel
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect();
        parts.join("/")
    }

    /// Follows a symbolic link: the kind of its target when it stays inside the repository,
    /// an error otherwise (a pull request must not publish `/etc/passwd`).
    fn link_kind(&self, path: &Path) -> Result<Kind, Diagnostic> {
        let rel = self.relative(path);
        let target = fs::canonicalize(path).map_err(|e| {
            Diagnostic::error(
                "plotsql::fs::broken_link",
                format!("symbolic link `{rel}` cannot be followed: {e}"),
            )
            .in_file(rel.clone())
            .at_name()
            .label("broken symbolic link")
            .help("remove the link or point it at a file inside the repository")
        })?;
        if !target.starts_with(&self.canonical) {
            return Err(Diagnostic::error(
                "plotsql::fs::link_outside",
                format!("symbolic link `{rel}` points outside the repository"),
            )
            .in_file(rel)
            .at_name()
            .label("symbolic link leaving the repository")
            .help("plotsql never reads files outside the repository; copy the file in instead"));
        }
        let meta = fs::metadata(&target).map_err(|e| io_diagnostic(&rel, &e))?;
        Ok(kind_of(&meta.file_type()))
    }

    /// What `path` is: file, folder, or other; links inside the repository are followed.
    pub(crate) fn kind(&self, path: &Path) -> Result<Option<Kind>, Diagnostic> {
        match fs::symlink_metadata(path) {
            Ok(meta) if meta.file_type().is_symlink() => self.link_kind(path).map(Some),
            Ok(meta) => Ok(Some(kind_of(&meta.file_type()))),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(io_diagnostic(&self.relative(path), &e)),
        }
    }
}

fn kind_of(ft: &fs::FileType) -> Kind {
    if ft.is_dir() {
        Kind::Dir
    } else if ft.is_file() {
        Kind::File
    } else {
        Kind::Other
    }
}

pub(crate) fn io_diagnostic(rel: &str, e: &std::io::Error) -> Diagnostic {
    Diagnostic::error(
        "plotsql::fs::unreadable",
        format!("cannot read `{rel}`: {e}"),
    )
    .in_file(rel.to_owned())
    .help("check the file's permissions and that it is a regular file")
}

/// The entries of `dir`, sorted by name. A name that is not UTF-8 is an error.
///
/// An entry that cannot be used (a name that is not UTF-8, a link leaving the repository or
/// one that cannot be followed) is left out and reported in the second list, so the rest of
/// the folder is still read and every problem is reported in one run.
pub(crate) fn list_dir(
    root: &Root,
    dir: &Path,
) -> Result<(Vec<Entry>, Vec<Diagnostic>), Diagnostic> {
    let mut out = Vec::new();
    let mut problems = Vec::new();
    let walker = WalkDir::new(dir)
        .min_depth(1)
        .max_depth(1)
        .follow_links(false)
        .sort_by_file_name();
    for item in walker {
        let item = item.map_err(|e| {
            let rel = root.relative(e.path().unwrap_or(dir));
            match e.io_error() {
                Some(io) => io_diagnostic(&rel, io),
                None => {
                    Diagnostic::error("plotsql::fs::unreadable", format!("cannot list `{rel}`"))
                        .in_file(rel)
                        .help("check the folder's permissions")
                }
            }
        })?;
        let Some(name) = item.file_name().to_str() else {
            let rel = root.relative(item.path());
            problems.push(
                Diagnostic::error(
                    "plotsql::fs::non_utf8_name",
                    format!("file name `{rel}` is not valid UTF-8"),
                )
                .in_file(rel)
                .at_name()
                .label("not UTF-8 (shown with U+FFFD)")
                .help("rename the file; plotsql stores names as UTF-8 text"),
            );
            continue;
        };
        let kind = if item.path_is_symlink() {
            match root.link_kind(item.path()) {
                Ok(kind) => kind,
                Err(d) => {
                    problems.push(d);
                    continue;
                }
            }
        } else {
            kind_of(&item.file_type())
        };
        out.push(Entry {
            name: name.to_owned(),
            path: item.path().to_path_buf(),
            kind,
        });
    }
    // walkdir sorts by OsStr; sort again by the UTF-8 text so the order is Python's
    // `sorted()` order on every platform.
    out.sort_by(|a, b| a.name.cmp(&b.name));
    Ok((out, problems))
}

/// Reads a file as text the way Python's `read_text(encoding="utf-8")` does, or explains
/// why it cannot be synced.
pub(crate) fn read_text(root: &Root, path: &Path) -> Result<String, Diagnostic> {
    let text = read_text_with_nul(root, path)?;
    check_no_nul(&root.relative(path), text)
}

/// [`read_text`] without the NUL check, for files of which only parts are stored (the
/// markdown: a NUL outside every extracted section reaches no column).
pub(crate) fn read_text_with_nul(root: &Root, path: &Path) -> Result<String, Diagnostic> {
    let rel = root.relative(path);
    let file = fs::File::open(path).map_err(|e| io_diagnostic(&rel, &e))?;
    let meta = file.metadata().map_err(|e| io_diagnostic(&rel, &e))?;
    if !meta.is_file() {
        return Err(Diagnostic::error(
            "plotsql::fs::not_a_file",
            format!("`{rel}` is not a regular file"),
        )
        .in_file(rel)
        .help("replace it with a regular file"));
    }
    if meta.len() > root.max_file_size {
        return Err(too_large(&rel, meta.len(), root.max_file_size));
    }
    let mut bytes = Vec::with_capacity(usize::try_from(meta.len()).unwrap_or(0));
    // Read one byte past the limit so a file that grows while we read is still caught.
    file.take(root.max_file_size + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| io_diagnostic(&rel, &e))?;
    if bytes.len() as u64 > root.max_file_size {
        return Err(too_large(&rel, bytes.len() as u64, root.max_file_size));
    }
    decode_utf8(&rel, bytes)
}

fn too_large(rel: &str, len: u64, limit: u64) -> Diagnostic {
    Diagnostic::error(
        "plotsql::fs::too_large",
        format!("`{rel}` is {len} bytes, over the limit of {limit} bytes"),
    )
    .in_file(rel.to_owned())
    .at_name()
    .label(format!("{len} bytes"))
    .help("raise the limit with `--max-file-size` if the file is meant to be this large")
}

/// UTF-8 decoding, the NUL check and universal newlines.
pub(crate) fn decode(rel: &str, bytes: Vec<u8>) -> Result<String, Diagnostic> {
    check_no_nul(rel, decode_utf8(rel, bytes)?)
}

/// UTF-8 decoding and universal newlines.
fn decode_utf8(rel: &str, bytes: Vec<u8>) -> Result<String, Diagnostic> {
    let text = match String::from_utf8(bytes) {
        Ok(text) => text,
        Err(e) => {
            let offset = e.utf8_error().valid_up_to();
            let bytes = e.as_bytes();
            let byte = bytes.get(offset).copied().unwrap_or(0);
            // The bytes before `offset` are valid, so the lossy text has the same offsets up to
            // there and its first U+FFFD stands for the invalid byte.
            let lossy = String::from_utf8_lossy(bytes).into_owned();
            let (line, col) = crate::source::line_col(&lossy, offset);
            return Err(Diagnostic::error(
                "plotsql::fs::invalid_utf8",
                format!(
                    "`{rel}` is not valid UTF-8: invalid byte 0x{byte:02x} at byte offset {offset} (line {line}, column {col})"
                ),
            )
            .in_file(rel.to_owned())
            .at(Span::new(offset, offset + '\u{fffd}'.len_utf8()))
            .label(format!("invalid byte 0x{byte:02x}"))
            .with_text(lossy)
            .help("save the file as UTF-8"));
        }
    };
    Ok(universal_newlines(text))
}

/// Rejects a text holding a NUL character, which PostgreSQL cannot store.
pub(crate) fn check_no_nul(rel: &str, text: String) -> Result<String, Diagnostic> {
    if let Some(pos) = memchr::memchr(0, text.as_bytes()) {
        return Err(Diagnostic::error(
            "plotsql::text::nul",
            format!("`{rel}` contains a NUL character, which PostgreSQL cannot store in text"),
        )
        .in_file(rel.to_owned())
        .at(Span::new(pos, pos + 1))
        .label("NUL character")
        .with_text(text)
        .help("remove the NUL byte from the file"));
    }
    Ok(text)
}

/// Python's universal newlines: `\r\n` and a lone `\r` become `\n`.
pub(crate) fn universal_newlines(text: String) -> String {
    if memchr::memchr(b'\r', text.as_bytes()).is_none() {
        return text;
    }
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\r' {
            if chars.peek() == Some(&'\n') {
                chars.next();
            }
            out.push('\n');
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn universal_newlines_turn_cr_and_crlf_into_lf() {
        assert_eq!(universal_newlines("a\r\nb\rc\n\r\n".into()), "a\nb\nc\n\n");
        assert_eq!(universal_newlines("\u{feff}x\r".into()), "\u{feff}x\n");
    }

    #[test]
    fn invalid_utf8_names_the_byte_offset() {
        let d = decode("x.py", b"ab\ncd\xffe".to_vec()).unwrap_err();
        assert_eq!(d.code, "plotsql::fs::invalid_utf8");
        assert!(d.message.contains("byte offset 5"), "{}", d.message);
        assert!(d.message.contains("line 2, column 3"), "{}", d.message);
    }

    #[test]
    fn nul_is_rejected_with_its_position() {
        let d = decode("x.py", b"ab\0".to_vec()).unwrap_err();
        assert_eq!(d.code, "plotsql::text::nul");
        assert_eq!(d.span, Some(Span::new(2, 3)));
    }
}
