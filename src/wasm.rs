//! The JavaScript binding: converts JS values to the core's types, calls the
//! core, converts the result back. Every `#[wasm_bindgen]` item of the crate
//! is here, and no other module knows about JavaScript.

use crate::error::{Error, ErrorCode};
use crate::json::{expect_array, index_path, Json, Obj};
use crate::score::Scorer;
use crate::time::expect_instant;
use serde::Serialize;
use wasm_bindgen::prelude::*;

#[wasm_bindgen(typescript_custom_section)]
const TYPES: &'static str = include_str!("../js/types.d.ts");

#[wasm_bindgen(module = "/js/error.js")]
extern "C" {
    #[wasm_bindgen(js_name = CrmScoreError)]
    type JsCrmScoreError;

    #[wasm_bindgen(constructor, js_class = "CrmScoreError")]
    fn new(message: &str, code: &str, path: &str) -> JsCrmScoreError;
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

/// Reads any JS value into the loose input type; only values JSON cannot
/// hold (functions, symbols, BigInt) fail here.
fn import(v: JsValue, path: &str) -> Result<Json, Error> {
    if v.is_undefined() {
        return Ok(Json::Null);
    }
    serde_wasm_bindgen::from_value(v).map_err(|e| {
        Error::new(ErrorCode::InvalidType, path, format!("expected plain JSON-like data: {e}"))
    })
}

fn export<T: Serialize>(v: &T) -> Result<JsValue, JsValue> {
    let s = serde_wasm_bindgen::Serializer::new().serialize_missing_as_null(true).serialize_maps_as_objects(true);
    v.serialize(&s).map_err(|e| JsValue::from(js_sys::Error::new(&e.to_string())))
}

/// Reads `{ asOf }`; `asOf` defaults to now.
fn as_of(options: JsValue) -> Result<i64, Error> {
    let options = import(options, "options")?;
    if options == Json::Null {
        return Ok(js_sys::Date::now() as i64);
    }
    let o = Obj::new(&options, "options", &["asOf"])?;
    match o.get("asOf") {
        Some(v) => expect_instant(v, "options.asOf"),
        None => Ok(js_sys::Date::now() as i64),
    }
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
    pub fn new(#[wasm_bindgen(unchecked_param_type = "ScorerConfig")] config: JsValue) -> Result<JsScorer, JsValue> {
        let config = import(config, "config")?;
        let config = if config == Json::Null { Json::Obj(Vec::new()) } else { config };
        Ok(JsScorer { inner: Scorer::new(&config)? })
    }

    /// Scores one customer as of `options.asOf` (default: now).
    #[wasm_bindgen(unchecked_return_type = "ScoreResult")]
    pub fn score(
        &self,
        #[wasm_bindgen(unchecked_param_type = "Customer")] customer: JsValue,
        #[wasm_bindgen(unchecked_param_type = "ScoreOptions | undefined")] options: JsValue,
    ) -> Result<JsValue, JsValue> {
        let at = as_of(options)?;
        let customer = import(customer, "")?;
        export(&self.inner.score(&customer, at)?)
    }

    /// Scores many customers as of one instant; an error's path starts with the customer's index.
    #[wasm_bindgen(js_name = scoreMany, unchecked_return_type = "ScoreResult[]")]
    pub fn score_many(
        &self,
        #[wasm_bindgen(unchecked_param_type = "Customer[]")] customers: JsValue,
        #[wasm_bindgen(unchecked_param_type = "ScoreOptions | undefined")] options: JsValue,
    ) -> Result<JsValue, JsValue> {
        let at = as_of(options)?;
        let max = self.inner.config().limits.max_batch;
        if let Some(a) = customers.dyn_ref::<js_sys::Array>() {
            if a.length() as usize > max {
                return Err(Error::new(ErrorCode::TooLarge, "", format!("expected at most {max} customers, got {}", a.length())).into());
            }
        }
        let customers = import(customers, "")?;
        let items = expect_array(&customers, "", max)?;
        let results = items
            .iter()
            .enumerate()
            .map(|(i, c)| self.inner.score(c, at).map_err(|e| e.under(&index_path("", i))))
            .collect::<Result<Vec<_>, Error>>()?;
        export(&results)
    }
}
