//! Customers in and results out as flat arrays: how the JavaScript binding
//! passes plain data across the boundary without JSON text.
//!
//! Writing a customer as JSON text, reading that text back, writing the result
//! as text and having JavaScript parse it cost several times what scoring does
//! (profiled: 40 of the 47 µs of a 10-order customer in Node). Instead the
//! binding walks the input once into a *tape* of numbers plus one string
//! holding every string of the input, and reads the result back from numbers
//! plus one string.
//!
//! A tape holds values one after another; each starts with a tag:
//!
//! | tag | value | followed by |
//! |---|---|---|
//! | 0 | `null` (or `undefined`) | |
//! | 1, 2 | `false`, `true` | |
//! | 3 | a number | the number |
//! | 4 | a string | its length in UTF-16 code units (the string is the next one in the text) |
//! | 5 | an array | its length, then each element |
//! | 6 | an object | its number of entries, then for each the key (its length, or -(i + 1) for [`KEYS`]\[i\]) and the value |
//!
//! ```
//! use crmscore::{json::Json, tape::read_values};
//! let tape = [6.0, 1.0, 2.0, 5.0, 2.0, 3.0, 1.5, 4.0, 1.0];
//! let values = read_values(&tape, "idx", 1).unwrap();
//! assert_eq!(values[0], Json::parse(r#"{"id": [1.5, "x"]}"#).unwrap());
//! ```

use crate::error::{Error, ErrorCode, Result};
use crate::json::{Json, Key, MAX_DEPTH};
use crate::score::ScoreResult;
use std::borrow::Cow;

/// The keys of customers and options, which a tape gives by number (`tapeKeys`).
pub const KEYS: [&str; 20] = [
    "at", "amount", "category", "cost", "discount", "channel", "accountId", "id", "firstSeen", "orders", "survey",
    "complaints", "returns", "referrals", "expectation", "perception", "weights", "nps", "asOf", "horizonDays",
];

struct Reader<'t> {
    tape: &'t [f64],
    at: usize,
    text: &'t str,
    ascii: bool,
}

fn malformed() -> Error {
    Error::new(ErrorCode::InvalidType, "", "malformed input tape (write it with the package's JavaScript, not by hand)")
}

impl<'t> Reader<'t> {
    #[inline(always)]
    fn next(&mut self) -> Result<f64> {
        let v = *self.tape.get(self.at).ok_or_else(malformed)?;
        self.at += 1;
        Ok(v)
    }

    /// A count or a length: a whole number no larger than what is left to read.
    #[inline(always)]
    fn count(&mut self, left: usize) -> Result<usize> {
        let n = self.next()?;
        if !(0.0..=left as f64).contains(&n) || n.fract() != 0.0 {
            return Err(malformed());
        }
        Ok(n as usize)
    }

    fn string(&mut self) -> Result<String> {
        self.str().map(str::to_owned)
    }

    /// A key: one of the schema's names is borrowed, not copied.
    /// A key: -(i + 1) for `KEYS[i]`, borrowed; else a string of the text.
    fn key(&mut self) -> Result<Key> {
        match self.tape.get(self.at) {
            Some(&code) if code < 0.0 => {
                self.at += 1;
                let known = KEYS.get((-code - 1.0) as usize).filter(|_| code.fract() == 0.0);
                known.map(|&k| Cow::Borrowed(k)).ok_or_else(malformed)
            }
            _ => self.str().map(|s| Cow::Owned(s.to_owned())),
        }
    }

    fn str(&mut self) -> Result<&'t str> {
        let units = self.count(self.text.len())?;
        let bytes = if self.ascii {
            units
        } else {
            let mut seen = 0;
            let end = self.text.char_indices().find_map(|(i, c)| {
                let before = seen;
                seen += c.len_utf16();
                (before == units).then_some(i)
            });
            match end {
                Some(i) => i,
                None if seen == units => self.text.len(),
                None => return Err(malformed()),
            }
        };
        let (s, rest) = self.text.split_at_checked(bytes).ok_or_else(malformed)?;
        self.text = rest;
        Ok(s)
    }

    fn value(&mut self, depth: usize) -> Result<Json> {
        if depth > MAX_DEPTH {
            return Err(malformed());
        }
        Ok(match self.next()? {
            0.0 => Json::Null,
            1.0 => Json::Bool(false),
            2.0 => Json::Bool(true),
            // JSON writes -0 as 0: so does the tape.
            3.0 => Json::Num(self.next()? + 0.0),
            4.0 => Json::Str(self.string()?),
            5.0 => {
                let n = self.count(self.tape.len() - self.at)?;
                let mut items = Vec::with_capacity(n);
                for _ in 0..n {
                    items.push(self.value(depth + 1)?);
                }
                Json::Arr(items)
            }
            6.0 => {
                let n = self.count((self.tape.len() - self.at) / 2)?;
                let mut entries = Vec::with_capacity(n);
                for _ in 0..n {
                    let key = self.key()?;
                    entries.push((key, self.value(depth + 1)?));
                }
                Json::Obj(entries)
            }
            _ => return Err(malformed()),
        })
    }
}

/// Reads `n` values from a tape whose strings are, in order, in `text`.
pub fn read_values(tape: &[f64], text: &str, n: usize) -> Result<Vec<Json>> {
    let mut r = Reader { tape, at: 0, text, ascii: text.is_ascii() };
    let values = (0..n).map(|_| r.value(0)).collect::<Result<Vec<_>>>()?;
    if r.at != tape.len() || !r.text.is_empty() {
        return Err(malformed());
    }
    Ok(values)
}

/// A result written as numbers (missing: NaN) and strings (their UTF-16
/// lengths among the numbers, missing: -1, the text in `text`), in the order
/// `js/tape.js` reads them back.
#[derive(Debug, Default)]
pub struct Flat {
    /// The numbers.
    pub nums: Vec<f64>,
    /// Every string, one after another.
    pub text: String,
}

impl Flat {
    fn num(&mut self, n: f64) {
        self.nums.push(n);
    }

    fn opt(&mut self, n: Option<f64>) {
        self.nums.push(n.unwrap_or(f64::NAN));
    }

    fn str(&mut self, s: &str) {
        let units = if s.is_ascii() { s.len() } else { s.encode_utf16().count() };
        self.nums.push(units as f64);
        self.text.push_str(s);
    }

    fn opt_str(&mut self, s: Option<&str>) {
        match s {
            Some(s) => self.str(s),
            None => self.nums.push(-1.0),
        }
    }

    fn json<T: serde::Serialize>(&mut self, v: &T) {
        self.str(&crate::json_text::to_string(v));
    }

    /// Appends one score result.
    pub fn write(&mut self, r: &ScoreResult) {
        // A result without segments is about 60 numbers and 120 bytes of text.
        self.nums.reserve(64);
        self.text.reserve(128);
        self.str(&r.id);
        self.str(&r.as_of);
        let v = &r.value;
        self.opt(v.recency_days.map(f64::from));
        self.num(f64::from(v.frequency));
        self.num(v.monetary);
        self.opt(v.average_order_value);
        self.opt(v.tenure_days.map(f64::from));
        self.opt(v.orders_per_year);
        self.opt(v.margin);
        self.num(v.historic_value);
        self.num(v.yearly_spend);
        self.num(v.projected_value);
        self.num(f64::from(v.accounts));
        self.num(v.categories.len() as f64);
        for (name, &n) in v.categories.iter() {
            self.str(name);
            self.num(f64::from(n));
        }
        self.opt_str(v.first_order_at.as_deref());
        self.opt_str(v.last_order_at.as_deref());
        self.opt_str(v.abc.map(|c| c.as_str()));
        match v.rfm {
            Some(rfm) => {
                self.num(1.0);
                self.num(f64::from(rfm.r));
                self.num(f64::from(rfm.f));
                self.num(f64::from(rfm.m));
                self.str(rfm.segment);
            }
            None => self.num(0.0),
        }
        match v.predicted {
            Some(p) => {
                self.num(1.0);
                self.num(p.probability_alive);
                self.num(p.expected_purchases);
                self.opt(p.expected_average_spend);
                self.opt(p.lifetime_value);
            }
            None => self.num(0.0),
        }
        let s = &r.satisfaction;
        self.opt(s.gap);
        self.opt(s.ratio);
        self.num(s.dimensions.len() as f64);
        for (name, &gap) in s.dimensions.iter() {
            self.str(name);
            self.num(gap);
        }
        self.opt_str(s.level.map(|l| l.as_str()));
        self.opt_str(s.zone.map(|z| z.as_str()));
        match s.nps {
            Some(nps) => {
                self.num(f64::from(nps.score));
                self.str(nps.category.as_str());
            }
            None => self.num(f64::NAN),
        }
        self.num(f64::from(s.repeat_purchases));
        self.opt(s.complaint_rate);
        self.opt(s.return_rate);
        self.opt(s.referrals.map(f64::from));
        self.opt(s.word_of_mouth);
        let l = &r.loyalty;
        self.str(l.stage.as_str());
        self.opt_str(l.kind.map(|k| k.as_str()));
        self.str(l.lifecycle.as_str());
        self.num(r.segments.len() as f64);
        for m in &r.segments {
            self.str(&m.id);
            self.str(&m.name);
            self.str(m.goal.as_str());
            self.json(&m.actions);
            self.num(m.priority);
        }
        match &r.next_best_action {
            Some(next) => {
                self.num(1.0);
                self.str(&next.segment);
                self.str(next.goal.as_str());
                match &next.action {
                    Some(action) => self.json(action),
                    None => self.nums.push(-1.0),
                }
            }
            None => self.num(0.0),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_are_split_by_utf16_length() {
        // "é" is 1 UTF-16 unit (2 bytes), "😀" 2 units (4 bytes).
        let tape = [5.0, 3.0, 4.0, 1.0, 4.0, 2.0, 4.0, 0.0];
        let v = read_values(&tape, "é😀", 1).unwrap();
        assert_eq!(v[0], Json::Arr(vec![Json::Str("é".into()), Json::Str("😀".into()), Json::Str(String::new())]));
    }

    #[test]
    fn known_keys_are_the_schemas() {
        use crate::customer::{CUSTOMER_KEYS, ORDER_KEYS, SURVEY_KEYS};
        let mut schema: Vec<&str> = [CUSTOMER_KEYS, ORDER_KEYS, SURVEY_KEYS, crate::score::OPTION_KEYS].concat();
        let mut known = KEYS.to_vec();
        schema.sort_unstable();
        known.sort_unstable();
        assert_eq!(known, schema);
    }

    #[test]
    fn known_keys_come_by_number() {
        // {"amount": 5, "category": "x"}: "amount" is KEYS[1], given as -2; "category" as text.
        let v = read_values(&[6.0, 2.0, -2.0, 3.0, 5.0, 8.0, 4.0, 1.0], "categoryx", 1).unwrap();
        assert_eq!(v[0], Json::parse(r#"{"amount": 5, "category": "x"}"#).unwrap());
        assert!(matches!(&v[0], Json::Obj(e) if matches!(e[0].0, Cow::Borrowed("amount"))));
        for bad in [-21.0, -1.5, f64::NEG_INFINITY] {
            assert!(read_values(&[6.0, 1.0, bad, 0.0], "", 1).is_err(), "{bad}");
        }
    }

    #[test]
    fn minus_zero_reads_as_zero_like_json() {
        let v = read_values(&[3.0, -0.0], "", 1).unwrap();
        assert!(matches!(v[0], Json::Num(n) if n == 0.0 && n.is_sign_positive()));
    }

    #[test]
    fn malformed_tapes_are_errors() {
        let bad: [(&[f64], &str); 9] = [
            (&[], ""),
            (&[9.0], ""),
            (&[3.0], ""),
            (&[4.0, 3.0], "ab"),
            (&[4.0, 1.0], "ab"),
            (&[5.0, 1e9], ""),
            (&[5.0, 0.5], ""),
            (&[6.0, 1.0, 1.0], "k"),
            (&[4.0, 1.0], "😀"),
        ];
        for (tape, text) in bad {
            let e = read_values(tape, text, 1).unwrap_err();
            assert_eq!(e.code(), ErrorCode::InvalidType, "{tape:?}");
        }
        let deep: Vec<f64> = [5.0, 1.0].repeat(MAX_DEPTH + 1).into_iter().chain([0.0]).collect();
        assert!(read_values(&deep, "", 1).is_err());
    }
}
