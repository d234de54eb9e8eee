//! The JavaScript binding of the discrete-time models: BG/BB through
//! `fitSummaries(rows, { purchaseModel: 'bg-bb' })`, and the contractual sBG:
//! `fitRetention` and its predictions `survival`, `retention` and `derl`.

use super::{export_serde, import};
use crate::error::{Error, ErrorCode};
use crate::fit::options::{bgbb_rows, retention_request};
use crate::fit::sbg::Uncertainty;
use crate::fit::{fit_bgbb, fit_retention, Convergence, FitOptions};
use crate::input::json::{expect_number, Json, Obj};
use crate::model::uncertainty::Params;
use crate::model::{BgBb, Fitted, Sbg};
use serde::ser::{Serialize, SerializeMap, Serializer};
use wasm_bindgen::prelude::*;

/// Values keyed by parameter name: `{ "alpha": 1.2, "beta": 0.7 }`.
struct Named<'a, T>(&'a [&'a str], &'a [T]);

impl<T: Serialize> Serialize for Named<'_, T> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(self.0.len()))?;
        for (k, v) in self.0.iter().zip(self.1) {
            m.serialize_entry(k, v)?;
        }
        m.end()
    }
}

/// A fitted model's parameters, log-likelihood, convergence flag and
/// uncertainty, flat, as the model JSON writes them.
#[derive(serde::Serialize)]
#[serde(rename_all = "camelCase")]
struct FittedWithUncertainty<'a, P: Params> {
    #[serde(flatten)]
    fitted: &'a Fitted<P>,
    #[serde(skip_serializing_if = "Option::is_none")]
    standard_errors: Option<Named<'a, f64>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    intervals: Option<Named<'a, [f64; 2]>>,
    /// Set when the observed information is singular: no standard error exists.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    singular_information: bool,
}

impl<'a, P: Params> FittedWithUncertainty<'a, P> {
    fn new(
        fitted: &'a Fitted<P>,
        names: &'a [&'a str],
        u: Option<&'a Uncertainty>,
    ) -> FittedWithUncertainty<'a, P> {
        FittedWithUncertainty {
            fitted,
            standard_errors: u.map(|u| Named(names, &u.standard_errors)),
            intervals: u.map(|u| Named(names, &u.intervals)),
            singular_information: u.is_none(),
        }
    }
}

const BGBB_NAMES: [&str; 4] = ["alpha", "beta", "gamma", "delta"];
const SBG_NAMES: [&str; 2] = ["alpha", "beta"];

#[derive(serde::Serialize)]
#[serde(rename_all = "camelCase")]
struct BgBbSummaryFit<'a> {
    purchase_model: &'static str,
    customers: f64,
    bgbb: FittedWithUncertainty<'a, BgBb>,
    convergence: BgBbConvergence<'a>,
}

#[derive(serde::Serialize)]
struct BgBbConvergence<'a> {
    bgbb: &'a Convergence,
}

/// `fitSummaries` with `purchaseModel: 'bg-bb'`: rows `{ frequency, recency,
/// periods, count? }`.
pub(super) fn fit_bgbb_summaries(
    rows: &JsValue,
    options: &FitOptions,
    progress: &mut dyn FnMut(f64),
) -> Result<JsValue, JsValue> {
    let rows = bgbb_rows(&import(rows, "")?)?;
    let fit = fit_bgbb(&rows, options, progress)?;
    export_serde(&BgBbSummaryFit {
        purchase_model: "bg-bb",
        customers: fit.customers,
        bgbb: FittedWithUncertainty::new(&fit.bgbb, &BGBB_NAMES, fit.uncertainty.as_ref()),
        convergence: BgBbConvergence {
            bgbb: &fit.convergence,
        },
    })
}

#[derive(serde::Serialize)]
#[serde(rename_all = "camelCase")]
struct RetentionResult<'a> {
    sbg: &'a Sbg,
    log_likelihood: Option<f64>,
    converged: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    standard_errors: Option<Named<'a, f64>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    intervals: Option<Named<'a, [f64; 2]>>,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    singular_information: bool,
    customers: f64,
    periods: usize,
    convergence: &'a Convergence,
}

/// Fits the shifted-beta-geometric model (Fader & Hardie 2007) on one cohort:
/// `activeCounts[t]` is the number of its customers still active at the
/// start of period t (`activeCounts[0]` its size). Returns `{ sbg: { alpha,
/// beta }, logLikelihood, converged, standardErrors, intervals, customers,
/// periods, convergence }`. Counts that rise, are negative or not finite are
/// a `CrmScoreError` naming the entry (`activeCounts[3]`).
#[wasm_bindgen(js_name = fitRetention, unchecked_return_type = "RetentionFit")]
pub fn fit_retention_js(
    #[wasm_bindgen(unchecked_param_type = "number[] | Float64Array | Uint32Array | Int32Array")]
    active_counts: JsValue,
    #[wasm_bindgen(unchecked_param_type = "RetentionOptions")] options: Option<JsValue>,
) -> Result<JsValue, JsValue> {
    let options = retention_request(&import(&options.unwrap_or(JsValue::UNDEFINED), "options")?)?;
    let counts: Vec<f64> = if let Some(a) = active_counts.dyn_ref::<js_sys::Float64Array>() {
        a.to_vec()
    } else if let Some(a) = active_counts.dyn_ref::<js_sys::Uint32Array>() {
        a.to_vec().into_iter().map(f64::from).collect()
    } else if let Some(a) = active_counts.dyn_ref::<js_sys::Int32Array>() {
        a.to_vec().into_iter().map(f64::from).collect()
    } else {
        let json = import(&active_counts, "activeCounts")?;
        let items = crate::input::json::expect_array(
            &json,
            "activeCounts",
            crate::fit::sbg::MAX_PERIODS + 1,
        )?;
        items
            .iter()
            .enumerate()
            .map(|(i, x)| expect_number(x, &crate::error::index_path("activeCounts", i)))
            .collect::<Result<_, _>>()?
    };
    let fit = fit_retention(&counts, &options)?;
    let u = fit.uncertainty.as_ref();
    export_serde(&RetentionResult {
        sbg: &fit.sbg.params,
        log_likelihood: fit.sbg.log_likelihood,
        converged: fit.sbg.converged,
        standard_errors: u.map(|u| Named(&SBG_NAMES, &u.standard_errors)),
        intervals: u.map(|u| Named(&SBG_NAMES, &u.intervals)),
        singular_information: u.is_none(),
        customers: counts[0],
        periods: counts.len() - 1,
        convergence: &fit.convergence,
    })
}

/// Reads `{ alpha, beta }`, or a `fitRetention` result (its `sbg`).
fn sbg_of(v: &JsValue) -> Result<Sbg, Error> {
    let json = import(v, "sbg")
        .map_err(|_| Error::new(ErrorCode::InvalidType, "sbg", "expected { alpha, beta }"))?;
    let inner = match &json {
        Json::Obj(entries) => entries
            .iter()
            .find(|(k, _)| k == "sbg")
            .map_or(&json, |(_, v)| v),
        _ => &json,
    };
    let path = if std::ptr::eq(inner, &json) {
        "sbg"
    } else {
        "sbg.sbg"
    };
    let o = Obj::new(inner, path, &SBG_NAMES)?;
    let param = |key: &str| -> Result<f64, Error> {
        let p = o.path_of(key);
        let x = expect_number(o.req(key)?, &p)?;
        if x > 0.0 && x.is_finite() {
            Ok(x)
        } else {
            Err(Error::new(
                ErrorCode::OutOfRange,
                p,
                format!("expected a number > 0, got {x}"),
            ))
        }
    };
    Ok(Sbg {
        alpha: param("alpha")?,
        beta: param("beta")?,
    })
}

/// A number argument ≥ `min` (finite).
fn arg(v: f64, path: &str, min: f64) -> Result<f64, Error> {
    if v.is_finite() && v >= min {
        return Ok(v);
    }
    Err(Error::new(
        ErrorCode::OutOfRange,
        path,
        format!("expected a finite number >= {min}, got {v}"),
    ))
}

/// S(t) = B(α, β+t)/B(α, β): the share of a cohort still active after `t`
/// periods (t ≥ 0), for `sbg` = `{ alpha, beta }` or a `fitRetention` result.
#[wasm_bindgen]
pub fn survival(
    #[wasm_bindgen(unchecked_param_type = "SbgParams | RetentionFit")] sbg: JsValue,
    t: f64,
) -> Result<f64, JsValue> {
    Ok(sbg_of(&sbg)?.survival(arg(t, "t", 0.0)?))
}

/// r(t) = (β+t−1)/(α+β+t−1): the share of the customers active in period
/// t − 1 who renew into period t (t ≥ 1).
#[wasm_bindgen]
pub fn retention(
    #[wasm_bindgen(unchecked_param_type = "SbgParams | RetentionFit")] sbg: JsValue,
    t: f64,
) -> Result<f64, JsValue> {
    Ok(sbg_of(&sbg)?.retention(arg(t, "t", 1.0)?))
}

/// The discounted expected residual lifetime, in periods, of a customer at
/// the end of period `n` (n − 1 renewals made, the next decision to come;
/// default n = 1) at discount rate `discountRate` > 0 per period (Fader &
/// Hardie 2010): (β+n−1)/(α+β+n−1) · ₂F₁(1, β+n; α+β+n; 1/(1+d)).
#[wasm_bindgen]
pub fn derl(
    #[wasm_bindgen(unchecked_param_type = "SbgParams | RetentionFit")] sbg: JsValue,
    #[wasm_bindgen(js_name = discountRate)] discount_rate: f64,
    n: Option<f64>,
) -> Result<f64, JsValue> {
    let sbg = sbg_of(&sbg)?;
    let n = arg(n.unwrap_or(1.0), "n", 1.0)?;
    if !(discount_rate > 0.0 && discount_rate.is_finite()) {
        let msg = format!("expected a rate > 0 per period, got {discount_rate}");
        return Err(Error::new(ErrorCode::OutOfRange, "discountRate", msg).into());
    }
    sbg.derl(discount_rate, n).ok_or_else(|| {
        let msg = format!(
            "the series did not converge (alpha {}, beta {}, n {n}, discountRate {discount_rate}): use a larger rate",
            sbg.alpha, sbg.beta
        );
        Error::new(ErrorCode::OutOfRange, "discountRate", msg).into()
    })
}
