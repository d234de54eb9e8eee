//! Built-in segments on customers whose membership was decided by hand from
//! docs/domain.md §4 and the RFM table of docs/model.md (the working is in the comments).
#![cfg(not(target_arch = "wasm32"))]

use crmscore::input::customer::{Customer, Limits, Order};
use crmscore::input::json::Json;
use crmscore::input::tape::{Name, OwnedTape};
use crmscore::input::time::parse_instant;
use crmscore::scoring::features::{Entries, Features};
use crmscore::scoring::segments::{rule_view, Customer as RuleView, NextBestAction, Orders};
use crmscore::scoring::value::{rfm_segment, Rfm};
use crmscore::{ErrorCode, ScoreOptions, Scorer};
use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

/// Counts this thread's allocations, to check that evaluating segments allocates nothing.
struct Counting;

thread_local! {
    static ALLOCATIONS: Cell<usize> = const { Cell::new(0) };
}

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let _ = ALLOCATIONS.try_with(|n| n.set(n.get() + 1));
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

fn allocations(f: impl FnOnce()) -> usize {
    let before = ALLOCATIONS.with(Cell::get);
    f();
    ALLOCATIONS.with(Cell::get) - before
}

const CONFIG: &str = r#"{
    "abc": {"a": 1000, "b": 300},
    "rfm": {"recency": [30, 90, 180, 365], "frequency": [1, 2, 4, 8], "monetary": [50, 150, 400, 1000]}
}"#;

fn scorer(config: &str) -> Scorer {
    Scorer::new(&Json::parse(config).unwrap()).unwrap()
}

/// Reads a customer as `score` does, for the tests that look at the steps of scoring.
fn read<T>(customer: &str, at: i64, f: impl FnOnce(&Customer<'_>) -> T) -> T {
    let tape = OwnedTape::of(&Json::parse(customer).unwrap());
    let c = Customer::read(&mut tape.tape().reader(), at, &Limits::default()).unwrap();
    f(&c)
}

/// The library indexes of the segments `features` fall in, by priority, as
/// `score` evaluates them (from the result's slots and maps).
fn matched(s: &Scorer, features: &Features<Name<'_>>) -> Vec<usize> {
    let mut found = Vec::new();
    with_view(features, &[], |view| {
        s.segments().matched(view, |i| found.push(i))
    });
    found
}

/// `f` given what the rules read of `features` and `orders`: the result's slots and maps, the orders.
fn with_view<T>(
    features: &Features<Name<'_>>,
    orders: &[Order<'_>],
    f: impl FnOnce(&RuleView<'_>) -> T,
) -> T {
    let mut slots = Vec::new();
    features.write_slots(&mut |n| f64::from(n.index), &mut slots);
    let (categories, dimensions) = (
        Entries(&features.value.categories),
        Entries(&features.satisfaction.dimensions),
    );
    f(&rule_view(
        features,
        &slots,
        &categories,
        &dimensions,
        &Orders(orders),
    ))
}

fn ids(customer: &str) -> Vec<String> {
    let r = scorer(CONFIG)
        .score(
            &Json::parse(customer).unwrap(),
            parse_instant("2026-11-22").unwrap(),
        )
        .unwrap();
    r.segments.iter().map(|s| s.id.clone()).collect()
}

#[test]
fn first_time_book_buyer() {
    // 1 order: first-time buyer; books and no video: book buyer;
    // R: 12 days ≤ 30 → 5, F: 1 ≤ 1 → 1, M: 25 ≤ 50 → 1, F+M = 2 ≤ 3 → new customer
    let c = r#"{"id": "a", "orders": [{"at": "2026-11-10", "amount": 25, "category": "books"}]}"#;
    assert_eq!(
        ids(c),
        ["first-time-buyers", "book-buyers", "new-customers"]
    );
    let r = scorer(CONFIG)
        .score(
            &Json::parse(c).unwrap(),
            parse_instant("2026-11-22").unwrap(),
        )
        .unwrap();
    let next = r.next_best_action.unwrap();
    assert_eq!(next.segment, "first-time-buyers");
    assert_eq!(next.action, Some(Json::Str("Welcome package".into())));
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
fn champion() {
    // 10 orders of 120, monthly from 2026-02-01 to 2026-11-01: F 10 > 8 → 5, M 1,200 > 1,000 → 5,
    // R: 21 days ≤ 30 → 5; R ≥ 4 and F+M = 10 ≥ 8 → champion. Class A (1,200 ≥ 1,000) but bought
    // 21 days ago: not lapsed; 10 orders over 294 days = 12.4 a year: not quarterly.
    let orders: Vec<String> = (2..=11)
        .map(|m| format!(r#"{{"at": "2026-{m:02}-01", "amount": 120}}"#))
        .collect();
    assert_eq!(
        ids(&format!(
            r#"{{"id": "ch", "orders": [{}]}}"#,
            orders.join(",")
        )),
        ["champions"]
    );
}

#[test]
fn cant_lose_them() {
    // 9 orders of 200, monthly from 2024-03-01 to 2024-11-01: F 9 > 8 → 5, M 1,800 → 5; last order
    // 751 days ago (365 + 365 + 21) > 365 → R 1; R 1 and F+M = 10 ≥ 8 → can't lose them.
    // Class A, more than 90 days ago: also a lapsed high-value customer.
    let orders: Vec<String> = (3..=11)
        .map(|m| format!(r#"{{"at": "2024-{m:02}-01", "amount": 200}}"#))
        .collect();
    assert_eq!(
        ids(&format!(
            r#"{{"id": "cl", "orders": [{}]}}"#,
            orders.join(",")
        )),
        ["lapsed-high-value", "cant-lose-them"]
    );
}

#[test]
fn promising() {
    // one order of 80, 60 days ago (2026-09-23): R 4 (30 < 60 ≤ 90), F 1, M 2 (50 < 80 ≤ 150),
    // F+M = 3 ≤ 3 with R 4 → promising; one order → first-time buyer; class C.
    let c = r#"{"id": "p", "orders": [{"at": "2026-09-23", "amount": 80}]}"#;
    assert_eq!(ids(c), ["first-time-buyers", "promising"]);
}

#[test]
fn need_attention() {
    // 3 orders of 20 on the first of May, June and July 2026: last 144 days ago → R 3 (90 < 144 ≤ 180),
    // F 3 (2 < 3 ≤ 4), M 2 (50 < 60 ≤ 150), F+M = 5 in [4, 6) → need attention. Tenure 205 days:
    // 3 × 365 / 205 = 5.3 orders a year, in [3, 6), last within 180 days → also a quarterly buyer.
    let c = r#"{"id": "na", "orders": [{"at": "2026-05-01", "amount": 20}, {"at": "2026-06-01", "amount": 20},
        {"at": "2026-07-01", "amount": 20}]}"#;
    assert_eq!(ids(c), ["quarterly-buyers", "need-attention"]);
}

#[test]
fn about_to_sleep() {
    // one order of 40, 144 days ago: R 3, F 1, M 1, F+M = 2 < 4 → about to sleep; first-time buyer.
    let c = r#"{"id": "as", "orders": [{"at": "2026-07-01", "amount": 40}]}"#;
    assert_eq!(ids(c), ["first-time-buyers", "about-to-sleep"]);
}

#[test]
fn hibernating() {
    // 2 orders of 50 (2025-12-01, 2026-03-01): last 266 days ago → R 2 (180 < 266 ≤ 365), F 2, M 2
    // (50 < 100 ≤ 150), F+M = 4 < 6 → hibernating; class C, not recent enough to be quarterly.
    let c = r#"{"id": "h", "orders": [{"at": "2025-12-01", "amount": 50}, {"at": "2026-03-01", "amount": 50}]}"#;
    assert_eq!(ids(c), ["hibernating"]);
}

#[test]
fn lost() {
    // one order of 30 on 2025-06-01, 539 days ago: R 1, F 1, M 1, F+M = 2 < 6 → lost; class C
    // (30 < 300), so not a lapsed high-value customer; one order → first-time buyer.
    let c = r#"{"id": "lo", "orders": [{"at": "2025-06-01", "amount": 30}]}"#;
    assert_eq!(ids(c), ["first-time-buyers", "lost"]);
}

#[test]
fn next_best_action_is_the_first_matched_segment_even_without_actions() {
    let config = r#"{"builtinSegments": false, "segments": [
        {"id": "quiet", "when": "value.frequency >= 1", "goal": "retain", "priority": 1},
        {"id": "loud", "when": "true", "goal": "care", "priority": 2, "actions": ["call"]}]}"#;
    let c = Json::parse(r#"{"id": "n", "orders": [{"at": "2026-11-01", "amount": 10}]}"#).unwrap();
    let r = scorer(config)
        .score(&c, parse_instant("2026-11-22").unwrap())
        .unwrap();
    let next = r.next_best_action.as_ref().unwrap();
    assert_eq!(
        (next.segment.as_str(), next.goal.as_str(), &next.action),
        ("quiet", "retain", &None)
    );
    assert!(r
        .to_json()
        .to_text()
        .contains(r#""nextBestAction":{"segment":"quiet","goal":"retain","action":null}"#));
}

#[test]
fn missing_data_makes_comparisons_false() {
    // No ABC thresholds: value.abc is missing, so `value.abc == 'A'` is false and its negation true.
    let config = r#"{"builtinSegments": false, "segments": [
        {"id": "not-a", "when": "!(value.abc == 'A')", "goal": "care"},
        {"id": "else", "when": "value.abc == 'A' ? false : true", "goal": "care"},
        {"id": "ne", "when": "value.abc != 'A'", "goal": "care"},
        {"id": "in", "when": "value.abc in ['A', 'B']", "goal": "care"},
        {"id": "has", "when": "!has(value.abc)", "goal": "care"}]}"#;
    let c = Json::parse(r#"{"id": "m", "orders": [{"at": "2026-11-01", "amount": 10}]}"#).unwrap();
    let r = scorer(config)
        .score(&c, parse_instant("2026-11-22").unwrap())
        .unwrap();
    let found: Vec<&str> = r.segments.iter().map(|s| s.id.as_str()).collect();
    assert_eq!(found, ["not-a", "else", "has"]);
}

#[test]
fn rules_read_every_field_of_the_result() {
    // Every number, string and map entry of value, satisfaction and loyalty (with a model, so that
    // value.predicted is filled, and a wallet, so that value.shareOfWallet is) can be tested with has(), which is true exactly where the result has a value.
    let model = include_str!("golden/model.json");
    let c = r#"{"id": "all", "orders": [{"at": "2026-10-01", "amount": 40, "cost": 25, "category": "books", "accountId": "x"},
        {"at": "2026-11-12", "amount": 60, "category": "video", "channel": "coupon"}],
        "survey": {"expectation": {"service": 4, "price": 3}, "perception": {"service": 5, "price": 2}, "nps": 9},
        "complaints": 1, "returns": 0, "referrals": 2, "wallet": {"books": 80}}"#;
    let base = format!(r#"{{"model": {model}, "builtinSegments": false}}"#);
    let at = parse_instant("2026-11-22").unwrap();
    let result = scorer(&base).score(&Json::parse(c).unwrap(), at).unwrap();
    let json = result.to_json();
    let mut leaves = Vec::new();
    fn walk(v: &Json, path: String, out: &mut Vec<(String, bool)>) {
        // The prediction intervals are pairs, which rules do not read.
        if path.starts_with("value.predicted.interval") {
            return;
        }
        match v {
            Json::Obj(entries) => entries
                .iter()
                .for_each(|(k, v)| walk(v, format!("{path}.{k}"), out)),
            other => out.push((path, !matches!(other, Json::Null))),
        }
    }
    for group in ["value", "satisfaction", "loyalty"] {
        let Json::Obj(entries) = &json else {
            panic!("a result is an object")
        };
        walk(
            &entries.iter().find(|(k, _)| k == group).unwrap().1,
            group.to_string(),
            &mut leaves,
        );
    }
    assert!(
        leaves
            .iter()
            .any(|(p, _)| p == "satisfaction.dimensions.service"),
        "{leaves:?}"
    );
    assert!(
        leaves
            .iter()
            .any(|(p, _)| p == "value.predicted.lifetimeValue"),
        "{leaves:?}"
    );
    let segments: Vec<String> = leaves
        .iter()
        .enumerate()
        .map(|(i, (path, _))| format!(r#"{{"id": "f{i}", "when": "has({path})", "goal": "care"}}"#))
        .collect();
    let config = format!(
        r#"{{"model": {model}, "builtinSegments": false, "segments": [{}]}}"#,
        segments.join(",")
    );
    let s = Scorer::new(&Json::parse(&config).unwrap())
        .unwrap_or_else(|e| panic!("a field cannot be read: {e}"));
    let r = s.score(&Json::parse(c).unwrap(), at).unwrap();
    for (i, (path, present)) in leaves.iter().enumerate() {
        assert_eq!(
            r.segments.iter().any(|m| m.id == format!("f{i}")),
            *present,
            "has({path})"
        );
    }
}

#[test]
fn map_entries_are_read_by_name() {
    // service: perception 5 − expectation 4 = gap 1; price 2 − 3 = −1; books bought once.
    let config = r#"{"builtinSegments": false, "segments": [
        {"id": "price-gap", "when": "satisfaction.dimensions.price < 0.0 && satisfaction.dimensions['service'] == 1.0", "goal": "care"},
        {"id": "books", "when": "value.categories.books == 1 && !has(value.categories.dvd)", "goal": "cross-sell"},
        {"id": "dvd", "when": "value.categories.dvd >= 0", "goal": "up-sell"}]}"#;
    let c = Json::parse(r#"{"id": "d", "orders": [{"at": "2026-11-01", "amount": 10, "category": "books"}],
        "survey": {"expectation": {"service": 4, "price": 3}, "perception": {"service": 5, "price": 2}}}"#).unwrap();
    let r = scorer(config)
        .score(&c, parse_instant("2026-11-22").unwrap())
        .unwrap();
    let found: Vec<&str> = r.segments.iter().map(|s| s.id.as_str()).collect();
    assert_eq!(found, ["price-gap", "books"]);
}

#[test]
fn a_long_chain_of_conditions_is_not_nesting() {
    // 63 conditions joined by `&&` (1.5 KB): one level of `&&`, well within the 64 levels.
    let rule = vec!["value.frequency >= 1"; 63].join(" && ");
    assert!(rule.len() > 1500);
    let config = format!(
        r#"{{"builtinSegments": false, "segments": [{{"id": "long", "when": "{rule}", "goal": "care"}}]}}"#
    );
    let c = Json::parse(r#"{"id": "c", "orders": [{"at": "2026-11-01", "amount": 10}]}"#).unwrap();
    let r = scorer(&config)
        .score(&c, parse_instant("2026-11-22").unwrap())
        .unwrap();
    assert_eq!(r.segments.len(), 1);
}

#[test]
fn a_store_name_no_segment_reads_is_a_typo() {
    let e = Scorer::new(&Json::parse(r#"{"store": {"bokos": "Bücher"}}"#).unwrap()).unwrap_err();
    assert_eq!(
        (e.code(), e.path()),
        (ErrorCode::UnknownField, "store.bokos")
    );
    assert_eq!(
        e.message(),
        "no segment reads store.bokos (did you mean \"books\"?); the segments read: store.books, store.video, store.dvd"
    );
    let own = r#"{"store": {"toys": "Spielzeug"}, "segments": [{"id": "toys", "when": "bought(store.toys) > 0", "goal": "cross-sell"}]}"#;
    assert!(Scorer::new(&Json::parse(own).unwrap()).is_ok());
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
    let r = scorer(config)
        .score(
            &Json::parse(c).unwrap(),
            parse_instant("2026-11-22").unwrap(),
        )
        .unwrap();
    let found: Vec<&str> = r.segments.iter().map(|s| s.id.as_str()).collect();
    assert_eq!(found, ["first-time-buyers", "book-buyers"]);
}

#[test]
fn rfm_rules_agree_with_the_rfm_table_on_all_125_cells() {
    let s = scorer(CONFIG);
    let at = parse_instant("2026-11-22").unwrap();
    let rfm_ids = [
        "champions",
        "loyal-customers",
        "potential-loyalists",
        "new-customers",
        "promising",
        "need-attention",
        "about-to-sleep",
        "at-risk",
        "cant-lose-them",
        "hibernating",
        "lost",
    ];
    read(r#"{"id": "x", "orders": []}"#, at, |customer| {
        for r in 1..=5u8 {
            for f in 1..=5u8 {
                for m in 1..=5u8 {
                    let mut features = s.features(customer, ScoreOptions::from(at));
                    features.value.rfm = Some(Rfm {
                        r,
                        f,
                        m,
                        segment: rfm_segment(r, f, m),
                    });
                    let rfm_matched: Vec<&str> = matched(&s, &features)
                        .into_iter()
                        .map(|i| s.segments().definitions()[i].id.as_str())
                        .filter(|id| rfm_ids.contains(id))
                        .collect();
                    assert_eq!(
                        rfm_matched,
                        [rfm_segment(r, f, m).as_str()],
                        "r={r} f={f} m={m}"
                    );
                }
            }
        }
    });
}

#[test]
fn explain_shows_the_values_that_decided() {
    let s = scorer(CONFIG);
    let c = Json::parse(r#"{"id": "l", "orders": [{"at": "2025-01-10", "amount": 600}, {"at": "2025-04-10", "amount": 500}]}"#).unwrap();
    let all = s.explain(&c, parse_instant("2026-11-22").unwrap()).unwrap();
    assert_eq!(all.len(), 16);
    let lapsed = &all[0];
    assert_eq!(
        (lapsed.id.as_str(), lapsed.matched, lapsed.exit_reached),
        ("lapsed-high-value", true, Some(false))
    );
    assert!(
        lapsed
            .text
            .contains("value.recencyDays > 90 → true (value.recencyDays = 591)"),
        "{}",
        lapsed.text
    );
    let first = all.iter().find(|e| e.id == "first-time-buyers").unwrap();
    assert!(!first.matched);
    assert_eq!(first.exit_reached, Some(true));
    assert_eq!(
        first.text,
        "value.frequency == 1 → false (value.frequency = 2)"
    );
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
    assert_eq!(
        next.action.map(|a| a.to_text()).as_deref(),
        Some(r#"{"channel":"phone","script":"personal call"}"#)
    );
    let small =
        Json::parse(r#"{"id": "s", "orders": [{"at": "2026-11-01", "amount": 10}]}"#).unwrap();
    let r = s
        .score(&small, parse_instant("2026-11-22").unwrap())
        .unwrap();
    assert!(r.segments.iter().all(|m| m.id != "first-time-buyers"));
}

#[test]
fn segment_errors_name_the_segment_and_position() {
    let err = |config: &str| Scorer::new(&Json::parse(config).unwrap()).unwrap_err();
    let e =
        err(r#"{"segments": [{"id": "x", "when": "value.frequency == 'x'", "goal": "retain"}]}"#);
    assert_eq!(
        (e.code(), e.path()),
        (ErrorCode::RuleType, "segments[0].when")
    );
    assert_eq!(
        e.to_string(),
        "segments[0].when: in segment \"x\": line 1, column 17: cannot compare `value.frequency` (int) with `'x'` (string)\nvalue.frequency == 'x'\n                ^^"
    );
    let e = err(r#"{"segments": [{"id": "x", "when": "true", "goal": "sell"}]}"#);
    assert_eq!(e.path(), "segments[0].goal");
    let e = err(
        r#"{"segments": [{"id": "x", "when": "true", "goal": "care"}, {"id": "x", "when": "true", "goal": "care"}]}"#,
    );
    assert_eq!(
        (e.code(), e.path()),
        (ErrorCode::InvalidSegment, "segments[1].id")
    );
    // a → b → a: the call in b's rule closes the cycle.
    let e = err(
        r#"{"builtinSegments": false, "segments": [{"id": "a", "when": "segment('b')", "goal": "care"}, {"id": "b", "when": "true && segment('a')", "goal": "care"}]}"#,
    );
    assert_eq!(
        (e.code(), e.path()),
        (ErrorCode::InvalidSegment, "segments[1].when")
    );
    assert_eq!(
        e.message(),
        "in segment \"b\": line 1, column 9: segments reference each other in a cycle: `a` → `b` → `a`\ntrue && segment('a')\n        ^^^^^^^^^^^^"
    );
    let e = err(
        r#"{"limits": {"maxSegments": 16}, "segments": [{"id": "extra", "when": "true", "goal": "care"}]}"#,
    );
    assert_eq!((e.code(), e.path()), (ErrorCode::TooLarge, "segments"));
    assert_eq!(
        e.message(),
        "expected at most 16 segments (built-ins included), got 17, of which 16 are built-ins (`builtinSegments: false` \
         leaves them out); raise `limits.maxSegments`"
    );
    let e = err(r#"{"limits": {"maxSegments": 3}}"#);
    assert_eq!((e.code(), e.path()), (ErrorCode::TooLarge, "segments"));
    assert!(
        e.message().starts_with(
            "expected at most 3 segments (built-ins included), got 16, of which 16 are built-ins"
        ),
        "{e}"
    );
    let deep = format!(
        r#"{{"segments": [{{"id": "d", "when": "{}true{}", "goal": "care"}}]}}"#,
        "(".repeat(100),
        ")".repeat(100)
    );
    assert_eq!(err(&deep).code(), ErrorCode::TooLarge);
    let long = format!(
        r#"{{"limits": {{"maxRuleLength": 100}}, "segments": [{{"id": "l", "when": "{}", "goal": "care"}}]}}"#,
        "true && ".repeat(20) + "true"
    );
    assert_eq!(err(&long).code(), ErrorCode::TooLarge);
}

#[test]
fn evaluating_segments_allocates_only_the_matches() {
    // All 16 built-ins, a rule on a map entry and a store name, and one with macros over the
    // orders (true, then false: both macros run); only the list of matches allocates.
    let config = format!(
        r#"{{"segments": [{{"id": "m", "when": "value.categories[store.books] > 5 || satisfaction.dimensions.service < -1.0", "goal": "care"}},
            {{"id": "o", "when": "orders.exists(o, o.category == store.music && o.amount >= 20.0) && orders.filter(o, o.at < now - duration('300d')).size() == 3", "goal": "care"}}], {}"#,
        &CONFIG.trim_start()[1..]
    );
    let s = scorer(&config);
    assert_eq!(s.segments().definitions().len(), 18);
    let at = parse_instant("2026-11-22").unwrap();
    let quiet = r#"{"id": "q", "orders": [{"at": "2026-01-05", "amount": 20, "category": "music"}, {"at": "2026-01-06", "amount": 20}]}"#;
    read(quiet, at, |c| {
        let features = s.features(c, ScoreOptions::from(at));
        with_view(&features, &c.orders, |view| {
            // Evaluating the 18 rules allocates nothing: matches come back as library indexes.
            let (mut count, mut first) = (0, None);
            let n = allocations(|| {
                s.segments().matched(view, |i| {
                    count += 1;
                    first = first.or(Some(i));
                })
            });
            assert_eq!(n, 0, "allocations while evaluating 18 segments");
            // 320 days since the last order → R 2; F 2 → 2, M 40 → 1: hibernating, the one match.
            assert_eq!(
                (
                    count,
                    first.map(|i| s.segments().definitions()[i].id.as_str())
                ),
                (1, Some("hibernating"))
            );
            let mut listed = Vec::new();
            let mut next = None;
            let n = allocations(|| {
                s.segments()
                    .matched(view, |i| listed.push(s.segments().match_of(i)));
                next = listed.first().map(NextBestAction::of);
            });
            assert_eq!(
                listed.iter().map(|m| m.id.as_str()).collect::<Vec<_>>(),
                ["hibernating"]
            );
            assert_eq!(next.map(|n| n.segment), Some("hibernating".to_string()));
            // the output only: the list, the match's id, name, actions and their two strings; the next best
            // action's segment id and action
            assert_eq!(
                n,
                1 + 1 + 1 + 1 + 2 + 2,
                "allocations while listing the matches of 18 segments"
            );
        });
    });
    read(r#"{"id": "n", "orders": []}"#, at, |nobody| {
        let features = s.features(nobody, ScoreOptions::from(at));
        let mut none = true;
        let n = with_view(&features, &nobody.orders, |view| {
            allocations(|| s.segments().matched(view, |_| none = false))
        });
        assert_eq!(n, 0);
        assert!(none);
    });
}

// The issue's macros over a customer's orders, scored at 2026-11-22: a 25.00 DVD on 2026-11-02
// (20 days before, within 30), a 15.00 DVD on 2026-09-01 (82 days), and three coupon orders,
// one of them a 30.00 book on 2026-06-10 with cost 20.00.
#[test]
fn macros_over_orders() {
    let config = r#"{"builtinSegments": false, "segments": [
        {"id": "recent-dvd", "goal": "up-sell", "when": "orders.exists(o, o.category == store.dvd && o.amount > 20.0 && o.at > now - duration('30d'))"},
        {"id": "old-dvd-only", "goal": "win-back", "when": "orders.exists(o, o.category == store.dvd && o.amount > 20.0 && o.at < now - duration('30d'))"},
        {"id": "coupon-hunter", "goal": "care", "when": "orders.filter(o, o.channel == 'coupon').size() >= 3"},
        {"id": "one-book", "goal": "cross-sell", "when": "orders.exists_one(o, o.category == store.books)"},
        {"id": "all-above-10", "goal": "care", "when": "orders.all(o, o.amount > 10.0)"},
        {"id": "all-costed", "goal": "care", "when": "orders.all(o, o.cost > 0.0)"},
        {"id": "margin", "goal": "care", "when": "orders.exists(o, o.amount - o.cost == 10.0) && orders.map(o, o.at).size() == 5"},
        {"id": "since-june", "goal": "care", "when": "orders.filter(o, o.at >= timestamp('2026-06-10T00:00:00Z')).size() == 3"}
    ]}"#;
    let customer = r#"{"id": "c", "orders": [
        {"at": "2026-11-02", "amount": 25, "category": "dvd", "channel": "web"},
        {"at": "2026-09-01", "amount": 15, "category": "dvd", "channel": "coupon"},
        {"at": "2026-06-10", "amount": 30, "cost": 20, "category": "books", "channel": "coupon"},
        {"at": "2026-03-01", "amount": 11, "channel": "coupon"},
        {"at": "2026-01-15", "amount": 40, "category": "music"}
    ]}"#;
    let r = scorer(config)
        .score(
            &Json::parse(customer).unwrap(),
            parse_instant("2026-11-22").unwrap(),
        )
        .unwrap();
    let ids: Vec<&str> = r.segments.iter().map(|s| s.id.as_str()).collect();
    // old-dvd-only: the old DVD cost 15.00, not above 20; all-costed: four orders have no cost;
    // since-june: 2026-11-02, 2026-09-01 and 2026-06-10 itself.
    assert_eq!(
        ids,
        [
            "recent-dvd",
            "coupon-hunter",
            "one-book",
            "all-above-10",
            "margin",
            "since-june"
        ]
    );
}
