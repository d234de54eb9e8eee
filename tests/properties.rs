//! Properties of the scoring model, checked on generated customers (proptest).
#![cfg(not(target_arch = "wasm32"))]

use crmscore::input::json::{Json, Key};
use crmscore::scoring::value::AbcClass;
use crmscore::Scorer;
use proptest::prelude::*;

/// 2026-11-25T00:00:00Z.
const AS_OF: i64 = 1_795_564_800_000;
const DAY: i64 = 86_400_000;

#[derive(Debug, Clone)]
struct Order {
    days_ago: i64,
    amount: f64,
    cost: Option<f64>,
    category: Option<&'static str>,
    discount: bool,
    channel: Option<&'static str>,
}

fn order() -> impl Strategy<Value = Order> {
    (
        0i64..1500,
        prop_oneof![0.0..1e4, (0u32..500).prop_map(f64::from)],
        proptest::option::of(0.0..200.0),
        proptest::option::of(prop_oneof![Just("books"), Just("video"), Just("music")]),
        any::<bool>(),
        proptest::option::of(prop_oneof![Just("web"), Just("promotion"), Just("store")]),
    )
        .prop_map(
            |(days_ago, amount, cost, category, discount, channel)| Order {
                days_ago,
                amount,
                cost,
                category,
                discount,
                channel,
            },
        )
}

fn order_json(o: &Order) -> Json {
    let mut e: Vec<(Key, Json)> = vec![
        ("at".into(), Json::Num((AS_OF - o.days_ago * DAY) as f64)),
        ("amount".into(), Json::Num(o.amount)),
    ];
    if let Some(c) = o.cost {
        e.push(("cost".into(), Json::Num(c)));
    }
    if let Some(c) = o.category {
        e.push(("category".into(), Json::Str(c.into())));
    }
    if o.discount {
        e.push(("discount".into(), Json::Num(1.0)));
    }
    if let Some(c) = o.channel {
        e.push(("channel".into(), Json::Str(c.into())));
    }
    Json::Obj(e)
}

fn customer_json(orders: &[Order], complaints: u32) -> Json {
    Json::Obj(vec![
        ("id".into(), Json::Str("c".into())),
        (
            "orders".into(),
            Json::Arr(orders.iter().map(order_json).collect()),
        ),
        ("complaints".into(), Json::Num(f64::from(complaints))),
    ])
}

/// ABC thresholds, service costs and RFM edges, all generated.
fn config() -> impl Strategy<Value = Json> {
    (0.0..5000.0, 0.0..1.0, 0.0..20.0, 0.0..50.0, proptest::collection::vec(0.0..3000.0, 4), 0.0..1.0).prop_map(
        |(a, b_share, per_order, per_complaint, mut m, margin)| {
            m.sort_by(f64::total_cmp);
            let text = format!(
                r#"{{"abc": {{"a": {a}, "b": {}, "serviceCost": {{"perOrder": {per_order}, "perComplaint": {per_complaint}}}}},
                    "rfm": {{"recency": [14, 45, 120, 365], "frequency": [1, 2, 4, 8], "monetary": [{}, {}, {}, {}]}},
                    "lifetime": {{"marginRate": {margin}}}}}"#,
                a * b_share,
                m[0],
                m[1],
                m[2],
                m[3]
            );
            Json::parse(&text).unwrap()
        },
    )
}

fn rank(c: Option<AbcClass>) -> u8 {
    match c {
        None => 0,
        Some(AbcClass::D) => 1,
        Some(AbcClass::C) => 2,
        Some(AbcClass::B) => 3,
        Some(AbcClass::A) => 4,
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn more_spend_never_lowers_monetary_m_or_abc(
        orders in proptest::collection::vec(order(), 1..12),
        complaints in 0u32..5,
        cfg in config(),
        pick in any::<prop::sample::Index>(),
        extra in prop_oneof![0.0..1e4, Just(0.0), Just(1e-9)],
    ) {
        let scorer = Scorer::new(&cfg).unwrap();
        let before = scorer.score(&customer_json(&orders, complaints), AS_OF).unwrap();
        let mut more = orders.clone();
        let i = pick.index(more.len());
        more[i].amount += extra;
        let after = scorer.score(&customer_json(&more, complaints), AS_OF).unwrap();
        prop_assert!(after.value.monetary >= before.value.monetary);
        let (rb, ra) = (before.value.rfm.unwrap(), after.value.rfm.unwrap());
        prop_assert!(ra.m >= rb.m, "m {} -> {}", rb.m, ra.m);
        prop_assert!(rank(after.value.abc) >= rank(before.value.abc), "{:?} -> {:?}", before.value.abc, after.value.abc);
    }

    #[test]
    fn a_more_recent_order_never_raises_recency(
        orders in proptest::collection::vec(order(), 1..12),
        pick in any::<prop::sample::Index>(),
        sooner in 0i64..1500,
    ) {
        let scorer = Scorer::new(&Json::Obj(vec![])).unwrap();
        let before = scorer.score(&customer_json(&orders, 0), AS_OF).unwrap();
        let mut recent = orders.clone();
        let i = pick.index(recent.len());
        recent[i].days_ago = (recent[i].days_ago - sooner).max(0);
        let after = scorer.score(&customer_json(&recent, 0), AS_OF).unwrap();
        prop_assert!(after.value.recency_days.unwrap() <= before.value.recency_days.unwrap());
    }

    #[test]
    fn gap_and_ratio_rise_with_perception_and_fall_with_expectation(
        dims in proptest::collection::vec((0.0..10.0, 0.0..10.0, 0.0..5.0), 1..6),
        pick in any::<prop::sample::Index>(),
        delta in 0.0..5.0,
    ) {
        let survey = |dims: &[(f64, f64, f64)]| {
            let entries = |f: &dyn Fn(&(f64, f64, f64)) -> f64| {
                Json::Obj(dims.iter().enumerate().map(|(i, d)| (format!("d{i}").into(), Json::Num(f(d)))).collect())
            };
            let mut weights: Vec<(Key, Json)> = dims.iter().enumerate().map(|(i, d)| (format!("d{i}").into(), Json::Num(d.2))).collect();
            weights[0].1 = Json::Num(dims[0].2 + 0.5); // at least one weight > 0
            Json::Obj(vec![
                ("id".into(), Json::Str("c".into())),
                ("orders".into(), Json::Arr(vec![])),
                ("survey".into(), Json::Obj(vec![
                    ("expectation".into(), entries(&|d| d.0)),
                    ("perception".into(), entries(&|d| d.1)),
                    ("weights".into(), Json::Obj(weights)),
                ])),
            ])
        };
        let scorer = Scorer::new(&Json::Obj(vec![])).unwrap();
        let base = scorer.score(&survey(&dims), AS_OF).unwrap().satisfaction;
        let i = pick.index(dims.len());
        let mut p = dims.clone();
        p[i].1 += delta;
        let up = scorer.score(&survey(&p), AS_OF).unwrap().satisfaction;
        let mut e = dims.clone();
        e[i].0 += delta;
        let down = scorer.score(&survey(&e), AS_OF).unwrap().satisfaction;
        prop_assert!(up.gap.unwrap() >= base.gap.unwrap());
        prop_assert!(down.gap.unwrap() <= base.gap.unwrap());
        if let (Some(b), Some(u)) = (base.ratio, up.ratio) {
            prop_assert!(u >= b);
        }
        if let (Some(b), Some(d)) = (base.ratio, down.ratio) {
            prop_assert!(d <= b);
        }
    }

    #[test]
    fn scoring_does_not_depend_on_the_order_of_orders(
        orders in proptest::collection::vec(order(), 0..12),
        cfg in config(),
        seed in any::<u64>(),
    ) {
        let scorer = Scorer::new(&cfg).unwrap();
        let before = scorer.score(&customer_json(&orders, 1), AS_OF).unwrap();
        // A deterministic shuffle from the seed.
        let mut shuffled = orders.clone();
        let mut s = seed | 1;
        for i in (1..shuffled.len()).rev() {
            s ^= s << 13; s ^= s >> 7; s ^= s << 17;
            shuffled.swap(i, (s % (i as u64 + 1)) as usize);
        }
        let after = scorer.score(&customer_json(&shuffled, 1), AS_OF).unwrap();
        prop_assert_eq!(before, after);
    }

}

/// The properties that need fitting, columnar scoring or serialised models (the `fit` feature).
#[cfg(feature = "fit")]
mod with_fit {
    use super::*;
    use crmscore::fit::columnar::{score_columns, ColumnOptions};
    use crmscore::fit::{abc_cuts, AbcRule, Transactions};
    use crmscore::input::customer::{Customer, Limits};
    use crmscore::input::tape::OwnedTape;
    use crmscore::model::{
        AbcCuts, BgNbd, Fitted, GammaGamma, Model, RfmEdges, SatisfactionCuts, Unit,
    };
    use crmscore::scoring::config::Config;
    use crmscore::scoring::value::value;
    use crmscore::ScoreOptions;

    /// A BG/NBD and Gamma-Gamma model (CDNOW-like parameters), for the predictions.
    const MODEL: &str = r#"{"version": 1, "unit": "weeks", "asOf": "2026-11-01", "customers": 100,
        "abc": {"a": 500, "b": 100, "customerShare": [0.05, 0.15, 0.8], "valueShare": [0.5, 0.3, 0.2]},
        "rfm": {"recency": [10, 40, 90, 200], "frequency": [1, 1, 2, 4], "monetary": [15, 30, 60, 120]},
        "bgnbd": {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426},
        "gammaGamma": {"p": 6.25, "q": 3.74, "v": 15.44}}"#;

    proptest! {
        #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

        #[test]
        fn abc_shares_add_up_and_follow_the_cut_points(
            values in proptest::collection::vec(prop_oneof![0.0..1e4, (0u32..20).prop_map(f64::from)], 1..200),
            a in 0.01..0.6,
            b in 0.01..0.39,
            by_value in any::<bool>(),
        ) {
            let rule = if by_value { AbcRule::ValueShare { a, b } } else { AbcRule::CustomerShare { a, b } };
            let total: f64 = values.iter().sum();
            let cuts = match abc_cuts(&values, rule) {
                Ok(c) => c,
                Err(e) => {
                    // Only a value-share rule over a base worth nothing has no cuts.
                    prop_assert!(by_value && total <= 0.0, "{e}");
                    return Ok(());
                }
            };
            prop_assert!(cuts.b <= cuts.a);
            let n = values.len() as f64;
            prop_assert!((cuts.customer_share.iter().sum::<f64>() - 1.0).abs() < 1e-9);
            if total > 0.0 {
                prop_assert!((cuts.value_share.iter().sum::<f64>() - 1.0).abs() < 1e-9);
            }
            // Each share is that of the customers the cut points put in the class.
            let class = |v: f64| if v >= cuts.a { 0 } else if v >= cuts.b { 1 } else { 2 };
            for k in 0..3 {
                let count = values.iter().filter(|&&v| class(v) == k).count() as f64;
                prop_assert!((cuts.customer_share[k] - count / n).abs() < 1e-12);
            }
            // The cut points follow the configured shares: A holds at least the top
            // ⌈a·n⌉ customers (ties included), A and B the top ⌈(a+b)·n⌉; by value,
            // A holds at least share a of the value, A and B at least a + b.
            if by_value {
                prop_assert!(cuts.value_share[0] >= a * (1.0 - 1e-9));
                prop_assert!(cuts.value_share[0] + cuts.value_share[1] >= (a + b) * (1.0 - 1e-9));
            } else {
                let top = |share: f64| ((share * n - 1e-9).ceil().max(1.0)).min(n) / n;
                prop_assert!(cuts.customer_share[0] >= top(a) - 1e-12);
                prop_assert!(cuts.customer_share[0] + cuts.customer_share[1] >= top(a + b) - 1e-12);
                // Strictly above the A cut there are fewer than ⌈a·n⌉ customers.
                let above = values.iter().filter(|&&v| v > cuts.a).count() as f64;
                prop_assert!(above / n < top(a) + 1e-12);
            }
        }

        #[test]
        fn a_model_scores_the_same_after_a_json_round_trip(
            params in proptest::collection::vec(1e-3..50.0, 7),
            // Inside the ranges a model accepts (fit::BGNBD_RANGES): r ≤ 20, α ≥ 3 days.
            r in 1e-3..20.0,
            alpha_days in 3.0..350.0,
            edges in proptest::collection::vec(proptest::collection::vec(0.0..500.0, 4), 3),
            abc in (0.0..2000.0, 0.0..1.0),
            shares in proptest::collection::vec(0.0..=1.0, 6),
            weeks in any::<bool>(),
            fitted in any::<bool>(),
            orders in proptest::collection::vec(order(), 0..10),
            horizon in 0.0..1000.0,
        ) {
            let sorted = |v: &Vec<f64>| { let mut v = v.clone(); v.sort_by(f64::total_cmp); [v[0], v[1], v[2], v[3]] };
            let model = Model {
                version: 1,
                unit: if weeks { Unit::Weeks } else { Unit::Days },
                as_of: "2026-11-01".into(),
                customers: 1234,
                abc: AbcCuts { a: abc.0, b: abc.0 * abc.1, customer_share: [shares[0], shares[1], shares[2]], value_share: [shares[3], shares[4], shares[5]] },
                rfm: RfmEdges { recency: sorted(&edges[0]), frequency: sorted(&edges[1]), monetary: sorted(&edges[2]) },
                    bgnbd: fitted.then(|| Fitted { params: BgNbd { r, alpha: alpha_days / if weeks { 7.0 } else { 1.0 }, a: params[2], b: params[3] }, log_likelihood: Some(-params[4] * 100.0), converged: true, uncertainty: None }),
            pareto_nbd: None,
            mbg_nbd: None,
                gamma_gamma: fitted.then(|| Fitted { params: GammaGamma { p: params[4], q: params[5] + 1.0, v: params[6] }, log_likelihood: None, converged: false, uncertainty: None }),
                    satisfaction: Some(SatisfactionCuts { p15: -params[0], p85: params[1] }),
                bgbb: None,
            };
            let text = serde_json::to_string(&model).unwrap();
            let back = Model::from_json(&Json::parse(&text).unwrap()).unwrap();
            prop_assert_eq!(&back, &model);
            let tape = OwnedTape::of(&customer_json(&orders, 0));
            let customer = Customer::read(&mut tape.tape().reader(), AS_OF, &Limits::default()).unwrap();
            let with = |m: Model| Config { model: Some(m), ..Config::default() };
            let (original, read) = (with(model), with(back));
            prop_assert_eq!(value(&customer, AS_OF, horizon, &original), value(&customer, AS_OF, horizon, &read));
            // And through the public API, with the model as config text.
            let scorer = Scorer::new(&Json::parse(&format!(r#"{{"model": {text}}}"#)).unwrap()).unwrap();
            let r = scorer.score(&customer_json(&orders, 0), ScoreOptions { as_of: AS_OF, horizon_days: horizon }).unwrap();
            prop_assert_eq!(r.value, value(&customer, AS_OF, horizon, &original).map_names(|n| n.text.to_string()));
        }

        /// `scoreMany` on columns (what `score_columns` computes) equals `score`
        /// applied to each customer one by one, field for field and bit for bit.
        /// (`scoreMany` on an array of customers is a loop over `score` in the wasm
        /// binding: tests/js/score.test.mjs checks it on generated customers.)
        #[test]
        fn score_columns_equals_score_one_by_one(
            // Per row: customer, days before asOf (negative: after it, so ignored), amount, cost.
            rows in proptest::collection::vec((0u32..12, -30i64..1500, prop_oneof![0.0..1e4, (0u32..500).prop_map(f64::from)], 0.0..200.0), 0..60),
            customers in 12usize..15,
            with_cost in any::<bool>(),
            cfg in config(),
            with_model in any::<bool>(),
            segments in any::<bool>(),
            horizon in 0.0..1000.0,
        ) {
            let mut cfg = cfg;
            if let (true, Json::Obj(entries)) = (with_model, &mut cfg) {
                entries.push(("model".into(), Json::parse(MODEL).unwrap()));
            }
            let scorer = Scorer::new(&cfg).unwrap();
            let customer: Vec<u32> = rows.iter().map(|r| r.0).collect();
            let at_ms: Vec<i64> = rows.iter().map(|r| AS_OF - r.1 * DAY).collect();
            let amount: Vec<f64> = rows.iter().map(|r| r.2).collect();
            let cost: Vec<f64> = rows.iter().map(|r| r.3).collect();
            let tx = Transactions { customer: &customer, at_ms: &at_ms, amount: &amount, cost: with_cost.then_some(&cost[..]) };
            let score = ScoreOptions { as_of: AS_OF, horizon_days: horizon };
            let s = score_columns(&scorer, &tx, &ColumnOptions { score, customers, segments }, &mut |_| {}).unwrap();
            let library = scorer.segments().definitions();
            let codes = |c: Option<AbcClass>| match c { None => 0, Some(AbcClass::A) => 1, Some(AbcClass::B) => 2, Some(AbcClass::C) => 3, Some(AbcClass::D) => 4 };
            let nan = |v: Option<f64>| v.unwrap_or(f64::NAN).to_bits();
            for k in 0..customers {
                // The customer of index k: their rows up to asOf, as orders.
                let orders: Vec<Json> = rows.iter().filter(|r| r.0 as usize == k && r.1 >= 0).map(|r| {
                    let mut o: Vec<(Key, Json)> = vec![("at".into(), Json::Num((AS_OF - r.1 * DAY) as f64)), ("amount".into(), Json::Num(r.2))];
                    if with_cost {
                        o.push(("cost".into(), Json::Num(r.3)));
                    }
                    Json::Obj(o)
                }).collect();
                let one = Json::Obj(vec![("id".into(), Json::Str(k.to_string())), ("orders".into(), Json::Arr(orders))]);
                let r = scorer.score(&one, score).unwrap();
                let v = &r.value;
                prop_assert_eq!(s.recency_days[k].to_bits(), nan(v.recency_days.map(f64::from)), "recencyDays of {}", k);
                prop_assert_eq!(s.frequency[k], v.frequency);
                // == rather than bits: with no orders, score's empty sum is −0.0 and the columns hold 0
                // (the same number once written as JSON, which has no −0).
                prop_assert!(s.monetary[k] == v.monetary, "monetary of {}: {} / {}", k, s.monetary[k], v.monetary);
                prop_assert_eq!(s.abc[k], codes(v.abc));
                prop_assert_eq!((s.rfm_r[k], s.rfm_f[k], s.rfm_m[k]), v.rfm.as_ref().map_or((0, 0, 0), |m| (m.r, m.f, m.m)));
                let p = v.predicted.as_ref();
                prop_assert_eq!(s.probability_alive[k].to_bits(), nan(p.map(|p| p.probability_alive)), "probabilityAlive of {}", k);
                prop_assert_eq!(s.expected_purchases[k].to_bits(), nan(p.map(|p| p.expected_purchases)), "expectedPurchases of {}", k);
                prop_assert_eq!(s.expected_average_spend[k].to_bits(), nan(p.and_then(|p| p.expected_average_spend)));
                prop_assert_eq!(s.lifetime_value[k].to_bits(), nan(p.and_then(|p| p.lifetime_value)), "lifetimeValue of {}", k);
                if let Some(bits) = &s.segments {
                    let words = &bits[k * s.words..(k + 1) * s.words];
                    let mut matched: Vec<&str> = (0..library.len()).filter(|&i| words[i / 32] >> (i % 32) & 1 == 1).map(|i| library[i].id.as_str()).collect();
                    let mut scored: Vec<&str> = r.segments.iter().map(|m| m.id.as_str()).collect();
                    matched.sort_unstable();
                    scored.sort_unstable();
                    prop_assert_eq!(matched, scored, "segments of {}", k);
                }
            }
        }
    }
}
