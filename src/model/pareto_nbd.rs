//! Pareto/NBD predictions (Schmittlein, Morrison & Colombo 1987; the
//! expressions of Fader, Hardie & Lee 2005, "A Note on Deriving the
//! Pareto/NBD Model and Related Expressions"). The likelihood and the fit are
//! in `crate::fit`; the likelihood shares [`ParetoNbd::ln_dropout_odds`].

use super::bgnbd::check_if_alive;
use super::special::{hyp2f1_unit_a, logistic};
use super::Rfm;
use crate::error::Result;

/// Pareto/NBD parameters: purchase rates λ ~ Gamma(r, α) and dropout rates
/// μ ~ Gamma(s, β) (α and β in the time unit of the data). All are > 0.
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "fit", derive(serde::Serialize))]
pub struct ParetoNbd {
    /// Shape of the purchase-rate distribution.
    pub r: f64,
    /// Scale of the purchase-rate distribution, in the data's time unit.
    pub alpha: f64,
    /// Shape of the dropout-rate distribution.
    pub s: f64,
    /// Scale of the dropout-rate distribution, in the data's time unit.
    pub beta: f64,
}

/// Largest ratio of α to β (either way) accepted: the ₂F₁ series of the
/// likelihood and of P(alive) needs about 37·max(α, β)/min(α, β) terms.
pub const MAX_SCALE_RATIO: f64 = 1000.0;

impl ParetoNbd {
    /// The parameters as `[r, α, s, β]`.
    pub fn to_array(self) -> [f64; 4] {
        [self.r, self.alpha, self.s, self.beta]
    }

    /// ln R with its gradient in (r, α, s, β), where R = P(gone) / P(alive)
    /// for a customer with summary `c`: P(alive) = 1/(1 + R) and the
    /// likelihood is Γ(r+x)αʳβˢ / (Γ(r)(α+T)^{r+x}(β+T)ˢ) · (1 + R).
    ///
    /// R = s (α+T)^{r+x} (β+T)ˢ ∫_{t_x}^T (α+τ)^{−(r+x)} (β+τ)^{−(s+1)} dτ, the
    /// chance of having left at τ between the last purchase and T. Expanding
    /// the smaller of α+τ, β+τ around the larger gives FHL's A₀ with ₂F₁(r+s+x,
    /// s+1; r+s+x+1; (α−β)/(α+y)) for α ≥ β and ₂F₁(r+s+x, r+x; r+s+x+1;
    /// (β−α)/(β+y)) for α < β (y = t_x, T); Euler's transformation turns each
    /// into (1−z)^{…}·₂F₁(1, b; r+s+x+1; z) with b = r+x or s+1, whose terms
    /// stay below zⁿ, and the powers collapse into
    ///
    /// R = s/(r+s+x) · (e^K q_{t_x} H_{t_x} − q_T H_T),
    /// K = (r+x) ln((α+T)/(α+t_x)) + s ln((β+T)/(β+t_x)),
    ///
    /// H_y = ₂F₁(1, b; r+s+x+1; z_y), q_y = 1 for α ≥ β and (α+y)/(β+y) else.
    /// −∞ when t_x = T. `None` when α and β differ by more than
    /// [`MAX_SCALE_RATIO`] or the customer is not x ≥ 0, 0 ≤ t_x ≤ T.
    pub fn ln_dropout_odds(&self, c: Rfm) -> Option<(f64, [f64; 4])> {
        self.odds::<true>(c)
    }

    /// [`ParetoNbd::ln_dropout_odds`], with a zero gradient unless `GRAD`:
    /// the scoring module needs only the value, and its size is budgeted.
    fn odds<const GRAD: bool>(&self, c: Rfm) -> Option<(f64, [f64; 4])> {
        let customer = c.x >= 0.0 && c.t_x >= 0.0 && c.t_x <= c.t && c.t.is_finite();
        if !customer {
            return None;
        }
        // A loop rather than two calls, so that the code exists once in the scoring module.
        let mut p = [(0.0, [0.0; 4]); 2];
        for (out, y) in p.iter_mut().zip([c.t_x, c.t]) {
            *out = self.ln_p::<GRAD>(c.x, y)?;
        }
        let ParetoNbd { alpha, beta, .. } = *self;
        let logs = [
            (alpha + c.t).ln(),
            (alpha + c.t_x).ln(),
            (beta + c.t).ln(),
            (beta + c.t_x).ln(),
        ];
        Some(self.odds_from::<GRAD>(c, logs, p[0], p[1]))
    }

    /// ln P_y = ln(q_y H_y) of [`ParetoNbd::ln_dropout_odds`] with its gradient
    /// (zero without `GRAD`) for a customer with x repeat purchases at y = t_x
    /// or T: it depends on nothing else, so a fit computes it once per
    /// distinct (x, y). `None` when α and β are more than [`MAX_SCALE_RATIO`] apart.
    pub(crate) fn ln_p<const GRAD: bool>(&self, x: f64, y: f64) -> Option<(f64, [f64; 4])> {
        let ParetoNbd { r, alpha, s, beta } = *self;
        if alpha.max(beta) > MAX_SCALE_RATIO * alpha.min(beta) {
            return None;
        }
        let a_ge = alpha >= beta;
        let b = if a_ge { r + x } else { s + 1.0 };
        let (ay, by) = (alpha + y, beta + y);
        let (z, dz_da, dz_db) = if a_ge {
            ((alpha - beta) / ay, by / (ay * ay), -1.0 / ay)
        } else {
            ((beta - alpha) / by, -1.0 / by, ay / (by * by))
        };
        let [h, hb, hc, hz] = hyp2f1_unit_a::<GRAD>(b, r + s + x + 1.0, z)?;
        let (ln_q, q_a, q_b) = if a_ge {
            (0.0, 0.0, 0.0)
        } else {
            ((ay / by).ln(), 1.0 / ay, -1.0 / by)
        };
        let (b_r, b_s) = if a_ge { (hb, 0.0) } else { (0.0, hb) };
        Some((
            ln_q + h.ln(),
            [
                (b_r + hc) / h,
                hz * dz_da / h + q_a,
                (b_s + hc) / h,
                hz * dz_db / h + q_b,
            ],
        ))
    }

    /// ln R and its gradient (zero without `GRAD`) from [`ParetoNbd::ln_p`] at
    /// t_x (`px`) and T (`pt`), and `logs` = [ln(α+T), ln(α+t_x), ln(β+T),
    /// ln(β+t_x)] (which a fit computes once per distinct time).
    pub(crate) fn odds_from<const GRAD: bool>(
        &self,
        c: Rfm,
        logs: [f64; 4],
        (ln_px, dpx): (f64, [f64; 4]),
        (ln_pt, dpt): (f64, [f64; 4]),
    ) -> (f64, [f64; 4]) {
        let ParetoNbd { r, alpha, s, beta } = *self;
        let (t_x, t) = (c.t_x, c.t);
        let (rx, m) = (r + c.x, r + s + c.x);
        let (la, lb) = (logs[0] - logs[1], logs[2] - logs[3]);
        let k = rx * la + s * lb;
        // D = e^K P_x − P_T = e^K P_x (1 − u), 0 ≤ u ≤ 1 (the integral is ≥ 0).
        let u = (ln_pt - ln_px - k).exp();
        let mut grad = [0.0; 4];
        if u >= 1.0 {
            return (f64::NEG_INFINITY, grad);
        }
        // ln(1 − u) rather than ln_1p(−u): an absolute error of 1e-16 is all the
        // sum needs, and the scoring module then carries no log1p.
        let ln_r = (s / m).ln() + k + ln_px + (1.0 - u).ln();
        if !GRAD {
            return (ln_r, grad);
        }
        let dk = [
            la,
            rx * (1.0 / (alpha + t) - 1.0 / (alpha + t_x)),
            lb,
            s * (1.0 / (beta + t) - 1.0 / (beta + t_x)),
        ];
        for i in 0..4 {
            grad[i] = (dk[i] + dpx[i] - u * dpt[i]) / (1.0 - u);
        }
        grad[0] -= 1.0 / m;
        grad[2] += 1.0 / s - 1.0 / m;
        (ln_r, grad)
    }

    /// P(alive | x, t_x, T) = 1/(1 + R) ([`ParetoNbd::ln_dropout_odds`]);
    /// NaN where that is `None`.
    pub fn probability_alive(&self, c: Rfm) -> f64 {
        self.odds::<false>(c)
            .map_or(f64::NAN, |(ln_r, _)| logistic(-ln_r))
    }

    /// E[Y(t) | alive at T, x, T] at each horizon t of `horizons` (FHL 2005
    /// note, eq. 41 without its P(alive) factor):
    /// (r+x)(β+T) / ((α+T)(s−1)) · [1 − ((β+T)/(β+T+t))^{s−1}],
    /// computed as (β+T)·(1 − e^{−(s−1)L})/(s−1), L = ln(β+T+t) − ln(β+T), which
    /// is (β+T)·L at s = 1. Errors (`OutOfRange`): a negative or non-finite
    /// horizon (path `t`), x < 0 or T not finite and ≥ 0 (path `customer`).
    pub fn expected_purchases_if_alive(
        &self,
        horizons: &[f64],
        x: f64,
        age: f64,
    ) -> Result<Vec<f64>> {
        check_if_alive(horizons, x, age)?;
        let ParetoNbd { r, alpha, s, beta } = *self;
        let e = s - 1.0;
        Ok(horizons
            .iter()
            .map(|t| {
                let l = (beta + age + t).ln() - (beta + age).ln();
                let g = if e == 0.0 { l } else { -(-e * l).exp_m1() / e };
                (r + x) / (alpha + age) * (beta + age) * g
            })
            .collect())
    }
}
