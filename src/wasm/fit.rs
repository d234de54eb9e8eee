//! The JavaScript binding of model fitting: `fit`, `fitSummaries`, the CSV
//! reader `readTransactionsCsv` and the columnar scorer `scoreColumns`
//! (which `Scorer.scoreMany` runs for columns, see `js/scorer.js`).
//!
//! Options objects may hold an `onProgress` function besides JSON data: it is
//! taken out first, the rest is read and validated like any input.

use super::{export, import};
use crate::columnar::{instants, score_columns, ColumnOptions, Columns, OwnedColumns};
use crate::config::Config;
use crate::csv::{
    read_transactions_with_progress, ColumnNames, CsvOptions, Delimiter, TransactionTable,
};
use crate::customer::{Customer, Limits};
use crate::error::{Error, ErrorCode};
use crate::fit::{
    fit_summaries, fit_transactions, AbcRule, BgNbd, Convergence, FitInput, FitOptions, Fitted,
    GammaGamma, SummaryRow, Transactions, Unit,
};
use crate::json::{
    expect_array, expect_bool, expect_count, expect_in_range, expect_non_negative, expect_number,
    expect_str, index_path, type_error, Json, Key, Obj,
};
use crate::satisfaction::satisfaction;
use crate::score::{ScoreOptions, Scorer, MAX_HORIZON_DAYS};
use crate::time::expect_instant;
use js_sys::{Array, Float64Array, Function, Int32Array, Object, Reflect, Uint32Array, Uint8Array};
use serde::Serialize;
use wasm_bindgen::prelude::*;

#[wasm_bindgen(typescript_custom_section)]
const FIT_TYPES: &'static str = include_str!("../../js/fit-types.d.ts");

/// Most customers one `fit` call takes as objects; larger bases go columnar.
const MAX_CUSTOMER_OBJECTS: usize = 10_000_000;

/// An options object split into its JSON part and its `onProgress` callback.
struct Options {
    json: Json,
    on_progress: Option<Function>,
}

/// Reads an options object (absent means `{}`), taking `onProgress` out.
fn read_options(options: Option<JsValue>) -> Result<Options, Error> {
    let options = options.unwrap_or(JsValue::UNDEFINED);
    if options.is_undefined() || options.is_null() {
        return Ok(Options {
            json: Json::Obj(Vec::new()),
            on_progress: None,
        });
    }
    if !options.is_object() || Array::is_array(&options) {
        return Err(type_error(
            "options",
            "an object",
            &import(options, "options")?,
        ));
    }
    let mut entries = Vec::new();
    let mut on_progress = None;
    for pair in Object::entries(options.unchecked_ref::<Object>()).iter() {
        let pair: Array = pair.unchecked_into();
        let key = pair.get(0).as_string().unwrap_or_default();
        let value = pair.get(1);
        if key == "onProgress" {
            if value.is_undefined() || value.is_null() {
                continue;
            }
            let f = value.dyn_into::<Function>().map_err(|v| {
                Error::new(
                    ErrorCode::InvalidType,
                    "options.onProgress",
                    format!("expected a function, got {}", js_type(&v)),
                )
            })?;
            on_progress = Some(f);
        } else {
            let path = format!("options.{key}");
            entries.push((key.into(), import(value, &path)?));
        }
    }
    Ok(Options {
        json: Json::Obj(entries),
        on_progress,
    })
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

/// Reads the fitting options shared by `fit` and `fitSummaries`.
fn fit_options(o: &Obj<'_>) -> Result<FitOptions, Error> {
    let mut options = FitOptions::default();
    if let Some(unit) = o.opt("unit", expect_str)? {
        options.unit = match unit {
            "days" => Unit::Days,
            "weeks" => Unit::Weeks,
            other => {
                let msg = format!("expected \"days\" or \"weeks\", got {other:?}");
                return Err(Error::new(ErrorCode::OutOfRange, o.path_of("unit"), msg));
            }
        };
    }
    o.set(
        "penalizer",
        &mut options.penalizer_coef,
        expect_non_negative,
    )?;
    o.set(
        "gammaGammaPenalizer",
        &mut options.gamma_gamma_penalizer_coef,
        expect_non_negative,
    )?;
    o.set(
        "allowUnconverged",
        &mut options.allow_unconverged,
        expect_bool,
    )?;
    if let Some(n) = o.opt("maxIterations", |v, p| expect_count(v, p, 100_000.0))? {
        if n == 0 {
            return Err(Error::new(
                ErrorCode::OutOfRange,
                o.path_of("maxIterations"),
                "expected at least 1, got 0",
            ));
        }
        options.optimizer.max_iterations = n;
    }
    if let Some(abc) = o.get("abc") {
        options.abc = abc_rule(abc, &o.path_of("abc"))?;
    }
    Ok(options)
}

/// `{ rule: 'customerShare' | 'valueShare', a?, b? }`.
fn abc_rule(v: &Json, path: &str) -> Result<AbcRule, Error> {
    let o = Obj::new(v, path, &["rule", "a", "b"])?;
    let value_share = match o.opt("rule", expect_str)? {
        None | Some("customerShare") => false,
        Some("valueShare") => true,
        Some(other) => {
            let msg = format!("expected \"customerShare\" or \"valueShare\", got {other:?}");
            return Err(Error::new(ErrorCode::OutOfRange, o.path_of("rule"), msg));
        }
    };
    let (mut a, mut b) = if value_share {
        (0.5, 0.3)
    } else {
        (0.05, 0.15)
    };
    let share = |v: &Json, p: &str| {
        let s = expect_number(v, p)?;
        if s > 0.0 && s < 1.0 {
            Ok(s)
        } else {
            Err(Error::new(
                ErrorCode::OutOfRange,
                p,
                format!("expected a share between 0 and 1 (exclusive), got {s}"),
            ))
        }
    };
    o.set("a", &mut a, share)?;
    o.set("b", &mut b, share)?;
    if a + b > 1.0 {
        return Err(Error::new(
            ErrorCode::OutOfRange,
            o.path_of("b"),
            format!("a + b must be at most 1, got {}", a + b),
        ));
    }
    Ok(if value_share {
        AbcRule::ValueShare { a, b }
    } else {
        AbcRule::CustomerShare { a, b }
    })
}

/// `options.asOf`, default now.
fn read_as_of(o: &Obj<'_>) -> Result<i64, Error> {
    match o.get("asOf") {
        Some(v) => expect_instant(v, &o.path_of("asOf")),
        None => Ok(js_sys::Date::now() as i64),
    }
}

const FIT_KEYS: &[&str] = &[
    "asOf",
    "unit",
    "abc",
    "penalizer",
    "gammaGammaPenalizer",
    "allowUnconverged",
    "maxIterations",
];
const SUMMARY_KEYS: &[&str] = &[
    "unit",
    "penalizer",
    "gammaGammaPenalizer",
    "allowUnconverged",
    "maxIterations",
];
const COLUMN_KEYS: &[&str] = &["customer", "at", "amount", "cost"];

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
    let o = Obj::new(&json, "options", FIT_KEYS)?;
    let fit_options = fit_options(&o)?;
    let as_of_ms = read_as_of(&o)?;
    let mut progress = Progress::new(on_progress);
    let result = if Array::is_array(&customers) {
        let customers = import(customers, "")?;
        let items = expect_array(&customers, "", MAX_CUSTOMER_OBJECTS)?;
        let limits = Limits::default();
        let validated = items
            .iter()
            .enumerate()
            .map(|(i, c)| {
                Customer::from_json(c, as_of_ms, &limits).map_err(|e| e.under(&index_path("", i)))
            })
            .collect::<Result<Vec<Customer>, Error>>()?;
        let sat = Config::default().satisfaction;
        let gaps: Vec<f64> = validated
            .iter()
            .filter_map(|c| satisfaction(c, &sat).gap)
            .collect();
        let columns = OwnedColumns::from_customers(&validated)?;
        let input = FitInput {
            transactions: columns.transactions(),
            as_of_ms,
            satisfaction_gaps: (!gaps.is_empty()).then_some(&gaps[..]),
        };
        fit_transactions(&input, &fit_options, &mut |f| progress.report(f))
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
    export(&report.model)
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
fn read_columns(v: &JsValue) -> Result<JsColumns, Error> {
    if !v.is_object() {
        let found = if v.is_undefined() {
            Json::Null
        } else {
            import(v.clone(), "")?
        };
        return Err(type_error(
            "",
            "an array of customers or columnar transactions { customer, at, amount }",
            &found,
        ));
    }
    check_keys(v, "", COLUMN_KEYS)?;
    let field = |key: &str| Reflect::get(v, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED);
    let customer = field("customer")
        .dyn_into::<Uint32Array>()
        .map_err(|found| {
            typed_array_error("customer", "a Uint32Array of customer indexes", &found)
        })?
        .to_vec();
    let f64s = |key: &str| -> Result<Vec<f64>, Error> {
        field(key)
            .dyn_into::<Float64Array>()
            .map(|a| a.to_vec())
            .map_err(|found| typed_array_error(key, "a Float64Array", &found))
    };
    let cost = field("cost");
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
fn check_keys(v: &JsValue, path: &str, allowed: &[&str]) -> Result<(), Error> {
    let keys: Vec<(Key, Json)> = Object::keys(v.unchecked_ref::<Object>())
        .iter()
        .map(|k| (k.as_string().unwrap_or_default().into(), Json::Null))
        .collect();
    Obj::new(&Json::Obj(keys), path, allowed).map(|_| ())
}

/// The result of `fitSummaries`.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SummaryFit<'a> {
    unit: Unit,
    customers: usize,
    distinct_triples: usize,
    bgnbd: &'a Fitted<BgNbd>,
    gamma_gamma: Option<&'a Fitted<GammaGamma>>,
    convergence: ConvergenceReport<'a>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ConvergenceReport<'a> {
    bgnbd: &'a Convergence,
    gamma_gamma: Option<&'a Convergence>,
}

/// Fits BG/NBD and Gamma-Gamma on per-customer summaries `{ frequency,
/// recency, T, monetaryValue }` in the chosen unit (lifetimes' definitions),
/// given as an array of rows or as columns (arrays or typed arrays of equal
/// length). Errors name the row (`[3].recency`) or column entry (`recency[3]`).
#[wasm_bindgen(js_name = fitSummaries, unchecked_return_type = "SummaryFit")]
pub fn fit_summaries_js(
    #[wasm_bindgen(unchecked_param_type = "SummaryRow[] | SummaryColumns")] rows: JsValue,
    #[wasm_bindgen(unchecked_param_type = "SummaryOptions")] options: Option<JsValue>,
) -> Result<JsValue, JsValue> {
    let Options { json, on_progress } = read_options(options)?;
    let o = Obj::new(&json, "options", SUMMARY_KEYS)?;
    let fit_options = fit_options(&o)?;
    let rows = if Array::is_array(&rows) {
        summary_rows(&import(rows, "")?)?
    } else {
        summary_columns(&rows)?
    };
    let mut progress = Progress::new(on_progress);
    let result = fit_summaries(&rows, &fit_options, &mut |f| progress.report(f));
    progress.finish()?;
    let fit = result?;
    export(&SummaryFit {
        unit: fit_options.unit,
        customers: rows.len(),
        distinct_triples: fit.distinct_triples,
        bgnbd: &fit.bgnbd,
        gamma_gamma: fit.gamma_gamma.as_ref(),
        convergence: ConvergenceReport {
            bgnbd: &fit.bgnbd_convergence,
            gamma_gamma: fit.gamma_gamma_convergence.as_ref(),
        },
    })
}

/// One checked summary row; `path(field)` names the field in the caller's input.
fn summary_row(
    frequency: f64,
    recency: f64,
    t: f64,
    monetary: f64,
    path: &dyn Fn(&str) -> String,
) -> Result<SummaryRow, Error> {
    let counts = frequency >= 0.0 && frequency.fract() == 0.0 && frequency <= f64::from(u32::MAX);
    let times = [recency, t, monetary]
        .iter()
        .all(|v| v.is_finite() && *v >= 0.0)
        && recency <= t;
    if counts && times {
        // Paths are formatted only for an error: this runs for every row.
        return Ok(SummaryRow {
            frequency: frequency as u32,
            recency,
            t,
            monetary_value: monetary,
        });
    }
    let frequency = expect_count(
        &Json::Num(frequency),
        &path("frequency"),
        f64::from(u32::MAX),
    )?;
    let recency = expect_non_negative(&Json::Num(recency), &path("recency"))?;
    let t = expect_non_negative(&Json::Num(t), &path("T"))?;
    let monetary_value = expect_non_negative(&Json::Num(monetary), &path("monetaryValue"))?;
    if recency > t {
        let msg = format!("expected at most T ({t}), got {recency}");
        return Err(Error::new(ErrorCode::OutOfRange, path("recency"), msg));
    }
    Ok(SummaryRow {
        frequency,
        recency,
        t,
        monetary_value,
    })
}

const SUMMARY_FIELDS: [&str; 4] = ["frequency", "recency", "T", "monetaryValue"];

fn summary_rows(v: &Json) -> Result<Vec<SummaryRow>, Error> {
    let items = expect_array(v, "", MAX_CUSTOMER_OBJECTS)?;
    items
        .iter()
        .enumerate()
        .map(|(i, item)| {
            let base = index_path("", i);
            let o = Obj::new(item, &base, &SUMMARY_FIELDS)?;
            let mut values = [0.0; 4];
            for (slot, key) in values.iter_mut().zip(SUMMARY_FIELDS) {
                *slot = expect_number(o.req(key)?, &o.path_of(key))?;
            }
            summary_row(values[0], values[1], values[2], values[3], &|f| {
                o.path_of(f).into_owned()
            })
        })
        .collect()
}

fn summary_columns(v: &JsValue) -> Result<Vec<SummaryRow>, Error> {
    if !v.is_object() {
        let found = if v.is_undefined() {
            Json::Null
        } else {
            import(v.clone(), "")?
        };
        return Err(type_error(
            "",
            "an array of summary rows or summary columns { frequency, recency, T, monetaryValue }",
            &found,
        ));
    }
    check_keys(v, "", &SUMMARY_FIELDS)?;
    let mut columns: Vec<Vec<f64>> = Vec::with_capacity(4);
    for key in SUMMARY_FIELDS {
        let value = Reflect::get(v, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED);
        let numbers = if let Some(a) = value.dyn_ref::<Float64Array>() {
            a.to_vec()
        } else if let Some(a) = value.dyn_ref::<Uint32Array>() {
            a.to_vec().into_iter().map(f64::from).collect()
        } else if let Some(a) = value.dyn_ref::<Int32Array>() {
            a.to_vec().into_iter().map(f64::from).collect()
        } else if Array::is_array(&value) {
            let json = import(value, key)?;
            let items = expect_array(&json, key, MAX_CUSTOMER_OBJECTS)?;
            items
                .iter()
                .enumerate()
                .map(|(i, x)| expect_number(x, &index_path(key, i)))
                .collect::<Result<_, _>>()?
        } else {
            return Err(typed_array_error(
                key,
                "an array, Float64Array, Uint32Array or Int32Array of numbers",
                &value,
            ));
        };
        columns.push(numbers);
    }
    let n = columns[0].len();
    for (key, c) in SUMMARY_FIELDS.iter().zip(&columns) {
        if c.len() != n {
            let msg = format!(
                "expected {n} items (one per customer, like frequency), got {}",
                c.len()
            );
            return Err(Error::new(ErrorCode::OutOfRange, *key, msg));
        }
    }
    (0..n)
        .map(|i| {
            summary_row(
                columns[0][i],
                columns[1][i],
                columns[2][i],
                columns[3][i],
                &|f| format!("{f}[{i}]"),
            )
        })
        .collect()
}

const CSV_KEYS: &[&str] = &[
    "customerCol",
    "dateCol",
    "amountCol",
    "costCol",
    "delimiter",
    "header",
    "maxLineLength",
    "strict",
    "maxReported",
];

/// Reads transactions from CSV text into columns ready for `fit` and
/// `scoreColumns`, with the customer ids in order of first appearance. Bad
/// rows are skipped and reported by line (`errors`), or with `strict` the
/// first one throws (path `line 17`). `onProgress` receives the share of the text read.
#[wasm_bindgen(js_name = readTransactionsCsv, unchecked_return_type = "CsvTransactions")]
pub fn read_transactions_csv(
    text: &str,
    #[wasm_bindgen(unchecked_param_type = "CsvOptions")] options: Option<JsValue>,
) -> Result<JsValue, JsValue> {
    let Options { json, on_progress } = read_options(options)?;
    let o = Obj::new(&json, "options", CSV_KEYS)?;
    let column = |key: &str, default: &str| -> Result<String, Error> {
        match o.get(key) {
            None => Ok(default.to_string()),
            Some(Json::Num(n)) if n.fract() == 0.0 && *n >= 1.0 => Ok(format!("{n}")),
            Some(v) => expect_str(v, &o.path_of(key)).map(str::to_string),
        }
    };
    let columns = ColumnNames {
        customer: column("customerCol", "customer")?,
        date: column("dateCol", "date")?,
        amount: column("amountCol", "amount")?,
        cost: o
            .get("costCol")
            .map(|_| column("costCol", ""))
            .transpose()?,
    };
    let mut csv = CsvOptions::default();
    if let Some(d) = o.opt("delimiter", expect_str)? {
        csv.delimiter = match d {
            "whitespace" => Delimiter::Whitespace,
            _ if d.len() == 1 && d.is_ascii() && !matches!(d, "\"" | "\n" | "\r") => {
                Delimiter::Byte(d.as_bytes()[0])
            }
            _ => {
                let msg = format!("expected one ASCII character or \"whitespace\", got {d:?}");
                return Err(Error::new(ErrorCode::OutOfRange, o.path_of("delimiter"), msg).into());
            }
        };
    }
    o.set("header", &mut csv.header, expect_bool)?;
    o.set("strict", &mut csv.strict, expect_bool)?;
    if let Some(n) = o.opt("maxLineLength", |v, p| expect_count(v, p, 1e8))? {
        csv.max_line_length = n as usize;
    }
    if let Some(n) = o.opt("maxReported", |v, p| expect_count(v, p, 1e6))? {
        csv.max_reported = n as usize;
    }
    let mut progress = Progress::new(on_progress);
    let table = read_transactions_with_progress(text, &columns, &csv, &mut |f| progress.report(f));
    progress.finish()?;
    csv_result(table?)
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
    set(&out, "customerIds", &export(&t.customer_ids)?);
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

const SCORE_KEYS: &[&str] = &["asOf", "horizonDays", "customers", "segments"];

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
    let config = import(config, "config")?;
    let scorer = Scorer::new(&if config == Json::Null {
        Json::Obj(Vec::new())
    } else {
        config
    })?;
    let Options { json, on_progress } = read_options(options)?;
    let o = Obj::new(&json, "options", SCORE_KEYS)?;
    let mut score = ScoreOptions::from(read_as_of(&o)?);
    o.set("horizonDays", &mut score.horizon_days, |v, p| {
        expect_in_range(v, p, 0.0, MAX_HORIZON_DAYS)
    })?;
    let mut segments = true;
    o.set("segments", &mut segments, expect_bool)?;
    let columns = read_columns(&transactions)?;
    let at_ms = instants(&columns.borrow())?;
    let customers = match o.opt("customers", |v, p| expect_count(v, p, f64::from(u32::MAX)))? {
        Some(n) => n as usize,
        None => columns.customer.iter().max().map_or(0, |&m| m as usize + 1),
    };
    let tx = Transactions {
        customer: &columns.customer,
        at_ms: &at_ms,
        amount: &columns.amount,
        cost: columns.cost.as_deref(),
    };
    let mut progress = Progress::new(on_progress);
    let s = score_columns(
        &scorer,
        &tx,
        &ColumnOptions {
            score,
            customers,
            segments,
        },
        &mut |f| progress.report(f),
    );
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
