//! Every input cap, tested through the public API: each refuses an input one
//! over the cap with `TOO_LARGE` (or `OUT_OF_RANGE` for a limit set above its
//! ceiling) and the path of the field, and hostile inputs are refused quickly.
//! The table of caps is in docs/hardening.md.
#![cfg(not(target_arch = "wasm32"))]

use crmscore::config::{
    Config, MAX_CONFIG_BYTES, MAX_RULE_LENGTH_CAP, MAX_RULE_NODES_CAP, MAX_SEGMENTS_CAP,
};
use crmscore::csv::{read_transactions, ColumnNames, CsvOptions};
use crmscore::customer::{Customer, Limits, MAX_DIMENSIONS};
use crmscore::fit::{Model, MAX_MODEL_BYTES};
use crmscore::json::{Json, MAX_TEXT_BYTES};
use crmscore::segment::MAX_STORE_NAMES;
use crmscore::{Error, ErrorCode, Scorer};
use std::time::{Duration, Instant};

/// 2026-11-25T00:00:00Z.
const AS_OF: i64 = 1_795_564_800_000;

fn json(text: &str) -> Json {
    Json::parse(text).unwrap_or_else(|e| panic!("{e}: {}", &text[..text.len().min(200)]))
}

fn scorer_err(config: &str) -> Error {
    match Scorer::new(&json(config)) {
        Ok(_) => panic!("expected an error for {}", &config[..config.len().min(200)]),
        Err(e) => e,
    }
}

fn code_path(e: &Error) -> (ErrorCode, &str) {
    (e.code(), e.path())
}

/// Runs `f`, prints how long it took, and fails if it took longer than `max`.
fn quickly<T>(what: &str, max: Duration, f: impl FnOnce() -> T) -> T {
    let started = Instant::now();
    let out = f();
    let took = started.elapsed();
    eprintln!("{what}: {took:?}");
    assert!(took < max, "{what} took {took:?}");
    out
}

fn orders(n: usize) -> String {
    let one = r#"{"at": "2026-01-01", "amount": 1}"#;
    format!(r#"{{"id": "c", "orders": [{}]}}"#, vec![one; n].join(","))
}

#[test]
fn max_orders_default_and_configured() {
    assert_eq!(Limits::default().max_orders, 10_000);
    let scorer = Scorer::new(&json("{}")).unwrap();
    assert!(scorer.score(&json(&orders(10_000)), AS_OF).is_ok());
    let e = scorer.score(&json(&orders(10_001)), AS_OF).unwrap_err();
    assert_eq!(code_path(&e), (ErrorCode::TooLarge, "orders"));
    assert_eq!(e.message(), "expected at most 10000 items, got 10001");
    let scorer = Scorer::new(&json(r#"{"limits": {"maxOrders": 3}}"#)).unwrap();
    assert!(scorer.score(&json(&orders(3)), AS_OF).is_ok());
    assert_eq!(
        code_path(&scorer.score(&json(&orders(4)), AS_OF).unwrap_err()),
        (ErrorCode::TooLarge, "orders")
    );
    assert_eq!(
        code_path(&scorer_err(r#"{"limits": {"maxOrders": 0}}"#)),
        (ErrorCode::OutOfRange, "limits.maxOrders")
    );
}

#[test]
fn max_batch_is_read_from_config() {
    // The batch cap is enforced by `scoreMany` in the wasm binding (tested there and
    // in tests/js); here: its default, and that the config sets it within range.
    assert_eq!(Limits::default().max_batch, 1_000_000);
    assert_eq!(
        Config::from_json(&json(r#"{"limits": {"maxBatch": 5}}"#))
            .unwrap()
            .limits
            .max_batch,
        5
    );
    assert_eq!(
        code_path(&scorer_err(r#"{"limits": {"maxBatch": 1.5e9}}"#)),
        (ErrorCode::OutOfRange, "limits.maxBatch")
    );
}

fn segments(n: usize) -> String {
    (0..n)
        .map(|i| format!(r#"{{"id": "s{i}", "when": "value.frequency > {i}", "goal": "care"}}"#))
        .collect::<Vec<_>>()
        .join(",")
}

#[test]
fn max_segments_counts_built_ins_and_has_a_ceiling() {
    let builtin = Scorer::new(&json("{}"))
        .unwrap()
        .segments()
        .definitions()
        .len();
    let e = scorer_err(&format!(r#"{{"segments": [{}]}}"#, segments(257 - builtin)));
    assert_eq!(code_path(&e), (ErrorCode::TooLarge, "segments"));
    assert!(
        e.message()
            .starts_with("expected at most 256 segments (built-ins included)"),
        "{e}"
    );
    assert!(Scorer::new(&json(&format!(
        r#"{{"segments": [{}]}}"#,
        segments(256 - builtin)
    )))
    .is_ok());
    let e = scorer_err(&format!(
        r#"{{"builtinSegments": false, "limits": {{"maxSegments": 2}}, "segments": [{}]}}"#,
        segments(3)
    ));
    assert_eq!(code_path(&e), (ErrorCode::TooLarge, "segments"));
    // The ceiling: 4096 segments set up quickly; more cannot be configured.
    let config = format!(
        r#"{{"builtinSegments": false, "limits": {{"maxSegments": {MAX_SEGMENTS_CAP}}}, "segments": [{}]}}"#,
        segments(MAX_SEGMENTS_CAP)
    );
    quickly("4096 segments", Duration::from_secs(5), || {
        assert!(Scorer::new(&json(&config)).is_ok())
    });
    let e = scorer_err(&format!(
        r#"{{"limits": {{"maxSegments": {}}}}}"#,
        MAX_SEGMENTS_CAP + 1
    ));
    assert_eq!(code_path(&e), (ErrorCode::OutOfRange, "limits.maxSegments"));
}

fn one_rule(limits: &str, rule: &str) -> String {
    format!(
        r#"{{"builtinSegments": false, "limits": {{{limits}}}, "segments": [{{"id": "r", "when": "{rule}", "goal": "care"}}]}}"#
    )
}

#[test]
fn max_rule_length() {
    let rule = format!("value.frequency > {}", "1".repeat(4096 - 18));
    assert_eq!(rule.len(), 4096);
    let long = format!("{rule} ");
    let e = scorer_err(&one_rule("", &long));
    assert_eq!(code_path(&e), (ErrorCode::TooLarge, "segments[0].when"));
    assert_eq!(e.message().lines().next(), Some("in segment \"r\": line 1, column 4097: rule is 4097 bytes long; the limit is 4096 bytes"));
    let e = scorer_err(&one_rule(r#""maxRuleLength": 10"#, "value.frequency > 1"));
    assert_eq!(code_path(&e), (ErrorCode::TooLarge, "segments[0].when"));
    let e = scorer_err(&one_rule(
        &format!(r#""maxRuleLength": {}"#, MAX_RULE_LENGTH_CAP + 1),
        "true",
    ));
    assert_eq!(
        code_path(&e),
        (ErrorCode::OutOfRange, "limits.maxRuleLength")
    );
}

#[test]
fn max_rule_depth() {
    let nested = |n: usize| format!("{}true{}", "(".repeat(n), ")".repeat(n));
    assert!(Scorer::new(&json(&one_rule("", &nested(60)))).is_ok());
    let e = scorer_err(&one_rule("", &nested(70)));
    assert_eq!(code_path(&e), (ErrorCode::TooLarge, "segments[0].when"));
    assert!(
        e.message()
            .contains("expression nested too deeply (the limit is 64 levels)"),
        "{e}"
    );
    let e = scorer_err(&one_rule(r#""maxRuleDepth": 4"#, &nested(5)));
    assert!(e.message().contains("(the limit is 4 levels)"), "{e}");
    let e = scorer_err(&one_rule(r#""maxRuleDepth": 129"#, "true"));
    assert_eq!(
        code_path(&e),
        (ErrorCode::OutOfRange, "limits.maxRuleDepth")
    );
}

#[test]
fn max_rule_nodes() {
    let list = |n: usize| format!("1 in [{}]", vec!["1"; n].join(", "));
    assert!(Scorer::new(&json(&one_rule("", &list(900)))).is_ok());
    let e = scorer_err(&one_rule("", &list(1000)));
    assert_eq!(code_path(&e), (ErrorCode::TooLarge, "segments[0].when"));
    assert!(
        e.message()
            .contains("rule has too many operations (the limit is 1000)"),
        "{e}"
    );
    let e = scorer_err(&one_rule(
        &format!(r#""maxRuleNodes": {}"#, MAX_RULE_NODES_CAP + 1),
        "true",
    ));
    assert_eq!(
        code_path(&e),
        (ErrorCode::OutOfRange, "limits.maxRuleNodes")
    );
}

#[test]
fn a_million_nested_parentheses_are_refused_quickly() {
    let rule = format!("{}true{}", "(".repeat(1_000_000), ")".repeat(1_000_000));
    // Default limits: refused by length before it is read.
    let config = one_rule("", &rule);
    let e = quickly(
        "a million parentheses, default limits",
        Duration::from_secs(2),
        || scorer_err(&config),
    );
    assert_eq!(code_path(&e), (ErrorCode::TooLarge, "segments[0].when"));
    // Limits at their ceilings (2 MB rule over the 1 MiB ceiling: use 500,000 pairs).
    let rule = format!("{}true{}", "(".repeat(500_000), ")".repeat(500_000));
    let config = one_rule(
        &format!(
            r#""maxRuleLength": {MAX_RULE_LENGTH_CAP}, "maxRuleDepth": 128, "maxRuleNodes": {MAX_RULE_NODES_CAP}"#
        ),
        &rule,
    );
    let e = quickly(
        "500,000 parentheses, limits at their ceilings",
        Duration::from_secs(2),
        || scorer_err(&config),
    );
    assert_eq!(code_path(&e), (ErrorCode::TooLarge, "segments[0].when"));
    assert!(
        e.message()
            .contains("nested too deeply (the limit is 128 levels)"),
        "{e}"
    );
}

#[test]
fn many_string_literals_compile_quickly() {
    let lits: Vec<String> = (0..20_000).map(|i| format!("'s{i}'")).collect();
    let rule = format!("'x' in [{}]", lits.join(","));
    let config = one_rule(
        &format!(r#""maxRuleLength": {MAX_RULE_LENGTH_CAP}, "maxRuleNodes": {MAX_RULE_NODES_CAP}"#),
        &rule,
    );
    quickly(
        "rule with 20,000 string literals",
        Duration::from_secs(2),
        || assert!(Scorer::new(&json(&config)).is_ok()),
    );
}

#[test]
fn json_text_size() {
    assert_eq!(MAX_TEXT_BYTES, 16 << 20);
    let e = Json::parse_with_limit("[1,2]", 4).unwrap_err();
    assert_eq!(
        (e.code(), e.message()),
        (
            ErrorCode::TooLarge,
            "JSON text is 5 bytes long; the limit is 4 bytes"
        )
    );
    for (what, text) in [
        ("50 MB of [", "[".repeat(50_000_000)),
        (
            "50 MB array of zeros",
            format!("[{}0]", "0,".repeat(25_000_000)),
        ),
        ("50 MB string", format!("\"{}\"", "x".repeat(50_000_000))),
    ] {
        let e = quickly(what, Duration::from_millis(100), || {
            Json::parse(&text).unwrap_err()
        });
        assert_eq!(e.code(), ErrorCode::TooLarge, "{what}");
    }
    // Under the cap, the depth cap still refuses deep nesting without recursion.
    let e = quickly("16 MB of [", Duration::from_secs(1), || {
        Json::parse(&"[".repeat(MAX_TEXT_BYTES)).unwrap_err()
    });
    assert!(e.message().contains("nested more than 128 levels deep"));
}

#[test]
fn config_size() {
    assert_eq!(MAX_CONFIG_BYTES, 4 << 20);
    let padding = |n: usize| {
        Json::Obj(vec![(
            "store".into(),
            Json::Obj(vec![("books".into(), Json::Str("x".repeat(n)))]),
        )])
    };
    assert!(Scorer::new(&padding(1 << 20)).is_ok());
    let e = quickly("5 MB config", Duration::from_millis(100), || {
        Scorer::new(&padding(5 << 20)).unwrap_err()
    });
    assert_eq!(code_path(&e), (ErrorCode::TooLarge, ""));
    assert_eq!(e.message(), "config is larger than 4194304 bytes of JSON");
}

#[test]
fn model_size() {
    assert_eq!(MAX_MODEL_BYTES, 64 << 10);
    let model = |padding: usize| {
        json(&format!(
            r#"{{"version": 1, "unit": "weeks", "asOf": "2026-11-01", "customers": 10, "padding": "{}",
                "abc": {{"a": 500, "b": 100, "customerShare": [0.05, 0.15, 0.8], "valueShare": [0.5, 0.3, 0.2]}},
                "rfm": {{"recency": [10, 40, 90, 200], "frequency": [1, 1, 2, 4], "monetary": [15, 30, 60, 120]}}}}"#,
            "x".repeat(padding)
        ))
    };
    // Under the cap the unknown key is what is wrong; over it, the size.
    assert_eq!(
        Model::from_json(&model(10)).unwrap_err().path(),
        "model.padding"
    );
    let e = Model::from_json(&model(MAX_MODEL_BYTES)).unwrap_err();
    assert_eq!(
        (e.code(), e.path(), e.message()),
        (
            ErrorCode::TooLarge,
            "model",
            "model is larger than 65536 bytes of JSON"
        )
    );
    let config = Json::Obj(vec![("model".into(), model(MAX_MODEL_BYTES))]);
    assert_eq!(
        code_path(&Scorer::new(&config).unwrap_err()),
        (ErrorCode::TooLarge, "model")
    );
}

#[test]
fn survey_dimensions() {
    let survey = |n: usize| {
        let dims: Vec<String> = (0..n).map(|i| format!("\"d{i}\": 3")).collect();
        let dims = dims.join(",");
        format!(
            r#"{{"id": "c", "orders": [], "survey": {{"expectation": {{{dims}}}, "perception": {{{dims}}}, "weights": {{{dims}}}}}}}"#
        )
    };
    let scorer = Scorer::new(&json("{}")).unwrap();
    let r = scorer.score(&json(&survey(MAX_DIMENSIONS)), AS_OF).unwrap();
    assert_eq!(r.satisfaction.gap, Some(0.0));
    let big = json(&survey(20_000));
    let e = quickly(
        "20,000 survey dimensions",
        Duration::from_millis(500),
        || scorer.score(&big, AS_OF).unwrap_err(),
    );
    assert_eq!(code_path(&e), (ErrorCode::TooLarge, "survey.expectation"));
    assert_eq!(e.message(), "expected at most 1000 dimensions, got 20000");
    let e = Customer::from_json(
        &json(&survey(MAX_DIMENSIONS + 1)),
        AS_OF,
        &Limits::default(),
    )
    .unwrap_err();
    assert_eq!(code_path(&e), (ErrorCode::TooLarge, "survey.expectation"));
}

#[test]
fn store_names() {
    // A store name must be read by a segment: one rule reads them all.
    let store = |n: usize| {
        let names: Vec<String> = (0..n).map(|i| format!("\"k{i}\": \"v{i}\"")).collect();
        let reads: Vec<String> = (0..n).map(|i| format!("bought(store.k{i}) > 0")).collect();
        format!(
            r#"{{"store": {{{}}}, "limits": {{"maxRuleLength": {MAX_RULE_LENGTH_CAP}, "maxRuleNodes": {MAX_RULE_NODES_CAP}}},
                "segments": [{{"id": "any", "goal": "care", "when": "{}"}}]}}"#,
            names.join(","),
            reads.join(" || ")
        )
    };
    assert!(Scorer::new(&json(&store(MAX_STORE_NAMES))).is_ok());
    let big = json(&store(20_000));
    let e = quickly("20,000 store names", Duration::from_millis(500), || {
        Scorer::new(&big).unwrap_err()
    });
    assert_eq!(code_path(&e), (ErrorCode::TooLarge, "store"));
    assert_eq!(
        e.message(),
        "expected at most 1000 category names, got 20000"
    );
}

#[test]
fn long_unknown_names_are_refused_quickly() {
    let key = "x".repeat(1_000_000);
    let config = json(&format!(r#"{{"{key}": 1}}"#));
    let e = quickly(
        "1 MB unknown config key",
        Duration::from_millis(200),
        || Scorer::new(&config).unwrap_err(),
    );
    assert_eq!(e.code(), ErrorCode::UnknownField);
    let rule = format!("{} > 1", "x".repeat(100_000));
    let config = json(&one_rule(
        &format!(r#""maxRuleLength": {MAX_RULE_LENGTH_CAP}"#),
        &rule,
    ));
    let e = quickly(
        "100 KB unknown field in a rule",
        Duration::from_millis(200),
        || Scorer::new(&config).unwrap_err(),
    );
    assert_eq!(e.code(), ErrorCode::RuleType);
}

#[test]
fn csv_line_length() {
    let columns = ColumnNames {
        customer: "c".into(),
        date: "d".into(),
        amount: "a".into(),
        cost: None,
    };
    assert_eq!(CsvOptions::default().max_line_length, 65_536);
    let text = format!(
        "c,d,a\nx,2026-01-01,1\n{},2026-01-01,1\n",
        "y".repeat(65_536)
    );
    let t = read_transactions(&text, &columns, &CsvOptions::default()).unwrap();
    assert_eq!((t.rows, t.skipped), (2, 1));
    assert_eq!(t.errors[0].code, ErrorCode::TooLarge);
    assert_eq!(
        t.errors[0].to_string(),
        "line 3: line longer than 65536 bytes (65549 bytes)"
    );
    let strict = CsvOptions {
        strict: true,
        max_line_length: 10,
        ..CsvOptions::default()
    };
    let e = read_transactions("c,d,a\nx,2026-01-01,1\n", &columns, &strict).unwrap_err();
    assert_eq!(code_path(&e), (ErrorCode::TooLarge, "line 2"));
    // A 50 MB line is refused without being split.
    let text = format!("c,d,a\n{}\n", "z,".repeat(25_000_000));
    let t = quickly("50 MB CSV line", Duration::from_secs(1), || {
        read_transactions(&text, &columns, &CsvOptions::default()).unwrap()
    });
    assert_eq!((t.rows, t.skipped), (1, 1));
}
