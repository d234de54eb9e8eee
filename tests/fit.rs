//! The one-pass, multi-horizon BG/NBD predictions give the per-horizon
//! results, and columnar scoring built on them gives, field for field, what
//! scoring each customer as an object gives.
// Fitting and columnar scoring are behind the `fit` feature.
#![cfg(all(not(target_arch = "wasm32"), feature = "fit"))]

use crmscore::fit::columnar::{score_columns, ColumnOptions};
use crmscore::fit::Transactions;
use crmscore::input::json::Json;
use crmscore::model::special::{ln_hyp2f1, ln_power_series, ln_series};
use crmscore::model::{
    AbcCuts, BgBb, BgBbModel, BgNbd, Fitted, GammaGamma, Model, Rfm, RfmEdges, Unit,
};
use crmscore::{ScoreOptions, Scorer};

const DAY: i64 = 86_400_000;

/// CDNOW's fit (a < 2, Euler branch), a fit with a ≥ 2 (direct series, as the
/// generated base of the benchmarks), a = 1 exactly, and a + b − 1 = r (K = 0).
const PARAMS: [BgNbd; 5] = [
    BgNbd {
        r: 0.243,
        alpha: 4.414,
        a: 0.793,
        b: 2.426,
    },
    BgNbd {
        r: 1.435,
        alpha: 8.5,
        a: 2.687,
        b: 56.07,
    },
    BgNbd {
        r: 1.2,
        alpha: 20.0,
        a: 1.4,
        b: 0.7,
    },
    BgNbd {
        r: 0.5,
        alpha: 3.0,
        a: 1.0,
        b: 6.0,
    },
    BgNbd {
        r: 0.5,
        alpha: 3.0,
        a: 0.8,
        b: 0.7,
    },
];

const GG: GammaGamma = GammaGamma {
    p: 6.25,
    q: 3.74,
    v: 15.44,
};

fn customers() -> Vec<Rfm> {
    let mut out = Vec::new();
    for x in [0.0, 1.0, 2.0, 7.0, 40.0] {
        for (t_x, t) in [
            (0.0, 0.5),
            (0.0, 38.86),
            (30.43, 38.86),
            (3.0, 104.0),
            (100.0, 104.0),
        ] {
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
    let d = if x > 0.0 {
        a / (b + x - 1.0) * ((alpha + c.t) / (alpha + c.t_x)).powf(r + x)
    } else {
        0.0
    };
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
    let horizons: Vec<f64> = (1..=12)
        .map(|i| f64::from(i) * 4.345)
        .chain([0.0, 0.5, 100.0])
        .collect();
    for p in PARAMS {
        for c in customers() {
            let at = p.expected_purchases_at(&horizons, c).unwrap();
            let if_alive = p.expected_purchases_if_alive(&horizons, c.x, c.t).unwrap();
            let alive = p.probability_alive(c);
            for (i, &t) in horizons.iter().enumerate() {
                let single = p.expected_purchases(t, c).unwrap();
                assert!(
                    close(at[i], single, 1e-14) || at[i] == single,
                    "{p:?} {c:?} t={t}: {} vs {single}",
                    at[i]
                );
                assert!(
                    close(if_alive[i] * alive, single, 1e-14) || single == 0.0,
                    "{p:?} {c:?} t={t}"
                );
                if t > 0.0 && p.a != 1.0 {
                    let naive = naive_expected(p, t, c);
                    assert!(
                        (single - naive).abs() <= 1e-9 * naive.abs().max(1.0),
                        "{p:?} {c:?} t={t}: {single} vs {naive}"
                    );
                }
            }
        }
    }
}

#[test]
fn bad_horizons_and_customers_are_errors_not_panics() {
    let p = PARAMS[0];
    let c = Rfm {
        x: 2.0,
        t_x: 30.43,
        t: 38.86,
    };
    for bad in [f64::NAN, -1.0, f64::INFINITY] {
        assert_eq!(
            p.expected_purchases_at(&[1.0, bad], c).unwrap_err().path(),
            "t"
        );
        assert_eq!(
            p.expected_purchases_if_alive(&[bad], 1.0, 2.0)
                .unwrap_err()
                .path(),
            "t"
        );
    }
    let bad = Rfm {
        x: 1.0,
        t_x: 5.0,
        t: 4.0,
    };
    assert_eq!(
        p.expected_purchases_at(&[1.0], bad).unwrap_err().path(),
        "customer"
    );
    assert_eq!(
        p.expected_purchases_if_alive(&[1.0], -1.0, 2.0)
            .unwrap_err()
            .path(),
        "customer"
    );
    assert_eq!(
        p.expected_purchases_if_alive(&[1.0], 1.0, f64::NAN)
            .unwrap_err()
            .path(),
        "customer"
    );
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
        abc: AbcCuts {
            a: 100.0,
            b: 20.0,
            customer_share: [0.0; 3],
            value_share: [0.0; 3],
        },
        rfm: RfmEdges {
            recency: [7.0, 14.0, 30.0, 60.0],
            frequency: [1.0, 2.0, 3.0, 4.0],
            monetary: [10.0, 20.0, 50.0, 100.0],
        },
        bgnbd: Some(Fitted {
            params: bgnbd,
            log_likelihood: None,
            converged: true,
            uncertainty: None,
        }),
        pareto_nbd: None,
        mbg_nbd: None,
        gamma_gamma: Some(Fitted {
            params: GG,
            log_likelihood: None,
            converged: true,
            uncertainty: None,
        }),
        satisfaction: None,
        bgbb: None,
    }
}

/// The number as `score_columns` stores it: NaN for a missing value.
fn or_nan(v: Option<f64>) -> f64 {
    v.unwrap_or(f64::NAN)
}

fn same(a: f64, b: f64) -> bool {
    a.to_bits() == b.to_bits() || (a.is_nan() && b.is_nan())
}

#[test]
fn columnar_scores_equal_scoring_each_customer() {
    // 300 customers with varied purchase days, many sharing (x, T) but not t_x; some
    // with several orders on one day (one occasion), some with rows after asOf (ignored),
    // customer 300 without a row; costs that make some margins negative.
    let (mut customer, mut at_ms, mut amount, mut cost) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for c in 0..300u32 {
        let first = i64::from(c % 17) * 3;
        for k in 0..=c % 6 {
            customer.push(c);
            let day = first + i64::from(k) * i64::from(1 + c % 40) * i64::from(c % 5 != 0);
            at_ms.push(day * DAY + i64::from(c % 7) * 3_600_000);
            amount.push(10.0 + f64::from((c * 7 + k) % 50));
            cost.push(f64::from((c * 3 + k) % 70));
        }
        if c % 9 == 0 {
            customer.push(c);
            at_ms.push(401 * DAY);
            amount.push(1e6);
            cost.push(0.0);
        }
    }
    let as_of = 400 * DAY;
    let segments = r#"[{"id": "likely-gone", "when": "value.predicted.probabilityAlive < 0.5", "goal": "win-back"},
        {"id": "never-bought", "when": "value.frequency == 0", "goal": "acquire"}]"#;
    // The last model predicts with BG/BB at 30-day opportunities instead of BG/NBD.
    let bgbb = BgBbModel {
        params: BgBb {
            alpha: 1.204,
            beta: 0.75,
            gamma: 0.657,
            delta: 2.783,
        },
        opportunity_days: 30.0,
        log_likelihood: None,
        converged: true,
    };
    let models = PARAMS
        .iter()
        .map(|&p| (p, None))
        .chain([(PARAMS[0], Some(bgbb))]);
    for (p, bgbb) in models {
        // A model holds one purchase model: BG/BB replaces BG/NBD.
        let base = model(p);
        let bgnbd = if bgbb.is_some() {
            None
        } else {
            base.bgnbd.clone()
        };
        let model = serde_json::to_string(&Model {
            bgbb,
            bgnbd,
            ..base
        })
        .unwrap();
        for (config, with_cost) in [
            (format!(r#"{{"model": {model}}}"#), false),
            (
                format!(
                    r#"{{"model": {model}, "abc": {{"a": 300, "b": 80, "serviceCost": {{"perOrder": 5}}}},
                        "lifetime": {{"discountRate": 0.05, "marginRate": 0.4}}, "segments": {segments}}}"#
                ),
                true,
            ),
        ] {
            let scorer = Scorer::new(&Json::parse(&config).unwrap()).unwrap();
            let tx = Transactions {
                customer: &customer,
                at_ms: &at_ms,
                amount: &amount,
                cost: with_cost.then_some(&cost[..]),
            };
            for horizon_days in [0.0, 45.0, 365.0] {
                let score = ScoreOptions {
                    as_of,
                    horizon_days,
                };
                let s = score_columns(
                    &scorer,
                    &tx,
                    &ColumnOptions {
                        score,
                        customers: 301,
                        segments: true,
                    },
                    &mut |_| {},
                )
                .unwrap();
                let ids: Vec<&str> = scorer
                    .segments()
                    .definitions()
                    .iter()
                    .map(|d| d.id.as_str())
                    .collect();
                for c in 0..301 {
                    let orders: Vec<String> = (0..customer.len())
                        .filter(|&i| customer[i] == c as u32 && at_ms[i] <= as_of)
                        .map(|i| match with_cost {
                            true => format!(
                                r#"{{"at": {}, "amount": {}, "cost": {}}}"#,
                                at_ms[i], amount[i], cost[i]
                            ),
                            false => format!(r#"{{"at": {}, "amount": {}}}"#, at_ms[i], amount[i]),
                        })
                        .collect();
                    let text = format!(r#"{{"id": "{c}", "orders": [{}]}}"#, orders.join(","));
                    let r = scorer.score(&Json::parse(&text).unwrap(), score).unwrap();
                    let v = &r.value;
                    let who = format!("{p:?} {config:.40} horizon {horizon_days} customer {c}");
                    assert!(
                        same(s.recency_days[c], or_nan(v.recency_days.map(f64::from))),
                        "{who}"
                    );
                    assert_eq!(
                        (s.frequency[c], s.monetary[c]),
                        (v.frequency, v.monetary),
                        "{who}"
                    );
                    let abc = v.abc.map_or(0, |a| {
                        1 + ["A", "B", "C", "D"]
                            .iter()
                            .position(|k| *k == a.as_str())
                            .unwrap() as u8
                    });
                    assert_eq!(s.abc[c], abc, "{who}");
                    let rfm = v.rfm.map_or((0, 0, 0), |x| (x.r, x.f, x.m));
                    assert_eq!((s.rfm_r[c], s.rfm_f[c], s.rfm_m[c]), rfm, "{who}");
                    let pr = v.predicted;
                    assert!(
                        same(
                            s.probability_alive[c],
                            or_nan(pr.map(|p| p.probability_alive))
                        ),
                        "{who}"
                    );
                    assert!(
                        same(
                            s.expected_purchases[c],
                            or_nan(pr.map(|p| p.expected_purchases))
                        ),
                        "{who}"
                    );
                    assert!(
                        same(
                            s.expected_average_spend[c],
                            or_nan(pr.and_then(|p| p.expected_average_spend))
                        ),
                        "{who}"
                    );
                    assert!(
                        same(
                            s.lifetime_value[c],
                            or_nan(pr.and_then(|p| p.lifetime_value))
                        ),
                        "{who}"
                    );
                    let bits = &s.segments.as_ref().unwrap()[c * s.words..(c + 1) * s.words];
                    let matched: Vec<&str> = (0..ids.len())
                        .filter(|&i| bits[i / 32] >> (i % 32) & 1 == 1)
                        .map(|i| ids[i])
                        .collect();
                    let mut want: Vec<&str> = r.segments.iter().map(|m| m.id.as_str()).collect();
                    want.sort_by_key(|id| ids.iter().position(|i| i == id));
                    assert_eq!(matched, want, "{who}");
                }
                let fast = score_columns(
                    &scorer,
                    &tx,
                    &ColumnOptions {
                        score,
                        customers: 301,
                        segments: false,
                    },
                    &mut |_| {},
                )
                .unwrap();
                let bits = |v: &[f64]| v.iter().map(|x| x.to_bits()).collect::<Vec<u64>>();
                for (a, b) in [
                    (&s.recency_days, &fast.recency_days),
                    (&s.monetary, &fast.monetary),
                    (&s.probability_alive, &fast.probability_alive),
                    (&s.expected_purchases, &fast.expected_purchases),
                    (&s.expected_average_spend, &fast.expected_average_spend),
                    (&s.lifetime_value, &fast.lifetime_value),
                ] {
                    assert_eq!(bits(a), bits(b), "segments: false gives the same columns");
                }
                assert_eq!(
                    (&s.abc, &s.rfm_r, &s.rfm_f, &s.rfm_m),
                    (&fast.abc, &fast.rfm_r, &fast.rfm_f, &fast.rfm_m)
                );
                assert!(fast.segments.is_none());
            }
        }
    }
}

#[test]
fn every_model_in_the_accepted_ranges_predicts_finite_values() {
    use crmscore::model::predict::{Purchase, Steps};
    use crmscore::model::{check_bgnbd, check_gamma_gamma, BGNBD_RANGES, GAMMA_GAMMA_RANGES};
    let [r, alpha, a, b] = BGNBD_RANGES.map(|p| (p.min, p.max));
    let [p, q, v] = GAMMA_GAMMA_RANGES.map(|p| (p.min, p.max));
    // q's minimum is excluded: the least q above it.
    let q = (q.0 * (1.0 + 1e-12), q.1);
    let mut slowest = (0.0, String::new());
    for unit in [Unit::Days, Unit::Weeks] {
        let days = unit.days();
        let steps = Steps::new(3650.0, days, 0.1);
        for r in [r.0, r.1] {
            for alpha in [alpha.0 / days, alpha.1 / days] {
                // a = 1 and a = 2 are where the evaluation switches form.
                for a in [a.0, 1.0, 2.0, a.1] {
                    for b in [b.0, b.1] {
                        let bg = BgNbd { r, alpha, a, b };
                        check_bgnbd(&bg, unit, "bgnbd").unwrap();
                        for x in [0.0, 1.0, 40.0, 3000.0] {
                            // Ages in days up to the whole range of accepted dates (1900 to 2999).
                            for age in [0.0, 1.0, 400.0, 36_500.0, 401_767.0] {
                                for recency in [0.0, 1.0] {
                                    if x > age || (x == 0.0) != (recency == 0.0) {
                                        continue;
                                    }
                                    let c = Rfm {
                                        x,
                                        t_x: (age * recency).floor() / days,
                                        t: age / days,
                                    };
                                    let start = std::time::Instant::now();
                                    let if_alive = bg
                                        .expected_purchases_if_alive(&steps.ends, c.x, c.t)
                                        .unwrap();
                                    for (pp, qq, vv) in [
                                        (p.0, q.0, v.0),
                                        (p.1, q.1, v.1),
                                        (p.0, q.0, v.1),
                                        (6.25, 3.74, 15.44),
                                    ] {
                                        let gg = GammaGamma {
                                            p: pp,
                                            q: qq,
                                            v: vv,
                                        };
                                        check_gamma_gamma(&gg, "gammaGamma").unwrap();
                                        let got = steps
                                            .predict(
                                                &Purchase::BgNbd(bg),
                                                Some(&gg),
                                                c,
                                                1e4,
                                                &if_alive,
                                            )
                                            .unwrap();
                                        let all = [
                                            got.probability_alive,
                                            got.expected_purchases,
                                            got.expected_average_spend.unwrap(),
                                            got.lifetime_value.unwrap(),
                                        ];
                                        assert!(
                                            all.iter().all(|v| v.is_finite() && *v >= 0.0),
                                            "{bg:?} {gg:?} {c:?}: {got:?}"
                                        );
                                    }
                                    let took = start.elapsed().as_secs_f64();
                                    if took > slowest.0 {
                                        slowest = (took, format!("{bg:?} {c:?}"));
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
    println!(
        "slowest 3,650-day prediction (122 steps): {:.1} ms, {}",
        slowest.0 * 1e3,
        slowest.1
    );
}
