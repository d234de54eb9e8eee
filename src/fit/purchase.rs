//! The purchase models, each fitted in one place: [`fit_purchase`] is used by
//! [`super::fit_summaries`] and by [`super::validate`], and
//! [`FittedPurchase`] is what a fit returns. A model is one arm of each match
//! here and one entry of [`PurchaseModel::ALL`].

use super::bgnbd::{self, Triples};
use super::options::PurchaseModel;
use super::{finish, mbg_nbd, pareto_nbd, Convergence, FitOptions, SummaryRow};
use crate::error::Result;
use crate::model::predict::Purchase;
use crate::model::{
    check_bgnbd, check_pareto_nbd, BgNbd, Fitted, MbgNbd, ParetoNbd, Rfm, Uncertainty, BGNBD_NAMES,
    PARETO_NBD_NAMES,
};
use serde::Serialize;

/// A fitted purchase model; serialises as `{ "purchaseModel": "bg-nbd", "r": .., …,
/// "logLikelihood": .., "converged": .. }`.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "purchaseModel")]
pub enum FittedPurchase {
    /// BG/NBD (r, α, a, b).
    #[serde(rename = "bg-nbd")]
    BgNbd(Fitted<BgNbd>),
    /// Pareto/NBD (r, α, s, β).
    #[serde(rename = "pareto-nbd")]
    ParetoNbd(Fitted<ParetoNbd>),
    /// MBG/NBD (r, α, a, b).
    #[serde(rename = "mbg-nbd")]
    MbgNbd(Fitted<MbgNbd>),
}

impl FittedPurchase {
    /// Which model this is.
    pub fn kind(&self) -> PurchaseModel {
        match self {
            FittedPurchase::BgNbd(_) => PurchaseModel::BgNbd,
            FittedPurchase::ParetoNbd(_) => PurchaseModel::ParetoNbd,
            FittedPurchase::MbgNbd(_) => PurchaseModel::MbgNbd,
        }
    }

    /// Log-likelihood of the data at the fitted parameters.
    pub fn log_likelihood(&self) -> f64 {
        match self {
            FittedPurchase::BgNbd(f) => f.log_likelihood,
            FittedPurchase::ParetoNbd(f) => f.log_likelihood,
            FittedPurchase::MbgNbd(f) => f.log_likelihood,
        }
        .unwrap_or(f64::NAN)
    }

    /// Number of free parameters k, for AIC and BIC (four in each model).
    pub fn parameters(&self) -> usize {
        4
    }

    /// The parameters as the scoring side predicts from them.
    pub fn purchase(&self) -> Purchase {
        match self {
            FittedPurchase::BgNbd(f) => Purchase::BgNbd(f.params),
            FittedPurchase::ParetoNbd(f) => Purchase::ParetoNbd(f.params),
            FittedPurchase::MbgNbd(f) => Purchase::MbgNbd(f.params),
        }
    }

    /// Expected purchases in the `horizon` units after T of a customer with
    /// `frequency` repeat purchases, last at `recency`, first at T before the
    /// end of calibration (all in the model's unit): P(alive) times the
    /// expected purchases of a customer alive.
    pub fn expected_holdout(
        &self,
        frequency: f64,
        recency: f64,
        t: f64,
        horizon: f64,
    ) -> Result<f64> {
        let c = Rfm {
            x: frequency,
            t_x: recency,
            t,
        };
        let purchase = self.purchase();
        let if_alive = purchase.expected_purchases_if_alive(&[horizon], frequency, t)?;
        Ok(purchase.probability_alive(c) * if_alive.first().copied().unwrap_or(0.0))
    }
}

/// Fits one purchase model on summary rows (their counts weighting the
/// likelihood), with the non-convergence policy of [`super::fit_summaries`].
/// Returns the fit, how it ended and the distinct (x, t_x, T) triples it was
/// evaluated on. Errors: `FitFailed` with path the model's key (`bgnbd` …).
pub fn fit_purchase(
    model: PurchaseModel,
    rows: &[SummaryRow],
    options: &FitOptions,
    progress: &mut dyn FnMut(f64),
) -> Result<(FittedPurchase, Convergence, usize)> {
    let rfm: Vec<Rfm> = rows
        .iter()
        .map(|r| Rfm {
            x: f64::from(r.frequency),
            t_x: r.recency,
            t: r.t,
        })
        .collect();
    let counts: Vec<f64> = rows.iter().map(|r| r.count).collect();
    let triples = Triples::weighted(&rfm, &counts);
    let (penalty, optimizer) = (options.penalizer_coef, &options.optimizer);
    let key = model.key();
    // Each arm: the likelihood in log-parameters, the fit, and the uncertainty
    // from the curvature of the penalised likelihood the fit maximised.
    let (fitted, conv) = match model {
        PurchaseModel::BgNbd => {
            let ll = |t: &[f64], g: &mut [f64; 4]| {
                bgnbd::from_log(t).log_likelihood_grouped(&triples, g)
            };
            let min = bgnbd::fit4(
                &triples,
                penalty,
                bgnbd::TIME_SCALES,
                optimizer,
                progress,
                &ll,
            );
            let p = bgnbd::from_log(&min.x);
            let ll_at = ll(&min.x, &mut [0.0; 4]);
            let named = [("r", p.r), ("alpha", p.alpha), ("a", p.a), ("b", p.b)];
            let range = check_bgnbd(&p, options.unit, key);
            let (mut fitted, conv) = finish(key, p, &named, range, ll_at, &min, options)?;
            fitted.uncertainty = Some(uncertainty(
                &triples,
                penalty,
                bgnbd::TIME_SCALES,
                &ll,
                &min.x,
                &BGNBD_NAMES,
            ));
            (FittedPurchase::BgNbd(fitted), conv)
        }
        PurchaseModel::ParetoNbd => {
            let ll = |t: &[f64], g: &mut [f64; 4]| {
                pareto_nbd::from_log(t).log_likelihood_grouped(&triples, g)
            };
            let min = bgnbd::fit4(
                &triples,
                penalty,
                pareto_nbd::TIME_SCALES,
                optimizer,
                progress,
                &ll,
            );
            let p = pareto_nbd::from_log(&min.x);
            let ll_at = ll(&min.x, &mut [0.0; 4]);
            let named = [("r", p.r), ("alpha", p.alpha), ("s", p.s), ("beta", p.beta)];
            let range = check_pareto_nbd(&p, options.unit, key);
            let (mut fitted, conv) = finish(key, p, &named, range, ll_at, &min, options)?;
            fitted.uncertainty = Some(uncertainty(
                &triples,
                penalty,
                pareto_nbd::TIME_SCALES,
                &ll,
                &min.x,
                &PARETO_NBD_NAMES,
            ));
            (FittedPurchase::ParetoNbd(fitted), conv)
        }
        PurchaseModel::MbgNbd => {
            let ll = |t: &[f64], g: &mut [f64; 4]| {
                mbg_nbd::from_log(t).log_likelihood_grouped(&triples, g)
            };
            let min = bgnbd::fit4(
                &triples,
                penalty,
                mbg_nbd::TIME_SCALES,
                optimizer,
                progress,
                &ll,
            );
            let p = mbg_nbd::from_log(&min.x);
            let ll_at = ll(&min.x, &mut [0.0; 4]);
            let named = [("r", p.r), ("alpha", p.alpha), ("a", p.a), ("b", p.b)];
            // MBG/NBD accepts BG/NBD's ranges.
            let as_bg = BgNbd {
                r: p.r,
                alpha: p.alpha,
                a: p.a,
                b: p.b,
            };
            let range = check_bgnbd(&as_bg, options.unit, key);
            let (mut fitted, conv) = finish(key, p, &named, range, ll_at, &min, options)?;
            fitted.uncertainty = Some(uncertainty(
                &triples,
                penalty,
                mbg_nbd::TIME_SCALES,
                &ll,
                &min.x,
                &BGNBD_NAMES,
            ));
            (FittedPurchase::MbgNbd(fitted), conv)
        }
        PurchaseModel::BgBb => return Err(super::discrete_refused()),
    };
    Ok((fitted, conv, triples.len()))
}

/// The uncertainty of a four-parameter fit at `log_params`, from the
/// curvature of the penalised likelihood [`bgnbd::fit4`] maximised.
fn uncertainty(
    triples: &Triples,
    penalty: f64,
    time_scales: [bool; 4],
    ll: &dyn Fn(&[f64], &mut [f64; 4]) -> f64,
    log_params: &[f64],
    names: &'static [&'static str],
) -> Uncertainty {
    let penalized = bgnbd::penalized4(triples, penalty, time_scales, ll);
    super::uncertainty::estimate_with_gradient(&penalized, log_params, names)
}
