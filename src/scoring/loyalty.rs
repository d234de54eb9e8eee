//! Loyalty (domain.md §3): the stage of the relationship, the type of
//! loyalty by its cause, and the phase of the relationship lifecycle.
//!
//! Loyalty is behaviour (long-term, frequent repeat purchase) where
//! satisfaction is attitude; the rules below read both, and every threshold
//! is in [`LoyaltyConfig`].

use crate::input::customer::{Customer, Order};
use crate::input::time::DAY_MS;
use crate::scoring::config::LoyaltyConfig;
use crate::scoring::satisfaction::{Level, NpsCategory, Satisfaction};
use crate::scoring::value::Value;

named_enum! {
    /// Stage of the relationship.
    pub enum Stage {
        /// Known to the store, has not bought.
        Potential = "potential",
        /// Just started: one order, or a short tenure.
        New = "new",
        /// Buys again.
        Regular = "regular",
        /// A long relationship with several orders.
        Longstanding = "longstanding",
        /// Long, frequent, recent and not dissatisfied: knows and trusts the offer.
        Loyal = "loyal",
    }
}

named_enum! {
    /// Type of loyalty, by its cause (attachment × repeat purchase).
    pub enum LoyaltyType {
        /// Repeat purchase for lack of an alternative.
        Monopoly = "monopoly",
        /// Repeat purchase without attachment: too much effort to look elsewhere.
        Inertia = "inertia",
        /// Follows the lowest price: mostly discounted orders.
        Price = "price",
        /// Buys while rewards last: mostly through incentive channels.
        Incentive = "incentive",
        /// Attachment and repeat purchase: the most valuable.
        Trust = "trust",
    }
}

named_enum! {
    /// Phase of the relationship lifecycle, from the trend of the order rate.
    pub enum Lifecycle {
        /// Just begun: too little history for a trend.
        Exploration = "exploration",
        /// Fast growth: orders in the last window clearly above the one before.
        Formation = "formation",
        /// Steady order rate.
        Stability = "stability",
        /// Falling order rate, or no order for `lapseDays`.
        Decline = "decline",
    }
}

/// The loyalty figures of one customer.
#[derive(Debug, Clone, PartialEq)]
pub struct Loyalty {
    /// Stage of the relationship.
    pub stage: Stage,
    /// Type of loyalty (`loyalty.type`); `None` for a customer who has not
    /// bought twice, or who neither repeats often nor shows attachment.
    pub kind: Option<LoyaltyType>,
    /// Lifecycle phase.
    pub lifecycle: Lifecycle,
}

/// Computes the loyalty figures from the customer and their value and satisfaction.
pub fn loyalty<N>(
    c: &Customer<'_>,
    as_of: i64,
    v: &Value<N>,
    s: &Satisfaction<N>,
    cfg: &LoyaltyConfig,
) -> Loyalty {
    Loyalty {
        stage: stage(v, s, cfg),
        kind: kind(c, v, s, cfg),
        lifecycle: lifecycle(c, as_of, v, cfg),
    }
}

/// Stage rules, first match wins:
/// no orders → potential; one order or tenure under `newMaxDays` → new;
/// tenure ≥ `loyalMinDays`, orders ≥ `loyalMinOrders`, recency ≤ `loyalMaxRecencyDays`
/// and not dissatisfied → loyal; tenure ≥ `longstandingMinDays` and orders ≥
/// `longstandingMinOrders` → longstanding; otherwise regular.
fn stage<N>(v: &Value<N>, s: &Satisfaction<N>, cfg: &LoyaltyConfig) -> Stage {
    let tenure = f64::from(v.tenure_days.unwrap_or(0));
    let orders = f64::from(v.frequency);
    let recency = f64::from(v.recency_days.unwrap_or(u32::MAX));
    if v.frequency == 0 {
        Stage::Potential
    } else if v.frequency == 1 || tenure < cfg.new_max_days {
        Stage::New
    } else if tenure >= cfg.loyal_min_days
        && orders >= cfg.loyal_min_orders
        && recency <= cfg.loyal_max_recency_days
        && s.level != Some(Level::Dissatisfied)
    {
        Stage::Loyal
    } else if tenure >= cfg.longstanding_min_days && orders >= cfg.longstanding_min_orders {
        Stage::Longstanding
    } else {
        Stage::Regular
    }
}

/// Attachment is high when the customer says so (satisfied or delighted, or an
/// NPS promoter) or acts so (referred someone). Repeat purchase is high from
/// `repeatMinOrdersPerYear`. Rules, first match wins, for customers with two
/// orders or more: attachment and repeat → trust; discounted share ≥
/// `priceShare` → price; incentive-channel share ≥ `incentiveShare` →
/// incentive; repeat with `monopoly` configured → monopoly; repeat → inertia.
fn kind<N>(
    c: &Customer<'_>,
    v: &Value<N>,
    s: &Satisfaction<N>,
    cfg: &LoyaltyConfig,
) -> Option<LoyaltyType> {
    if v.frequency < 2 {
        return None;
    }
    let attached = matches!(s.level, Some(Level::Satisfied | Level::Delighted))
        || matches!(s.nps, Some(n) if n.category == NpsCategory::Promoter)
        || s.referrals.unwrap_or(0) > 0;
    let repeat = v.orders_per_year.unwrap_or(0.0) >= cfg.repeat_min_orders_per_year;
    let share = |pred: &dyn Fn(&Order<'_>) -> bool| {
        c.orders.iter().filter(|o| pred(o)).count() as f64 / f64::from(v.frequency)
    };
    if attached && repeat {
        Some(LoyaltyType::Trust)
    } else if share(&|o| o.discount.is_some_and(|d| d > 0.0)) >= cfg.price_share {
        Some(LoyaltyType::Price)
    } else if share(&|o| {
        o.channel
            .as_ref()
            .is_some_and(|ch| cfg.incentive_channels.iter().any(|c| c == ch))
    }) >= cfg.incentive_share
    {
        Some(LoyaltyType::Incentive)
    } else if repeat && cfg.monopoly {
        Some(LoyaltyType::Monopoly)
    } else if repeat {
        Some(LoyaltyType::Inertia)
    } else {
        None
    }
}

/// Lifecycle rules, first match wins: no order for `lapseDays` → decline;
/// no orders or tenure under one window → exploration; then the orders of
/// the last `windowDays` against the window before: up by more than `growth`
/// (or from none) → formation, down by more than `decline` → decline,
/// otherwise stability.
fn lifecycle<N>(c: &Customer<'_>, as_of: i64, v: &Value<N>, cfg: &LoyaltyConfig) -> Lifecycle {
    let window = (cfg.window_days * DAY_MS as f64) as i64;
    if v.recency_days
        .is_some_and(|r| f64::from(r) >= cfg.lapse_days)
    {
        return Lifecycle::Decline;
    }
    if v.frequency == 0 || f64::from(v.tenure_days.unwrap_or(0)) < cfg.window_days {
        return Lifecycle::Exploration;
    }
    let count = |from: i64, to: i64| {
        c.orders
            .iter()
            .filter(|o| o.at > from && o.at <= to)
            .count() as f64
    };
    let recent = count(as_of - window, as_of);
    let before = count(as_of - 2 * window, as_of - window);
    if recent > before * (1.0 + cfg.growth) {
        Lifecycle::Formation
    } else if recent < before * (1.0 - cfg.decline) {
        Lifecycle::Decline
    } else {
        Lifecycle::Stability
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scoring::config::Config;
    use crate::scoring::satisfaction::satisfaction;
    use crate::scoring::value::value;

    const AS_OF: i64 = 20_000 * DAY_MS;

    fn order(days_ago: i64) -> Order<'static> {
        Order::new(AS_OF - days_ago * DAY_MS, 10.0)
    }

    fn score(orders: Vec<Order<'static>>, referrals: Option<u32>) -> Loyalty {
        let mut c = Customer::with_orders("c", orders);
        c.referrals = referrals;
        let cfg = Config::default();
        let v = value(&c, AS_OF, 365.0, &cfg);
        let s = satisfaction(&c, &cfg.satisfaction);
        loyalty(&c, AS_OF, &v, &s, &cfg.loyalty)
    }

    #[test]
    fn stages_by_hand() {
        assert_eq!(score(vec![], None).stage, Stage::Potential);
        assert_eq!(score(vec![order(400)], None).stage, Stage::New);
        assert_eq!(score(vec![order(60), order(10)], None).stage, Stage::New);
        assert_eq!(
            score(vec![order(200), order(10)], None).stage,
            Stage::Regular
        );
        assert_eq!(
            score(vec![order(400), order(300), order(200), order(100)], None).stage,
            Stage::Longstanding
        );
        let eight_over_two_years: Vec<Order> = (0..8).map(|k| order(750 - k * 100)).collect();
        assert_eq!(score(eight_over_two_years, None).stage, Stage::Loyal);
    }

    #[test]
    fn types_by_hand() {
        // 4 orders in 180 days: 8.1 a year, repeat is high
        let frequent = || vec![order(180), order(120), order(60), order(1)];
        assert_eq!(score(frequent(), None).kind, Some(LoyaltyType::Inertia));
        assert_eq!(score(frequent(), Some(1)).kind, Some(LoyaltyType::Trust));
        let discounted: Vec<Order> = frequent()
            .into_iter()
            .map(|o| Order {
                discount: Some(2.0),
                ..o
            })
            .collect();
        assert_eq!(score(discounted, None).kind, Some(LoyaltyType::Price));
        let promo: Vec<Order> = frequent()
            .into_iter()
            .map(|o| Order {
                channel: Some("coupon"),
                ..o
            })
            .collect();
        assert_eq!(score(promo, None).kind, Some(LoyaltyType::Incentive));
        // 2 orders in 2 years: 1 a year, not a repeat pattern, no attachment
        assert_eq!(score(vec![order(700), order(300)], None).kind, None);
        assert_eq!(score(vec![order(5)], None).kind, None);
    }

    #[test]
    fn lifecycle_by_hand() {
        assert_eq!(
            score(vec![order(30)], None).lifecycle,
            Lifecycle::Exploration
        );
        assert_eq!(score(vec![order(400)], None).lifecycle, Lifecycle::Decline);
        // last 180 days: 3 orders; the 180 before: 1 → formation
        assert_eq!(
            score(vec![order(300), order(100), order(50), order(10)], None).lifecycle,
            Lifecycle::Formation
        );
        assert_eq!(
            score(vec![order(300), order(200), order(100), order(10)], None).lifecycle,
            Lifecycle::Stability
        );
        assert_eq!(
            score(vec![order(300), order(250), order(200), order(100)], None).lifecycle,
            Lifecycle::Decline
        );
    }
}
