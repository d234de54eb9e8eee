//! Scoring with an arbitrary config: bytes through `Json::parse`, then
//! `Scorer::new`; a config that is accepted must score and explain fixed customers.

#![no_main]

#[path = "common.rs"]
mod common;

use common::AS_OF;
use crmscore::input::json::Json;
use crmscore::Scorer;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(config) = Json::parse(text) else {
        return;
    };
    let Ok(scorer) = Scorer::new(&config) else {
        return;
    };
    for customer in common::customers() {
        // A config may lower maxOrders below a fixed customer's orders: that is an error, not a panic.
        if let Ok(r) = scorer.score(&customer, AS_OF) {
            let text = r.to_json().to_text();
            serde_json::from_str::<serde_json::Value>(&text).expect("a result is JSON text");
            let _ = scorer.explain(&customer, AS_OF);
        }
    }
});
