//! Instants: ISO 8601 dates and date-times, or epoch milliseconds, all in UTC.
//!
//! A date without a time (`2026-11-22`) is midnight UTC at its start; a
//! date-time without an offset (`2026-11-22T10:30`) is read as UTC, so the
//! same input gives the same score in every time zone.

use crate::error::{Error, ErrorCode, Result};
use crate::input::json::{format_number, Json};
use crate::input::tape::Item;
use crate::text::slice;

/// Milliseconds in one day.
pub const DAY_MS: i64 = 86_400_000;

/// Epoch milliseconds bounds accepted as instants, both included: the years
/// 1900 to 2999 in UTC, from 1900-01-01T00:00:00.000Z to 2999-12-31T23:59:59.999Z.
pub(crate) const MIN_MS: i64 = -2_208_988_800_000;
pub(crate) const MAX_MS: i64 = 32_503_680_000_000 - 1;

/// Reads an instant from an ISO 8601 string. The instant, once its offset
/// is applied, must fall in the years 1900 to 2999 UTC, the range epoch
/// milliseconds are held to as well: `1900-01-01T00:00:00+01:00` is
/// 1899-12-31T23:00Z and is refused.
///
/// ```
/// use crmscore::input::time::parse_instant;
/// assert_eq!(parse_instant("1970-01-02").unwrap(), 86_400_000);
/// assert_eq!(parse_instant("1970-01-01T01:00:00+01:00").unwrap(), 0);
/// assert!(parse_instant("2026-02-30").is_err());
/// assert!(parse_instant("1900-01-01T00:00:00+01:00").is_err());
/// ```
pub fn parse_instant(text: &str) -> std::result::Result<i64, String> {
    in_range(parse_unbounded(text)?, text)
}

/// [`parse_instant`] of any year from 0001 to 9999 (rules' `timestamp('...')` take CEL's range).
pub(crate) fn parse_unbounded(text: &str) -> std::result::Result<i64, String> {
    match canonical(text.as_bytes()) {
        Some(ms) => Ok(ms),
        None => parse_any(text),
    }
}

/// The instant of the forms `Date.prototype.toISOString` and JSON give and most
/// inputs use, `2026-11-22` and `2026-11-22T10:30:00Z` or `…:00.123Z`, read at
/// fixed places; `None` for any other text, which [`parse_any`] reads (the same
/// instant for these forms, and the errors for the rest).
// Its own pass over the bytes rather than `parse_date` and `digits`, which slice and check
// each field's text again: this runs for every order's date.
#[inline]
fn canonical(b: &[u8]) -> Option<i64> {
    let num = |at: usize, len: usize| -> Option<i64> {
        let mut n = 0;
        for &c in b.get(at..at + len)? {
            if !c.is_ascii_digit() {
                return None;
            }
            n = n * 10 + i64::from(c - b'0');
        }
        Some(n)
    };
    if b.get(4) != Some(&b'-') || b.get(7) != Some(&b'-') {
        return None;
    }
    let (y, m, d) = (num(0, 4)?, num(5, 2)?, num(8, 2)?);
    if y == 0 || !is_date(y, m, d) {
        return None;
    }
    let day = days_from_civil(y, m, d) * DAY_MS;
    let millis = match b.len() {
        10 => return Some(day),
        20 => 0,
        24 if b[19] == b'.' => num(20, 3)?,
        _ => return None,
    };
    if b[10] != b'T' || b[13] != b':' || b[16] != b':' || b[b.len() - 1] != b'Z' {
        return None;
    }
    let (h, min, sec) = (num(11, 2)?, num(14, 2)?, num(17, 2)?);
    if h > 23 || min > 59 || sec > 59 {
        return None;
    }
    Some(day + ((h * 60 + min) * 60 + sec) * 1000 + millis)
}

/// [`parse_unbounded`] of any text it takes: surrounding whitespace, `t` or a
/// space for `T`, offsets, fractions of other lengths.
fn parse_any(text: &str) -> std::result::Result<i64, String> {
    let s = text.trim();
    if s.len() < 10 || s.len() > 40 || !s.is_ascii() {
        return Err(invalid(text));
    }
    let (date, rest) = s.split_at_checked(10).ok_or_else(|| invalid(text))?;
    let (y, m, d) = parse_ymd(date).ok_or_else(|| invalid(text))?;
    if !is_date(y, m, d) {
        return Err(format!(
            "{} is not a calendar date",
            crate::error::Quoted(text)
        ));
    }
    let mut ms = days_from_civil(y, m, d) * DAY_MS;
    if !rest.is_empty() {
        let rest = rest
            .strip_prefix(['T', 't', ' '])
            .ok_or_else(|| invalid(text))?;
        let (time, offset) = split_offset(rest).ok_or_else(|| invalid(text))?;
        ms += parse_time(time).ok_or_else(|| invalid(text))?;
        ms -= offset;
    }
    Ok(ms)
}

/// `ms` when it is an instant of the years 1900 to 2999 UTC; else a message
/// naming `text`, what the caller gave, and the UTC instant it stands for.
pub(crate) fn in_range(ms: i64, text: &str) -> std::result::Result<i64, String> {
    if (MIN_MS..=MAX_MS).contains(&ms) {
        return Ok(ms);
    }
    Err(format!(
        "{} is {} in UTC, outside the years 1900 to 2999 that instants may take",
        Json::Str(text.to_string()).describe(),
        format_instant(ms)
    ))
}

fn invalid(text: &str) -> String {
    format!(
        "expected an ISO 8601 date (2026-11-22) or date-time (2026-11-22T10:30:00Z), got {}",
        Json::Str(text.to_string()).describe()
    )
}

/// The value of a run of 1 to 9 ASCII digits.
fn digits(s: &str) -> Option<i64> {
    if s.is_empty() || s.len() > 9 || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    Some(s.bytes().fold(0, |n, b| n * 10 + i64::from(b - b'0')))
}

fn parse_ymd(s: &str) -> Option<(i64, i64, i64)> {
    let b = s.as_bytes();
    if b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    Some((
        digits(slice(s, ..4))?,
        digits(slice(s, 5..7))?,
        digits(slice(s, 8..10))?,
    ))
}

/// Splits `10:30:00.5+02:00` into the time and the offset in milliseconds.
fn split_offset(s: &str) -> Option<(&str, i64)> {
    if let Some(t) = s.strip_suffix(['Z', 'z']) {
        return Some((t, 0));
    }
    match s.rfind(['+', '-']) {
        Some(i) => {
            let off = slice(s, i + 1..);
            let (h, m) = match off.len() {
                5 if off.as_bytes()[2] == b':' => {
                    (digits(slice(off, ..2))?, digits(slice(off, 3..))?)
                }
                4 => (digits(slice(off, ..2))?, digits(slice(off, 2..))?),
                2 => (digits(off)?, 0),
                _ => return None,
            };
            if h > 23 || m > 59 {
                return None;
            }
            let sign = if s.as_bytes()[i] == b'-' { -1 } else { 1 };
            Some((slice(s, ..i), sign * (h * 3_600_000 + m * 60_000)))
        }
        None => Some((s, 0)),
    }
}

fn parse_time(s: &str) -> Option<i64> {
    let (hms, frac) = match s.split_once(['.', ',']) {
        Some((hms, frac)) => (hms, Some(frac)),
        None => (s, None),
    };
    let mut parts = hms.split(':');
    let h = digits(parts.next()?)?;
    let m = digits(parts.next()?)?;
    let sec = match parts.next() {
        Some(p) => digits(p)?,
        None => 0,
    };
    if parts.next().is_some() || h > 23 || m > 59 || sec > 59 {
        return None;
    }
    let millis = match frac {
        // The first three digits, a missing one as 0 (`.5` is 500 ms; past them, truncated).
        Some(f) if !f.is_empty() && f.len() <= 9 && f.bytes().all(|b| b.is_ascii_digit()) => {
            let digit = |i: usize| f.as_bytes().get(i).map_or(0, |b| i64::from(b - b'0'));
            digit(0) * 100 + digit(1) * 10 + digit(2)
        }
        Some(_) => return None,
        None => 0,
    };
    Some(((h * 60 + m) * 60 + sec) * 1000 + millis)
}

fn is_leap(y: i64) -> bool {
    (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
}

/// Whether month `m` of year `y` has a day `d`.
fn is_date(y: i64, m: i64, d: i64) -> bool {
    (1..=12).contains(&m) && d >= 1 && d <= days_in_month(y, m)
}

fn days_in_month(y: i64, m: i64) -> i64 {
    match m {
        2 if is_leap(y) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
pub fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The calendar date of a day number (inverse of [`days_from_civil`]).
pub fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

/// The UTC calendar day (days since 1970-01-01) of an instant.
pub fn day_of(ms: i64) -> i64 {
    ms.div_euclid(DAY_MS)
}

/// `YYYY-MM-DD` of a day count since 1970-01-01.
///
/// ```
/// assert_eq!(crmscore::input::time::format_date(10_864), "1999-09-30");
/// ```
pub fn format_date(days: i64) -> String {
    slice(&format_instant(days * DAY_MS), ..10).to_string()
}

/// Parses a strict `YYYY-MM-DD` (years 0000–9999) into days since 1970-01-01;
/// `None` when malformed or the day does not exist (2026-02-30).
///
/// ```
/// use crmscore::input::time::parse_date;
/// assert_eq!(parse_date("1970-01-02"), Some(1));
/// assert_eq!((parse_date("2026-02-30"), parse_date("2026-2-3")), (None, None));
/// ```
pub fn parse_date(s: &str) -> Option<i64> {
    if s.len() != 10 || !s.is_ascii() {
        return None;
    }
    let (y, m, d) = parse_ymd(s)?;
    is_date(y, m, d).then(|| days_from_civil(y, m, d))
}

/// `YYYY-MM-DDTHH:MM:SSZ`, to the second: how rules write a timestamp.
pub fn format_seconds(ms: i64) -> String {
    let mut text = format_instant(ms - ms.rem_euclid(1000));
    text.replace_range(19..23, "");
    text
}

/// Formats epoch milliseconds as an ISO 8601 UTC date-time (`2026-11-22T00:00:00.000Z`),
/// as JavaScript's `Date.prototype.toISOString` does for the years 0 to 9999.
///
/// ```
/// assert_eq!(crmscore::input::time::format_instant(86_400_000), "1970-01-02T00:00:00.000Z");
/// ```
pub fn format_instant(ms: i64) -> String {
    let days = ms.div_euclid(DAY_MS);
    let rem = ms.rem_euclid(DAY_MS);
    let (y, m, d) = civil_from_days(days);
    let mut out = *b"0000-00-00T00:00:00.000Z";
    let mut put = |at: usize, width: usize, mut n: i64| {
        for i in (at..at + width).rev() {
            out[i] = b'0' + (n % 10) as u8;
            n /= 10;
        }
    };
    put(0, 4, y);
    put(5, 2, m);
    put(8, 2, d);
    put(11, 2, rem / 3_600_000);
    put(14, 2, rem / 60_000 % 60);
    put(17, 2, rem / 1000 % 60);
    put(20, 3, rem % 1000);
    String::from_utf8(out.to_vec()).unwrap_or_default()
}

/// Epoch milliseconds as an instant, when they are a whole number within the years 1900 to 2999.
#[inline]
pub(crate) fn instant_ms(n: f64) -> Option<i64> {
    // The range check comes first: the cast of a number in range is exact when it is whole.
    let in_range = (MIN_MS as f64..=MAX_MS as f64).contains(&n);
    Some(n as i64).filter(|&ms| in_range && ms as f64 == n)
}

/// Reads an instant of the input from the tape: an ISO 8601 string or epoch milliseconds.
pub(crate) fn instant_of_item(v: Item<'_>, path: impl Fn() -> String) -> Result<i64> {
    instant(v, &path)
}

// Out of line, the path as `dyn`: one copy for every caller in the size-budgeted module.
#[inline(never)]
fn instant(v: Item<'_>, path: &dyn Fn() -> String) -> Result<i64> {
    match v {
        Item::Str(raw) => parse_instant(raw.text(path)?)
            .map_err(|m| Error::new(ErrorCode::InvalidDate, path(), m)),
        Item::Num(n) => {
            instant_of_number(n).map_err(|m| Error::new(ErrorCode::InvalidDate, path(), m))
        }
        other => Err(Error::new(
            ErrorCode::InvalidType,
            path(),
            not_an_instant(&other.describe()),
        )),
    }
}

fn not_an_instant(found: &str) -> String {
    format!("expected an ISO 8601 date string or epoch milliseconds, got {found}")
}

/// Epoch milliseconds as an instant: a whole number for a date between 1900 and 2999.
fn instant_of_number(n: f64) -> std::result::Result<i64, String> {
    if let Some(ms) = instant_ms(n) {
        Ok(ms)
    } else {
        Err(format!(
            "expected epoch milliseconds (a whole number for a date between 1900 and 2999), got {}",
            format_number(n)
        ))
    }
}

/// Reads an instant field of the input: an ISO 8601 string or epoch milliseconds.
pub(crate) fn expect_instant(v: &Json, path: &str) -> Result<i64> {
    match v {
        Json::Str(s) => parse_instant(s).map_err(|m| Error::new(ErrorCode::InvalidDate, path, m)),
        Json::Num(n) => {
            instant_of_number(*n).map_err(|m| Error::new(ErrorCode::InvalidDate, path, m))
        }
        other => Err(Error::new(
            ErrorCode::InvalidType,
            path,
            not_an_instant(&other.describe()),
        )),
    }
}

/// Whole days from `from` to `to` (floored), for day-valued figures such as recency.
pub(crate) fn whole_days(from: i64, to: i64) -> u32 {
    ((to - from).max(0) / DAY_MS) as u32
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_canonical_forms_read_at_fixed_places_as_any_form_reads_them() {
        // Epoch ms from JavaScript's Date.parse, an independent reader of the same forms.
        for (text, ms) in [
            ("2026-11-22T10:30:00.123Z", 1_795_343_400_123),
            ("1900-01-01", -2_208_988_800_000),
            ("2999-12-31T23:59:59.999Z", 32_503_679_999_999),
            ("2000-02-29T12:00:00Z", 951_825_600_000),
            ("1969-12-31T23:59:59Z", -1_000),
        ] {
            assert_eq!(canonical(text.as_bytes()), Some(ms), "{text}");
            assert_eq!(parse_any(text), Ok(ms), "{text}");
        }
        // Every text of the canonical shapes with digits varied around each field's limits:
        // where the fixed-place reading takes one, it is the instant the general reader gives;
        // where it leaves one, the general reader decides (an instant or its error).
        let (mut taken, mut left) = (0, 0);
        for y in [
            "0000", "0001", "1900", "2000", "2023", "2024", "2100", "9999",
        ] {
            for m in ["00", "01", "02", "09", "12", "13"] {
                for d in ["00", "01", "28", "29", "30", "31", "32"] {
                    for time in [
                        "",
                        "T00:00:00Z",
                        "T23:59:59.999Z",
                        "T24:00:00Z",
                        "T12:60:00Z",
                        "T12:00:60Z",
                        "T12:00:00.5Z",
                        "T12:00:00.12aZ",
                        "t12:00:00Z",
                        "T12:00:00+01:00",
                        "T12:00:00",
                        " ",
                    ] {
                        let text = format!("{y}-{m}-{d}{time}");
                        match canonical(text.as_bytes()) {
                            Some(ms) => {
                                assert_eq!(parse_any(&text), Ok(ms), "{text}");
                                taken += 1;
                            }
                            None => left += 1,
                        }
                    }
                }
            }
        }
        // By hand: 7 years other than 0000, each with 16 calendar dates among these (January
        // and December 5, September 4, February 2) or 17 in the leap years 2000 and 2024, and
        // three times of the canonical forms: (5 × 16 + 2 × 17) × 3 = 342 of the 4,032 texts.
        assert_eq!((taken, taken + left), (342, 4_032));
        for text in [
            "2026-11-2",
            "2026-11-22Z",
            "2026/11/22",
            "+2026-11-22",
            "2026-11-22T10:30Z",
        ] {
            assert_eq!(canonical(text.as_bytes()), None, "{text}");
        }
    }

    #[test]
    fn dates_and_date_times_parse_as_utc() {
        assert_eq!(parse_instant("1970-01-01").unwrap(), 0);
        assert_eq!(parse_instant("2000-03-01").unwrap(), 951_868_800_000);
        assert_eq!(
            parse_instant("2026-11-22T10:30").unwrap(),
            parse_instant("2026-11-22").unwrap() + 37_800_000
        );
        assert_eq!(
            parse_instant("2026-11-22T10:30:15.250Z").unwrap() % 60_000,
            15_250
        );
        assert_eq!(
            parse_instant("2026-11-22T12:00:00+02:00").unwrap(),
            parse_instant("2026-11-22T10:00:00Z").unwrap()
        );
        assert_eq!(
            parse_instant("2026-11-22T00:00:00-0130").unwrap(),
            parse_instant("2026-11-22T01:30:00Z").unwrap()
        );
    }

    #[test]
    fn impossible_dates_are_refused() {
        for bad in [
            "2026-11-2\u{e9}T10",
            "2026-11-22T10:00+\u{e9}\u{e9}",
            "2026-02-29",
            "2026-13-01",
            "2026-04-31",
            "2026-11-22T24:00",
            "22/11/2026",
            "2026-1-5",
            "",
            "2026-11-22T10:61",
        ] {
            assert!(parse_instant(bad).is_err(), "{bad} should be refused");
        }
        assert!(parse_instant("2024-02-29").is_ok());
    }

    #[test]
    fn civil_round_trips() {
        for z in [-800_000, -1, 0, 1, 10_956, 20_414, 400_000] {
            let (y, m, d) = civil_from_days(z);
            assert_eq!(days_from_civil(y, m, d), z);
        }
        assert_eq!(
            format_instant(parse_instant("2026-11-22T10:30:15.250Z").unwrap()),
            "2026-11-22T10:30:15.250Z"
        );
    }

    #[test]
    fn instants_from_json_name_the_field() {
        assert_eq!(
            expect_instant(&Json::Num(86_400_000.0), "at").unwrap(),
            DAY_MS
        );
        let e = expect_instant(&Json::Str("2026-02-30".into()), "orders[0].at").unwrap_err();
        assert_eq!(
            e.to_string(),
            "orders[0].at: \"2026-02-30\" is not a calendar date"
        );
        let e = expect_instant(&Json::Num(1.5), "at").unwrap_err();
        assert_eq!(e.code(), ErrorCode::InvalidDate);
        let e = expect_instant(&Json::Bool(true), "at").unwrap_err();
        assert_eq!(e.code(), ErrorCode::InvalidType);
    }

    // Issue 16, item 8: the range was checked on the date as written, before its offset.
    // 1900-01-01T00:00Z is -2,208,988,800 s from the epoch (the NTP era offset) and
    // 3000-01-01T00:00Z is 32,503,680,000 s.
    #[test]
    fn hostile_08_the_year_range_applies_to_the_utc_instant() {
        // 1900-01-01T00:00+01:00 is 1899-12-31T23:00Z, an hour before the range opens.
        assert_eq!(
            parse_instant("1900-01-01T00:00:00+01:00").unwrap_err(),
            "\"1900-01-01T00:00:00+01:00\" is 1899-12-31T23:00:00.000Z in UTC, outside the years 1900 to 2999 that instants may take"
        );
        assert_eq!(instant_ms(-2_208_988_800_000.0 - 3_600_000.0), None);
        // 2999-12-31T23:59:59-05:00 is 3000-01-01T04:59:59Z.
        assert!(parse_instant("2999-12-31T23:59:59-05:00")
            .unwrap_err()
            .contains("is 3000-01-01T04:59:59.000Z in UTC"));
        // Written outside the range, inside it in UTC: accepted.
        assert_eq!(
            parse_instant("1899-12-31T23:00:00-01:00"),
            Ok(-2_208_988_800_000)
        );
        assert_eq!(
            parse_instant("3000-01-01T00:00:00+01:00"),
            Ok(32_503_680_000_000 - 3_600_000)
        );
        // The edges, in both forms: the first and the last millisecond of the range.
        assert_eq!(parse_instant("1900-01-01"), Ok(-2_208_988_800_000));
        assert_eq!(instant_ms(-2_208_988_800_000.0), Some(-2_208_988_800_000));
        assert_eq!(
            parse_instant("2999-12-31T23:59:59.999Z"),
            Ok(32_503_679_999_999)
        );
        assert_eq!(instant_ms(32_503_679_999_999.0), Some(32_503_679_999_999));
        assert_eq!(instant_ms(32_503_680_000_000.0), None);
        assert!(parse_instant("3000-01-01").is_err());
        assert!(parse_instant("1899-12-31").is_err());
        let e = expect_instant(&Json::Num(32_503_680_000_000.0), "options.asOf").unwrap_err();
        assert_eq!(
            (e.code(), e.path()),
            (ErrorCode::InvalidDate, "options.asOf")
        );
    }
}
