//! The column path gives the same segments as scoring customer by customer.
#![cfg(not(target_arch = "wasm32"))]

use crmscore::input::json::Json;
use crmscore::input::time::parse_instant;
use crmscore::scoring::segments::batch::{domain, Batch, BatchColumn};
use crmscore::{ErrorCode, ScoreResult, Scorer};

/// A deterministic generator (64-bit LCG), so the test is reproducible.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self, n: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 33) % n
    }
}

fn customers(n: usize) -> Vec<String> {
    let mut rng = Lcg(7);
    let cats = ["books", "video", "dvd", "music"];
    (0..n)
        .map(|i| {
            let orders: Vec<String> = (0..rng.next(12))
                .map(|_| {
                    format!(
                        r#"{{"at": {}, "amount": {}, "category": "{}"}}"#,
                        parse_instant("2026-11-22").unwrap() - rng.next(1200) as i64 * 86_400_000,
                        rng.next(40_000) as f64 / 100.0,
                        cats[rng.next(4) as usize]
                    )
                })
                .collect();
            let survey = if rng.next(3) == 0 {
                format!(r#", "survey": {{"expectation": {{"s": 4}}, "perception": {{"s": {}}}, "nps": {}}}"#, rng.next(6), rng.next(11))
            } else {
                String::new()
            };
            format!(r#"{{"id": "c{i}", "orders": [{}]{survey}}}"#, orders.join(","))
        })
        .collect()
}

/// The value of a batch field for a scored customer, as a caller would fill it.
fn feature(r: &ScoreResult, name: &str) -> Json {
    let json = r.to_json();
    if let Some(category) = name
        .strip_prefix("bought('")
        .and_then(|n| n.strip_suffix("')"))
    {
        return Json::Num(f64::from(
            r.value
                .categories
                .iter()
                .find(|(n, _)| n == category)
                .map_or(0, |(_, k)| *k),
        ));
    }
    name.split('.').fold(json, |v, key| match v {
        Json::Obj(entries) => entries
            .into_iter()
            .find(|(k, _)| k == key)
            .map_or(Json::Null, |(_, v)| v),
        _ => Json::Null,
    })
}

fn same_segments(config: &str) {
    let scorer = Scorer::new(&Json::parse(config).unwrap()).unwrap();
    let at = parse_instant("2026-11-22").unwrap();
    let results: Vec<ScoreResult> = customers(1000)
        .iter()
        .map(|c| scorer.score(&Json::parse(c).unwrap(), at).unwrap())
        .collect();
    let mut batch = Batch::new(scorer.segments(), results.len()).unwrap();
    let fields = batch.fields().to_vec();
    for field in &fields {
        for (k, r) in results.iter().enumerate() {
            match (field.column, feature(r, &field.name)) {
                (BatchColumn::Number(c), Json::Num(v)) => batch.numbers_mut(c)[k] = v,
                (BatchColumn::Number(c), _) => batch.numbers_mut(c)[k] = f64::NAN,
                (BatchColumn::Code(c, values), Json::Str(s)) => {
                    batch.codes_mut(c)[k] = values.iter().position(|v| *v == s).unwrap() as u8 + 1
                }
                (BatchColumn::Code(c, _), _) => batch.codes_mut(c)[k] = 0,
            }
        }
    }
    let ids: Vec<String> = batch.segment_ids().map(str::to_string).collect();
    let words = batch.words();
    let bits = batch.evaluate(results.len(), at).unwrap().to_vec();
    for (k, r) in results.iter().enumerate() {
        let mut expected: Vec<&str> = r.segments.iter().map(|s| s.id.as_str()).collect();
        let mut got: Vec<&str> = ids
            .iter()
            .enumerate()
            .filter(|(i, _)| bits[k * words + i / 32] >> (i % 32) & 1 == 1)
            .map(|(_, id)| id.as_str())
            .collect();
        expected.sort_unstable();
        got.sort_unstable();
        assert_eq!(got, expected, "customer {k}");
    }
}

#[test]
fn built_in_segments_match_object_scoring() {
    same_segments(
        r#"{"abc": {"a": 1000, "b": 300},
            "rfm": {"recency": [30, 90, 180, 365], "frequency": [1, 2, 4, 8], "monetary": [50, 150, 400, 1000]}}"#,
    );
}

#[test]
fn rules_without_a_column_form_fall_back_to_rows() {
    same_segments(
        r#"{"builtinSegments": false, "abc": {"a": 1000, "b": 300}, "segments": [
            {"id": "min", "goal": "retain", "when": "min(value.frequency, 3) == 3"},
            {"id": "order", "goal": "retain", "when": "value.abc < 'C'"},
            {"id": "has", "goal": "retain", "when": "!has(satisfaction.gap) || satisfaction.level == 'delighted'"},
            {"id": "ref", "goal": "retain", "when": "segment('min') && value.monetary / 2.0 > 100.0 && value.frequency / 2 >= 2"},
            {"id": "cond", "goal": "care", "when": "(satisfaction.nps.score > 8 ? 'p' : 'd') == 'p'"},
            {"id": "in", "goal": "care", "when": "loyalty.stage in ['new', 'regular'] && bought('books') % 2 == 1"},
            {"id": "flip", "goal": "care", "when": "100.0 < value.monetary && 2 <= value.frequency || 30 > value.recencyDays"},
            {"id": "not", "goal": "care", "when": "!(value.ordersPerYear >= 4.0) && value.abc != 'A'"},
            {"id": "now", "goal": "care", "when": "now - duration('300d') > timestamp('2025-06-01T00:00:00Z') && [1, 2, 3].exists(x, value.frequency == x)"}
        ]}"#,
    );
}

#[test]
fn missing_values_and_long_chains_agree_with_object_scoring() {
    // No ABC thresholds (value.abc missing for all), NPS and satisfaction missing for two customers in three.
    let chain = vec!["value.frequency >= 1 && value.monetary > 1.0"; 30].join(" && ");
    same_segments(&format!(
        r#"{{"builtinSegments": false, "segments": [
            {{"id": "not-a", "goal": "care", "when": "!(value.abc == 'A')"}},
            {{"id": "ne-a", "goal": "care", "when": "value.abc != 'A'"}},
            {{"id": "not-promoter", "goal": "care", "when": "!(satisfaction.nps.score >= 9)"}},
            {{"id": "ne", "goal": "care", "when": "satisfaction.nps.score != 5"}},
            {{"id": "not-in", "goal": "care", "when": "!(satisfaction.level in ['satisfied', 'delighted'])"}},
            {{"id": "or-not", "goal": "care", "when": "value.recencyDays > 300 || !(satisfaction.gap > 0.0)"}},
            {{"id": "cond", "goal": "care", "when": "(satisfaction.nps.score >= 9 ? 1 : 0) == 0"}},
            {{"id": "chain", "goal": "care", "when": "{chain} || !(value.recencyDays <= 400) || satisfaction.nps.score == 10"}}
        ]}}"#
    ));
}

#[test]
fn fields_without_a_column_form_are_refused() {
    let scorer = Scorer::new(
        &Json::parse(r#"{"builtinSegments": false, "segments": [{"id": "c", "goal": "care", "when": "'books' in categories"}]}"#).unwrap(),
    )
    .unwrap();
    let e = Batch::new(scorer.segments(), 10).unwrap_err();
    assert_eq!(e.code(), ErrorCode::InvalidSegment);
    assert_eq!(e.message(), "segment \"c\" reads `categories`, which a batch does not carry: score these customers with score()");
    let scorer = Scorer::new(
        &Json::parse(r#"{"builtinSegments": false, "segments": [{"id": "m", "goal": "care", "when": "value.categories.books > 1"}]}"#).unwrap(),
    )
    .unwrap();
    let e = Batch::new(scorer.segments(), 10).unwrap_err();
    assert_eq!(e.message(), "segment \"m\" reads `value.categories`, which a batch does not carry: score these customers with score()");
    let scorer = Scorer::new(
        &Json::parse(r#"{"builtinSegments": false, "segments": [{"id": "o", "goal": "care", "when": "orders.exists(o, o.amount > 1.0)"}]}"#).unwrap(),
    )
    .unwrap();
    let e = Batch::new(scorer.segments(), 10).unwrap_err();
    assert_eq!(e.message(), "segment \"o\" reads `orders`, which a batch does not carry: score these customers with score()");
    assert_eq!(domain("value.abc"), Some(&["A", "B", "C", "D"][..]));
}
