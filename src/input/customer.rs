//! The customer as input: read from the tape and validated in one pass into
//! types that cannot hold invalid states, borrowing its strings from the tape.
//!
//! A [`Customer`] has orders sorted by time, every amount finite and
//! non-negative, every date on or before the instant it is scored at, and
//! survey answers whose dimensions line up. The scoring modules then have no
//! error paths of their own.
//!
//! Fields are read in a fixed order (an object's unknown keys first, then its
//! fields in the order of [`CUSTOMER_KEYS`], [`ORDER_KEYS`], [`SURVEY_KEYS`]),
//! whatever the order of the keys in the input, so that an input with several
//! mistakes reports the same one however it was written.
//!
//! ```
//! use crmscore::input::{customer::{Customer, Limits}, json::Json, tape::OwnedTape, time::parse_instant};
//! let input = Json::parse(r#"{"id": "c1", "orders": [{"at": "2026-11-01", "amount": "12,50"}]}"#).unwrap();
//! let tape = OwnedTape::of(&input);
//! let err = Customer::read(&mut tape.tape().reader(), parse_instant("2026-11-22").unwrap(), &Limits::default()).unwrap_err();
//! assert_eq!(err.to_string(), r#"orders[0].amount: expected a finite number, got "12,50""#);
//! ```

use crate::error::{index_path, key_path, shown, Error, ErrorCode, Quoted, Result};
use crate::input::json::{check_quantity, format_number, MAX_QUANTITY};
use crate::input::tape::{type_error, Item, KeyItem, Name, RawText, Reader, KEYS, RECORD_AT_TEXT};
use crate::input::time::{format_instant, instant_of_item, parse_instant};

/// A customer's or an account's id: a non-empty string, or a number (kept in
/// the decimal form JavaScript prints it in); `N` holds the text.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Ident<N> {
    /// A string id.
    Text(N),
    /// A number id.
    Number(f64),
}

/// An id borrowed from the input.
pub type Id<'t> = Ident<Name<'t>>;

impl<N: AsRef<str>> Ident<N> {
    /// The id as text: a number in the form JavaScript prints it in.
    pub fn to_text(&self) -> String {
        match self {
            Ident::Text(name) => name.as_ref().to_string(),
            Ident::Number(n) => format_number(*n),
        }
    }
}

impl<N> Ident<N> {
    /// The same id with its text converted by `f`.
    pub fn map<M>(self, f: impl FnOnce(N) -> M) -> Ident<M> {
        match self {
            Ident::Text(n) => Ident::Text(f(n)),
            Ident::Number(x) => Ident::Number(x),
        }
    }
}

/// One order of a customer.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Order<'t> {
    /// When it was placed, epoch milliseconds UTC.
    pub at: i64,
    /// What the customer paid.
    pub amount: f64,
    /// What the order cost the store (goods and service), when known.
    pub cost: Option<f64>,
    /// Product category, e.g. `books`.
    pub category: Option<Name<'t>>,
    /// Discount granted on the order, in money; `> 0` marks a discounted order.
    pub discount: Option<f64>,
    /// Sales channel, e.g. `web`, `store`, `promotion`.
    pub channel: Option<&'t str>,
    /// The account the order was placed from: one customer may have several.
    pub account_id: Option<Id<'t>>,
}

impl<'t> Order<'t> {
    /// An order of `amount` at `at` with no other field.
    pub fn new(at: i64, amount: f64) -> Order<'t> {
        Order {
            at,
            amount,
            cost: None,
            category: None,
            discount: None,
            channel: None,
            account_id: None,
        }
    }
}

/// One survey dimension (product, service, image...) with its answers.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Dimension<'t> {
    /// The dimension's name as the caller gave it.
    pub name: Name<'t>,
    /// What the customer expected.
    pub expectation: f64,
    /// What the customer perceived.
    pub perception: f64,
    /// Its weight in the weighted means (1 unless given).
    pub weight: f64,
}

/// Survey answers: expectation and perception per dimension, and an NPS answer.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Survey<'t> {
    /// Dimensions answered for both expectation and perception, in input order.
    pub dimensions: Vec<Dimension<'t>>,
    /// "How likely are you to recommend us?", 0 to 10.
    pub nps: Option<u8>,
}

/// A validated customer, borrowing its strings from the tape it was read from.
#[derive(Debug, Clone, PartialEq)]
pub struct Customer<'t> {
    /// The caller's identifier.
    pub id: Id<'t>,
    /// When the customer was first seen; the start of tenure when before the first order.
    pub first_seen: Option<i64>,
    /// Orders, sorted by time (see [`sort_orders`]).
    pub orders: Vec<Order<'t>>,
    /// Survey answers, when there are any.
    pub survey: Option<Survey<'t>>,
    /// Number of complaints received.
    pub complaints: Option<u32>,
    /// Number of orders or items returned.
    pub returns: Option<u32>,
    /// Number of new customers this one referred.
    pub referrals: Option<u32>,
    /// What the customer spends on each category anywhere in a year (a
    /// survey's or a panel's figure), for `value.shareOfWallet`.
    pub wallet: Option<Vec<(Name<'t>, f64)>>,
}

impl<'t> Customer<'t> {
    /// A customer with this id, these orders (sorted here) and nothing else.
    pub fn with_orders(id: &'t str, mut orders: Vec<Order<'t>>) -> Customer<'t> {
        sort_orders(&mut orders);
        Customer {
            id: Ident::Text(Name { text: id, index: 0 }),
            first_seen: None,
            orders,
            survey: None,
            complaints: None,
            returns: None,
            referrals: None,
            wallet: None,
        }
    }
}

/// Caps on input sizes, so a hostile input is refused before it costs memory or time.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Limits {
    /// Most orders one customer may have (default 10,000).
    pub max_orders: usize,
    /// Most customers one `scoreMany` call may take (default 1,000,000).
    pub max_batch: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_orders: 10_000,
            max_batch: 1_000_000,
        }
    }
}

/// A customer's keys, in the order they are validated (and as a run of [`KEYS`]).
pub const CUSTOMER_KEYS: [&str; 8] = [
    "id",
    "firstSeen",
    "orders",
    "survey",
    "complaints",
    "returns",
    "referrals",
    "wallet",
];
/// An order's keys, in the order they are validated.
pub const ORDER_KEYS: [&str; 7] = [
    "at",
    "amount",
    "cost",
    "category",
    "discount",
    "channel",
    "accountId",
];
/// A survey's keys, in the order they are validated.
pub const SURVEY_KEYS: [&str; 4] = ["expectation", "perception", "weights", "nps"];
/// Where each key list starts in [`KEYS`].
pub(crate) const ORDER_FROM: usize = 0;
pub(crate) const CUSTOMER_FROM: usize = 7;
pub(crate) const SURVEY_FROM: usize = 15;
const MAX_COUNT: f64 = 1e9;
/// Most survey dimensions (entries of `expectation`, `perception` and `weights`
/// each): matching them up is quadratic, so a hostile survey must not be large.
pub const MAX_DIMENSIONS: usize = 1000;
/// Longest id, category, channel, account id or survey dimension name, in
/// characters: names, not documents.
pub const MAX_NAME_CHARS: usize = 256;

/// Sorts orders by time, then amount and cost, so that floating-point sums
/// (historic value, margin) add them in one order whatever the input order:
/// sorting by time alone let the last digit depend on the input order (found by
/// tests/properties.rs). Orders equal in all three are interchangeable.
pub fn sort_orders(orders: &mut [Order<'_>]) {
    let before = |a: &Order<'_>, b: &Order<'_>| {
        a.at.cmp(&b.at)
            .then_with(|| a.amount.total_cmp(&b.amount))
            .then_with(|| a.cost.map(f64::to_bits).cmp(&b.cost.map(f64::to_bits)))
    };
    // Orders usually come in time order: checking is cheaper than sorting.
    if orders.windows(2).all(|w| before(&w[0], &w[1]).is_le()) {
        return;
    }
    let n = orders.len();
    if n > 64 {
        crate::sort::heapsort(orders, |a, b| before(a, b).is_lt());
        return;
    }
    // A customer's few orders: sort their indexes by time as integer keys (the
    // order's time above its index), settle equal times by the full comparison,
    // then move each order once, following the permutation's cycles.
    let (min, max) = (crate::input::time::MIN_MS, crate::input::time::MAX_MS);
    if orders.iter().any(|o| o.at < min || o.at > max) {
        crate::sort::heapsort(orders, |a, b| before(a, b).is_lt());
        return;
    }
    let mut keys = [0u64; 64];
    for (i, (key, o)) in keys.iter_mut().zip(orders.iter()).enumerate() {
        *key = ((o.at - min) as u64) << 6 | i as u64;
    }
    let keys = &mut keys[..n];
    for i in 1..n {
        let x = keys[i];
        let mut j = i;
        while j > 0 && keys[j - 1] > x {
            keys[j] = keys[j - 1];
            j -= 1;
        }
        keys[j] = x;
    }
    let mut run = 0;
    for i in 1..=n {
        if i == n || keys[i] >> 6 != keys[run] >> 6 {
            if i - run > 1 {
                crate::sort::sort_by(&mut keys[run..i], |a, b| {
                    before(&orders[(a & 63) as usize], &orders[(b & 63) as usize]).is_lt()
                });
            }
            run = i;
        }
    }
    let mut index = [0u8; 64];
    for (slot, key) in index.iter_mut().zip(keys.iter()) {
        *slot = (key & 63) as u8;
    }
    let mut placed = 0u64;
    for start in 0..n {
        if placed & 1 << start != 0 {
            continue;
        }
        let first = orders[start];
        let mut at = start;
        loop {
            placed |= 1 << at;
            let from = usize::from(index[at]);
            if from == start {
                orders[at] = first;
                break;
            }
            orders[at] = orders[from];
            at = from;
        }
    }
}

fn not_after(at: i64, as_of: i64, path: impl FnOnce() -> String) -> Result<()> {
    if at > as_of {
        let msg = format!(
            "{} is after asOf {}",
            format_instant(at),
            format_instant(as_of)
        );
        return Err(Error::new(ErrorCode::FutureDate, path(), msg));
    }
    Ok(())
}

fn required<'t>(v: Option<Item<'t>>, path: impl FnOnce() -> String) -> Result<Item<'t>> {
    v.ok_or_else(|| Error::new(ErrorCode::MissingField, path(), "is required"))
}

/// A name: at most [`MAX_NAME_CHARS`] characters of valid Unicode.
pub(crate) fn name<'t>(raw: RawText<'t>, path: impl Fn() -> String) -> Result<Name<'t>> {
    checked_name(raw, &path)
}

// Out of line, the path as `dyn`: one copy for every caller in the size-budgeted module.
#[inline(never)]
fn checked_name<'t>(raw: RawText<'t>, path: &dyn Fn() -> String) -> Result<Name<'t>> {
    let text = raw.text(path)?;
    if text.len() > MAX_NAME_CHARS && text.chars().count() > MAX_NAME_CHARS {
        let msg = format!(
            "expected at most {MAX_NAME_CHARS} characters, got {}",
            text.chars().count()
        );
        return Err(Error::new(ErrorCode::TooLarge, path(), msg));
    }
    Ok(Name {
        text,
        index: raw.index,
    })
}

/// An id: a non-empty string of at most [`MAX_NAME_CHARS`] characters, or a finite number.
fn id<'t>(v: Item<'t>, path: impl Fn() -> String) -> Result<Id<'t>> {
    match v {
        Item::Str(raw) if !raw.is_empty() => name(raw, path).map(Ident::Text),
        Item::Num(n) if n.is_finite() => Ok(Ident::Number(n)),
        other => Err(type_error(
            &path(),
            "a non-empty string or a number",
            &other,
        )),
    }
}

/// A finite number (any sign).
pub(crate) fn number(v: Item<'_>, path: impl Fn() -> String) -> Result<f64> {
    finite(v, &path)
}

// Out of line, the path as `dyn`: one copy for every caller in the size-budgeted module.
#[inline(never)]
fn finite(v: Item<'_>, path: &dyn Fn() -> String) -> Result<f64> {
    match v {
        Item::Num(n) if n.is_finite() => Ok(n),
        Item::Num(n) => Err(Error::new(
            ErrorCode::NotFinite,
            path(),
            format!("expected a finite number, got {}", format_number(n)),
        )),
        other => Err(type_error(&path(), "a finite number", &other)),
    }
}

/// An amount, a cost, a survey answer: a finite number from 0 to 10¹⁵.
pub(crate) fn quantity(v: Item<'_>, path: impl Fn() -> String) -> Result<f64> {
    amount(v, &path)
}

// Out of line, the path as `dyn`: one copy for every caller in the size-budgeted module.
#[inline(never)]
fn amount(v: Item<'_>, path: &dyn Fn() -> String) -> Result<f64> {
    match v {
        Item::Num(n) => check_quantity(n, path),
        other => Err(type_error(&path(), "a finite number", &other)),
    }
}

fn opt_quantity(v: Option<Item<'_>>, path: impl Fn() -> String) -> Result<Option<f64>> {
    v.map(|v| quantity(v, path)).transpose()
}

/// A whole number from 0 to 10⁹.
fn count(v: Option<Item<'_>>, path: impl Fn() -> String) -> Result<Option<u32>> {
    let Some(v) = v else { return Ok(None) };
    whole(v, &path).map(Some)
}

// Out of line, the path as `dyn`: one copy for every caller in the size-budgeted module.
#[inline(never)]
fn whole(v: Item<'_>, path: &dyn Fn() -> String) -> Result<u32> {
    let n = number(v, path)?;
    if n < 0.0 || n.fract() != 0.0 || n > MAX_COUNT {
        let msg = format!(
            "expected a whole number from 0 to {}, got {}",
            format_number(MAX_COUNT),
            format_number(n)
        );
        return Err(Error::new(ErrorCode::OutOfRange, path(), msg));
    }
    Ok(n as u32)
}

impl<'t> Customer<'t> {
    /// Reads and validates the next value of `r` as a customer scored as of
    /// `as_of` (epoch ms); error paths are relative to the customer.
    pub fn read(r: &mut Reader<'t>, as_of: i64, limits: &Limits) -> Result<Customer<'t>> {
        let span = match r.item()? {
            Item::Obj(span) => span,
            other => return Err(type_error("", "an object", &other)),
        };
        let [id_v, first_seen, orders_v, survey, complaints, returns, referrals, wallet] =
            r.fields(span, &CUSTOMER_KEYS, CUSTOMER_FROM, &String::new)?;
        let id = id(required(id_v, || "id".into())?, || "id".into())?;
        let first_seen = match first_seen {
            None => None,
            Some(v) => {
                let at = instant_of_item(v, || "firstSeen".into())?;
                not_after(at, as_of, || "firstSeen".into())?;
                Some(at)
            }
        };
        let orders = read_orders(r, required(orders_v, || "orders".into())?, as_of, limits)?;
        let survey = match survey {
            None => None,
            Some(v) => Some(read_survey(r, v)?),
        };
        Ok(Customer {
            id,
            first_seen,
            orders,
            survey,
            complaints: count(complaints, || "complaints".into())?,
            returns: count(returns, || "returns".into())?,
            referrals: count(referrals, || "referrals".into())?,
            wallet: match wallet {
                None => None,
                Some(v) => Some(read_wallet(r, v)?),
            },
        })
    }
}

fn read_orders<'t>(
    r: &Reader<'t>,
    v: Item<'t>,
    as_of: i64,
    limits: &Limits,
) -> Result<Vec<Order<'t>>> {
    let span = match v {
        Item::Arr(span) => span,
        other => return Err(type_error("orders", "an array", &other)),
    };
    if span.len > limits.max_orders {
        let msg = format!(
            "expected at most {} items, got {}",
            limits.max_orders, span.len
        );
        return Err(Error::new(ErrorCode::TooLarge, "orders", msg));
    }
    let mut items = r.inside(span);
    let mut orders = Vec::with_capacity(span.len);
    for i in 0..span.len {
        // Paths are built only for an error: this runs for every order of every customer.
        let at = || index_path("orders", i);
        let order = match items.item()? {
            Item::Obj(fields) => {
                let plain = match fields.record() {
                    Some(mask) => record_order(&items, fields, mask, as_of),
                    None => plain_order(&items, fields, as_of),
                };
                match plain {
                    Some(order) => order,
                    None => read_order(&items, fields, &at)?,
                }
            }
            other => return Err(type_error(&at(), "an object", &other)),
        };
        not_after(order.at, as_of, || format!("{}.at", at()))?;
        orders.push(order);
    }
    items.finish()?;
    sort_orders(&mut orders);
    Ok(orders)
}

/// An order read straight from its numbers when it is plainly valid: every key
/// given by number at most once, every value a number, a string or null that
/// [`read_order`] would accept as it stands. `None` leaves the order to
/// [`read_order`], which reads it the same way or reports its error.
#[inline]
fn plain_order<'t>(
    r: &Reader<'t>,
    span: crate::input::tape::Span,
    as_of: i64,
) -> Option<Order<'t>> {
    let nums = r.slots(span);
    let mut o = Order::new(0, 0.0);
    let mut seen = 0u32;
    let mut i = 0;
    for _ in 0..span.len {
        let code = *nums.get(i)?;
        let k = (-code - 1.0) as usize;
        if k as f64 != -code - 1.0 || k >= ORDER_KEYS.len() || seen & 1 << k != 0 {
            return None;
        }
        seen |= 1 << k;
        let tag = *nums.get(i + 1)?;
        if tag == 3.0 {
            let x = *nums.get(i + 2)? + 0.0;
            i += 3;
            let quantity = (0.0..=MAX_QUANTITY).contains(&x);
            match k {
                0 => o.at = crate::input::time::instant_ms(x)?,
                1 if quantity => o.amount = x,
                2 if quantity => o.cost = Some(x),
                4 if quantity => o.discount = Some(x),
                6 if x.is_finite() => o.account_id = Some(Ident::Number(x)),
                _ => return None,
            }
        } else if tag == 4.0 {
            let name = plain_name(r.text_of(nums.get(i + 2..i + 5)?)?)?;
            let text = name.text;
            i += 5;
            match k {
                0 => o.at = parse_instant(text).ok()?,
                3 => o.category = Some(name),
                5 => o.channel = Some(text),
                6 if !text.is_empty() => o.account_id = Some(Ident::Text(name)),
                _ => return None,
            }
        } else if tag == 0.0 {
            // null: absent, but a required field is left to the full reading's error.
            if k <= 1 {
                return None;
            }
            i += 2;
        } else {
            return None;
        }
    }
    (seen & 3 == 3 && o.at <= as_of && i == nums.len()).then_some(o)
}

/// A name [`name`] accepts as it stands, or `None`.
#[inline]
fn plain_name(raw: RawText<'_>) -> Option<Name<'_>> {
    let text = raw.text(String::new).ok()?;
    if text.len() > MAX_NAME_CHARS && text.chars().count() > MAX_NAME_CHARS {
        return None;
    }
    Some(Name {
        text,
        index: raw.index,
    })
}

/// [`plain_order`] of an order record (keys `mask`): its values are in key
/// order at fixed places, numbers where numbers belong and strings where
/// strings do, so only the values are checked.
#[inline]
fn record_order<'t>(
    r: &Reader<'t>,
    span: crate::input::tape::Span,
    mask: u8,
    as_of: i64,
) -> Option<Order<'t>> {
    let quantity = |x: f64| Some(x + 0.0).filter(|x| (0.0..=MAX_QUANTITY).contains(x));
    let nums = r.slots(span);
    if mask & 3 != 3 {
        return None;
    }
    // `at`: epoch ms, or ISO 8601 text as three numbers.
    let (at, nums) = if mask & RECORD_AT_TEXT != 0 {
        let text = plain_name(r.text_of(nums)?)?.text;
        (parse_instant(text).ok()?, nums.get(3..)?)
    } else {
        (
            crate::input::time::instant_ms(*nums.first()? + 0.0)?,
            nums.get(1..)?,
        )
    };
    let [amount, rest @ ..] = nums else {
        return None;
    };
    let mut o = Order::new(at, quantity(*amount)?);
    let mut i = 0;
    if mask & 1 << 2 != 0 {
        o.cost = Some(quantity(*rest.get(i)?)?);
        i += 1;
    }
    if mask & 1 << 3 != 0 {
        o.category = Some(plain_name(r.text_of(rest.get(i..)?)?)?);
        i += 3;
    }
    if mask & 1 << 4 != 0 {
        o.discount = Some(quantity(*rest.get(i)?)?);
        i += 1;
    }
    if mask & 1 << 5 != 0 {
        o.channel = Some(plain_name(r.text_of(rest.get(i..)?)?)?.text);
    }
    (o.at <= as_of).then_some(o)
}

fn read_order<'t>(
    r: &Reader<'t>,
    span: crate::input::tape::Span,
    at: &dyn Fn() -> String,
) -> Result<Order<'t>> {
    let [at_v, amount, cost, category, discount, channel, account_id] =
        r.fields(span, &ORDER_KEYS, ORDER_FROM, at)?;
    let path = |key: &str| format!("{}.{key}", at());
    let text = |v: Option<Item<'t>>, key: &str| match v {
        None => Ok(None),
        Some(Item::Str(raw)) => name(raw, || path(key)).map(Some),
        Some(other) => Err(type_error(&path(key), "a string", &other)),
    };
    Ok(Order {
        at: instant_of_item(required(at_v, || path("at"))?, || path("at"))?,
        amount: quantity(required(amount, || path("amount"))?, || path("amount"))?,
        cost: opt_quantity(cost, || path("cost"))?,
        category: text(category, "category")?,
        discount: opt_quantity(discount, || path("discount"))?,
        channel: text(channel, "channel")?.map(|n| n.text),
        account_id: account_id
            .map(|v| id(v, || path("accountId")))
            .transpose()?,
    })
}

/// `wallet`: each category's yearly spend, a quantity.
fn read_wallet<'t>(r: &Reader<'t>, v: Item<'t>) -> Result<Vec<(Name<'t>, f64)>> {
    let entries = dimension_map(r, v, "wallet")?;
    let mut wallet = Vec::with_capacity(entries.len());
    for (n, a) in entries {
        wallet.push((n, quantity(a, || key_path("wallet", n.text))?));
    }
    Ok(wallet)
}

/// The entries of one of the survey's maps: (name, value) of each non-null entry.
type DimensionMap<'t> = Vec<(Name<'t>, Item<'t>)>;

fn dimension_map<'t>(r: &Reader<'t>, v: Item<'t>, at: &'static str) -> Result<DimensionMap<'t>> {
    let span = match v {
        Item::Obj(span) => span,
        other => return Err(type_error(at, "an object", &other)),
    };
    if span.len > MAX_DIMENSIONS {
        let n = r
            .entries(span)
            .try_fold(0, |n, entry| entry.map(|_| n + 1))?;
        let msg = format!("expected at most {MAX_DIMENSIONS} dimensions, got {n}");
        return Err(Error::new(ErrorCode::TooLarge, at, msg));
    }
    let mut entries = Vec::with_capacity(span.len);
    for entry in r.entries(span) {
        let (key, value) = entry?;
        let named = match key {
            KeyItem::Known(i) => Name {
                text: KEYS[i],
                index: -(i as i32) - 1,
            },
            KeyItem::Text(raw) => name(raw, || key_path(at, &raw.lossy()))?,
        };
        entries.push((named, value));
    }
    Ok(entries)
}

fn get<'m, 't>(map: &'m DimensionMap<'t>, name: &str) -> Option<&'m Item<'t>> {
    map.iter().find(|(n, _)| n.text == name).map(|(_, v)| v)
}

fn read_survey<'t>(r: &Reader<'t>, v: Item<'t>) -> Result<Survey<'t>> {
    let span = match v {
        Item::Obj(span) => span,
        other => return Err(type_error("survey", "an object", &other)),
    };
    let [expectation, perception, weights, nps] =
        r.fields(span, &SURVEY_KEYS, SURVEY_FROM, &|| "survey".into())?;
    let map =
        |v: Option<Item<'t>>, at: &'static str| v.map(|v| dimension_map(r, v, at)).transpose();
    let expectation = map(expectation, "survey.expectation")?;
    let perception = map(perception, "survey.perception")?;
    let weights = map(weights, "survey.weights")?;
    let at = |key: &str, name: &str| key_path(&format!("survey.{key}"), name);
    let mut dimensions = Vec::with_capacity(expectation.as_ref().map_or(0, Vec::len));
    match (&expectation, &perception) {
        (Some(e), Some(p)) => {
            for &(name, ev) in e {
                let pv = *get(p, name.text).ok_or_else(|| {
                    let msg = format!(
                        "dimension {} has an expectation but no perception",
                        Quoted(&shown(name.text))
                    );
                    Error::new(ErrorCode::MissingField, at("perception", name.text), msg)
                })?;
                let weight = match weights.as_ref().and_then(|w| get(w, name.text)) {
                    Some(&wv) => quantity(wv, || at("weights", name.text))?,
                    None => 1.0,
                };
                dimensions.push(Dimension {
                    name,
                    expectation: quantity(ev, || at("expectation", name.text))?,
                    perception: quantity(pv, || at("perception", name.text))?,
                    weight,
                });
            }
            if let Some((name, _)) = p.iter().find(|(name, _)| get(e, name.text).is_none()) {
                let msg = format!(
                    "dimension {} has a perception but no expectation",
                    Quoted(&shown(name.text))
                );
                return Err(Error::new(
                    ErrorCode::MissingField,
                    at("expectation", name.text),
                    msg,
                ));
            }
        }
        (Some(one), None) | (None, Some(one)) => {
            let key = if expectation.is_some() {
                "expectation"
            } else {
                "perception"
            };
            for &(name, v) in one {
                number(v, || at(key, name.text))?;
            }
        }
        (None, None) => {}
    }
    if let Some(w) = &weights {
        for &(name, wv) in w {
            quantity(wv, || at("weights", name.text))?;
            if !dimensions.iter().any(|d| d.name.text == name.text) {
                let msg = format!(
                    "weight for dimension {}, which has no expectation and perception",
                    Quoted(&shown(name.text))
                );
                return Err(Error::new(
                    ErrorCode::UnknownField,
                    at("weights", name.text),
                    msg,
                ));
            }
        }
        if !dimensions.is_empty() && dimensions.iter().all(|d| d.weight == 0.0) {
            return Err(Error::new(
                ErrorCode::OutOfRange,
                "survey.weights",
                "weights are all 0; at least one must be > 0",
            ));
        }
    }
    let nps = match nps {
        None => None,
        Some(v) => {
            let n = number(v, || "survey.nps".into())?;
            if !(0.0..=10.0).contains(&n) {
                let msg = format!("expected a number from 0 to 10, got {}", format_number(n));
                return Err(Error::new(ErrorCode::OutOfRange, "survey.nps", msg));
            }
            if n.fract() != 0.0 {
                return Err(Error::new(
                    ErrorCode::OutOfRange,
                    "survey.nps",
                    format!(
                        "expected a whole number from 0 to 10, got {}",
                        format_number(n)
                    ),
                ));
            }
            Some(n as u8)
        }
    };
    Ok(Survey { dimensions, nps })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::json::Json;
    use crate::input::tape::OwnedTape;
    use crate::input::time::parse_instant;

    fn read_with(text: &str, limits: &Limits, f: impl FnOnce(Result<Customer<'_>>)) {
        let tape = OwnedTape::of(&Json::parse(text).unwrap());
        let mut r = tape.tape().reader();
        f(Customer::read(
            &mut r,
            parse_instant("2026-11-22").unwrap(),
            limits,
        ));
    }

    fn err(text: &str) -> String {
        let mut out = String::new();
        read_with(text, &Limits::default(), |r| {
            out = r.unwrap_err().to_string()
        });
        out
    }

    #[test]
    fn orders_are_sorted_and_fields_read() {
        read_with(
            r#"{"id": 7, "orders": [
                {"at": "2026-10-02", "amount": 30, "category": "video", "accountId": 2},
                {"at": 1790000000000, "amount": 10.5, "cost": 4, "discount": 1, "channel": "web"}]}"#,
            &Limits::default(),
            |c| {
                let c = c.unwrap();
                assert_eq!(c.id.to_text(), "7");
                assert_eq!(c.orders[0].at, 1_790_000_000_000);
                assert_eq!(c.orders[1].category.map(|n| n.text), Some("video"));
                assert_eq!(
                    c.orders[1].account_id.map(|a| a.to_text()).as_deref(),
                    Some("2")
                );
                assert_eq!(c.orders[0].cost, Some(4.0));
                assert_eq!(c.orders[0].channel, Some("web"));
            },
        );
    }

    #[test]
    fn bad_fields_are_named() {
        assert_eq!(err(r#"{"orders": []}"#), "id: is required");
        assert_eq!(
            err(r#"{"id": "a", "orders": [{"at": "2026-01-01"}]}"#),
            "orders[0].amount: is required"
        );
        assert_eq!(
            err(r#"{"id": "a", "orders": [{"at": "2026-01-01", "amount": -3}]}"#),
            "orders[0].amount: expected a number >= 0, got -3"
        );
        assert_eq!(
            err(r#"{"id": "a", "orders": [{"at": "2026-12-01", "amount": 3}]}"#),
            "orders[0].at: 2026-12-01T00:00:00.000Z is after asOf 2026-11-22T00:00:00.000Z"
        );
        assert_eq!(
            err(r#"{"id": "a", "orders": [{"at": "2026-01-01", "amount": 3, "ammount": 3}]}"#),
            "orders[0].ammount: unknown field \"ammount\" (did you mean \"amount\"?)"
        );
        assert_eq!(
            err(r#"{"id": "a", "orders": [], "complaints": 1.5}"#),
            "complaints: expected a whole number from 0 to 1000000000, got 1.5"
        );
        assert_eq!(
            err(r#"{"id": "a", "orders": [], "survey": {"nps": 11}}"#),
            "survey.nps: expected a number from 0 to 10, got 11"
        );
    }

    #[test]
    fn errors_do_not_depend_on_key_order() {
        // An unknown key is reported before any value of its object; fields in schema order.
        assert_eq!(err(r#"{"orders": 5, "id": "", "xyzzy": 1}"#), "xyzzy: unknown field \"xyzzy\"; expected one of: id, firstSeen, orders, survey, complaints, returns, referrals, wallet");
        assert_eq!(
            err(r#"{"orders": 5, "id": ""}"#),
            "id: expected a non-empty string or a number, got \"\""
        );
        assert_eq!(
            err(r#"{"orders": [{"amount": -1, "at": "x"}], "id": "a"}"#),
            err(r#"{"id": "a", "orders": [{"at": "x", "amount": -1}]}"#)
        );
    }

    #[test]
    fn survey_dimensions_must_line_up() {
        assert_eq!(
            err(
                r#"{"id": "a", "orders": [], "survey": {"expectation": {"price": 4}, "perception": {"service": 4}}}"#
            ),
            "survey.perception.price: dimension \"price\" has an expectation but no perception"
        );
        assert_eq!(
            err(r#"{"id": "a", "orders": [], "survey": {"expectation": {"price": 4}, "perception": {"price": 4}, "weights": {"servce": 2}}}"#),
            "survey.weights.servce: weight for dimension \"servce\", which has no expectation and perception"
        );
        read_with(
            r#"{"id": "a", "orders": [], "survey": {"expectation": {"price": 4, "service": 3}, "perception": {"service": 5, "price": 3}, "weights": {"price": 2}, "nps": 9}}"#,
            &Limits::default(),
            |c| {
                let s = c.unwrap().survey.unwrap();
                assert_eq!(
                    (
                        s.dimensions[0].name.text,
                        s.dimensions[0].expectation,
                        s.dimensions[0].perception,
                        s.dimensions[0].weight
                    ),
                    ("price", 4.0, 3.0, 2.0)
                );
                assert_eq!(s.dimensions[1].weight, 1.0);
                assert_eq!(s.nps, Some(9));
            },
        );
    }

    /// The survey of a customer read from its tape: each dimension as (name,
    /// expectation, perception, weight) and the NPS answer, or the error's code,
    /// path and message. `-999` in `survey` stands for NaN, which JSON lacks.
    #[allow(clippy::type_complexity)]
    fn survey(
        survey: &str,
    ) -> std::result::Result<(Vec<(String, f64, f64, f64)>, Option<u8>), (ErrorCode, String, String)>
    {
        fn nan(v: &mut Json) {
            match v {
                Json::Num(n) if *n == -999.0 => *n = f64::NAN,
                Json::Obj(entries) => entries.iter_mut().for_each(|(_, x)| nan(x)),
                _ => {}
            }
        }
        let mut v = Json::parse(&format!(
            r#"{{"id": "a", "orders": [], "survey": {survey}}}"#
        ))
        .unwrap();
        nan(&mut v);
        let tape = OwnedTape::of(&v);
        let c = Customer::read(
            &mut tape.tape().reader(),
            parse_instant("2026-11-22").unwrap(),
            &Limits::default(),
        );
        match c {
            Ok(c) => {
                let s = c.survey.unwrap();
                let dims = s.dimensions.iter();
                let dims = dims.map(|d| {
                    (
                        d.name.text.to_string(),
                        d.expectation,
                        d.perception,
                        d.weight,
                    )
                });
                Ok((dims.collect(), s.nps))
            }
            Err(e) => Err((e.code(), e.path().to_string(), e.message().to_string())),
        }
    }

    fn dims(list: &[(&str, f64, f64, f64)]) -> Vec<(String, f64, f64, f64)> {
        list.iter()
            .map(|&(n, e, p, w)| (n.to_string(), e, p, w))
            .collect()
    }

    fn refused(code: ErrorCode, path: &str, message: &str) -> (ErrorCode, String, String) {
        (code, path.to_string(), message.to_string())
    }

    #[test]
    fn surveys_read_by_the_rules_of_survey_dimensions() {
        use ErrorCode::*;
        // Dimensions in the expectation's order, each perception found by name.
        assert_eq!(
            survey(
                r#"{"expectation": {"service": 4, "product": 2}, "perception": {"product": 5, "service": 3}, "nps": 9}"#
            ),
            Ok((
                dims(&[("service", 4.0, 3.0, 1.0), ("product", 2.0, 5.0, 1.0)]),
                Some(9)
            ))
        );
        // Weights default to 1; one map alone is checked as numbers and answers nothing.
        assert_eq!(
            survey(
                r#"{"expectation": {"a": 4, "b": 1}, "perception": {"b": 2, "a": 3}, "weights": {"b": 0.5}}"#
            ),
            Ok((dims(&[("a", 4.0, 3.0, 1.0), ("b", 1.0, 2.0, 0.5)]), None))
        );
        assert_eq!(survey(r#"{"expectation": {"a": -1}}"#), Ok((vec![], None)));
        // Duplicate names (JSON text can have them): each expectation is a dimension, the
        // first perception answers both, a later one is not read; null entries are absent.
        assert_eq!(
            survey(
                r#"{"expectation": {"a": 1, "a": 2, "b": null}, "perception": {"a": 3, "a": "x"}}"#
            ),
            Ok((dims(&[("a", 1.0, 3.0, 1.0), ("a", 2.0, 3.0, 1.0)]), None))
        );
        // Names JavaScript treats specially, and one the tape gives by number.
        assert_eq!(
            survey(
                r#"{"expectation": {"__proto__": 4, "\u0000x": 1, "at": 2}, "perception": {"at": 5, "\u0000x": 2, "__proto__": 2}}"#
            ),
            Ok((
                dims(&[
                    ("__proto__", 4.0, 2.0, 1.0),
                    ("\0x", 1.0, 2.0, 1.0),
                    ("at", 2.0, 5.0, 1.0)
                ]),
                None
            ))
        );
        // More dimensions than a small survey has.
        let nine: Vec<String> = (0..9).map(|i| format!(r#""d{i}": {i}"#)).collect();
        let nine = nine.join(", ");
        let read = survey(&format!(
            r#"{{"expectation": {{{nine}}}, "perception": {{{nine}}}}}"#
        ));
        assert_eq!(
            read.map(|(d, _)| (d.len(), d[8].clone())),
            Ok((9, ("d8".to_string(), 8.0, 8.0, 1.0)))
        );
        for (text, error) in [
            (
                r#"{"expectation": {"a": 4}, "perception": {}}"#,
                refused(
                    MissingField,
                    "survey.perception.a",
                    r#"dimension "a" has an expectation but no perception"#,
                ),
            ),
            (
                r#"{"expectation": {}, "perception": {"a": 4}}"#,
                refused(
                    MissingField,
                    "survey.expectation.a",
                    r#"dimension "a" has a perception but no expectation"#,
                ),
            ),
            (
                r#"{"expectation": {"a": 4}, "perception": {"a": 3}, "weights": {"a": 2, "b": 1}}"#,
                refused(
                    UnknownField,
                    "survey.weights.b",
                    r#"weight for dimension "b", which has no expectation and perception"#,
                ),
            ),
            (
                r#"{"expectation": {"a": 4}, "perception": {"a": 3}, "weights": {"a": 0}}"#,
                refused(
                    OutOfRange,
                    "survey.weights",
                    "weights are all 0; at least one must be > 0",
                ),
            ),
            (
                r#"{"expectation": {"a": -999}, "perception": {"a": 3}}"#,
                refused(
                    NotFinite,
                    "survey.expectation.a",
                    "expected a finite number, got NaN",
                ),
            ),
            (
                r#"{"expectation": {"a": 1}, "perception": {"a": "3"}}"#,
                refused(
                    InvalidType,
                    "survey.perception.a",
                    r#"expected a finite number, got "3""#,
                ),
            ),
            (
                r#"{"expectation": {"a": 1}, "perception": {"a": 1e16}}"#,
                refused(
                    OutOfRange,
                    "survey.perception.a",
                    "expected a number of at most 1000000000000000, got 10000000000000000",
                ),
            ),
            (
                r#"{"expectation": {"a": 1}, "perception": {"a": 2}, "nps": 11}"#,
                refused(
                    OutOfRange,
                    "survey.nps",
                    "expected a number from 0 to 10, got 11",
                ),
            ),
            (
                r#"{"expectation": {"a": 1}, "perception": {"a": 2}, "nps": 2.5}"#,
                refused(
                    OutOfRange,
                    "survey.nps",
                    "expected a whole number from 0 to 10, got 2.5",
                ),
            ),
            (
                r#"{"expectation": 5, "perception": {}}"#,
                refused(
                    InvalidType,
                    "survey.expectation",
                    "expected an object, got 5",
                ),
            ),
            (
                r#"[{"expectation": {}}]"#,
                refused(InvalidType, "survey", "expected an object, got an array"),
            ),
            // Which error wins: a dimension's missing perception, then its weight, its
            // expectation, its perception; the names of all maps before any value; nps last.
            (
                r#"{"expectation": {"a": -1}, "perception": {}, "nps": 11}"#,
                refused(
                    MissingField,
                    "survey.perception.a",
                    r#"dimension "a" has an expectation but no perception"#,
                ),
            ),
            (
                r#"{"expectation": {"a": -1}, "perception": {"a": "x"}, "weights": {"a": -999}}"#,
                refused(
                    NotFinite,
                    "survey.weights.a",
                    "expected a finite number, got NaN",
                ),
            ),
            (
                r#"{"expectation": {"a": -1}, "perception": {"a": "x"}}"#,
                refused(
                    OutOfRange,
                    "survey.expectation.a",
                    "expected a number >= 0, got -1",
                ),
            ),
            (
                r#"{"weights": {"a": "x"}, "expectation": {"a": -1}, "perception": {"a": 1}}"#,
                refused(
                    InvalidType,
                    "survey.weights.a",
                    r#"expected a finite number, got "x""#,
                ),
            ),
        ] {
            assert_eq!(survey(text), Err(error), "{text}");
        }
        let long = "n".repeat(257);
        assert_eq!(
            survey(&format!(
                r#"{{"expectation": {{"a": "x"}}, "perception": {{"{long}": 1}}}}"#
            )),
            Err(refused(
                ErrorCode::TooLarge,
                &format!("survey.perception.{}…", "n".repeat(64)),
                "expected at most 256 characters, got 257"
            ))
        );
        let e = survey(r#"{"expectation": {}, "perceptoin": {}}"#).unwrap_err();
        assert_eq!(
            (e.0, e.1.as_str()),
            (ErrorCode::UnknownField, "survey.perceptoin")
        );
        assert!(
            e.2.starts_with(r#"unknown field "perceptoin" (did you mean "perception"?)"#),
            "{}",
            e.2
        );
    }

    // Found by a timing probe (tests/limits.rs): matching 20,000 dimensions took 2 s
    // (quadratic), and a 16 MiB survey would have taken minutes.
    #[test]
    fn survey_dimensions_are_capped() {
        let dims: Vec<String> = (0..=MAX_DIMENSIONS)
            .map(|i| format!("\"d{i}\": 1"))
            .collect();
        let text = format!(
            r#"{{"id": "a", "orders": [], "survey": {{"expectation": {{{0}}}, "perception": {{{0}}}}}}}"#,
            dims.join(",")
        );
        read_with(&text, &Limits::default(), |r| {
            let e = r.unwrap_err();
            assert_eq!(
                (e.code(), e.path()),
                (ErrorCode::TooLarge, "survey.expectation")
            );
            assert_eq!(e.message(), "expected at most 1000 dimensions, got 1001");
        });
        let ok = format!(
            r#"{{"id": "a", "orders": [], "survey": {{"expectation": {{{0}}}, "perception": {{{0}}}}}}}"#,
            dims[1..].join(",")
        );
        read_with(&ok, &Limits::default(), |r| {
            assert_eq!(r.unwrap().survey.unwrap().dimensions.len(), MAX_DIMENSIONS)
        });
    }

    // Issue 16, item 12: survey dimension names had no length cap while every other name has 256.
    #[test]
    fn hostile_12_dimension_names_are_capped_like_other_names() {
        let long = "d".repeat(257);
        let text = format!(
            r#"{{"id": "a", "orders": [], "survey": {{"expectation": {{"{long}": 1}}, "perception": {{"{long}": 1}}}}}}"#
        );
        read_with(&text, &Limits::default(), |r| {
            let e = r.unwrap_err();
            assert_eq!(e.code(), ErrorCode::TooLarge);
            assert_eq!(e.path(), format!("survey.expectation.{}…", "d".repeat(64)));
            assert_eq!(e.message(), "expected at most 256 characters, got 257");
        });
        // 256 characters, as many as an id may have, are read (multi-byte ones counted as characters).
        let most = "é".repeat(256);
        let text = format!(
            r#"{{"id": "a", "orders": [], "survey": {{"expectation": {{"{most}": 1}}, "perception": {{"{most}": 2}}}}}}"#
        );
        read_with(&text, &Limits::default(), |r| {
            assert_eq!(r.unwrap().survey.unwrap().dimensions.len(), 1)
        });
    }

    #[test]
    fn same_instant_orders_sum_alike_in_any_input_order() {
        let orders = [
            r#"{"at": "2026-04-19", "amount": 0, "cost": 199.15352260130896}"#,
            r#"{"at": "2026-04-19", "amount": 2351.314542821464}"#,
            r#"{"at": "2026-04-19", "amount": 3368.746468651449}"#,
        ];
        let read_in = |order: [usize; 3]| {
            let items: Vec<&str> = order.iter().map(|&i| orders[i]).collect();
            let mut out = Vec::new();
            read_with(
                &format!(r#"{{"id": "a", "orders": [{}]}}"#, items.join(",")),
                &Limits::default(),
                |c| {
                    out = c
                        .unwrap()
                        .orders
                        .iter()
                        .map(|o| (o.at, o.amount.to_bits(), o.cost.map(f64::to_bits)))
                        .collect();
                },
            );
            out
        };
        let first = read_in([0, 1, 2]);
        for order in [[2, 1, 0], [1, 0, 2], [2, 0, 1]] {
            assert_eq!(read_in(order), first);
        }
    }

    #[test]
    fn order_count_is_capped() {
        read_with(
            r#"{"id": "a", "orders": [{"at": 0, "amount": 1}, {"at": 0, "amount": 1}]}"#,
            &Limits {
                max_orders: 1,
                max_batch: 1,
            },
            |r| {
                let e = r.unwrap_err();
                assert_eq!((e.code(), e.path()), (ErrorCode::TooLarge, "orders"));
            },
        );
    }

    #[test]
    fn orders_sort_as_the_standard_sort_does() {
        let mut seed = 12345u32;
        let mut next = |m: u32| {
            seed = seed.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
            (seed >> 8) % m
        };
        for n in [0, 1, 2, 3, 10, 33, 64, 65, 200] {
            let mut orders: Vec<Order<'_>> = (0..n)
                .map(|_| {
                    let cost = if next(3) == 0 {
                        Some(f64::from(next(4)))
                    } else {
                        None
                    };
                    Order {
                        cost,
                        ..Order::new(i64::from(next(6)), f64::from(next(3)))
                    }
                })
                .collect();
            let mut want = orders.clone();
            want.sort_by(|a, b| {
                a.at.cmp(&b.at)
                    .then(a.amount.total_cmp(&b.amount))
                    .then(a.cost.map(f64::to_bits).cmp(&b.cost.map(f64::to_bits)))
            });
            sort_orders(&mut orders);
            let key = |o: &Order<'_>| (o.at, o.amount.to_bits(), o.cost.map(f64::to_bits));
            assert_eq!(
                orders.iter().map(key).collect::<Vec<_>>(),
                want.iter().map(key).collect::<Vec<_>>(),
                "{n}"
            );
        }
    }

    /// The customer read from `tape` (after patching `from` to `to` in its bytes): its
    /// orders as `Debug` prints them, or its error as code, path and message.
    fn read_tape(mut tape: OwnedTape, patch: Option<(&[u8], &[u8])>) -> String {
        if let Some((from, to)) = patch {
            let at = tape
                .bytes
                .windows(from.len())
                .position(|w| w == from)
                .unwrap();
            tape.bytes.splice(at..at + from.len(), to.iter().copied());
        }
        let as_of = parse_instant("2026-11-22").unwrap();
        match Customer::read(&mut tape.tape().reader(), as_of, &Limits::default()) {
            Ok(c) => format!("{:?}", c.orders),
            Err(e) => format!("{}|{}|{}", e.code().as_str(), e.path(), e.message()),
        }
    }

    #[test]
    fn order_records_read_as_their_objects_do_errors_included() {
        let order = |fields: &str| {
            let text = format!(
                r#"{{"id": "c", "orders": [{{"at": 1790000000000, "amount": 3}}, {{{fields}}}]}}"#
            );
            Json::parse(&text).unwrap()
        };
        let nan = |key: &str, x: f64| {
            let mut v = order(r#""at": 1790000000000, "amount": 1, "cost": 1, "discount": 1"#);
            let Json::Obj(c) = &mut v else { panic!() };
            let Json::Arr(orders) = &mut c[1].1 else {
                panic!()
            };
            let Json::Obj(o) = &mut orders[1] else {
                panic!()
            };
            o.iter_mut().find(|(k, _)| k == key).unwrap().1 = Json::Num(x);
            v
        };
        let (at, max) = (r#""at": 1790000000000"#, MAX_NAME_CHARS);
        let cases: Vec<(Json, &str)> = vec![
            (
                order(&format!(r#"{at}, "amount": 5, "category": "books""#)),
                "ok",
            ),
            (
                order(&format!(
                    r#"{at}, "amount": 0, "cost": 1e15, "category": "a\u0000b", "discount": 0.5, "channel": "web""#
                )),
                "ok",
            ),
            (
                order(&format!(
                    r#"{at}, "amount": -0.0, "category": "{}""#,
                    "é".repeat(max)
                )),
                "ok",
            ),
            (
                order(&format!(r#"{at}, "amount": -1"#)),
                "OUT_OF_RANGE|orders[1].amount|expected a number >= 0, got -1",
            ),
            (
                order(&format!(r#"{at}, "amount": 1, "cost": 1000000000000001"#)),
                "OUT_OF_RANGE|orders[1].cost|",
            ),
            (
                order(&format!(
                    r#"{at}, "amount": 1, "category": "{}""#,
                    "c".repeat(max + 1)
                )),
                "TOO_LARGE|orders[1].category|expected at most 256 characters, got 257",
            ),
            (order(r#""at": 1.5, "amount": 1"#), "|orders[1].at|"),
            (order(r#""at": 1e300, "amount": 1"#), "|orders[1].at|"),
            (
                order(r#""at": 1800000000000, "amount": 1"#),
                "FUTURE_DATE|orders[1].at|",
            ),
            (
                order(r#""amount": 1"#),
                "MISSING_FIELD|orders[1].at|is required",
            ),
            (
                order(r#""at": 1790000000000, "category": "x""#),
                "MISSING_FIELD|orders[1].amount|is required",
            ),
            (
                order(r#""at": 1790000000000, "amount": "5""#),
                "INVALID_TYPE|orders[1].amount|expected a finite number, got \"5\"",
            ),
            (
                order(r#""at": 1790000000000, "amount": 1, "category": 7"#),
                "INVALID_TYPE|orders[1].category|expected a string, got 7",
            ),
            (
                order(r#""at": 1790000000000, "amount": 1, "ammount": 1"#),
                "UNKNOWN_FIELD|orders[1].ammount|",
            ),
            (
                order(r#""at": 1790000000000, "amount": 1, "amount": 2"#),
                "ok",
            ),
            (
                nan("amount", f64::NAN),
                "NOT_FINITE|orders[1].amount|expected a finite number, got NaN",
            ),
            (nan("cost", f64::INFINITY), "NOT_FINITE|orders[1].cost|"),
            (
                nan("discount", f64::NEG_INFINITY),
                "NOT_FINITE|orders[1].discount|",
            ),
            (nan("at", f64::NAN), "|orders[1].at|"),
        ];
        for (v, want) in cases {
            let text = v.to_text();
            let (record, entries) = (OwnedTape::of(&v), OwnedTape::without_records(&v));
            let got = read_tape(record, None);
            assert_eq!(got, read_tape(entries, None), "{text}");
            match want {
                "ok" => assert!(got.starts_with('['), "{text}: {got}"),
                _ => {
                    let [code, path, message] = want.splitn(3, '|').collect::<Vec<_>>()[..] else {
                        panic!()
                    };
                    let mut parts = got.splitn(3, '|');
                    let (c, p, m) = (parts.next(), parts.next(), parts.next());
                    assert!(code.is_empty() || c == Some(code), "{text}: {got}");
                    assert_eq!(p, Some(path), "{text}: {got}");
                    assert!(m.unwrap_or("").starts_with(message), "{text}: {got}");
                }
            }
        }
        // A lone surrogate (U+D800 as WTF-8) in the category or the channel of a record.
        for key in ["category", "channel"] {
            let v = order(&format!(r#"{at}, "amount": 1, "{key}": "xSUR""#));
            let patch = Some((&b"SUR"[..], &b"\xed\xa0\x80"[..]));
            assert_eq!(
                OwnedTape::of(&v).nums[16],
                8.0,
                "the second order is a record"
            );
            let got = read_tape(OwnedTape::of(&v), patch);
            assert_eq!(got, read_tape(OwnedTape::without_records(&v), patch));
            assert_eq!(got, format!("INVALID_TYPE|orders[1].{key}|expected text that is valid Unicode, got a string with a lone surrogate at character 2"));
        }
    }

    // Issue 16, item 11: an unknown 1 MB key gave a 1 MB path and a 2 MB message.
    #[test]
    fn hostile_11_long_names_are_cut_in_paths_and_messages() {
        let key = "k".repeat(1 << 20);
        let cut = format!("{}…", "k".repeat(64));
        let e = err(&format!(r#"{{"id": "a", "orders": [], "{key}": 1}}"#));
        assert_eq!(
            e,
            format!("{cut}: unknown field \"{cut}\"; expected one of: id, firstSeen, orders, survey, complaints, returns, referrals, wallet")
        );
        // Inside an order, and as a map key whose value is wrong.
        let e = err(&format!(
            r#"{{"id": "a", "orders": [{{"at": "2026-01-01", "amount": 1, "{key}": 2}}]}}"#
        ));
        assert!(
            e.starts_with(&format!("orders[0].{cut}: unknown field \"{cut}\"")),
            "{}",
            &e[..200]
        );
        assert!(e.len() < 400, "{} bytes", e.len());
        let e = err(&format!(
            r#"{{"id": "a", "orders": [], "survey": {{"expectation": {{"{key}": "x"}}, "perception": {{}}}}}}"#
        ));
        assert!(
            e.starts_with(&format!("survey.expectation.{cut}: ")),
            "{}",
            &e[..200]
        );
        assert!(e.len() < 400, "{} bytes", e.len());
    }
}
