//! Diagnostics: problems found in the user's repository.
//!
//! Every problem is a [`Diagnostic`] with a severity, a stable code, the file (relative to
//! the repository root, `/`-separated) and, where there is one, the byte span of the
//! offending value. The reader and the validator push them into a [`Diagnostics`] list and
//! carry on; the driver sorts the list by file and position and decides from it whether a
//! script may be written. The wording lives in the constructors of this module.

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

    /// Sorts by file, position, severity and code, so reports are stable.
    pub fn sort(&mut self) {
        self.items.sort_by(|a, b| {
            (&a.path, a.span.map(|s| s.start), a.severity, a.code, &a.message).cmp(&(
                &b.path,
                b.span.map(|s| s.start),
                b.severity,
                b.code,
                &b.message,
            ))
        });
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
