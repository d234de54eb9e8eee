//! Issue 19 through the public API: weighted scorecards (domain.md §6),
//! contact cadences (§5, the coffee shop) and share of wallet (§4), on
//! customers whose figures are worked out by hand in the comments.
#![cfg(not(target_arch = "wasm32"))]

use crmscore::input::json::Json;
use crmscore::input::time::parse_instant;
use crmscore::{ErrorCode, Scorer};

fn json(text: &str) -> Json {
    Json::parse(text).unwrap()
}

fn as_of() -> i64 {
    parse_instant("2026-11-22").unwrap()
}

/// A score of 1 to 4 from a survey dimension's gap (perception − expectation);
/// 0 (outside 1–4: missing) when the dimension was not surveyed, since a
/// comparison with a missing value is false and would fall through to 1.
fn gap_score(dimension: &str) -> String {
    let d = format!("satisfaction.dimensions.{dimension}");
    format!("!has({d}) ? 0 : {d} >= 1.0 ? 4 : {d} >= 0.0 ? 3 : {d} >= -1.0 ? 2 : 1")
}

/// The course's five factors of a purchase decision, weighted 3, 2, 2, 2, 1,
/// and a segment that reads the card's share.
fn purchase_config() -> String {
    let factors: Vec<String> = [
        ("value", 3),
        ("need", 2),
        ("price", 2),
        ("trust", 2),
        ("experience", 1),
    ]
    .iter()
    .map(|(name, weight)| {
        format!(
            r#"{{"name": "{name}", "weight": {weight}, "score": "{}"}}"#,
            gap_score(name)
        )
    })
    .collect();
    format!(
        r#"{{"builtinSegments": false,
            "scorecards": [{{"id": "purchase", "name": "Purchase decision", "factors": [{}]}}],
            "segments": [{{"id": "ready", "goal": "up-sell", "when": "scorecards.purchase.share >= 0.75",
                           "actions": ["offer the premium line"]}}]}}"#,
        factors.join(", ")
    )
}

// Gaps: value 5 − 4 = +1 → 4; need 3 − 3 = 0 → 3; price 2 − 4 = −2 → 1; trust 4 − 3 = +1 → 4;
// experience was not surveyed, so no dimension: missing. Points 3·4 + 2·3 + 2·1 + 2·4 = 28 of
// maxPoints 4 · (3 + 2 + 2 + 2) = 36 (experience's weight left out): share 28 / 36 = 0.777…,
// at least 0.75, so the customer is in `ready`.
const SURVEYED: &str = r#"{"id": "s1", "orders": [{"at": "2026-10-01", "amount": 40}],
    "survey": {"expectation": {"value": 4, "need": 3, "price": 4, "trust": 3},
               "perception": {"value": 5, "need": 3, "price": 2, "trust": 4}}}"#;

#[test]
fn the_five_factors_of_a_purchase_decision() {
    let scorer = Scorer::new(&json(&purchase_config())).unwrap();
    let r = scorer.score(&json(SURVEYED), as_of()).unwrap();
    let card = &r.scorecards[0];
    assert_eq!(card.id, "purchase");
    assert_eq!((card.points, card.max_points), (28.0, 36.0));
    assert_eq!(card.share, Some(28.0 / 36.0));
    let scores: Vec<Option<i64>> = card.factors.iter().map(|f| f.score).collect();
    assert_eq!(scores, [Some(4), Some(3), Some(1), Some(4), None]);
    assert_eq!(card.factors[0].points(), Some(12.0));
    assert_eq!(r.segments.len(), 1);
    assert_eq!(r.segments[0].id, "ready");
    let text = r.to_json().to_text();
    assert!(text.contains(r#""scorecards":{"purchase":{"points":28,"maxPoints":36,"share":0.7777777777777778,"factors":[{"name":"value","weight":3,"score":4,"points":12}"#), "{text}");
    assert!(text.contains(r#"{"name":"experience","weight":1,"score":null,"points":null}"#));

    let explained = scorer.explain_scorecards(&json(SURVEYED), as_of()).unwrap();
    let text = explained[0].text();
    assert!(
        text.starts_with("value: score 4 × weight 3 = 12 points\n"),
        "{text}"
    );
    assert!(
        text.contains("experience: missing (the score is 0, outside 1–4)"),
        "{text}"
    );
    assert!(text.contains("left out of points and maxPoints"));
    assert!(text.ends_with("points 28 of maxPoints 36"));
    let j = explained[0].to_json().to_text();
    assert!(j.starts_with(r#"{"scorecard":"purchase","name":"Purchase decision","points":28"#));
}

#[test]
fn scorecard_errors_name_the_place() {
    let bad = |config: &str| Scorer::new(&json(config)).unwrap_err();
    let e = bad(
        r#"{"scorecards": [{"id": "c", "factors": [{"name": "a", "weight": 2, "score": "value.monetary > 10.0"}]}]}"#,
    );
    assert_eq!(
        (e.code(), e.path()),
        (ErrorCode::RuleType, "scorecards[0].factors[0].score")
    );
    assert_eq!(
        e.message(),
        "in scorecard \"c\": line 1, column 1: a score must be a whole number (int), but this is bool\n\
         value.monetary > 10.0\n^^^^^^^^^^^^^^^^^^^^^"
    );
    let e = bad(
        r#"{"scorecards": [{"id": "c", "factors": [{"name": "a", "weight": -1, "score": "1"}]}]}"#,
    );
    assert_eq!(
        (e.code(), e.path()),
        (ErrorCode::OutOfRange, "scorecards[0].factors[0].weight")
    );
    let e = bad(r#"{"scorecards": [{"id": "c", "factors": []}, {"id": "c", "factors": []}]}"#);
    assert_eq!(e.path(), "scorecards[1].id");
    // A segment reading a card that does not exist is a type error with a caret.
    let e = bad(
        r#"{"segments": [{"id": "s", "goal": "retain", "when": "scorecards.nope.points > 1.0"}]}"#,
    );
    assert_eq!(
        (e.code(), e.path()),
        (ErrorCode::RuleType, "segments[0].when")
    );
    // A batch cannot carry scorecard figures: it says so.
    let scorer = Scorer::new(&json(&purchase_config())).unwrap();
    let e = crmscore::scoring::segments::batch::Batch::new(scorer.segments(), 4).unwrap_err();
    assert!(e.message().contains("which a batch does not carry"), "{e}");
}

// domain.md §5, the coffee shop: a message 7 days after the last order, a brochure on day 27,
// another message on day 45. Last order 2026-11-01, scored 2026-11-22: day 7 (2026-11-08) is
// past; day 27 (2026-11-28) is next; day 45 (2026-12-16) is further ahead. The welcome 0 days
// after the first order (2026-10-04) is past too, and listed before the day-7 message.
#[test]
fn the_coffee_shop_cadence() {
    let config = json(
        r#"{"builtinSegments": false, "segments": [
            {"id": "guests", "goal": "repeat", "when": "value.frequency >= 1", "actions": [
                "remember the corner seat",
                {"send": "message", "afterDays": 7},
                {"send": "brochure", "afterDays": 27, "from": "lastOrder"},
                {"send": "message", "afterDays": 45}]},
            {"id": "welcome", "goal": "repeat", "priority": 200, "when": "value.frequency >= 1",
             "actions": [{"send": "welcome", "afterDays": 0, "from": "firstOrder"}]}]}"#,
    );
    let scorer = Scorer::new(&config).unwrap();
    let customer = json(
        r#"{"id": "g", "orders": [{"at": "2026-10-04", "amount": 4.5}, {"at": "2026-11-01", "amount": 5}]}"#,
    );
    let r = scorer.score(&customer, as_of()).unwrap();
    let contacts = r.contacts.clone().unwrap();
    let next = contacts.next.unwrap();
    assert_eq!(next.segment, "guests");
    assert_eq!(next.due, parse_instant("2026-11-28").unwrap());
    assert_eq!(
        next.action,
        json(r#"{"send": "brochure", "afterDays": 27, "from": "lastOrder"}"#)
    );
    let past: Vec<(&str, i64)> = contacts
        .past
        .iter()
        .map(|c| (c.segment.as_str(), c.due))
        .collect();
    assert_eq!(
        past,
        [
            ("welcome", parse_instant("2026-10-04").unwrap()),
            ("guests", parse_instant("2026-11-08").unwrap())
        ]
    );
    let text = r.to_json().to_text();
    assert!(text.contains(r#""nextContact":{"segment":"guests","action":{"send":"brochure","afterDays":27,"from":"lastOrder"},"due":"2026-11-28T00:00:00.000Z"}"#), "{text}");
    // On the day the message is due (any hour), it is still the next contact.
    let r = scorer
        .score(&customer, parse_instant("2026-11-28T18:00:00Z").unwrap())
        .unwrap();
    assert_eq!(
        r.contacts.unwrap().next.unwrap().due,
        parse_instant("2026-11-28").unwrap()
    );
    // After day 45 nothing is ahead.
    let r = scorer
        .score(&customer, parse_instant("2026-12-17").unwrap())
        .unwrap();
    let contacts = r.contacts.unwrap();
    assert_eq!((contacts.next, contacts.past.len()), (None, 4));
    // Without a scheduled action the result has no contacts at all.
    let plain = Scorer::new(&json("{}")).unwrap();
    let r = plain.score(&customer, as_of()).unwrap();
    assert_eq!(r.contacts, None);
    let text = r.to_json().to_text();
    assert!(!text.contains("nextContact") && !text.contains("scorecards"));
    assert!(text.contains(r#""shareOfWallet":null"#));
    let e = Scorer::new(&json(
        r#"{"segments": [{"id": "s", "goal": "retain", "when": "true", "actions": [{"afterDays": -1}]}]}"#,
    ))
    .unwrap_err();
    assert_eq!(
        (e.code(), e.path()),
        (ErrorCode::OutOfRange, "segments[0].actions[0].afterDays")
    );
}

// Orders in the 365 days up to 2026-11-22 (after 2025-11-22): books 30 (2026-03-01), music 60,
// dvd 20; the books order of 2025-10-01 is older. Wallet: books 120, music 40, video 50.
// books 30/120 = 0.25; music 60/40 > 1, capped at 1; video 0/50 = 0; dvd is not in the wallet.
// overall (30 + 60 + 0) / (120 + 40 + 50) = 90/210 = 3/7.
#[test]
fn share_of_wallet() {
    let config = json(
        r#"{"builtinSegments": false, "segments": [{"id": "grow", "goal": "cross-sell",
            "when": "value.shareOfWallet.categories.books < 0.5 && value.shareOfWallet.overall < 0.5 && value.shareOfWallet.capped"},
            {"id": "surveyed", "goal": "retain", "when": "has(value.shareOfWallet.overall)"}]}"#,
    );
    let scorer = Scorer::new(&config).unwrap();
    let customer = json(
        r#"{"id": "w", "wallet": {"music": 40, "books": 120, "video": 50}, "orders": [
            {"at": "2025-10-01", "amount": 100, "category": "books"},
            {"at": "2026-03-01", "amount": 30, "category": "books"},
            {"at": "2026-06-01", "amount": 60, "category": "music"},
            {"at": "2026-07-01", "amount": 20, "category": "dvd"}]}"#,
    );
    let r = scorer.score(&customer, as_of()).unwrap();
    let w = r.share_of_wallet.clone().unwrap();
    assert_eq!(w.overall, 90.0 / 210.0);
    assert!(w.capped);
    assert_eq!(
        w.categories,
        [
            ("books".to_string(), 0.25),
            ("music".to_string(), 1.0),
            ("video".to_string(), 0.0)
        ]
    );
    let ids: Vec<&str> = r.segments.iter().map(|s| s.id.as_str()).collect();
    assert_eq!(ids, ["grow", "surveyed"]);
    assert!(r.to_json().to_text().contains(
        r#""shareOfWallet":{"overall":0.42857142857142855,"capped":true,"categories":{"books":0.25,"music":1,"video":0}}"#
    ));
    // Without a wallet: no share, and rules find it missing.
    let r = scorer
        .score(&json(r#"{"id": "n", "orders": []}"#), as_of())
        .unwrap();
    assert_eq!((r.share_of_wallet, r.segments.len()), (None, 0));
    let e = scorer
        .score(
            &json(r#"{"id": "n", "orders": [], "wallet": {"books": -1}}"#),
            as_of(),
        )
        .unwrap_err();
    assert_eq!(e.path(), "wallet.books");
}

/// Segments' and scorecards' explanations share one 16 MiB budget: a segment rule and a score
/// rule of 300 operands of 121 nested `!` (each operand explained at every level) fit alone,
/// as 400 would not, and are refused together, as 150 each would not be.
#[test]
fn segments_and_scorecards_share_the_explanation_budget() {
    let unit = format!("{}(value.frequency == 2)", "!".repeat(120));
    let condition = vec![unit.as_str(); 300].join(" && ");
    let score = format!("({condition}) ? 2 : 1");
    let limits = r#"{"maxRuleDepth": 128, "maxRuleNodes": 100000, "maxRuleLength": 1048576}"#;
    let segment = format!(r#"{{"id": "s", "goal": "retain", "when": "{condition}"}}"#);
    let card =
        format!(r#"{{"id": "c", "factors": [{{"name": "f", "weight": 1, "score": "{score}"}}]}}"#);
    let config = |segments: &str, cards: &str| {
        let text = format!(
            r#"{{"builtinSegments": false, "limits": {limits}, "segments": [{segments}], "scorecards": [{cards}]}}"#
        );
        Scorer::new(&json(&text)).unwrap_or_else(|e| panic!("{e}"))
    };
    let customer = json(
        r#"{"id": "c", "orders": [{"at": "2026-01-01", "amount": 50}, {"at": "2026-03-01", "amount": 70}]}"#,
    );
    let cards = config("", &card)
        .explain_scorecards(&customer, as_of())
        .unwrap();
    assert_eq!(cards[0].result.factors[0].score, Some(2));
    assert_eq!(
        config(&segment, "")
            .explain(&customer, as_of())
            .unwrap()
            .len(),
        1
    );
    let e = config(&segment, &card)
        .explain_scorecards(&customer, as_of())
        .unwrap_err();
    assert_eq!((e.code(), e.path()), (ErrorCode::TooLarge, ""));
}
