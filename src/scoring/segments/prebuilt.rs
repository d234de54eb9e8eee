//! The built-in segments' rules, compiled ahead of time (`rules::prebuilt`):
//! `compiled.rs` is generated from `data/segments.json` by the test
//! `prebuilt_rules_are_current`, which compiles each rule as a scorer with the
//! default config does, so the rules' source stays their one definition.

use crate::rules::{Limits, Program, Schema};

mod compiled;

/// The compiled form of rule `source` against `schema` within `limits`, when
/// it is a built-in rule that needs no compiling there; `None`: compile it.
pub(super) fn load(source: &str, schema: &Schema, limits: &Limits) -> Option<Program> {
    #[cfg(test)]
    if tests::COMPILE_ALL.with(std::cell::Cell::get) {
        return None;
    }
    compiled::RULES
        .iter()
        .find(|p| p.source == source)?
        .load(source, schema, limits)
}

#[cfg(test)]
mod tests {
    use super::super::{builtin, schema, Library};
    use crate::error::ErrorCode;
    use crate::input::json::Json;
    use crate::rules::{compile, prebuilt, Limits, Program};
    use crate::scoring::config::{read_definition, Config, Segments};

    /// The built-ins' rules, `when` then `exitWhen` of each segment in library order.
    fn rules() -> (Vec<String>, Vec<String>) {
        let json = builtin::json().unwrap();
        let defs: Vec<_> = match &json {
            Json::Arr(items) => items
                .iter()
                .map(|d| read_definition(d, "builtin").unwrap())
                .collect(),
            _ => panic!("the built-ins are a list"),
        };
        let ids = defs.iter().map(|d| d.id.clone()).collect();
        let rules = defs
            .iter()
            .flat_map(|d| std::iter::once(d.when.clone()).chain(d.exit_when.clone()))
            .collect();
        (ids, rules)
    }

    fn limits(max_depth: usize, max_nodes: usize) -> Limits {
        Limits {
            max_len: usize::MAX,
            max_depth,
            max_nodes,
        }
    }

    /// `source` compiled as a default scorer compiles it, with the least
    /// depth and work limits it compiles within.
    fn compiled(source: &str, ids: &[String]) -> (Program, usize, usize) {
        let schema = schema(&Segments::default().store, ids);
        let program = compile(source, &schema, &Limits::default()).unwrap();
        let ok = |d, n| compile(source, &schema, &limits(d, n));
        let depth = (0..=Limits::DEPTH_CAP)
            .find(|&d| ok(d, usize::MAX).is_ok())
            .unwrap();
        let (mut lo, mut hi) = (0, Limits::default().max_nodes);
        while lo < hi {
            let mid = (lo + hi) / 2;
            match ok(Limits::DEPTH_CAP, mid) {
                Ok(_) => hi = mid,
                Err(_) => lo = mid + 1,
            }
        }
        let work = lo;
        // Below either least limit, the compiler refuses the rule (it is then compiled to say so).
        if depth > 0 {
            assert_eq!(
                ok(depth - 1, usize::MAX).unwrap_err().code(),
                ErrorCode::TooLarge
            );
        }
        if work > 0 {
            assert_eq!(
                ok(Limits::DEPTH_CAP, work - 1).unwrap_err().code(),
                ErrorCode::TooLarge
            );
        }
        assert_eq!(ok(depth, work).unwrap(), program, "{source}");
        (program, depth, work)
    }

    /// The text of `compiled.rs`.
    fn generate() -> String {
        let (ids, rules) = rules();
        let mut items = String::new();
        for source in &rules {
            let (program, depth, work) = compiled(source, &ids);
            // Every built-in is prebuilt: a new one with operations the prebuilt
            // form lacks would be compiled in each new scorer (`rules::prebuilt`).
            let item = prebuilt::rust(&program, depth, work).expect(source);
            for line in item.lines() {
                items.push_str("    ");
                items.push_str(line);
                items.push('\n');
            }
            items.pop();
            items.push_str(",\n");
        }
        format!(
            "//! Generated from `data/segments.json` by `CRMSCORE_WRITE=1 cargo test --lib prebuilt_rules`: do not edit.\n\
             //! Each built-in segment's `when` and `exitWhen` as `super::super::schema` with the default\n\
             //! store compiles them (`rules::prebuilt`).\n\n\
             use crate::rules::prebuilt::Prebuilt;\n\n\
             #[rustfmt::skip]\n\
             pub(super) static RULES: [Prebuilt; {}] = [\n{items}];\n",
            rules.len()
        )
    }

    #[test]
    fn prebuilt_rules_are_current() {
        crate::assert_generated(
            "src/scoring/segments/prebuilt/compiled.rs",
            &generate(),
            "data/segments.json compiled: run CRMSCORE_WRITE=1 cargo test --lib prebuilt_rules",
        );
    }

    thread_local! {
        /// Whether `load` leaves every rule to the compiler.
        pub(super) static COMPILE_ALL: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
    }

    #[test]
    fn prebuilt_rules_load_as_compiled() {
        let (ids, rules) = rules();
        assert_eq!(super::compiled::RULES.len(), rules.len());
        let schema = schema(&Segments::default().store, &ids);
        for source in &rules {
            let want = compile(source, &schema, &Limits::default()).unwrap();
            let loaded = super::load(source, &schema, &Limits::default());
            assert_eq!(loaded.as_ref(), Some(&want), "{source}");
        }
        // Not a built-in: compiled.
        assert!(super::load("value.frequency == 2", &schema, &Limits::default()).is_none());
    }

    /// A library compiles the same, its errors included, with the prebuilt
    /// rules and without them, whatever of the config they depend on.
    #[test]
    fn a_library_is_the_same_with_the_prebuilt_rules_as_without() {
        let configs = [
            "{}",
            // The constants read differ: book-buyers and video-buyers compile.
            r#"{"store": {"books": "Bücher", "video": "Filme"}}"#,
            r#"{"store": {"books": "video"}}"#,
            // No built-in reads `store.music`: refused.
            r#"{"store": {"music": "music"}}"#,
            // Below what some built-in needs: the compiler's error, for the first of them.
            r#"{"limits": {"maxRuleDepth": 2}}"#,
            r#"{"limits": {"maxRuleDepth": 3}}"#,
            r#"{"limits": {"maxRuleNodes": 10}}"#,
            r#"{"limits": {"maxRuleNodes": 30}}"#,
            r#"{"limits": {"maxRuleLength": 60}}"#,
            // The least limits all the built-ins compile within.
            r#"{"limits": {"maxRuleLength": 141, "maxRuleDepth": 6, "maxRuleNodes": 41}}"#,
            // A built-in replaced, and a rule of one's own with a built-in's text.
            r#"{"segments": [{"id": "champions", "when": "value.rfm.r >= 5", "goal": "retain"},
                {"id": "mine", "when": "value.frequency == 1", "goal": "repeat", "exitWhen": "value.frequency >= 2"}]}"#,
            r#"{"builtinSegments": false, "segments": [{"id": "b", "when": "bought(store.books) > 0 && bought(store.video) == 0", "goal": "repeat"}]}"#,
        ];
        let mut errors = 0;
        for text in configs {
            let config = Config::from_json(&Json::parse(text).unwrap()).unwrap();
            let with = Library::new(&config);
            COMPILE_ALL.with(|c| c.set(true));
            let without = Library::new(&config);
            COMPILE_ALL.with(|c| c.set(false));
            match (with, without) {
                (Ok(a), Ok(b)) => assert_eq!(format!("{a:?}"), format!("{b:?}"), "{text}"),
                (Err(a), Err(b)) => {
                    errors += 1;
                    assert_eq!(
                        (a.code(), a.path(), a.message()),
                        (b.code(), b.path(), b.message()),
                        "{text}"
                    );
                }
                (a, b) => panic!(
                    "{text}: {:?} with the prebuilt rules, {:?} without",
                    a.err(),
                    b.err()
                ),
            }
        }
        // The store.music config and the five limits below the built-ins' (by hand from
        // their rules: `bought(store.books) > 0 && bought(store.video) == 0` nests 4
        // deep, the quarterly buyers' rule is 107 bytes long).
        assert_eq!(errors, 6);
    }
}
