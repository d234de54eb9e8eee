//! The uncertainty of fitted parameters as the model carries it, and what it
//! makes of one customer's predictions.
//!
//! A fit (`crate::fit::uncertainty`) inverts the observed information at the
//! optimum into the covariance Σ of the log-parameters; the model ships Σ with
//! the standard errors and 95% intervals it implies. Scoring turns Σ into a
//! 90% interval of a customer's expected purchases and lifetime value by the
//! delta method on the log scale: with g the gradient of ln(prediction) with
//! respect to the log-parameters (forward differences), the prediction is
//! taken as log-normal with variance gᵀΣg, so the interval is
//! `prediction · exp(±1.645 √(gᵀΣg))`: positive, and asymmetric like the
//! predictions' own uncertainty. The lifetime value adds the Gamma-Gamma
//! term, the two fits being independent (they use disjoint likelihoods).

use super::predict::{Predicted, Steps};
use super::{fixed_array, BgNbd, Fitted, GammaGamma, Rfm};
use crate::error::{index_path, Error, ErrorCode, Result};
use crate::input::json::{expect_array, expect_bool, expect_number, Obj};

/// What is known of a fit's parameter uncertainty.
#[derive(Debug, Clone, PartialEq)]
pub enum Uncertainty {
    /// Estimated from the observed information at the optimum.
    Estimated(Estimate),
    /// The observed information is not positive definite (the likelihood is
    /// flat or not at a maximum in some direction): no standard error exists.
    Singular,
}

/// The parameter uncertainty of a fit, in the parameters' order
/// (`[r, alpha, a, b]`, `[p, q, v]`).
#[derive(Debug, Clone, PartialEq)]
pub struct Estimate {
    /// The parameters' names, as in the model's JSON.
    pub names: &'static [&'static str],
    /// Standard error of each parameter (natural scale: θ · √Σᵢᵢ).
    pub standard_errors: Vec<f64>,
    /// 95% interval of each parameter, `θ · exp(±1.96 √Σᵢᵢ)`.
    pub intervals: Vec<[f64; 2]>,
    /// Σ, the covariance of the log-parameters, row-major.
    pub log_covariance: Vec<f64>,
}

/// The JSON keys of [`Uncertainty`] in a fitted model's object.
pub const KEYS: [&str; 4] = [
    "standardErrors",
    "intervals",
    "logCovariance",
    "singularInformation",
];

/// Reads the [`KEYS`] of a fitted model's object whose parameters are
/// `names`: none of them (a model fitted before uncertainty was estimated, or
/// written by hand), `singularInformation: true` alone, or the other three.
pub(crate) fn decode(o: &Obj<'_>, names: &'static [&'static str]) -> Result<Option<Uncertainty>> {
    let k = names.len();
    let se = o.opt(KEYS[0], |v, path| {
        let m = Obj::new(v, path, names)?;
        names
            .iter()
            .map(|n| {
                let path = m.path_of(n);
                let x = expect_number(m.req(n)?, &path)?;
                if x < 0.0 {
                    return Err(invalid(&path, "expected a standard error >= 0"));
                }
                Ok(x)
            })
            .collect::<Result<Vec<f64>>>()
    })?;
    let intervals = o.opt(KEYS[1], |v, path| {
        let m = Obj::new(v, path, names)?;
        names
            .iter()
            .map(|n| {
                let path = m.path_of(n);
                let pair = fixed_array::<2>(m.req(n)?, &path)?;
                if pair[0] > pair[1] {
                    return Err(invalid(&path, "expected [low, high] with low <= high"));
                }
                Ok(pair)
            })
            .collect::<Result<Vec<[f64; 2]>>>()
    })?;
    let cov = o.opt(KEYS[2], |v, path| {
        let items = expect_array(v, path, k * k)?;
        if items.len() != k * k {
            return Err(invalid(path, "expected a square matrix of the parameters, row-major"));
        }
        let c = items
            .iter()
            .enumerate()
            .map(|(i, x)| expect_number(x, &index_path(path, i)))
            .collect::<Result<Vec<f64>>>()?;
        // A covariance: variances >= 0, symmetric, correlations within ±1
        // (up to the rounding of its JSON text).
        for i in 0..k {
            for j in 0..k {
                let (cij, cji) = (c[i * k + j], c[j * k + i]);
                let bound = (c[i * k + i] * c[j * k + j]).sqrt() * (1.0 + 1e-9);
                if !((cij - cji).abs() <= 1e-9 * bound && cij.abs() <= bound) {
                    return Err(invalid(
                        &index_path(path, i * k + j),
                        "expected a covariance matrix: symmetric, variances >= 0, correlations within ±1",
                    ));
                }
            }
        }
        Ok(c)
    })?;
    if o.opt(KEYS[3], expect_bool)? == Some(true) {
        if let Some(key) = [se.is_some(), intervals.is_some(), cov.is_some()]
            .iter()
            .position(|&b| b)
        {
            let msg = "expected null with singularInformation: true";
            return Err(invalid(&o.path_of(KEYS[key]), msg));
        }
        return Ok(Some(Uncertainty::Singular));
    }
    match (se, intervals, cov) {
        (None, None, None) => Ok(None),
        (Some(standard_errors), Some(intervals), Some(log_covariance)) => {
            Ok(Some(Uncertainty::Estimated(Estimate {
                names,
                standard_errors,
                intervals,
                log_covariance,
            })))
        }
        (se, intervals, _) => {
            let missing = if se.is_none() {
                KEYS[0]
            } else if intervals.is_none() {
                KEYS[1]
            } else {
                KEYS[2]
            };
            Err(Error::new(
                ErrorCode::MissingField,
                o.path_of(missing),
                "is required with standardErrors, intervals and logCovariance (all three or none)",
            ))
        }
    }
}

fn invalid(path: &str, msg: &str) -> Error {
    Error::new(ErrorCode::InvalidModel, path, msg)
}

/// 90% intervals of one customer's predictions from the parameter uncertainty.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Interval {
    /// Of [`Predicted::expected_purchases`].
    pub expected_purchases: [f64; 2],
    /// Of [`Predicted::lifetime_value`]; `None` without a Gamma-Gamma model
    /// that carries its uncertainty.
    pub lifetime_value: Option<[f64; 2]>,
}

/// The standard normal's 95th percentile: a two-sided 90% interval.
const Z90: f64 = 1.644_853_626_951_472_2;

/// Forward-difference step in a log-parameter: small against any standard
/// error of a log-parameter worth reporting, large against the predictions'
/// rounding (about 1e-13 relative, so the slopes keep some 9 digits).
const STEP: f64 = 1e-4;

/// The [`Interval`] of `at`, the prediction of a customer with summary
/// (`rfm`, `spend`) over `steps` (see the module doc); `None` when the BG/NBD
/// model carries no covariance or the interval is not finite.
pub(crate) fn interval(
    steps: &Steps,
    bg: &Fitted<BgNbd>,
    gg: Option<&Fitted<GammaGamma>>,
    rfm: Rfm,
    spend: f64,
    at: &Predicted,
) -> Option<Interval> {
    let Some(Uncertainty::Estimated(bg_cov)) = &bg.uncertainty else {
        return None;
    };
    let up = STEP.exp();
    let ltv = at.lifetime_value.unwrap_or(0.0);
    let (mut d_purchases, mut d_ltv) = ([0.0; 4], [0.0; 4]);
    for i in 0..4 {
        let mut p = bg.params.to_array();
        p[i] *= up;
        let p = BgNbd {
            r: p[0],
            alpha: p[1],
            a: p[2],
            b: p[3],
        };
        let if_alive = p
            .expected_purchases_if_alive(&steps.ends, rfm.x, rfm.t)
            .ok()?;
        let q = steps.predict(&p, gg.map(|g| &g.params), rfm, spend, &if_alive);
        d_purchases[i] = slope(q.expected_purchases, at.expected_purchases);
        d_ltv[i] = slope(q.lifetime_value.unwrap_or(0.0), ltv);
    }
    let bg_cov = &bg_cov.log_covariance;
    let lifetime_value = gg.and_then(|gg| {
        let Some(Uncertainty::Estimated(gg_cov)) = &gg.uncertainty else {
            return None;
        };
        let mean = at.expected_average_spend?;
        let mut d_spend = [0.0; 3];
        for (i, d) in d_spend.iter_mut().enumerate() {
            let mut p = gg.params.to_array();
            p[i] *= up;
            let g = GammaGamma {
                p: p[0],
                q: p[1],
                v: p[2],
            };
            // The lifetime value is the mean spend times a BG/NBD factor.
            *d = slope(g.conditional_expected_average_spend(rfm.x, spend)?, mean);
        }
        band(
            at.lifetime_value?,
            quadratic(bg_cov, &d_ltv) + quadratic(&gg_cov.log_covariance, &d_spend),
        )
    });
    Some(Interval {
        expected_purchases: band(at.expected_purchases, quadratic(bg_cov, &d_purchases))?,
        lifetime_value,
    })
}

/// d ln(prediction) / d ln(θᵢ) by a forward difference; 0 for a prediction of 0
/// (a horizon of 0 days), whose interval is [0, 0].
fn slope(moved: f64, at: f64) -> f64 {
    if at > 0.0 {
        (moved / at).ln() / STEP
    } else {
        0.0
    }
}

/// gᵀΣg for Σ row-major.
fn quadratic<const N: usize>(cov: &[f64], g: &[f64; N]) -> f64 {
    cov.chunks_exact(N)
        .zip(g)
        .map(|(row, gi)| gi * row.iter().zip(g).map(|(c, gj)| c * gj).sum::<f64>())
        .sum()
}

/// `value · exp(±z √variance)`, `None` when not finite.
fn band(value: f64, variance: f64) -> Option<[f64; 2]> {
    // NaN for a negative variance (a covariance that is not positive semi-definite).
    let w = (Z90 * variance.sqrt()).exp();
    let band = [value / w, value * w];
    band[1].is_finite().then_some(band)
}

#[cfg(feature = "fit")]
mod json {
    use super::{Estimate, Uncertainty};
    use serde::ser::{Serialize, SerializeMap, Serializer};

    /// Values by parameter name.
    struct Named<'a, T>(&'a [&'static str], &'a [T]);

    impl<T: Serialize> Serialize for Named<'_, T> {
        fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            let mut m = s.serialize_map(Some(self.0.len()))?;
            for (k, v) in self.0.iter().zip(self.1) {
                m.serialize_entry(k, v)?;
            }
            m.end()
        }
    }

    /// Flattened into the fitted model's object as its [`super::KEYS`].
    impl Serialize for Uncertainty {
        fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            let mut m = s.serialize_map(None)?;
            match self {
                Uncertainty::Estimated(Estimate {
                    names,
                    standard_errors,
                    intervals,
                    log_covariance,
                }) => {
                    m.serialize_entry("standardErrors", &Named(names, standard_errors))?;
                    m.serialize_entry("intervals", &Named(names, intervals))?;
                    m.serialize_entry("logCovariance", log_covariance)?;
                }
                Uncertainty::Singular => {
                    m.serialize_entry("standardErrors", &())?;
                    m.serialize_entry("intervals", &())?;
                    m.serialize_entry("singularInformation", &true)?;
                }
            }
            m.end()
        }
    }
}
