//! Scorer configuration: every threshold of the model, with the defaults of
//! `domain.md`, the segment definitions and the limits, read from loose input
//! with unknown keys refused. Every default of the package is here.

use crate::error::{index_path, Error, ErrorCode, Result};
use crate::input::customer::Limits;
use crate::input::json::{
    expect_array, expect_bool, expect_in_range, expect_map, expect_non_negative, expect_number,
    expect_str, format_number, type_error, Json, Obj,
};
use crate::model::{Model, RfmEdges, SatisfactionCuts};
use crate::rules;

/// Lifetime-value projection (`config.lifetime`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Lifetime {
    /// Years projected (default 5).
    pub horizon_years: f64,
    /// Share of spend that is margin, for orders without a cost (default 1: value = spend).
    pub margin_rate: f64,
    /// Probability a customer active this year is still one next year (default 0.8).
    pub retention_rate: f64,
    /// Yearly discount rate of future value (default 0.1).
    pub discount_rate: f64,
    /// Whether `value.predicted` carries 90% intervals from the model's
    /// parameter uncertainty (default false: they cost four more predictions
    /// per customer).
    pub intervals: bool,
}

/// Value-based ABC classes (`config.abc`): A from `a` up, B from `b` up, C below.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Abc {
    /// Lowest historic value of an A customer.
    pub a: f64,
    /// Lowest historic value of a B customer.
    pub b: f64,
    /// Cost to serve one order.
    pub per_order: f64,
    /// Cost of handling one complaint.
    pub per_complaint: f64,
    /// Cost of handling one return.
    pub per_return: f64,
}

/// Satisfaction thresholds (`config.satisfaction`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SatisfactionConfig {
    /// Gap at and above which a customer is basically satisfied (default 0: perception meets expectation).
    pub basic: f64,
    /// Gap at and above which a customer is satisfied (default 0.5).
    pub satisfied: f64,
    /// Gap at and above which a customer is delighted (default 1).
    pub delighted: f64,
    /// People a satisfied or delighted customer tells (default 12).
    pub word_of_mouth_satisfied: f64,
    /// People a dissatisfied customer tells, negative (default -20).
    pub word_of_mouth_dissatisfied: f64,
    /// The 15th and 85th percentiles of the population's gaps, from the model
    /// (`model.satisfaction`); they place a customer in a zone.
    pub percentiles: Option<SatisfactionCuts>,
}

/// Loyalty rules (`config.loyalty`).
#[derive(Debug, Clone, PartialEq)]
pub struct LoyaltyConfig {
    /// A customer is `new` while their tenure is under this many days (default 90).
    pub new_max_days: f64,
    /// Tenure in days from which a customer can be `longstanding` (default 365).
    pub longstanding_min_days: f64,
    /// Orders from which a customer can be `longstanding` (default 4).
    pub longstanding_min_orders: f64,
    /// Tenure in days from which a customer can be `loyal` (default 730).
    pub loyal_min_days: f64,
    /// Orders from which a customer can be `loyal` (default 8).
    pub loyal_min_orders: f64,
    /// A `loyal` customer bought within this many days (default 180).
    pub loyal_max_recency_days: f64,
    /// Orders per year from which repeat purchase counts as high (default 4).
    pub repeat_min_orders_per_year: f64,
    /// Share of discounted orders from which loyalty is `price` loyalty (default 0.5).
    pub price_share: f64,
    /// Share of orders through incentive channels from which loyalty is `incentive` (default 0.5).
    pub incentive_share: f64,
    /// Channels that carry a reward or promotion (default `promotion`, `reward`, `coupon`).
    pub incentive_channels: Vec<String>,
    /// The customer has no alternative (a utility): repeat buyers are `monopoly` loyal (default false).
    pub monopoly: bool,
    /// Window in days over which order rates are compared for the lifecycle (default 180).
    pub window_days: f64,
    /// Days without an order after which a relationship is in `decline` (default 365).
    pub lapse_days: f64,
    /// Relative rise of the order rate that marks `formation` (default 0.25).
    pub growth: f64,
    /// Relative fall of the order rate that marks `decline` (default 0.25).
    pub decline: f64,
}

/// Everything a [`crate::Scorer`] is configured with.
#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    /// Lifetime-value projection.
    pub lifetime: Lifetime,
    /// Days below which tenure is not annualised (default 90: a rate needs a quarter of history).
    pub rate_floor_days: f64,
    /// ABC value thresholds; no ABC class without them.
    pub abc: Option<Abc>,
    /// RFM quintile edges; no RFM scores without them.
    pub rfm: Option<RfmEdges>,
    /// A fitted population model: ABC thresholds and RFM edges when the two
    /// above are not given, and predictions (`value.predicted`).
    pub model: Option<Model>,
    /// Satisfaction thresholds.
    pub satisfaction: SatisfactionConfig,
    /// Loyalty rules.
    pub loyalty: LoyaltyConfig,
    /// Input size caps.
    pub limits: Limits,
    /// Caps on segment definitions and rules.
    pub segment_limits: SegmentLimits,
    /// The segments: built-ins, the caller's, and the store's category names.
    pub segments: Segments,
    /// Weighted scorecards (`scorecards`), compiled with the segments.
    pub scorecards: Vec<crate::scoring::scorecards::ScorecardDef>,
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
        SegmentLimits {
            max_segments: 256,
            rule: rules::Limits::default(),
        }
    }
}

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

/// Every goal, in the order of [`Goal::as_str`]'s names.
pub const GOALS: [Goal; 8] = [
    Goal::Acquire,
    Goal::Repeat,
    Goal::Intensify,
    Goal::CrossSell,
    Goal::UpSell,
    Goal::Retain,
    Goal::WinBack,
    Goal::Care,
];

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
    /// Per action, when it is due (an action object's `afterDays` and `from`).
    pub schedules: Vec<Option<crate::scoring::cadence::Schedule>>,
}

/// The segments a config asks for.
#[derive(Debug, Clone, PartialEq)]
pub struct Segments {
    /// Whether the built-in library is included (`builtinSegments`, default true).
    pub builtin: bool,
    /// The caller's definitions (`segments`), read with [`read_definition`]
    /// once their number is checked against the limits.
    pub defined: Vec<Json>,
    /// The store's category names by key (`store.books` → `"books"`): the defaults, then the configured ones.
    pub store: Vec<(String, String)>,
    /// The keys the config set in `store`, which some rule must read.
    pub configured_store: Vec<String>,
}

/// The store's category names rules read as `store.<key>` unless configured.
pub const DEFAULT_STORE: [(&str, &str); 4] = [
    ("books", "books"),
    ("video", "video"),
    ("dvd", "dvd"),
    ("music", "music"),
];

/// Most entries of `config.store` (each becomes a `store.*` field; names are matched pairwise).
pub const MAX_STORE_NAMES: usize = 1000;

impl Default for Segments {
    fn default() -> Self {
        Segments {
            builtin: true,
            defined: Vec::new(),
            store: DEFAULT_STORE
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            configured_store: Vec::new(),
        }
    }
}

const SEGMENT_KEYS: &[&str] = &[
    "id", "name", "when", "goal", "actions", "priority", "exitWhen",
];

/// Refuses what an action cannot give back as it was given: a value JSON
/// cannot hold (a BigInt, a circular reference, data nested past 128 levels)
/// or a number that is not finite, which results would otherwise show as `null`.
fn json_data(v: &Json, path: &str) -> Result<()> {
    match v {
        Json::Other(_) => Err(type_error(path, "JSON data", v)),
        Json::Num(n) if !n.is_finite() => Err(Error::new(
            ErrorCode::NotFinite,
            path,
            format!("expected a finite number, got {}", v.describe()),
        )),
        Json::Arr(items) => items
            .iter()
            .enumerate()
            .try_for_each(|(i, x)| json_data(x, &index_path(path, i))),
        Json::Obj(entries) => entries
            .iter()
            .try_for_each(|(k, x)| json_data(x, &crate::error::key_path(path, k))),
        _ => Ok(()),
    }
}

/// Longest segment id, in bytes.
pub const MAX_SEGMENT_ID_BYTES: usize = 64;

/// Reads a segment definition at `path`.
pub fn read_definition(v: &Json, path: &str) -> Result<Definition> {
    let o = Obj::new(v, path, SEGMENT_KEYS)?;
    let id = expect_str(o.req("id")?, &o.path_of("id"))?;
    if id.is_empty() || id.len() > MAX_SEGMENT_ID_BYTES {
        return Err(Error::new(
            ErrorCode::OutOfRange,
            o.path_of("id"),
            format!(
                "expected an id of 1 to {MAX_SEGMENT_ID_BYTES} bytes of UTF-8, got {}",
                id.len()
            ),
        ));
    }
    // Ids end up in CSV cells, log lines and headers, where a line break would forge a row.
    if let Some(c) = id.chars().find(|c| c.is_control()) {
        return Err(Error::new(
            ErrorCode::OutOfRange,
            o.path_of("id"),
            format!(
                "expected an id without control characters (line breaks, tabs, U+0000...), got {} with {}",
                Json::Str(id.to_string()).describe(),
                c.escape_unicode()
            ),
        ));
    }
    let goal_text = expect_str(o.req("goal")?, &o.path_of("goal"))?;
    let goal = GOALS
        .iter()
        .copied()
        .find(|g| g.as_str() == goal_text)
        .ok_or_else(|| {
            let names: Vec<&str> = GOALS.iter().map(|g| g.as_str()).collect();
            let found = Json::Str(goal_text.to_string()).describe();
            Error::new(
                ErrorCode::OutOfRange,
                o.path_of("goal"),
                format!("expected one of {}, got {found}", names.join(", ")),
            )
        })?;
    let mut schedules = Vec::new();
    let actions = match o.get("actions") {
        Some(v) => {
            let items = expect_array(v, &o.path_of("actions"), 32)?;
            for (i, a) in items.iter().enumerate() {
                let path = index_path(&o.path_of("actions"), i);
                if !matches!(a, Json::Str(_) | Json::Obj(_)) {
                    return Err(type_error(&path, "a string or an object", a));
                }
                json_data(a, &path)?;
                schedules.push(crate::scoring::cadence::schedule_of(a, &path)?);
            }
            items.to_vec()
        }
        None => Vec::new(),
    };
    Ok(Definition {
        id: id.to_string(),
        name: o
            .opt("name", |v, p| expect_str(v, p).map(str::to_string))?
            .unwrap_or_else(|| id.to_string()),
        when: expect_str(o.req("when")?, &o.path_of("when"))?.to_string(),
        goal,
        actions,
        priority: o.opt("priority", expect_number)?.unwrap_or(100.0),
        exit_when: o.opt("exitWhen", |v, p| expect_str(v, p).map(str::to_string))?,
        schedules,
    })
}

fn read_segments(o: &Obj<'_>) -> Result<Segments> {
    let mut s = Segments::default();
    if let Some(v) = o.get("builtinSegments") {
        s.builtin = expect_bool(v, "builtinSegments")?;
    }
    if let Some(v) = o.get("store") {
        let entries = expect_map(v, "store")?;
        let n = entries.entries().count();
        if n > MAX_STORE_NAMES {
            let msg = format!("expected at most {MAX_STORE_NAMES} category names, got {n}");
            return Err(Error::new(ErrorCode::TooLarge, "store", msg));
        }
        for (key, name) in entries.entries() {
            let name = expect_str(name, &entries.path_of(key))?.to_string();
            s.configured_store.push(key.to_string());
            match s.store.iter_mut().find(|(k, _)| k == key) {
                Some(slot) => slot.1 = name,
                None => s.store.push((key.to_string(), name)),
            }
        }
    }
    if let Some(v) = o.get("segments") {
        s.defined = expect_array(v, "segments", usize::MAX)?.to_vec();
    }
    Ok(s)
}

impl Default for Config {
    fn default() -> Self {
        Config {
            lifetime: Lifetime {
                horizon_years: 5.0,
                margin_rate: 1.0,
                retention_rate: 0.8,
                discount_rate: 0.1,
                intervals: false,
            },
            rate_floor_days: 90.0,
            abc: None,
            rfm: None,
            model: None,
            satisfaction: SatisfactionConfig {
                basic: 0.0,
                satisfied: 0.5,
                delighted: 1.0,
                word_of_mouth_satisfied: 12.0,
                word_of_mouth_dissatisfied: -20.0,
                percentiles: None,
            },
            loyalty: LoyaltyConfig {
                new_max_days: 90.0,
                longstanding_min_days: 365.0,
                longstanding_min_orders: 4.0,
                loyal_min_days: 730.0,
                loyal_min_orders: 8.0,
                loyal_max_recency_days: 180.0,
                repeat_min_orders_per_year: 4.0,
                price_share: 0.5,
                incentive_share: 0.5,
                incentive_channels: vec!["promotion".into(), "reward".into(), "coupon".into()],
                monopoly: false,
                window_days: 180.0,
                lapse_days: 365.0,
                growth: 0.25,
                decline: 0.25,
            },
            limits: Limits::default(),
            segment_limits: SegmentLimits::default(),
            segments: Segments::default(),
            scorecards: Vec::new(),
        }
    }
}

/// Largest config accepted, as JSON text (4 MiB; numbers counted as 8 bytes).
pub const MAX_CONFIG_BYTES: usize = 4 << 20;
/// Highest `limits.maxSegments` accepted: segment ids are matched pairwise, so
/// tens of thousands of segments would take seconds to set up.
pub const MAX_SEGMENTS_CAP: usize = 4096;
/// Highest `limits.maxRuleLength` accepted (1 MiB).
pub const MAX_RULE_LENGTH_CAP: usize = 1 << 20;
/// Highest `limits.maxRuleNodes` accepted.
pub const MAX_RULE_NODES_CAP: usize = 100_000;

/// Top-level keys of a config object; `segments` and `model` are read by their own modules.
pub(crate) const CONFIG_KEYS: &[&str] = &[
    "lifetime",
    "value",
    "abc",
    "rfm",
    "satisfaction",
    "loyalty",
    "limits",
    "segments",
    "builtinSegments",
    "store",
    "model",
    "scorecards",
];

impl Config {
    /// Reads a config object; absent keys keep their defaults, unknown keys are errors.
    ///
    /// ```
    /// use crmscore::{input::json::Json, scoring::config::Config};
    /// let v = Json::parse(r#"{"lifetime": {"horizonYears": 20}}"#).unwrap();
    /// assert_eq!(Config::from_json(&v).unwrap().lifetime.horizon_years, 20.0);
    /// let typo = Json::parse(r#"{"lifetime": {"horizon": 20}}"#).unwrap();
    /// assert_eq!(Config::from_json(&typo).unwrap_err().path(), "lifetime.horizon");
    /// ```
    pub fn from_json(v: &Json) -> Result<Config> {
        if v.larger_than(MAX_CONFIG_BYTES) {
            let msg = format!("config is larger than {MAX_CONFIG_BYTES} bytes of JSON");
            return Err(Error::new(ErrorCode::TooLarge, "", msg));
        }
        let mut c = Config::default();
        let o = Obj::new(v, "", CONFIG_KEYS)?;
        if let Some(v) = o.get("lifetime") {
            let l = Obj::new(
                v,
                "lifetime",
                &[
                    "horizonYears",
                    "marginRate",
                    "retentionRate",
                    "discountRate",
                    "intervals",
                ],
            )?;
            let t = &mut c.lifetime;
            l.set("horizonYears", &mut t.horizon_years, |v, p| {
                expect_in_range(v, p, 0.0, 200.0)
            })?;
            l.set("marginRate", &mut t.margin_rate, |v, p| {
                expect_in_range(v, p, 0.0, 1.0)
            })?;
            l.set("retentionRate", &mut t.retention_rate, |v, p| {
                expect_in_range(v, p, 0.0, 1.0)
            })?;
            l.set("discountRate", &mut t.discount_rate, |v, p| {
                expect_in_range(v, p, 0.0, 10.0)
            })?;
            l.set("intervals", &mut t.intervals, expect_bool)?;
        }
        if let Some(v) = o.get("value") {
            let vo = Obj::new(v, "value", &["rateFloorDays"])?;
            vo.set("rateFloorDays", &mut c.rate_floor_days, |v, p| {
                expect_in_range(v, p, 1.0, 36_500.0)
            })?;
        }
        c.abc = o.opt("abc", read_abc)?;
        c.rfm = o.opt("rfm", read_rfm)?;
        c.model = o.opt("model", |v, _| Model::from_json(v))?;
        c.satisfaction.percentiles = c.model.as_ref().and_then(|m| m.satisfaction);
        if let Some(v) = o.get("satisfaction") {
            read_satisfaction(v, &mut c.satisfaction)?;
        }
        if let Some(v) = o.get("loyalty") {
            read_loyalty(v, &mut c.loyalty)?;
        }
        if let Some(v) = o.get("limits") {
            let lo = Obj::new(
                v,
                "limits",
                &[
                    "maxOrders",
                    "maxBatch",
                    "maxSegments",
                    "maxRuleLength",
                    "maxRuleDepth",
                    "maxRuleNodes",
                ],
            )?;
            lo.set("maxOrders", &mut c.limits.max_orders, |v, p| {
                expect_limit(v, p, 1_000_000_000)
            })?;
            lo.set("maxBatch", &mut c.limits.max_batch, |v, p| {
                expect_limit(v, p, 1_000_000_000)
            })?;
            let s = &mut c.segment_limits;
            lo.set("maxSegments", &mut s.max_segments, |v, p| {
                expect_limit(v, p, MAX_SEGMENTS_CAP)
            })?;
            lo.set("maxRuleLength", &mut s.rule.max_len, |v, p| {
                expect_limit(v, p, MAX_RULE_LENGTH_CAP)
            })?;
            lo.set("maxRuleDepth", &mut s.rule.max_depth, |v, p| {
                expect_limit(v, p, crate::rules::Limits::DEPTH_CAP)
            })?;
            lo.set("maxRuleNodes", &mut s.rule.max_nodes, |v, p| {
                expect_limit(v, p, MAX_RULE_NODES_CAP)
            })?;
        }
        c.segments = read_segments(&o)?;
        if let Some(v) = o.get("scorecards") {
            c.scorecards = crate::scoring::scorecards::read_scorecards(v, "scorecards")?;
        }
        Ok(c)
    }
}

/// A limit: a whole number from 1 to `max`.
fn expect_limit(v: &Json, path: &str, max: usize) -> Result<usize> {
    let n = expect_number(v, path)?;
    if n < 1.0 || n.fract() != 0.0 || n > max as f64 {
        let msg = format!(
            "expected a whole number from 1 to {max}, got {}",
            format_number(n)
        );
        return Err(Error::new(ErrorCode::OutOfRange, path, msg));
    }
    Ok(n as usize)
}

fn ordered(path: &str, lower: (&str, f64), upper: (&str, f64)) -> Result<()> {
    if lower.1 > upper.1 {
        return Err(Error::new(
            ErrorCode::OutOfRange,
            path,
            format!(
                "{} ({}) must not be above {} ({})",
                lower.0,
                format_number(lower.1),
                upper.0,
                format_number(upper.1)
            ),
        ));
    }
    Ok(())
}

fn read_abc(v: &Json, path: &str) -> Result<Abc> {
    let o = Obj::new(v, path, &["a", "b", "serviceCost"])?;
    let a = expect_non_negative(o.req("a")?, &o.path_of("a"))?;
    let b = expect_non_negative(o.req("b")?, &o.path_of("b"))?;
    ordered(path, ("b", b), ("a", a))?;
    let mut abc = Abc {
        a,
        b,
        per_order: 0.0,
        per_complaint: 0.0,
        per_return: 0.0,
    };
    if let Some(v) = o.get("serviceCost") {
        let s = Obj::new(
            v,
            &o.path_of("serviceCost"),
            &["perOrder", "perComplaint", "perReturn"],
        )?;
        s.set("perOrder", &mut abc.per_order, expect_non_negative)?;
        s.set("perComplaint", &mut abc.per_complaint, expect_non_negative)?;
        s.set("perReturn", &mut abc.per_return, expect_non_negative)?;
    }
    Ok(abc)
}

/// Reads four ascending, finite edges.
pub(crate) fn read_edges(v: &Json, path: &str) -> Result<[f64; 4]> {
    let items = expect_array(v, path, 4)?;
    if items.len() != 4 {
        return Err(Error::new(
            ErrorCode::OutOfRange,
            path,
            format!("expected 4 quintile edges, got {}", items.len()),
        ));
    }
    let mut edges = [0.0; 4];
    for (i, item) in items.iter().enumerate() {
        edges[i] = expect_number(item, &index_path(path, i))?;
        if i > 0 && edges[i] < edges[i - 1] {
            return Err(Error::new(
                ErrorCode::OutOfRange,
                index_path(path, i),
                format!(
                    "edges must be ascending, got {} after {}",
                    format_number(edges[i]),
                    format_number(edges[i - 1])
                ),
            ));
        }
    }
    Ok(edges)
}

fn read_rfm(v: &Json, path: &str) -> Result<RfmEdges> {
    let o = Obj::new(v, path, &["recency", "frequency", "monetary"])?;
    Ok(RfmEdges {
        recency: read_edges(o.req("recency")?, &o.path_of("recency"))?,
        frequency: read_edges(o.req("frequency")?, &o.path_of("frequency"))?,
        monetary: read_edges(o.req("monetary")?, &o.path_of("monetary"))?,
    })
}

fn read_satisfaction(v: &Json, s: &mut SatisfactionConfig) -> Result<()> {
    let o = Obj::new(v, "satisfaction", &["levels", "wordOfMouth"])?;
    if let Some(v) = o.get("levels") {
        let l = Obj::new(
            v,
            "satisfaction.levels",
            &["basic", "satisfied", "delighted"],
        )?;
        l.set("basic", &mut s.basic, expect_number)?;
        l.set("satisfied", &mut s.satisfied, expect_number)?;
        l.set("delighted", &mut s.delighted, expect_number)?;
        ordered(
            "satisfaction.levels",
            ("basic", s.basic),
            ("satisfied", s.satisfied),
        )?;
        ordered(
            "satisfaction.levels",
            ("satisfied", s.satisfied),
            ("delighted", s.delighted),
        )?;
    }
    if let Some(v) = o.get("wordOfMouth") {
        let w = Obj::new(
            v,
            "satisfaction.wordOfMouth",
            &["satisfied", "dissatisfied"],
        )?;
        w.set("satisfied", &mut s.word_of_mouth_satisfied, expect_number)?;
        w.set(
            "dissatisfied",
            &mut s.word_of_mouth_dissatisfied,
            expect_number,
        )?;
    }
    Ok(())
}

fn read_loyalty(v: &Json, l: &mut LoyaltyConfig) -> Result<()> {
    let o = Obj::new(v, "loyalty", &["stage", "type", "lifecycle"])?;
    let days = |v: &Json, p: &str| expect_in_range(v, p, 0.0, 36_500.0);
    let share = |v: &Json, p: &str| expect_in_range(v, p, 0.0, 1.0);
    if let Some(v) = o.get("stage") {
        let s = Obj::new(
            v,
            "loyalty.stage",
            &[
                "newMaxDays",
                "longstandingMinDays",
                "longstandingMinOrders",
                "loyalMinDays",
                "loyalMinOrders",
                "loyalMaxRecencyDays",
            ],
        )?;
        s.set("newMaxDays", &mut l.new_max_days, days)?;
        s.set("longstandingMinDays", &mut l.longstanding_min_days, days)?;
        s.set(
            "longstandingMinOrders",
            &mut l.longstanding_min_orders,
            expect_non_negative,
        )?;
        s.set("loyalMinDays", &mut l.loyal_min_days, days)?;
        s.set(
            "loyalMinOrders",
            &mut l.loyal_min_orders,
            expect_non_negative,
        )?;
        s.set("loyalMaxRecencyDays", &mut l.loyal_max_recency_days, days)?;
    }
    if let Some(v) = o.get("type") {
        let t = Obj::new(
            v,
            "loyalty.type",
            &[
                "repeatMinOrdersPerYear",
                "priceShare",
                "incentiveShare",
                "incentiveChannels",
                "monopoly",
            ],
        )?;
        t.set(
            "repeatMinOrdersPerYear",
            &mut l.repeat_min_orders_per_year,
            expect_non_negative,
        )?;
        t.set("priceShare", &mut l.price_share, share)?;
        t.set("incentiveShare", &mut l.incentive_share, share)?;
        t.set("monopoly", &mut l.monopoly, expect_bool)?;
        t.set("incentiveChannels", &mut l.incentive_channels, |v, p| {
            expect_array(v, p, 100)?
                .iter()
                .enumerate()
                .map(|(i, c)| expect_str(c, &index_path(p, i)).map(str::to_string))
                .collect()
        })?;
    }
    if let Some(v) = o.get("lifecycle") {
        let c = Obj::new(
            v,
            "loyalty.lifecycle",
            &["windowDays", "lapseDays", "growth", "decline"],
        )?;
        c.set("windowDays", &mut l.window_days, |v, p| {
            expect_in_range(v, p, 1.0, 36_500.0)
        })?;
        c.set("lapseDays", &mut l.lapse_days, days)?;
        c.set("growth", &mut l.growth, |v, p| {
            expect_in_range(v, p, 0.0, 100.0)
        })?;
        c.set("decline", &mut l.decline, share)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str) -> Result<Config> {
        Config::from_json(&Json::parse(text).unwrap())
    }

    // Found by timing probes (tests/limits.rs): 20,000 segments took 3 s to set up
    // (pairwise id matching), so maxSegments and the rule limits have ceilings,
    // and a config is refused over 4 MiB.
    #[test]
    fn limits_have_ceilings_and_configs_a_size_cap() {
        let e = |t: &str| read(t).unwrap_err();
        let over = e(r#"{"limits": {"maxSegments": 4097}}"#);
        assert_eq!(
            (over.code(), over.path()),
            (ErrorCode::OutOfRange, "limits.maxSegments")
        );
        assert_eq!(
            e(r#"{"limits": {"maxRuleNodes": 1e9}}"#).path(),
            "limits.maxRuleNodes"
        );
        assert_eq!(
            e(r#"{"limits": {"maxRuleLength": 1e9}}"#).path(),
            "limits.maxRuleLength"
        );
        assert_eq!(read(r#"{"limits": {"maxSegments": 4096, "maxRuleNodes": 100000, "maxRuleLength": 1048576}}"#).unwrap().segment_limits.max_segments, 4096);
        let big = Json::Obj(vec![(
            "store".into(),
            Json::Str("x".repeat(MAX_CONFIG_BYTES)),
        )]);
        let e = Config::from_json(&big).unwrap_err();
        assert_eq!((e.code(), e.path()), (ErrorCode::TooLarge, ""));
    }

    #[test]
    fn empty_config_is_the_default() {
        assert_eq!(read("{}").unwrap(), Config::default());
    }

    #[test]
    fn every_section_reads() {
        let c = read(
            r#"{"lifetime": {"horizonYears": 20, "marginRate": 1, "retentionRate": 1, "discountRate": 0},
                "value": {"rateFloorDays": 30},
                "abc": {"a": 1000, "b": 200, "serviceCost": {"perOrder": 2}},
                "rfm": {"recency": [30, 60, 120, 240], "frequency": [1, 2, 3, 5], "monetary": [50, 100, 200, 400]},
                "satisfaction": {"levels": {"basic": -0.25, "satisfied": 0.25, "delighted": 2}, "wordOfMouth": {"dissatisfied": -25}},
                "loyalty": {"stage": {"newMaxDays": 60}, "type": {"monopoly": true, "incentiveChannels": ["app"]}, "lifecycle": {"windowDays": 90}},
                "limits": {"maxOrders": 50}}"#,
        )
        .unwrap();
        assert_eq!(c.lifetime.horizon_years, 20.0);
        assert_eq!(c.rate_floor_days, 30.0);
        assert_eq!(c.abc.unwrap().per_order, 2.0);
        assert_eq!(c.rfm.unwrap().monetary[3], 400.0);
        assert_eq!(c.model, None);
        assert_eq!(c.satisfaction.word_of_mouth_dissatisfied, -25.0);
        assert_eq!(c.satisfaction.word_of_mouth_satisfied, 12.0);
        assert!(c.loyalty.monopoly);
        assert_eq!(c.loyalty.incentive_channels, vec!["app".to_string()]);
        assert_eq!(c.loyalty.window_days, 90.0);
        assert_eq!(c.limits.max_orders, 50);
    }

    #[test]
    fn bad_config_is_named() {
        let e = |t: &str| read(t).unwrap_err().to_string();
        assert_eq!(
            e(r#"{"abc": {"a": 10, "b": 20}}"#),
            "abc: b (20) must not be above a (10)"
        );
        assert_eq!(
            e(r#"{"rfm": {"recency": [1, 2, 3], "frequency": [1,2,3,4], "monetary": [1,2,3,4]}}"#),
            "rfm.recency: expected 4 quintile edges, got 3"
        );
        assert_eq!(
            e(
                r#"{"rfm": {"recency": [1, 3, 2, 4], "frequency": [1,2,3,4], "monetary": [1,2,3,4]}}"#
            ),
            "rfm.recency[2]: edges must be ascending, got 2 after 3"
        );
        assert_eq!(
            e(r#"{"lifetime": {"retentionRate": 1.5}}"#),
            "lifetime.retentionRate: expected a number from 0 to 1, got 1.5"
        );
        assert_eq!(
            e(r#"{"loyalty": {"type": {"monopoly": "yes"}}}"#),
            "loyalty.type.monopoly: expected true or false, got \"yes\""
        );
        assert_eq!(e(r#"[]"#), "expected an object, got an array");
        assert_eq!(
            read(r#"{"satisfaction": {"levels": {"satisfied": 2}}}"#)
                .unwrap_err()
                .code(),
            ErrorCode::OutOfRange
        );
        let e = read(r#"{"model": {"version": 2}}"#).unwrap_err();
        assert_eq!(
            (e.code(), e.path()),
            (ErrorCode::InvalidModel, "model.version")
        );
    }

    // Issue 16, item 15: segment ids could hold line breaks (a forged row in a CSV of
    // segments), and the length message said characters while bytes were counted.
    #[test]
    fn hostile_15_segment_ids_hold_no_control_characters() {
        let def = |id: &str| {
            read_definition(
                &Json::Obj(vec![
                    ("id".into(), Json::Str(id.into())),
                    ("goal".into(), Json::Str("retain".into())),
                    ("when".into(), Json::Str("true".into())),
                ]),
                "segments[0]",
            )
        };
        for (id, shown) in [
            ("a\nb", r#""a\nb" with \u{a}"#),
            ("\0", r#""\0" with \u{0}"#),
            ("tab\there", r#""tab\there" with \u{9}"#),
        ] {
            let e = def(id).unwrap_err();
            assert_eq!(
                (e.code(), e.path()),
                (ErrorCode::OutOfRange, "segments[0].id")
            );
            assert_eq!(
                e.message(),
                format!("expected an id without control characters (line breaks, tabs, U+0000...), got {shown}")
            );
        }
        // 32 two-byte characters are 64 bytes; 33 are 66.
        assert_eq!(def(&"é".repeat(32)).unwrap().id.len(), 64);
        assert_eq!(
            def(&"é".repeat(33)).unwrap_err().message(),
            "expected an id of 1 to 64 bytes of UTF-8, got 66"
        );
        assert!(def("lapsed-high-value").is_ok());
    }

    // Issue 16, item 5 (nothing a caller gave silently changed): an action holding a value JSON
    // cannot hold, or NaN, came back with null in its place.
    #[test]
    fn hostile_05_actions_come_back_as_given_or_are_refused() {
        let with_action = |action: Json| {
            read_definition(
                &Json::Obj(vec![
                    ("id".into(), Json::Str("a".into())),
                    ("goal".into(), Json::Str("retain".into())),
                    ("when".into(), Json::Str("true".into())),
                    (
                        "actions".into(),
                        Json::Arr(vec![Json::Str("x".into()), action]),
                    ),
                ]),
                "segments[0]",
            )
        };
        let nested = |inner: Json| {
            Json::Obj(vec![(
                "offer".into(),
                Json::Arr(vec![Json::Num(1.0), inner]),
            )])
        };
        let e = with_action(nested(Json::Other("a BigInt".into()))).unwrap_err();
        assert_eq!(
            (e.code(), e.path(), e.message()),
            (
                ErrorCode::InvalidType,
                "segments[0].actions[1].offer[1]",
                "expected JSON data, got a BigInt"
            )
        );
        let e = with_action(nested(Json::Num(f64::NAN))).unwrap_err();
        assert_eq!(
            (e.code(), e.path(), e.message()),
            (
                ErrorCode::NotFinite,
                "segments[0].actions[1].offer[1]",
                "expected a finite number, got NaN"
            )
        );
        let kept = nested(Json::Str("\0hi".into()));
        assert_eq!(with_action(kept.clone()).unwrap().actions[1], kept);
    }
}
