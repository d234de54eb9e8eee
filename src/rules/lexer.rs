//! Tokens of the rule language, and source positions for error messages.

use crate::error::{Error, ErrorCode, Result};
use crate::text::slice;

/// A byte range of the rule source, always on character boundaries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Span {
    pub start: usize,
    pub end: usize,
}

impl Span {
    pub fn new(start: usize, end: usize) -> Self {
        Span { start, end }
    }

    /// The smallest span covering both.
    pub fn to(self, other: Span) -> Span {
        Span {
            start: self.start.min(other.start),
            end: self.end.max(other.end),
        }
    }
}

/// An error pointing into the source: `line L, column C: message`, then the
/// source line and carets under the span.
pub(crate) fn error_at(code: ErrorCode, src: &str, span: Span, message: &str) -> Error {
    let start = floor_boundary(src, span.start);
    let line_start = slice(src, ..start).rfind('\n').map_or(0, |i| i + 1);
    let line_end = slice(src, start..)
        .find('\n')
        .map_or(src.len(), |i| start + i);
    let line_no = slice(src, ..start).matches('\n').count() + 1;
    let column = slice(src, line_start..start).chars().count() + 1;
    let end = floor_boundary(src, span.end.clamp(start, line_end));
    let width = slice(src, start..end).chars().count().max(1);
    let line: Vec<char> = slice(src, line_start..line_end)
        .trim_end_matches('\r')
        .chars()
        .collect();
    // A long line is shown as a window around the caret, so that the message
    // for a megabyte-long rule stays short.
    let from = if line.len() > SHOWN {
        (column - 1)
            .saturating_sub(SHOWN / 2)
            .min(line.len() - SHOWN)
    } else {
        0
    };
    let to = line.len().min(from + SHOWN);
    let mut text: String = if from > 0 {
        "...".into()
    } else {
        String::new()
    };
    // One visible character for each one of the line, so that the caret stays under
    // its place: a tab as a space, another control character as its picture (U+0000 as ␀).
    text.extend(line[from..to].iter().map(|&c| match c {
        '\t' => ' ',
        '\0'..='\u{1f}' => char::from_u32(0x2400 + u32::from(c)).unwrap_or('?'),
        '\u{7f}' => '\u{2421}',
        c if c.is_control() => '\u{fffd}',
        c => c,
    }));
    if to < line.len() {
        text.push_str("...");
    }
    let pad = column - 1 - from + if from > 0 { 3 } else { 0 };
    let width = width.min(to.saturating_sub(column - 1)).max(1);
    Error::new(
        code,
        "",
        format!(
            "line {line_no}, column {column}: {message}\n{text}\n{}{}",
            " ".repeat(pad),
            "^".repeat(width)
        ),
    )
}

/// Most characters of the source line shown under an error message.
const SHOWN: usize = 100;

fn floor_boundary(src: &str, mut i: usize) -> usize {
    i = i.min(src.len());
    while !src.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// `line L, column C` of a byte offset, for messages that mention a second position.
pub(crate) fn line_column(src: &str, offset: usize) -> (usize, usize) {
    let offset = floor_boundary(src, offset);
    let line_start = slice(src, ..offset).rfind('\n').map_or(0, |i| i + 1);
    (
        slice(src, ..offset).matches('\n').count() + 1,
        slice(src, line_start..offset).chars().count() + 1,
    )
}

/// What a token is.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Tok {
    /// An integer literal, not yet negated or range-checked.
    Int(u64),
    Double(f64),
    Str(String),
    Ident(String),
    True,
    False,
    Null,
    In,
    LParen,
    RParen,
    LBracket,
    RBracket,
    LBrace,
    RBrace,
    Comma,
    Dot,
    Question,
    Colon,
    Not,
    Minus,
    Plus,
    Star,
    Slash,
    Percent,
    Lt,
    Le,
    Gt,
    Ge,
    EqEq,
    Ne,
    AndAnd,
    OrOr,
    Eof,
}

/// A token and where it is.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Token {
    pub tok: Tok,
    pub span: Span,
}

/// Words CEL reserves; using one as a name is an error.
const RESERVED: &[&str] = &[
    "as",
    "break",
    "const",
    "continue",
    "else",
    "for",
    "function",
    "if",
    "import",
    "let",
    "loop",
    "package",
    "namespace",
    "return",
    "var",
    "void",
    "while",
];

/// Splits a rule into tokens, ending with [`Tok::Eof`].
pub(crate) fn lex(src: &str) -> Result<Vec<Token>> {
    let mut lexer = Lexer {
        src,
        pos: 0,
        tokens: Vec::new(),
    };
    lexer.run()?;
    Ok(lexer.tokens)
}

struct Lexer<'a> {
    src: &'a str,
    pos: usize,
    tokens: Vec<Token>,
}

impl<'a> Lexer<'a> {
    fn peek(&self) -> Option<char> {
        slice(self.src, self.pos..).chars().next()
    }

    fn peek2(&self) -> Option<char> {
        slice(self.src, self.pos..).chars().nth(1)
    }

    fn bump(&mut self) -> Option<char> {
        let c = self.peek()?;
        self.pos += c.len_utf8();
        Some(c)
    }

    fn err(&self, start: usize, end: usize, message: &str) -> Error {
        error_at(
            ErrorCode::RuleSyntax,
            self.src,
            Span::new(start, end),
            message,
        )
    }

    fn push(&mut self, tok: Tok, start: usize) {
        self.tokens.push(Token {
            tok,
            span: Span::new(start, self.pos),
        });
    }

    fn run(&mut self) -> Result<()> {
        loop {
            self.skip_space_and_comments();
            let start = self.pos;
            let Some(c) = self.bump() else {
                self.push(Tok::Eof, start);
                return Ok(());
            };
            let tok = match c {
                '(' => Tok::LParen,
                ')' => Tok::RParen,
                '[' => Tok::LBracket,
                ']' => Tok::RBracket,
                '{' => Tok::LBrace,
                '}' => Tok::RBrace,
                ',' => Tok::Comma,
                '?' => Tok::Question,
                ':' => Tok::Colon,
                '+' => Tok::Plus,
                '-' => Tok::Minus,
                '*' => Tok::Star,
                '/' => Tok::Slash,
                '%' => Tok::Percent,
                '.' if self.peek().is_some_and(|c| c.is_ascii_digit()) => self.number(start)?,
                '.' => Tok::Dot,
                '<' => self.either('=', Tok::Le, Tok::Lt),
                '>' => self.either('=', Tok::Ge, Tok::Gt),
                '!' => self.either('=', Tok::Ne, Tok::Not),
                '=' if self.eat('=') => Tok::EqEq,
                '=' => {
                    return Err(self.err(start, self.pos, "unexpected `=`; use `==` to compare"))
                }
                '&' if self.eat('&') => Tok::AndAnd,
                '&' => {
                    return Err(self.err(start, self.pos, "unexpected `&`; use `&&` for \"and\""))
                }
                '|' if self.eat('|') => Tok::OrOr,
                '|' => {
                    return Err(self.err(start, self.pos, "unexpected `|`; use `||` for \"or\""))
                }
                '\'' | '"' => Tok::Str(self.string(start, c, false)?),
                'r' | 'R' if matches!(self.peek(), Some('\'' | '"')) => {
                    let quote = self.bump().unwrap_or('\'');
                    Tok::Str(self.string(start, quote, true)?)
                }
                'b' | 'B' if matches!(self.peek(), Some('\'' | '"')) => {
                    return Err(self.err(start, self.pos, "bytes literals are not supported"))
                }
                c if c.is_ascii_digit() => self.number(start)?,
                c if c.is_ascii_alphabetic() || c == '_' => self.word(start)?,
                c => {
                    // A control character (U+0000...) is named, not printed.
                    let what = if c.is_control() {
                        format!("unexpected character U+{:04X}", u32::from(c))
                    } else {
                        format!("unexpected character `{c}`")
                    };
                    return Err(self.err(start, self.pos, &what));
                }
            };
            self.push(tok, start);
        }
    }

    fn skip_space_and_comments(&mut self) {
        loop {
            match self.peek() {
                Some(c) if c.is_whitespace() => {
                    self.bump();
                }
                Some('/') if self.peek2() == Some('/') => {
                    while self.peek().is_some_and(|c| c != '\n') {
                        self.bump();
                    }
                }
                _ => return,
            }
        }
    }

    fn eat(&mut self, c: char) -> bool {
        if self.peek() == Some(c) {
            self.pos += c.len_utf8();
            true
        } else {
            false
        }
    }

    fn either(&mut self, next: char, two: Tok, one: Tok) -> Tok {
        if self.eat(next) {
            two
        } else {
            one
        }
    }

    fn word(&mut self, start: usize) -> Result<Tok> {
        while self
            .peek()
            .is_some_and(|c| c.is_ascii_alphanumeric() || c == '_')
        {
            self.bump();
        }
        let word = slice(self.src, start..self.pos);
        Ok(match word {
            "true" => Tok::True,
            "false" => Tok::False,
            "null" => Tok::Null,
            "in" => Tok::In,
            w if RESERVED.contains(&w) => {
                return Err(self.err(
                    start,
                    self.pos,
                    &format!("`{w}` is a reserved word and cannot be used as a name"),
                ))
            }
            w => Tok::Ident(w.to_string()),
        })
    }

    fn digits(&mut self, radix: u32) -> usize {
        let from = self.pos;
        while self.peek().is_some_and(|c| c.is_digit(radix)) {
            self.bump();
        }
        self.pos - from
    }

    fn number(&mut self, start: usize) -> Result<Tok> {
        let first = slice(self.src, start..self.pos);
        if first == "0" && matches!(self.peek(), Some('x' | 'X')) {
            self.bump();
            if self.digits(16) == 0 {
                return Err(self.err(start, self.pos, "expected hexadecimal digits after `0x`"));
            }
            let value = u64::from_str_radix(slice(self.src, start + 2..self.pos), 16);
            return self.int_end(start, value.ok());
        }
        let mut is_double = first == ".";
        self.digits(10);
        if !is_double
            && self.peek() == Some('.')
            && self.peek2().is_some_and(|c| c.is_ascii_digit())
        {
            self.bump();
            self.digits(10);
            is_double = true;
        }
        if matches!(self.peek(), Some('e' | 'E')) {
            self.bump();
            if matches!(self.peek(), Some('+' | '-')) {
                self.bump();
            }
            if self.digits(10) == 0 {
                return Err(self.err(
                    start,
                    self.pos,
                    "expected digits in the exponent of a number",
                ));
            }
            is_double = true;
        }
        let text = slice(self.src, start..self.pos);
        if is_double {
            return match crate::input::decimal::parse(text) {
                Some(v) if v.is_finite() => Ok(Tok::Double(v)),
                _ => Err(self.err(
                    start,
                    self.pos,
                    &format!("number `{text}` is out of range for double"),
                )),
            };
        }
        self.int_end(start, text.parse::<u64>().ok())
    }

    fn int_end(&mut self, start: usize, value: Option<u64>) -> Result<Tok> {
        if matches!(self.peek(), Some('u' | 'U')) {
            self.bump();
            return Err(self.err(
                start,
                self.pos,
                "unsigned integers are not supported; drop the `u` suffix",
            ));
        }
        match value {
            Some(v) => Ok(Tok::Int(v)),
            None => Err(self.err(
                start,
                self.pos,
                &format!(
                    "integer `{}` is out of range for int",
                    slice(self.src, start..self.pos)
                ),
            )),
        }
    }

    /// A string after its opening quote. Three quotes open CEL's triple-quoted
    /// form (`'''...'''`, `"""..."""`), which may span lines and hold single quotes.
    fn string(&mut self, start: usize, quote: char, raw: bool) -> Result<String> {
        let triple = self.peek() == Some(quote) && self.peek2() == Some(quote);
        if triple {
            self.pos += 2;
        }
        let opened = self.pos;
        let closing = if triple {
            format!("{quote}{quote}{quote}")
        } else {
            quote.to_string()
        };
        let mut out = String::new();
        loop {
            let at = self.pos;
            match self.bump() {
                Some(c @ ('\n' | '\r')) if triple => out.push(c),
                None | Some('\n') | Some('\r') => {
                    let end = if triple { opened } else { start + 1 };
                    return Err(self.err(
                        start,
                        end,
                        &format!("unterminated string: missing closing `{closing}`"),
                    ));
                }
                Some(c)
                    if c == quote
                        && slice(self.src, self.pos..).starts_with(slice(&closing, 1..)) =>
                {
                    self.pos += closing.len() - 1;
                    return Ok(out);
                }
                Some('\\') if !raw => out.push(self.escape(at)?),
                Some(c) => out.push(c),
            }
        }
    }

    /// Decodes one escape sequence after its `\` (at `at`), per CEL's string literal grammar.
    fn escape(&mut self, at: usize) -> Result<char> {
        let c = self.bump();
        let simple = match c {
            Some('a') => Some('\u{7}'),
            Some('b') => Some('\u{8}'),
            Some('f') => Some('\u{c}'),
            Some('n') => Some('\n'),
            Some('r') => Some('\r'),
            Some('t') => Some('\t'),
            Some('v') => Some('\u{b}'),
            Some(c @ ('\\' | '\'' | '"' | '`' | '?')) => Some(c),
            _ => None,
        };
        if let Some(s) = simple {
            return Ok(s);
        }
        let (count, radix) = match c {
            Some('x' | 'X') => (2, 16),
            Some('u') => (4, 16),
            Some('U') => (8, 16),
            Some('0'..='3') => (2, 8),
            _ => {
                let shown = slice(self.src, at..self.pos);
                return Err(self.err(at, self.pos, &format!("invalid escape `{shown}` in string")));
            }
        };
        let digits_start = if radix == 8 { self.pos - 1 } else { self.pos };
        for _ in 0..count {
            if !self.peek().is_some_and(|c| c.is_digit(radix)) {
                let shown = slice(self.src, at..self.pos);
                let what = if radix == 8 {
                    "3 octal digits"
                } else {
                    "hexadecimal digits"
                };
                return Err(self.err(
                    at,
                    self.pos,
                    &format!("invalid escape `{shown}`: expected {what}"),
                ));
            }
            self.bump();
        }
        let value = u32::from_str_radix(slice(self.src, digits_start..self.pos), radix).ok();
        match value.and_then(char::from_u32) {
            Some(c) => Ok(c),
            None => {
                let shown = slice(self.src, at..self.pos);
                Err(self.err(
                    at,
                    self.pos,
                    &format!("invalid escape `{shown}`: not a Unicode scalar value"),
                ))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn toks(src: &str) -> Vec<Tok> {
        lex(src)
            .map(|t| t.into_iter().map(|t| t.tok).collect())
            .unwrap_or_else(|e| panic!("{e}"))
    }

    fn err(src: &str) -> String {
        match lex(src) {
            Ok(t) => panic!("expected an error, got {t:?}"),
            Err(e) => {
                assert_eq!(e.code(), ErrorCode::RuleSyntax);
                e.message().to_string()
            }
        }
    }

    fn string(src: &str) -> String {
        match toks(src).as_slice() {
            [Tok::Str(s), Tok::Eof] => s.clone(),
            other => panic!("not a string: {other:?}"),
        }
    }

    #[test]
    fn operators_and_words() {
        assert_eq!(
            toks("a.b <= 1 && !c || d != 'x' ? e : f in [g]"),
            vec![
                Tok::Ident("a".into()),
                Tok::Dot,
                Tok::Ident("b".into()),
                Tok::Le,
                Tok::Int(1),
                Tok::AndAnd,
                Tok::Not,
                Tok::Ident("c".into()),
                Tok::OrOr,
                Tok::Ident("d".into()),
                Tok::Ne,
                Tok::Str("x".into()),
                Tok::Question,
                Tok::Ident("e".into()),
                Tok::Colon,
                Tok::Ident("f".into()),
                Tok::In,
                Tok::LBracket,
                Tok::Ident("g".into()),
                Tok::RBracket,
                Tok::Eof,
            ]
        );
    }

    // Number forms from cel-spec tests/simple/testdata/basic.textproto
    // (self_eval_int_hex, self_eval_float_zerowithexp, `.99` in comparisons.textproto).
    #[test]
    fn numbers() {
        assert_eq!(
            toks("0x1F 1.5 1e3 0e+0 .99 2.5E-1"),
            vec![
                Tok::Int(31),
                Tok::Double(1.5),
                Tok::Double(1000.0),
                Tok::Double(0.0),
                Tok::Double(0.99),
                Tok::Double(0.25),
                Tok::Eof
            ]
        );
        assert_eq!(
            toks("9223372036854775808"),
            vec![Tok::Int(9223372036854775808), Tok::Eof]
        );
        assert_eq!(
            toks("1.foo"),
            vec![Tok::Int(1), Tok::Dot, Tok::Ident("foo".into()), Tok::Eof]
        );
    }

    // Escapes from cel-spec doc/langdef.md "String and Bytes Values" and basic.textproto
    // (self_eval_unicode_escape_four `"\u270c"`, self_eval_unicode_escape_eight `"\U0001f431"`).
    #[test]
    fn string_escapes() {
        assert_eq!(string(r"'\x41'"), "A");
        assert_eq!(string(r#""\u00e9""#), "é");
        assert_eq!(string(r#""\u270c""#), "✌");
        assert_eq!(string(r#""\U0001f431""#), "🐱");
        assert_eq!(string(r"'\''"), "'");
        assert_eq!(string(r#""\"""#), "\"");
        assert_eq!(string(r"'a\n\t\\b'"), "a\n\t\\b");
        assert_eq!(string(r"'\101'"), "A");
        assert_eq!(string(r#"'say "hi"'"#), "say \"hi\"");
        assert_eq!(string(r"r'a\nb'"), "a\\nb");
        assert_eq!(string(r#"R"\d+""#), "\\d+");
    }

    // cel-spec doc/langdef.md "String and Bytes Values": triple-quoted literals may contain
    // newlines and any unescaped characters but the delimiter ('''x''x''' is the four characters x''x).
    #[test]
    fn triple_quoted_strings() {
        assert_eq!(string("'''x''x'''"), "x''x");
        assert_eq!(string(r#""""say "hi" now""""#), "say \"hi\" now");
        assert_eq!(string("'''two\nlines'''"), "two\nlines");
        assert_eq!(string(r"'''a\tb'''"), "a\tb");
        assert_eq!(string(r"r'''a\tb'''"), "a\\tb");
        assert_eq!(string("''''''"), "");
        assert_eq!(
            toks("'' == ''"),
            vec![
                Tok::Str(String::new()),
                Tok::EqEq,
                Tok::Str(String::new()),
                Tok::Eof
            ]
        );
        assert_eq!(
            err("x == '''abc\n"),
            "line 1, column 6: unterminated string: missing closing `'''`\nx == '''abc\n     ^^^"
        );
    }

    #[test]
    fn long_lines_are_shown_around_the_caret() {
        let src = format!("{} # {}", "a ".repeat(200), "b ".repeat(100));
        // `#` is character 402; the 100 characters shown start 50 before it, at the 352nd, after "...".
        let shown = format!("...{}...", &src[351..451]);
        assert_eq!(
            err(&src),
            format!(
                "line 1, column 402: unexpected character `#`\n{shown}\n{}^",
                " ".repeat(53)
            )
        );
    }

    #[test]
    fn comments_are_skipped() {
        assert_eq!(
            toks("a // the a\n|| b"),
            vec![
                Tok::Ident("a".into()),
                Tok::OrOr,
                Tok::Ident("b".into()),
                Tok::Eof
            ]
        );
    }

    #[test]
    fn lexical_errors_point_at_the_offending_text() {
        assert_eq!(
            err("a = 1"),
            "line 1, column 3: unexpected `=`; use `==` to compare\na = 1\n  ^"
        );
        assert_eq!(
            err("a & b"),
            "line 1, column 3: unexpected `&`; use `&&` for \"and\"\na & b\n  ^"
        );
        assert_eq!(
            err("a # b"),
            "line 1, column 3: unexpected character `#`\na # b\n  ^"
        );
        assert_eq!(
            err("x == 'abc"),
            "line 1, column 6: unterminated string: missing closing `'`\nx == 'abc\n     ^"
        );
        assert_eq!(
            err(r"'a\qb'"),
            "line 1, column 3: invalid escape `\\q` in string\n'a\\qb'\n  ^^"
        );
        assert_eq!(
            err(r"'\xZ1'"),
            "line 1, column 2: invalid escape `\\x`: expected hexadecimal digits\n'\\xZ1'\n ^^"
        );
        assert_eq!(
            err("x > 99999999999999999999"),
            "line 1, column 5: integer `99999999999999999999` is out of range for int\n\
             x > 99999999999999999999\n    ^^^^^^^^^^^^^^^^^^^^"
        );
        assert_eq!(
            err("1u"),
            "line 1, column 1: unsigned integers are not supported; drop the `u` suffix\n1u\n^^"
        );
        assert_eq!(
            err("1e"),
            "line 1, column 1: expected digits in the exponent of a number\n1e\n^^"
        );
        assert_eq!(
            err("if"),
            "line 1, column 1: `if` is a reserved word and cannot be used as a name\nif\n^^"
        );
    }

    #[test]
    fn positions_count_lines_and_characters() {
        assert_eq!(
            err("a &&\n 'é' # b"),
            "line 2, column 6: unexpected character `#`\n 'é' # b\n     ^"
        );
        assert_eq!(err("é"), "line 1, column 1: unexpected character `é`\né\n^");
        assert_eq!(line_column("ab\ncd", 4), (2, 2));
    }

    // Issue 16, item 15: a NUL in a rule was printed raw in the message and under the caret.
    #[test]
    fn hostile_15_control_characters_are_named_and_drawn() {
        assert_eq!(
            err("value.frequency >= \0 1"),
            "line 1, column 20: unexpected character U+0000\nvalue.frequency >= \u{2400} 1\n                   ^"
        );
        // Before the caret, each control character is one visible character, so the caret stays in place.
        assert_eq!(
            err("a\u{1}\u{7f} # b"),
            "line 1, column 2: unexpected character U+0001\na\u{2401}\u{2421} # b\n ^"
        );
    }
}
