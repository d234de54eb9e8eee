//! End-to-end scoring through the public API, on customers whose figures were
//! worked out by hand from domain.md (the working is in the comments).
#![cfg(not(target_arch = "wasm32"))]

use crmscore::input::json::Json;
use crmscore::input::time::parse_instant;
use crmscore::scoring::loyalty::{Lifecycle, LoyaltyType, Stage};
use crmscore::scoring::satisfaction::{Level, NpsCategory};
use crmscore::scoring::value::AbcClass;
use crmscore::{ErrorCode, ScoreResult, Scorer};

fn json(text: &str) -> Json {
    Json::parse(text).unwrap()
}

/// The entry `name` of a result's map (maps are `(name, value)` pairs sorted by name).
fn entry<V: Copy>(map: &[(String, V)], name: &str) -> V {
    map.iter()
        .find(|(n, _)| n == name)
        .unwrap_or_else(|| panic!("no entry {name:?}"))
        .1
}

fn score(config: &str, customer: &str) -> ScoreResult {
    Scorer::new(&json(config))
        .unwrap()
        .score(&json(customer), parse_instant("2026-11-22").unwrap())
        .unwrap()
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-9
}

#[test]
fn dissatisfied_dvd_buyer_from_the_sample() {
    let sample = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/data/sample-customers.json"
    ))
    .unwrap();
    let customers: Vec<serde_json::Value> = serde_json::from_str(&sample).unwrap();
    let gus = customers
        .iter()
        .find(|c| c["id"] == "gus")
        .unwrap()
        .to_string();
    let config = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/data/sample-config.json"
    ))
    .unwrap();
    let r = score(&config, &gus);
    let v = &r.value;
    // orders 2026-04-02 $80, 05-20 $65, 07-09 $40
    assert_eq!(v.frequency, 3);
    assert_eq!(v.monetary, 185.0);
    // 07-09 → 11-22: 22 + 31 + 30 + 31 + 22 days
    assert_eq!(v.recency_days, Some(136));
    // 04-02 → 11-22: 28 + 31 + 30 + 31 + 31 + 30 + 31 + 22 days
    assert_eq!(v.tenure_days, Some(234));
    assert!(close(v.orders_per_year.unwrap(), 3.0 * 365.0 / 234.0));
    // no costs: value = 185 × marginRate 0.3 = 55.5, below b = 400: class C unless
    // serving costs more: 3 orders × 2 + 3 complaints × 15 + 2 returns × 8 = 67 > 55.5 → D
    assert!(close(v.historic_value, 55.5));
    assert_eq!(v.abc, Some(AbcClass::D));
    // recency 136 in (120, 365] → R 2; 3 orders in (2, 4] → F 3; 185 in (150, 400] → M 3;
    // FM 3 with R 2 → at-risk
    let rfm = v.rfm.unwrap();
    assert_eq!(
        (rfm.r, rfm.f, rfm.m, rfm.segment.as_str()),
        (2, 3, 3, "at-risk")
    );
    let s = &r.satisfaction;
    // expectation (4 + 5) / 2 = 4.5, perception (3 + 2) / 2 = 2.5
    assert_eq!(s.gap, Some(-2.0));
    assert!(close(s.ratio.unwrap(), 2.5 / 4.5));
    assert_eq!(s.level, Some(Level::Dissatisfied));
    assert_eq!(s.word_of_mouth, Some(-20.0));
    assert_eq!(s.nps.unwrap().category, NpsCategory::Detractor);
    assert_eq!(s.complaint_rate, Some(1.0));
    assert!(close(s.return_rate.unwrap(), 2.0 / 3.0));
    assert_eq!(s.repeat_purchases, 2);
    // 3 orders in 234 days: regular, not yet long-standing; last 180 days hold
    // 1 order (07-09), the 180 before hold 2 → rate fell by half: decline
    assert_eq!(r.loyalty.stage, Stage::Regular);
    assert_eq!(r.loyalty.lifecycle, Lifecycle::Decline);
    // 4.68 orders a year is frequent repeat, without attachment: inertia
    assert_eq!(r.loyalty.kind, Some(LoyaltyType::Inertia));
}

#[test]
fn walmart_lifetime_customer() {
    // $60 every week of the past year (52 orders), 20 years, no discounting:
    // 60 × 52 × 20 = 62,400 (domain.md §1)
    let orders: Vec<String> = (0..52)
        .map(|k| {
            format!(
                r#"{{"at": {}, "amount": 60}}"#,
                parse_instant("2026-11-22").unwrap() - k * 7 * 86_400_000
            )
        })
        .collect();
    let customer = format!(r#"{{"id": "walmart", "orders": [{}]}}"#, orders.join(","));
    let config = r#"{"lifetime": {"horizonYears": 20, "marginRate": 1, "retentionRate": 1, "discountRate": 0}}"#;
    let r = score(config, &customer);
    assert_eq!(r.value.projected_value, 62_400.0);
    assert_eq!(r.value.frequency, 52);
}

#[test]
fn delighted_promoter_is_trust_loyal() {
    // every 30 days for 2 years and a bit: 26 orders, the last 2 days ago
    let orders: Vec<String> = (0..26)
        .map(|k| {
            format!(
                r#"{{"at": {}, "amount": 40, "category": "books"}}"#,
                parse_instant("2026-11-20").unwrap() - k * 30 * 86_400_000
            )
        })
        .collect();
    let customer = format!(
        r#"{{"id": 42, "orders": [{}], "survey": {{"expectation": {{"product": 3, "service": 4}},
            "perception": {{"product": 5, "service": 4}}, "weights": {{"product": 3}}, "nps": 10}}}}"#,
        orders.join(",")
    );
    let r = score("{}", &customer);
    assert_eq!(r.id, "42");
    // weighted perception (3×5 + 4) / 4 = 4.75, expectation (3×3 + 4) / 4 = 3.25
    assert_eq!(r.satisfaction.gap, Some(1.5));
    assert!(close(r.satisfaction.ratio.unwrap(), 4.75 / 3.25));
    assert_eq!(entry(&r.satisfaction.dimensions, "product"), 2.0);
    assert_eq!(r.satisfaction.level, Some(Level::Delighted));
    assert_eq!(r.satisfaction.word_of_mouth, Some(12.0));
    // tenure 750 + 2 = 752 days ≥ 730, 26 orders ≥ 8, last order 2 days ago
    assert_eq!(r.value.tenure_days, Some(752));
    assert_eq!(r.loyalty.stage, Stage::Loyal);
    assert_eq!(r.loyalty.kind, Some(LoyaltyType::Trust));
    // 6 orders in each of the last two 180-day windows: stable
    assert_eq!(r.loyalty.lifecycle, Lifecycle::Stability);
    assert_eq!(entry(&r.value.categories, "books"), 26);
}

#[test]
fn order_of_orders_does_not_matter() {
    let a = score(
        "{}",
        r#"{"id": "x", "orders": [{"at": "2026-01-01", "amount": 5}, {"at": "2026-06-01", "amount": 7, "cost": 2}]}"#,
    );
    let b = score(
        "{}",
        r#"{"id": "x", "orders": [{"at": "2026-06-01", "amount": 7, "cost": 2}, {"at": "2026-01-01", "amount": 5}]}"#,
    );
    assert_eq!(a, b);
    assert_eq!(a.value.margin, Some(5.0));
}

#[test]
fn every_bad_input_names_its_field() {
    let scorer = Scorer::new(&json("{}")).unwrap();
    let at = parse_instant("2026-11-22").unwrap();
    let cases = [
        (r#"{"orders": []}"#, ErrorCode::MissingField, "id"),
        (r#"{"id": "a"}"#, ErrorCode::MissingField, "orders"),
        (
            r#"{"id": "a", "orders": [{"at": "2026-01-01", "amount": 1e308}, {"at": "2026-01-02", "amount": 1e308}]}"#,
            ErrorCode::OutOfRange,
            "orders[0].amount",
        ),
        (
            r#"{"id": "a", "orders": [{"at": "2026-01-01", "amount": 1, "cost": 2e15}]}"#,
            ErrorCode::OutOfRange,
            "orders[0].cost",
        ),
        (
            r#"{"id": "a", "orders": [], "survey": {"expectation": {"x": 1e308}, "perception": {"x": 1e308}}}"#,
            ErrorCode::OutOfRange,
            "survey.expectation.x",
        ),
        (
            r#"{"id": "a", "orders": [{"at": "1899-12-31", "amount": 1}]}"#,
            ErrorCode::InvalidDate,
            "orders[0].at",
        ),
        (
            r#"{"id": "a", "orders": {}}"#,
            ErrorCode::InvalidType,
            "orders",
        ),
        (
            r#"{"id": "a", "orders": [{"at": "2026-01-01", "amount": "12,50"}]}"#,
            ErrorCode::InvalidType,
            "orders[0].amount",
        ),
        (
            r#"{"id": "a", "orders": [{"at": "2026-01-01", "amount": -1}]}"#,
            ErrorCode::OutOfRange,
            "orders[0].amount",
        ),
        (
            r#"{"id": "a", "orders": [{"at": "2026-02-30", "amount": 1}]}"#,
            ErrorCode::InvalidDate,
            "orders[0].at",
        ),
        (
            r#"{"id": "a", "orders": [{"at": "2026-11-23", "amount": 1}]}"#,
            ErrorCode::FutureDate,
            "orders[0].at",
        ),
        (
            r#"{"id": "a", "orders": [], "firstSeen": "2027-01-01"}"#,
            ErrorCode::FutureDate,
            "firstSeen",
        ),
        (
            r#"{"id": "a", "orders": [{"at": 1e300, "amount": 1}]}"#,
            ErrorCode::InvalidDate,
            "orders[0].at",
        ),
        (
            r#"{"id": "a", "orders": [], "survey": {"nps": 3.5}}"#,
            ErrorCode::OutOfRange,
            "survey.nps",
        ),
        (
            r#"{"id": "a", "orders": [], "returns": -2}"#,
            ErrorCode::OutOfRange,
            "returns",
        ),
        (
            r#"{"id": "a", "orders": [], "refferals": 2}"#,
            ErrorCode::UnknownField,
            "refferals",
        ),
    ];
    for (input, code, path) in cases {
        let e = scorer.score(&json(input), at).unwrap_err();
        assert_eq!((e.code(), e.path()), (code, path), "{input}: {e}");
    }
}
