//! The generator of `js/layout.js`, the JavaScript that builds result objects
//! from the numbers a call leaves in wasm memory, driven by the field list of
//! [`crate::scoring::features`] (as its native twin, [`decode`], is). A test checks that the committed
//! `js/layout.js` is what [`javascript`] generates and that the TypeScript
//! result types in `js/types.d.ts` list the same fields with the same types.

use crate::input::json::Json;
use crate::input::tape::{KEYS, MAX_BYTES, MAX_DEPTH, MAX_SLOTS};
pub use crate::scoring::decode::decode;
use crate::scoring::features::{slot_of, Kind, FIELDS, NULLABLE_GROUPS, SLOTS};
use crate::scoring::Scorer;
use std::fmt::Write as _;

/// The text of `js/layout.js`: the constants of the layout and `readResult`,
/// which builds one result object from the numbers.
pub fn javascript() -> String {
    let mut js = String::new();
    js.push_str(
        "// Generated from src/scoring/features.rs (and the built-in segments, data/segments.json) by `CRMSCORE_WRITE=1 cargo test --lib interop::result`: do not edit.\n\
         // Builds result objects from the numbers a call leaves in wasm memory (see src/interop/result.rs).\n\n",
    );
    let _ = writeln!(
        js,
        "/** Slots of one result before its maps. */\nexport const SLOTS = {SLOTS};\n"
    );
    let _ = writeln!(
        js,
        "/** Limits of one tape (src/input/tape.rs): nesting, numbers, bytes of text. */\nexport const MAX_DEPTH = {MAX_DEPTH};\nexport const MAX_SLOTS = {MAX_SLOTS};\nexport const MAX_BYTES = {MAX_BYTES};\n"
    );
    let keys: Vec<String> = KEYS.iter().map(|k| format!("'{k}'")).collect();
    let _ = writeln!(js, "/** The keys a tape gives by number: code -(i + 1) is KEYS[i]. */\nexport const KEYS = [{}];\n", keys.join(", "));
    let mut enums: Vec<&[&str]> = Vec::new();
    for f in FIELDS {
        if let Kind::Enum(names) = f.kind {
            if !enums.contains(&names) {
                enums.push(names);
                let list: Vec<String> = names.iter().map(|n| format!("'{n}'")).collect();
                let _ = writeln!(js, "const E{} = [{}];", enums.len() - 1, list.join(", "));
            }
        }
    }
    js.push_str(concat!(
        "\n/** A finite number, or null. */\n",
        "const num = (x) => (x - x === 0 ? x + 0 : null);\n\n",
        "/**\n",
        " * The result whose numbers start at `b` in `n`. The reader `r` gives a name's text\n",
        " * (`r.name(i)`: the call's string i, or KEYS[-i - 1] for a negative i), an instant's\n",
        " * ISO text (`r.iso(ms)`), and reads from `r.at` on: a map (`r.map(n)`), the matched\n",
        " * segments (`r.segments(n)`, which leaves the next best action in `r.next`), then\n",
        " * adds what follows: the share of wallet, scorecards and contacts (`r.extras(n, o)`).\n",
        " * It leaves `r.at` after the result.\n",
        " */\n",
        "export function readResult(n, b, r) {\n",
        "  r.at = b + SLOTS;\n",
    ));
    // The maps follow the slots: read them first, then build the object in field order.
    let mut maps = Vec::new();
    for f in FIELDS {
        if matches!(f.kind, Kind::IntMap | Kind::DoubleMap) {
            let var = format!("m{}", maps.len());
            let _ = writeln!(js, "  const {var} = r.map(n);");
            maps.push((f.path, var));
        }
    }
    js.push_str("  const segments = r.segments(n);\n  const o = ");
    let mut tree = Node::default();
    for (i, f) in FIELDS.iter().enumerate() {
        let slot = slot_of(i);
        let expr = match f.kind {
            Kind::Id => format!(
                "n[b + {slot}] === n[b + {slot}] ? r.name(n[b + {slot}]) : String(n[b + {}])",
                slot + 1
            ),
            Kind::Instant => {
                format!("n[b + {slot}] === n[b + {slot}] ? r.iso(n[b + {slot}]) : null")
            }
            Kind::Int | Kind::Double => format!("num(n[b + {slot}])"),
            Kind::Range => format!(
                "n[b + {slot}] === n[b + {slot}] ? [n[b + {slot}], n[b + {}]] : null",
                slot + 1
            ),
            Kind::Enum(names) => {
                let e = enums.iter().position(|n| *n == names).unwrap_or(0);
                // Missing is NaN: tested first, so that the array is not looked up by "NaN".
                format!("n[b + {slot}] === n[b + {slot}] ? E{e}[n[b + {slot}]] ?? null : null")
            }
            Kind::IntMap | Kind::DoubleMap => maps
                .iter()
                .find(|(p, _)| *p == f.path)
                .map(|(_, v)| v.clone())
                .unwrap_or_default(),
        };
        tree.insert(f.path, expr, |group| {
            NULLABLE_GROUPS
                .contains(&group)
                .then(|| format!("n[b + {slot}] === n[b + {slot}]"))
        });
    }
    // Set by `r.extras`; in the literal, so that setting it keeps the object's shape.
    tree.insert("value.shareOfWallet", "null".into(), |_| None);
    tree.insert("segments", "segments".into(), |_| None);
    tree.insert("nextBestAction", "r.next".into(), |_| None);
    tree.write(&mut js, 1);
    js.push_str(";\n  r.extras(n, o);\n  return o;\n}\n");
    // A fresh isolate's first `score()` of a scorer built without a config would
    // otherwise run (and compile) the wasm that writes these tables.
    let default = Scorer::new(&Json::Null).expect("the default config is valid");
    let _ = writeln!(
        js,
        "\n/** `segmentTable()` and `resultTable()` of a scorer built without a config (`new Scorer()`). */\nexport const DEFAULT_TABLES = [\n  {},\n  {},\n];",
        Json::Str(segment_table(&default)).to_text(),
        Json::Str(result_table(&default)).to_text(),
    );
    js
}

/// The segments of `scorer`'s library, which results give by index, as JSON
/// text: `[{ id, name, goal, actions, priority }]` in library order.
pub fn segment_table(scorer: &Scorer) -> String {
    let table = scorer.segments().table();
    Json::Arr(table.iter().map(|m| m.to_json()).collect()).to_text()
}

/// What the numbers after a result's next best action hold, as JSON text:
/// `{ scheduled, scorecards: [{ id, factors: [{ name, weight }] }] }` (see
/// [`Scorer::write_result`]).
pub fn result_table(scorer: &Scorer) -> String {
    let cards = scorer.segments().scorecards().definitions().iter();
    let cards = cards.map(|d| {
        let factors = d.factors.iter().map(|f| {
            Json::Obj(vec![
                ("name".into(), Json::Str(f.name.clone())),
                ("weight".into(), Json::Num(f.weight)),
            ])
        });
        Json::Obj(vec![
            ("id".into(), Json::Str(d.id.clone())),
            ("factors".into(), Json::Arr(factors.collect())),
        ])
    });
    Json::Obj(vec![
        (
            "scheduled".into(),
            Json::Bool(scorer.segments().scheduled()),
        ),
        ("scorecards".into(), Json::Arr(cards.collect())),
    ])
    .to_text()
}

/// An object literal being generated.
#[derive(Default)]
struct Node {
    entries: Vec<(String, Entry)>,
}

enum Entry {
    Value(String),
    Object(Node, Option<String>),
}

impl Node {
    fn insert(&mut self, path: &str, expr: String, condition: impl Fn(&str) -> Option<String>) {
        self.insert_at(path, "", expr, &condition);
    }

    fn insert_at(
        &mut self,
        path: &str,
        prefix: &str,
        expr: String,
        condition: &dyn Fn(&str) -> Option<String>,
    ) {
        match path.split_once('.') {
            None => self.entries.push((path.to_string(), Entry::Value(expr))),
            Some((head, rest)) => {
                let full = if prefix.is_empty() {
                    head.to_string()
                } else {
                    format!("{prefix}.{head}")
                };
                if !self.entries.iter().any(|(k, _)| k == head) {
                    let c = condition(&full);
                    self.entries
                        .push((head.to_string(), Entry::Object(Node::default(), c)));
                }
                if let Some((_, Entry::Object(child, _))) =
                    self.entries.iter_mut().find(|(k, _)| k == head)
                {
                    child.insert_at(rest, &full, expr, condition);
                }
            }
        }
    }

    fn write(&self, js: &mut String, indent: usize) {
        js.push_str("{\n");
        for (k, e) in &self.entries {
            let _ = write!(js, "{}{k}: ", "  ".repeat(indent + 1));
            match e {
                Entry::Value(expr) => js.push_str(expr),
                Entry::Object(child, condition) => {
                    if let Some(c) = condition {
                        let _ = write!(js, "{c} ? ");
                    }
                    child.write(js, indent + 1);
                    if condition.is_some() {
                        js.push_str(" : null");
                    }
                }
            }
            js.push_str(",\n");
        }
        let _ = write!(js, "{}}}", "  ".repeat(indent));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn repo(path: &str) -> std::path::PathBuf {
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(path)
    }

    /// The tape writer in `js/interop.js` and the reader here share the key
    /// codes and the caps: a mismatch would misread every input, so the test
    /// reads the JavaScript's constants and compares them.
    #[test]
    fn the_javascript_writer_has_the_readers_keys_and_caps() {
        use crate::input::tape::{
            AREA_BYTES, AREA_SLOTS, CHUNK_BYTES, CHUNK_SLOTS, KEYS, MAX_BYTES, MAX_DEPTH, MAX_SLOTS,
        };
        let js = std::fs::read_to_string(repo("js/interop.js")).unwrap();
        let constant = |name: &str| -> String {
            let start = js
                .find(&format!("export const {name} = "))
                .unwrap_or_else(|| panic!("{name} not in js/interop.js"));
            let rest = &js[start..];
            let value = &rest[rest.find(" = ").unwrap() + 3..rest.find(';').unwrap()];
            value.to_string()
        };
        let keys: Vec<String> = KEYS.iter().map(|k| format!("'{k}'")).collect();
        assert_eq!(constant("KEYS"), format!("[{}]", keys.join(", ")));
        assert_eq!(constant("MAX_DEPTH"), MAX_DEPTH.to_string());
        assert_eq!(constant("MAX_SLOTS"), MAX_SLOTS.to_string());
        assert_eq!(constant("MAX_BYTES"), MAX_BYTES.to_string());
        assert_eq!(constant("CHUNK_SLOTS"), CHUNK_SLOTS.to_string());
        assert_eq!(constant("CHUNK_BYTES"), CHUNK_BYTES.to_string());
        assert_eq!(constant("AREA_SLOTS"), AREA_SLOTS.to_string());
        assert_eq!(constant("AREA_BYTES"), AREA_BYTES.to_string());
    }

    /// `js/layout.js` is what the field list generates (`CRMSCORE_WRITE=1` rewrites it).
    #[test]
    fn result_js_is_current() {
        crate::assert_generated(
            "js/layout.js",
            &javascript(),
            "what src/scoring/features.rs and data/segments.json generate: run CRMSCORE_WRITE=1 cargo test --lib interop::result",
        );
    }

    /// The TypeScript type of a field in `js/types.d.ts`.
    fn ts_type(kind: Kind, optional: bool) -> String {
        let base = match kind {
            Kind::Id | Kind::Instant => "string".to_string(),
            Kind::Int | Kind::Double => "number".to_string(),
            Kind::Enum(names) => names
                .iter()
                .map(|n| format!("'{n}'"))
                .collect::<Vec<_>>()
                .join(" | "),
            Kind::IntMap | Kind::DoubleMap => "Record<string, number>".to_string(),
            Kind::Range => "[number, number]".to_string(),
        };
        if optional {
            format!("{base} | null")
        } else {
            base
        }
    }

    /// The properties of the interfaces and type aliases of a .d.ts, types with aliases resolved.
    fn declared(dts: &str) -> Vec<(String, String)> {
        let mut aliases: Vec<(String, String)> = Vec::new();
        let mut interfaces: Vec<(String, Vec<(String, String)>)> = Vec::new();
        let mut lines = dts.lines().peekable();
        while let Some(line) = lines.next() {
            let line = line.trim();
            if let Some(rest) = line.strip_prefix("export type ") {
                let (name, mut body) = rest
                    .split_once(" =")
                    .map(|(n, b)| (n.trim().to_string(), b.to_string()))
                    .unwrap_or_default();
                while !body.trim_end().ends_with(';') {
                    match lines.next() {
                        Some(more) => body.push_str(&format!(" {}", more.trim())),
                        None => break,
                    }
                }
                let body = body
                    .trim()
                    .trim_end_matches(';')
                    .trim_start_matches('|')
                    .trim()
                    .to_string();
                let parts: Vec<&str> = body
                    .split('|')
                    .map(str::trim)
                    .filter(|p| !p.is_empty())
                    .collect();
                aliases.push((name, parts.join(" | ")));
            } else if let Some(rest) = line.strip_prefix("export interface ") {
                let name = rest
                    .split_whitespace()
                    .next()
                    .unwrap_or_default()
                    .to_string();
                let mut props = Vec::new();
                for body in lines.by_ref() {
                    let body = body.trim();
                    if body == "}" {
                        break;
                    }
                    if body.starts_with("/**") || body.starts_with('*') || body.starts_with("//") {
                        continue;
                    }
                    if let Some((k, t)) = body.trim_end_matches(';').split_once(": ") {
                        props.push((k.trim_end_matches('?').to_string(), t.to_string()));
                    }
                }
                interfaces.push((name, props));
            }
        }
        let resolve = |t: &str| -> String {
            t.split(" | ")
                .map(|part| {
                    aliases
                        .iter()
                        .find(|(n, _)| n == part)
                        .map_or(part.to_string(), |(_, b)| b.clone())
                })
                .collect::<Vec<_>>()
                .join(" | ")
        };
        // The result's tree, walked from ScoreResult.
        let mut out = Vec::new();
        let mut stack = vec![("ScoreResult".to_string(), String::new())];
        while let Some((iface, prefix)) = stack.pop() {
            let Some((_, props)) = interfaces.iter().find(|(n, _)| *n == iface) else {
                continue;
            };
            for (k, t) in props {
                let path = if prefix.is_empty() {
                    k.clone()
                } else {
                    format!("{prefix}.{k}")
                };
                let bare = t.trim_end_matches(" | null").trim();
                if interfaces.iter().any(|(n, _)| n == bare)
                    && !bare.ends_with("Match")
                    && !["NextBestAction", "Contact", "ShareOfWallet"].contains(&bare)
                {
                    stack.push((bare.to_string(), path.clone()));
                    if t.ends_with("| null") {
                        out.push((path, "group | null".into()));
                    }
                } else if bare.starts_with('{') {
                    // An inline object type: `{ score: number; category: 'a' | 'b' } | null`.
                    out.push((path.clone(), "group | null".into()));
                    let inner = bare.trim_start_matches('{').trim_end_matches('}');
                    for member in inner.split(';').map(str::trim).filter(|m| !m.is_empty()) {
                        if let Some((k, t)) = member.split_once(": ") {
                            out.push((format!("{path}.{k}"), resolve(t)));
                        }
                    }
                } else {
                    out.push((path, resolve(t)));
                }
            }
        }
        out
    }

    /// The TypeScript result types (`js/types.d.ts`) name every field of the layout with its type.
    #[test]
    fn typescript_result_types_match_the_layout() {
        let dts = std::fs::read_to_string(repo("js/types.d.ts")).unwrap();
        let declared = declared(&dts);
        let mut expected: Vec<(String, String)> = FIELDS
            .iter()
            .map(|f| (f.path.to_string(), ts_type(f.kind, f.optional)))
            .collect();
        expected.extend(
            NULLABLE_GROUPS
                .iter()
                .map(|g| (g.to_string(), "group | null".to_string())),
        );
        let norm = |t: &str| {
            let mut parts: Vec<String> = t.split(" | ").map(|p| p.trim().to_string()).collect();
            parts.sort();
            parts
        };
        for (path, want) in &expected {
            let have = declared
                .iter()
                .find(|(p, _)| p == path)
                .map(|(_, t)| t.clone())
                .unwrap_or_else(|| panic!("js/types.d.ts has no {path}"));
            assert_eq!(
                norm(&have),
                norm(want),
                "{path}: js/types.d.ts says {have}, the layout {want}"
            );
        }
        let known: Vec<&str> = expected
            .iter()
            .map(|(p, _)| p.as_str())
            .chain([
                "segments",
                "nextBestAction",
                "scorecards",
                "nextContact",
                "pastContacts",
            ])
            .chain(["value.shareOfWallet"])
            .collect();
        for (path, _) in &declared {
            assert!(
                known.contains(&path.as_str()),
                "js/types.d.ts declares {path}, which the layout does not have"
            );
        }
    }

    /// The native decoder gives what a customer worked out by hand has.
    #[test]
    fn decoded_results_have_every_field() {
        let scorer = Scorer::new(&Json::parse(r#"{"abc": {"a": 100, "b": 10}}"#).unwrap()).unwrap();
        let c = Json::parse(
            r#"{"id": 7, "orders": [{"at": "2026-11-01", "amount": 20, "category": "books"}],
            "survey": {"expectation": {"service": 4}, "perception": {"service": 5}, "nps": 10}}"#,
        )
        .unwrap();
        let r = scorer
            .score(&c, crate::input::time::parse_instant("2026-11-22").unwrap())
            .unwrap()
            .to_json();
        let text = r.to_text();
        for part in [
            r#""id":"7""#,
            r#""asOf":"2026-11-22T00:00:00.000Z""#,
            r#""recencyDays":21"#,
            r#""categories":{"books":1}"#,
            r#""firstOrderAt":"2026-11-01T00:00:00.000Z""#,
            r#""abc":"B""#,
            r#""rfm":null"#,
            r#""predicted":null"#,
            r#""dimensions":{"service":1}"#,
            r#""nps":{"score":10,"category":"promoter"}"#,
            r#""level":"delighted""#,
            r#""stage":"new""#,
            r#""type":null"#,
        ] {
            assert!(text.contains(part), "{part} in {text}");
        }
    }
}
