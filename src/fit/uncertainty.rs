//! Standard errors of fitted parameters from the observed information.
//!
//! At a maximum θ̂ of a log-likelihood ℓ in log-parameters, the observed
//! information is I = −∇²ℓ(θ̂), and the asymptotic covariance of the
//! log-parameters is Σ = I⁻¹ (Cholesky: I is symmetric and, at a strict
//! maximum, positive definite). A parameter's standard error is then
//! θ̂ᵢ √Σᵢᵢ (the delta method from ln θ to θ, as lifetimes' `standard_errors_`
//! report them) and its 95% interval θ̂ᵢ · exp(±1.96 √Σᵢᵢ), formed on the log
//! scale so that it stays positive (lifetimes' θ̂ ± 1.96 SE can cross zero).
//!
//! ℓ must be the *total* log-likelihood of the data (not the mean per
//! customer the optimiser minimises): the information grows with the number
//! of customers, and the standard errors shrink as 1/√n. A penalised fit
//! passes its penalised log-likelihood, whose curvature is the one at its optimum.
//!
//! Every model fitted in log-parameters gets its [`Uncertainty`] with one
//! call to [`estimate`].

use crate::model::{Estimate, Uncertainty};

/// The parameter uncertainty of a fit: `log_likelihood` is the total
/// (penalised) log-likelihood as a function of the log-parameters,
/// `log_params` its maximum, `names` the parameters' names in the model's
/// JSON (as many as `log_params`); the standard errors and intervals follow
/// ([`Estimate::standard_errors`], [`Estimate::intervals`]).
/// [`Uncertainty::Singular`] when the observed information is not positive
/// definite, or its inverse is not an [`Estimate`] (a variance above
/// [`crate::model::uncertainty::MAX_LOG_VARIANCE`]).
///
/// ```
/// use crmscore::fit::uncertainty::estimate;
/// use crmscore::model::Uncertainty;
/// // n = 100 draws from an exponential with rate λ: ℓ(ln λ) = n ln λ − λ Σx, maximal at
/// // λ = n/Σx, where the information in ln λ is n: SE(λ) = λ/√n.
/// let (n, sum) = (100.0, 50.0);
/// let ll = |t: &[f64]| n * t[0] - t[0].exp() * sum;
/// let Uncertainty::Estimated(e) = estimate(&ll, &[(n / sum).ln()], &["rate"]) else { panic!() };
/// assert!((e.standard_errors(&[n / sum])[0] - 0.2).abs() < 1e-6);
/// ```
pub fn estimate(
    log_likelihood: &dyn Fn(&[f64]) -> f64,
    log_params: &[f64],
    names: &'static [&'static str],
) -> Uncertainty {
    from_hessian(&hessian(log_likelihood, log_params), names)
}

/// [`estimate`] for a log-likelihood with an analytic gradient:
/// `log_likelihood(θ, grad)` returns ℓ(θ) and writes ∇ℓ(θ) into `grad`. The
/// Hessian is then central differences of the gradient ([`hessian_of_gradient`]):
/// 2k evaluations instead of 2k² + 1, and some 10 digits instead of 8.
pub fn estimate_with_gradient(
    log_likelihood: &dyn Fn(&[f64], &mut [f64]) -> f64,
    log_params: &[f64],
    names: &'static [&'static str],
) -> Uncertainty {
    from_hessian(&hessian_of_gradient(log_likelihood, log_params), names)
}

/// The uncertainty whose observed information is −`hessian`.
fn from_hessian(hessian: &[f64], names: &'static [&'static str]) -> Uncertainty {
    let information: Vec<f64> = hessian.iter().map(|h| -h).collect();
    match inverse_spd(&information, names.len()).and_then(|cov| Estimate::new(names, cov)) {
        Some(e) => Uncertainty::Estimated(e),
        None => Uncertainty::Singular,
    }
}

/// The Hessian of a function at `x` from its gradient (`f(x, grad)` writes
/// ∇f(x) into `grad`), row-major, by central differences of the gradient,
/// symmetrised: step hⱼ = ε^⅓ · max(1, |xⱼ|) ≈ 6e-6 balances the truncation
/// error (∝ h²) against the rounding of the gradient (∝ ε/h).
pub fn hessian_of_gradient(f: &dyn Fn(&[f64], &mut [f64]) -> f64, x: &[f64]) -> Vec<f64> {
    let k = x.len();
    let (mut up, mut down, mut y) = (vec![0.0; k], vec![0.0; k], x.to_vec());
    let mut out = vec![0.0; k * k];
    for j in 0..k {
        let h = f64::EPSILON.cbrt() * x[j].abs().max(1.0);
        y[j] = x[j] + h;
        f(&y, &mut up);
        y[j] = x[j] - h;
        f(&y, &mut down);
        y[j] = x[j];
        for i in 0..k {
            // Half of ∂ⱼgᵢ into both (i, j) and (j, i): the symmetric part.
            let d = (up[i] - down[i]) / (4.0 * h);
            out[i * k + j] += d;
            out[j * k + i] += d;
        }
    }
    out
}

/// The Hessian of `f` at `x`, row-major, by central differences: step
/// hᵢ = ε^¼ · max(1, |xᵢ|) ≈ 1.2e-4 balances the truncation error (∝ h²)
/// against the rounding of `f` (∝ ε|f|/h²), leaving about 8 digits.
pub fn hessian(f: &dyn Fn(&[f64]) -> f64, x: &[f64]) -> Vec<f64> {
    let k = x.len();
    let h: Vec<f64> = x
        .iter()
        .map(|v| f64::EPSILON.powf(0.25) * v.abs().max(1.0))
        .collect();
    let at = |moves: &[(usize, f64)]| {
        let mut y = x.to_vec();
        for &(i, d) in moves {
            y[i] += d;
        }
        f(&y)
    };
    let f0 = f(x);
    let mut out = vec![0.0; k * k];
    for i in 0..k {
        out[i * k + i] = (at(&[(i, h[i])]) - 2.0 * f0 + at(&[(i, -h[i])])) / (h[i] * h[i]);
        for j in 0..i {
            let d = (at(&[(i, h[i]), (j, h[j])])
                - at(&[(i, h[i]), (j, -h[j])])
                - at(&[(i, -h[i]), (j, h[j])])
                + at(&[(i, -h[i]), (j, -h[j])]))
                / (4.0 * h[i] * h[j]);
            out[i * k + j] = d;
            out[j * k + i] = d;
        }
    }
    out
}

/// The inverse of a symmetric positive-definite `k`×`k` matrix (row-major)
/// by Cholesky, A = LLᵀ, A⁻¹ = L⁻ᵀL⁻¹; `None` when a pivot is not positive
/// against the diagonal's scale (the matrix is singular to working precision,
/// or indefinite) or not finite.
pub fn inverse_spd(a: &[f64], k: usize) -> Option<Vec<f64>> {
    if a.len() != k * k {
        return None;
    }
    let scale = (0..k).map(|i| a[i * k + i].abs()).fold(0.0, f64::max);
    let mut l = vec![0.0; k * k];
    for i in 0..k {
        for j in 0..=i {
            let s = a[i * k + j] - (0..j).map(|m| l[i * k + m] * l[j * k + m]).sum::<f64>();
            if i == j {
                if !(s > 1e-12 * scale && s.is_finite()) {
                    return None;
                }
                l[i * k + i] = s.sqrt();
            } else {
                l[i * k + j] = s / l[j * k + j];
            }
        }
    }
    // L⁻¹ by forward substitution, column by column.
    let mut inv_l = vec![0.0; k * k];
    for c in 0..k {
        for i in c..k {
            let rhs = if i == c { 1.0 } else { 0.0 };
            let s = rhs - (c..i).map(|m| l[i * k + m] * inv_l[m * k + c]).sum::<f64>();
            inv_l[i * k + c] = s / l[i * k + i];
        }
    }
    let mut out = vec![0.0; k * k];
    for i in 0..k {
        for j in 0..k {
            out[i * k + j] = (i.max(j)..k)
                .map(|m| inv_l[m * k + i] * inv_l[m * k + j])
                .sum();
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_hessian_of_a_normal_log_likelihood_is_its_known_information() {
        // n draws from N(μ, σ²), in (μ, ln σ): at the maximum μ̂ = x̄, σ̂² = mean squared
        // deviation, the information is diag(n/σ̂², 2n), so SE(μ) = σ̂/√n and
        // SE(ln σ) = 1/√(2n). Data 2, 4, 4, 4, 5, 5, 7, 9: x̄ = 5, σ̂ = 2.
        let xs = [2.0, 4.0, 4.0, 4.0, 5.0, 5.0, 7.0, 9.0];
        let n = xs.len() as f64;
        let ll = |t: &[f64]| {
            let (mu, ln_s) = (t[0], t[1]);
            xs.iter()
                .map(|x| -ln_s - 0.5 * ((x - mu) / ln_s.exp()).powi(2))
                .sum::<f64>()
        };
        let at = [5.0, 2f64.ln()];
        let h = hessian(&ll, &at);
        let want = [-n / 4.0, 0.0, 0.0, -2.0 * n];
        for (got, want) in h.iter().zip(want) {
            assert!((got - want).abs() < 1e-6, "{h:?}");
        }
        // The same from the analytic gradient: ∂ℓ/∂μ = Σ(x − μ)/σ², ∂ℓ/∂ln σ = −n + Σ(x − μ)²/σ².
        let with_gradient = |t: &[f64], g: &mut [f64]| {
            let (mu, s2) = (t[0], (2.0 * t[1]).exp());
            g[0] = xs.iter().map(|x| x - mu).sum::<f64>() / s2;
            g[1] = -n + xs.iter().map(|x| (x - mu).powi(2)).sum::<f64>() / s2;
            ll(t)
        };
        let hg = hessian_of_gradient(&with_gradient, &at);
        for (got, want) in hg.iter().zip(want) {
            assert!((got - want).abs() < 1e-8, "{hg:?}");
        }
        let cov = inverse_spd(&h.iter().map(|v| -v).collect::<Vec<_>>(), 2).unwrap();
        assert!((cov[0] - 4.0 / n).abs() < 1e-8 && (cov[3] - 1.0 / (2.0 * n)).abs() < 1e-8);
        assert!(cov[1].abs() < 1e-8);
    }

    #[test]
    fn a_coupled_matrix_inverts_exactly() {
        // [[4, 2], [2, 3]]⁻¹ = [[3, −2], [−2, 4]] / 8.
        let inv = inverse_spd(&[4.0, 2.0, 2.0, 3.0], 2).unwrap();
        let want = [0.375, -0.25, -0.25, 0.5];
        for (got, want) in inv.iter().zip(want) {
            assert!((got - want).abs() < 1e-15, "{inv:?}");
        }
    }

    #[test]
    fn a_flat_or_saddle_likelihood_is_singular_not_nan() {
        // ℓ depends on t₀ + t₁ only: the information is singular.
        let flat = |t: &[f64]| -(t[0] + t[1]).powi(2);
        assert_eq!(
            estimate(&flat, &[0.0, 0.0], &["a", "b"]),
            Uncertainty::Singular
        );
        // A saddle: not a maximum.
        let saddle = |t: &[f64]| t[0] * t[0] - t[1] * t[1];
        assert_eq!(
            estimate(&saddle, &[0.0, 0.0], &["a", "b"]),
            Uncertainty::Singular
        );
        let nan = |_: &[f64]| f64::NAN;
        assert_eq!(estimate(&nan, &[0.0], &["a"]), Uncertainty::Singular);
        assert_eq!(estimate(&flat, &[0.0, 0.0], &["a"]), Uncertainty::Singular);
    }
}

/// The CDNOW figures (data in `data/cdnow`).
#[cfg(test)]
mod cdnow {
    use crate::fit::{fit_summaries, FitOptions};
    use crate::model::{Estimate, Uncertainty};

    use crate::fit::tests::summary_rows as rows;

    fn estimate(u: &Option<Uncertainty>) -> &Estimate {
        match u {
            Some(Uncertainty::Estimated(e)) => e,
            other => panic!("no estimate: {other:?}"),
        }
    }

    /// Equal after rounding to 3 significant figures.
    fn sig3(value: f64, expected: f64) -> bool {
        let scale = 10f64.powi(2 - expected.abs().log10().floor() as i32);
        (value * scale).round() == (expected * scale).round()
    }

    // lifetimes' `standard_errors_` of BetaGeoFitter and GammaGammaFitter on the
    // CDNOW summary (its documentation's `summary` tables): BG/NBD r 0.0126,
    // α 0.378, a 0.186, b 0.705; Gamma-Gamma p 1.19, q 0.290, v 4.16.
    #[test]
    fn cdnow_standard_errors_are_the_published_ones() {
        let fit = fit_summaries(&rows(), &FitOptions::default(), &mut |_| {}).unwrap();
        let bgnbd = fit.bgnbd.as_ref().unwrap();
        let bg = estimate(&bgnbd.uncertainty);
        let bg_se = bg.standard_errors(&bgnbd.params.to_array());
        for (i, want) in [0.0126, 0.378, 0.186, 0.705].into_iter().enumerate() {
            let got = bg_se[i];
            assert!(sig3(got, want), "{}: {got} vs {want}", bg.names[i]);
        }
        let gg_fit = fit.gamma_gamma.as_ref().unwrap();
        let gg = estimate(&gg_fit.uncertainty);
        let gg_se = gg.standard_errors(&gg_fit.params.to_array());
        for (i, want) in [1.19, 0.290, 4.16].into_iter().enumerate() {
            let got = gg_se[i];
            assert!(sig3(got, want), "{}: {got} vs {want}", gg.names[i]);
        }
        // The intervals are θ · exp(±1.96 SE(ln θ)) and contain θ.
        let r = bgnbd.params.r;
        let [lo, hi] = bg.intervals(&bgnbd.params.to_array())[0];
        let se_ln = bg.log_covariance[0].sqrt();
        assert!((lo - r * (-1.959964 * se_ln).exp()).abs() < 1e-6 * r && lo < r && r < hi);
        assert!((bg_se[0] - r * se_ln).abs() < 1e-12);
    }

    #[test]
    fn second_differences_of_the_value_agree_with_differences_of_the_gradient() {
        // The generic path other models take, on BG/NBD's CDNOW likelihood.
        let rfm: Vec<crate::model::Rfm> = rows()
            .iter()
            .map(|r| crate::model::Rfm {
                x: f64::from(r.frequency),
                t_x: r.recency,
                t: r.t,
            })
            .collect();
        let triples = crate::fit::Triples::new(&rfm);
        let fit = fit_summaries(&rows(), &FitOptions::default(), &mut |_| {}).unwrap();
        let bgnbd = fit.bgnbd.as_ref().unwrap();
        let theta: Vec<f64> = bgnbd.params.to_array().iter().map(|v| v.ln()).collect();
        let of = |t: &[f64], g: &mut [f64; 4]| {
            crate::fit::bgnbd::from_log(t).log_likelihood_grouped(&triples, g)
        };
        let ll = crate::fit::bgnbd::penalized4(&triples, 0.0, [false; 4], &of);
        let by_value = super::estimate(
            &|t: &[f64]| ll(t, &mut [0.0; 4]),
            &theta,
            &["r", "alpha", "a", "b"],
        );
        let (Uncertainty::Estimated(v), Some(Uncertainty::Estimated(g))) =
            (by_value, &bgnbd.uncertainty)
        else {
            panic!()
        };
        // Agree to 1e-3 of each entry's scale √(Σᵢᵢ Σⱼⱼ): the inverse amplifies the
        // value path's rounding (~1e-6 of I) by the condition of I, the correlation of
        // ln a and ln b being 0.94.
        let c = &g.log_covariance;
        for (i, (a, b)) in v.log_covariance.iter().zip(c).enumerate() {
            let scale = (c[i / 4 * 5] * c[i % 4 * 5]).sqrt();
            assert!((a - b).abs() < 1e-3 * scale, "{i}: {a} vs {b}");
        }
    }
}
