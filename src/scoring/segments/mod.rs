//! Segments (domain.md §4): each a rule, a goal, actions and a success measure,
//! given as data and compiled once when the scorer is created.
//!
//! The built-in library (`data/segments.json`, shipped in the npm package as
//! `segments.json` for users to copy and edit) holds the five seed segments of
//! domain.md §4 and the eleven standard RFM segments, all written in the
//! public rule language ([`crate::rules`]). A config's `segments` are added to
//! it (a segment with a built-in's id replaces it); `builtinSegments: false`
//! leaves it out. Rules read the fields listed in [`FIELDS`] and `store.*`:
//! the store's category names from `config.store` (defaults `books`, `video`,
//! `dvd`, `music`), compiled into the rules as constants. A configured name
//! that no segment reads is refused as a likely typo.

use crate::customer::Customer;
use crate::error::{Error, ErrorCode, Result};
use crate::json::{closest, expect_array, expect_number, expect_str, index_path, type_error, Json, Obj};
use crate::rules::{self, compile, evaluation_order, Context, Explanation, Program, Schema, Slot, Type};
use crate::score::ScoreResult;
use serde::Serialize;

/// The built-in segment library, as data.
pub const BUILTIN: &str = include_str!("../data/segments.json");

/// What a segment aims at (domain.md §4 and the CRM "ABC": acquire, build, care).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Goal {
    /// Win a customer who has not bought yet.
    Acquire,
    /// A second purchase.
    Repeat,
    /// Buy more often.
    Intensify,
    /// Buy in another category.
    CrossSell,
    /// Buy a higher-value product.
    UpSell,
    /// Keep a valuable customer.
    Retain,
    /// Bring back a lapsed customer.
    WinBack,
    /// Look after an unhappy customer.
    Care,
}

const GOALS: [Goal; 8] =
    [Goal::Acquire, Goal::Repeat, Goal::Intensify, Goal::CrossSell, Goal::UpSell, Goal::Retain, Goal::WinBack, Goal::Care];

impl Goal {
    /// The goal's name in segment definitions and results, e.g. `"cross-sell"`.
    pub fn as_str(self) -> &'static str {
        match self {
            Goal::Acquire => "acquire",
            Goal::Repeat => "repeat",
            Goal::Intensify => "intensify",
            Goal::CrossSell => "cross-sell",
            Goal::UpSell => "up-sell",
            Goal::Retain => "retain",
            Goal::WinBack => "win-back",
            Goal::Care => "care",
        }
    }
}

impl Serialize for Goal {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

/// A segment definition as given.
#[derive(Debug, Clone, PartialEq)]
pub struct Definition {
    /// Stable id, e.g. `book-buyers`.
    pub id: String,
    /// Display name.
    pub name: String,
    /// The member rule.
    pub when: String,
    /// The goal.
    pub goal: Goal,
    /// Actions, strings or objects the caller renders.
    pub actions: Vec<Json>,
    /// Lower comes first in results (default 100); ties keep definition order.
    pub priority: f64,
    /// The success measure: the customer has reached the segment's goal.
    pub exit_when: Option<String>,
}

/// A segment the customer matched.
#[derive(Debug, Clone, PartialEq, Serialize)]
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

/// What to do next: the highest-priority matched segment, its goal and its first action.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NextBestAction {
    /// The segment it comes from.
    pub segment: String,
    /// That segment's goal.
    pub goal: Goal,
    /// The segment's first action; `None` (`null`) when it has none.
    pub action: Option<Json>,
}

/// Why a customer is or is not in a segment.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
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

/// Limits on segment definitions, so a hostile config cannot hang a tab or a worker.
#[derive(Debug, Clone, PartialEq)]
pub struct SegmentLimits {
    /// Most segments, built-ins included (default 256).
    pub max_segments: usize,
    /// Rule length, nesting depth and size.
    pub rule: rules::Limits,
}

impl Default for SegmentLimits {
    fn default() -> Self {
        SegmentLimits { max_segments: 256, rule: rules::Limits::default() }
    }
}

/// A field rules read: its name, type, whether it may be missing, and how
/// it is read from a scored customer.
#[derive(Debug, Clone, Copy)]
pub struct FieldDef {
    /// The name rules use, e.g. `value.recencyDays`.
    pub name: &'static str,
    /// Its type.
    pub kind: Kind,
    /// Whether it may be missing for some customers.
    pub optional: bool,
    read: Read,
}

/// How a field is read from a scored customer.
type Read = for<'a> fn(&'a Customer, &'a ScoreResult) -> Slot<'a>;

const fn field(name: &'static str, kind: Kind, optional: bool, read: Read) -> FieldDef {
    FieldDef { name, kind, optional, read }
}

fn int(v: Option<u32>) -> Slot<'static> {
    v.map_or(Slot::Missing, |n| Slot::Int(i64::from(n)))
}

fn num(v: Option<f64>) -> Slot<'static> {
    v.map_or(Slot::Missing, Slot::Double)
}

fn text(v: Option<&str>) -> Slot<'_> {
    v.map_or(Slot::Missing, Slot::Str)
}

fn at(v: Option<&crate::customer::Order>) -> Slot<'static> {
    v.map_or(Slot::Missing, |o| Slot::Timestamp(o.at))
}

/// Every field rules read: the numbers, strings and maps of the result's
/// `value`, `satisfaction` and `loyalty` (one line each, read from the
/// result), and `categories`, the customer's categories as a list.
/// `store.*` (the configured category names) come in addition.
pub const FIELDS: &[FieldDef] = &[
    field("value.recencyDays", Kind::Int, true, |_, r| int(r.value.recency_days)),
    field("value.frequency", Kind::Int, false, |_, r| int(Some(r.value.frequency))),
    field("value.monetary", Kind::Double, false, |_, r| num(Some(r.value.monetary))),
    field("value.averageOrderValue", Kind::Double, true, |_, r| num(r.value.average_order_value)),
    field("value.tenureDays", Kind::Int, true, |_, r| int(r.value.tenure_days)),
    field("value.ordersPerYear", Kind::Double, true, |_, r| num(r.value.orders_per_year)),
    field("value.margin", Kind::Double, true, |_, r| num(r.value.margin)),
    field("value.historicValue", Kind::Double, false, |_, r| num(Some(r.value.historic_value))),
    field("value.yearlySpend", Kind::Double, false, |_, r| num(Some(r.value.yearly_spend))),
    field("value.projectedValue", Kind::Double, false, |_, r| num(Some(r.value.projected_value))),
    field("value.accounts", Kind::Int, false, |_, r| int(Some(r.value.accounts))),
    field("value.categories", Kind::IntMap, false, |_, r| Slot::IntMap(&r.value.categories)),
    field("value.firstOrderAt", Kind::Timestamp, true, |c, _| at(c.orders.first())),
    field("value.lastOrderAt", Kind::Timestamp, true, |c, _| at(c.orders.last())),
    field("value.abc", Kind::String, true, |_, r| text(r.value.abc.map(|a| a.as_str()))),
    field("value.rfm.r", Kind::Int, true, |_, r| int(r.value.rfm.map(|x| u32::from(x.r)))),
    field("value.rfm.f", Kind::Int, true, |_, r| int(r.value.rfm.map(|x| u32::from(x.f)))),
    field("value.rfm.m", Kind::Int, true, |_, r| int(r.value.rfm.map(|x| u32::from(x.m)))),
    field("value.rfm.segment", Kind::String, true, |_, r| text(r.value.rfm.map(|x| x.segment))),
    field("value.predicted.probabilityAlive", Kind::Double, true, |_, r| num(r.value.predicted.map(|p| p.probability_alive))),
    field("value.predicted.expectedPurchases", Kind::Double, true, |_, r| num(r.value.predicted.map(|p| p.expected_purchases))),
    field("value.predicted.expectedAverageSpend", Kind::Double, true, |_, r| {
        num(r.value.predicted.and_then(|p| p.expected_average_spend))
    }),
    field("value.predicted.lifetimeValue", Kind::Double, true, |_, r| num(r.value.predicted.and_then(|p| p.lifetime_value))),
    field("satisfaction.gap", Kind::Double, true, |_, r| num(r.satisfaction.gap)),
    field("satisfaction.ratio", Kind::Double, true, |_, r| num(r.satisfaction.ratio)),
    field("satisfaction.dimensions", Kind::DoubleMap, false, |_, r| Slot::DoubleMap(&r.satisfaction.dimensions)),
    field("satisfaction.level", Kind::String, true, |_, r| text(r.satisfaction.level.map(|x| x.as_str()))),
    field("satisfaction.zone", Kind::String, true, |_, r| text(r.satisfaction.zone.map(|z| z.as_str()))),
    field("satisfaction.nps.score", Kind::Int, true, |_, r| int(r.satisfaction.nps.map(|n| u32::from(n.score)))),
    field("satisfaction.nps.category", Kind::String, true, |_, r| text(r.satisfaction.nps.map(|n| n.category.as_str()))),
    field("satisfaction.repeatPurchases", Kind::Int, false, |_, r| int(Some(r.satisfaction.repeat_purchases))),
    field("satisfaction.complaintRate", Kind::Double, true, |_, r| num(r.satisfaction.complaint_rate)),
    field("satisfaction.returnRate", Kind::Double, true, |_, r| num(r.satisfaction.return_rate)),
    field("satisfaction.referrals", Kind::Int, true, |_, r| int(r.satisfaction.referrals)),
    field("satisfaction.wordOfMouth", Kind::Double, true, |_, r| num(r.satisfaction.word_of_mouth)),
    field("loyalty.stage", Kind::String, false, |_, r| Slot::Str(r.loyalty.stage.as_str())),
    field("loyalty.type", Kind::String, true, |_, r| text(r.loyalty.kind.map(|k| k.as_str()))),
    field("loyalty.lifecycle", Kind::String, false, |_, r| Slot::Str(r.loyalty.lifecycle.as_str())),
    field("categories", Kind::Categories, false, |_, r| Slot::Keys(&r.value.categories)),
];

/// Field types of [`FIELDS`] (a `const`-friendly mirror of [`rules::Type`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// `int`
    Int,
    /// `double`
    Double,
    /// `string`
    String,
    /// `timestamp`
    Timestamp,
    /// `list(string)`: the names of a map
    Categories,
    /// `map(string, int)`
    IntMap,
    /// `map(string, double)`
    DoubleMap,
}

impl Kind {
    fn ty(self) -> Type {
        match self {
            Kind::Int => Type::Int,
            Kind::Double => Type::Double,
            Kind::String => Type::String,
            Kind::Timestamp => Type::Timestamp,
            Kind::Categories => Type::List(Box::new(Type::String)),
            Kind::IntMap => Type::Map(Box::new(Type::Int)),
            Kind::DoubleMap => Type::Map(Box::new(Type::Double)),
        }
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
    /// The slots (indexes into [`FIELDS`]) some rule reads, each once: the
    /// others are not read for a customer.
    used: Vec<usize>,
}

/// Most entries of `config.store` (each becomes a `store.*` field; names are matched pairwise).
pub const MAX_STORE_NAMES: usize = 1000;

/// Most segments a library holds, whatever the limits say.
const MAX_SEGMENTS: usize = crate::config::MAX_SEGMENTS_CAP;

/// Segments whose per-customer results fit in a buffer on the stack (the
/// default `limits.maxSegments`); a larger library allocates one per customer.
const STACK_SEGMENTS: usize = 256;

/// Slots of one customer's fields, one per entry of [`FIELDS`].
const SLOTS: usize = FIELDS.len();

const SEGMENT_KEYS: &[&str] = &["id", "name", "when", "goal", "actions", "priority", "exitWhen"];
const DEFAULT_STORE: [(&str, &str); 4] = [("books", "books"), ("video", "video"), ("dvd", "dvd"), ("music", "music")];

impl Library {
    /// Reads and compiles the segments of a config object (`segments`,
    /// `builtinSegments`, `store`), with the built-in library unless disabled.
    ///
    /// ```
    /// use crmscore::{json::Json, segment::{Library, SegmentLimits}};
    /// let config = Json::parse(r#"{"builtinSegments": false, "segments": [
    ///     {"id": "big", "when": "value.monetary > 'x'", "goal": "retain"}]}"#).unwrap();
    /// let err = Library::from_config(&config, &SegmentLimits::default()).unwrap_err();
    /// assert_eq!(err.path(), "segments[0].when");
    /// assert!(err.message().starts_with("in segment \"big\": line 1, column 16"));
    /// ```
    pub fn from_config(config: &Json, limits: &SegmentLimits) -> Result<Library> {
        let o = Obj::new(config, "", crate::config::CONFIG_KEYS)?;
        let builtin = match o.get("builtinSegments") {
            Some(v) => crate::json::expect_bool(v, "builtinSegments")?,
            None => true,
        };
        let mut store: Vec<(String, String)> = DEFAULT_STORE.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        let mut configured_store = Vec::new();
        if let Some(v) = o.get("store") {
            let entries = crate::json::expect_map(v, "store")?;
            let n = entries.entries().count();
            if n > MAX_STORE_NAMES {
                let msg = format!("expected at most {MAX_STORE_NAMES} category names, got {n}");
                return Err(Error::new(ErrorCode::TooLarge, "store", msg));
            }
            for (key, name) in entries.entries() {
                let name = expect_str(name, &format!("store.{key}"))?.to_string();
                configured_store.push(key);
                match store.iter_mut().find(|(k, _)| k == key) {
                    Some(slot) => slot.1 = name,
                    None => store.push((key.to_string(), name)),
                }
            }
        }
        let max_segments = limits.max_segments.min(MAX_SEGMENTS);
        let mut defs: Vec<(String, Definition)> = Vec::new();
        let builtin_data = if builtin { Json::parse(BUILTIN)? } else { Json::Arr(Vec::new()) };
        let builtins = expect_array(&builtin_data, "", usize::MAX)?;
        let too_many = |n: usize| {
            let counted = if builtin {
                format!(", of which {} are built-ins (`builtinSegments: false` leaves them out)", builtins.len())
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
        if let Some(v) = o.get("segments") {
            let items = expect_array(v, "segments", usize::MAX)?;
            if items.len() > max_segments {
                return Err(too_many(items.len()));
            }
            let mut seen: Vec<String> = Vec::new();
            for (i, item) in items.iter().enumerate() {
                let path = index_path("segments", i);
                let def = read_definition(item, &path)?;
                if seen.contains(&def.id) {
                    return Err(Error::new(ErrorCode::InvalidSegment, path + ".id", format!("duplicate segment id {:?}", def.id)));
                }
                seen.push(def.id.clone());
                match defs.iter_mut().find(|(_, d)| d.id == def.id) {
                    Some(slot) => *slot = (path, def),
                    None => defs.push((path, def)),
                }
            }
        }
        if defs.len() > max_segments {
            return Err(too_many(defs.len()));
        }
        let schema = schema(&defs, &store);
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
        check_store(&configured_store, programs.iter().chain(exits.iter().flatten()))?;
        let order = evaluation_order(&schema, &programs).map_err(|cycle| {
            let (path, d) = &defs[cycle.segment];
            in_segment(cycle.error, format!("{path}.when"), &d.id)
        })?;
        let defs: Vec<Definition> = defs.into_iter().map(|(_, d)| d).collect();
        let mut ranking: Vec<usize> = (0..defs.len()).collect();
        crate::sort::heapsort(&mut ranking, |&a, &b| defs[a].priority.total_cmp(&defs[b].priority).then(a.cmp(&b)).is_lt());
        let mut read = [false; SLOTS];
        programs.iter().chain(exits.iter().flatten()).flat_map(Program::slots).for_each(|i| read[i] = true);
        let used = (0..SLOTS).filter(|&i| read[i]).collect();
        Ok(Library { defs, programs, exits, order, ranking, used })
    }

    /// The definitions, in library order.
    pub fn definitions(&self) -> &[Definition] {
        &self.defs
    }

    /// The compiled member rules, in library order.
    pub(crate) fn programs(&self) -> &[Program] {
        &self.programs
    }

    /// Library indexes in an order where each segment comes after those it references.
    pub(crate) fn evaluation_order(&self) -> &[usize] {
        &self.order
    }

    /// Evaluates every rule for a scored customer, in dependency order, into
    /// `results` (one per definition), without allocating: the slots borrow
    /// from the result and live on the stack, and only those rules read are filled.
    fn run(
        &self,
        c: &Customer,
        r: &ScoreResult,
        as_of: i64,
        results: &mut [Option<bool>],
        each: &mut dyn FnMut(usize, &Context<'_>),
    ) {
        let mut slots = [Slot::Missing; SLOTS];
        for &i in &self.used {
            slots[i] = (FIELDS[i].read)(c, r);
        }
        let bought = |cat: &str| r.value.categories.get(cat).copied().unwrap_or(0);
        for &i in &self.order {
            let ctx = Context { slots: &slots, bought: &bought, as_of_ms: as_of, segments: results };
            let matched = self.programs[i].eval(&ctx);
            each(i, &ctx);
            results[i] = Some(matched);
        }
    }

    /// Calls `each` with the library index of every segment a scored customer
    /// is in, by priority.
    pub(crate) fn matched(&self, c: &Customer, r: &ScoreResult, as_of: i64, mut each: impl FnMut(usize)) {
        let (mut stack, mut heap) = ([None; STACK_SEGMENTS], Vec::new());
        let results = match stack.get_mut(..self.defs.len()) {
            Some(results) => results,
            None => {
                heap.resize(self.defs.len(), None);
                &mut heap[..]
            }
        };
        self.run(c, r, as_of, results, &mut |_, _| {});
        self.ranking.iter().filter(|&&i| results[i] == Some(true)).for_each(|&i| each(i));
    }

    /// The segment of library index `i`, as a result lists it.
    pub(crate) fn match_of(&self, i: usize) -> SegmentMatch {
        let d = &self.defs[i];
        SegmentMatch { id: d.id.clone(), name: d.name.clone(), goal: d.goal, actions: d.actions.clone(), priority: d.priority }
    }

    /// Every segment by library index, as a result lists it: what the indexes
    /// of [`crate::tape::Flat::score`] stand for.
    pub fn table(&self) -> Vec<SegmentMatch> {
        (0..self.defs.len()).map(|i| self.match_of(i)).collect()
    }

    /// The segments a scored customer is in, by priority, and the next best
    /// action: the first matched segment's goal and first action (`None` if it has none).
    pub fn evaluate(&self, c: &Customer, r: &ScoreResult, as_of: i64) -> (Vec<SegmentMatch>, Option<NextBestAction>) {
        let mut matches = Vec::new();
        self.matched(c, r, as_of, |i| matches.push(self.match_of(i)));
        let next = matches
            .first()
            .map(|m| NextBestAction { segment: m.id.clone(), goal: m.goal, action: m.actions.first().cloned() });
        (matches, next)
    }

    /// Every segment, matched or not, with the values that decided it, by priority.
    pub fn explain(&self, c: &Customer, r: &ScoreResult, as_of: i64) -> Vec<SegmentExplanation> {
        let mut explained: Vec<Option<(Explanation, Option<bool>)>> = vec![None; self.defs.len()];
        let mut results = vec![None; self.defs.len()];
        self.run(c, r, as_of, &mut results, &mut |i, ctx| {
            let exit = self.exits[i].as_ref().map(|p| p.eval(ctx));
            explained[i] = Some((self.programs[i].explain(ctx), exit));
        });
        self.ranking
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
            .collect()
    }
}

/// A rule's error, placed at `path` and naming the segment.
fn in_segment(e: Error, path: String, id: &str) -> Error {
    Error::new(e.code(), path, format!("in segment {id:?}: {}", e.message()))
}

/// Refuses a configured `store` name that no segment reads (a typo such as
/// `bokos` would otherwise leave the built-ins reading `books`).
fn check_store<'p>(configured: &[&str], programs: impl Iterator<Item = &'p Program>) -> Result<()> {
    let mut read: Vec<&str> = Vec::new();
    for program in programs {
        for key in program.constants().filter_map(|name| name.strip_prefix("store.")) {
            if !read.contains(&key) {
                read.push(key);
            }
        }
    }
    match configured.iter().find(|key| !read.contains(key)) {
        None => Ok(()),
        Some(key) => {
            let suggestion = closest(key, read.iter().copied()).map(|s| format!(" (did you mean {s:?}?)")).unwrap_or_default();
            let names: Vec<String> = read.iter().map(|k| format!("store.{k}")).collect();
            let known = if names.is_empty() { "none".to_string() } else { names.join(", ") };
            let msg = format!("no segment reads store.{key}{suggestion}; the segments read: {known}");
            Err(Error::new(ErrorCode::UnknownField, format!("store.{key}"), msg))
        }
    }
}

fn schema(defs: &[(String, Definition)], store: &[(String, String)]) -> Schema {
    let mut schema = Schema::new();
    for (slot, f) in FIELDS.iter().enumerate() {
        schema.add_field(f.name, f.kind.ty(), f.optional, slot);
    }
    for (key, name) in store {
        schema.add_constant(&format!("store.{key}"), name);
    }
    for (_, d) in defs {
        schema.add_segment(&d.id);
    }
    schema
}

fn read_definition(v: &Json, path: &str) -> Result<Definition> {
    let o = Obj::new(v, path, SEGMENT_KEYS)?;
    let id = expect_str(o.req("id")?, &o.path_of("id"))?;
    if id.is_empty() || id.len() > 64 {
        return Err(Error::new(ErrorCode::OutOfRange, o.path_of("id"), "expected an id of 1 to 64 characters"));
    }
    let goal_text = expect_str(o.req("goal")?, &o.path_of("goal"))?;
    let goal = GOALS.iter().copied().find(|g| g.as_str() == goal_text).ok_or_else(|| {
        let names: Vec<&str> = GOALS.iter().map(|g| g.as_str()).collect();
        Error::new(ErrorCode::OutOfRange, o.path_of("goal"), format!("expected one of {}, got {goal_text:?}", names.join(", ")))
    })?;
    let actions = match o.get("actions") {
        Some(v) => {
            let items = expect_array(v, &o.path_of("actions"), 32)?;
            for (i, a) in items.iter().enumerate() {
                if !matches!(a, Json::Str(_) | Json::Obj(_)) {
                    return Err(type_error(&index_path(&o.path_of("actions"), i), "a string or an object", a));
                }
            }
            items.to_vec()
        }
        None => Vec::new(),
    };
    Ok(Definition {
        id: id.to_string(),
        name: o.opt("name", |v, p| expect_str(v, p).map(str::to_string))?.unwrap_or_else(|| id.to_string()),
        when: expect_str(o.req("when")?, &o.path_of("when"))?.to_string(),
        goal,
        actions,
        priority: o.opt("priority", expect_number)?.unwrap_or(100.0),
        exit_when: o.opt("exitWhen", |v, p| expect_str(v, p).map(str::to_string))?,
    })
}
