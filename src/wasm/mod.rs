//! The JavaScript binding: converts JS values to the core's types, calls the
//! core, converts the result back. Every `#[wasm_bindgen]` item of the crate
//! is here, and no other module knows about JavaScript.

use crate::batch::{Batch, BatchColumn};
use crate::customer::Customer;
use crate::error::{Error, ErrorCode};
use crate::json::{contains, expect_in_range, index_path, type_error, Json, Obj, MAX_DEPTH, MAX_TEXT_BYTES};
use crate::score::{ScoreOptions, Scorer, MAX_HORIZON_DAYS, OPTION_KEYS};
use crate::time::expect_instant;
use crate::tape::{self, Flat};
use serde::Serialize;
use std::cell::RefCell;
use wasm_bindgen::prelude::*;

#[cfg(feature = "fit")]
mod fit;
#[cfg(not(target_feature = "atomics"))]
mod pool;

#[wasm_bindgen(typescript_custom_section)]
const TYPES: &'static str = include_str!("../../js/types.d.ts");

#[wasm_bindgen(module = "/js/interop.js")]
extern "C" {
    #[wasm_bindgen(js_name = CrmScoreError)]
    type JsCrmScoreError;

    #[wasm_bindgen(constructor, js_class = "CrmScoreError")]
    fn new(message: &str, code: &str, path: &str) -> JsCrmScoreError;

    #[wasm_bindgen(js_name = toJson, catch)]
    fn to_json(value: &JsValue) -> Result<Option<String>, JsValue>;
}

impl From<Error> for JsValue {
    fn from(e: Error) -> JsValue {
        JsCrmScoreError::new(&e.to_string(), e.code().as_str(), e.path()).into()
    }
}

#[wasm_bindgen(start)]
fn start() {
    console_error_panic_hook::set_once();
}

/// Reads a JS value into the loose input type through its JSON text (a
/// `Date` reads as its ISO 8601 instant). NaN and ±Infinity, which JSON
/// would write as `null`, come through marked and are restored here, so
/// validation reports them. BigInt and cyclic values fail here.
fn import(v: JsValue, path: &str) -> Result<Json, Error> {
    let text = to_json(&v).map_err(|e| {
        let why = e.dyn_ref::<js_sys::Error>().map(|e| String::from(e.message())).unwrap_or_default();
        Error::new(ErrorCode::InvalidType, path, format!("expected plain JSON-like data: {why}"))
    })?;
    match text {
        Some(text) => {
            // Text over the cap arrives as its length only (TOO_LONG in js/interop.js).
            if let Some(units) = text.strip_prefix('\u{1}') {
                let why = format!("expected at most {MAX_TEXT_BYTES} bytes as JSON, got {units} characters");
                return Err(Error::new(ErrorCode::TooLarge, path, why));
            }
            // The text is JSON.stringify's, so the only ways it can fail to read are its size and depth.
            let mut json = Json::parse(&text).map_err(|e| {
                let why = match e.code() {
                    ErrorCode::TooLarge => format!("expected at most {MAX_TEXT_BYTES} bytes as JSON, got {}", text.len()),
                    _ => format!("expected data nested at most {MAX_DEPTH} levels deep"),
                };
                Error::new(e.code(), path, why)
            })?;
            // Marked numbers are escaped as \u0000 in the text: walk the value only when there are some.
            if contains(&text, "\\u0000") {
                restore_non_finite(&mut json);
            }
            Ok(json)
        }
        None => Ok(Json::Null),
    }
}

/// Turns the `"\u{0}NaN"` marks of `toJson` back into numbers.
fn restore_non_finite(v: &mut Json) {
    match v {
        Json::Str(s) if s.starts_with('\u{0}') => {
            *v = Json::Num(match &s[1..] {
                "Infinity" => f64::INFINITY,
                "-Infinity" => f64::NEG_INFINITY,
                _ => f64::NAN,
            })
        }
        Json::Arr(items) => items.iter_mut().for_each(restore_non_finite),
        Json::Obj(entries) => entries.iter_mut().for_each(|(_, v)| restore_non_finite(v)),
        _ => {}
    }
}

/// Hands a result to JavaScript as JSON text parsed by the native `JSON.parse`.
fn export<T: Serialize>(v: &T) -> Result<JsValue, JsValue> {
    js_sys::JSON::parse(&crate::json_text::to_string(v))
}

/// Reads `{ asOf, horizonDays }`; `asOf` defaults to now, `horizonDays` to 365.
fn score_options(options: Option<JsValue>) -> Result<ScoreOptions, Error> {
    read_score_options(&import(options.unwrap_or(JsValue::UNDEFINED), "options")?)
}

fn read_score_options(options: &Json) -> Result<ScoreOptions, Error> {
    // Read at the root, then placed under `options`: no path is built unless there is an error.
    let (as_of, horizon_days) = given_options(options).map_err(|e| e.under("options"))?;
    Ok(ScoreOptions { as_of: as_of.unwrap_or_else(|| js_sys::Date::now() as i64), horizon_days })
}

/// The `asOf` and `horizonDays` given (`null`: neither), error paths relative to the options.
fn given_options(options: &Json) -> Result<(Option<i64>, f64), Error> {
    let mut horizon_days = ScoreOptions::from(0).horizon_days;
    if *options == Json::Null {
        return Ok((None, horizon_days));
    }
    let o = Obj::new(options, "", OPTION_KEYS)?;
    let as_of = o.opt("asOf", expect_instant)?;
    o.set("horizonDays", &mut horizon_days, |v, p| expect_in_range(v, p, 0.0, MAX_HORIZON_DAYS))?;
    Ok((as_of, horizon_days))
}

/// The error of customer `i` of a call, under its index in the `scoreMany`
/// call when `first`, the index of the call's first customer, is >= 0 (-1: a `score`).
fn placed(e: Error, first: i32, i: usize) -> Error {
    match usize::try_from(first) {
        Ok(first) => e.under(&index_path("", first + i)),
        Err(_) => e,
    }
}

/// Scores customers: `new Scorer(config)`, then `score(customer, { asOf })`.
#[wasm_bindgen(js_name = Scorer)]
pub struct JsScorer {
    inner: Scorer,
    /// The last results written: their numbers, read by JavaScript in place
    /// (copying them out cost more than scoring a small customer), and their
    /// strings, until `resultText` takes them.
    results: RefCell<Flat>,
}

#[wasm_bindgen(js_class = Scorer)]
impl JsScorer {
    /// Builds a scorer; throws a `CrmScoreError` naming the field of an invalid config.
    #[wasm_bindgen(constructor)]
    pub fn new(#[wasm_bindgen(unchecked_param_type = "ScorerConfig")] config: Option<JsValue>) -> Result<JsScorer, JsValue> {
        let config = import(config.unwrap_or(JsValue::UNDEFINED), "config")?;
        let config = if config == Json::Null { Json::Obj(Vec::new()) } else { config };
        Ok(JsScorer { inner: Scorer::new(&config)?, results: RefCell::default() })
    }

    fn check_batch(&self, len: usize) -> Result<(), Error> {
        let max = self.inner.config().limits.max_batch;
        if len > max {
            let msg = format!("expected at most {max} customers (limits.maxBatch), got {len}");
            return Err(Error::new(ErrorCode::TooLarge, "", msg));
        }
        Ok(())
    }

    /// `score` and `scoreMany` of plain data, called by `js/tape.js`: the
    /// options and `n` customers as a tape (see `crate::tape`). Returns where
    /// the results' numbers start in wasm memory (see `keep`); their strings
    /// are kept for `resultText`. `first` is the
    /// index of the first customer in `scoreMany` (error paths start with it),
    /// or -1 for `score`; `total` is the number of customers of the `scoreMany` call.
    #[wasm_bindgen(js_name = scoreTape, skip_typescript)]
    pub fn score_tape(&self, tape: &[f64], text: &str, n: usize, first: i32, total: usize) -> Result<usize, JsValue> {
        self.check_batch(total)?;
        let under = |e, i| placed(e, first, i);
        Ok(self.keep(tape::score(&self.inner, tape, text, n, read_score_options, under)?))
    }

    /// The keys a tape gives by number (see `crate::tape::KEYS`), as JSON text.
    #[wasm_bindgen(js_name = tapeKeys, skip_typescript)]
    pub fn tape_keys() -> String {
        crate::json_text::to_string(&tape::KEYS)
    }

    /// The strings of the results of the last `scoreTape` or `scoreJson` call.
    #[wasm_bindgen(js_name = resultText, skip_typescript)]
    pub fn result_text(&self) -> String {
        std::mem::take(&mut self.results.borrow_mut().text)
    }

    /// The segments of this scorer's library, which results give by index, as JSON text.
    #[wasm_bindgen(js_name = segmentTable, skip_typescript)]
    pub fn segment_table(&self) -> String {
        crate::json_text::to_string(&self.inner.segments().table())
    }

    /// The wasm memory, in which JavaScript reads the numbers of results.
    #[wasm_bindgen(js_name = tapeMemory, skip_typescript)]
    pub fn tape_memory() -> JsValue {
        wasm_bindgen::memory()
    }

    /// Every segment, matched or not, with the values of the sub-expressions that decided it.
    #[wasm_bindgen(unchecked_return_type = "SegmentExplanation[]")]
    pub fn explain(
        &self,
        #[wasm_bindgen(unchecked_param_type = "Customer")] customer: JsValue,
        #[wasm_bindgen(unchecked_param_type = "ScoreOptions")] options: Option<JsValue>,
    ) -> Result<JsValue, JsValue> {
        let at = score_options(options)?;
        let customer = import(customer, "")?;
        export(&self.inner.explain(&customer, at)?)
    }

    /// Columns in wasm memory for `capacity` customers' precomputed features,
    /// and every segment evaluated over them at once: the fast path for many customers.
    pub fn batch(&self, capacity: usize) -> Result<JsSegmentBatch, JsValue> {
        let max = self.inner.config().limits.max_batch;
        if capacity > max {
            return Err(Error::new(ErrorCode::TooLarge, "capacity", format!("expected at most {max} customers (limits.maxBatch), got {capacity}")).into());
        }
        Ok(JsSegmentBatch { inner: Batch::new(self.inner.segments(), capacity)? })
    }

    /// `score` and `scoreMany` of data a tape cannot carry (see `js/tape.js`):
    /// each customer read through its JSON text, the results as by `scoreTape`.
    /// `first` is as there: 0 for `scoreMany`, whose error paths start with the
    /// customer's index, -1 for `score` (of a one-element array).
    #[wasm_bindgen(js_name = scoreJson, skip_typescript)]
    pub fn score_json(&self, customers: JsValue, options: Option<JsValue>, first: i32) -> Result<usize, JsValue> {
        let at = score_options(options)?;
        let customers = match customers.dyn_into::<js_sys::Array>() {
            Ok(array) => array,
            Err(other) => return Err(type_error("", "an array of customers", &import(other, "")?).into()),
        };
        self.check_batch(customers.length() as usize)?;
        // One customer at a time through JSON text: memory stays bounded by one customer.
        let mut flat = Flat::default();
        let limits = &self.inner.config().limits;
        for (i, customer) in customers.iter().enumerate() {
            let c = import(customer, "").and_then(|c| Customer::from_json(&c, at.as_of, limits));
            flat.score(&self.inner, &c.map_err(|e| placed(e, first, i))?, at);
        }
        Ok(self.keep(flat))
    }

    /// Keeps the results for JavaScript to read: the index of their first
    /// number in the wasm memory as a `Float64Array`, valid until the next call.
    fn keep(&self, flat: Flat) -> usize {
        let mut kept = self.results.borrow_mut();
        *kept = flat;
        kept.nums.as_ptr() as usize / 8
    }
}

/// Precomputed features of many customers in columns in wasm memory, and the
/// scorer's segments evaluated over them. Fill the views of `numbers(field)`
/// (NaN = missing) and `codes(field)` (0 = missing, i + 1 = `values(field)[i]`)
/// for every name in `fields`, then call `evaluate(length)`. A view into wasm
/// memory is detached when the memory grows: take views again after calling
/// into the package.
#[wasm_bindgen(js_name = SegmentBatch)]
pub struct JsSegmentBatch {
    inner: Batch,
}

#[wasm_bindgen(js_class = SegmentBatch)]
impl JsSegmentBatch {
    fn field(&self, name: &str) -> Result<BatchColumn, Error> {
        self.inner.fields().iter().find(|f| f.name == name).map(|f| f.column).ok_or_else(|| {
            let names: Vec<&str> = self.inner.fields().iter().map(|f| f.name.as_str()).collect();
            Error::new(ErrorCode::UnknownField, "field", format!("no column {name:?}; this batch has: {}", names.join(", ")))
        })
    }

    /// How many customers the columns hold.
    #[wasm_bindgen(getter)]
    pub fn capacity(&self) -> usize {
        self.inner.capacity()
    }

    /// The fields to fill: `value.frequency`, `value.abc`, `bought('books')`...
    #[wasm_bindgen(getter)]
    pub fn fields(&self) -> Vec<String> {
        self.inner.fields().iter().map(|f| f.name.clone()).collect()
    }

    /// Segment ids, in bit order of `evaluate`'s result.
    #[wasm_bindgen(getter, js_name = segmentIds)]
    pub fn segment_ids(&self) -> Vec<String> {
        self.inner.segment_ids().map(str::to_string).collect()
    }

    /// Words per customer in `evaluate`'s result: ⌈segments / 32⌉.
    #[wasm_bindgen(getter)]
    pub fn words(&self) -> usize {
        self.inner.words()
    }

    /// A view of a number field's column (NaN = missing), to fill in place.
    pub fn numbers(&mut self, field: &str) -> Result<js_sys::Float64Array, JsValue> {
        match self.field(field)? {
            // SAFETY: the view is only used by JavaScript before its next call into this module.
            BatchColumn::Number(c) => Ok(unsafe { js_sys::Float64Array::view(self.inner.numbers_mut(c)) }),
            BatchColumn::Code(..) => Err(Error::new(ErrorCode::InvalidType, "field", format!("{field} is a string field: use codes()")).into()),
        }
    }

    /// A view of a string field's codes (0 = missing, i + 1 = `values(field)[i]`), to fill in place.
    pub fn codes(&mut self, field: &str) -> Result<js_sys::Uint8Array, JsValue> {
        match self.field(field)? {
            // SAFETY: as for `numbers`.
            BatchColumn::Code(c, _) => Ok(unsafe { js_sys::Uint8Array::view(self.inner.codes_mut(c)) }),
            BatchColumn::Number(_) => Err(Error::new(ErrorCode::InvalidType, "field", format!("{field} is a number field: use numbers()")).into()),
        }
    }

    /// The values of a string field, in code order.
    pub fn values(&self, field: &str) -> Result<Vec<String>, JsValue> {
        match self.field(field)? {
            BatchColumn::Code(_, values) => Ok(values.iter().map(|v| v.to_string()).collect()),
            BatchColumn::Number(_) => Err(Error::new(ErrorCode::InvalidType, "field", format!("{field} is a number field")).into()),
        }
    }

    /// Evaluates every segment for the first `length` customers; a view of
    /// `length × words` words, bit `i % 32` of word `i / 32` being segment `i`.
    pub fn evaluate(
        &mut self,
        length: usize,
        #[wasm_bindgen(unchecked_param_type = "ScoreOptions")] options: Option<JsValue>,
    ) -> Result<js_sys::Uint32Array, JsValue> {
        let at = score_options(options)?;
        let words = self.inner.evaluate(length, at.as_of)?;
        // SAFETY: as for `numbers`.
        Ok(unsafe { js_sys::Uint32Array::view(words) })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use js_sys::{Reflect, JSON};
    use wasm_bindgen_test::wasm_bindgen_test;

    fn js(text: &str) -> JsValue {
        JSON::parse(text).unwrap()
    }

    fn get(v: &JsValue, path: &str) -> JsValue {
        path.split('.').fold(v.clone(), |v, key| Reflect::get(&v, &key.into()).unwrap())
    }

    const AS_OF: &str = r#"{"asOf": "2026-11-22"}"#;

    /// What the binding must return for `customer`: the core's result, flattened.
    fn native(config: &str, customers: &[&str]) -> (Vec<f64>, String) {
        let scorer = Scorer::new(&Json::parse(config).unwrap()).unwrap();
        let mut flat = Flat::default();
        let as_of = crate::time::parse_instant("2026-11-22").unwrap();
        for c in customers {
            flat.score(&scorer, &Customer::from_json(&Json::parse(c).unwrap(), as_of, &scorer.config().limits).unwrap(), as_of.into());
        }
        (flat.nums, flat.text)
    }

    /// The numbers a call kept, checking that they start where it said.
    fn kept(scorer: &JsScorer, at: usize) -> Vec<f64> {
        let results = scorer.results.borrow();
        assert_eq!(results.nums.as_ptr() as usize, at * 8);
        results.nums.clone()
    }

    fn same(a: &[f64], b: &[f64]) -> bool {
        a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x.to_bits() == y.to_bits())
    }

    const CUSTOMER: &str = r#"{"id": "c1", "orders": [{"at": "2026-10-01", "amount": 30, "category": "bücher"}, {"at": "2026-11-12", "amount": 150}]}"#;

    #[wasm_bindgen_test]
    fn scores_a_customer_across_the_boundary_as_json_and_as_a_tape() {
        let scorer = JsScorer::new(Some(js(r#"{"abc": {"a": 1000, "b": 100}}"#))).unwrap();
        let (nums, text) = native(r#"{"abc": {"a": 1000, "b": 100}}"#, &[CUSTOMER]);
        let at = scorer.score_json(js(&format!("[{CUSTOMER}]")), Some(js(AS_OF)), -1).unwrap();
        assert!(same(&kept(&scorer, at), &nums));
        assert_eq!(scorer.result_text(), text);
        // {"asOf": "2026-11-22"}, then the customer, as js/tape.js writes them.
        let tape = [
            6.0, 1.0, 4.0, 4.0, 10.0, //
            6.0, 2.0, 2.0, 4.0, 2.0, 6.0, 5.0, 2.0, //
            6.0, 3.0, 2.0, 4.0, 10.0, 6.0, 3.0, 30.0, 8.0, 4.0, 6.0, //
            6.0, 2.0, 2.0, 4.0, 10.0, 6.0, 3.0, 150.0,
        ];
        let strings = "asOf2026-11-22idc1ordersat2026-10-01amountcategorybücherat2026-11-12amount";
        let at = scorer.score_tape(&tape, strings, 1, -1, 1).unwrap();
        assert!(same(&kept(&scorer, at), &nums));
        assert_eq!(scorer.result_text(), text);
        assert!(text.contains("bücher"));
    }

    #[wasm_bindgen_test]
    fn errors_are_crm_score_errors_with_code_and_path() {
        let scorer = JsScorer::new(None).unwrap();
        let err = scorer.score_json(js(r#"[{"id": "c1", "orders": [{"at": "2026-10-01", "amount": "12,50"}]}]"#), Some(js(AS_OF)), -1).unwrap_err();
        assert!(err.is_instance_of::<js_sys::Error>());
        assert_eq!(get(&err, "name").as_string().as_deref(), Some("CrmScoreError"));
        assert_eq!(get(&err, "code").as_string().as_deref(), Some("INVALID_TYPE"));
        assert_eq!(get(&err, "path").as_string().as_deref(), Some("orders[0].amount"));
        assert_eq!(get(&err, "message").as_string().as_deref(), Some(r#"orders[0].amount: expected a finite number, got "12,50""#));
    }

    #[wasm_bindgen_test]
    fn nan_and_functions_are_refused() {
        let scorer = JsScorer::new(None).unwrap();
        let customer = js(r#"{"id": "c1", "orders": [{"at": "2026-10-01", "amount": 1}]}"#);
        Reflect::set(&get(&customer, "orders.0"), &"amount".into(), &JsValue::from_f64(f64::NAN)).unwrap();
        let err = scorer.score_json(js_sys::Array::of1(&customer).into(), Some(js(AS_OF)), -1).unwrap_err();
        assert_eq!(get(&err, "code").as_string().as_deref(), Some("NOT_FINITE"));
        let f = js_sys::Function::new_no_args("return 1");
        let err = scorer.score_json(js_sys::Array::of1(&f).into(), Some(js(AS_OF)), -1).unwrap_err();
        assert_eq!(get(&err, "code").as_string().as_deref(), Some("INVALID_TYPE"));
    }

    #[wasm_bindgen_test]
    fn score_many_prefixes_the_index_and_caps_the_batch() {
        let scorer = JsScorer::new(Some(js(r#"{"limits": {"maxBatch": 2}}"#))).unwrap();
        let err = scorer.score_json(js(r#"[{"id": "a", "orders": []}, {"id": "b", "orders": [{"at": "2027-01-01", "amount": 1}]}]"#), Some(js(AS_OF)), 0).unwrap_err();
        assert_eq!(get(&err, "code").as_string().as_deref(), Some("FUTURE_DATE"));
        assert_eq!(get(&err, "path").as_string().as_deref(), Some("[1].orders[0].at"));
        let err = scorer.score_json(js(r#"[{"id": "a", "orders": []}, {"id": "b", "orders": []}, {"id": "c", "orders": []}]"#), Some(js(AS_OF)), 0).unwrap_err();
        assert_eq!(get(&err, "code").as_string().as_deref(), Some("TOO_LARGE"));
        let ok = scorer.score_json(js(r#"[{"id": "a", "orders": []}, {"id": "b", "orders": []}]"#), Some(js(AS_OF)), 0).unwrap();
        let (nums, text) = native(r#"{"limits": {"maxBatch": 2}}"#, &[r#"{"id": "a", "orders": []}"#, r#"{"id": "b", "orders": []}"#]);
        assert!(same(&kept(&scorer, ok), &nums));
        assert_eq!(scorer.result_text(), text);
    }

    #[wasm_bindgen_test]
    fn unknown_config_keys_and_options_are_refused() {
        let err = JsScorer::new(Some(js(r#"{"lifetime": {"horizonYear": 3}}"#))).err().unwrap();
        assert_eq!(get(&err, "code").as_string().as_deref(), Some("UNKNOWN_FIELD"));
        assert_eq!(get(&err, "path").as_string().as_deref(), Some("lifetime.horizonYear"));
        let scorer = JsScorer::new(None).unwrap();
        let err = scorer.score_json(js(r#"[{"id": "a"}]"#), Some(js(r#"{"asof": "2026-11-22"}"#)), -1).unwrap_err();
        assert_eq!(get(&err, "path").as_string().as_deref(), Some("options.asof"));
    }
}
