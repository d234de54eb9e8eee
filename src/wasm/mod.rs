//! The JavaScript binding: converts JS values to the core's types, calls the
//! core, converts the result back. Every `#[wasm_bindgen]` item of the crate
//! is here, and no other module knows about JavaScript.

use crate::batch::{Batch, BatchColumn};
use crate::error::{Error, ErrorCode};
use crate::json::{expect_in_range, index_path, type_error, Json, Obj, MAX_DEPTH, MAX_TEXT_BYTES};
use crate::score::{ScoreOptions, Scorer, MAX_HORIZON_DAYS};
use crate::time::expect_instant;
use serde::Serialize;
use wasm_bindgen::prelude::*;

#[cfg(feature = "fit")]
mod fit;

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
            if text.contains("\\u0000") {
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
    let options = import(options.unwrap_or(JsValue::UNDEFINED), "options")?;
    let mut read = ScoreOptions::from(js_sys::Date::now() as i64);
    if options != Json::Null {
        let o = Obj::new(&options, "options", &["asOf", "horizonDays"])?;
        o.set("asOf", &mut read.as_of, expect_instant)?;
        o.set("horizonDays", &mut read.horizon_days, |v, p| expect_in_range(v, p, 0.0, MAX_HORIZON_DAYS))?;
    }
    Ok(read)
}

/// Scores customers: `new Scorer(config)`, then `score(customer, { asOf })`.
#[wasm_bindgen(js_name = Scorer)]
pub struct JsScorer {
    inner: Scorer,
}

#[wasm_bindgen(js_class = Scorer)]
impl JsScorer {
    /// Builds a scorer; throws a `CrmScoreError` naming the field of an invalid config.
    #[wasm_bindgen(constructor)]
    pub fn new(#[wasm_bindgen(unchecked_param_type = "ScorerConfig")] config: Option<JsValue>) -> Result<JsScorer, JsValue> {
        let config = import(config.unwrap_or(JsValue::UNDEFINED), "config")?;
        let config = if config == Json::Null { Json::Obj(Vec::new()) } else { config };
        Ok(JsScorer { inner: Scorer::new(&config)? })
    }

    /// Scores one customer as of `options.asOf` (default: now).
    #[wasm_bindgen(unchecked_return_type = "ScoreResult")]
    pub fn score(
        &self,
        #[wasm_bindgen(unchecked_param_type = "Customer")] customer: JsValue,
        #[wasm_bindgen(unchecked_param_type = "ScoreOptions")] options: Option<JsValue>,
    ) -> Result<JsValue, JsValue> {
        let at = score_options(options)?;
        let customer = import(customer, "")?;
        export(&self.inner.score(&customer, at)?)
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

    /// Scores many customers as of one instant; an error's path starts with the customer's index.
    #[wasm_bindgen(js_name = scoreMany, unchecked_return_type = "ScoreResult[]")]
    pub fn score_many(
        &self,
        #[wasm_bindgen(unchecked_param_type = "Customer[]")] customers: JsValue,
        #[wasm_bindgen(unchecked_param_type = "ScoreOptions")] options: Option<JsValue>,
    ) -> Result<JsValue, JsValue> {
        let at = score_options(options)?;
        let max = self.inner.config().limits.max_batch;
        let customers = match customers.dyn_into::<js_sys::Array>() {
            Ok(array) => array,
            Err(other) => return Err(type_error("", "an array of customers", &import(other, "")?).into()),
        };
        if customers.length() as usize > max {
            let msg = format!("expected at most {max} customers (limits.maxBatch), got {}", customers.length());
            return Err(Error::new(ErrorCode::TooLarge, "", msg).into());
        }
        // One customer at a time through JSON text: memory stays bounded by one customer.
        let results = js_sys::Array::new_with_length(customers.length());
        for (i, customer) in customers.iter().enumerate() {
            let scored = import(customer, "").and_then(|c| self.inner.score(&c, at));
            results.set(i as u32, export(&scored.map_err(|e| e.under(&index_path("", i)))?)?);
        }
        Ok(results.into())
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

    #[wasm_bindgen_test]
    fn scores_a_customer_across_the_boundary() {
        let scorer = JsScorer::new(Some(js(r#"{"abc": {"a": 1000, "b": 100}}"#))).unwrap();
        let r = scorer
            .score(js(r#"{"id": "c1", "orders": [{"at": "2026-10-01", "amount": 30}, {"at": "2026-11-12", "amount": 150}]}"#), Some(js(AS_OF)))
            .unwrap();
        assert_eq!(get(&r, "value.recencyDays").as_f64(), Some(10.0));
        assert_eq!(get(&r, "value.monetary").as_f64(), Some(180.0));
        assert_eq!(get(&r, "value.abc").as_string().as_deref(), Some("B"));
        assert!(get(&r, "value.margin").is_null());
        assert!(get(&r, "satisfaction.gap").is_null());
        assert!(js_sys::Array::is_array(&get(&r, "segments")));
    }

    #[wasm_bindgen_test]
    fn errors_are_crm_score_errors_with_code_and_path() {
        let scorer = JsScorer::new(None).unwrap();
        let err = scorer.score(js(r#"{"id": "c1", "orders": [{"at": "2026-10-01", "amount": "12,50"}]}"#), Some(js(AS_OF))).unwrap_err();
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
        let err = scorer.score(customer, Some(js(AS_OF))).unwrap_err();
        assert_eq!(get(&err, "code").as_string().as_deref(), Some("NOT_FINITE"));
        let f = js_sys::Function::new_no_args("return 1");
        let err = scorer.score(f.into(), Some(js(AS_OF))).unwrap_err();
        assert_eq!(get(&err, "code").as_string().as_deref(), Some("INVALID_TYPE"));
    }

    #[wasm_bindgen_test]
    fn score_many_prefixes_the_index_and_caps_the_batch() {
        let scorer = JsScorer::new(Some(js(r#"{"limits": {"maxBatch": 2}}"#))).unwrap();
        let err = scorer.score_many(js(r#"[{"id": "a", "orders": []}, {"id": "b", "orders": [{"at": "2027-01-01", "amount": 1}]}]"#), Some(js(AS_OF))).unwrap_err();
        assert_eq!(get(&err, "code").as_string().as_deref(), Some("FUTURE_DATE"));
        assert_eq!(get(&err, "path").as_string().as_deref(), Some("[1].orders[0].at"));
        let err = scorer.score_many(js(r#"[{"id": "a", "orders": []}, {"id": "b", "orders": []}, {"id": "c", "orders": []}]"#), Some(js(AS_OF))).unwrap_err();
        assert_eq!(get(&err, "code").as_string().as_deref(), Some("TOO_LARGE"));
        let ok = scorer.score_many(js(r#"[{"id": "a", "orders": []}, {"id": "b", "orders": []}]"#), Some(js(AS_OF))).unwrap();
        assert_eq!(get(&ok, "length").as_f64(), Some(2.0));
    }

    #[wasm_bindgen_test]
    fn unknown_config_keys_and_options_are_refused() {
        let err = JsScorer::new(Some(js(r#"{"lifetime": {"horizonYear": 3}}"#))).err().unwrap();
        assert_eq!(get(&err, "code").as_string().as_deref(), Some("UNKNOWN_FIELD"));
        assert_eq!(get(&err, "path").as_string().as_deref(), Some("lifetime.horizonYear"));
        let scorer = JsScorer::new(None).unwrap();
        let err = scorer.score(js(r#"{"id": "a"}"#), Some(js(r#"{"asof": "2026-11-22"}"#))).unwrap_err();
        assert_eq!(get(&err, "path").as_string().as_deref(), Some("options.asof"));
    }
}
