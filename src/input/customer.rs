//! The customer as input: validated once, at the boundary, into types that
//! cannot hold invalid states.
//!
//! A [`Customer`] has orders sorted by time, every amount finite and
//! non-negative, every date on or before the instant it is scored at, and
//! survey answers whose dimensions line up. The scoring modules then have no
//! error paths of their own.

use crate::error::{Error, ErrorCode, Result};
use crate::json::{
    expect_array, expect_count, expect_in_range, expect_map, expect_non_negative, expect_number,
    index_path, type_error, Json, Obj,
};
use crate::time::{expect_instant, format_instant};

/// One order of a customer.
#[derive(Debug, Clone, PartialEq)]
pub struct Order {
    /// When it was placed, epoch milliseconds UTC.
    pub at: i64,
    /// What the customer paid.
    pub amount: f64,
    /// What the order cost the store (goods and service), when known.
    pub cost: Option<f64>,
    /// Product category, e.g. `books`.
    pub category: Option<String>,
    /// Discount granted on the order, in money; `> 0` marks a discounted order.
    pub discount: Option<f64>,
    /// Sales channel, e.g. `web`, `store`, `promotion`.
    pub channel: Option<String>,
    /// The account the order was placed from: one customer may have several.
    pub account_id: Option<String>,
}

/// One survey dimension (product, service, image...) with its answers.
#[derive(Debug, Clone, PartialEq)]
pub struct Dimension {
    /// The dimension's name as the caller gave it.
    pub name: String,
    /// What the customer expected.
    pub expectation: f64,
    /// What the customer perceived.
    pub perception: f64,
    /// Its weight in the weighted means (1 unless given).
    pub weight: f64,
}

/// Survey answers: expectation and perception per dimension, and an NPS answer.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Survey {
    /// Dimensions answered for both expectation and perception, in input order.
    pub dimensions: Vec<Dimension>,
    /// "How likely are you to recommend us?", 0 to 10.
    pub nps: Option<u8>,
}

/// A validated customer.
#[derive(Debug, Clone, PartialEq)]
pub struct Customer {
    /// The caller's identifier (numbers are kept in their decimal form).
    pub id: String,
    /// When the customer was first seen; the start of tenure when before the first order.
    pub first_seen: Option<i64>,
    /// Orders, sorted by time.
    pub orders: Vec<Order>,
    /// Survey answers, when there are any.
    pub survey: Option<Survey>,
    /// Number of complaints received.
    pub complaints: Option<u32>,
    /// Number of orders or items returned.
    pub returns: Option<u32>,
    /// Number of new customers this one referred.
    pub referrals: Option<u32>,
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
        Limits { max_orders: 10_000, max_batch: 1_000_000 }
    }
}

pub(crate) const CUSTOMER_KEYS: [&str; 7] = ["id", "firstSeen", "orders", "survey", "complaints", "returns", "referrals"];
pub(crate) const ORDER_KEYS: [&str; 7] = ["at", "amount", "cost", "category", "discount", "channel", "accountId"];
pub(crate) const SURVEY_KEYS: &[&str] = &["expectation", "perception", "weights", "nps"];
const MAX_COUNT: f64 = 1e9;
/// Most survey dimensions (entries of `expectation`, `perception` and `weights`
/// each): matching them up is quadratic, so a hostile survey must not be large.
pub const MAX_DIMENSIONS: usize = 1000;

impl Customer {
    /// Validates a customer given as loose input, scored as of `as_of` (epoch ms).
    ///
    /// ```
    /// use crmscore::{customer::{Customer, Limits}, json::Json, time::parse_instant};
    /// let input: Json = serde_json::from_str(
    ///     r#"{"id": "c1", "orders": [{"at": "2026-11-01", "amount": "12,50"}]}"#).unwrap();
    /// let err = Customer::from_json(&input, parse_instant("2026-11-22").unwrap(), &Limits::default()).unwrap_err();
    /// assert_eq!(err.to_string(), r#"orders[0].amount: expected a finite number, got "12,50""#);
    /// ```
    pub fn from_json(v: &Json, as_of: i64, limits: &Limits) -> Result<Customer> {
        let o = Obj::new(v, "", &CUSTOMER_KEYS)?;
        let fields = CUSTOMER_KEYS.map(|key| o.get(key).unwrap_or(&NULL));
        Customer::of(fields, as_of, &mut |v| {
            let items = expect_array(v, "orders", limits.max_orders)?;
            let mut orders = Vec::with_capacity(items.len());
            for (i, item) in items.iter().enumerate() {
                // Paths are built only for an error: this loop runs for every order of every customer.
                let order = read_order(item).map_err(|e| e.under(&index_path("orders", i)))?;
                not_after(order.at, as_of, "at").map_err(|e| e.under(&index_path("orders", i)))?;
                orders.push(order);
            }
            sort_orders(&mut orders);
            Ok(orders)
        })
    }

    /// A customer from the values of its [`CUSTOMER_KEYS`], in that order
    /// (`Null` when absent), with `orders` reading the orders' value.
    pub(crate) fn of(fields: [&Json; 7], as_of: i64, orders: &mut dyn FnMut(&Json) -> Result<Vec<Order>>) -> Result<Customer> {
        let [id, first_seen, orders_value, survey, complaints, returns, referrals] = fields;
        let id = read_id(required(id, "id")?, "id")?;
        let first_seen = match first_seen {
            Json::Null => None,
            v => {
                let at = expect_instant(v, "firstSeen")?;
                not_after(at, as_of, "firstSeen")?;
                Some(at)
            }
        };
        let orders_value = required(orders_value, "orders")?;
        let count = |v: &Json, key: &str| match v {
            Json::Null => Ok(None),
            v => expect_count(v, key, MAX_COUNT).map(Some),
        };
        Ok(Customer {
            id,
            first_seen,
            orders: orders(orders_value)?,
            survey: match survey {
                Json::Null => None,
                v => Some(read_survey(v, "survey")?),
            },
            complaints: count(complaints, "complaints")?,
            returns: count(returns, "returns")?,
            referrals: count(referrals, "referrals")?,
        })
    }
}

/// An absent field.
static NULL: Json = Json::Null;

/// The value of a required field (error paths relative to its object).
fn required<'a>(v: &'a Json, key: &str) -> Result<&'a Json> {
    match v {
        Json::Null => Err(Error::new(ErrorCode::MissingField, key, "is required")),
        v => Ok(v),
    }
}

/// Sorts orders by time, then amount and cost, so that floating-point sums
/// (historic value, margin) add them in one order whatever the input order:
/// sorting by time alone let the last digit depend on the input order (found by
/// tests/properties.rs). Orders equal in all three are interchangeable.
pub(crate) fn sort_orders(orders: &mut [Order]) {
    orders.sort_unstable_by(|a, b| {
        a.at.cmp(&b.at)
            .then_with(|| a.amount.total_cmp(&b.amount))
            .then_with(|| a.cost.map(f64::to_bits).cmp(&b.cost.map(f64::to_bits)))
    });
}

fn not_after(at: i64, as_of: i64, path: &str) -> Result<()> {
    if at > as_of {
        return Err(Error::new(
            ErrorCode::FutureDate,
            path,
            format!("{} is after asOf {}", format_instant(at), format_instant(as_of)),
        ));
    }
    Ok(())
}

/// Longest id, category, channel or account id, in characters: names, not documents.
pub const MAX_NAME_CHARS: usize = 256;

/// Refuses a name of more than [`MAX_NAME_CHARS`] characters.
fn check_name(s: &str, path: &str) -> Result<()> {
    if s.len() > MAX_NAME_CHARS && s.chars().count() > MAX_NAME_CHARS {
        let msg = format!("expected at most {MAX_NAME_CHARS} characters, got {}", s.chars().count());
        return Err(Error::new(ErrorCode::TooLarge, path, msg));
    }
    Ok(())
}

/// An id: a non-empty string of at most [`MAX_NAME_CHARS`] characters, or a
/// number (kept in the decimal form JavaScript prints it in).
fn read_id(v: &Json, path: &str) -> Result<String> {
    match v {
        Json::Str(s) if !s.is_empty() => check_name(s, path).map(|()| s.clone()),
        Json::Num(n) if n.is_finite() => Ok(crate::json::format_number(*n)),
        other => Err(type_error(path, "a non-empty string or a number", other)),
    }
}

/// Reads an order; error paths are relative to the order.
fn read_order(v: &Json) -> Result<Order> {
    let o = Obj::new(v, "", &ORDER_KEYS)?;
    order_of(ORDER_KEYS.map(|key| o.get(key).cloned().unwrap_or(Json::Null)))
}

/// Validates an order from the values of its [`ORDER_KEYS`], in that order
/// (`Null` when absent); error paths are relative to the order.
pub(crate) fn order_of(fields: [Json; 7]) -> Result<Order> {
    let [at, amount, cost, category, discount, channel, account_id] = fields;
    let quantity = |v: Json, key: &str| match v {
        Json::Null => Ok(None),
        v => expect_non_negative(&v, key).map(Some),
    };
    let name = |v: Json, key: &str| match v {
        Json::Null => Ok(None),
        Json::Str(s) => check_name(&s, key).map(|()| Some(s)),
        other => Err(type_error(key, "a string", &other)),
    };
    Ok(Order {
        at: expect_instant(required(&at, "at")?, "at")?,
        amount: expect_non_negative(required(&amount, "amount")?, "amount")?,
        cost: quantity(cost, "cost")?,
        category: name(category, "category")?,
        discount: quantity(discount, "discount")?,
        channel: name(channel, "channel")?,
        account_id: match account_id {
            Json::Null => None,
            v => Some(read_id(&v, "accountId")?),
        },
    })
}

fn read_survey<'a>(v: &'a Json, path: &str) -> Result<Survey> {
    let o = Obj::new(v, path, SURVEY_KEYS)?;
    let dimension_map = |v: &'a Json, p: &str| {
        let m = expect_map(v, p)?;
        let n = m.entries().count();
        if n > MAX_DIMENSIONS {
            let msg = format!("expected at most {MAX_DIMENSIONS} dimensions, got {n}");
            return Err(Error::new(ErrorCode::TooLarge, p, msg));
        }
        Ok(m)
    };
    let expectation = o.opt("expectation", dimension_map)?;
    let perception = o.opt("perception", dimension_map)?;
    let weights = o.opt("weights", dimension_map)?;
    let mut dimensions = Vec::new();
    match (&expectation, &perception) {
        (Some(e), Some(p)) => {
            for (name, ev) in e.entries() {
                let pv = p.get(name).ok_or_else(|| {
                    Error::new(
                        ErrorCode::MissingField,
                        p.path_of(name),
                        format!("dimension {name:?} has an expectation but no perception"),
                    )
                })?;
                let weight = match weights.as_ref().and_then(|w| w.get(name)) {
                    Some(wv) => expect_non_negative(wv, &format!("{path}.weights.{name}"))?,
                    None => 1.0,
                };
                dimensions.push(Dimension {
                    name: name.to_string(),
                    expectation: expect_non_negative(ev, &e.path_of(name))?,
                    perception: expect_non_negative(pv, &p.path_of(name))?,
                    weight,
                });
            }
            if let Some((name, _)) = p.entries().find(|(name, _)| e.get(name).is_none()) {
                return Err(Error::new(
                    ErrorCode::MissingField,
                    e.path_of(name),
                    format!("dimension {name:?} has a perception but no expectation"),
                ));
            }
        }
        (Some(one), None) | (None, Some(one)) => {
            for (name, v) in one.entries() {
                expect_number(v, &one.path_of(name))?;
            }
        }
        (None, None) => {}
    }
    if let Some(w) = &weights {
        for (name, wv) in w.entries() {
            expect_non_negative(wv, &w.path_of(name))?;
            if !dimensions.iter().any(|d| d.name == name) {
                return Err(Error::new(
                    ErrorCode::UnknownField,
                    w.path_of(name),
                    format!("weight for dimension {name:?}, which has no expectation and perception"),
                ));
            }
        }
        if !dimensions.is_empty() && dimensions.iter().all(|d| d.weight == 0.0) {
            return Err(Error::new(ErrorCode::OutOfRange, w.path_of(""), "weights are all 0; at least one must be > 0"));
        }
    }
    let nps = o.opt("nps", |v, p| expect_in_range(v, p, 0.0, 10.0))?;
    if let Some(n) = nps {
        if n.fract() != 0.0 {
            return Err(Error::new(ErrorCode::OutOfRange, o.path_of("nps"), format!("expected a whole number from 0 to 10, got {n}")));
        }
    }
    Ok(Survey { dimensions, nps: nps.map(|n| n as u8) })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::time::parse_instant;

    fn read(text: &str) -> Result<Customer> {
        let v: Json = serde_json::from_str(text).unwrap();
        Customer::from_json(&v, parse_instant("2026-11-22").unwrap(), &Limits::default())
    }

    fn err(text: &str) -> String {
        read(text).unwrap_err().to_string()
    }

    #[test]
    fn orders_are_sorted_and_fields_read() {
        let c = read(
            r#"{"id": 7, "orders": [
                {"at": "2026-10-02", "amount": 30, "category": "video", "accountId": 2},
                {"at": 1790000000000, "amount": 10.5, "cost": 4, "discount": 1, "channel": "web"}]}"#,
        )
        .unwrap();
        assert_eq!(c.id, "7");
        assert_eq!(c.orders[0].at, 1_790_000_000_000);
        assert_eq!(c.orders[1].category.as_deref(), Some("video"));
        assert_eq!(c.orders[1].account_id.as_deref(), Some("2"));
        assert_eq!(c.orders[0].cost, Some(4.0));
    }

    #[test]
    fn bad_fields_are_named() {
        assert_eq!(err(r#"{"orders": []}"#), "id: is required");
        assert_eq!(err(r#"{"id": "a", "orders": [{"at": "2026-01-01"}]}"#), "orders[0].amount: is required");
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
        assert_eq!(err(r#"{"id": "a", "orders": [], "complaints": 1.5}"#), "complaints: expected a whole number from 0 to 1000000000, got 1.5");
        assert_eq!(err(r#"{"id": "a", "orders": [], "survey": {"nps": 11}}"#), "survey.nps: expected a number from 0 to 10, got 11");
    }

    #[test]
    fn survey_dimensions_must_line_up() {
        assert_eq!(
            err(r#"{"id": "a", "orders": [], "survey": {"expectation": {"price": 4}, "perception": {"service": 4}}}"#),
            "survey.perception.price: dimension \"price\" has an expectation but no perception"
        );
        assert_eq!(
            err(r#"{"id": "a", "orders": [], "survey": {"expectation": {"price": 4}, "perception": {"price": 4}, "weights": {"servce": 2}}}"#),
            "survey.weights.servce: weight for dimension \"servce\", which has no expectation and perception"
        );
        let c = read(r#"{"id": "a", "orders": [], "survey": {"expectation": {"price": 4, "service": 3}, "perception": {"service": 5, "price": 3}, "weights": {"price": 2}, "nps": 9}}"#).unwrap();
        let s = c.survey.unwrap();
        assert_eq!(s.dimensions[0], Dimension { name: "price".into(), expectation: 4.0, perception: 3.0, weight: 2.0 });
        assert_eq!(s.dimensions[1].weight, 1.0);
        assert_eq!(s.nps, Some(9));
    }

    // Found by a timing probe (tests/limits.rs): matching 20,000 dimensions took 2 s
    // (quadratic), and a 16 MiB survey would have taken minutes.
    #[test]
    fn survey_dimensions_are_capped() {
        let dims: Vec<String> = (0..=MAX_DIMENSIONS).map(|i| format!("\"d{i}\": 1")).collect();
        let text = format!(r#"{{"id": "a", "orders": [], "survey": {{"expectation": {{{0}}}, "perception": {{{0}}}}}}}"#, dims.join(","));
        let e = read(&text).unwrap_err();
        assert_eq!((e.code(), e.path()), (ErrorCode::TooLarge, "survey.expectation"));
        let ok = format!(r#"{{"id": "a", "orders": [], "survey": {{"expectation": {{{0}}}, "perception": {{{0}}}}}}}"#, dims[1..].join(","));
        assert_eq!(read(&ok).unwrap().survey.unwrap().dimensions.len(), MAX_DIMENSIONS);
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
            read(&format!(r#"{{"id": "a", "orders": [{}]}}"#, items.join(","))).unwrap()
        };
        let first = read_in([0, 1, 2]);
        for order in [[2, 1, 0], [1, 0, 2], [2, 0, 1]] {
            assert_eq!(read_in(order), first);
        }
    }

    #[test]
    fn order_count_is_capped() {
        let v: Json = serde_json::from_str(r#"{"id": "a", "orders": [{"at": 0, "amount": 1}, {"at": 0, "amount": 1}]}"#).unwrap();
        let e = Customer::from_json(&v, 0, &Limits { max_orders: 1, max_batch: 1 }).unwrap_err();
        assert_eq!(e.code(), ErrorCode::TooLarge);
        assert_eq!(e.path(), "orders");
    }
}
