//! Reference checks on the CDNOW sample (Fader, Hardie & Lee 2005; data in `data/cdnow`).

use super::summary::{days_from_civil, MS_PER_DAY};
use super::*;
use std::time::Instant;

const SUMMARY_CSV: &str = include_str!("../../data/cdnow/cdnow_customers_summary_with_transactions.csv");
const SAMPLE_TXT: &str = include_str!("../../data/cdnow/CDNOW_sample.txt");
const MASTER_TXT: &str = include_str!("../../data/cdnow/CDNOW_master.txt");

/// (id, x, t_x, T, zbar) rows of the published summary.
fn csv_rows() -> Vec<(u32, u32, f64, f64, f64)> {
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

fn summary_rows() -> Vec<SummaryRow> {
    csv_rows()
        .iter()
        .map(|&(_, x, t_x, t, m)| SummaryRow { frequency: x, recency: t_x, t, monetary_value: m })
        .collect()
}

/// Columnar transactions from whitespace-separated lines: `id_column` is the
/// customer id's column, then date `YYYYMMDD`, CDs and dollars follow it.
fn transactions(text: &str, id_column: usize) -> (Vec<u32>, Vec<i64>, Vec<f64>) {
    let (mut customer, mut at_ms, mut amount) = (vec![], vec![], vec![]);
    for line in text.lines() {
        let f: Vec<&str> = line.split_whitespace().collect();
        let Some(Ok(date)) = f.get(id_column + 1).map(|d| d.parse::<u32>()) else { continue };
        customer.push(f[id_column].parse().unwrap());
        // Noon, so that the day is unambiguous whatever the as-of time of day.
        at_ms
            .push(days_from_civil(i64::from(date / 10000), date / 100 % 100, date % 100) * MS_PER_DAY + MS_PER_DAY / 2);
        amount.push(f[id_column + 3].parse().unwrap());
    }
    (customer, at_ms, amount)
}

/// The end of the calibration period, 1997-09-30 23:59:59.999 UTC.
fn calibration_end() -> i64 {
    days_from_civil(1997, 9, 30) * MS_PER_DAY + MS_PER_DAY - 1
}

fn sig3(value: f64, expected: f64) -> bool {
    // Three significant figures: equal after rounding to 3 significant digits.
    let digits = 2 - expected.abs().log10().floor() as i32;
    let scale = 10f64.powi(digits);
    (value * scale).round() == (expected * scale).round()
}

fn check_published(fit: &LifetimeFit) {
    let bg = fit.bgnbd.params;
    assert!(fit.bgnbd_convergence.converged, "{:?}", fit.bgnbd_convergence);
    for (name, got, want) in [("r", bg.r, 0.243), ("alpha", bg.alpha, 4.414), ("a", bg.a, 0.793), ("b", bg.b, 2.426)] {
        assert!(sig3(got, want), "{name} = {got}, published {want}");
    }
    let ll = fit.bgnbd_convergence.log_likelihood;
    assert!(sig3(ll, -9582.4) && (ll + 9582.4).abs() < 0.05, "log-likelihood {ll}");
    let gg = fit.gamma_gamma.as_ref().unwrap().params;
    for (name, got, want) in [("p", gg.p, 6.25), ("q", gg.q, 3.74), ("v", gg.v, 15.44)] {
        assert!(sig3(got, want), "{name} = {got}, published {want}");
    }
    // lifetimes' optimum to four significant figures (its optimiser stops a
    // little short on the flat p-q-v ridge: our optimum has the higher likelihood).
    assert!((gg.p - 6.2490).abs() < 2e-3 && (gg.q - 3.7446).abs() < 1e-3 && (gg.v - 15.4437).abs() < 5e-3, "{gg:?}");
}

#[test]
fn cdnow_summary_csv_reproduces_the_published_fits() {
    let fit = fit_summaries(&summary_rows(), &FitOptions::default(), &mut |_| {}).unwrap();
    check_published(&fit);
}

#[test]
fn cdnow_transactions_summarise_to_the_published_csv() {
    let (customer, at_ms, amount) = transactions(SAMPLE_TXT, 1);
    let tx = Transactions { customer: &customer, at_ms: &at_ms, amount: &amount, cost: None };
    let ours = summarize(&tx, calibration_end(), Unit::Weeks).unwrap();
    let csv = csv_rows();
    assert_eq!(ours.len(), csv.len());
    assert_eq!(ours.len(), 2357);
    for (s, &(id, x, t_x, t, zbar)) in ours.iter().zip(&csv) {
        assert_eq!((s.customer, s.frequency), (id, x), "customer {id}");
        for (name, got, want) in [("t_x", s.recency, t_x), ("T", s.t, t), ("zbar", s.monetary_value, zbar)] {
            assert!((got - want).abs() <= 0.005 + 1e-9, "customer {id} {name}: {got} vs {want}");
        }
    }
    assert!((ours[0].t - 272.0 / 7.0).abs() < 1e-12);
}

#[test]
fn cdnow_transactions_reproduce_the_published_fits_and_build_a_model() {
    let (customer, at_ms, amount) = transactions(SAMPLE_TXT, 1);
    let input = FitInput {
        transactions: Transactions { customer: &customer, at_ms: &at_ms, amount: &amount, cost: None },
        as_of_ms: calibration_end(),
        satisfaction_gaps: Some(&[-1.0, 0.0, 0.5, 2.0]),
    };
    let mut seen = vec![];
    let report = fit_transactions(&input, &FitOptions::default(), &mut |f| seen.push(f)).unwrap();
    check_published(&report.lifetime);
    assert!(seen.windows(2).all(|w| w[0] <= w[1]) && seen.last() == Some(&1.0), "progress must rise to 1");
    let model = &report.model;
    assert_eq!((model.customers, model.as_of.as_str(), model.unit), (2357, "1997-09-30", Unit::Weeks));
    assert!(model.abc.a >= model.abc.b && model.abc.customer_share[0] >= 0.05);
    assert!(model.rfm.recency.windows(2).all(|w| w[0] <= w[1]));
    let text = serde_json::to_string(model).unwrap();
    let decoded = Model::from_json(&serde_json::from_str(&text).unwrap()).unwrap();
    // serde_json's default float parser may be off by one ulp (252.68 → 252.67999999999998).
    let near = |a: f64, b: f64| (a - b).abs() <= 1e-12 * b.abs().max(1.0);
    let (bg, bg0) = (decoded.bgnbd.as_ref().unwrap().params, model.bgnbd.as_ref().unwrap().params);
    assert!(near(bg.r, bg0.r) && near(bg.alpha, bg0.alpha) && near(bg.a, bg0.a) && near(bg.b, bg0.b));
    assert!(near(decoded.abc.a, model.abc.a) && near(decoded.rfm.monetary[3], model.rfm.monetary[3]));
    assert_eq!((decoded.customers, &decoded.as_of), (model.customers, &model.as_of));
}

#[test]
fn predictions_with_the_fitted_cdnow_model_match_the_paper() {
    let fit = fit_summaries(&summary_rows(), &FitOptions::default(), &mut |_| {}).unwrap();
    // FHL 2005 §4: x = 2, t_x = 30.43, T = 38.86 → 1.226 expected purchases in the next 39 weeks.
    let e = fit.bgnbd.params.expected_purchases(39.0, Rfm { x: 2.0, t_x: 30.43, t: 38.86 }).unwrap();
    assert!((e - 1.226).abs() < 2e-3, "{e}");
}

#[test]
fn a_fit_that_cannot_converge_says_so_with_the_last_parameters() {
    // Nobody ever repeats: the likelihood increases without bound as r → 0.
    let rows = vec![SummaryRow { frequency: 0, recency: 0.0, t: 30.0, monetary_value: 0.0 }; 50];
    let options = FitOptions {
        optimizer: OptimizerOptions { max_iterations: 40, ..OptimizerOptions::default() },
        ..FitOptions::default()
    };
    let e = fit_summaries(&rows, &options, &mut |_| {}).unwrap_err();
    assert_eq!((e.code(), e.path()), (ErrorCode::FitFailed, "bgnbd"));
    assert!(e.message().contains("last parameters r="), "{e}");
    let lenient = FitOptions { allow_unconverged: true, ..options };
    match fit_summaries(&rows, &lenient, &mut |_| {}) {
        Ok(fit) => assert!(!fit.bgnbd.converged && !fit.bgnbd_convergence.converged),
        Err(e) => assert_eq!(e.code(), ErrorCode::FitFailed, "{e}"),
    }
}

#[test]
fn bad_summary_rows_are_rejected_with_paths() {
    let good = SummaryRow { frequency: 1, recency: 2.0, t: 3.0, monetary_value: 4.0 };
    let e =
        fit_summaries(&[good, SummaryRow { recency: 5.0, ..good }], &FitOptions::default(), &mut |_| {}).unwrap_err();
    assert_eq!((e.code(), e.path()), (ErrorCode::OutOfRange, "rows[1].recency"));
    let e = fit_summaries(&[SummaryRow { t: f64::NAN, ..good }], &FitOptions::default(), &mut |_| {}).unwrap_err();
    assert_eq!((e.code(), e.path()), (ErrorCode::NotFinite, "rows[0].t"));
    assert_eq!(fit_summaries(&[], &FitOptions::default(), &mut |_| {}).unwrap_err().path(), "rows");
    let bad_penalty = FitOptions { penalizer_coef: -1.0, ..FitOptions::default() };
    assert_eq!(fit_summaries(&[good], &bad_penalty, &mut |_| {}).unwrap_err().path(), "penalizerCoef");
}

#[test]
fn timing_of_the_cdnow_fits() {
    let rows = summary_rows();
    let start = Instant::now();
    let runs = 20;
    for _ in 0..runs {
        fit_summaries(&rows, &FitOptions::default(), &mut |_| {}).unwrap();
    }
    let per_fit = start.elapsed().as_secs_f64() * 1000.0 / f64::from(runs);
    let fit = fit_summaries(&rows, &FitOptions::default(), &mut |_| {}).unwrap();
    println!(
        "CDNOW sample fit (BG/NBD + Gamma-Gamma, {} customers, {} distinct triples): {per_fit:.2} ms; iterations {} + {}",
        rows.len(),
        fit.distinct_triples,
        fit.bgnbd_convergence.iterations,
        fit.gamma_gamma_convergence.as_ref().map_or(0, |c| c.iterations)
    );

    let (customer, at_ms, amount) = transactions(MASTER_TXT, 0);
    let master_end = days_from_civil(1998, 6, 30) * MS_PER_DAY + MS_PER_DAY - 1;
    let input = FitInput {
        transactions: Transactions { customer: &customer, at_ms: &at_ms, amount: &amount, cost: None },
        as_of_ms: master_end,
        satisfaction_gaps: None,
    };
    let start = Instant::now();
    let report = fit_transactions(&input, &FitOptions::default(), &mut |_| {}).unwrap();
    println!(
        "CDNOW master, transactions to model ({} lines, {} customers, {} distinct triples): {:.1} ms",
        customer.len(),
        report.model.customers,
        report.lifetime.distinct_triples,
        start.elapsed().as_secs_f64() * 1000.0
    );

    // A million customers: the master's summaries repeated (the fit sees the same distinct triples).
    let base: Vec<SummaryRow> = report
        .summaries
        .iter()
        .map(|s| SummaryRow { frequency: s.frequency, recency: s.recency, t: s.t, monetary_value: s.monetary_value })
        .collect();
    let million: Vec<SummaryRow> = base.iter().cycle().take(1_000_000).copied().collect();
    let start = Instant::now();
    fit_summaries(&million, &FitOptions::default(), &mut |_| {}).unwrap();
    println!("1,000,000 summary rows: {:.0} ms", start.elapsed().as_secs_f64() * 1000.0);
}
