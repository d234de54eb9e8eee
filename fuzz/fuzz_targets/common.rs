//! Shared by the fuzz targets: fixed customers and the scoring instant.

#![allow(dead_code)]

use crmscore::input::json::Json;
use crmscore::interop::result::decode;
use crmscore::scoring::features::SLOTS;
use crmscore::Scorer;

/// 2026-11-25T00:00:00Z.
pub const AS_OF: i64 = 1_795_564_800_000;

/// Customers every target scores: rich history, none at all, and odd but valid values.
pub const CUSTOMERS: &[&str] = &[
    r#"{"id": "rich", "firstSeen": "2023-01-05", "complaints": 2, "returns": 1, "referrals": 3,
        "orders": [
          {"at": "2023-02-01", "amount": 120, "cost": 80, "category": "books", "channel": "web", "accountId": "a1"},
          {"at": "2024-07-14T10:30:00Z", "amount": 35.5, "category": "video", "discount": 5, "channel": "promotion"},
          {"at": "2025-12-24", "amount": 0, "category": "music", "accountId": 2},
          {"at": 1790000000000, "amount": 980, "cost": 1000, "category": "books", "channel": "coupon"},
          {"at": "2026-11-24", "amount": 44.99, "category": "dvd"}],
        "survey": {"expectation": {"product": 4, "service": 3}, "perception": {"product": 5, "service": 2},
                   "weights": {"product": 2}, "nps": 9}}"#,
    r#"{"id": 7, "orders": []}"#,
    r#"{"id": "edge", "firstSeen": "1900-01-01", "orders": [
          {"at": "1900-01-01", "amount": 1e15, "cost": 0},
          {"at": "2026-11-25", "amount": 0.0000001}],
        "survey": {"expectation": {"x": 0}, "perception": {"x": 0}, "nps": 0}}"#,
];

/// The fixed customers, parsed.
pub fn customers() -> Vec<Json> {
    CUSTOMERS
        .iter()
        .map(|t| Json::parse(t).expect("fixed customer parses"))
        .collect()
}

/// A JSON object from key/value pairs.
pub fn obj(entries: Vec<(&str, Json)>) -> Json {
    Json::Obj(
        entries
            .into_iter()
            .map(|(k, v)| (k.to_string().into(), v))
            .collect(),
    )
}

/// The result object JavaScript builds from the numbers `write_result` left at
/// `out[at..]` (the slots and maps by `decode`, the segments and the next best
/// action by their indexes in the library); returns it and where the next result starts.
pub fn decoded(s: &Scorer, out: &[f64], at: usize, names: &dyn Fn(f64) -> String) -> (Json, usize) {
    let out = &out[at..];
    let mut json = decode(out, names);
    // The maps follow the slots: each its number of entries, then (name, value) pairs.
    let mut end = SLOTS;
    for _ in 0..2 {
        end += 1 + 2 * out[end] as usize;
    }
    let count = out[end] as usize;
    let defs = s.segments().definitions();
    let segments: Vec<Json> = out[end + 1..end + 1 + count]
        .iter()
        .map(|&i| s.segments().match_of(i as usize).to_json())
        .collect();
    let (segment, action) = (out[end + 1 + count], out[end + 2 + count]);
    let next = if segment < 0.0 {
        assert_eq!(action, -1.0, "an action without a segment");
        Json::Null
    } else {
        let d = &defs[segment as usize];
        let action = if action < 0.0 {
            Json::Null
        } else {
            d.actions[action as usize].clone()
        };
        Json::Obj(vec![
            ("segment".into(), Json::Str(d.id.clone())),
            ("goal".into(), Json::Str(d.goal.as_str().into())),
            ("action".into(), action),
        ])
    };
    let (wallet, end) = share_of_wallet(out, end + 3 + count, names);
    if let Json::Obj(entries) = &mut json {
        entries.push(("segments".into(), Json::Arr(segments)));
        entries.push(("nextBestAction".into(), next));
        if let Some((_, Json::Obj(value))) = entries.iter_mut().find(|(k, _)| k == "value") {
            value.push(("shareOfWallet".into(), wallet));
        }
    }
    (json, at + end)
}

/// The share of wallet `write_result` leaves after the next best action at
/// `out[at..]` (0, or 1, overall, capped and the categories' map), as
/// `js/score.js` reads it; returns it and where what follows starts (this
/// scorer has no scorecards and no scheduled actions, which would follow).
fn share_of_wallet(out: &[f64], at: usize, names: &dyn Fn(f64) -> String) -> (Json, usize) {
    if out[at] != 1.0 {
        return (Json::Null, at + 1);
    }
    let n = out[at + 3] as usize;
    let categories = (0..n)
        .map(|k| {
            (
                names(out[at + 4 + 2 * k]).into(),
                Json::Num(out[at + 5 + 2 * k]),
            )
        })
        .collect();
    let share = Json::Obj(vec![
        ("overall".into(), Json::Num(out[at + 1])),
        ("capped".into(), Json::Bool(out[at + 2] == 1.0)),
        ("categories".into(), Json::Obj(categories)),
    ]);
    (share, at + 4 + 2 * n)
}
