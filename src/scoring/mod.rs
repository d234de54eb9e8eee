//! The scorer: computes every figure of a validated customer as of an
//! instant — value ([`value`]), satisfaction ([`satisfaction`]), loyalty
//! ([`loyalty`]) and the segments it falls into ([`segments`]) — and writes
//! the result in the layout of [`features`].

pub mod cadence;
pub mod config;
pub mod decode;
pub mod features;
pub mod loyalty;
pub mod satisfaction;
pub mod scorecards;
pub mod segments;
pub mod value;
pub mod wallet;

use crate::error::{Error, ErrorCode, Result};
use crate::input::customer::{Customer, Ident};
use crate::input::json::{format_number, Json};
use crate::input::tape::{unknown_field, Item, OwnedTape, Reader, KEYS};
use crate::input::time::{expect_instant, instant_of_item};
use crate::scoring::cadence::{contacts, Contacts, Due};
use crate::scoring::config::{Config, Goal};
use crate::scoring::features::{Entries, Features, SLOTS};
use crate::scoring::loyalty::{loyalty, Loyalty};
use crate::scoring::satisfaction::{satisfaction, Satisfaction};
use crate::scoring::scorecards::{ScorecardExplanation, ScorecardResult, MAX_SCORECARDS};
use crate::scoring::segments::{
    Library, NextBestAction, SegmentExplanation, SegmentMatch, CARD_SLOT, WALLET_SLOT,
};
use crate::scoring::value::{value, Value};
use crate::scoring::wallet::{share_of_wallet, ShareOfWallet};

/// Rule slots: the result's, the share of wallet's and the scorecards'.
const RULE_SLOTS: usize = CARD_SLOT + 2 * MAX_SCORECARDS;

/// Everything computed for one customer, owning its names.
#[derive(Debug, Clone, PartialEq)]
pub struct ScoreResult {
    /// The customer's id (a number id as JavaScript prints it).
    pub id: String,
    /// The instant every figure is computed at (epoch ms).
    pub as_of: i64,
    /// Value figures.
    pub value: Value<String>,
    /// Satisfaction figures.
    pub satisfaction: Satisfaction<String>,
    /// Loyalty figures.
    pub loyalty: Loyalty,
    /// Segments the customer falls in, by priority.
    pub segments: Vec<SegmentMatch>,
    /// The first matched segment, its goal and first action; `None` when no segment matched.
    pub next_best_action: Option<NextBestAction>,
    /// `value.shareOfWallet`; `None` (`null`) without a wallet.
    pub share_of_wallet: Option<ShareOfWallet<String>>,
    /// The configured scorecards, scored (`scorecards`; absent when none is configured).
    pub scorecards: Vec<ScorecardResult>,
    /// `nextContact` and `pastContacts`; `None` (absent) when no segment has a scheduled action.
    pub contacts: Option<Contacts>,
}

impl ScoreResult {
    /// The result as the JSON value JavaScript gets.
    pub fn to_json(&self) -> Json {
        let features = Features {
            id: Ident::Text(self.id.clone()),
            as_of: self.as_of,
            value: self.value.clone(),
            satisfaction: self.satisfaction.clone(),
            loyalty: self.loyalty.clone(),
        };
        let mut names: Vec<String> = Vec::new();
        let mut out = Vec::with_capacity(SLOTS + 16);
        features.write(
            &mut |n: &String| {
                names.push(n.clone());
                (names.len() - 1) as f64
            },
            &mut out,
        );
        let mut json = decode::decode(&out, &|i| {
            names.get(i as usize).cloned().unwrap_or_default()
        });
        if let Json::Obj(entries) = &mut json {
            entries.push((
                "segments".into(),
                Json::Arr(self.segments.iter().map(SegmentMatch::to_json).collect()),
            ));
            let next = self
                .next_best_action
                .as_ref()
                .map_or(Json::Null, NextBestAction::to_json);
            entries.push(("nextBestAction".into(), next));
            if let Some((_, Json::Obj(value))) = entries.iter_mut().find(|(k, _)| k == "value") {
                let w = self.share_of_wallet.as_ref();
                value.push((
                    "shareOfWallet".into(),
                    w.map_or(Json::Null, |w| w.to_json()),
                ));
            }
            if !self.scorecards.is_empty() {
                let cards = self.scorecards.iter();
                let cards = cards.map(|c| (c.id.clone().into(), c.to_json()));
                entries.push(("scorecards".into(), Json::Obj(cards.collect())));
            }
            if let Some(c) = &self.contacts {
                let next = c.next.as_ref().map_or(Json::Null, |n| n.to_json());
                entries.push(("nextContact".into(), next));
                let past = c.past.iter().map(|p| p.to_json()).collect();
                entries.push(("pastContacts".into(), Json::Arr(past)));
            }
        }
        json
    }
}

/// The keys of the options of `score` and `scoreMany`.
pub const OPTION_KEYS: [&str; 2] = ["asOf", "horizonDays"];
const OPTIONS_FROM: usize = 19;

/// Longest prediction horizon: 10 years of monthly steps bound the work of one prediction.
pub const MAX_HORIZON_DAYS: f64 = 3650.0;

/// The prediction horizon when none is given, in days.
pub const DEFAULT_HORIZON_DAYS: f64 = 365.0;

/// When and over what horizon a customer is scored.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ScoreOptions {
    /// The instant every figure is computed at, epoch milliseconds.
    pub as_of: i64,
    /// Days over which a model's predictions run (default 365, at most [`MAX_HORIZON_DAYS`]).
    pub horizon_days: f64,
}

/// Scoring at an instant (epoch ms) with the default horizon.
impl From<i64> for ScoreOptions {
    fn from(as_of: i64) -> Self {
        ScoreOptions {
            as_of,
            horizon_days: DEFAULT_HORIZON_DAYS,
        }
    }
}

impl ScoreOptions {
    /// Reads the options of a call (`{ asOf, horizonDays }`, or null) from a
    /// tape: `asOf` defaults to `now`, `horizonDays` to 365. Error paths start
    /// with `options`.
    pub fn read(r: &mut Reader<'_>, now: i64) -> Result<ScoreOptions> {
        let span = match r.item()? {
            Item::Null => return Ok(ScoreOptions::from(now)),
            Item::Obj(span) => span,
            other => {
                return Err(crate::input::tape::type_error(
                    "options",
                    "an object",
                    &other,
                ))
            }
        };
        let [as_of, horizon] = r.fields(span, &OPTION_KEYS, OPTIONS_FROM, &|| "options".into())?;
        let as_of = match as_of {
            Some(v) => instant_of_item(v, || "options.asOf".into())?,
            None => now,
        };
        let horizon_days = match horizon {
            Some(v) => crate::input::customer::number(v, || "options.horizonDays".into())?,
            None => DEFAULT_HORIZON_DAYS,
        };
        ScoreOptions {
            as_of,
            horizon_days,
        }
        .checked()
    }

    /// Reads options given as a [`Json`] value (see [`ScoreOptions::read`]).
    pub fn from_json(v: &Json, now: i64) -> Result<ScoreOptions> {
        let o = match v {
            Json::Null => return Ok(ScoreOptions::from(now)),
            Json::Obj(entries) => entries,
            other => {
                return Err(crate::input::json::type_error(
                    "options",
                    "an object",
                    other,
                ))
            }
        };
        if let Some((k, _)) = o.iter().find(|(k, _)| !OPTION_KEYS.contains(&k.as_ref())) {
            return Err(unknown_field(k, &OPTION_KEYS, "options"));
        }
        let get = |key: &str| {
            o.iter()
                .find(|(k, _)| k == key)
                .map(|(_, v)| v)
                .filter(|v| **v != Json::Null)
        };
        let as_of = get("asOf")
            .map(|v| expect_instant(v, "options.asOf"))
            .transpose()?
            .unwrap_or(now);
        let horizon_days = get("horizonDays")
            .map(|v| crate::input::json::expect_number(v, "options.horizonDays"))
            .transpose()?;
        ScoreOptions {
            as_of,
            horizon_days: horizon_days.unwrap_or(DEFAULT_HORIZON_DAYS),
        }
        .checked()
    }

    /// Refuses a horizon outside `0..=MAX_HORIZON_DAYS`.
    pub fn checked(self) -> Result<ScoreOptions> {
        if !(0.0..=MAX_HORIZON_DAYS).contains(&self.horizon_days) {
            let msg = format!(
                "expected a number from 0 to {}, got {}",
                format_number(MAX_HORIZON_DAYS),
                format_number(self.horizon_days)
            );
            return Err(Error::new(
                ErrorCode::OutOfRange,
                "options.horizonDays",
                msg,
            ));
        }
        Ok(self)
    }
}

/// A configured scorer.
///
/// ```
/// use crmscore::{Scorer, input::{json::Json, time::parse_instant}};
/// let scorer = Scorer::new(&Json::parse("{}").unwrap()).unwrap();
/// let customer = Json::parse(r#"{"id": "c1", "orders": [
///     {"at": "2026-10-01", "amount": 30}, {"at": "2026-11-12", "amount": 50}]}"#).unwrap();
/// let r = scorer.score(&customer, parse_instant("2026-11-22").unwrap()).unwrap();
/// assert_eq!(r.value.recency_days, Some(10));
/// assert_eq!(r.value.monetary, 80.0);
/// ```
#[derive(Debug, Clone)]
pub struct Scorer {
    config: Config,
    segments: Library,
    /// Whether some segment has a scheduled action (see [`cadence`]).
    scheduled: bool,
}

/// The default of the scorer of `new Scorer()`, built once per module.
impl Scorer {
    /// Builds a scorer from a config object (`{}` or null for the defaults), compiling its segments.
    pub fn new(config: &Json) -> Result<Scorer> {
        let config = match config {
            Json::Null => Config::default(),
            v => Config::from_json(v)?,
        };
        Scorer::with_config(config)
    }

    /// Builds a scorer from a read config.
    pub fn with_config(config: Config) -> Result<Scorer> {
        let segments = Library::new(&config)?;
        let scheduled = segments.scheduled();
        Ok(Scorer {
            config,
            segments,
            scheduled,
        })
    }

    /// The configuration in use.
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// The compiled segment library.
    pub fn segments(&self) -> &Library {
        &self.segments
    }

    /// Checks `options`, reads and validates `customer` (a JSON value, through
    /// the tape JavaScript writes), and calls `then` with them: what `score`,
    /// `explain` and `explain_scorecards` share.
    fn with_customer<T>(
        &self,
        customer: &Json,
        options: impl Into<ScoreOptions>,
        then: impl FnOnce(&Customer<'_>, ScoreOptions) -> Result<T>,
    ) -> Result<T> {
        let options = options.into().checked()?;
        let tape = OwnedTape::of(customer);
        let c = Customer::read(
            &mut tape.tape().reader(),
            options.as_of,
            &self.config.limits,
        )?;
        then(&c, options)
    }

    /// Validates and scores one customer (`options`: an instant in epoch ms, or [`ScoreOptions`]).
    pub fn score(&self, customer: &Json, options: impl Into<ScoreOptions>) -> Result<ScoreResult> {
        self.with_customer(customer, options, |c, o| Ok(self.score_customer(c, o)))
    }

    /// Scores an already validated customer.
    pub fn score_customer(
        &self,
        c: &Customer<'_>,
        options: impl Into<ScoreOptions>,
    ) -> ScoreResult {
        let f = self.features(c, options.into());
        let wallet = share_of_wallet(c, f.as_of);
        let mut slots = Vec::with_capacity(SLOTS);
        f.write_slots(&mut |n| f64::from(n.index), &mut slots);
        let (mut segments, mut indexes) = (Vec::new(), Vec::new());
        let mut scorecards = Vec::new();
        self.evaluate(
            c,
            &f,
            &slots,
            wallet.as_ref(),
            &mut |k, v, scores| scorecards.push(self.segments.scorecards().result(k, v, scores)),
            |i| {
                indexes.push(i);
                segments.push(self.segments.match_of(i));
            },
        );
        let next_best_action = segments.first().map(NextBestAction::of);
        let contacts = self.contacts(&f, &indexes);
        let Features {
            id,
            as_of,
            value,
            satisfaction,
            loyalty,
        } = f.map_names(|n| n.text.to_string());
        ScoreResult {
            id: id.to_text(),
            as_of,
            value,
            satisfaction,
            loyalty,
            segments,
            next_best_action,
            share_of_wallet: wallet.map(|w| w.map_names(|n| n.text.to_string())),
            scorecards,
            contacts: contacts.map(|(next, past)| {
                let contact = |d: Due| self.segments.contact(d);
                Contacts {
                    next: next.map(contact),
                    past: past.into_iter().map(contact).collect(),
                }
            }),
        }
    }

    /// `nextContact` and `pastContacts` of a customer in the segments
    /// `matched` (library indexes by priority); `None` when no segment has a schedule.
    fn contacts<N>(&self, f: &Features<N>, matched: &[usize]) -> Option<(Option<Due>, Vec<Due>)> {
        if !self.scheduled {
            return None;
        }
        let (first, last) = (f.value.first_order_at, f.value.last_order_at);
        let defs = self.segments.definitions();
        let scheduled = matched.iter().flat_map(|&segment| {
            let schedules = defs[segment].schedules.iter().enumerate();
            schedules.filter_map(move |(action, s)| {
                let at = s.as_ref()?.due(first, last)?;
                Some(Due {
                    segment,
                    action,
                    at,
                })
            })
        });
        Some(contacts(f.as_of, scheduled))
    }

    /// Scores a validated customer and appends its result in the layout of
    /// [`features`]: the slots, the maps, then the number of matched segments
    /// and their library indexes by priority, then the next best action (the
    /// index of its segment and of its action, -1 for none).
    pub fn write_result(&self, c: &Customer<'_>, options: ScoreOptions, out: &mut Vec<f64>) {
        let f = self.features(c, options);
        let wallet = share_of_wallet(c, f.as_of);
        let start = out.len();
        let name = &mut |n: &crate::input::tape::Name<'_>| f64::from(n.index);
        f.write_slots(name, out);
        // Rules read the slots just written; matches and card figures are kept
        // aside until the maps are out.
        let mut matched = [0u16; 64];
        let mut more: Vec<u16> = Vec::new();
        let mut count = 0;
        let mut cards: Vec<f64> = Vec::new();
        self.evaluate(
            c,
            &f,
            &out[start..start + SLOTS],
            wallet.as_ref(),
            &mut |k, v, scores| {
                cards.extend(v);
                // Each factor's score and points (NaN: missing), so the reader only decodes.
                let factors = &self.segments.scorecards().definitions()[k].factors;
                for (f, &s) in factors.iter().zip(scores) {
                    cards.extend([s, f.weight * s]);
                }
            },
            |i| {
                match matched.get_mut(count) {
                    Some(m) => *m = i as u16,
                    None => more.push(i as u16),
                }
                count += 1;
            },
        );
        f.write_maps(name, out);
        out.push(count as f64);
        out.extend(matched.iter().take(count).map(|&i| f64::from(i)));
        out.extend(more.iter().map(|&i| f64::from(i)));
        let first = if count > 0 {
            Some(usize::from(matched[0]))
        } else {
            None
        };
        let (segment, action) = self.next_best(first);
        out.extend([segment, action]);
        // Then the share of wallet (0, or 1, overall, capped and the map), the
        // scorecards' figures and the contacts (see `resultTable`).
        match &wallet {
            None => out.push(0.0),
            Some(w) => {
                out.extend([1.0, w.overall, f64::from(u8::from(w.capped))]);
                crate::scoring::features::write_map(&w.categories, name, out);
            }
        }
        out.extend(cards);
        if self.scheduled {
            let indexes: Vec<usize> = matched[..count.min(64)]
                .iter()
                .chain(&more)
                .map(|&i| usize::from(i))
                .collect();
            let (next, past) = self.contacts(&f, &indexes).unwrap_or_default();
            let due = |d: Due| [d.segment as f64, d.action as f64, d.at as f64];
            out.extend(next.map_or([-1.0, -1.0, f64::NAN], due));
            out.push(past.len() as f64);
            past.into_iter().for_each(|d| out.extend(due(d)));
        }
    }

    /// The next best action of a result whose first matched segment is
    /// `first`: (that segment's index, the index of its first action), -1 for none.
    fn next_best(&self, first: Option<usize>) -> (f64, f64) {
        match first {
            None => (-1.0, -1.0),
            Some(i) => {
                let has_action = !self.segments.definitions()[i].actions.is_empty();
                (i as f64, if has_action { 0.0 } else { -1.0 })
            }
        }
    }

    #[cfg(feature = "fit")]
    fn matched<N: AsRef<str>>(
        &self,
        c: &Customer<'_>,
        f: &Features<N>,
        slots: &[f64],
        each: impl FnMut(usize),
    ) {
        self.evaluate(c, f, slots, None, &mut |_, _, _| {}, each);
    }

    /// Evaluates the scorecards (`cards` gets their context) and then the
    /// segments (`each` gets the index of each matched one, by priority) of
    /// a customer's features, whose result slots are `slots`.
    #[inline(never)]
    fn evaluate<N: AsRef<str>>(
        &self,
        c: &Customer<'_>,
        f: &Features<N>,
        slots: &[f64],
        wallet: Option<&ShareOfWallet<N>>,
        cards: &mut scorecards::CardSink<'_>,
        each: impl FnMut(usize),
    ) {
        let categories = Entries(&f.value.categories);
        let dimensions = Entries(&f.satisfaction.dimensions);
        let orders = segments::Orders(&c.orders);
        let shares = Entries(wallet.map_or(&[][..], |w| &w.categories));
        let scorecards = self.segments.scorecards();
        if wallet.is_none() && scorecards.is_empty() {
            let view = segments::rule_view(f, slots, &categories, &dimensions, &orders)
                .with_wallet(&shares);
            return self.segments.matched(&view, each);
        }
        // Past the result's slots: the share of wallet's, then each card's points and share.
        let mut numbers = [f64::NAN; RULE_SLOTS];
        numbers[..SLOTS].copy_from_slice(slots);
        if let Some(w) = wallet {
            numbers[WALLET_SLOT] = w.overall;
            numbers[WALLET_SLOT + 1] = f64::from(u8::from(w.capped));
        }
        let mut figures = [[f64::NAN; 2]; MAX_SCORECARDS];
        let view = segments::rule_view(f, &numbers, &categories, &dimensions, &orders)
            .with_wallet(&shares);
        let ctx = view.context(&[]);
        scorecards.score(&ctx, &mut |k, v, scores| {
            figures[k] = [v[0], v[2]];
            cards(k, v, scores);
        });
        for (k, [points, share]) in figures
            .iter()
            .enumerate()
            .take(scorecards.definitions().len())
        {
            numbers[CARD_SLOT + 2 * k] = *points;
            numbers[CARD_SLOT + 2 * k + 1] = *share;
        }
        let view = segments::rule_view(f, &numbers, &categories, &dimensions, &orders)
            .with_wallet(&shares);
        self.segments.matched(&view, each);
    }

    /// Why the customer is or is not in each segment, by priority.
    pub fn explain(
        &self,
        customer: &Json,
        options: impl Into<ScoreOptions>,
    ) -> Result<Vec<SegmentExplanation>> {
        self.with_customer(customer, options, |c, o| self.explain_customer(c, o))
    }

    /// [`Scorer::explain`] of a validated customer.
    pub fn explain_customer(
        &self,
        c: &Customer<'_>,
        options: ScoreOptions,
    ) -> Result<Vec<SegmentExplanation>> {
        self.explain_all(c, options, false)
            .map(|(segments, _)| segments)
    }

    /// Each configured scorecard with each factor's score rule explained
    /// (empty without scorecards); `explain` in JavaScript gives them as its
    /// list's `scorecards`.
    pub fn explain_scorecards(
        &self,
        customer: &Json,
        options: impl Into<ScoreOptions>,
    ) -> Result<Vec<ScorecardExplanation>> {
        self.with_customer(customer, options, |c, o| {
            self.explain_all(c, o, true).map(|(_, cards)| cards)
        })
    }

    /// The explanations of a validated customer's segments and, when
    /// `cards`, of its scorecards (each capped at [`segments::MAX_EXPLAIN_BYTES`]).
    pub fn explain_all(
        &self,
        c: &Customer<'_>,
        options: ScoreOptions,
        cards: bool,
    ) -> Result<(Vec<SegmentExplanation>, Vec<ScorecardExplanation>)> {
        let f = self.features(c, options);
        let wallet = share_of_wallet(c, f.as_of);
        let mut slots = Vec::with_capacity(RULE_SLOTS);
        f.write_slots(&mut |n| f64::from(n.index), &mut slots);
        slots.resize(RULE_SLOTS, f64::NAN);
        if let Some(w) = &wallet {
            slots[WALLET_SLOT] = w.overall;
            slots[WALLET_SLOT + 1] = f64::from(u8::from(w.capped));
        }
        let mut figures = Vec::new();
        self.evaluate(
            c,
            &f,
            &slots[..SLOTS],
            wallet.as_ref(),
            &mut |_, v, _| figures.extend([v[0], v[2]]),
            |_| {},
        );
        slots[CARD_SLOT..CARD_SLOT + figures.len()].copy_from_slice(&figures);
        let categories = Entries(&f.value.categories);
        let dimensions = Entries(&f.satisfaction.dimensions);
        let orders = segments::Orders(&c.orders);
        let shares = Entries(wallet.as_ref().map_or(&[][..], |w| &w.categories));
        let view =
            segments::rule_view(&f, &slots, &categories, &dimensions, &orders).with_wallet(&shares);
        // One budget for the segments' explanations and the cards'.
        let mut budget = segments::MAX_EXPLAIN_BYTES;
        let explained = self.segments.explain_within(&view, &mut budget)?;
        if !cards {
            return Ok((explained, Vec::new()));
        }
        let ctx = view.context(&[]);
        let cards = self.segments.scorecards().explain(&ctx, &mut budget);
        let cards = cards.ok_or_else(|| {
            let msg = format!(
                "expected an explanation of at most {} bytes, got more: the segments' and scorecards' rules are too large to explain in one call",
                segments::MAX_EXPLAIN_BYTES
            );
            Error::new(ErrorCode::TooLarge, "", msg)
        })?;
        Ok((explained, cards))
    }

    /// Value, satisfaction and loyalty, without segments.
    pub fn features<'t>(
        &self,
        c: &Customer<'t>,
        options: ScoreOptions,
    ) -> Features<crate::input::tape::Name<'t>> {
        let ScoreOptions {
            as_of,
            horizon_days,
        } = options;
        let v = value(c, as_of, horizon_days, &self.config);
        let s = satisfaction(c, &self.config.satisfaction);
        let l = loyalty(c, as_of, &v, &s, &self.config.loyalty);
        Features {
            id: c.id,
            as_of,
            value: v,
            satisfaction: s,
            loyalty: l,
        }
    }

    /// Calls `each` with the library index of every segment a validated
    /// customer is in, by priority, with `value.predicted` computed by the
    /// caller (columnar scoring predicts for many customers at once).
    #[cfg(feature = "fit")]
    pub(crate) fn segments_predicted(
        &self,
        c: &Customer<'_>,
        options: ScoreOptions,
        predicted: Option<crate::model::Predicted>,
        each: impl FnMut(usize),
    ) {
        let mut f = self.features(c, options);
        f.value.predicted = predicted;
        let mut slots = Vec::with_capacity(SLOTS);
        f.write_slots(&mut |n| f64::from(n.index), &mut slots);
        self.matched(c, &f, &slots, each);
    }

    /// This scorer with the model's ABC and RFM cut points but without its
    /// purchase and spend models: columnar scoring predicts for many
    /// customers at once and passes the predictions in.
    #[cfg(feature = "fit")]
    pub(crate) fn without_predictions(&self) -> Scorer {
        let mut config = self.config.clone();
        if let Some(model) = &mut config.model {
            model.bgnbd = None;
            model.pareto_nbd = None;
            model.mbg_nbd = None;
            model.gamma_gamma = None;
        }
        Scorer {
            config,
            segments: self.segments.clone(),
            scheduled: self.scheduled,
        }
    }
}

/// The goals' names, for the documentation of segment results.
pub fn goal_names() -> impl Iterator<Item = &'static str> {
    crate::scoring::config::GOALS
        .iter()
        .map(|g: &Goal| g.as_str())
}

/// The key codes of the tape, as JavaScript writes them.
pub fn tape_keys() -> &'static [&'static str] {
    &KEYS
}
