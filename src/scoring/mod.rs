//! The scorer: validates a customer and computes every figure as of an instant.

use crate::config::Config;
use crate::customer::Customer;
use crate::error::{Error, ErrorCode, Result};
use crate::json::Json;
use crate::loyalty::{loyalty, Loyalty};
use crate::predict::Predicted;
use crate::satisfaction::{satisfaction, Satisfaction};
use crate::segment::{Library, NextBestAction, SegmentExplanation, SegmentMatch};
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
    /// The first matched segment, its goal and first action; `None` when no segment matched.
    pub next_best_action: Option<NextBestAction>,
}

/// The keys of the options of `score` and `scoreMany`.
pub const OPTION_KEYS: &[&str] = &["asOf", "horizonDays"];

/// Longest prediction horizon: 10 years of monthly steps bound the work of one prediction.
pub const MAX_HORIZON_DAYS: f64 = 3650.0;

/// When and over what horizon a customer is scored.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ScoreOptions {
    /// The instant every figure is computed at, epoch milliseconds.
    pub as_of: i64,
    /// Days over which a model's predictions run (default 365, at most [`MAX_HORIZON_DAYS`]).
    pub horizon_days: f64,
}

/// Scoring at an instant (epoch ms) with the default horizon of 365 days.
impl From<i64> for ScoreOptions {
    fn from(as_of: i64) -> Self {
        ScoreOptions { as_of, horizon_days: 365.0 }
    }
}

/// Refuses a horizon outside `0..=MAX_HORIZON_DAYS`.
pub(crate) fn checked(options: ScoreOptions) -> Result<ScoreOptions> {
    if !(0.0..=MAX_HORIZON_DAYS).contains(&options.horizon_days) {
        return Err(Error::new(
            ErrorCode::OutOfRange,
            "options.horizonDays",
            format!("expected a number from 0 to {MAX_HORIZON_DAYS}, got {}", options.horizon_days),
        ));
    }
    Ok(options)
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
    segments: Library,
}

impl Scorer {
    /// Builds a scorer from a config object (`{}` for the defaults), compiling its segments.
    pub fn new(config: &Json) -> Result<Scorer> {
        let parsed = Config::from_json(config)?;
        let segments = Library::from_config(config, &parsed.segment_limits)?;
        Ok(Scorer { config: parsed, segments })
    }

    /// The configuration in use.
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// The compiled segment library.
    pub fn segments(&self) -> &Library {
        &self.segments
    }

    /// Validates and scores one customer (`options`: an instant in epoch ms, or [`ScoreOptions`]).
    pub fn score(&self, customer: &Json, options: impl Into<ScoreOptions>) -> Result<ScoreResult> {
        let options = checked(options.into())?;
        let c = Customer::from_json(customer, options.as_of, &self.config.limits)?;
        Ok(self.score_customer(&c, options))
    }

    /// Scores an already validated customer.
    pub fn score_customer(&self, c: &Customer, options: impl Into<ScoreOptions>) -> ScoreResult {
        let options = options.into();
        let mut r = self.features(c, options);
        (r.segments, r.next_best_action) = self.segments.evaluate(c, &r, options.as_of);
        r
    }

    /// This scorer with the model's ABC and RFM cut points but without its
    /// purchase and spend models: [`crate::columnar`] predicts for many
    /// customers at once and passes the predictions to [`Scorer::score_predicted`].
    pub(crate) fn without_predictions(&self) -> Scorer {
        let mut config = self.config.clone();
        if let Some(model) = &mut config.model {
            model.bgnbd = None;
            model.gamma_gamma = None;
        }
        Scorer { config, segments: self.segments.clone() }
    }

    /// [`Scorer::score_customer`] with `value.predicted` computed by the caller.
    pub(crate) fn score_predicted(&self, c: &Customer, options: ScoreOptions, predicted: Option<Predicted>) -> ScoreResult {
        let mut r = self.features(c, options);
        r.value.predicted = predicted;
        (r.segments, r.next_best_action) = self.segments.evaluate(c, &r, options.as_of);
        r
    }

    /// Why the customer is or is not in each segment, by priority.
    pub fn explain(&self, customer: &Json, options: impl Into<ScoreOptions>) -> Result<Vec<SegmentExplanation>> {
        let options = checked(options.into())?;
        let c = Customer::from_json(customer, options.as_of, &self.config.limits)?;
        let r = self.features(&c, options);
        Ok(self.segments.explain(&c, &r, options.as_of))
    }

    /// Value, satisfaction and loyalty, without segments.
    pub(crate) fn features(&self, c: &Customer, options: ScoreOptions) -> ScoreResult {
        let ScoreOptions { as_of, horizon_days } = options;
        let v = value(c, as_of, horizon_days, &self.config);
        let s = satisfaction(c, &self.config.satisfaction);
        let l = loyalty(c, as_of, &v, &s, &self.config.loyalty);
        ScoreResult {
            id: c.id.clone(),
            as_of: format_instant(as_of),
            value: v,
            satisfaction: s,
            loyalty: l,
            segments: Vec::new(),
            next_best_action: None,
        }
    }
}
