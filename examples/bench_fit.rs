//! Native benchmark of fitting and model-based scoring (the maths behind the
//! wasm `fit`, `fitSummaries` and `scoreColumns`). Prints figures; not a test.
//!
//!   cargo run --release --example bench_fit [customers]
//!
//! 1. CDNOW (2,357 customers): `fit_summaries` on the published summary and
//!    `fit_transactions` on the 6,919 raw transactions of the sample; then
//!    `fit_transactions` on the 69,659 transactions of the master file.
//! 2. A seeded base of 1,000,000 customers (about 10M transactions) drawn from
//!    the BG/NBD and Gamma-Gamma processes as in `benches/fit.mjs`: the fit,
//!    split into summarising and optimising.
//! 3. Columnar scoring of that base with the fitted model (365-day horizon,
//!    without segments), in customers per second.

use crmscore::fit::columnar::{score_columns, ColumnOptions};
use crmscore::fit::{
    fit_summaries, fit_transactions, summarize, FitInput, FitOptions, SpendData, SummaryRow,
    Transactions, Triples,
};
use crmscore::input::json::Json;
use crmscore::input::time::{parse_date as parse_iso_date, DAY_MS as MS_PER_DAY};
use crmscore::model::{GammaGamma, Rfm, Unit};
use crmscore::{ScoreOptions, Scorer};
use std::collections::HashMap;
use std::time::Instant;

/// Median wall time of `runs` calls of `f` after one untimed call, in ms.
fn median_ms(runs: usize, mut f: impl FnMut()) -> f64 {
    f();
    let mut ms: Vec<f64> = (0..runs)
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed().as_secs_f64() * 1e3
        })
        .collect();
    ms.sort_by(f64::total_cmp);
    ms[runs / 2]
}

fn data(name: &str) -> String {
    let path = format!("{}/data/cdnow/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// Owned columnar transactions.
#[derive(Default)]
struct Base {
    customer: Vec<u32>,
    at_ms: Vec<i64>,
    amount: Vec<f64>,
}

impl Base {
    fn transactions(&self) -> Transactions<'_> {
        Transactions {
            customer: &self.customer,
            at_ms: &self.at_ms,
            amount: &self.amount,
            cost: None,
        }
    }
}

/// The CDNOW sample (`id  id2  YYYYMMDD  quantity  amount`), customers as dense indexes.
fn cdnow_sample() -> Base {
    cdnow("CDNOW_sample.txt", 1)
}

/// The CDNOW master file (`id  YYYYMMDD  quantity  amount`, after a header line).
fn cdnow_master() -> Base {
    cdnow("CDNOW_master.txt", 0)
}

/// CDNOW transactions whose customer id is column `id_column`, followed by
/// the date, the quantity and the amount; customers as dense indexes.
fn cdnow(name: &str, id_column: usize) -> Base {
    let mut ids = HashMap::new();
    let mut base = Base::default();
    for line in data(name).lines() {
        let f: Vec<&str> = line.split_whitespace().collect();
        let Some(&[id, date, _, amount]) = f.get(id_column..id_column + 4) else {
            continue;
        };
        if date.len() != 8 || !date.bytes().all(|b| b.is_ascii_digit()) {
            continue;
        }
        let next = ids.len() as u32;
        let iso = format!("{}-{}-{}", &date[..4], &date[4..6], &date[6..]);
        base.customer
            .push(*ids.entry(id.to_owned()).or_insert(next));
        base.at_ms
            .push(parse_iso_date(&iso).expect("date") * MS_PER_DAY);
        base.amount.push(amount.parse().expect("amount"));
    }
    base
}

/// mulberry32, as in `benches/fit.mjs`.
struct Random(u32);

impl Random {
    fn next(&mut self) -> f64 {
        self.0 = self.0.wrapping_add(0x6d2b_79f5);
        let mut t = self.0;
        t = (t ^ (t >> 15)).wrapping_mul(t | 1);
        t ^= t.wrapping_add((t ^ (t >> 7)).wrapping_mul(t | 61));
        f64::from(t ^ (t >> 14)) / 4_294_967_296.0
    }

    fn normal(&mut self) -> f64 {
        (-2.0 * (1.0 - self.next()).ln()).sqrt() * (2.0 * std::f64::consts::PI * self.next()).cos()
    }

    /// Gamma(shape, 1) for shape ≥ 1 (Marsaglia & Tsang 2000).
    fn gamma(&mut self, shape: f64) -> f64 {
        let d = shape - 1.0 / 3.0;
        let c = 1.0 / (9.0 * d).sqrt();
        loop {
            let x = self.normal();
            let v = (1.0 + c * x).powi(3);
            if v > 0.0 && (1.0 - self.next()).ln() < 0.5 * x * x + d - d * v + d * v.ln() {
                return d * v;
            }
        }
    }
}

/// The generated base of `benches/fit.mjs`: λ ~ Gamma(2, 11 weeks), p ~ Beta(2, 38),
/// first purchases over 1997, observed to 1998-12-31; Gamma-Gamma amounts.
fn generate(customers: usize, seed: u32) -> Base {
    let mut rng = Random(seed);
    let capacity = 14 * customers;
    let mut base = Base::default();
    let (start, end) = (
        parse_iso_date("1997-01-01").unwrap_or(0) as f64,
        parse_iso_date("1998-12-31").unwrap_or(0) as f64,
    );
    for c in 0..customers {
        let rate = rng.gamma(2.0) / 11.0 / 7.0;
        let ga = rng.gamma(2.0);
        let p = ga / (ga + rng.gamma(38.0));
        let nu = rng.gamma(4.0) / 60.0;
        let mut t = start + rng.next() * 365.0;
        while t <= end && base.customer.len() < capacity {
            base.customer.push(c as u32);
            base.at_ms.push(t.floor() as i64 * MS_PER_DAY);
            base.amount
                .push((rng.gamma(6.0) / nu * 100.0).round() / 100.0);
            if rng.next() < p {
                break;
            }
            t -= (1.0 - rng.next()).ln() / rate;
        }
    }
    base
}

fn main() {
    let customers: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(1_000_000);
    let options = FitOptions::default();

    let rows: Vec<SummaryRow> = data("cdnow_customers_summary_with_transactions.csv")
        .lines()
        .skip(1)
        .filter_map(|l| {
            let v: Vec<f64> = l.split(',').filter_map(|f| f.trim().parse().ok()).collect();
            let [_, x, t_x, t, m] = v[..] else {
                return None;
            };
            Some(SummaryRow::new(x as u32, t_x, t, m))
        })
        .collect();
    println!("CDNOW, {} customers (median of 21 runs; Python lifetimes 0.11.3: 123 ms here, see benches/lifetimes_fit.py):", rows.len());
    let ms = median_ms(21, || {
        fit_summaries(&rows, &options, &mut |_| {}).expect("CDNOW summary fit");
    });
    println!("  fit_summaries (BG/NBD + Gamma-Gamma): {ms:.2} ms");
    let sample = cdnow_sample();
    let as_of = parse_iso_date("1997-09-30").unwrap_or(0) * MS_PER_DAY + MS_PER_DAY - 1;
    let input = FitInput {
        transactions: sample.transactions(),
        as_of_ms: as_of,
        satisfaction_gaps: None,
    };
    let ms = median_ms(21, || {
        fit_transactions(&input, &options, &mut |_| {}).expect("CDNOW sample fit");
    });
    println!(
        "  fit_transactions, {} transactions: {ms:.2} ms",
        sample.customer.len()
    );
    let master = cdnow_master();
    let input = FitInput {
        transactions: master.transactions(),
        as_of_ms: parse_iso_date("1998-06-30").unwrap_or(0) * MS_PER_DAY + MS_PER_DAY - 1,
        satisfaction_gaps: None,
    };
    let ms = median_ms(5, || {
        fit_transactions(&input, &options, &mut |_| {}).expect("CDNOW master fit");
    });
    println!(
        "  fit_transactions, CDNOW master ({} transactions): {ms:.1} ms",
        master.customer.len()
    );

    let t = Instant::now();
    let base = generate(customers, 42);
    println!(
        "\nGenerated base: {customers} customers, {} transactions ({:.0} ms)",
        base.customer.len(),
        t.elapsed().as_secs_f64() * 1e3
    );
    let as_of = parse_iso_date("1998-12-31").unwrap_or(0) * MS_PER_DAY + MS_PER_DAY - 1;
    let input = FitInput {
        transactions: base.transactions(),
        as_of_ms: as_of,
        satisfaction_gaps: None,
    };
    let options = FitOptions {
        allow_unconverged: true,
        ..FitOptions::default()
    };
    let t = Instant::now();
    let summaries = summarize(&base.transactions(), as_of, Unit::Weeks).expect("summaries");
    let summarize_ms = t.elapsed().as_secs_f64() * 1e3;
    let rows: Vec<SummaryRow> = summaries
        .iter()
        .map(|s| SummaryRow::new(s.frequency, s.recency, s.t, s.monetary_value))
        .collect();
    let t = Instant::now();
    let lifetime = fit_summaries(&rows, &options, &mut |_| {}).expect("fit");
    let optimise_ms = t.elapsed().as_secs_f64() * 1e3;
    println!(
        "  summarize: {summarize_ms:.0} ms; fit_summaries: {optimise_ms:.0} ms ({} distinct triples, {} + {:?} iterations)",
        lifetime.distinct_triples,
        lifetime.purchase_convergence.iterations,
        lifetime.gamma_gamma_convergence.as_ref().map(|c| c.iterations)
    );
    let rfm: Vec<Rfm> = rows
        .iter()
        .map(|r| Rfm {
            x: f64::from(r.frequency),
            t_x: r.recency,
            t: r.t,
        })
        .collect();
    let t = Instant::now();
    let triples = Triples::new(&rfm);
    let group_ms = t.elapsed().as_secs_f64() * 1e3;
    let bg = lifetime.bgnbd.as_ref().unwrap().params;
    let bg_ms = median_ms(5, || {
        bg.log_likelihood_grouped(&triples, &mut [0.0; 4]);
    });
    let spend = SpendData::new(
        rows.iter()
            .map(|r| (f64::from(r.frequency), r.monetary_value)),
    );
    let gg = lifetime.gamma_gamma.as_ref().map_or(
        GammaGamma {
            p: 1.0,
            q: 1.0,
            v: 1.0,
        },
        |g| g.params,
    );
    let gg_ms = median_ms(5, || {
        gg.log_likelihood(&spend, &mut [0.0; 3]);
    });
    println!(
        "    of which: grouping triples {group_ms:.0} ms; one BG/NBD likelihood + gradient {bg_ms:.1} ms; one Gamma-Gamma {gg_ms:.1} ms ({} customers)",
        spend.customers()
    );
    let t = Instant::now();
    let report = fit_transactions(&input, &options, &mut |_| {}).expect("fit");
    println!(
        "  fit_transactions (everything): {:.0} ms",
        t.elapsed().as_secs_f64() * 1e3
    );
    let p = report.lifetime.bgnbd.as_ref().unwrap().params;
    println!(
        "  BG/NBD r={:.4} alpha={:.4} a={:.4} b={:.4}",
        p.r, p.alpha, p.a, p.b
    );

    let model = serde_json::to_string(&report.model).expect("model JSON");
    let scorer = Scorer::new(&Json::parse(&format!(r#"{{"model": {model}}}"#)).expect("config"))
        .expect("scorer");
    let score = ScoreOptions {
        as_of,
        horizon_days: 365.0,
    };
    let total_ms = median_ms(3, || {
        score_columns(
            &scorer,
            &base.transactions(),
            &ColumnOptions {
                score,
                customers,
                segments: false,
            },
            &mut |_| {},
        )
        .expect("scores");
    });
    println!(
        "  columnar scoring with the model, 365-day horizon: {total_ms:.0} ms = {:.0} customers/s",
        customers as f64 / (total_ms / 1e3)
    );
}
