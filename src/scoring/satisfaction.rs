//! Satisfaction (domain.md §2): perception against expectation in gap and
//! ratio form, NPS answers, behavioural signals and word of mouth.

use crate::input::customer::{Customer, Survey};
use crate::input::tape::Name;
use crate::model::SatisfactionCuts;
use crate::scoring::config::SatisfactionConfig;

named_enum! {
    /// Degree of satisfaction, from the gap between perception and expectation.
    pub enum Level {
        /// Perception below expectation: churn rises.
        Dissatisfied = "dissatisfied",
        /// Perception about meets expectation.
        Basic = "basic",
        /// Perception above expectation.
        Satisfied = "satisfied",
        /// Perception well above expectation: referrals and word of mouth.
        Delighted = "delighted",
    }
}

named_enum! {
    /// NPS category of a 0–10 "would you recommend us" answer.
    pub enum NpsCategory {
        /// 9 or 10.
        Promoter = "promoter",
        /// 7 or 8.
        Passive = "passive",
        /// 0 to 6.
        Detractor = "detractor",
    }
}

named_enum! {
    /// Where a customer's gap falls among the surveyed population's (domain.md §3, the
    /// British Telecom survey): below a minimum level the least satisfied 15% look
    /// elsewhere, in a middle zone loyalty barely moves, and the most satisfied 15%
    /// are highly loyal.
    pub enum Zone {
        /// Gap at or below the population's 15th percentile.
        LeastSatisfied = "least-satisfied",
        /// Gap above the 15th percentile and at or below the 85th.
        Middle = "middle",
        /// Gap above the 85th percentile.
        MostSatisfied = "most-satisfied",
    }
}

/// The zone of a gap by the population's percentiles; a gap equal to a
/// percentile falls in the lower zone, as a value equal to an RFM edge does.
pub fn zone(gap: f64, cuts: &SatisfactionCuts) -> Zone {
    if gap <= cuts.p15 {
        Zone::LeastSatisfied
    } else if gap <= cuts.p85 {
        Zone::Middle
    } else {
        Zone::MostSatisfied
    }
}

/// An NPS answer and its category.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Nps {
    /// The answer, 0 to 10.
    pub score: u8,
    /// Its category.
    pub category: NpsCategory,
}

/// The satisfaction figures of one customer; `None` where inputs are missing.
/// `N` is how a dimension's name is held (see [`crate::scoring::value::Value`]).
#[derive(Debug, Clone, PartialEq)]
pub struct Satisfaction<N> {
    /// Weighted mean perception minus weighted mean expectation.
    pub gap: Option<f64>,
    /// Weighted mean perception divided by weighted mean expectation (`None` when expectation is 0).
    pub ratio: Option<f64>,
    /// Perception minus expectation, per dimension, by name.
    pub dimensions: Vec<(N, f64)>,
    /// Degree from the gap, by the configured thresholds.
    pub level: Option<Level>,
    /// Zone of the gap among the population's, by the model's satisfaction
    /// percentiles; `None` without a gap or without them.
    pub zone: Option<Zone>,
    /// NPS answer and category.
    pub nps: Option<Nps>,
    /// Orders after the first.
    pub repeat_purchases: u32,
    /// Complaints per order.
    pub complaint_rate: Option<f64>,
    /// Returns per order.
    pub return_rate: Option<f64>,
    /// New customers referred.
    pub referrals: Option<u32>,
    /// Expected number of people told: positive when satisfied, negative when dissatisfied.
    pub word_of_mouth: Option<f64>,
}

impl<N> Satisfaction<N> {
    /// The same figures with each dimension name converted by `f`.
    pub fn map_names<M>(self, f: impl Fn(N) -> M) -> Satisfaction<M> {
        Satisfaction {
            dimensions: self
                .dimensions
                .into_iter()
                .map(|(n, g)| (f(n), g))
                .collect(),
            gap: self.gap,
            ratio: self.ratio,
            level: self.level,
            zone: self.zone,
            nps: self.nps,
            repeat_purchases: self.repeat_purchases,
            complaint_rate: self.complaint_rate,
            return_rate: self.return_rate,
            referrals: self.referrals,
            word_of_mouth: self.word_of_mouth,
        }
    }
}

/// Computes the satisfaction figures of `c`.
///
/// ```
/// use crmscore::input::{customer::{Customer, Limits}, json::Json, tape::OwnedTape};
/// use crmscore::scoring::config::Config;
/// use crmscore::scoring::satisfaction::{satisfaction, Level};
/// let v = Json::parse(r#"{"id": "a", "orders": [], "survey": {
///     "expectation": {"product": 4, "service": 4}, "perception": {"product": 5, "service": 4}}}"#).unwrap();
/// let tape = OwnedTape::of(&v);
/// let c = Customer::read(&mut tape.tape().reader(), 0, &Limits::default()).unwrap();
/// let s = satisfaction(&c, &Config::default().satisfaction);
/// assert_eq!(s.gap, Some(0.5));          // 4.5 - 4
/// assert_eq!(s.ratio, Some(1.125));      // 4.5 / 4
/// assert_eq!(s.level, Some(Level::Satisfied));
/// assert_eq!(s.word_of_mouth, Some(12.0));
/// ```
pub fn satisfaction<'t>(c: &Customer<'t>, config: &SatisfactionConfig) -> Satisfaction<Name<'t>> {
    let (gap, ratio, dimensions) = match &c.survey {
        Some(s) if !s.dimensions.is_empty() => weighted(s),
        _ => (None, None, Vec::new()),
    };
    let level = gap.map(|g| level(g, config));
    let zone = gap
        .zip(config.percentiles.as_ref())
        .map(|(g, cuts)| zone(g, cuts));
    let orders = c.orders.len() as u32;
    let per_order = |n: Option<u32>| {
        n.filter(|_| orders > 0)
            .map(|n| f64::from(n) / f64::from(orders))
    };
    Satisfaction {
        gap,
        ratio,
        dimensions,
        level,
        zone,
        nps: c.survey.as_ref().and_then(|s| s.nps).map(nps),
        repeat_purchases: orders.saturating_sub(1),
        complaint_rate: per_order(c.complaints),
        return_rate: per_order(c.returns),
        referrals: c.referrals,
        word_of_mouth: level.map(|l| match l {
            Level::Dissatisfied => config.word_of_mouth_dissatisfied,
            Level::Basic => 0.0,
            Level::Satisfied | Level::Delighted => config.word_of_mouth_satisfied,
        }),
    }
}

fn weighted<'t>(s: &Survey<'t>) -> (Option<f64>, Option<f64>, Vec<(Name<'t>, f64)>) {
    let total: f64 = s.dimensions.iter().map(|d| d.weight).sum();
    let mean_p = s
        .dimensions
        .iter()
        .map(|d| d.weight * d.perception)
        .sum::<f64>()
        / total;
    let mean_e = s
        .dimensions
        .iter()
        .map(|d| d.weight * d.expectation)
        .sum::<f64>()
        / total;
    // By name, a later dimension of the same name replacing an earlier one.
    let mut dims: Vec<(Name<'t>, f64)> = Vec::with_capacity(s.dimensions.len());
    for d in &s.dimensions {
        let gap = d.perception - d.expectation;
        match dims.binary_search_by(|(n, _)| n.text.cmp(d.name.text)) {
            Ok(i) => dims[i] = (d.name, gap),
            Err(i) => dims.insert(i, (d.name, gap)),
        }
    }
    (
        Some(mean_p - mean_e),
        (mean_e > 0.0).then(|| mean_p / mean_e),
        dims,
    )
}

/// The degree of a gap: below `basic` dissatisfied, then basic, satisfied, delighted.
pub fn level(gap: f64, c: &SatisfactionConfig) -> Level {
    if gap < c.basic {
        Level::Dissatisfied
    } else if gap < c.satisfied {
        Level::Basic
    } else if gap < c.delighted {
        Level::Satisfied
    } else {
        Level::Delighted
    }
}

/// The category of an NPS answer.
pub fn nps(score: u8) -> Nps {
    let category = match score {
        9.. => NpsCategory::Promoter,
        7..=8 => NpsCategory::Passive,
        _ => NpsCategory::Detractor,
    };
    Nps { score, category }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::customer::Dimension;
    use crate::scoring::config::Config;

    fn dim(name: &'static str, e: f64, p: f64, w: f64) -> Dimension<'static> {
        Dimension {
            name: Name {
                text: name,
                index: 0,
            },
            expectation: e,
            perception: p,
            weight: w,
        }
    }

    fn with_survey(dimensions: Vec<Dimension<'static>>, nps: Option<u8>) -> Customer<'static> {
        let mut c = Customer::with_orders("c", vec![]);
        c.survey = Some(Survey { dimensions, nps });
        c.complaints = Some(1);
        c
    }

    fn gap_of(s: &Satisfaction<Name<'_>>, name: &str) -> f64 {
        s.dimensions
            .iter()
            .find(|(n, _)| n.text == name)
            .map(|(_, g)| *g)
            .unwrap()
    }

    #[test]
    fn weighted_gap_and_ratio_by_hand() {
        // perception (2×3 + 1×6) / 3 = 4, expectation (2×5 + 1×2) / 3 = 4: exactly met.
        let c = with_survey(
            vec![dim("product", 5.0, 3.0, 2.0), dim("service", 2.0, 6.0, 1.0)],
            Some(6),
        );
        let s = satisfaction(&c, &Config::default().satisfaction);
        assert_eq!(s.gap, Some(0.0));
        assert_eq!(s.ratio, Some(1.0));
        assert_eq!(gap_of(&s, "product"), -2.0);
        assert_eq!(gap_of(&s, "service"), 4.0);
        assert_eq!(s.level, Some(Level::Basic));
        assert_eq!(s.word_of_mouth, Some(0.0));
        assert_eq!(
            s.nps,
            Some(Nps {
                score: 6,
                category: NpsCategory::Detractor
            })
        );
        // no orders: rates per order are unknown, not zero
        assert_eq!(s.complaint_rate, None);
    }

    #[test]
    fn dissatisfied_customers_tell_twenty() {
        let c = with_survey(vec![dim("service", 4.0, 3.0, 1.0)], None);
        let s = satisfaction(&c, &Config::default().satisfaction);
        assert_eq!(s.gap, Some(-1.0));
        assert_eq!(s.ratio, Some(0.75));
        assert_eq!(s.level, Some(Level::Dissatisfied));
        assert_eq!(s.word_of_mouth, Some(-20.0));
    }

    #[test]
    fn levels_follow_thresholds() {
        let c = Config::default().satisfaction;
        assert_eq!(level(-0.01, &c), Level::Dissatisfied);
        assert_eq!(level(0.0, &c), Level::Basic);
        assert_eq!(level(0.5, &c), Level::Satisfied);
        assert_eq!(level(1.0, &c), Level::Delighted);
        assert_eq!(nps(10).category, NpsCategory::Promoter);
        assert_eq!(nps(7).category, NpsCategory::Passive);
    }

    #[test]
    fn zones_by_the_population_percentiles() {
        // Gaps of 7 respondents -2 -1 0 0.5 1 2 3: p15 at h = 0.9 is -2 + 0.9 × 1 = -1.1,
        // p85 at h = 5.1 is 2 + 0.1 × 1 = 2.1 (linear interpolation, population.rs).
        let cuts = SatisfactionCuts {
            p15: -1.1,
            p85: 2.1,
        };
        let mut config = Config::default().satisfaction;
        config.percentiles = Some(cuts);
        let zone_of = |p: f64| {
            satisfaction(
                &with_survey(vec![dim("service", 4.0, 4.0 + p, 1.0)], None),
                &config,
            )
            .zone
        };
        assert_eq!(zone_of(-2.0), Some(Zone::LeastSatisfied));
        assert_eq!(zone_of(-1.0), Some(Zone::Middle));
        assert_eq!(zone_of(2.0), Some(Zone::Middle));
        assert_eq!(zone_of(3.0), Some(Zone::MostSatisfied));
        // On a percentile: the lower zone.
        assert_eq!(zone(-1.1, &cuts), Zone::LeastSatisfied);
        assert_eq!(zone(2.1, &cuts), Zone::Middle);
        assert_eq!(Zone::MostSatisfied.as_str(), "most-satisfied");
        // No percentiles, or no survey: no zone.
        let plain = satisfaction(
            &with_survey(vec![dim("service", 4.0, 1.0, 1.0)], None),
            &Config::default().satisfaction,
        );
        assert_eq!(plain.zone, None);
        let mut none = with_survey(vec![], None);
        none.survey = None;
        assert_eq!(satisfaction(&none, &config).zone, None);
    }

    #[test]
    fn missing_survey_gives_nulls() {
        let mut c = with_survey(vec![], None);
        c.survey = None;
        let s = satisfaction(&c, &Config::default().satisfaction);
        assert_eq!(
            (s.gap, s.ratio, s.level, s.nps, s.word_of_mouth),
            (None, None, None, None, None)
        );
        let zero = with_survey(vec![dim("x", 0.0, 2.0, 1.0)], None);
        assert_eq!(
            satisfaction(&zero, &Config::default().satisfaction).ratio,
            None
        );
    }
}
