//! The scorer: validates a customer and computes every figure as of an instant.

use crate::config::Config;
use crate::customer::Customer;
use crate::error::Result;
use crate::json::Json;
use crate::loyalty::{loyalty, Loyalty};
use crate::satisfaction::{satisfaction, Satisfaction};
use crate::segment::SegmentMatch;
use crate::time::format_instant;
use crate::value::{value, Value};
use serde::Serialize;

/// Everything computed for one customer.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ScoreResult {
    /// The customer's id.
    pub id: String,
    /// The instant every figure is computed at (ISO 8601).
    pub as_of: String,
    /// Value figures.
    pub value: Value,
    /// Satisfaction figures.
    pub satisfaction: Satisfaction,
    /// Loyalty figures.
    pub loyalty: Loyalty,
    /// Segments the customer falls in, by priority.
    pub segments: Vec<SegmentMatch>,
}

/// A configured scorer.
///
/// ```
/// use crmscore::{Scorer, json::Json, time::parse_instant};
/// let scorer = Scorer::new(&serde_json::from_str(r#"{}"#).unwrap()).unwrap();
/// let customer: Json = serde_json::from_str(r#"{"id": "c1", "orders": [
///     {"at": "2026-10-01", "amount": 30}, {"at": "2026-11-12", "amount": 50}]}"#).unwrap();
/// let r = scorer.score(&customer, parse_instant("2026-11-22").unwrap()).unwrap();
/// assert_eq!(r.value.recency_days, Some(10));
/// assert_eq!(r.value.monetary, 80.0);
/// ```
#[derive(Debug, Clone)]
pub struct Scorer {
    config: Config,
}

impl Scorer {
    /// Builds a scorer from a config object (`{}` for the defaults).
    pub fn new(config: &Json) -> Result<Scorer> {
        Ok(Scorer { config: Config::from_json(config)? })
    }

    /// A scorer with an already-read config.
    pub fn with_config(config: Config) -> Scorer {
        Scorer { config }
    }

    /// The configuration in use.
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// Validates and scores one customer as of `as_of` (epoch ms).
    pub fn score(&self, customer: &Json, as_of: i64) -> Result<ScoreResult> {
        let c = Customer::from_json(customer, as_of, &self.config.limits)?;
        Ok(self.score_customer(&c, as_of))
    }

    /// Scores an already validated customer.
    pub fn score_customer(&self, c: &Customer, as_of: i64) -> ScoreResult {
        let v = value(c, as_of, &self.config);
        let s = satisfaction(c, &self.config.satisfaction);
        let l = loyalty(c, as_of, &v, &s, &self.config.loyalty);
        ScoreResult { id: c.id.clone(), as_of: format_instant(as_of), value: v, satisfaction: s, loyalty: l, segments: Vec::new() }
    }
}
