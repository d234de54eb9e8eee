//! The population model that ships to browsers and edge workers: its format
//! (fitted once by `crate::fit`, shipped as JSON, read back here with every
//! field checked) and the predictions it makes for one customer.
//!
//! - [`BgNbd`]: purchases to come and the probability a customer is alive;
//!   [`ParetoNbd`] and [`MbgNbd`] the same from other purchase models, one
//!   of which a model holds ([`Purchase`]);
//! - [`GammaGamma`]: spend per purchase;
//! - [`BgBb`]: transactions at discrete opportunities; [`Sbg`]: contract renewals;
//! - [`AbcCuts`], [`RfmEdges`], [`SatisfactionCuts`]: the population's cut points;
//! - [`predict`]: one customer's predicted value over a horizon.

mod bgbb;
mod bgnbd;
mod gamma_gamma;
mod mbg_nbd;
mod pareto_nbd;
mod population;
pub mod predict;
mod sbg;
pub mod special;
pub mod uncertainty;

pub use bgbb::{ln_beta, opportunities, predict_bgbb, BgBb, BgBbModel};
pub use bgnbd::{BgNbd, Rfm};
pub use gamma_gamma::GammaGamma;
pub use mbg_nbd::MbgNbd;
pub use pareto_nbd::{ParetoNbd, MAX_SCALE_RATIO};
pub use population::{AbcCuts, RfmEdges, SatisfactionCuts};
pub use predict::{predict, predict_with, Predicted, Purchase, Steps};
pub use sbg::Sbg;
pub use uncertainty::{Estimate, Interval, Uncertainty};

use crate::error::{index_path, Error, ErrorCode, Result};
use crate::input::json::{
    expect_array, expect_bool, expect_count, expect_number, expect_str, format_number, Json, Obj,
    Reader,
};
use crate::input::time::parse_date;

/// The time unit of recency, T and model parameters (α of BG/NBD is in this unit).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[cfg_attr(feature = "fit", derive(serde::Serialize))]
#[cfg_attr(feature = "fit", serde(rename_all = "lowercase"))]
pub enum Unit {
    /// Days.
    Days,
    /// Weeks of 7 days (the unit of the CDNOW benchmark).
    #[default]
    Weeks,
}

impl Unit {
    /// The unit's length in days.
    pub fn days(self) -> f64 {
        match self {
            Unit::Days => 1.0,
            Unit::Weeks => 7.0,
        }
    }

    /// The unit's length in months, as lifetimes' `customer_lifetime_value`
    /// counts it (30 days, 4.345 weeks).
    pub fn per_month(self) -> f64 {
        match self {
            Unit::Days => 30.0,
            Unit::Weeks => 4.345,
        }
    }

    /// The lowercase name used in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Unit::Days => "days",
            Unit::Weeks => "weeks",
        }
    }
}

/// The model format version written and accepted by this crate.
pub const MODEL_VERSION: u32 = 1;

/// Fitted parameters with the fit's log-likelihood, convergence flag and
/// uncertainty; serialises flat: `{ "r": .., "alpha": .., "a": .., "b": ..,
/// "logLikelihood": .., "converged": true, "standardErrors": .. }` (see [`uncertainty`]).
#[derive(Debug, Clone, PartialEq)]
pub struct Fitted<P> {
    /// The parameters.
    pub params: P,
    /// Log-likelihood of the fitting data at `params`, when known.
    pub log_likelihood: Option<f64>,
    /// Whether the optimiser converged (true for hand-written models).
    pub converged: bool,
    /// The parameters' uncertainty (`standardErrors`, `intervals`,
    /// `logCovariance`, or `singularInformation`); `None` when not estimated.
    pub uncertainty: Option<Uncertainty>,
}

/// Everything the scoring side needs about the population, fitted once and
/// shipped as JSON (`version` 1).
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "fit", derive(serde::Serialize))]
#[cfg_attr(feature = "fit", serde(rename_all = "camelCase"))]
pub struct Model {
    /// Format version, [`MODEL_VERSION`].
    pub version: u32,
    /// Time unit of BG/NBD's α and of recency/T inputs.
    pub unit: Unit,
    /// The UTC date (`YYYY-MM-DD`) the population was summarised at.
    pub as_of: String,
    /// Number of customers in the population.
    pub customers: u32,
    /// ABC cut points.
    pub abc: AbcCuts,
    /// RFM quintile edges.
    pub rfm: RfmEdges,
    /// BG/NBD purchase model, when fitted.
    #[cfg_attr(feature = "fit", serde(skip_serializing_if = "Option::is_none"))]
    pub bgnbd: Option<Fitted<BgNbd>>,
    /// Pareto/NBD purchase model, when fitted (at most one purchase model is present).
    #[cfg_attr(feature = "fit", serde(skip_serializing_if = "Option::is_none"))]
    pub pareto_nbd: Option<Fitted<ParetoNbd>>,
    /// MBG/NBD purchase model, when fitted.
    #[cfg_attr(feature = "fit", serde(skip_serializing_if = "Option::is_none"))]
    pub mbg_nbd: Option<Fitted<MbgNbd>>,
    /// Gamma-Gamma spend model, when fitted.
    #[cfg_attr(feature = "fit", serde(skip_serializing_if = "Option::is_none"))]
    pub gamma_gamma: Option<Fitted<GammaGamma>>,
    /// BG/BB purchase model at discrete opportunities; predictions use it instead of BG/NBD when present.
    #[cfg_attr(feature = "fit", serde(skip_serializing_if = "Option::is_none"))]
    pub bgbb: Option<BgBbModel>,
    /// Satisfaction-gap percentiles, when satisfaction data was given.
    #[cfg_attr(feature = "fit", serde(skip_serializing_if = "Option::is_none"))]
    pub satisfaction: Option<SatisfactionCuts>,
}

const ROOT: &str = "model";

/// Largest model accepted, as JSON text (64 KiB; numbers counted as 8 bytes).
pub const MAX_MODEL_BYTES: usize = 64 << 10;

impl Model {
    /// Decodes and validates a model. A malformed model is an `InvalidModel`
    /// error whose path names the field (`model.abc.b`): unknown or missing
    /// keys, wrong types, a `version` other than 1, a malformed `asOf`,
    /// non-finite numbers, shares outside [0, 1], `abc.b` above `abc.a`, RFM
    /// edges that are not 4 ascending numbers, `satisfaction.p15` above `p85`.
    /// A BG/NBD or Gamma-Gamma parameter outside [`BGNBD_RANGES`] or
    /// [`GAMMA_GAMMA_RANGES`] is an `OutOfRange` error naming it
    /// (`model.gammaGamma.q`): every model accepted predicts finite values.
    ///
    /// A model larger than [`MAX_MODEL_BYTES`] as JSON is refused with
    /// `TOO_LARGE` before it is read (a real one is under 1 KB).
    pub fn from_json(v: &Json) -> Result<Model> {
        if v.larger_than(MAX_MODEL_BYTES) {
            let msg = format!("model is larger than {MAX_MODEL_BYTES} bytes of JSON");
            return Err(Error::new(ErrorCode::TooLarge, ROOT, msg));
        }
        let model =
            decode(v).map_err(|e| Error::new(ErrorCode::InvalidModel, e.path(), e.message()))?;
        if let Some(bg) = &model.bgnbd {
            check_bgnbd(&bg.params, model.unit, &format!("{ROOT}.bgnbd"))?;
        }
        if let Some(p) = &model.pareto_nbd {
            check_pareto_nbd(&p.params, model.unit, &format!("{ROOT}.paretoNbd"))?;
        }
        if let Some(m) = &model.mbg_nbd {
            let path = format!("{ROOT}.mbgNbd");
            check4(&BGNBD_RANGES, m.params.to_array(), model.unit, &path)?;
        }
        if let Some(gg) = &model.gamma_gamma {
            check_gamma_gamma(&gg.params, &format!("{ROOT}.gammaGamma"))?;
        }
        if let Some(bb) = &model.bgbb {
            let p = bb.params;
            let values = [p.alpha, p.beta, p.gamma, p.delta, bb.opportunity_days];
            for (range, value) in BGBB_RANGES.iter().zip(values) {
                range.check(value, 1.0, &format!("{ROOT}.bgbb"))?;
            }
        }
        Ok(model)
    }
}

impl Model {
    /// The purchase model the model holds, if any (decoding admits at most one).
    pub fn purchase(&self) -> Option<Purchase> {
        if let Some(f) = &self.bgnbd {
            return Some(Purchase::BgNbd(f.params));
        }
        if let Some(f) = &self.pareto_nbd {
            return Some(Purchase::ParetoNbd(f.params));
        }
        self.mbg_nbd.as_ref().map(|f| Purchase::MbgNbd(f.params))
    }

    /// [`Model::purchase`] with the uncertainty of its fit.
    pub fn purchase_with_uncertainty(&self) -> Option<(Purchase, Option<&Uncertainty>)> {
        let uncertainty = match (&self.bgnbd, &self.pareto_nbd, &self.mbg_nbd) {
            (Some(f), _, _) => f.uncertainty.as_ref(),
            (_, Some(f), _) => f.uncertainty.as_ref(),
            (_, _, Some(f)) => f.uncertainty.as_ref(),
            _ => None,
        };
        Some((self.purchase()?, uncertainty))
    }
}

/// Where a parameter must lie for every prediction of the model to be finite.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ParamRange {
    /// The parameter's name in the model (`alpha`).
    pub name: &'static str,
    /// Smallest accepted value (for `alpha`, in days: divide by the unit's length).
    pub min: f64,
    /// Whether `min` itself is refused.
    pub above_min: bool,
    /// Largest accepted value (for `alpha`, in days).
    pub max: f64,
    /// What goes wrong outside the range.
    pub why: &'static str,
}

/// The accepted BG/NBD parameters, `[r, alpha, a, b]`. Inside them the series
/// of the expected purchases converges within its term cap for every customer
/// (any repeat purchases, recency and age) and every horizon up to 3,650 days,
/// which tests/fit.rs checks at the corners; outside, a large r or a small α
/// (rates of several purchases a day, which daily purchase occasions cannot
/// show) needs millions of terms or cancels to noise.
pub const BGNBD_RANGES: [ParamRange; 4] = [
    ParamRange {
        name: "r",
        min: 1e-6,
        above_min: false,
        max: 20.0,
        why: "the expected purchases cannot be computed",
    },
    ParamRange {
        name: "alpha",
        min: 3.0,
        above_min: false,
        max: 1e7,
        why: "the expected purchases cannot be computed",
    },
    ParamRange {
        name: "a",
        min: 1e-6,
        above_min: false,
        max: 1e6,
        why: "the expected purchases cannot be computed",
    },
    ParamRange {
        name: "b",
        min: 1e-6,
        above_min: false,
        max: 1e6,
        why: "the expected purchases cannot be computed",
    },
];

/// The accepted Pareto/NBD parameters, `[r, alpha, s, beta]`; besides, α and β
/// must lie within a factor [`MAX_SCALE_RATIO`] of each other.
pub const PARETO_NBD_RANGES: [ParamRange; 4] = [
    ParamRange {
        name: "r",
        min: 1e-6,
        above_min: false,
        max: 1e6,
        why: "the probability alive cannot be computed",
    },
    ParamRange {
        name: "alpha",
        min: 1e-3,
        above_min: false,
        max: 1e7,
        why: "the probability alive cannot be computed",
    },
    ParamRange {
        name: "s",
        min: 1e-6,
        above_min: false,
        max: 1e6,
        why: "the probability alive cannot be computed",
    },
    ParamRange {
        name: "beta",
        min: 1e-3,
        above_min: false,
        max: 1e7,
        why: "the probability alive cannot be computed",
    },
];

/// The accepted Gamma-Gamma parameters, `[p, q, v]`: q ≤ 1 gives customers
/// without repeat purchases an infinite expected spend.
pub const GAMMA_GAMMA_RANGES: [ParamRange; 3] = [
    ParamRange {
        name: "p",
        min: 1e-6,
        above_min: false,
        max: 1e6,
        why: "the expected spend cannot be computed",
    },
    ParamRange {
        name: "q",
        min: 1.0,
        above_min: true,
        max: 1e6,
        why: "the expected spend of a customer without repeat purchases is infinite",
    },
    ParamRange {
        name: "v",
        min: 1e-6,
        above_min: false,
        max: 1e12,
        why: "the expected spend cannot be computed",
    },
];

/// The accepted BG/BB parameters, `[alpha, beta, gamma, delta]`, and the
/// opportunity length in days.
pub const BGBB_RANGES: [ParamRange; 5] = [
    ParamRange {
        name: "alpha",
        min: 1e-6,
        above_min: false,
        max: 1e6,
        why: "the predictions cannot be computed",
    },
    ParamRange {
        name: "beta",
        min: 1e-6,
        above_min: false,
        max: 1e6,
        why: "the predictions cannot be computed",
    },
    ParamRange {
        name: "gamma",
        min: 1e-6,
        above_min: false,
        max: 1e6,
        why: "the predictions cannot be computed",
    },
    ParamRange {
        name: "delta",
        min: 1e-6,
        above_min: false,
        max: 1e6,
        why: "the predictions cannot be computed",
    },
    ParamRange {
        name: "opportunityDays",
        min: 1.0,
        above_min: false,
        max: 36_500.0,
        why: "opportunities are not whole days within a century",
    },
];

impl ParamRange {
    /// Refuses `value` outside the range (`OutOfRange`, path `{path}.{name}`);
    /// `scale` divides the bounds (the unit's length in days for `alpha`, else 1).
    fn check(&self, value: f64, scale: f64, path: &str) -> Result<()> {
        let (min, max) = (self.min / scale, self.max / scale);
        let low = if self.above_min {
            value <= min
        } else {
            value < min
        };
        if !(low || value > max) && value.is_finite() {
            return Ok(());
        }
        let from = if self.above_min { "above" } else { "from" };
        let to = if self.above_min { "and at most" } else { "to" };
        let days = if scale == 1.0 {
            String::new()
        } else {
            format!(
                " ({} to {} days)",
                format_number(self.min),
                format_number(self.max)
            )
        };
        let msg = format!(
            "expected a number {from} {} {to} {}{days}, got {}: outside it {}",
            format_number(min),
            format_number(max),
            format_number(value),
            self.why
        );
        Err(Error::new(
            ErrorCode::OutOfRange,
            format!("{path}.{}", self.name),
            msg,
        ))
    }
}

/// Checks BG/NBD parameters in `unit` against [`BGNBD_RANGES`]; errors name `{path}.{parameter}`.
pub fn check_bgnbd(p: &BgNbd, unit: Unit, path: &str) -> Result<()> {
    check4(&BGNBD_RANGES, p.to_array(), unit, path)
}

/// Checks four parameters against `ranges`, whose `alpha` and `beta` bounds
/// are in days (scaled to `unit`).
fn check4(ranges: &[ParamRange; 4], values: [f64; 4], unit: Unit, path: &str) -> Result<()> {
    for (range, value) in ranges.iter().zip(values) {
        let scale = if matches!(range.name, "alpha" | "beta") {
            unit.days()
        } else {
            1.0
        };
        range.check(value, scale, path)?;
    }
    Ok(())
}

/// Checks Pareto/NBD parameters in `unit` against [`PARETO_NBD_RANGES`] and
/// α, β within [`MAX_SCALE_RATIO`] of each other; errors name `{path}.{parameter}`.
pub fn check_pareto_nbd(p: &ParetoNbd, unit: Unit, path: &str) -> Result<()> {
    check4(&PARETO_NBD_RANGES, p.to_array(), unit, path)?;
    let ratio = ParamRange {
        name: "beta",
        min: p.alpha / MAX_SCALE_RATIO,
        above_min: false,
        max: p.alpha * MAX_SCALE_RATIO,
        why:
            "beta is not within a factor 1000 of alpha and the probability alive cannot be computed",
    };
    ratio.check(p.beta, 1.0, path)
}

/// Checks Gamma-Gamma parameters against [`GAMMA_GAMMA_RANGES`]; errors name `{path}.{parameter}`.
pub fn check_gamma_gamma(p: &GammaGamma, path: &str) -> Result<()> {
    for (range, value) in GAMMA_GAMMA_RANGES.iter().zip(p.to_array()) {
        range.check(value, 1.0, path)?;
    }
    Ok(())
}

fn decode(v: &Json) -> Result<Model> {
    let keys = [
        "version",
        "unit",
        "asOf",
        "customers",
        "abc",
        "rfm",
        "bgnbd",
        "paretoNbd",
        "mbgNbd",
        "gammaGamma",
        "satisfaction",
        "bgbb",
    ];
    let o = Obj::new(v, ROOT, &keys)?;
    let version = expect_count(
        o.req("version")?,
        &o.path_of("version"),
        f64::from(u32::MAX),
    )?;
    if version != MODEL_VERSION {
        let msg = format!("expected model version {MODEL_VERSION}, got {version}: refit the model with this version");
        return Err(Error::new(
            ErrorCode::InvalidModel,
            o.path_of("version"),
            msg,
        ));
    }
    let unit = match expect_str(o.req("unit")?, &o.path_of("unit"))? {
        "days" => Unit::Days,
        "weeks" => Unit::Weeks,
        other => {
            return Err(out_of_range(
                &o.path_of("unit"),
                format!(
                    "expected \"days\" or \"weeks\", got {}",
                    crate::error::Quoted(other)
                ),
            ))
        }
    };
    let as_of = expect_str(o.req("asOf")?, &o.path_of("asOf"))?;
    // The day's every instant must be one that scoring accepts (years 1900 to 2999).
    let first = crate::input::time::days_from_civil(1900, 1, 1);
    let last = crate::input::time::days_from_civil(2999, 12, 31);
    if !parse_date(as_of).is_some_and(|day| (first..=last).contains(&day)) {
        return Err(out_of_range(
            &o.path_of("asOf"),
            format!(
                "expected a date YYYY-MM-DD from 1900-01-01 to 2999-12-31, got {}",
                Json::Str(as_of.to_string()).describe()
            ),
        ));
    }
    let purchase_keys: [(&str, Reader<'_, Fitted<[f64; 4]>>); 3] = [
        ("bgnbd", decode_nbd_beta),
        ("paretoNbd", decode_pareto_nbd),
        ("mbgNbd", decode_nbd_beta),
    ];
    let mut purchases = [None, None, None];
    for (slot, (key, read)) in purchases.iter_mut().zip(purchase_keys) {
        *slot = o.opt(key, read)?;
    }
    let bgbb = o.opt("bgbb", decode_bgbb)?;
    if purchases.iter().flatten().count() + usize::from(bgbb.is_some()) > 1 {
        let msg = "expected one purchase model of bgnbd, paretoNbd, mbgNbd and bgbb, got more";
        return Err(Error::new(ErrorCode::InvalidModel, ROOT, msg));
    }
    let [bgnbd, pareto, mbg] = purchases;
    Ok(Model {
        version,
        unit,
        as_of: as_of.to_string(),
        customers: expect_count(
            o.req("customers")?,
            &o.path_of("customers"),
            f64::from(u32::MAX),
        )?,
        abc: decode_abc(o.req("abc")?, &o.path_of("abc"))?,
        rfm: decode_rfm(o.req("rfm")?, &o.path_of("rfm"))?,
        bgnbd: bgnbd.map(|f| f.map(|[r, alpha, a, b]| BgNbd { r, alpha, a, b })),
        pareto_nbd: pareto.map(|f| f.map(|[r, alpha, s, beta]| ParetoNbd { r, alpha, s, beta })),
        mbg_nbd: mbg.map(|f| f.map(|[r, alpha, a, b]| MbgNbd { r, alpha, a, b })),
        gamma_gamma: o.opt("gammaGamma", decode_gamma_gamma)?,
        satisfaction: o.opt("satisfaction", decode_satisfaction)?,
        bgbb,
    })
}

fn out_of_range(path: &str, msg: String) -> Error {
    Error::new(ErrorCode::OutOfRange, path, msg)
}

fn decode_abc(v: &Json, path: &str) -> Result<AbcCuts> {
    let o = Obj::new(v, path, &["a", "b", "customerShare", "valueShare"])?;
    let a = expect_number(o.req("a")?, &o.path_of("a"))?;
    let b = expect_number(o.req("b")?, &o.path_of("b"))?;
    if b > a {
        return Err(out_of_range(
            &o.path_of("b"),
            format!(
                "expected at most a ({}), got {}",
                format_number(a),
                format_number(b)
            ),
        ));
    }
    Ok(AbcCuts {
        a,
        b,
        customer_share: shares(o.req("customerShare")?, &o.path_of("customerShare"))?,
        value_share: shares(o.req("valueShare")?, &o.path_of("valueShare"))?,
    })
}

fn shares(v: &Json, path: &str) -> Result<[f64; 3]> {
    let items = fixed_array::<3>(v, path)?;
    for (i, s) in items.iter().enumerate() {
        if !(0.0..=1.0).contains(s) {
            return Err(out_of_range(
                &index_path(path, i),
                format!("expected a share from 0 to 1, got {}", format_number(*s)),
            ));
        }
    }
    Ok(items)
}

/// An array of exactly `N` finite numbers.
fn fixed_array<const N: usize>(v: &Json, path: &str) -> Result<[f64; N]> {
    let items = expect_array(v, path, N)?;
    if items.len() != N {
        return Err(out_of_range(
            path,
            format!("expected {N} numbers, got {}", items.len()),
        ));
    }
    let mut out = [0.0; N];
    for (i, item) in items.iter().enumerate() {
        out[i] = expect_number(item, &index_path(path, i))?;
    }
    Ok(out)
}

fn decode_rfm(v: &Json, path: &str) -> Result<RfmEdges> {
    let o = Obj::new(v, path, &["recency", "frequency", "monetary"])?;
    let edges = |key: &str| -> Result<[f64; 4]> {
        let p = o.path_of(key);
        let e = fixed_array::<4>(o.req(key)?, &p)?;
        match (1..4).find(|&i| e[i] < e[i - 1]) {
            Some(i) => Err(out_of_range(
                &index_path(&p, i),
                format!(
                    "edges must be ascending: {} after {}",
                    format_number(e[i]),
                    format_number(e[i - 1])
                ),
            )),
            None => Ok(e),
        }
    };
    Ok(RfmEdges {
        recency: edges("recency")?,
        frequency: edges("frequency")?,
        monetary: edges("monetary")?,
    })
}

/// A finite number (its range is checked after decoding, see [`ParamRange`]).
fn param(o: &Obj<'_>, key: &str) -> Result<f64> {
    expect_number(o.req(key)?, &o.path_of(key))
}

impl Fitted<[f64; 4]> {
    /// The same fit with its parameters as `P`.
    fn map<P>(self, params: impl FnOnce([f64; 4]) -> P) -> Fitted<P> {
        Fitted {
            params: params(self.params),
            log_likelihood: self.log_likelihood,
            converged: self.converged,
            uncertainty: self.uncertainty,
        }
    }
}

fn fit_fields<P>(o: &Obj<'_>, params: P, names: &'static [&'static str]) -> Result<Fitted<P>> {
    Ok(Fitted {
        params,
        log_likelihood: o.opt("logLikelihood", expect_number)?,
        converged: o.opt("converged", expect_bool)?.unwrap_or(true),
        uncertainty: uncertainty::decode(o, names)?,
    })
}

/// A purchase model's four parameters named `keys[..4]`, in order, and its
/// fit fields (`keys[4..]`).
fn decode4(v: &Json, path: &str, keys: &[&str; 10]) -> Result<Fitted<[f64; 4]>> {
    let o = Obj::new(v, path, keys)?;
    let mut params = [0.0; 4];
    for (p, key) in params.iter_mut().zip(keys) {
        *p = param(&o, key)?;
    }
    let names: &'static [&'static str] = if keys[2] == "s" {
        &PARETO_NBD_NAMES
    } else {
        &BGNBD_NAMES
    };
    fit_fields(&o, params, names)
}

/// BG/NBD's or MBG/NBD's `{ r, alpha, a, b, … }`.
fn decode_nbd_beta(v: &Json, path: &str) -> Result<Fitted<[f64; 4]>> {
    decode4(v, path, &NBD_BETA_KEYS)
}

/// Pareto/NBD's `{ r, alpha, s, beta, … }`.
fn decode_pareto_nbd(v: &Json, path: &str) -> Result<Fitted<[f64; 4]>> {
    decode4(v, path, &PARETO_NBD_KEYS)
}

/// The names of BG/NBD's (and MBG/NBD's) parameters in the model's JSON, in [`BgNbd::to_array`] order.
pub const BGNBD_NAMES: [&str; 4] = ["r", "alpha", "a", "b"];
/// The names of Pareto/NBD's parameters in the model's JSON, in [`ParetoNbd::to_array`] order.
pub const PARETO_NBD_NAMES: [&str; 4] = ["r", "alpha", "s", "beta"];
/// The names of Gamma-Gamma's parameters in the model's JSON, in [`GammaGamma::to_array`] order.
pub const GAMMA_GAMMA_NAMES: [&str; 3] = ["p", "q", "v"];

// The keys of the fitted models' objects (statics: built once, not per call).
static NBD_BETA_KEYS: [&str; 10] = [
    "r",
    "alpha",
    "a",
    "b",
    "logLikelihood",
    "converged",
    uncertainty::KEYS[0],
    uncertainty::KEYS[1],
    uncertainty::KEYS[2],
    uncertainty::KEYS[3],
];
static PARETO_NBD_KEYS: [&str; 10] = [
    "r",
    "alpha",
    "s",
    "beta",
    "logLikelihood",
    "converged",
    uncertainty::KEYS[0],
    uncertainty::KEYS[1],
    uncertainty::KEYS[2],
    uncertainty::KEYS[3],
];
static GAMMA_GAMMA_KEYS: [&str; 9] = [
    "p",
    "q",
    "v",
    "logLikelihood",
    "converged",
    uncertainty::KEYS[0],
    uncertainty::KEYS[1],
    uncertainty::KEYS[2],
    uncertainty::KEYS[3],
];

/// `{ alpha, beta, gamma, delta, opportunityDays, logLikelihood?, converged? }`;
/// a `fitSummaries` result's `standardErrors`, `intervals` and
/// `singularInformation` are accepted and not used. Ranges: [`BGBB_RANGES`].
fn decode_bgbb(v: &Json, path: &str) -> Result<BgBbModel> {
    let o = Obj::new(
        v,
        path,
        &[
            "alpha",
            "beta",
            "gamma",
            "delta",
            "opportunityDays",
            "logLikelihood",
            "converged",
            "standardErrors",
            "intervals",
            "singularInformation",
        ],
    )?;
    let mut p = [0.0; 5];
    for (slot, range) in p.iter_mut().zip(&BGBB_RANGES) {
        *slot = param(&o, range.name)?;
    }
    Ok(BgBbModel {
        params: BgBb {
            alpha: p[0],
            beta: p[1],
            gamma: p[2],
            delta: p[3],
        },
        opportunity_days: p[4],
        log_likelihood: o.opt("logLikelihood", expect_number)?,
        converged: o.opt("converged", expect_bool)?.unwrap_or(true),
    })
}

fn decode_gamma_gamma(v: &Json, path: &str) -> Result<Fitted<GammaGamma>> {
    let o = Obj::new(v, path, &GAMMA_GAMMA_KEYS)?;
    let params = GammaGamma {
        p: param(&o, "p")?,
        q: param(&o, "q")?,
        v: param(&o, "v")?,
    };
    fit_fields(&o, params, &GAMMA_GAMMA_NAMES)
}

fn decode_satisfaction(v: &Json, path: &str) -> Result<SatisfactionCuts> {
    let o = Obj::new(v, path, &["p15", "p85"])?;
    let p15 = expect_number(o.req("p15")?, &o.path_of("p15"))?;
    let p85 = expect_number(o.req("p85")?, &o.path_of("p85"))?;
    if p85 < p15 {
        return Err(out_of_range(
            &o.path_of("p85"),
            format!(
                "expected at least p15 ({}), got {}",
                format_number(p15),
                format_number(p85)
            ),
        ));
    }
    Ok(SatisfactionCuts { p15, p85 })
}

// The tests serialise models, which the estimation code does (`fit`).
#[cfg(all(test, feature = "fit"))]
mod tests {
    use super::*;

    fn sample() -> Model {
        Model {
            version: 1,
            unit: Unit::Weeks,
            as_of: "1997-09-30".into(),
            customers: 2357,
            abc: AbcCuts {
                a: 300.5,
                b: 80.0,
                customer_share: [0.05, 0.15, 0.8],
                value_share: [0.4, 0.3, 0.3],
            },
            rfm: RfmEdges {
                recency: [10.0, 40.0, 90.0, 200.0],
                frequency: [1.0, 1.0, 2.0, 4.0],
                monetary: [15.0, 30.0, 60.0, 120.5],
            },
            bgnbd: Some(Fitted {
                params: BgNbd {
                    r: 0.243,
                    alpha: 4.414,
                    a: 0.793,
                    b: 2.426,
                },
                log_likelihood: Some(-9582.4),
                converged: true,
                uncertainty: None,
            }),
            pareto_nbd: None,
            mbg_nbd: None,
            gamma_gamma: Some(Fitted {
                params: GammaGamma {
                    p: 6.25,
                    q: 3.74,
                    v: 15.44,
                },
                log_likelihood: None,
                converged: true,
                uncertainty: None,
            }),
            satisfaction: Some(SatisfactionCuts {
                p15: -1.5,
                p85: 2.0,
            }),
            bgbb: None,
        }
    }

    fn to_json(m: &Model) -> Json {
        Json::parse(&serde_json::to_string(m).unwrap()).unwrap()
    }

    fn parse(text: &str) -> Json {
        Json::parse(text).unwrap()
    }

    #[test]
    fn round_trips_through_json_with_camel_case_names() {
        let m = sample();
        let text = serde_json::to_string(&m).unwrap();
        assert!(
            text.contains(
                r#""bgnbd":{"r":0.243,"alpha":4.414,"a":0.793,"b":2.426,"logLikelihood":-9582.4,"converged":true}"#
            ),
            "{text}"
        );
        assert!(
            text.contains(r#""gammaGamma":{"p":6.25,"q":3.74,"v":15.44,"converged":true}"#),
            "{text}"
        );
        assert!(text.contains(r#""asOf":"1997-09-30""#) && text.contains(r#""unit":"weeks""#));
        assert!(text.contains(r#""customerShare":[0.05,0.15,0.8]"#));
        assert_eq!(Model::from_json(&to_json(&m)).unwrap(), m);
        let bare = Model {
            bgnbd: None,
            gamma_gamma: None,
            satisfaction: None,
            ..m
        };
        assert_eq!(Model::from_json(&to_json(&bare)).unwrap(), bare);
    }

    #[test]
    fn a_bgbb_model_round_trips_and_its_ranges_are_checked() {
        let mut m = sample();
        m.bgnbd = None;
        m.bgbb = Some(BgBbModel {
            params: BgBb {
                alpha: 1.204,
                beta: 0.75,
                gamma: 0.657,
                delta: 2.783,
            },
            opportunity_days: 365.0,
            log_likelihood: Some(-33225.6),
            converged: true,
        });
        let text = serde_json::to_string(&m).unwrap();
        assert!(text.contains(r#""bgbb":{"alpha":1.204,"beta":0.75,"gamma":0.657,"delta":2.783,"opportunityDays":365.0,"logLikelihood":-33225.6,"converged":true}"#), "{text}");
        assert_eq!(Model::from_json(&parse(&text)).unwrap(), m);
        // What fitSummaries returns, with the opportunity length added, is accepted.
        let with_se = text.replace(
            r#""opportunityDays":365.0,"#,
            r#""opportunityDays":365.0,"standardErrors":{"alpha":0.07},"intervals":{"alpha":[1.07,1.35]},"#,
        );
        assert!(Model::from_json(&parse(&with_se)).is_ok());
        for (from, to, path) in [
            (
                r#""opportunityDays":365.0"#,
                r#""opportunityDays":0.5"#,
                "model.bgbb.opportunityDays",
            ),
            (r#""gamma":0.657"#, r#""gamma":0"#, "model.bgbb.gamma"),
            (
                r#""opportunityDays":365.0,"#,
                "",
                "model.bgbb.opportunityDays",
            ),
        ] {
            let e = Model::from_json(&parse(&text.replace(from, to))).unwrap_err();
            assert_eq!(e.path(), path, "{to}");
        }
    }

    #[test]
    fn models_have_a_size_cap() {
        let mut v = to_json(&sample());
        if let Json::Obj(entries) = &mut v {
            entries.push(("padding".into(), Json::Str("x".repeat(MAX_MODEL_BYTES))));
        }
        let e = Model::from_json(&v).unwrap_err();
        assert_eq!((e.code(), e.path()), (ErrorCode::TooLarge, "model"));
    }

    #[test]
    fn hand_written_parameters_default_to_converged() {
        let mut v = to_json(&sample());
        if let Json::Obj(entries) = &mut v {
            for (k, val) in entries.iter_mut() {
                if k == "bgnbd" {
                    *val = parse(r#"{"r": 0.2, "alpha": 4, "a": 0.8, "b": 2.4}"#);
                }
            }
        }
        let m = Model::from_json(&v).unwrap();
        let bg = m.bgnbd.unwrap();
        assert!(bg.converged && bg.log_likelihood.is_none() && bg.params.alpha == 4.0);
    }

    /// Replaces the value at a dotted path of the sample model's JSON and decodes it.
    fn decode_with(path: &str, value: Json) -> Error {
        let mut v = to_json(&sample());
        let mut cur = &mut v;
        for key in path.split('.') {
            let Json::Obj(entries) = cur else {
                panic!("{path} is not inside an object")
            };
            let pos = match entries.iter().position(|(k, _)| k == key) {
                Some(p) => p,
                None => {
                    entries.push((key.to_string().into(), Json::Null));
                    entries.len() - 1
                }
            };
            cur = &mut entries[pos].1;
        }
        *cur = value;
        Model::from_json(&v).unwrap_err()
    }

    #[test]
    fn each_decoding_error_names_its_field() {
        let cases: Vec<(&str, Json, &str)> = vec![
            ("version", Json::Num(2.0), "model.version"),
            ("version", Json::Str("1".into()), "model.version"),
            ("version", Json::Null, "model.version"),
            ("unit", Json::Str("months".into()), "model.unit"),
            ("asOf", Json::Str("1997-02-30".into()), "model.asOf"),
            ("customers", Json::Num(-1.0), "model.customers"),
            ("bgnbd.alpha", Json::Num(f64::NAN), "model.bgnbd.alpha"),
            ("bgnbd.r", Json::Num(f64::INFINITY), "model.bgnbd.r"),
            ("bgnbd.a", Json::Null, "model.bgnbd.a"),
            ("bgnbd.beta", Json::Num(1.0), "model.bgnbd.beta"),
            ("bgnbd.converged", Json::Num(1.0), "model.bgnbd.converged"),
            (
                "bgnbd.logLikelihood",
                Json::Str("x".into()),
                "model.bgnbd.logLikelihood",
            ),
            ("gammaGamma", Json::Arr(vec![]), "model.gammaGamma"),
            ("abc.b", Json::Num(1000.0), "model.abc.b"),
            (
                "abc.customerShare",
                parse("[0.1, 1.2, 0.5]"),
                "model.abc.customerShare[1]",
            ),
            (
                "abc.valueShare",
                parse("[0.1, 0.2]"),
                "model.abc.valueShare",
            ),
            ("rfm.recency", parse("[1, 3, 2, 4]"), "model.rfm.recency[2]"),
            (
                "rfm.monetary",
                parse("[1, 2, 3, 4, 5]"),
                "model.rfm.monetary",
            ),
            (
                "rfm.frequency",
                parse("[1, 2, \"3\", 4]"),
                "model.rfm.frequency[2]",
            ),
            (
                "satisfaction.p85",
                Json::Num(-3.0),
                "model.satisfaction.p85",
            ),
            ("extra", Json::Num(1.0), "model.extra"),
        ];
        for (path, value, expected) in cases {
            let e = decode_with(path, value);
            assert_eq!(
                (e.code(), e.path()),
                (ErrorCode::InvalidModel, expected),
                "{path}: {e}"
            );
        }
        let e = Model::from_json(&Json::Num(1.0)).unwrap_err();
        assert_eq!((e.code(), e.path()), (ErrorCode::InvalidModel, "model"));
    }

    #[test]
    fn parameters_outside_their_ranges_are_out_of_range() {
        // α of the sample is in weeks: 3 days = 3/7 weeks is the least accepted.
        let cases: Vec<(&str, f64, &str)> = vec![
            ("bgnbd.alpha", 0.0, "model.bgnbd.alpha"),
            ("bgnbd.alpha", 0.42, "model.bgnbd.alpha"),
            ("bgnbd.alpha", 1.5e6, "model.bgnbd.alpha"),
            ("bgnbd.r", 1e308, "model.bgnbd.r"),
            ("bgnbd.r", 20.5, "model.bgnbd.r"),
            ("bgnbd.b", -2.0, "model.bgnbd.b"),
            ("bgnbd.a", 1e-7, "model.bgnbd.a"),
            ("gammaGamma.q", 1.0, "model.gammaGamma.q"),
            ("gammaGamma.q", 0.5, "model.gammaGamma.q"),
            ("gammaGamma.q", -1.0, "model.gammaGamma.q"),
            ("gammaGamma.p", 2e6, "model.gammaGamma.p"),
            ("gammaGamma.v", 0.0, "model.gammaGamma.v"),
        ];
        for (path, value, expected) in cases {
            let e = decode_with(path, Json::Num(value));
            assert_eq!(
                (e.code(), e.path()),
                (ErrorCode::OutOfRange, expected),
                "{path} = {value}: {e}"
            );
        }
        let e = decode_with("gammaGamma.q", Json::Num(0.5));
        assert_eq!(
            e.to_string(),
            "model.gammaGamma.q: expected a number above 1 and at most 1000000, got 0.5: \
             outside it the expected spend of a customer without repeat purchases is infinite"
        );
        assert!(decode_with("bgnbd.alpha", Json::Num(0.1))
            .message()
            .contains("(3 to 10000000 days)"));
        // The bounds themselves are accepted.
        let mut m = sample();
        m.bgnbd.as_mut().unwrap().params = BgNbd {
            r: 20.0,
            alpha: 3.0 / 7.0,
            a: 1e-6,
            b: 1e6,
        };
        m.gamma_gamma.as_mut().unwrap().params = GammaGamma {
            p: 1e6,
            q: 1.0 + 1e-9,
            v: 1e12,
        };
        assert_eq!(Model::from_json(&to_json(&m)).unwrap(), m);
        let days = Model {
            unit: Unit::Days,
            bgnbd: Some(Fitted {
                params: BgNbd {
                    alpha: 3.0,
                    ..BgNbd {
                        r: 1e-6,
                        alpha: 0.0,
                        a: 1e6,
                        b: 1e-6,
                    }
                },
                log_likelihood: None,
                converged: true,
                uncertainty: None,
            }),
            ..sample()
        };
        assert_eq!(Model::from_json(&to_json(&days)).unwrap(), days);
    }

    #[test]
    fn pareto_nbd_and_mbg_nbd_models_round_trip_and_are_checked() {
        let pareto = Model {
            bgnbd: None,
            pareto_nbd: Some(Fitted {
                params: ParetoNbd {
                    r: 0.553,
                    alpha: 10.58,
                    s: 0.606,
                    beta: 11.67,
                },
                log_likelihood: Some(-9595.0),
                converged: true,
                uncertainty: None,
            }),
            ..sample()
        };
        let text = serde_json::to_string(&pareto).unwrap();
        assert!(text.contains(r#""paretoNbd":{"r":0.553,"alpha":10.58,"s":0.606,"beta":11.67,"#));
        let decoded = Model::from_json(&to_json(&pareto)).unwrap();
        assert_eq!(decoded, pareto);
        assert!(matches!(decoded.purchase(), Some(Purchase::ParetoNbd(_))));
        let mbg = Model {
            bgnbd: None,
            mbg_nbd: Some(Fitted {
                params: MbgNbd {
                    r: 0.525,
                    alpha: 6.183,
                    a: 0.891,
                    b: 1.614,
                },
                log_likelihood: None,
                converged: true,
                uncertainty: None,
            }),
            ..sample()
        };
        assert!(serde_json::to_string(&mbg)
            .unwrap()
            .contains(r#""mbgNbd":{"r":0.525,"#));
        assert_eq!(Model::from_json(&to_json(&mbg)).unwrap(), mbg);
        // At most one purchase model.
        let both = Model {
            mbg_nbd: mbg.mbg_nbd.clone(),
            ..sample()
        };
        let e = Model::from_json(&to_json(&both)).unwrap_err();
        assert_eq!((e.code(), e.path()), (ErrorCode::InvalidModel, "model"));
        assert_eq!(
            e.message(),
            "expected one purchase model of bgnbd, paretoNbd, mbgNbd and bgbb, got more"
        );
        let with = |m: &Model, path: &str, value: f64| {
            let mut v = to_json(m);
            let (key, field) = path.split_once('.').unwrap();
            if let Json::Obj(entries) = &mut v {
                for (k, val) in entries.iter_mut() {
                    if k == key {
                        if let Json::Obj(fields) = val {
                            for (f, x) in fields.iter_mut() {
                                if f == field {
                                    *x = Json::Num(value);
                                }
                            }
                        }
                    }
                }
            }
            Model::from_json(&v).unwrap_err()
        };
        for (m, path, value) in [
            (&pareto, "paretoNbd.s", 0.0),
            (&pareto, "paretoNbd.r", 2e6),
            (&pareto, "paretoNbd.alpha", 1e-5),
            (&pareto, "paretoNbd.beta", 2e6),
            // β more than 1000 times α.
            (&pareto, "paretoNbd.beta", 10.58 * 1001.0),
            (&mbg, "mbgNbd.alpha", 0.1),
            (&mbg, "mbgNbd.b", -1.0),
        ] {
            let e = with(m, path, value);
            assert_eq!(
                (e.code(), e.path()),
                (ErrorCode::OutOfRange, format!("model.{path}").as_str()),
                "{path} = {value}: {e}"
            );
        }
        let e = with(&pareto, "paretoNbd.alpha", 0.01);
        assert_eq!(
            e.message(),
            "expected a number from 0.00001 to 10, got 11.67: outside it beta is not within a factor 1000 of alpha and the probability alive cannot be computed"
        );
    }

    // Issue 16, item 8: a model's asOf day must be one whose instants scoring accepts.
    #[test]
    fn hostile_08_a_model_as_of_outside_1900_to_2999_is_refused() {
        let with = |as_of: &str| {
            let mut m = sample();
            m.as_of = as_of.into();
            Model::from_json(&Json::parse(&serde_json::to_string(&m).unwrap()).unwrap())
        };
        for bad in ["1899-12-31", "3000-01-01"] {
            let e = with(bad).unwrap_err();
            assert_eq!(
                (e.code(), e.path()),
                (ErrorCode::InvalidModel, "model.asOf"),
                "{bad}"
            );
            assert_eq!(
                e.message(),
                format!("expected a date YYYY-MM-DD from 1900-01-01 to 2999-12-31, got \"{bad}\"")
            );
        }
        assert_eq!(with("1900-01-01").unwrap().as_of, "1900-01-01");
        assert_eq!(with("2999-12-31").unwrap().as_of, "2999-12-31");
    }
}
