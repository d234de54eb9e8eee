//! Predicted value of one customer from a fitted population [`Model`]:
//! the model's purchase model ([`Purchase`]: BG/NBD, Pareto/NBD or MBG/NBD)
//! for the purchases to come, Gamma-Gamma for their spend.
//!
//! Purchase occasions are calendar days in UTC, as in the published CDNOW
//! analyses and in [`crate::fit::summarize`]: several orders on one day are
//! one occasion whose amount is their sum.

use super::{BgNbd, GammaGamma, Interval, MbgNbd, Model, ParetoNbd, Rfm};
use crate::error::Result;
use crate::input::customer::Order;
use crate::input::time::day_of;

/// A model's purchase model: what it says of a customer's purchases to come.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Purchase {
    /// BG/NBD (Fader, Hardie & Lee 2005).
    BgNbd(BgNbd),
    /// Pareto/NBD (Schmittlein, Morrison & Colombo 1987).
    ParetoNbd(ParetoNbd),
    /// MBG/NBD (Batislam, Denizel & Filiztekin 2007).
    MbgNbd(MbgNbd),
}

impl Purchase {
    /// The four parameters, in the order of the model's JSON (and of its
    /// covariance).
    pub fn to_array(&self) -> [f64; 4] {
        match self {
            Purchase::BgNbd(m) => m.to_array(),
            Purchase::ParetoNbd(m) => m.to_array(),
            Purchase::MbgNbd(m) => m.to_array(),
        }
    }

    /// The same model with the parameters `p` (in [`Purchase::to_array`] order).
    pub fn with_array(&self, p: [f64; 4]) -> Purchase {
        let [r, alpha, c, d] = p;
        match self {
            Purchase::BgNbd(_) => Purchase::BgNbd(BgNbd {
                r,
                alpha,
                a: c,
                b: d,
            }),
            Purchase::ParetoNbd(_) => Purchase::ParetoNbd(ParetoNbd {
                r,
                alpha,
                s: c,
                beta: d,
            }),
            Purchase::MbgNbd(_) => Purchase::MbgNbd(MbgNbd {
                r,
                alpha,
                a: c,
                b: d,
            }),
        }
    }

    /// P(alive | x, t_x, T); NaN where the model cannot tell (see
    /// [`ParetoNbd::probability_alive`]).
    pub fn probability_alive(&self, c: Rfm) -> f64 {
        // MBG/NBD's is BG/NBD's formula with b + 1, without its x = 0 shortcut.
        let bg = match *self {
            Purchase::BgNbd(_) if c.x <= 0.0 => return 1.0,
            Purchase::BgNbd(m) => m,
            Purchase::MbgNbd(m) => m.shifted(),
            Purchase::ParetoNbd(m) => return m.probability_alive(c),
        };
        bg.alive_if_dropout_possible(c)
    }

    /// E[purchases in (T, T + t] | alive at T, x, T] at each horizon t.
    pub fn expected_purchases_if_alive(
        &self,
        horizons: &[f64],
        x: f64,
        age: f64,
    ) -> Result<Vec<f64>> {
        // One call of the BG/NBD series for both models that use it: it is the
        // largest function of the predictions.
        let bg = match *self {
            Purchase::BgNbd(m) => m,
            Purchase::MbgNbd(m) => m.shifted(),
            Purchase::ParetoNbd(m) => return m.expected_purchases_if_alive(horizons, x, age),
        };
        bg.expected_purchases_if_alive(horizons, x, age)
    }
}

/// What the model predicts for a customer over the scoring horizon.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Predicted {
    /// Probability that the customer is still active.
    pub probability_alive: f64,
    /// Expected purchase occasions over the horizon.
    pub expected_purchases: f64,
    /// Expected spend per occasion (Gamma-Gamma); `None` without a spend model.
    pub expected_average_spend: Option<f64>,
    /// Discounted value of the expected purchases over the horizon; `None` without a spend model.
    pub lifetime_value: Option<f64>,
    /// 90% intervals from the parameters' uncertainty (see [`super::uncertainty`]);
    /// `None` when the BG/NBD model carries no covariance.
    pub interval: Option<Interval>,
}

/// The repeat-purchase summary of a customer's orders (sorted by time) in the
/// model's time unit, and the mean amount of their repeat occasions; `None`
/// without orders.
pub fn summary(orders: &[Order<'_>], as_of: i64, unit_days: f64) -> Option<(Rfm, f64)> {
    summary_of(orders.iter().map(|o| (o.at, o.amount)), as_of, unit_days)
}

/// [`summary`] of orders given as (instant, amount), sorted by instant.
pub fn summary_of(
    orders: impl IntoIterator<Item = (i64, f64)>,
    as_of: i64,
    unit_days: f64,
) -> Option<(Rfm, f64)> {
    let mut orders = orders.into_iter().peekable();
    let first = day_of(orders.peek()?.0);
    let (mut days, mut last, mut repeat_total) = (0u32, first, 0.0);
    for (at, amount) in orders {
        let day = day_of(at);
        if day != last {
            days += 1;
            last = day;
        }
        if day != first {
            repeat_total += amount;
        }
    }
    let rfm = Rfm {
        x: f64::from(days),
        t_x: (last - first) as f64 / unit_days,
        t: (day_of(as_of) - first) as f64 / unit_days,
    };
    Some((
        rfm,
        if days == 0 {
            0.0
        } else {
            repeat_total / f64::from(days)
        },
    ))
}

/// The steps of a prediction horizon: 30-day steps from the scoring instant,
/// the last one shortened to end at the horizon, with their discount factors.
/// The same for every customer scored at one horizon, so built once per call.
#[derive(Debug, Clone, PartialEq)]
pub struct Steps {
    /// End of each step in the model's time unit (the last one is the horizon).
    pub ends: Vec<f64>,
    /// (1 + yearly rate)^(end in months): what a purchase at the step's end is discounted by.
    discount: Vec<f64>,
}

impl Steps {
    /// The steps of `horizon_days` in a model whose time unit is `unit_days` long.
    pub fn new(horizon_days: f64, unit_days: f64, yearly_discount_rate: f64) -> Steps {
        let monthly = (1.0 + yearly_discount_rate).powf(1.0 / 12.0);
        let (mut ends, mut discount) = (Vec::new(), Vec::new());
        let mut end = 0.0;
        while end < horizon_days {
            end = (end + 30.0).min(horizon_days);
            ends.push(end / unit_days);
            discount.push(monthly.powf(end / 30.0));
        }
        Steps { ends, discount }
    }

    /// The predictions of a customer with summary (`rfm`, `spend`) given
    /// `if_alive`, [`Purchase::expected_purchases_if_alive`] at [`Steps::ends`];
    /// `None` when the purchase model cannot give P(alive).
    pub fn predict(
        &self,
        purchase: &Purchase,
        gamma_gamma: Option<&GammaGamma>,
        rfm: Rfm,
        spend: f64,
        if_alive: &[f64],
    ) -> Option<Predicted> {
        let alive = purchase.probability_alive(rfm);
        if alive.is_nan() {
            return None;
        }
        let expected_average_spend =
            gamma_gamma.and_then(|g| g.conditional_expected_average_spend(rfm.x, spend));
        let lifetime_value = expected_average_spend.map(|s| {
            let (mut value, mut before) = (0.0, 0.0);
            for (if_alive, discount) in if_alive.iter().zip(&self.discount) {
                let cumulative = if_alive * alive;
                value += s * (cumulative - before) / discount;
                before = cumulative;
            }
            value
        });
        Some(Predicted {
            probability_alive: alive,
            expected_purchases: if_alive.last().map_or(0.0, |e| e * alive),
            expected_average_spend,
            lifetime_value,
            interval: None,
        })
    }
}

/// Predicts over `horizon_days`, discounting at `yearly_discount_rate`.
///
/// The lifetime value sums, month by month (30-day steps, the last one
/// shortened to end at the horizon), the expected spend times the expected
/// purchases of the step, discounted to today: with a horizon of whole months
/// it is lifetimes' `customer_lifetime_value` with the monthly rate
/// `(1 + yearly)^(1/12) − 1`. All steps come from one pass of the series
/// ([`Purchase::expected_purchases_if_alive`]). Without intervals (see
/// [`predict_with`]). `None` without orders or without a purchase model.
pub fn predict(
    orders: &[Order<'_>],
    as_of: i64,
    model: &Model,
    horizon_days: f64,
    yearly_discount_rate: f64,
) -> Option<Predicted> {
    predict_with(
        orders,
        as_of,
        model,
        horizon_days,
        yearly_discount_rate,
        false,
    )
}

/// [`predict`], with the 90% intervals when `intervals` is set (the caller
/// asked for them: they cost four more predictions, see [`super::uncertainty`])
/// and the purchase model carries the parameters' covariance.
pub fn predict_with(
    orders: &[Order<'_>],
    as_of: i64,
    model: &Model,
    horizon_days: f64,
    yearly_discount_rate: f64,
    intervals: bool,
) -> Option<Predicted> {
    if let Some(bgbb) = &model.bgbb {
        let orders = orders.iter().map(|o| (o.at, o.amount));
        let gamma_gamma = model.gamma_gamma.as_ref().map(|g| &g.params);
        return super::predict_bgbb(
            orders,
            as_of,
            bgbb,
            gamma_gamma,
            horizon_days,
            yearly_discount_rate,
        );
    }
    let (purchase, uncertainty) = model.purchase_with_uncertainty()?;
    let (rfm, spend) = summary(orders, as_of, model.unit.days())?;
    let steps = Steps::new(horizon_days, model.unit.days(), yearly_discount_rate);
    let if_alive = purchase
        .expected_purchases_if_alive(&steps.ends, rfm.x, rfm.t)
        .ok()?;
    let gamma_gamma = model.gamma_gamma.as_ref();
    let mut p = steps.predict(
        &purchase,
        gamma_gamma.map(|g| &g.params),
        rfm,
        spend,
        &if_alive,
    )?;
    if intervals {
        p.interval = super::uncertainty::interval(
            &steps,
            &purchase,
            uncertainty,
            gamma_gamma,
            rfm,
            spend,
            &p,
        );
    }
    Some(p)
}

// The tests compare with the estimation code, which is behind `fit`.
#[cfg(all(test, feature = "fit"))]
mod tests {
    use super::*;
    use crate::fit::customer_lifetime_value;
    use crate::input::time::parse_instant;
    use crate::model::{AbcCuts, Fitted, RfmEdges, Unit};

    /// Orders of (date, amount), sorted.
    fn customer(orders: &[(&str, f64)], _as_of: i64) -> Vec<Order<'static>> {
        orders
            .iter()
            .map(|&(at, amount)| Order::new(parse_instant(at).unwrap(), amount))
            .collect()
    }

    #[test]
    fn occasions_are_utc_days() {
        // CDNOW sample customer 1 (ID 4 in the master file): 1997-01-01, 01-18, 08-02 and 12-12;
        // as of 1997-09-30: x = 2, t_x = 213 days = 30.43 weeks, T = 272 days = 38.86 weeks,
        // repeat spend (29.73 + 14.96) / 2 = 22.345 (the summary file's 22.35)
        let as_of = parse_instant("1997-09-30T23:59:59.999Z").unwrap();
        let c = customer(
            &[
                ("1997-01-01", 29.33),
                ("1997-01-18", 29.73),
                ("1997-08-02", 14.96),
            ],
            as_of,
        );
        let (rfm, spend) = summary(&c, as_of, 7.0).unwrap();
        assert_eq!(rfm.x, 2.0);
        assert!((rfm.t_x - 213.0 / 7.0).abs() < 1e-12 && (rfm.t - 272.0 / 7.0).abs() < 1e-12);
        assert!((spend - 22.345).abs() < 1e-12);
        let same_day = customer(
            &[("1997-01-01T09:00Z", 1.0), ("1997-01-01T18:00Z", 2.0)],
            as_of,
        );
        assert_eq!(
            summary(&same_day, as_of, 7.0).unwrap(),
            (
                Rfm {
                    x: 0.0,
                    t_x: 0.0,
                    t: 272.0 / 7.0
                },
                0.0
            )
        );
    }

    fn model(unit: Unit, alpha: f64) -> Model {
        Model {
            version: 1,
            unit,
            as_of: "1997-09-30".into(),
            customers: 1,
            abc: AbcCuts {
                a: 100.0,
                b: 50.0,
                customer_share: [0.05, 0.15, 0.8],
                value_share: [0.5, 0.3, 0.2],
            },
            rfm: RfmEdges {
                recency: [1.0, 2.0, 3.0, 4.0],
                frequency: [1.0, 2.0, 3.0, 4.0],
                monetary: [1.0, 2.0, 3.0, 4.0],
            },
            bgnbd: Some(Fitted {
                params: BgNbd {
                    r: 0.243,
                    alpha,
                    a: 0.793,
                    b: 2.426,
                },
                log_likelihood: None,
                converged: true,
                uncertainty: None,
            }),
            pareto_nbd: None,
            mbg_nbd: None,
            gamma_gamma: Some(Fitted {
                params: GG,
                log_likelihood: None,
                converged: true,
                uncertainty: None,
            }),
            satisfaction: None,
            bgbb: None,
        }
    }

    const GG: GammaGamma = GammaGamma {
        p: 6.25,
        q: 3.74,
        v: 15.44,
    };

    #[test]
    fn whole_months_match_lifetimes_clv() {
        let as_of = parse_instant("1997-09-30").unwrap();
        let c = customer(
            &[
                ("1997-01-01", 29.33),
                ("1997-01-18", 29.73),
                ("1997-08-02", 14.96),
            ],
            as_of,
        );
        // 12 months of 30 days at 1% a month, as lifetimes computes it on a model in days
        // (the same model: α scales with the time unit, r, a and b do not)
        let weeks = predict(
            &c,
            as_of,
            &model(Unit::Weeks, 4.414),
            360.0,
            1.01f64.powi(12) - 1.0,
        )
        .unwrap();
        let (rfm_days, spend) = summary(&c, as_of, 1.0).unwrap();
        let in_days = BgNbd {
            r: 0.243,
            alpha: 4.414 * 7.0,
            a: 0.793,
            b: 2.426,
        };
        let reference =
            customer_lifetime_value(&in_days, &GG, Unit::Days, rfm_days, spend, 12, 0.01).unwrap();
        let ltv = weeks.lifetime_value.unwrap();
        assert!(
            (ltv - reference).abs() < 1e-9 * reference,
            "{ltv} vs {reference}"
        );
        assert_eq!(
            weeks.expected_average_spend,
            GG.conditional_expected_average_spend(2.0, spend)
        );
        assert!(weeks.probability_alive > 0.0 && weeks.probability_alive < 1.0);
        let days = predict(&c, as_of, &model(Unit::Days, 4.414 * 7.0), 360.0, 0.1).unwrap();
        assert!((days.expected_purchases - weeks.expected_purchases).abs() < 1e-9);
    }
}
