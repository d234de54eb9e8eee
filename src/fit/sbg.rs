//! The sBG likelihood and its maximum-likelihood fit on a cohort's active
//! counts (Fader & Hardie 2007, "How to Project Customer Retention", J.
//! Interactive Marketing 21(1)); the predictions are [`Sbg`]'s. Also the
//! observed-information standard errors of the discrete-time fits (sBG,
//! BG/BB), [`uncertainty`].

use super::optimize::{minimize, Convergence};
use super::{finish, FitOptions};
use crate::error::{index_path, Error, ErrorCode, Result};
use crate::model::special::digamma;
use crate::model::{ln_beta, Fitted, Sbg};

/// Most periods a cohort may span: the likelihood costs a few digammas a period.
pub const MAX_PERIODS: usize = 100_000;

/// ln B(a, b) and its partial derivatives in a and b.
pub(crate) fn ln_beta_grad(a: f64, b: f64) -> (f64, f64, f64) {
    let ab = digamma(a + b);
    (ln_beta(a, b), digamma(a) - ab, digamma(b) - ab)
}

/// Checks a cohort's counts: at least two, finite, ≥ 0, not rising, the
/// first > 0. Paths `activeCounts[i]`.
pub fn check_active_counts(active: &[f64]) -> Result<()> {
    let path = |i: usize| index_path("activeCounts", i);
    if active.len() < 2 || active.len() > MAX_PERIODS + 1 {
        let msg = format!(
            "expected from 2 to {} counts (the customers active at the start of period 0, 1, …), got {}",
            MAX_PERIODS + 1,
            active.len()
        );
        return Err(Error::new(ErrorCode::OutOfRange, "activeCounts", msg));
    }
    for (i, &n) in active.iter().enumerate() {
        if !n.is_finite() {
            let msg = format!("expected a finite number, got {n}");
            return Err(Error::new(ErrorCode::NotFinite, path(i), msg));
        }
        if n < 0.0 || (i == 0 && n <= 0.0) {
            let msg = format!("expected a count > 0 at the start, >= 0 after, got {n}");
            return Err(Error::new(ErrorCode::OutOfRange, path(i), msg));
        }
        if i > 0 && n > active[i - 1] {
            let msg = format!(
                "expected at most the count before ({}): customers who left do not come back, got {n}",
                active[i - 1]
            );
            return Err(Error::new(ErrorCode::OutOfRange, path(i), msg));
        }
    }
    Ok(())
}

/// The sBG log-likelihood of a cohort, `params` = [α, β]: the n_{t−1} − n_t
/// customers lost in period t (t = 1 … T) each contribute
/// ln P(T = t) = ln B(α+1, β+t−1) − ln B(α, β), the n_T still active
/// ln S(T) = ln B(α, β+T) − ln B(α, β) (Fader & Hardie 2007 eq. 9).
/// `active` as [`check_active_counts`] accepts.
pub fn log_likelihood(params: &[f64], active: &[f64]) -> f64 {
    let mut grad = [0.0; 2];
    log_likelihood_grad(params, active, &mut grad)
}

/// [`log_likelihood`] and its gradient in (ln α, ln β).
fn log_likelihood_grad(params: &[f64], active: &[f64], grad: &mut [f64; 2]) -> f64 {
    let (alpha, beta) = (params[0], params[1]);
    let (base, base_a, base_b) = ln_beta_grad(alpha, beta);
    let (mut ll, mut g) = (0.0, [0.0; 2]);
    let mut add = |w: f64, (v, da, db): (f64, f64, f64)| {
        if w > 0.0 {
            ll += w * (v - base);
            g[0] += w * (da - base_a);
            g[1] += w * (db - base_b);
        }
    };
    let periods = active.len() - 1;
    for t in 1..=periods {
        let lost = active[t - 1] - active[t];
        add(lost, ln_beta_grad(alpha + 1.0, beta + t as f64 - 1.0));
    }
    add(active[periods], ln_beta_grad(alpha, beta + periods as f64));
    *grad = [g[0] * alpha, g[1] * beta];
    ll
}

/// A fitted sBG model.
#[derive(Debug, Clone, PartialEq)]
pub struct RetentionFit {
    /// The parameters with the log-likelihood and convergence flag.
    pub sbg: Fitted<Sbg>,
    /// How the fit ended.
    pub convergence: Convergence,
    /// Standard errors and 95% intervals; `None` when the information is singular.
    pub uncertainty: Option<Uncertainty>,
}

/// Fits sBG by maximum likelihood over (ln α, ln β) from α = β = 1, minimising
/// the negative log-likelihood per customer of the cohort. `activeCounts[t]`
/// is the number of customers still active at the start of period t (t = 0 is
/// the cohort's size). Only `options.optimizer` and `allow_unconverged` apply.
/// Errors: counts [`check_active_counts`] refuses; a fit that fails
/// (`FitFailed`, path `sbg`, see [`crate::fit`]'s policy).
pub fn fit_retention(active: &[f64], options: &FitOptions) -> Result<RetentionFit> {
    check_active_counts(active)?;
    let n = active[0];
    let last = active[active.len() - 1];
    // Without a loss the likelihood rises towards θ = 0 (α → 0), and with every
    // customer lost in the first period towards θ = 1 (β → 0): no maximum exists.
    if last == n || active[1] == 0.0 {
        let msg = if last == n {
            "no customer left in any period: the churn probabilities cannot be estimated"
        } else {
            "every customer left in the first period: the churn probabilities cannot be estimated"
        };
        return Err(Error::new(ErrorCode::OutOfRange, "activeCounts", msg));
    }
    let mut objective = |theta: &[f64], grad: &mut [f64]| {
        let p = [theta[0].exp(), theta[1].exp()];
        let mut g = [0.0; 2];
        let ll = log_likelihood_grad(&p, active, &mut g);
        grad[0] = -g[0] / n;
        grad[1] = -g[1] / n;
        -ll / n
    };
    let min = minimize(&mut objective, &[0.0; 2], &options.optimizer, &mut |_| {});
    let sbg = Sbg {
        alpha: min.x[0].exp(),
        beta: min.x[1].exp(),
    };
    let ll = log_likelihood(&[sbg.alpha, sbg.beta], active);
    let named = [("alpha", sbg.alpha), ("beta", sbg.beta)];
    let (sbg, convergence) = finish("sbg", sbg, &named, Ok(()), ll, &min, options)?;
    let uncertainty = uncertainty(
        &|theta: &[f64], g: &mut [f64]| {
            let mut gg = [0.0; 2];
            let ll = log_likelihood_grad(&[theta[0].exp(), theta[1].exp()], active, &mut gg);
            g.copy_from_slice(&gg);
            ll
        },
        &min.x,
        &["alpha", "beta"],
    );
    Ok(RetentionFit {
        sbg,
        convergence,
        uncertainty,
    })
}

/// Standard errors and 95% intervals of fitted parameters, in their order.
#[derive(Debug, Clone, PartialEq)]
pub struct Uncertainty {
    /// θ̂ᵢ √Σᵢᵢ, Σ the covariance of the log-parameters (the delta method, as
    /// lifetimes' `standard_errors_`).
    pub standard_errors: Vec<f64>,
    /// θ̂ᵢ · exp(±1.96 √Σᵢᵢ): formed on the log scale, so it stays positive.
    pub intervals: Vec<[f64; 2]>,
}

/// The uncertainty of a maximum of a *total* log-likelihood `ll(θ, gradient)`
/// in log-parameters `log_params` ([`super::uncertainty::estimate_with_gradient`],
/// as for every fitted model). `None` when the information is not positive
/// definite (a flat likelihood).
pub(crate) fn uncertainty(
    ll: &dyn Fn(&[f64], &mut [f64]) -> f64,
    log_params: &[f64],
    names: &'static [&'static str],
) -> Option<Uncertainty> {
    match super::uncertainty::estimate_with_gradient(ll, log_params, names) {
        crate::model::Uncertainty::Estimated(e) => {
            let params: Vec<f64> = log_params.iter().map(|t| t.exp()).collect();
            Some(Uncertainty {
                standard_errors: e.standard_errors(&params),
                intervals: e.intervals(&params),
            })
        }
        crate::model::Uncertainty::Singular => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Customers active at the start of years 0–7 of the two cohorts of Fader &
    /// Hardie (2007), 1,000 each.
    pub(crate) const REGULAR: [f64; 8] = [1000.0, 631.0, 468.0, 382.0, 326.0, 289.0, 262.0, 241.0];
    pub(crate) const HIGH_END: [f64; 8] = [1000.0, 869.0, 743.0, 653.0, 593.0, 551.0, 517.0, 491.0];

    fn round3(v: f64) -> f64 {
        (v * 1000.0).round() / 1000.0
    }

    #[test]
    fn fader_hardie_2007_cohorts_are_reproduced() {
        for (counts, alpha, beta) in [(REGULAR, 0.704, 1.182), (HIGH_END, 0.668, 3.806)] {
            let fit = fit_retention(&counts, &FitOptions::default()).unwrap();
            assert!(fit.convergence.converged);
            let Sbg { alpha: a, beta: b } = fit.sbg.params;
            assert_eq!((round3(a), round3(b)), (alpha, beta), "{a} {b}");
            let u = fit.uncertainty.unwrap();
            assert!(u.intervals[0][0] < a && a < u.intervals[0][1]);
            assert!(u.intervals[1][0] < b && b < u.intervals[1][1]);
        }
    }

    #[test]
    fn likelihood_matches_the_formula_and_its_gradient_finite_differences() {
        let (a, b) = (0.7, 1.2);
        // Hand-written: P(T=t) by its recursion from α/(α+β), S(7) = 1 − Σ P(T=t).
        let mut p = a / (a + b);
        let (mut direct, mut lost_share) = (0.0, 0.0);
        for t in 1..=7 {
            if t > 1 {
                p *= (b + t as f64 - 2.0) / (a + b + t as f64 - 1.0);
            }
            lost_share += p;
            direct += (REGULAR[t - 1] - REGULAR[t]) * p.ln();
        }
        direct += REGULAR[7] * (1.0 - lost_share).ln();
        let ll = log_likelihood(&[a, b], &REGULAR);
        assert!((ll - direct).abs() < 1e-9, "{ll} vs {direct}");
        let mut g = [0.0; 2];
        log_likelihood_grad(&[a, b], &REGULAR, &mut g);
        for i in 0..2 {
            let mut up = [a.ln(), b.ln()];
            let mut down = up;
            up[i] += 1e-6;
            down[i] -= 1e-6;
            let f = |t: [f64; 2]| log_likelihood(&[t[0].exp(), t[1].exp()], &REGULAR);
            let fd = (f(up) - f(down)) / 2e-6;
            assert!((fd - g[i]).abs() < 1e-5, "{fd} vs {}", g[i]);
        }
    }

    #[test]
    fn standard_errors_match_the_inverse_of_a_second_difference_hessian() {
        let fit = fit_retention(&REGULAR, &FitOptions::default()).unwrap();
        let Sbg { alpha, beta } = fit.sbg.params;
        // Independently: the Hessian in (α, β) by second differences of the
        // log-likelihood, inverted as a 2×2 matrix.
        let f = |a: f64, b: f64| log_likelihood(&[a, b], &REGULAR);
        let h = 1e-4;
        let haa = (f(alpha + h, beta) - 2.0 * f(alpha, beta) + f(alpha - h, beta)) / (h * h);
        let hbb = (f(alpha, beta + h) - 2.0 * f(alpha, beta) + f(alpha, beta - h)) / (h * h);
        let hab = (f(alpha + h, beta + h) - f(alpha + h, beta - h) - f(alpha - h, beta + h)
            + f(alpha - h, beta - h))
            / (4.0 * h * h);
        let det = haa * hbb - hab * hab;
        let (se_a, se_b) = ((-hbb / det).sqrt(), (-haa / det).sqrt());
        let u = fit.uncertainty.unwrap();
        assert!(
            (u.standard_errors[0] / se_a - 1.0).abs() < 1e-3,
            "{:?} {se_a}",
            u
        );
        assert!(
            (u.standard_errors[1] / se_b - 1.0).abs() < 1e-3,
            "{:?} {se_b}",
            u
        );
    }

    #[test]
    fn survival_retention_and_derl_by_hand() {
        let m = Sbg {
            alpha: 0.704,
            beta: 1.182,
        };
        let (a, b) = (m.alpha, m.beta);
        assert!((m.retention(1.0) - b / (a + b)).abs() < 1e-15);
        assert!((m.retention(3.0) - (b + 2.0) / (a + b + 2.0)).abs() < 1e-15);
        let s2 = b * (b + 1.0) / ((a + b) * (a + b + 1.0));
        assert!((m.survival(2.0) - s2).abs() < 1e-13);
        assert!((m.survival(0.0) - 1.0).abs() < 1e-15);
        assert!((m.churn(1.0) - a / (a + b)).abs() < 1e-13);
        // DERL as the direct sum Σ_{t≥n} S(t)/S(n−1)/(1+d)^{t−n}, S from its product.
        let s = |t: usize| (0..t).fold(1.0, |s, k| s * (b + k as f64) / (a + b + k as f64));
        for (d, n) in [(0.1, 1usize), (0.1, 5), (0.25, 3)] {
            // S(t)/S(n−1) for t = n, n+1, …: the product's factors from k = n−1 on.
            let (mut ratio, mut direct) = (1.0, 0.0);
            for t in n..5_000 {
                ratio *= (b + (t - 1) as f64) / (a + b + (t - 1) as f64);
                direct += ratio / (1.0f64 + d).powi((t - n) as i32);
            }
            assert!(
                (s(n) / s(n - 1) - (b + (n - 1) as f64) / (a + b + (n - 1) as f64)).abs() < 1e-15
            );
            let derl = m.derl(d, n as f64).unwrap();
            assert!(
                (derl - direct).abs() < 1e-9 * direct,
                "d {d} n {n}: {derl} vs {direct}"
            );
        }
        assert_eq!(m.derl(0.0, 1.0), None);
        assert_eq!(m.derl(0.1, 0.0), None);
    }

    // The Python `shifted_beta_geometric` module's README example, on the high-end
    // cohort: survival after 8–12 years and the DERL of the survivors of 7 renewals at 10%.
    #[test]
    fn projections_match_a_reference_implementation() {
        let m = fit_retention(&HIGH_END, &FitOptions::default())
            .unwrap()
            .sbg
            .params;
        let projected: Vec<f64> = (8..=12).map(|t| round3(m.survival(f64::from(t)))).collect();
        assert_eq!(projected, [0.460, 0.436, 0.414, 0.395, 0.378]);
        assert_eq!(round3(m.derl(0.1, 8.0).unwrap()), 7.530);
    }

    #[test]
    fn bad_counts_name_their_entry() {
        let e = check_active_counts(&[100.0, 90.0, 95.0]).unwrap_err();
        assert_eq!(
            (e.code(), e.path()),
            (ErrorCode::OutOfRange, "activeCounts[2]")
        );
        let e = check_active_counts(&[100.0, f64::NAN]).unwrap_err();
        assert_eq!(
            (e.code(), e.path()),
            (ErrorCode::NotFinite, "activeCounts[1]")
        );
        let e = check_active_counts(&[0.0, 0.0]).unwrap_err();
        assert_eq!(e.path(), "activeCounts[0]");
        let e = check_active_counts(&[10.0]).unwrap_err();
        assert_eq!(e.path(), "activeCounts");
        for flat in [[100.0, 100.0, 100.0], [100.0, 0.0, 0.0]] {
            let e = fit_retention(&flat, &FitOptions::default()).unwrap_err();
            assert_eq!(
                (e.code(), e.path()),
                (ErrorCode::OutOfRange, "activeCounts")
            );
        }
    }
}
