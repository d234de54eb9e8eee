//! Population-model fitting: from transactions to the [`Model`] the scoring
//! side ships to browsers.
//!
//! 1. [`summarize`] turns columnar transactions into per-customer summaries
//!    (the definitions of lifetimes' `summary_data_from_transaction_data`).
//! 2. [`fit_summaries`] fits a purchase model — BG/NBD (Fader, Hardie & Lee
//!    2005, the default), Pareto/NBD (Schmittlein, Morrison & Colombo 1987)
//!    or MBG/NBD (Batislam, Denizel & Filiztekin 2007), see [`PurchaseModel`] —
//!    and the Gamma-Gamma spend model (Fader, Hardie & Lee 2005, JMR) by
//!    maximum likelihood with [`minimize`] (BFGS on log-parameters), and
//!    their standard errors from the observed information ([`uncertainty::estimate`]).
//! 3. [`fit_transactions`] does both and adds the population statistics —
//!    ABC cut points, RFM quintile edges, satisfaction percentiles — into a
//!    [`Model`], which serialises to JSON and decodes back with [`Model::from_json`].
//!
//! Non-convergence policy: a fit whose optimiser does not converge is an
//! `ErrorCode::FitFailed` error whose message carries the last parameters,
//! unless [`FitOptions::allow_unconverged`] is set, in which case the last
//! parameters are returned with `converged: false` in both the
//! [`Convergence`] report and the model. Parameters that are not finite and
//! positive, or outside the ranges a model accepts ([`BGNBD_RANGES`],
//! [`GAMMA_GAMMA_RANGES`]: every accepted model predicts finite values), are
//! always an error. A fit whose gradient vanished only because a
//! parameter ran beyond e^±15 (the likelihood flattening towards a boundary)
//! counts as not converged.

mod bgbb;
mod bgnbd;
mod clv;
pub mod columnar;
pub mod csv;
mod gamma_gamma;
mod mbg_nbd;
mod optimize;
pub mod options;
mod pareto_nbd;
mod population;
pub mod purchase;
pub mod sbg;
mod summary;
#[cfg(test)]
pub(crate) mod tests;
#[cfg(test)]
mod tests_models;
pub mod uncertainty;
pub mod validate;

pub use bgbb::{bgbb_row, fit_bgbb, log_likelihood as bgbb_log_likelihood, BgBbFit, BgBbRow};
pub use bgnbd::{from_log as bgnbd_from_log, Triples};
pub use clv::customer_lifetime_value;
pub use gamma_gamma::SpendData;
pub use optimize::{minimize, Convergence, Minimum, OptimizerOptions};
pub use options::PurchaseModel;
pub use population::{abc_cuts, quantile, satisfaction_cuts, AbcRule};
pub use purchase::{fit_purchase, FittedPurchase};
pub use sbg::{fit_retention, log_likelihood as sbg_log_likelihood, RetentionFit};
pub(crate) use summary::check_len;
pub use summary::{summarize, CustomerSummary, Transactions};

use crate::error::{Error, ErrorCode, Result};
use crate::input::time::{day_of, format_date};
use crate::model::{
    check_gamma_gamma, BgNbd, Fitted, GammaGamma, MbgNbd, Model, ParetoNbd, RfmEdges, Unit,
    GAMMA_GAMMA_NAMES, MODEL_VERSION,
};

/// Options of [`fit_summaries`] and [`fit_transactions`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FitOptions {
    /// Time unit of the summaries and of the fitted α. Default weeks.
    pub unit: Unit,
    /// The purchase model to fit. Default BG/NBD.
    pub purchase_model: PurchaseModel,
    /// L2 penalty on the purchase model's parameters (BG/NBD's (r, α, a, b)),
    /// added to the mean negative log-likelihood as in lifetimes'
    /// `BetaGeoFitter(penalizer_coef=…)`, time scales in units of the
    /// largest T. Default 0.
    pub penalizer_coef: f64,
    /// L2 penalty on Gamma-Gamma's (p, q, v), as lifetimes' `GammaGammaFitter`. Default 0.
    pub gamma_gamma_penalizer_coef: f64,
    /// Optimiser tolerances and iteration budget.
    pub optimizer: OptimizerOptions,
    /// Return unconverged fits (flagged `converged: false`) instead of failing. Default false.
    pub allow_unconverged: bool,
    /// How ABC classes are cut. Default 5% / 15% / 80% of customers.
    pub abc: AbcRule,
}

impl Default for FitOptions {
    fn default() -> Self {
        FitOptions {
            unit: Unit::Weeks,
            purchase_model: PurchaseModel::BgNbd,
            penalizer_coef: 0.0,
            gamma_gamma_penalizer_coef: 0.0,
            optimizer: OptimizerOptions::default(),
            allow_unconverged: false,
            abc: AbcRule::default(),
        }
    }
}

/// One customer's summary as the models see it (times in [`FitOptions::unit`]).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SummaryRow {
    /// Repeat purchases x.
    pub frequency: u32,
    /// First to last purchase, t_x (0 ≤ recency ≤ t).
    pub recency: f64,
    /// First purchase to the end of observation, T.
    pub t: f64,
    /// Mean spend of the repeat purchases (ignored when frequency = 0), ≥ 0.
    pub monetary_value: f64,
    /// Customers this row stands for, a whole number ≥ 1 (1 for one customer):
    /// a SQL engine groups equal rows with a count, and both likelihoods are
    /// sums over customers, so a row of count n counts n times.
    pub count: f64,
}

impl SummaryRow {
    /// One customer's row (count 1).
    pub fn new(frequency: u32, recency: f64, t: f64, monetary_value: f64) -> SummaryRow {
        SummaryRow {
            frequency,
            recency,
            t,
            monetary_value,
            count: 1.0,
        }
    }
}

/// Largest accepted `count` of a summary row: 2^53, above which whole numbers
/// are no longer exact in f64.
pub const MAX_COUNT: f64 = 9_007_199_254_740_992.0;

/// The fitted purchase and spend models with their convergence reports.
#[derive(Debug, Clone, PartialEq)]
pub struct LifetimeFit {
    /// BG/NBD parameters, when [`FitOptions::purchase_model`] is BG/NBD.
    pub bgnbd: Option<Fitted<BgNbd>>,
    /// Pareto/NBD parameters, when that is the purchase model.
    pub pareto_nbd: Option<Fitted<ParetoNbd>>,
    /// MBG/NBD parameters, when that is the purchase model.
    pub mbg_nbd: Option<Fitted<MbgNbd>>,
    /// How the purchase model's fit ended.
    pub purchase_convergence: Convergence,
    /// Distinct (x, t_x, T) triples the purchase likelihood was evaluated on.
    pub distinct_triples: usize,
    /// Gamma-Gamma parameters; `None` when no customer has a repeat purchase of positive value.
    pub gamma_gamma: Option<Fitted<GammaGamma>>,
    /// How the Gamma-Gamma fit ended.
    pub gamma_gamma_convergence: Option<Convergence>,
}

/// Fits the purchase model ([`FitOptions::purchase_model`]) on all rows and
/// Gamma-Gamma on the rows with frequency > 0 and monetary value > 0.
///
/// `progress` receives fractions of the work done, from 0 to 1. Errors:
/// no rows (`OutOfRange`, path `rows`); a non-finite or negative time or
/// spend, or recency above t (path `rows[i].recency` …); a fit that fails
/// (`FitFailed`, path the purchase model's key (`bgnbd`, `paretoNbd`,
/// `mbgNbd`) or `gammaGamma`, see the module's policy).
pub fn fit_summaries(
    rows: &[SummaryRow],
    options: &FitOptions,
    progress: &mut dyn FnMut(f64),
) -> Result<LifetimeFit> {
    refuse_discrete(options)?;
    if rows.is_empty() {
        return Err(Error::new(
            ErrorCode::OutOfRange,
            "rows",
            "expected at least one customer",
        ));
    }
    for (i, row) in rows.iter().enumerate() {
        check_row(row, i)?;
    }
    check_penalty("penalizerCoef", options.penalizer_coef)?;
    check_penalty(
        "gammaGammaPenalizerCoef",
        options.gamma_gamma_penalizer_coef,
    )?;
    let (purchase, purchase_convergence, distinct_triples) =
        fit_purchase(options.purchase_model, rows, options, &mut |f| {
            progress(0.8 * f)
        })?;
    let (mut bgnbd, mut pareto_nbd, mut mbg_nbd) = (None, None, None);
    match purchase {
        FittedPurchase::BgNbd(f) => bgnbd = Some(f),
        FittedPurchase::ParetoNbd(f) => pareto_nbd = Some(f),
        FittedPurchase::MbgNbd(f) => mbg_nbd = Some(f),
    }

    let spend = SpendData::weighted(
        rows.iter()
            .map(|r| (f64::from(r.frequency), r.monetary_value, r.count)),
    );
    let (gamma_gamma, gamma_gamma_convergence) = if spend.customers() == 0.0 {
        (None, None)
    } else {
        let gmin = gamma_gamma::fit(
            &spend,
            options.gamma_gamma_penalizer_coef,
            &options.optimizer,
            &mut |f| progress(0.8 + 0.2 * f),
        );
        let p = gamma_gamma::from_log(&gmin.x);
        let gll = p.log_likelihood(&spend, &mut [0.0; 3]);
        let range = check_gamma_gamma(&p, "gammaGamma");
        let (mut fitted, conv) = finish(
            "gammaGamma",
            p,
            &[("p", p.p), ("q", p.q), ("v", p.v)],
            range,
            gll,
            &gmin,
            options,
        )?;
        let ll_of =
            gamma_gamma::penalized_log_likelihood(&spend, options.gamma_gamma_penalizer_coef);
        fitted.uncertainty = Some(uncertainty::estimate_with_gradient(
            &ll_of,
            &gmin.x,
            &GAMMA_GAMMA_NAMES,
        ));
        (Some(fitted), Some(conv))
    };
    progress(1.0);
    Ok(LifetimeFit {
        bgnbd,
        pareto_nbd,
        mbg_nbd,
        purchase_convergence,
        distinct_triples,
        gamma_gamma,
        gamma_gamma_convergence,
    })
}

/// BG/BB counts opportunities, which continuous-time summaries and
/// transactions do not carry (a transaction's calendar period is no
/// opportunity of a yearly drive): it is fitted by [`fit_bgbb`] only.
fn refuse_discrete(options: &FitOptions) -> Result<()> {
    if options.purchase_model == options::PurchaseModel::BgBb {
        return Err(discrete_refused());
    }
    Ok(())
}

/// The error of [`refuse_discrete`].
fn discrete_refused() -> Error {
    Error::new(
        ErrorCode::OutOfRange,
        "options.purchaseModel",
        "'bg-bb' is fitted on discrete-opportunity summaries: call fitSummaries(rows, { purchaseModel: 'bg-bb' }) with rows { frequency, recency, periods, count }",
    )
}

fn check_row(row: &SummaryRow, i: usize) -> Result<()> {
    let path = |field: &str| format!("rows[{i}].{field}");
    for (field, v) in [
        ("recency", row.recency),
        ("t", row.t),
        ("monetaryValue", row.monetary_value),
    ] {
        if !v.is_finite() {
            return Err(Error::new(
                ErrorCode::NotFinite,
                path(field),
                format!("expected a finite number, got {v}"),
            ));
        }
        if v < 0.0 {
            return Err(Error::new(
                ErrorCode::OutOfRange,
                path(field),
                format!("expected a number >= 0, got {v}"),
            ));
        }
    }
    if row.recency > row.t {
        let msg = format!("expected at most t ({}), got {}", row.t, row.recency);
        return Err(Error::new(ErrorCode::OutOfRange, path("recency"), msg));
    }
    if !((1.0..=MAX_COUNT).contains(&row.count) && row.count.fract() == 0.0) {
        let msg = format!("expected a whole number from 1 to 2^53, got {}", row.count);
        return Err(Error::new(ErrorCode::OutOfRange, path("count"), msg));
    }
    Ok(())
}

fn check_penalty(path: &str, v: f64) -> Result<()> {
    if v.is_finite() && v >= 0.0 {
        return Ok(());
    }
    Err(Error::new(
        ErrorCode::OutOfRange,
        path,
        format!("expected a penalty >= 0, got {v}"),
    ))
}

/// Largest |ln θ| of an accepted parameter: e^±15 ≈ 3e6 / 3e-7, far beyond
/// any parameter of real customer data in days or weeks.
const MAX_ABS_LOG_PARAM: f64 = 15.0;

/// Applies the non-convergence policy to an optimiser result; `range` is the
/// check of the parameters against the ranges a model accepts
/// ([`BGNBD_RANGES`], [`GAMMA_GAMMA_RANGES`]), whose failure is always an error.
fn finish<P>(
    path: &str,
    params: P,
    named: &[(&str, f64)],
    range: Result<()>,
    log_likelihood: f64,
    min: &Minimum,
    options: &FitOptions,
) -> Result<(Fitted<P>, Convergence)> {
    let last = named
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join(", ");

    let usable = named.iter().all(|(_, v)| v.is_finite() && *v > 0.0) && log_likelihood.is_finite();
    // A zero gradient far out in log-space is the likelihood flattening towards a
    // boundary (say r → 0 when nobody repeats), not an interior maximum.
    let boundary = named.iter().find(|(_, v)| v.ln().abs() > MAX_ABS_LOG_PARAM);
    let (converged, message) = match boundary {
        Some((k, v)) if min.converged => (
            false,
            format!(
                "parameter {k} ran to the boundary ({v}): the data does not identify the model"
            ),
        ),
        _ => (min.converged, min.message.clone()),
    };
    if !usable || (!converged && !options.allow_unconverged) {
        let msg = format!(
            "the fit did not converge after {} iterations ({message}); last parameters {last}, log-likelihood {log_likelihood}",
            min.iterations
        );
        return Err(Error::new(ErrorCode::FitFailed, path, msg));
    }
    if let Err(e) = range {
        let msg =
            format!("the fitted parameters ({last}) are outside the ranges a model accepts: {e}");
        return Err(Error::new(ErrorCode::FitFailed, path, msg));
    }
    let convergence = Convergence {
        converged,
        iterations: min.iterations,
        log_likelihood,
        message,
    };
    Ok((
        Fitted {
            params,
            log_likelihood: Some(log_likelihood),
            converged,
            uncertainty: None,
        },
        convergence,
    ))
}

/// Columnar transactions plus what else the population model is built from.
#[derive(Debug, Clone, Copy)]
pub struct FitInput<'a> {
    /// The transactions.
    pub transactions: Transactions<'a>,
    /// The instant the population is observed at (epoch ms UTC); later transactions are ignored.
    pub as_of_ms: i64,
    /// One satisfaction gap per respondent, when surveys exist.
    pub satisfaction_gaps: Option<&'a [f64]>,
}

/// The fitted model with its by-products.
#[derive(Debug, Clone, PartialEq)]
pub struct FitReport {
    /// The model to ship.
    pub model: Model,
    /// The purchase and spend fits with their convergence reports.
    pub lifetime: LifetimeFit,
    /// The per-customer summaries the model was fitted on, by customer id.
    pub summaries: Vec<CustomerSummary>,
}

/// Summarises transactions ([`summarize`]), fits the models ([`fit_summaries`])
/// and computes the population statistics: ABC cuts on each customer's
/// total margin (total amount when no costs are given), RFM edges on days
/// since the last purchase, number of orders and total amount, and the
/// satisfaction percentiles.
///
/// `progress` receives fractions of the work done, from 0 to 1. Errors: those
/// of [`summarize`], [`fit_summaries`] and [`abc_cuts`]; no transaction up to
/// `as_of_ms` (`OutOfRange`, path `at_ms`).
pub fn fit_transactions(
    input: &FitInput<'_>,
    options: &FitOptions,
    progress: &mut dyn FnMut(f64),
) -> Result<FitReport> {
    refuse_discrete(options)?;
    let summaries = summarize(&input.transactions, input.as_of_ms, options.unit)?;
    if summaries.is_empty() {
        return Err(Error::new(
            ErrorCode::OutOfRange,
            "at_ms",
            "no transaction at or before asOf",
        ));
    }
    progress(0.1);
    let rows: Vec<SummaryRow> = summaries
        .iter()
        .map(|s| SummaryRow::new(s.frequency, s.recency, s.t, s.monetary_value))
        .collect();
    let lifetime = fit_summaries(&rows, options, &mut |f| progress(0.1 + 0.8 * f))?;
    let column = |f: fn(&CustomerSummary) -> f64| summaries.iter().map(f).collect::<Vec<f64>>();
    let abc = abc_cuts(&column(|s| s.total_margin), options.abc)?;
    let rfm = RfmEdges::from_population(
        &column(|s| f64::from(s.days_since_last)),
        &column(|s| f64::from(s.orders)),
        &column(|s| s.total_amount),
    )?;
    let satisfaction = input.satisfaction_gaps.map(satisfaction_cuts).transpose()?;
    let model = Model {
        version: MODEL_VERSION,
        unit: options.unit,
        as_of: format_date(day_of(input.as_of_ms)),
        customers: u32::try_from(summaries.len()).unwrap_or(u32::MAX),
        abc,
        rfm,
        bgnbd: lifetime.bgnbd.clone(),
        pareto_nbd: lifetime.pareto_nbd.clone(),
        mbg_nbd: lifetime.mbg_nbd.clone(),
        gamma_gamma: lifetime.gamma_gamma.clone(),
        satisfaction,
        bgbb: None,
    };
    progress(1.0);
    Ok(FitReport {
        model,
        lifetime,
        summaries,
    })
}

/// Fits a model on customers given as objects (validated, as of
/// `input.as_of_ms`): their orders as columns, their satisfaction gaps (by
/// the default levels) for the model's percentiles.
pub fn fit_customers(
    customers: &[crate::input::customer::Customer<'_>],
    as_of_ms: i64,
    options: &FitOptions,
    progress: &mut dyn FnMut(f64),
) -> Result<FitReport> {
    let satisfaction = crate::scoring::config::Config::default().satisfaction;
    let gaps: Vec<f64> = customers
        .iter()
        .filter_map(|c| crate::scoring::satisfaction::satisfaction(c, &satisfaction).gap)
        .collect();
    let columns = columnar::OwnedColumns::from_customers(customers)?;
    let input = FitInput {
        transactions: columns.transactions(),
        as_of_ms,
        satisfaction_gaps: (!gaps.is_empty()).then_some(&gaps[..]),
    };
    fit_transactions(&input, options, progress)
}
