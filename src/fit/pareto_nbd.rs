//! The Pareto/NBD likelihood and its maximum-likelihood fit (Schmittlein,
//! Morrison & Colombo 1987; Fader, Hardie & Lee 2005, "A Note on Deriving
//! the Pareto/NBD Model and Related Expressions", eq. 22); the parameters
//! and predictions are in [`crate::model`].

use super::bgnbd::Triples;
use crate::model::special::{digamma, ln_1p_exp_and_logistic, ln_gamma};
use crate::model::ParetoNbd;

impl ParetoNbd {
    /// Total log-likelihood of grouped customers and its gradient with respect
    /// to (ln r, ln α, ln s, ln β): per customer
    /// ln Γ(r+x) − ln Γ(r) + r ln α + s ln β − (r+x) ln(α+T) − s ln(β+T) + ln(1 + R),
    /// R from [`ParetoNbd::ln_dropout_odds`] (computed in its two parts). NaN where that is `None`
    /// (α and β too far apart), which the optimiser treats as infeasible.
    pub fn log_likelihood_grouped(&self, data: &Triples, grad: &mut [f64; 4]) -> f64 {
        let ParetoNbd { r, alpha, s, beta } = *self;
        let n = data.total;
        let (ln_alpha, ln_beta) = (alpha.ln(), beta.ln());
        let mut ll = n * (r * ln_alpha + s * ln_beta);
        let mut g = [n * ln_alpha, n * r / alpha, n * ln_beta, n * s / beta];
        let (lg_r, dg_r) = (ln_gamma(r), digamma(r));
        // ln P_y per distinct time y of the current x: day-granular data have a
        // few hundred times against thousands of triples (all t_x = 0 when x = 0).
        let mut cache: Vec<Option<(f64, [f64; 4])>> = vec![None; data.times.len()];
        let ln_a: Vec<f64> = data.times.iter().map(|t| (alpha + t).ln()).collect();
        let ln_b: Vec<f64> = data.times.iter().map(|t| (beta + t).ln()).collect();
        let at = |v: &[f64], i: u32| v.get(i as usize).copied().unwrap_or(f64::NAN);
        for &(x, w, start, end) in &data.by_x {
            ll += w * (ln_gamma(r + x) - lg_r);
            g[0] += w * (digamma(r + x) - dg_r);
            cache.fill(None);
            let mut ln_p = |index: u32, y: f64| {
                let slot = cache.get_mut(index as usize)?;
                if slot.is_none() {
                    *slot = Some(self.ln_p::<true>(x, y)?);
                }
                *slot
            };
            for i in start..end {
                let (c, w) = (data.rfm[i], data.weight[i]);
                let (ti, txi) = (data.t_index[i], data.t_x_index[i]);
                let (ln_at, ln_bt) = (at(&ln_a, ti), at(&ln_b, ti));
                ll -= w * ((r + x) * ln_at + s * ln_bt);
                g[0] -= w * ln_at;
                g[1] -= w * (r + x) / (alpha + c.t);
                g[2] -= w * ln_bt;
                g[3] -= w * s / (beta + c.t);
                let (Some(px), Some(pt)) = (ln_p(txi, c.t_x), ln_p(ti, c.t)) else {
                    return f64::NAN;
                };
                let logs = [ln_at, at(&ln_a, txi), ln_bt, at(&ln_b, txi)];
                let (ln_r, d) = self.odds_from::<true>(c, logs, px, pt);
                if ln_r > f64::NEG_INFINITY {
                    // d ln(1 + R) = π d ln R with π = R / (1 + R).
                    let (ln_1p_r, pi) = ln_1p_exp_and_logistic(ln_r);
                    ll += w * ln_1p_r;
                    for k in 0..4 {
                        g[k] += w * pi * d[k];
                    }
                }
            }
        }
        // Chain rule to log-parameters: ∂/∂ln θ = θ ∂/∂θ.
        for (gi, p) in g.iter_mut().zip(self.to_array()) {
            *gi *= p;
        }
        *grad = g;
        ll
    }
}

/// The parameters the penalty of [`super::bgnbd::fit4`] measures in units of T_max (α and β).
pub(super) const TIME_SCALES: [bool; 4] = [false, true, false, true];

/// Parameters from log-parameters.
pub fn from_log(theta: &[f64]) -> ParetoNbd {
    let p = super::bgnbd::from_log(theta);
    ParetoNbd {
        r: p.r,
        alpha: p.alpha,
        s: p.a,
        beta: p.b,
    }
}
