//! One result's numbers as the result object ([`decode`]), for the Rust API
//! ([`crate::ScoreResult::to_json`]) and tests: the native twin of the
//! JavaScript `readResult` that `crate::interop::result` generates from the
//! same field list ([`crate::scoring::features`]).

use crate::input::json::Json;
use crate::input::tape::KEYS;
use crate::input::time::format_instant;
use crate::scoring::features::{slot_of, Kind, FIELDS, SLOTS};

/// A slot's value as JSON: a finite number, else `null`.
fn number(x: f64) -> Json {
    if x.is_finite() {
        Json::Num(x + 0.0)
    } else {
        Json::Null
    }
}

/// The name of ordinal `i` (negative: a key given by number).
fn name_of(i: f64, strings: &dyn Fn(f64) -> String) -> String {
    if i < 0.0 {
        KEYS.get((-i - 1.0) as usize)
            .map_or_else(String::new, |k| k.to_string())
    } else {
        strings(i)
    }
}

/// Inserts `value` at the dotted `path` of an object tree.
fn insert(root: &mut Vec<(crate::input::json::Key, Json)>, path: &str, value: Json) {
    match path.split_once('.') {
        None => root.push((path.to_string().into(), value)),
        Some((head, rest)) => {
            let i = match root.iter().position(|(k, _)| k == head) {
                Some(i) => i,
                None => {
                    root.push((head.to_string().into(), Json::Obj(Vec::new())));
                    root.len() - 1
                }
            };
            if let Json::Obj(child) = &mut root[i].1 {
                insert(child, rest, value);
            }
        }
    }
}

/// The result object of the slots and maps of one result (as
/// [`crate::scoring::features::Features::write`] writes them); `strings` gives
/// the text of a name's ordinal. Without segments.
pub fn decode(out: &[f64], strings: &dyn Fn(f64) -> String) -> Json {
    let mut root = Vec::new();
    let mut at = SLOTS;
    let mut groups: Vec<&str> = Vec::new();
    for (i, f) in FIELDS.iter().enumerate() {
        let x = out.get(slot_of(i)).copied().unwrap_or(f64::NAN);
        if let Some(group) = f.group() {
            if groups.contains(&group) {
                // A null group holds nothing more.
                if !matches!(lookup(&root, group), Some(Json::Obj(_))) {
                    continue;
                }
            } else {
                groups.push(group);
                if x.is_nan() {
                    insert(&mut root, group, Json::Null);
                    continue;
                }
            }
        }
        let value = match f.kind {
            Kind::Id => match out.get(slot_of(i)).copied() {
                Some(r) if !r.is_nan() => Json::Str(name_of(r, strings)),
                _ => Json::Str(crate::input::json::format_number(
                    out.get(slot_of(i) + 1).copied().unwrap_or(f64::NAN),
                )),
            },
            Kind::Instant if x.is_nan() => Json::Null,
            Kind::Instant => Json::Str(format_instant(x as i64)),
            Kind::Int | Kind::Double => number(x),
            Kind::Range if x.is_nan() => Json::Null,
            Kind::Range => Json::Arr(vec![
                number(x),
                number(out.get(slot_of(i) + 1).copied().unwrap_or(f64::NAN)),
            ]),
            Kind::Enum(names) => names
                .get(x as usize)
                .filter(|_| !x.is_nan())
                .map_or(Json::Null, |s| Json::Str(s.to_string())),
            Kind::IntMap | Kind::DoubleMap => {
                let n = out.get(at).copied().unwrap_or(0.0) as usize;
                let mut entries = Vec::with_capacity(n);
                for k in 0..n {
                    let name = name_of(out[at + 1 + 2 * k], strings);
                    entries.push((name.into(), number(out[at + 2 + 2 * k])));
                }
                at += 1 + 2 * n;
                Json::Obj(entries)
            }
        };
        insert(&mut root, f.path, value);
    }
    Json::Obj(root)
}

fn lookup<'j>(root: &'j [(crate::input::json::Key, Json)], path: &str) -> Option<&'j Json> {
    let (head, rest) = path.split_once('.').unwrap_or((path, ""));
    let v = root.iter().find(|(k, _)| k == head).map(|(_, v)| v)?;
    match (rest, v) {
        ("", v) => Some(v),
        (rest, Json::Obj(child)) => lookup(child, rest),
        _ => None,
    }
}
