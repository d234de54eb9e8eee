//! The fitting functions' requests read from loose input with unknown keys
//! refused, and their defaults: `fit`, `fitSummaries`, `readTransactionsCsv`
//! and `scoreColumns` options, summary rows and columns, and customers given
//! as objects. The binding hands these readers what JavaScript gave and holds
//! no default of its own.

use super::columnar::ColumnOptions;
use super::csv::{ColumnNames, CsvOptions, Delimiter};
use super::{AbcRule, FitOptions, SummaryRow, MAX_COUNT};
use crate::error::{index_path, Error, ErrorCode, Result};
use crate::input::customer::{Customer, Limits};
use crate::input::json::{
    expect_array, expect_bool, expect_count, expect_non_negative, expect_number, expect_str,
    expect_whole, format_number, Json, Obj,
};
use crate::input::tape::{type_error, Item, Tape};
use crate::input::time::expect_instant;
use crate::model::Unit;
use crate::scoring::ScoreOptions;

/// Most customers one `fit` call takes as objects or summary rows; larger bases go columnar.
pub const MAX_CUSTOMER_OBJECTS: usize = 10_000_000;

/// The keys of `fit`'s options.
pub const FIT_KEYS: &[&str] = &[
    "asOf",
    "unit",
    "abc",
    "penalizer",
    "gammaGammaPenalizer",
    "allowUnconverged",
    "maxIterations",
    "purchaseModel",
];
/// The keys of `fitSummaries`' options.
pub const SUMMARY_KEYS: &[&str] = &[
    "purchaseModel",
    "unit",
    "penalizer",
    "gammaGammaPenalizer",
    "allowUnconverged",
    "maxIterations",
];
/// The keys of `validate`'s options; `compareModels` takes all but the last, `purchaseModel`.
pub const VALIDATE_KEYS: &[&str] = &[
    "calibrationEnd",
    "observationEnd",
    "unit",
    "penalizer",
    "allowUnconverged",
    "maxIterations",
    "purchaseModel",
];
/// The keys of `readTransactionsCsv`'s options.
pub const CSV_KEYS: &[&str] = &[
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
/// The keys of `scoreColumns`' options.
pub const SCORE_KEYS: &[&str] = &["asOf", "horizonDays", "customers", "segments"];
/// The fields of a summary row (and `id` or `customerId`, which name the row in errors).
pub const SUMMARY_FIELDS: [&str; 4] = ["frequency", "recency", "T", "monetaryValue"];
/// The optional field (and column) of a summary row saying how many customers it stands for.
pub const SUMMARY_COUNT: &str = "count";
const SUMMARY_ROW_KEYS: [&str; 7] = [
    "frequency",
    "recency",
    "T",
    "monetaryValue",
    "id",
    "customerId",
    SUMMARY_COUNT,
];

/// The purchase model a fit estimates (`options.purchaseModel`); each
/// writes its own key of the model JSON.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum PurchaseModel {
    /// BG/NBD, `'bg-nbd'` (model key `bgnbd`).
    #[default]
    BgNbd,
    /// Pareto/NBD, `'pareto-nbd'` (model key `paretoNbd`).
    ParetoNbd,
    /// MBG/NBD, `'mbg-nbd'` (model key `mbgNbd`).
    MbgNbd,
    /// BG/BB, `'bg-bb'` (model key `bgbb`): discrete opportunities, fitted on
    /// summaries `{ frequency, recency, periods, count }` only.
    BgBb,
}

impl PurchaseModel {
    /// Every model with its option name and model key.
    pub const ALL: [(PurchaseModel, &'static str, &'static str); 4] = [
        (PurchaseModel::BgNbd, "bg-nbd", "bgnbd"),
        (PurchaseModel::ParetoNbd, "pareto-nbd", "paretoNbd"),
        (PurchaseModel::MbgNbd, "mbg-nbd", "mbgNbd"),
        (PurchaseModel::BgBb, "bg-bb", "bgbb"),
    ];

    /// The model named `name` in options (`'pareto-nbd'`).
    pub fn from_name(name: &str) -> Option<PurchaseModel> {
        Self::ALL.iter().find(|m| m.1 == name).map(|m| m.0)
    }

    /// The key of the model JSON (and of error paths) it is written under.
    pub fn key(self) -> &'static str {
        Self::ALL.iter().find(|m| m.0 == self).map_or("", |m| m.2)
    }

    /// The option value naming the model (`'pareto-nbd'`).
    pub fn name(self) -> &'static str {
        Self::ALL.iter().find(|m| m.0 == self).map_or("", |m| m.1)
    }

    /// The models `validate` fits and `compareModels` compares, in the order
    /// `compareModels` reports them.
    pub const COMPARED: [PurchaseModel; 3] = [
        PurchaseModel::BgNbd,
        PurchaseModel::ParetoNbd,
        PurchaseModel::MbgNbd,
    ];
}

/// The keys of `fitRetention`'s options.
pub const RETENTION_KEYS: &[&str] = &["allowUnconverged", "maxIterations"];

/// The options of `fitRetention` (only the optimiser's apply).
pub fn retention_request(v: &Json) -> Result<FitOptions> {
    fit_options(&options(v, RETENTION_KEYS)?)
}

/// The keys of a BG/BB summary row (`count` defaults to 1).
const BGBB_ROW_KEYS: [&str; 6] = [
    "frequency",
    "recency",
    "periods",
    "count",
    "id",
    "customerId",
];

/// BG/BB rows given as objects `{ frequency, recency, periods, count? }`.
pub fn bgbb_rows(v: &Json) -> Result<Vec<super::BgBbRow>> {
    let items = expect_array(v, "", MAX_CUSTOMER_OBJECTS)?;
    items
        .iter()
        .enumerate()
        .map(|(i, item)| {
            let o = Obj::new(item, &index_path("", i), &BGBB_ROW_KEYS)?;
            let mut values = [0.0, 0.0, 0.0, 1.0];
            for (slot, key) in values.iter_mut().zip(&BGBB_ROW_KEYS[..3]) {
                *slot = expect_number(o.req(key)?, &o.path_of(key))?;
            }
            o.set("count", &mut values[3], expect_number)?;
            super::bgbb_row(values, &|f| o.path_of(f).into_owned())
        })
        .collect()
}

/// An options object (null: `{}`) with its keys checked.
fn options<'a>(v: &'a Json, keys: &[&str]) -> Result<Obj<'a>> {
    static EMPTY: Json = Json::Obj(Vec::new());
    let v = if *v == Json::Null { &EMPTY } else { v };
    Obj::new(v, "options", keys)
}

/// `options.asOf`, default `now` (epoch ms).
fn as_of(o: &Obj<'_>, now: i64) -> Result<i64> {
    match o.get("asOf") {
        Some(v) => expect_instant(v, &o.path_of("asOf")),
        None => Ok(now),
    }
}

/// The options of `fit` (`asOf` defaulting to `now`) and its fitting options.
pub fn fit_request(v: &Json, now: i64) -> Result<(FitOptions, i64)> {
    let o = options(v, FIT_KEYS)?;
    Ok((fit_options(&o)?, as_of(&o, now)?))
}

/// The options of `fitSummaries`.
pub fn summary_request(v: &Json) -> Result<FitOptions> {
    fit_options(&options(v, SUMMARY_KEYS)?)
}

/// The options of `validate` (`compare`: of `compareModels`, without `purchaseModel`).
pub fn validate_request(v: &Json, compare: bool) -> Result<super::validate::ValidateOptions> {
    let keys = if compare {
        &VALIDATE_KEYS[..VALIDATE_KEYS.len() - 1]
    } else {
        VALIDATE_KEYS
    };
    let o = options(v, keys)?;
    let instant = |key: &str| expect_instant(o.req(key)?, &o.path_of(key));
    let fit = fit_options(&o)?;
    let request = super::validate::ValidateOptions {
        purchase_model: fit.purchase_model,
        fit,
        calibration_end_ms: instant("calibrationEnd")?,
        observation_end_ms: instant("observationEnd")?,
    };
    request.check()?;
    Ok(request)
}

/// Most optimiser iterations a caller may ask for.
pub const MAX_ITERATIONS: f64 = 100_000.0;

/// Reads the fitting options shared by `fit` and `fitSummaries`.
fn fit_options(o: &Obj<'_>) -> Result<FitOptions> {
    let mut options = FitOptions::default();
    if let Some(unit) = o.opt("unit", expect_str)? {
        options.unit = match unit {
            "days" => Unit::Days,
            "weeks" => Unit::Weeks,
            other => {
                let msg = format!(
                    "expected \"days\" or \"weeks\", got {}",
                    Json::Str(other.into()).describe()
                );
                return Err(Error::new(ErrorCode::OutOfRange, o.path_of("unit"), msg));
            }
        };
    }
    if let Some(name) = o.opt("purchaseModel", expect_str)? {
        options.purchase_model = PurchaseModel::from_name(name).ok_or_else(|| {
            let names: Vec<String> = PurchaseModel::ALL
                .iter()
                .map(|m| format!("{:?}", m.1))
                .collect();
            let msg = format!(
                "expected one of {}, got {}",
                names.join(", "),
                Json::Str(name.into()).describe()
            );
            Error::new(ErrorCode::OutOfRange, o.path_of("purchaseModel"), msg)
        })?;
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
    if let Some(n) = o.opt("maxIterations", |v, p| {
        expect_whole(v, p, 1.0, MAX_ITERATIONS)
    })? {
        options.optimizer.max_iterations = n;
    }
    if let Some(abc) = o.get("abc") {
        options.abc = abc_rule(abc, &o.path_of("abc"))?;
    }
    Ok(options)
}

/// `{ rule: 'customerShare' | 'valueShare', a?, b? }`, the shares defaulting to the rule's.
fn abc_rule(v: &Json, path: &str) -> Result<AbcRule> {
    let o = Obj::new(v, path, &["rule", "a", "b"])?;
    let value_share = match o.opt("rule", expect_str)? {
        None | Some("customerShare") => false,
        Some("valueShare") => true,
        Some(other) => {
            let msg = format!(
                "expected \"customerShare\" or \"valueShare\", got {}",
                Json::Str(other.into()).describe()
            );
            return Err(Error::new(ErrorCode::OutOfRange, o.path_of("rule"), msg));
        }
    };
    let (mut a, mut b) = match (
        value_share,
        AbcRule::default(),
        AbcRule::default_value_share(),
    ) {
        (false, AbcRule::CustomerShare { a, b }, _) | (true, _, AbcRule::ValueShare { a, b }) => {
            (a, b)
        }
        _ => (0.0, 0.0),
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

/// Customers given as objects (an array of what `Scorer.score` takes), read from
/// their tape and validated as of `as_of`.
pub fn customers<'t>(tape: &Tape<'t>, as_of: i64) -> Result<Vec<Customer<'t>>> {
    let mut r = tape.reader();
    let span = match r.item()? {
        Item::Arr(span) => span,
        other => {
            return Err(type_error(
                "",
                "an array of customers or columnar transactions { customer, at, amount }",
                &other,
            ))
        }
    };
    if span.len > MAX_CUSTOMER_OBJECTS {
        let msg = format!(
            "expected at most {MAX_CUSTOMER_OBJECTS} items, got {}",
            span.len
        );
        return Err(Error::new(ErrorCode::TooLarge, "", msg));
    }
    let mut items = r.inside(span);
    let limits = Limits::default();
    let mut out = Vec::with_capacity(span.len);
    for i in 0..span.len {
        out.push(
            Customer::read(&mut items, as_of, &limits).map_err(|e| e.under(&index_path("", i)))?,
        );
    }
    items.finish()?;
    Ok(out)
}

/// One checked summary row standing for `count` customers (a whole number
/// from 1 to [`MAX_COUNT`]); `path(field)` names the field in the caller's input.
pub fn summary_row(
    [frequency, recency, t, monetary]: [f64; 4],
    count: f64,
    path: &dyn Fn(&str) -> String,
) -> Result<SummaryRow> {
    let counts = frequency >= 0.0 && frequency.fract() == 0.0 && frequency <= f64::from(u32::MAX);
    let times = [recency, t, monetary]
        .iter()
        .all(|v| v.is_finite() && *v >= 0.0)
        && recency <= t;
    let whole = (1.0..=MAX_COUNT).contains(&count) && count.fract() == 0.0;
    if counts && times && whole {
        // Paths are formatted only for an error: this runs for every row.
        return Ok(SummaryRow {
            frequency: frequency as u32,
            recency,
            t,
            monetary_value: monetary,
            count,
        });
    }
    if !whole {
        let msg = format!(
            "expected a whole number of customers from 1 to 2^53, got {}",
            format_number(count)
        );
        return Err(Error::new(ErrorCode::OutOfRange, path(SUMMARY_COUNT), msg));
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
        count,
    })
}

/// Summary rows given as objects `{ frequency, recency, T, monetaryValue }`;
/// a row may also carry the customer's `id` or `customerId` (as a SQL query
/// returns it), which its errors then name, and a `count` of the customers it
/// stands for (default 1).
pub fn summary_rows(v: &Json) -> Result<Vec<SummaryRow>> {
    let items = expect_array(v, "", MAX_CUSTOMER_OBJECTS)?;
    items
        .iter()
        .enumerate()
        .map(|(i, item)| {
            let base = index_path("", i);
            let o = Obj::new(item, &base, &SUMMARY_ROW_KEYS)?;
            let id = o.get("id").or(o.get("customerId")).map(|v| match v {
                Json::Num(n) => crate::input::json::format_number(*n),
                v => v.describe(),
            });
            let read = || -> Result<SummaryRow> {
                let mut values = [0.0; 4];
                for (slot, key) in values.iter_mut().zip(SUMMARY_FIELDS) {
                    *slot = expect_number(o.req(key)?, &o.path_of(key))?;
                }
                let count = match o.get(SUMMARY_COUNT) {
                    Some(c) => expect_number(c, &o.path_of(SUMMARY_COUNT))?,
                    None => 1.0,
                };
                summary_row(values, count, &|f| o.path_of(f).into_owned())
            };
            read().map_err(|e| match &id {
                Some(id) => Error::new(
                    e.code(),
                    e.path(),
                    format!("customer {}: {}", crate::error::shown(id), e.message()),
                ),
                None => e,
            })
        })
        .collect()
}

/// Summary rows given as four columns of equal length, in [`SUMMARY_FIELDS`]
/// order, and optionally a `count` column of the customers each row stands for.
pub fn summary_columns(columns: [&[f64]; 4], count: Option<&[f64]>) -> Result<Vec<SummaryRow>> {
    let n = columns[0].len();
    let named = SUMMARY_FIELDS
        .iter()
        .zip(columns)
        .chain(count.map(|c| (&SUMMARY_COUNT, c)));
    for (key, c) in named {
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
            let values = columns.map(|c| c[i]);
            let count = count.map_or(1.0, |c| c[i]);
            summary_row(values, count, &|f| format!("{f}[{i}]"))
        })
        .collect()
}

/// The options of `readTransactionsCsv`: which columns hold what, and how to read.
pub fn csv_request(v: &Json) -> Result<(ColumnNames, CsvOptions)> {
    let o = options(v, CSV_KEYS)?;
    let column = |key: &str, default: &str| -> Result<String> {
        match o.get(key) {
            None => Ok(default.to_string()),
            Some(Json::Num(n)) if n.fract() == 0.0 && *n >= 1.0 && *n <= 1e9 => Ok(format!("{n}")),
            Some(Json::Str(s)) => Ok(s.clone()),
            Some(Json::Num(n)) => Err(Error::new(
                ErrorCode::OutOfRange,
                o.path_of(key),
                format!(
                    "expected a column name or a 1-based column number (1 for the first column), got {}",
                    format_number(*n)
                ),
            )),
            Some(v) => Err(crate::input::json::type_error(
                &o.path_of(key),
                "a column name or a 1-based column number",
                v,
            )),
        }
    };
    let defaults = ColumnNames::default();
    let columns = ColumnNames {
        customer: column("customerCol", &defaults.customer)?,
        date: column("dateCol", &defaults.date)?,
        amount: column("amountCol", &defaults.amount)?,
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
                let msg = format!(
                    "expected one ASCII character or \"whitespace\", got {}",
                    Json::Str(d.into()).describe()
                );
                return Err(Error::new(
                    ErrorCode::OutOfRange,
                    o.path_of("delimiter"),
                    msg,
                ));
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
    Ok((columns, csv))
}

/// The options of `scoreColumns`; `customers` defaults to one past the largest
/// customer index of the columns (`highest`, `None` without rows).
pub fn score_request(v: &Json, now: i64, highest: Option<u32>) -> Result<ColumnOptions> {
    let o = options(v, SCORE_KEYS)?;
    let mut score = ScoreOptions::from(as_of(&o, now)?);
    if let Some(h) = o.get("horizonDays") {
        score.horizon_days = expect_number(h, &o.path_of("horizonDays"))?;
    }
    let score = score.checked()?;
    let mut segments = true;
    o.set("segments", &mut segments, expect_bool)?;
    let customers = match o.opt("customers", |v, p| expect_count(v, p, f64::from(u32::MAX)))? {
        Some(n) => n as usize,
        None => highest.map_or(0, |m| m as usize + 1),
    };
    Ok(ColumnOptions {
        score,
        customers,
        segments,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_come_from_the_core() {
        let (options, as_of) = fit_request(&Json::Null, 42).unwrap();
        assert_eq!((options, as_of), (FitOptions::default(), 42));
        let o = Json::parse(r#"{"abc": {"rule": "valueShare"}}"#).unwrap();
        assert_eq!(
            fit_request(&o, 0).unwrap().0.abc,
            AbcRule::ValueShare { a: 0.5, b: 0.3 }
        );
        let e = fit_request(&Json::parse(r#"{"maxIterations": 0}"#).unwrap(), 0).unwrap_err();
        assert_eq!(
            (e.path(), e.message()),
            (
                "options.maxIterations",
                "expected a whole number from 1 to 100000, got 0"
            )
        );
    }

    // Issue 17: the rows a SQL query returns carry the customer's id.
    #[test]
    fn summary_rows_may_carry_an_id_which_errors_name() {
        let rows = Json::parse(
            r#"[{"id": "c1", "frequency": 2, "recency": 3, "T": 5, "monetaryValue": 10},
                {"customerId": 77, "frequency": 1, "recency": 9, "T": 5, "monetaryValue": 10}]"#,
        )
        .unwrap();
        let e = summary_rows(&rows).unwrap_err();
        assert_eq!(e.path(), "[1].recency");
        assert_eq!(e.message(), "customer 77: expected at most T (5), got 9");
        let ok = Json::parse(
            r#"[{"id": "c1", "frequency": 2, "recency": 3, "T": 5, "monetaryValue": 10}]"#,
        )
        .unwrap();
        assert_eq!(
            summary_rows(&ok).unwrap()[0],
            SummaryRow::new(2, 3.0, 5.0, 10.0)
        );
    }

    // Issue 16, item 15: maxIterations 0 said "from 1 to 100000" and -1 "from 0 to 100000";
    // CSV `customerCol: 0` said "expected a string".
    #[test]
    fn hostile_15_option_messages_give_the_real_range() {
        for bad in ["0", "-1", "0.5", "100001"] {
            let e = fit_request(
                &Json::parse(&format!(r#"{{"maxIterations": {bad}}}"#)).unwrap(),
                0,
            )
            .unwrap_err();
            assert_eq!(
                (e.code(), e.path(), e.message()),
                (
                    ErrorCode::OutOfRange,
                    "options.maxIterations",
                    &*format!("expected a whole number from 1 to 100000, got {bad}")
                )
            );
        }
        let columns = |v: &str| csv_request(&Json::parse(v).unwrap());
        let e = columns(r#"{"customerCol": 0}"#).unwrap_err();
        assert_eq!(
            (e.code(), e.path(), e.message()),
            (
                ErrorCode::OutOfRange,
                "options.customerCol",
                "expected a column name or a 1-based column number (1 for the first column), got 0"
            )
        );
        let e = columns(r#"{"dateCol": true}"#).unwrap_err();
        assert_eq!(
            (e.code(), e.message()),
            (
                ErrorCode::InvalidType,
                "expected a column name or a 1-based column number, got true"
            )
        );
        assert_eq!(columns(r#"{"customerCol": 2}"#).unwrap().0.customer, "2");
        assert_eq!(
            columns(r#"{"customerCol": "who"}"#).unwrap().0.customer,
            "who"
        );
    }
}
