//! Columnar transactions: one array per field (customer index, instant,
//! amount, optional cost), the shape a CSV loader or a database query
//! produces. This module checks the columns, turns validated customers into
//! columns for the fit, and scores every customer of a columnar base against a
//! fitted [`Model`] into columns of results, without building one object per
//! customer.
//!
//! Customers are dense indexes `0..customers`; a customer without a
//! transaction up to `asOf` gets `NaN` for the figures that need one and
//! ABC class 0.

use crate::customer::Customer;
use crate::error::{Error, ErrorCode, Result};
use crate::fit::{day_of, BgNbd, Model, Rfm, Transactions};
use crate::json::{format_number, Json};
use crate::time::expect_instant;
use std::collections::HashMap;

/// Borrowed columns as they arrive from JavaScript: row `i` is
/// (`customer[i]`, `at_ms[i]`, `amount[i]`, `cost[i]`).
#[derive(Debug, Clone, Copy)]
pub struct Columns<'a> {
    /// Customer index per transaction.
    pub customer: &'a [u32],
    /// Instant per transaction, epoch milliseconds UTC (whole numbers, years 1900–2999).
    pub at_ms: &'a [f64],
    /// Amount per transaction, finite and ≥ 0.
    pub amount: &'a [f64],
    /// Optional cost per transaction, finite and ≥ 0.
    pub cost: Option<&'a [f64]>,
}

/// Checks that the columns have equal lengths and converts the instants to
/// whole milliseconds. Errors name the column (`at`, `amount`, `cost`) or the
/// row (`at[7]`); amounts and costs are checked by [`crate::fit::summarize`]
/// and [`CustomerFigures::from_transactions`].
pub fn instants(c: &Columns<'_>) -> Result<Vec<i64>> {
    let n = c.customer.len();
    check_len("at", c.at_ms.len(), n)?;
    check_len("amount", c.amount.len(), n)?;
    if let Some(cost) = c.cost {
        check_len("cost", cost.len(), n)?;
    }
    c.at_ms
        .iter()
        .enumerate()
        .map(|(i, &ms)| {
            // The row's path is formatted only for an error: 10M rows would otherwise
            // allocate 10M strings.
            expect_instant(&Json::Num(ms), "").or_else(|_| expect_instant(&Json::Num(ms), &format!("at[{i}]")))
        })
        .collect()
}

fn check_len(name: &str, len: usize, expected: usize) -> Result<()> {
    if len == expected {
        return Ok(());
    }
    let msg = format!("expected {expected} items (one per transaction, like customer), got {len}");
    Err(Error::new(ErrorCode::OutOfRange, name, msg))
}

/// Owned columns built from validated customers: customer index `i` is the
/// `i`-th customer, one row per order.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct OwnedColumns {
    /// Customer index per order.
    pub customer: Vec<u32>,
    /// Instant per order, epoch milliseconds UTC.
    pub at_ms: Vec<i64>,
    /// Amount per order.
    pub amount: Vec<f64>,
    /// Cost per order (0 where an order has none), present when any order has a cost.
    pub cost: Option<Vec<f64>>,
}

impl OwnedColumns {
    /// The orders of `customers` as columns. Errors: more than 2³² customers
    /// (`TooLarge`, path `""`).
    pub fn from_customers(customers: &[Customer]) -> Result<OwnedColumns> {
        let mut out = OwnedColumns::default();
        let with_cost = customers
            .iter()
            .any(|c| c.orders.iter().any(|o| o.cost.is_some()));
        let mut cost = Vec::new();
        for (i, c) in customers.iter().enumerate() {
            let index = u32::try_from(i).map_err(|_| {
                Error::new(
                    ErrorCode::TooLarge,
                    "",
                    format!("expected at most {} customers", u32::MAX),
                )
            })?;
            for o in &c.orders {
                out.customer.push(index);
                out.at_ms.push(o.at);
                out.amount.push(o.amount);
                if with_cost {
                    cost.push(o.cost.unwrap_or(0.0));
                }
            }
        }
        out.cost = with_cost.then_some(cost);
        Ok(out)
    }

    /// The columns as the fit's [`Transactions`].
    pub fn transactions(&self) -> Transactions<'_> {
        Transactions {
            customer: &self.customer,
            at_ms: &self.at_ms,
            amount: &self.amount,
            cost: self.cost.as_deref(),
        }
    }
}

/// Per-customer figures of a columnar base as of one day, indexed by customer.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CustomerFigures {
    /// Number of transactions up to `asOf` (RFM frequency).
    pub orders: Vec<u32>,
    /// Sum of amounts (RFM monetary).
    pub monetary: Vec<f64>,
    /// Sum of amount − cost (the ABC value; equals `monetary` without costs).
    pub margin: Vec<f64>,
    /// Calendar days from the last purchase day to the `asOf` day; NaN without a transaction.
    pub recency_days: Vec<f64>,
    /// Repeat purchase days x (distinct purchase days − 1).
    pub repeat_days: Vec<u32>,
    /// Days from the first to the last purchase day (t_x in days).
    pub first_to_last_days: Vec<u32>,
    /// Days from the first purchase day to the `asOf` day (T in days).
    pub age_days: Vec<u32>,
    /// Mean amount of the repeat purchase days (0 when there is none).
    pub monetary_value: Vec<f64>,
}

impl CustomerFigures {
    /// Summarises transactions per customer index `0..customers` as of
    /// `as_of_ms` (later transactions are ignored; purchase occasions are UTC
    /// calendar days, as in [`crate::fit::summarize`]), in time linear in the
    /// number of transactions. Errors: columns of different lengths, a customer
    /// index ≥ `customers` (path `customer[i]`), a non-finite or negative
    /// amount or cost (path `amount[i]` / `cost[i]`).
    pub fn from_transactions(
        tx: &Transactions<'_>,
        as_of_ms: i64,
        customers: usize,
    ) -> Result<CustomerFigures> {
        let n = tx.customer.len();
        check_len("at", tx.at_ms.len(), n)?;
        check_len("amount", tx.amount.len(), n)?;
        if let Some(cost) = tx.cost {
            check_len("cost", cost.len(), n)?;
        }
        for (name, column) in [("amount", Some(tx.amount)), ("cost", tx.cost)] {
            for (i, &v) in column.unwrap_or(&[]).iter().enumerate() {
                if !(v.is_finite() && v >= 0.0) {
                    let code = if v.is_finite() {
                        ErrorCode::OutOfRange
                    } else {
                        ErrorCode::NotFinite
                    };
                    let msg = format!("expected a finite number >= 0, got {}", format_number(v));
                    return Err(Error::new(code, format!("{name}[{i}]"), msg));
                }
            }
        }
        // Counting sort of the rows by customer.
        let mut start = vec![0usize; customers + 1];
        for (i, &c) in tx.customer.iter().enumerate() {
            let c = c as usize;
            if c >= customers {
                let msg = format!("expected a customer index below {customers}, got {c}");
                return Err(Error::new(
                    ErrorCode::OutOfRange,
                    format!("customer[{i}]"),
                    msg,
                ));
            }
            start[c + 1] += 1;
        }
        for c in 0..customers {
            start[c + 1] += start[c];
        }
        let mut next = start.clone();
        let mut rows = vec![0usize; n];
        for (i, &c) in tx.customer.iter().enumerate() {
            rows[next[c as usize]] = i;
            next[c as usize] += 1;
        }
        let as_of_day = day_of(as_of_ms);
        let mut out = CustomerFigures {
            orders: vec![0; customers],
            monetary: vec![0.0; customers],
            margin: vec![0.0; customers],
            recency_days: vec![f64::NAN; customers],
            repeat_days: vec![0; customers],
            first_to_last_days: vec![0; customers],
            age_days: vec![0; customers],
            monetary_value: vec![0.0; customers],
        };
        let mut days: Vec<(i64, f64)> = Vec::new();
        for c in 0..customers {
            days.clear();
            let (mut total, mut cost) = (0.0, 0.0);
            for &i in &rows[start[c]..start[c + 1]] {
                if tx.at_ms[i] > as_of_ms {
                    continue;
                }
                days.push((day_of(tx.at_ms[i]), tx.amount[i]));
                total += tx.amount[i];
                cost += tx.cost.map_or(0.0, |k| k[i]);
            }
            if days.is_empty() {
                continue;
            }
            days.sort_unstable_by_key(|d| d.0);
            let (mut distinct, mut repeat_total) = (1u32, 0.0);
            for w in days.windows(2) {
                if w[1].0 != w[0].0 {
                    distinct += 1;
                }
            }
            let first = days[0].0;
            for &(day, amount) in &days {
                if day != first {
                    repeat_total += amount;
                }
            }
            let last = days[days.len() - 1].0;
            let repeats = distinct - 1;
            let day_count = |d: i64| u32::try_from(d).unwrap_or(u32::MAX);
            out.orders[c] = u32::try_from(days.len()).unwrap_or(u32::MAX);
            out.monetary[c] = total;
            out.margin[c] = total - cost;
            out.recency_days[c] = (as_of_day - last) as f64;
            out.repeat_days[c] = repeats;
            out.first_to_last_days[c] = day_count(last - first);
            out.age_days[c] = day_count(as_of_day - first);
            out.monetary_value[c] = if repeats == 0 {
                0.0
            } else {
                repeat_total / f64::from(repeats)
            };
        }
        Ok(out)
    }

    /// Number of customers.
    pub fn len(&self) -> usize {
        self.orders.len()
    }

    /// Whether there are no customers.
    pub fn is_empty(&self) -> bool {
        self.orders.is_empty()
    }
}

/// How [`score_columns`] projects the future.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ProjectionOptions {
    /// Months of the projection of expected purchases and lifetime value (default 12).
    pub months: u32,
    /// Monthly discount rate of the lifetime value (default 0.01, as lifetimes).
    pub monthly_discount_rate: f64,
}

impl Default for ProjectionOptions {
    fn default() -> Self {
        ProjectionOptions {
            months: 12,
            monthly_discount_rate: 0.01,
        }
    }
}

/// Model-based scores of every customer of a columnar base, one column per figure.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ColumnScores {
    /// The summaries the scores are computed from.
    pub figures: CustomerFigures,
    /// ABC class: 1 = A, 2 = B, 3 = C by the model's thresholds on margin; 0 without a transaction.
    pub abc: Vec<u8>,
    /// RFM scores 1–5 by the model's quintile edges; 0 without a transaction.
    pub rfm_r: Vec<u8>,
    /// F score, see `rfm_r`.
    pub rfm_f: Vec<u8>,
    /// M score, see `rfm_r`.
    pub rfm_m: Vec<u8>,
    /// BG/NBD probability of being alive; NaN without a transaction or a BG/NBD model.
    pub probability_alive: Vec<f64>,
    /// BG/NBD expected purchases over the projection; NaN as above.
    pub expected_purchases: Vec<f64>,
    /// Discounted lifetime value over the projection (needs BG/NBD and Gamma-Gamma); NaN otherwise.
    pub lifetime_value: Vec<f64>,
}

/// Scores every customer of `figures` with `model`.
///
/// Expected purchases are [`BgNbd::expected_purchases`]: the probability of
/// being alive, which depends on (x, t_x, T), times the expected purchases of
/// a customer alive, which depends only on (x, T) and is computed once per
/// distinct pair, at all monthly horizons in one pass
/// ([`BgNbd::expected_purchases_if_alive`]). The lifetime value is the
/// Gamma-Gamma expected spend times the discounted monthly expected
/// purchases, which equals [`customer_lifetime_value`](crate::fit::customer_lifetime_value).
/// Errors: a projection too long for the model (`OutOfRange`, path
/// `options.months`) or a negative discount rate (path `options.discountRate`).
pub fn score_columns(
    model: &Model,
    figures: CustomerFigures,
    options: &ProjectionOptions,
) -> Result<ColumnScores> {
    if !(options.monthly_discount_rate.is_finite() && options.monthly_discount_rate >= 0.0) {
        let msg = format!(
            "expected a monthly discount rate >= 0, got {}",
            format_number(options.monthly_discount_rate)
        );
        return Err(Error::new(
            ErrorCode::OutOfRange,
            "options.discountRate",
            msg,
        ));
    }
    let n = figures.len();
    let mut s = ColumnScores {
        abc: vec![0; n],
        rfm_r: vec![0; n],
        rfm_f: vec![0; n],
        rfm_m: vec![0; n],
        probability_alive: vec![f64::NAN; n],
        expected_purchases: vec![f64::NAN; n],
        lifetime_value: vec![f64::NAN; n],
        ..ColumnScores::default()
    };
    let unit = model.unit.days();
    let month = model.unit.per_month();
    let horizons: Vec<f64> = (1..=options.months).map(|i| f64::from(i) * month).collect();
    let discount: Vec<f64> = (1..=options.months)
        .map(|i| (1.0 + options.monthly_discount_rate).powf(f64::from(i)))
        .collect();
    // (expected purchases over the projection, discounted monthly expected
    // purchases) of a customer alive, per (x, T in days).
    let mut cache: HashMap<(u32, u32), (f64, f64)> = HashMap::new();
    for c in 0..n {
        let f = &figures;
        if f.orders[c] == 0 {
            continue;
        }
        let margin = f.margin[c];
        s.abc[c] = if margin >= model.abc.a {
            1
        } else if margin >= model.abc.b {
            2
        } else {
            3
        };
        s.rfm_r[c] = model.rfm.recency_score(f.recency_days[c]);
        s.rfm_f[c] = model.rfm.frequency_score(f64::from(f.orders[c]));
        s.rfm_m[c] = model.rfm.monetary_score(f.monetary[c]);
        let Some(bg) = &model.bgnbd else { continue };
        let key = (f.repeat_days[c], f.age_days[c]);
        let rfm = Rfm {
            x: f64::from(key.0),
            t_x: f64::from(f.first_to_last_days[c]) / unit,
            t: f64::from(key.1) / unit,
        };
        let (expected, discounted) = match cache.get(&key) {
            Some(v) => *v,
            None => {
                let v = project_if_alive(&bg.params, rfm, &horizons, &discount)?;
                cache.insert(key, v);
                v
            }
        };
        let alive = bg.params.probability_alive(rfm);
        s.probability_alive[c] = alive;
        s.expected_purchases[c] = expected * alive;
        if let Some(gg) = &model.gamma_gamma {
            let spend = gg
                .params
                .conditional_expected_average_spend(rfm.x, f.monetary_value[c]);
            s.lifetime_value[c] = spend.map_or(f64::NAN, |spend| spend * discounted * alive);
        }
    }
    s.figures = figures;
    Ok(s)
}

/// (E[purchases over the projection], Σ discounted monthly expected purchases)
/// of a customer alive with x repeat purchases at age T (`c.t_x` is not used).
fn project_if_alive(bg: &BgNbd, c: Rfm, horizons: &[f64], discount: &[f64]) -> Result<(f64, f64)> {
    let cumulative = bg
        .expected_purchases_if_alive(horizons, c.x, c.t)
        .map_err(|e| Error::new(e.code(), "options.months", e.message()))?;
    let (mut before, mut discounted) = (0.0, 0.0);
    for (e, d) in cumulative.iter().zip(discount) {
        discounted += (e - before) / d;
        before = *e;
    }
    Ok((before, discounted))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fit::{customer_lifetime_value, AbcCuts, Fitted, GammaGamma, RfmEdges, Unit};
    use crate::time::DAY_MS as DAY;

    /// The per-customer lifetime value of [`customer_lifetime_value`].
    fn reference_value(model: &Model, c: Rfm, m: f64, o: &ProjectionOptions) -> f64 {
        let (bg, gg) = (
            model.bgnbd.as_ref().unwrap(),
            model.gamma_gamma.as_ref().unwrap(),
        );
        customer_lifetime_value(
            &bg.params,
            &gg.params,
            model.unit,
            c,
            m,
            o.months,
            o.monthly_discount_rate,
        )
        .unwrap()
    }

    fn model() -> Model {
        Model {
            version: 1,
            unit: Unit::Weeks,
            as_of: "1997-09-30".into(),
            customers: 3,
            abc: AbcCuts {
                a: 100.0,
                b: 20.0,
                customer_share: [0.0; 3],
                value_share: [0.0; 3],
            },
            rfm: RfmEdges {
                recency: [7.0, 14.0, 30.0, 60.0],
                frequency: [1.0, 2.0, 3.0, 4.0],
                monetary: [10.0, 20.0, 50.0, 100.0],
            },
            bgnbd: Some(Fitted {
                params: BgNbd {
                    r: 0.243,
                    alpha: 4.414,
                    a: 0.793,
                    b: 2.426,
                },
                log_likelihood: None,
                converged: true,
            }),
            gamma_gamma: Some(Fitted {
                params: GammaGamma {
                    p: 6.25,
                    q: 3.74,
                    v: 15.44,
                },
                log_likelihood: None,
                converged: true,
            }),
            satisfaction: None,
        }
    }

    #[test]
    fn figures_group_days_and_ignore_later_transactions() {
        // Customer 0: days 0, 7 (two rows), 14; customer 2: one row after asOf; customer 1: day 3.
        let customer = [0, 0, 2, 0, 1, 0];
        let at_ms = [0, 7 * DAY, 40 * DAY, 7 * DAY + 5, 3 * DAY, 14 * DAY];
        let amount = [10.0, 20.0, 99.0, 5.0, 8.0, 15.0];
        let cost = [1.0, 2.0, 0.0, 0.5, 0.0, 1.5];
        let tx = Transactions {
            customer: &customer,
            at_ms: &at_ms,
            amount: &amount,
            cost: Some(&cost),
        };
        let f = CustomerFigures::from_transactions(&tx, 28 * DAY, 3).unwrap();
        assert_eq!(f.orders, [4, 1, 0]);
        assert_eq!(f.repeat_days, [2, 0, 0]);
        assert_eq!(
            (f.first_to_last_days[0], f.age_days[0], f.recency_days[0]),
            (14, 28, 14.0)
        );
        assert_eq!(f.monetary_value[0], 20.0);
        assert_eq!((f.monetary[0], f.margin[0]), (50.0, 45.0));
        assert!(f.recency_days[2].is_nan());
    }

    #[test]
    fn bad_columns_are_errors_with_paths() {
        let e = CustomerFigures::from_transactions(
            &Transactions {
                customer: &[0, 5],
                at_ms: &[0, 0],
                amount: &[1.0, 1.0],
                cost: None,
            },
            0,
            2,
        )
        .unwrap_err();
        assert_eq!((e.code(), e.path()), (ErrorCode::OutOfRange, "customer[1]"));
        let e = CustomerFigures::from_transactions(
            &Transactions {
                customer: &[0],
                at_ms: &[0],
                amount: &[f64::NAN],
                cost: None,
            },
            0,
            1,
        )
        .unwrap_err();
        assert_eq!((e.code(), e.path()), (ErrorCode::NotFinite, "amount[0]"));
        let c = Columns {
            customer: &[0, 0],
            at_ms: &[0.0, 1.5],
            amount: &[1.0, 1.0],
            cost: None,
        };
        assert_eq!(instants(&c).unwrap_err().path(), "at[1]");
        let c = Columns {
            customer: &[0, 0],
            at_ms: &[0.0],
            amount: &[1.0, 1.0],
            cost: None,
        };
        assert_eq!(instants(&c).unwrap_err().path(), "at");
    }

    #[test]
    fn scores_match_the_per_customer_formulas() {
        let customer = [0, 0, 0, 1];
        let at_ms = [0, 70 * DAY, 200 * DAY, 100 * DAY];
        let amount = [30.0, 25.0, 20.0, 500.0];
        let tx = Transactions {
            customer: &customer,
            at_ms: &at_ms,
            amount: &amount,
            cost: None,
        };
        let m = model();
        let o = ProjectionOptions::default();
        let s = score_columns(
            &m,
            CustomerFigures::from_transactions(&tx, 272 * DAY, 3).unwrap(),
            &o,
        )
        .unwrap();
        assert_eq!(s.abc, [2, 1, 0]);
        assert_eq!((s.rfm_r[0], s.rfm_f[0], s.rfm_m[0]), (1, 3, 4));
        let c = Rfm {
            x: 2.0,
            t_x: 200.0 / 7.0,
            t: 272.0 / 7.0,
        };
        let bg = m.bgnbd.as_ref().unwrap().params;
        assert!((s.probability_alive[0] - bg.probability_alive(c)).abs() < 1e-15);
        let expected = bg.expected_purchases(12.0 * 4.345, c).unwrap();
        assert!((s.expected_purchases[0] - expected).abs() < 1e-12);
        let clv = reference_value(&m, c, 22.5, &o);
        assert!(
            (s.lifetime_value[0] - clv).abs() < 1e-9 * clv,
            "{} vs {clv}",
            s.lifetime_value[0]
        );
        assert!(s.probability_alive[2].is_nan() && s.lifetime_value[2].is_nan());
        let bad = ProjectionOptions {
            monthly_discount_rate: -1.0,
            ..o
        };
        let e = score_columns(&m, CustomerFigures::default(), &bad).unwrap_err();
        assert_eq!(e.path(), "options.discountRate");
    }
}
