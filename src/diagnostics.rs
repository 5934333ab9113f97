//! Diagnostics: problems found in the user's repository.
//!
//! Every problem is a [`Diagnostic`] with a severity, a stable code, the file (relative to
//! the repository root, `/`-separated) and, where there is one, the byte span of the
//! offending value. The reader and the validator push them into a [`Diagnostics`] list and
//! carry on; the driver sorts the list by file and position and decides from it whether a
//! script may be written.
//!
//! A diagnostic points at one of three things:
//! - bytes of the file's text ([`Diagnostic::at`]): a value, a line, a character;
//! - bytes of the file's *path* ([`Diagnostic::at_name`], [`Diagnostic::at_name_prefix`]):
//!   a problem with a name rather than with content, such as a spec folder whose name breaks
//!   the naming rule or an implementation file naming an unknown library;
//! - the file as a whole (neither): a file too large to read, a missing catalog. It is then
//!   shown at its name, like the previous case.
//!
//! A file whose text cannot be kept (it is not valid UTF-8) can carry a lossy decoding of
//! itself ([`Diagnostic::with_text`]) so the report can still show the offending line.

use std::fmt;

use crate::source::Span;

/// How bad a diagnostic is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// The repository cannot be synced as it is; no script is written.
    Error,
    /// The Python job carries on here, and so does plotsql (an error under `--strict`).
    Warning,
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        })
    }
}

/// One problem in the repository.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// Error or warning.
    pub severity: Severity,
    /// Stable code, such as `plotsql::impl::unknown_library`.
    pub code: &'static str,
    /// What is wrong: lowercase, no final period, names in backticks.
    pub message: String,
    /// The file, relative to the repository root; `None` for the repository as a whole.
    pub path: Option<String>,
    /// The offending bytes of that file.
    pub span: Option<Span>,
    /// The offending bytes of `path` itself, for a problem with a name (no text to show).
    pub path_span: Option<Span>,
    /// The text `span` points into, when it is not among the repository's kept sources (a
    /// lossy decoding of a file that is not valid UTF-8).
    pub text: Option<String>,
    /// A short label shown under the span.
    pub label: Option<String>,
    /// How to fix it.
    pub help: Option<String>,
}

impl Diagnostic {
    fn new(severity: Severity, code: &'static str, message: impl Into<String>) -> Self {
        Self {
            severity,
            code,
            message: message.into(),
            path: None,
            span: None,
            path_span: None,
            text: None,
            label: None,
            help: None,
        }
    }

    /// An error with the given code and message.
    #[must_use]
    pub fn error(code: &'static str, message: impl Into<String>) -> Self {
        Self::new(Severity::Error, code, message)
    }

    /// A warning with the given code and message.
    #[must_use]
    pub fn warning(code: &'static str, message: impl Into<String>) -> Self {
        Self::new(Severity::Warning, code, message)
    }

    /// Names the file the problem is in.
    #[must_use]
    pub fn in_file(mut self, path: impl Into<String>) -> Self {
        self.path = Some(path.into());
        self
    }

    /// Points at the offending bytes.
    #[must_use]
    pub fn at(mut self, span: Span) -> Self {
        self.span = Some(span);
        self
    }

    /// Points at the offending bytes when they are known.
    #[must_use]
    pub fn at_opt(mut self, span: Option<Span>) -> Self {
        self.span = span;
        self
    }

    /// Points at the last component of the path (the file or folder name): for a problem
    /// with the name itself. Call after [`Diagnostic::in_file`]; without a path it does nothing.
    #[must_use]
    pub fn at_name(mut self) -> Self {
        self.path_span = self.path.as_deref().map(name_span);
        self
    }

    /// Points at the first `len` bytes of the path's last component (a library id in a file
    /// name, without the extension). Call after [`Diagnostic::in_file`].
    #[must_use]
    pub fn at_name_prefix(mut self, len: usize) -> Self {
        self.path_span = self.path.as_deref().map(|path| {
            let name = name_span(path);
            Span::new(name.start, name.start + len.min(name.len()))
        });
        self
    }

    /// Keeps the text `span` points into, for a file whose text is not kept otherwise.
    #[must_use]
    pub fn with_text(mut self, text: impl Into<String>) -> Self {
        self.text = Some(text.into());
        self
    }

    /// Labels the span.
    #[must_use]
    pub fn label(mut self, label: impl Into<String>) -> Self {
        self.label = Some(label.into());
        self
    }

    /// Says how to fix it.
    #[must_use]
    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// True for errors.
    #[must_use]
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

/// The bytes of the last `/`-separated component of `path`.
#[must_use]
pub fn name_span(path: &str) -> Span {
    let start = path.rfind('/').map_or(0, |i| i + 1);
    Span::new(start, path.len())
}

/// The diagnostics of one run, in the order they were found until [`Diagnostics::sort`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Diagnostics {
    items: Vec<Diagnostic>,
}

impl Diagnostics {
    /// An empty list.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds one.
    pub fn push(&mut self, diagnostic: Diagnostic) {
        self.items.push(diagnostic);
    }

    /// Adds all of another list.
    pub fn extend(&mut self, other: Diagnostics) {
        self.items.extend(other.items);
    }

    /// Sorts by file, position, severity and code, so reports are stable. Problems with the
    /// file as a whole or its name come before those inside its text.
    pub fn sort(&mut self) {
        fn key(d: &Diagnostic) -> (&Option<String>, Option<usize>, Severity, &str, &str) {
            (
                &d.path,
                d.span.map(|s| s.start),
                d.severity,
                d.code,
                &d.message,
            )
        }
        self.items.sort_by(|a, b| key(a).cmp(&key(b)));
    }

    /// Turns every warning into an error (`--strict`).
    pub fn make_strict(&mut self) {
        for d in &mut self.items {
            d.severity = Severity::Error;
        }
    }

    /// Number of errors.
    #[must_use]
    pub fn error_count(&self) -> usize {
        self.items.iter().filter(|d| d.is_error()).count()
    }

    /// Number of warnings.
    #[must_use]
    pub fn warning_count(&self) -> usize {
        self.items.len() - self.error_count()
    }

    /// True when at least one error was found.
    #[must_use]
    pub fn has_errors(&self) -> bool {
        self.items.iter().any(Diagnostic::is_error)
    }

    /// True when nothing was found.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// The diagnostics.
    #[must_use]
    pub fn as_slice(&self) -> &[Diagnostic] {
        &self.items
    }

    /// An iterator over the diagnostics.
    pub fn iter(&self) -> std::slice::Iter<'_, Diagnostic> {
        self.items.iter()
    }
}

impl<'a> IntoIterator for &'a Diagnostics {
    type Item = &'a Diagnostic;
    type IntoIter = std::slice::Iter<'a, Diagnostic>;
    fn into_iter(self) -> Self::IntoIter {
        self.items.iter()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn name_span_is_the_last_component() {
        assert_eq!(name_span("plots/a-b/impl.py"), Span::new(10, 17));
        assert_eq!(name_span("plotsql.yaml"), Span::new(0, 12));
    }

    #[test]
    fn at_name_needs_a_path() {
        let d = Diagnostic::error("plotsql::t", "m").at_name();
        assert_eq!(d.path_span, None);
        let d = Diagnostic::error("plotsql::t", "m")
            .in_file("plots/s/implementations/python/bokeh.py")
            .at_name_prefix(5);
        assert_eq!(d.path_span, Some(Span::new(31, 36)));
        let d = d.at_name_prefix(99);
        assert_eq!(d.path_span, Some(Span::new(31, 39)));
    }

    #[test]
    fn sort_puts_whole_file_problems_first_then_positions() {
        let mut list = Diagnostics::new();
        list.push(
            Diagnostic::warning("plotsql::b", "x")
                .in_file("b")
                .at(Span::new(5, 6)),
        );
        list.push(
            Diagnostic::error("plotsql::a", "x")
                .in_file("b")
                .at(Span::new(1, 2)),
        );
        list.push(Diagnostic::error("plotsql::c", "x").in_file("b").at_name());
        list.push(Diagnostic::error("plotsql::d", "x").in_file("a"));
        list.sort();
        let codes: Vec<_> = list.iter().map(|d| d.code).collect();
        assert_eq!(
            codes,
            ["plotsql::d", "plotsql::c", "plotsql::a", "plotsql::b"]
        );
        list.make_strict();
        assert_eq!(list.error_count(), 4);
        assert_eq!(list.warning_count(), 0);
    }
}
