//! Python semantics the sync job relied on, reproduced exactly.
//!
//! The job is Python: its regexes classify characters as `str.isspace()` and `\w` do, it reads
//! timestamp strings with `datetime.fromisoformat` (the C implementation), converts quality
//! scores with `float()`, formats datetimes with `isoformat()`, and hands floats to
//! Postgres as their `repr`. Each function here mirrors one of those, quirks included, so
//! that plotsql computes the values the job stored.
//!
//! The character tables come from Unicode 16.0.0, the database of Python 3.14 (the version
//! whose `fromisoformat` rolls `T24:00` over to the next day). They agree with Python 3.11
//! (Unicode 14.0.0) on every character that version knew: later versions only added
//! characters.

use std::fmt::Write as _;

use crate::yaml::{Date, DateTime};

/// Python 3's `str.isspace()`, which is also what `re`'s `\s` matches in a str pattern.
///
/// Unicode `White_Space` plus the ASCII separators `\x1c`..`\x1f`: Python
/// counts every character of bidirectional class WS, B or S, or category Zs.
#[must_use]
pub(crate) fn is_space(c: char) -> bool {
    matches!(
        c,
        '\t'..='\r'
            | '\x1c'..='\x1f'
            | ' '
            | '\u{85}'
            | '\u{a0}'
            | '\u{1680}'
            | '\u{2000}'..='\u{200a}'
            | '\u{2028}'
            | '\u{2029}'
            | '\u{202f}'
            | '\u{205f}'
            | '\u{3000}'
    )
}

/// Python `re`'s `\w` in a str pattern: `c.isalnum() or c == '_'`.
///
/// That is every character of general category L* or N*, plus `_`. Rust's
/// `char::is_alphanumeric` is not the same set (it includes the `Other_Alphabetic` marks,
/// category M*), hence the table.
#[must_use]
pub(crate) fn is_word(c: char) -> bool {
    // Nearly every character seen is ASCII: answer those without the table.
    if c.is_ascii() {
        return c.is_ascii_alphanumeric() || c == '_';
    }
    // The table lists the starts of alternating runs: outside, inside, outside, ...
    WORD_BOUNDARIES.partition_point(|&start| start <= u32::from(c)) % 2 == 1
}

/// Python's `str.strip()` with no argument: trims [`is_space`] characters at both ends.
#[must_use]
pub(crate) fn strip(s: &str) -> &str {
    s.trim_matches(is_space)
}

/// The value of a Unicode decimal digit (category Nd), as Python's `unicodedata.decimal`.
fn decimal_value(c: char) -> Option<u8> {
    let code = u32::from(c);
    // Unicode keeps each decimal digit set as ten consecutive code points, zero first.
    let index = DECIMAL_ZEROS.partition_point(|&zero| zero <= code);
    let zero = DECIMAL_ZEROS.get(index.checked_sub(1)?)?;
    u8::try_from(code - zero).ok().filter(|digit| *digit < 10)
}

// ---------------------------------------------------------------------------------------
// datetime.fromisoformat
// ---------------------------------------------------------------------------------------

/// The byte at `i`, or 0 past the end: the C parser walks a NUL-terminated buffer and its
/// checks rely on reading that terminator (an embedded NUL therefore also ends some checks).
fn at(b: &[u8], i: usize) -> u8 {
    b.get(i).copied().unwrap_or(0)
}

/// C's `parse_digits`: exactly `n` ASCII digits at `*p`, advancing `*p` past them.
fn parse_digits(b: &[u8], p: &mut usize, n: usize) -> Option<i32> {
    let mut value = 0;
    for _ in 0..n {
        let digit = at(b, *p).wrapping_sub(b'0');
        if digit > 9 {
            return None;
        }
        value = value * 10 + i32::from(digit);
        *p += 1;
    }
    Some(value)
}

/// C's `_find_isoformat_datetime_separator`: where the date ends, judged from bytes 4, 5,
/// 8 and 10 only (the separator itself may be any character). `None` is its `-1`, which
/// always makes the date parse fail.
fn separator_location(b: &[u8]) -> Option<usize> {
    let len = b.len();
    if len == 7 {
        return Some(7);
    }
    if at(b, 4) == b'-' {
        if at(b, 5) != b'W' {
            return Some(10); // YYYY-MM-DD
        }
        // YYYY-Www, YYYY-Www-D; `len >= 8` holds, as the caller saw seven characters.
        if len > 8 && at(b, 8) == b'-' {
            if len == 9 {
                return None;
            }
            // YYYY-Www-## is read as a hyphen separator followed by an hour.
            if len > 10 && at(b, 10).is_ascii_digit() {
                return Some(8);
            }
            return Some(10);
        }
        return Some(8);
    }
    if at(b, 4) == b'W' {
        // YYYYWww or YYYYWwwd: count the digits from index 7 on; time parts come in pairs.
        let mut idx = 7;
        while idx < len && at(b, idx).is_ascii_digit() {
            idx += 1;
        }
        if idx < 9 {
            return Some(idx);
        }
        return Some(if idx % 2 == 0 { 7 } else { 8 });
    }
    Some(8) // YYYYMMDD
}

/// C's `parse_isoformat_date` over the first `date_len` bytes: `(year, month, day)`, not
/// yet range-checked (the datetime constructor does that).
fn parse_date(b: &[u8], date_len: usize) -> Option<(i32, i32, i32)> {
    let mut p = 0;
    let year = parse_digits(b, &mut p, 4)?;
    let uses_separator = at(b, p) == b'-';
    if uses_separator {
        p += 1;
    }
    if at(b, p) == b'W' {
        p += 1;
        let week = parse_digits(b, &mut p, 2)?;
        let weekday = if p < date_len {
            if uses_separator {
                if at(b, p) != b'-' {
                    return None;
                }
                p += 1;
            }
            parse_digits(b, &mut p, 1)?
        } else {
            1
        };
        return iso_to_ymd(year, week, weekday);
    }
    let month = parse_digits(b, &mut p, 2)?;
    if uses_separator {
        if at(b, p) != b'-' {
            return None;
        }
        p += 1;
    }
    let day = parse_digits(b, &mut p, 2)?;
    Some((year, month, day))
}

fn is_leap(year: i32) -> bool {
    year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
}

/// Days in `month` as C's `_days_in_month` table reads it: index 0 (month `00`) holds 0.
fn days_in_month(year: i32, month: i32) -> i32 {
    match month {
        2 if is_leap(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        1..=12 => 31,
        _ => 0,
    }
}

/// Days before January 1st of `year` (`year >= 1`).
fn days_before_year(year: i32) -> i32 {
    let y = year - 1;
    y * 365 + y / 4 - y / 100 + y / 400
}

/// Proleptic Gregorian ordinal of January 1st of `year`, 0001-01-01 being 1.
fn ordinal_of_jan1(year: i32) -> i32 {
    days_before_year(year) + 1
}

/// Ordinal (>= 1) to `(year, month, day)`, as C's `ord_to_ymd`; the year may come out as
/// 10000, which the range check then rejects.
fn ord_to_ymd(ordinal: i32) -> (i32, i32, i32) {
    const DI400Y: i32 = 146_097;
    const DI100Y: i32 = 36_524;
    const DI4Y: i32 = 1_461;
    let n = ordinal - 1;
    let (n400, n) = (n / DI400Y, n % DI400Y);
    let (n100, n) = (n / DI100Y, n % DI100Y);
    let (n4, n) = (n / DI4Y, n % DI4Y);
    let (n1, mut n) = (n / 365, n % 365);
    let year = n400 * 400 + 1 + n100 * 100 + n4 * 4 + n1;
    if n1 == 4 || n100 == 4 {
        return (year - 1, 12, 31);
    }
    let mut month = 1;
    loop {
        let dim = days_in_month(year, month);
        if n < dim || month == 12 {
            break;
        }
        n -= dim;
        month += 1;
    }
    (year, month, n + 1)
}

/// C's `iso_to_ymd`: an ISO week date to a calendar date.
fn iso_to_ymd(year: i32, week: i32, weekday: i32) -> Option<(i32, i32, i32)> {
    // The C code mis-computes weekdays for year 0, but every year-0 week date still ends
    // in an invalid date there; rejecting it here gives the same outcome.
    if year < 1 {
        return None;
    }
    // 0 is Monday.
    let jan1_weekday = (ordinal_of_jan1(year) + 6) % 7;
    if week <= 0 || week >= 53 {
        // ISO years that start on a Thursday, or leap years starting on a Wednesday,
        // have a week 53.
        let has_week_53 = jan1_weekday == 3 || (jan1_weekday == 2 && is_leap(year));
        if week != 53 || !has_week_53 {
            return None;
        }
    }
    if !(1..=7).contains(&weekday) {
        return None;
    }
    let mut week1_monday = ordinal_of_jan1(year) - jan1_weekday;
    if jan1_weekday > 3 {
        week1_monday += 7;
    }
    Some(ord_to_ymd(week1_monday + (week - 1) * 7 + weekday - 1))
}

/// Hours, minutes, seconds and microseconds as parsed, not yet range-checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
struct Clock {
    hour: i32,
    minute: i32,
    second: i32,
    microsecond: i32,
}

/// C's `parse_hh_mm_ss_ff` over `b[start..end]`: `HH[:?MM[:?SS]]` then an optional
/// fraction after `.` or `,` (digits past the sixth are skipped). The flag is C's return
/// value 1: something other than the end of the string follows. Callers ignore it when a
/// UTC offset follows, which is why `10:+05:00` or `10:00:00.123456abc+05:00` are accepted.
fn parse_hh_mm_ss_ff(b: &[u8], start: usize, end: usize) -> Option<(Clock, bool)> {
    let mut values = [0; 3];
    let mut p = start;
    let mut has_separator = true;
    for (i, value) in values.iter_mut().enumerate() {
        *value = parse_digits(b, &mut p, 2)?;
        let c = at(b, p);
        p += 1;
        if i == 0 {
            has_separator = c == b':';
        }
        if p >= end {
            let [hour, minute, second] = values;
            let clock = Clock {
                hour,
                minute,
                second,
                microsecond: 0,
            };
            return Some((clock, c != 0));
        } else if has_separator && c == b':' {
            // Also after the seconds: `10:00:00:5` reads as `10:00:00.5`.
        } else if c == b'.' || c == b',' {
            break;
        } else if !has_separator {
            p -= 1;
        } else {
            return None;
        }
    }
    let [hour, minute, second] = values;
    // `p < end` here: each path that leaves the loop without returning keeps it so.
    let to_parse = end.saturating_sub(p).min(6);
    let mut microsecond = parse_digits(b, &mut p, to_parse)?;
    for _ in to_parse..6 {
        microsecond *= 10;
    }
    while at(b, p).is_ascii_digit() {
        p += 1;
    }
    let clock = Clock {
        hour,
        minute,
        second,
        microsecond,
    };
    Some((clock, at(b, p) != 0))
}

/// C's `parse_isoformat_time` from `start` to the end: the clock and, when there is a UTC
/// offset, `(seconds, microseconds)`, both carrying the offset's sign.
fn parse_time(b: &[u8], start: usize) -> Option<(Clock, Option<(i32, i32)>)> {
    let end = b.len();
    // The offset starts at the first `Z`, `+` or `-` (a do-while: position `start` is
    // looked at even when the time is empty).
    let mut tz = start;
    loop {
        if matches!(at(b, tz), b'Z' | b'+' | b'-') {
            break;
        }
        tz += 1;
        if tz >= end {
            break;
        }
    }
    let (clock, more) = parse_hh_mm_ss_ff(b, start, tz)?;
    if tz == end {
        return if more { None } else { Some((clock, None)) };
    }
    if at(b, tz) == b'Z' {
        return if at(b, tz + 1) == 0 {
            Some((clock, Some((0, 0))))
        } else {
            None
        };
    }
    let sign = if at(b, tz) == b'-' { -1 } else { 1 };
    let (offset, more) = parse_hh_mm_ss_ff(b, tz + 1, end)?;
    if more {
        return None;
    }
    // Hours and minutes are not range-checked: `+05:99` is 6:39.
    let seconds = offset.hour * 3600 + offset.minute * 60 + offset.second;
    Some((clock, Some((sign * seconds, sign * offset.microsecond))))
}

/// Python's `datetime.fromisoformat(s)`, C implementation of Python 3.14.
///
/// Accepts `YYYY-MM-DD`, `YYYYMMDD`, `YYYY-Www[-D]`, `YYYYWww[D]`, then any one character
/// as separator and a time `HH[:MM[:SS[.f...]]]` (or the basic forms without colons, `,`
/// as decimal mark) with an optional `Z` or `±HH[:MM[:SS[.ffffff]]]` offset, which must lie
/// strictly within ±24 hours. An hour of 24 with zero minutes, seconds and microseconds
/// is midnight of the next day. `None` where Python raises.
///
/// A sub-second part of the offset is dropped from `offset_seconds` (truncating toward
/// zero); an offset of `±00:00:00.ffffff` is UTC, as in Python. Callers only use the
/// offset to know the value is aware.
#[must_use]
pub(crate) fn fromisoformat(s: &str) -> Option<DateTime> {
    // "All valid ISO 8601 strings are at least 7 characters long" (code points).
    if s.chars().count() < 7 {
        return None;
    }
    let b = s.as_bytes();
    let separator = separator_location(b)?;
    let (mut year, mut month, mut day) = parse_date(b, separator)?;
    let (mut clock, offset) = if b.len() > separator {
        // Skip the separator, one UTF-8 character whose width its lead byte tells.
        let lead = at(b, separator);
        let width = if lead & 0x80 == 0 {
            1
        } else {
            match lead & 0xf0 {
                0xe0 => 3,
                0xf0 => 4,
                _ => 2,
            }
        };
        parse_time(b, separator + width)?
    } else {
        (Clock::default(), None)
    };
    let offset_seconds = match offset {
        None => None,
        // A zero whole-second part gives `timezone.utc`, whatever the microseconds.
        Some((0, _)) => Some(0),
        Some((seconds, micros)) => {
            let total = i64::from(seconds) * 1_000_000 + i64::from(micros);
            if total.abs() >= 86_400_000_000 {
                return None;
            }
            Some(seconds)
        }
    };
    // Python 3.14: `24:00` is midnight of the next day, when the date is otherwise valid
    // (month `00` passes this check, as in C, and day `00` is rolled to day 1).
    if clock.hour == 24 && month <= 12 {
        let dim = days_in_month(year, month);
        if day <= dim {
            if clock.minute != 0 || clock.second != 0 || clock.microsecond != 0 {
                return None;
            }
            clock.hour = 0;
            day += 1;
            if day > dim {
                day = 1;
                month += 1;
                if month > 12 {
                    month = 1;
                    year += 1;
                }
            }
        }
    }
    if !(1..=12).contains(&month) || day < 1 || day > days_in_month(year, month) {
        return None;
    }
    Some(DateTime {
        date: Date {
            year: u16::try_from(year)
                .ok()
                .filter(|y| (1..=9999).contains(y))?,
            month: u8::try_from(month).ok()?,
            day: u8::try_from(day).ok()?,
        },
        hour: u8::try_from(clock.hour).ok().filter(|h| *h <= 23)?,
        minute: u8::try_from(clock.minute).ok().filter(|m| *m <= 59)?,
        second: u8::try_from(clock.second).ok().filter(|s| *s <= 59)?,
        microsecond: u32::try_from(clock.microsecond).ok()?,
        offset_seconds,
    })
}

/// How the job read a timestamp string: `datetime.fromisoformat(s.replace("Z", "+00:00"))`
/// (every `Z`, wherever it stands), `None` where that raises.
#[must_use]
pub(crate) fn python_timestamp_from_str(s: &str) -> Option<DateTime> {
    if s.contains('Z') {
        fromisoformat(&s.replace('Z', "+00:00"))
    } else {
        fromisoformat(s)
    }
}

/// Python's `datetime.isoformat()`: `YYYY-MM-DDTHH:MM:SS`, then `.ffffff` when the
/// microsecond is not zero, then the offset as `±HH:MM`, with `:SS` when it has seconds.
#[must_use]
pub(crate) fn isoformat(dt: &DateTime) -> String {
    let mut out = format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}",
        dt.date.year, dt.date.month, dt.date.day, dt.hour, dt.minute, dt.second
    );
    // Writing to a String cannot fail.
    if dt.microsecond != 0 {
        let _ = write!(out, ".{:06}", dt.microsecond);
    }
    if let Some(offset) = dt.offset_seconds {
        let sign = if offset < 0 { '-' } else { '+' };
        let abs = offset.unsigned_abs();
        let _ = write!(out, "{sign}{:02}:{:02}", abs / 3600, abs / 60 % 60);
        if abs % 60 != 0 {
            let _ = write!(out, ":{:02}", abs % 60);
        }
    }
    out
}

// ---------------------------------------------------------------------------------------
// float() and repr(float)
// ---------------------------------------------------------------------------------------

/// Python's `float(s)` for a str: `None` where it raises `ValueError`.
///
/// Python first turns every non-ASCII whitespace into a space and every Unicode decimal
/// digit into its ASCII digit (so `float("٣.٥")` is 3.5), then allows `_` only between
/// digits (PEP 515), trims ASCII whitespace only (so `\x1c`, which `isspace()` accepts, is
/// refused), and reads `[sign](digits[.digits]|.digits)[e[sign]digits]`, `inf`, `infinity`
/// or `nan` in any case. Out-of-range values give ±inf or ±0.0, as in Python.
#[must_use]
pub(crate) fn parse_float(s: &str) -> Option<f64> {
    let mut ascii = Vec::with_capacity(s.len());
    for c in s.chars() {
        let byte = if u32::from(c) < 127 {
            // Below 127, so it fits.
            u8::try_from(c).ok()?
        } else if is_space(c) {
            b' '
        } else {
            b'0' + decimal_value(c)?
        };
        // An embedded NUL stops C's scan before the end: never a number.
        if byte == 0 {
            return None;
        }
        ascii.push(byte);
    }
    // C's `_Py_string_to_number_with_underscores` runs before the trim.
    if ascii.contains(&b'_') {
        ascii = without_underscores(&ascii)?;
    }
    // C's `Py_ISSPACE`: unlike `u8::is_ascii_whitespace`, it includes `\x0b`.
    let is_c_space = |c: &u8| matches!(c, b' ' | b'\t'..=b'\r');
    let start = ascii
        .iter()
        .position(|c| !is_c_space(c))
        .unwrap_or(ascii.len());
    let end = ascii
        .iter()
        .rposition(|c| !is_c_space(c))
        .map_or(start, |i| i + 1);
    let text = &ascii[start..end.max(start)];
    let (negative, body) = match text.split_first() {
        Some((b'-', rest)) => (true, rest),
        Some((b'+', rest)) => (false, rest),
        _ => (false, text),
    };
    if body.eq_ignore_ascii_case(b"inf") || body.eq_ignore_ascii_case(b"infinity") {
        return Some(if negative {
            f64::NEG_INFINITY
        } else {
            f64::INFINITY
        });
    }
    if body.eq_ignore_ascii_case(b"nan") {
        return Some(if negative { -f64::NAN } else { f64::NAN });
    }
    if !is_decimal_literal(body) {
        return None;
    }
    // The grammar is checked; Rust's parser rounds correctly, as Python's dtoa does.
    std::str::from_utf8(text).ok()?.parse().ok()
}

/// PEP 515 as `float()` applies it to the whole (transformed) text, spaces included: each
/// `_` must stand between two ASCII digits. Returns the text without underscores.
fn without_underscores(text: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(text.len());
    let mut prev = 0u8;
    for &c in text {
        if c == b'_' {
            if !prev.is_ascii_digit() {
                return None;
            }
        } else {
            if prev == b'_' && !c.is_ascii_digit() {
                return None;
            }
            out.push(c);
        }
        prev = c;
    }
    (prev != b'_').then_some(out)
}

/// `(digits[.digits*]|.digits)([eE][+-]?digits)?`, the whole of `body`.
fn is_decimal_literal(body: &[u8]) -> bool {
    let count_digits = |from: usize| {
        body[from..]
            .iter()
            .take_while(|c| c.is_ascii_digit())
            .count()
    };
    let mut i = count_digits(0);
    let mut mantissa_digits = i;
    if body.get(i) == Some(&b'.') {
        let fraction = count_digits(i + 1);
        mantissa_digits += fraction;
        i += 1 + fraction;
    }
    if mantissa_digits == 0 {
        return false;
    }
    if matches!(body.get(i), Some(b'e' | b'E')) {
        let mut j = i + 1;
        if matches!(body.get(j), Some(b'+' | b'-')) {
            j += 1;
        }
        let exponent = count_digits(j);
        if exponent == 0 {
            return false;
        }
        i = j + exponent;
    }
    i == body.len()
}

/// The shortest round-trip decimal digits of `|f|` (finite) and the decimal point position:
/// `|f| = 0.DIGITS × 10^point`. Zero gives `("0", 1)`.
///
/// Python's repr picks, among the shortest digit strings that read back as `f`, the one
/// closest to `f`'s exact value, and on an exact tie the one whose last digit is even.
/// Rust's `{:e}` finds the same length but rounds such ties up (`2103260574098809.25` →
/// `…809.3` where Python prints `…809.2`), so the correctly rounded string of that length
/// (`{:.N$e}`, which rounds half to even) is preferred whenever it reads back as `f`.
fn shortest_digits(f: f64) -> (String, i32) {
    let magnitude = f.abs();
    let shortest = split_exponent(&format!("{magnitude:e}"));
    let precision = shortest.0.len().saturating_sub(1);
    let nearest_text = format!("{magnitude:.precision$e}");
    if nearest_text.parse::<f64>() == Ok(magnitude) {
        let (mut digits, point) = split_exponent(&nearest_text);
        // Never longer than the shortest, so trailing zeros cannot occur; trim regardless.
        while digits.len() > 1 && digits.ends_with('0') {
            digits.pop();
        }
        return (digits, point);
    }
    shortest
}

/// `d.ddde±x` (Rust's `{:e}`) to its digits and decimal point position (`x + 1`).
fn split_exponent(text: &str) -> (String, i32) {
    let (mantissa, exponent) = text.split_once('e').unwrap_or((text, "0"));
    let digits = mantissa.chars().filter(char::is_ascii_digit).collect();
    (digits, exponent.parse::<i32>().unwrap_or(0) + 1)
}

/// `digits` with the decimal point at `point` (as [`shortest_digits`]) in positional
/// notation, with `scale` digits after the point (none when `scale` is 0). `scale` is at
/// least the number of fraction digits `digits` needs.
fn positional(digits: &str, point: i32, scale: usize) -> String {
    let shift = usize::try_from(point.unsigned_abs()).unwrap_or(usize::MAX);
    let mut out = String::with_capacity(digits.len() + shift + scale + 2);
    let (zeros_before, fraction) = if point > 0 {
        let split = shift.min(digits.len());
        out.push_str(&digits[..split]);
        out.extend(std::iter::repeat_n('0', shift - split));
        (0, &digits[split..])
    } else {
        out.push('0');
        (shift, digits)
    };
    if scale > 0 {
        out.push('.');
        out.extend(std::iter::repeat_n('0', zeros_before));
        out.push_str(fraction);
        let written = zeros_before + fraction.len();
        out.extend(std::iter::repeat_n('0', scale.saturating_sub(written)));
    }
    out
}

/// Number of digits after the point `digits` needs when the point is at `point`.
fn fraction_digits(digits: &str, point: i32) -> usize {
    let n = i64::try_from(digits.len()).unwrap_or(i64::MAX);
    usize::try_from(n - i64::from(point)).unwrap_or(0)
}

/// Python's `repr(f)`: the shortest digits that read back as `f`, positional when
/// `1e-4 <= |f| < 1e16` (with `.0` for integral values), else `1e+16`, `1.5e-05` style;
/// `inf`, `-inf`, `nan`, `-0.0`.
#[must_use]
pub(crate) fn float_repr(f: f64) -> String {
    if f.is_nan() {
        return "nan".to_owned();
    }
    let sign = if f.is_sign_negative() { "-" } else { "" };
    if f.is_infinite() {
        return format!("{sign}inf");
    }
    let (digits, point) = shortest_digits(f);
    // Python's rule: exponent notation when the point falls outside (-4, 16].
    if -4 < point && point <= 16 {
        let scale = fraction_digits(&digits, point).max(1);
        return format!("{sign}{}", positional(&digits, point, scale));
    }
    let exponent = point - 1;
    let exponent_sign = if exponent < 0 { '-' } else { '+' };
    let (first, rest) = digits.split_at(1.min(digits.len()));
    let dot = if rest.is_empty() { "" } else { "." };
    format!(
        "{sign}{first}{dot}{rest}e{exponent_sign}{:02}",
        exponent.unsigned_abs()
    )
}

/// The text Postgres shows for `repr(f)` read as a `numeric` and cast to text, which is
/// how the job's driver stored a float in a text column: positional, with as many fraction
/// digits as the repr had after its point less its exponent (`1.0` → `1.0`, `1e-05` →
/// `0.00001`, `1e+16` → `10000000000000000`). A numeric has no negative zero: `-0.0` →
/// `0.0`. `None` for NaN and infinities (Postgres would show `NaN`, `Infinity`): the
/// caller rejects those before they reach a column.
#[must_use]
pub(crate) fn float_as_numeric_text(f: f64) -> Option<String> {
    if !f.is_finite() {
        return None;
    }
    if f == 0.0 {
        return Some("0.0".to_owned());
    }
    let sign = if f < 0.0 { "-" } else { "" };
    let (digits, point) = shortest_digits(f);
    let needed = fraction_digits(&digits, point);
    // numeric keeps the scale the repr shows: its fraction digits when positional (so at
    // least the `.0`), else the mantissa's fraction digits less the exponent, at least 0.
    // Either way that is the digits the value needs, plus the `.0` when positional.
    let scale = if -4 < point && point <= 16 {
        needed.max(1)
    } else {
        needed
    };
    Some(format!("{sign}{}", positional(&digits, point, scale)))
}

// ---------------------------------------------------------------------------------------
// Unicode 16.0.0 tables (Python 3.14's database), generated with `unicodedata2` 16.0.0 and
// checked against Python 3.11, 3.12 and 3.13 on the characters each of them knows.
// ---------------------------------------------------------------------------------------

/// Where runs of `\w` characters start and end: code points from each even index up to the
/// next odd one (exclusive) are word characters (general category L* or N*, or `_`).
const WORD_BOUNDARIES: [u32; 1542] = [
    0x0030, 0x003A, 0x0041, 0x005B, 0x005F, 0x0060, 0x0061, 0x007B, 0x00AA, 0x00AB, 0x00B2, 0x00B4,
    0x00B5, 0x00B6, 0x00B9, 0x00BB, 0x00BC, 0x00BF, 0x00C0, 0x00D7, 0x00D8, 0x00F7, 0x00F8, 0x02C2,
    0x02C6, 0x02D2, 0x02E0, 0x02E5, 0x02EC, 0x02ED, 0x02EE, 0x02EF, 0x0370, 0x0375, 0x0376, 0x0378,
    0x037A, 0x037E, 0x037F, 0x0380, 0x0386, 0x0387, 0x0388, 0x038B, 0x038C, 0x038D, 0x038E, 0x03A2,
    0x03A3, 0x03F6, 0x03F7, 0x0482, 0x048A, 0x0530, 0x0531, 0x0557, 0x0559, 0x055A, 0x0560, 0x0589,
    0x05D0, 0x05EB, 0x05EF, 0x05F3, 0x0620, 0x064B, 0x0660, 0x066A, 0x066E, 0x0670, 0x0671, 0x06D4,
    0x06D5, 0x06D6, 0x06E5, 0x06E7, 0x06EE, 0x06FD, 0x06FF, 0x0700, 0x0710, 0x0711, 0x0712, 0x0730,
    0x074D, 0x07A6, 0x07B1, 0x07B2, 0x07C0, 0x07EB, 0x07F4, 0x07F6, 0x07FA, 0x07FB, 0x0800, 0x0816,
    0x081A, 0x081B, 0x0824, 0x0825, 0x0828, 0x0829, 0x0840, 0x0859, 0x0860, 0x086B, 0x0870, 0x0888,
    0x0889, 0x088F, 0x08A0, 0x08CA, 0x0904, 0x093A, 0x093D, 0x093E, 0x0950, 0x0951, 0x0958, 0x0962,
    0x0966, 0x0970, 0x0971, 0x0981, 0x0985, 0x098D, 0x098F, 0x0991, 0x0993, 0x09A9, 0x09AA, 0x09B1,
    0x09B2, 0x09B3, 0x09B6, 0x09BA, 0x09BD, 0x09BE, 0x09CE, 0x09CF, 0x09DC, 0x09DE, 0x09DF, 0x09E2,
    0x09E6, 0x09F2, 0x09F4, 0x09FA, 0x09FC, 0x09FD, 0x0A05, 0x0A0B, 0x0A0F, 0x0A11, 0x0A13, 0x0A29,
    0x0A2A, 0x0A31, 0x0A32, 0x0A34, 0x0A35, 0x0A37, 0x0A38, 0x0A3A, 0x0A59, 0x0A5D, 0x0A5E, 0x0A5F,
    0x0A66, 0x0A70, 0x0A72, 0x0A75, 0x0A85, 0x0A8E, 0x0A8F, 0x0A92, 0x0A93, 0x0AA9, 0x0AAA, 0x0AB1,
    0x0AB2, 0x0AB4, 0x0AB5, 0x0ABA, 0x0ABD, 0x0ABE, 0x0AD0, 0x0AD1, 0x0AE0, 0x0AE2, 0x0AE6, 0x0AF0,
    0x0AF9, 0x0AFA, 0x0B05, 0x0B0D, 0x0B0F, 0x0B11, 0x0B13, 0x0B29, 0x0B2A, 0x0B31, 0x0B32, 0x0B34,
    0x0B35, 0x0B3A, 0x0B3D, 0x0B3E, 0x0B5C, 0x0B5E, 0x0B5F, 0x0B62, 0x0B66, 0x0B70, 0x0B71, 0x0B78,
    0x0B83, 0x0B84, 0x0B85, 0x0B8B, 0x0B8E, 0x0B91, 0x0B92, 0x0B96, 0x0B99, 0x0B9B, 0x0B9C, 0x0B9D,
    0x0B9E, 0x0BA0, 0x0BA3, 0x0BA5, 0x0BA8, 0x0BAB, 0x0BAE, 0x0BBA, 0x0BD0, 0x0BD1, 0x0BE6, 0x0BF3,
    0x0C05, 0x0C0D, 0x0C0E, 0x0C11, 0x0C12, 0x0C29, 0x0C2A, 0x0C3A, 0x0C3D, 0x0C3E, 0x0C58, 0x0C5B,
    0x0C5D, 0x0C5E, 0x0C60, 0x0C62, 0x0C66, 0x0C70, 0x0C78, 0x0C7F, 0x0C80, 0x0C81, 0x0C85, 0x0C8D,
    0x0C8E, 0x0C91, 0x0C92, 0x0CA9, 0x0CAA, 0x0CB4, 0x0CB5, 0x0CBA, 0x0CBD, 0x0CBE, 0x0CDD, 0x0CDF,
    0x0CE0, 0x0CE2, 0x0CE6, 0x0CF0, 0x0CF1, 0x0CF3, 0x0D04, 0x0D0D, 0x0D0E, 0x0D11, 0x0D12, 0x0D3B,
    0x0D3D, 0x0D3E, 0x0D4E, 0x0D4F, 0x0D54, 0x0D57, 0x0D58, 0x0D62, 0x0D66, 0x0D79, 0x0D7A, 0x0D80,
    0x0D85, 0x0D97, 0x0D9A, 0x0DB2, 0x0DB3, 0x0DBC, 0x0DBD, 0x0DBE, 0x0DC0, 0x0DC7, 0x0DE6, 0x0DF0,
    0x0E01, 0x0E31, 0x0E32, 0x0E34, 0x0E40, 0x0E47, 0x0E50, 0x0E5A, 0x0E81, 0x0E83, 0x0E84, 0x0E85,
    0x0E86, 0x0E8B, 0x0E8C, 0x0EA4, 0x0EA5, 0x0EA6, 0x0EA7, 0x0EB1, 0x0EB2, 0x0EB4, 0x0EBD, 0x0EBE,
    0x0EC0, 0x0EC5, 0x0EC6, 0x0EC7, 0x0ED0, 0x0EDA, 0x0EDC, 0x0EE0, 0x0F00, 0x0F01, 0x0F20, 0x0F34,
    0x0F40, 0x0F48, 0x0F49, 0x0F6D, 0x0F88, 0x0F8D, 0x1000, 0x102B, 0x103F, 0x104A, 0x1050, 0x1056,
    0x105A, 0x105E, 0x1061, 0x1062, 0x1065, 0x1067, 0x106E, 0x1071, 0x1075, 0x1082, 0x108E, 0x108F,
    0x1090, 0x109A, 0x10A0, 0x10C6, 0x10C7, 0x10C8, 0x10CD, 0x10CE, 0x10D0, 0x10FB, 0x10FC, 0x1249,
    0x124A, 0x124E, 0x1250, 0x1257, 0x1258, 0x1259, 0x125A, 0x125E, 0x1260, 0x1289, 0x128A, 0x128E,
    0x1290, 0x12B1, 0x12B2, 0x12B6, 0x12B8, 0x12BF, 0x12C0, 0x12C1, 0x12C2, 0x12C6, 0x12C8, 0x12D7,
    0x12D8, 0x1311, 0x1312, 0x1316, 0x1318, 0x135B, 0x1369, 0x137D, 0x1380, 0x1390, 0x13A0, 0x13F6,
    0x13F8, 0x13FE, 0x1401, 0x166D, 0x166F, 0x1680, 0x1681, 0x169B, 0x16A0, 0x16EB, 0x16EE, 0x16F9,
    0x1700, 0x1712, 0x171F, 0x1732, 0x1740, 0x1752, 0x1760, 0x176D, 0x176E, 0x1771, 0x1780, 0x17B4,
    0x17D7, 0x17D8, 0x17DC, 0x17DD, 0x17E0, 0x17EA, 0x17F0, 0x17FA, 0x1810, 0x181A, 0x1820, 0x1879,
    0x1880, 0x1885, 0x1887, 0x18A9, 0x18AA, 0x18AB, 0x18B0, 0x18F6, 0x1900, 0x191F, 0x1946, 0x196E,
    0x1970, 0x1975, 0x1980, 0x19AC, 0x19B0, 0x19CA, 0x19D0, 0x19DB, 0x1A00, 0x1A17, 0x1A20, 0x1A55,
    0x1A80, 0x1A8A, 0x1A90, 0x1A9A, 0x1AA7, 0x1AA8, 0x1B05, 0x1B34, 0x1B45, 0x1B4D, 0x1B50, 0x1B5A,
    0x1B83, 0x1BA1, 0x1BAE, 0x1BE6, 0x1C00, 0x1C24, 0x1C40, 0x1C4A, 0x1C4D, 0x1C7E, 0x1C80, 0x1C8B,
    0x1C90, 0x1CBB, 0x1CBD, 0x1CC0, 0x1CE9, 0x1CED, 0x1CEE, 0x1CF4, 0x1CF5, 0x1CF7, 0x1CFA, 0x1CFB,
    0x1D00, 0x1DC0, 0x1E00, 0x1F16, 0x1F18, 0x1F1E, 0x1F20, 0x1F46, 0x1F48, 0x1F4E, 0x1F50, 0x1F58,
    0x1F59, 0x1F5A, 0x1F5B, 0x1F5C, 0x1F5D, 0x1F5E, 0x1F5F, 0x1F7E, 0x1F80, 0x1FB5, 0x1FB6, 0x1FBD,
    0x1FBE, 0x1FBF, 0x1FC2, 0x1FC5, 0x1FC6, 0x1FCD, 0x1FD0, 0x1FD4, 0x1FD6, 0x1FDC, 0x1FE0, 0x1FED,
    0x1FF2, 0x1FF5, 0x1FF6, 0x1FFD, 0x2070, 0x2072, 0x2074, 0x207A, 0x207F, 0x208A, 0x2090, 0x209D,
    0x2102, 0x2103, 0x2107, 0x2108, 0x210A, 0x2114, 0x2115, 0x2116, 0x2119, 0x211E, 0x2124, 0x2125,
    0x2126, 0x2127, 0x2128, 0x2129, 0x212A, 0x212E, 0x212F, 0x213A, 0x213C, 0x2140, 0x2145, 0x214A,
    0x214E, 0x214F, 0x2150, 0x218A, 0x2460, 0x249C, 0x24EA, 0x2500, 0x2776, 0x2794, 0x2C00, 0x2CE5,
    0x2CEB, 0x2CEF, 0x2CF2, 0x2CF4, 0x2CFD, 0x2CFE, 0x2D00, 0x2D26, 0x2D27, 0x2D28, 0x2D2D, 0x2D2E,
    0x2D30, 0x2D68, 0x2D6F, 0x2D70, 0x2D80, 0x2D97, 0x2DA0, 0x2DA7, 0x2DA8, 0x2DAF, 0x2DB0, 0x2DB7,
    0x2DB8, 0x2DBF, 0x2DC0, 0x2DC7, 0x2DC8, 0x2DCF, 0x2DD0, 0x2DD7, 0x2DD8, 0x2DDF, 0x2E2F, 0x2E30,
    0x3005, 0x3008, 0x3021, 0x302A, 0x3031, 0x3036, 0x3038, 0x303D, 0x3041, 0x3097, 0x309D, 0x30A0,
    0x30A1, 0x30FB, 0x30FC, 0x3100, 0x3105, 0x3130, 0x3131, 0x318F, 0x3192, 0x3196, 0x31A0, 0x31C0,
    0x31F0, 0x3200, 0x3220, 0x322A, 0x3248, 0x3250, 0x3251, 0x3260, 0x3280, 0x328A, 0x32B1, 0x32C0,
    0x3400, 0x4DC0, 0x4E00, 0xA48D, 0xA4D0, 0xA4FE, 0xA500, 0xA60D, 0xA610, 0xA62C, 0xA640, 0xA66F,
    0xA67F, 0xA69E, 0xA6A0, 0xA6F0, 0xA717, 0xA720, 0xA722, 0xA789, 0xA78B, 0xA7CE, 0xA7D0, 0xA7D2,
    0xA7D3, 0xA7D4, 0xA7D5, 0xA7DD, 0xA7F2, 0xA802, 0xA803, 0xA806, 0xA807, 0xA80B, 0xA80C, 0xA823,
    0xA830, 0xA836, 0xA840, 0xA874, 0xA882, 0xA8B4, 0xA8D0, 0xA8DA, 0xA8F2, 0xA8F8, 0xA8FB, 0xA8FC,
    0xA8FD, 0xA8FF, 0xA900, 0xA926, 0xA930, 0xA947, 0xA960, 0xA97D, 0xA984, 0xA9B3, 0xA9CF, 0xA9DA,
    0xA9E0, 0xA9E5, 0xA9E6, 0xA9FF, 0xAA00, 0xAA29, 0xAA40, 0xAA43, 0xAA44, 0xAA4C, 0xAA50, 0xAA5A,
    0xAA60, 0xAA77, 0xAA7A, 0xAA7B, 0xAA7E, 0xAAB0, 0xAAB1, 0xAAB2, 0xAAB5, 0xAAB7, 0xAAB9, 0xAABE,
    0xAAC0, 0xAAC1, 0xAAC2, 0xAAC3, 0xAADB, 0xAADE, 0xAAE0, 0xAAEB, 0xAAF2, 0xAAF5, 0xAB01, 0xAB07,
    0xAB09, 0xAB0F, 0xAB11, 0xAB17, 0xAB20, 0xAB27, 0xAB28, 0xAB2F, 0xAB30, 0xAB5B, 0xAB5C, 0xAB6A,
    0xAB70, 0xABE3, 0xABF0, 0xABFA, 0xAC00, 0xD7A4, 0xD7B0, 0xD7C7, 0xD7CB, 0xD7FC, 0xF900, 0xFA6E,
    0xFA70, 0xFADA, 0xFB00, 0xFB07, 0xFB13, 0xFB18, 0xFB1D, 0xFB1E, 0xFB1F, 0xFB29, 0xFB2A, 0xFB37,
    0xFB38, 0xFB3D, 0xFB3E, 0xFB3F, 0xFB40, 0xFB42, 0xFB43, 0xFB45, 0xFB46, 0xFBB2, 0xFBD3, 0xFD3E,
    0xFD50, 0xFD90, 0xFD92, 0xFDC8, 0xFDF0, 0xFDFC, 0xFE70, 0xFE75, 0xFE76, 0xFEFD, 0xFF10, 0xFF1A,
    0xFF21, 0xFF3B, 0xFF41, 0xFF5B, 0xFF66, 0xFFBF, 0xFFC2, 0xFFC8, 0xFFCA, 0xFFD0, 0xFFD2, 0xFFD8,
    0xFFDA, 0xFFDD, 0x10000, 0x1000C, 0x1000D, 0x10027, 0x10028, 0x1003B, 0x1003C, 0x1003E,
    0x1003F, 0x1004E, 0x10050, 0x1005E, 0x10080, 0x100FB, 0x10107, 0x10134, 0x10140, 0x10179,
    0x1018A, 0x1018C, 0x10280, 0x1029D, 0x102A0, 0x102D1, 0x102E1, 0x102FC, 0x10300, 0x10324,
    0x1032D, 0x1034B, 0x10350, 0x10376, 0x10380, 0x1039E, 0x103A0, 0x103C4, 0x103C8, 0x103D0,
    0x103D1, 0x103D6, 0x10400, 0x1049E, 0x104A0, 0x104AA, 0x104B0, 0x104D4, 0x104D8, 0x104FC,
    0x10500, 0x10528, 0x10530, 0x10564, 0x10570, 0x1057B, 0x1057C, 0x1058B, 0x1058C, 0x10593,
    0x10594, 0x10596, 0x10597, 0x105A2, 0x105A3, 0x105B2, 0x105B3, 0x105BA, 0x105BB, 0x105BD,
    0x105C0, 0x105F4, 0x10600, 0x10737, 0x10740, 0x10756, 0x10760, 0x10768, 0x10780, 0x10786,
    0x10787, 0x107B1, 0x107B2, 0x107BB, 0x10800, 0x10806, 0x10808, 0x10809, 0x1080A, 0x10836,
    0x10837, 0x10839, 0x1083C, 0x1083D, 0x1083F, 0x10856, 0x10858, 0x10877, 0x10879, 0x1089F,
    0x108A7, 0x108B0, 0x108E0, 0x108F3, 0x108F4, 0x108F6, 0x108FB, 0x1091C, 0x10920, 0x1093A,
    0x10980, 0x109B8, 0x109BC, 0x109D0, 0x109D2, 0x10A01, 0x10A10, 0x10A14, 0x10A15, 0x10A18,
    0x10A19, 0x10A36, 0x10A40, 0x10A49, 0x10A60, 0x10A7F, 0x10A80, 0x10AA0, 0x10AC0, 0x10AC8,
    0x10AC9, 0x10AE5, 0x10AEB, 0x10AF0, 0x10B00, 0x10B36, 0x10B40, 0x10B56, 0x10B58, 0x10B73,
    0x10B78, 0x10B92, 0x10BA9, 0x10BB0, 0x10C00, 0x10C49, 0x10C80, 0x10CB3, 0x10CC0, 0x10CF3,
    0x10CFA, 0x10D24, 0x10D30, 0x10D3A, 0x10D40, 0x10D66, 0x10D6F, 0x10D86, 0x10E60, 0x10E7F,
    0x10E80, 0x10EAA, 0x10EB0, 0x10EB2, 0x10EC2, 0x10EC5, 0x10F00, 0x10F28, 0x10F30, 0x10F46,
    0x10F51, 0x10F55, 0x10F70, 0x10F82, 0x10FB0, 0x10FCC, 0x10FE0, 0x10FF7, 0x11003, 0x11038,
    0x11052, 0x11070, 0x11071, 0x11073, 0x11075, 0x11076, 0x11083, 0x110B0, 0x110D0, 0x110E9,
    0x110F0, 0x110FA, 0x11103, 0x11127, 0x11136, 0x11140, 0x11144, 0x11145, 0x11147, 0x11148,
    0x11150, 0x11173, 0x11176, 0x11177, 0x11183, 0x111B3, 0x111C1, 0x111C5, 0x111D0, 0x111DB,
    0x111DC, 0x111DD, 0x111E1, 0x111F5, 0x11200, 0x11212, 0x11213, 0x1122C, 0x1123F, 0x11241,
    0x11280, 0x11287, 0x11288, 0x11289, 0x1128A, 0x1128E, 0x1128F, 0x1129E, 0x1129F, 0x112A9,
    0x112B0, 0x112DF, 0x112F0, 0x112FA, 0x11305, 0x1130D, 0x1130F, 0x11311, 0x11313, 0x11329,
    0x1132A, 0x11331, 0x11332, 0x11334, 0x11335, 0x1133A, 0x1133D, 0x1133E, 0x11350, 0x11351,
    0x1135D, 0x11362, 0x11380, 0x1138A, 0x1138B, 0x1138C, 0x1138E, 0x1138F, 0x11390, 0x113B6,
    0x113B7, 0x113B8, 0x113D1, 0x113D2, 0x113D3, 0x113D4, 0x11400, 0x11435, 0x11447, 0x1144B,
    0x11450, 0x1145A, 0x1145F, 0x11462, 0x11480, 0x114B0, 0x114C4, 0x114C6, 0x114C7, 0x114C8,
    0x114D0, 0x114DA, 0x11580, 0x115AF, 0x115D8, 0x115DC, 0x11600, 0x11630, 0x11644, 0x11645,
    0x11650, 0x1165A, 0x11680, 0x116AB, 0x116B8, 0x116B9, 0x116C0, 0x116CA, 0x116D0, 0x116E4,
    0x11700, 0x1171B, 0x11730, 0x1173C, 0x11740, 0x11747, 0x11800, 0x1182C, 0x118A0, 0x118F3,
    0x118FF, 0x11907, 0x11909, 0x1190A, 0x1190C, 0x11914, 0x11915, 0x11917, 0x11918, 0x11930,
    0x1193F, 0x11940, 0x11941, 0x11942, 0x11950, 0x1195A, 0x119A0, 0x119A8, 0x119AA, 0x119D1,
    0x119E1, 0x119E2, 0x119E3, 0x119E4, 0x11A00, 0x11A01, 0x11A0B, 0x11A33, 0x11A3A, 0x11A3B,
    0x11A50, 0x11A51, 0x11A5C, 0x11A8A, 0x11A9D, 0x11A9E, 0x11AB0, 0x11AF9, 0x11BC0, 0x11BE1,
    0x11BF0, 0x11BFA, 0x11C00, 0x11C09, 0x11C0A, 0x11C2F, 0x11C40, 0x11C41, 0x11C50, 0x11C6D,
    0x11C72, 0x11C90, 0x11D00, 0x11D07, 0x11D08, 0x11D0A, 0x11D0B, 0x11D31, 0x11D46, 0x11D47,
    0x11D50, 0x11D5A, 0x11D60, 0x11D66, 0x11D67, 0x11D69, 0x11D6A, 0x11D8A, 0x11D98, 0x11D99,
    0x11DA0, 0x11DAA, 0x11EE0, 0x11EF3, 0x11F02, 0x11F03, 0x11F04, 0x11F11, 0x11F12, 0x11F34,
    0x11F50, 0x11F5A, 0x11FB0, 0x11FB1, 0x11FC0, 0x11FD5, 0x12000, 0x1239A, 0x12400, 0x1246F,
    0x12480, 0x12544, 0x12F90, 0x12FF1, 0x13000, 0x13430, 0x13441, 0x13447, 0x13460, 0x143FB,
    0x14400, 0x14647, 0x16100, 0x1611E, 0x16130, 0x1613A, 0x16800, 0x16A39, 0x16A40, 0x16A5F,
    0x16A60, 0x16A6A, 0x16A70, 0x16ABF, 0x16AC0, 0x16ACA, 0x16AD0, 0x16AEE, 0x16B00, 0x16B30,
    0x16B40, 0x16B44, 0x16B50, 0x16B5A, 0x16B5B, 0x16B62, 0x16B63, 0x16B78, 0x16B7D, 0x16B90,
    0x16D40, 0x16D6D, 0x16D70, 0x16D7A, 0x16E40, 0x16E97, 0x16F00, 0x16F4B, 0x16F50, 0x16F51,
    0x16F93, 0x16FA0, 0x16FE0, 0x16FE2, 0x16FE3, 0x16FE4, 0x17000, 0x187F8, 0x18800, 0x18CD6,
    0x18CFF, 0x18D09, 0x1AFF0, 0x1AFF4, 0x1AFF5, 0x1AFFC, 0x1AFFD, 0x1AFFF, 0x1B000, 0x1B123,
    0x1B132, 0x1B133, 0x1B150, 0x1B153, 0x1B155, 0x1B156, 0x1B164, 0x1B168, 0x1B170, 0x1B2FC,
    0x1BC00, 0x1BC6B, 0x1BC70, 0x1BC7D, 0x1BC80, 0x1BC89, 0x1BC90, 0x1BC9A, 0x1CCF0, 0x1CCFA,
    0x1D2C0, 0x1D2D4, 0x1D2E0, 0x1D2F4, 0x1D360, 0x1D379, 0x1D400, 0x1D455, 0x1D456, 0x1D49D,
    0x1D49E, 0x1D4A0, 0x1D4A2, 0x1D4A3, 0x1D4A5, 0x1D4A7, 0x1D4A9, 0x1D4AD, 0x1D4AE, 0x1D4BA,
    0x1D4BB, 0x1D4BC, 0x1D4BD, 0x1D4C4, 0x1D4C5, 0x1D506, 0x1D507, 0x1D50B, 0x1D50D, 0x1D515,
    0x1D516, 0x1D51D, 0x1D51E, 0x1D53A, 0x1D53B, 0x1D53F, 0x1D540, 0x1D545, 0x1D546, 0x1D547,
    0x1D54A, 0x1D551, 0x1D552, 0x1D6A6, 0x1D6A8, 0x1D6C1, 0x1D6C2, 0x1D6DB, 0x1D6DC, 0x1D6FB,
    0x1D6FC, 0x1D715, 0x1D716, 0x1D735, 0x1D736, 0x1D74F, 0x1D750, 0x1D76F, 0x1D770, 0x1D789,
    0x1D78A, 0x1D7A9, 0x1D7AA, 0x1D7C3, 0x1D7C4, 0x1D7CC, 0x1D7CE, 0x1D800, 0x1DF00, 0x1DF1F,
    0x1DF25, 0x1DF2B, 0x1E030, 0x1E06E, 0x1E100, 0x1E12D, 0x1E137, 0x1E13E, 0x1E140, 0x1E14A,
    0x1E14E, 0x1E14F, 0x1E290, 0x1E2AE, 0x1E2C0, 0x1E2EC, 0x1E2F0, 0x1E2FA, 0x1E4D0, 0x1E4EC,
    0x1E4F0, 0x1E4FA, 0x1E5D0, 0x1E5EE, 0x1E5F0, 0x1E5FB, 0x1E7E0, 0x1E7E7, 0x1E7E8, 0x1E7EC,
    0x1E7ED, 0x1E7EF, 0x1E7F0, 0x1E7FF, 0x1E800, 0x1E8C5, 0x1E8C7, 0x1E8D0, 0x1E900, 0x1E944,
    0x1E94B, 0x1E94C, 0x1E950, 0x1E95A, 0x1EC71, 0x1ECAC, 0x1ECAD, 0x1ECB0, 0x1ECB1, 0x1ECB5,
    0x1ED01, 0x1ED2E, 0x1ED2F, 0x1ED3E, 0x1EE00, 0x1EE04, 0x1EE05, 0x1EE20, 0x1EE21, 0x1EE23,
    0x1EE24, 0x1EE25, 0x1EE27, 0x1EE28, 0x1EE29, 0x1EE33, 0x1EE34, 0x1EE38, 0x1EE39, 0x1EE3A,
    0x1EE3B, 0x1EE3C, 0x1EE42, 0x1EE43, 0x1EE47, 0x1EE48, 0x1EE49, 0x1EE4A, 0x1EE4B, 0x1EE4C,
    0x1EE4D, 0x1EE50, 0x1EE51, 0x1EE53, 0x1EE54, 0x1EE55, 0x1EE57, 0x1EE58, 0x1EE59, 0x1EE5A,
    0x1EE5B, 0x1EE5C, 0x1EE5D, 0x1EE5E, 0x1EE5F, 0x1EE60, 0x1EE61, 0x1EE63, 0x1EE64, 0x1EE65,
    0x1EE67, 0x1EE6B, 0x1EE6C, 0x1EE73, 0x1EE74, 0x1EE78, 0x1EE79, 0x1EE7D, 0x1EE7E, 0x1EE7F,
    0x1EE80, 0x1EE8A, 0x1EE8B, 0x1EE9C, 0x1EEA1, 0x1EEA4, 0x1EEA5, 0x1EEAA, 0x1EEAB, 0x1EEBC,
    0x1F100, 0x1F10D, 0x1FBF0, 0x1FBFA, 0x20000, 0x2A6E0, 0x2A700, 0x2B73A, 0x2B740, 0x2B81E,
    0x2B820, 0x2CEA2, 0x2CEB0, 0x2EBE1, 0x2EBF0, 0x2EE5E, 0x2F800, 0x2FA1E, 0x30000, 0x3134B,
    0x31350, 0x323B0,
];
/// The digit zero of every Unicode decimal digit set (category Nd); each set is ten
/// consecutive code points, zero to nine.
const DECIMAL_ZEROS: [u32; 76] = [
    0x0030, 0x0660, 0x06F0, 0x07C0, 0x0966, 0x09E6, 0x0A66, 0x0AE6, 0x0B66, 0x0BE6, 0x0C66, 0x0CE6,
    0x0D66, 0x0DE6, 0x0E50, 0x0ED0, 0x0F20, 0x1040, 0x1090, 0x17E0, 0x1810, 0x1946, 0x19D0, 0x1A80,
    0x1A90, 0x1B50, 0x1BB0, 0x1C40, 0x1C50, 0xA620, 0xA8D0, 0xA900, 0xA9D0, 0xA9F0, 0xAA50, 0xABF0,
    0xFF10, 0x104A0, 0x10D30, 0x10D40, 0x11066, 0x110F0, 0x11136, 0x111D0, 0x112F0, 0x11450,
    0x114D0, 0x11650, 0x116C0, 0x116D0, 0x116DA, 0x11730, 0x118E0, 0x11950, 0x11BF0, 0x11C50,
    0x11D50, 0x11DA0, 0x11F50, 0x16130, 0x16A60, 0x16AC0, 0x16B50, 0x16D70, 0x1CCF0, 0x1D7CE,
    0x1D7D8, 0x1D7E2, 0x1D7EC, 0x1D7F6, 0x1E140, 0x1E2F0, 0x1E4F0, 0x1E5F1, 0x1E950, 0x1FBF0,
];

#[cfg(test)]
mod tests {
    //! Expected values come from the real Python 3.11 (`python3`) and Postgres 15 unless
    //! a case says otherwise; the scratch generator printed these tables.

    use super::*;

    type Fields = (u16, u8, u8, u8, u8, u8, u32, Option<i32>);

    fn fields(dt: DateTime) -> Fields {
        (
            dt.date.year,
            dt.date.month,
            dt.date.day,
            dt.hour,
            dt.minute,
            dt.second,
            dt.microsecond,
            dt.offset_seconds,
        )
    }

    fn datetime(fields: Fields) -> DateTime {
        let (year, month, day, hour, minute, second, microsecond, offset_seconds) = fields;
        DateTime {
            date: Date { year, month, day },
            hour,
            minute,
            second,
            microsecond,
            offset_seconds,
        }
    }

    #[test]
    fn is_space_matches_str_isspace() {
        let spaces = [
            '\t', '\n', '\x0b', '\x0c', '\r', '\x1c', '\x1d', '\x1e', '\x1f', ' ', '\u{85}',
            '\u{a0}', '\u{1680}', '\u{2000}', '\u{2005}', '\u{200a}', '\u{2028}', '\u{2029}',
            '\u{202f}', '\u{205f}', '\u{3000}',
        ];
        let not_spaces = [
            'a', '\0', '\x08', '\x0e', '\x1b', '!', '\x7f', '\u{84}', '\u{180e}', '\u{200b}',
            '\u{2060}', '\u{feff}', '_',
        ];
        for c in spaces {
            assert!(is_space(c), "{c:?}");
        }
        for c in not_spaces {
            assert!(!is_space(c), "{c:?}");
        }
    }

    #[test]
    fn is_word_matches_python_re_w() {
        let cases = [
            ('a', true),
            ('Z', true),
            ('0', true),
            ('_', true),
            ('-', false),
            (':', false),
            (' ', false),
            ('\u{e9}', true),   // é, Ll
            ('\u{aa}', true),   // ª, Lo
            ('\u{b2}', true),   // ², No
            ('\u{b5}', true),   // µ, Ll
            ('\u{b7}', false),  // ·, Po
            ('\u{bd}', true),   // ½, No
            ('\u{301}', false), // combining acute, Mn
            ('\u{345}', false), // Mn, but Rust's is_alphanumeric says yes (Other_Alphabetic)
            ('\u{903}', false), // Devanagari visarga, Mc and Other_Alphabetic
            ('\u{663}', true),  // Arabic-Indic three, Nd
            ('\u{2160}', true), // Roman numeral one, Nl
            ('\u{200c}', false),
            ('\u{4e2d}', true),   // 中
            ('\u{1f600}', false), // emoji, So
            ('\u{1f100}', true),  // digit zero full stop, No
            ('\u{10ffff}', false),
            // Added in Unicode 16 (Python 3.14); Python 3.11 does not know it yet.
            ('\u{1e5d0}', true),
        ];
        for (c, expected) in cases {
            assert_eq!(is_word(c), expected, "{c:?}");
        }
        assert!(char::is_alphanumeric('\u{345}'), "the reason for the table");
    }

    #[test]
    fn strip_is_python_strip() {
        let cases = [
            ("  a b  ", "a b"),
            ("\u{a0}\u{3000}x\u{2028}\u{85}", "x"),
            ("\x1cx\x1f", "x"),
            ("\u{200b}x\u{feff}", "\u{200b}x\u{feff}"),
            ("", ""),
            (" \n\t ", ""),
        ];
        for (input, expected) in cases {
            assert_eq!(strip(input), expected, "{input:?}");
        }
    }

    const ISO_CASES: &[(&str, Option<Fields>)] = &[
        ("2025-12-11", Some((2025, 12, 11, 0, 0, 0, 0, None))),
        (
            "2025-12-11T22:45:43",
            Some((2025, 12, 11, 22, 45, 43, 0, None)),
        ),
        (
            "2025-12-11T22:45:43+00:00",
            Some((2025, 12, 11, 22, 45, 43, 0, Some(0))),
        ),
        (
            "2025-12-11 22:45:43.123456+05:30",
            Some((2025, 12, 11, 22, 45, 43, 123_456, Some(19800))),
        ),
        ("20251211", Some((2025, 12, 11, 0, 0, 0, 0, None))),
        ("20251211T224543", Some((2025, 12, 11, 22, 45, 43, 0, None))),
        ("2025-12-11T2245", Some((2025, 12, 11, 22, 45, 0, 0, None))),
        ("2025-12-11T22", Some((2025, 12, 11, 22, 0, 0, 0, None))),
        (
            "2025-12-11T22:45:43,5",
            Some((2025, 12, 11, 22, 45, 43, 500_000, None)),
        ),
        (
            "2025-12-11T22:45:43.1234567",
            Some((2025, 12, 11, 22, 45, 43, 123_456, None)),
        ),
        (
            "2025-12-11T22:45:43Z",
            Some((2025, 12, 11, 22, 45, 43, 0, Some(0))),
        ),
        (
            "2025-12-11T22:45Z",
            Some((2025, 12, 11, 22, 45, 0, 0, Some(0))),
        ),
        ("2025-W50", Some((2025, 12, 8, 0, 0, 0, 0, None))),
        ("2025-W50-4", Some((2025, 12, 11, 0, 0, 0, 0, None))),
        ("2025W50", Some((2025, 12, 8, 0, 0, 0, 0, None))),
        ("2025W504", Some((2025, 12, 11, 0, 0, 0, 0, None))),
        ("2025W504T10", Some((2025, 12, 11, 10, 0, 0, 0, None))),
        ("2025-W01-12", Some((2024, 12, 30, 12, 0, 0, 0, None))),
        ("2020-W53-7", Some((2021, 1, 3, 0, 0, 0, 0, None))),
        ("2025-W53-1", None),
        ("2025-W00-1", None),
        ("2025-W01-0", None),
        ("2025-W01-8", None),
        (
            "2025-01-10\u{e9}10:00",
            Some((2025, 1, 10, 10, 0, 0, 0, None)),
        ),
        (
            "2025-01-10\u{1d11e}10:00",
            Some((2025, 1, 10, 10, 0, 0, 0, None)),
        ),
        (
            "2025-01-10\u{0}10:00",
            Some((2025, 1, 10, 10, 0, 0, 0, None)),
        ),
        (
            "2025-01-10T10.5",
            Some((2025, 1, 10, 10, 0, 0, 500_000, None)),
        ),
        (
            "2025-01-10T10:00:00:5",
            Some((2025, 1, 10, 10, 0, 0, 500_000, None)),
        ),
        (
            "2025-01-10T10:00:00.+00:00",
            Some((2025, 1, 10, 10, 0, 0, 0, Some(0))),
        ),
        (
            "2025-01-10T10:+05:00",
            Some((2025, 1, 10, 10, 0, 0, 0, Some(18000))),
        ),
        (
            "2025-01-10T10:00+05:99",
            Some((2025, 1, 10, 10, 0, 0, 0, Some(23940))),
        ),
        (
            "2025-01-10T10:00:00.123456abc+00:00",
            Some((2025, 1, 10, 10, 0, 0, 123_456, Some(0))),
        ),
        (
            "2025-01-10T10:00+00:00:00.5",
            Some((2025, 1, 10, 10, 0, 0, 0, Some(0))),
        ),
        (
            "2025-01-10T10:00-00:00:01.5",
            Some((2025, 1, 10, 10, 0, 0, 0, Some(-1))),
        ),
        (
            "2025-01-10T10:00+05",
            Some((2025, 1, 10, 10, 0, 0, 0, Some(18000))),
        ),
        (
            "2025-01-10T10:00+0530",
            Some((2025, 1, 10, 10, 0, 0, 0, Some(19800))),
        ),
        (
            "2025-01-10T10:00+05:30:15",
            Some((2025, 1, 10, 10, 0, 0, 0, Some(19815))),
        ),
        ("2025-01-10T10:00+05:", None),
        ("2025-01-10T10:00+", None),
        ("2025-01-10T10:00+24:00", None),
        (
            "2025-01-10T10:00-23:59:59",
            Some((2025, 1, 10, 10, 0, 0, 0, Some(-86399))),
        ),
        (
            "2025-01-10T10:00Z\u{0}x",
            Some((2025, 1, 10, 10, 0, 0, 0, Some(0))),
        ),
        ("2025-01-10T10:00Zx", None),
        ("2025-01-10T", None),
        ("2025-01-10T1", None),
        ("2025-01-10T10:0", None),
        ("2025-02-29", None),
        ("2024-02-29", Some((2024, 2, 29, 0, 0, 0, 0, None))),
        ("2025-13-01", None),
        ("2025-00-10", None),
        ("2025-01-00", None),
        ("0000-01-01", None),
        (
            "9999-12-31T23:59:59.999999",
            Some((9999, 12, 31, 23, 59, 59, 999_999, None)),
        ),
        ("9999-W52-5", Some((9999, 12, 31, 0, 0, 0, 0, None))),
        ("9999-W52-6", None),
        ("0000-W01-1", None),
        ("0001-W01-1", Some((1, 1, 1, 0, 0, 0, 0, None))),
        ("2025-01", None),
        ("202_501", None),
        ("2025-1-10", None),
        ("\u{ff12}\u{ff10}\u{ff12}\u{ff15}-01-10", None),
        ("2025-01-10T25:00", None),
        ("2025-01-10T10:60", None),
        ("2025-01-10T10:00:60", None),
        ("2025-01-10 ", None),
        ("  2025-01-10", None),
        ("2025-01-10T10:00:00 ", None),
        ("2025-01-10T10:00:00+05:00 ", None),
        (
            "2025-01-10T10-05",
            Some((2025, 1, 10, 10, 0, 0, 0, Some(-18000))),
        ),
        ("2025-0110", None),
        ("202_501-10", None),
        ("abcdefghij", None),
        ("", None),
    ];

    #[test]
    fn fromisoformat_matches_python() {
        for &(input, expected) in ISO_CASES {
            assert_eq!(fromisoformat(input).map(fields), expected, "{input:?}");
        }
    }

    /// Python 3.14 reads an hour of 24 as midnight of the next day. Python 3.11 raises on
    /// all of these, so the expected values follow 3.14's C code instead.
    #[test]
    fn fromisoformat_hour_24_rolls_over() {
        let cases: &[(&str, Option<Fields>)] = &[
            ("2025-01-10T24:00", Some((2025, 1, 11, 0, 0, 0, 0, None))),
            ("2025-01-31T24:00:00", Some((2025, 2, 1, 0, 0, 0, 0, None))),
            ("2024-02-28T24:00", Some((2024, 2, 29, 0, 0, 0, 0, None))),
            ("2025-02-28T24", Some((2025, 3, 1, 0, 0, 0, 0, None))),
            (
                "2025-12-31T24:00+05:00",
                Some((2026, 1, 1, 0, 0, 0, 0, Some(18000))),
            ),
            ("2025-W01-1T24", Some((2024, 12, 31, 0, 0, 0, 0, None))),
            (
                "2025-01-10T24:00:00.000000",
                Some((2025, 1, 11, 0, 0, 0, 0, None)),
            ),
            ("2025-01-10T24:00:01", None),
            ("2025-01-10T24:01", None),
            ("2025-01-10T24:00:00.000001", None),
            ("2025-02-30T24:00", None),
            ("2025-13-01T24:00", None),
            ("9999-12-31T24:00", None),
            ("2025-01-10T25:00", None),
            // Day 00 passes the C check (`day <= days_in_month`) and rolls to day 1.
            ("2025-05-00T24:00", Some((2025, 5, 1, 0, 0, 0, 0, None))),
        ];
        for &(input, expected) in cases {
            assert_eq!(fromisoformat(input).map(fields), expected, "{input:?}");
        }
    }

    #[test]
    fn python_timestamp_replaces_every_z() {
        let cases: &[(&str, Option<Fields>)] = &[
            (
                "2025-12-11T22:45:43Z",
                Some((2025, 12, 11, 22, 45, 43, 0, Some(0))),
            ),
            (
                "2025-12-11T22:45:43",
                Some((2025, 12, 11, 22, 45, 43, 0, None)),
            ),
            ("2025-01-10", Some((2025, 1, 10, 0, 0, 0, 0, None))),
            ("2025-01-10Z", Some((2025, 1, 10, 0, 0, 0, 0, None))),
            ("2025-01-10T10:00:00ZZ", None),
            ("Z2025-01-10", None),
            ("2025-W02Z", Some((2025, 1, 6, 0, 0, 0, 0, None))),
        ];
        for &(input, expected) in cases {
            assert_eq!(
                python_timestamp_from_str(input).map(fields),
                expected,
                "{input:?}"
            );
        }
    }

    #[test]
    fn isoformat_matches_python() {
        let cases = [
            (
                (2025, 12, 11, 22, 45, 43, 0, Some(0)),
                "2025-12-11T22:45:43+00:00",
            ),
            ((2025, 12, 11, 22, 45, 43, 0, None), "2025-12-11T22:45:43"),
            ((2025, 1, 2, 3, 4, 5, 5, None), "2025-01-02T03:04:05.000005"),
            (
                (2025, 1, 2, 3, 4, 5, 123_450, Some(-19800)),
                "2025-01-02T03:04:05.123450-05:30",
            ),
            (
                (1, 1, 1, 0, 0, 0, 0, Some(19815)),
                "0001-01-01T00:00:00+05:30:15",
            ),
            (
                (2025, 1, 1, 0, 0, 0, 0, Some(-1)),
                "2025-01-01T00:00:00-00:00:01",
            ),
            (
                (9999, 12, 31, 23, 59, 59, 999_999, Some(86399)),
                "9999-12-31T23:59:59.999999+23:59:59",
            ),
        ];
        for (input, expected) in cases {
            assert_eq!(isoformat(&datetime(input)), expected, "{input:?}");
        }
    }

    #[test]
    fn isoformat_round_trips_through_fromisoformat() {
        for text in [
            "2025-12-11T22:45:43+00:00",
            "0001-01-01T00:00:00.000001-23:59",
        ] {
            let parsed = fromisoformat(text).map(|dt| isoformat(&dt));
            assert_eq!(parsed.as_deref(), Some(text));
        }
    }

    const FLOAT_CASES: &[(&str, Option<&str>)] = &[
        ("88", Some("88.0")),
        (" 88 ", Some("88.0")),
        ("9_0", Some("90.0")),
        ("1e2", Some("100.0")),
        ("1E+2", Some("100.0")),
        (".5", Some("0.5")),
        ("5.", Some("5.0")),
        ("-0", Some("-0.0")),
        ("+1.5", Some("1.5")),
        ("inf", Some("inf")),
        ("-Infinity", Some("-inf")),
        ("iNF", Some("inf")),
        ("nan", Some("nan")),
        ("NaN", Some("nan")),
        ("-nan", Some("nan")),
        ("1e400", Some("inf")),
        ("-1e-400", Some("-0.0")),
        ("\u{a0}88\u{3000}", Some("88.0")),
        ("\u{663}.\u{665}", Some("3.5")),
        ("\u{ff18}\u{ff18}", Some("88.0")),
        ("\u{1d7d7}", Some("9.0")),
        ("1_000.000_1", Some("1000.0001")),
        ("_9", None),
        ("9_", None),
        ("9__0", None),
        ("1_.5", None),
        ("1._5", None),
        ("1_e5", None),
        ("1e_5", None),
        ("1e5_", None),
        (" _1", None),
        ("1_ ", None),
        ("\u{1c}1", None),
        ("1\u{1c}", None),
        ("1\u{85}", Some("1.0")),
        ("\u{b}1\u{b}", Some("1.0")),
        ("", None),
        (" ", None),
        (".", None),
        ("e5", None),
        ("1e", None),
        ("1e+", None),
        ("+-1", None),
        ("--1", None),
        ("0x10", None),
        ("1.5.", None),
        ("infinit", None),
        ("infinityy", None),
        ("nana", None),
        ("1 2", None),
        ("1\u{0}", None),
        ("\u{7f}1", None),
        ("yes", None),
        ("1,5", None),
        ("\u{663}x", None),
    ];

    #[test]
    fn parse_float_matches_python_float() {
        // The value is compared through its repr, which also tells -0.0 and nan apart.
        for &(input, expected) in FLOAT_CASES {
            assert_eq!(
                parse_float(input).map(float_repr).as_deref(),
                expected,
                "{input:?}"
            );
        }
    }

    #[test]
    fn float_repr_matches_python_repr() {
        let cases = [
            (0.0, "0.0"),
            (-0.0, "-0.0"),
            (1.0, "1.0"),
            (-1.0, "-1.0"),
            (0.1, "0.1"),
            (3.10, "3.1"),
            (1.0 / 3.0, "0.3333333333333333"),
            (2.0 / 3.0, "0.6666666666666666"),
            (1e16, "1e+16"),
            (9_999_999_999_999_998.0, "9999999999999998.0"),
            (1e15, "1000000000000000.0"),
            (123_456_789_012_345_678.0, "1.2345678901234568e+17"),
            (1e-4, "0.0001"),
            (1e-5, "1e-05"),
            (0.000_15, "0.00015"),
            (1.5e-5, "1.5e-05"),
            (1.5e-7, "1.5e-07"),
            (1e22, "1e+22"),
            (1e100, "1e+100"),
            (f64::MAX, "1.7976931348623157e+308"),
            (5e-324, "5e-324"),
            (f64::MIN_POSITIVE, "2.2250738585072014e-308"),
            // Exact ties between two shortest candidates: Python keeps the even digit.
            (2_103_260_574_098_809.0 + 0.25, "2103260574098809.2"),
            (74_124_016_337_075.0 + 0.625, "74124016337075.62"),
            (100.0, "100.0"),
            (88.5, "88.5"),
            (12_345.678, "12345.678"),
            (f64::INFINITY, "inf"),
            (f64::NEG_INFINITY, "-inf"),
            (f64::NAN, "nan"),
        ];
        for (input, expected) in cases {
            assert_eq!(float_repr(input), expected, "{input:e}");
        }
    }

    #[test]
    fn float_as_numeric_text_matches_postgres() {
        let cases = [
            (0.0, "0.0".to_owned()),
            (-0.0, "0.0".to_owned()),
            (1.0, "1.0".to_owned()),
            (-1.0, "-1.0".to_owned()),
            (3.10, "3.1".to_owned()),
            (1.0 / 3.0, "0.3333333333333333".to_owned()),
            (1e16, "10000000000000000".to_owned()),
            (9_999_999_999_999_998.0, "9999999999999998.0".to_owned()),
            (123_456_789_012_345_678.0, "123456789012345680".to_owned()),
            (1e-4, "0.0001".to_owned()),
            (1e-5, "0.00001".to_owned()),
            (-1e-5, "-0.00001".to_owned()),
            (1.5e-5, "0.000015".to_owned()),
            (1.5e-7, "0.00000015".to_owned()),
            (1e22, format!("1{}", "0".repeat(22))),
            (f64::MAX, format!("17976931348623157{}", "0".repeat(292))),
            (5e-324, format!("0.{}5", "0".repeat(323))),
            (
                f64::MIN_POSITIVE,
                format!("0.{}22250738585072014", "0".repeat(307)),
            ),
            (
                2_103_260_574_098_809.0 + 0.25,
                "2103260574098809.2".to_owned(),
            ),
            (88.5, "88.5".to_owned()),
        ];
        for (input, expected) in cases {
            assert_eq!(float_as_numeric_text(input), Some(expected), "{input:e}");
        }
        for special in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
            assert_eq!(float_as_numeric_text(special), None);
        }
    }
}
