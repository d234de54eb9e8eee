//! Reference checks on the CDNOW sample (Fader, Hardie & Lee 2005; data in `data/cdnow`).

use super::*;
use crate::input::time::{days_from_civil, DAY_MS as MS_PER_DAY};
use crate::model::Rfm;

const SUMMARY_CSV: &str =
    include_str!("../../data/cdnow/cdnow_customers_summary_with_transactions.csv");
const SAMPLE_TXT: &str = include_str!("../../data/cdnow/CDNOW_sample.txt");

/// (id, x, t_x, T, zbar) rows of the published summary.
pub(super) fn csv_rows() -> Vec<(u32, u32, f64, f64, f64)> {
    SUMMARY_CSV
        .lines()
        .skip(1)
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let f: Vec<&str> = l.trim().split(',').collect();
            (
                f[0].parse().unwrap(),
                f[1].parse().unwrap(),
                f[2].parse().unwrap(),
                f[3].parse().unwrap(),
                f[4].parse().unwrap(),
            )
        })
        .collect()
}

/// The published summary as fit input (the other CDNOW checks of the crate read it here).
pub(crate) fn summary_rows() -> Vec<SummaryRow> {
    csv_rows()
        .iter()
        .map(|&(_, x, t_x, t, m)| SummaryRow::new(x, t_x, t, m))
        .collect()
}

/// Columnar transactions from whitespace-separated lines: `id_column` is the
/// customer id's column, then date `YYYYMMDD`, CDs and dollars follow it.
fn transactions(text: &str, id_column: usize) -> (Vec<u32>, Vec<i64>, Vec<f64>) {
    let (mut customer, mut at_ms, mut amount) = (vec![], vec![], vec![]);
    for line in text.lines() {
        let f: Vec<&str> = line.split_whitespace().collect();
        let Some(Ok(date)) = f.get(id_column + 1).map(|d| d.parse::<u32>()) else {
            continue;
        };
        customer.push(f[id_column].parse().unwrap());
        // Noon, so that the day is unambiguous whatever the as-of time of day.
        at_ms.push(
            days_from_civil(
                i64::from(date / 10000),
                i64::from(date / 100 % 100),
                i64::from(date % 100),
            ) * MS_PER_DAY
                + MS_PER_DAY / 2,
        );
        amount.push(f[id_column + 3].parse().unwrap());
    }
    (customer, at_ms, amount)
}

/// The end of the calibration period, 1997-09-30 23:59:59.999 UTC.
fn calibration_end() -> i64 {
    days_from_civil(1997, 9, 30) * MS_PER_DAY + MS_PER_DAY - 1
}

pub(super) fn sig3(value: f64, expected: f64) -> bool {
    // Three significant figures: equal after rounding to 3 significant digits.
    let digits = 2 - expected.abs().log10().floor() as i32;
    let scale = 10f64.powi(digits);
    (value * scale).round() == (expected * scale).round()
}

fn check_published(fit: &LifetimeFit) {
    let bg = fit.bgnbd.as_ref().unwrap().params;
    assert!(
        fit.purchase_convergence.converged,
        "{:?}",
        fit.purchase_convergence
    );
    for (name, got, want) in [
        ("r", bg.r, 0.243),
        ("alpha", bg.alpha, 4.414),
        ("a", bg.a, 0.793),
        ("b", bg.b, 2.426),
    ] {
        assert!(sig3(got, want), "{name} = {got}, published {want}");
    }
    let ll = fit.purchase_convergence.log_likelihood;
    assert!(
        sig3(ll, -9582.4) && (ll + 9582.4).abs() < 0.05,
        "log-likelihood {ll}"
    );
    let gg = fit.gamma_gamma.as_ref().unwrap().params;
    for (name, got, want) in [("p", gg.p, 6.25), ("q", gg.q, 3.74), ("v", gg.v, 15.44)] {
        assert!(sig3(got, want), "{name} = {got}, published {want}");
    }
}

#[test]
fn cdnow_summary_csv_reproduces_the_published_fits() {
    let fit = fit_summaries(&summary_rows(), &FitOptions::default(), &mut |_| {}).unwrap();
    check_published(&fit);
}

/// Relative difference of `got` from `want` within `rel`.
fn near(got: f64, want: f64, rel: f64) -> bool {
    (got - want).abs() <= rel * want.abs()
}

/// Fits with both penalties at `penalizer` and compares with lifetimes' parameters
/// `[r, α, a, b]` and `[p, q, v]`.
fn assert_lifetimes(penalizer: f64, bgnbd: [f64; 4], gamma_gamma: [f64; 3]) {
    let options = FitOptions {
        penalizer_coef: penalizer,
        gamma_gamma_penalizer_coef: penalizer,
        ..FitOptions::default()
    };
    let fit = fit_summaries(&summary_rows(), &options, &mut |_| {}).unwrap();
    let bg = fit.bgnbd.as_ref().unwrap().params.to_array();
    let gg = fit.gamma_gamma.as_ref().unwrap().params.to_array();
    for (got, want) in bg.iter().zip(bgnbd).chain(gg.iter().zip(gamma_gamma)) {
        assert!(
            near(*got, want, 1e-6),
            "penalizer {penalizer}: {bg:?} {gg:?}, lifetimes {bgnbd:?} {gamma_gamma:?}"
        );
    }
}

// The figures of the Python lifetimes library 0.11.3 (numpy 2.4.6, scipy 1.17.1,
// pandas 3.1.1) on the same file, printed by benches/lifetimes_fit.py:
//   python3 -m venv /tmp/lt && /tmp/lt/bin/pip install lifetimes
//   /tmp/lt/bin/python benches/lifetimes_fit.py 0      # and 0.001 for the penalised fits
// (BetaGeoFitter and GammaGammaFitter with penalizer_coef, Gamma-Gamma on x > 0).
// Both optimisers stop at a gradient tolerance, so the parameters agree to about 1e-7.

#[test]
fn cdnow_summary_csv_gives_what_lifetimes_gives() {
    assert_lifetimes(
        0.0,
        [
            0.2425929282798218,
            4.413532265271819,
            0.7928859664406882,
            2.42575238262586,
        ],
        [6.248802496075312, 3.744588460923114, 15.44774806492914],
    );
    // lifetimes' total BG/NBD log-likelihood at its parameters: −9582.425560567368.
    let fit = fit_summaries(&summary_rows(), &FitOptions::default(), &mut |_| {}).unwrap();
    assert!((fit.purchase_convergence.log_likelihood + 9582.425560567368).abs() < 1e-6);
}

#[test]
fn the_l2_penalty_is_lifetimes_penalty() {
    // lifetimes penalises BG/NBD's α in units of the largest T (it fits on T / max T),
    // Gamma-Gamma's parameters as they are.
    assert_lifetimes(
        0.001,
        [
            0.2427762678803234,
            4.405278055812616,
            0.49844648746934267,
            1.3232442257029946,
        ],
        [7.9120249921864, 2.4468193618903253, 7.209564268550714],
    );
}

#[test]
fn the_l2_penalty_shrinks_the_parameters_towards_zero_whatever_the_time_unit() {
    // The penalty is a zero-mean Gaussian prior on (r, α / max T, a, b) and (p, q, v):
    // a larger coefficient gives a smaller sum of squares and a lower likelihood.
    let rows = summary_rows();
    let t_max = rows.iter().map(|r| r.t).fold(0.0, f64::max);
    let mut last: Option<(f64, f64, f64)> = None;
    for penalizer in [0.0, 1e-4, 1e-3, 3e-3] {
        let options = FitOptions {
            penalizer_coef: penalizer,
            gamma_gamma_penalizer_coef: penalizer,
            ..FitOptions::default()
        };
        let fit = fit_summaries(&rows, &options, &mut |_| {}).unwrap();
        let b = fit.bgnbd.as_ref().unwrap().params;
        let squares = [b.r, b.alpha / t_max, b.a, b.b]
            .iter()
            .map(|v| v * v)
            .sum::<f64>();
        let gg = fit
            .gamma_gamma
            .as_ref()
            .unwrap()
            .params
            .to_array()
            .iter()
            .map(|v| v * v)
            .sum::<f64>();
        let ll = fit.purchase_convergence.log_likelihood;
        if let Some((s, g, l)) = last {
            assert!(
                squares < s && gg < g && ll < l,
                "penalizer {penalizer}: {squares} {gg} {ll} after {s} {g} {l}"
            );
        }
        last = Some((squares, gg, ll));
    }
    // The same customers in days: r, a and b are the same and α is 7 times larger,
    // with or without the penalty (it sees α / max T, which does not depend on the unit).
    let days: Vec<SummaryRow> = rows
        .iter()
        .map(|r| SummaryRow {
            recency: r.recency * 7.0,
            t: r.t * 7.0,
            ..*r
        })
        .collect();
    for penalizer in [0.0, 0.001] {
        let options = |unit| FitOptions {
            penalizer_coef: penalizer,
            unit,
            ..FitOptions::default()
        };
        let w = fit_summaries(&rows, &options(Unit::Weeks), &mut |_| {})
            .unwrap()
            .bgnbd
            .unwrap()
            .params;
        let d = fit_summaries(&days, &options(Unit::Days), &mut |_| {})
            .unwrap()
            .bgnbd
            .unwrap()
            .params;
        for (got, want) in [(d.r, w.r), (d.alpha, 7.0 * w.alpha), (d.a, w.a), (d.b, w.b)] {
            assert!(
                near(got, want, 1e-5),
                "penalizer {penalizer}: {d:?} against {w:?}"
            );
        }
    }
}

#[test]
fn a_penalised_optimum_balances_the_likelihood_gradient_against_the_penalty() {
    // At the minimum of −ℓ/n + c Σ θᵢ² (θ = r, α/max T, a, b) the derivative along
    // ln θᵢ vanishes: (1/n) ∂ℓ/∂ln θᵢ = 2 c θᵢ². ℓ is differentiated here by central
    // differences of the per-customer likelihood (FHL 2005 eq. 6), not by the fit's gradient.
    let rows = summary_rows();
    let c = 0.002;
    let fit = fit_summaries(
        &rows,
        &FitOptions {
            penalizer_coef: c,
            ..FitOptions::default()
        },
        &mut |_| {},
    )
    .unwrap();
    let p = fit.bgnbd.as_ref().unwrap().params;
    let t_max = rows.iter().map(|r| r.t).fold(0.0, f64::max);
    let ll = |q: BgNbd| {
        rows.iter()
            .map(|r| {
                q.log_likelihood(Rfm {
                    x: f64::from(r.frequency),
                    t_x: r.recency,
                    t: r.t,
                })
            })
            .sum::<f64>()
    };
    let n = rows.len() as f64;
    let scaled = [p.r, p.alpha / t_max, p.a, p.b];
    for i in 0..4 {
        let h = 1e-5;
        let at = |e: f64| {
            let mut v = p.to_array();
            v[i] *= e.exp();
            BgNbd {
                r: v[0],
                alpha: v[1],
                a: v[2],
                b: v[3],
            }
        };
        let slope = (ll(at(h)) - ll(at(-h))) / (2.0 * h) / n;
        let penalty = 2.0 * c * scaled[i] * scaled[i];
        assert!(
            (slope - penalty).abs() < 1e-6,
            "parameter {i}: likelihood slope {slope}, penalty slope {penalty}"
        );
    }
}

#[test]
fn cdnow_transactions_summarise_to_the_published_csv() {
    let (customer, at_ms, amount) = transactions(SAMPLE_TXT, 1);
    let tx = Transactions {
        customer: &customer,
        at_ms: &at_ms,
        amount: &amount,
        cost: None,
    };
    let ours = summarize(&tx, calibration_end(), Unit::Weeks).unwrap();
    let csv = csv_rows();
    assert_eq!(ours.len(), csv.len());
    assert_eq!(ours.len(), 2357);
    for (s, &(id, x, t_x, t, zbar)) in ours.iter().zip(&csv) {
        assert_eq!((s.customer, s.frequency), (id, x), "customer {id}");
        for (name, got, want) in [
            ("t_x", s.recency, t_x),
            ("T", s.t, t),
            ("zbar", s.monetary_value, zbar),
        ] {
            assert!(
                (got - want).abs() <= 0.005 + 1e-9,
                "customer {id} {name}: {got} vs {want}"
            );
        }
    }
    assert!((ours[0].t - 272.0 / 7.0).abs() < 1e-12);
}

#[test]
fn cdnow_transactions_reproduce_the_published_fits_and_build_a_model() {
    let (customer, at_ms, amount) = transactions(SAMPLE_TXT, 1);
    let input = FitInput {
        transactions: Transactions {
            customer: &customer,
            at_ms: &at_ms,
            amount: &amount,
            cost: None,
        },
        as_of_ms: calibration_end(),
        satisfaction_gaps: Some(&[-1.0, 0.0, 0.5, 2.0]),
    };
    let mut seen = vec![];
    let report = fit_transactions(&input, &FitOptions::default(), &mut |f| seen.push(f)).unwrap();
    check_published(&report.lifetime);
    assert!(
        seen.windows(2).all(|w| w[0] <= w[1]) && seen.last() == Some(&1.0),
        "progress must rise to 1"
    );
    let model = &report.model;
    assert_eq!(
        (model.customers, model.as_of.as_str(), model.unit),
        (2357, "1997-09-30", Unit::Weeks)
    );
    assert!(model.abc.a >= model.abc.b && model.abc.customer_share[0] >= 0.05);
    assert!(model.rfm.recency.windows(2).all(|w| w[0] <= w[1]));
    let text = serde_json::to_string(model).unwrap();
    let decoded = Model::from_json(&crate::input::json::Json::parse(&text).unwrap()).unwrap();
    // serde_json's default float parser may be off by one ulp (252.68 → 252.67999999999998).
    let near = |a: f64, b: f64| (a - b).abs() <= 1e-12 * b.abs().max(1.0);
    let (bg, bg0) = (
        decoded.bgnbd.as_ref().unwrap().params,
        model.bgnbd.as_ref().unwrap().params,
    );
    assert!(
        near(bg.r, bg0.r) && near(bg.alpha, bg0.alpha) && near(bg.a, bg0.a) && near(bg.b, bg0.b)
    );
    assert!(
        near(decoded.abc.a, model.abc.a) && near(decoded.rfm.monetary[3], model.rfm.monetary[3])
    );
    assert_eq!(
        (decoded.customers, &decoded.as_of),
        (model.customers, &model.as_of)
    );
}

#[test]
fn abc_cuts_rank_customers_by_margin_where_costs_exist() {
    // The CDNOW sample with costs: customers with an even id pay cost = amount (margin 0),
    // the others nothing. By revenue, even and odd customers mix in A; by margin no even one can be.
    let (customer, at_ms, amount) = transactions(SAMPLE_TXT, 1);
    let cost: Vec<f64> = customer
        .iter()
        .zip(&amount)
        .map(|(c, a)| if c % 2 == 0 { *a } else { 0.0 })
        .collect();
    let input = FitInput {
        transactions: Transactions {
            customer: &customer,
            at_ms: &at_ms,
            amount: &amount,
            cost: Some(&cost),
        },
        as_of_ms: calibration_end(),
        satisfaction_gaps: None,
    };
    let report = fit_transactions(&input, &FitOptions::default(), &mut |_| {}).unwrap();
    let abc = &report.model.abc;
    // Margins and revenues up to the end of calibration, per customer, ranked highest first.
    let mut margin = std::collections::BTreeMap::<u32, (f64, f64)>::new();
    for i in 0..customer.len() {
        if at_ms[i] <= calibration_end() {
            let e = margin.entry(customer[i]).or_default();
            e.0 += amount[i] - cost[i];
            e.1 += amount[i];
        }
    }
    let ranked = |k: fn(&(f64, f64)) -> f64| {
        let mut v: Vec<f64> = margin.values().map(k).collect();
        v.sort_by(|a, b| b.total_cmp(a));
        v
    };
    let (by_margin, by_revenue) = (ranked(|m| m.0), ranked(|m| m.1));
    let n = by_margin.len();
    assert_eq!(n, 2357);
    // A from the ⌈5% · n⌉ = 118th customer, B from the ⌈20% · n⌉ = 472nd, by margin.
    assert_eq!((abc.a, abc.b), (by_margin[117], by_margin[471]));
    assert!(
        by_revenue[117] > abc.a,
        "ranking by revenue would cut A higher: {} vs {}",
        by_revenue[117],
        abc.a
    );
    let in_a = |m: &(f64, f64)| m.0 >= abc.a;
    assert!(margin
        .iter()
        .filter(|(_, m)| in_a(m))
        .all(|(id, _)| id % 2 == 1));
    assert!(
        margin.iter().any(|(id, m)| id % 2 == 0 && m.1 >= abc.a),
        "an even customer has the revenue of an A"
    );
    // Shares of value are shares of the total margin.
    let total: f64 = by_margin.iter().sum();
    let a_margin: f64 = margin.values().filter(|m| in_a(m)).map(|m| m.0).sum();
    assert!((abc.value_share[0] - a_margin / total).abs() < 1e-12);
}

#[test]
fn predictions_with_the_fitted_cdnow_model_match_the_paper() {
    let fit = fit_summaries(&summary_rows(), &FitOptions::default(), &mut |_| {}).unwrap();
    // FHL 2005 §4: x = 2, t_x = 30.43, T = 38.86 → 1.226 expected purchases in the next 39 weeks.
    let e = fit
        .bgnbd
        .unwrap()
        .params
        .expected_purchases(
            39.0,
            Rfm {
                x: 2.0,
                t_x: 30.43,
                t: 38.86,
            },
        )
        .unwrap();
    assert!((e - 1.226).abs() < 2e-3, "{e}");
}

#[test]
fn a_fit_that_cannot_converge_says_so_with_the_last_parameters() {
    // Nobody ever repeats: the likelihood increases without bound as r → 0.
    let rows = vec![SummaryRow::new(0, 0.0, 30.0, 0.0); 50];
    let options = FitOptions {
        optimizer: OptimizerOptions {
            max_iterations: 40,
            ..OptimizerOptions::default()
        },
        ..FitOptions::default()
    };
    let e = fit_summaries(&rows, &options, &mut |_| {}).unwrap_err();
    assert_eq!((e.code(), e.path()), (ErrorCode::FitFailed, "bgnbd"));
    assert!(e.message().contains("last parameters r="), "{e}");
    let lenient = FitOptions {
        allow_unconverged: true,
        ..options
    };
    match fit_summaries(&rows, &lenient, &mut |_| {}) {
        Ok(fit) => assert!(!fit.bgnbd.unwrap().converged && !fit.purchase_convergence.converged),
        Err(e) => assert_eq!(e.code(), ErrorCode::FitFailed, "{e}"),
    }
}

#[test]
fn bad_summary_rows_are_rejected_with_paths() {
    let good = SummaryRow::new(1, 2.0, 3.0, 4.0);
    let e = fit_summaries(
        &[
            good,
            SummaryRow {
                recency: 5.0,
                ..good
            },
        ],
        &FitOptions::default(),
        &mut |_| {},
    )
    .unwrap_err();
    assert_eq!(
        (e.code(), e.path()),
        (ErrorCode::OutOfRange, "rows[1].recency")
    );
    let e = fit_summaries(
        &[SummaryRow {
            t: f64::NAN,
            ..good
        }],
        &FitOptions::default(),
        &mut |_| {},
    )
    .unwrap_err();
    assert_eq!((e.code(), e.path()), (ErrorCode::NotFinite, "rows[0].t"));
    assert_eq!(
        fit_summaries(&[], &FitOptions::default(), &mut |_| {})
            .unwrap_err()
            .path(),
        "rows"
    );
    let bad_penalty = FitOptions {
        penalizer_coef: -1.0,
        ..FitOptions::default()
    };
    assert_eq!(
        fit_summaries(&[good], &bad_penalty, &mut |_| {})
            .unwrap_err()
            .path(),
        "penalizerCoef"
    );
}

/// The fitted parameters and log-likelihoods of both models, to compare fits.
fn fitted_figures(fit: &LifetimeFit) -> Vec<f64> {
    let mut v = fit.bgnbd.as_ref().unwrap().params.to_array().to_vec();
    v.push(fit.purchase_convergence.log_likelihood);
    if let Some(gg) = &fit.gamma_gamma {
        v.extend(gg.params.to_array());
        v.extend(gg.log_likelihood);
    }
    v
}

// Issue 18 §4: a row with `count` n is n customers with its values.
#[test]
fn grouped_rows_with_counts_fit_as_the_customers_they_stand_for() {
    // Each CDNOW customer repeated 1, 2 or 3 times, against each once with that count.
    let rows = summary_rows();
    let times = |i: usize| (i % 3 + 1) as f64;
    let ungrouped: Vec<SummaryRow> = rows
        .iter()
        .enumerate()
        .flat_map(|(i, r)| std::iter::repeat_n(*r, times(i) as usize))
        .collect();
    let grouped: Vec<SummaryRow> = rows
        .iter()
        .enumerate()
        .map(|(i, r)| SummaryRow {
            count: times(i),
            ..*r
        })
        .collect();
    let options = FitOptions::default();
    let a = fit_summaries(&ungrouped, &options, &mut |_| {}).unwrap();
    let b = fit_summaries(&grouped, &options, &mut |_| {}).unwrap();
    for (x, y) in fitted_figures(&a).iter().zip(fitted_figures(&b)) {
        assert!(
            (x - y).abs() <= 1e-9 * y.abs(),
            "{x} ungrouped vs {y} grouped"
        );
    }
    assert_eq!(fitted_figures(&a).len(), 9);

    // The purchase model alone: rows grouped by (x, t_x, T) as a SQL GROUP BY does.
    let purchases: Vec<SummaryRow> = rows
        .iter()
        .map(|r| SummaryRow::new(r.frequency, r.recency, r.t, 0.0))
        .collect();
    let mut by_triple: Vec<SummaryRow> = Vec::new();
    let mut sorted = purchases.clone();
    sorted.sort_by(|p, q| {
        (p.frequency, p.recency, p.t)
            .partial_cmp(&(q.frequency, q.recency, q.t))
            .unwrap()
    });
    for run in sorted.chunk_by(|p, q| p == q) {
        by_triple.push(SummaryRow {
            count: run.len() as f64,
            ..run[0]
        });
    }
    assert!(
        by_triple.len() < purchases.len() / 2,
        "{} rows",
        by_triple.len()
    );
    let a = fit_summaries(&purchases, &options, &mut |_| {}).unwrap();
    let b = fit_summaries(&by_triple, &options, &mut |_| {}).unwrap();
    assert!(a.gamma_gamma.is_none() && b.gamma_gamma.is_none());
    for (x, y) in fitted_figures(&a).iter().zip(fitted_figures(&b)) {
        assert!(
            (x - y).abs() <= 1e-9 * y.abs(),
            "{x} ungrouped vs {y} grouped"
        );
    }
    let bg = b.bgnbd.as_ref().unwrap().params;
    assert!(sig3(bg.r, 0.243) && sig3(bg.alpha, 4.414) && sig3(bg.a, 0.793) && sig3(bg.b, 2.426));
}

#[test]
fn a_count_that_is_not_a_whole_number_of_customers_is_an_error_with_its_path() {
    let good = SummaryRow::new(1, 2.0, 3.0, 4.0);
    for bad in [0.0, -1.0, 1.5, f64::NAN, f64::INFINITY, 1e17] {
        let e = fit_summaries(
            &[good, SummaryRow { count: bad, ..good }],
            &FitOptions::default(),
            &mut |_| {},
        )
        .unwrap_err();
        assert_eq!(
            (e.code(), e.path()),
            (ErrorCode::OutOfRange, "rows[1].count"),
            "{bad}"
        );
    }
    let e = options::summary_columns(
        [&[1.0, 1.0], &[2.0, 2.0], &[3.0, 3.0], &[4.0, 4.0]],
        Some(&[2.0, 0.5]),
    )
    .unwrap_err();
    assert_eq!(
        (e.code(), e.path(), e.message()),
        (
            ErrorCode::OutOfRange,
            "count[1]",
            "expected a whole number of customers from 1 to 2^53, got 0.5"
        )
    );
    let rows = crate::input::json::Json::parse(
        r#"[{"frequency": 1, "recency": 2, "T": 3, "monetaryValue": 4, "count": -3}]"#,
    )
    .unwrap();
    assert_eq!(
        options::summary_rows(&rows).unwrap_err().path(),
        "[0].count"
    );
    let e = options::summary_columns([&[1.0], &[2.0], &[3.0], &[4.0]], Some(&[])).unwrap_err();
    assert_eq!(e.path(), "count");
}

/// The CDNOW sample split at 1997-09-30 with a holdout to 1998-06-30, in weeks.
fn cdnow_validate_options() -> validate::ValidateOptions {
    validate::ValidateOptions {
        fit: FitOptions::default(),
        calibration_end_ms: days_from_civil(1997, 9, 30) * MS_PER_DAY,
        observation_end_ms: days_from_civil(1998, 6, 30) * MS_PER_DAY,
        purchase_model: options::PurchaseModel::BgNbd,
    }
}

// Issue 18 §3. Reference: tests/reference/lifetimes_validate_cdnow.py, lifetimes 0.11.3
// (calibration_and_holdout_data with freq='D', freq_multiplier=7, then BetaGeoFitter and
// conditional_expected_number_of_purchases_up_to_time over duration_holdout = 39), printed:
//   customers 2357 duration_holdout 39.0
//   params r 0.24259454342106715 alpha 4.413602716077379 a 0.7929218333480146 b 2.4259057287223023
//   total actual 1882.000000 predicted 1653.408724
//   mean absolute error 0.785454
//   x=0 customers 1411 actual 0.236712 predicted 0.225087
//   x=1 customers 439 actual 0.697039 predicted 0.523131
//   x=2 customers 214 actual 1.392523 predicted 1.044134
//   x=3 customers 100 actual 1.560000 predicted 1.520280
//   x=4 customers 62 actual 2.532258 predicted 2.163866
//   x=5 customers 38 actual 2.947368 predicted 2.653846
//   x=6 customers 29 actual 3.862069 predicted 3.504042
//   x=7+ customers 64 actual 6.359375 predicted 6.157191
// The log-likelihood is the paper's, -9582.4 (FHL 2005, §4), so with k = 4 and n = 2357
// AIC = 8 + 19164.8 = 19172.8 and BIC = 4 ln 2357 + 19164.8 = 19195.86.
#[test]
fn cdnow_holdout_validation_gives_what_lifetimes_gives() {
    let (customer, at_ms, amount) = transactions(SAMPLE_TXT, 1);
    let tx = Transactions {
        customer: &customer,
        at_ms: &at_ms,
        amount: &amount,
        cost: None,
    };
    let v = validate::validate(&tx, &cdnow_validate_options(), &mut |_| {}).unwrap();
    assert_eq!((v.customers, v.holdout_length), (2357.0, 39.0));
    assert_eq!(
        (v.calibration_end.as_str(), v.observation_end.as_str()),
        ("1997-09-30", "1998-06-30")
    );
    let FittedPurchase::BgNbd(bg) = &v.model else {
        panic!("not BG/NBD: {:?}", v.model)
    };
    let lifetimes = [
        0.24259454342106715,
        4.413602716077379,
        0.7929218333480146,
        2.4259057287223023,
    ];
    for (got, want) in bg.params.to_array().iter().zip(lifetimes) {
        assert!(near(*got, want, 1e-4), "{got} vs lifetimes {want}");
    }
    let reference = [
        (1411.0, 0.236712, 0.225087),
        (439.0, 0.697039, 0.523131),
        (214.0, 1.392523, 1.044134),
        (100.0, 1.560000, 1.520280),
        (62.0, 2.532258, 2.163866),
        (38.0, 2.947368, 2.653846),
        (29.0, 3.862069, 3.504042),
        (64.0, 6.359375, 6.157191),
    ];
    assert_eq!(v.by_frequency.len(), 8);
    for (g, (n, actual, predicted)) in v.by_frequency.iter().zip(reference) {
        assert_eq!(g.customers, n, "{:?}", g.frequency);
        assert!((g.actual.unwrap() - actual).abs() < 5e-7, "{g:?}");
        assert!(near(g.predicted.unwrap(), predicted, 1e-4), "{g:?}");
    }
    assert_eq!(v.total_actual, 1882.0);
    assert!(
        near(v.total_predicted, 1653.408724, 1e-4),
        "{}",
        v.total_predicted
    );
    assert!(
        near(v.mean_absolute_error, 0.785454, 1e-4),
        "{}",
        v.mean_absolute_error
    );
    assert!(
        (v.log_likelihood + 9582.4).abs() < 0.05,
        "{}",
        v.log_likelihood
    );
    assert!((v.aic - 19172.8).abs() < 0.1, "{}", v.aic);
    assert!((v.bic - 19195.86).abs() < 0.1, "{}", v.bic);
    let json = serde_json::to_value(&v).unwrap();
    assert_eq!(json["model"]["purchaseModel"], "bg-nbd");
    assert_eq!(json["byFrequency"][7]["frequency"], "7+");
    assert_eq!(json["byFrequency"][6]["frequency"], 6);

    let c = validate::compare_models(&tx, &cdnow_validate_options(), &mut |_| {}).unwrap();
    assert_eq!(c.models.len(), options::PurchaseModel::COMPARED.len());
    assert_eq!(c.models[0], v);
    // Pareto/NBD's calibration log-likelihood is the published −9595.0 (Fader,
    // Hardie & Lee 2005), MBG/NBD's parameters BTYDplus' (0.525, 6.183, 0.891,
    // 1.614); each BIC is 4 ln 2357 − 2 ln L, and the rankings follow them.
    let pareto = &c.models[1];
    assert!(
        (pareto.log_likelihood + 9595.0).abs() < 0.05,
        "{}",
        pareto.log_likelihood
    );
    let FittedPurchase::MbgNbd(mbg) = &c.models[2].model else {
        panic!("not MBG/NBD: {:?}", c.models[2].model)
    };
    let p = mbg.params;
    assert!(sig3(p.r, 0.525) && sig3(p.alpha, 6.183) && sig3(p.a, 0.891) && sig3(p.b, 1.614));
    for m in &c.models {
        let bic = 4.0 * 2357f64.ln() - 2.0 * m.log_likelihood;
        assert!((m.bic - bic).abs() < 1e-6, "{} vs {bic}", m.bic);
    }
    let best = |key: fn(&validate::Validation) -> f64| {
        let m = c
            .models
            .iter()
            .min_by(|p, q| key(p).total_cmp(&key(q)))
            .unwrap();
        m.model.kind().name()
    };
    assert_eq!(c.by_holdout_error[0], best(|v| v.mean_absolute_error));
    assert_eq!(c.by_bic[0], best(|v| v.bic));
    assert_eq!(c.by_bic.len(), 3);
}

#[test]
fn a_holdout_that_does_not_follow_the_calibration_is_an_error() {
    let (customer, at_ms, amount) = transactions(SAMPLE_TXT, 1);
    let tx = Transactions {
        customer: &customer,
        at_ms: &at_ms,
        amount: &amount,
        cost: None,
    };
    let same_day = validate::ValidateOptions {
        observation_end_ms: days_from_civil(1997, 9, 30) * MS_PER_DAY + 5,
        ..cdnow_validate_options()
    };
    let e = validate::validate(&tx, &same_day, &mut |_| {}).unwrap_err();
    assert_eq!(
        (e.code(), e.path(), e.message()),
        (
            ErrorCode::OutOfRange,
            "options.observationEnd",
            "expected a day after calibrationEnd (1997-09-30), got 1997-09-30"
        )
    );
    let too_early = validate::ValidateOptions {
        calibration_end_ms: days_from_civil(1996, 12, 31) * MS_PER_DAY,
        ..cdnow_validate_options()
    };
    let e = validate::validate(&tx, &too_early, &mut |_| {}).unwrap_err();
    assert_eq!(e.path(), "options.calibrationEnd");
    let o = crate::input::json::Json::parse(
        r#"{"calibrationEnd": "1997-09-30", "observationEnd": "1998-06-30", "purchaseModel": "pareto"}"#,
    )
    .unwrap();
    let e = options::validate_request(&o, false).unwrap_err();
    assert_eq!(
        (e.path(), e.message()),
        (
            "options.purchaseModel",
            "expected one of \"bg-nbd\", \"pareto-nbd\", \"mbg-nbd\", \"bg-bb\", got \"pareto\""
        )
    );
    assert_eq!(
        options::validate_request(&o, true).unwrap_err().path(),
        "options.purchaseModel"
    );
    let missing = crate::input::json::Json::parse(r#"{"calibrationEnd": "1997-09-30"}"#).unwrap();
    assert_eq!(
        options::validate_request(&missing, false)
            .unwrap_err()
            .path(),
        "options.observationEnd"
    );
}

/// A seeded xorshift64* generator for simulated populations.
struct Rng(u64);

impl Rng {
    fn uniform(&mut self) -> f64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        ((self.0.wrapping_mul(0x2545_f491_4f6c_dd1d) >> 11) as f64 + 0.5) / (1u64 << 53) as f64
    }

    fn normal(&mut self) -> f64 {
        (-2.0 * self.uniform().ln()).sqrt() * (std::f64::consts::TAU * self.uniform()).cos()
    }

    /// Gamma(shape, 1) by Marsaglia and Tsang, boosted below shape 1.
    fn gamma(&mut self, shape: f64) -> f64 {
        if shape < 1.0 {
            return self.gamma(shape + 1.0) * self.uniform().powf(1.0 / shape);
        }
        let d = shape - 1.0 / 3.0;
        let c = 1.0 / (9.0 * d).sqrt();
        loop {
            let x = self.normal();
            let v = (1.0 + c * x).powi(3);
            if v > 0.0 && self.uniform().ln() < 0.5 * x * x + d - d * v + d * v.ln() {
                return d * v;
            }
        }
    }
}

// Issue 18 §4: a population drawn from the BG/NBD process, its first purchases in whole
// weeks and its last in whole days (so that it collapses into few rows, as calendar days
// make real bases do), fits back to the parameters it was drawn with.
#[test]
fn a_simulated_grouped_population_recovers_its_parameters() {
    let truth = [0.25, 4.0, 0.8, 2.5];
    let mut rng = Rng(0x5eed_0018);
    let mut groups = std::collections::HashMap::<(u32, u32, u32), f64>::new();
    for _ in 0..200_000 {
        let age = 26 + (rng.uniform() * 13.0) as u32;
        let rate = rng.gamma(truth[0]) / truth[1];
        let ga = rng.gamma(truth[2]);
        let p = ga / (ga + rng.gamma(truth[3]));
        let (mut t, mut x, mut last) = (0.0, 0, 0.0);
        loop {
            t += -rng.uniform().ln() / rate;
            if t > f64::from(age) {
                break;
            }
            (x, last) = (x + 1, t);
            if rng.uniform() < p {
                break;
            }
        }
        *groups.entry((x, (last * 7.0) as u32, age)).or_default() += 1.0;
    }
    let rows: Vec<SummaryRow> = groups
        .iter()
        .map(|(&(x, t_x, age), &count)| SummaryRow {
            count,
            ..SummaryRow::new(x, f64::from(t_x) / 7.0, f64::from(age), 0.0)
        })
        .collect();
    assert!(rows.len() < 20_000, "{} rows", rows.len());
    let fit = fit_summaries(&rows, &FitOptions::default(), &mut |_| {}).unwrap();
    let got = fit.bgnbd.as_ref().unwrap().params.to_array();
    for (name, (g, w)) in ["r", "alpha", "a", "b"].iter().zip(got.iter().zip(truth)) {
        assert!(
            (g - w).abs() <= 0.15 * w,
            "{name}: fitted {g}, drawn with {w}"
        );
    }
}
