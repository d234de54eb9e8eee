//! The BG/BB likelihood and its maximum-likelihood fit (Fader, Hardie &
//! Shang 2010, Marketing Science 29(6)); the parameters and predictions are
//! [`BgBb`]'s.

use super::optimize::{minimize, Convergence};
use super::sbg::{ln_beta_grad, uncertainty, Uncertainty};
use super::{finish, FitOptions};
use crate::error::{Error, ErrorCode, Result};
use crate::model::{BgBb, Fitted};

/// Most opportunities a row may span: its likelihood sums one term per
/// opportunity after the last transaction.
pub const MAX_OPPORTUNITIES: u32 = 10_000;

/// Customers with the same discrete-time history: `frequency` repeat
/// transactions x, the last at opportunity `recency` t_x (0 without repeat),
/// out of `periods` opportunities n since the first transaction.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BgBbRow {
    /// Repeat transactions x.
    pub frequency: u32,
    /// The opportunity of the last one, t_x (x ≤ t_x ≤ n; 0 when x = 0).
    pub recency: u32,
    /// Opportunities since the first transaction, n.
    pub periods: u32,
    /// Customers with this history (a weight ≥ 0).
    pub count: f64,
}

/// One checked row; `path(field)` names the field in the caller's input.
pub fn bgbb_row(
    [frequency, recency, periods, count]: [f64; 4],
    path: &dyn Fn(&str) -> String,
) -> Result<BgBbRow> {
    let whole = |v: f64, field: &str, max: f64| -> Result<u32> {
        if v.is_finite() && v >= 0.0 && v.fract() == 0.0 && v <= max {
            return Ok(v as u32);
        }
        let msg = format!(
            "expected a whole number from 0 to {max}, got {}",
            crate::input::json::format_number(v)
        );
        Err(Error::new(ErrorCode::OutOfRange, path(field), msg))
    };
    let max = f64::from(MAX_OPPORTUNITIES);
    let periods = whole(periods, "periods", max)?;
    let recency = whole(recency, "recency", max)?;
    let frequency = whole(frequency, "frequency", max)?;
    if recency > periods {
        let msg = format!("expected at most periods ({periods}), got {recency}");
        return Err(Error::new(ErrorCode::OutOfRange, path("recency"), msg));
    }
    if frequency > recency || (frequency == 0) != (recency == 0) {
        let msg = format!(
            "expected frequency ({frequency}) <= recency, and recency 0 exactly when frequency is 0, got {recency}"
        );
        return Err(Error::new(ErrorCode::OutOfRange, path("recency"), msg));
    }
    if !(count.is_finite() && count >= 0.0) {
        let msg = format!("expected a number of customers >= 0, got {count}");
        return Err(Error::new(ErrorCode::OutOfRange, path("count"), msg));
    }
    Ok(BgBbRow {
        frequency,
        recency,
        periods,
        count,
    })
}

/// The BG/BB log-likelihood of the rows, `params` = [α, β, γ, δ]: Σ count · ln L(x, t_x, n).
pub fn log_likelihood(params: &[f64], rows: &[BgBbRow]) -> f64 {
    log_likelihood_grad(params, rows, &mut [0.0; 4])
}

/// [`log_likelihood`] and its gradient in the log-parameters: each row's
/// likelihood is a sum of terms ln B(a, b) + ln B(c, d) − ln B(α, β) − ln B(γ, δ)
/// ([`BgBb::for_each_term`]), whose gradients the digamma gives; the row's
/// is their mean weighted by each term's share of the likelihood.
fn log_likelihood_grad(params: &[f64], rows: &[BgBbRow], grad: &mut [f64; 4]) -> f64 {
    let p = BgBb {
        alpha: params[0],
        beta: params[1],
        gamma: params[2],
        delta: params[3],
    };
    let (b1, b1a, b1b) = ln_beta_grad(p.alpha, p.beta);
    let (b2, b2c, b2d) = ln_beta_grad(p.gamma, p.delta);
    let (mut ll, mut g) = (0.0, [0.0; 4]);
    let mut terms: Vec<(f64, [f64; 4])> = Vec::new();
    for row in rows.iter().filter(|r| r.count > 0.0) {
        terms.clear();
        let (x, t_x, n) = (
            f64::from(row.frequency),
            f64::from(row.recency),
            f64::from(row.periods),
        );
        p.for_each_term(x, t_x, n, &mut |[a, b, c, d]| {
            let (v1, da, db) = ln_beta_grad(a, b);
            let (v2, dc, dd) = ln_beta_grad(c, d);
            terms.push((v1 + v2 - b1 - b2, [da - b1a, db - b1b, dc - b2c, dd - b2d]));
        });
        let max = terms.iter().map(|t| t.0).fold(f64::NEG_INFINITY, f64::max);
        let total: f64 = terms.iter().map(|t| (t.0 - max).exp()).sum();
        ll += row.count * (max + total.ln());
        for (v, tg) in &terms {
            let share = row.count * (v - max).exp() / total;
            for i in 0..4 {
                g[i] += share * tg[i];
            }
        }
    }
    for i in 0..4 {
        grad[i] = g[i] * params[i];
    }
    ll
}

/// A fitted BG/BB model.
#[derive(Debug, Clone, PartialEq)]
pub struct BgBbFit {
    /// The parameters with the log-likelihood and convergence flag.
    pub bgbb: Fitted<BgBb>,
    /// How the fit ended.
    pub convergence: Convergence,
    /// Standard errors and 95% intervals; `None` when the information is singular.
    pub uncertainty: Option<Uncertainty>,
    /// Customers, the sum of the rows' counts.
    pub customers: f64,
}

/// Fits BG/BB by maximum likelihood over log-parameters from α = β = γ = δ = 1,
/// minimising the negative log-likelihood per customer. Only
/// `options.optimizer` and `allow_unconverged` apply. Errors: no customer
/// (`OutOfRange`, path `rows`); a fit that fails (`FitFailed`, path `bgbb`,
/// see [`crate::fit`]'s policy).
pub fn fit_bgbb(
    rows: &[BgBbRow],
    options: &FitOptions,
    progress: &mut dyn FnMut(f64),
) -> Result<BgBbFit> {
    let customers: f64 = rows.iter().map(|r| r.count).sum();
    if !(customers > 0.0 && customers.is_finite()) {
        return Err(Error::new(
            ErrorCode::OutOfRange,
            "rows",
            "expected at least one customer (rows with count > 0)",
        ));
    }
    let rows = grouped(rows);
    let mut objective = |theta: &[f64], grad: &mut [f64]| {
        let p: Vec<f64> = theta.iter().map(|t| t.exp()).collect();
        let mut g = [0.0; 4];
        let ll = log_likelihood_grad(&p, &rows, &mut g);
        for i in 0..4 {
            grad[i] = -g[i] / customers;
        }
        -ll / customers
    };
    let min = minimize(&mut objective, &[0.0; 4], &options.optimizer, progress);
    let e = |i: usize| min.x[i].exp();
    let params = BgBb {
        alpha: e(0),
        beta: e(1),
        gamma: e(2),
        delta: e(3),
    };
    let ll = log_likelihood(&params.to_array(), &rows);
    let named = [
        ("alpha", params.alpha),
        ("beta", params.beta),
        ("gamma", params.gamma),
        ("delta", params.delta),
    ];
    let (bgbb, convergence) = finish("bgbb", params, &named, Ok(()), ll, &min, options)?;
    let uncertainty = uncertainty(
        &|theta: &[f64], g: &mut [f64]| {
            let p: Vec<f64> = theta.iter().map(|t| t.exp()).collect();
            let mut gg = [0.0; 4];
            let ll = log_likelihood_grad(&p, &rows, &mut gg);
            g.copy_from_slice(&gg);
            ll
        },
        &min.x,
        &["alpha", "beta", "gamma", "delta"],
    );
    progress(1.0);
    Ok(BgBbFit {
        bgbb,
        convergence,
        uncertainty,
        customers,
    })
}

/// The rows with equal (x, t_x, n) merged, their counts added: one likelihood
/// evaluation per distinct history (a base of millions has a few hundred).
fn grouped(rows: &[BgBbRow]) -> Vec<BgBbRow> {
    let mut sorted: Vec<BgBbRow> = rows.iter().filter(|r| r.count > 0.0).copied().collect();
    sorted.sort_unstable_by_key(|r| (r.frequency, r.recency, r.periods));
    let mut out: Vec<BgBbRow> = Vec::new();
    for r in sorted {
        match out.last_mut() {
            Some(last)
                if (last.frequency, last.recency, last.periods)
                    == (r.frequency, r.recency, r.periods) =>
            {
                last.count += r.count;
            }
            _ => out.push(r),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::special::ln_gamma;

    pub(crate) fn donations() -> Vec<BgBbRow> {
        include_str!("../../data/donations/donations.csv")
            .lines()
            .skip(1)
            .map(|line| {
                let v: Vec<f64> = line.split(',').map(|f| f.parse().unwrap()).collect();
                bgbb_row([v[0], v[1], v[2], v[3]], &|f| f.to_string()).unwrap()
            })
            .collect()
    }

    #[test]
    fn fader_hardie_shang_2010_donations_are_reproduced() {
        let rows = donations();
        let fit = fit_bgbb(&rows, &FitOptions::default(), &mut |_| {}).unwrap();
        assert_eq!(fit.customers, 11_104.0);
        assert!(fit.convergence.converged);
        let got = fit.bgbb.params.to_array();
        for (g, published) in got.iter().zip([1.204, 0.750, 0.657, 2.783]) {
            assert!((g - published).abs() <= 5e-4, "{got:?}");
        }
        let u = fit.uncertainty.unwrap();
        for (i, g) in got.iter().enumerate() {
            assert!(u.intervals[i][0] < *g && *g < u.intervals[i][1]);
            assert!(u.standard_errors[i] > 0.0 && u.standard_errors[i] < *g);
        }
    }

    #[test]
    fn likelihood_matches_the_formula_and_its_gradient_finite_differences() {
        let p = [1.2, 0.75, 0.66, 2.8];
        let lb = |a: f64, b: f64| ln_gamma(a) + ln_gamma(b) - ln_gamma(a + b);
        // FHS 2010 eq. 5 for x = 2, t_x = 4, n = 6, written out.
        let (a, b, g, d) = (p[0], p[1], p[2], p[3]);
        let base = lb(a, b) + lb(g, d);
        let mut l = (lb(a + 2.0, b + 4.0) + lb(g, d + 6.0) - base).exp();
        for i in 0..2 {
            let i = f64::from(i);
            l += (lb(a + 2.0, b + 2.0 + i) + lb(g + 1.0, d + 4.0 + i) - base).exp();
        }
        let row = BgBbRow {
            frequency: 2,
            recency: 4,
            periods: 6,
            count: 3.0,
        };
        assert!((log_likelihood(&p, &[row]) - 3.0 * l.ln()).abs() < 1e-10);
        let rows = donations();
        let mut grad = [0.0; 4];
        log_likelihood_grad(&p, &rows, &mut grad);
        for i in 0..4 {
            let f = |h: f64| {
                let mut q = p;
                q[i] *= h.exp();
                log_likelihood(&q, &rows)
            };
            let fd = (f(1e-6) - f(-1e-6)) / 2e-6;
            assert!(
                (fd - grad[i]).abs() < 1e-4 * fd.abs().max(1.0),
                "{i}: {fd} vs {}",
                grad[i]
            );
        }
    }

    #[test]
    fn rows_are_checked() {
        let path = |f: &str| format!("[0].{f}");
        for (row, field) in [
            ([1.0, 0.0, 6.0, 1.0], "recency"),
            ([0.0, 2.0, 6.0, 1.0], "recency"),
            ([3.0, 2.0, 6.0, 1.0], "recency"),
            ([2.0, 7.0, 6.0, 1.0], "recency"),
            ([1.5, 2.0, 6.0, 1.0], "frequency"),
            ([1.0, 2.0, 6.0, -1.0], "count"),
            ([1.0, 2.0, 1e9, 1.0], "periods"),
        ] {
            let e = bgbb_row(row, &path).unwrap_err();
            assert_eq!(
                (e.code(), e.path()),
                (ErrorCode::OutOfRange, &*path(field)),
                "{row:?}"
            );
        }
        let e = fit_bgbb(&[], &FitOptions::default(), &mut |_| {}).unwrap_err();
        assert_eq!(e.path(), "rows");
    }
}
