//! Segments (domain.md §4): each a rule, a goal, actions and a success measure,
//! given as data and compiled once when the scorer is created.
//!
//! The built-in library (`data/segments.json`, shipped in the npm package as
//! `segments.json` for users to copy and edit) holds the five seed segments of
//! domain.md §4 and the eleven standard RFM segments, all written in the
//! public rule language ([`crate::rules`]). A config's `segments` are added to
//! it (a segment with a built-in's id replaces it); `builtinSegments: false`
//! leaves it out. Rules read the fields listed in [`FIELDS`], the customer's
//! `categories`, and `store.*`: the store's category names from
//! `config.store` (defaults `books`, `video`, `dvd`, `music`).

use crate::customer::Customer;
use crate::error::{Error, ErrorCode, Result};
use crate::json::{expect_array, expect_number, expect_str, index_path, type_error, Json, Obj};
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

/// The first action of the highest-priority matched segment that has one.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NextBestAction {
    /// The segment it comes from.
    pub segment: String,
    /// That segment's goal.
    pub goal: Goal,
    /// The action.
    pub action: Json,
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

/// The fields rules read, with their types; optional ones may be missing.
///
/// `categories` (the customer's categories, `list(string)`) and `store.*`
/// (the configured category names) come in addition.
pub const FIELDS: &[(&str, Kind, bool)] = &[
    ("value.recencyDays", Kind::Int, true),
    ("value.frequency", Kind::Int, false),
    ("value.monetary", Kind::Double, false),
    ("value.averageOrderValue", Kind::Double, true),
    ("value.tenureDays", Kind::Int, true),
    ("value.ordersPerYear", Kind::Double, true),
    ("value.margin", Kind::Double, true),
    ("value.historicValue", Kind::Double, false),
    ("value.yearlySpend", Kind::Double, false),
    ("value.projectedValue", Kind::Double, false),
    ("value.accounts", Kind::Int, false),
    ("value.firstOrderAt", Kind::Timestamp, true),
    ("value.lastOrderAt", Kind::Timestamp, true),
    ("value.abc", Kind::String, true),
    ("value.rfm.r", Kind::Int, true),
    ("value.rfm.f", Kind::Int, true),
    ("value.rfm.m", Kind::Int, true),
    ("value.rfm.segment", Kind::String, true),
    ("value.predicted.probabilityAlive", Kind::Double, true),
    ("value.predicted.expectedPurchases", Kind::Double, true),
    ("value.predicted.expectedAverageSpend", Kind::Double, true),
    ("value.predicted.lifetimeValue", Kind::Double, true),
    ("satisfaction.gap", Kind::Double, true),
    ("satisfaction.ratio", Kind::Double, true),
    ("satisfaction.level", Kind::String, true),
    ("satisfaction.nps.score", Kind::Int, true),
    ("satisfaction.nps.category", Kind::String, true),
    ("satisfaction.repeatPurchases", Kind::Int, false),
    ("satisfaction.complaintRate", Kind::Double, true),
    ("satisfaction.returnRate", Kind::Double, true),
    ("satisfaction.referrals", Kind::Int, true),
    ("satisfaction.wordOfMouth", Kind::Double, true),
    ("loyalty.stage", Kind::String, false),
    ("loyalty.type", Kind::String, true),
    ("loyalty.lifecycle", Kind::String, false),
    ("categories", Kind::Categories, false),
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
    /// `list(string)`
    Categories,
}

impl Kind {
    fn ty(self) -> Type {
        match self {
            Kind::Int => Type::Int,
            Kind::Double => Type::Double,
            Kind::String => Type::String,
            Kind::Timestamp => Type::Timestamp,
            Kind::Categories => Type::List(Box::new(Type::String)),
        }
    }
}

/// Fills the slots of [`FIELDS`], in order, from a result.
fn slots<'a>(c: &Customer, r: &'a ScoreResult, categories: &'a [String]) -> Vec<Slot<'a>> {
    let int = |v: Option<u32>| v.map_or(Slot::Missing, |n| Slot::Int(i64::from(n)));
    let dbl = |v: Option<f64>| v.map_or(Slot::Missing, Slot::Double);
    let st = |v: Option<&'static str>| v.map_or(Slot::Missing, Slot::Str);
    let ts = |v: Option<i64>| v.map_or(Slot::Missing, Slot::Timestamp);
    let (v, s, l) = (&r.value, &r.satisfaction, &r.loyalty);
    let rfm = v.rfm.as_ref();
    let p = v.predicted.as_ref();
    vec![
        int(v.recency_days),
        Slot::Int(i64::from(v.frequency)),
        Slot::Double(v.monetary),
        dbl(v.average_order_value),
        int(v.tenure_days),
        dbl(v.orders_per_year),
        dbl(v.margin),
        Slot::Double(v.historic_value),
        Slot::Double(v.yearly_spend),
        Slot::Double(v.projected_value),
        Slot::Int(i64::from(v.accounts)),
        ts(c.orders.first().map(|o| o.at)),
        ts(c.orders.last().map(|o| o.at)),
        st(v.abc.map(|a| a.as_str())),
        int(rfm.map(|x| u32::from(x.r))),
        int(rfm.map(|x| u32::from(x.f))),
        int(rfm.map(|x| u32::from(x.m))),
        st(rfm.map(|x| x.segment)),
        dbl(p.map(|p| p.probability_alive)),
        dbl(p.map(|p| p.expected_purchases)),
        dbl(p.and_then(|p| p.expected_average_spend)),
        dbl(p.and_then(|p| p.lifetime_value)),
        dbl(s.gap),
        dbl(s.ratio),
        st(s.level.map(|x| x.as_str())),
        int(s.nps.map(|n| u32::from(n.score))),
        st(s.nps.map(|n| n.category.as_str())),
        Slot::Int(i64::from(s.repeat_purchases)),
        dbl(s.complaint_rate),
        dbl(s.return_rate),
        int(s.referrals),
        dbl(s.word_of_mouth),
        Slot::Str(l.stage.as_str()),
        st(l.kind.map(|k| k.as_str())),
        Slot::Str(l.lifecycle.as_str()),
        Slot::List(categories),
    ]
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
    /// Values of the `store.*` slots, after the slots of [`FIELDS`].
    store: Vec<String>,
}

/// Most entries of `config.store` (each becomes a `store.*` field; names are matched pairwise).
pub const MAX_STORE_NAMES: usize = 1000;

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
        if let Some(v) = o.get("store") {
            let entries = crate::json::expect_map(v, "store")?;
            let n = entries.entries().count();
            if n > MAX_STORE_NAMES {
                let msg = format!("expected at most {MAX_STORE_NAMES} category names, got {n}");
                return Err(Error::new(ErrorCode::TooLarge, "store", msg));
            }
            for (key, name) in entries.entries() {
                let name = expect_str(name, &format!("store.{key}"))?.to_string();
                match store.iter_mut().find(|(k, _)| k == key) {
                    Some(slot) => slot.1 = name,
                    None => store.push((key.to_string(), name)),
                }
            }
        }
        let mut defs: Vec<(String, Definition)> = Vec::new();
        if builtin {
            let data = Json::parse(BUILTIN)?;
            for (i, item) in expect_array(&data, "", limits.max_segments)?.iter().enumerate() {
                let path = format!("builtin{}", index_path("", i));
                defs.push((path.clone(), read_definition(item, &path)?));
            }
        }
        if let Some(v) = o.get("segments") {
            let items = expect_array(v, "segments", limits.max_segments)?;
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
        if defs.len() > limits.max_segments {
            return Err(Error::new(
                ErrorCode::TooLarge,
                "segments",
                format!("expected at most {} segments (built-ins included), got {}", limits.max_segments, defs.len()),
            ));
        }
        let schema = schema(&defs, &store);
        let compile_rule = |source: &str, path: String, id: &str| {
            compile(source, &schema, &limits.rule)
                .map_err(|e| Error::new(e.code(), path, format!("in segment {id:?}: {}", e.message())))
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
        let order = evaluation_order(&schema, &programs).map_err(|e| e.under("segments"))?;
        let defs: Vec<Definition> = defs.into_iter().map(|(_, d)| d).collect();
        let mut ranking: Vec<usize> = (0..defs.len()).collect();
        ranking.sort_unstable_by(|&a, &b| defs[a].priority.total_cmp(&defs[b].priority).then(a.cmp(&b)));
        Ok(Library { defs, programs, exits, order, ranking, store: store.into_iter().map(|(_, v)| v).collect() })
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

    /// The store's category names, the values of the `store.*` slots after [`FIELDS`].
    pub(crate) fn store_names(&self) -> &[String] {
        &self.store
    }

    /// Evaluates every rule for a scored customer, in dependency order.
    fn run(&self, c: &Customer, r: &ScoreResult, as_of: i64, each: &mut dyn FnMut(usize, &Program, &Context<'_>)) -> Vec<Option<bool>> {
        let categories: Vec<String> = r.value.categories.keys().map(str::to_string).collect();
        let mut slots = slots(c, r, &categories);
        slots.extend(self.store.iter().map(|s| Slot::Str(s)));
        let bought = |cat: &str| r.value.categories.get(cat).copied().unwrap_or(0);
        let mut results = vec![None; self.defs.len()];
        for &i in &self.order {
            let ctx = Context { slots: &slots, bought: &bought, as_of_ms: as_of, segments: &results };
            let matched = self.programs[i].eval(&ctx);
            each(i, &self.programs[i], &ctx);
            results[i] = Some(matched);
        }
        results
    }

    /// The segments a scored customer is in, by priority, and the next best action.
    pub fn evaluate(&self, c: &Customer, r: &ScoreResult, as_of: i64) -> (Vec<SegmentMatch>, Option<NextBestAction>) {
        let results = self.run(c, r, as_of, &mut |_, _, _| {});
        let matches: Vec<SegmentMatch> = self
            .ranking
            .iter()
            .filter(|&&i| results[i] == Some(true))
            .map(|&i| {
                let d = &self.defs[i];
                SegmentMatch { id: d.id.clone(), name: d.name.clone(), goal: d.goal, actions: d.actions.clone(), priority: d.priority }
            })
            .collect();
        let next = matches.iter().find_map(|m| {
            m.actions.first().map(|a| NextBestAction { segment: m.id.clone(), goal: m.goal, action: a.clone() })
        });
        (matches, next)
    }

    /// Every segment, matched or not, with the values that decided it, by priority.
    pub fn explain(&self, c: &Customer, r: &ScoreResult, as_of: i64) -> Vec<SegmentExplanation> {
        let mut explained: Vec<Option<(Explanation, Option<bool>)>> = vec![None; self.defs.len()];
        let results = self.run(c, r, as_of, &mut |i, program, ctx| {
            let exit = self.exits[i].as_ref().map(|p| p.eval(ctx));
            explained[i] = Some((program.explain(ctx), exit));
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

fn schema(defs: &[(String, Definition)], store: &[(String, String)]) -> Schema {
    let mut schema = Schema::new();
    for (slot, (name, kind, optional)) in FIELDS.iter().enumerate() {
        schema.add_field(name, kind.ty(), *optional, slot);
    }
    for (i, (key, _)) in store.iter().enumerate() {
        schema.add_field(&format!("store.{key}"), Type::String, false, FIELDS.len() + i);
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
