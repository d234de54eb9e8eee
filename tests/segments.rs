//! Built-in segments on customers whose membership was decided by hand from
//! domain.md §4 and the RFM table in the README (the working is in the comments).
#![cfg(not(target_arch = "wasm32"))]

use crmscore::json::Json;
use crmscore::time::parse_instant;
use crmscore::value::{rfm_segment, Rfm};
use crmscore::{ErrorCode, Scorer};

const CONFIG: &str = r#"{
    "abc": {"a": 1000, "b": 300},
    "rfm": {"recency": [30, 90, 180, 365], "frequency": [1, 2, 4, 8], "monetary": [50, 150, 400, 1000]}
}"#;

fn scorer(config: &str) -> Scorer {
    Scorer::new(&Json::parse(config).unwrap()).unwrap()
}

fn ids(customer: &str) -> Vec<String> {
    let r = scorer(CONFIG).score(&Json::parse(customer).unwrap(), parse_instant("2026-11-22").unwrap()).unwrap();
    r.segments.iter().map(|s| s.id.clone()).collect()
}

#[test]
fn first_time_book_buyer() {
    // 1 order: first-time buyer; books and no video: book buyer;
    // R: 12 days ≤ 30 → 5, F: 1 ≤ 1 → 1, M: 25 ≤ 50 → 1, F+M = 2 ≤ 3 → new customer
    let c = r#"{"id": "a", "orders": [{"at": "2026-11-10", "amount": 25, "category": "books"}]}"#;
    assert_eq!(ids(c), ["first-time-buyers", "book-buyers", "new-customers"]);
    let r = scorer(CONFIG).score(&Json::parse(c).unwrap(), parse_instant("2026-11-22").unwrap()).unwrap();
    let next = r.next_best_action.unwrap();
    assert_eq!(next.segment, "first-time-buyers");
    assert_eq!(next.action, Json::Str("Welcome package".into()));
}

#[test]
fn video_buyer_without_dvd() {
    // video, no DVD: up-sell; 3 orders in 82 days (floored to 90) = 12.2 a year: not quarterly;
    // R: 7 → 5, F: 3 in (2, 4] → 3, M: 57.5 in (50, 150] → 2, F+M = 5 → potential loyalist
    let c = r#"{"id": "v", "orders": [
        {"at": "2026-09-01", "amount": 20, "category": "video"},
        {"at": "2026-10-20", "amount": 15, "category": "video"},
        {"at": "2026-11-15", "amount": 22.5, "category": "video"}]}"#;
    assert_eq!(ids(c), ["video-buyers", "potential-loyalists"]);
}

#[test]
fn lapsed_high_value_customer() {
    // 1,100 spent ≥ a = 1000: class A; last order 2025-04-10, 591 days ago > 90: win back;
    // R: 591 > 365 → 1, F: 2 ≤ 2 → 2, M: 1100 > 1000 → 5, F+M = 7 with R 1 → at risk
    let c = r#"{"id": "l", "orders": [{"at": "2025-01-10", "amount": 600}, {"at": "2025-04-10", "amount": 500}]}"#;
    assert_eq!(ids(c), ["lapsed-high-value", "at-risk"]);
}

#[test]
fn quarterly_buyer() {
    // every 91 days from 2025-12-01: 4 orders over 356 days = 4.1 a year, last 83 days ago;
    // R: 83 in (30, 90] → 4, F: 4 in (2, 4] → 3, M: 160 in (150, 400] → 3, F+M = 6 → loyal customer
    let c = r#"{"id": "q", "orders": [
        {"at": "2025-12-01", "amount": 40, "category": "music"}, {"at": "2026-03-02", "amount": 40, "category": "music"},
        {"at": "2026-06-01", "amount": 40, "category": "music"}, {"at": "2026-08-31", "amount": 40, "category": "music"}]}"#;
    assert_eq!(ids(c), ["quarterly-buyers", "loyal-customers"]);
}

#[test]
fn books_and_video_is_no_longer_a_book_buyer() {
    let c = r#"{"id": "bv", "orders": [
        {"at": "2026-11-01", "amount": 10, "category": "books"}, {"at": "2026-11-02", "amount": 10, "category": "video"}]}"#;
    let found = ids(c);
    assert!(found.contains(&"video-buyers".to_string()));
    assert!(!found.contains(&"book-buyers".to_string()));
}

#[test]
fn store_category_names_are_configuration() {
    let config = r#"{"store": {"books": "Bücher", "video": "Filme"}}"#;
    let c = r#"{"id": "de", "orders": [{"at": "2026-11-01", "amount": 10, "category": "Bücher"}]}"#;
    let r = scorer(config).score(&Json::parse(c).unwrap(), parse_instant("2026-11-22").unwrap()).unwrap();
    let found: Vec<&str> = r.segments.iter().map(|s| s.id.as_str()).collect();
    assert_eq!(found, ["first-time-buyers", "book-buyers"]);
}

#[test]
fn rfm_rules_agree_with_the_rfm_table_on_all_125_cells() {
    let s = scorer(CONFIG);
    let at = parse_instant("2026-11-22").unwrap();
    let customer = crmscore::customer::Customer::from_json(&Json::parse(r#"{"id": "x", "orders": []}"#).unwrap(), at, &Default::default()).unwrap();
    let rfm_ids = [
        "champions", "loyal-customers", "potential-loyalists", "new-customers", "promising", "need-attention",
        "about-to-sleep", "at-risk", "cant-lose-them", "hibernating", "lost",
    ];
    for r in 1..=5u8 {
        for f in 1..=5u8 {
            for m in 1..=5u8 {
                let mut result = s.score_customer(&customer, at);
                result.value.rfm = Some(Rfm { r, f, m, segment: rfm_segment(r, f, m) });
                let (matched, _) = s.segments().evaluate(&customer, &result, at);
                let rfm_matched: Vec<&str> =
                    matched.iter().map(|m| m.id.as_str()).filter(|id| rfm_ids.contains(id)).collect();
                assert_eq!(rfm_matched, [rfm_segment(r, f, m)], "r={r} f={f} m={m}");
            }
        }
    }
}

#[test]
fn explain_shows_the_values_that_decided() {
    let s = scorer(CONFIG);
    let c = Json::parse(r#"{"id": "l", "orders": [{"at": "2025-01-10", "amount": 600}, {"at": "2025-04-10", "amount": 500}]}"#).unwrap();
    let all = s.explain(&c, parse_instant("2026-11-22").unwrap()).unwrap();
    assert_eq!(all.len(), 16);
    let lapsed = &all[0];
    assert_eq!((lapsed.id.as_str(), lapsed.matched, lapsed.exit_reached), ("lapsed-high-value", true, Some(false)));
    assert!(lapsed.text.contains("value.recencyDays > 90 → true (value.recencyDays = 591)"), "{}", lapsed.text);
    let first = all.iter().find(|e| e.id == "first-time-buyers").unwrap();
    assert!(!first.matched);
    assert_eq!(first.exit_reached, Some(true));
    assert_eq!(first.text, "value.frequency == 1 → false (value.frequency = 2)");
}

#[test]
fn user_segments_extend_replace_and_can_reference_others() {
    let config = r#"{"segments": [
        {"id": "vip-lapsed", "name": "VIP gone quiet", "when": "segment('lapsed-high-value') && value.abc == 'A'",
         "goal": "win-back", "priority": 1, "actions": [{"channel": "phone", "script": "personal call"}]},
        {"id": "first-time-buyers", "when": "value.frequency == 1 && value.monetary >= 20.0", "goal": "repeat", "priority": 5}
    ], "abc": {"a": 1000, "b": 300}}"#;
    let s = scorer(config);
    assert_eq!(s.segments().definitions().len(), 17);
    let c = Json::parse(r#"{"id": "l", "orders": [{"at": "2025-01-10", "amount": 600}, {"at": "2025-04-10", "amount": 500}]}"#).unwrap();
    let r = s.score(&c, parse_instant("2026-11-22").unwrap()).unwrap();
    assert_eq!(r.segments[0].id, "vip-lapsed");
    assert_eq!(r.segments[1].id, "lapsed-high-value");
    let next = r.next_best_action.unwrap();
    assert_eq!(next.segment, "vip-lapsed");
    assert_eq!(serde_json::to_string(&next.action).unwrap(), r#"{"channel":"phone","script":"personal call"}"#);
    let small = Json::parse(r#"{"id": "s", "orders": [{"at": "2026-11-01", "amount": 10}]}"#).unwrap();
    let r = s.score(&small, parse_instant("2026-11-22").unwrap()).unwrap();
    assert!(r.segments.iter().all(|m| m.id != "first-time-buyers"));
}

#[test]
fn segment_errors_name_the_segment_and_position() {
    let err = |config: &str| Scorer::new(&Json::parse(config).unwrap()).unwrap_err();
    let e = err(r#"{"segments": [{"id": "x", "when": "value.frequency == 'x'", "goal": "retain"}]}"#);
    assert_eq!((e.code(), e.path()), (ErrorCode::RuleType, "segments[0].when"));
    assert_eq!(
        e.to_string(),
        "segments[0].when: in segment \"x\": line 1, column 17: cannot compare `value.frequency` (int) with `'x'` (string)\nvalue.frequency == 'x'\n                ^^"
    );
    let e = err(r#"{"segments": [{"id": "x", "when": "true", "goal": "sell"}]}"#);
    assert_eq!(e.path(), "segments[0].goal");
    let e = err(r#"{"segments": [{"id": "x", "when": "true", "goal": "care"}, {"id": "x", "when": "true", "goal": "care"}]}"#);
    assert_eq!((e.code(), e.path()), (ErrorCode::InvalidSegment, "segments[1].id"));
    let e = err(r#"{"builtinSegments": false, "segments": [{"id": "a", "when": "segment('b')", "goal": "care"}, {"id": "b", "when": "segment('a')", "goal": "care"}]}"#);
    assert_eq!(e.code(), ErrorCode::InvalidSegment);
    assert_eq!(e.message(), "segments reference each other in a cycle: `a` → `b` → `a`");
    let e = err(r#"{"limits": {"maxSegments": 16}, "segments": [{"id": "extra", "when": "true", "goal": "care"}]}"#);
    assert_eq!(e.code(), ErrorCode::TooLarge);
    let deep = format!(r#"{{"segments": [{{"id": "d", "when": "{}true{}", "goal": "care"}}]}}"#, "(".repeat(100), ")".repeat(100));
    assert_eq!(err(&deep).code(), ErrorCode::TooLarge);
    let long = format!(r#"{{"limits": {{"maxRuleLength": 100}}, "segments": [{{"id": "l", "when": "{}", "goal": "care"}}]}}"#, "true && ".repeat(20) + "true");
    assert_eq!(err(&long).code(), ErrorCode::TooLarge);
}
