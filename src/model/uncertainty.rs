//! The uncertainty of fitted parameters as the model carries it, and what it
//! makes of one customer's predictions.
//!
//! A fit (`crate::fit::uncertainty`) inverts the observed information at the
//! optimum into the covariance Σ of the log-parameters; the model ships Σ
//! ([`Estimate`]) with copies, for people, of the standard errors and 95%
//! intervals it implies ([`Estimate::standard_errors`], [`Estimate::intervals`]). Scoring turns Σ into a
//! 90% interval of a customer's expected purchases and lifetime value by the
//! delta method on the log scale: with g the gradient of ln(prediction) with
//! respect to the log-parameters (forward differences for BG/NBD, exact
//! slopes for Gamma-Gamma's mean spend), the prediction is
//! taken as log-normal with variance gᵀΣg, so the interval is
//! `prediction · exp(±1.645 √(gᵀΣg))`: positive, and asymmetric like the
//! predictions' own uncertainty. The lifetime value adds the Gamma-Gamma
//! term, the two fits being independent (they use disjoint likelihoods).

use super::predict::{Predicted, Purchase, Steps};
use super::{Fitted, GammaGamma, Rfm};
use crate::error::{Error, ErrorCode, Result};
use crate::input::json::{expect_array, expect_bool, Json, Obj};

/// What is known of a fit's parameter uncertainty.
#[derive(Debug, Clone, PartialEq)]
pub enum Uncertainty {
    /// Estimated from the observed information at the optimum.
    Estimated(Estimate),
    /// The observed information is not positive definite (the likelihood is
    /// flat or not at a maximum in some direction): no standard error exists.
    Singular,
}

/// The parameter uncertainty of a fit: the covariance Σ of its log-parameters,
/// in the parameters' order (`[r, alpha, a, b]`, `[p, q, v]`), from which the
/// standard errors and intervals follow.
#[derive(Debug, Clone, PartialEq)]
pub struct Estimate {
    /// The parameters' names, as in the model's JSON.
    pub names: &'static [&'static str],
    /// Σ, the covariance of the log-parameters, row-major.
    pub log_covariance: Vec<f64>,
}

/// The standard normal's 97.5th percentile: a two-sided 95% interval.
const Z95: f64 = 1.959_963_984_540_054;

/// The largest variance of a log-parameter accepted: a standard error of 100
/// in ln θ (a factor e¹⁰⁰) says nothing, and below it θ · exp(1.96 √Σᵢᵢ)
/// stays finite for every accepted θ.
pub const MAX_LOG_VARIANCE: f64 = 1e4;

impl Estimate {
    /// The estimate of the parameters named `names` whose logarithms have the
    /// covariance `log_covariance` (row-major); `None` unless it is k × k,
    /// finite, symmetric (to 1e-9 relative, the rounding of another tool's
    /// inverse) with variances from 0 to [`MAX_LOG_VARIANCE`].
    pub fn new(names: &'static [&'static str], log_covariance: Vec<f64>) -> Option<Estimate> {
        let (k, c) = (names.len(), &log_covariance);
        let ok = c.len() == k * k
            && (0..k * k).all(|i| {
                let (a, b, var) = (c[i], c[i % k * k + i / k], c[i / k * (k + 1)]);
                a.is_finite()
                    && (a - b).abs() <= 1e-9 * (a.abs() + b.abs())
                    && (0.0..=MAX_LOG_VARIANCE).contains(&var)
            });
        ok.then_some(Estimate {
            names,
            log_covariance,
        })
    }

    /// √Σᵢᵢ, the standard error of ln θᵢ.
    fn log_sd(&self, i: usize) -> f64 {
        let k = self.names.len();
        self.log_covariance
            .get(i * (k + 1))
            .map_or(f64::NAN, |v| v.sqrt())
    }

    /// Standard errors of `params` (in `names` order): θᵢ√Σᵢᵢ, the delta method
    /// from ln θ to θ, as lifetimes' `standard_errors_` report them.
    pub fn standard_errors(&self, params: &[f64]) -> Vec<f64> {
        params
            .iter()
            .enumerate()
            .map(|(i, t)| t * self.log_sd(i))
            .collect()
    }

    /// 95% intervals of `params`: θᵢ · exp(±1.96 √Σᵢᵢ), formed on the log scale
    /// so that they stay positive (lifetimes' θ ± 1.96 SE can cross zero).
    pub fn intervals(&self, params: &[f64]) -> Vec<[f64; 2]> {
        params
            .iter()
            .enumerate()
            .map(|(i, t)| {
                let w = (Z95 * self.log_sd(i)).exp();
                [t / w, t * w]
            })
            .collect()
    }
}

/// The JSON keys of [`Uncertainty`] in a fitted model's object.
pub const KEYS: [&str; 4] = [
    "standardErrors",
    "intervals",
    "logCovariance",
    "singularInformation",
];

/// Reads the [`KEYS`] of a fitted model's object whose parameters are named
/// `names`: none of them (a model fitted before uncertainty was estimated, or
/// written by hand), `singularInformation: true` alone, or the other three.
/// `logCovariance` is the source of truth: the standard errors and intervals
/// follow from it and the parameters, and their copies in the JSON, written
/// for people, need only be objects.
pub(crate) fn decode(o: &Obj<'_>, names: &'static [&'static str]) -> Result<Option<Uncertainty>> {
    let mut present = [false; 3];
    for (i, p) in present.iter_mut().take(2).enumerate() {
        *p = o
            .opt(KEYS[i], |v, path| match v {
                Json::Obj(_) => Ok(()),
                _ => Err(invalid(path, "expected an object or null")),
            })?
            .is_some();
    }
    let estimate = match o.get(KEYS[2]) {
        None => None,
        Some(v) => {
            let path = o.path_of(KEYS[2]);
            let k = names.len();
            let c = expect_array(v, &path, k * k)?
                .iter()
                .map(|x| match x {
                    Json::Num(x) => *x,
                    _ => f64::NAN,
                })
                .collect();
            Some(Estimate::new(names, c).ok_or_else(|| {
                invalid(
                    &path,
                    "expected a k × k covariance: finite, symmetric, variances from 0 to 10000",
                )
            })?)
        }
    };
    present[2] = estimate.is_some();
    let singular = o.opt(KEYS[3], expect_bool)? == Some(true);
    let want = !singular && present.contains(&true);
    if let Some(key) = present.iter().position(|&p| p != want) {
        let msg = "expected standardErrors, intervals and logCovariance all or none \
                   (none with singularInformation: true)";
        return Err(invalid(&o.path_of(KEYS[key]), msg));
    }
    Ok(match estimate {
        Some(e) => Some(Uncertainty::Estimated(e)),
        None => singular.then_some(Uncertainty::Singular),
    })
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
    purchase: &Purchase,
    uncertainty: Option<&Uncertainty>,
    gg: Option<&Fitted<GammaGamma>>,
    rfm: Rfm,
    spend: f64,
    at: &Predicted,
) -> Option<Interval> {
    let Some(Uncertainty::Estimated(bg_cov)) = uncertainty else {
        return None;
    };
    let bg_cov = &bg_cov.log_covariance;
    // Slopes of ln(expected purchases) and ln(lifetime value) in the four log-parameters.
    let (mut d_purchases, mut d_ltv) = ([0.0; 4], [0.0; 4]);
    for i in 0..4 {
        let mut p = purchase.to_array();
        p[i] *= STEP.exp();
        let p = purchase.with_array(p);
        let if_alive = p
            .expected_purchases_if_alive(&steps.ends, rfm.x, rfm.t)
            .ok()?;
        let q = steps.predict(&p, gg.map(|g| &g.params), rfm, spend, &if_alive)?;
        d_purchases[i] = slope(q.expected_purchases, at.expected_purchases);
        d_ltv[i] = slope(
            q.lifetime_value.unwrap_or(0.0),
            at.lifetime_value.unwrap_or(0.0),
        );
    }
    let lifetime_value = match gg {
        Some(Fitted {
            params: GammaGamma { p, q, v },
            uncertainty: Some(Uncertainty::Estimated(gg_cov)),
            ..
        }) => {
            // The lifetime value is a BG/NBD factor times the mean spend
            // p(v + x m)/(px + q − 1), whose log has these slopes in ln p, ln q, ln v.
            let (x, den) = (rfm.x, p * rfm.x + q - 1.0);
            let d_spend = [1.0 - p * x / den, -q / den, v / (v + x * spend)];
            let variance = quadratic(bg_cov, &d_ltv) + quadratic(&gg_cov.log_covariance, &d_spend);
            at.lifetime_value.and_then(|ltv| band(ltv, variance))
        }
        _ => None,
    };
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
fn quadratic(cov: &[f64], g: &[f64]) -> f64 {
    let mut sum = 0.0;
    for (k, c) in cov.iter().enumerate() {
        sum += g[k / g.len()] * c * g[k % g.len()];
    }
    sum
}

/// `value · exp(±z √variance)`, `None` when not finite.
fn band(value: f64, variance: f64) -> Option<[f64; 2]> {
    // NaN for a negative variance (a covariance that is not positive semi-definite).
    let w = (Z90 * variance.sqrt()).exp();
    let band = [value / w, value * w];
    band[1].is_finite().then_some(band)
}

#[cfg(feature = "fit")]
pub use json::Params;

#[cfg(feature = "fit")]
mod json {
    use super::{Estimate, Uncertainty};
    use crate::model::{BgBb, BgNbd, Fitted, GammaGamma, MbgNbd, ParetoNbd};
    use serde::ser::{Serialize, SerializeMap, Serializer};

    /// Parameters that serialise flat and give their values in their names'
    /// order: what a [`Fitted`] needs to serialise (with its uncertainty).
    pub trait Params: Serialize {
        /// The values, in the order of [`Estimate::names`].
        fn values(&self) -> Vec<f64>;
    }

    impl Params for BgNbd {
        fn values(&self) -> Vec<f64> {
            self.to_array().to_vec()
        }
    }

    impl Params for GammaGamma {
        fn values(&self) -> Vec<f64> {
            self.to_array().to_vec()
        }
    }

    impl Params for ParetoNbd {
        fn values(&self) -> Vec<f64> {
            self.to_array().to_vec()
        }
    }

    impl Params for MbgNbd {
        fn values(&self) -> Vec<f64> {
            self.to_array().to_vec()
        }
    }

    impl Params for BgBb {
        fn values(&self) -> Vec<f64> {
            self.to_array().to_vec()
        }
    }

    /// Values by parameter name.
    struct Named<'a, T>(&'a [&'static str], Vec<T>);

    impl<T: Serialize> Serialize for Named<'_, T> {
        fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            let mut m = s.serialize_map(Some(self.0.len()))?;
            for (k, v) in self.0.iter().zip(&self.1) {
                m.serialize_entry(k, v)?;
            }
            m.end()
        }
    }

    /// The uncertainty as its [`super::KEYS`], flattened into the fitted model's object.
    struct Keys<'a>(&'a Uncertainty, Vec<f64>);

    impl Serialize for Keys<'_> {
        fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            let mut m = s.serialize_map(None)?;
            match self.0 {
                Uncertainty::Estimated(e @ Estimate { names, .. }) => {
                    let se = e.standard_errors(&self.1);
                    m.serialize_entry("standardErrors", &Named(names, se))?;
                    m.serialize_entry("intervals", &Named(names, e.intervals(&self.1)))?;
                    m.serialize_entry("logCovariance", &e.log_covariance)?;
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

    #[derive(serde::Serialize)]
    #[serde(rename_all = "camelCase")]
    struct Flat<'a, P> {
        #[serde(flatten)]
        params: &'a P,
        #[serde(skip_serializing_if = "Option::is_none")]
        log_likelihood: Option<f64>,
        converged: bool,
        #[serde(flatten)]
        uncertainty: Option<Keys<'a>>,
    }

    /// Flat: `{ "r": .., "alpha": .., "a": .., "b": .., "logLikelihood": .., "converged": true,
    /// "standardErrors": {..}, "intervals": {..}, "logCovariance": [..] }`.
    impl<P: Params> Serialize for Fitted<P> {
        fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            Flat {
                params: &self.params,
                log_likelihood: self.log_likelihood,
                converged: self.converged,
                uncertainty: self
                    .uncertainty
                    .as_ref()
                    .map(|u| Keys(u, self.params.values())),
            }
            .serialize(s)
        }
    }
}

// The tests fit models, which the estimation code does (`fit`).
#[cfg(all(test, feature = "fit"))]
mod tests {
    use super::*;
    use crate::fit::{fit_summaries, SummaryRow};
    use crate::input::json::Json;
    use crate::model::{BgNbd, Model, Steps};

    /// The CDNOW summary rows whose index is a multiple of `every`.
    fn rows(every: usize) -> Vec<SummaryRow> {
        let rows = crate::fit::tests::summary_rows();
        rows.into_iter().step_by(every).collect()
    }

    fn fitted(every: usize) -> (Fitted<BgNbd>, Fitted<GammaGamma>) {
        let fit = fit_summaries(&rows(every), &Default::default(), &mut |_| {}).unwrap();
        (fit.bgnbd.unwrap(), fit.gamma_gamma.unwrap())
    }

    /// CDNOW sample customer 1: x = 2, t_x = 30.43, T = 38.86 weeks, repeat spend 22.35;
    /// a year of 52 weeks at 10% a year.
    const CUSTOMER: (Rfm, f64) = (
        Rfm {
            x: 2.0,
            t_x: 30.43,
            t: 38.86,
        },
        22.35,
    );

    fn predict_with(bg: &Fitted<BgNbd>, gg: Option<&Fitted<GammaGamma>>) -> Predicted {
        let (rfm, spend) = CUSTOMER;
        let steps = Steps::new(364.0, 7.0, 0.1);
        let if_alive = bg
            .params
            .expected_purchases_if_alive(&steps.ends, rfm.x, rfm.t)
            .unwrap();
        let purchase = Purchase::BgNbd(bg.params);
        let mut p = steps
            .predict(&purchase, gg.map(|g| &g.params), rfm, spend, &if_alive)
            .unwrap();
        p.interval = interval(
            &steps,
            &purchase,
            bg.uncertainty.as_ref(),
            gg,
            rfm,
            spend,
            &p,
        );
        p
    }

    /// ln(high / low): 2 · 1.645 · the standard deviation of ln(prediction).
    fn log_width(band: [f64; 2]) -> f64 {
        (band[1] / band[0]).ln()
    }

    #[test]
    fn intervals_contain_the_prediction_and_shrink_as_1_over_root_n() {
        let (bg, gg) = fitted(1);
        let p = predict_with(&bg, Some(&gg));
        let i = p.interval.unwrap();
        let [lo, hi] = i.expected_purchases;
        assert!(
            lo < p.expected_purchases && p.expected_purchases < hi,
            "{p:?}"
        );
        let [lo, hi] = i.lifetime_value.unwrap();
        let ltv = p.lifetime_value.unwrap();
        assert!(lo < ltv && ltv < hi, "{p:?}");
        // The interval is symmetric on the log scale.
        assert!(((hi / ltv).ln() - (ltv / lo).ln()).abs() < 1e-12);

        // A quarter of the customers: the information is about a quarter, so the
        // log-widths are about twice as large (√4).
        let (bg4, gg4) = fitted(4);
        let q = predict_with(&bg4, Some(&gg4)).interval.unwrap();
        for (whole, quarter) in [
            (i.expected_purchases, q.expected_purchases),
            (i.lifetime_value.unwrap(), q.lifetime_value.unwrap()),
        ] {
            let ratio = log_width(quarter) / log_width(whole);
            assert!((1.5..2.7).contains(&ratio), "width ratio {ratio}");
        }

        // Without the spend model's uncertainty there is no lifetime-value interval;
        // without BG/NBD's, no interval at all.
        let bare_gg = Fitted {
            uncertainty: None,
            ..gg.clone()
        };
        let p = predict_with(&bg, Some(&bare_gg)).interval.unwrap();
        assert_eq!(p.expected_purchases, i.expected_purchases);
        assert_eq!(p.lifetime_value, None);
        let bare_bg = Fitted {
            uncertainty: Some(Uncertainty::Singular),
            ..bg.clone()
        };
        assert_eq!(predict_with(&bare_bg, Some(&gg)).interval, None);
    }

    /// Draws from N(mean, Σ) by Cholesky and Box–Muller, with a seeded xorshift.
    struct Normal {
        state: u64,
    }

    impl Normal {
        fn uniform(&mut self) -> f64 {
            self.state ^= self.state << 13;
            self.state ^= self.state >> 7;
            self.state ^= self.state << 17;
            ((self.state >> 11) as f64 + 0.5) / (1u64 << 53) as f64
        }

        fn standard(&mut self) -> f64 {
            let (u, v) = (self.uniform(), self.uniform());
            (-2.0 * u.ln()).sqrt() * (std::f64::consts::TAU * v).cos()
        }

        fn draw(&mut self, mean: &[f64], cov: &[f64]) -> Vec<f64> {
            let k = mean.len();
            let mut l = vec![0.0; k * k];
            for i in 0..k {
                for j in 0..=i {
                    let s =
                        cov[i * k + j] - (0..j).map(|m| l[i * k + m] * l[j * k + m]).sum::<f64>();
                    l[i * k + j] = if i == j { s.sqrt() } else { s / l[j * k + j] };
                }
            }
            let z: Vec<f64> = (0..k).map(|_| self.standard()).collect();
            (0..k)
                .map(|i| mean[i] + (0..=i).map(|j| l[i * k + j] * z[j]).sum::<f64>())
                .collect()
        }
    }

    #[test]
    fn the_delta_method_agrees_with_draws_from_the_asymptotic_normal() {
        // 4,000 draws of the log-parameters of both models from their N(θ̂, Σ),
        // independently: the 5th and 95th percentiles of the expected purchases and
        // lifetime values they predict are the delta method's interval to a few per
        // cent (the predictions are close to log-linear over ±2 standard errors).
        let (bg, gg) = fitted(1);
        let cov = |f: &Option<Uncertainty>| match f {
            Some(Uncertainty::Estimated(e)) => e.log_covariance.clone(),
            _ => panic!(),
        };
        let (bg_cov, gg_cov) = (cov(&bg.uncertainty), cov(&gg.uncertainty));
        let (rfm, spend) = CUSTOMER;
        let steps = Steps::new(364.0, 7.0, 0.1);
        let ln = |a: &[f64]| a.iter().map(|v| v.ln()).collect::<Vec<f64>>();
        let (bg_mean, gg_mean) = (ln(&bg.params.to_array()), ln(&gg.params.to_array()));
        let mut normal = Normal {
            state: 0x9E37_79B9_7F4A_7C15,
        };
        let (mut purchases, mut ltv): (Vec<f64>, Vec<f64>) = (0..4000)
            .map(|_| {
                let p = crate::fit::bgnbd_from_log(&normal.draw(&bg_mean, &bg_cov));
                let g = normal.draw(&gg_mean, &gg_cov);
                let g = GammaGamma {
                    p: g[0].exp(),
                    q: g[1].exp(),
                    v: g[2].exp(),
                };
                let alive = p
                    .expected_purchases_if_alive(&steps.ends, rfm.x, rfm.t)
                    .unwrap();
                let q = steps
                    .predict(&Purchase::BgNbd(p), Some(&g), rfm, spend, &alive)
                    .unwrap();
                (q.expected_purchases, q.lifetime_value.unwrap())
            })
            .unzip();
        let i = predict_with(&bg, Some(&gg)).interval.unwrap();
        for (draws, [lo, hi]) in [
            (&mut purchases, i.expected_purchases),
            (&mut ltv, i.lifetime_value.unwrap()),
        ] {
            draws.sort_by(f64::total_cmp);
            let (q05, q95) = (draws[200], draws[3800]);
            assert!((q05 / lo - 1.0).abs() < 0.05, "{q05} vs {lo}");
            assert!((q95 / hi - 1.0).abs() < 0.05, "{q95} vs {hi}");
        }
    }

    /// A minimal model with `bgnbd` as given (JSON text).
    fn model(bgnbd: &str) -> crate::error::Result<Model> {
        let text = format!(
            r#"{{"version": 1, "unit": "weeks", "asOf": "1997-09-30", "customers": 10,
            "abc": {{"a": 2, "b": 1, "customerShare": [0.1, 0.2, 0.7], "valueShare": [0.5, 0.3, 0.2]}},
            "rfm": {{"recency": [1, 2, 3, 4], "frequency": [1, 2, 3, 4], "monetary": [1, 2, 3, 4]}},
            "bgnbd": {{"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426{bgnbd}}}}}"#
        );
        Model::from_json(&Json::parse(&text).unwrap())
    }

    const SE: &str = r#", "standardErrors": {"r": 0.0126, "alpha": 0.378, "a": 0.186, "b": 0.705}"#;
    const INTERVALS: &str = r#", "intervals": {"r": [0.22, 0.27], "alpha": [3.7, 5.2], "a": [0.5, 1.25], "b": [1.4, 4.3]}"#;
    const COV: &str = r#", "logCovariance": [0.0027, 0.0035, -0.0005, 0.0001, 0.0035, 0.0073, -0.0008, 0.001,
        -0.0005, -0.0008, 0.055, 0.064, 0.0001, 0.001, 0.064, 0.085]"#;

    #[test]
    fn models_carry_their_uncertainty_and_round_trip() {
        let (bg, gg) = fitted(1);
        let m = Model {
            bgnbd: Some(bg),
            gamma_gamma: Some(Fitted {
                uncertainty: Some(Uncertainty::Singular),
                ..gg
            }),
            ..model("").unwrap()
        };
        let text = serde_json::to_string(&m).unwrap();
        assert!(text.contains(r#""standardErrors":{"r":0.01255"#), "{text}");
        assert!(
            text.contains(r#""converged":true,"standardErrors":null,"intervals":null,"singularInformation":true}"#),
            "{text}"
        );
        assert_eq!(Model::from_json(&Json::parse(&text).unwrap()).unwrap(), m);
        let hand = model(&format!("{SE}{INTERVALS}{COV}")).unwrap();
        let bg = hand.bgnbd.unwrap();
        let Some(Uncertainty::Estimated(e)) = bg.uncertainty else {
            panic!()
        };
        let theta = bg.params.to_array();
        // Derived from logCovariance: SE(α) = 4.414 · √0.0073 = 0.37713, and b's
        // interval 2.426 · exp(±1.96 √0.085) = [1.3700, 4.2959]; the JSON's copies
        // are for people.
        assert!(
            (e.standard_errors(&theta)[1] - 0.37713).abs() < 1e-5,
            "{e:?}"
        );
        let [lo, hi] = e.intervals(&theta)[3];
        assert!(
            (lo - 1.3700).abs() < 1e-4 && (hi - 4.2959).abs() < 1e-4,
            "{e:?}"
        );
        assert_eq!(model("").unwrap().bgnbd.unwrap().uncertainty, None);
    }

    #[test]
    fn malformed_uncertainty_is_refused_with_its_path() {
        let asymmetric = COV.replace("0.0035, 0.0073", "0.0036, 0.0073");
        let negative = COV.replace("0.055", "-0.055");
        let huge = COV.replace("0.085]", "2e4]");
        let cases: Vec<(String, &str)> = vec![
            (format!("{SE}{INTERVALS}"), "model.bgnbd.logCovariance"),
            (format!("{SE}{COV}"), "model.bgnbd.intervals"),
            (format!("{INTERVALS}{COV}"), "model.bgnbd.standardErrors"),
            (
                format!("{SE}{INTERVALS}{asymmetric}"),
                "model.bgnbd.logCovariance",
            ),
            (
                format!("{SE}{INTERVALS}{negative}"),
                "model.bgnbd.logCovariance",
            ),
            (
                format!("{SE}{INTERVALS}{huge}"),
                "model.bgnbd.logCovariance",
            ),
            (
                format!(r#"{SE}{INTERVALS}, "logCovariance": [1, 0, 0, 1]"#),
                "model.bgnbd.logCovariance",
            ),
            (
                format!(r#"{SE}{INTERVALS}, "logCovariance": [1, 0, 0, "1"]"#),
                "model.bgnbd.logCovariance",
            ),
            (
                format!(r#", "standardErrors": 1{INTERVALS}{COV}"#),
                "model.bgnbd.standardErrors",
            ),
            (
                format!(r#"{SE}, "singularInformation": true"#),
                "model.bgnbd.standardErrors",
            ),
        ];
        for (bgnbd, path) in cases {
            let e = model(&bgnbd).unwrap_err();
            assert_eq!(e.path(), path, "{bgnbd}: {e}");
        }
        let singular =
            model(r#", "standardErrors": null, "intervals": null, "singularInformation": true"#);
        assert_eq!(
            singular.unwrap().bgnbd.unwrap().uncertainty,
            Some(Uncertainty::Singular)
        );
    }
}
