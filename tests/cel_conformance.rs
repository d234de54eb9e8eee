//! Google's CEL conformance cases (tests/cel-spec/, vendored from cel-spec's
//! `tests/simple/testdata`; see its README) run against the rule language.
//!
//! Each case is an expression and its expected value or error; an expected
//! error must be an error here: a compile error (`RULE_TYPE`, `RULE_SYNTAX`)
//! or a missing value (`unknown (...)`). A case that does not give CEL's
//! answer passes only as outside the language's subset, counted under the
//! first reason of [`OUTSIDE`] that applies (mirrored in docs/rules.md, "CEL
//! conformance"); any other is a failure. `CEL_SHOW=<reason index>` prints
//! the cases of one reason.

use crmscore::input::json::{format_debug, write_string};
use crmscore::rules::{evaluate, Limits, Schema};

const FILES: [&str; 12] = [
    "basic",
    "comparisons",
    "conversions",
    "fp_math",
    "integer_math",
    "lists",
    "logic",
    "macros",
    "parse",
    "plumbing",
    "string",
    "timestamps",
];

/// The reasons a case is outside the subset, each with how it is recognised; each is a row
/// of the table in docs/rules.md, "CEL conformance", with its count (checked below).
const OUTSIDE: &[(&str, Outside)] = &[
    (
        "maps and map literals",
        Outside::Text(&["{", "map_value", "map_type"]),
    ),
    (
        "bytes",
        Outside::Text(&["b'", "b\"", "bytes(", "bytes_value", "B'", "B\""]),
    ),
    ("unsigned ints", Outside::Unsigned),
    (
        "protobuf messages, enums, types and type denotations",
        Outside::Text(&[
            "object_value",
            "type_value",
            "enum_value",
            "type(",
            "google.",
            "TestAllTypes",
            "dyn",
            "container",
            ".Value",
            "proto",
            "type:",
        ]),
    ),
    (
        "variables, bindings and undeclared names",
        Outside::Bindings,
    ),
    ("sub-second times", Outside::SubSecond),
    (
        "time zones and timestamp accessors (`getFullYear()`...), `timestamp(int)`",
        Outside::Text(&[
            ".get",
            "timestamp(1",
            "timestamp(-",
            "timestamp(0",
            "int(timestamp",
            "string(timestamp",
            "string(duration",
        ]),
    ),
    (
        "`matches`, 3-argument `map`, `has` on values, optionals",
        Outside::Text(&[
            "matches(", "matches'", ".?", "optional", "has(", "@", "cel.", "math.", "strings.",
        ]),
    ),
    (
        "the lists `filter` and `map` make",
        Outside::Text(&[".filter(", ".map("]),
    ),
    ("lists of lists", Outside::Text(&["[["])),
    (
        "dynamic typing (mixed-type lists and branches, `null` elements, the elements of `[]`, unchecked cases)",
        Outside::Heterogeneous,
    ),
    (
        "errors absorbed by the missing-value rule (`1/0 != 0 && true`)",
        Outside::AbsorbedError,
    ),
];

#[derive(Clone, Copy)]
enum Outside {
    Bindings,
    Text(&'static [&'static str]),
    Unsigned,
    SubSecond,
    Heterogeneous,
    AbsorbedError,
}

/// A parsed textproto field value: a scalar (string contents or a bare token) or a message.
#[derive(Debug, Clone)]
enum Tp {
    Scalar(String),
    Msg(Vec<(String, Tp)>),
}

impl Tp {
    fn fields(&self) -> &[(String, Tp)] {
        match self {
            Tp::Msg(f) => f,
            Tp::Scalar(_) => &[],
        }
    }
    fn get(&self, name: &str) -> Option<&Tp> {
        self.fields()
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v)
    }
    fn all<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Tp> {
        self.fields()
            .iter()
            .filter(move |(n, _)| n == name)
            .map(|(_, v)| v)
    }
    fn text(&self) -> &str {
        match self {
            Tp::Scalar(s) => s,
            Tp::Msg(_) => "",
        }
    }
}

/// A small textproto parser: `name: scalar`, `name { ... }`, `name: { ... }`, `[type.url] { ... }`,
/// `#` comments, C-escaped strings (adjacent strings concatenate).
struct Parser<'a> {
    b: &'a [u8],
    i: usize,
}

impl Parser<'_> {
    fn skip(&mut self) {
        while self.i < self.b.len() {
            match self.b[self.i] {
                b' ' | b'\t' | b'\n' | b'\r' | b',' | b';' => self.i += 1,
                b'#' => {
                    while self.i < self.b.len() && self.b[self.i] != b'\n' {
                        self.i += 1;
                    }
                }
                _ => break,
            }
        }
    }

    fn message(&mut self, close: Option<u8>) -> Vec<(String, Tp)> {
        let mut out = Vec::new();
        loop {
            self.skip();
            if self.i >= self.b.len() {
                return out;
            }
            if Some(self.b[self.i]) == close {
                self.i += 1;
                return out;
            }
            let start = self.i;
            let name = if self.b[self.i] == b'[' {
                while self.b[self.i] != b']' {
                    self.i += 1;
                }
                self.i += 1;
                String::from_utf8_lossy(&self.b[start..self.i]).into_owned()
            } else {
                while self.i < self.b.len()
                    && (self.b[self.i].is_ascii_alphanumeric() || self.b[self.i] == b'_')
                {
                    self.i += 1;
                }
                String::from_utf8_lossy(&self.b[start..self.i]).into_owned()
            };
            assert!(!name.is_empty(), "textproto: a name at byte {start}");
            self.skip();
            if self.b[self.i] == b':' {
                self.i += 1;
                self.skip();
            }
            let value = match self.b[self.i] {
                b'{' | b'<' => {
                    let close = if self.b[self.i] == b'{' { b'}' } else { b'>' };
                    self.i += 1;
                    Tp::Msg(self.message(Some(close)))
                }
                b'"' | b'\'' => {
                    let mut bytes = Vec::new();
                    while self.i < self.b.len() && matches!(self.b[self.i], b'"' | b'\'') {
                        self.string(&mut bytes);
                        self.skip();
                    }
                    Tp::Scalar(String::from_utf8_lossy(&bytes).into_owned())
                }
                _ => {
                    let start = self.i;
                    while self.i < self.b.len()
                        && !matches!(
                            self.b[self.i],
                            b' ' | b'\n' | b'\r' | b'\t' | b'}' | b'>' | b',' | b';'
                        )
                    {
                        self.i += 1;
                    }
                    Tp::Scalar(String::from_utf8_lossy(&self.b[start..self.i]).into_owned())
                }
            };
            out.push((name, value));
        }
    }

    fn string(&mut self, out: &mut Vec<u8>) {
        let quote = self.b[self.i];
        self.i += 1;
        while self.b[self.i] != quote {
            let c = self.b[self.i];
            self.i += 1;
            if c != b'\\' {
                out.push(c);
                continue;
            }
            let e = self.b[self.i];
            self.i += 1;
            let hex = |p: &mut Self, n: usize| {
                let s = std::str::from_utf8(&p.b[p.i..p.i + n]).unwrap();
                p.i += n;
                u32::from_str_radix(s, 16).unwrap()
            };
            match e {
                b'n' => out.push(b'\n'),
                b't' => out.push(b'\t'),
                b'r' => out.push(b'\r'),
                b'a' => out.push(7),
                b'b' => out.push(8),
                b'f' => out.push(12),
                b'v' => out.push(11),
                b'x' | b'X' => {
                    let v = hex(self, 2);
                    out.push(v as u8);
                }
                b'u' | b'U' => {
                    let v = hex(self, if e == b'u' { 4 } else { 8 });
                    let mut buf = [0; 4];
                    out.extend_from_slice(
                        char::from_u32(v)
                            .unwrap_or('\u{fffd}')
                            .encode_utf8(&mut buf)
                            .as_bytes(),
                    );
                }
                b'0'..=b'7' => {
                    let mut v = u32::from(e - b'0');
                    for _ in 0..2 {
                        if matches!(self.b[self.i], b'0'..=b'7') {
                            v = v * 8 + u32::from(self.b[self.i] - b'0');
                            self.i += 1;
                        }
                    }
                    out.push(v as u8);
                }
                other => out.push(other),
            }
        }
        self.i += 1;
    }
}

/// The expected value written as the rule language writes values, or `None` for an error.
fn expected(value: &Tp) -> Result<String, String> {
    let (kind, v) = value.fields().first().ok_or("an empty value")?;
    Ok(match kind.as_str() {
        "int64_value" => v
            .text()
            .parse::<i64>()
            .map_err(|e| e.to_string())?
            .to_string(),
        "double_value" => {
            let t = v.text();
            let x = match t {
                "inf" | "infinity" => f64::INFINITY,
                "-inf" | "-infinity" => f64::NEG_INFINITY,
                "nan" => f64::NAN,
                _ => t.parse::<f64>().map_err(|e| e.to_string())?,
            };
            format_debug(x)
        }
        "bool_value" => v.text().to_string(),
        "null_value" => "null".into(),
        "string_value" => {
            let mut out = String::new();
            write_string(v.text(), &mut out);
            out
        }
        "list_value" => {
            let items: Result<Vec<String>, String> = v.all("values").map(expected).collect();
            format!("[{}]", items?.join(", "))
        }
        other => return Err(format!("value kind {other}")),
    })
}

fn outside(
    reason: Outside,
    case: &Tp,
    expr: &str,
    result: &Result<String, String>,
    want: &Option<String>,
) -> bool {
    // What the case says apart from its name and description, which are prose.
    let fields: Vec<_> = case
        .fields()
        .iter()
        .filter(|(n, _)| n != "name" && n != "description")
        .collect();
    let whole = format!("{fields:?}");
    match reason {
        Outside::Bindings => {
            case.get("bindings").is_some()
                || case.get("type_env").is_some()
                || matches!(result, Err(e) if e.contains("reserved word") || e.contains("unknown field") || e.contains("unknown function"))
        }
        Outside::Text(needles) => needles
            .iter()
            // A brace in the fields is Rust's escape of a control character (`\u{1}`), not a map.
            .any(|n| expr.contains(n) || (*n != "{" && whole.contains(n))),
        Outside::Unsigned => {
            whole.contains("uint64_value")
                || expr.contains("uint(")
                || expr
                    .as_bytes()
                    .windows(2)
                    .any(|w| w[0].is_ascii_hexdigit() && (w[1] == b'u' || w[1] == b'U'))
                    && !expr.contains('\'')
                    && !expr.contains('"')
        }
        Outside::SubSecond => ["duration(", "timestamp("].iter().any(|f| {
            expr.match_indices(f).any(|(at, _)| {
                let arg = expr[at + f.len()..].trim_start_matches(['\'', '"']);
                let arg = &arg[..arg.find(['\'', '"']).unwrap_or(0)];
                arg.contains('.')
                    || arg.ends_with("ms")
                    || arg.ends_with("us")
                    || arg.ends_with("ns")
            }) || whole.contains("nanos")
        }),
        Outside::Heterogeneous => {
            want.is_some()
                && matches!(result, Err(e) if e.starts_with("RULE_TYPE")
                    && (case.get("disable_check").is_some()
                        || e.contains("must all have one type")
                        || e.contains("(null)")))
        }
        Outside::AbsorbedError => {
            want.is_none() && matches!(result, Ok(v) if !v.starts_with("unknown ("))
        }
    }
}

#[test]
fn cel_conformance() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/cel-spec");
    let schema = Schema::new();
    let limits = Limits {
        max_len: 1 << 16,
        max_depth: 128,
        max_nodes: 100_000,
    };
    let (mut passed, mut failed) = (0, Vec::new());
    let mut skipped = vec![0usize; OUTSIDE.len()];
    for file in FILES {
        let text = std::fs::read_to_string(format!("{dir}/{file}.textproto")).unwrap();
        let root = Tp::Msg(
            Parser {
                b: text.as_bytes(),
                i: 0,
            }
            .message(None),
        );
        for section in root.all("section") {
            for case in section.all("test") {
                let name = format!(
                    "{file}/{}/{}",
                    section.get("name").map_or("", Tp::text),
                    case.get("name").map_or("", Tp::text)
                );
                let expr = case.get("expr").map_or("", Tp::text);
                let want = match (case.get("value"), case.get("eval_error")) {
                    (Some(v), _) => match expected(v) {
                        Ok(v) => Some(v),
                        Err(_) => Some(String::from("(outside)")),
                    },
                    (None, Some(_)) => None,
                    // A case without an expectation expects `true` (cel-spec's simple.proto).
                    (None, None) => Some("true".into()),
                };
                let result = evaluate(expr, &schema, &limits)
                    .map_err(|e| format!("{}: {}", e.code().as_str(), e.message()));
                let ok = match (&want, &result) {
                    (Some(w), Ok(v)) => w == v,
                    (None, Err(_)) => true,
                    (None, Ok(v)) => v.starts_with("unknown ("),
                    (Some(_), Err(_)) => false,
                };
                // A case that does not give CEL's answer is looked at for a reason, and so is an
                // expected error refused when compiling, when it uses what the subset leaves out
                // (a map literal is a syntax error here, not the error the case is about).
                let refused = want.is_none() && result.is_err();
                if let Some(r) = OUTSIDE.iter().position(|&(_, o)| {
                    let feature = !matches!(o, Outside::Heterogeneous | Outside::AbsorbedError);
                    (!ok || (refused && feature)) && outside(o, case, expr, &result, &want)
                }) {
                    skipped[r] += 1;
                    if std::env::var("CEL_SHOW").is_ok_and(|v| v == r.to_string()) {
                        println!("OUTSIDE {r} {name}: `{expr}` expected {want:?}, got {result:?}");
                    }
                    continue;
                }
                if ok {
                    passed += 1;
                } else {
                    failed.push(format!(
                        "{name}: `{expr}` expected {want:?}, got {result:?}"
                    ));
                }
            }
        }
    }
    println!("CEL conformance: {passed} passed, {} failed", failed.len());
    for ((reason, _), n) in OUTSIDE.iter().zip(&skipped) {
        println!("  outside the subset: {n:4} {reason}");
    }
    for f in &failed {
        println!("FAILED {f}");
    }
    // docs/rules.md lists the same reasons with the same counts, and the cases that pass.
    let docs = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/rules.md"))
        .unwrap()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    let total = passed + failed.len() + skipped.iter().sum::<usize>();
    let claim = format!("({passed} of the {total} cases)");
    assert!(docs.contains(&claim), "docs/rules.md should say {claim}");
    for ((reason, _), n) in OUTSIDE.iter().zip(&skipped) {
        let row = format!("| {reason} | {n} |");
        assert!(
            docs.contains(&row),
            "docs/rules.md should have the row {row}"
        );
    }
    assert!(
        failed.is_empty(),
        "{} cases inside the subset failed",
        failed.len()
    );
}
