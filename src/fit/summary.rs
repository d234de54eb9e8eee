//! Transactions → per-customer summaries (frequency, recency, T, monetary value).
//!
//! The definitions are those of `lifetimes.utils.summary_data_from_transaction_data`
//! (Davidson-Pilon, lifetimes 0.11): purchase occasions are calendar days,
//! times are whole days between calendar dates divided by the unit length.

use crate::error::{Error, ErrorCode, Result};
use crate::input::json::check_quantity;
use crate::input::time::day_of;
use crate::model::Unit;
use serde::Serialize;

/// Columnar transactions: row `i` is (`customer[i]`, `at_ms[i]`, `amount[i]`, `cost[i]`).
#[derive(Debug, Clone, Copy)]
pub struct Transactions<'a> {
    /// Customer id per transaction.
    pub customer: &'a [u32],
    /// Instant of the transaction, epoch milliseconds UTC.
    pub at_ms: &'a [i64],
    /// Amount (revenue), finite and ≥ 0.
    pub amount: &'a [f64],
    /// Optional cost per transaction; when present, ABC ranks customers by margin (amount − cost).
    pub cost: Option<&'a [f64]>,
}

/// One customer's summary at `as_of`.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CustomerSummary {
    /// The customer id.
    pub customer: u32,
    /// Repeat purchase occasions: distinct purchase days − 1 (BG/NBD's x).
    pub frequency: u32,
    /// First to last purchase day, in the unit (BG/NBD's t_x).
    pub recency: f64,
    /// First purchase day to the `as_of` day, in the unit (BG/NBD's T).
    pub t: f64,
    /// Mean amount of the repeat occasions (an occasion's amount is the sum of
    /// its day's transactions); 0 when frequency = 0 (Gamma-Gamma's m).
    pub monetary_value: f64,
    /// Sum of all amounts up to `as_of`, first purchase included (RFM monetary).
    pub total_amount: f64,
    /// Sum of amount − cost up to `as_of` (equals `total_amount` without costs): the ABC value.
    pub total_margin: f64,
    /// Number of transactions up to `as_of` (RFM frequency).
    pub orders: u32,
    /// Whole days from the last purchase day to the `as_of` day (RFM recency).
    pub days_since_last: u32,
}

/// Summarises transactions per customer as of `as_of_ms`, sorted by customer id.
///
/// Transactions at instants after `as_of_ms` are ignored (pass the end of a
/// day, e.g. `23:59:59.999`, to include that whole day, as lifetimes'
/// `observation_period_end` does). Several transactions of a customer on one
/// UTC day form one occasion whose amount is their sum. Errors: columns of
/// different lengths, a non-finite or negative amount or cost (path `amount[i]`
/// / `cost[i]`).
pub fn summarize(tx: &Transactions<'_>, as_of_ms: i64, unit: Unit) -> Result<Vec<CustomerSummary>> {
    let n = tx.customer.len();
    tx.check("at_ms")?;
    let as_of_day = day_of(as_of_ms);
    let mut rows: Vec<usize> = (0..n).filter(|&i| tx.at_ms[i] <= as_of_ms).collect();
    let key = |i: usize| (tx.customer[i], day_of(tx.at_ms[i]));
    // Exports usually come sorted by customer and date: checking is linear, sorting
    // 10M rows takes seconds (and leaves sorted rows as they are).
    if !rows.windows(2).all(|w| key(w[0]) <= key(w[1])) {
        rows.sort_unstable_by_key(|&i| key(i));
    }
    let mut out = Vec::new();
    for group in rows.chunk_by(|&i, &j| tx.customer[i] == tx.customer[j]) {
        out.push(summarize_customer(tx, group, as_of_day, unit));
    }
    Ok(out)
}

/// Summarises one customer's rows, sorted by day.
fn summarize_customer(
    tx: &Transactions<'_>,
    rows: &[usize],
    as_of_day: i64,
    unit: Unit,
) -> CustomerSummary {
    let day = |i: usize| day_of(tx.at_ms[i]);
    let occasions: Vec<(i64, f64)> = rows
        .chunk_by(|&i, &j| day(i) == day(j))
        .map(|occ| (day(occ[0]), occ.iter().map(|&i| tx.amount[i]).sum()))
        .collect();
    let first = occasions[0].0;
    let last = occasions[occasions.len() - 1].0;
    let repeats = &occasions[1..];
    let monetary_value = if repeats.is_empty() {
        0.0
    } else {
        repeats.iter().map(|o| o.1).sum::<f64>() / repeats.len() as f64
    };
    let total_amount: f64 = rows.iter().map(|&i| tx.amount[i]).sum();
    let total_cost: f64 = tx.cost.map_or(0.0, |c| rows.iter().map(|&i| c[i]).sum());
    CustomerSummary {
        customer: tx.customer[rows[0]],
        frequency: u32::try_from(repeats.len()).unwrap_or(u32::MAX),
        recency: (last - first) as f64 / unit.days(),
        t: (as_of_day - first) as f64 / unit.days(),
        monetary_value,
        total_amount,
        total_margin: total_amount - total_cost,
        orders: u32::try_from(rows.len()).unwrap_or(u32::MAX),
        days_since_last: u32::try_from(as_of_day - last).unwrap_or(u32::MAX),
    }
}

impl Transactions<'_> {
    /// Checks that the columns have equal lengths (the instants' column named
    /// `at` in errors) and that every amount and cost is a quantity.
    pub(crate) fn check(&self, at: &str) -> Result<()> {
        let n = self.customer.len();
        check_len(at, self.at_ms.len(), n)?;
        check_len("amount", self.amount.len(), n)?;
        if let Some(cost) = self.cost {
            check_len("cost", cost.len(), n)?;
        }
        check_quantities("amount", self.amount)?;
        check_quantities("cost", self.cost.unwrap_or(&[]))
    }
}

/// Refuses a column whose length is not `expected` (one item per transaction).
pub(crate) fn check_len(name: &str, len: usize, expected: usize) -> Result<()> {
    if len == expected {
        return Ok(());
    }
    Err(Error::new(
        ErrorCode::OutOfRange,
        name,
        format!("expected {expected} items (one per transaction, like customer), got {len}"),
    ))
}

/// Checks a column of amounts or costs: each a finite number from 0 to
/// [`crate::input::json::MAX_QUANTITY`], as in customer objects; errors name the row (`amount[7]`).
fn check_quantities(name: &str, values: &[f64]) -> Result<()> {
    for (i, &v) in values.iter().enumerate() {
        check_quantity(v, || format!("{name}[{i}]"))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::time::{days_from_civil, format_date, parse_date, DAY_MS};

    fn ms(y: i64, m: i64, d: i64, hour: i64) -> i64 {
        days_from_civil(y, m, d) * DAY_MS + hour * 3_600_000
    }

    #[test]
    fn dates_round_trip() {
        assert_eq!(days_from_civil(1970, 1, 1), 0);
        assert_eq!(
            days_from_civil(1997, 9, 30) - days_from_civil(1997, 1, 1),
            272
        );
        assert_eq!(format_date(days_from_civil(2024, 2, 29)), "2024-02-29");
        assert_eq!(format_date(-1), "1969-12-31");
        assert_eq!(parse_date("1997-09-30"), Some(days_from_civil(1997, 9, 30)));
        for bad in [
            "2026-02-30",
            "2026-13-01",
            "2026-1-01",
            "20260101",
            "2026-01-0x",
            "",
            "+026-01-01",
        ] {
            assert_eq!(parse_date(bad), None, "{bad}");
        }
    }

    #[test]
    fn same_day_transactions_are_one_occasion() {
        let customer = [7, 7, 7, 7, 3, 7];
        let at_ms = [
            ms(2026, 1, 1, 9),
            ms(2026, 1, 8, 10),
            ms(2026, 1, 8, 18),
            ms(2026, 1, 15, 12),
            ms(2026, 1, 10, 12),
            ms(2026, 2, 1, 0), // after as_of: ignored
        ];
        let amount = [10.0, 20.0, 5.0, 15.0, 40.0, 1000.0];
        let cost = [1.0, 2.0, 0.5, 1.5, 4.0, 100.0];
        let tx = Transactions {
            customer: &customer,
            at_ms: &at_ms,
            amount: &amount,
            cost: Some(&cost),
        };
        let s = summarize(&tx, ms(2026, 1, 29, 23), Unit::Days).unwrap();
        assert_eq!(s.len(), 2);
        assert_eq!(s[0].customer, 3);
        assert_eq!(
            (s[0].frequency, s[0].recency, s[0].t, s[0].monetary_value),
            (0, 0.0, 19.0, 0.0)
        );
        let c = &s[1];
        assert_eq!(
            (c.customer, c.frequency, c.recency, c.t),
            (7, 2, 14.0, 28.0)
        );
        assert_eq!(c.monetary_value, 20.0); // (20 + 5 + 15) / 2 repeat occasions
        assert_eq!((c.total_amount, c.orders, c.days_since_last), (50.0, 4, 14));
        assert!((c.total_margin - 45.0).abs() < 1e-12);
        let weeks = summarize(&tx, ms(2026, 1, 29, 23), Unit::Weeks).unwrap();
        assert_eq!((weeks[1].recency, weeks[1].t), (2.0, 4.0));
    }

    #[test]
    fn bad_columns_are_errors_with_paths() {
        let tx = Transactions {
            customer: &[1, 2],
            at_ms: &[0, 0],
            amount: &[1.0, f64::NAN],
            cost: None,
        };
        let e = summarize(&tx, 0, Unit::Days).unwrap_err();
        assert_eq!((e.code(), e.path()), (ErrorCode::NotFinite, "amount[1]"));
        let tx = Transactions {
            customer: &[1, 2],
            at_ms: &[0],
            amount: &[1.0, 2.0],
            cost: None,
        };
        assert_eq!(summarize(&tx, 0, Unit::Days).unwrap_err().path(), "at_ms");
        let tx = Transactions {
            customer: &[1],
            at_ms: &[0],
            amount: &[1.0],
            cost: Some(&[-2.0]),
        };
        assert_eq!(summarize(&tx, 0, Unit::Days).unwrap_err().path(), "cost[0]");
        // Amounts over 1e15, refused in customer objects, are refused here too: two
        // rows of 1e308 would sum to an infinite spend.
        let tx = Transactions {
            customer: &[1, 1],
            at_ms: &[0, 0],
            amount: &[1e308, 1e308],
            cost: None,
        };
        let e = summarize(&tx, 0, Unit::Days).unwrap_err();
        assert_eq!((e.code(), e.path()), (ErrorCode::OutOfRange, "amount[0]"));
        let empty = Transactions {
            customer: &[],
            at_ms: &[],
            amount: &[],
            cost: None,
        };
        assert!(summarize(&empty, 0, Unit::Days).unwrap().is_empty());
    }
}
