//! The one-pass, multi-horizon BG/NBD predictions and the columnar scoring
//! built on them give the per-horizon, per-customer results.
#![cfg(not(target_arch = "wasm32"))]

use crmscore::columnar::{score_columns, CustomerFigures, ProjectionOptions};
use crmscore::fit::special::{ln_hyp2f1, ln_power_series, ln_series};
use crmscore::fit::{
    customer_lifetime_value, AbcCuts, BgNbd, Fitted, GammaGamma, Model, Rfm, RfmEdges, Transactions, Unit,
};

const DAY: i64 = 86_400_000;

/// CDNOW's fit (a < 2, Euler branch), a fit with a ≥ 2 (direct series, as the
/// generated base of the benchmarks), a = 1 exactly, and a + b − 1 = r (K = 0).
const PARAMS: [BgNbd; 5] = [
    BgNbd { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 },
    BgNbd { r: 1.435, alpha: 8.5, a: 2.687, b: 56.07 },
    BgNbd { r: 1.2, alpha: 20.0, a: 1.4, b: 0.7 },
    BgNbd { r: 0.5, alpha: 3.0, a: 1.0, b: 6.0 },
    BgNbd { r: 0.5, alpha: 3.0, a: 0.8, b: 0.7 },
];

const GG: GammaGamma = GammaGamma { p: 6.25, q: 3.74, v: 15.44 };

fn customers() -> Vec<Rfm> {
    let mut out = Vec::new();
    for x in [0.0, 1.0, 2.0, 7.0, 40.0] {
        for (t_x, t) in [(0.0, 0.5), (0.0, 38.86), (30.43, 38.86), (3.0, 104.0), (100.0, 104.0)] {
            if x > 0.0 || t_x == 0.0 {
                out.push(Rfm { x, t_x, t });
            }
        }
    }
    out
}

fn close(a: f64, b: f64, rel: f64) -> bool {
    (a - b).abs() <= rel * b.abs().max(1e-300)
}

/// lifetimes' formula with the direct 2F1 series.
fn naive_expected(p: BgNbd, t: f64, c: Rfm) -> f64 {
    let BgNbd { r, alpha, a, b } = p;
    let x = c.x;
    let z = t / (alpha + c.t + t);
    let f = ln_hyp2f1(r + x, b + x, a + b + x - 1.0, z).map_or(f64::NAN, |v| v.value());
    let second = 1.0 - ((alpha + c.t) / (alpha + c.t + t)).powf(r + x) * f;
    let d = if x > 0.0 { a / (b + x - 1.0) * ((alpha + c.t) / (alpha + c.t_x)).powf(r + x) } else { 0.0 };
    (a + b + x - 1.0) / (a - 1.0) * second / (1.0 + d)
}

#[test]
fn power_series_in_one_pass_equals_one_series_per_z() {
    let zs = [0.0, 1e-9, 0.1, 0.5, 0.9, 0.99];
    let coefficient = |n: f64| (2.3 + n) * (0.7 + n) / ((4.1 + n) * (n + 1.0));
    let together = ln_power_series(coefficient, &zs);
    for (z, v) in zs.iter().zip(&together) {
        assert_eq!(*v, ln_series(|n| coefficient(n) * z), "z = {z}");
    }
    // z = 1 does not converge: None for that entry only.
    let with_one = ln_power_series(|n| (1.0 + n) / (2.0 + n), &[0.5, 1.0]);
    assert!(with_one[0].is_some() && with_one[1].is_none());
    assert!(ln_power_series(coefficient, &[]).is_empty());
}

#[test]
fn multi_horizon_predictions_equal_single_horizons_and_the_naive_formula() {
    let horizons: Vec<f64> = (1..=12).map(|i| f64::from(i) * 4.345).chain([0.0, 0.5, 100.0]).collect();
    for p in PARAMS {
        for c in customers() {
            let at = p.expected_purchases_at(&horizons, c).unwrap();
            let if_alive = p.expected_purchases_if_alive(&horizons, c.x, c.t).unwrap();
            let alive = p.probability_alive(c);
            for (i, &t) in horizons.iter().enumerate() {
                let single = p.expected_purchases(t, c).unwrap();
                assert!(close(at[i], single, 1e-14) || at[i] == single, "{p:?} {c:?} t={t}: {} vs {single}", at[i]);
                assert!(close(if_alive[i] * alive, single, 1e-14) || single == 0.0, "{p:?} {c:?} t={t}");
                if t > 0.0 && p.a != 1.0 {
                    let naive = naive_expected(p, t, c);
                    assert!((single - naive).abs() <= 1e-9 * naive.abs().max(1.0), "{p:?} {c:?} t={t}: {single} vs {naive}");
                }
            }
        }
    }
}

#[test]
fn bad_horizons_and_customers_are_errors_not_panics() {
    let p = PARAMS[0];
    let c = Rfm { x: 2.0, t_x: 30.43, t: 38.86 };
    for bad in [f64::NAN, -1.0, f64::INFINITY] {
        assert_eq!(p.expected_purchases_at(&[1.0, bad], c).unwrap_err().path(), "t");
        assert_eq!(p.expected_purchases_if_alive(&[bad], 1.0, 2.0).unwrap_err().path(), "t");
    }
    let bad = Rfm { x: 1.0, t_x: 5.0, t: 4.0 };
    assert_eq!(p.expected_purchases_at(&[1.0], bad).unwrap_err().path(), "customer");
    assert_eq!(p.expected_purchases_if_alive(&[1.0], -1.0, 2.0).unwrap_err().path(), "customer");
    assert_eq!(p.expected_purchases_if_alive(&[1.0], 1.0, f64::NAN).unwrap_err().path(), "customer");
    // A horizon beyond the series' reach: an error naming it, after the ones that converge.
    let e = p.expected_purchases_at(&[10.0, 1e300], c).unwrap_err();
    assert_eq!(e.path(), "t");
    assert!(e.message().contains("too long"), "{}", e.message());
    assert!(p.expected_purchases_at(&[], c).unwrap().is_empty());
}

fn model(bgnbd: BgNbd) -> Model {
    Model {
        version: 1,
        unit: Unit::Weeks,
        as_of: "1998-12-31".into(),
        customers: 0,
        abc: AbcCuts { a: 100.0, b: 20.0, customer_share: [0.0; 3], value_share: [0.0; 3] },
        rfm: RfmEdges {
            recency: [7.0, 14.0, 30.0, 60.0],
            frequency: [1.0, 2.0, 3.0, 4.0],
            monetary: [10.0, 20.0, 50.0, 100.0],
        },
        bgnbd: Some(Fitted { params: bgnbd, log_likelihood: None, converged: true }),
        gamma_gamma: Some(Fitted { params: GG, log_likelihood: None, converged: true }),
        satisfaction: None,
    }
}

#[test]
fn columnar_scores_equal_the_per_customer_lifetime_value() {
    // 300 customers with varied purchase days, many sharing (x, T) but not t_x.
    let (mut customer, mut at_ms, mut amount) = (Vec::new(), Vec::new(), Vec::new());
    for c in 0..300u32 {
        let first = i64::from(c % 17) * 3;
        let repeats = c % 6;
        for k in 0..=repeats {
            customer.push(c);
            at_ms.push((first + i64::from(k) * i64::from(1 + c % 40)) * DAY);
            amount.push(10.0 + f64::from((c * 7 + k) % 50));
        }
    }
    let tx = Transactions { customer: &customer, at_ms: &at_ms, amount: &amount, cost: None };
    let as_of = 400 * DAY;
    for p in PARAMS {
        let m = model(p);
        for o in [ProjectionOptions::default(), ProjectionOptions { months: 30, monthly_discount_rate: 0.0 }] {
            let figures = CustomerFigures::from_transactions(&tx, as_of, 301).unwrap();
            let s = score_columns(&m, figures, &o).unwrap();
            for c in 0..300 {
                let f = &s.figures;
                let rfm = Rfm {
                    x: f64::from(f.repeat_days[c]),
                    t_x: f64::from(f.first_to_last_days[c]) / 7.0,
                    t: f64::from(f.age_days[c]) / 7.0,
                };
                let expected = p.expected_purchases(f64::from(o.months) * 4.345, rfm).unwrap();
                assert!(close(s.expected_purchases[c], expected, 1e-12), "{p:?} {rfm:?}");
                assert_eq!(s.probability_alive[c], p.probability_alive(rfm));
                let clv = customer_lifetime_value(
                    &p,
                    &GG,
                    Unit::Weeks,
                    rfm,
                    f.monetary_value[c],
                    o.months,
                    o.monthly_discount_rate,
                )
                .unwrap();
                assert!(close(s.lifetime_value[c], clv, 1e-12), "{p:?} {rfm:?}: {} vs {clv}", s.lifetime_value[c]);
            }
            assert!(s.lifetime_value[300].is_nan());
        }
    }
    // A projection beyond the series' reach is an error on the months, not a panic.
    let long = ProjectionOptions { months: 1200, monthly_discount_rate: 0.01 };
    let young = Transactions { customer: &[0], at_ms: &[0], amount: &[5.0], cost: None };
    let figures = CustomerFigures::from_transactions(&young, 0, 1).unwrap();
    // α + T vanishing against the horizon: z rounds to 1.
    let tiny = BgNbd { alpha: 1e-300, ..PARAMS[1] };
    assert_eq!(score_columns(&model(tiny), figures, &long).unwrap_err().path(), "options.months");
}
