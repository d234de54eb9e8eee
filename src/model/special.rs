//! Special functions for the likelihoods: log-gamma, digamma, log-sum-exp and
//! the Gaussian hypergeometric function 2F1, all in log space where the
//! values overflow `f64` (the BG/NBD terms reach e^1000 for heavy buyers).

use std::f64::consts::PI;

/// Lanczos coefficients for g = 7, n = 9 (Numerical Recipes 3rd ed., §6.1;
/// the same set as Boost's `lanczos13m53` precursor); ~1e-15 relative error.
const LANCZOS_G: f64 = 7.0;
const LANCZOS: [f64; 9] = [
    0.999_999_999_999_809_9,
    676.520_368_121_885_1,
    -1_259.139_216_722_402_8,
    771.323_428_777_653_1,
    -176.615_029_162_140_6,
    12.507_343_278_686_905,
    -0.138_571_095_265_720_12,
    9.984_369_578_019_572e-6,
    1.505_632_735_149_311_6e-7,
];

/// ln Γ(x) for x > 0 (Lanczos approximation, reflection below 1/2).
///
/// Returns NaN for x ≤ 0 or NaN, and +∞ for +∞: the likelihoods only call it
/// with positive arguments, and a NaN makes the optimiser reject the step.
pub fn ln_gamma(x: f64) -> f64 {
    if x.is_nan() || x <= 0.0 {
        return f64::NAN;
    }
    if x == f64::INFINITY {
        return f64::INFINITY;
    }
    if x < 0.5 {
        // Γ(x)Γ(1−x) = π / sin(πx); keeps the accuracy of the series near 0.
        return PI.ln() - (PI * x).sin().ln() - ln_gamma(1.0 - x);
    }
    let x = x - 1.0;
    let series = LANCZOS[1..]
        .iter()
        .enumerate()
        .fold(LANCZOS[0], |s, (i, c)| s + c / (x + i as f64 + 1.0));
    let t = x + LANCZOS_G + 0.5;
    0.5 * (2.0 * PI).ln() + (x + 0.5) * t.ln() - t + series.ln()
}

/// ψ(x) = d/dx ln Γ(x) for x > 0: recurrence ψ(x) = ψ(x+1) − 1/x up to x ≥ 12,
/// then the asymptotic series (Abramowitz & Stegun 6.3.18), whose first
/// omitted term is below 3e-15 there. NaN for x ≤ 0.
pub fn digamma(x: f64) -> f64 {
    if x.is_nan() || x <= 0.0 {
        return f64::NAN;
    }
    let mut x = x;
    let mut acc = 0.0;
    while x < 12.0 {
        acc -= 1.0 / x;
        x += 1.0;
    }
    let f = 1.0 / (x * x);
    let tail =
        f * (1.0 / 12.0 - f * (1.0 / 120.0 - f * (1.0 / 252.0 - f * (1.0 / 240.0 - f / 132.0))));
    acc + x.ln() - 0.5 / x - tail
}

/// ln(e^a + e^b) without overflow.
pub fn log_sum_exp(a: f64, b: f64) -> f64 {
    let m = a.max(b);
    if m == f64::NEG_INFINITY {
        return m;
    }
    m + ((a - m).exp() + (b - m).exp()).ln()
}

/// ln(1 + e^x) (softplus) without overflow for large x or loss for very negative x.
pub fn ln_1p_exp(x: f64) -> f64 {
    if x > 0.0 {
        x + (-x).exp().ln_1p()
    } else {
        x.exp().ln_1p()
    }
}

/// ([`ln_1p_exp`]`(x)`, [`logistic`]`(x)`) from a single exponential, equal to the two calls.
pub fn ln_1p_exp_and_logistic(x: f64) -> (f64, f64) {
    if x > 0.0 {
        let e = (-x).exp();
        (x + e.ln_1p(), 1.0 / (1.0 + e))
    } else {
        let e = x.exp();
        (e.ln_1p(), e / (1.0 + e))
    }
}

/// The logistic function 1 / (1 + e^−x), stable for both signs.
pub fn logistic(x: f64) -> f64 {
    if x >= 0.0 {
        1.0 / (1.0 + (-x).exp())
    } else {
        let e = x.exp();
        e / (1.0 + e)
    }
}

/// A real number as (ln |value|, sign), so that huge series sums survive.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LogValue {
    /// ln |value| (−∞ for zero).
    pub ln_abs: f64,
    /// −1, 0 or 1.
    pub sign: f64,
}

impl LogValue {
    /// The plain value (may overflow to ±∞).
    pub fn value(self) -> f64 {
        self.sign * self.ln_abs.exp()
    }
}

/// Largest number of terms summed before a series is declared non-convergent:
/// a bound on the work one prediction can cost, whatever the model's
/// parameters (a hostile model must not hang a worker). With |z| ≤ 0.999
/// every series used here converges well before it.
pub const MAX_SERIES_TERMS: usize = 100_000;

/// Relative accuracy at which a series is stopped.
const SERIES_EPS: f64 = 1e-16;

/// Rescale threshold: sums are kept below it and the excess moved to a log shift.
const RESCALE: f64 = 1e200;

/// Σ_{n≥0} t_n with t_0 = 1 and t_{n+1} = t_n · ratio(n), as a [`LogValue`].
///
/// Stops once the terms shrink geometrically (|ratio| < 1) and the tail bound
/// |t_n|·|ratio|/(1−|ratio|) is below 1e-16 of the sum; `None` when that does
/// not happen within [`MAX_SERIES_TERMS`] or a term is not finite.
pub fn ln_series(ratio: impl Fn(f64) -> f64) -> Option<LogValue> {
    let mut partial = Partial::new();
    for n in 0..MAX_SERIES_TERMS {
        match partial.add(ratio(n as f64)) {
            Step::More => {}
            Step::Done(v) => return Some(v),
            Step::Failed => return None,
        }
    }
    None
}

/// Σ_{n≥0} c_n zⁿ for several z in one pass, with c_0 = 1 and
/// c_{n+1} = c_n · coefficient(n): entry i is [`ln_series`]`(|n| coefficient(n) * zs[i])`,
/// term for term and with the same stopping rule, but `coefficient` is
/// evaluated once per n for all z. Each sum stops on its own; the pass ends
/// when the last one has. `None` entries as in [`ln_series`].
pub fn ln_power_series(coefficient: impl Fn(f64) -> f64, zs: &[f64]) -> Vec<Option<LogValue>> {
    let mut partials: Vec<Partial> = zs.iter().map(|_| Partial::new()).collect();
    let mut out: Vec<Option<LogValue>> = vec![None; zs.len()];
    // `open[i]`: sum i has neither converged nor failed. A flag per sum, not a
    // list of open indexes: this loop runs hundreds of times per prediction.
    let mut open = vec![true; zs.len()];
    let mut left = zs.len();
    for n in 0..MAX_SERIES_TERMS {
        if left == 0 {
            break;
        }
        let c = coefficient(n as f64);
        for ((partial, open), (&z, out)) in partials
            .iter_mut()
            .zip(&mut open)
            .zip(zs.iter().zip(&mut out))
        {
            if !*open {
                continue;
            }
            match partial.add(c * z) {
                Step::More => continue,
                Step::Done(v) => *out = Some(v),
                Step::Failed => {}
            }
            *open = false;
            left -= 1;
        }
    }
    out
}

/// A partial sum of [`ln_series`]: the last term and the sum, both scaled by e^−shift.
struct Partial {
    sum: f64,
    term: f64,
    shift: f64,
}

/// What adding a term did to a [`Partial`].
enum Step {
    /// Not converged yet.
    More,
    /// Converged to this value.
    Done(LogValue),
    /// A term was not finite.
    Failed,
}

impl Partial {
    fn new() -> Partial {
        Partial {
            sum: 1.0,
            term: 1.0,
            shift: 0.0,
        }
    }

    /// Adds the next term, the last one times `rho`.
    #[inline(always)]
    fn add(&mut self, rho: f64) -> Step {
        self.term *= rho;
        if !self.term.is_finite() {
            return Step::Failed;
        }
        if self.term == 0.0 {
            return Step::Done(to_log(self.sum, self.shift));
        }
        self.sum += self.term;
        if self.sum.abs() > RESCALE || self.term.abs() > RESCALE {
            self.sum /= RESCALE;
            self.term /= RESCALE;
            self.shift += RESCALE.ln();
        }
        let r = rho.abs();
        // The tail bound |t|·r/(1 − r) against the sum, multiplied out: one division fewer per term.
        if r < 1.0 && self.term.abs() * r <= SERIES_EPS * self.sum.abs() * (1.0 - r) {
            return Step::Done(to_log(self.sum, self.shift));
        }
        Step::More
    }
}

fn to_log(sum: f64, shift: f64) -> LogValue {
    LogValue {
        ln_abs: sum.abs().ln() + shift,
        sign: sum.signum() * f64::from(u8::from(sum != 0.0)),
    }
}

/// The Gaussian hypergeometric function 2F1(a, b; c; z) for 0 ≤ z < 1 by its
/// power series Σ (a)_n (b)_n / ((c)_n n!) zⁿ (Abramowitz & Stegun 15.1.1),
/// summed with [`ln_series`] so that large terms do not overflow.
///
/// `None` when z is outside [0, 1), c is a non-positive integer (the series
/// is undefined) or the series does not converge within [`MAX_SERIES_TERMS`].
pub fn ln_hyp2f1(a: f64, b: f64, c: f64, z: f64) -> Option<LogValue> {
    let finite = a.is_finite() && b.is_finite() && c.is_finite();
    if !finite || !(0.0..1.0).contains(&z) || (c <= 0.0 && c.fract() == 0.0) {
        return None;
    }
    ln_series(|n| (a + n) * (b + n) / ((c + n) * (n + 1.0)) * z)
}

/// ₂F₁(1, b; c; z) = Σ_{n≥0} (b)_n / (c)_n zⁿ for 0 < b < c and 0 ≤ z < 1,
/// with its partial derivatives: `[F, ∂F/∂b, ∂F/∂c, ∂F/∂z]`.
///
/// The Pareto/NBD likelihood's ₂F₁(r+s+x, ·; r+s+x+1; z) becomes this form by
/// Euler's transformation. Every term is positive and at most zⁿ (the ratio
/// (b+n)/(c+n)·z < z), so nothing overflows and the tail after a term t is
/// below t·z/(1−z): the sum stops when that is under 1e-16 of it. `None`
/// outside the domain or without convergence within [`MAX_SERIES_TERMS`]
/// (about 37/(1−z) terms are needed). Without `GRAD` the derivatives are 0
/// (what the predictions need, in less code).
pub fn hyp2f1_unit_a<const GRAD: bool>(b: f64, c: f64, z: f64) -> Option<[f64; 4]> {
    if !(b > 0.0 && c > b && c.is_finite() && (0.0..1.0).contains(&z)) {
        return None;
    }
    let tail = z / (1.0 - z);
    let (mut term, mut f, mut db, mut dc, mut dz) = (1.0, 1.0, 0.0, 0.0, 0.0);
    // Σ_{k<n} 1/(b+k) and Σ_{k<n} 1/(c+k): ∂ ln t_n / ∂b and −∂ ln t_n / ∂c.
    let (mut hb, mut hc) = (0.0, 0.0);
    for n in 0..MAX_SERIES_TERMS {
        let k = n as f64;
        let inv_c = 1.0 / (c + k);
        let ratio = (b + k) * inv_c;
        if GRAD {
            // ∂t_{n+1}/∂z = (n+1) t_n · ratio, finite at z = 0.
            dz += (k + 1.0) * term * ratio;
        }
        term *= ratio * z;
        f += term;
        if GRAD {
            hb += 1.0 / (b + k);
            hc += inv_c;
            db += term * hb;
            dc -= term * hc;
        }
        if term * tail <= SERIES_EPS * f {
            return Some([f, db, dc, dz]);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64, tol: f64) -> bool {
        (a - b).abs() <= tol * b.abs().max(1.0)
    }

    #[test]
    fn ln_gamma_at_known_points() {
        assert!(close(ln_gamma(1.0), 0.0, 1e-14));
        assert!(close(ln_gamma(2.0), 0.0, 1e-14));
        assert!(close(ln_gamma(0.5), 0.5 * PI.ln(), 1e-14));
        assert!(close(ln_gamma(5.0), 24f64.ln(), 1e-14));
        assert!(close(ln_gamma(0.1), 2.252_712_651_734_206, 1e-13));
        // ln Γ(100) = ln 99!
        let ln_99_fact: f64 = (1..100).map(|k| (k as f64).ln()).sum();
        assert!(close(ln_gamma(100.0), ln_99_fact, 1e-13));
        assert!(ln_gamma(0.0).is_nan() && ln_gamma(-1.0).is_nan() && ln_gamma(f64::NAN).is_nan());
    }

    #[test]
    fn digamma_at_known_points_and_matches_ln_gamma_slope() {
        let euler = 0.577_215_664_901_532_9;
        assert!(close(digamma(1.0), -euler, 1e-13));
        assert!(close(digamma(0.5), -euler - 2.0 * 2f64.ln(), 1e-13));
        for x in [0.07, 0.9, 3.3, 17.0, 250.0] {
            let h = 1e-5 * x;
            let slope = (ln_gamma(x + h) - ln_gamma(x - h)) / (2.0 * h);
            assert!(close(digamma(x), slope, 1e-7), "x = {x}");
        }
    }

    #[test]
    fn log_sum_exp_and_softplus_do_not_overflow() {
        assert!(close(
            log_sum_exp(1000.0, 1000.0),
            1000.0 + 2f64.ln(),
            1e-15
        ));
        assert_eq!(
            log_sum_exp(f64::NEG_INFINITY, f64::NEG_INFINITY),
            f64::NEG_INFINITY
        );
        assert!(close(ln_1p_exp(800.0), 800.0, 1e-15));
        assert!(close(ln_1p_exp(-800.0), 0.0, 1e-15));
        assert!(close(ln_1p_exp(0.0), 2f64.ln(), 1e-15));
        assert!(close(logistic(-800.0), 0.0, 1e-15) && close(logistic(800.0), 1.0, 1e-15));
        for x in [-800.0, -3.5, -1e-300, 0.0, 1e-300, 2.0, 40.0, 800.0] {
            assert_eq!(
                ln_1p_exp_and_logistic(x),
                (ln_1p_exp(x), logistic(x)),
                "x = {x}"
            );
        }
    }

    #[test]
    fn hyp2f1_at_known_values() {
        // 2F1(1, 1; 2; z) = −ln(1 − z) / z
        for z in [0.1, 0.5, 0.9, 0.99] {
            let f = ln_hyp2f1(1.0, 1.0, 2.0, z).unwrap().value();
            assert!(close(f, -(1.0 - z).ln() / z, 1e-13), "z = {z}");
        }
        // 2F1(a, b; b; z) = (1 − z)^−a, large enough to need the log form.
        let f = ln_hyp2f1(800.0, 3.0, 3.0, 0.9).unwrap();
        assert!(close(f.ln_abs, -800.0 * 0.1f64.ln(), 1e-12));
        // Negative z is outside the supported domain and refused.
        assert!(ln_hyp2f1(0.5, 1.0, 1.5, -0.25).is_none());
        // Terminating series: 2F1(−2, b; c; z) = 1 − 2bz/c + b(b+1)z²/(c(c+1)).
        let (b, c, z) = (1.5, 2.5, 0.4);
        let exact = 1.0 - 2.0 * b * z / c + b * (b + 1.0) * z * z / (c * (c + 1.0));
        assert!(close(
            ln_hyp2f1(-2.0, b, c, z).unwrap().value(),
            exact,
            1e-14
        ));
        assert!(ln_hyp2f1(1.0, 1.0, 0.0, 0.5).is_none());
        assert!(ln_hyp2f1(1.0, 1.0, 2.0, 1.0).is_none());
    }
}
