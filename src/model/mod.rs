//! The population model that ships to browsers and edge workers: its format
//! (fitted once by `crate::fit`, shipped as JSON, read back here with every
//! field checked) and the predictions it makes for one customer.
//!
//! - [`BgNbd`]: purchases to come and the probability a customer is alive;
//! - [`GammaGamma`]: spend per purchase;
//! - [`AbcCuts`], [`RfmEdges`], [`SatisfactionCuts`]: the population's cut points;
//! - [`predict`]: one customer's predicted value over a horizon.

mod bgnbd;
mod gamma_gamma;
mod population;
pub mod predict;
pub mod special;
pub mod uncertainty;

pub use bgnbd::{BgNbd, Rfm};
pub use gamma_gamma::GammaGamma;
pub use population::{AbcCuts, RfmEdges, SatisfactionCuts};
pub use predict::{predict, Predicted, Steps};
pub use uncertainty::{Estimate, Interval, Uncertainty};

use crate::error::{index_path, Error, ErrorCode, Result};
use crate::input::json::{
    expect_array, expect_bool, expect_count, expect_number, expect_str, format_number, Json, Obj,
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
    /// Gamma-Gamma spend model, when fitted.
    #[cfg_attr(feature = "fit", serde(skip_serializing_if = "Option::is_none"))]
    pub gamma_gamma: Option<Fitted<GammaGamma>>,
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
        if let Some(gg) = &model.gamma_gamma {
            check_gamma_gamma(&gg.params, &format!("{ROOT}.gammaGamma"))?;
        }
        Ok(model)
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
    for (range, value) in BGNBD_RANGES.iter().zip(p.to_array()) {
        range.check(
            value,
            if range.name == "alpha" {
                unit.days()
            } else {
                1.0
            },
            path,
        )?;
    }
    Ok(())
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
        "gammaGamma",
        "satisfaction",
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
                format!("expected \"days\" or \"weeks\", got {other:?}"),
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
        bgnbd: o.opt("bgnbd", decode_bgnbd)?,
        gamma_gamma: o.opt("gammaGamma", decode_gamma_gamma)?,
        satisfaction: o.opt("satisfaction", decode_satisfaction)?,
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

fn fit_fields<P>(o: &Obj<'_>, params: P, names: &'static [&'static str]) -> Result<Fitted<P>> {
    Ok(Fitted {
        params,
        log_likelihood: o.opt("logLikelihood", expect_number)?,
        converged: o.opt("converged", expect_bool)?.unwrap_or(true),
        uncertainty: uncertainty::decode(o, names)?,
    })
}

/// The names of BG/NBD's parameters in the model's JSON, in [`BgNbd::to_array`] order.
pub const BGNBD_NAMES: [&str; 4] = ["r", "alpha", "a", "b"];
/// The names of Gamma-Gamma's parameters in the model's JSON, in [`GammaGamma::to_array`] order.
pub const GAMMA_GAMMA_NAMES: [&str; 3] = ["p", "q", "v"];

// The keys of the fitted models' objects (statics: built once, not per call).
static BGNBD_KEYS: [&str; 10] = [
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

fn decode_bgnbd(v: &Json, path: &str) -> Result<Fitted<BgNbd>> {
    let o = Obj::new(v, path, &BGNBD_KEYS)?;
    let params = BgNbd {
        r: param(&o, "r")?,
        alpha: param(&o, "alpha")?,
        a: param(&o, "a")?,
        b: param(&o, "b")?,
    };
    fit_fields(&o, params, &BGNBD_NAMES)
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
