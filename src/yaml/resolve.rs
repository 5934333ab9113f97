//! PyYAML's scalar typing: implicit resolution of plain scalars and the `SafeConstructor`
//! conversions, so that a value here is exactly what `yaml.safe_load` (PyYAML 6, YAML 1.1)
//! returns for the same text.
//!
//! The regular expressions are PyYAML's own (`resolver.py`, `constructor.py`), written out
//! without the verbose flag. Two Python details are reproduced on purpose:
//!
//! - the resolver looks at the candidates registered for the scalar's first character only,
//!   in registration order (bool, float, int, merge, null, timestamp, value, yaml);
//! - Python's `$` also matches just before a final `\n`, which matters for scalars resolved
//!   implicitly under the non-specific tag `!` (`! "12\n"` is the integer 12).
//!
//! The conversions follow `construct_yaml_int` / `construct_yaml_float` step by step (remove
//! `_`, take the sign off, pick the base, sum base-60 parts) on top of small emulations of
//! Python's `int(text, base)` and `float(text)`. Integers are `i128`: anything larger is an
//! error here although Python would carry on with a big integer.

use std::sync::LazyLock;

use regex::{Captures, Regex};

use super::{Date, DateTime, Value};

/// The prefix of the YAML core tags; `!!int` is `tag:yaml.org,2002:int`.
pub const CORE_TAG_PREFIX: &str = "tag:yaml.org,2002:";

/// The non-specific tag `!`: PyYAML resolves such a scalar as if it were plain, even when it
/// is quoted.
pub const NON_SPECIFIC_TAG: &str = "!";

/// A scalar after PyYAML's tag resolution and construction.
#[derive(Debug, Clone, PartialEq)]
pub enum Scalar {
    /// An ordinary value.
    Value(Value),
    /// `tag:yaml.org,2002:merge` (a plain `<<`): a merge as a mapping key; PyYAML has no
    /// constructor for it anywhere else, so it is an error there.
    Merge,
    /// `tag:yaml.org,2002:value` (a plain `=`): PyYAML turns it into a string when it is a
    /// mapping key (the text given) and has no constructor for it anywhere else.
    ValueKey(String),
}

/// The implicit tags of PyYAML's `Resolver`, in registration order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Implicit {
    Bool,
    Float,
    Int,
    Merge,
    Null,
    Timestamp,
    Value,
    Yaml,
}

/// Types a plain (unquoted, untagged) scalar as `yaml.safe_load` does.
///
/// `<<` and `=` are errors here: PyYAML only accepts them as mapping keys (see
/// [`resolve_implicit`] for the form the loader uses).
///
/// # Errors
/// The text matches an implicit type whose construction fails in PyYAML (`0b_`,
/// `2001-02-30`), an integer does not fit in `i128`, or the text is `<<` or `=`.
pub fn resolve_plain(text: &str) -> Result<Value, String> {
    match resolve_implicit(text)? {
        Scalar::Value(value) => Ok(value),
        Scalar::Merge => Err(no_constructor("merge")),
        Scalar::ValueKey(_) => Err(no_constructor("value")),
    }
}

/// Types a scalar by PyYAML's implicit resolvers: a plain scalar, or any scalar under the
/// non-specific tag `!`.
///
/// # Errors
/// As [`resolve_plain`], except that `<<` and `=` give [`Scalar::Merge`] and
/// [`Scalar::ValueKey`].
pub fn resolve_implicit(text: &str) -> Result<Scalar, String> {
    // The commonest typed scalars, without the regexes: what they would conclude.
    match text {
        "true" | "True" | "TRUE" => return Ok(Scalar::Value(Value::Bool(true))),
        "false" | "False" | "FALSE" => return Ok(Scalar::Value(Value::Bool(false))),
        "null" | "Null" | "NULL" | "~" | "" => return Ok(Scalar::Value(Value::Null)),
        _ => {}
    }
    // A decimal integer: digits, no leading zero (that would be octal).
    let digits = text.as_bytes();
    if !digits.is_empty()
        && digits.len() <= 18
        && digits.iter().all(u8::is_ascii_digit)
        && (digits.len() == 1 || digits.first() != Some(&b'0'))
        && let Ok(i) = text.parse::<i128>()
    {
        return Ok(Scalar::Value(Value::Int(i)));
    }
    resolve_by_rules(text)
}

/// [`resolve_implicit`] by PyYAML's regular expressions alone.
fn resolve_by_rules(text: &str) -> Result<Scalar, String> {
    match implicit_tag(text) {
        None => Ok(Scalar::Value(Value::Str(text.to_owned()))),
        Some(Implicit::Bool) => construct_bool(text).map(|b| Scalar::Value(Value::Bool(b))),
        Some(Implicit::Float) => construct_float(text).map(|f| Scalar::Value(Value::Float(f))),
        Some(Implicit::Int) => construct_int(text).map(|i| Scalar::Value(Value::Int(i))),
        Some(Implicit::Merge) => Ok(Scalar::Merge),
        Some(Implicit::Null) => Ok(Scalar::Value(Value::Null)),
        Some(Implicit::Timestamp) => construct_timestamp(text).map(Scalar::Value),
        Some(Implicit::Value) => Ok(Scalar::ValueKey(text.to_owned())),
        Some(Implicit::Yaml) => Err(no_constructor("yaml")),
    }
}

/// Constructs a scalar that carries an explicit tag, as PyYAML's `SafeConstructor` does.
///
/// `tag` is the resolved tag (`tag:yaml.org,2002:int` for `!!int`, `!foo` for a local tag,
/// `!` for the non-specific tag).
///
/// # Errors
/// The text does not convert (`!!int "x"`, `!!bool "maybe"`), the tag belongs to a
/// collection (`!!seq`, `!!map`), or the tag is one this crate does not support: every tag
/// but the core scalar ones, including those PyYAML can build but [`Value`] cannot hold
/// (`!!binary`, `!!set`, `!!omap`, `!!pairs`).
pub fn resolve_tagged(tag: &str, text: &str) -> Result<Scalar, String> {
    if tag == NON_SPECIFIC_TAG {
        return resolve_implicit(text);
    }
    let value = match tag.strip_prefix(CORE_TAG_PREFIX) {
        Some("str") => Value::Str(text.to_owned()),
        Some("null") => Value::Null,
        Some("bool") => Value::Bool(construct_bool(text)?),
        Some("int") => Value::Int(construct_int(text)?),
        Some("float") => Value::Float(construct_float(text)?),
        Some("timestamp") => construct_timestamp(text)?,
        Some("merge") => return Ok(Scalar::Merge),
        Some("value") => return Ok(Scalar::ValueKey(text.to_owned())),
        Some("seq") => return Err("expected a sequence node, but found scalar".to_owned()),
        Some("map") => return Err("expected a mapping node, but found scalar".to_owned()),
        _ => return Err(unsupported_tag(tag)),
    };
    Ok(Scalar::Value(value))
}

/// Checks the tag of a sequence (`mapping` false) or mapping (`mapping` true) as PyYAML's
/// `SafeConstructor` would: `!`, `!!seq` on a sequence and `!!map` on a mapping are fine.
///
/// # Errors
/// A scalar tag on a collection, the other collection's tag, or an unsupported tag
/// (`!!set`, `!!omap`, `!!pairs`, local tags, ...).
pub fn check_collection_tag(tag: &str, mapping: bool) -> Result<(), String> {
    let kind = if mapping { "mapping" } else { "sequence" };
    match tag.strip_prefix(CORE_TAG_PREFIX) {
        _ if tag == NON_SPECIFIC_TAG => Ok(()),
        Some("seq") if !mapping => Ok(()),
        Some("map") if mapping => Ok(()),
        Some("seq") => Err(format!("expected a sequence node, but found {kind}")),
        Some("map") => Err(format!("expected a mapping node, but found {kind}")),
        Some("str" | "null" | "bool" | "int" | "float" | "timestamp") => {
            Err(format!("expected a scalar node, but found {kind}"))
        }
        _ => Err(unsupported_tag(tag)),
    }
}

/// A tag written the short way when it is a core tag (`!!binary`).
fn unsupported_tag(tag: &str) -> String {
    match tag.strip_prefix(CORE_TAG_PREFIX) {
        Some(suffix) => format!("unsupported tag !!{suffix}"),
        None => format!("unsupported tag {tag}"),
    }
}

/// PyYAML's `ConstructorError` for a core tag it cannot construct.
pub(super) fn no_constructor(suffix: &str) -> String {
    format!("could not determine a constructor for the tag {CORE_TAG_PREFIX}{suffix}")
}

// ---------------------------------------------------------------------------------------
// Implicit resolution
// ---------------------------------------------------------------------------------------

/// A compiled pattern, or the compile error (which the tests would catch).
type Pattern = LazyLock<Result<Regex, regex::Error>>;

static BOOL: Pattern = LazyLock::new(|| {
    Regex::new(
        r"\A(?:yes|Yes|YES|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF)\z",
    )
});

static FLOAT: Pattern = LazyLock::new(|| {
    Regex::new(concat!(
        r"\A(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+][0-9]+)?",
        r"|\.[0-9][0-9_]*(?:[eE][-+][0-9]+)?",
        r"|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*",
        r"|[-+]?\.(?:inf|Inf|INF)",
        r"|\.(?:nan|NaN|NAN))\z",
    ))
});

static INT: Pattern = LazyLock::new(|| {
    Regex::new(concat!(
        r"\A(?:[-+]?0b[0-1_]+",
        r"|[-+]?0[0-7_]+",
        r"|[-+]?(?:0|[1-9][0-9_]*)",
        r"|[-+]?0x[0-9a-fA-F_]+",
        r"|[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+)\z",
    ))
});

static MERGE: Pattern = LazyLock::new(|| Regex::new(r"\A(?:<<)\z"));

static NULL: Pattern = LazyLock::new(|| Regex::new(r"\A(?:~|null|Null|NULL|)\z"));

/// The resolver's timestamp pattern: a bare date needs two-digit month and day, a datetime
/// does not.
static TIMESTAMP: Pattern = LazyLock::new(|| {
    Regex::new(concat!(
        r"\A(?:[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]",
        r"|[0-9][0-9][0-9][0-9]-[0-9][0-9]?-[0-9][0-9]?",
        r"(?:[Tt]|[ \t]+)[0-9][0-9]?",
        r":[0-9][0-9]:[0-9][0-9](?:\.[0-9]*)?",
        r"(?:[ \t]*(?:Z|[-+][0-9][0-9]?(?::[0-9][0-9])?))?)\z",
    ))
});

static VALUE: Pattern = LazyLock::new(|| Regex::new(r"\A(?:=)\z"));

/// Documentation-only in PyYAML: a plain scalar cannot be `!`, `&` or `*`, but a quoted
/// one under `!` can, and then there is no constructor for it.
static YAML: Pattern = LazyLock::new(|| Regex::new(r"\A(?:!|&|\*)\z"));

/// The constructor's own timestamp pattern (looser than the resolver's: `2001-1-1` is a
/// date under `!!timestamp`).
static TIMESTAMP_PARTS: Pattern = LazyLock::new(|| {
    Regex::new(concat!(
        r"\A(?P<year>[0-9][0-9][0-9][0-9])",
        r"-(?P<month>[0-9][0-9]?)",
        r"-(?P<day>[0-9][0-9]?)",
        r"(?:(?:[Tt]|[ \t]+)",
        r"(?P<hour>[0-9][0-9]?)",
        r":(?P<minute>[0-9][0-9])",
        r":(?P<second>[0-9][0-9])",
        r"(?:\.(?P<fraction>[0-9]*))?",
        r"(?:[ \t]*(?P<tz>Z|(?P<tz_sign>[-+])(?P<tz_hour>[0-9][0-9]?)",
        r"(?::(?P<tz_minute>[0-9][0-9]))?))?)?\z",
    ))
});

/// The candidates PyYAML registers for a first character (`None`: the empty scalar), in
/// registration order.
fn candidates(first: Option<char>) -> &'static [Implicit] {
    match first {
        None => &[Implicit::Null],
        Some('y' | 'Y' | 't' | 'T' | 'f' | 'F' | 'o' | 'O') => &[Implicit::Bool],
        Some('n' | 'N') => &[Implicit::Bool, Implicit::Null],
        Some('-' | '+') => &[Implicit::Float, Implicit::Int],
        Some('0'..='9') => &[Implicit::Float, Implicit::Int, Implicit::Timestamp],
        Some('.') => &[Implicit::Float],
        Some('<') => &[Implicit::Merge],
        Some('~') => &[Implicit::Null],
        Some('=') => &[Implicit::Value],
        Some('!' | '&' | '*') => &[Implicit::Yaml],
        Some(_) => &[],
    }
}

impl Implicit {
    /// The resolver's pattern for this tag.
    fn pattern(self) -> &'static Pattern {
        match self {
            Self::Bool => &BOOL,
            Self::Float => &FLOAT,
            Self::Int => &INT,
            Self::Merge => &MERGE,
            Self::Null => &NULL,
            Self::Timestamp => &TIMESTAMP,
            Self::Value => &VALUE,
            Self::Yaml => &YAML,
        }
    }
}

/// The implicit tag PyYAML's resolver gives `text`, or `None` for a plain string.
fn implicit_tag(text: &str) -> Option<Implicit> {
    // The only resolvers for a letter are bool and null, whose words are at most five
    // letters (six with Python's final newline): a longer text skips the regexes.
    if text.len() > 6 && text.as_bytes().first().is_some_and(u8::is_ascii_alphabetic) {
        return None;
    }
    candidates(text.chars().next())
        .iter()
        .copied()
        .find(|tag| py_matches(tag.pattern(), text))
}

/// `re.match(pattern, text)` for a pattern ending in `$`: Python's `$` also matches right
/// before a final newline.
fn py_matches(pattern: &Pattern, text: &str) -> bool {
    let Ok(re) = &**pattern else {
        return false;
    };
    re.is_match(text) || text.strip_suffix('\n').is_some_and(|t| re.is_match(t))
}

/// As [`py_matches`], returning the groups.
fn py_captures<'t>(pattern: &Pattern, text: &'t str) -> Option<Captures<'t>> {
    let Ok(re) = &**pattern else {
        return None;
    };
    re.captures(text)
        .or_else(|| text.strip_suffix('\n').and_then(|t| re.captures(t)))
}

// ---------------------------------------------------------------------------------------
// Constructors (SafeConstructor.construct_yaml_*)
// ---------------------------------------------------------------------------------------

/// `construct_yaml_bool`: a dictionary look-up of the lowercased text.
fn construct_bool(text: &str) -> Result<bool, String> {
    match text.to_lowercase().as_str() {
        "yes" | "true" | "on" => Ok(true),
        "no" | "false" | "off" => Ok(false),
        _ => Err(format!("invalid boolean {text:?}")),
    }
}

/// Splits PyYAML's way: `value[0] == '-'` gives the sign, a leading `+` or `-` is dropped.
/// An empty text is Python's `IndexError`.
fn split_sign(value: &str) -> Result<(bool, &str), String> {
    match value.chars().next() {
        None => Err("empty scalar where a number is expected".to_owned()),
        Some('-') => Ok((true, &value[1..])),
        Some('+') => Ok((false, &value[1..])),
        Some(_) => Ok((false, value)),
    }
}

/// `construct_yaml_int`.
fn construct_int(text: &str) -> Result<i128, String> {
    let cleaned = text.replace('_', "");
    let (negative, value) = split_sign(&cleaned)?;
    // Sign and magnitude until the end, so that -2^127 fits.
    let (inner_negative, magnitude) = if value == "0" {
        (false, 0)
    } else if let Some(digits) = value.strip_prefix("0b") {
        py_int(digits, 2)?
    } else if let Some(digits) = value.strip_prefix("0x") {
        py_int(digits, 16)?
    } else if value.starts_with('0') {
        py_int(value, 8)?
    } else if value.is_empty() {
        // `value[0] == '0'` on an empty string: Python's IndexError.
        return Err("empty scalar where a number is expected".to_owned());
    } else if value.contains(':') {
        let total = sexagesimal_int(value)?;
        (total < 0, total.unsigned_abs())
    } else {
        py_int(value, 10)?
    };
    signed(negative != inner_negative, magnitude)
}

/// Base 60 the way PyYAML sums it: least significant part first, the weight growing by 60.
fn sexagesimal_int(value: &str) -> Result<i128, String> {
    let mut total: i128 = 0;
    let mut weight: i128 = 1;
    for (i, part) in value.split(':').rev().enumerate() {
        let (negative, magnitude) = py_int(part, 10)?;
        let digit = signed(negative, magnitude)?;
        if i > 0 {
            // Grown only when used: Python's last `base *= 60` cannot overflow anything.
            weight = weight.checked_mul(60).ok_or_else(int_out_of_range)?;
        }
        total = digit
            .checked_mul(weight)
            .and_then(|term| total.checked_add(term))
            .ok_or_else(int_out_of_range)?;
    }
    Ok(total)
}

/// A sign and a magnitude as an `i128`, if it fits.
fn signed(negative: bool, magnitude: u128) -> Result<i128, String> {
    if negative {
        0i128
            .checked_sub_unsigned(magnitude)
            .ok_or_else(int_out_of_range)
    } else {
        i128::try_from(magnitude).map_err(|_| int_out_of_range())
    }
}

fn int_out_of_range() -> String {
    "integer out of range (beyond 128 bits)".to_owned()
}

/// Python's `str.isspace`: Unicode white space plus the ASCII separators 0x1c..0x1f.
fn is_py_space(c: char) -> bool {
    c.is_whitespace() || ('\u{1c}'..='\u{1f}').contains(&c)
}

/// CPython's `int(text, base)` for bases 2, 8, 10 and 16, as sign and magnitude:
/// surrounding white space, a sign, and for bases 2, 8 and 16 the matching `0b` / `0o` /
/// `0x` prefix are accepted. The callers have removed every `_` already. (Python also takes
/// non-ASCII decimal digits; this does not.)
fn py_int(text: &str, base: u32) -> Result<(bool, u128), String> {
    let invalid = || format!("invalid literal for int() with base {base}: {text:?}");
    let trimmed = text.trim_matches(is_py_space);
    let (negative, unsigned) = match trimmed.chars().next() {
        Some('-') => (true, &trimmed[1..]),
        Some('+') => (false, &trimmed[1..]),
        _ => (false, trimmed),
    };
    let prefix = match base {
        2 => Some(["0b", "0B"]),
        8 => Some(["0o", "0O"]),
        16 => Some(["0x", "0X"]),
        _ => None,
    };
    let digits = prefix
        .and_then(|[lower, upper]| {
            unsigned
                .strip_prefix(lower)
                .or_else(|| unsigned.strip_prefix(upper))
        })
        .unwrap_or(unsigned);
    if digits.is_empty() {
        return Err(invalid());
    }
    let mut magnitude: u128 = 0;
    for c in digits.chars() {
        let digit = c.to_digit(base).ok_or_else(invalid)?;
        magnitude = magnitude
            .checked_mul(u128::from(base))
            .and_then(|m| m.checked_add(u128::from(digit)))
            .ok_or_else(int_out_of_range)?;
    }
    Ok((negative, magnitude))
}

/// `construct_yaml_float`.
fn construct_float(text: &str) -> Result<f64, String> {
    let cleaned = text.replace('_', "").to_lowercase();
    let (negative, value) = split_sign(&cleaned)?;
    let sign = if negative { -1.0 } else { 1.0 };
    if value == ".inf" {
        Ok(sign * f64::INFINITY)
    } else if value == ".nan" {
        // PyYAML returns its NaN unsigned, whatever the sign.
        Ok(f64::NAN)
    } else if value.contains(':') {
        Ok(sign * sexagesimal_float(value)?)
    } else {
        Ok(sign * py_float(value)?)
    }
}

/// Base 60 for floats: `value += digit * base` with Python's exact integer `base` (60^k)
/// converted to a float at each step.
fn sexagesimal_float(value: &str) -> Result<f64, String> {
    let mut total = 0.0;
    for (k, part) in value.split(':').rev().enumerate() {
        total += py_float(part)? * power_of_60(k);
    }
    Ok(total)
}

/// 60^k correctly rounded to a float, as Python's `int * float` converts it: 60^k is
/// 15^k * 4^k, and 15^k is exact in a `u128` up to k = 32 (scaling by 4^k is exact).
fn power_of_60(k: usize) -> f64 {
    let mut fifteen: u128 = 1;
    let mut scale = 1.0_f64;
    let mut rest = 1.0_f64;
    for _ in 0..k {
        match fifteen.checked_mul(15) {
            Some(next) => fifteen = next,
            // Past 15^32 nobody writes such a scalar; keep going approximately.
            None => rest *= 15.0,
        }
        scale *= 4.0;
    }
    // `u128 as f64` rounds to nearest, which is what Python's int-to-float does.
    let exact = fifteen as f64;
    exact * scale * rest
}

/// CPython's `float(text)`: surrounding white space, a sign, decimal forms with an optional
/// exponent, `inf`, `infinity` and `nan` in any case. Rust's parser takes the same forms once
/// the white space is gone.
fn py_float(text: &str) -> Result<f64, String> {
    let trimmed = text.trim_matches(is_py_space);
    trimmed
        .parse::<f64>()
        .map_err(|_| format!("could not convert string to float: {text:?}"))
}

/// `construct_yaml_timestamp`: a `Date` without a time, else a `DateTime`, both checked as
/// Python's `datetime` checks them.
fn construct_timestamp(text: &str) -> Result<Value, String> {
    let caps =
        py_captures(&TIMESTAMP_PARTS, text).ok_or_else(|| format!("invalid timestamp {text:?}"))?;
    // Every group is ASCII digits of bounded length, so these cannot fail.
    let number = |name: &str| -> u32 {
        caps.name(name)
            .and_then(|m| m.as_str().parse().ok())
            .unwrap_or(0)
    };
    let date = make_date(number("year"), number("month"), number("day"))?;
    if caps.name("hour").is_none() {
        return Ok(Value::Date(date));
    }
    let (hour, minute, second) = (number("hour"), number("minute"), number("second"));
    if hour > 23 {
        return Err("hour must be in 0..23".to_owned());
    }
    if minute > 59 {
        return Err("minute must be in 0..59".to_owned());
    }
    if second > 59 {
        return Err("second must be in 0..59".to_owned());
    }
    // The fraction is cut or right-padded to six digits: microseconds.
    let microsecond = caps.name("fraction").map_or(0, |m| {
        m.as_str()
            .chars()
            .chain(std::iter::repeat('0'))
            .take(6)
            .filter_map(|c| c.to_digit(10))
            .fold(0, |acc, d| acc * 10 + d)
    });
    let offset_seconds = match caps.name("tz_sign") {
        Some(sign) => {
            let seconds = number("tz_hour") * 3600 + number("tz_minute") * 60;
            // datetime.timezone wants strictly less than a day either way.
            if seconds >= 86_400 {
                return Err(format!("invalid time zone offset in {text:?}"));
            }
            let seconds = i32::try_from(seconds).unwrap_or(0);
            Some(if sign.as_str() == "-" {
                -seconds
            } else {
                seconds
            })
        }
        None => caps.name("tz").map(|_| 0),
    };
    // The range checks above bound every field.
    let small = |n: u32| u8::try_from(n).unwrap_or(0);
    Ok(Value::DateTime(DateTime {
        date,
        hour: small(hour),
        minute: small(minute),
        second: small(second),
        microsecond,
        offset_seconds,
    }))
}

/// `datetime.date(year, month, day)` with its range checks.
fn make_date(year: u32, month: u32, day: u32) -> Result<Date, String> {
    if !(1..=9999).contains(&year) {
        return Err(format!("year {year} is out of range"));
    }
    if !(1..=12).contains(&month) {
        return Err("month must be in 1..12".to_owned());
    }
    let leap = year.is_multiple_of(4) && (!year.is_multiple_of(100) || year.is_multiple_of(400));
    let days = match month {
        2 if leap => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    };
    if !(1..=days).contains(&day) {
        return Err("day is out of range for month".to_owned());
    }
    Ok(Date {
        year: u16::try_from(year).unwrap_or(1),
        month: u8::try_from(month).unwrap_or(1),
        day: u8::try_from(day).unwrap_or(1),
    })
}

#[cfg(test)]
pub(crate) mod tests {

    //! The tables were generated from real PyYAML 6.0.3: each expected string is
    //! `repr(...)` of what PyYAML's resolver and `SafeConstructor` give for the text
    //! (`ERR` when they raise), and [`py_repr`] prints our values the same way.

    use super::*;

    #[test]
    fn shortcuts_conclude_what_the_rules_do() {
        let mut texts: Vec<String> = [
            "true",
            "True",
            "TRUE",
            "tRue",
            "false",
            "False",
            "FALSE",
            "null",
            "Null",
            "NULL",
            "nULL",
            "~",
            "",
            "0",
            "00",
            "01",
            "7",
            "10",
            "1_0",
            "+1",
            "-1",
            "0x1",
            "1.0",
            "1:2",
            "123456789012345678",
            "1234567890123456789",
            "99999999999999999999999",
            "08",
            "٣",
        ]
        .iter()
        .map(|s| (*s).to_owned())
        .collect();
        texts.extend((0..2000).map(|i| i.to_string()));
        texts.extend((0..200).map(|i| format!("0{i}")));
        for text in &texts {
            assert_eq!(
                super::resolve_implicit(text),
                super::resolve_by_rules(text),
                "{text:?}"
            );
        }
    }

    /// Python's `repr` of the value `yaml.safe_load` would return.
    pub(crate) fn py_repr(value: &Value) -> String {
        match value {
            Value::Null => "None".to_owned(),
            Value::Bool(true) => "True".to_owned(),
            Value::Bool(false) => "False".to_owned(),
            Value::Int(i) => i.to_string(),
            Value::Float(f) => float_repr(*f),
            Value::Str(s) => str_repr(s),
            Value::Date(d) => format!("datetime.date({}, {}, {})", d.year, d.month, d.day),
            Value::DateTime(dt) => datetime_repr(dt),
            Value::Seq(items) => {
                let items: Vec<String> = items.iter().map(|n| py_repr(&n.value)).collect();
                format!("[{}]", items.join(", "))
            }
            Value::Map(entries) => {
                let entries: Vec<String> = entries
                    .iter()
                    .map(|(k, v)| format!("{}: {}", py_repr(&k.value), py_repr(&v.value)))
                    .collect();
                format!("{{{}}}", entries.join(", "))
            }
        }
    }

    /// `repr(float)`: shortest round-trip digits, scientific below 1e-4 and from 1e16.
    fn float_repr(f: f64) -> String {
        if f.is_nan() {
            return "nan".to_owned();
        }
        if f.is_infinite() {
            return if f > 0.0 { "inf" } else { "-inf" }.to_owned();
        }
        let sci = format!("{f:e}");
        let (mantissa, exp) = sci.split_once('e').unwrap();
        let exp: i32 = exp.parse().unwrap();
        let (sign, mantissa) = match mantissa.strip_prefix('-') {
            Some(m) => ("-", m),
            None => ("", mantissa),
        };
        let digits: String = mantissa.chars().filter(|c| *c != '.').collect();
        if (-4..16).contains(&exp) {
            if exp >= 0 {
                let int_len = usize::try_from(exp).unwrap() + 1;
                if digits.len() <= int_len {
                    let zeros = "0".repeat(int_len - digits.len());
                    format!("{sign}{digits}{zeros}.0")
                } else {
                    format!("{sign}{}.{}", &digits[..int_len], &digits[int_len..])
                }
            } else {
                let zeros = "0".repeat(usize::try_from(-exp - 1).unwrap());
                format!("{sign}0.{zeros}{digits}")
            }
        } else {
            let mantissa = if digits.len() == 1 {
                digits.clone()
            } else {
                format!("{}.{}", &digits[..1], &digits[1..])
            };
            let exp_sign = if exp < 0 { '-' } else { '+' };
            format!("{sign}{mantissa}e{exp_sign}{:02}", exp.abs())
        }
    }

    /// `repr(str)` for the characters the tests use.
    fn str_repr(s: &str) -> String {
        let quote = if s.contains('\'') && !s.contains('"') {
            '"'
        } else {
            '\''
        };
        let mut out = String::from(quote);
        for c in s.chars() {
            match c {
                '\\' => out.push_str("\\\\"),
                '\n' => out.push_str("\\n"),
                '\r' => out.push_str("\\r"),
                '\t' => out.push_str("\\t"),
                c if c == quote => {
                    out.push('\\');
                    out.push(c);
                }
                c if c < ' ' || ('\u{7f}'..='\u{a0}').contains(&c) || c == '\u{ad}' => {
                    out.push_str(&format!("\\x{:02x}", u32::from(c)));
                }
                '\u{2028}' | '\u{2029}' | '\u{feff}' => {
                    out.push_str(&format!("\\u{:04x}", u32::from(c)));
                }
                c => out.push(c),
            }
        }
        out.push(quote);
        out
    }

    /// `repr(datetime)`: zero microseconds, then zero seconds, are left out.
    fn datetime_repr(dt: &DateTime) -> String {
        let d = dt.date;
        let mut fields = vec![
            u32::from(d.year),
            u32::from(d.month),
            u32::from(d.day),
            u32::from(dt.hour),
            u32::from(dt.minute),
            u32::from(dt.second),
            dt.microsecond,
        ];
        for _ in 0..2 {
            if fields.last() == Some(&0) {
                fields.pop();
            }
        }
        let fields: Vec<String> = fields.iter().map(u32::to_string).collect();
        let tz = match dt.offset_seconds {
            None => String::new(),
            Some(0) => ", tzinfo=datetime.timezone.utc".to_owned(),
            Some(offset) => {
                let days = offset.div_euclid(86_400);
                let seconds = offset.rem_euclid(86_400);
                let delta = match (days, seconds) {
                    (0, s) => format!("seconds={s}"),
                    (d, 0) => format!("days={d}"),
                    (d, s) => format!("days={d}, seconds={s}"),
                };
                format!(", tzinfo=datetime.timezone(datetime.timedelta({delta}))")
            }
        };
        format!("datetime.datetime({}{tz})", fields.join(", "))
    }

    fn outcome<T>(result: Result<T, String>, show: impl Fn(&T) -> String) -> String {
        match result {
            Ok(value) => show(&value),
            Err(_) => "ERR".to_owned(),
        }
    }

    /// Checks a table, except the inputs listed in `deviations` (input, our answer, why).
    fn check_table(
        table: &[(&str, &str)],
        deviations: &[(&str, &str, &str)],
        ours: impl Fn(&str) -> String,
    ) {
        let mut failures = Vec::new();
        for &(input, pyyaml) in table {
            let want = deviations
                .iter()
                .find(|d| d.0 == input)
                .map_or(pyyaml, |d| d.1);
            let got = ours(input);
            if got != want {
                failures.push(format!("{input:?}: got {got}, want {want}"));
            }
        }
        for deviation in deviations {
            let listed = table.iter().find(|&&(input, _)| input == deviation.0);
            assert!(
                listed.is_some_and(|&(_, pyyaml)| pyyaml != deviation.1),
                "deviation {:?} is not a PyYAML case that differs",
                deviation.0
            );
        }
        assert!(failures.is_empty(), "{}", failures.join("\n"));
    }

    /// Plain scalars: `repr` of PyYAML's resolver + `SafeConstructor`.
    const PLAIN: &[(&str, &str)] = &[
        // BEGIN PYYAML PLAIN
        ("~", "None"),
        ("null", "None"),
        ("Null", "None"),
        ("NULL", "None"),
        ("", "None"),
        ("nULL", "'nULL'"),
        ("NUll", "'NUll'"),
        ("none", "'none'"),
        ("None", "'None'"),
        ("nil", "'nil'"),
        ("yes", "True"),
        ("Yes", "True"),
        ("YES", "True"),
        ("no", "False"),
        ("No", "False"),
        ("NO", "False"),
        ("true", "True"),
        ("True", "True"),
        ("TRUE", "True"),
        ("false", "False"),
        ("False", "False"),
        ("FALSE", "False"),
        ("on", "True"),
        ("On", "True"),
        ("ON", "True"),
        ("off", "False"),
        ("Off", "False"),
        ("OFF", "False"),
        ("y", "'y'"),
        ("Y", "'Y'"),
        ("n", "'n'"),
        ("N", "'N'"),
        ("yES", "'yES'"),
        ("tRUE", "'tRUE'"),
        ("oN", "'oN'"),
        ("nO", "'nO'"),
        ("oFF", "'oFF'"),
        ("yes!", "'yes!'"),
        ("true1", "'true1'"),
        ("t", "'t'"),
        ("f", "'f'"),
        ("0", "0"),
        ("-0", "0"),
        ("+0", "0"),
        ("00", "0"),
        ("7", "7"),
        ("-7", "-7"),
        ("+7", "7"),
        ("12345", "12345"),
        ("1_000", "1000"),
        ("1__0", "10"),
        ("1_", "1"),
        ("_1", "'_1'"),
        ("-_1", "'-_1'"),
        ("0b101", "5"),
        ("-0b101", "-5"),
        ("+0b1", "1"),
        ("0b_1", "1"),
        ("0b_", "ERR"),
        ("0b2", "'0b2'"),
        ("0B1", "'0B1'"),
        ("0b", "'0b'"),
        ("0x1F", "31"),
        ("0x1f", "31"),
        ("-0x1F", "-31"),
        ("+0xff", "255"),
        ("0X1F", "'0X1F'"),
        ("0x_", "ERR"),
        ("0xg", "'0xg'"),
        ("0x1f_", "31"),
        ("0x", "'0x'"),
        ("017", "15"),
        ("-017", "-15"),
        ("+017", "15"),
        ("018", "'018'"),
        ("0_", "0"),
        ("0_7", "7"),
        ("00_17", "15"),
        ("0o17", "'0o17'"),
        ("0O17", "'0O17'"),
        ("1:30", "90"),
        ("-1:30", "-90"),
        ("+1:30", "90"),
        ("1:60", "'1:60'"),
        ("1:5", "65"),
        ("1:05:07", "3907"),
        ("1_0:30", "630"),
        ("1:_0", "'1:_0'"),
        ("0:30", "'0:30'"),
        ("190:20:30", "685230"),
        ("1::30", "'1::30'"),
        ("1:30:", "'1:30:'"),
        ("12abc", "'12abc'"),
        ("1,000", "'1,000'"),
        ("1e3", "'1e3'"),
        ("1E3", "'1E3'"),
        ("-1e3", "'-1e3'"),
        ("0e0", "'0e0'"),
        (
            "170141183460469231731687303715884105727",
            "170141183460469231731687303715884105727",
        ),
        (
            "-170141183460469231731687303715884105728",
            "-170141183460469231731687303715884105728",
        ),
        ("1.0", "1.0"),
        ("1.", "1.0"),
        ("-1.5", "-1.5"),
        ("+1.5", "1.5"),
        ("1.10", "1.1"),
        (".5", "0.5"),
        ("-.5", "'-.5'"),
        ("+.5", "'+.5'"),
        (".", "'.'"),
        ("-.", "'-.'"),
        ("1._", "1.0"),
        ("1_000.5", "1000.5"),
        ("1.0e+3", "1000.0"),
        ("1.0e3", "'1.0e3'"),
        ("1.0E-3", "0.001"),
        ("1.e+3", "1000.0"),
        ("1.0e+400", "inf"),
        ("1.0e-400", "0.0"),
        ("685.230_15e+03", "685230.15"),
        ("6.8523015e+5", "685230.15"),
        (".inf", "inf"),
        (".Inf", "inf"),
        (".INF", "inf"),
        ("-.inf", "-inf"),
        ("+.inf", "inf"),
        ("-.INF", "-inf"),
        (".iNf", "'.iNf'"),
        ("inf", "'inf'"),
        ("-inf", "'-inf'"),
        (".infinity", "'.infinity'"),
        (".nan", "nan"),
        (".NaN", "nan"),
        (".NAN", "nan"),
        ("-.nan", "'-.nan'"),
        ("+.nan", "'+.nan'"),
        (".nAn", "'.nAn'"),
        ("nan", "'nan'"),
        ("NaN", "'NaN'"),
        (".inf_", "'.inf_'"),
        ("1:30.5", "90.5"),
        ("-1:30.5", "-90.5"),
        ("190:20:30.15", "685230.15"),
        ("1:30.", "90.0"),
        ("0:30.5", "30.5"),
        ("0.0", "0.0"),
        ("-0.0", "-0.0"),
        ("3.14159", "3.14159"),
        ("0.1", "0.1"),
        ("100000000000000000.0", "1e+17"),
        ("0.00001", "1e-05"),
        ("1.5e+1_0", "'1.5e+1_0'"),
        (".5e+3", "500.0"),
        ("1.2.3", "'1.2.3'"),
        ("1..2", "'1..2'"),
        ("0x1.8", "'0x1.8'"),
        ("2001-12-14", "datetime.date(2001, 12, 14)"),
        ("2001-1-1", "'2001-1-1'"),
        ("2001-01-1", "'2001-01-1'"),
        (
            "2001-12-14t21:59:43.10-05:00",
            "datetime.datetime(2001, 12, 14, 21, 59, 43, 100000, tzinfo=datetime.timezone(datetime.timedelta(days=-1, seconds=68400)))",
        ),
        (
            "2001-12-14T21:59:43.10-05:00",
            "datetime.datetime(2001, 12, 14, 21, 59, 43, 100000, tzinfo=datetime.timezone(datetime.timedelta(days=-1, seconds=68400)))",
        ),
        (
            "2001-12-14 21:59:43.10 -5",
            "datetime.datetime(2001, 12, 14, 21, 59, 43, 100000, tzinfo=datetime.timezone(datetime.timedelta(days=-1, seconds=68400)))",
        ),
        (
            "2001-12-14\t21:59:43",
            "datetime.datetime(2001, 12, 14, 21, 59, 43)",
        ),
        (
            "2001-12-14 21:59:43.1234567Z",
            "datetime.datetime(2001, 12, 14, 21, 59, 43, 123456, tzinfo=datetime.timezone.utc)",
        ),
        (
            "2001-12-14T21:59:43",
            "datetime.datetime(2001, 12, 14, 21, 59, 43)",
        ),
        (
            "2001-12-14   21:59:43 Z",
            "datetime.datetime(2001, 12, 14, 21, 59, 43, tzinfo=datetime.timezone.utc)",
        ),
        (
            "2001-12-14 21:59:43Z",
            "datetime.datetime(2001, 12, 14, 21, 59, 43, tzinfo=datetime.timezone.utc)",
        ),
        ("2001-1-1 1:00:00", "datetime.datetime(2001, 1, 1, 1, 0)"),
        ("2001-1-1T1:00:00", "datetime.datetime(2001, 1, 1, 1, 0)"),
        ("2001-13-01", "ERR"),
        ("2001-00-10", "ERR"),
        ("2001-02-30", "ERR"),
        ("2000-02-29", "datetime.date(2000, 2, 29)"),
        ("1900-02-29", "ERR"),
        ("2004-02-29", "datetime.date(2004, 2, 29)"),
        ("2001-04-31", "ERR"),
        ("0000-01-01", "ERR"),
        ("0001-01-01", "datetime.date(1, 1, 1)"),
        ("9999-12-31", "datetime.date(9999, 12, 31)"),
        ("2001-01-00", "ERR"),
        (
            "2001-12-14 21:59:43 +05:30",
            "datetime.datetime(2001, 12, 14, 21, 59, 43, tzinfo=datetime.timezone(datetime.timedelta(seconds=19800)))",
        ),
        (
            "2001-12-14 21:59:43-8",
            "datetime.datetime(2001, 12, 14, 21, 59, 43, tzinfo=datetime.timezone(datetime.timedelta(days=-1, seconds=57600)))",
        ),
        (
            "2001-12-14T21:59:43.123+05:30",
            "datetime.datetime(2001, 12, 14, 21, 59, 43, 123000, tzinfo=datetime.timezone(datetime.timedelta(seconds=19800)))",
        ),
        (
            "2001-12-14 21:59:43.10",
            "datetime.datetime(2001, 12, 14, 21, 59, 43, 100000)",
        ),
        (
            "2001-12-14 21:59:43.",
            "datetime.datetime(2001, 12, 14, 21, 59, 43)",
        ),
        ("2001-01-01 24:00:00", "ERR"),
        ("2001-01-01 23:60:00", "ERR"),
        ("2001-01-01 23:59:60", "ERR"),
        ("2001-01-01 1:00:00+24", "ERR"),
        (
            "2001-01-01 1:00:00+23:59",
            "datetime.datetime(2001, 1, 1, 1, 0, tzinfo=datetime.timezone(datetime.timedelta(seconds=86340)))",
        ),
        (
            "2001-01-01 1:00:00-23:59",
            "datetime.datetime(2001, 1, 1, 1, 0, tzinfo=datetime.timezone(datetime.timedelta(days=-1, seconds=60)))",
        ),
        ("2001-01-01 1:00:00-23:60", "ERR"),
        (
            "2001-01-01 1:00:00+05:99",
            "datetime.datetime(2001, 1, 1, 1, 0, tzinfo=datetime.timezone(datetime.timedelta(seconds=23940)))",
        ),
        ("2001-01-01 1:00:00.", "datetime.datetime(2001, 1, 1, 1, 0)"),
        (
            "2001-01-01 1:00:00+5:30",
            "datetime.datetime(2001, 1, 1, 1, 0, tzinfo=datetime.timezone(datetime.timedelta(seconds=19800)))",
        ),
        (
            "2001-01-01 01:00:00 -00:00",
            "datetime.datetime(2001, 1, 1, 1, 0, tzinfo=datetime.timezone.utc)",
        ),
        (
            "2001-01-01 01:00:00 +00",
            "datetime.datetime(2001, 1, 1, 1, 0, tzinfo=datetime.timezone.utc)",
        ),
        ("2001-01-01T 1:00:00", "'2001-01-01T 1:00:00'"),
        ("2001-01-01 01:00:00 +0530", "'2001-01-01 01:00:00 +0530'"),
        (
            "2001-12-14 21:59:43.000001",
            "datetime.datetime(2001, 12, 14, 21, 59, 43, 1)",
        ),
        (
            "2001-12-14 21:59:43.5",
            "datetime.datetime(2001, 12, 14, 21, 59, 43, 500000)",
        ),
        (
            "2001-12-14 21:59:43.0000009",
            "datetime.datetime(2001, 12, 14, 21, 59, 43)",
        ),
        ("20011-01-01", "'20011-01-01'"),
        ("2001-01-01Z", "'2001-01-01Z'"),
        ("2001-01-01 1:00", "'2001-01-01 1:00'"),
        ("2001-01-01 100:00:00", "'2001-01-01 100:00:00'"),
        ("2001/01/01", "'2001/01/01'"),
        ("<<", "ERR"),
        ("=", "ERR"),
        ("<<<", "'<<<'"),
        ("==", "'=='"),
        ("<", "'<'"),
        ("!", "ERR"),
        ("&", "ERR"),
        ("*", "ERR"),
        (
            "170141183460469231731687303715884105728",
            "170141183460469231731687303715884105728",
        ),
        (
            "99999999999999999999999999999999999999999",
            "99999999999999999999999999999999999999999",
        ),
        (
            "-0b11111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111",
            "-340282366920938463463374607431768211455",
        ),
        (
            "1:0:0:0:0:0:0:0:0:0:0:0:0:0:0:0:0:0:0:0:0:0:0",
            "1316217038422671360000000000000000000000",
        ),
        ("hello", "'hello'"),
        ("a b", "'a b'"),
        ("12 34", "'12 34'"),
        ("-", "'-'"),
        ("+", "'+'"),
        ("é", "'é'"),
        ("1 000", "'1 000'"),
        ("- 1", "'- 1'"),
        ("0.5.", "'0.5.'"),
        ("TRUE!", "'TRUE!'"),
        ("~~", "'~~'"),
        ("null null", "'null null'"),
        // END PYYAML PLAIN
    ];

    /// Where this crate knowingly differs from PyYAML for a plain scalar.
    const PLAIN_DEVIATIONS: &[(&str, &str, &str)] = &[
        (
            "170141183460469231731687303715884105728",
            "ERR",
            "beyond i128",
        ),
        (
            "99999999999999999999999999999999999999999",
            "ERR",
            "beyond i128",
        ),
        (
            "-0b11111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111",
            "ERR",
            "beyond i128",
        ),
        (
            "1:0:0:0:0:0:0:0:0:0:0:0:0:0:0:0:0:0:0:0:0:0:0",
            "ERR",
            "beyond i128",
        ),
    ];

    #[test]
    fn plain_scalars_resolve_as_pyyaml() {
        check_table(PLAIN, PLAIN_DEVIATIONS, |text| {
            outcome(resolve_plain(text), py_repr)
        });
    }

    /// Explicitly tagged scalars: (tag, text, repr).
    const TAGGED: &[(&str, &str, &str)] = &[
        // BEGIN PYYAML TAGGED
        ("!!int", "0x1A", "26"),
        ("!!int", "0o17", "15"),
        ("!!int", "017", "15"),
        ("!!int", "08", "ERR"),
        ("!!int", " 12 ", "12"),
        ("!!int", "+-5", "-5"),
        ("!!int", "1:-30", "30"),
        ("!!int", "", "ERR"),
        ("!!int", "0B11", "ERR"),
        ("!!int", "0x 1F", "31"),
        ("!!int", " 0x1F", "ERR"),
        ("!!int", "1.5", "ERR"),
        ("!!int", "1_2_3", "123"),
        ("!!int", "-", "ERR"),
        ("!!int", "0x0x1f", "31"),
        ("!!int", "0b-101", "-5"),
        ("!!int", "1::2", "ERR"),
        ("!!int", "12\n", "12"),
        ("!!int", "0", "0"),
        ("!!int", "-0b", "ERR"),
        ("!!bool", "YeS", "True"),
        ("!!bool", "maybe", "ERR"),
        ("!!bool", "", "ERR"),
        ("!!bool", "on", "True"),
        ("!!bool", "OFF", "False"),
        ("!!bool", "y", "ERR"),
        ("!!bool", "True", "True"),
        ("!!bool", "1", "ERR"),
        ("!!null", "foo", "None"),
        ("!!null", "", "None"),
        ("!!float", "1e3", "1000.0"),
        ("!!float", "nan", "nan"),
        ("!!float", " 1.5 ", "1.5"),
        ("!!float", "1:30", "90.0"),
        ("!!float", "1_0", "10.0"),
        ("!!float", "-.inf", "-inf"),
        ("!!float", "infinity", "inf"),
        ("!!float", ".5e1", "5.0"),
        ("!!float", "", "ERR"),
        ("!!float", "abc", "ERR"),
        ("!!float", "-.NaN", "nan"),
        ("!!float", "+inf", "inf"),
        ("!!float", "1", "1.0"),
        ("!!timestamp", "2001-1-1", "datetime.date(2001, 1, 1)"),
        ("!!timestamp", "x", "ERR"),
        ("!!timestamp", "2001-01-01\n", "datetime.date(2001, 1, 1)"),
        (
            "!!timestamp",
            "2001-01-01 1:00:00 Z",
            "datetime.datetime(2001, 1, 1, 1, 0, tzinfo=datetime.timezone.utc)",
        ),
        ("!!timestamp", "2001-02-29", "ERR"),
        ("!!str", "12", "'12'"),
        ("!!str", "", "''"),
        ("!!str", "yes", "'yes'"),
        ("!", "12", "12"),
        ("!", "yes\n", "ERR"),
        ("!", "12\n", "12"),
        ("!", "1.5\n", "1.5"),
        ("!", "~\n", "None"),
        ("!", "abc", "'abc'"),
        ("!", "*", "ERR"),
        ("!", "<<", "ERR"),
        ("!!binary", "aGk=", "b'hi'"),
        (
            "!!int",
            "999999999999999999999999999999999999999999",
            "999999999999999999999999999999999999999999",
        ),
        ("!foo", "1", "ERR"),
        ("!!python/object:int", "1", "ERR"),
        ("!!seq", "a", "ERR"),
        ("!!map", "a", "ERR"),
        ("!!merge", "a", "ERR"),
        ("!!value", "a", "ERR"),
        // END PYYAML TAGGED
    ];

    /// Where this crate knowingly differs from PyYAML for a tagged scalar.
    const TAGGED_DEVIATIONS: &[(&str, &str, &str)] = &[
        ("!!binary aGk=", "ERR", "bytes have no Value"),
        (
            "!!int 999999999999999999999999999999999999999999",
            "ERR",
            "beyond i128",
        ),
    ];

    #[test]
    fn tagged_scalars_construct_as_pyyaml() {
        let keyed: Vec<(String, &str)> = TAGGED
            .iter()
            .map(|(tag, text, want)| (format!("{tag} {text}"), *want))
            .collect();
        let table: Vec<(&str, &str)> = keyed.iter().map(|(k, w)| (k.as_str(), *w)).collect();
        check_table(&table, TAGGED_DEVIATIONS, |key| {
            let (tag, text) = key.split_once(' ').unwrap();
            let tag = match tag.strip_prefix("!!") {
                Some(suffix) => format!("{CORE_TAG_PREFIX}{suffix}"),
                None => tag.to_owned(),
            };
            // As a node's value: `<<` and `=` only mean something as keys.
            outcome(resolve_tagged(&tag, text), |scalar| match scalar {
                Scalar::Value(value) => py_repr(value),
                Scalar::Merge | Scalar::ValueKey(_) => "ERR".to_owned(),
            })
        });
    }
}
