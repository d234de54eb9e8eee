//! Customers in and results out as flat arrays: how the JavaScript binding
//! passes plain data across the boundary without JSON text.
//!
//! Writing a customer as JSON text, reading that text back, writing the result
//! as text and having JavaScript parse it cost several times what scoring does
//! (profiled: 40 of the 47 µs of a 10-order customer in Node). Instead the
//! binding walks the input once into a *tape* of numbers plus one string
//! holding every string of the input, and reads the result back from numbers
//! plus one string. [`score`] reads a customer from the tape straight into a
//! [`Customer`] when it is plainly valid, and through [`Json`] and
//! [`Customer::from_json`] otherwise, so that errors are reported alike.
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

use crate::customer::{order_of, sort_orders, Customer, Limits, Order};
use crate::error::{Error, ErrorCode, Result};
use crate::json::{Json, Key, MAX_DEPTH};
use crate::score::{checked, ScoreOptions, ScoreResult, Scorer};
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

/// The index in [`KEYS`] of the key a tape gives as `code`, -(index + 1).
fn key_index(code: f64) -> Option<usize> {
    let i = -code - 1.0;
    (0.0..KEYS.len() as f64).contains(&i).then_some(i as usize).filter(|_| i.fract() == 0.0)
}

fn malformed() -> Error {
    Error::new(ErrorCode::InvalidType, "", "malformed input tape (write it with the package's JavaScript, not by hand)")
}

impl<'t> Reader<'t> {
    fn new(tape: &'t [f64], text: &'t str) -> Reader<'t> {
        Reader { tape, at: 0, text, ascii: text.is_ascii() }
    }

    /// Refuses a tape or text with anything left after what was read.
    fn finish(&self) -> Result<()> {
        if self.at != self.tape.len() || !self.text.is_empty() {
            return Err(malformed());
        }
        Ok(())
    }

    /// The next number; the readers below have `Option` forms for the direct
    /// reading, which gives up on any problem, so that no error is built there.
    #[inline(always)]
    fn next_opt(&mut self) -> Option<f64> {
        let v = *self.tape.get(self.at)?;
        self.at += 1;
        Some(v)
    }

    fn next(&mut self) -> Result<f64> {
        self.next_opt().ok_or_else(malformed)
    }

    /// A count or a length: a whole number no larger than what is left to read.
    #[inline(always)]
    fn count_opt(&mut self, left: usize) -> Option<usize> {
        let n = self.next_opt()?;
        ((0.0..=left as f64).contains(&n) && n.fract() == 0.0).then_some(n as usize)
    }

    fn count(&mut self, left: usize) -> Result<usize> {
        self.count_opt(left).ok_or_else(malformed)
    }

    fn string(&mut self) -> Result<String> {
        self.str().map(str::to_owned)
    }

    /// A key: -(i + 1) for `KEYS[i]`, borrowed, not copied; else a string of the text.
    fn key(&mut self) -> Result<Key> {
        match self.tape.get(self.at) {
            Some(&code) if code < 0.0 => {
                self.at += 1;
                key_index(code).map(|i| Cow::Borrowed(KEYS[i])).ok_or_else(malformed)
            }
            _ => self.str().map(|s| Cow::Owned(s.to_owned())),
        }
    }

    fn str(&mut self) -> Result<&'t str> {
        self.str_opt().ok_or_else(malformed)
    }

    fn str_opt(&mut self) -> Option<&'t str> {
        let units = self.count_opt(self.text.len())?;
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
                None => return None,
            }
        };
        let (s, rest) = self.text.split_at_checked(bytes)?;
        self.text = rest;
        Some(s)
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

    /// A key given by number: its index in [`KEYS`].
    fn known(&mut self) -> Option<usize> {
        key_index(self.next_opt()?)
    }

    /// An object's entries, whose keys must be given by number and fall in
    /// `KEYS[from..from + 7]`, each at most once: the values `read` reads by
    /// key (`Null` when absent).
    fn fields(&mut self, from: usize, mut read: impl FnMut(&mut Self, usize) -> Option<Json>) -> Option<[Json; 7]> {
        if self.next_opt()? != 6.0 {
            return None;
        }
        let mut fields = [const { Json::Null }; 7];
        let mut seen = 0u32;
        for _ in 0..self.count_opt((self.tape.len() - self.at) / 2)? {
            let k = self.known()?.checked_sub(from).filter(|&k| k < 7 && seen & 1 << k == 0)?;
            seen |= 1 << k;
            fields[k] = read(self, k)?;
        }
        Some(fields)
    }

    /// A number, a string or null: what the fields of a valid order hold.
    #[inline(always)]
    fn scalar(&mut self) -> Option<Json> {
        Some(match self.next_opt()? {
            0.0 => Json::Null,
            // JSON writes -0 as 0: so does the tape.
            3.0 => Json::Num(self.next_opt()? + 0.0),
            4.0 => Json::Str(self.str_opt()?.to_owned()),
            _ => return None,
        })
    }

    /// A customer read straight into its validated form, skipping the `Json`
    /// tree (profiled natively, reading a 10-order customer into the tree and
    /// validating the tree took 58,000 of its 105,000 instructions); `None`
    /// when anything in it is not plainly valid, for the caller to read it
    /// again through [`Customer::from_json`] and report the error it finds.
    /// What it accepts it reads exactly as that does.
    fn customer(&mut self, as_of: i64, limits: &Limits) -> Option<Customer> {
        let mut orders = None;
        let fields = self.fields(7, |r, k| match k {
            // A customer's orders, read on their own; what is left for Customer::of is not null.
            2 => r.orders(as_of, limits).map(|o| orders = Some(o)).map(|()| Json::Bool(true)),
            _ => r.value(1).ok(),
        })?;
        Customer::of(fields.each_ref(), as_of, &mut |_| orders.take().ok_or_else(malformed)).ok()
    }

    /// An array of at most `limits.max_orders` orders, each on or before `as_of`, sorted.
    fn orders(&mut self, as_of: i64, limits: &Limits) -> Option<Vec<Order>> {
        if self.next_opt()? != 5.0 {
            return None;
        }
        let n = self.count_opt(self.tape.len() - self.at).filter(|&n| n <= limits.max_orders)?;
        let mut orders = Vec::with_capacity(n);
        for _ in 0..n {
            orders.push(self.order(as_of)?);
        }
        sort_orders(&mut orders);
        Some(orders)
    }

    /// An order, as `Customer::from_json` reads it (anything but numbers,
    /// strings and null in its fields is left to that).
    fn order(&mut self, as_of: i64) -> Option<Order> {
        let [at, amount, category, cost, discount, channel, account_id] = self.fields(0, |r, _| r.scalar())?;
        order_of([at, amount, cost, category, discount, channel, account_id]).ok().filter(|o| o.at <= as_of)
    }
}

/// Reads `n` values from a tape whose strings are, in order, in `text`.
pub fn read_values(tape: &[f64], text: &str, n: usize) -> Result<Vec<Json>> {
    let mut r = Reader::new(tape, text);
    let values = (0..n).map(|_| r.value(0)).collect::<Result<Vec<_>>>()?;
    r.finish()?;
    Ok(values)
}

/// Scores the customers of a tape as [`Scorer::score`] scores each: the
/// options, read by `options`, then `n` customers. `under` gives the error of
/// customer `i` its place (its index in a `scoreMany` call).
///
/// ```
/// use crmscore::{json::Json, tape::score, time::parse_instant, Scorer};
/// let scorer = Scorer::new(&Json::Obj(vec![])).unwrap();
/// // {} then {"id": "c1", "orders": [{"at": 1790000000000, "amount": 80}]}
/// let tape = [6.0, 0.0, 6.0, 2.0, -8.0, 4.0, 2.0, -10.0, 5.0, 1.0, 6.0, 2.0, -1.0, 3.0, 1.79e12, -2.0, 3.0, 80.0];
/// let as_of = parse_instant("2026-11-22").unwrap();
/// let flat = score(&scorer, &tape, "c1", 1, |_| Ok(as_of.into()), |e, _| e).unwrap();
/// // 1.79e12 ms is 2026-09-21T14:13:20Z: 61 whole days before asOf, one order.
/// assert_eq!(flat.nums[2..4], [61.0, 1.0]); // recency in days, frequency
/// ```
pub fn score(
    scorer: &Scorer,
    tape: &[f64],
    text: &str,
    n: usize,
    options: impl FnOnce(&Json) -> Result<ScoreOptions>,
    under: impl Fn(Error, usize) -> Error,
) -> Result<Flat> {
    let mut r = Reader::new(tape, text);
    let at = checked(options(&r.value(0)?)?)?;
    let limits = &scorer.config().limits;
    let mut flat = Flat::default();
    for i in 0..n {
        let (start, rest) = (r.at, r.text);
        let c = match r.customer(at.as_of, limits) {
            Some(c) => c,
            None => {
                (r.at, r.text) = (start, rest);
                Customer::from_json(&r.value(0)?, at.as_of, limits).map_err(|e| under(e, i))?
            }
        };
        flat.score(scorer, &c, at);
    }
    r.finish()?;
    Ok(flat)
}

/// Appends `v` to a tape as `js/tape.js` writes it (the schema's keys by number).
///
/// ```
/// use crmscore::{json::Json, tape::{read_values, write}};
/// let v = Json::parse(r#"{"id": "c1", "orders": [], "note": "é"}"#).unwrap();
/// let (mut tape, mut text) = (Vec::new(), String::new());
/// write(&v, &mut tape, &mut text);
/// assert_eq!(tape, [6.0, 3.0, -8.0, 4.0, 2.0, -10.0, 5.0, 0.0, 4.0, 4.0, 1.0]);
/// assert_eq!(text, "c1noteé");
/// assert_eq!(read_values(&tape, &text, 1).unwrap()[0], v);
/// ```
pub fn write(v: &Json, tape: &mut Vec<f64>, text: &mut String) {
    let string = |s: &str, tape: &mut Vec<f64>, text: &mut String| {
        tape.push(s.encode_utf16().count() as f64);
        text.push_str(s);
    };
    match v {
        Json::Null => tape.push(0.0),
        Json::Bool(b) => tape.push(if *b { 2.0 } else { 1.0 }),
        Json::Num(n) => tape.extend([3.0, *n]),
        Json::Str(s) => {
            tape.push(4.0);
            string(s, tape, text);
        }
        Json::Arr(items) => {
            tape.extend([5.0, items.len() as f64]);
            items.iter().for_each(|x| write(x, tape, text));
        }
        Json::Obj(entries) => {
            tape.extend([6.0, entries.len() as f64]);
            for (k, x) in entries {
                match KEYS.iter().position(|known| known == k) {
                    Some(i) => tape.push(-(i as f64) - 1.0),
                    None => string(k, tape, text),
                }
                write(x, tape, text);
            }
        }
    }
}

/// A result written as numbers (missing: NaN) and strings (their UTF-16
/// lengths among the numbers, missing: -1, the text in `text`), in the order
/// `js/tape.js` reads them back. Matched segments are written as their
/// indexes in the scorer's library: JavaScript holds the library's ids,
/// names, goals and actions (`segmentTable`, read once per scorer), so a
/// result copies none of them across the boundary.
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

    /// Scores a validated customer as [`Scorer::score_customer`] does and
    /// appends the result: its segments as their indexes in the scorer's
    /// library ([`crate::segment::Library::table`]), by priority, from which
    /// JavaScript builds the matches and the next best action.
    pub fn score(&mut self, scorer: &Scorer, c: &Customer, options: ScoreOptions) {
        let r = scorer.features(c, options);
        self.features(&r);
        let count = self.nums.len();
        self.nums.push(0.0);
        scorer.segments().matched(c, &r, options.as_of, |i| self.nums.push(i as f64));
        self.nums[count] = (self.nums.len() - count - 1) as f64;
    }

    /// Appends a result's value, satisfaction and loyalty.
    fn features(&mut self, r: &ScoreResult) {
        // A result is about 60 numbers and 120 bytes of text.
        self.nums.reserve(64);
        self.text.reserve(256);
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
        let mut schema: Vec<&str> = [&CUSTOMER_KEYS, &ORDER_KEYS, SURVEY_KEYS, crate::score::OPTION_KEYS].concat();
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

    fn scorer() -> Scorer {
        Scorer::new(&Json::parse(r#"{"abc": {"a": 100, "b": 20}, "limits": {"maxOrders": 3}}"#).unwrap()).unwrap()
    }

    const AS_OF: i64 = 1_795_305_600_000; // 2026-11-22

    /// Null options, then each of `customers`, as js/tape.js writes them.
    fn tape_of(customers: &[&Json]) -> (Vec<f64>, String) {
        let (mut tape, mut text) = (vec![0.0], String::new());
        customers.iter().for_each(|c| write(c, &mut tape, &mut text));
        (tape, text)
    }

    fn at_index(e: Error, i: usize) -> Error {
        e.under(&format!("[{i}]"))
    }

    /// What `score` must give: each customer read by `Customer::from_json`, error paths under their index.
    fn through_json(scorer: &Scorer, customers: &[&Json]) -> Result<Flat> {
        let mut flat = Flat::default();
        for (i, c) in customers.iter().enumerate() {
            let c = Customer::from_json(c, AS_OF, &scorer.config().limits).map_err(|e| at_index(e, i))?;
            flat.score(scorer, &c, AS_OF.into());
        }
        Ok(flat)
    }

    fn assert_same(got: Result<Flat>, want: Result<Flat>, case: &str) {
        let bits = |f: &Flat| f.nums.iter().map(|n| n.to_bits()).collect::<Vec<_>>();
        match (got, want) {
            (Ok(a), Ok(b)) => assert_eq!((bits(&a), a.text), (bits(&b), b.text), "{case}"),
            (Err(a), Err(b)) => assert_eq!((a.code(), a.path(), a.to_string()), (b.code(), b.path(), b.to_string()), "{case}"),
            (a, b) => panic!("{case}: {:?} against {:?}", a.map(|_| ()), b.map(|_| ())),
        }
    }

    const VALID: [&str; 4] = [
        r#"{"id": "c1", "orders": [{"at": "2026-10-01", "amount": 30, "category": "bücher", "cost": 10, "discount": 2, "channel": "web", "accountId": 7},
            {"at": 1790000000000, "amount": 150}, {"amount": 5, "at": "2025-01-01T10:00:00Z", "category": "video"}],
            "firstSeen": 1700000000000, "survey": {"expectation": {"a": 4, "b": 2}, "perception": {"b": 3, "a": 5}, "weights": {"a": 2}, "nps": 9},
            "complaints": 1, "returns": 0, "referrals": 2}"#,
        r#"{"orders": [], "id": 42}"#,
        r#"{"id": "c", "orders": [{"at": 0, "amount": 1, "cost": null, "category": null}], "survey": null, "complaints": null}"#,
        r#"{"id": "c", "orders": [{"at": 5, "amount": 2}, {"at": 5, "amount": 1, "cost": 3}, {"at": 5, "amount": 1}]}"#,
    ];

    /// Customers the direct reading leaves to `Customer::from_json`: every
    /// invalid one, and valid ones it does not read (a key given twice).
    const LEFT_TO_JSON: [&str; 26] = [
        r#"{"orders": []}"#,
        r#"{"id": "", "orders": []}"#,
        r#"{"id": null, "orders": []}"#,
        r#"{"id": "c"}"#,
        r#"{"id": "c", "orders": null}"#,
        r#"{"id": "c", "orders": {}}"#,
        r#"{"id": "c", "orders": [1]}"#,
        r#"{"id": "c", "orders": [{"at": 0}]}"#,
        r#"{"id": "c", "orders": [{"at": 0, "amount": -1}]}"#,
        r#"{"id": "c", "orders": [{"at": 0, "amount": 1e16}]}"#,
        r#"{"id": "c", "orders": [{"at": 0.5, "amount": 1}]}"#,
        r#"{"id": "c", "orders": [{"at": "2027-01-01", "amount": 1}]}"#,
        r#"{"id": "c", "orders": [{"at": 0, "amount": 1, "ammount": 1}]}"#,
        r#"{"id": "c", "orders": [{"at": 0, "amount": 1, "id": "x"}]}"#,
        r#"{"id": "c", "orders": [], "at": 0}"#,
        r#"{"id": "c", "orders": [{"at": 0, "amount": 1, "category": 5}]}"#,
        r#"{"id": "c", "orders": [{"at": 0, "amount": 1, "accountId": true}]}"#,
        r#"{"id": "c", "orders": [{"at": 0, "amount": 1}, {"at": 0, "amount": 1}, {"at": 0, "amount": 1}, {"at": 0, "amount": 1}]}"#,
        r#"{"id": "c", "orders": [], "firstSeen": "2030-01-01"}"#,
        r#"{"id": "c", "orders": [], "complaints": 1.5}"#,
        r#"{"id": "c", "orders": [], "survey": {"nps": 11}}"#,
        r#"{"id": "c", "orders": [], "id": "d"}"#,
        r#"{"id": null, "id": "d", "orders": []}"#,
        r#"{"id": "c", "orders": [{"at": 0, "amount": 1, "amount": 2}]}"#,
        r#"[]"#,
        r#""c""#,
    ];

    #[test]
    fn customers_score_as_through_json() {
        let scorer = scorer();
        let limits = scorer.config().limits;
        let long = format!(r#"{{"id": "c", "orders": [{{"at": 0, "amount": 1, "channel": "{}"}}]}}"#, "x".repeat(257));
        let left = LEFT_TO_JSON.iter().copied().chain([long.as_str()]);
        let cases = VALID.iter().map(|t| (*t, true)).chain(left.map(|t| (t, false)));
        for (text, direct) in cases {
            let v = Json::parse(text).unwrap();
            let (tape, strings) = tape_of(&[&v]);
            let mut r = Reader::new(&tape[1..], &strings);
            let read = r.customer(AS_OF, &limits);
            assert_eq!(read.is_some(), direct, "{text}");
            if let Some(c) = read {
                assert_eq!(c, Customer::from_json(&v, AS_OF, &limits).unwrap(), "{text}");
            }
            let got = score(&scorer, &tape, &strings, 1, |_| Ok(AS_OF.into()), at_index);
            assert_same(got, through_json(&scorer, &[&v]), text);
        }
    }

    #[test]
    fn segments_come_as_library_indexes_by_priority() {
        let scorer = scorer();
        let table = scorer.segments().table();
        // A first order, of books: first-time buyers (priority 20), then book buyers (30).
        let books = r#"{"id": "b", "orders": [{"at": "2026-11-20", "amount": 150, "category": "books"}]}"#;
        for text in VALID.into_iter().chain([books]) {
            let c = Customer::from_json(&Json::parse(text).unwrap(), AS_OF, &scorer.config().limits).unwrap();
            let mut flat = Flat::default();
            flat.score(&scorer, &c, AS_OF.into());
            let want = scorer.score_customer(&c, AS_OF).segments;
            let k = want.len();
            let (count, indexes) = flat.nums[flat.nums.len() - k - 1..].split_first().unwrap();
            assert_eq!(*count, k as f64, "{text}");
            assert_eq!(indexes.iter().map(|&i| table[i as usize].clone()).collect::<Vec<_>>(), want, "{text}");
            if text == books {
                assert_eq!(want.iter().map(|m| m.id.as_str()).collect::<Vec<_>>(), ["first-time-buyers", "book-buyers"]);
            }
        }
    }

    #[test]
    fn a_customer_left_to_json_is_read_from_its_start() {
        let scorer = scorer();
        let [a, b, c] = [VALID[0], LEFT_TO_JSON[21], VALID[1]].map(|t| Json::parse(t).unwrap());
        let (tape, text) = tape_of(&[&a, &b, &c, &a]);
        let got = score(&scorer, &tape, &text, 4, |_| Ok(AS_OF.into()), at_index);
        assert_same(got, through_json(&scorer, &[&a, &b, &c, &a]), "valid");
        let bad = Json::parse(LEFT_TO_JSON[12]).unwrap();
        let (tape, text) = tape_of(&[&a, &bad, &c]);
        let got = score(&scorer, &tape, &text, 3, |_| Ok(AS_OF.into()), at_index);
        assert_eq!(got.unwrap_err().path(), "[1].orders[0].ammount");
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
