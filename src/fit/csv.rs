//! A small CSV reader for transaction files: one transaction per record, the
//! customer, date and amount (and optionally cost) in named or numbered columns.
//!
//! - Delimiter: any ASCII character (`,` by default, `;`, tab...) with
//!   RFC 4180 quoting (`"a, b"`, `"say ""hi"""`, and a quoted field may hold
//!   line breaks: its record then spans lines, and is reported by its first
//!   line), or runs of spaces and tabs ([`Delimiter::Whitespace`], for files
//!   like CDNOW's).
//! - Lines end with `\n`, `\r\n` or a lone `\r`; blank lines are skipped; a
//!   UTF-8 byte order mark is ignored. A record longer than
//!   [`CsvOptions::max_line_length`] bytes is a bad row, so that no input
//!   makes the reader hold an unbounded record.
//! - With a header, a row with more fields than the header is a bad row: an
//!   unquoted decimal comma (`c1,2026-11-08,12,50`) would otherwise be read as 12.
//! - Customer ids: at most [`MAX_NAME_CHARS`] characters, as a customer's id.
//! - Dates: `YYYYMMDD`, or an ISO 8601 date or date-time
//!   ([`crate::input::time::parse_instant`]; a space may separate date and
//!   time), in the years 1900 to 2999 UTC.
//! - Amounts and costs: decimal numbers with a `.` (`12.50`, `1e3`), finite
//!   and ≥ 0; an empty cost cell is a cost of 0.
//!
//! A row that cannot be read is reported by line number and column
//! (`line 17: amount: expected a finite number, got "12,50"`) and skipped,
//! or, with [`CsvOptions::strict`], stops the reading with that error.

use crate::error::shown;
use crate::error::{Error, ErrorCode, Result};
use crate::input::customer::MAX_NAME_CHARS;
use crate::input::json::{check_quantity, Json};
use crate::input::time::parse_date as parse_iso_date;
use crate::input::time::{in_range, parse_instant, DAY_MS};
use std::borrow::Cow;
use std::collections::HashMap;
use std::fmt;

/// How fields are separated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Delimiter {
    /// One ASCII character, with RFC 4180 double-quote quoting.
    Byte(u8),
    /// Runs of spaces and tabs; leading and trailing ones are ignored; no quoting.
    Whitespace,
}

/// Options of [`read_transactions`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CsvOptions {
    /// Field separator. Default `,`.
    pub delimiter: Delimiter,
    /// Whether the first non-blank line names the columns. Default true.
    pub header: bool,
    /// Longest accepted record in bytes (a line, or the lines a quoted field
    /// joins), without its line ending. Default 65,536.
    pub max_line_length: usize,
    /// Stop at the first bad row with its error instead of skipping it. Default false.
    pub strict: bool,
    /// Bad rows reported in detail; further ones are only counted. Default 100.
    pub max_reported: usize,
}

impl Default for CsvOptions {
    fn default() -> Self {
        CsvOptions {
            delimiter: Delimiter::Byte(b','),
            header: true,
            max_line_length: 65_536,
            strict: false,
            max_reported: 100,
        }
    }
}

/// Which columns hold what: a header name, or a 1-based position (`"3"`)
/// when no header column has that name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ColumnNames {
    /// The customer id column (any non-empty text).
    pub customer: String,
    /// The date column.
    pub date: String,
    /// The amount column.
    pub amount: String,
    /// The cost column, when there is one.
    pub cost: Option<String>,
}

impl Default for ColumnNames {
    /// The columns `customer`, `date` and `amount`, no cost.
    fn default() -> Self {
        ColumnNames {
            customer: "customer".into(),
            date: "date".into(),
            amount: "amount".into(),
            cost: None,
        }
    }
}

/// A row that could not be read.
#[derive(Debug, Clone, PartialEq)]
pub struct BadRow {
    /// 1-based line number in the text.
    pub line: usize,
    /// The column at fault (`amount`...), empty when the whole line is.
    pub column: String,
    /// The category of the problem.
    pub code: ErrorCode,
    /// What was expected and found.
    pub message: String,
}

impl fmt::Display for BadRow {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.column.is_empty() {
            write!(f, "line {}: {}", self.line, self.message)
        } else {
            write!(f, "line {}: {}: {}", self.line, self.column, self.message)
        }
    }
}

impl From<BadRow> for Error {
    fn from(b: BadRow) -> Error {
        let message = if b.column.is_empty() {
            b.message
        } else {
            format!("{}: {}", b.column, b.message)
        };
        Error::new(b.code, format!("line {}", b.line), message)
    }
}

/// Transactions read from CSV text, as columns.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TransactionTable {
    /// Customer ids in order of first appearance; `customer[i]` indexes this list.
    pub customer_ids: Vec<String>,
    /// Customer index per transaction.
    pub customer: Vec<u32>,
    /// Instant per transaction, epoch milliseconds UTC.
    pub at_ms: Vec<i64>,
    /// Amount per transaction.
    pub amount: Vec<f64>,
    /// Cost per transaction, when a cost column was named.
    pub cost: Option<Vec<f64>>,
    /// Data rows seen (read and bad; blank lines and the header excluded).
    pub rows: usize,
    /// Bad rows skipped.
    pub skipped: usize,
    /// The first [`CsvOptions::max_reported`] bad rows.
    pub errors: Vec<BadRow>,
}

/// Reads transactions from CSV `text`.
///
/// Errors: a named column missing from the header, or a position beyond the
/// header's columns (`MissingField`, path `columns.<role>`); no header line
/// when one is expected (path `""`); with `strict`, the first bad row (path
/// `line N`).
///
/// ```
/// use crmscore::fit::csv::{read_transactions, ColumnNames, CsvOptions};
/// let text = "who,when,paid\nc1,2026-11-01,10\nc2,2026-11-02,\"12,50\"\nc1,20261103,5\n";
/// let columns = ColumnNames { customer: "who".into(), date: "when".into(), amount: "paid".into(), cost: None };
/// let t = read_transactions(text, &columns, &CsvOptions::default()).unwrap();
/// assert_eq!((t.customer_ids.len(), t.customer.as_slice(), t.skipped), (1, &[0, 0][..], 1));
/// assert_eq!(t.errors[0].to_string(), r#"line 3: paid: expected a finite number, got "12,50""#);
/// ```
pub fn read_transactions(
    text: &str,
    columns: &ColumnNames,
    options: &CsvOptions,
) -> Result<TransactionTable> {
    read_transactions_with_progress(text, columns, options, &mut |_| {})
}

/// [`read_transactions`], reporting the share of the text read (0 to 1) to
/// `progress` every 4,096 lines and at the end.
pub fn read_transactions_with_progress(
    text: &str,
    columns: &ColumnNames,
    options: &CsvOptions,
    progress: &mut dyn FnMut(f64),
) -> Result<TransactionTable> {
    read_transactions_with_lone_surrogates(text, &[], columns, options, progress)
}

/// [`read_transactions_with_progress`] of text decoded from a JavaScript
/// string that held lone surrogates, which UTF-8 cannot hold: `lone` lists,
/// in ascending order, the byte offsets in `text` of the U+FFFD that each was
/// replaced by. A row holding one is a bad row (`INVALID_TYPE`), so that two
/// ids that differ only in a lone surrogate are never read as one customer.
pub fn read_transactions_with_lone_surrogates(
    text: &str,
    lone: &[usize],
    columns: &ColumnNames,
    options: &CsvOptions,
    progress: &mut dyn FnMut(f64),
) -> Result<TransactionTable> {
    let bom = if text.starts_with('\u{feff}') { 3 } else { 0 };
    let whole = text.len().max(1) as f64;
    let quote = match options.delimiter {
        Delimiter::Byte(d) if d != b'"' => Some(d),
        _ => None,
    };
    let mut records = Records {
        text,
        at: bom,
        line: 1,
        quote,
    };
    let mut lone = lone.iter().copied().peekable();
    let mut fields: Vec<Cow<'_, str>> = Vec::new();
    let header: Option<Vec<String>> = if options.header {
        let record = records
            .by_ref()
            .find(|r| !r.text.trim().is_empty())
            .ok_or_else(|| {
                Error::new(
                    ErrorCode::MissingField,
                    "",
                    "expected a header line, got no line",
                )
            })?;
        split_line(record.text, record.line, options, &mut fields).map_err(Error::from)?;
        Some(fields.iter().map(|f| f.trim().to_string()).collect())
    } else {
        None
    };
    let find = |role: &str, spec: &str| locate(header.as_deref(), role, spec);
    let customer_col = find("customer", &columns.customer)?;
    let date_col = find("date", &columns.date)?;
    let amount_col = find("amount", &columns.amount)?;
    let cost_col = columns
        .cost
        .as_deref()
        .map(|c| find("cost", c))
        .transpose()?;
    let name = |col: usize, spec: &str| -> String {
        header
            .as_ref()
            .and_then(|h| h.get(col).cloned())
            .unwrap_or_else(|| spec.to_string())
    };
    let names = (
        name(customer_col, &columns.customer),
        name(date_col, &columns.date),
        name(amount_col, &columns.amount),
        cost_col.map(|c| name(c, columns.cost.as_deref().unwrap_or_default())),
    );
    let needed = 1 + [
        Some(customer_col),
        Some(date_col),
        Some(amount_col),
        cost_col,
    ]
    .into_iter()
    .flatten()
    .max()
    .unwrap_or(0);
    let most = header.as_ref().map(Vec::len);

    let mut table = TransactionTable {
        cost: cost_col.map(|_| Vec::new()),
        ..TransactionTable::default()
    };
    let mut ids: HashMap<String, u32> = HashMap::new();
    let mut next_report = 4096;
    for Record {
        line: number,
        text: line,
        start,
    } in records
    {
        if number >= next_report {
            progress(start as f64 / whole);
            next_report = (number / 4096 + 1) * 4096;
        }
        if line.trim().is_empty() {
            continue;
        }
        table.rows += 1;
        // The first lone surrogate at or after this record's start, if it is inside the record.
        while lone.next_if(|&at| at < start).is_some() {}
        let surrogate = lone.next_if(|&at| at < start + line.len());
        let row = split_line(line, number, options, &mut fields).and_then(|()| {
            if let Some(at) = surrogate {
                let msg = format!(
                    "expected text that is valid Unicode, got a lone surrogate at character {}",
                    line[..at - start].chars().count() + 1
                );
                return Err(bad(number, "", ErrorCode::InvalidType, msg));
            }
            if let Some(most) = most.filter(|&m| fields.len() > m) {
                let msg = format!(
                    "expected {most} fields (as in the header), got {}: a field that contains the delimiter must be quoted",
                    fields.len()
                );
                return Err(bad(number, "", ErrorCode::InvalidType, msg));
            }
            if fields.len() < needed {
                let msg = format!("expected at least {needed} fields, got {}", fields.len());
                return Err(bad(number, "", ErrorCode::MissingField, msg));
            }
            let id = fields[customer_col].trim();
            if id.is_empty() {
                return Err(bad(
                    number,
                    &names.0,
                    ErrorCode::MissingField,
                    "expected a customer id, got an empty field".into(),
                ));
            }
            if id.len() > MAX_NAME_CHARS && id.chars().count() > MAX_NAME_CHARS {
                let msg = format!(
                    "expected at most {MAX_NAME_CHARS} characters, got {}",
                    id.chars().count()
                );
                return Err(bad(number, &names.0, ErrorCode::TooLarge, msg));
            }
            let at =
                read_date(&fields[date_col]).map_err(|(code, m)| bad(number, &names.1, code, m))?;
            let amount = read_amount(&fields[amount_col])
                .map_err(|(code, m)| bad(number, &names.2, code, m))?;
            let cost = match (cost_col, &names.3) {
                (Some(c), Some(n)) if !fields[c].trim().is_empty() => {
                    Some(read_amount(&fields[c]).map_err(|(code, m)| bad(number, n, code, m))?)
                }
                (Some(_), _) => Some(0.0),
                _ => None,
            };
            Ok((id, at, amount, cost))
        });
        match row {
            Ok((id, at, amount, cost)) => {
                let next = u32::try_from(ids.len()).map_err(|_| {
                    Error::new(
                        ErrorCode::TooLarge,
                        format!("line {number}"),
                        format!("expected at most {} customers", u32::MAX),
                    )
                })?;
                let index = *ids.entry(id.to_string()).or_insert_with(|| {
                    table.customer_ids.push(id.to_string());
                    next
                });
                table.customer.push(index);
                table.at_ms.push(at);
                table.amount.push(amount);
                if let (Some(costs), Some(c)) = (table.cost.as_mut(), cost) {
                    costs.push(c);
                }
            }
            Err(b) if options.strict => return Err(b.into()),
            Err(b) => {
                table.skipped += 1;
                if table.errors.len() < options.max_reported {
                    table.errors.push(b);
                }
            }
        }
    }
    progress(1.0);
    Ok(table)
}

/// One record of the text: a line, or the lines a quoted field joins.
struct Record<'a> {
    /// The 1-based number of its first line.
    line: usize,
    /// Its text, without its line ending.
    text: &'a str,
    /// Its byte offset in the whole text.
    start: usize,
}

/// The records of a text. With `quote` (the delimiter of a quoting format),
/// a line break inside a quoted field (RFC 4180) belongs to the field; a
/// quote that no later quote closes is left to the splitter to report, and
/// its record is its line, so that the lines after it are read as usual.
struct Records<'a> {
    text: &'a str,
    /// Where the next record starts.
    at: usize,
    /// The number of the line it starts on.
    line: usize,
    quote: Option<u8>,
}

impl<'a> Iterator for Records<'a> {
    type Item = Record<'a>;

    fn next(&mut self) -> Option<Record<'a>> {
        let bytes = self.text.as_bytes();
        let start = self.at;
        if start >= bytes.len() {
            return None;
        }
        let line = self.line;
        // Most lines hold no quote and no CR but a last one: the record is the line,
        // found by a search for `\n` alone (memchr), so that long lines are read quickly.
        let rest = &self.text[start..];
        let newline = rest.find('\n');
        let physical = &rest[..newline.unwrap_or(rest.len())];
        let text = physical.strip_suffix('\r').unwrap_or(physical);
        if !text.contains('\r') && (self.quote.is_none() || !text.contains('"')) {
            self.at = newline.map_or(self.text.len(), |n| start + n + 1);
            self.line = line + 1;
            return Some(Record { line, text, start });
        }
        let mut breaks = 0;
        let mut i = start;
        let mut field_start = true;
        let end = loop {
            match bytes.get(i) {
                None => break i,
                Some(b'\n' | b'\r') => break i,
                Some(&b) if Some(b) == self.quote => {
                    field_start = true;
                    i += 1;
                }
                Some(b' ') => i += 1,
                Some(b'"') if field_start && self.quote.is_some() => {
                    match closing_quote(bytes, i + 1) {
                        Some((close, lines)) => {
                            breaks += lines;
                            i = close + 1;
                        }
                        // Unterminated: the record is the rest of this line.
                        None => {
                            let rest = &bytes[i..];
                            break i + rest
                                .iter()
                                .position(|&b| b == b'\n' || b == b'\r')
                                .unwrap_or(rest.len());
                        }
                    }
                    field_start = false;
                }
                Some(_) => {
                    field_start = false;
                    i += 1;
                }
            }
        };
        // Past the line ending: `\n`, `\r\n` or a lone `\r`.
        self.at = match bytes.get(end) {
            Some(b'\r') if bytes.get(end + 1) == Some(&b'\n') => end + 2,
            Some(_) => end + 1,
            None => end,
        };
        self.line = line + breaks + 1;
        Some(Record {
            line,
            text: &self.text[start..end],
            start,
        })
    }
}

/// The index of the quote that closes a quoted field whose text starts at
/// `from` (`""` is a quote inside it), and the line breaks before it; `None`
/// when no quote closes it.
fn closing_quote(bytes: &[u8], from: usize) -> Option<(usize, usize)> {
    let mut i = from;
    let mut lines = 0;
    loop {
        let k = i + bytes[i..]
            .iter()
            .position(|&b| matches!(b, b'"' | b'\n' | b'\r'))?;
        match bytes[k] {
            b'"' if bytes.get(k + 1) == Some(&b'"') => i = k + 2,
            b'"' => return Some((k, lines)),
            b'\r' if bytes.get(k + 1) == Some(&b'\n') => {
                lines += 1;
                i = k + 2;
            }
            _ => {
                lines += 1;
                i = k + 1;
            }
        }
    }
}

fn bad(line: usize, column: &str, code: ErrorCode, message: String) -> BadRow {
    BadRow {
        line,
        column: column.to_string(),
        code,
        message,
    }
}

/// The 0-based index of the column named `spec` in `header`, else of the 1-based position `spec`.
fn locate(header: Option<&[String]>, role: &str, spec: &str) -> Result<usize> {
    let path = format!("columns.{role}");
    if let Some(i) = header.and_then(|h| h.iter().position(|name| name == spec)) {
        return Ok(i);
    }
    let position = spec
        .parse::<usize>()
        .ok()
        .filter(|&p| p >= 1 && header.is_none_or(|h| p <= h.len()));
    match (position, header) {
        (Some(p), _) => Ok(p - 1),
        (None, Some(h)) => {
            // Names as Rust writes strings (a control character escaped), each cut to a bounded length.
            let names: Vec<String> = h
                .iter()
                .take(20)
                .map(|n| format!("{:?}", shown(n)))
                .collect();
            let more = if h.len() > 20 { ", ..." } else { "" };
            let msg = format!(
                "no column {:?} in the header (columns: {}{more})",
                shown(spec),
                names.join(", ")
            );
            Err(Error::new(ErrorCode::MissingField, path, msg))
        }
        (None, None) => {
            let msg = format!(
                "expected a 1-based column number (the file has no header), got {:?}",
                shown(spec)
            );
            Err(Error::new(ErrorCode::MissingField, path, msg))
        }
    }
}

/// Splits one record into `fields`.
fn split_line<'a>(
    line: &'a str,
    number: usize,
    options: &CsvOptions,
    fields: &mut Vec<Cow<'a, str>>,
) -> std::result::Result<(), BadRow> {
    fields.clear();
    if line.len() > options.max_line_length {
        let msg = format!(
            "{} longer than {} bytes ({} bytes)",
            // Two searches for one character each: memchr, quick on a long line.
            if line.contains('\n') || line.contains('\r') {
                "record (lines joined by a quoted field)"
            } else {
                "line"
            },
            options.max_line_length,
            line.len()
        );
        return Err(bad(number, "", ErrorCode::TooLarge, msg));
    }
    match options.delimiter {
        Delimiter::Whitespace => {
            fields.extend(
                line.split([' ', '\t'])
                    .filter(|f| !f.is_empty())
                    .map(Cow::Borrowed),
            );
            Ok(())
        }
        Delimiter::Byte(d) => split_quoted(line, d, fields).map_err(|m| {
            let breaks = Records {
                text: line,
                at: 0,
                line: number,
                quote: None,
            }
            .count();
            let m = if breaks > 1 {
                format!(
                    "{m} (a quoted field joins lines {number} to {} into this record)",
                    number + breaks - 1
                )
            } else {
                m
            };
            bad(number, "", ErrorCode::InvalidType, m)
        }),
    }
}

/// RFC 4180 splitting of one record on the ASCII delimiter `d`.
fn split_quoted<'a>(
    line: &'a str,
    d: u8,
    fields: &mut Vec<Cow<'a, str>>,
) -> std::result::Result<(), String> {
    let bytes = line.as_bytes();
    let mut i = 0;
    loop {
        // Spaces before an opening quote are allowed.
        let lead = bytes[i..].iter().take_while(|&&b| b == b' ').count();
        if bytes.get(i + lead) == Some(&b'"') && d != b'"' {
            let mut value = String::new();
            let mut j = i + lead + 1;
            let mut start = j;
            loop {
                match bytes[j..].iter().position(|&b| b == b'"') {
                    None => return Err("unterminated quoted field: no quote closes it".into()),
                    Some(k) => {
                        value.push_str(&line[start..j + k]);
                        j += k + 1;
                        if bytes.get(j) == Some(&b'"') {
                            value.push('"');
                            j += 1;
                            start = j;
                        } else {
                            break;
                        }
                    }
                }
            }
            let trail = bytes[j..].iter().take_while(|&&b| b == b' ').count();
            j += trail;
            fields.push(Cow::Owned(value));
            match bytes.get(j) {
                None => return Ok(()),
                Some(&b) if b == d => i = j + 1,
                Some(_) => {
                    return Err(format!(
                        "unexpected text after a closing quote at byte {}",
                        j + 1
                    ));
                }
            }
        } else {
            match bytes[i..].iter().position(|&b| b == d) {
                Some(k) => {
                    fields.push(Cow::Borrowed(&line[i..i + k]));
                    i += k + 1;
                }
                None => {
                    fields.push(Cow::Borrowed(&line[i..]));
                    return Ok(());
                }
            }
        }
    }
}

fn describe(s: &str) -> String {
    Json::Str(s.to_string()).describe()
}

/// A `YYYYMMDD` or ISO 8601 date or date-time, as epoch milliseconds.
fn read_date(field: &str) -> std::result::Result<i64, (ErrorCode, String)> {
    let s = field.trim();
    if s.len() == 8 && s.bytes().all(|b| b.is_ascii_digit()) {
        let iso = format!("{}-{}-{}", &s[0..4], &s[4..6], &s[6..8]);
        let days = parse_iso_date(&iso).ok_or_else(|| {
            (
                ErrorCode::InvalidDate,
                format!("{} is not a calendar date", describe(s)),
            )
        })?;
        return in_range(days * DAY_MS, s).map_err(|m| (ErrorCode::InvalidDate, m));
    }
    parse_instant(s).map_err(|m| (ErrorCode::InvalidDate, m))
}

/// A finite decimal number from 0 to [`crate::input::json::MAX_QUANTITY`].
fn read_amount(field: &str) -> std::result::Result<f64, (ErrorCode, String)> {
    let s = field.trim();
    let plain = !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'-' | b'+' | b'e' | b'E'));
    match s.parse::<f64>() {
        Ok(v) if plain && v.is_finite() => {
            check_quantity(v, String::new).map_err(|e| (e.code(), e.message().to_string()))
        }
        _ => Err((
            ErrorCode::InvalidType,
            format!("expected a finite number, got {}", describe(s)),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cols(customer: &str, date: &str, amount: &str, cost: Option<&str>) -> ColumnNames {
        ColumnNames {
            customer: customer.into(),
            date: date.into(),
            amount: amount.into(),
            cost: cost.map(Into::into),
        }
    }

    #[test]
    fn reads_quoted_fields_costs_and_crlf() {
        let text = "\u{feff}id;day;amount;cost\r\n\"a;1\";2026-01-02;10.5;2\r\n\r\nb;2026-01-03T10:00:00Z;3;\r\n\"a;1\" ; 2026-01-04 12:00 ;1e1;\"1\"\n";
        let o = CsvOptions {
            delimiter: Delimiter::Byte(b';'),
            ..CsvOptions::default()
        };
        let t = read_transactions(text, &cols("id", "day", "amount", Some("cost")), &o).unwrap();
        assert_eq!(t.errors, []);
        assert_eq!(t.customer_ids, ["a;1", "b"]);
        assert_eq!(t.customer, [0, 1, 0]);
        assert_eq!(t.amount, [10.5, 3.0, 10.0]);
        assert_eq!(t.cost.as_deref(), Some(&[2.0, 0.0, 1.0][..]));
        assert_eq!(t.at_ms[2] - t.at_ms[0], 2 * DAY_MS + 12 * 3_600_000);
        assert_eq!(t.rows, 3);
    }

    #[test]
    fn whitespace_files_without_header_use_positions() {
        let text = " 00004 0001 19970101  2   29.33\n 00004 0001 19970118  2   29.73\n";
        let o = CsvOptions {
            delimiter: Delimiter::Whitespace,
            header: false,
            ..CsvOptions::default()
        };
        let t = read_transactions(text, &cols("2", "3", "5", None), &o).unwrap();
        assert_eq!(
            (t.customer_ids.as_slice(), t.amount.as_slice()),
            (&["0001".to_string()][..], &[29.33, 29.73][..])
        );
        assert_eq!(t.at_ms[1] - t.at_ms[0], 17 * DAY_MS);
        let e = read_transactions(text, &cols("id", "3", "5", None), &o).unwrap_err();
        assert_eq!(
            (e.code(), e.path()),
            (ErrorCode::MissingField, "columns.customer")
        );
    }

    #[test]
    fn bad_rows_are_reported_by_line_and_skipped_or_fatal() {
        let text = "c,d,a\nx,2026-01-01,\"12,50\"\nx,2026-02-30,1\nx,2026-01-01,-3\nx,2026-01-01\n,2026-01-01,1\nx,2026-01-01,NaN\nx,2026-01-01,\"1\nx,2026-01-01,inf\ny,2026-01-01,7\nx,2026-01-01,2e15\n";
        let t =
            read_transactions(text, &cols("c", "d", "a", None), &CsvOptions::default()).unwrap();
        let messages: Vec<String> = t.errors.iter().map(ToString::to_string).collect();
        assert_eq!(
            messages,
            [
                r#"line 2: a: expected a finite number, got "12,50""#,
                r#"line 3: d: "2026-02-30" is not a calendar date"#,
                "line 4: a: expected a number >= 0, got -3",
                "line 5: expected at least 3 fields, got 2",
                "line 6: c: expected a customer id, got an empty field",
                r#"line 7: a: expected a finite number, got "NaN""#,
                "line 8: unterminated quoted field: no quote closes it",
                r#"line 9: a: expected a finite number, got "inf""#,
                "line 11: a: expected a number of at most 1000000000000000, got 2000000000000000",
            ]
        );
        assert_eq!(
            (t.rows, t.skipped, t.customer_ids.as_slice()),
            (10, 9, &["y".to_string()][..])
        );
        let strict = CsvOptions {
            strict: true,
            ..CsvOptions::default()
        };
        let e = read_transactions(text, &cols("c", "d", "a", None), &strict).unwrap_err();
        assert_eq!(
            e.to_string(),
            r#"line 2: a: expected a finite number, got "12,50""#
        );
        assert_eq!((e.code(), e.path()), (ErrorCode::InvalidType, "line 2"));
    }

    #[test]
    fn progress_rises_with_the_text_read() {
        let text: String = (0..10_000)
            .map(|i| format!("c{},2026-01-01,{}\n", i % 7, i % 50))
            .collect();
        let mut seen = Vec::new();
        let t = read_transactions_with_progress(
            &text,
            &cols("1", "2", "3", None),
            &CsvOptions {
                header: false,
                ..CsvOptions::default()
            },
            &mut |f| seen.push(f),
        )
        .unwrap();
        assert_eq!(t.rows, 10_000);
        // Lines 4096 and 8192 start at those shares of the text, then the end.
        let line = |n: usize| {
            text.lines().take(n - 1).map(|l| l.len() + 1).sum::<usize>() as f64 / text.len() as f64
        };
        assert_eq!(seen, [line(4096), line(8192), 1.0]);
    }

    #[test]
    fn long_lines_and_odd_input_do_not_panic() {
        let o = CsvOptions {
            max_line_length: 20,
            max_reported: 1,
            ..CsvOptions::default()
        };
        let text = format!(
            "c,d,a\n{}\nx,2026-01-01,1\n\"é\"\"\"x,1,1\n",
            "x".repeat(21)
        );
        let t = read_transactions(&text, &cols("c", "d", "a", None), &o).unwrap();
        assert_eq!(
            t.errors[0].to_string(),
            "line 2: line longer than 20 bytes (21 bytes)"
        );
        assert_eq!((t.skipped, t.errors.len(), t.customer.len()), (2, 1, 1));
        for text in [
            "",
            "\n\n",
            "\"",
            "c,d,a\n\"",
            "c,d,a\n,,,,\n",
            "c,d,a\n\"\"\"\n",
        ] {
            let _ = read_transactions(text, &cols("c", "d", "a", None), &o);
        }
        let e = read_transactions("", &cols("c", "d", "a", None), &o).unwrap_err();
        assert_eq!(e.code(), ErrorCode::MissingField);
    }

    fn read_default(text: &str) -> TransactionTable {
        read_transactions(
            text,
            &cols("customer", "date", "amount", None),
            &CsvOptions::default(),
        )
        .unwrap()
    }

    fn messages(t: &TransactionTable) -> Vec<String> {
        t.errors.iter().map(ToString::to_string).collect()
    }

    // Issue 16, item 7: a quoted field holding a line break made a bad row of its first
    // line and a bogus customer `b"` of the rest.
    #[test]
    fn hostile_07_csv_quoted_line_breaks_follow_rfc_4180() {
        let t = read_default("customer,date,amount\n\"a\nb\",2026-01-01,1\nc,2026-01-02,2\n\"x\r\ny\",2026-01-03,3\nd,2026-02-30,4\n");
        assert_eq!(t.customer_ids, ["a\nb", "c", "x\r\ny"]);
        assert_eq!(
            (&t.customer[..], &t.amount[..]),
            (&[0, 1, 2][..], &[1.0, 2.0, 3.0][..])
        );
        // Records on lines 2-3, 4, 5-6, then line 7.
        assert_eq!(
            messages(&t),
            [r#"line 7: date: "2026-02-30" is not a calendar date"#]
        );
        assert_eq!((t.rows, t.skipped), (4, 1));
        // A quote that nothing closes is its line's error; the next lines are read as usual.
        let t = read_default("customer,date,amount\n\"a,2026-01-01,1\nb,2026-01-02,2\n");
        assert_eq!(
            messages(&t),
            ["line 2: unterminated quoted field: no quote closes it"]
        );
        assert_eq!(t.customer_ids, ["b"]);
        // A quoted field closed lines below, then followed by text: one bad row, named by both lines.
        let t = read_default("customer,date,amount\n\"a\nb\"x,2026-01-01,1\nc,2026-01-02,2\n");
        assert_eq!(
            messages(&t),
            ["line 2: unexpected text after a closing quote at byte 6 (a quoted field joins lines 2 to 3 into this record)"]
        );
        assert_eq!(
            (t.customer_ids.as_slice(), t.rows),
            (&["c".to_string()][..], 2)
        );
    }

    // Issue 16, item 7: ids that differ only in a lone surrogate (which a JavaScript string may
    // hold and UTF-8 cannot) became U+FFFD and merged into one customer.
    #[test]
    fn hostile_07_csv_rows_with_lone_surrogates_are_bad_rows() {
        // Lines 2 and 3 held lone surrogates, now U+FFFD (3 bytes); line 4 holds a real U+FFFD.
        let text = "customer,date,amount\na\u{fffd},2026-01-01,1\na\u{fffd},2026-01-02,2\na\u{fffd},2026-01-03,3\n";
        // The header is 21 bytes; each row is 1 + 3 + 1 + 10 + 1 + 1 + 1 = 18 bytes.
        let lone = [21 + 1, 21 + 18 + 1];
        let t = read_transactions_with_lone_surrogates(
            text,
            &lone,
            &cols("customer", "date", "amount", None),
            &CsvOptions::default(),
            &mut |_| {},
        )
        .unwrap();
        assert_eq!(t.customer_ids, ["a\u{fffd}"]);
        assert_eq!(t.amount, [3.0]);
        assert_eq!(
            messages(&t),
            [
                "line 2: expected text that is valid Unicode, got a lone surrogate at character 2",
                "line 3: expected text that is valid Unicode, got a lone surrogate at character 2"
            ]
        );
        assert_eq!(t.errors[0].code, ErrorCode::InvalidType);
    }

    // Issue 16, item 9: an unquoted decimal comma was read as the amount's integer part.
    #[test]
    fn hostile_09_a_row_with_more_fields_than_the_header_is_a_bad_row() {
        let t = read_default("customer,date,amount\nc1,2026-11-08,12,50\nc2,2026-11-09,\"7,25\"\nc3,2026-11-09,7.25\n");
        assert_eq!(
            messages(&t),
            [
                "line 2: expected 3 fields (as in the header), got 4: a field that contains the delimiter must be quoted",
                r#"line 3: amount: expected a finite number, got "7,25""#
            ]
        );
        assert_eq!(
            (t.customer_ids.as_slice(), t.amount.as_slice()),
            (&["c3".to_string()][..], &[7.25][..])
        );
        // Without a header there is nothing to count against.
        let o = CsvOptions {
            header: false,
            ..CsvOptions::default()
        };
        let t = read_transactions("c1,2026-11-08,12,50\n", &cols("1", "2", "3", None), &o).unwrap();
        assert_eq!(t.amount, [12.0]);
    }

    // Issue 16, item 15: a file with CR line endings was one line, whose header had a
    // column "amount\ra" (printed as "amounta").
    #[test]
    fn hostile_15_csv_cr_line_endings_and_header_names_in_messages() {
        let t = read_default(
            "customer,date,amount\ra,2026-01-01,1\rb,2026-01-02,2\r\rc,2026-01-03,x\r",
        );
        assert_eq!(t.customer_ids, ["a", "b"]);
        assert_eq!(
            messages(&t),
            [r#"line 5: amount: expected a finite number, got "x""#]
        );
        // Header names in a message are escaped and cut.
        let long = "h".repeat(100);
        let text = format!("customer,date,amo\u{7}unt,{long}\n");
        let e = read_transactions(
            &text,
            &cols("customer", "date", "amount", None),
            &CsvOptions::default(),
        )
        .unwrap_err();
        assert_eq!(
            e.to_string(),
            format!(
                "columns.amount: no column \"amount\" in the header (columns: \"customer\", \"date\", \"amo\\u{{7}}unt\", \"{}…\")",
                "h".repeat(64)
            )
        );
    }

    // Issue 16, item 15: ids over 256 characters were accepted from CSV, not from objects.
    #[test]
    fn hostile_15_csv_ids_are_capped_like_customer_ids() {
        let text = format!(
            "customer,date,amount\n{},2026-01-01,1\n{},2026-01-01,2\n",
            "é".repeat(256),
            "é".repeat(257)
        );
        let t = read_default(&text);
        assert_eq!((t.customer_ids.len(), t.amount.as_slice()), (1, &[1.0][..]));
        assert_eq!(
            messages(&t),
            ["line 3: customer: expected at most 256 characters, got 257"]
        );
        assert_eq!(t.errors[0].code, ErrorCode::TooLarge);
    }

    // Issue 16, item 8: YYYYMMDD dates were not held to the years 1900 to 2999.
    #[test]
    fn hostile_08_csv_dates_are_held_to_the_range() {
        let t = read_default("customer,date,amount\na,18991231,1\nb,19000101,2\nc,1900-01-01T00:00+01:00,3\nd,29991231,4\n");
        assert_eq!(t.customer_ids, ["b", "d"]);
        assert_eq!(
            messages(&t),
            [
                r#"line 2: date: "18991231" is 1899-12-31T00:00:00.000Z in UTC, outside the years 1900 to 2999 that instants may take"#,
                r#"line 4: date: "1900-01-01T00:00+01:00" is 1899-12-31T23:00:00.000Z in UTC, outside the years 1900 to 2999 that instants may take"#
            ]
        );
    }
}
