//! Discounted customer lifetime value, as lifetimes' `customer_lifetime_value`.

use crate::error::{Error, ErrorCode, Result};
use crate::model::GammaGamma;
use crate::model::Unit;
use crate::model::{BgNbd, Rfm};

/// Discounted CLV over `months` months (lifetimes 0.11, `utils._customer_lifetime_value`):
///
/// CLV = Σ_{i=1..months} S · (E[Y(i·u)] − E[Y((i−1)·u)]) / (1 + d)^i
///
/// where u is one month in the model's `unit` (30 days or 4.345 weeks, as
/// lifetimes), E[Y(t)] is [`BgNbd::expected_purchases`] for the customer `c`,
/// S is [`GammaGamma::conditional_expected_average_spend`] of (x, `monetary_value`)
/// and d is `monthly_discount_rate` (0.01 = 1% a month). The result is in the
/// currency of the amounts (revenue, or margin if the spend model was fitted on margins).
///
/// Errors (`OutOfRange`): a negative or non-finite discount rate (path
/// `discountRate`), an infinite expected spend (Gamma-Gamma q ≤ 1 with x = 0;
/// path `gammaGamma.q`), or a horizon too long for the purchase model.
pub fn customer_lifetime_value(
    bgnbd: &BgNbd,
    gamma_gamma: &GammaGamma,
    unit: Unit,
    c: Rfm,
    monetary_value: f64,
    months: u32,
    monthly_discount_rate: f64,
) -> Result<f64> {
    if !(monthly_discount_rate.is_finite() && monthly_discount_rate >= 0.0) {
        let msg = format!("expected a monthly discount rate >= 0, got {monthly_discount_rate}");
        return Err(Error::new(ErrorCode::OutOfRange, "discountRate", msg));
    }
    let spend = gamma_gamma
        .conditional_expected_average_spend(c.x, monetary_value)
        .ok_or_else(|| {
            Error::new(
                ErrorCode::OutOfRange,
                "gammaGamma.q",
                "the expected spend is infinite (p·x + q ≤ 1)",
            )
        })?;
    let month = unit.per_month();
    let mut clv = 0.0;
    let mut before = 0.0;
    for i in 1..=months {
        let cumulative = bgnbd.expected_purchases(f64::from(i) * month, c)?;
        clv += spend * (cumulative - before) / (1.0 + monthly_discount_rate).powf(f64::from(i));
        before = cumulative;
    }
    Ok(clv)
}

#[cfg(test)]
mod tests {
    use super::*;

    const BG: BgNbd = BgNbd {
        r: 0.243,
        alpha: 4.414,
        a: 0.793,
        b: 2.426,
    };
    const GG: GammaGamma = GammaGamma {
        p: 6.25,
        q: 3.74,
        v: 15.44,
    };

    #[test]
    fn undiscounted_value_is_spend_times_expected_purchases() {
        let c = Rfm {
            x: 2.0,
            t_x: 30.43,
            t: 38.86,
        };
        let spend = GG.conditional_expected_average_spend(2.0, 22.35).unwrap();
        let purchases = BG.expected_purchases(12.0 * 4.345, c).unwrap();
        let clv = customer_lifetime_value(&BG, &GG, Unit::Weeks, c, 22.35, 12, 0.0).unwrap();
        assert!((clv - spend * purchases).abs() < 1e-9);
        let discounted =
            customer_lifetime_value(&BG, &GG, Unit::Weeks, c, 22.35, 12, 0.01).unwrap();
        assert!(discounted < clv && discounted > clv / 1.01f64.powi(12));
        assert_eq!(
            customer_lifetime_value(&BG, &GG, Unit::Weeks, c, 22.35, 0, 0.01).unwrap(),
            0.0
        );
        let e = customer_lifetime_value(&BG, &GG, Unit::Weeks, c, 22.35, 12, -0.5).unwrap_err();
        assert_eq!(e.path(), "discountRate");
    }
}
