//! Presenting diagnostics: miette's graphical report for people, JSON lines for tools,
//! GitHub workflow commands for pull-request annotations.

use std::fmt;

use miette::{GraphicalReportHandler, GraphicalTheme, LabeledSpan, NamedSource};

use crate::diagnostics::{Diagnostic, Diagnostics, Severity};
use crate::source::{Sources, line_col};

/// How diagnostics are printed (`--message-format`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum Format {
    /// A report with the offending source lines.
    #[default]
    Human,
    /// One JSON object per line.
    Json,
    /// `::error file=…,line=…,col=…::message` lines for GitHub Actions.
    Github,
}

/// Rendering settings.
#[derive(Debug, Clone, Copy)]
pub struct RenderOptions {
    /// Output format.
    pub format: Format,
    /// Use colour (human format only).
    pub color: bool,
    /// Wrap width (human format only).
    pub width: usize,
}

impl Default for RenderOptions {
    fn default() -> Self {
        Self { format: Format::Human, color: false, width: 100 }
    }
}

/// A diagnostic with its source, in the shape miette renders.
struct Report<'a> {
    d: &'a Diagnostic,
    source: Option<NamedSource<String>>,
}

impl fmt::Debug for Report<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.d.message)
    }
}

impl fmt::Display for Report<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.d.message)?;
        if self.source.is_none() {
            if let Some(path) = &self.d.path {
                write!(f, "\n  in {path}")?;
            }
        }
        Ok(())
    }
}

impl std::error::Error for Report<'_> {}

impl miette::Diagnostic for Report<'_> {
    fn code<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        Some(Box::new(self.d.code))
    }

    fn severity(&self) -> Option<miette::Severity> {
        Some(match self.d.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
        })
    }

    fn help<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        self.d.help.as_ref().map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        self.source.as_ref().map(|s| s as &dyn miette::SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        let span = self.d.span?;
        self.source.as_ref()?;
        Some(Box::new(std::iter::once(LabeledSpan::new(
            self.d.label.clone(),
            span.start,
            span.len(),
        ))))
    }
}

/// Line and column of a diagnostic, when it has a span and its source is known.
fn position(d: &Diagnostic, sources: &Sources) -> Option<(usize, usize)> {
    let span = d.span?;
    let text = sources.get(d.path.as_deref()?)?;
    Some(line_col(text, span.start))
}

/// Renders all diagnostics, then nothing else (the caller prints the summary).
#[must_use]
pub fn render(diagnostics: &Diagnostics, sources: &Sources, options: RenderOptions) -> String {
    let mut out = String::new();
    for d in diagnostics {
        match options.format {
            Format::Human => human(&mut out, d, sources, options),
            Format::Json => {
                let (line, column) = position(d, sources).map_or((None, None), |(l, c)| (Some(l), Some(c)));
                let value = serde_json::json!({
                    "code": d.code,
                    "severity": d.severity,
                    "message": d.message,
                    "file": d.path,
                    "line": line,
                    "column": column,
                    "help": d.help,
                });
                out.push_str(&value.to_string());
                out.push('\n');
            }
            Format::Github => {
                let kind = match d.severity {
                    Severity::Error => "error",
                    Severity::Warning => "warning",
                };
                let mut props = Vec::new();
                if let Some(path) = &d.path {
                    props.push(format!("file={}", gh_property(path)));
                }
                if let Some((line, col)) = position(d, sources) {
                    props.push(format!("line={line}"));
                    props.push(format!("col={col}"));
                }
                props.push(format!("title={}", gh_property(d.code)));
                let mut message = d.message.clone();
                if let Some(help) = &d.help {
                    message.push_str("\nhelp: ");
                    message.push_str(help);
                }
                out.push_str(&format!("::{kind} {}::{}\n", props.join(","), gh_data(&message)));
            }
        }
    }
    out
}

fn human(out: &mut String, d: &Diagnostic, sources: &Sources, options: RenderOptions) {
    let source = d.span.and(d.path.as_ref()).and_then(|path| {
        sources
            .get(path)
            .map(|text| NamedSource::new(path.clone(), text.to_owned()).with_language("yaml"))
    });
    let report = Report { d, source };
    let theme = if options.color { GraphicalTheme::unicode() } else { GraphicalTheme::unicode_nocolor() };
    let handler = GraphicalReportHandler::new_themed(theme).with_width(options.width);
    let mut text = String::new();
    if handler.render_report(&mut text, &report).is_err() {
        text = format!("{}: {}\n", d.severity, d.message);
    }
    out.push_str(&text);
    if !text.ends_with('\n') {
        out.push('\n');
    }
}

/// Escapes a GitHub workflow-command message.
fn gh_data(s: &str) -> String {
    s.replace('%', "%25").replace('\r', "%0D").replace('\n', "%0A")
}

/// Escapes a GitHub workflow-command property value.
fn gh_property(s: &str) -> String {
    gh_data(s).replace(':', "%3A").replace(',', "%2C")
}
