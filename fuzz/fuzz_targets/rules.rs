//! The rule language: arbitrary text as a segment's `when` (and `exitWhen`),
//! compiled against the real schema (value, satisfaction, loyalty fields,
//! `categories`, `store.*`, the built-in segment ids), then evaluated and
//! explained for fixed customers.

#![no_main]

#[path = "common.rs"]
mod common;

use common::{obj, AS_OF};
use crmscore::{input::json::Json, Scorer};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    let rule = String::from_utf8_lossy(rest).into_owned();
    // Bit 0: the built-in segments too (so `segment('champions')` resolves);
    // bit 1: relaxed limits, so long and deep rules reach the parser and checker;
    // bit 2: the rule is also the success measure.
    let mut segment = vec![
        ("id", Json::Str("fuzz".into())),
        ("when", Json::Str(rule.clone())),
        ("goal", Json::Str("retain".into())),
        ("actions", Json::Arr(vec![Json::Str("call".into())])),
    ];
    if mode & 4 != 0 {
        segment.push(("exitWhen", Json::Str(rule)));
    }
    let mut config = vec![
        ("builtinSegments", Json::Bool(mode & 1 != 0)),
        ("segments", Json::Arr(vec![obj(segment)])),
        (
            "abc",
            obj(vec![("a", Json::Num(1000.0)), ("b", Json::Num(100.0))]),
        ),
    ];
    // A configured store name must be read by a segment: the built-ins read `books`.
    if mode & 1 != 0 {
        config.push(("store", obj(vec![("books", Json::Str("books".into()))])));
    }
    if mode & 2 != 0 {
        config.push((
            "limits",
            obj(vec![
                ("maxRuleLength", Json::Num(1e6)),
                ("maxRuleDepth", Json::Num(128.0)),
                ("maxRuleNodes", Json::Num(1e6)),
            ]),
        ));
    }
    let Ok(scorer) = Scorer::new(&obj(config)) else {
        return;
    };
    for customer in common::customers() {
        let r = scorer
            .score(&customer, AS_OF)
            .expect("a fixed customer scores");
        assert!(r.segments.len() <= scorer.segments().definitions().len());
        let explained = scorer
            .explain(&customer, AS_OF)
            .expect("a fixed customer is explained");
        // Explanations and results agree on which segments matched.
        for e in explained.iter().filter(|e| e.matched) {
            assert!(
                r.segments.iter().any(|m| m.id == e.id),
                "{} explained as matched but not in the result",
                e.id
            );
        }
        assert_eq!(
            explained.iter().filter(|e| e.matched).count(),
            r.segments.len()
        );
    }
});
