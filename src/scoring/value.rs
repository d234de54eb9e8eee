//! Customer value (domain.md §1): recency, frequency, monetary, lifetime value,
//! ABC class and RFM scores.

use crate::input::customer::{Customer, Ident, Order};
use crate::input::json::format_number;
use crate::input::tape::Name;
use crate::input::time::{whole_days, DAY_MS};
use crate::model::{predict_with, Predicted, RfmEdges};
use crate::scoring::config::{Abc, Config, Lifetime};
use std::borrow::Cow;

/// Days in the year used to annualise rates and to window "recent yearly spend".
pub const YEAR_DAYS: f64 = 365.0;

named_enum! {
    /// ABC class by value (domain.md §1).
    pub enum AbcClass {
        /// VIP: the few customers who make about half of the value.
        A = "A",
        /// Important.
        B = "B",
        /// Ordinary.
        C = "C",
        /// A C customer whose cost to serve exceeds the value they bring.
        D = "D",
    }
}

named_enum! {
    /// The named RFM segments (see [`rfm_segment`]).
    pub enum RfmSegment {
        /// Bought recently, buy often and spend the most.
        Champions = "champions",
        /// Spend good money, often.
        LoyalCustomers = "loyal-customers",
        /// Recent customers with average frequency.
        PotentialLoyalists = "potential-loyalists",
        /// Bought most recently, but not often.
        NewCustomers = "new-customers",
        /// Recent shoppers who have not spent much.
        Promising = "promising",
        /// Above average recency, frequency and monetary values.
        NeedAttention = "need-attention",
        /// Below average recency and frequency.
        AboutToSleep = "about-to-sleep",
        /// Spent big money and bought often, but long ago.
        AtRisk = "at-risk",
        /// Made the biggest purchases and often, but have not returned for a long time.
        CantLoseThem = "cant-lose-them",
        /// Last purchase long ago, few orders, low spend.
        Hibernating = "hibernating",
        /// Lowest recency, frequency and monetary scores.
        Lost = "lost",
    }
}

/// RFM scores 1–5 and the named segment they fall in.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rfm {
    /// Recency score: 5 bought most recently.
    pub r: u8,
    /// Frequency score: 5 buys most often.
    pub f: u8,
    /// Monetary score: 5 spends most.
    pub m: u8,
    /// Named RFM segment (see [`rfm_segment`]).
    pub segment: RfmSegment,
}

/// The value figures of one customer as of the scoring instant; `N` is how a
/// name (a category) is held: borrowed from the input while scoring, owned in
/// a [`crate::ScoreResult`].
#[derive(Debug, Clone, PartialEq)]
pub struct Value<N> {
    /// Whole days since the last order; `None` without orders.
    pub recency_days: Option<u32>,
    /// Number of orders.
    pub frequency: u32,
    /// Sum of order amounts.
    pub monetary: f64,
    /// `monetary / frequency`; `None` without orders.
    pub average_order_value: Option<f64>,
    /// Whole days since the customer was first seen or first ordered, whichever is earlier.
    pub tenure_days: Option<u32>,
    /// Orders per 365 days of tenure, tenure floored at `value.rateFloorDays`.
    pub orders_per_year: Option<f64>,
    /// Sum of `amount - cost` over the orders that have a cost; `None` when none has.
    pub margin: Option<f64>,
    /// Value created so far: `amount - cost` where a cost is given, `amount × marginRate` otherwise.
    pub historic_value: f64,
    /// Spend in the 365 days up to the scoring instant.
    pub yearly_spend: f64,
    /// Lifetime value of the coming `horizonYears` (see [`projected_value`]).
    pub projected_value: f64,
    /// Distinct accounts the orders came from, orders without an account counting as one
    /// (value is summed over all of them: the customer, not the account, is scored).
    pub accounts: u32,
    /// Orders per category, by category name.
    pub categories: Vec<(N, u32)>,
    /// When the first order was placed (epoch ms).
    pub first_order_at: Option<i64>,
    /// When the last order was placed (epoch ms).
    pub last_order_at: Option<i64>,
    /// ABC class; `None` without configured thresholds.
    pub abc: Option<AbcClass>,
    /// RFM scores; `None` without configured quintile edges or without orders.
    pub rfm: Option<Rfm>,
    /// Predictions of the configured model over the horizon; `None` without a model or without orders.
    pub predicted: Option<Predicted>,
}

impl<N> Value<N> {
    /// The same figures with each category name converted by `f`.
    pub fn map_names<M>(self, f: impl Fn(N) -> M) -> Value<M> {
        Value {
            categories: self
                .categories
                .into_iter()
                .map(|(n, c)| (f(n), c))
                .collect(),
            recency_days: self.recency_days,
            frequency: self.frequency,
            monetary: self.monetary,
            average_order_value: self.average_order_value,
            tenure_days: self.tenure_days,
            orders_per_year: self.orders_per_year,
            margin: self.margin,
            historic_value: self.historic_value,
            yearly_spend: self.yearly_spend,
            projected_value: self.projected_value,
            accounts: self.accounts,
            first_order_at: self.first_order_at,
            last_order_at: self.last_order_at,
            abc: self.abc,
            rfm: self.rfm,
            predicted: self.predicted,
        }
    }
}

/// Orders per category, sorted by name. A customer's orders name a few
/// categories: each is counted by a scan of the ones seen, then the few are
/// sorted. Past [`FEW_CATEGORIES`] distinct names, one sort of all the
/// orders' categories and a count of each run keeps the work n log n.
fn count_categories<'t>(orders: &[Order<'t>]) -> Vec<(Name<'t>, u32)> {
    let mut counts: Vec<(Name<'t>, u32)> = Vec::with_capacity(orders.len().min(FEW_CATEGORIES));
    for name in orders.iter().filter_map(|o| o.category) {
        if let Some((_, n)) = counts.iter_mut().find(|(seen, _)| seen.text == name.text) {
            *n += 1;
        } else if counts.len() < FEW_CATEGORIES {
            counts.push((name, 1));
        } else {
            return count_sorted(orders);
        }
    }
    crate::sort::sort_by(&mut counts, |a, b| a.0.text < b.0.text);
    counts
}

/// Distinct categories counted by a scan before [`count_categories`] sorts instead.
const FEW_CATEGORIES: usize = 8;

fn count_sorted<'t>(orders: &[Order<'t>]) -> Vec<(Name<'t>, u32)> {
    let mut names: Vec<Name<'t>> = Vec::with_capacity(orders.len());
    names.extend(orders.iter().filter_map(|o| o.category));
    crate::sort::sort_by(&mut names, |a, b| a.text < b.text);
    let mut counts: Vec<(Name<'t>, u32)> = Vec::new();
    for name in names {
        match counts.last_mut() {
            Some((last, n)) if last.text == name.text => *n += 1,
            _ => counts.push((name, 1)),
        }
    }
    counts
}

/// Distinct accounts among the orders' account ids (a number id is the same
/// account as its decimal text): sorted and deduplicated, n log n.
fn distinct_accounts(orders: &[Order<'_>]) -> usize {
    let mut ids: Vec<Cow<'_, str>> = orders
        .iter()
        .filter_map(|o| o.account_id)
        .map(|id| match id {
            Ident::Text(name) => Cow::Borrowed(name.text),
            Ident::Number(n) => Cow::Owned(format_number(n)),
        })
        .collect();
    crate::sort::sort_by(&mut ids, |a, b| a < b);
    ids.dedup();
    ids.len()
}

/// Computes the value figures of `c` as of `as_of` (epoch ms), predicting
/// over `horizon_days` when a model is configured.
///
/// ABC thresholds and RFM edges come from `config.abc` and `config.rfm`, or
/// else from the model; service costs (class D) only from `config.abc`.
pub fn value<'t>(
    c: &Customer<'t>,
    as_of: i64,
    horizon_days: f64,
    config: &Config,
) -> Value<Name<'t>> {
    let orders = &c.orders;
    let frequency = orders.len() as u32;
    let year_ago = as_of - 365 * DAY_MS;
    let margin_rate = config.lifetime.margin_rate;
    // One pass; sums start at +0 (a sum of no numbers must not be −0).
    let (mut monetary, mut historic_value, mut yearly_spend) = (0.0, 0.0, 0.0);
    let mut margin: Option<f64> = None;
    for o in orders {
        monetary += o.amount;
        match o.cost {
            Some(cost) => {
                historic_value += o.amount - cost;
                margin = Some(margin.unwrap_or(0.0) + (o.amount - cost));
            }
            None => historic_value += o.amount * margin_rate,
        }
        if o.at > year_ago {
            yearly_spend += o.amount;
        }
    }
    let first = orders.first().map(|o| o.at);
    let last = orders.last().map(|o| o.at);
    let start = match (c.first_seen, first) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    };
    let tenure_days = start.map(|s| whole_days(s, as_of));
    let orders_per_year = tenure_days
        .filter(|_| frequency > 0)
        .map(|t| f64::from(frequency) * YEAR_DAYS / f64::from(t).max(config.rate_floor_days));
    let recency_days = last.map(|l| whole_days(l, as_of));
    let accounts = if orders.iter().any(|o| o.account_id.is_some()) {
        distinct_accounts(orders)
    } else {
        0
    };
    let mut v = Value {
        recency_days,
        frequency,
        monetary,
        average_order_value: (frequency > 0).then(|| monetary / f64::from(frequency)),
        tenure_days,
        orders_per_year,
        margin,
        historic_value,
        yearly_spend,
        projected_value: projected_value(yearly_spend, &config.lifetime),
        accounts: accounts.max(usize::from(frequency > 0)) as u32,
        categories: count_categories(orders),
        first_order_at: first,
        last_order_at: last,
        abc: None,
        rfm: None,
        predicted: None,
    };
    let model = config.model.as_ref();
    let abc = config.abc.or_else(|| {
        model.map(|m| Abc {
            a: m.abc.a,
            b: m.abc.b,
            per_order: 0.0,
            per_complaint: 0.0,
            per_return: 0.0,
        })
    });
    v.abc = abc.map(|abc| abc_class(&v, c, &abc));
    let edges = config.rfm.as_ref().or(model.map(|m| &m.rfm));
    v.rfm = edges
        .zip(recency_days)
        .map(|(edges, r)| rfm(f64::from(r), f64::from(frequency), monetary, edges));
    v.predicted = model.and_then(|m| {
        predict_with(
            orders,
            as_of,
            m,
            horizon_days,
            config.lifetime.discount_rate,
            config.lifetime.intervals,
        )
    });
    v
}

/// Lifetime value of a customer whose yearly spend is `yearly_spend`.
///
/// Year `t` (0-based) contributes `yearly_spend × marginRate × retentionRate^t
/// / (1 + discountRate)^t`: the coming year counts in full (the customer is
/// active now), later years are weighted by the chance the customer stays and
/// discounted. With horizon 20, margin 1, retention 1 and discount 0 it is
/// simply 20 years of spend, the Walmart "lifetime customer" of domain.md §1:
///
/// ```
/// use crmscore::{scoring::config::Lifetime, scoring::value::projected_value};
/// let walmart = Lifetime { horizon_years: 20.0, margin_rate: 1.0, retention_rate: 1.0, discount_rate: 0.0, intervals: false };
/// assert_eq!(projected_value(60.0 * 52.0, &walmart), 62_400.0);
/// ```
///
/// A fractional horizon counts the last, partial year pro rata.
pub fn projected_value(yearly_spend: f64, l: &Lifetime) -> f64 {
    let per_year = yearly_spend * l.margin_rate;
    let factor = l.retention_rate / (1.0 + l.discount_rate);
    let mut total = 0.0;
    let mut weight = 1.0;
    let mut t = 0.0;
    while t < l.horizon_years {
        total += per_year * weight * (l.horizon_years - t).min(1.0);
        weight *= factor;
        t += 1.0;
    }
    total
}

fn abc_class<N>(v: &Value<N>, c: &Customer<'_>, abc: &Abc) -> AbcClass {
    if v.historic_value >= abc.a {
        return AbcClass::A;
    }
    if v.historic_value >= abc.b {
        return AbcClass::B;
    }
    let cost_to_serve = abc.per_order * f64::from(v.frequency)
        + abc.per_complaint * f64::from(c.complaints.unwrap_or(0))
        + abc.per_return * f64::from(c.returns.unwrap_or(0));
    if cost_to_serve > v.historic_value || v.historic_value < 0.0 {
        AbcClass::D
    } else {
        AbcClass::C
    }
}

/// RFM scores of a customer: for recency fewer days is better, so the scale is reversed.
///
/// ```
/// use crmscore::{model::RfmEdges, scoring::value::rfm};
/// let edges = RfmEdges { recency: [30.0, 90.0, 180.0, 365.0], frequency: [1.0, 2.0, 4.0, 8.0], monetary: [50.0, 100.0, 250.0, 500.0] };
/// let s = rfm(10.0, 9.0, 600.0, &edges);
/// assert_eq!((s.r, s.f, s.m, s.segment.as_str()), (5, 5, 5, "champions"));
/// ```
pub fn rfm(recency_days: f64, frequency: f64, monetary: f64, edges: &RfmEdges) -> Rfm {
    let r = edges.recency_score(recency_days);
    let f = edges.frequency_score(frequency);
    let m = edges.monetary_score(monetary);
    Rfm {
        r,
        f,
        m,
        segment: rfm_segment(r, f, m),
    }
}

/// The named RFM segment of scores `r`, `f`, `m`, on R and FM = (F + M) / 2.
///
/// The eleven standard segments, tested in this order (first match wins),
/// so every combination has exactly one:
///
/// | segment | R | FM |
/// |---|---|---|
/// | `champions` | 4–5 | ≥ 4 |
/// | `cant-lose-them` | 1 | ≥ 4 |
/// | `at-risk` | 1–2 | ≥ 3 |
/// | `loyal-customers` | 3–5 | ≥ 3 |
/// | `new-customers` | 5 | ≤ 1.5 |
/// | `promising` | 4 | ≤ 1.5 |
/// | `potential-loyalists` | 4–5 | < 3 |
/// | `need-attention` | 3 | ≥ 2 |
/// | `about-to-sleep` | 3 | < 2 |
/// | `hibernating` | 2 | < 3 |
/// | `lost` | 1 | < 3 |
pub fn rfm_segment(r: u8, f: u8, m: u8) -> RfmSegment {
    let fm = f64::from(f + m) / 2.0;
    match r {
        4..=5 if fm >= 4.0 => RfmSegment::Champions,
        1 if fm >= 4.0 => RfmSegment::CantLoseThem,
        1..=2 if fm >= 3.0 => RfmSegment::AtRisk,
        3..=5 if fm >= 3.0 => RfmSegment::LoyalCustomers,
        5 if fm <= 1.5 => RfmSegment::NewCustomers,
        4 if fm <= 1.5 => RfmSegment::Promising,
        4..=5 => RfmSegment::PotentialLoyalists,
        3 if fm >= 2.0 => RfmSegment::NeedAttention,
        3 => RfmSegment::AboutToSleep,
        2 => RfmSegment::Hibernating,
        _ => RfmSegment::Lost,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::time::parse_instant;

    fn order(at: &str, amount: f64) -> Order<'static> {
        Order::new(parse_instant(at).unwrap(), amount)
    }

    fn customer(orders: Vec<Order<'static>>) -> Customer<'static> {
        Customer::with_orders("c", orders)
    }

    #[test]
    fn rfm_of_a_small_history_by_hand() {
        let as_of = parse_instant("2026-11-22").unwrap();
        let c = customer(vec![
            order("2026-05-26", 20.0),
            order("2026-08-24", 40.0),
            order("2026-11-12", 60.0),
        ]);
        let v = value(&c, as_of, 365.0, &Config::default());
        assert_eq!(v.recency_days, Some(10));
        assert_eq!(v.tenure_days, Some(180));
        assert_eq!(v.frequency, 3);
        assert_eq!(v.monetary, 120.0);
        assert_eq!(v.average_order_value, Some(40.0));
        assert_eq!(v.orders_per_year, Some(3.0 * 365.0 / 180.0));
        assert_eq!(v.margin, None);
        assert_eq!(v.historic_value, 120.0);
        assert_eq!(v.yearly_spend, 120.0);
        assert_eq!(v.abc, None);
        assert_eq!(v.rfm, None);
        assert_eq!(v.first_order_at, Some(parse_instant("2026-05-26").unwrap()));
    }

    // Found by the hardening audit: Rust's `sum` of no numbers is −0.0, which
    // serde_json writes as "-0.0" for a customer without orders or without
    // orders in the last year.
    #[test]
    fn empty_sums_are_plus_zero() {
        let as_of = parse_instant("2026-11-22").unwrap();
        let none = value(&customer(vec![]), as_of, 365.0, &Config::default());
        let old = value(
            &customer(vec![order("2020-01-01", 5.0)]),
            as_of,
            365.0,
            &Config::default(),
        );
        for zero in [
            none.monetary,
            none.historic_value,
            none.yearly_spend,
            old.yearly_spend,
        ] {
            assert!(zero == 0.0 && zero.is_sign_positive(), "{zero:?}");
        }
    }

    // A few categories are counted by a scan, many by a sort: both give each
    // name once, in byte order, with its count (counted here by a map).
    #[test]
    fn categories_counted_by_name_however_many_differ() {
        use crate::input::tape::Name;
        const NAMES: [&str; 12] = [
            "books", "video", "dvd", "music", "a", "Z", "é", "games", "toys", "food", "art", "b",
        ];
        for distinct in [1, 4, 8, 9, 12] {
            let orders: Vec<Order<'static>> = (0..40)
                .map(|k| Order {
                    category: Some(Name {
                        text: NAMES[(k * 7 + k / 3) % distinct],
                        index: k as i32,
                    }),
                    ..order("2026-01-01", 1.0)
                })
                .collect();
            let mut expected = std::collections::BTreeMap::new();
            for o in &orders {
                *expected.entry(o.category.unwrap().text).or_insert(0u32) += 1;
            }
            let got: Vec<(&str, u32)> = count_categories(&orders)
                .iter()
                .map(|(n, k)| (n.text, *k))
                .collect();
            assert_eq!(got, expected.into_iter().collect::<Vec<_>>(), "{distinct}");
        }
    }

    #[test]
    fn lifetime_customer_of_domain_md() {
        let as_of = parse_instant("2026-11-22").unwrap();
        let orders = (0..52)
            .map(|k| Order {
                at: as_of - 7 * k * DAY_MS,
                ..order("2026-01-01", 60.0)
            })
            .collect();
        let config = Config {
            lifetime: Lifetime {
                horizon_years: 20.0,
                margin_rate: 1.0,
                retention_rate: 1.0,
                discount_rate: 0.0,
                intervals: false,
            },
            ..Config::default()
        };
        let v = value(&customer(orders), as_of, 365.0, &config);
        assert_eq!(v.yearly_spend, 3120.0);
        assert_eq!(v.projected_value, 62_400.0);
    }

    #[test]
    fn projection_weights_retention_and_discount() {
        let l = Lifetime {
            horizon_years: 3.0,
            margin_rate: 0.5,
            retention_rate: 0.8,
            discount_rate: 0.25,
            intervals: false,
        };
        // 1000 × 0.5 × (1 + 0.64 + 0.4096) = 1024.8
        assert!((projected_value(1000.0, &l) - 1024.8).abs() < 1e-9);
        let half = Lifetime {
            horizon_years: 1.5,
            margin_rate: 1.0,
            retention_rate: 1.0,
            discount_rate: 0.0,
            intervals: false,
        };
        assert_eq!(projected_value(100.0, &half), 150.0);
    }

    #[test]
    fn margin_abc_and_d_class() {
        let as_of = parse_instant("2026-11-22").unwrap();
        let mut cheap = order("2026-11-01", 30.0);
        cheap.cost = Some(25.0);
        let mut c = customer(vec![cheap, order("2026-11-02", 10.0)]);
        c.complaints = Some(2);
        let mut config = Config::default();
        config.lifetime.margin_rate = 0.5;
        config.abc = Some(Abc {
            a: 1000.0,
            b: 100.0,
            per_order: 1.0,
            per_complaint: 5.0,
            per_return: 0.0,
        });
        let v = value(&c, as_of, 365.0, &config);
        assert_eq!(v.margin, Some(5.0));
        assert_eq!(v.historic_value, 10.0);
        // cost to serve 2 × 1 + 2 × 5 = 12 > 10: a C customer who costs more than they bring
        assert_eq!(v.abc, Some(AbcClass::D));
        c.complaints = Some(1);
        assert_eq!(value(&c, as_of, 365.0, &config).abc, Some(AbcClass::C));
        config.abc = Some(Abc {
            a: 10.0,
            b: 5.0,
            per_order: 0.0,
            per_complaint: 0.0,
            per_return: 0.0,
        });
        assert_eq!(value(&c, as_of, 365.0, &config).abc, Some(AbcClass::A));
    }

    #[test]
    fn accounts_are_summed_into_one_customer() {
        let as_of = parse_instant("2026-11-22").unwrap();
        let mut a = order("2026-11-01", 10.0);
        a.account_id = Some(Ident::Text(Name {
            text: "x",
            index: 0,
        }));
        let mut b = order("2026-11-02", 15.0);
        b.account_id = Some(Ident::Text(Name {
            text: "y",
            index: 1,
        }));
        let v = value(&customer(vec![a, b, a]), as_of, 365.0, &Config::default());
        assert_eq!(v.accounts, 2);
        assert_eq!(v.monetary, 35.0);
    }

    #[test]
    fn quintiles_put_ties_in_the_lower_bucket() {
        let edges = RfmEdges {
            recency: [10.0, 20.0, 30.0, 40.0],
            frequency: [10.0, 20.0, 30.0, 40.0],
            monetary: [10.0, 20.0, 30.0, 40.0],
        };
        assert_eq!(
            rfm(10.0, 10.0, 10.5, &edges),
            Rfm {
                r: 5,
                f: 1,
                m: 2,
                segment: RfmSegment::NewCustomers
            }
        );
        assert_eq!(
            rfm(41.0, 40.0, 41.0, &edges),
            Rfm {
                r: 1,
                f: 4,
                m: 5,
                segment: RfmSegment::CantLoseThem
            }
        );
    }

    #[test]
    fn every_rfm_cell_has_one_segment() {
        let expect = [
            ((5, 5, 5), "champions"),
            ((4, 4, 4), "champions"),
            ((1, 5, 4), "cant-lose-them"),
            ((2, 5, 5), "at-risk"),
            ((1, 3, 3), "at-risk"),
            ((3, 4, 5), "loyal-customers"),
            ((5, 3, 3), "loyal-customers"),
            ((5, 1, 2), "new-customers"),
            ((4, 1, 1), "promising"),
            ((5, 2, 2), "potential-loyalists"),
            ((3, 2, 2), "need-attention"),
            ((3, 1, 2), "about-to-sleep"),
            ((2, 2, 2), "hibernating"),
            ((1, 1, 1), "lost"),
        ];
        for ((r, f, m), seg) in expect {
            assert_eq!(rfm_segment(r, f, m).as_str(), seg, "r={r} f={f} m={m}");
        }
        let edges = RfmEdges {
            recency: [30.0, 90.0, 180.0, 365.0],
            frequency: [1.0, 2.0, 4.0, 8.0],
            monetary: [50.0, 100.0, 250.0, 500.0],
        };
        let s = rfm(400.0, 1.0, 20.0, &edges);
        assert_eq!((s.r, s.f, s.m, s.segment), (1, 1, 1, RfmSegment::Lost));
    }
}
