//! The JavaScript binding: every `#[wasm_bindgen]` item of the crate is here,
//! and each export converts (a tape in, numbers or JSON text out), calls the
//! core and converts back; no default and no domain rule lives here.
//!
//! JavaScript writes inputs as tapes (`crate::input::tape`): for `score` and
//! `scoreMany` straight into the input area below (`tapeArea`), for anything
//! else (configs, options, the fitting functions' input) through `tapeOf` in
//! `js/interop.js`, which the binding calls. Results of `score` and
//! `scoreMany` stay in wasm memory as numbers that `js/result.js` reads in place.

use crate::error::{index_path, Error, ErrorCode};
use crate::input::customer::Customer;
use crate::input::json::Json;
use crate::input::tape::{Item, Reader, Tape, AREA_BYTES, AREA_SLOTS};
use crate::scoring::segments::batch::{Batch, BatchColumn};
use crate::scoring::{ScoreOptions, Scorer};
use std::cell::RefCell;
use wasm_bindgen::prelude::*;

#[cfg(feature = "fit")]
mod discrete;
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

    /// A CrmScoreError with `options` (`{ cause }`).
    #[cfg(feature = "fit")]
    #[wasm_bindgen(constructor, js_class = "CrmScoreError")]
    fn with_options(message: &str, code: &str, path: &str, options: &JsValue) -> JsCrmScoreError;

    /// The tape of a JavaScript value: `[numbers, bytes, strings]`, or a thrown CrmScoreError.
    #[wasm_bindgen(js_name = tapeOf, catch)]
    fn tape_of(value: &JsValue, path: &str) -> Result<js_sys::Array, JsValue>;
}

impl From<Error> for JsValue {
    fn from(e: Error) -> JsValue {
        JsCrmScoreError::new(&e.to_string(), e.code().as_str(), e.path()).into()
    }
}

/// What a getter or a proxy trap threw while the binding read a value at
/// `path`, as the tape writer reports it (`js/interop.js`): `INVALID_TYPE`,
/// "reading the input threw: …", with the exception as the `cause`.
#[cfg(feature = "fit")]
pub(crate) fn thrown(e: JsValue, path: &str) -> JsValue {
    if e.has_type::<JsCrmScoreError>() {
        return e;
    }
    let why = match e.dyn_ref::<js_sys::Error>() {
        Some(error) => String::from(error.message()),
        None => e.as_string().unwrap_or_else(|| format!("{e:?}")),
    };
    let message: String = format!("reading the input threw: {why}")
        .chars()
        .take(300)
        .collect();
    let message = if path.is_empty() {
        message
    } else {
        format!("{path}: {message}")
    };
    let options = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&options, &"cause".into(), &e);
    JsCrmScoreError::with_options(&message, ErrorCode::InvalidType.as_str(), path, &options).into()
}

/// Reads a JavaScript value (a config, options, the fitting functions'
/// input) into the loose input type through its tape; `path` places its errors.
pub(crate) fn import(v: &JsValue, path: &str) -> Result<Json, JsValue> {
    if v.is_undefined() || v.is_null() {
        return Ok(Json::Null);
    }
    let parts = tape_of(v, path)?;
    let nums = js_sys::Float64Array::from(parts.get(0)).to_vec();
    let bytes = js_sys::Uint8Array::from(parts.get(1)).to_vec();
    let strings = parts.get(2).as_f64().unwrap_or(0.0) as u32;
    let mut r = Tape::new(&nums, &bytes, strings).reader();
    let json = r.json(0).map_err(|e| e.under(path))?;
    r.finish()?;
    Ok(json)
}

/// The owned tape of a JavaScript value, for readers of the tape itself
/// (customers given to `fit` as objects).
#[cfg(feature = "fit")]
pub(crate) fn import_tape(
    v: &JsValue,
    path: &str,
) -> Result<crate::input::tape::OwnedTape, JsValue> {
    let parts = tape_of(v, path)?;
    Ok(crate::input::tape::OwnedTape {
        nums: js_sys::Float64Array::from(parts.get(0)).to_vec(),
        bytes: js_sys::Uint8Array::from(parts.get(1)).to_vec(),
        strings: parts.get(2).as_f64().unwrap_or(0.0) as u32,
    })
}

/// Hands a fitting result to JavaScript as JSON text parsed by the native `JSON.parse`.
#[cfg(feature = "fit")]
pub(crate) fn export_serde<T: serde::Serialize + ?Sized>(v: &T) -> Result<JsValue, JsValue> {
    js_sys::JSON::parse(&crate::interop::json_text::to_string(v))
}

/// The area JavaScript writes the tapes of `score` and `scoreMany` into, and
/// the numbers of their results, which JavaScript reads in place.
#[derive(Default)]
struct Area {
    nums: Vec<f64>,
    bytes: Vec<u8>,
    results: Vec<f64>,
}

thread_local! {
    static AREA: RefCell<Area> = RefCell::default();
}

/// Reads the tape in the input area (`nums` numbers, `bytes` bytes, `strings`
/// strings) with `read`, which appends results; the whole tape must be read.
/// Returns where the results start in wasm memory (in `f64`s).
fn with_tape(
    nums: usize,
    bytes: usize,
    strings: u32,
    read: impl FnOnce(&mut Reader<'_>, &mut Vec<f64>) -> Result<(), Error>,
) -> Result<usize, JsValue> {
    AREA.with_borrow_mut(|area| {
        let Area {
            nums: tape_nums,
            bytes: tape_bytes,
            results,
        } = area;
        let tape = Tape::new(
            &tape_nums[..nums.min(tape_nums.len())],
            &tape_bytes[..bytes.min(tape_bytes.len())],
            strings,
        );
        results.clear();
        let mut r = tape.reader();
        read(&mut r, results)?;
        r.finish()?;
        Ok(results.as_ptr() as usize / 8)
    })
}

/// Scores customers: `new Scorer(config)`, then `score(customer, { asOf })`.
#[wasm_bindgen(js_name = Scorer)]
pub struct JsScorer {
    inner: Scorer,
}

#[wasm_bindgen(js_class = Scorer)]
impl JsScorer {
    /// Room for a tape of `nums` numbers and `bytes` bytes (at most
    /// `AREA_SLOTS` and `AREA_BYTES`): returns where its numbers start, in
    /// `f64`s from the start of wasm memory; `tapeBytes` gives its bytes.
    #[wasm_bindgen(js_name = tapeArea, skip_typescript)]
    pub fn tape_area(nums: usize, bytes: usize) -> Result<usize, JsValue> {
        if nums > AREA_SLOTS || bytes > AREA_BYTES {
            let msg = format!("expected a tape of at most {AREA_SLOTS} numbers and {AREA_BYTES} bytes of text, got {nums} and {bytes}");
            return Err(Error::new(ErrorCode::TooLarge, "", msg).into());
        }
        AREA.with_borrow_mut(|a| {
            a.nums.resize(nums.max(a.nums.len()), 0.0);
            a.bytes.resize(bytes.max(a.bytes.len()), 0);
            Ok(a.nums.as_ptr() as usize / 8)
        })
    }

    /// Where the bytes of the tape area start in wasm memory.
    #[wasm_bindgen(js_name = tapeBytes, skip_typescript)]
    pub fn tape_bytes() -> usize {
        AREA.with_borrow(|a| a.bytes.as_ptr() as usize)
    }

    /// The wasm memory, in which JavaScript writes tapes and reads results.
    #[wasm_bindgen(js_name = tapeMemory, skip_typescript)]
    pub fn tape_memory() -> JsValue {
        wasm_bindgen::memory()
    }

    /// Builds a scorer; throws a `CrmScoreError` naming the field of an invalid config.
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(unchecked_param_type = "ScorerConfig")] config: Option<JsValue>,
    ) -> Result<JsScorer, JsValue> {
        // Paths of a config's errors start at its root (`lifetime.horizonYears`).
        let config = import(&config.unwrap_or(JsValue::UNDEFINED), "")?;
        Ok(JsScorer {
            inner: Scorer::new(&config)?,
        })
    }

    fn check_batch(&self, len: usize) -> Result<(), Error> {
        let max = self.inner.config().limits.max_batch;
        if len > max {
            let msg = format!("expected at most {max} customers (limits.maxBatch), got {len}");
            return Err(Error::new(ErrorCode::TooLarge, "", msg));
        }
        Ok(())
    }

    /// `score`, called by `js/score.js`: the tape area holds the options and
    /// one customer (`nums` numbers, `bytes` bytes, `strings` strings); `now`
    /// is the current time (epoch ms). Returns where the result's numbers
    /// start in wasm memory (in `f64`s).
    #[wasm_bindgen(js_name = scoreTape, skip_typescript)]
    pub fn score_tape(
        &self,
        nums: usize,
        bytes: usize,
        strings: u32,
        now: f64,
    ) -> Result<usize, JsValue> {
        with_tape(nums, bytes, strings, |r, results| {
            let options = ScoreOptions::read(r, now as i64)?;
            let c = Customer::read(r, options.as_of, &self.inner.config().limits)?;
            self.inner.write_result(&c, options, results);
            Ok(())
        })
    }

    /// `scoreMany`, called by `js/score.js` a chunk at a time: the tape area
    /// holds the options and an array of customers, the chunk of a call of
    /// `total` customers that starts at index `first` (error paths start with
    /// the customer's index in the whole call).
    #[allow(clippy::too_many_arguments)]
    #[wasm_bindgen(js_name = scoreManyTape, skip_typescript)]
    pub fn score_many_tape(
        &self,
        nums: usize,
        bytes: usize,
        strings: u32,
        first: usize,
        total: usize,
        now: f64,
    ) -> Result<usize, JsValue> {
        with_tape(nums, bytes, strings, |r, results| {
            let options = ScoreOptions::read(r, now as i64)?;
            let span = match r.item()? {
                Item::Arr(span) => span,
                other => {
                    return Err(crate::input::tape::type_error(
                        "",
                        "an array of customers",
                        &other,
                    ))
                }
            };
            self.check_batch(total.max(span.len))?;
            let limits = &self.inner.config().limits;
            let mut items = r.inside(span);
            for i in 0..span.len {
                let c = Customer::read(&mut items, options.as_of, limits)
                    .map_err(|e| e.under(&index_path("", first + i)))?;
                self.inner.write_result(&c, options, results);
            }
            items.finish()
        })
    }

    /// The segments of this scorer's library, which results give by index, as JSON text.
    #[wasm_bindgen(js_name = segmentTable, skip_typescript)]
    pub fn segment_table(&self) -> String {
        crate::interop::result::segment_table(&self.inner)
    }

    /// What the numbers after a result's next best action hold, as JSON text
    /// (see [`crate::interop::result::result_table`]).
    #[wasm_bindgen(js_name = resultTable, skip_typescript)]
    pub fn result_table(&self) -> String {
        crate::interop::result::result_table(&self.inner)
    }

    /// `explain`, called by `js/score.js`: the tape area holds the options and
    /// one customer, as for `scoreTape`. Returns the explanations as JSON text.
    #[wasm_bindgen(js_name = explainTape, skip_typescript)]
    pub fn explain_tape(
        &self,
        nums: usize,
        bytes: usize,
        strings: u32,
        now: f64,
    ) -> Result<String, JsValue> {
        AREA.with_borrow(|area| {
            let tape = Tape::new(
                &area.nums[..nums.min(area.nums.len())],
                &area.bytes[..bytes.min(area.bytes.len())],
                strings,
            );
            let mut r = tape.reader();
            let options = ScoreOptions::read(&mut r, now as i64)?;
            let c = Customer::read(&mut r, options.as_of, &self.inner.config().limits)?;
            r.finish()?;
            let with_cards = !self.inner.segments().scorecards().is_empty();
            let (explained, cards) = self.inner.explain_all(&c, options, with_cards)?;
            let segments = Json::Arr(explained.iter().map(|e| e.to_json()).collect());
            if !with_cards {
                return Ok(segments.to_text());
            }
            // With scorecards, `explain` in js/score.js hangs them on the list as `scorecards`.
            let cards = Json::Arr(cards.iter().map(|e| e.to_json()).collect());
            Ok(Json::Obj(vec![
                ("segments".into(), segments),
                ("scorecards".into(), cards),
            ])
            .to_text())
        })
    }

    /// Columns in wasm memory for `capacity` customers' precomputed features,
    /// and every segment evaluated over them at once: the fast path for many customers.
    pub fn batch(&self, capacity: f64) -> Result<JsSegmentBatch, JsValue> {
        let max = self.inner.config().limits.max_batch;
        let capacity = whole(capacity, max, "capacity", "customers (limits.maxBatch)")?;
        Ok(JsSegmentBatch {
            inner: Batch::new(self.inner.segments(), capacity)?,
        })
    }
}

/// A count given by JavaScript: a whole number from 0 to `max` (wasm-bindgen
/// would wrap -1 to 4294967295 and 2³² to 0).
fn whole(n: f64, max: usize, path: &str, what: &str) -> Result<usize, Error> {
    if n >= 0.0 && n.fract() == 0.0 && n <= max as f64 {
        Ok(n as usize)
    } else if n > max as f64 {
        Err(Error::new(
            ErrorCode::TooLarge,
            path,
            format!(
                "expected at most {max} {what}, got {}",
                crate::input::json::format_number(n)
            ),
        ))
    } else {
        let msg = format!(
            "expected a whole number from 0 to {max}, got {}",
            crate::input::json::format_number(n)
        );
        Err(Error::new(ErrorCode::OutOfRange, path, msg))
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
        self.inner
            .fields()
            .iter()
            .find(|f| f.name == name)
            .map(|f| f.column)
            .ok_or_else(|| {
                let names: Vec<&str> = self
                    .inner
                    .fields()
                    .iter()
                    .map(|f| f.name.as_str())
                    .collect();
                let msg = format!(
                    "no column {}; this batch has: {}",
                    crate::error::Quoted(&crate::error::shown(name)),
                    names.join(", ")
                );
                Error::new(ErrorCode::UnknownField, "field", msg)
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
            BatchColumn::Number(c) => {
                Ok(unsafe { js_sys::Float64Array::view(self.inner.numbers_mut(c)) })
            }
            BatchColumn::Code(..) => Err(Error::new(
                ErrorCode::InvalidType,
                "field",
                format!("{field} is a string field: use codes()"),
            )
            .into()),
        }
    }

    /// A view of a string field's codes (0 = missing, i + 1 = `values(field)[i]`), to fill in place.
    pub fn codes(&mut self, field: &str) -> Result<js_sys::Uint8Array, JsValue> {
        match self.field(field)? {
            // SAFETY: as for `numbers`.
            BatchColumn::Code(c, _) => {
                Ok(unsafe { js_sys::Uint8Array::view(self.inner.codes_mut(c)) })
            }
            BatchColumn::Number(_) => Err(Error::new(
                ErrorCode::InvalidType,
                "field",
                format!("{field} is a number field: use numbers()"),
            )
            .into()),
        }
    }

    /// The values of a string field, in code order.
    pub fn values(&self, field: &str) -> Result<Vec<String>, JsValue> {
        match self.field(field)? {
            BatchColumn::Code(_, values) => Ok(values.iter().map(|v| v.to_string()).collect()),
            BatchColumn::Number(_) => Err(Error::new(
                ErrorCode::InvalidType,
                "field",
                format!("{field} is a number field"),
            )
            .into()),
        }
    }

    /// Evaluates every segment for the first `length` customers; a view of
    /// `length × words` words, bit `i % 32` of word `i / 32` being segment `i`.
    pub fn evaluate(
        &mut self,
        length: f64,
        #[wasm_bindgen(unchecked_param_type = "ScoreOptions")] options: Option<JsValue>,
    ) -> Result<js_sys::Uint32Array, JsValue> {
        let length = whole(
            length,
            self.inner.capacity(),
            "length",
            "customers (the batch's capacity)",
        )?;
        let options = import(&options.unwrap_or(JsValue::UNDEFINED), "options")?;
        let at = ScoreOptions::from_json(&options, js_sys::Date::now() as i64)?;
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
        path.split('.')
            .fold(v.clone(), |v, key| Reflect::get(&v, &key.into()).unwrap())
    }

    #[wasm_bindgen_test]
    fn configs_cross_as_tapes_and_errors_are_crm_score_errors() {
        let err = JsScorer::new(Some(js(r#"{"lifetime": {"horizonYear": 3}}"#)))
            .err()
            .unwrap();
        assert!(err.is_instance_of::<js_sys::Error>());
        assert_eq!(
            get(&err, "name").as_string().as_deref(),
            Some("CrmScoreError")
        );
        assert_eq!(
            get(&err, "code").as_string().as_deref(),
            Some("UNKNOWN_FIELD")
        );
        assert_eq!(
            get(&err, "path").as_string().as_deref(),
            Some("lifetime.horizonYear")
        );
        let scorer = JsScorer::new(Some(js(r#"{"abc": {"a": 1000, "b": 100}}"#))).unwrap();
        assert!(scorer
            .segment_table()
            .starts_with(r#"[{"id":"lapsed-high-value""#));
    }

    #[wasm_bindgen_test]
    fn tapes_are_read_from_the_area_and_results_left_in_memory() {
        let scorer = JsScorer::new(None).unwrap();
        // {"asOf": "2026-11-22"} then {"id": "c1", "orders": [{"at": 1790000000000, "amount": 80}]}
        let nums = [
            6.0, 1.0, 5.0, -20.0, 4.0, 0.0, 10.0, 0.0, //
            6.0, 2.0, 18.0, -8.0, 4.0, 10.0, 2.0, 1.0, -10.0, 5.0, 1.0, 9.0, 6.0, 2.0, 6.0, -1.0,
            3.0, 1.79e12, -2.0, 3.0, 80.0,
        ];
        let text = b"2026-11-22c1";
        let at = JsScorer::tape_area(nums.len(), text.len()).unwrap();
        AREA.with_borrow_mut(|a| {
            a.nums[..nums.len()].copy_from_slice(&nums);
            a.bytes[..text.len()].copy_from_slice(text);
            assert_eq!(a.nums.as_ptr() as usize / 8, at);
        });
        let out = scorer.score_tape(nums.len(), text.len(), 2, 0.0).unwrap();
        AREA.with_borrow(|a| {
            assert_eq!(a.results.as_ptr() as usize / 8, out);
            // id: string ordinal 1; asOf 2026-11-22; 1.79e12 ms is 61 whole days before; one order.
            assert_eq!(a.results[0], 1.0);
            assert!(a.results[1].is_nan());
            assert_eq!(
                (a.results[2], a.results[3], a.results[4]),
                (1_795_305_600_000.0, 61.0, 1.0)
            );
        });
        let bad = scorer.score_tape(3, 0, 0, 0.0).unwrap_err();
        assert_eq!(
            get(&bad, "code").as_string().as_deref(),
            Some("INVALID_TYPE")
        );
    }

    #[wasm_bindgen_test]
    fn counts_from_javascript_are_checked_not_wrapped() {
        let scorer = JsScorer::new(None).unwrap();
        for bad in [-1.0, 4_294_967_296.0, 0.5, f64::NAN] {
            let err = scorer.batch(bad).err().unwrap();
            let message = get(&err, "message").as_string().unwrap_or_default();
            assert!(!message.contains("4294967295"), "{message}");
        }
    }
}
