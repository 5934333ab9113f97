//! Casting typed YAML values to column values, as the Python job's driver and PostgreSQL
//! would (REFERENCE §5, §7, §7a, §9).
//!
//! Each function takes the node (or `None` when the key is absent) and returns the column
//! value, or a [`Diagnostic`] without a file (the caller adds it). Warnings come back beside
//! the value, because the Python job carries on with a NULL there.

use crate::diagnostics::Diagnostic;
use crate::ir::{Json, JsonText, Timestamp, Verdict};
use crate::python;
use crate::source::Span;
use crate::yaml::{Date, DateTime, Node, Value};

/// Python's `a or b` on two optional nodes.
pub(crate) fn or<'a>(a: Option<&'a Node>, b: Option<&'a Node>) -> Option<&'a Node> {
    match a {
        Some(node) if node.value.is_truthy() => Some(node),
        _ => b,
    }
}

/// A short name of a value's kind for messages.
pub(crate) fn kind_name(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Int(_) => "an integer",
        Value::Float(_) => "a float",
        Value::Str(_) => "a string",
        Value::Date(_) => "a date",
        Value::DateTime(_) => "a datetime",
        Value::Seq(_) => "a list",
        Value::Map(_) => "a mapping",
    }
}

fn date_text(d: Date) -> String {
    format!("{:04}-{:02}-{:02}", d.year, d.month, d.day)
}

fn wrong_type(field: &str, node: &Node, expected: &str, help: &str) -> Diagnostic {
    Diagnostic::error(
        "plotsql::value::wrong_type",
        format!(
            "`{field}` must be {expected}, found {}",
            kind_name(&node.value)
        ),
    )
    .at(node.span)
    .label(format!("{} here", kind_name(&node.value)))
    .help(help.to_owned())
}

/// Rejects NUL characters, which PostgreSQL cannot store in text.
pub(crate) fn check_nul(field: &str, s: &str, span: Span) -> Result<(), Diagnostic> {
    if memchr::memchr(0, s.as_bytes()).is_some() {
        return Err(Diagnostic::error(
            "plotsql::text::nul",
            format!("`{field}` contains a NUL character, which PostgreSQL cannot store in text"),
        )
        .at(span)
        .label("contains \\0")
        .help("remove the NUL character (a `\\0` escape in a double-quoted string)"));
    }
    Ok(())
}

/// A text column: scalars are stored as PostgreSQL casts their literal (§7a).
pub(crate) fn text(field: &str, node: Option<&Node>) -> Result<Option<String>, Diagnostic> {
    let Some(node) = node else { return Ok(None) };
    scalar_text(field, node)
}

fn scalar_text(field: &str, node: &Node) -> Result<Option<String>, Diagnostic> {
    match &node.value {
        Value::Null => Ok(None),
        Value::Bool(b) => Ok(Some(if *b { "true" } else { "false" }.to_owned())),
        Value::Int(i) => Ok(Some(i.to_string())),
        // psycopg2 sends NaN as 'NaN'::float, which PostgreSQL casts to the text `NaN`.
        Value::Float(f) if f.is_nan() => Ok(Some("NaN".to_owned())),
        Value::Float(f) => {
            if let Some(text) = python::float_as_numeric_text(*f).filter(|_| f.abs() < 1e16) {
                return Ok(Some(text));
            }
            Err(Diagnostic::error(
                "plotsql::value::float_as_text",
                format!(
                    "`{field}` is the float {}, which has no faithful text form",
                    python::float_repr(*f)
                ),
            )
            .at(node.span)
            .label("float here")
            .help("quote the value so it is stored as written"))
        }
        Value::Str(s) => {
            check_nul(field, s, node.span)?;
            Ok(Some(s.clone()))
        }
        Value::Date(d) => Ok(Some(date_text(*d))),
        Value::DateTime(_) | Value::Seq(_) | Value::Map(_) => Err(wrong_type(
            field,
            node,
            "text",
            "quote the value so it is read as a string",
        )),
    }
}

/// A text column with a length limit in characters (`varchar(n)`).
pub(crate) fn text_max(
    field: &str,
    node: Option<&Node>,
    max: usize,
) -> Result<Option<String>, Diagnostic> {
    let mut value = text(field, node)?;
    if let (Some(s), Some(node)) = (&mut value, node) {
        fit_varchar(s, max);
        check_len(field, s, max, node.span)?;
    }
    Ok(value)
}

/// PostgreSQL's assignment to `varchar(max)`: a value whose characters past `max` are all
/// spaces is cut to `max` silently (anything else is an error, see [`check_len`]).
pub(crate) fn fit_varchar(s: &mut String, max: usize) {
    if let Some((cut, _)) = s.char_indices().nth(max)
        && s[cut..].bytes().all(|b| b == b' ')
    {
        s.truncate(cut);
    }
}

/// Rejects a text longer than `max` characters.
pub(crate) fn check_len(field: &str, s: &str, max: usize, span: Span) -> Result<(), Diagnostic> {
    let n = s.chars().count();
    if n > max {
        return Err(Diagnostic::error(
            "plotsql::value::too_long",
            format!("`{field}` is {n} characters long, over the column's limit of {max}"),
        )
        .at(span)
        .label(format!("{n} characters"))
        .help(format!("shorten it to at most {max} characters")));
    }
    Ok(())
}

/// An integer column (`integer` when `bits` is 32, `bigint` when 64).
pub(crate) fn integer(
    field: &str,
    node: Option<&Node>,
    bits: u32,
) -> Result<Option<i64>, Diagnostic> {
    let Some(node) = node else { return Ok(None) };
    let (min, max) = if bits == 32 {
        (i128::from(i32::MIN), i128::from(i32::MAX))
    } else {
        (i128::from(i64::MIN), i128::from(i64::MAX))
    };
    let kind = if bits == 32 {
        "a 32-bit integer"
    } else {
        "a 64-bit integer"
    };
    let value: i128 = match &node.value {
        Value::Null => return Ok(None),
        Value::Int(i) => *i,
        Value::Str(s) => match pg_integer_literal(s) {
            Some(i) => i,
            None => {
                return Err(Diagnostic::error(
                    "plotsql::value::not_an_integer",
                    format!("`{field}` must be {kind}, found the string {s:?}"),
                )
                .at(node.span)
                .label("not an integer")
                .help("write the number without quotes"));
            }
        },
        _ => {
            return Err(wrong_type(field, node, kind, "write a whole number"));
        }
    };
    if value < min || value > max {
        return Err(Diagnostic::error(
            "plotsql::value::integer_out_of_range",
            format!("`{field}` is {value}, out of range for {kind}"),
        )
        .at(node.span)
        .label("out of range")
        .help(format!("use a value between {min} and {max}")));
    }
    i64::try_from(value).map(Some).map_err(|_| {
        Diagnostic::error(
            "plotsql::value::integer_out_of_range",
            format!("`{field}` is out of range"),
        )
        .at(node.span)
    })
}

/// PostgreSQL 15's integer input: optional blanks, sign, decimal digits, optional blanks.
fn pg_integer_literal(s: &str) -> Option<i128> {
    let t = s.trim_matches(|c: char| matches!(c, ' ' | '\t' | '\n' | '\r' | '\x0b' | '\x0c'));
    let digits = t.strip_prefix(['+', '-']).unwrap_or(t);
    if digits.is_empty() || digits.len() > 30 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    t.parse::<i128>().ok()
}

/// The outcome of reading a timestamp: the value and, when Python would quietly store NULL
/// or drop an offset, a warning.
pub(crate) struct Read<T> {
    pub(crate) value: Option<T>,
    pub(crate) warning: Option<Diagnostic>,
}

fn naive(dt: &DateTime) -> Timestamp {
    Timestamp {
        year: dt.date.year,
        month: dt.date.month,
        day: dt.date.day,
        hour: dt.hour,
        minute: dt.minute,
        second: dt.second,
        microsecond: dt.microsecond,
    }
}

fn offset_dropped(field: &str, node: &Node, offset: i32) -> Diagnostic {
    let sign = if offset < 0 { '-' } else { '+' };
    let abs = offset.unsigned_abs();
    Diagnostic::warning(
        "plotsql::timestamp::offset_dropped",
        format!(
            "`{field}` has the offset {sign}{:02}:{:02}, which is dropped: the wall-clock time is stored as is",
            abs / 3600,
            abs % 3600 / 60
        ),
    )
    .at(node.span)
    .label("offset dropped")
    .help("write the time in UTC with a `Z` suffix")
}

/// A timestamp column (§7).
pub(crate) fn timestamp(field: &str, node: Option<&Node>) -> Read<Timestamp> {
    let Some(node) = node else {
        return Read {
            value: None,
            warning: None,
        };
    };
    let unreadable = |why: &str| {
        Diagnostic::warning(
            "plotsql::timestamp::unreadable",
            format!("`{field}` is not read as a timestamp ({why}); NULL is stored"),
        )
        .at(node.span)
        .label(why.to_owned())
        .help("write an ISO 8601 time in quotes, such as '2025-01-10T12:00:00Z'")
    };
    match &node.value {
        Value::Null => Read {
            value: None,
            warning: None,
        },
        Value::DateTime(dt) => Read {
            value: Some(naive(dt)),
            warning: dt
                .offset_seconds
                .filter(|&o| o != 0)
                .map(|o| offset_dropped(field, node, o)),
        },
        Value::Str(s) => match python::python_timestamp_from_str(s) {
            Some(dt) => Read {
                value: Some(naive(&dt)),
                warning: dt
                    .offset_seconds
                    .filter(|&o| o != 0)
                    .map(|o| offset_dropped(field, node, o)),
            },
            None => Read {
                value: None,
                warning: Some(unreadable("not an ISO 8601 time")),
            },
        },
        Value::Date(_) => Read {
            value: None,
            warning: Some(unreadable("an unquoted date is a date, not a time")),
        },
        other => Read {
            value: None,
            warning: Some(unreadable(kind_name(other))),
        },
    }
}

/// `quality_score`: Python's `float()`, then NaN and values outside 0..=100 become NULL.
pub(crate) fn quality_score(field: &str, node: Option<&Node>) -> Read<f64> {
    let Some(node) = node else {
        return Read {
            value: None,
            warning: None,
        };
    };
    let parsed: Result<f64, String> = match &node.value {
        Value::Null => {
            return Read {
                value: None,
                warning: None,
            };
        }
        Value::Bool(b) => Ok(if *b { 1.0 } else { 0.0 }),
        #[expect(
            clippy::cast_precision_loss,
            reason = "Python's float(int) rounds the same way"
        )]
        Value::Int(i) => Ok(*i as f64),
        Value::Float(f) => Ok(*f),
        Value::Str(s) => python::parse_float(s).ok_or_else(|| format!("{s:?} is not a number")),
        other => Err(format!("{} is not a number", kind_name(other))),
    };
    let warn = |why: String| {
        Diagnostic::warning(
            "plotsql::impl::invalid_quality_score",
            format!("`{field}` {why}; NULL is stored"),
        )
        .at(node.span)
        .label("invalid score")
        .help("use a number from 0 to 100")
    };
    match parsed {
        Ok(f) if f.is_nan() => Read {
            value: None,
            warning: Some(warn("is NaN".into())),
        },
        Ok(f) if !(0.0..=100.0).contains(&f) => Read {
            value: None,
            warning: Some(warn(format!(
                "is {}, outside 0..=100",
                python::float_repr(f)
            ))),
        },
        Ok(f) => Read {
            value: Some(f),
            warning: None,
        },
        Err(why) => Read {
            value: None,
            warning: Some(warn(why)),
        },
    }
}

/// `review_verdict`: APPROVED or REJECTED; another truthy value is NULL with a warning;
/// a falsy value other than null fails the database's check (an error).
pub(crate) fn verdict(field: &str, node: Option<&Node>) -> Result<Read<Verdict>, Diagnostic> {
    let Some(node) = node else {
        return Ok(Read {
            value: None,
            warning: None,
        });
    };
    match &node.value {
        Value::Null => Ok(Read {
            value: None,
            warning: None,
        }),
        Value::Str(s) if s == "APPROVED" => Ok(Read {
            value: Some(Verdict::Approved),
            warning: None,
        }),
        Value::Str(s) if s == "REJECTED" => Ok(Read {
            value: Some(Verdict::Rejected),
            warning: None,
        }),
        v if v.is_truthy() => Ok(Read {
            value: None,
            warning: Some(
                Diagnostic::warning(
                    "plotsql::impl::invalid_verdict",
                    format!("`{field}` must be APPROVED or REJECTED; NULL is stored"),
                )
                .at(node.span)
                .label("unknown verdict")
                .help("write APPROVED or REJECTED"),
            ),
        }),
        _ => Err(Diagnostic::error(
            "plotsql::impl::empty_verdict",
            format!(
                "`{field}` is {}, which the database's check constraint rejects",
                match &node.value {
                    Value::Str(_) => "the empty string",
                    Value::Bool(_) => "`false`",
                    Value::Int(_) | Value::Float(_) => "zero",
                    Value::Seq(_) => "an empty list",
                    Value::Map(_) => "an empty mapping",
                    other => kind_name(other),
                }
            ),
        )
        .at(node.span)
        .label("neither APPROVED nor REJECTED")
        .help("write APPROVED or REJECTED, or remove the key")),
    }
}

/// A `varchar[]` column read as `x or []`: a list of scalars, each cast like text.
pub(crate) fn text_list(
    field: &str,
    node: Option<&Node>,
) -> Result<Vec<Option<String>>, Diagnostic> {
    let Some(node) = node else {
        return Ok(Vec::new());
    };
    if !node.value.is_truthy() {
        return Ok(Vec::new());
    }
    let Value::Seq(items) = &node.value else {
        return Err(wrong_type(
            field,
            node,
            "a list",
            "write one `- item` per line; a single string would be stored as a list of its characters",
        ));
    };
    mixed_items(field, items)?;
    items
        .iter()
        .map(|item| match &item.value {
            Value::Seq(_) | Value::Map(_) => Err(Diagnostic::error(
                "plotsql::value::nested_list_item",
                format!(
                    "an item of `{field}` is {}, but items must be text",
                    kind_name(&item.value)
                ),
            )
            .at(item.span)
            .label("nested item")
            .help("write each item as one line of text")),
            _ => scalar_text(field, item),
        })
        .collect()
}

/// The Python job's driver sends a list as `ARRAY[...]`, which PostgreSQL gives one element
/// type: strings mixed with numbers fail there, and strings mixed with booleans or dates are
/// converted to them (`'yes'` becomes `true`). Such lists depend on the driver, so they are
/// an error; numbers of both kinds mix fine (they become `numeric`).
fn mixed_items(field: &str, items: &[Node]) -> Result<(), Diagnostic> {
    let class = |v: &Value| match v {
        Value::Str(_) => Some("strings"),
        Value::Int(_) | Value::Float(_) => Some("numbers"),
        Value::Bool(_) => Some("booleans"),
        Value::Date(_) => Some("dates"),
        _ => None,
    };
    let mut first: Option<(&str, &Node)> = None;
    for item in items {
        let Some(c) = class(&item.value) else {
            continue;
        };
        match first {
            None => first = Some((c, item)),
            Some((f, _)) if f == c => {}
            Some((f, _)) => {
                return Err(Diagnostic::error(
                    "plotsql::value::wrong_type",
                    format!("`{field}` mixes {f} and {c}, which the database cannot store as one list of text"),
                )
                .at(item.span)
                .label(format!("one of the {c}"))
                .help("quote every item so all of them are strings"));
            }
        }
    }
    Ok(())
}

/// How timestamps inside a JSON column are treated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum JsonMode {
    /// `tags`: datetimes become ISO strings, a bare date is an error.
    Tags,
    /// Other JSON columns: any date or datetime is an error (not JSON-serialisable).
    Strict,
}

/// A `jsonb` column: the value as parsed; `None` (SQL NULL) when absent or null.
pub(crate) fn json(
    field: &str,
    node: Option<&Node>,
    mode: JsonMode,
) -> Result<Option<JsonText>, Diagnostic> {
    match node {
        None => Ok(None),
        Some(n) if n.value == Value::Null => Ok(None),
        Some(n) => {
            let mut buf = String::new();
            write_json(field, n, mode, &mut buf, 1)?;
            Ok(Some(JsonText::from_rendered(buf)))
        }
    }
}

/// Renders `node` as [`JsonText`] renders [`to_json`]'s value, without building the value
/// (the same text and the same first error). A mapping with a key other than a string
/// could hold two keys `json.dumps` writes alike (`1` and `"1"`), so it goes through
/// [`to_json`], which merges them.
fn write_json(
    field: &str,
    node: &Node,
    mode: JsonMode,
    buf: &mut String,
    depth: usize,
) -> Result<(), Diagnostic> {
    match &node.value {
        Value::Null => buf.push_str("null"),
        Value::Bool(b) => buf.push_str(if *b { "true" } else { "false" }),
        Value::Int(i) => {
            use std::fmt::Write as _;
            let _ = write!(buf, "{i}");
        }
        Value::Str(s) => {
            check_nul(field, s, node.span)?;
            crate::ir::json_string(buf, s);
        }
        Value::Seq(items) => {
            crate::ir::write_json_members(buf, ('[', ']'), items, depth, |buf, item, d| {
                write_json(field, item, mode, buf, d)
            })?;
        }
        Value::Map(entries)
            if entries
                .iter()
                .all(|(k, _)| matches!(k.value, Value::Str(_))) =>
        {
            crate::ir::write_json_members(buf, ('{', '}'), entries, depth, |buf, (k, v), d| {
                write_json(field, k, mode, buf, d)?;
                buf.push_str(": ");
                write_json(field, v, mode, buf, d)
            })?;
        }
        _ => crate::ir::write_json(buf, &to_json(field, node, mode)?, depth),
    }
    Ok(())
}

/// [`json`] before rendering: the JSON value itself.
pub(crate) fn json_value(
    field: &str,
    node: Option<&Node>,
    mode: JsonMode,
) -> Result<Option<Json>, Diagnostic> {
    match node {
        None => Ok(None),
        Some(n) if n.value == Value::Null => Ok(None),
        Some(n) => to_json(field, n, mode).map(Some),
    }
}

fn not_serialisable(field: &str, node: &Node, what: &str, help: &str) -> Diagnostic {
    Diagnostic::error(
        "plotsql::json::not_serialisable",
        format!("`{field}` holds {what}, which cannot be stored as JSON"),
    )
    .at(node.span)
    .label(what.to_owned())
    .help(help.to_owned())
}

fn to_json(field: &str, node: &Node, mode: JsonMode) -> Result<Json, Diagnostic> {
    Ok(match &node.value {
        Value::Null => Json::Null,
        Value::Bool(b) => Json::Bool(*b),
        Value::Int(i) => Json::Number(i.to_string()),
        Value::Float(f) if f.is_finite() => Json::Number(python::float_repr(*f)),
        Value::Float(_) => {
            return Err(not_serialisable(
                field,
                node,
                "a NaN or infinite float",
                "quote the value",
            ));
        }
        Value::Str(s) => {
            check_nul(field, s, node.span)?;
            Json::String(s.clone())
        }
        Value::DateTime(dt) if mode == JsonMode::Tags => Json::String(python::isoformat(dt)),
        Value::Date(_) | Value::DateTime(_) => {
            return Err(not_serialisable(
                field,
                node,
                if matches!(node.value, Value::Date(_)) {
                    "a date"
                } else {
                    "a datetime"
                },
                "quote the value so it is stored as a string",
            ));
        }
        Value::Seq(items) => Json::Array(
            items
                .iter()
                .map(|i| to_json(field, i, mode))
                .collect::<Result<_, _>>()?,
        ),
        Value::Map(entries) => {
            let mut out: Vec<(String, Json)> = Vec::with_capacity(entries.len());
            for (k, v) in entries {
                let key = json_key(field, k)?;
                let value = to_json(field, v, mode)?;
                // Two keys that json.dumps writes alike (1 and "1"): jsonb keeps the last.
                if let Some(slot) = out.iter_mut().find(|(existing, _)| *existing == key) {
                    slot.1 = value;
                } else {
                    out.push((key, value));
                }
            }
            Json::Object(out)
        }
    })
}

/// A mapping key as `json.dumps` writes it.
fn json_key(field: &str, key: &Node) -> Result<String, Diagnostic> {
    Ok(match &key.value {
        Value::Str(s) => {
            check_nul(field, s, key.span)?;
            s.clone()
        }
        Value::Null => "null".to_owned(),
        Value::Bool(b) => if *b { "true" } else { "false" }.to_owned(),
        Value::Int(i) => i.to_string(),
        Value::Float(f) if f.is_nan() => "NaN".to_owned(),
        Value::Float(f) if f.is_infinite() => {
            if *f > 0.0 { "Infinity" } else { "-Infinity" }.to_owned()
        }
        Value::Float(f) => python::float_repr(*f),
        _ => {
            return Err(not_serialisable(
                field,
                key,
                &format!("{} as a key", kind_name(&key.value)),
                "quote the key",
            ));
        }
    })
}
