//! The model decoder: arbitrary bytes through `Json::parse` and
//! `Model::from_json`; a model that decodes must serialise back to JSON that
//! decodes to the same model, and must score customers (as `config.model`).

#![no_main]

#[path = "common.rs"]
mod common;

use common::{obj, AS_OF};
use crmscore::input::json::Json;
use crmscore::model::Model;
use crmscore::Scorer;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(v) = Json::parse(text) else { return };
    let Ok(model) = Model::from_json(&v) else {
        return;
    };
    let back = serde_json::to_string(&model).expect("a model serialises");
    let again = Model::from_json(&Json::parse(&back).expect("serialised model parses"))
        .expect("serialised model decodes");
    assert_eq!(again, model, "round trip through {back}");
    let scorer =
        Scorer::new(&obj(vec![("model", v)])).expect("a decoded model configures a scorer");
    for customer in common::customers() {
        for horizon in [0.0, 1.0, 365.0, crmscore::scoring::MAX_HORIZON_DAYS] {
            let options = crmscore::ScoreOptions {
                as_of: AS_OF,
                horizon_days: horizon,
            };
            let r = scorer
                .score(&customer, options)
                .expect("a fixed customer scores");
            if let Some(p) = &r.value.predicted {
                assert!(!p.probability_alive.is_nan(), "P(alive) is NaN: {p:?}");
                assert!(
                    !p.expected_purchases.is_nan(),
                    "expected purchases NaN: {p:?}"
                );
            }
            let text = r.to_json().to_text();
            serde_json::from_str::<serde_json::Value>(&text).expect("a result is JSON text");
        }
    }
});
