//! The tape reader (`crmscore::input::tape`), through which every JavaScript
//! value reaches the core. Two parts, both on every input:
//!
//! - the bytes as a tape ([`tape_of`]), read as the binding's `scoreTape`,
//!   `scoreManyTape` and `explainTape` read it (`ScoreOptions::read`,
//!   `Customer::read`, `write_result`, `finish`) and as configs are read
//!   (`Reader::json`): any tape gives a result or an error, never a panic; the
//!   numbers `write_result` leaves, decoded as JavaScript decodes them
//!   (`interop::result::decode`, then the segments and the next best action by
//!   index), are `score_customer`'s result; a value that reads comes back
//!   unchanged after `tape::write`, and the customer read from the rewritten
//!   tape is the one read from the original, and from the tape with every
//!   object as entries (no order record, tag 8) too;
//! - the bytes as JSON text: its value written to a tape as `js/interop.js`
//!   writes it reads back equal, and scores through the tape as `Scorer::score`
//!   scores the value.

#![no_main]

#[path = "common.rs"]
mod common;

use common::{decoded, AS_OF};
use crmscore::input::customer::{Customer, Ident};
use crmscore::input::json::Json;
use crmscore::input::tape::{Item, Name, OwnedTape, Reader, Tape};
use crmscore::{Error, ScoreOptions, Scorer};
use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;

fn scorer() -> &'static Scorer {
    static SCORER: OnceLock<Scorer> = OnceLock::new();
    SCORER.get_or_init(|| {
        let config = r#"{"abc": {"a": 1000, "b": 200}, "rfm": {"recency": [14, 45, 120, 365], "frequency": [1, 2, 4, 8], "monetary": [50, 150, 400, 1000]}}"#;
        Scorer::new(&Json::parse(config).expect("config parses")).expect("config is valid")
    })
}

/// The tape of fuzz bytes: its byte area up to the first 0xFF, then the number
/// of strings, then one number per byte:
///
/// | byte | number |
/// |---|---|
/// | 0–191 | itself (tags 0–8, counts, spans, record masks, string offsets, lengths, ordinals) |
/// | 192–199 | NaN, −0, 1e308, 0.5, 1.79e12 (epoch ms in 2026), −1.5, 1e9 + 1, 2.5 |
/// | 200–220 | the key codes −1 to −21 (−21 names no key) |
/// | 221–254 | 256, 512, … 8704 (offsets into a larger byte area) |
/// | 255 | 1e15 + 1 (just over the largest amount) |
fn tape_of(data: &[u8]) -> OwnedTape {
    let split = data.iter().position(|&b| b == 0xFF).unwrap_or(data.len());
    let rest = data.get(split + 1..).unwrap_or(&[]);
    let (strings, entries) = match rest.split_first() {
        Some((&n, entries)) => (u32::from(n), entries),
        None => (0, rest),
    };
    let nums = entries
        .iter()
        .map(|&b| match b {
            0..=191 => f64::from(b),
            192 => f64::NAN,
            193 => -0.0,
            194 => 1e308,
            195 => 0.5,
            196 => 1.79e12,
            197 => -1.5,
            198 => 1e9 + 1.0,
            199 => 2.5,
            200..=220 => -f64::from(b - 199),
            221..=254 => f64::from(b - 220) * 256.0,
            255 => 1e15 + 1.0,
        })
        .collect();
    OwnedTape {
        nums,
        bytes: data[..split].to_vec(),
        strings,
    }
}

/// Whether two values are the same, a NaN number being the same as a NaN.
fn same(a: &Json, b: &Json) -> bool {
    match (a, b) {
        (Json::Num(x), Json::Num(y)) => x == y || (x.is_nan() && y.is_nan()),
        (Json::Arr(x), Json::Arr(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(x, y)| same(x, y))
        }
        (Json::Obj(x), Json::Obj(y)) => {
            x.len() == y.len()
                && x.iter()
                    .zip(y)
                    .all(|((kx, x), (ky, y))| kx == ky && same(x, y))
        }
        _ => a == b,
    }
}

/// The customer without the ordinals of its names: the same customer read from
/// two tapes whose strings come in another order.
fn unnumbered<'t>(c: &Customer<'t>) -> Customer<'t> {
    let plain = |n: Name<'t>| Name {
        text: n.text,
        index: 0,
    };
    let mut c = c.clone();
    c.id = c.id.map(plain);
    for o in &mut c.orders {
        o.category = o.category.map(plain);
        o.account_id = o.account_id.map(|a| a.map(plain));
    }
    if let Some(s) = &mut c.survey {
        for d in &mut s.dimensions {
            d.name = plain(d.name);
        }
    }
    if let Some(w) = &mut c.wallet {
        for (n, _) in w.iter_mut() {
            *n = plain(*n);
        }
    }
    c
}

/// The text of each ordinal the customer's result can name (its id, categories,
/// survey dimensions and wallet categories), or `None` when a hand-made tape gave two different
/// strings one ordinal (JavaScript never does: each string has its own).
fn names<'t>(c: &Customer<'t>) -> Option<Vec<(i32, &'t str)>> {
    let mut all: Vec<Name<'t>> = Vec::new();
    if let Ident::Text(n) = c.id {
        all.push(n);
    }
    all.extend(c.orders.iter().filter_map(|o| o.category));
    if let Some(s) = &c.survey {
        all.extend(s.dimensions.iter().map(|d| d.name));
    }
    if let Some(w) = &c.wallet {
        all.extend(w.iter().map(|(n, _)| *n));
    }
    let mut out: Vec<(i32, &str)> = Vec::new();
    for n in all {
        match out.iter().find(|(i, _)| *i == n.index) {
            Some((_, text)) if *text != n.text => return None,
            Some(_) => {}
            None => out.push((n.index, n.text)),
        }
    }
    Some(out)
}

/// The id and the names of the maps' entries left out (entries keep their
/// order and values), to compare results whose names cannot be told apart.
fn without_names(mut v: Json) -> Json {
    if let Json::Obj(root) = &mut v {
        for (key, value) in root.iter_mut() {
            match (key.as_ref(), value) {
                ("id", value) => *value = Json::Null,
                ("value" | "satisfaction", Json::Obj(group)) => {
                    for (k, map) in group.iter_mut() {
                        if let ("categories" | "dimensions", Json::Obj(entries)) =
                            (k.as_ref(), &mut *map)
                        {
                            entries.iter_mut().for_each(|(name, _)| *name = "".into());
                        }
                        if let ("shareOfWallet", Json::Obj(share)) = (k.as_ref(), map) {
                            for (k, map) in share.iter_mut() {
                                if let ("categories", Json::Obj(entries)) = (k.as_ref(), map) {
                                    entries.iter_mut().for_each(|(name, _)| *name = "".into());
                                }
                            }
                        }
                    }
                }
                _ => {}
            }
        }
    }
    v
}

/// Checks the result `write_result` wrote for `c` at `out[at..]` against
/// `score_customer`'s; returns where the next result starts.
fn check_result(c: &Customer<'_>, options: ScoreOptions, out: &[f64], at: usize) -> usize {
    let s = scorer();
    let want = s.score_customer(c, options).to_json();
    match names(c) {
        Some(table) => {
            let text = |i: f64| {
                table
                    .iter()
                    .find(|(k, _)| f64::from(*k) == i)
                    .map_or_else(String::new, |(_, t)| t.to_string())
            };
            let (got, next) = decoded(s, out, at, &text);
            assert!(
                same(&got, &want),
                "write_result decodes to\n{}\nscore_customer gives\n{}",
                got.to_text(),
                want.to_text()
            );
            next
        }
        None => {
            let (got, next) = decoded(s, out, at, &|_| String::new());
            assert!(
                same(&without_names(got), &without_names(want)),
                "write_result and score_customer differ"
            );
            next
        }
    }
}

/// `scoreTape`: options, one customer, the whole tape read; the result checked.
fn score_tape(tape: &Tape<'_>) -> Result<(), Error> {
    let mut r = tape.reader();
    let options = ScoreOptions::read(&mut r, AS_OF)?;
    let c = Customer::read(&mut r, options.as_of, &scorer().config().limits)?;
    let mut out = Vec::new();
    scorer().write_result(&c, options, &mut out);
    r.finish()?;
    assert_eq!(check_result(&c, options, &out, 0), out.len());
    Ok(())
}

/// `scoreManyTape`: options and an array of customers, each result checked.
fn score_many_tape(tape: &Tape<'_>) -> Result<(), Error> {
    let mut r = tape.reader();
    let options = ScoreOptions::read(&mut r, AS_OF)?;
    let Item::Arr(span) = r.item()? else {
        return Ok(());
    };
    let limits = &scorer().config().limits;
    let mut items = r.inside(span);
    let mut out = Vec::new();
    let mut customers = Vec::new();
    for _ in 0..span.len {
        let c = Customer::read(&mut items, options.as_of, limits)?;
        scorer().write_result(&c, options, &mut out);
        customers.push(c);
    }
    items.finish()?;
    r.finish()?;
    let at = customers
        .iter()
        .fold(0, |at, c| check_result(c, options, &out, at));
    assert_eq!(at, out.len());
    Ok(())
}

/// `explainTape`: options and one customer; every segment explained, and
/// explained as matched exactly where the customer's result lists it.
fn explain_tape(tape: &Tape<'_>) -> Result<(), Error> {
    let mut r = tape.reader();
    let options = ScoreOptions::read(&mut r, AS_OF)?;
    let c = Customer::read(&mut r, options.as_of, &scorer().config().limits)?;
    r.finish()?;
    let explained = scorer().explain_customer(&c, options)?;
    let text = Json::Arr(explained.iter().map(|e| e.to_json()).collect()).to_text();
    serde_json::from_str::<serde_json::Value>(&text).expect("explanations are JSON text");
    assert_eq!(explained.len(), scorer().segments().definitions().len());
    let result = scorer().score_customer(&c, options);
    let mut matched: Vec<&str> = explained
        .iter()
        .filter(|e| e.matched)
        .map(|e| e.id.as_str())
        .collect();
    let mut listed: Vec<&str> = result.segments.iter().map(|m| m.id.as_str()).collect();
    matched.sort_unstable();
    listed.sort_unstable();
    assert_eq!(matched, listed);
    Ok(())
}

/// Options and a customer as `scoreTape` reads them, without the ordinals of the names.
fn read_customer<'t>(tape: &Tape<'t>) -> Result<(ScoreOptions, Customer<'t>), Error> {
    let mut r: Reader<'t> = tape.reader();
    let options = ScoreOptions::read(&mut r, AS_OF)?;
    let c = Customer::read(&mut r, options.as_of, &scorer().config().limits)?;
    Ok((options, unnumbered(&c)))
}

/// Same error: code, path and message.
fn error_of<T>(r: &Result<T, Error>) -> Option<String> {
    r.as_ref()
        .err()
        .map(|e| format!("{}|{}|{}", e.code().as_str(), e.path(), e.message()))
}

/// `v` as JavaScript hands it over: `JSON.stringify` writes -0 as 0.
fn without_minus_zero(v: &mut Json) {
    match v {
        Json::Num(n) if *n == 0.0 => *n = 0.0,
        Json::Arr(items) => items.iter_mut().for_each(without_minus_zero),
        Json::Obj(entries) => entries.iter_mut().for_each(|(_, x)| without_minus_zero(x)),
        _ => {}
    }
}

fuzz_target!(|data: &[u8]| {
    let owned = tape_of(data);
    let tape = owned.tape();
    let _ = score_tape(&tape);
    let _ = score_many_tape(&tape);
    let _ = explain_tape(&tape);

    // As a config is read: one value, the whole tape.
    let mut r = tape.reader();
    if let (Ok(v), Ok(())) = (r.json(0), r.finish()) {
        let again = OwnedTape::of(&v);
        let mut r = again.tape().reader();
        let back = r.json(0).expect("a written value reads back");
        r.finish().expect("a written value is read whole");
        assert!(same(&back, &v), "{} / {}", back.to_text(), v.to_text());
    }

    // As `scoreTape` reads it: options, then a customer. Read as values and
    // rewritten, they read as the same options and customer (or the same error).
    let mut r = tape.reader();
    if let (Ok(options), Ok(customer)) = (r.json(0), r.json(0)) {
        let mut rewritten = OwnedTape::of(&options);
        rewritten.push(&customer);
        let mut r = rewritten.tape().reader();
        assert!(same(&r.json(0).expect("options read back"), &options));
        assert!(same(&r.json(0).expect("customer reads back"), &customer));
        assert!(r.at_end());
        let (a, b) = (read_customer(&tape), read_customer(&rewritten.tape()));
        assert_eq!(error_of(&a), error_of(&b));
        if let (Ok(a), Ok(b)) = (&a, b) {
            assert_eq!(*a, b);
        }
        // Orders as records (`OwnedTape::of` writes them) or as entries: the same.
        let mut entries = OwnedTape::without_records(&options);
        entries.push_entries(&customer);
        let c = read_customer(&entries.tape());
        assert_eq!(error_of(&a), error_of(&c));
        if let (Ok(a), Ok(c)) = (a, c) {
            assert_eq!(a, c);
        }
    }

    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(mut v) = Json::parse(text) else { return };
    without_minus_zero(&mut v);
    let written = OwnedTape::of(&v);
    let mut r = written.tape().reader();
    assert_eq!(r.json(0).expect("a written tape reads back"), v);
    assert!(r.at_end());
    // Scored from its tape after null options, as `score` hands it to `scoreTape`,
    // and as a value by `Scorer::score`: the same result or the same error.
    let mut call = OwnedTape::of(&Json::Null);
    call.push(&v);
    let by_value = scorer().score(&v, AS_OF);
    match score_tape(&call.tape()) {
        Ok(()) => {
            let r = by_value.expect("scores from its tape, so scores as a value");
            let mut out = Vec::new();
            let mut reader = call.tape().reader();
            let options = ScoreOptions::read(&mut reader, AS_OF).expect("null options");
            let c = Customer::read(&mut reader, options.as_of, &scorer().config().limits)
                .expect("read once");
            scorer().write_result(&c, options, &mut out);
            let table = names(&c).expect("a written tape gives each string its own ordinal");
            let text = |i: f64| {
                table
                    .iter()
                    .find(|(k, _)| f64::from(*k) == i)
                    .map_or_else(String::new, |(_, t)| t.to_string())
            };
            let (got, end) = decoded(scorer(), &out, 0, &text);
            assert_eq!(end, out.len());
            assert!(
                same(&got, &r.to_json()),
                "{} / {}",
                got.to_text(),
                r.to_json().to_text()
            );
        }
        Err(e) => {
            let other = by_value.expect_err("fails from its tape, so fails as a value");
            assert_eq!(
                (e.code(), e.path(), e.message()),
                (other.code(), other.path(), other.message())
            );
        }
    }
});
