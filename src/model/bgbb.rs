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

use super::predict::Predicted;
use super::special::{ln_gamma, log_sum_exp};
use super::GammaGamma;
use crate::input::time::day_of;

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

/// ln [B(a+x, b+y)/B(a, b)] for whole x, y ≥ 0, as the sum of the logs of
/// its factors a+i/(a+b+i) and (b+j)/(a+b+x+j). The predictions use it rather
/// than [`ln_beta`]: ln Γ's reflection needs `sin`, whose argument reduction
/// would add kilobytes to the scoring module.
pub fn ln_beta_ratio(a: f64, b: f64, x: f64, y: f64) -> f64 {
    let mut sum = 0.0;
    let mut i = 0.0;
    while i < x {
        sum += ((a + i) / (a + b + i)).ln();
        i += 1.0;
    }
    let mut j = 0.0;
    while j < y {
        sum += ((b + j) / (a + b + x + j)).ln();
        j += 1.0;
    }
    sum
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

    /// ln L(α, β, γ, δ | x, t_x, n), the log-likelihood of one customer (FHS
    /// 2010 eq. 5): the terms of [`BgBb::for_each_term`], the dropout terms by
    /// the ratio of each to the one before, (β+t_x−x+i)/(α+β+t_x+i) ·
    /// (δ+t_x+i)/(γ+δ+1+t_x+i), so that a customer costs two ln B and a
    /// multiplication per opportunity since the last transaction.
    pub fn ln_likelihood(self, x: f64, t_x: f64, n: f64) -> f64 {
        let BgBb {
            alpha: a,
            beta: b,
            gamma: g,
            delta: d,
        } = self;
        let alive = ln_beta_ratio(a, b, x, n - x) + ln_beta_ratio(g, d, 0.0, n);
        if t_x >= n {
            return alive;
        }
        let (mut sum, mut term, mut i) = (0.0, 1.0, 0.0);
        while t_x + i < n {
            sum += term;
            term *= (b + t_x - x + i) / (a + b + t_x + i) * (d + t_x + i) / (g + d + 1.0 + t_x + i);
            i += 1.0;
        }
        // B(γ+1, δ+t_x)/B(γ, δ) = γ/(γ+δ) · B(γ+1, δ+t_x)/B(γ+1, δ).
        let first = ln_beta_ratio(a, b, x, t_x - x)
            + (g / (g + d)).ln()
            + ln_beta_ratio(g + 1.0, d, 0.0, t_x);
        log_sum_exp(alive, first + sum.ln())
    }

    /// P(alive at opportunity n+1 | x, t_x, n) (FHS 2010 eq. 11):
    /// B(α+x, β+n−x)/B(α,β) · B(γ, δ+n+1)/B(γ,δ) / L.
    pub fn probability_alive(self, x: f64, t_x: f64, n: f64) -> f64 {
        let ln = ln_beta_ratio(self.alpha, self.beta, x, n - x)
            + ln_beta_ratio(self.gamma, self.delta, 0.0, n + 1.0)
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
        self.transactions_by_opportunity(n_star, x, t_x, n).sum()
    }

    /// The expected transactions at each of the next `n_star` opportunities,
    /// the terms of [`BgBb::expected_transactions`], each from the one before:
    /// B(γ, δ+m+1)/B(γ, δ+m) = (δ+m)/(γ+δ+m).
    pub fn transactions_by_opportunity(
        self,
        n_star: f64,
        x: f64,
        t_x: f64,
        n: f64,
    ) -> impl Iterator<Item = f64> {
        let BgBb { gamma, delta, .. } = self;
        let mut term = (ln_beta_ratio(self.alpha, self.beta, x + 1.0, n - x)
            + ln_beta_ratio(gamma, delta, 0.0, n)
            - self.ln_likelihood(x, t_x, n))
        .exp();
        let mut m = n;
        std::iter::from_fn(move || {
            term *= (delta + m) / (gamma + delta + m);
            m += 1.0;
            Some(term)
        })
        .take(n_star.max(0.0) as usize)
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

/// A BG/BB model as the scoring model ships it: the parameters and the length
/// of an opportunity in days.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "fit", derive(serde::Serialize))]
#[cfg_attr(feature = "fit", serde(rename_all = "camelCase"))]
pub struct BgBbModel {
    /// The parameters.
    #[cfg_attr(feature = "fit", serde(flatten))]
    pub params: BgBb,
    /// The length of an opportunity in days (365 for a yearly drive, 7 for a weekly event).
    pub opportunity_days: f64,
    /// Log-likelihood of the fitting data, when known.
    #[cfg_attr(feature = "fit", serde(skip_serializing_if = "Option::is_none"))]
    pub log_likelihood: Option<f64>,
    /// Whether the optimiser converged (true for hand-written models).
    pub converged: bool,
}

/// A customer's discrete-time history from orders (instant, amount) sorted by
/// instant: opportunities are `opportunity_days`-long periods counted from the
/// day of the first order (opportunity 0, the first transaction's); an order
/// falls in opportunity ⌊(day − first day)/length⌋, several in one are one
/// transaction. Returns (x, t_x, n, mean amount of the repeat opportunities):
/// x the opportunities after the first with an order, t_x the last of them (0
/// if none), n = ⌊(as-of day − first day)/length⌋, the opportunity in progress
/// included. `None` without orders.
pub fn opportunities(
    orders: impl IntoIterator<Item = (i64, f64)>,
    as_of: i64,
    opportunity_days: f64,
) -> Option<(f64, f64, f64, f64)> {
    let mut orders = orders.into_iter().peekable();
    let first = day_of(orders.peek()?.0);
    let index = |day: i64| ((day - first) as f64 / opportunity_days).floor();
    let (mut x, mut last, mut repeat_total) = (0.0, 0.0, 0.0);
    for (at, amount) in orders {
        let k = index(day_of(at));
        if k > last {
            x += 1.0;
            last = k;
        }
        if k > 0.0 {
            repeat_total += amount;
        }
    }
    let n = index(day_of(as_of)).max(last);
    Some((x, last, n, if x > 0.0 { repeat_total / x } else { 0.0 }))
}

/// A customer's predictions from BG/BB over `horizon_days`: P(alive at the
/// next opportunity), the expected transactions in the opportunities starting
/// within the horizon (⌊horizon / length⌋ of them), and with a spend model
/// the expected spend per transaction and the lifetime value: each
/// opportunity's expected transactions times the spend, discounted to today
/// at `yearly_discount_rate` as the BG/NBD path discounts ((1 + rate) to the
/// power days/360, 30-day months).
pub fn predict_bgbb(
    orders: impl IntoIterator<Item = (i64, f64)>,
    as_of: i64,
    model: &BgBbModel,
    gamma_gamma: Option<&GammaGamma>,
    horizon_days: f64,
    yearly_discount_rate: f64,
) -> Option<Predicted> {
    let length = model.opportunity_days;
    let (x, t_x, n, spend) = opportunities(orders, as_of, length)?;
    let p = model.params;
    let expected_average_spend =
        gamma_gamma.and_then(|g| g.conditional_expected_average_spend(x, spend));
    let (mut expected, mut value, mut k) = (0.0, 0.0, 1.0);
    for e in p.transactions_by_opportunity((horizon_days / length).floor(), x, t_x, n) {
        expected += e;
        value += e / (1.0 + yearly_discount_rate).powf(k * length / 360.0);
        k += 1.0;
    }
    Some(Predicted {
        probability_alive: p.probability_alive(x, t_x, n),
        expected_purchases: expected,
        expected_average_spend,
        lifetime_value: expected_average_spend.map(|s| s * value),
        interval: None,
    })
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

    #[test]
    fn the_ratio_recursion_is_the_likelihood_of_eq_5() {
        for (x, t_x, n) in [
            (0.0, 0.0, 6.0),
            (2.0, 4.0, 6.0),
            (1.0, 1.0, 40.0),
            (6.0, 6.0, 6.0),
        ] {
            let base = ln_beta(DONATIONS.alpha, DONATIONS.beta)
                + ln_beta(DONATIONS.gamma, DONATIONS.delta);
            let mut direct = 0.0;
            DONATIONS.for_each_term(x, t_x, n, &mut |[a, b, c, d]| {
                direct += (ln_beta(a, b) + ln_beta(c, d) - base).exp();
            });
            let got = DONATIONS.ln_likelihood(x, t_x, n);
            assert!(
                (got - direct.ln()).abs() < 1e-12,
                "{x} {t_x} {n}: {got} vs {}",
                direct.ln()
            );
        }
    }

    const DAY: i64 = 86_400_000;

    #[test]
    fn opportunities_count_from_the_first_order_day() {
        // Yearly opportunities from day 0: gifts on days 0 and 10 (opportunity 0),
        // 400 and 500 (opportunity 1, one transaction), 1100 (opportunity 3); as of day 2000.
        let orders = [
            (0, 5.0),
            (10 * DAY, 1.0),
            (400 * DAY, 20.0),
            (500 * DAY, 10.0),
            (1100 * DAY, 30.0),
        ];
        let (x, t_x, n, spend) = opportunities(orders, 2000 * DAY, 365.0).unwrap();
        assert_eq!((x, t_x, n), (2.0, 3.0, 5.0));
        assert_eq!(spend, (20.0 + 10.0 + 30.0) / 2.0);
        assert_eq!(
            opportunities([(0, 1.0)], 364 * DAY, 365.0).unwrap(),
            (0.0, 0.0, 0.0, 0.0)
        );
        assert!(opportunities([], 0, 365.0).is_none());
    }

    #[test]
    fn predictions_of_a_donor_who_gave_at_every_opportunity_by_hand() {
        let model = BgBbModel {
            params: DONATIONS,
            opportunity_days: 365.0,
            log_likelihood: None,
            converged: true,
        };
        let orders: Vec<(i64, f64)> = (0..7).map(|k| (k * 365 * DAY, 10.0)).collect();
        let p = predict_bgbb(
            orders.iter().copied(),
            6 * 365 * DAY + 100 * DAY,
            &model,
            None,
            365.0,
            0.1,
        )
        .unwrap();
        // x = t_x = n = 6: the likelihood is its alive term, so P(alive) = (δ+6)/(γ+δ+6)
        // and the next opportunity's expected transactions (α+6)/(α+β+6) · (δ+6)/(γ+δ+6).
        let BgBb {
            alpha: a,
            beta: b,
            gamma: g,
            delta: d,
        } = DONATIONS;
        let alive = (d + 6.0) / (g + d + 6.0);
        assert!((p.probability_alive - alive).abs() < 1e-12);
        assert!((p.expected_purchases - (a + 6.0) / (a + b + 6.0) * alive).abs() < 1e-12);
        assert_eq!((p.expected_average_spend, p.lifetime_value), (None, None));
        // Two opportunities with a spend model: each discounted by 1.1^(365k/360).
        let gg = GammaGamma {
            p: 6.25,
            q: 3.74,
            v: 15.44,
        };
        let p2 = predict_bgbb(
            orders.iter().copied(),
            6 * 365 * DAY,
            &model,
            Some(&gg),
            730.0,
            0.1,
        )
        .unwrap();
        let spend = gg.conditional_expected_average_spend(6.0, 10.0).unwrap();
        let e1 = (a + 6.0) / (a + b + 6.0) * alive;
        let e2 = e1 * (d + 7.0) / (g + d + 7.0);
        let value = spend * (e1 / 1.1f64.powf(365.0 / 360.0) + e2 / 1.1f64.powf(730.0 / 360.0));
        assert!((p2.expected_purchases - (e1 + e2)).abs() < 1e-12);
        assert!((p2.lifetime_value.unwrap() - value).abs() < 1e-9);
    }
}
