//! The Gamma-Gamma model of spend per transaction (Fader, Hardie & Lee 2005,
//! "RFM and CLV: Using Iso-Value Curves for Customer Base Analysis", Journal
//! of Marketing Research 42(4), 415–430; the note "The Gamma-Gamma Model of
//! Monetary Value", Fader & Hardie 2013): its parameters and prediction (the
//! likelihood and the fit are in `crate::fit`).

/// Gamma-Gamma parameters: transaction values ~ Gamma(p, ν), ν ~ Gamma(q, v). All > 0.
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "fit", derive(serde::Serialize))]
pub struct GammaGamma {
    /// Shape of the per-transaction spend distribution.
    pub p: f64,
    /// Shape of the distribution of ν across customers.
    pub q: f64,
    /// Scale (γ in the paper) of the distribution of ν across customers.
    pub v: f64,
}

impl GammaGamma {
    /// The parameters as `[p, q, v]`.
    pub fn to_array(self) -> [f64; 3] {
        [self.p, self.q, self.v]
    }

    /// E[M | x, m̄]: the expected mean spend per transaction of a customer with
    /// `x` repeat purchases of mean value `m` (FHL 2005 eq. 4, lifetimes'
    /// `conditional_expected_average_profit`), written as p(v + x m̄)/(px + q − 1),
    /// which is the credibility-weighted mix of the population mean pv/(q−1)
    /// and m̄. `None` when px + q ≤ 1 (the expectation is infinite).
    pub fn conditional_expected_average_spend(&self, x: f64, m: f64) -> Option<f64> {
        let GammaGamma { p, q, v } = *self;
        let den = p * x + q - 1.0;
        (den > 0.0).then(|| p * (v + x * m) / den)
    }
}
