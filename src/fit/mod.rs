//! Population-model fitting: from transactions to the [`Model`] the scoring
//! side ships to browsers.
//!
//! 1. [`summarize`] turns columnar transactions into per-customer summaries
//!    (the definitions of lifetimes' `summary_data_from_transaction_data`).
//! 2. [`fit_summaries`] fits the BG/NBD purchase model (Fader, Hardie & Lee
//!    2005) and the Gamma-Gamma spend model (Fader, Hardie & Lee 2005, JMR)
//!    by maximum likelihood with [`minimize`] (BFGS on log-parameters), and
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

mod bgnbd;
mod clv;
pub mod columnar;
pub mod csv;
mod gamma_gamma;
mod optimize;
pub mod options;
mod population;
mod summary;
#[cfg(test)]
mod tests;
pub mod uncertainty;

pub use bgnbd::{from_log as bgnbd_from_log, Triples};
pub use clv::customer_lifetime_value;
pub use gamma_gamma::SpendData;
pub use optimize::{minimize, Convergence, Minimum, OptimizerOptions};
pub use population::{abc_cuts, quantile, satisfaction_cuts, AbcRule};
pub(crate) use summary::check_len;
pub use summary::{summarize, CustomerSummary, Transactions};

use crate::error::{Error, ErrorCode, Result};
use crate::input::time::{day_of, format_date};
use crate::model::Rfm;
use crate::model::{
    check_bgnbd, check_gamma_gamma, BgNbd, Fitted, GammaGamma, Model, RfmEdges, Unit, BGNBD_NAMES,
    GAMMA_GAMMA_NAMES, MODEL_VERSION,
};

/// Options of [`fit_summaries`] and [`fit_transactions`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FitOptions {
    /// Time unit of the summaries and of the fitted α. Default weeks.
    pub unit: Unit,
    /// L2 penalty on BG/NBD's (r, α, a, b), added to the mean negative
    /// log-likelihood as in lifetimes' `BetaGeoFitter(penalizer_coef=…)`. Default 0.
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
}

/// The fitted purchase and spend models with their convergence reports.
#[derive(Debug, Clone, PartialEq)]
pub struct LifetimeFit {
    /// BG/NBD parameters.
    pub bgnbd: Fitted<BgNbd>,
    /// How the BG/NBD fit ended.
    pub bgnbd_convergence: Convergence,
    /// Distinct (x, t_x, T) triples the BG/NBD likelihood was evaluated on.
    pub distinct_triples: usize,
    /// Gamma-Gamma parameters; `None` when no customer has a repeat purchase of positive value.
    pub gamma_gamma: Option<Fitted<GammaGamma>>,
    /// How the Gamma-Gamma fit ended.
    pub gamma_gamma_convergence: Option<Convergence>,
}

/// Fits BG/NBD on all rows and Gamma-Gamma on the rows with frequency > 0
/// and monetary value > 0.
///
/// `progress` receives fractions of the work done, from 0 to 1. Errors:
/// no rows (`OutOfRange`, path `rows`); a non-finite or negative time or
/// spend, or recency above t (path `rows[i].recency` …); a fit that fails
/// (`FitFailed`, path `bgnbd` / `gammaGamma`, see the module's policy).
pub fn fit_summaries(
    rows: &[SummaryRow],
    options: &FitOptions,
    progress: &mut dyn FnMut(f64),
) -> Result<LifetimeFit> {
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
    let rfm: Vec<Rfm> = rows
        .iter()
        .map(|r| Rfm {
            x: f64::from(r.frequency),
            t_x: r.recency,
            t: r.t,
        })
        .collect();
    let triples = Triples::new(&rfm);
    let min = bgnbd::fit(
        &triples,
        options.penalizer_coef,
        &options.optimizer,
        &mut |f| progress(0.8 * f),
    );
    let params = bgnbd::from_log(&min.x);
    let ll = params.log_likelihood_grouped(&triples, &mut [0.0; 4]);
    let named = [
        ("r", params.r),
        ("alpha", params.alpha),
        ("a", params.a),
        ("b", params.b),
    ];
    let range = check_bgnbd(&params, options.unit, "bgnbd");
    let (mut bg, bg_conv) = finish("bgnbd", params, &named, range, ll, &min, options)?;
    let ll_of = bgnbd::penalized_log_likelihood(&triples, options.penalizer_coef);
    bg.uncertainty = Some(uncertainty::estimate_with_gradient(
        &ll_of,
        &min.x,
        &BGNBD_NAMES,
    ));

    let spend = SpendData::new(
        rows.iter()
            .map(|r| (f64::from(r.frequency), r.monetary_value)),
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
        bgnbd: bg,
        bgnbd_convergence: bg_conv,
        distinct_triples: triples.len(),
        gamma_gamma,
        gamma_gamma_convergence,
    })
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
        .map(|s| SummaryRow {
            frequency: s.frequency,
            recency: s.recency,
            t: s.t,
            monetary_value: s.monetary_value,
        })
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
        bgnbd: Some(lifetime.bgnbd.clone()),
        gamma_gamma: lifetime.gamma_gamma.clone(),
        satisfaction,
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
