//! The Gamma-Gamma likelihood and its maximum-likelihood fit (Fader, Hardie &
//! Lee 2005, JMR); the parameters and prediction are in [`crate::model`].

use super::optimize::{minimize, Minimum, OptimizerOptions};
use crate::model::special::{digamma, ln_gamma};
use crate::model::GammaGamma;

/// Repeat customers' (x, mean spend m) grouped by x, the data of the fit.
#[derive(Debug, Clone, Default)]
pub struct SpendData {
    /// One group per distinct x, ascending.
    groups: Vec<SpendGroup>,
    total: f64,
}

#[derive(Debug, Clone)]
struct SpendGroup {
    x: f64,
    count: f64,
    sum_ln_m: f64,
    /// Each row's (m, count).
    m: Vec<(f64, f64)>,
}

impl SpendData {
    /// Keeps the customers with x > 0 and m > 0 (the likelihood needs ln m;
    /// a zero mean spend is a free or fully refunded repeat purchase, which the
    /// model cannot describe) and groups them by x.
    pub fn new(customers: impl IntoIterator<Item = (f64, f64)>) -> SpendData {
        SpendData::weighted(customers.into_iter().map(|(x, m)| (x, m, 1.0)))
    }

    /// As [`SpendData::new`] for (x, m, count) rows, each standing for `count`
    /// customers with that x and m: the likelihood weights each row by its count.
    pub fn weighted(customers: impl IntoIterator<Item = (f64, f64, f64)>) -> SpendData {
        let mut kept: Vec<(f64, f64, f64)> = customers
            .into_iter()
            .filter(|&(x, m, w)| x > 0.0 && m > 0.0 && x.is_finite() && m.is_finite() && w > 0.0)
            .collect();
        kept.sort_unstable_by(|p, q| p.partial_cmp(q).unwrap_or(std::cmp::Ordering::Equal));
        // Equal (x, m) rows become one with their counts added, so that grouped
        // and ungrouped rows give the same sums, term for term.
        let merged: Vec<(f64, f64, f64)> = kept
            .chunk_by(|p, q| (p.0, p.1) == (q.0, q.1))
            .map(|run| (run[0].0, run[0].1, run.iter().map(|c| c.2).sum()))
            .collect();
        let groups: Vec<SpendGroup> = merged
            .chunk_by(|p, q| p.0 == q.0)
            .map(|run| SpendGroup {
                x: run[0].0,
                count: run.iter().map(|c| c.2).sum(),
                sum_ln_m: run.iter().map(|c| c.2 * c.1.ln()).sum(),
                m: run.iter().map(|c| (c.1, c.2)).collect(),
            })
            .collect();
        SpendData {
            total: groups.iter().map(|g| g.count).sum(),
            groups,
        }
    }

    /// Number of customers kept.
    pub fn customers(&self) -> f64 {
        self.total
    }
}

impl GammaGamma {
    /// Log-likelihood of the data (lifetimes' `GammaGammaFitter`, per customer:
    /// ln Γ(px+q) − ln Γ(px) − ln Γ(q) + q ln v + (px−1) ln m + px ln x − (px+q) ln(xm+v))
    /// and its gradient with respect to (ln p, ln q, ln v).
    pub fn log_likelihood(&self, data: &SpendData, grad: &mut [f64; 3]) -> f64 {
        let GammaGamma { p, q, v } = *self;
        let (ln_v, lg_q, dg_q) = (v.ln(), ln_gamma(q), digamma(q));
        let mut ll = data.total * (q * ln_v - lg_q);
        let mut g = [0.0, data.total * (ln_v - dg_q), data.total * q / v];
        for grp in &data.groups {
            let (x, w) = (grp.x, grp.count);
            let px = p * x;
            let ln_x = x.ln();
            ll += w * (ln_gamma(px + q) - ln_gamma(px) + px * ln_x) + (px - 1.0) * grp.sum_ln_m;
            let dg_pxq = digamma(px + q);
            g[0] += w * x * (dg_pxq - digamma(px) + ln_x) + x * grp.sum_ln_m;
            g[1] += w * dg_pxq;
            for &(m, w) in &grp.m {
                let xmv = x * m + v;
                let ln_xmv = xmv.ln();
                ll -= w * (px + q) * ln_xmv;
                g[0] -= w * x * ln_xmv;
                g[1] -= w * ln_xmv;
                g[2] -= w * (px + q) / xmv;
            }
        }
        for (gi, p) in g.iter_mut().zip(self.to_array()) {
            *gi *= p;
        }
        *grad = g;
        ll
    }
}

/// Fits Gamma-Gamma by maximum likelihood over log-parameters from p = q = v = 1,
/// minimising the mean negative log-likelihood plus `penalizer_coef · (p² + q² + v²)`,
/// lifetimes' penalised objective (its `GammaGammaFitter` fits the amounts unscaled).
pub fn fit(
    data: &SpendData,
    penalizer_coef: f64,
    options: &OptimizerOptions,
    progress: &mut dyn FnMut(f64),
) -> Minimum {
    let n = data.customers().max(1.0);
    let mut objective = |theta: &[f64], grad: &mut [f64]| {
        let params = from_log(theta);
        let mut g = [0.0; 3];
        let ll = params.log_likelihood(data, &mut g);
        let arr = params.to_array();
        for i in 0..3 {
            grad[i] = -g[i] / n + penalizer_coef * 2.0 * arr[i] * arr[i];
        }
        -ll / n + penalizer_coef * arr.iter().map(|v| v * v).sum::<f64>()
    };
    minimize(&mut objective, &[0.0; 3], options, progress)
}

/// The total log-likelihood of `data` minus n times the penalty of [`fit`],
/// as a function of the log-parameters, writing its gradient into `grad`
/// (see [`super::bgnbd::penalized4`]).
pub fn penalized_log_likelihood(
    data: &SpendData,
    penalizer_coef: f64,
) -> impl Fn(&[f64], &mut [f64]) -> f64 + '_ {
    let n = data.customers().max(1.0);
    move |theta, grad| {
        let p = from_log(theta);
        let arr = p.to_array();
        let mut g = [0.0; 3];
        let ll = p.log_likelihood(data, &mut g);
        for (i, out) in grad.iter_mut().enumerate().take(3) {
            *out = g[i] - n * penalizer_coef * 2.0 * arr[i] * arr[i];
        }
        ll - n * penalizer_coef * arr.iter().map(|v| v * v).sum::<f64>()
    }
}

/// Parameters from log-parameters.
pub fn from_log(theta: &[f64]) -> GammaGamma {
    let e = |i: usize| theta.get(i).map_or(f64::NAN, |v| v.exp());
    GammaGamma {
        p: e(0),
        q: e(1),
        v: e(2),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const CDNOW: GammaGamma = GammaGamma {
        p: 6.2488,
        q: 3.7446,
        v: 15.4477,
    };

    #[test]
    fn likelihood_matches_the_formula_and_its_gradient_matches_finite_differences() {
        let customers = [
            (1.0, 20.0),
            (1.0, 35.5),
            (3.0, 12.0),
            (0.0, 0.0),
            (2.0, 0.0),
            (5.0, 80.0),
        ];
        let data = SpendData::new(customers);
        assert_eq!(data.customers(), 4.0);
        let GammaGamma { p, q, v } = CDNOW;
        let direct: f64 = customers
            .iter()
            .filter(|c| c.0 > 0.0 && c.1 > 0.0)
            .map(|&(x, m)| {
                ln_gamma(p * x + q) - ln_gamma(p * x) - ln_gamma(q)
                    + q * v.ln()
                    + (p * x - 1.0) * m.ln()
                    + p * x * x.ln()
                    - (p * x + q) * (x * m + v).ln()
            })
            .sum();
        let mut g = [0.0; 3];
        let ll = CDNOW.log_likelihood(&data, &mut g);
        assert!((ll - direct).abs() < 1e-10, "{ll} vs {direct}");
        let theta: Vec<f64> = CDNOW.to_array().iter().map(|v| v.ln()).collect();
        for i in 0..3 {
            let (mut up, mut down) = (theta.clone(), theta.clone());
            up[i] += 1e-6;
            down[i] -= 1e-6;
            let mut s = [0.0; 3];
            let fd = (from_log(&up).log_likelihood(&data, &mut s)
                - from_log(&down).log_likelihood(&data, &mut s))
                / 2e-6;
            assert!((fd - g[i]).abs() < 1e-6, "component {i}: {fd} vs {}", g[i]);
        }
    }

    #[test]
    fn expected_spend_shrinks_towards_the_population_mean() {
        let population = CDNOW.p * CDNOW.v / (CDNOW.q - 1.0);
        assert!(
            (CDNOW.conditional_expected_average_spend(0.0, 0.0).unwrap() - population).abs()
                < 1e-12
        );
        let one = CDNOW
            .conditional_expected_average_spend(1.0, 100.0)
            .unwrap();
        let many = CDNOW
            .conditional_expected_average_spend(50.0, 100.0)
            .unwrap();
        assert!(population < one && one < many && many < 100.0);
        assert_eq!(
            GammaGamma { q: 0.5, ..CDNOW }.conditional_expected_average_spend(0.0, 10.0),
            None
        );
    }
}
