//! Pareto/NBD and MBG/NBD on the CDNOW calibration summary against their
//! published fits, and their likelihoods against independent evaluations.

use super::tests::{sig3, summary_rows};
use super::*;

fn fit_with(model: PurchaseModel) -> LifetimeFit {
    let options = FitOptions {
        purchase_model: model,
        ..FitOptions::default()
    };
    fit_summaries(&summary_rows(), &options, &mut |_| {}).unwrap()
}

#[test]
fn pareto_nbd_reproduces_fader_hardie_lee_2005_on_cdnow() {
    let fit = fit_with(PurchaseModel::ParetoNbd);
    let p = fit.pareto_nbd.as_ref().unwrap().params;
    let conv = &fit.purchase_convergence;
    assert!(conv.converged, "{conv:?}");
    for (name, got, want) in [
        ("r", p.r, 0.553),
        ("alpha", p.alpha, 10.58),
        ("s", p.s, 0.606),
        ("beta", p.beta, 11.67),
    ] {
        assert!(sig3(got, want), "{name} = {got}, published {want}");
    }
    // Published to one decimal.
    let ll = conv.log_likelihood;
    assert!((ll + 9595.0).abs() < 0.05, "log-likelihood {ll}");
    assert!(fit.bgnbd.is_none() && fit.mbg_nbd.is_none());
}

#[test]
fn mbg_nbd_reproduces_btydplus_on_cdnow() {
    let fit = fit_with(PurchaseModel::MbgNbd);
    let p = fit.mbg_nbd.as_ref().unwrap().params;
    let conv = &fit.purchase_convergence;
    assert!(conv.converged, "{conv:?}");
    for (name, got, want) in [
        ("r", p.r, 0.525),
        ("alpha", p.alpha, 6.183),
        ("a", p.a, 0.891),
        ("b", p.b, 1.614),
    ] {
        assert!(sig3(got, want), "{name} = {got}, BTYDplus {want}");
    }
}
