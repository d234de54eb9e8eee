//! Every input cap, tested through the public API: each refuses an input one
//! over the cap with `TOO_LARGE` (or `OUT_OF_RANGE` for a limit set above its
//! ceiling) and the path of the field, and hostile inputs are refused before
//! they cost work in proportion to their size. The table of caps is in
//! docs/hardening.md.
//!
//! No test here measures time: a loaded machine makes any wall-clock bound
//! either flaky or too loose to mean anything. What shows that a hostile input
//! is refused early is the outcome itself (an error raised by a check that
//! comes before the costly step, with a message only that check writes) and
//! what is allocated while refusing it ([`allocated`]), which depends on the
//! code and the input, not on the machine. Where neither can show the absence
//! of quadratic work, [`without_hanging`] only guards against a hang.
#![cfg(not(target_arch = "wasm32"))]

use crmscore::input::customer::{Customer, Limits, MAX_DIMENSIONS};
use crmscore::input::json::{Json, MAX_TEXT_BYTES};
use crmscore::input::tape::OwnedTape;
use crmscore::model::{Model, MAX_MODEL_BYTES};
use crmscore::scoring::config::{
    Config, MAX_CONFIG_BYTES, MAX_RULE_LENGTH_CAP, MAX_RULE_NODES_CAP, MAX_SEGMENTS_CAP,
    MAX_STORE_NAMES,
};
use crmscore::{Error, ErrorCode, Scorer};
use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::time::{Duration, Instant};

/// Counts the allocations and the bytes this thread allocates (tests run on several threads).
struct Counting;

thread_local! {
    static ALLOCATED: Cell<Work> = const { Cell::new(Work { allocations: 0, bytes: 0 }) };
}

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let _ = ALLOCATED.try_with(|w| {
            let Work { allocations, bytes } = w.get();
            w.set(Work {
                allocations: allocations + 1,
                bytes: bytes + layout.size(),
            })
        });
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// What a call allocated: every allocation counted, none subtracted when freed.
#[derive(Debug, Clone, Copy)]
struct Work {
    allocations: usize,
    bytes: usize,
}

/// Runs `f`; returns its result and what it allocated: a measure of the work
/// done on an input that is the same on any machine, however loaded.
fn allocated<T>(f: impl FnOnce() -> T) -> (T, Work) {
    let before = ALLOCATED.with(Cell::get);
    let out = f();
    let after = ALLOCATED.with(Cell::get);
    (
        out,
        Work {
            allocations: after.allocations - before.allocations,
            bytes: after.bytes - before.bytes,
        },
    )
}

/// Runs `f`, failing only if it has not returned after a minute. A guard against
/// a hang (an accidental quadratic or worse path on a hostile input, which would
/// take hours at these sizes), not a check of speed: these inputs take well under
/// a second, and a machine shared with other work can be many times slower than
/// usual, so any tighter bound would fail on a busy machine for no fault of the code.
fn without_hanging<T>(what: &str, f: impl FnOnce() -> T) -> T {
    let started = Instant::now();
    let out = f();
    let took = started.elapsed();
    assert!(
        took < Duration::from_secs(60),
        "{what} took {took:?}: a hang"
    );
    out
}

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
    // The ceiling: 4096 segments set up (ids are matched pairwise: the guard
    // catches a path that would make that hang); more cannot be configured.
    let config = json(&format!(
        r#"{{"builtinSegments": false, "limits": {{"maxSegments": {MAX_SEGMENTS_CAP}}}, "segments": [{}]}}"#,
        segments(MAX_SEGMENTS_CAP)
    ));
    let scorer = without_hanging("4096 segments", || Scorer::new(&config)).unwrap();
    assert_eq!(scorer.segments().definitions().len(), MAX_SEGMENTS_CAP);
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
fn a_million_nested_parentheses_are_refused_before_they_are_parsed() {
    let rule = format!("{}true{}", "(".repeat(1_000_000), ")".repeat(1_000_000));
    // Default limits: refused by length before it is read (only the length check
    // writes this message, and it comes before the lexer).
    let config = json(&one_rule("", &rule));
    let e = without_hanging("a million parentheses, default limits", || {
        Scorer::new(&config)
    })
    .unwrap_err();
    assert_eq!(code_path(&e), (ErrorCode::TooLarge, "segments[0].when"));
    assert_eq!(
        e.message().lines().next(),
        Some("in segment \"r\": line 1, column 4097: rule is 2000004 bytes long; the limit is 4096 bytes")
    );
    // Limits at their ceilings (2 MB rule over the 1 MiB ceiling: use 500,000 pairs):
    // the parser stops at the 129th parenthesis, where the caret points.
    let rule = format!("{}true{}", "(".repeat(500_000), ")".repeat(500_000));
    let config = json(&one_rule(
        &format!(
            r#""maxRuleLength": {MAX_RULE_LENGTH_CAP}, "maxRuleDepth": 128, "maxRuleNodes": {MAX_RULE_NODES_CAP}"#
        ),
        &rule,
    ));
    let e = without_hanging("500,000 parentheses, limits at their ceilings", || {
        Scorer::new(&config)
    })
    .unwrap_err();
    assert_eq!(code_path(&e), (ErrorCode::TooLarge, "segments[0].when"));
    assert!(
        e.message()
            .contains("line 1, column 129: expression nested too deeply (the limit is 128 levels)"),
        "{e}"
    );
}

#[test]
fn many_string_literals_compile() {
    let lits: Vec<String> = (0..20_000).map(|i| format!("'s{i}'")).collect();
    let rule = format!("'x' in [{}]", lits.join(","));
    let config = json(&one_rule(
        &format!(r#""maxRuleLength": {MAX_RULE_LENGTH_CAP}, "maxRuleNodes": {MAX_RULE_NODES_CAP}"#),
        &rule,
    ));
    // A list of literals compiles in time linear in its length: the guard catches a path that would make it hang.
    let scorer =
        without_hanging("rule with 20,000 string literals", || Scorer::new(&config)).unwrap();
    assert_eq!(scorer.segments().programs().len(), 1);
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
        // Refused by its length before any of it is read: nothing is allocated but the error.
        let (e, work) = allocated(|| Json::parse(&text).unwrap_err());
        assert_eq!(e.code(), ErrorCode::TooLarge, "{what}");
        assert_eq!(
            e.message(),
            format!(
                "JSON text is {} bytes long; the limit is 16777216 bytes",
                text.len()
            )
        );
        assert!(work.bytes < 4096, "{what}: {work:?}");
    }
    // Under the cap, the depth cap still refuses deep nesting without recursion: the
    // parser stops at the 130th bracket, having built nothing.
    let text = "[".repeat(MAX_TEXT_BYTES);
    let (e, work) = allocated(|| Json::parse(&text).unwrap_err());
    assert_eq!(
        e.message(),
        "invalid JSON at line 1, column 130: nested more than 128 levels deep"
    );
    assert!(work.bytes < 4096, "16 MB of [: {work:?}");
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
    // Refused by its size before it is read: the 5 MB string is not copied.
    let big = padding(5 << 20);
    let (e, work) = allocated(|| Scorer::new(&big).unwrap_err());
    assert_eq!(code_path(&e), (ErrorCode::TooLarge, ""));
    assert!(work.bytes < 4096, "5 MB config: {work:?}");
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
    let e = scorer.score(&big, AS_OF).unwrap_err();
    assert_eq!(code_path(&e), (ErrorCode::TooLarge, "survey.expectation"));
    assert_eq!(e.message(), "expected at most 1000 dimensions, got 20000");
    // Matching dimensions up is quadratic. The error is at `survey.expectation`, the
    // first map read, so it is raised before the second map is read, let alone
    // matched; and the entries are counted before they are collected: reading the
    // customer from its tape allocates nothing in proportion to the 20,000 entries.
    let tape = OwnedTape::of(&big);
    let (e, work) = allocated(|| {
        Customer::read(&mut tape.tape().reader(), AS_OF, &Limits::default())
            .map(|_| ())
            .unwrap_err()
    });
    assert_eq!(code_path(&e), (ErrorCode::TooLarge, "survey.expectation"));
    assert!(work.bytes < 4096, "20,000 survey dimensions: {work:?}");
    let tape = OwnedTape::of(&json(&survey(MAX_DIMENSIONS + 1)));
    let e = Customer::read(&mut tape.tape().reader(), AS_OF, &Limits::default())
        .map(|_| ())
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
    // Store names are matched pairwise: they are counted first, and the 20,000 are
    // refused before any is matched or copied (copies would be 20,000 allocations and
    // more; what is allocated is the size check's stack, one growing vector).
    let (e, work) = allocated(|| Scorer::new(&big).unwrap_err());
    assert!(work.allocations < 1000, "20,000 store names: {work:?}");
    assert_eq!(code_path(&e), (ErrorCode::TooLarge, "store"));
    assert_eq!(
        e.message(),
        "expected at most 1000 category names, got 20000"
    );
}

#[test]
fn long_unknown_names_are_refused_without_a_suggestion() {
    // A "did you mean" suggestion costs an edit distance per candidate, which
    // allocates a row per character of the name (a million rows for a 1 MB name);
    // a long name gets none, so refusing it allocates a few copies of the name at most.
    let key = "x".repeat(1_000_000);
    let config = json(&format!(r#"{{"{key}": 1}}"#));
    let (e, work) = allocated(|| Scorer::new(&config).unwrap_err());
    assert_eq!(e.code(), ErrorCode::UnknownField);
    assert!(
        !e.message().contains("did you mean"),
        "{}",
        &e.message()[..200]
    );
    assert!(
        work.allocations < 1000 && work.bytes < 4 * key.len(),
        "1 MB unknown config key: {work:?}"
    );
    let rule = format!("{} > 1", "x".repeat(100_000));
    let config = json(&one_rule(
        &format!(r#""maxRuleLength": {MAX_RULE_LENGTH_CAP}"#),
        &rule,
    ));
    let (e, work) = allocated(|| Scorer::new(&config).unwrap_err());
    assert_eq!(e.code(), ErrorCode::RuleType);
    assert!(
        !e.message().contains("did you mean"),
        "{}",
        &e.message()[..200]
    );
    assert!(
        work.allocations < 10_000,
        "100 KB unknown field in a rule: {work:?}"
    );
}

#[cfg(feature = "fit")]
#[test]
fn csv_line_length() {
    use crmscore::fit::csv::{read_transactions, ColumnNames, CsvOptions};
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
    // A 50 MB line is refused without being split into its 25 million fields.
    let text = format!("c,d,a\n{}\n", "z,".repeat(25_000_000));
    let (t, work) =
        allocated(|| read_transactions(&text, &columns, &CsvOptions::default()).unwrap());
    assert_eq!((t.rows, t.skipped), (1, 1));
    assert_eq!(t.errors[0].code, ErrorCode::TooLarge);
    assert!(work.bytes < 64 << 10, "50 MB CSV line: {work:?}");
}
