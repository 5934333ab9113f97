//! Loading one YAML file of the repository, with PyYAML's reader checks.

use crate::diagnostics::Diagnostic;
use crate::source::Span;
use crate::yaml::{self, Node, YamlWarning};

/// Loads `text` (the file `rel`); warnings go to `warnings`, a file that PyYAML would not
/// load is an error.
pub(crate) fn load(
    rel: &str,
    text: &str,
    warnings: &mut Vec<Diagnostic>,
) -> Result<Node, Diagnostic> {
    if let Some((pos, c)) = yaml::first_unprintable(text) {
        return Err(bad_character(
            rel,
            pos,
            c,
            format!(
                "`{rel}` contains the unprintable character U+{:04X}, which YAML does not allow",
                c as u32
            ),
        )
        .label("unprintable character")
        .help("remove the character, or write it as an escape inside a double-quoted string"));
    }
    // PyYAML's scanner takes NEL, LINE SEPARATOR and PARAGRAPH SEPARATOR for line breaks
    // (YAML 1.1); the YAML 1.2 parser does not, so the two would read different values.
    if let Some((pos, c)) = first_unicode_line_break(text) {
        return Err(bad_character(
            rel,
            pos,
            c,
            format!(
                "`{rel}` contains U+{:04X}, which YAML 1.1 reads as a line break, so its values would not load as written",
                c as u32
            ),
        )
        .label("Unicode line break")
        .help(format!("write it as the escape `\\u{:04X}` inside a double-quoted string, or use a plain newline", c as u32)));
    }
    match yaml::load(text) {
        Ok(doc) => {
            for w in doc.warnings {
                match w {
                    YamlWarning::DuplicateKey { key, first, second } => warnings.push(
                        Diagnostic::warning(
                            "plotsql::yaml::duplicate_key",
                            format!("key `{key}` is given twice; the last value wins"),
                        )
                        .in_file(rel.to_owned())
                        .at(second)
                        .label(format!(
                            "`{key}` again (first on line {})",
                            crate::source::line_col(text, first.start).0
                        ))
                        .help("remove one of the two entries"),
                    ),
                }
            }
            Ok(doc.root)
        }
        Err(e) => Err(Diagnostic::error(
            "plotsql::yaml::syntax",
            format!("`{rel}` does not load as YAML: {}", e.message),
        )
        .in_file(rel.to_owned())
        .at(e.span)
        .label(e.message)
        .help("fix the YAML; the Python job would silently drop this file's data")),
    }
}

/// The first NEL, LINE SEPARATOR or PARAGRAPH SEPARATOR in `text`, with its byte offset.
/// Scans bytes: their encodings start with `C2` or `E2`, which are rare in most text.
fn first_unicode_line_break(text: &str) -> Option<(usize, char)> {
    let bytes = text.as_bytes();
    memchr::memchr2_iter(0xc2, 0xe2, bytes).find_map(|at| {
        let c = text.get(at..)?.chars().next()?;
        matches!(c, '\u{85}' | '\u{2028}' | '\u{2029}').then_some((at, c))
    })
}

/// An error about character `c` at byte `pos` of `rel`, which YAML cannot take as written.
fn bad_character(rel: &str, pos: usize, c: char, message: String) -> Diagnostic {
    Diagnostic::error("plotsql::yaml::unprintable", message)
        .in_file(rel.to_owned())
        .at(Span::new(pos, pos + c.len_utf8()))
}
