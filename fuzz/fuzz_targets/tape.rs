//! The tape decoder (`crmscore::tape`), which reads every customer `score` and
//! `scoreMany` get from JavaScript. Two parts, both on every input:
//!
//! - the bytes as a tape: text up to the first 0xFF byte, then one tape entry
//!   per byte (0–6 tags, 7 NaN, 8 −0, 9 1e308, 10 0.5, 200–220 the key numbers
//!   −1 to −21, other n ≥ 11 the count n − 11),
//!   read into `Json` and scored, and scored by `tape::score` (after null
//!   options): any tape must give a result or an error, never a panic;
//! - the bytes as JSON text: its value written as `js/tape.js` writes it, read
//!   back, must be the same value, and score exactly as the value itself,
//!   both read back into `Json` and scored from the tape by `tape::score`
//!   (whose direct reading of customers must agree with `Customer::from_json`).

#![no_main]

#[path = "common.rs"]
mod common;

use common::AS_OF;
use crmscore::customer::Customer;
use crmscore::json::Json;
use crmscore::tape::{read_values, score, write, Flat};
use crmscore::Scorer;
use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;

fn scorer() -> &'static Scorer {
    static SCORER: OnceLock<Scorer> = OnceLock::new();
    SCORER.get_or_init(|| {
        let config = r#"{"abc": {"a": 1000, "b": 200}, "rfm": {"recency": [14, 45, 120, 365], "frequency": [1, 2, 4, 8], "monetary": [50, 150, 400, 1000]}}"#;
        Scorer::new(&Json::parse(config).expect("config parses")).expect("config is valid")
    })
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
    let split = data.iter().position(|&b| b == 0xFF).unwrap_or(data.len());
    if let Ok(text) = std::str::from_utf8(&data[..split]) {
        let tape: Vec<f64> = data.get(split + 1..).unwrap_or(&[]).iter().map(|&b| match b {
            0..=6 => f64::from(b),
            7 => f64::NAN,
            8 => -0.0,
            9 => 1e308,
            10 => 0.5,
            // Key numbers: -1 to -20 name KEYS, -21 is out of range.
            200..=220 => -f64::from(b - 199),
            n => f64::from(n - 11),
        }).collect();
        if let Ok(values) = read_values(&tape, text, 1) {
            let _ = scorer().score(&values[0], AS_OF);
        }
        // After null options, as `score` reads it: straight into a customer, or through `Json`.
        let _ = score(scorer(), &[&[0.0], &tape[..]].concat(), text, 1, |_| Ok(AS_OF.into()), |e, _| e);
    }
    let Ok(text) = std::str::from_utf8(data) else { return };
    let Ok(mut v) = Json::parse(text) else { return };
    without_minus_zero(&mut v);
    let (mut tape, mut strings) = (vec![0.0], String::new());
    write(&v, &mut tape, &mut strings);
    let back = read_values(&tape[1..], &strings, 1).expect("a written tape reads back");
    assert_eq!(back[0], v);
    let (a, b) = (scorer().score(&v, AS_OF), scorer().score(&back[0], AS_OF));
    assert_eq!(a.map_err(|e| e.to_string()), b.map_err(|e| e.to_string()));
    let flat = |f: Flat| (f.nums.iter().map(|n| n.to_bits()).collect::<Vec<_>>(), f.text);
    let direct = score(scorer(), &tape, &strings, 1, |_| Ok(AS_OF.into()), |e, _| e);
    let want = Customer::from_json(&v, AS_OF, &scorer().config().limits).map(|c| {
        let mut f = Flat::default();
        f.score(scorer(), &c, AS_OF.into());
        f
    });
    assert_eq!(direct.map(flat).map_err(|e| e.to_string()), want.map(flat).map_err(|e| e.to_string()));
});
