//! Columnar transactions: one array per field (customer index, instant,
//! amount, optional cost), the shape a CSV loader or a database query
//! produces. This module checks the columns, turns validated customers into
//! columns for the fit, and scores every customer of a columnar base with a
//! [`Scorer`] into columns of results ([`score_columns`]), without building
//! one result object per customer.
//!
//! Customers are dense indexes `0..customers`; a customer's orders are the
//! rows with their index up to `asOf` (later rows are ignored).

use crate::error::{Error, ErrorCode, Result};
use crate::fit::{check_len, Transactions};
use crate::input::customer::{Customer, Order};
use crate::input::json::Json;
use crate::input::time::{day_of, expect_instant, whole_days};
use crate::model::predict::summary_of;
use crate::model::{predict_bgbb, Model, Steps};
use crate::scoring::value::{rfm, AbcClass};
use crate::scoring::{ScoreOptions, Scorer};
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

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
            expect_instant(&Json::Num(ms), "")
                .or_else(|_| expect_instant(&Json::Num(ms), &format!("at[{i}]")))
        })
        .collect()
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
    pub fn from_customers(customers: &[Customer<'_>]) -> Result<OwnedColumns> {
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

/// How [`score_columns`] scores.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ColumnOptions {
    /// The instant and the prediction horizon, as for [`Scorer::score`].
    pub score: ScoreOptions,
    /// Number of customers: indexes `0..customers`.
    pub customers: usize,
    /// Whether to evaluate the segments (the slow part: every customer is scored in full).
    pub segments: bool,
}

/// The scores of every customer of a columnar base, one entry per customer
/// index; each entry is the field of the same name that [`Scorer::score`]
/// gives the customer with the index's orders. Missing values are NaN
/// (numbers) or 0 (codes).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ColumnScores {
    /// `value.recencyDays`.
    pub recency_days: Vec<f64>,
    /// `value.frequency`.
    pub frequency: Vec<u32>,
    /// `value.monetary`.
    pub monetary: Vec<f64>,
    /// `value.abc`: 1 = A, 2 = B, 3 = C, 4 = D.
    pub abc: Vec<u8>,
    /// `value.rfm.r`.
    pub rfm_r: Vec<u8>,
    /// `value.rfm.f`.
    pub rfm_f: Vec<u8>,
    /// `value.rfm.m`.
    pub rfm_m: Vec<u8>,
    /// `value.predicted.probabilityAlive`.
    pub probability_alive: Vec<f64>,
    /// `value.predicted.expectedPurchases`.
    pub expected_purchases: Vec<f64>,
    /// `value.predicted.expectedAverageSpend`.
    pub expected_average_spend: Vec<f64>,
    /// `value.predicted.lifetimeValue`.
    pub lifetime_value: Vec<f64>,
    /// Words per customer in `segments`: ⌈segments / 32⌉.
    pub words: usize,
    /// With [`ColumnOptions::segments`]: bit `i % 32` of word `i / 32` of a
    /// customer's words is set when they are in segment `i` of the scorer's
    /// library ([`crate::scoring::segments::Library::definitions`]), as in [`crate::scoring::segments::batch`].
    pub segments: Option<Vec<u32>>,
}

/// Scores every customer of `tx` with `scorer`, equal field for field to
/// [`Scorer::score`] on a customer whose orders are the rows of their index
/// up to `asOf` (with a cost when the columns have costs, and no survey,
/// complaints or returns).
///
/// The model's predictions depend on a customer's repeat purchases x, age T
/// and recency t_x; the series of the expected purchases of a customer alive
/// ([`crate::model::Purchase::expected_purchases_if_alive`]) depends only on
/// (x, T), so it is summed once per distinct pair for every 30-day step of
/// the horizon, and each customer costs a few arithmetic operations more.
///
/// `progress` receives the share of customers scored, from 0 to 1. Errors: a
/// horizon outside 0 to 3,650 days (path `options.horizonDays`),
/// more customers than `limits.maxBatch` (`TooLarge`, path `customers`), a
/// customer with more rows than `limits.maxOrders` (`TooLarge`, path `customer`),
/// columns of different lengths, a customer index ≥ `customers` (path
/// `customer[i]`), an amount or cost that is not a finite number from 0 to
/// 10¹⁵ (`amount[i]` / `cost[i]`).
pub fn score_columns(
    scorer: &Scorer,
    tx: &Transactions<'_>,
    options: &ColumnOptions,
    progress: &mut dyn FnMut(f64),
) -> Result<ColumnScores> {
    let score = options.score.checked()?;
    let customers = options.customers;
    let max = scorer.config().limits.max_batch;
    if customers > max {
        let msg = format!("expected at most {max} customers (limits.maxBatch), got {customers}");
        return Err(Error::new(ErrorCode::TooLarge, "customers", msg));
    }
    let rows = rows_by_customer(tx, customers)?;
    let max_orders = scorer.config().limits.max_orders;
    if let Some(c) = (0..customers).find(|&c| rows.start[c + 1] - rows.start[c] > max_orders) {
        let msg = format!(
            "customer {c} has {} transactions, more than limits.maxOrders ({max_orders}), as a customer object may have orders",
            rows.start[c + 1] - rows.start[c]
        );
        return Err(Error::new(ErrorCode::TooLarge, "customer", msg));
    }
    let config = scorer.config();
    let model = config.model.as_ref();
    let abc = config
        .abc
        .map(|a| (a.a, a.b, a.per_order))
        .or(model.map(|m| (m.abc.a, m.abc.b, 0.0)));
    let edges = config.rfm.as_ref().or(model.map(|m| &m.rfm));
    let purchase = model.and_then(Model::purchase);
    let gamma_gamma = model
        .and_then(|m| m.gamma_gamma.as_ref())
        .map(|f| &f.params);
    let unit_days = model.map_or(1.0, |m| m.unit.days());
    let steps = Steps::new(score.horizon_days, unit_days, config.lifetime.discount_rate);
    let margin_rate = config.lifetime.margin_rate;
    let segment_scorer = options.segments.then(|| scorer.without_predictions());
    let words = scorer.segments().definitions().len().div_ceil(32).max(1);

    let mut out = ColumnScores {
        recency_days: vec![f64::NAN; customers],
        frequency: vec![0; customers],
        monetary: vec![0.0; customers],
        abc: vec![0; customers],
        rfm_r: vec![0; customers],
        rfm_f: vec![0; customers],
        rfm_m: vec![0; customers],
        probability_alive: vec![f64::NAN; customers],
        expected_purchases: vec![f64::NAN; customers],
        expected_average_spend: vec![f64::NAN; customers],
        lifetime_value: vec![f64::NAN; customers],
        words,
        segments: options.segments.then(|| vec![0; customers * words]),
    };
    // E[purchases | alive] at every step, per (x, T in days).
    let mut if_alive: HashMap<(u32, i64), Option<Vec<f64>>, BuildHasherDefault<FxHasher>> =
        HashMap::default();
    let cost = |i: usize| tx.cost.map(|k| k[i]);
    let mut mine: Vec<usize> = Vec::new();
    for c in 0..customers {
        if c % 4096 == 0 {
            progress(c as f64 / customers as f64);
        }
        mine.clear();
        rows.extend(c, &mut mine, |i| tx.at_ms[i] <= score.as_of);
        // The order of Customer::from_json, so that sums add in the same order.
        mine.sort_unstable_by(|&i, &j| {
            tx.at_ms[i]
                .cmp(&tx.at_ms[j])
                .then(tx.amount[i].total_cmp(&tx.amount[j]))
                .then(cost(i).map(f64::to_bits).cmp(&cost(j).map(f64::to_bits)))
        });
        let mut predicted = None;
        let frequency = mine.len() as u32;
        let monetary: f64 = mine.iter().map(|&i| tx.amount[i]).sum();
        let historic: f64 = mine
            .iter()
            .map(|&i| cost(i).map_or(tx.amount[i] * margin_rate, |k| tx.amount[i] - k))
            .sum();
        out.frequency[c] = frequency;
        // + 0.0: an empty sum is −0.0, which the object path writes as 0.
        out.monetary[c] = monetary + 0.0;
        if let Some((a, b, per_order)) = abc {
            out.abc[c] = abc_code(abc_class(historic, a, b, per_order * f64::from(frequency)));
        }
        if let Some(&last) = mine.last() {
            let recency = f64::from(whole_days(tx.at_ms[last], score.as_of));
            out.recency_days[c] = recency;
            if let Some(edges) = edges {
                let s = rfm(recency, f64::from(frequency), monetary, edges);
                (out.rfm_r[c], out.rfm_f[c], out.rfm_m[c]) = (s.r, s.f, s.m);
            }
            if let Some(bb) = model.and_then(|m| m.bgbb.as_ref()) {
                let orders = mine.iter().map(|&i| (tx.at_ms[i], tx.amount[i]));
                let rate = config.lifetime.discount_rate;
                predicted = predict_bgbb(
                    orders,
                    score.as_of,
                    bb,
                    gamma_gamma,
                    score.horizon_days,
                    rate,
                );
            } else if let Some(p) = &purchase {
                let orders = mine.iter().map(|&i| (tx.at_ms[i], tx.amount[i]));
                if let Some((summary, spend)) = summary_of(orders, score.as_of, unit_days) {
                    let key = (
                        summary.x as u32,
                        day_of(score.as_of) - day_of(tx.at_ms[mine[0]]),
                    );
                    let steps_alive = if_alive.entry(key).or_insert_with(|| {
                        p.expected_purchases_if_alive(&steps.ends, summary.x, summary.t)
                            .ok()
                    });
                    predicted = steps_alive
                        .as_ref()
                        .and_then(|e| steps.predict(p, gamma_gamma, summary, spend, e));
                }
            }
            if let Some(p) = &predicted {
                out.probability_alive[c] = p.probability_alive;
                out.expected_purchases[c] = p.expected_purchases;
                out.expected_average_spend[c] = p.expected_average_spend.unwrap_or(f64::NAN);
                out.lifetime_value[c] = p.lifetime_value.unwrap_or(f64::NAN);
            }
        }
        if let (Some(segment_scorer), Some(bits)) = (&segment_scorer, &mut out.segments) {
            let id = c.to_string();
            let customer = Customer::with_orders(&id, mine.iter().map(|&i| order(tx, i)).collect());
            let words = &mut bits[c * out.words..(c + 1) * out.words];
            segment_scorer.segments_predicted(&customer, score, predicted, |i| {
                words[i / 32] |= 1 << (i % 32)
            });
        }
    }
    progress(1.0);
    Ok(out)
}

/// The ABC class of `value::value`: A from `a`, B from `b`, D when the cost
/// to serve exceeds the value or the value is negative, else C.
fn abc_class(historic: f64, a: f64, b: f64, cost_to_serve: f64) -> AbcClass {
    if historic >= a {
        AbcClass::A
    } else if historic >= b {
        AbcClass::B
    } else if cost_to_serve > historic || historic < 0.0 {
        AbcClass::D
    } else {
        AbcClass::C
    }
}

/// A class's code in the columns: 1 + its index (0 is missing).
fn abc_code(class: AbcClass) -> u8 {
    class.code() + 1
}

fn order(tx: &Transactions<'_>, i: usize) -> Order<'static> {
    Order {
        cost: tx.cost.map(|k| k[i]),
        ..Order::new(tx.at_ms[i], tx.amount[i])
    }
}

/// Rows grouped by customer: customer `c`'s rows are `order[start[c]..start[c + 1]]`,
/// or that range itself when the rows come grouped by customer (as an export
/// sorted by customer gives them) and `order` is `None`.
struct Rows {
    start: Vec<usize>,
    order: Option<Vec<usize>>,
}

impl Rows {
    /// Appends customer `c`'s rows that pass `keep` to `out`.
    fn extend(&self, c: usize, out: &mut Vec<usize>, keep: impl Fn(usize) -> bool) {
        let range = self.start[c]..self.start[c + 1];
        match &self.order {
            Some(order) => out.extend(order[range].iter().copied().filter(|&i| keep(i))),
            None => out.extend(range.filter(|&i| keep(i))),
        }
    }
}

/// FxHash's multiply-rotate step: the (x, T) cache is looked up once per
/// customer, and SipHash, the standard map's default, costs more than the lookup.
#[derive(Default)]
struct FxHasher(u64);

impl Hasher for FxHasher {
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.write_u64(u64::from(b));
        }
    }

    fn write_u64(&mut self, v: u64) {
        self.0 = (self.0.rotate_left(5) ^ v).wrapping_mul(0x517c_c1b7_2722_0a95);
    }

    fn write_u32(&mut self, v: u32) {
        self.write_u64(u64::from(v));
    }

    fn write_i64(&mut self, v: i64) {
        self.write_u64(v as u64);
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

/// Checks the columns and groups their rows by customer index.
fn rows_by_customer(tx: &Transactions<'_>, customers: usize) -> Result<Rows> {
    let n = tx.customer.len();
    tx.check("at")?;
    if let Some(i) = tx.customer.iter().position(|&c| c as usize >= customers) {
        let msg = match customers {
            0 => format!(
                "expected no transactions, since the options say there are no customers (customers: 0), got one of customer {}",
                tx.customer[i]
            ),
            _ => format!(
                "expected a customer index from 0 to {} (customers: {customers}), got {}",
                customers - 1,
                tx.customer[i]
            ),
        };
        return Err(Error::new(
            ErrorCode::OutOfRange,
            format!("customer[{i}]"),
            msg,
        ));
    }
    if tx.customer.windows(2).all(|w| w[0] <= w[1]) {
        let mut start = Vec::with_capacity(customers + 1);
        let mut i = 0;
        for c in 0..=customers {
            while i < n && (tx.customer[i] as usize) < c {
                i += 1;
            }
            start.push(i);
        }
        return Ok(Rows { start, order: None });
    }
    // A counting sort, linear in the rows.
    let mut start = vec![0usize; customers + 1];
    for &c in tx.customer {
        start[c as usize + 1] += 1;
    }
    for c in 0..customers {
        start[c + 1] += start[c];
    }
    let mut next = start.clone();
    let mut order = vec![0usize; n];
    for (i, &c) in tx.customer.iter().enumerate() {
        order[next[c as usize]] = i;
        next[c as usize] += 1;
    }
    Ok(Rows {
        start,
        order: Some(order),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::json::Json;
    use crate::input::time::DAY_MS as DAY;

    fn options(customers: usize) -> ColumnOptions {
        ColumnOptions {
            score: ScoreOptions {
                as_of: 400 * DAY,
                horizon_days: 365.0,
            },
            customers,
            segments: false,
        }
    }

    fn scorer(config: &str) -> Scorer {
        Scorer::new(&Json::parse(config).unwrap()).unwrap()
    }

    #[test]
    fn bad_columns_are_errors_with_paths() {
        let s = scorer("{}");
        let tx = |customer: &'static [u32], at_ms: &'static [i64], amount: &'static [f64]| {
            Transactions {
                customer,
                at_ms,
                amount,
                cost: None,
            }
        };
        let e = score_columns(
            &s,
            &tx(&[0, 5], &[0, 0], &[1.0, 1.0]),
            &options(2),
            &mut |_| {},
        )
        .unwrap_err();
        assert_eq!((e.code(), e.path()), (ErrorCode::OutOfRange, "customer[1]"));
        let e =
            score_columns(&s, &tx(&[0], &[0], &[f64::NAN]), &options(1), &mut |_| {}).unwrap_err();
        assert_eq!((e.code(), e.path()), (ErrorCode::NotFinite, "amount[0]"));
        let e = score_columns(&s, &tx(&[0], &[0], &[-1.0]), &options(1), &mut |_| {}).unwrap_err();
        assert_eq!((e.code(), e.path()), (ErrorCode::OutOfRange, "amount[0]"));
        let e = score_columns(
            &s,
            &tx(&[0, 0], &[0], &[1.0, 1.0]),
            &options(1),
            &mut |_| {},
        )
        .unwrap_err();
        assert_eq!(e.path(), "at");
        let long = ColumnOptions {
            score: ScoreOptions {
                as_of: 0,
                horizon_days: 4000.0,
            },
            ..options(1)
        };
        assert_eq!(
            score_columns(&s, &tx(&[0], &[0], &[1.0]), &long, &mut |_| {})
                .unwrap_err()
                .path(),
            "options.horizonDays"
        );
        let capped = scorer(r#"{"limits": {"maxBatch": 2}}"#);
        let e = score_columns(&capped, &tx(&[], &[], &[]), &options(3), &mut |_| {}).unwrap_err();
        assert_eq!((e.code(), e.path()), (ErrorCode::TooLarge, "customers"));
        // The caps of customer objects hold for columns too: amounts up to 1e15
        // (two rows of 1e308 summed to an infinite monetary value before), and
        // limits.maxOrders rows per customer.
        let e = score_columns(
            &s,
            &tx(&[0, 0], &[0, 0], &[1e308, 1e308]),
            &options(1),
            &mut |_| {},
        )
        .unwrap_err();
        assert_eq!((e.code(), e.path()), (ErrorCode::OutOfRange, "amount[0]"));
        assert_eq!(
            e.message(),
            "expected a number of at most 1000000000000000, got 1e+308"
        );
        assert!(score_columns(&s, &tx(&[0], &[0], &[1e15]), &options(1), &mut |_| {}).is_ok());
        let few = scorer(r#"{"limits": {"maxOrders": 2}}"#);
        let e = score_columns(
            &few,
            &tx(&[0, 1, 1, 1], &[0; 4], &[1.0; 4]),
            &options(2),
            &mut |_| {},
        )
        .unwrap_err();
        assert_eq!((e.code(), e.path()), (ErrorCode::TooLarge, "customer"));
        assert!(
            e.message()
                .starts_with("customer 1 has 3 transactions, more than limits.maxOrders (2)"),
            "{e}"
        );
        assert!(score_columns(
            &few,
            &tx(&[0, 1, 1], &[0; 3], &[1.0; 3]),
            &options(2),
            &mut |_| {}
        )
        .is_ok());
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
    fn figures_by_hand() {
        // Customer 0: 10 on day 0 (cost 4), 20 on day 7 (cost 2), 99 on day 500 (after asOf, ignored);
        // customer 1: nothing; customer 2: 5 on day 390 (cost 6, a loss).
        let s = scorer(
            r#"{"abc": {"a": 100, "b": 20, "serviceCost": {"perOrder": 1}},
            "rfm": {"recency": [10, 20, 30, 400], "frequency": [1, 2, 3, 4], "monetary": [5, 10, 30, 50]}}"#,
        );
        let tx = Transactions {
            customer: &[0, 0, 0, 2],
            at_ms: &[7 * DAY + 5, 0, 500 * DAY, 390 * DAY],
            amount: &[20.0, 10.0, 99.0, 5.0],
            cost: Some(&[2.0, 4.0, 0.0, 6.0]),
        };
        let out = score_columns(&s, &tx, &options(3), &mut |_| {}).unwrap();
        assert_eq!(out.frequency, [2, 0, 1]);
        assert_eq!(out.monetary, [30.0, 0.0, 5.0]);
        // 400 − 7 days and 5 ms: 392 whole days; 10 days.
        assert_eq!((out.recency_days[0], out.recency_days[2]), (392.0, 10.0));
        assert!(out.recency_days[1].is_nan());
        // Historic value 6 + 18 = 24 ≥ b: B; no orders: 0 under b with nothing to serve, C;
        // 5 − 6 = −1 under the cost to serve of 1: D.
        assert_eq!(out.abc, [2, 3, 4]);
        // R: 392 is above 3 edges → 2; F: 2 orders → 2; M: 30 → 3 (an edge counts in the lower quintile).
        assert_eq!((out.rfm_r[0], out.rfm_f[0], out.rfm_m[0]), (2, 2, 3));
        assert_eq!((out.rfm_r[2], out.rfm_f[2], out.rfm_m[2]), (5, 1, 1));
        assert!(out.probability_alive.iter().all(|p| p.is_nan()) && out.segments.is_none());
    }

    // Issue 16, item 15: `customers: 0` said "expected a customer index below 0, got 0".
    #[test]
    fn hostile_15_customer_indexes_past_the_given_count_say_why() {
        let s = scorer("{}");
        let tx = Transactions {
            customer: &[0, 3],
            at_ms: &[0, 0],
            amount: &[1.0, 1.0],
            cost: None,
        };
        let e = score_columns(&s, &tx, &options(0), &mut |_| {})
            .err()
            .unwrap();
        assert_eq!((e.code(), e.path()), (ErrorCode::OutOfRange, "customer[0]"));
        assert_eq!(
            e.message(),
            "expected no transactions, since the options say there are no customers (customers: 0), got one of customer 0"
        );
        let e = score_columns(&s, &tx, &options(2), &mut |_| {})
            .err()
            .unwrap();
        assert_eq!(
            (e.path(), e.message()),
            (
                "customer[1]",
                "expected a customer index from 0 to 1 (customers: 2), got 3"
            )
        );
    }
}
