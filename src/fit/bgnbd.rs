//! The BG/NBD likelihood and its maximum-likelihood fit (Fader, Hardie & Lee
//! 2005); the parameters and predictions are in [`crate::model`].

use super::optimize::{minimize, Minimum, OptimizerOptions};
use crate::model::special::{digamma, ln_1p_exp, ln_1p_exp_and_logistic, ln_gamma};
use crate::model::{BgNbd, Rfm};

/// Customers grouped by distinct (x, t_x, T): the likelihood depends on
/// nothing else, so a million customers collapse to the few thousand
/// distinct triples their day-granular dates allow.
#[derive(Debug, Clone, Default)]
pub struct Triples {
    pub(super) rfm: Vec<Rfm>,
    pub(super) weight: Vec<f64>,
    /// (x, total weight, first index, end index) of each run of equal x, so
    /// the gamma-function terms are computed once per distinct x.
    pub(super) by_x: Vec<(f64, f64, usize, usize)>,
    /// Distinct T and t_x values, and each triple's index into them, so that
    /// ln(α + T) and ln(α + t_x) are computed once per distinct value: day-granular
    /// data have a few hundred of each against up to a million triples.
    pub(super) times: Vec<f64>,
    pub(super) t_index: Vec<u32>,
    pub(super) t_x_index: Vec<u32>,
    pub(super) total: f64,
}

impl Triples {
    /// Groups customers into weighted distinct triples (sorted, so sums are deterministic).
    pub fn new(customers: &[Rfm]) -> Triples {
        Triples::weighted(customers, &[])
    }

    /// Groups customers into distinct triples, customer `i` standing for
    /// `weights[i]` customers (1 for each when `weights` is empty): the rows a
    /// SQL engine grouped with a count. Equal triples add their weights, so
    /// grouped and ungrouped rows give the same triples.
    pub fn weighted(customers: &[Rfm], weights: &[f64]) -> Triples {
        let weight = |i: usize| weights.get(i).copied().unwrap_or(1.0);
        let mut order: Vec<usize> = (0..customers.len()).collect();
        order.sort_unstable_by(|&i, &j| {
            let (p, q) = (customers[i], customers[j]);
            (p.x, p.t_x, p.t)
                .partial_cmp(&(q.x, q.t_x, q.t))
                .unwrap_or(std::cmp::Ordering::Equal)
        });
        let mut out = Triples::default();
        for group in order.chunk_by(|&i, &j| customers[i] == customers[j]) {
            out.rfm.push(customers[group[0]]);
            out.weight.push(group.iter().map(|&i| weight(i)).sum());
        }
        let mut start = 0;
        while start < out.rfm.len() {
            let x = out.rfm[start].x;
            let end = start + out.rfm[start..].iter().take_while(|c| c.x == x).count();
            out.by_x
                .push((x, out.weight[start..end].iter().sum(), start, end));
            start = end;
        }
        let mut times: Vec<f64> = out.rfm.iter().flat_map(|c| [c.t, c.t_x]).collect();
        times.sort_unstable_by(f64::total_cmp);
        times.dedup_by(|p, q| p.total_cmp(q).is_eq());
        let index = |v: f64| {
            times
                .binary_search_by(|p| p.total_cmp(&v))
                .map_or(0, |i| i as u32)
        };
        out.t_index = out.rfm.iter().map(|c| index(c.t)).collect();
        out.t_x_index = out.rfm.iter().map(|c| index(c.t_x)).collect();
        out.times = times;
        out.total = out.weight.iter().sum();
        out
    }

    /// Number of distinct triples.
    pub fn len(&self) -> usize {
        self.rfm.len()
    }

    /// Whether there are no customers.
    pub fn is_empty(&self) -> bool {
        self.rfm.is_empty()
    }

    /// Number of customers.
    pub fn customers(&self) -> f64 {
        self.total
    }
}

impl BgNbd {
    /// Log-likelihood of one customer (FHL 2005, eq. 6), computed as
    /// ln Γ(r+x) − ln Γ(r) + r ln α + ln B(a, b+x) − ln B(a, b) − (r+x) ln(α+T) +
    /// ln(1 + δ_{x>0} · a/(b+x−1) · ((α+T)/(α+t_x))^{r+x}),
    /// the last term as a softplus of its logarithm, since the ratio overflows.
    pub fn log_likelihood(&self, c: Rfm) -> f64 {
        let BgNbd { r, alpha, a, b } = *self;
        let x = c.x;
        let gammas = ln_gamma(r + x) - ln_gamma(r) + ln_gamma(b + x) + ln_gamma(a + b)
            - ln_gamma(b)
            - ln_gamma(a + b + x);
        let ln_alpha_t = (alpha + c.t).ln();
        let mut ll = gammas + r * alpha.ln() - (r + x) * ln_alpha_t;
        if x > 0.0 {
            ll += ln_1p_exp(
                a.ln() - (b + x - 1.0).ln() + (r + x) * (ln_alpha_t - (alpha + c.t_x).ln()),
            );
        }
        ll
    }

    /// Total log-likelihood of grouped customers and its gradient with respect
    /// to (ln r, ln α, ln a, ln b).
    pub fn log_likelihood_grouped(&self, data: &Triples, grad: &mut [f64; 4]) -> f64 {
        grouped(self, data, 0.0, grad)
    }
}

/// The BG/NBD likelihood (`k` = 0) and the MBG/NBD one (`k` = 1), which
/// differ only in the dropout chances a customer with x repeat purchases
/// survived (x or x + 1): ln B(a, b+x+k) − ln B(a, b) and
/// ln(1 + δ · a/(b+x−1+k) · ((α+T)/(α+t_x))^{r+x}), δ = 1 when x + k > 0.
pub(super) fn grouped(p: &BgNbd, data: &Triples, k: f64, grad: &mut [f64; 4]) -> f64 {
    let BgNbd { r, alpha, a, b } = *p;
    let (dg_r, dg_b, dg_ab) = (digamma(r), digamma(b), digamma(a + b));
    let (lg_r, lg_b, lg_ab) = (ln_gamma(r), ln_gamma(b), ln_gamma(a + b));
    let (ln_a, ln_alpha) = (a.ln(), alpha.ln());
    let mut ll = data.total * r * ln_alpha;
    let mut g = [data.total * ln_alpha, data.total * r / alpha, 0.0, 0.0];
    let ln_alpha_plus: Vec<f64> = data.times.iter().map(|t| (alpha + t).ln()).collect();
    let ln_at = |i: u32| ln_alpha_plus.get(i as usize).copied().unwrap_or(f64::NAN);
    for &(x, w, start, end) in &data.by_x {
        let (bx, dies) = (b + x + k, x + k > 0.0);
        let gammas = ln_gamma(r + x) - lg_r + ln_gamma(bx) + lg_ab - lg_b - ln_gamma(a + bx);
        ll += w * gammas;
        let dg_abx = digamma(a + bx);
        g[0] += w * (digamma(r + x) - dg_r);
        g[2] += w * (dg_ab - dg_abx);
        g[3] += w * (digamma(bx) + dg_ab - dg_b - dg_abx);
        let ln_b1 = if dies { (bx - 1.0).ln() } else { 0.0 };
        for i in start..end {
            let (c, w) = (data.rfm[i], data.weight[i]);
            let alpha_t = alpha + c.t;
            let ln_alpha_t = ln_at(data.t_index[i]);
            ll -= w * (r + x) * ln_alpha_t;
            g[0] -= w * ln_alpha_t;
            g[1] -= w * (r + x) / alpha_t;
            if dies {
                let alpha_tx = alpha + c.t_x;
                let ln_ratio = ln_alpha_t - ln_at(data.t_x_index[i]);
                let ln_d = ln_a - ln_b1 + (r + x) * ln_ratio;
                // d ln(1 + D) = π d ln D with π = D / (1 + D).
                let (ln_1p_d, pi) = ln_1p_exp_and_logistic(ln_d);
                ll += w * ln_1p_d;
                let pi = w * pi;
                g[0] += pi * ln_ratio;
                g[1] += pi * (r + x) * (1.0 / alpha_t - 1.0 / alpha_tx);
                g[2] += pi / a;
                g[3] -= pi / (bx - 1.0);
            }
        }
    }
    // Chain rule to log-parameters: ∂/∂ln θ = θ ∂/∂θ.
    for (gi, p) in g.iter_mut().zip(p.to_array()) {
        *gi *= p;
    }
    *grad = g;
    ll
}

/// The parameters the penalty of [`super::bgnbd::fit4`] measures in units of T_max (α).
pub(super) const TIME_SCALES: [bool; 4] = [false, true, false, false];

/// Fits a four-parameter likelihood `ll(log-parameters, gradient)` (the
/// gradient with respect to the log-parameters) by maximum likelihood over
/// log-parameters, starting at all parameters 1 (BG/NBD's r = α = a = b = 1,
/// and the same for Pareto/NBD and MBG/NBD). The objective is the mean
/// negative log-likelihood per customer plus `penalizer_coef` times the sum
/// of the squared parameters, those marked in `time_scales` (α, and β for
/// Pareto/NBD) measured in units of T_max, the largest T (1 when every T is
/// 0): lifetimes' penalised objective, since its `BetaGeoFitter` fits on times
/// divided by T_max. Measuring them in units of T_max makes the penalty, like
/// the likelihood, independent of the time unit. Returns the optimiser's
/// result in log-parameters.
pub(super) fn fit4(
    data: &Triples,
    penalizer_coef: f64,
    time_scales: [bool; 4],
    options: &OptimizerOptions,
    progress: &mut dyn FnMut(f64),
    ll: &dyn Fn(&[f64], &mut [f64; 4]) -> f64,
) -> Minimum {
    let n = data.customers().max(1.0);
    let penalized = penalized4(data, penalizer_coef, time_scales, ll);
    let mut objective = |theta: &[f64], grad: &mut [f64]| {
        let ll = penalized(theta, grad);
        for g in grad.iter_mut() {
            *g /= -n;
        }
        -ll / n
    };
    minimize(&mut objective, &[0.0; 4], options, progress)
}

/// The total log-likelihood `ll` of `data` minus n times the penalty of
/// [`fit4`], as a function of the log-parameters, writing its gradient into
/// `grad`: the function whose maximum [`fit4`] finds, whose curvature there
/// gives the standard errors.
pub(super) fn penalized4<'a>(
    data: &Triples,
    penalizer_coef: f64,
    time_scales: [bool; 4],
    ll: &'a dyn Fn(&[f64], &mut [f64; 4]) -> f64,
) -> impl Fn(&[f64], &mut [f64]) -> f64 + 'a {
    let (n, alpha_scale) = (data.customers().max(1.0), alpha_scale(data));
    move |theta, grad| {
        let mut g = [0.0; 4];
        let ll = ll(theta, &mut g);
        let mut scaled = [0.0; 4];
        for i in 0..4 {
            let p = theta[i].exp();
            scaled[i] = if time_scales[i] { p / alpha_scale } else { p };
        }
        for (i, out) in grad.iter_mut().enumerate().take(4) {
            // d(c θ²)/d ln θ = 2c θ².
            *out = g[i] - n * penalizer_coef * 2.0 * scaled[i] * scaled[i];
        }
        ll - n * penalizer_coef * scaled.iter().map(|v| v * v).sum::<f64>()
    }
}

/// T_max, the unit α is measured in by the penalty of [`fit4`] (1 when every T is 0).
fn alpha_scale(data: &Triples) -> f64 {
    let t_max = data.rfm.iter().map(|c| c.t).fold(0.0, f64::max);
    if t_max > 0.0 {
        t_max
    } else {
        1.0
    }
}

/// Parameters from log-parameters.
pub fn from_log(theta: &[f64]) -> BgNbd {
    let e = |i: usize| theta.get(i).map_or(f64::NAN, |v| v.exp());
    BgNbd {
        r: e(0),
        alpha: e(1),
        a: e(2),
        b: e(3),
    }
}
