//! The shifted-beta-geometric (sBG) model of contract renewals (Fader &
//! Hardie 2007, "How to Project Customer Retention", Journal of Interactive
//! Marketing 21(1), 76–90): each customer renews at the end of every period
//! with a fixed probability 1 − θ, θ ~ Beta(α, β) across customers. The
//! likelihood and the fit are in `crate::fit`; these are its predictions.

use super::bgbb::ln_beta;
use super::special::ln_hyp2f1;

/// sBG parameters: churn probabilities θ ~ Beta(α, β). Both are > 0.
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "fit", derive(serde::Serialize))]
pub struct Sbg {
    /// First shape of the churn-probability distribution.
    pub alpha: f64,
    /// Second shape of the churn-probability distribution.
    pub beta: f64,
}

impl Sbg {
    /// S(t) = B(α, β+t)/B(α, β), the share of a cohort still active after `t`
    /// periods (Fader & Hardie 2007 eq. 7; t ≥ 0), through ln Γ so that its
    /// cost does not grow with t.
    pub fn survival(self, t: f64) -> f64 {
        (ln_beta(self.alpha, self.beta + t) - ln_beta(self.alpha, self.beta)).exp()
    }

    /// r(t) = (β+t−1)/(α+β+t−1), the share of the customers active in period
    /// t − 1 who renew into period t (t ≥ 1; Fader & Hardie 2007 eq. 8).
    pub fn retention(self, t: f64) -> f64 {
        (self.beta + t - 1.0) / (self.alpha + self.beta + t - 1.0)
    }

    /// P(T = t) = B(α+1, β+t−1)/B(α, β), the share of a cohort that churns at
    /// the end of period t (t ≥ 1; Fader & Hardie 2007 eq. 6).
    pub fn churn(self, t: f64) -> f64 {
        self.survival(t - 1.0) * (1.0 - self.retention(t))
    }

    /// The discounted expected residual lifetime, in periods, of a customer at
    /// the end of period `n` who has made n − 1 renewals and is about to decide
    /// on the next (n = 1: just acquired), at discount rate `d` per period (Fader & Hardie 2010, "Customer-Base
    /// Valuation in a Contractual Setting: The Perils of Ignoring
    /// Heterogeneity", Marketing Science 29(1), eq. 6):
    ///
    /// DERL(d | α, β, n) = (β+n−1)/(α+β+n−1) · ₂F₁(1, β+n; α+β+n; 1/(1+d)),
    ///
    /// i.e. Σ_{t≥n} S(t)/S(n−1) / (1+d)^{t−n}: the periods to come, the first
    /// one (the coming renewal) undiscounted. `None` when d ≤ 0 or not finite (the
    /// sum diverges at d = 0 when α ≤ 1), n < 1, or the series does not converge.
    pub fn derl(self, d: f64, n: f64) -> Option<f64> {
        if !(d > 0.0 && d.is_finite() && n >= 1.0 && n.is_finite()) {
            return None;
        }
        let Sbg { alpha, beta } = self;
        let f = ln_hyp2f1(1.0, beta + n, alpha + beta + n, 1.0 / (1.0 + d))?;
        let v = (beta + n - 1.0) / (alpha + beta + n - 1.0) * f.value();
        v.is_finite().then_some(v)
    }
}
