//! Shared by the fuzz targets: fixed customers and the scoring instant.

#![allow(dead_code)]

use crmscore::input::json::Json;

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
