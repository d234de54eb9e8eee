//! The one error type of the crate.
//!
//! Every failure a caller can cause (a malformed customer, a typo in the
//! config, a rule that does not compile, a model from another version) is an
//! [`Error`] value with a stable machine-readable [`ErrorCode`], a `path`
//! naming the offending field in the caller's input, and a message that says
//! what was expected and what was found. In JavaScript it becomes a
//! `CrmScoreError` (a subclass of `Error`) with `code` and `path` properties.

use std::fmt;

/// A stable, machine-readable category of [`Error`].
///
/// The string form ([`ErrorCode::as_str`]) is part of the public contract:
/// JavaScript callers switch on it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorCode {
    /// A value has the wrong JSON type (a string where a number was expected...).
    InvalidType,
    /// A required field is absent.
    MissingField,
    /// A field that the schema does not know: usually a typo.
    UnknownField,
    /// A number is NaN or infinite.
    NotFinite,
    /// A number is outside its allowed range (negative amount, NPS of 11...).
    OutOfRange,
    /// A date that cannot be parsed or does not exist (2026-02-30).
    InvalidDate,
    /// A date after the `asOf` instant the customer is scored at.
    FutureDate,
    /// An input over a configured size limit.
    TooLarge,
    /// A rule that does not parse.
    RuleSyntax,
    /// A rule that parses but is ill-typed or references unknown names.
    RuleType,
    /// A segment definition that is inconsistent (duplicate id, cycle...).
    InvalidSegment,
    /// A population model that is malformed, of another version, or out of range.
    InvalidModel,
    /// A model fit that did not converge.
    FitFailed,
}

impl ErrorCode {
    /// The stable string used as `error.code` in JavaScript.
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::InvalidType => "INVALID_TYPE",
            ErrorCode::MissingField => "MISSING_FIELD",
            ErrorCode::UnknownField => "UNKNOWN_FIELD",
            ErrorCode::NotFinite => "NOT_FINITE",
            ErrorCode::OutOfRange => "OUT_OF_RANGE",
            ErrorCode::InvalidDate => "INVALID_DATE",
            ErrorCode::FutureDate => "FUTURE_DATE",
            ErrorCode::TooLarge => "TOO_LARGE",
            ErrorCode::RuleSyntax => "RULE_SYNTAX",
            ErrorCode::RuleType => "RULE_TYPE",
            ErrorCode::InvalidSegment => "INVALID_SEGMENT",
            ErrorCode::InvalidModel => "INVALID_MODEL",
            ErrorCode::FitFailed => "FIT_FAILED",
        }
    }
}

/// An error with a code, the path of the offending input, and a message.
///
/// ```
/// use crmscore::{Error, ErrorCode};
/// let e = Error::new(ErrorCode::NotFinite, "orders[3].amount", "expected a finite number, got NaN");
/// assert_eq!(e.to_string(), "orders[3].amount: expected a finite number, got NaN");
/// assert_eq!(e.code().as_str(), "NOT_FINITE");
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Error {
    code: ErrorCode,
    path: String,
    message: String,
}

impl Error {
    /// Builds an error; `path` is the field in the caller's input (`""` for the whole input).
    pub fn new(code: ErrorCode, path: impl Into<String>, message: impl Into<String>) -> Self {
        Error {
            code,
            path: path.into(),
            message: message.into(),
        }
    }

    /// The stable category.
    pub fn code(&self) -> ErrorCode {
        self.code
    }

    /// Where in the input the problem is, e.g. `orders[3].amount` or `segments[2].when`.
    pub fn path(&self) -> &str {
        &self.path
    }

    /// What was expected and what was found, without the path.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// The same error reported under a longer path (`prefix` + `.` + own path).
    pub fn under(mut self, prefix: &str) -> Self {
        self.path = join_path(prefix, &self.path);
        self
    }
}

/// Longest caller-chosen name shown whole in a path or a message: longer ones
/// are cut to this many characters and an ellipsis, so that a hostile key of a
/// megabyte cannot make a megabyte of error (which an edge worker might copy
/// into a response header).
pub const MAX_SHOWN_CHARS: usize = 64;

/// A caller-chosen name as paths and messages show it: cut after
/// [`MAX_SHOWN_CHARS`] characters, with an ellipsis.
///
/// ```
/// use crmscore::error::shown;
/// assert_eq!(shown("amount"), "amount");
/// assert_eq!(shown(&"x".repeat(100)), format!("{}…", "x".repeat(64)));
/// ```
pub fn shown(name: &str) -> std::borrow::Cow<'_, str> {
    match name.char_indices().nth(MAX_SHOWN_CHARS) {
        Some((cut, _)) => std::borrow::Cow::Owned(format!("{}…", crate::text::slice(name, ..cut))),
        None => std::borrow::Cow::Borrowed(name),
    }
}

/// A string in double quotes with Rust's escapes for quotes, backslashes and
/// control characters (`"a\"b\n"`, `"\0"`, `"\u{7}"`), as messages show a
/// caller's text. Unlike `{:?}` it leaves every other character as it is, so
/// that it needs none of core's escaping code in the size-budgeted scoring
/// module (docs/architecture.md, "Size").
///
/// ```
/// use crmscore::error::Quoted;
/// assert_eq!(Quoted("say \"hi\"\n\0\u{7}é").to_string(), r#""say \"hi\"\n\0\u{7}é""#);
/// ```
pub struct Quoted<'a>(pub &'a str);

impl fmt::Display for Quoted<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use fmt::Write;
        f.write_char('"')?;
        for c in self.0.chars() {
            match c {
                '"' | '\\' => {
                    f.write_char('\\')?;
                    f.write_char(c)?;
                }
                '\0' => f.write_str("\\0")?,
                '\t' => f.write_str("\\t")?,
                '\r' => f.write_str("\\r")?,
                '\n' => f.write_str("\\n")?,
                c if c.is_control() => write!(f, "\\u{{{:x}}}", c as u32)?,
                c => f.write_char(c)?,
            }
        }
        f.write_char('"')
    }
}

/// The path of the field named `key` (a caller's name, shown as [`shown`]
/// does) in the object at `prefix`.
pub(crate) fn key_path(prefix: &str, key: &str) -> String {
    join_path(prefix, &shown(key))
}

/// The path of item `i` of the array at `path`.
pub(crate) fn index_path(path: &str, i: usize) -> String {
    format!("{path}[{i}]")
}

/// Joins two path segments: `join_path("orders[3]", "amount") == "orders[3].amount"`.
pub(crate) fn join_path(prefix: &str, rest: &str) -> String {
    match (prefix.is_empty(), rest.is_empty()) {
        (true, _) => rest.to_string(),
        (_, true) => prefix.to_string(),
        _ => {
            // Not format!: this runs for fields read without error too.
            let mut path = String::with_capacity(prefix.len() + 1 + rest.len());
            path.push_str(prefix);
            if !rest.starts_with('[') {
                path.push('.');
            }
            path.push_str(rest);
            path
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.path.is_empty() {
            f.write_str(&self.message)
        } else {
            write!(f, "{}: {}", self.path, self.message)
        }
    }
}

impl std::error::Error for Error {}

/// The crate's result type.
pub type Result<T> = std::result::Result<T, Error>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_join_with_dots_and_brackets() {
        assert_eq!(join_path("", "amount"), "amount");
        assert_eq!(join_path("orders[3]", "amount"), "orders[3].amount");
        assert_eq!(join_path("orders", "[3]"), "orders[3]");
        assert_eq!(join_path("survey", ""), "survey");
    }

    #[test]
    fn under_prefixes_the_path() {
        let e = Error::new(ErrorCode::OutOfRange, "nps", "expected 0..10, got 11").under("survey");
        assert_eq!(e.to_string(), "survey.nps: expected 0..10, got 11");
    }
}
