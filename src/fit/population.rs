//! Population statistics stored in the model, computed from a base: ABC cut
//! points (Pareto rule), RFM quintile edges and satisfaction percentiles.

use crate::error::{Error, ErrorCode, Result};
use crate::model::{AbcCuts, RfmEdges, SatisfactionCuts};

/// How ABC classes are cut from customers ranked by value, highest first.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum AbcRule {
    /// The top `a` share of customers is A, the next `b` share is B, the rest C
    /// (default 0.05 / 0.15, leaving 0.80 for C).
    CustomerShare {
        /// Share of customers in A, in (0, 1).
        a: f64,
        /// Share of customers in B, in (0, 1); a + b ≤ 1.
        b: f64,
    },
    /// The top customers making up share `a` of the total value are A, those
    /// making up the next `b` are B, the rest C (default 0.50 / 0.30 / 0.20).
    ValueShare {
        /// Share of value in A, in (0, 1).
        a: f64,
        /// Share of value in B, in (0, 1); a + b ≤ 1.
        b: f64,
    },
}

impl Default for AbcRule {
    fn default() -> Self {
        AbcRule::CustomerShare { a: 0.05, b: 0.15 }
    }
}

impl AbcRule {
    /// The value-share rule's default shares: 50% and 30% of the value (domain.md §1).
    pub fn default_value_share() -> Self {
        AbcRule::ValueShare { a: 0.5, b: 0.3 }
    }
}

/// Computes ABC cut points from one value per customer (margin where costs
/// are known, else revenue).
///
/// With [`AbcRule::CustomerShare`], A's threshold is the value of the
/// ⌈a·n⌉-th customer by rank and B's that of the ⌈(a+b)·n⌉-th. With
/// [`AbcRule::ValueShare`], A's threshold is the value of the first customer
/// at which the cumulative value reaches a·total, B's where it reaches
/// (a+b)·total. Errors: no values (`OutOfRange`), a non-finite value
/// (`NotFinite`, path `values[i]`), shares outside (0, 1) or summing over 1
/// (`OutOfRange`, path `abc.a` / `abc.b`), and a value-share rule when the
/// total value is not positive.
pub fn abc_cuts(values: &[f64], rule: AbcRule) -> Result<AbcCuts> {
    let (share_a, share_b) = match rule {
        AbcRule::CustomerShare { a, b } | AbcRule::ValueShare { a, b } => (a, b),
    };
    check_share("abc.a", share_a)?;
    check_share("abc.b", share_b)?;
    if share_a + share_b > 1.0 + 1e-12 {
        return Err(Error::new(
            ErrorCode::OutOfRange,
            "abc.b",
            format!("a + b must be at most 1, got {}", share_a + share_b),
        ));
    }
    let sorted = sorted_finite(values, "values")?;
    let desc: Vec<f64> = sorted.iter().rev().copied().collect();
    let n = desc.len();
    let total: f64 = desc.iter().sum();
    let (rank_a, rank_b) = match rule {
        AbcRule::CustomerShare { .. } => (
            rank_for_share(share_a, n),
            rank_for_share(share_a + share_b, n),
        ),
        AbcRule::ValueShare { .. } => {
            if total <= 0.0 {
                return Err(Error::new(
                    ErrorCode::OutOfRange,
                    "values",
                    "value-share ABC needs a positive total value",
                ));
            }
            (
                rank_for_value(&desc, share_a * total),
                rank_for_value(&desc, (share_a + share_b) * total),
            )
        }
    };
    let (a, b) = (desc[rank_a], desc[rank_b]);
    let mut counts = [0.0; 3];
    let mut sums = [0.0; 3];
    for &v in &desc {
        let class = if v >= a {
            0
        } else if v >= b {
            1
        } else {
            2
        };
        counts[class] += 1.0;
        sums[class] += v;
    }
    let nf = n as f64;
    Ok(AbcCuts {
        a,
        b,
        customer_share: counts.map(|c| c / nf),
        value_share: sums.map(|s| if total > 0.0 { s / total } else { 0.0 }),
    })
}

fn check_share(path: &str, v: f64) -> Result<()> {
    if v.is_finite() && v > 0.0 && v < 1.0 {
        return Ok(());
    }
    Err(Error::new(
        ErrorCode::OutOfRange,
        path,
        format!("expected a share between 0 and 1 (exclusive), got {v}"),
    ))
}

/// Zero-based rank of the ⌈share·n⌉-th customer (at least the first, at most the last).
fn rank_for_share(share: f64, n: usize) -> usize {
    // The small slack keeps 0.15·20 = 3.0000000000000004 from rounding up to 4.
    let k = (share * n as f64 - 1e-9).ceil().max(1.0) as usize;
    k.min(n) - 1
}

/// Zero-based rank at which the cumulative value (highest first) reaches `target`.
fn rank_for_value(desc: &[f64], target: f64) -> usize {
    let mut cum = 0.0;
    for (i, v) in desc.iter().enumerate() {
        cum += v;
        if cum >= target * (1.0 - 1e-12) {
            return i;
        }
    }
    desc.len() - 1
}

/// The values sorted ascending, or an error naming the first non-finite one or an empty slice.
fn sorted_finite(values: &[f64], path: &str) -> Result<Vec<f64>> {
    if values.is_empty() {
        return Err(Error::new(
            ErrorCode::OutOfRange,
            path,
            "expected at least one customer",
        ));
    }
    if let Some(i) = values.iter().position(|v| !v.is_finite()) {
        return Err(Error::new(
            ErrorCode::NotFinite,
            format!("{path}[{i}]"),
            format!("expected a finite number, got {}", values[i]),
        ));
    }
    let mut sorted = values.to_vec();
    sorted.sort_unstable_by(f64::total_cmp);
    Ok(sorted)
}

/// The p-quantile of ascending `sorted` data by linear interpolation between
/// order statistics: h = (n − 1)·p, Q = x⌊h⌋ + (h − ⌊h⌋)(x⌊h⌋+1 − x⌊h⌋)
/// (Hyndman & Fan 1996 definition 7; the default of R, NumPy and pandas).
/// NaN for empty data.
pub fn quantile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let h = (sorted.len() - 1) as f64 * p.clamp(0.0, 1.0);
    let lo = h.floor() as usize;
    let hi = (lo + 1).min(sorted.len() - 1);
    sorted[lo] + (h - lo as f64) * (sorted[hi] - sorted[lo])
}

impl RfmEdges {
    /// Computes the edges from one value per customer in each slice; errors
    /// (path `recency[i]`, ...) for empty or non-finite data.
    pub fn from_population(
        recency_days: &[f64],
        frequency: &[f64],
        monetary: &[f64],
    ) -> Result<RfmEdges> {
        Ok(RfmEdges {
            recency: quintile_edges(recency_days, "recency")?,
            frequency: quintile_edges(frequency, "frequency")?,
            monetary: quintile_edges(monetary, "monetary")?,
        })
    }
}

fn quintile_edges(values: &[f64], path: &str) -> Result<[f64; 4]> {
    let sorted = sorted_finite(values, path)?;
    Ok([0.2, 0.4, 0.6, 0.8].map(|p| quantile(&sorted, p)))
}

/// Satisfaction percentiles of one gap per respondent; errors (path
/// `satisfaction[i]`) for empty or non-finite data.
pub fn satisfaction_cuts(gaps: &[f64]) -> Result<SatisfactionCuts> {
    let sorted = sorted_finite(gaps, "satisfaction")?;
    Ok(SatisfactionCuts {
        p15: quantile(&sorted, 0.15),
        p85: quantile(&sorted, 0.85),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pareto_population() -> Vec<f64> {
        let mut v = vec![100.0, 50.0];
        v.extend([10.0; 8]);
        v.extend([1.0; 10]);
        v
    }

    #[test]
    fn abc_by_customer_share_on_a_hand_made_population() {
        // 20 customers, total 240: the top 5% is 1 customer, top 20% is 4.
        let cuts = abc_cuts(&pareto_population(), AbcRule::default()).unwrap();
        assert_eq!((cuts.a, cuts.b), (100.0, 10.0));
        // The 4th customer is worth 10 like 7 others: all 8 are B with the 50.
        assert_eq!(cuts.customer_share, [0.05, 0.45, 0.5]);
        let t = 240.0;
        assert_eq!(cuts.value_share, [100.0 / t, 130.0 / t, 10.0 / t]);
    }

    #[test]
    fn abc_by_value_share_on_a_hand_made_population() {
        // Cumulative of 240: 100 misses 120 (50%), 150 reaches it; 150 + 5 × 10 = 200 first reaches 192 (80%).
        let cuts = abc_cuts(&pareto_population(), AbcRule::ValueShare { a: 0.5, b: 0.3 }).unwrap();
        assert_eq!((cuts.a, cuts.b), (50.0, 10.0));
        assert_eq!(cuts.customer_share, [0.1, 0.4, 0.5]);
        let tiny = abc_cuts(&[1.0], AbcRule::default()).unwrap();
        assert_eq!(
            (tiny.a, tiny.b, tiny.customer_share),
            (1.0, 1.0, [1.0, 0.0, 0.0])
        );
    }

    #[test]
    fn abc_errors() {
        let e = abc_cuts(&[], AbcRule::default()).unwrap_err();
        assert_eq!(e.code(), ErrorCode::OutOfRange);
        let e = abc_cuts(&[1.0, f64::INFINITY], AbcRule::default()).unwrap_err();
        assert_eq!((e.code(), e.path()), (ErrorCode::NotFinite, "values[1]"));
        let e = abc_cuts(&[1.0], AbcRule::CustomerShare { a: 0.7, b: 0.5 }).unwrap_err();
        assert_eq!(e.path(), "abc.b");
        let e = abc_cuts(&[1.0], AbcRule::CustomerShare { a: 0.0, b: 0.5 }).unwrap_err();
        assert_eq!(e.path(), "abc.a");
        let e = abc_cuts(&[-1.0, 0.5], AbcRule::ValueShare { a: 0.5, b: 0.3 }).unwrap_err();
        assert_eq!(e.path(), "values");
    }

    #[test]
    fn quantiles_interpolate_linearly() {
        let s = [1.0, 2.0, 3.0, 4.0];
        assert_eq!(quantile(&s, 0.0), 1.0);
        assert_eq!(quantile(&s, 1.0), 4.0);
        assert_eq!(quantile(&s, 0.5), 2.5);
        assert!((quantile(&s, 0.15) - 1.45).abs() < 1e-12);
        assert!(quantile(&[], 0.5).is_nan());
        let sat = satisfaction_cuts(&[-2.0, 0.0, 1.0, 3.0, 0.5, 2.0, -1.0]).unwrap();
        // sorted: -2 -1 0 0.5 1 2 3; h = 0.9 → -1.1; h = 5.1 → 2.1
        assert!((sat.p15 + 1.1).abs() < 1e-12 && (sat.p85 - 2.1).abs() < 1e-12);
        assert_eq!(
            satisfaction_cuts(&[f64::NAN]).unwrap_err().path(),
            "satisfaction[0]"
        );
    }

    #[test]
    fn rfm_edges_with_ties_score_equal_values_in_the_lower_quintile() {
        // Orders: half the customers ordered once.
        let orders = [1.0, 1.0, 1.0, 1.0, 1.0, 2.0, 2.0, 3.0, 5.0, 9.0];
        let days = [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0];
        let edges = RfmEdges::from_population(&days, &orders, &orders).unwrap();
        // h = 1.8, 3.6, 5.4, 7.2 over 1 1 1 1 1 2 2 3 5 9
        let near = |a: [f64; 4], b: [f64; 4]| a.iter().zip(b).all(|(x, y)| (x - y).abs() < 1e-12);
        assert!(
            near(edges.frequency, [1.0, 1.0, 2.0, 3.4]),
            "{:?}",
            edges.frequency
        );
        assert_eq!(edges.frequency_score(1.0), 1);
        assert_eq!(edges.frequency_score(2.0), 3);
        assert_eq!(edges.frequency_score(3.0), 4);
        assert_eq!(edges.frequency_score(9.0), 5);
        assert!(
            near(edges.recency, [2.8, 4.6, 6.4, 8.2]),
            "{:?}",
            edges.recency
        );
        assert_eq!(edges.recency_score(1.0), 5);
        assert_eq!(edges.recency_score(edges.recency[1]), 4);
        assert_eq!(edges.recency_score(10.0), 1);
        assert_eq!(edges.monetary_score(0.0), 1);
        let e = RfmEdges::from_population(&days, &[], &orders).unwrap_err();
        assert_eq!(e.path(), "frequency");
    }
}
