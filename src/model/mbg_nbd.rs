//! MBG/NBD predictions (Batislam, Denizel & Filiztekin 2007; BTYDplus'
//! `mbgcnbd` with k = 1). The likelihood and the fit are in `crate::fit`.

use super::{BgNbd, Rfm};
use crate::error::Result;

/// MBG/NBD parameters: as BG/NBD (rates λ ~ Gamma(r, α), dropout
/// probabilities p ~ Beta(a, b)), but a customer may also drop out right
/// after the first purchase, so a customer without repeat purchases need not
/// be alive. All are > 0.
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "fit", derive(serde::Serialize))]
pub struct MbgNbd {
    /// Shape of the purchase-rate distribution.
    pub r: f64,
    /// Scale of the purchase-rate distribution, in the data's time unit.
    pub alpha: f64,
    /// First shape of the dropout-probability distribution.
    pub a: f64,
    /// Second shape of the dropout-probability distribution.
    pub b: f64,
}

impl MbgNbd {
    /// The parameters as `[r, α, a, b]`.
    pub fn to_array(self) -> [f64; 4] {
        [self.r, self.alpha, self.a, self.b]
    }

    /// The BG/NBD whose b is this model's b + 1: a customer who made x repeat
    /// purchases survived x + 1 dropout chances here and x in BG/NBD, so the
    /// posterior of p and everything conditional on being alive agree.
    pub(super) fn shifted(self) -> BgNbd {
        BgNbd {
            r: self.r,
            alpha: self.alpha,
            a: self.a,
            b: self.b + 1.0,
        }
    }

    /// P(alive | x, t_x, T) = 1 / (1 + a/(b+x) · ((α+T)/(α+t_x))^{r+x})
    /// (Batislam et al. 2007), for every x including 0.
    pub fn probability_alive(&self, c: Rfm) -> f64 {
        self.shifted().alive_if_dropout_possible(c)
    }

    /// E[Y(t) | alive at T, x, T] at each horizon of `horizons`:
    /// (a+b+x)/(a−1) · [1 − ((α+T)/(α+T+t))^{r+x} ₂F₁(r+x, b+x+1; a+b+x; z)],
    /// which is [`BgNbd::expected_purchases_if_alive`] with b + 1. Errors as that.
    pub fn expected_purchases_if_alive(
        &self,
        horizons: &[f64],
        x: f64,
        age: f64,
    ) -> Result<Vec<f64>> {
        self.shifted().expected_purchases_if_alive(horizons, x, age)
    }
}
