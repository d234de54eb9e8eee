//! Contact cadences (domain.md §5, the coffee shop: a message on day 7, a
//! brochure on day 27, another on day 45): a segment's action object may
//! carry `afterDays` and `from` (`'lastOrder'`, the default, or
//! `'firstOrder'`), which schedule it that many days after the customer's
//! last or first order. A result's `nextContact` is the matched segments'
//! scheduled action due soonest on or after the day of `asOf` (ties: the
//! segment of higher priority, then the earlier action); `pastContacts`
//! lists those already due before that day, by due date.

use crate::error::{Error, ErrorCode, Result};
use crate::input::json::{expect_whole, Json};

/// Milliseconds in a day.
const DAY_MS: i64 = 86_400_000;

/// When an action is due: `after_days` after the first or last order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Schedule {
    /// Whole days after the anchor order, 0 to 36,500.
    pub after_days: u32,
    /// From the first order (`true`) or the last (`false`).
    pub from_first: bool,
}

impl Schedule {
    /// The instant it is due for a customer whose first and last orders are at these instants.
    pub fn due(self, first: Option<i64>, last: Option<i64>) -> Option<i64> {
        let anchor = if self.from_first { first } else { last }?;
        Some(anchor + i64::from(self.after_days) * DAY_MS)
    }
}

/// The schedule of an action at `path`: `None` for a string or an object
/// without `afterDays`. Errors: `afterDays` not a whole number of days from 0
/// to 36,500, `from` not `'firstOrder'` or `'lastOrder'`, `from` without `afterDays`.
pub fn schedule_of(action: &Json, path: &str) -> Result<Option<Schedule>> {
    let Json::Obj(entries) = action else {
        return Ok(None);
    };
    let get = |key: &str| entries.iter().find(|(k, _)| k == key).map(|(_, v)| v);
    let at = |key: &str| format!("{path}.{key}");
    let from = get("from");
    let Some(days) = get("afterDays") else {
        // `from` alone would silently schedule nothing (a misspelt `afterDays`).
        return match from {
            None => Ok(None),
            Some(_) => Err(Error::new(
                ErrorCode::MissingField,
                at("afterDays"),
                "is required with `from`",
            )),
        };
    };
    let after_days = expect_whole(days, &at("afterDays"), 0.0, 36_500.0)?;
    let from_first = match from {
        None => false,
        Some(Json::Str(s)) if s == "lastOrder" => false,
        Some(Json::Str(s)) if s == "firstOrder" => true,
        Some(other) => {
            let msg = format!(
                "expected 'firstOrder' or 'lastOrder', got {}",
                other.describe()
            );
            return Err(Error::new(ErrorCode::OutOfRange, at("from"), msg));
        }
    };
    Ok(Some(Schedule {
        after_days,
        from_first,
    }))
}

/// A scheduled action of a matched segment: its library index, the index of
/// the action in the segment's actions, and when it is due (epoch ms).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Due {
    /// Library index of the segment.
    pub segment: usize,
    /// Index of the action among the segment's actions.
    pub action: usize,
    /// Epoch milliseconds.
    pub at: i64,
}

/// A contact of a result: `{ segment, action, due }`.
#[derive(Debug, Clone, PartialEq)]
pub struct Contact {
    /// The segment's id.
    pub segment: String,
    /// The action, as configured.
    pub action: Json,
    /// When it is due (epoch ms).
    pub due: i64,
}

impl Contact {
    /// As JSON: `{ segment, action, due }`, `due` as ISO 8601 text.
    pub fn to_json(&self) -> Json {
        Json::Obj(vec![
            ("segment".into(), Json::Str(self.segment.clone())),
            ("action".into(), self.action.clone()),
            (
                "due".into(),
                Json::Str(crate::input::time::format_instant(self.due)),
            ),
        ])
    }
}

/// `nextContact` and `pastContacts`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Contacts {
    /// The next contact due, on or after the day of `asOf`; `None` (`null`) when none is ahead.
    pub next: Option<Contact>,
    /// Contacts already due before that day, by due date.
    pub past: Vec<Contact>,
}

/// Splits the scheduled actions of the matched segments (`scheduled`,
/// yielded by priority) into the next contact and the past ones (sorted by
/// due date, ties in priority order), as of `as_of`.
pub fn contacts(as_of: i64, scheduled: impl Iterator<Item = Due>) -> (Option<Due>, Vec<Due>) {
    let today = as_of.div_euclid(DAY_MS);
    let mut next: Option<Due> = None;
    let mut past: Vec<Due> = Vec::new();
    for d in scheduled {
        if d.at.div_euclid(DAY_MS) >= today {
            if next.is_none_or(|n| d.at < n.at) {
                next = Some(d);
            }
        } else {
            // Insertion keeps ties in the order they came (by priority).
            let at = past.partition_point(|p| p.at <= d.at);
            past.insert(at, d);
        }
    }
    (next, past)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schedules_are_read_and_checked() {
        let s = |t: &str| schedule_of(&Json::parse(t).unwrap(), "segments[0].actions[1]");
        assert_eq!(s(r#""call""#).unwrap(), None);
        assert_eq!(s(r#"{"say": "hi"}"#).unwrap(), None);
        assert_eq!(
            s(r#"{"afterDays": 7, "from": "firstOrder"}"#).unwrap(),
            Some(Schedule {
                after_days: 7,
                from_first: true
            })
        );
        assert!(!s(r#"{"afterDays": 27}"#).unwrap().unwrap().from_first);
        let e = s(r#"{"afterDays": 7, "from": "visit"}"#).unwrap_err();
        assert_eq!(e.path(), "segments[0].actions[1].from");
        assert_eq!(
            e.message(),
            "expected 'firstOrder' or 'lastOrder', got \"visit\""
        );
        assert_eq!(
            s(r#"{"afterDays": 1.5}"#).unwrap_err().path(),
            "segments[0].actions[1].afterDays"
        );
        assert_eq!(
            s(r#"{"from": "lastOrder"}"#).unwrap_err().code(),
            ErrorCode::MissingField
        );
    }

    // domain.md §5: messages 7, 27 and 45 days after the last order, on 2026-11-01. As of
    // 2026-11-28 (27 days later) day 7 (2026-11-08) is past, day 27 (2026-11-28) is due that
    // day, so it is the next contact, ahead of day 45 (2026-12-16).
    #[test]
    fn the_coffee_shop_cadence() {
        let last = crate::input::time::parse_instant("2026-11-01").unwrap();
        let as_of = crate::input::time::parse_instant("2026-11-28T15:00:00Z").unwrap();
        let due = |action, days| Due {
            segment: 0,
            action,
            at: last + days * DAY_MS,
        };
        let (next, past) = contacts(as_of, [due(0, 7), due(1, 27), due(2, 45)].into_iter());
        assert_eq!(next, Some(due(1, 27)));
        assert_eq!(past, [due(0, 7)]);
        assert_eq!(
            crate::input::time::format_instant(next.unwrap().at),
            "2026-11-28T00:00:00.000Z"
        );
        // Ties keep the order they came in (priority); past contacts are sorted by date.
        let other = Due {
            segment: 1,
            ..due(1, 27)
        };
        let (next, past) = contacts(as_of, [due(2, 5), other, due(1, 27), due(0, 3)].into_iter());
        assert_eq!(next, Some(other));
        assert_eq!(past, [due(0, 3), due(2, 5)]);
        assert_eq!(
            contacts(as_of + 30 * DAY_MS, [due(0, 7)].into_iter()).0,
            None
        );
    }
}
