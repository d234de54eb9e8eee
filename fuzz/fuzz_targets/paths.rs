//! The two ways text reaches the scorer agree on arbitrary strings (issue 16,
//! items 5 and 10; issue 15, target 6): JavaScript strings (UTF-16 code units,
//! U+0000, `__proto__`, schema key names and lone surrogates included) as the
//! customer's id, categories, channels, account ids and survey dimension names,
//! and as a configured segment's action values, scored
//!
//! - through the JSON path: the value's text as `JSON.stringify` writes it (a
//!   lone surrogate as its `\udXXX` escape), read by `Json::parse`, then
//!   `Scorer::new` and `Scorer::score`;
//! - through the tape path: the value written as `js/interop.js` writes it (each
//!   string as UTF-8, a lone surrogate as its three WTF-8 bytes, the schema's
//!   keys by number, each string its own ordinal), the config read as the
//!   binding reads it (`Reader::json`), the customer as `scoreTape` reads it,
//!   its result decoded as JavaScript decodes it.
//!
//! Valid text gives the same result, or the same error (code, path and
//! message), both ways, and every string comes back exactly as given. A Rust
//! string cannot hold a lone surrogate, so the JSON path refuses one where it
//! parses the text (`INVALID_TYPE`, path `""`); the tape path refuses it where
//! it reads the field, with the field's path, unless a field read before it is
//! already refused (with the error that field gives without the surrogate).

#![no_main]

#[path = "common.rs"]
mod common;

use common::{decoded, AS_OF};
use crmscore::input::customer::Customer;
use crmscore::input::json::{format_number, Json};
use crmscore::input::tape::{OwnedTape, KEYS};
use crmscore::{Error, ErrorCode, ScoreOptions, Scorer};
use libfuzzer_sys::arbitrary::{Result, Unstructured};
use libfuzzer_sys::fuzz_target;

/// A JavaScript value, its strings as UTF-16 code units.
#[derive(Debug, Clone)]
enum Js {
    Null,
    Bool(bool),
    Num(f64),
    Str(Vec<u16>),
    Arr(Vec<Js>),
    Obj(Vec<(Vec<u16>, Js)>),
}

fn units(s: &str) -> Vec<u16> {
    s.encode_utf16().collect()
}

fn obj(entries: Vec<(&str, Js)>) -> Js {
    Js::Obj(entries.into_iter().map(|(k, v)| (units(k), v)).collect())
}

fn is_high(u: u16) -> bool {
    (0xD800..0xDC00).contains(&u)
}

fn is_low(u: u16) -> bool {
    (0xDC00..0xE000).contains(&u)
}

/// The code points of a string, a lone surrogate as itself.
fn code_points(s: &[u16]) -> Vec<u32> {
    let mut out = Vec::with_capacity(s.len());
    let mut i = 0;
    while i < s.len() {
        let c = u32::from(s[i]);
        if is_high(s[i]) && i + 1 < s.len() && is_low(s[i + 1]) {
            out.push(0x10000 + ((c - 0xD800) << 10) + (u32::from(s[i + 1]) - 0xDC00));
            i += 2;
        } else {
            out.push(c);
            i += 1;
        }
    }
    out
}

fn has_lone_surrogate(s: &[u16]) -> bool {
    code_points(s)
        .iter()
        .any(|&c| (0xD800..0xE000).contains(&c))
}

/// The string with each lone surrogate replaced by U+FFFD (as many characters, as many bytes).
fn sanitized(s: &[u16]) -> Vec<u16> {
    let mut out = Vec::with_capacity(s.len());
    for c in code_points(s) {
        match char::from_u32(c) {
            Some(ch) => out.extend(ch.encode_utf16(&mut [0; 2]).iter()),
            None => out.push(0xFFFD),
        }
    }
    out
}

fn sanitized_value(v: &Js) -> Js {
    match v {
        Js::Str(s) => Js::Str(sanitized(s)),
        Js::Arr(items) => Js::Arr(items.iter().map(sanitized_value).collect()),
        Js::Obj(entries) => Js::Obj(
            entries
                .iter()
                .map(|(k, x)| (sanitized(k), sanitized_value(x)))
                .collect(),
        ),
        other => other.clone(),
    }
}

/// The value as the crate's loose type, when all its strings are valid Unicode.
fn to_json(v: &Js) -> Option<Json> {
    Some(match v {
        Js::Null => Json::Null,
        Js::Bool(b) => Json::Bool(*b),
        Js::Num(n) => Json::Num(*n),
        Js::Str(s) => Json::Str(String::from_utf16(s).ok()?),
        Js::Arr(items) => Json::Arr(items.iter().map(to_json).collect::<Option<_>>()?),
        Js::Obj(entries) => Json::Obj(
            entries
                .iter()
                .map(|(k, x)| Some((String::from_utf16(k).ok()?.into(), to_json(x)?)))
                .collect::<Option<_>>()?,
        ),
    })
}

/// Where a lone surrogate stands, as error paths name places: a string value's
/// path, or the path of the object whose key holds one (a key's own path shows
/// it escaped and may be shortened).
fn surrogate_places(v: &Js, path: &str, out: &mut Vec<(String, bool)>) {
    match v {
        Js::Str(s) if has_lone_surrogate(s) => out.push((path.to_string(), false)),
        Js::Arr(items) => {
            for (i, x) in items.iter().enumerate() {
                surrogate_places(x, &format!("{path}[{i}]"), out);
            }
        }
        Js::Obj(entries) => {
            for (k, x) in entries {
                if has_lone_surrogate(k) {
                    out.push((path.to_string(), true));
                }
                let key = String::from_utf16_lossy(k);
                let inner = if path.is_empty() {
                    key
                } else {
                    format!("{path}.{key}")
                };
                surrogate_places(x, &inner, out);
            }
        }
        _ => {}
    }
}

/// `JSON.stringify`'s text of the value (the well-formed form: a lone surrogate as `\udXXX`).
fn stringify(v: &Js, out: &mut String) {
    match v {
        Js::Null => out.push_str("null"),
        Js::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Js::Num(n) => out.push_str(&format_number(*n)),
        Js::Str(s) => quote(s, out),
        Js::Arr(items) => {
            out.push('[');
            for (i, x) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                stringify(x, out);
            }
            out.push(']');
        }
        Js::Obj(entries) => {
            out.push('{');
            for (i, (k, x)) in entries.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                quote(k, out);
                out.push(':');
                stringify(x, out);
            }
            out.push('}');
        }
    }
}

fn quote(s: &[u16], out: &mut String) {
    out.push('"');
    for c in code_points(s) {
        match c {
            0x22 => out.push_str("\\\""),
            0x5C => out.push_str("\\\\"),
            0x08 => out.push_str("\\b"),
            0x0C => out.push_str("\\f"),
            0x0A => out.push_str("\\n"),
            0x0D => out.push_str("\\r"),
            0x09 => out.push_str("\\t"),
            c if c < 0x20 || (0xD800..0xE000).contains(&c) => out.push_str(&format!("\\u{c:04x}")),
            c => out.push(char::from_u32(c).expect("a scalar value")),
        }
    }
    out.push('"');
}

/// A tape as `js/interop.js` writes it, with the strings written, by ordinal.
#[derive(Default)]
struct Writer {
    tape: OwnedTape,
    strings: Vec<Vec<u16>>,
}

impl Writer {
    fn text(&mut self, tag: f64, s: &[u16]) {
        let start = self.tape.bytes.len();
        for c in code_points(s) {
            // UTF-8, and for a lone surrogate the same three-byte form (WTF-8).
            let b = &mut self.tape.bytes;
            match c {
                0..=0x7F => b.push(c as u8),
                0x80..=0x7FF => b.extend([0xC0 | (c >> 6) as u8, 0x80 | (c & 63) as u8]),
                0x800..=0xFFFF => b.extend([
                    0xE0 | (c >> 12) as u8,
                    0x80 | ((c >> 6) & 63) as u8,
                    0x80 | (c & 63) as u8,
                ]),
                _ => b.extend([
                    0xF0 | (c >> 18) as u8,
                    0x80 | ((c >> 12) & 63) as u8,
                    0x80 | ((c >> 6) & 63) as u8,
                    0x80 | (c & 63) as u8,
                ]),
            }
        }
        let len = self.tape.bytes.len() - start;
        self.tape
            .nums
            .extend([tag, start as f64, len as f64, self.strings.len() as f64]);
        self.strings.push(s.to_vec());
        self.tape.strings += 1;
    }

    fn value(&mut self, v: &Js) {
        fn nums(w: &mut Writer) -> &mut Vec<f64> {
            &mut w.tape.nums
        }
        match v {
            Js::Null => nums(self).push(0.0),
            Js::Bool(b) => nums(self).push(if *b { 2.0 } else { 1.0 }),
            Js::Num(n) => nums(self).extend([3.0, *n]),
            Js::Str(s) => self.text(4.0, s),
            Js::Arr(items) => {
                let head = self.tape.nums.len();
                nums(self).extend([5.0, items.len() as f64, 0.0]);
                items.iter().for_each(|x| self.value(x));
                self.tape.nums[head + 2] = (self.tape.nums.len() - head - 3) as f64;
            }
            Js::Obj(entries) => {
                let head = self.tape.nums.len();
                nums(self).extend([6.0, entries.len() as f64, 0.0]);
                for (k, x) in entries {
                    match KEYS.iter().position(|known| units(known) == *k) {
                        Some(i) => nums(self).push(-(i as f64) - 1.0),
                        None => self.text(4.0, k),
                    }
                    self.value(x);
                }
                self.tape.nums[head + 2] = (self.tape.nums.len() - head - 3) as f64;
            }
        }
    }
}

fn js_string(u: &mut Unstructured<'_>) -> Result<Vec<u16>> {
    Ok(match u.int_in_range(0..=9)? {
        0 => Vec::new(),
        1 => units(u.choose(&[
            "__proto__",
            "at",
            "id",
            "nps",
            "orders",
            "constructor",
            "\0hi",
            "\0",
            "books",
            "a\u{0}b",
        ])?),
        k => {
            let len = if k == 2 {
                u.int_in_range(250..=270)?
            } else {
                u.int_in_range(1..=12)?
            };
            let mut s = Vec::with_capacity(len);
            while s.len() < len {
                match u.int_in_range(0..=7)? {
                    0 => s.push(u.arbitrary::<u16>()?),
                    1 => s.push(*u.choose(&[
                        0x0000, 0xD800, 0xDBFF, 0xDC00, 0xDFFF, 0x0022, 0x005C, 0x000A, 0x001F,
                        0x007F, 0x00E9, 0xFEFF, 0x2028, 0xFFFF,
                    ])?),
                    2 => s.extend([0xD83D, 0xDE00]),
                    _ => s.push(u16::from(b'a' + u.int_in_range(0..=25)?)),
                }
            }
            s
        }
    })
}

fn customer(u: &mut Unstructured<'_>) -> Result<Js> {
    let id = if u.ratio(1, 8)? {
        Js::Num(f64::from(u.int_in_range(0..=99u8)?))
    } else {
        Js::Str(js_string(u)?)
    };
    let mut orders = Vec::new();
    for day in 1..=u.int_in_range(0..=3u8)? {
        let mut o = vec![
            ("at", Js::Str(units(&format!("2026-01-{day:02}")))),
            ("amount", Js::Num(f64::from(u.int_in_range(0..=500u16)?))),
        ];
        if u.ratio(3, 4)? {
            o.push(("category", Js::Str(js_string(u)?)));
        }
        if u.arbitrary()? {
            o.push(("channel", Js::Str(js_string(u)?)));
        }
        if u.ratio(1, 4)? {
            o.push(("accountId", Js::Str(js_string(u)?)));
        }
        orders.push(obj(o));
    }
    let mut c = vec![("id", id), ("orders", Js::Arr(orders))];
    if u.arbitrary()? {
        let names: Vec<Vec<u16>> = (0..u.int_in_range(0..=3)?)
            .map(|_| js_string(u))
            .collect::<Result<_>>()?;
        let map = |u: &mut Unstructured<'_>| -> Result<Js> {
            Ok(Js::Obj(
                names
                    .iter()
                    .map(|n| Ok((n.clone(), Js::Num(f64::from(u.int_in_range(0..=5u8)?)))))
                    .collect::<Result<_>>()?,
            ))
        };
        let mut survey = vec![("expectation", map(u)?), ("perception", map(u)?)];
        if u.ratio(1, 4)? {
            survey.push(("weights", map(u)?));
        }
        survey.push(("nps", Js::Num(f64::from(u.int_in_range(0..=10u8)?))));
        c.push(("survey", obj(survey)));
    }
    Ok(obj(c))
}

fn config(u: &mut Unstructured<'_>) -> Result<Js> {
    let note = Js::Str(js_string(u)?);
    let plain = Js::Str(js_string(u)?);
    Ok(obj(vec![
        // The built-ins cost most of a scorer's set-up: now and then.
        ("builtinSegments", Js::Bool(u.ratio(1, 8)?)),
        (
            "segments",
            Js::Arr(vec![
                obj(vec![
                    ("id", Js::Str(units("noted"))),
                    ("when", Js::Str(units("true"))),
                    ("goal", Js::Str(units("care"))),
                    ("actions", Js::Arr(vec![obj(vec![("note", note)]), plain])),
                    ("priority", Js::Num(1.0)),
                ]),
                obj(vec![
                    ("id", Js::Str(units("buyer"))),
                    (
                        "when",
                        Js::Str(units("value.frequency > 0 && size(categories) >= 0")),
                    ),
                    ("goal", Js::Str(units("retain"))),
                    ("actions", Js::Arr(vec![Js::Str(js_string(u)?)])),
                ]),
            ]),
        ),
    ]))
}

fn error_of(e: &Error) -> String {
    format!("{} at {:?}: {}", e.code().as_str(), e.path(), e.message())
}

/// The tape path's scorer: the config's tape read as the binding's `import` reads it.
fn tape_scorer(config: &Js) -> std::result::Result<Scorer, Error> {
    let mut w = Writer::default();
    w.value(config);
    let mut r = w.tape.tape().reader();
    let v = r.json(0)?;
    r.finish()?;
    Scorer::new(&v)
}

/// The tape path's result: null options and the customer read as `scoreTape`
/// reads them, the numbers left by `write_result` decoded as `js/score.js`
/// decodes them (names by ordinal, segments and next best action by index).
fn tape_result(s: &Scorer, customer: &Js) -> std::result::Result<Json, Error> {
    let mut w = Writer::default();
    w.value(&Js::Null);
    w.value(customer);
    let tape = w.tape.tape();
    let mut r = tape.reader();
    let options = ScoreOptions::read(&mut r, AS_OF)?;
    let c = Customer::read(&mut r, options.as_of, &s.config().limits)?;
    let mut out = Vec::new();
    s.write_result(&c, options, &mut out);
    r.finish()?;
    let names =
        |i: f64| String::from_utf16(&w.strings[i as usize]).expect("a name read is valid text");
    let (json, end) = decoded(s, &out, 0, &names);
    assert_eq!(end, out.len());
    Ok(json)
}

fn get<'j>(v: &'j Json, key: &str) -> &'j Json {
    match v {
        Json::Obj(entries) => entries
            .iter()
            .find(|(k, _)| k == key)
            .map_or(&Json::Null, |(_, x)| x),
        _ => &Json::Null,
    }
}

/// The result names every string of the customer and the config exactly as given.
fn check_round_trip(config: &Json, customer: &Json, result: &Json) {
    if let Json::Str(id) = get(customer, "id") {
        assert_eq!(
            get(result, "id"),
            &Json::Str(id.clone()),
            "the id comes back as given"
        );
    }
    let mut categories: Vec<&str> = match get(customer, "orders") {
        Json::Arr(orders) => orders
            .iter()
            .filter_map(|o| match get(o, "category") {
                Json::Str(c) => Some(c.as_str()),
                _ => None,
            })
            .collect(),
        _ => Vec::new(),
    };
    categories.sort_unstable();
    categories.dedup();
    let mut listed: Vec<&str> = match get(get(result, "value"), "categories") {
        Json::Obj(entries) => entries.iter().map(|(k, _)| k.as_ref()).collect(),
        _ => Vec::new(),
    };
    listed.sort_unstable();
    assert_eq!(listed, categories, "categories come back as given");
    if let Json::Obj(dims) = get(get(customer, "survey"), "expectation") {
        let result_dims = get(get(result, "satisfaction"), "dimensions");
        for (name, _) in dims {
            assert!(
                !matches!(get(result_dims, name), Json::Null),
                "dimension {name:?} comes back as given"
            );
        }
    }
    // The segments' actions as configured (a string starting with U+0000 once came back null).
    let Json::Arr(defined) = get(config, "segments") else {
        return;
    };
    let Json::Arr(matched) = get(result, "segments") else {
        panic!("a result lists its segments")
    };
    for m in matched {
        if let Some(d) = defined.iter().find(|d| get(d, "id") == get(m, "id")) {
            assert_eq!(
                get(m, "actions"),
                get(d, "actions"),
                "actions come back as configured"
            );
        }
    }
}

fn run(u: &mut Unstructured<'_>) -> Result<()> {
    let config = config(u)?;
    let customer = customer(u)?;
    let mut config_text = String::new();
    stringify(&config, &mut config_text);
    let mut customer_text = String::new();
    stringify(&customer, &mut customer_text);

    let by_tape = tape_scorer(&config);
    let by_text = Json::parse(&config_text).and_then(|v| Scorer::new(&v));
    let (by_text, by_tape) = match (&to_json(&config), by_text, by_tape) {
        (Some(_), Ok(a), Ok(b)) => (a, b),
        (Some(_), a, b) => {
            let (a, b) = (
                a.map(|_| ()).map_err(|e| error_of(&e)),
                b.map(|_| ()).map_err(|e| error_of(&e)),
            );
            assert_eq!(a, b, "the config is refused alike");
            return Ok(());
        }
        (None, a, b) => {
            let a = a
                .map(|_| ())
                .expect_err("JSON text with a lone surrogate does not parse");
            assert_eq!(a.code(), ErrorCode::InvalidType);
            let b = b
                .map(|_| ())
                .expect_err("a config with a lone surrogate is refused");
            surrogate_refused(&b, &config, || {
                tape_scorer(&sanitized_value(&config)).map(|_| ())
            });
            return Ok(());
        }
    };

    let by_tape_result = tape_result(&by_tape, &customer);
    match to_json(&customer) {
        Some(value) => {
            let by_text_result = Json::parse(&customer_text)
                .and_then(|v| by_text.score(&v, AS_OF))
                .map(|r| r.to_json());
            match (by_text_result, by_tape_result) {
                (Ok(a), Ok(b)) => {
                    assert_eq!(a, b, "the same result both ways");
                    check_round_trip(&to_json(&config).expect("valid config text"), &value, &a);
                }
                (a, b) => assert_eq!(
                    a.map_err(|e| error_of(&e)),
                    b.map_err(|e| error_of(&e)),
                    "refused alike"
                ),
            }
        }
        None => {
            let a = Json::parse(&customer_text)
                .expect_err("JSON text with a lone surrogate does not parse");
            assert_eq!(a.code(), ErrorCode::InvalidType);
            let b = by_tape_result.expect_err("a customer with a lone surrogate is refused");
            surrogate_refused(&b, &customer, || {
                tape_result(&by_tape, &sanitized_value(&customer)).map(|_| ())
            });
        }
    }
    Ok(())
}

/// The tape path's error for a value holding a lone surrogate: that of a field
/// holding one, or the error the value gives without its surrogates (`without`:
/// a field read before them is refused first).
fn surrogate_refused(e: &Error, v: &Js, without: impl FnOnce() -> std::result::Result<(), Error>) {
    let mut places = Vec::new();
    surrogate_places(v, "", &mut places);
    let at_surrogate = e.code() == ErrorCode::InvalidType
        && e.message()
            .starts_with("expected text that is valid Unicode, got a string with a lone surrogate")
        && places.iter().any(|(p, key)| {
            if *key {
                e.path()
                    .starts_with(&format!("{p}{}", if p.is_empty() { "" } else { "." }))
            } else {
                e.path() == p
            }
        });
    if at_surrogate {
        return;
    }
    let without = without();
    assert!(
        without.as_ref().err().map(error_of) == Some(error_of(e)),
        "{} (lone surrogates at {places:?}; without them: {without:?})",
        error_of(e)
    );
}

fuzz_target!(|data: &[u8]| {
    let _ = run(&mut Unstructured::new(data));
});
