//! Presenting diagnostics: miette's graphical report for people, JSON lines for tools,
//! GitHub workflow commands for pull-request annotations.
//!
//! A diagnostic that points into a file's text shows the offending lines under a
//! `[path:line:column]` header. One about a file or folder as a whole, or about its name,
//! shows the path itself under a `[path]` header, with the offending part of it underlined
//! (the library id in an implementation's file name, a spec folder's name).

use std::fmt;

use miette::{GraphicalReportHandler, GraphicalTheme, LabeledSpan, NamedSource};

use crate::diagnostics::{Diagnostic, Diagnostics, Severity, name_span};
use crate::source::{Sources, Span, line_col};

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
        Self {
            format: Format::Human,
            color: false,
            width: 100,
        }
    }
}

/// What a diagnostic's report shows under its message.
enum Snippet<'a> {
    /// Bytes of the file's text.
    Text {
        path: &'a str,
        text: &'a str,
        span: Span,
    },
    /// Bytes of the path itself.
    Path { path: &'a str, span: Span },
    /// Nothing: the diagnostic is about the repository as a whole.
    None,
}

/// The text a diagnostic's `span` points into, when it is known.
fn text_of<'a>(d: &'a Diagnostic, sources: &'a Sources) -> Option<&'a str> {
    d.text
        .as_deref()
        .or_else(|| sources.get(d.path.as_deref()?))
}

fn snippet<'a>(d: &'a Diagnostic, sources: &'a Sources) -> Snippet<'a> {
    let Some(path) = d.path.as_deref() else {
        return Snippet::None;
    };
    if let (Some(span), Some(text)) = (d.span, text_of(d, sources)) {
        return Snippet::Text {
            path,
            text,
            span: fit(span, text),
        };
    }
    let span = d.path_span.unwrap_or_else(|| name_span(path));
    Snippet::Path {
        path,
        span: fit(span, path),
    }
}

/// `span` moved inside `text` and onto character boundaries, so every span can be shown.
fn fit(span: Span, text: &str) -> Span {
    let mut start = span.start.min(text.len());
    while !text.is_char_boundary(start) {
        start -= 1;
    }
    let mut end = span.end.clamp(start, text.len());
    while !text.is_char_boundary(end) {
        end += 1;
    }
    Span::new(start, end)
}

/// Line and column of a diagnostic, when it points into a text that is known.
fn position(d: &Diagnostic, sources: &Sources) -> Option<(usize, usize)> {
    match snippet(d, sources) {
        Snippet::Text { text, span, .. } => Some(line_col(text, span.start)),
        Snippet::Path { .. } | Snippet::None => None,
    }
}

/// Renders all diagnostics, then nothing else (the caller prints the summary).
#[must_use]
pub fn render(diagnostics: &Diagnostics, sources: &Sources, options: RenderOptions) -> String {
    let mut out = String::new();
    for d in diagnostics {
        match options.format {
            Format::Human => human(&mut out, d, sources, options),
            Format::Json => json(&mut out, d, sources),
            Format::Github => github(&mut out, d, sources),
        }
    }
    out
}

/// One JSON object on one line: `code`, `severity`, `message`, `file`, `line`, `column`
/// (1-based, in characters; null when the problem is with the file as a whole or its name),
/// `label` and `help`.
fn json(out: &mut String, d: &Diagnostic, sources: &Sources) {
    let (line, column) = position(d, sources).map_or((None, None), |(l, c)| (Some(l), Some(c)));
    let value = serde_json::json!({
        "code": d.code,
        "severity": d.severity,
        "message": d.message,
        "file": d.path,
        "line": line,
        "column": column,
        "label": d.label,
        "help": d.help,
    });
    out.push_str(&value.to_string());
    out.push('\n');
}

/// A GitHub workflow command: `::error file=…,line=…,col=…,title=<code>::message`.
fn github(out: &mut String, d: &Diagnostic, sources: &Sources) {
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
    out.push_str(&format!(
        "::{kind} {}::{}\n",
        props.join(","),
        gh_data(&message)
    ));
}

/// A diagnostic with its snippet, in the shape miette renders.
struct Report<'a> {
    d: &'a Diagnostic,
    source: Option<NamedSource<String>>,
    span: Option<Span>,
}

impl fmt::Debug for Report<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.d.message)
    }
}

impl fmt::Display for Report<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.d.message)
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
        self.d
            .help
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        self.source.as_ref().map(|s| s as &dyn miette::SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        let span = self.span?;
        self.source.as_ref()?;
        Some(Box::new(std::iter::once(LabeledSpan::new(
            self.d.label.clone(),
            span.start,
            span.len(),
        ))))
    }
}

fn human(out: &mut String, d: &Diagnostic, sources: &Sources, options: RenderOptions) {
    let theme = if options.color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    let mut handler = GraphicalReportHandler::new_themed(theme).with_width(options.width);
    let report = match snippet(d, sources) {
        Snippet::Text { path, text, span } => {
            let (text, span) = visible(text, span);
            Report {
                d,
                source: Some(NamedSource::new(path, text)),
                span: Some(span),
            }
        }
        Snippet::Path { path, span } => {
            // The header names the file without a line and column: the snippet is its path.
            handler = handler.without_primary_span_start();
            Report {
                d,
                source: Some(NamedSource::new(path, path.to_owned())),
                span: Some(span),
            }
        }
        Snippet::None => Report {
            d,
            source: None,
            span: None,
        },
    };
    let mut text = String::new();
    if handler.render_report(&mut text, &report).is_err() {
        text = format!("{}[{}]: {}\n", d.severity, d.code, d.message);
    }
    out.push_str(&text);
    if !text.ends_with('\n') {
        out.push('\n');
    }
    // A blank line between reports.
    out.push('\n');
}

/// `text` with its control characters (other than tab and line breaks) replaced by their
/// Unicode pictures (NUL becomes `␀`), so a report never writes them to the terminal; `span`
/// moves with the text.
fn visible(text: &str, span: Span) -> (String, Span) {
    let picture = |c: char| match c {
        '\t' | '\n' | '\r' => None,
        '\0'..='\u{1f}' => char::from_u32(0x2400 + u32::from(c)),
        '\u{7f}' => Some('\u{2421}'),
        _ => None,
    };
    if !text.chars().any(|c| picture(c).is_some()) {
        return (text.to_owned(), span);
    }
    let mut out = String::with_capacity(text.len() + 16);
    let (mut start, mut end) = (span.start, span.end);
    for (i, c) in text.char_indices() {
        if i == span.start {
            start = out.len();
        }
        if i == span.end {
            end = out.len();
        }
        out.push(picture(c).unwrap_or(c));
    }
    if span.start >= text.len() {
        start = out.len();
    }
    if span.end >= text.len() {
        end = out.len();
    }
    (out, Span::new(start, end))
}

/// Escapes a GitHub workflow-command message.
fn gh_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escapes a GitHub workflow-command property value.
fn gh_property(s: &str) -> String {
    gh_data(s).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fit_keeps_spans_inside_the_text_and_on_char_boundaries() {
        assert_eq!(fit(Span::new(1, 2), "é"), Span::new(0, 2));
        assert_eq!(fit(Span::new(5, 9), "abc"), Span::new(3, 3));
        assert_eq!(fit(Span::new(2, 1), "abc"), Span::new(2, 2));
    }

    #[test]
    fn control_characters_are_shown_as_pictures() {
        assert_eq!(
            visible("a\0b", Span::new(1, 2)),
            ("a\u{2400}b".to_owned(), Span::new(1, 4))
        );
        assert_eq!(
            visible("\u{7}x\ty", Span::new(1, 4)),
            ("\u{2407}x\ty".to_owned(), Span::new(3, 6))
        );
        assert_eq!(
            visible("plain", Span::new(0, 2)),
            ("plain".to_owned(), Span::new(0, 2))
        );
    }

    #[test]
    fn github_escapes_properties_and_data() {
        assert_eq!(gh_property("a:b,c%"), "a%3Ab%2Cc%25");
        assert_eq!(gh_data("x\ny\r"), "x%0Ay%0D");
    }

    #[test]
    fn a_name_problem_shows_the_path_without_line_and_column() {
        let mut list = Diagnostics::new();
        list.push(
            Diagnostic::warning("plotsql::test", "bad name")
                .in_file("plots/Bad")
                .at_name()
                .label("here"),
        );
        let text = render(&list, &Sources::new(), RenderOptions::default());
        assert!(text.contains("╭─[plots/Bad]"), "{text}");
        assert!(text.contains("1 │ plots/Bad"), "{text}");
        let json = render(
            &list,
            &Sources::new(),
            RenderOptions {
                format: Format::Json,
                ..RenderOptions::default()
            },
        );
        assert!(json.contains("\"line\":null"), "{json}");
    }
}
