//! A small quasi-Newton minimiser (BFGS with a backtracking line search) and
//! its convergence report.
//!
//! The likelihoods are smooth in log-parameters and come with analytic
//! gradients, so BFGS (Nocedal & Wright, *Numerical Optimization*, 2nd ed.,
//! Algorithm 6.1) needs a few dozen evaluations where Nelder–Mead needs
//! hundreds: this is what keeps a fit in a browser under a frame or two.

use serde::Serialize;

/// Stopping rules of [`minimize`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct OptimizerOptions {
    /// Iterations (line searches) before giving up. Default 500.
    pub max_iterations: u32,
    /// Converged when every gradient component is at most this in absolute
    /// value. The objectives are *mean* negative log-likelihoods per customer
    /// in log-parameters, so the tolerance does not depend on the data size.
    /// Default 1e-8.
    pub gradient_tolerance: f64,
}

impl Default for OptimizerOptions {
    fn default() -> Self {
        OptimizerOptions {
            max_iterations: 500,
            gradient_tolerance: 1e-8,
        }
    }
}

/// How a fit ended.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Convergence {
    /// Whether the stopping rule of [`OptimizerOptions`] was met.
    pub converged: bool,
    /// Iterations used.
    pub iterations: u32,
    /// The (unpenalised) log-likelihood of the data at the returned parameters.
    pub log_likelihood: f64,
    /// A human-readable reason for stopping.
    pub message: String,
}

/// The result of [`minimize`].
#[derive(Debug, Clone, PartialEq)]
pub struct Minimum {
    /// The last point reached (the minimum when `converged`).
    pub x: Vec<f64>,
    /// The objective at `x`.
    pub value: f64,
    /// Iterations used.
    pub iterations: u32,
    /// Whether the gradient tolerance was met.
    pub converged: bool,
    /// Why the search stopped.
    pub message: String,
}

/// Largest step in any coordinate per iteration: in log-parameters a step of
/// 5 multiplies a parameter by e⁵ ≈ 148, enough to cross any plausible scale
/// without jumping to where the likelihood overflows.
const MAX_STEP: f64 = 5.0;
/// Armijo sufficient-decrease constant (Nocedal & Wright §3.1).
const ARMIJO: f64 = 1e-4;
/// Halvings of the step before the line search gives up.
const MAX_HALVINGS: u32 = 60;

/// Minimises `f` from `x0` by BFGS.
///
/// `f(x, grad)` returns the objective and writes its gradient into `grad`;
/// a non-finite value marks `x` as infeasible and the line search backs off.
/// Stops when every |∂f/∂xᵢ| ≤ `gradient_tolerance` (converged), after
/// `max_iterations` (not converged), or when no step along the search
/// direction decreases `f` even after resetting the Hessian approximation —
/// the objective's rounding floor — which counts as converged only if the
/// gradient is within 100 × the tolerance. `progress` receives the fraction
/// of the iteration budget used.
pub fn minimize(
    f: &mut dyn FnMut(&[f64], &mut [f64]) -> f64,
    x0: &[f64],
    options: &OptimizerOptions,
    progress: &mut dyn FnMut(f64),
) -> Minimum {
    let n = x0.len();
    let mut x = x0.to_vec();
    let mut g = vec![0.0; n];
    let mut value = f(&x, &mut g);
    if !value.is_finite() || g.iter().any(|v| !v.is_finite()) {
        return stop(
            x,
            value,
            0,
            false,
            "the objective is not finite at the starting point",
        );
    }
    let mut h = identity(n);
    let mut fresh_h = true;
    let (mut x_new, mut g_new) = (vec![0.0; n], vec![0.0; n]);
    for iteration in 0..options.max_iterations {
        progress(f64::from(iteration) / f64::from(options.max_iterations));
        let g_max = max_abs(&g);
        if g_max <= options.gradient_tolerance {
            return stop(x, value, iteration, true, "gradient within tolerance");
        }
        let mut d: Vec<f64> = (0..n).map(|i| -dot(&h[i], &g)).collect();
        if dot(&d, &g) >= 0.0 {
            // Not a descent direction: the approximation went bad; restart from steepest descent.
            h = identity(n);
            fresh_h = true;
            d = g.iter().map(|v| -v).collect();
        }
        let slope = dot(&d, &g);
        let mut step = (MAX_STEP / max_abs(&d)).min(1.0);
        let mut accepted = None;
        for _ in 0..MAX_HALVINGS {
            for i in 0..n {
                x_new[i] = x[i] + step * d[i];
            }
            if x_new == x {
                // The step vanished below the resolution of x: no progress is possible.
                break;
            }
            let v = f(&x_new, &mut g_new);
            if v.is_finite()
                && g_new.iter().all(|g| g.is_finite())
                && v <= value + ARMIJO * step * slope
            {
                accepted = Some(v);
                break;
            }
            step *= 0.5;
        }
        let Some(v) = accepted else {
            if !fresh_h {
                h = identity(n);
                fresh_h = true;
                continue;
            }
            let ok = g_max <= 100.0 * options.gradient_tolerance;
            return stop(
                x,
                value,
                iteration,
                ok,
                "no step decreases the objective (rounding floor)",
            );
        };
        let s: Vec<f64> = (0..n).map(|i| x_new[i] - x[i]).collect();
        let y: Vec<f64> = (0..n).map(|i| g_new[i] - g[i]).collect();
        let sy = dot(&s, &y);
        if sy > 1e-12 * dot(&s, &s).sqrt() * dot(&y, &y).sqrt() {
            if fresh_h {
                // Scale the first approximation to the observed curvature (Nocedal & Wright eq. 6.20).
                let scale = sy / dot(&y, &y);
                h = identity(n)
                    .into_iter()
                    .map(|row| row.into_iter().map(|v| v * scale).collect())
                    .collect();
            }
            bfgs_update(&mut h, &s, &y, sy);
            fresh_h = false;
        }
        x.copy_from_slice(&x_new);
        g.copy_from_slice(&g_new);
        value = v;
    }
    let ok = max_abs(&g) <= options.gradient_tolerance;
    let message = if ok {
        "gradient within tolerance"
    } else {
        "iteration limit reached"
    };
    stop(x, value, options.max_iterations, ok, message)
}

fn stop(x: Vec<f64>, value: f64, iterations: u32, converged: bool, message: &str) -> Minimum {
    Minimum {
        x,
        value,
        iterations,
        converged,
        message: message.to_string(),
    }
}

/// H ← (I − ρ s yᵀ) H (I − ρ y sᵀ) + ρ s sᵀ with ρ = 1/(yᵀs) (Nocedal & Wright eq. 6.17).
fn bfgs_update(h: &mut [Vec<f64>], s: &[f64], y: &[f64], sy: f64) {
    let n = s.len();
    let rho = 1.0 / sy;
    let hy: Vec<f64> = (0..n).map(|i| dot(&h[i], y)).collect();
    let yhy = dot(y, &hy);
    for i in 0..n {
        for j in 0..n {
            h[i][j] += -rho * (hy[i] * s[j] + s[i] * hy[j]) + (rho * rho * yhy + rho) * s[i] * s[j];
        }
    }
}

fn identity(n: usize) -> Vec<Vec<f64>> {
    (0..n)
        .map(|i| (0..n).map(|j| f64::from(u8::from(i == j))).collect())
        .collect()
}

fn dot(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

fn max_abs(v: &[f64]) -> f64 {
    v.iter().fold(0.0, |m, x| m.max(x.abs()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_minimum_of_a_quadratic() {
        // f = Σ cᵢ (xᵢ − mᵢ)² + 0.5 (x₀ − m₀)(x₁ − m₁): an ill-scaled, coupled bowl.
        let (c, m) = ([1.0, 100.0, 0.01], [3.0, -2.0, 0.5]);
        let mut f = |x: &[f64], g: &mut [f64]| {
            let e: Vec<f64> = (0..3).map(|i| x[i] - m[i]).collect();
            g[0] = 2.0 * c[0] * e[0] + 0.5 * e[1];
            g[1] = 2.0 * c[1] * e[1] + 0.5 * e[0];
            g[2] = 2.0 * c[2] * e[2];
            (0..3).map(|i| c[i] * e[i] * e[i]).sum::<f64>() + 0.5 * e[0] * e[1]
        };
        let min = minimize(
            &mut f,
            &[0.0, 0.0, 0.0],
            &OptimizerOptions::default(),
            &mut |_| {},
        );
        assert!(min.converged, "{}", min.message);
        for (x, m) in min.x.iter().zip(m) {
            assert!((x - m).abs() < 1e-6, "x = {:?}", min.x);
        }
        assert!(min.iterations < 50);
    }

    #[test]
    fn an_unbounded_objective_is_reported_as_not_converged() {
        let mut f = |x: &[f64], g: &mut [f64]| {
            g[0] = -1.0;
            -x[0]
        };
        let options = OptimizerOptions {
            max_iterations: 20,
            ..OptimizerOptions::default()
        };
        let min = minimize(&mut f, &[0.0], &options, &mut |_| {});
        assert!(!min.converged);
        assert_eq!(min.message, "iteration limit reached");
        assert!(min.x[0] > 0.0);
    }

    #[test]
    fn a_non_finite_start_is_reported() {
        let mut f = |_: &[f64], _: &mut [f64]| f64::NAN;
        let min = minimize(&mut f, &[1.0], &OptimizerOptions::default(), &mut |_| {});
        assert!(!min.converged);
        assert_eq!(min.iterations, 0);
    }
}
