//! The population statistics a model carries: ABC cut points, RFM quintile
//! edges and satisfaction percentiles (computed by `crate::fit`).

/// ABC thresholds and the actual class sizes they produce.
///
/// Scoring rule: value ≥ `a` → A, else value ≥ `b` → B, else C. Customers with
/// equal value always share a class, so the actual shares can exceed the rule's.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "fit", derive(serde::Serialize))]
#[cfg_attr(feature = "fit", serde(rename_all = "camelCase"))]
pub struct AbcCuts {
    /// Minimum value of an A customer.
    pub a: f64,
    /// Minimum value of a B customer (≤ `a`).
    pub b: f64,
    /// Shares of customers in A, B, C.
    pub customer_share: [f64; 3],
    /// Shares of the total value in A, B, C (0 when the total is not positive).
    pub value_share: [f64; 3],
}

/// RFM quintile edges: the 20th, 40th, 60th and 80th percentiles (`crate::fit::quantile`)
/// of recency (days since the last purchase), frequency (orders) and monetary
/// value (total spend), non-decreasing; ties make equal edges.
///
/// Scoring ([`RfmEdges::frequency_score`] and friends): a value equal to an
/// edge falls in the lower quintile, i.e. F and M scores are 1 + the number of
/// edges strictly below the value; R is 5 − the number of edges strictly
/// below the recency (more recent is better).
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "fit", derive(serde::Serialize))]
pub struct RfmEdges {
    /// Edges of days since the last purchase.
    pub recency: [f64; 4],
    /// Edges of the number of orders.
    pub frequency: [f64; 4],
    /// Edges of the total spend.
    pub monetary: [f64; 4],
}

impl RfmEdges {
    /// R score 1..=5: 5 − number of recency edges strictly below `days`.
    pub fn recency_score(&self, days: f64) -> u8 {
        5 - edges_below(&self.recency, days)
    }

    /// F score 1..=5: 1 + number of frequency edges strictly below `orders`.
    pub fn frequency_score(&self, orders: f64) -> u8 {
        1 + edges_below(&self.frequency, orders)
    }

    /// M score 1..=5: 1 + number of monetary edges strictly below `spend`.
    pub fn monetary_score(&self, spend: f64) -> u8 {
        1 + edges_below(&self.monetary, spend)
    }
}

fn edges_below(edges: &[f64; 4], v: f64) -> u8 {
    edges.iter().map(|&e| u8::from(e < v)).sum()
}

/// The 15th and 85th percentiles (`crate::fit::quantile`) of the satisfaction gaps.
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "fit", derive(serde::Serialize))]
pub struct SatisfactionCuts {
    /// 15th percentile.
    pub p15: f64,
    /// 85th percentile.
    pub p85: f64,
}
