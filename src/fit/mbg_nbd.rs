//! The MBG/NBD likelihood and its maximum-likelihood fit (Batislam, Denizel &
//! Filiztekin 2007); the parameters and predictions are in [`crate::model`].
//!
//! L = Γ(r+x)αʳ / Γ(r) · B(a, b+x+1) / B(a, b) ·
//! [(α+T)^{−(r+x)} + a/(b+x) · (α+t_x)^{−(r+x)}]: BG/NBD's likelihood with one
//! more dropout chance (at the first purchase), so its second term is there
//! for x = 0 too.

use super::bgnbd::{grouped, Triples};
use crate::model::{BgNbd, MbgNbd};

impl MbgNbd {
    /// Total log-likelihood of grouped customers and its gradient with respect
    /// to (ln r, ln α, ln a, ln b).
    pub fn log_likelihood_grouped(&self, data: &Triples, grad: &mut [f64; 4]) -> f64 {
        let MbgNbd { r, alpha, a, b } = *self;
        grouped(&BgNbd { r, alpha, a, b }, data, 1.0, grad)
    }
}

/// The parameters the penalty of [`super::bgnbd::fit4`] measures in units of T_max (α).
pub(super) const TIME_SCALES: [bool; 4] = [false, true, false, false];

/// Parameters from log-parameters.
pub fn from_log(theta: &[f64]) -> MbgNbd {
    let p = super::bgnbd::from_log(theta);
    MbgNbd {
        r: p.r,
        alpha: p.alpha,
        a: p.a,
        b: p.b,
    }
}
