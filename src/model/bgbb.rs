//! The BG/BB model of repeat transactions at discrete opportunities (Fader,
//! Hardie & Shang 2010, "Customer-Base Analysis in a Discrete-Time
//! Noncontractual Setting", Marketing Science 29(6), 1086–1108): its
//! parameters and predictions (the likelihood and the fit are in `crate::fit`).
//!
//! At each opportunity (a yearly donation drive, a weekly event) an alive
//! customer transacts with probability p ~ Beta(α, β) and, after it, drops
//! out for good with probability θ ~ Beta(γ, δ). A customer's data is the
//! number of repeat transactions x, the opportunity of the last one t_x (0
//! without repeat) and the opportunities n since the first transaction.

use super::special::ln_gamma;

/// BG/BB parameters: transaction probabilities p ~ Beta(α, β), dropout
/// probabilities θ ~ Beta(γ, δ). All are > 0.
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "fit", derive(serde::Serialize))]
pub struct BgBb {
    /// First shape of the transaction-probability distribution.
    pub alpha: f64,
    /// Second shape of the transaction-probability distribution.
    pub beta: f64,
    /// First shape of the dropout-probability distribution.
    pub gamma: f64,
    /// Second shape of the dropout-probability distribution.
    pub delta: f64,
}

/// ln B(a, b).
pub fn ln_beta(a: f64, b: f64) -> f64 {
    ln_gamma(a) + ln_gamma(b) - ln_gamma(a + b)
}

impl BgBb {
    /// The parameters as `[α, β, γ, δ]`.
    pub fn to_array(self) -> [f64; 4] {
        [self.alpha, self.beta, self.gamma, self.delta]
    }

    /// The terms of a customer's likelihood (FHS 2010 eq. 5), in logs: first
    /// the customer alive after the n opportunities,
    /// B(α+x, β+n−x)/B(α,β) · B(γ, δ+n)/B(γ,δ), then one per opportunity
    /// t_x + i (i = 0 … n−t_x−1) after which the customer dropped out,
    /// B(α+x, β+t_x−x+i)/B(α,β) · B(γ+1, δ+t_x+i)/B(γ,δ). Each is
    /// written as f(α+x, β+…) + g(γ+…, δ+…) − ln B(α,β) − ln B(γ,δ);
    /// `term(a, b, c, d)` gets the four arguments and returns the term's log.
    pub fn for_each_term(self, x: f64, t_x: f64, n: f64, term: &mut dyn FnMut([f64; 4])) {
        let BgBb {
            alpha,
            beta,
            gamma,
            delta,
        } = self;
        term([alpha + x, beta + n - x, gamma, delta + n]);
        let mut i = 0.0;
        while t_x + i < n {
            term([alpha + x, beta + t_x - x + i, gamma + 1.0, delta + t_x + i]);
            i += 1.0;
        }
    }

    /// ln L(α, β, γ, δ | x, t_x, n), the log-likelihood of one customer (FHS 2010 eq. 5).
    pub fn ln_likelihood(self, x: f64, t_x: f64, n: f64) -> f64 {
        let base = ln_beta(self.alpha, self.beta) + ln_beta(self.gamma, self.delta);
        let (mut max, mut terms) = (f64::NEG_INFINITY, Vec::new());
        self.for_each_term(x, t_x, n, &mut |[a, b, c, d]| {
            let v = ln_beta(a, b) + ln_beta(c, d) - base;
            max = max.max(v);
            terms.push(v);
        });
        max + terms.iter().map(|v| (v - max).exp()).sum::<f64>().ln()
    }

    /// P(alive at opportunity n+1 | x, t_x, n) (FHS 2010 eq. 11):
    /// B(α+x, β+n−x)/B(α,β) · B(γ, δ+n+1)/B(γ,δ) / L.
    pub fn probability_alive(self, x: f64, t_x: f64, n: f64) -> f64 {
        let ln = ln_beta(self.alpha + x, self.beta + n - x) - ln_beta(self.alpha, self.beta)
            + ln_beta(self.gamma, self.delta + n + 1.0)
            - ln_beta(self.gamma, self.delta)
            - self.ln_likelihood(x, t_x, n);
        ln.exp().min(1.0)
    }

    /// E[X(n, n+n*) | x, t_x, n], the expected transactions in the next `n_star`
    /// opportunities (FHS 2010 eq. 13), summed opportunity by opportunity:
    /// (1/L) · B(α+x+1, β+n−x)/B(α,β) · Σ_{k=1}^{n*} B(γ, δ+n+k)/B(γ,δ), the
    /// chance of being alive at n+k times that of transacting then. The sum
    /// avoids the closed form's δ/(γ−1) factor, singular at γ = 1. A fractional
    /// `n_star` counts its whole opportunities.
    pub fn expected_transactions(self, n_star: f64, x: f64, t_x: f64, n: f64) -> f64 {
        let ln_front = ln_beta(self.alpha + x + 1.0, self.beta + n - x)
            - ln_beta(self.alpha, self.beta)
            - ln_beta(self.gamma, self.delta)
            - self.ln_likelihood(x, t_x, n);
        let mut sum = 0.0;
        let mut k = 1.0;
        while k <= n_star {
            sum += (ln_front + ln_beta(self.gamma, self.delta + n + k)).exp();
            k += 1.0;
        }
        sum
    }

    /// E[X(n)], the expected transactions of a new customer in its first `n`
    /// opportunities (FHS 2010 eq. 7, by the same sum):
    /// Σ_{k=1}^{n} α/(α+β) · B(γ, δ+k)/B(γ,δ).
    pub fn expected_transactions_new(self, n: f64) -> f64 {
        let p = self.alpha / (self.alpha + self.beta);
        let base = ln_beta(self.gamma, self.delta);
        let mut sum = 0.0;
        let mut k = 1.0;
        while k <= n {
            sum += p * (ln_beta(self.gamma, self.delta + k) - base).exp();
            k += 1.0;
        }
        sum
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// FHS 2010's estimates on the donations.
    const DONATIONS: BgBb = BgBb {
        alpha: 1.204,
        beta: 0.750,
        gamma: 0.657,
        delta: 2.783,
    };

    #[test]
    fn sums_match_the_closed_forms_of_eqs_7_and_13() {
        let BgBb {
            alpha: a,
            beta: b,
            gamma: g,
            delta: d,
        } = DONATIONS;
        let lg = ln_gamma;
        // Eq. 7: E[X(n)] = α/(α+β) · δ/(γ−1) · [1 − Γ(γ+δ)Γ(1+δ+n)/(Γ(γ+δ+n)Γ(1+δ))].
        for n in [1.0, 6.0, 11.0] {
            let closed = a / (a + b) * d / (g - 1.0)
                * (1.0 - (lg(g + d) + lg(1.0 + d + n) - lg(g + d + n) - lg(1.0 + d)).exp());
            let sum = DONATIONS.expected_transactions_new(n);
            assert!((sum - closed).abs() < 1e-12, "n {n}: {sum} vs {closed}");
        }
        // Eq. 13 for (x, t_x, n) = (4, 5, 6) over the next 5 opportunities.
        let (x, t_x, n, n_star) = (4.0, 5.0, 6.0, 5.0);
        let l = DONATIONS.ln_likelihood(x, t_x, n).exp();
        let closed = (ln_beta(a + x + 1.0, b + n - x) - ln_beta(a, b)).exp() / l * d / (g - 1.0)
            * (lg(g + d) - lg(1.0 + d)).exp()
            * ((lg(1.0 + d + n) - lg(g + d + n)).exp()
                - (lg(1.0 + d + n + n_star) - lg(g + d + n + n_star)).exp());
        let sum = DONATIONS.expected_transactions(n_star, x, t_x, n);
        assert!((sum - closed).abs() < 1e-12, "{sum} vs {closed}");
    }

    #[test]
    fn probability_alive_by_hand() {
        // x = t_x = n: the alive term is the whole likelihood but for the
        // empty death sum, so P(alive at n+1) = B(γ, δ+n+1)/B(γ, δ+n) = (δ+n)/(γ+δ+n).
        let p = DONATIONS.probability_alive(6.0, 6.0, 6.0);
        let want = (DONATIONS.delta + 6.0) / (DONATIONS.gamma + DONATIONS.delta + 6.0);
        assert!((p - want).abs() < 1e-12, "{p} vs {want}");
        // More recent activity, more chance of being alive.
        let early = DONATIONS.probability_alive(1.0, 1.0, 6.0);
        let late = DONATIONS.probability_alive(1.0, 6.0, 6.0);
        assert!(early < late && late < 1.0 && early > 0.0);
    }
}
