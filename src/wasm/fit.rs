//! The JavaScript binding of model fitting: `fit`, `fitSummaries`, the CSV
//! reader `readTransactionsCsv` and the columnar scorer `scoreColumns`
//! (which `Scorer.scoreMany` runs for columns, see `js/scorer.js`).
//!
//! Options objects may hold an `onProgress` function besides JSON data: it is
//! taken out first, the rest is read and validated like any input.

use super::{export_serde, import, import_tape, thrown};
use crate::error::{Error, ErrorCode};
use crate::fit::columnar::{instants, score_columns, Columns};
use crate::fit::csv::{read_transactions_with_lone_surrogates, TransactionTable};
use crate::fit::options::{
    self, csv_request, fit_request, score_request, summary_columns, summary_request, summary_rows,
    SUMMARY_COUNT, SUMMARY_FIELDS,
};
use crate::fit::{
    fit_customers, fit_summaries, fit_transactions, Convergence, FitInput, Transactions,
};
use crate::input::json::{type_error, Json, Key, Obj};
use crate::model::{BgNbd, Fitted, GammaGamma, MbgNbd, ParetoNbd, Unit};
use crate::scoring::Scorer;
use js_sys::{Array, Float64Array, Function, Int32Array, Object, Reflect, Uint32Array, Uint8Array};
use serde::Serialize;
use wasm_bindgen::prelude::*;

#[wasm_bindgen(typescript_custom_section)]
const FIT_TYPES: &'static str = include_str!("../../js/fit-types.d.ts");

/// An options object split into its JSON part and its `onProgress` callback.
struct Options {
    json: Json,
    on_progress: Option<Function>,
}

/// Reads an options object (absent means `{}`), taking `onProgress` out. The
/// rest is read as any input is (its tape), so that a getter or a proxy trap
/// that throws is a `CrmScoreError` naming the option, as a throwing `toJSON` is.
fn read_options(options: Option<JsValue>) -> Result<Options, JsValue> {
    let options = options.unwrap_or(JsValue::UNDEFINED);
    if options.is_undefined() || options.is_null() {
        return Ok(Options {
            json: Json::Obj(Vec::new()),
            on_progress: None,
        });
    }
    if !options.is_object() || Array::is_array(&options) {
        return Err(type_error("options", "an object", &import(&options, "options")?).into());
    }
    let value = get(&options, "onProgress", "options.onProgress")?;
    let on_progress = if value.is_undefined() || value.is_null() {
        None
    } else {
        Some(value.dyn_into::<Function>().map_err(|v| {
            Error::new(
                ErrorCode::InvalidType,
                "options.onProgress",
                format!("expected a function, got {}", js_type(&v)),
            )
        })?)
    };
    // The tape leaves functions out: only a null `onProgress` is left to remove.
    let json = match import(&options, "options")? {
        Json::Obj(entries) => Json::Obj(
            entries
                .into_iter()
                .filter(|(k, _)| k != "onProgress")
                .collect(),
        ),
        other => other,
    };
    Ok(Options { json, on_progress })
}

/// `v[key]`, a getter's or a proxy trap's exception becoming a `CrmScoreError` at `path`.
fn get(v: &JsValue, key: &str, path: &str) -> Result<JsValue, JsValue> {
    Reflect::get(v, &JsValue::from_str(key)).map_err(|e| thrown(e, path))
}

#[wasm_bindgen]
extern "C" {
    /// A regular expression whose `test` takes a JavaScript string as it is
    /// (js_sys::RegExp's takes a `&str`, in which a lone surrogate is already U+FFFD).
    #[wasm_bindgen(js_name = RegExp)]
    type Pattern;

    #[wasm_bindgen(constructor, js_class = "RegExp")]
    fn new(source: &str) -> Pattern;

    #[wasm_bindgen(method)]
    fn test(this: &Pattern, text: &js_sys::JsString) -> bool;

    /// `Object.keys`, whose proxy trap may throw.
    #[wasm_bindgen(js_namespace = Object, js_name = keys, catch)]
    fn object_keys(v: &JsValue) -> Result<Array, JsValue>;
}

/// The JavaScript type name of a value, for messages about non-JSON values.
fn js_type(v: &JsValue) -> String {
    v.js_typeof().as_string().unwrap_or_default()
}

/// Calls `onProgress` with rising fractions, at most once per percent, and
/// remembers the first exception it throws so that the call can rethrow it.
struct Progress {
    callback: Option<Function>,
    last: f64,
    thrown: Option<JsValue>,
}

impl Progress {
    fn new(callback: Option<Function>) -> Progress {
        Progress {
            callback,
            last: f64::NEG_INFINITY,
            thrown: None,
        }
    }

    fn report(&mut self, fraction: f64) {
        let Some(f) = &self.callback else { return };
        if self.thrown.is_some()
            || !(fraction >= self.last + 0.01 || (fraction >= 1.0 && self.last < 1.0))
        {
            return;
        }
        self.last = fraction;
        if let Err(e) = f.call1(&JsValue::NULL, &JsValue::from_f64(fraction.min(1.0))) {
            self.thrown = Some(e);
        }
    }

    /// The callback's exception, if it threw.
    fn finish(self) -> Result<(), JsValue> {
        self.thrown.map_or(Ok(()), Err)
    }
}

const COLUMN_KEYS: &[&str] = &["customer", "at", "amount", "cost"];

/// The current time, the default `asOf` of the core's readers.
fn now() -> i64 {
    js_sys::Date::now() as i64
}

/// Learns a population model from a customer base: the BG/NBD purchase and
/// Gamma-Gamma spend models, ABC cut points with the actual class shares, RFM
/// quintile edges and satisfaction percentiles. `customers` is an array of
/// the customers `Scorer.score` takes, or columnar transactions. Throws a
/// `CrmScoreError` naming the field of bad input (`[12].orders[3].amount`,
/// `at[7]`), or `FIT_FAILED` with the last parameters when the fit does not
/// converge (unless `allowUnconverged`).
#[wasm_bindgen(unchecked_return_type = "Model")]
pub fn fit(
    #[wasm_bindgen(unchecked_param_type = "Customer[] | ColumnarTransactions")] customers: JsValue,
    #[wasm_bindgen(unchecked_param_type = "FitOptions")] options: Option<JsValue>,
) -> Result<JsValue, JsValue> {
    let Options { json, on_progress } = read_options(options)?;
    let (fit_options, as_of_ms) = fit_request(&json, now())?;
    let mut progress = Progress::new(on_progress);
    let result = if Array::is_array(&customers) {
        let tape = import_tape(&customers, "")?;
        let customers = options::customers(&tape.tape(), as_of_ms)?;
        fit_customers(&customers, as_of_ms, &fit_options, &mut |f| {
            progress.report(f)
        })
    } else {
        let columns = read_columns(&customers)?;
        let at_ms = instants(&columns.borrow())?;
        let transactions = Transactions {
            customer: &columns.customer,
            at_ms: &at_ms,
            amount: &columns.amount,
            cost: columns.cost.as_deref(),
        };
        let input = FitInput {
            transactions,
            as_of_ms,
            satisfaction_gaps: None,
        };
        fit_transactions(&input, &fit_options, &mut |f| progress.report(f))
    };
    progress.finish()?;
    let report = result.map_err(|e| match e.path() {
        "at_ms" => Error::new(e.code(), "options.asOf", e.message()),
        _ => e,
    })?;
    export_serde(&report.model)
}

/// Columns copied out of JavaScript typed arrays.
struct JsColumns {
    customer: Vec<u32>,
    at_ms: Vec<f64>,
    amount: Vec<f64>,
    cost: Option<Vec<f64>>,
}

impl JsColumns {
    fn borrow(&self) -> Columns<'_> {
        Columns {
            customer: &self.customer,
            at_ms: &self.at_ms,
            amount: &self.amount,
            cost: self.cost.as_deref(),
        }
    }
}

/// Reads `{ customer: Uint32Array, at: Float64Array, amount: Float64Array, cost?: Float64Array }`.
fn read_columns(v: &JsValue) -> Result<JsColumns, JsValue> {
    if !v.is_object() {
        let found = import(v, "")?;
        return Err(type_error(
            "",
            "an array of customers or columnar transactions { customer, at, amount }",
            &found,
        )
        .into());
    }
    check_keys(v, "", COLUMN_KEYS)?;
    let field = |key: &str| get(v, key, key);
    let customer = field("customer")?
        .dyn_into::<Uint32Array>()
        .map_err(|found| {
            typed_array_error("customer", "a Uint32Array of customer indexes", &found)
        })?
        .to_vec();
    let f64s = |key: &str| -> Result<Vec<f64>, JsValue> {
        Ok(field(key)?
            .dyn_into::<Float64Array>()
            .map(|a| a.to_vec())
            .map_err(|found| typed_array_error(key, "a Float64Array", &found))?)
    };
    let cost = field("cost")?;
    let cost = if cost.is_undefined() || cost.is_null() {
        None
    } else {
        Some(f64s("cost")?)
    };
    Ok(JsColumns {
        customer,
        at_ms: f64s("at")?,
        amount: f64s("amount")?,
        cost,
    })
}

fn typed_array_error(path: &str, expected: &str, found: &JsValue) -> Error {
    let what = if found.is_undefined() {
        return Error::new(ErrorCode::MissingField, path, "is required");
    } else if Array::is_array(found) {
        "an array (convert it with Float64Array.from / Uint32Array.from)".to_string()
    } else {
        js_type(found)
    };
    Error::new(
        ErrorCode::InvalidType,
        path,
        format!("expected {expected}, got {what}"),
    )
}

/// Refuses keys of the object `v` outside `allowed`, like [`Obj::new`].
fn check_keys(v: &JsValue, path: &str, allowed: &[&str]) -> Result<(), JsValue> {
    let keys: Vec<(Key, Json)> = object_keys(v)
        .map_err(|e| thrown(e, path))?
        .iter()
        .map(|k| (k.as_string().unwrap_or_default().into(), Json::Null))
        .collect();
    Ok(Obj::new(&Json::Obj(keys), path, allowed).map(|_| ())?)
}

/// The result of `fitSummaries`.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SummaryFit<'a> {
    unit: Unit,
    customers: f64,
    distinct_triples: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    bgnbd: Option<&'a Fitted<BgNbd>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pareto_nbd: Option<&'a Fitted<ParetoNbd>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    mbg_nbd: Option<&'a Fitted<MbgNbd>>,
    gamma_gamma: Option<&'a Fitted<GammaGamma>>,
    convergence: ConvergenceReport<'a>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ConvergenceReport<'a> {
    /// The purchase model's, under its key.
    #[serde(skip_serializing_if = "Option::is_none")]
    bgnbd: Option<&'a Convergence>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pareto_nbd: Option<&'a Convergence>,
    #[serde(skip_serializing_if = "Option::is_none")]
    mbg_nbd: Option<&'a Convergence>,
    gamma_gamma: Option<&'a Convergence>,
}

/// Fits the purchase model (`purchaseModel`, default BG/NBD) and Gamma-Gamma on per-customer summaries `{ frequency,
/// recency, T, monetaryValue }` in the chosen unit (lifetimes' definitions),
/// given as an array of rows or as columns (arrays or typed arrays of equal
/// length). Errors name the row (`[3].recency`) or column entry (`recency[3]`).
#[wasm_bindgen(js_name = fitSummaries, unchecked_return_type = "SummaryFit | BgBbSummaryFit")]
pub fn fit_summaries_js(
    #[wasm_bindgen(unchecked_param_type = "SummaryRow[] | SummaryColumns | BgBbRow[]")]
    rows: JsValue,
    #[wasm_bindgen(unchecked_param_type = "SummaryOptions")] options: Option<JsValue>,
) -> Result<JsValue, JsValue> {
    let Options { json, on_progress } = read_options(options)?;
    let fit_options = summary_request(&json)?;
    if fit_options.purchase_model == options::PurchaseModel::BgBb {
        let mut progress = Progress::new(on_progress);
        let result =
            super::discrete::fit_bgbb_summaries(&rows, &fit_options, &mut |f| progress.report(f));
        progress.finish()?;
        return result;
    }
    let rows = if Array::is_array(&rows) {
        summary_rows(&import(&rows, "")?)?
    } else {
        read_summary_columns(&rows)?
    };
    let mut progress = Progress::new(on_progress);
    let result = fit_summaries(&rows, &fit_options, &mut |f| progress.report(f));
    progress.finish()?;
    let fit = result?;
    export_serde(&SummaryFit {
        unit: fit_options.unit,
        customers: rows.iter().map(|r| r.count).sum(),
        distinct_triples: fit.distinct_triples,
        bgnbd: fit.bgnbd.as_ref(),
        pareto_nbd: fit.pareto_nbd.as_ref(),
        mbg_nbd: fit.mbg_nbd.as_ref(),
        gamma_gamma: fit.gamma_gamma.as_ref(),
        convergence: ConvergenceReport {
            bgnbd: fit.bgnbd.as_ref().map(|_| &fit.purchase_convergence),
            pareto_nbd: fit.pareto_nbd.as_ref().map(|_| &fit.purchase_convergence),
            mbg_nbd: fit.mbg_nbd.as_ref().map(|_| &fit.purchase_convergence),
            gamma_gamma: fit.gamma_gamma_convergence.as_ref(),
        },
    })
}

/// Summary columns `{ frequency, recency, T, monetaryValue, count? }`, each an array or a typed array.
fn read_summary_columns(v: &JsValue) -> Result<Vec<crate::fit::SummaryRow>, JsValue> {
    if !v.is_object() {
        let found = import(v, "")?;
        let expected =
            "an array of summary rows or summary columns { frequency, recency, T, monetaryValue }";
        return Err(type_error("", expected, &found).into());
    }
    let mut keys = SUMMARY_FIELDS.to_vec();
    keys.push(SUMMARY_COUNT);
    check_keys(v, "", &keys)?;
    let mut columns: Vec<Vec<f64>> = Vec::with_capacity(4);
    for key in SUMMARY_FIELDS {
        columns.push(number_column(&get(v, key, key)?, key)?);
    }
    let count = get(v, SUMMARY_COUNT, SUMMARY_COUNT)?;
    let count = if count.is_undefined() || count.is_null() {
        None
    } else {
        Some(number_column(&count, SUMMARY_COUNT)?)
    };
    Ok(summary_columns(
        [&columns[0], &columns[1], &columns[2], &columns[3]],
        count.as_deref(),
    )?)
}

/// One column of numbers: an array, Float64Array, Uint32Array or Int32Array.
fn number_column(value: &JsValue, key: &str) -> Result<Vec<f64>, JsValue> {
    Ok(if let Some(a) = value.dyn_ref::<Float64Array>() {
        a.to_vec()
    } else if let Some(a) = value.dyn_ref::<Uint32Array>() {
        a.to_vec().into_iter().map(f64::from).collect()
    } else if let Some(a) = value.dyn_ref::<Int32Array>() {
        a.to_vec().into_iter().map(f64::from).collect()
    } else if Array::is_array(value) {
        let json = import(value, key)?;
        let items = crate::input::json::expect_array(
            &json,
            key,
            crate::fit::options::MAX_CUSTOMER_OBJECTS,
        )?;
        items
            .iter()
            .enumerate()
            .map(|(i, x)| crate::input::json::expect_number(x, &crate::error::index_path(key, i)))
            .collect::<Result<_, _>>()?
    } else {
        return Err(typed_array_error(
            key,
            "an array, Float64Array, Uint32Array or Int32Array of numbers",
            value,
        )
        .into());
    })
}

/// Reads transactions from CSV text into columns ready for `fit` and
/// `scoreColumns`, with the customer ids in order of first appearance. Bad
/// rows are skipped and reported by line (`errors`), or with `strict` the
/// first one throws (path `line 17`). `onProgress` receives the share of the
/// text read. Text that is not a string (bytes, `null`) is `INVALID_TYPE`.
#[wasm_bindgen(js_name = readTransactionsCsv, unchecked_return_type = "CsvTransactions")]
pub fn read_transactions_csv(
    #[wasm_bindgen(unchecked_param_type = "string")] text: JsValue,
    #[wasm_bindgen(unchecked_param_type = "CsvOptions")] options: Option<JsValue>,
) -> Result<JsValue, JsValue> {
    let (text, lone) = csv_text(&text)?;
    let Options { json, on_progress } = read_options(options)?;
    let (columns, csv) = csv_request(&json)?;
    let mut progress = Progress::new(on_progress);
    let table = read_transactions_with_lone_surrogates(&text, &lone, &columns, &csv, &mut |f| {
        progress.report(f)
    });
    progress.finish()?;
    csv_result(table?)
}

/// The CSV text as UTF-8, and the byte offsets of the U+FFFD that stand for
/// its lone surrogates (which the reader reports as bad rows).
fn csv_text(v: &JsValue) -> Result<(String, Vec<usize>), JsValue> {
    let Some(js) = v.dyn_ref::<js_sys::JsString>() else {
        let found = if v.is_null() {
            "null".to_string()
        } else if v.is_undefined() {
            "undefined".to_string()
        } else if js_sys::ArrayBuffer::is_view(v) || v.is_instance_of::<js_sys::ArrayBuffer>() {
            "bytes (decode them first: new TextDecoder().decode(bytes))".to_string()
        } else {
            js_type(v)
        };
        let msg = format!("expected the CSV text as a string, got {found}");
        return Err(Error::new(ErrorCode::InvalidType, "", msg).into());
    };
    // Lone surrogates are rare: the regular expression finds whether there is one,
    // and only then is the text read a code unit at a time.
    let pattern = r"[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?:^|[^\uD800-\uDBFF])[\uDC00-\uDFFF]";
    if !Pattern::new(pattern).test(js) {
        return Ok((String::from(js.clone()), Vec::new()));
    }
    let mut text = String::with_capacity(js.length() as usize);
    let mut lone = Vec::new();
    for c in char::decode_utf16(js.iter()) {
        match c {
            Ok(c) => text.push(c),
            Err(_) => {
                lone.push(text.len());
                text.push(char::REPLACEMENT_CHARACTER);
            }
        }
    }
    Ok((text, lone))
}

fn set(target: &Object, key: &str, value: &JsValue) {
    // Setting a data property on a plain object cannot fail.
    let _ = Reflect::set(target, &JsValue::from_str(key), value);
}

fn csv_result(t: TransactionTable) -> Result<JsValue, JsValue> {
    let transactions = Object::new();
    let at: Vec<f64> = t.at_ms.iter().map(|&ms| ms as f64).collect();
    set(
        &transactions,
        "customer",
        &Uint32Array::from(&t.customer[..]),
    );
    set(&transactions, "at", &Float64Array::from(&at[..]));
    set(&transactions, "amount", &Float64Array::from(&t.amount[..]));
    if let Some(cost) = &t.cost {
        set(&transactions, "cost", &Float64Array::from(&cost[..]));
    }
    let out = Object::new();
    set(&out, "transactions", &transactions);
    set(&out, "customerIds", &export_serde(&t.customer_ids)?);
    set(&out, "rows", &JsValue::from_f64(t.rows as f64));
    set(&out, "skipped", &JsValue::from_f64(t.skipped as f64));
    let errors = Array::new();
    for b in &t.errors {
        let e = Object::new();
        set(&e, "line", &JsValue::from_f64(b.line as f64));
        set(&e, "column", &JsValue::from_str(&b.column));
        set(&e, "code", &JsValue::from_str(b.code.as_str()));
        set(&e, "message", &JsValue::from_str(&b.to_string()));
        errors.push(&e);
    }
    set(&out, "errors", &errors);
    Ok(out.into())
}

/// Scores every customer of columnar transactions as `new Scorer(config)`
/// scores each (what `scorer.scoreMany(columns)` runs), into typed arrays
/// indexed by customer: `recencyDays`, `frequency`, `monetary`, `abc` (1 = A …
/// 4 = D, 0 = none), `rfmR`/`rfmF`/`rfmM` (0 = none), `probabilityAlive`,
/// `expectedPurchases`, `expectedAverageSpend` and `lifetimeValue` over
/// `horizonDays` (NaN = none), and with `segments` (default true) the matched
/// segments as bits: `segments[k * words + ⌊i / 32⌋]` bit `i % 32` is
/// `segmentIds[i]`. `onProgress` receives the share of customers scored.
#[wasm_bindgen(js_name = scoreColumns, unchecked_return_type = "ColumnScores")]
pub fn score_columns_js(
    #[wasm_bindgen(unchecked_param_type = "ScorerConfig")] config: JsValue,
    #[wasm_bindgen(unchecked_param_type = "ColumnarTransactions")] transactions: JsValue,
    #[wasm_bindgen(unchecked_param_type = "ColumnScoreOptions")] options: Option<JsValue>,
) -> Result<JsValue, JsValue> {
    let scorer = Scorer::new(&import(&config, "")?)?;
    let Options { json, on_progress } = read_options(options)?;
    let columns = read_columns(&transactions)?;
    let at_ms = instants(&columns.borrow())?;
    let column_options = score_request(&json, now(), columns.customer.iter().max().copied())?;
    let tx = Transactions {
        customer: &columns.customer,
        at_ms: &at_ms,
        amount: &columns.amount,
        cost: columns.cost.as_deref(),
    };
    let mut progress = Progress::new(on_progress);
    let s = score_columns(&scorer, &tx, &column_options, &mut |f| progress.report(f));
    progress.finish()?;
    let s = s?;
    let out = Object::new();
    set(
        &out,
        "recencyDays",
        &Float64Array::from(&s.recency_days[..]),
    );
    set(&out, "frequency", &Uint32Array::from(&s.frequency[..]));
    set(&out, "monetary", &Float64Array::from(&s.monetary[..]));
    set(&out, "abc", &Uint8Array::from(&s.abc[..]));
    set(&out, "rfmR", &Uint8Array::from(&s.rfm_r[..]));
    set(&out, "rfmF", &Uint8Array::from(&s.rfm_f[..]));
    set(&out, "rfmM", &Uint8Array::from(&s.rfm_m[..]));
    set(
        &out,
        "probabilityAlive",
        &Float64Array::from(&s.probability_alive[..]),
    );
    set(
        &out,
        "expectedPurchases",
        &Float64Array::from(&s.expected_purchases[..]),
    );
    set(
        &out,
        "expectedAverageSpend",
        &Float64Array::from(&s.expected_average_spend[..]),
    );
    set(
        &out,
        "lifetimeValue",
        &Float64Array::from(&s.lifetime_value[..]),
    );
    let ids = Array::new();
    for d in scorer.segments().definitions() {
        ids.push(&JsValue::from_str(&d.id));
    }
    set(&out, "segmentIds", &ids);
    set(&out, "words", &JsValue::from_f64(s.words as f64));
    let bits = s
        .segments
        .as_ref()
        .map_or(JsValue::NULL, |b| Uint32Array::from(&b[..]).into());
    set(&out, "segments", &bits);
    Ok(out.into())
}

/// Runs `run` on the transactions of `customers` (objects, read as of the end
/// of the observation day, or columnar transactions).
fn with_transactions<T>(
    customers: &JsValue,
    observation_end_ms: i64,
    run: impl FnOnce(&Transactions<'_>) -> crate::error::Result<T>,
) -> Result<T, JsValue> {
    let end = crate::input::time::day_of(observation_end_ms) * crate::input::time::DAY_MS
        + crate::input::time::DAY_MS
        - 1;
    if Array::is_array(customers) {
        let tape = import_tape(customers, "")?;
        let customers = options::customers(&tape.tape(), end)?;
        let columns = crate::fit::columnar::OwnedColumns::from_customers(&customers)?;
        Ok(run(&columns.transactions())?)
    } else {
        let columns = read_columns(customers)?;
        let at_ms = instants(&columns.borrow())?;
        Ok(run(&Transactions {
            customer: &columns.customer,
            at_ms: &at_ms,
            amount: &columns.amount,
            cost: columns.cost.as_deref(),
        })?)
    }
}

/// Fits a purchase model (`purchaseModel`, default `'bg-nbd'`) on the
/// calibration period (up to the day of `calibrationEnd`) and compares its
/// predictions with the purchases of the holdout period (to the day of
/// `observationEnd`), by calibration repeat purchases 0 … 6 and `'7+'`, with
/// the calibration log-likelihood, AIC and BIC.
#[wasm_bindgen(unchecked_return_type = "Validation")]
pub fn validate(
    #[wasm_bindgen(unchecked_param_type = "Customer[] | ColumnarTransactions")] customers: JsValue,
    #[wasm_bindgen(unchecked_param_type = "ValidateOptions")] options: JsValue,
) -> Result<JsValue, JsValue> {
    let Options { json, on_progress } = read_options(Some(options))?;
    let request = options::validate_request(&json, false)?;
    let mut progress = Progress::new(on_progress);
    let result = with_transactions(&customers, request.observation_end_ms, |tx| {
        crate::fit::validate::validate(tx, &request, &mut |f| progress.report(f))
    });
    progress.finish()?;
    export_serde(&result?)
}

/// Validates every purchase model on the same split as `validate` and ranks
/// them by holdout mean absolute error and by BIC.
#[wasm_bindgen(js_name = compareModels, unchecked_return_type = "ModelComparison")]
pub fn compare_models(
    #[wasm_bindgen(unchecked_param_type = "Customer[] | ColumnarTransactions")] customers: JsValue,
    #[wasm_bindgen(unchecked_param_type = "CompareOptions")] options: JsValue,
) -> Result<JsValue, JsValue> {
    let Options { json, on_progress } = read_options(Some(options))?;
    let request = options::validate_request(&json, true)?;
    let mut progress = Progress::new(on_progress);
    let result = with_transactions(&customers, request.observation_end_ms, |tx| {
        crate::fit::validate::compare_models(tx, &request, &mut |f| progress.report(f))
    });
    progress.finish()?;
    export_serde(&result?)
}
