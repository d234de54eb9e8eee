//! The BG/NBD model of repeat purchasing (Fader, Hardie & Lee 2005, "Counting
//! Your Customers the Easy Way: An Alternative to the Pareto/NBD Model",
//! Marketing Science 24(2), 275–284): its parameters and predictions (the
//! likelihood and the fit are in `crate::fit`).

use super::special::{ln_power_series, logistic, LogValue};
use crate::error::{Error, ErrorCode, Result};
use crate::input::json::format_number;

/// BG/NBD parameters: purchase rates λ ~ Gamma(r, α) (α in the time unit of
/// the data), dropout probabilities p ~ Beta(a, b). All are > 0.
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "fit", derive(serde::Serialize))]
pub struct BgNbd {
    /// Shape of the purchase-rate distribution.
    pub r: f64,
    /// Scale of the purchase-rate distribution, in the data's time unit.
    pub alpha: f64,
    /// First shape of the dropout-probability distribution.
    pub a: f64,
    /// Second shape of the dropout-probability distribution.
    pub b: f64,
}

/// One customer's data for BG/NBD: repeat purchases x, recency t_x, age T
/// (all times in the model's unit, 0 ≤ t_x ≤ T).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rfm {
    /// Repeat purchases x.
    pub x: f64,
    /// Time of the last purchase since the first, t_x.
    pub t_x: f64,
    /// Time since the first purchase, T.
    pub t: f64,
}

impl BgNbd {
    /// The parameters as `[r, α, a, b]`.
    pub fn to_array(self) -> [f64; 4] {
        [self.r, self.alpha, self.a, self.b]
    }

    /// P(alive | x, t_x, T) (FHL 2005 eq. 14, in logistic form as lifetimes'
    /// `conditional_probability_alive`): 1 / (1 + δ_{x>0} a/(b+x−1) ((α+T)/(α+t_x))^{r+x}).
    pub fn probability_alive(&self, c: Rfm) -> f64 {
        if c.x <= 0.0 {
            return 1.0;
        }
        self.alive_if_dropout_possible(c)
    }

    /// 1 / (1 + a/(b+x−1) ((α+T)/(α+t_x))^{r+x}) for any x: P(alive) of a
    /// customer who had a dropout chance (MBG/NBD's with b + 1).
    pub(super) fn alive_if_dropout_possible(&self, c: Rfm) -> f64 {
        let BgNbd { r, alpha, a, b } = *self;
        let ln_d =
            a.ln() - (b + c.x - 1.0).ln() + (r + c.x) * ((alpha + c.t).ln() - (alpha + c.t_x).ln());
        logistic(-ln_d)
    }

    /// E[Y(t) | x, t_x, T]: expected purchases in the next `t` units (FHL 2005
    /// eq. 10; lifetimes' `conditional_expected_number_of_purchases_up_to_time`):
    ///
    /// (a+b+x−1)/(a−1) · [1 − ((α+T)/(α+T+t))^{r+x} ₂F₁(r+x, b+x; a+b+x−1; z)] / (1 + δ_{x>0} a/(b+x−1) ((α+T)/(α+t_x))^{r+x}),
    /// z = t/(α+T+t).
    ///
    /// For a < 2 the bracket is evaluated through Euler's transformation
    /// ₂F₁(A,B;C;z) = (1−z)^{C−A−B} ₂F₁(C−A, C−B; C; z), which turns it into
    /// C·(1 − (1−z)^ε)/ε − (1−z)^ε·K with ε = a − 1, C = a+b+x−1 and
    /// K = Σ_{n≥1} (a+b−1−r)_n (a)_{n−1} / ((C+1)_{n−1} n!) zⁿ: the removable
    /// singularities at a = 1 and C = 0 cancel analytically and the terms stay
    /// bounded. For a ≥ 2 the direct series is used in log space (its terms
    /// are bounded by those of (1−z)^{−(r+x)}, cancelled by the prefactor).
    ///
    /// Errors (`OutOfRange`): a negative or non-finite horizon (path `t`), a
    /// customer outside x ≥ 0, 0 ≤ t_x ≤ T (path `customer`), or a series that
    /// does not converge within [`MAX_SERIES_TERMS`](super::special::MAX_SERIES_TERMS)
    /// terms (path `t`; z within about 4e-5 of 1, a horizon some 25,000 times
    /// α + T).
    pub fn expected_purchases(&self, t: f64, c: Rfm) -> Result<f64> {
        Ok(self
            .expected_purchases_at(&[t], c)?
            .first()
            .copied()
            .unwrap_or(0.0))
    }

    /// [`BgNbd::expected_purchases`] at each horizon of `horizons` (in the
    /// model's unit), summing the series of all horizons in one pass: their
    /// terms share the z-independent coefficients, only the powers of z differ.
    /// Each entry equals `expected_purchases(horizons[i], c)`. Errors as
    /// [`BgNbd::expected_purchases`], for the first horizon in order that has one.
    pub fn expected_purchases_at(&self, horizons: &[f64], c: Rfm) -> Result<Vec<f64>> {
        check_horizons(horizons)?;
        if !(c.x >= 0.0 && c.t_x >= 0.0 && c.t_x <= c.t && c.t.is_finite() && c.x.is_finite()) {
            return Err(customer_error(c));
        }
        let alive = self.probability_alive(c);
        let mut out = self.expected_purchases_if_alive(horizons, c.x, c.t)?;
        for e in &mut out {
            *e *= alive;
        }
        Ok(out)
    }

    /// E[Y(t) | alive at T, x, T] at each horizon t of `horizons`: the bracket
    /// of [`BgNbd::expected_purchases`], which is that times
    /// [`BgNbd::probability_alive`]. It depends on x and T but not on t_x,
    /// so customers who differ only in recency share it. Errors as
    /// [`BgNbd::expected_purchases`] (`customer` when x < 0 or T is not
    /// finite and ≥ 0).
    pub fn expected_purchases_if_alive(
        &self,
        horizons: &[f64],
        x: f64,
        age: f64,
    ) -> Result<Vec<f64>> {
        check_if_alive(horizons, x, age)?;
        let BgNbd { r, alpha, a, b } = *self;
        let zs: Vec<f64> = horizons.iter().map(|t| t / (alpha + age + t)).collect();
        // ln(1 − z), exact even when z is tiny.
        let ln_1mz: Vec<f64> = horizons
            .iter()
            .map(|t| (alpha + age).ln() - (alpha + age + t).ln())
            .collect();
        let cc = a + b + x - 1.0;
        // z rounded to 1 (a horizon some 1e16 times α + T) never converges: a NaN
        // fails that series at its first term instead of after MAX_SERIES_TERMS.
        let zs_below_1: Vec<f64> = zs
            .iter()
            .map(|&z| if z < 1.0 { z } else { f64::NAN })
            .collect();
        let sums = if a < 2.0 {
            let a1 = a + b - 1.0 - r;
            if a1 == 0.0 {
                vec![
                    Some(LogValue {
                        ln_abs: f64::NEG_INFINITY,
                        sign: 0.0
                    });
                    zs.len()
                ]
            } else {
                ln_power_series(
                    |m| (a1 + m + 1.0) * (a + m) / ((cc + m + 1.0) * (m + 2.0)),
                    &zs_below_1,
                )
            }
        } else {
            ln_power_series(
                |n| (r + x + n) * (b + x + n) / ((cc + n) * (n + 1.0)),
                &zs_below_1,
            )
        };
        let mut out = Vec::with_capacity(horizons.len());
        for (i, &t) in horizons.iter().enumerate() {
            let Some(s) = sums[i] else {
                return Err(Error::new(
                    ErrorCode::OutOfRange,
                    "t",
                    format!(
                        "the horizon {} is too long for this customer",
                        format_number(t)
                    ),
                ));
            };
            let (z, ln_1mz) = (zs[i], ln_1mz[i]);
            let numerator = if t == 0.0 {
                0.0
            } else if a < 2.0 {
                // Euler's transformation, see `expected_purchases`.
                let eps = a - 1.0;
                let a1 = a + b - 1.0 - r;
                let k = if a1 == 0.0 { 0.0 } else { a1 * z * s.value() };
                let e = eps * ln_1mz;
                let first = if eps == 0.0 {
                    -ln_1mz
                } else {
                    -e.exp_m1() / eps
                };
                cc * first - e.exp() * k
            } else {
                cc / (a - 1.0) * -(s.ln_abs + (r + x) * ln_1mz).exp_m1()
            };
            // Rounding can leave a horizon's tiny expectation (a few purchases in
            // millions, from a tiny r or a huge α) just below zero.
            out.push(numerator.max(0.0));
        }
        Ok(out)
    }
}

pub(super) fn check_horizons(horizons: &[f64]) -> Result<()> {
    match horizons.iter().find(|t| !(t.is_finite() && **t >= 0.0)) {
        Some(t) => Err(Error::new(
            ErrorCode::OutOfRange,
            "t",
            format!("expected a horizon >= 0, got {}", format_number(*t)),
        )),
        None => Ok(()),
    }
}

/// The arguments of an `expected_purchases_if_alive` (any purchase model):
/// horizons by [`check_horizons`], x ≥ 0 and the age T finite and ≥ 0 (path
/// `customer`).
pub(super) fn check_if_alive(horizons: &[f64], x: f64, age: f64) -> Result<()> {
    check_horizons(horizons)?;
    if !(x >= 0.0 && x.is_finite() && age >= 0.0 && age.is_finite()) {
        return Err(customer_error(Rfm {
            x,
            t_x: 0.0,
            t: age,
        }));
    }
    Ok(())
}

pub(super) fn customer_error(c: Rfm) -> Error {
    let msg = format!(
        "expected x >= 0 and 0 <= t_x <= T, got x = {}, t_x = {}, T = {}",
        format_number(c.x),
        format_number(c.t_x),
        format_number(c.t)
    );
    Error::new(ErrorCode::OutOfRange, "customer", msg)
}

// The tests compare with the estimation code, which is behind `fit`.
#[cfg(all(test, feature = "fit"))]
mod tests {
    use super::*;
    use crate::fit::Triples;
    use crate::model::special::ln_hyp2f1;

    fn from_log(theta: &[f64]) -> BgNbd {
        crate::fit::bgnbd_from_log(theta)
    }

    const CDNOW: BgNbd = BgNbd {
        r: 0.242_593,
        alpha: 4.413_59,
        a: 0.792_919,
        b: 2.425_95,
    };

    /// lifetimes' formula, evaluated naively with the direct 2F1 series.
    fn naive_expected(p: BgNbd, t: f64, c: Rfm) -> f64 {
        let BgNbd { r, alpha, a, b } = p;
        let x = c.x;
        let z = t / (alpha + c.t + t);
        let f = ln_hyp2f1(r + x, b + x, a + b + x - 1.0, z).unwrap().value();
        let first = (a + b + x - 1.0) / (a - 1.0);
        let second = 1.0 - ((alpha + c.t) / (alpha + c.t + t)).powf(r + x) * f;
        let d = if x > 0.0 {
            a / (b + x - 1.0) * ((alpha + c.t) / (alpha + c.t_x)).powf(r + x)
        } else {
            0.0
        };
        first * second / (1.0 + d)
    }

    #[test]
    fn probability_alive_is_one_without_repeats_and_falls_with_inactivity() {
        assert_eq!(
            CDNOW.probability_alive(Rfm {
                x: 0.0,
                t_x: 0.0,
                t: 38.86
            }),
            1.0
        );
        let recent = CDNOW.probability_alive(Rfm {
            x: 5.0,
            t_x: 38.0,
            t: 38.86,
        });
        let lapsed = CDNOW.probability_alive(Rfm {
            x: 5.0,
            t_x: 5.0,
            t: 38.86,
        });
        assert!(
            recent > 0.8 && lapsed < 0.2 && lapsed > 0.0,
            "{recent} {lapsed}"
        );
        // Heavy buyer long gone: the ratio term is e^{>700}, still no NaN.
        assert_eq!(
            CDNOW.probability_alive(Rfm {
                x: 2000.0,
                t_x: 1.0,
                t: 500.0
            }),
            0.0
        );
    }

    #[test]
    fn expected_purchases_matches_the_paper_and_the_naive_formula() {
        // FHL 2005, §4: customer with x = 2, t_x = 30.43, T = 38.86 expects 1.226 purchases in 39 weeks.
        let c = Rfm {
            x: 2.0,
            t_x: 30.43,
            t: 38.86,
        };
        let e = CDNOW.expected_purchases(39.0, c).unwrap();
        assert!((e - 1.226).abs() < 1e-3, "{e}");
        let params = [
            CDNOW,
            BgNbd {
                r: 0.5,
                alpha: 3.0,
                a: 3.5,
                b: 6.0,
            },
            BgNbd {
                r: 1.2,
                alpha: 20.0,
                a: 1.4,
                b: 0.7,
            },
        ];
        let customers = [
            Rfm {
                x: 0.0,
                t_x: 0.0,
                t: 10.0,
            },
            Rfm {
                x: 1.0,
                t_x: 3.0,
                t: 30.0,
            },
            Rfm {
                x: 40.0,
                t_x: 50.0,
                t: 52.0,
            },
        ];
        for p in params {
            for c in customers {
                for t in [0.5, 12.0, 100.0] {
                    let (ours, naive) =
                        (p.expected_purchases(t, c).unwrap(), naive_expected(p, t, c));
                    assert!(
                        (ours - naive).abs() <= 1e-9 * naive.abs().max(1.0),
                        "{p:?} {c:?} t={t}: {ours} vs {naive}"
                    );
                }
            }
        }
    }

    #[test]
    fn expected_purchases_is_continuous_through_a_equal_one_and_c_equal_zero() {
        let c = Rfm {
            x: 3.0,
            t_x: 20.0,
            t: 30.0,
        };
        let at = |a: f64| BgNbd { a, ..CDNOW }.expected_purchases(10.0, c).unwrap();
        assert!((at(1.0) - at(1.0 + 1e-7)).abs() < 1e-6 && (at(1.0) - at(1.0 - 1e-7)).abs() < 1e-6);
        let zero = Rfm {
            x: 0.0,
            t_x: 0.0,
            t: 30.0,
        };
        let at_c = |a: f64| {
            BgNbd {
                a,
                b: 1.0 - 0.4,
                ..CDNOW
            }
            .expected_purchases(10.0, zero)
            .unwrap()
        };
        assert!(at_c(0.4).is_finite() && (at_c(0.4) - at_c(0.4 + 1e-7)).abs() < 1e-6);
        assert_eq!(CDNOW.expected_purchases(0.0, c).unwrap(), 0.0);
        assert!(
            CDNOW.expected_purchases(-1.0, c).is_err()
                && CDNOW.expected_purchases(f64::NAN, c).is_err()
        );
        let e = CDNOW
            .expected_purchases(
                1.0,
                Rfm {
                    x: 1.0,
                    t_x: 5.0,
                    t: 4.0,
                },
            )
            .unwrap_err();
        assert_eq!(e.path(), "customer");
        // A horizon far beyond the customer's age converges or says so, never NaN.
        let long = CDNOW.expected_purchases(1e9, c);
        assert!(long.as_ref().map_or(true, |v| v.is_finite()), "{long:?}");
    }

    #[test]
    fn grouped_likelihood_and_gradient_match_per_customer_sums_and_finite_differences() {
        let customers = [
            Rfm {
                x: 0.0,
                t_x: 0.0,
                t: 38.86,
            },
            Rfm {
                x: 0.0,
                t_x: 0.0,
                t: 38.86,
            },
            Rfm {
                x: 2.0,
                t_x: 30.43,
                t: 38.86,
            },
            Rfm {
                x: 1.0,
                t_x: 1.71,
                t: 38.86,
            },
            Rfm {
                x: 2.0,
                t_x: 30.43,
                t: 38.86,
            },
            Rfm {
                x: 7.0,
                t_x: 29.0,
                t: 32.0,
            },
        ];
        let data = Triples::new(&customers);
        assert_eq!((data.len(), data.customers()), (4, 6.0));
        let mut g = [0.0; 4];
        let ll = CDNOW.log_likelihood_grouped(&data, &mut g);
        let direct: f64 = customers.iter().map(|&c| CDNOW.log_likelihood(c)).sum();
        assert!((ll - direct).abs() < 1e-10, "{ll} vs {direct}");
        let theta: Vec<f64> = CDNOW.to_array().iter().map(|v| v.ln()).collect();
        for i in 0..4 {
            let h = 1e-6;
            let mut up = theta.clone();
            let mut down = theta.clone();
            up[i] += h;
            down[i] -= h;
            let mut scratch = [0.0; 4];
            let fd = (from_log(&up).log_likelihood_grouped(&data, &mut scratch)
                - from_log(&down).log_likelihood_grouped(&data, &mut scratch))
                / (2.0 * h);
            assert!((fd - g[i]).abs() < 1e-6, "component {i}: {fd} vs {}", g[i]);
        }
    }
}
