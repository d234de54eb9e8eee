//! Segments (domain.md §4): each a rule, a goal, actions and a success measure,
//! given as data and compiled once when the scorer is created.
//!
//! The built-in library (`data/segments.json`, shipped in the npm package as
//! `segments.json` for users to copy and edit) holds the five seed segments of
//! domain.md §4 and the eleven standard RFM segments, all written in the
//! public rule language ([`crate::rules`]). A config's `segments` are added to
//! it (a segment with a built-in's id replaces it); `builtinSegments: false`
//! leaves it out. Rules read the fields of the result that [`FIELDS`] marks
//! for rules, `categories` (the names of `value.categories`), and `store.*`:
//! the store's category names from `config.store` (defaults `books`, `video`,
//! `dvd`, `music`), compiled into the rules as constants. A configured name
//! that no segment reads is refused as a likely typo.

pub mod batch;

use crate::error::{index_path, Error, ErrorCode, Result};
use crate::input::json::{closest, Json};
use crate::rules::{
    self, compile, evaluation_order, Context, Explanation, MapView, Program, Schema, Source, Type,
};
use crate::scoring::config::{read_definition, Config, Definition, Goal, MAX_SEGMENTS_CAP};
use crate::scoring::features::{field, slot_of, Entries, Features, Kind, FIELDS, MAPS};

/// The built-in segment library, as data.
pub const BUILTIN: &str = include_str!("../../../data/segments.json");

/// A segment the customer matched, as a result lists it.
#[derive(Debug, Clone, PartialEq)]
pub struct SegmentMatch {
    /// The segment's id.
    pub id: String,
    /// Display name.
    pub name: String,
    /// The goal.
    pub goal: Goal,
    /// The actions to take.
    pub actions: Vec<Json>,
    /// Its priority.
    pub priority: f64,
}

impl SegmentMatch {
    /// As JSON: `{ id, name, goal, actions, priority }`.
    pub fn to_json(&self) -> Json {
        Json::Obj(vec![
            ("id".into(), Json::Str(self.id.clone())),
            ("name".into(), Json::Str(self.name.clone())),
            ("goal".into(), Json::Str(self.goal.as_str().into())),
            ("actions".into(), Json::Arr(self.actions.clone())),
            ("priority".into(), Json::Num(self.priority)),
        ])
    }
}

/// What to do next: the highest-priority matched segment, its goal and its first action.
#[derive(Debug, Clone, PartialEq)]
pub struct NextBestAction {
    /// The segment it comes from.
    pub segment: String,
    /// That segment's goal.
    pub goal: Goal,
    /// The segment's first action; `None` (`null`) when it has none.
    pub action: Option<Json>,
}

impl NextBestAction {
    /// The next best action of a result whose first matched segment is `first`.
    pub fn of(first: &SegmentMatch) -> NextBestAction {
        NextBestAction {
            segment: first.id.clone(),
            goal: first.goal,
            action: first.actions.first().cloned(),
        }
    }

    /// As JSON: `{ segment, goal, action }`.
    pub fn to_json(&self) -> Json {
        Json::Obj(vec![
            ("segment".into(), Json::Str(self.segment.clone())),
            ("goal".into(), Json::Str(self.goal.as_str().into())),
            ("action".into(), self.action.clone().unwrap_or(Json::Null)),
        ])
    }
}

/// Most bytes one `explain` call may give (its JSON, tree and text
/// together, as [`crate::rules::Program::explain_within`] counts them): each
/// explained sub-expression is capped, so output grows linearly with the
/// rules, and this caps the total, which rules at the ceilings of
/// `limits` could otherwise take to hundreds of megabytes.
pub const MAX_EXPLAIN_BYTES: usize = 16 << 20;

/// Why a customer is or is not in a segment.
#[derive(Debug, Clone, PartialEq)]
pub struct SegmentExplanation {
    /// The segment's id.
    pub id: String,
    /// Display name.
    pub name: String,
    /// Whether the customer is in it.
    pub matched: bool,
    /// Whether the success measure holds; `None` without `exitWhen`.
    pub exit_reached: Option<bool>,
    /// The rule's sub-expressions and the values that decided it, as text.
    pub text: String,
    /// The same as a tree.
    pub explanation: Explanation,
}

impl SegmentExplanation {
    /// As JSON: `{ id, name, matched, exitReached, text, explanation }`.
    pub fn to_json(&self) -> Json {
        Json::Obj(vec![
            ("id".into(), Json::Str(self.id.clone())),
            ("name".into(), Json::Str(self.name.clone())),
            ("matched".into(), Json::Bool(self.matched)),
            (
                "exitReached".into(),
                self.exit_reached.map_or(Json::Null, Json::Bool),
            ),
            ("text".into(), Json::Str(self.text.clone())),
            ("explanation".into(), self.explanation.to_json()),
        ])
    }
}

/// A compiled segment library.
#[derive(Debug, Clone)]
pub struct Library {
    defs: Vec<Definition>,
    programs: Vec<Program>,
    exits: Vec<Option<Program>>,
    /// Indexes into `defs` in dependency order (a segment after those it references).
    order: Vec<usize>,
    /// Indexes into `defs` by priority.
    ranking: Vec<usize>,
}

/// Segments whose per-customer results fit in a buffer on the stack (the
/// default `limits.maxSegments`); a larger library allocates one per customer.
const STACK_SEGMENTS: usize = 256;

/// The schema rules are checked against: the result's fields (from [`FIELDS`]),
/// `categories`, the store's names and the segment ids.
pub fn schema(
    store: &[(String, String)],
    ids: impl IntoIterator<Item = impl AsRef<str>>,
) -> Schema {
    let mut schema = Schema::new();
    for (i, f) in FIELDS.iter().enumerate().filter(|(_, f)| f.rule) {
        let slot = slot_of(i);
        let (ty, source) = match f.kind {
            Kind::Int => (Type::Int, Source::Number(slot)),
            Kind::Double => (Type::Double, Source::Number(slot)),
            Kind::Instant => (Type::Timestamp, Source::Number(slot)),
            Kind::Enum(names) => (Type::String, Source::Enum(slot, names)),
            Kind::IntMap => (
                Type::Map(Box::new(Type::Int)),
                Source::Map(map_index(f.path)),
            ),
            Kind::DoubleMap => (
                Type::Map(Box::new(Type::Double)),
                Source::Map(map_index(f.path)),
            ),
            Kind::Id => continue,
        };
        schema.add_field(f.path, ty, f.missing_possible(), source);
    }
    let categories = map_index("value.categories");
    schema.add_field(
        "categories",
        Type::List(Box::new(Type::String)),
        false,
        Source::Keys(categories),
    );
    schema.set_bought(categories);
    for (key, name) in store {
        schema.add_constant(&format!("store.{key}"), name);
    }
    for id in ids {
        schema.add_segment(id.as_ref());
    }
    schema
}

fn map_index(path: &str) -> usize {
    MAPS.iter().position(|m| *m == path).unwrap_or(usize::MAX)
}

/// The field values rules read for one scored customer: its result's slots and maps.
pub struct Customer<'a> {
    /// The result's slots ([`Features::write_slots`]).
    pub slots: &'a [f64],
    /// Its maps, in [`MAPS`] order.
    pub maps: [&'a dyn MapView; 2],
    /// The instant it is scored at.
    pub as_of: i64,
}

impl<'a> Customer<'a> {
    /// The maps of `f`.
    pub fn maps<N: AsRef<str>>(f: &'a Features<N>) -> [Entries<'a, N, u32>; 1] {
        [Entries(&f.value.categories)]
    }
}

impl Library {
    /// Compiles the segments of a config: the built-ins unless disabled, and the
    /// config's own, a config segment with a built-in's id replacing it.
    ///
    /// ```
    /// use crmscore::{input::json::Json, scoring::config::Config};
    /// use crmscore::scoring::segments::Library;
    /// let config = Config::from_json(&Json::parse(r#"{"builtinSegments": false, "segments": [
    ///     {"id": "big", "when": "value.monetary > 'x'", "goal": "retain"}]}"#).unwrap()).unwrap();
    /// let err = Library::new(&config).unwrap_err();
    /// assert_eq!(err.path(), "segments[0].when");
    /// assert!(err.message().starts_with("in segment \"big\": line 1, column 16"));
    /// ```
    pub fn new(config: &Config) -> Result<Library> {
        let segments = &config.segments;
        let limits = &config.segment_limits;
        let max_segments = limits.max_segments.min(MAX_SEGMENTS_CAP);
        let mut defs: Vec<(String, Definition)> = Vec::new();
        let builtin_data = if segments.builtin {
            Json::parse(BUILTIN)?
        } else {
            Json::Arr(Vec::new())
        };
        let builtins = match &builtin_data {
            Json::Arr(items) => items.as_slice(),
            _ => &[],
        };
        let too_many = |n: usize| {
            let counted = if segments.builtin {
                format!(
                    ", of which {} are built-ins (`builtinSegments: false` leaves them out)",
                    builtins.len()
                )
            } else {
                String::new()
            };
            let msg = format!(
                "expected at most {max_segments} segments (built-ins included), got {n}{counted}; raise `limits.maxSegments`"
            );
            Error::new(ErrorCode::TooLarge, "segments", msg)
        };
        for (i, item) in builtins.iter().enumerate() {
            let path = format!("builtin{}", index_path("", i));
            defs.push((path.clone(), read_definition(item, &path)?));
        }
        if segments.defined.len() > max_segments {
            return Err(too_many(segments.defined.len()));
        }
        let mut seen: Vec<String> = Vec::new();
        for (i, item) in segments.defined.iter().enumerate() {
            let path = index_path("segments", i);
            let def = read_definition(item, &path)?;
            if seen.contains(&def.id) {
                return Err(Error::new(
                    ErrorCode::InvalidSegment,
                    path + ".id",
                    format!("duplicate segment id {:?}", def.id),
                ));
            }
            seen.push(def.id.clone());
            match defs.iter_mut().find(|(_, d)| d.id == def.id) {
                Some(slot) => *slot = (path, def),
                None => defs.push((path, def)),
            }
        }
        if defs.len() > max_segments {
            return Err(too_many(defs.len()));
        }
        let schema = schema(&segments.store, defs.iter().map(|(_, d)| d.id.as_str()));
        let compile_rule = |source: &str, path: String, id: &str| {
            compile(source, &schema, &limits.rule).map_err(|e| in_segment(e, path, id))
        };
        let mut programs = Vec::with_capacity(defs.len());
        let mut exits = Vec::with_capacity(defs.len());
        for (path, d) in &defs {
            programs.push(compile_rule(&d.when, format!("{path}.when"), &d.id)?);
            exits.push(match &d.exit_when {
                Some(rule) => Some(compile_rule(rule, format!("{path}.exitWhen"), &d.id)?),
                None => None,
            });
        }
        check_store(
            &segments.configured_store,
            programs.iter().chain(exits.iter().flatten()),
        )?;
        let order = evaluation_order(&schema, &programs).map_err(|cycle| {
            let (path, d) = &defs[cycle.segment];
            in_segment(cycle.error, format!("{path}.when"), &d.id)
        })?;
        let defs: Vec<Definition> = defs.into_iter().map(|(_, d)| d).collect();
        let mut ranking: Vec<usize> = (0..defs.len()).collect();
        crate::sort::heapsort(&mut ranking, |&a, &b| {
            defs[a]
                .priority
                .total_cmp(&defs[b].priority)
                .then(a.cmp(&b))
                .is_lt()
        });
        Ok(Library {
            defs,
            programs,
            exits,
            order,
            ranking,
        })
    }

    /// The definitions, in library order.
    pub fn definitions(&self) -> &[Definition] {
        &self.defs
    }

    /// The compiled member rules, in library order.
    pub fn programs(&self) -> &[Program] {
        &self.programs
    }

    /// Library indexes in an order where each segment comes after those it references.
    pub(crate) fn evaluation_order(&self) -> &[usize] {
        &self.order
    }

    /// Evaluates every rule for a scored customer, in dependency order, into
    /// `results` (one per definition), without allocating.
    fn run(
        &self,
        c: &Customer<'_>,
        results: &mut [Option<bool>],
        each: &mut dyn FnMut(usize, &Context<'_>),
    ) {
        for &i in &self.order {
            let ctx = Context {
                numbers: c.slots,
                maps: &c.maps,
                as_of_ms: c.as_of,
                segments: results,
            };
            let matched = self.programs[i].eval(&ctx);
            each(i, &ctx);
            results[i] = Some(matched);
        }
    }

    /// Calls `each` with the library index of every segment a scored customer
    /// is in, by priority.
    pub fn matched(&self, c: &Customer<'_>, mut each: impl FnMut(usize)) {
        let (mut stack, mut heap) = ([None; STACK_SEGMENTS], Vec::new());
        let results = match stack.get_mut(..self.defs.len()) {
            Some(results) => results,
            None => {
                heap.resize(self.defs.len(), None);
                &mut heap[..]
            }
        };
        self.run(c, results, &mut |_, _| {});
        self.ranking
            .iter()
            .filter(|&&i| results[i] == Some(true))
            .for_each(|&i| each(i));
    }

    /// The segment of library index `i`, as a result lists it.
    pub fn match_of(&self, i: usize) -> SegmentMatch {
        let d = &self.defs[i];
        SegmentMatch {
            id: d.id.clone(),
            name: d.name.clone(),
            goal: d.goal,
            actions: d.actions.clone(),
            priority: d.priority,
        }
    }

    /// Every segment by library index, as a result lists it: what the indexes
    /// of a result's segments stand for.
    pub fn table(&self) -> Vec<SegmentMatch> {
        (0..self.defs.len()).map(|i| self.match_of(i)).collect()
    }

    /// Every segment, matched or not, with the values that decided it, by
    /// priority. Errors: an explanation of more than [`MAX_EXPLAIN_BYTES`]
    /// (`TOO_LARGE`, path `""`), refused before it is built further.
    pub fn explain(&self, c: &Customer<'_>) -> Result<Vec<SegmentExplanation>> {
        let mut explained: Vec<Option<(Explanation, Option<bool>)>> = vec![None; self.defs.len()];
        let mut results = vec![None; self.defs.len()];
        let mut budget = MAX_EXPLAIN_BYTES;
        let mut over: Option<usize> = None;
        self.run(c, &mut results, &mut |i, ctx| {
            if over.is_some() {
                return;
            }
            let exit = self.exits[i].as_ref().map(|p| p.eval(ctx));
            match self.programs[i].explain_within(ctx, &mut budget) {
                Some(e) => explained[i] = Some((e, exit)),
                None => over = Some(i),
            }
        });
        if let Some(i) = over {
            let msg = format!(
                "expected an explanation of at most {MAX_EXPLAIN_BYTES} bytes, got more by segment {:?}: \
                 the rules are too large to explain in one call",
                crate::error::shown(&self.defs[i].id)
            );
            return Err(Error::new(ErrorCode::TooLarge, "", msg));
        }
        Ok(self
            .ranking
            .iter()
            .filter_map(|&i| {
                let (explanation, exit_reached) = explained[i].take()?;
                Some(SegmentExplanation {
                    id: self.defs[i].id.clone(),
                    name: self.defs[i].name.clone(),
                    matched: results[i] == Some(true),
                    exit_reached,
                    text: explanation.to_string(),
                    explanation,
                })
            })
            .collect())
    }
}

/// The field values of a scored customer's features, for [`Library::matched`].
pub fn rule_view<'a, N: AsRef<str>>(
    f: &'a Features<N>,
    slots: &'a [f64],
    categories: &'a Entries<'a, N, u32>,
    dimensions: &'a Entries<'a, N, f64>,
) -> Customer<'a> {
    Customer {
        slots,
        maps: [categories, dimensions],
        as_of: f.as_of,
    }
}

/// A rule's error, placed at `path` and naming the segment.
fn in_segment(e: Error, path: String, id: &str) -> Error {
    Error::new(
        e.code(),
        path,
        format!("in segment {id:?}: {}", e.message()),
    )
}

/// Refuses a configured `store` name that no segment reads (a typo such as
/// `bokos` would otherwise leave the built-ins reading `books`).
fn check_store<'p>(
    configured: &[String],
    programs: impl Iterator<Item = &'p Program>,
) -> Result<()> {
    let mut read: Vec<&str> = Vec::new();
    for program in programs {
        for key in program
            .constants()
            .filter_map(|name| name.strip_prefix("store."))
        {
            if !read.contains(&key) {
                read.push(key);
            }
        }
    }
    match configured.iter().find(|key| !read.contains(&key.as_str())) {
        None => Ok(()),
        Some(key) => {
            let suggestion = closest(key, read.iter().copied())
                .map(|s| format!(" (did you mean {s:?}?)"))
                .unwrap_or_default();
            let names: Vec<String> = read.iter().map(|k| format!("store.{k}")).collect();
            let known = if names.is_empty() {
                "none".to_string()
            } else {
                names.join(", ")
            };
            let msg = format!(
                "no segment reads store.{}{suggestion}; the segments read: {known}",
                crate::error::shown(key)
            );
            Err(Error::new(
                ErrorCode::UnknownField,
                crate::error::key_path("store", key),
                msg,
            ))
        }
    }
}

/// The rule fields of the result, by name: what `SegmentBatch` columns and
/// the docs list.
pub fn rule_fields() -> impl Iterator<Item = (&'static str, Kind, bool)> {
    FIELDS
        .iter()
        .filter(|f| f.rule)
        .map(|f| (f.path, f.kind, f.missing_possible()))
}

/// The index in [`FIELDS`] of a rule field.
pub fn rule_field(path: &str) -> Option<usize> {
    field(path).filter(|&i| FIELDS[i].rule)
}

#[allow(unused_imports)]
use rules::Limits as _RuleLimits;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::time::parse_instant;
    use crate::scoring::Scorer;

    /// A scorer with `segments` copies of `rule` and no built-ins, at the rule limits' ceilings.
    fn scorer(rule: &str, segments: usize) -> Scorer {
        let defs: Vec<Json> = (0..segments)
            .map(|i| {
                Json::Obj(vec![
                    ("id".into(), Json::Str(format!("s{i}"))),
                    ("goal".into(), Json::Str("retain".into())),
                    ("when".into(), Json::Str(rule.into())),
                ])
            })
            .collect();
        let limits = Json::parse(
            r#"{"maxRuleDepth": 128, "maxRuleNodes": 100000, "maxRuleLength": 1048576}"#,
        )
        .unwrap();
        Scorer::new(&Json::Obj(vec![
            ("builtinSegments".into(), Json::Bool(false)),
            ("limits".into(), limits),
            ("segments".into(), Json::Arr(defs)),
        ]))
        .unwrap_or_else(|e| panic!("{e}"))
    }

    fn explain(s: &Scorer) -> crate::Result<Vec<SegmentExplanation>> {
        let customer = Json::parse(
            r#"{"id": "c", "orders": [{"at": "2026-01-01", "amount": 50}, {"at": "2026-03-01", "amount": 70}]}"#,
        )
        .unwrap();
        s.explain(&customer, parse_instant("2026-11-22").unwrap())
    }

    // Issue 16, item 3: two segments at the ceilings of the rule limits took an explanation to
    // 888 MB. Each explained node shows at most MAX_EXPR_CHARS of its source, so the output is
    // linear in the rules, but a node nested 120 deep under `!` still repeats up to 160
    // characters at each level: here about 120 × 200 bytes for each 140 bytes of rule.
    #[test]
    fn hostile_03_an_explanation_is_capped_in_total() {
        // `!` 120 times (even: the operand's value) over a comparison that holds, so every
        // operand of the `&&` is evaluated and explained.
        let unit = format!("{}(value.frequency == 2)", "!".repeat(120));
        let rule = vec![unit.as_str(); 700].join(" && ");
        assert!(rule.len() < 1 << 20);
        let e = explain(&scorer(&rule, 2)).unwrap_err();
        assert_eq!((e.code(), e.path()), (ErrorCode::TooLarge, ""));
        assert_eq!(
            e.message(),
            "expected an explanation of at most 16777216 bytes, got more by segment \"s0\": the rules are too large to explain in one call"
        );
        // A tenth of it is explained, and its JSON and text are within the cap.
        let small = vec![unit.as_str(); 70].join(" && ");
        let explained = explain(&scorer(&small, 1)).unwrap();
        let bytes: usize = explained.iter().map(|e| e.to_json().to_text().len()).sum();
        assert!(bytes > 1 << 20 && bytes < MAX_EXPLAIN_BYTES, "{bytes}");
        assert_eq!(explained[0].explanation.children.len(), 70);
    }
}
