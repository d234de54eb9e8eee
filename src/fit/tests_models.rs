//! Pareto/NBD and MBG/NBD on the CDNOW calibration summary against their
//! published fits, and their likelihoods against independent evaluations.

use super::tests::{sig3, summary_rows};
use super::*;
use crate::model::Rfm;

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

use crate::model::special::ln_hyp2f1;
use crate::model::{MbgNbd, ParetoNbd, Purchase};

const PNBD: ParetoNbd = ParetoNbd {
    r: 0.553,
    alpha: 10.58,
    s: 0.606,
    beta: 11.67,
};

/// FHL 2005 note, eq. 22 with A₀ by the direct ₂F₁ series, in plain arithmetic.
fn pareto_likelihood_fhl(p: ParetoNbd, c: Rfm) -> f64 {
    let ParetoNbd { r, alpha, s, beta } = p;
    let (x, tx, t) = (c.x, c.t_x, c.t);
    let m = r + s + x;
    let f = |a2: f64, b2: f64, z: f64| ln_hyp2f1(a2, b2, m + 1.0, z).unwrap().value();
    let a0 = if alpha >= beta {
        f(m, s + 1.0, (alpha - beta) / (alpha + tx)) / (alpha + tx).powf(m)
            - f(m, s + 1.0, (alpha - beta) / (alpha + t)) / (alpha + t).powf(m)
    } else {
        f(m, r + x, (beta - alpha) / (beta + tx)) / (beta + tx).powf(m)
            - f(m, r + x, (beta - alpha) / (beta + t)) / (beta + t).powf(m)
    };
    let lead = (crate::model::special::ln_gamma(r + x) - crate::model::special::ln_gamma(r)).exp()
        * alpha.powf(r)
        * beta.powf(s);
    lead * (1.0 / ((alpha + t).powf(r + x) * (beta + t).powf(s)) + s / m * a0)
}

/// P(alive) from the integral R = s (α+T)^{r+x} (β+T)^s ∫_{t_x}^T (α+τ)^{−(r+x)} (β+τ)^{−(s+1)} dτ by Simpson's rule.
fn pareto_alive_by_quadrature(p: ParetoNbd, c: Rfm) -> f64 {
    let ParetoNbd { r, alpha, s, beta } = p;
    let f = |tau: f64| (alpha + tau).powf(-(r + c.x)) * (beta + tau).powf(-(s + 1.0));
    let n = 20_000;
    let h = (c.t - c.t_x) / n as f64;
    let mut sum = f(c.t_x) + f(c.t);
    for i in 1..n {
        sum += f(c.t_x + i as f64 * h) * if i % 2 == 1 { 4.0 } else { 2.0 };
    }
    let integral = sum * h / 3.0;
    let big_r = s * (alpha + c.t).powf(r + c.x) * (beta + c.t).powf(s) * integral;
    1.0 / (1.0 + big_r)
}

fn customers() -> Vec<Rfm> {
    [
        (0.0, 0.0, 38.86),
        (2.0, 30.43, 38.86),
        (1.0, 1.71, 38.86),
        (7.0, 29.0, 32.0),
        (3.0, 20.0, 20.0),
        (0.0, 0.0, 0.0),
    ]
    .map(|(x, t_x, t)| Rfm { x, t_x, t })
    .to_vec()
}

fn pareto_params() -> [ParetoNbd; 4] {
    [
        PNBD,
        // α < β far apart, α > β far apart, α = β.
        ParetoNbd {
            r: 1.3,
            alpha: 2.0,
            s: 2.5,
            beta: 60.0,
        },
        ParetoNbd {
            r: 0.2,
            alpha: 80.0,
            s: 0.9,
            beta: 3.0,
        },
        ParetoNbd {
            r: 0.7,
            alpha: 9.0,
            s: 1.0,
            beta: 9.0,
        },
    ]
}

#[test]
fn pareto_nbd_likelihood_matches_the_published_expression_in_both_branches() {
    for p in pareto_params() {
        for c in customers() {
            let data = Triples::new(&[c]);
            let ours = p.log_likelihood_grouped(&data, &mut [0.0; 4]);
            let fhl = pareto_likelihood_fhl(p, c).ln();
            assert!(
                (ours - fhl).abs() < 1e-9 * fhl.abs().max(1.0),
                "{p:?} {c:?}: {ours} vs {fhl}"
            );
        }
    }
}

#[test]
fn pareto_nbd_probability_alive_matches_quadrature_and_the_closed_form() {
    for p in pareto_params() {
        for c in customers().into_iter().filter(|c| c.t > c.t_x) {
            let (ours, quad) = (p.probability_alive(c), pareto_alive_by_quadrature(p, c));
            assert!((ours - quad).abs() < 1e-9, "{p:?} {c:?}: {ours} vs {quad}");
        }
    }
    // α = β, x = 0: R = s/(r+s)·(((α+T)/α)^{r+s} − 1) = 1.2/1.7·(1.8^1.7 − 1) = 1.2114 by hand,
    // P(alive) = 1/(1 + R) = 0.4522.
    let p = ParetoNbd {
        r: 0.5,
        alpha: 10.0,
        s: 1.2,
        beta: 10.0,
    };
    let c = Rfm {
        x: 0.0,
        t_x: 0.0,
        t: 8.0,
    };
    let by_hand = 1.0 / (1.0 + 1.2 / 1.7 * (1.8f64.powf(1.7) - 1.0));
    assert!((by_hand - 0.4522).abs() < 1e-4, "{by_hand}");
    assert!((p.probability_alive(c) - by_hand).abs() < 1e-12);
    // Bought at the end of observation: alive.
    assert_eq!(
        p.probability_alive(Rfm {
            x: 4.0,
            t_x: 8.0,
            t: 8.0
        }),
        1.0
    );
}

#[test]
fn pareto_nbd_gradient_matches_finite_differences() {
    let data = Triples::new(&customers());
    for p in pareto_params() {
        let mut g = [0.0; 4];
        p.log_likelihood_grouped(&data, &mut g);
        let theta: Vec<f64> = p.to_array().iter().map(|v| v.ln()).collect();
        for i in 0..4 {
            let h = 1e-6;
            let (mut up, mut down) = (theta.clone(), theta.clone());
            up[i] += h;
            down[i] -= h;
            let ll =
                |th: &[f64]| pareto_nbd::from_log(th).log_likelihood_grouped(&data, &mut [0.0; 4]);
            let fd = (ll(&up) - ll(&down)) / (2.0 * h);
            assert!(
                (fd - g[i]).abs() < 1e-5 * fd.abs().max(1.0),
                "{p:?} component {i}: {fd} vs {}",
                g[i]
            );
        }
    }
}

#[test]
fn pareto_nbd_expected_purchases_of_a_new_customer_follow_the_closed_form() {
    // E[X(t)] = rβ/(α(s−1))·(1 − (β/(β+t))^{s−1}) at x = 0, T = 0 (P(alive) = 1).
    for p in pareto_params() {
        for t in [1.0, 39.0, 520.0] {
            let ParetoNbd { r, alpha, s, beta } = p;
            let want = if s == 1.0 {
                r * beta / alpha * ((beta + t) / beta).ln()
            } else {
                r * beta / (alpha * (s - 1.0)) * (1.0 - (beta / (beta + t)).powf(s - 1.0))
            };
            let got = p.expected_purchases_if_alive(&[t], 0.0, 0.0).unwrap()[0];
            assert!(
                (got - want).abs() < 1e-12 * want,
                "{p:?} t={t}: {got} vs {want}"
            );
        }
    }
    // Continuous through s = 1.
    let at = |s: f64| {
        ParetoNbd { s, ..PNBD }
            .expected_purchases_if_alive(&[39.0], 2.0, 38.86)
            .unwrap()[0]
    };
    assert!((at(1.0) - at(1.0 + 1e-9)).abs() < 1e-7);
    assert!(PNBD.expected_purchases_if_alive(&[-1.0], 0.0, 1.0).is_err());
}

/// MBG/NBD's likelihood written out (Batislam et al. 2007, eq. 9).
fn mbg_likelihood(p: MbgNbd, c: Rfm) -> f64 {
    let MbgNbd { r, alpha, a, b } = p;
    let lg = crate::model::special::ln_gamma;
    let ln_beta = |u: f64, v: f64| lg(u) + lg(v) - lg(u + v);
    let lead =
        (lg(r + c.x) - lg(r) + r * alpha.ln() + ln_beta(a, b + c.x + 1.0) - ln_beta(a, b)).exp();
    lead * ((alpha + c.t).powf(-(r + c.x)) + a / (b + c.x) * (alpha + c.t_x).powf(-(r + c.x)))
}

#[test]
fn mbg_nbd_likelihood_alive_and_gradient() {
    let p = MbgNbd {
        r: 0.525,
        alpha: 6.183,
        a: 0.891,
        b: 1.614,
    };
    let data = Triples::new(&customers());
    let mut g = [0.0; 4];
    let ll = p.log_likelihood_grouped(&data, &mut g);
    let direct: f64 = customers().iter().map(|&c| mbg_likelihood(p, c).ln()).sum();
    assert!(
        (ll - direct).abs() < 1e-9 * direct.abs(),
        "{ll} vs {direct}"
    );
    let theta: Vec<f64> = p.to_array().iter().map(|v| v.ln()).collect();
    for i in 0..4 {
        let (mut up, mut down) = (theta.clone(), theta.clone());
        up[i] += 1e-6;
        down[i] -= 1e-6;
        let f = |th: &[f64]| mbg_nbd::from_log(th).log_likelihood_grouped(&data, &mut [0.0; 4]);
        let fd = (f(&up) - f(&down)) / 2e-6;
        assert!(
            (fd - g[i]).abs() < 1e-5 * fd.abs().max(1.0),
            "component {i}: {fd} vs {}",
            g[i]
        );
    }
    // x = 0: P(alive) = 1/(1 + a/b·((α+T)/α)^r), by hand 1/(1 + 0.55204·7.2850^0.525) = 1/(1 + 0.55204·2.8364) = 0.3897.
    let c = Rfm {
        x: 0.0,
        t_x: 0.0,
        t: 38.86,
    };
    let by_hand = 1.0 / (1.0 + 0.891 / 1.614 * (45.043f64 / 6.183).powf(0.525));
    assert!((p.probability_alive(c) - by_hand).abs() < 1e-12);
    assert!((by_hand - 0.3897).abs() < 1e-4, "{by_hand}");
    // Expected purchases alive: BG/NBD's with b + 1, against lifetimes' 2F1 form directly.
    let (x, t_cal, t) = (2.0, 38.86, 39.0);
    let z = t / (p.alpha + t_cal + t);
    let f = ln_hyp2f1(p.r + x, p.b + x + 1.0, p.a + p.b + x, z)
        .unwrap()
        .value();
    let want = (p.a + p.b + x) / (p.a - 1.0)
        * (1.0 - ((p.alpha + t_cal) / (p.alpha + t_cal + t)).powf(p.r + x) * f);
    let got = Purchase::MbgNbd(p)
        .expected_purchases_if_alive(&[t], x, t_cal)
        .unwrap()[0];
    assert!((got - want).abs() < 1e-9 * want, "{got} vs {want}");
}

#[test]
fn purchase_model_option_is_validated() {
    use crate::input::json::Json;
    let read = |text: &str| options::summary_request(&Json::parse(text).unwrap());
    assert_eq!(
        read(r#"{"purchaseModel": "pareto-nbd"}"#)
            .unwrap()
            .purchase_model,
        PurchaseModel::ParetoNbd
    );
    assert_eq!(
        read(r#"{"purchaseModel": "mbg-nbd"}"#)
            .unwrap()
            .purchase_model,
        PurchaseModel::MbgNbd
    );
    assert_eq!(read("{}").unwrap().purchase_model, PurchaseModel::BgNbd);
    let e = read(r#"{"purchaseModel": "pareto"}"#).unwrap_err();
    assert_eq!(
        (e.code(), e.path()),
        (crate::error::ErrorCode::OutOfRange, "options.purchaseModel")
    );
    assert_eq!(
        e.message(),
        r#"expected one of "bg-nbd", "pareto-nbd", "mbg-nbd", "bg-bb", got "pareto""#
    );
    let e = read(r#"{"purchaseModel": 1}"#).unwrap_err();
    assert_eq!(e.path(), "options.purchaseModel");
    let (o, _) =
        options::fit_request(&Json::parse(r#"{"purchaseModel": "mbg-nbd"}"#).unwrap(), 0).unwrap();
    assert_eq!(o.purchase_model, PurchaseModel::MbgNbd);
}

#[test]
fn predictions_come_from_the_model_s_purchase_model() {
    fn fitted<P>(params: P) -> Option<Fitted<P>> {
        Some(Fitted {
            params,
            log_likelihood: None,
            converged: true,
            uncertainty: None,
        })
    }
    use crate::input::customer::Order;
    use crate::input::time::parse_instant;
    use crate::model::{predict, AbcCuts, RfmEdges, Unit};
    // CDNOW customer with x = 2, t_x = 30.43, T = 38.86 weeks (213 and 272 days).
    let as_of = parse_instant("1997-09-30").unwrap();
    let orders: Vec<Order<'_>> = [
        ("1997-01-01", 29.33),
        ("1997-01-18", 29.73),
        ("1997-08-02", 14.96),
    ]
    .iter()
    .map(|&(at, amount)| Order::new(parse_instant(at).unwrap(), amount))
    .collect();
    let c = Rfm {
        x: 2.0,
        t_x: 213.0 / 7.0,
        t: 272.0 / 7.0,
    };
    let base = Model {
        version: 1,
        unit: Unit::Weeks,
        as_of: "1997-09-30".into(),
        customers: 2357,
        abc: AbcCuts {
            a: 100.0,
            b: 50.0,
            customer_share: [0.05, 0.15, 0.8],
            value_share: [0.5, 0.3, 0.2],
        },
        rfm: RfmEdges {
            recency: [1.0, 2.0, 3.0, 4.0],
            frequency: [1.0, 2.0, 3.0, 4.0],
            monetary: [1.0, 2.0, 3.0, 4.0],
        },
        bgnbd: None,
        pareto_nbd: fitted(PNBD),
        mbg_nbd: None,
        gamma_gamma: None,
        satisfaction: None,
        bgbb: None,
    };
    // 52 weeks = 364 days, no discounting needed for expected purchases.
    let got = predict(&orders, as_of, &base, 364.0, 0.0).unwrap();
    let alive = pareto_alive_by_quadrature(PNBD, c);
    let ParetoNbd { r, alpha, s, beta } = PNBD;
    let if_alive = (r + 2.0) * (beta + c.t) / ((alpha + c.t) * (s - 1.0))
        * (1.0 - ((beta + c.t) / (beta + c.t + 52.0)).powf(s - 1.0));
    assert!(
        (got.probability_alive - alive).abs() < 1e-9,
        "{got:?} {alive}"
    );
    assert!(
        (got.expected_purchases - alive * if_alive).abs() < 1e-9,
        "{got:?}"
    );
    assert!(got.lifetime_value.is_none());
    let mbg = MbgNbd {
        r: 0.525,
        alpha: 6.183,
        a: 0.891,
        b: 1.614,
    };
    let m = Model {
        pareto_nbd: None,
        mbg_nbd: fitted(mbg),
        ..base
    };
    let got = predict(&orders, as_of, &m, 364.0, 0.0).unwrap();
    let d = mbg.a / (mbg.b + 2.0) * ((mbg.alpha + c.t) / (mbg.alpha + c.t_x)).powf(mbg.r + 2.0);
    assert!((got.probability_alive - 1.0 / (1.0 + d)).abs() < 1e-12);
}

#[test]
fn every_pareto_nbd_model_in_the_accepted_ranges_predicts_finite_values() {
    use crate::model::{check_pareto_nbd, Unit};
    // Corners of PARETO_NBD_RANGES in days, α and β at most 1000 apart.
    let scales = [
        (1e-3, 1e-3),
        (1e-3, 1.0),
        (1.0, 1e-3),
        (1e7, 1e4),
        (1e4, 1e7),
        (1e7, 1e7),
    ];
    let customers = [
        (0.0, 0.0, 0.0),
        (0.0, 0.0, 40_000.0),
        (3000.0, 1.0, 40_000.0),
        (3000.0, 39_999.0, 40_000.0),
        (1.0, 0.5, 1.0),
    ];
    for r in [1e-6, 1e6] {
        for s in [1e-6, 1.0, 1e6] {
            for (alpha, beta) in scales {
                let p = ParetoNbd { r, alpha, s, beta };
                check_pareto_nbd(&p, Unit::Days, "p").unwrap();
                for (x, t_x, t) in customers {
                    let c = Rfm { x, t_x, t };
                    let alive = Purchase::ParetoNbd(p).probability_alive(c);
                    let e = p
                        .expected_purchases_if_alive(&[0.0, 30.0, 3650.0], x, t)
                        .unwrap();
                    assert!((0.0..=1.0).contains(&alive), "{p:?} {c:?}: {alive}");
                    assert!(
                        e.iter().all(|v| v.is_finite() && *v >= 0.0),
                        "{p:?} {c:?}: {e:?}"
                    );
                }
            }
        }
    }
}
