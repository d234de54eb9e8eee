//! Calibration/holdout validation of the purchase models (Fader, Hardie & Lee
//! 2005, §4): fit on the transactions up to the end of a calibration period,
//! predict each customer's purchases in the holdout period that follows, and
//! compare with what they bought, by number of repeat purchases in the
//! calibration period (the paper's conditional-expectations chart).
//!
//! The split is that of lifetimes' `calibration_and_holdout_data`: the
//! calibration summaries are [`summarize`]'s as of the end of the calibration
//! day; a customer's holdout purchases are the distinct calendar days with a
//! transaction after the calibration day up to the observation day; customers
//! whose first purchase falls in the holdout are left out.
//!
//! Every purchase model of [`PurchaseModel::COMPARED`] is fitted by
//! [`fit_purchase`] and predicts by [`FittedPurchase::expected_holdout`].

use super::options::PurchaseModel;
use super::purchase::{fit_purchase, FittedPurchase};
use super::{summarize, FitOptions, SummaryRow, Transactions};
use crate::error::{Error, ErrorCode, Result};
use crate::input::time::{day_of, format_date, DAY_MS};
use crate::model::Unit;
use serde::{Serialize, Serializer};

/// The options of [`validate`] and [`compare_models`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ValidateOptions {
    /// Unit, penalty and optimiser settings of the fit.
    pub fit: FitOptions,
    /// An instant of the last day of the calibration period (epoch ms UTC).
    pub calibration_end_ms: i64,
    /// An instant of the last day of the holdout period, after the calibration day.
    pub observation_end_ms: i64,
    /// The purchase model [`validate`] fits (`compare_models` fits each).
    pub purchase_model: PurchaseModel,
}

impl ValidateOptions {
    /// The last calibration day and the last holdout day (days since
    /// 1970-01-01). Errors: an observation day not after the calibration day
    /// (`OutOfRange`, path `options.observationEnd`).
    pub fn check(&self) -> Result<(i64, i64)> {
        let (cal, obs) = (
            day_of(self.calibration_end_ms),
            day_of(self.observation_end_ms),
        );
        if obs > cal {
            return Ok((cal, obs));
        }
        let msg = format!(
            "expected a day after calibrationEnd ({}), got {}",
            format_date(cal),
            format_date(obs)
        );
        Err(Error::new(
            ErrorCode::OutOfRange,
            "options.observationEnd",
            msg,
        ))
    }
}

/// A group of customers by calibration repeat purchases: 0 to 6, then 7 and
/// more ([`FrequencyGroup::LAST`], serialised `"7+"`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FrequencyGroup(pub u8);

impl FrequencyGroup {
    /// The open-ended last group: this many repeat purchases or more.
    pub const LAST: u8 = 7;
}

impl Serialize for FrequencyGroup {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        if self.0 >= Self::LAST {
            s.serialize_str("7+")
        } else {
            s.serialize_u8(self.0)
        }
    }
}

/// Actual against predicted holdout purchases of one group.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct HoldoutGroup {
    /// Calibration repeat purchases of the group.
    pub frequency: FrequencyGroup,
    /// Customers in the group.
    pub customers: f64,
    /// Mean holdout purchases of the group (`None` without customers).
    pub actual: Option<f64>,
    /// Mean predicted holdout purchases of the group (`None` without customers).
    pub predicted: Option<f64>,
}

/// The result of [`validate`].
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Validation {
    /// The purchase model fitted on the calibration period.
    pub model: FittedPurchase,
    /// Time unit of the model and of `holdoutLength`.
    pub unit: Unit,
    /// Last calibration day, `YYYY-MM-DD`.
    pub calibration_end: String,
    /// Last holdout day, `YYYY-MM-DD`.
    pub observation_end: String,
    /// Length of the holdout period in the unit.
    pub holdout_length: f64,
    /// Customers with a first purchase in the calibration period (n of the BIC).
    pub customers: f64,
    /// Groups by calibration repeat purchases 0 … 6 and 7+.
    pub by_frequency: Vec<HoldoutGroup>,
    /// Holdout purchases of all customers.
    pub total_actual: f64,
    /// Predicted holdout purchases of all customers.
    pub total_predicted: f64,
    /// Mean over customers of |actual − predicted| holdout purchases.
    pub mean_absolute_error: f64,
    /// Log-likelihood of the calibration data.
    pub log_likelihood: f64,
    /// 2k − 2 ln L.
    pub aic: f64,
    /// k ln n − 2 ln L, n the calibration customers.
    pub bic: f64,
}

/// Calibration summaries with each customer's holdout purchases.
#[derive(Debug, Clone, PartialEq)]
pub struct Split {
    /// Calibration summaries (count 1 each), by customer id.
    pub rows: Vec<SummaryRow>,
    /// Holdout purchase days of each row's customer.
    pub holdout: Vec<f64>,
    /// Holdout length in the unit.
    pub horizon: f64,
    /// Last calibration day and last holdout day (days since 1970-01-01).
    pub days: (i64, i64),
}

/// Splits transactions into calibration summaries and holdout purchases.
/// Errors: an observation day not after the calibration day (`OutOfRange`,
/// path `options.observationEnd`); no customer in the calibration period
/// (path `options.calibrationEnd`); those of [`summarize`].
pub fn split(tx: &Transactions<'_>, options: &ValidateOptions) -> Result<Split> {
    let unit = options.fit.unit;
    let (cal, obs) = options.check()?;
    let summaries = summarize(tx, cal * DAY_MS + DAY_MS - 1, unit)?;
    if summaries.is_empty() {
        return Err(Error::new(
            ErrorCode::OutOfRange,
            "options.calibrationEnd",
            format!("no transaction on or before {}", format_date(cal)),
        ));
    }
    let mut days: Vec<(u32, i64)> = (0..tx.customer.len())
        .map(|i| (tx.customer[i], day_of(tx.at_ms[i])))
        .filter(|&(_, d)| d > cal && d <= obs)
        .collect();
    days.sort_unstable();
    days.dedup();
    let mut holdout = vec![0.0; summaries.len()];
    for run in days.chunk_by(|p, q| p.0 == q.0) {
        if let Ok(i) = summaries.binary_search_by_key(&run[0].0, |s| s.customer) {
            holdout[i] = run.len() as f64;
        }
    }
    Ok(Split {
        rows: summaries
            .iter()
            .map(|s| SummaryRow::new(s.frequency, s.recency, s.t, s.monetary_value))
            .collect(),
        holdout,
        horizon: (obs - cal) as f64 / unit.days(),
        days: (cal, obs),
    })
}

/// Fits `model` on the calibration rows of `split` and compares its holdout
/// predictions with the holdout purchases.
pub fn validate_split(
    split: &Split,
    model: PurchaseModel,
    options: &FitOptions,
    progress: &mut dyn FnMut(f64),
) -> Result<Validation> {
    let (fitted, _, _) = fit_purchase(model, &split.rows, options, &mut |f| progress(0.9 * f))?;
    let groups = usize::from(FrequencyGroup::LAST) + 1;
    let (mut n, mut actual, mut predicted) =
        (vec![0.0; groups], vec![0.0; groups], vec![0.0; groups]);
    let mut abs_error = 0.0;
    for (row, &bought) in split.rows.iter().zip(&split.holdout) {
        let expected = fitted
            .expected_holdout(f64::from(row.frequency), row.recency, row.t, split.horizon)
            .map_err(|e| Error::new(ErrorCode::FitFailed, model.key(), e.message()))?;
        let g = (row.frequency as usize).min(groups - 1);
        n[g] += row.count;
        actual[g] += row.count * bought;
        predicted[g] += row.count * expected;
        abs_error += row.count * (bought - expected).abs();
    }
    let customers: f64 = n.iter().sum();
    let mean = |sum: f64, n: f64| (n > 0.0).then(|| sum / n);
    let by_frequency = (0..groups)
        .map(|g| HoldoutGroup {
            frequency: FrequencyGroup(g as u8),
            customers: n[g],
            actual: mean(actual[g], n[g]),
            predicted: mean(predicted[g], n[g]),
        })
        .collect();
    let ll = fitted.log_likelihood();
    let k = fitted.parameters() as f64;
    progress(1.0);
    Ok(Validation {
        unit: options.unit,
        calibration_end: format_date(split.days.0),
        observation_end: format_date(split.days.1),
        holdout_length: split.horizon,
        customers,
        by_frequency,
        total_actual: actual.iter().sum(),
        total_predicted: predicted.iter().sum(),
        mean_absolute_error: abs_error / customers,
        log_likelihood: ll,
        aic: 2.0 * k - 2.0 * ll,
        bic: k * customers.ln() - 2.0 * ll,
        model: fitted,
    })
}

/// Splits the transactions at the calibration end, fits
/// `options.purchase_model` on the calibration period and predicts the holdout.
pub fn validate(
    tx: &Transactions<'_>,
    options: &ValidateOptions,
    progress: &mut dyn FnMut(f64),
) -> Result<Validation> {
    let split = split(tx, options)?;
    validate_split(&split, options.purchase_model, &options.fit, progress)
}

/// The result of [`compare_models`].
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Comparison {
    /// One validation per purchase model, in [`PurchaseModel::COMPARED`] order.
    pub models: Vec<Validation>,
    /// Model names from the smallest holdout mean absolute error up.
    pub by_holdout_error: Vec<&'static str>,
    /// Model names from the smallest BIC up.
    pub by_bic: Vec<&'static str>,
}

/// Validates every purchase model on the same split and ranks them by
/// holdout error and by BIC (ties keep [`PurchaseModel::COMPARED`] order).
pub fn compare_models(
    tx: &Transactions<'_>,
    options: &ValidateOptions,
    progress: &mut dyn FnMut(f64),
) -> Result<Comparison> {
    let split = split(tx, options)?;
    let all = PurchaseModel::COMPARED;
    let mut models = Vec::with_capacity(all.len());
    for (i, &model) in all.iter().enumerate() {
        let share = |f: f64| (i as f64 + f) / all.len() as f64;
        models.push(validate_split(&split, model, &options.fit, &mut |f| {
            progress(share(f))
        })?);
    }
    let ranked = |key: fn(&Validation) -> f64| {
        let mut order: Vec<&Validation> = models.iter().collect();
        order.sort_by(|p, q| key(p).total_cmp(&key(q)));
        order.iter().map(|v| v.model.kind().name()).collect()
    };
    Ok(Comparison {
        by_holdout_error: ranked(|v| v.mean_absolute_error),
        by_bic: ranked(|v| v.bic),
        models,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::time::days_from_civil;

    fn at(y: i64, m: i64, d: i64, hour: i64) -> i64 {
        days_from_civil(y, m, d) * DAY_MS + hour * 3_600_000
    }

    // Worked by hand: calibration to 2026-01-31 (whole day), holdout to 2026-03-31.
    #[test]
    fn the_split_counts_holdout_purchase_days_of_calibration_customers() {
        let customer = [1, 1, 1, 1, 1, 2, 3, 3, 1];
        let at_ms = [
            at(2026, 1, 3, 9),
            at(2026, 1, 31, 23), // the calibration day's last hour: calibration
            at(2026, 2, 1, 0),   // holdout
            at(2026, 2, 1, 18),  // same day: one purchase day
            at(2026, 3, 31, 12), // holdout's last day
            at(2026, 1, 10, 12), // customer 2: nothing in the holdout
            at(2026, 2, 5, 12),  // customer 3: first seen in the holdout, left out
            at(2026, 2, 9, 12),
            at(2026, 4, 1, 0), // after the observation day: ignored
        ];
        let amount = [10.0; 9];
        let tx = Transactions {
            customer: &customer,
            at_ms: &at_ms,
            amount: &amount,
            cost: None,
        };
        let options = ValidateOptions {
            fit: FitOptions {
                unit: Unit::Days,
                ..FitOptions::default()
            },
            calibration_end_ms: at(2026, 1, 31, 0),
            observation_end_ms: at(2026, 3, 31, 0),
            purchase_model: PurchaseModel::BgNbd,
        };
        let s = split(&tx, &options).unwrap();
        assert_eq!(s.rows.len(), 2);
        // Customer 1: days 3 and 31 of January, x = 1, t_x = 28, T = 28; customer 2: x = 0, T = 21.
        assert_eq!(
            (s.rows[0].frequency, s.rows[0].recency, s.rows[0].t),
            (1, 28.0, 28.0)
        );
        assert_eq!((s.rows[1].frequency, s.rows[1].t), (0, 21.0));
        assert_eq!(s.holdout, vec![2.0, 0.0]);
        assert_eq!(s.horizon, 59.0);
    }
}
