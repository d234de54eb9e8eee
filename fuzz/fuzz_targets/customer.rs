//! The customer decoder: arbitrary bytes through `Json::parse`, then
//! `Customer::read` from the value's tape, then scored (with ABC, RFM, a model and the built-in
//! segments configured, so every figure is computed) and explained.

#![no_main]

#[path = "common.rs"]
mod common;

use common::AS_OF;
use crmscore::input::customer::{Customer, Limits};
use crmscore::input::json::Json;
use crmscore::input::tape::OwnedTape;
use crmscore::Scorer;
use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;

const CONFIG: &str = r#"{
  "abc": {"a": 1000, "b": 200, "serviceCost": {"perOrder": 1, "perComplaint": 10, "perReturn": 5}},
  "rfm": {"recency": [14, 45, 120, 365], "frequency": [1, 2, 4, 8], "monetary": [50, 150, 400, 1000]},
  "model": {"version": 1, "unit": "weeks", "asOf": "2026-11-01", "customers": 100,
            "abc": {"a": 500, "b": 100, "customerShare": [0.05, 0.15, 0.8], "valueShare": [0.5, 0.3, 0.2]},
            "rfm": {"recency": [10, 40, 90, 200], "frequency": [1, 1, 2, 4], "monetary": [15, 30, 60, 120]},
            "bgnbd": {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426},
            "gammaGamma": {"p": 6.25, "q": 3.74, "v": 15.44},
            "satisfaction": {"p15": -1, "p85": 1}},
  "limits": {"maxOrders": 2000}
}"#;

fn scorer() -> &'static Scorer {
    static SCORER: OnceLock<Scorer> = OnceLock::new();
    SCORER.get_or_init(|| {
        Scorer::new(&Json::parse(CONFIG).expect("config parses")).expect("config is valid")
    })
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(v) = Json::parse(text) else { return };
    let limits = Limits {
        max_orders: 2000,
        ..Limits::default()
    };
    let tape = OwnedTape::of(&v);
    let decoded = Customer::read(&mut tape.tape().reader(), AS_OF, &limits);
    let scored = scorer().score(&v, AS_OF);
    // The scorer validates exactly as the decoder does.
    assert_eq!(decoded.is_ok(), scored.is_ok(), "{decoded:?} / {scored:?}");
    let (Ok(c), Ok(r)) = (decoded, scored) else {
        return;
    };
    assert!(
        c.orders.windows(2).all(|w| w[0].at <= w[1].at),
        "orders are sorted"
    );
    let v = &r.value;
    assert_eq!(v.frequency as usize, c.orders.len());
    assert!(v.monetary >= 0.0 && !v.monetary.is_nan());
    assert!(v.yearly_spend <= v.monetary || v.monetary.is_infinite());
    if let Some(rfm) = &v.rfm {
        assert!((1..=5).contains(&rfm.r) && (1..=5).contains(&rfm.f) && (1..=5).contains(&rfm.m));
    }
    let _ = scorer().explain(&Json::parse(text).expect("parsed once"), AS_OF);
    // The result writes as JSON text that parses.
    let text = r.to_json().to_text();
    serde_json::from_str::<serde_json::Value>(&text).expect("a result is JSON text");
});
