//! What scoring computes for one customer, and the one list of the result's
//! fields ([`FIELDS`]): its layout as numbers, the names and types rules read,
//! the JavaScript that builds the result object and the TypeScript result type
//! (both generated from this list by `crate::interop::result`, and checked
//! current by a test).
//!
//! A result crosses to JavaScript as numbers: one slot per field in the order
//! of [`FIELDS`] (missing: NaN; an enum: its index in the field's names; an
//! instant: epoch ms; a name: its ordinal among the input's strings), then
//! each map as its number of entries and (name, value) pairs. The list and
//! the code that fills the slots are written once, in [`result_layout!`].

use crate::input::customer::Ident;
use crate::model::Predicted;
use crate::rules::MapView;
use crate::scoring::loyalty::{Lifecycle, Loyalty, LoyaltyType, Stage};
use crate::scoring::satisfaction::{Level, NpsCategory, Satisfaction, Zone};
use crate::scoring::value::{AbcClass, RfmSegment, Value};

/// Everything computed for one customer but its segments; `N` is how names
/// (the id, categories, survey dimensions) are held.
#[derive(Debug, Clone, PartialEq)]
pub struct Features<N> {
    /// The customer's id.
    pub id: Ident<N>,
    /// The instant every figure is computed at (epoch ms).
    pub as_of: i64,
    /// Value figures.
    pub value: Value<N>,
    /// Satisfaction figures.
    pub satisfaction: Satisfaction<N>,
    /// Loyalty figures.
    pub loyalty: Loyalty,
}

impl<N> Features<N> {
    /// The same features with each name converted by `f`.
    pub fn map_names<M>(self, f: impl Fn(N) -> M) -> Features<M> {
        Features {
            id: self.id.map(&f),
            as_of: self.as_of,
            value: self.value.map_names(&f),
            satisfaction: self.satisfaction.map_names(&f),
            loyalty: self.loyalty,
        }
    }
}

/// How a field is held and shown.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Kind {
    /// The customer's id: two slots, the ordinal of its text (NaN for a number id) and the number.
    Id,
    /// An instant: epoch ms in the slot, an ISO 8601 string in the result, a timestamp in rules.
    Instant,
    /// A whole number.
    Int,
    /// A number.
    Double,
    /// One of these names, by index.
    Enum(&'static [&'static str]),
    /// Names with whole numbers (after the slots: the count, then name and number pairs).
    IntMap,
    /// Names with numbers.
    DoubleMap,
    /// An interval `[low, high]` of numbers: two slots (missing: NaN in the first).
    Range,
}

/// One field of the result.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ResultField {
    /// Its path in the result object, e.g. `value.rfm.r`.
    pub path: &'static str,
    /// How it is held.
    pub kind: Kind,
    /// Whether it may be `null` where its object is present (a field of a
    /// [`NULLABLE_GROUPS`] object is also missing when the whole object is null).
    pub optional: bool,
    /// Whether rules may read it.
    pub rule: bool,
}

impl ResultField {
    /// The innermost nullable group this field belongs to, if any (the first
    /// in [`NULLABLE_GROUPS`], which lists inner groups before outer ones).
    pub fn group(&self) -> Option<&'static str> {
        NULLABLE_GROUPS.iter().copied().find(|g| {
            self.path.len() > g.len()
                && self.path.starts_with(g)
                && self.path.as_bytes()[g.len()] == b'.'
        })
    }

    /// Whether a rule may find the field missing.
    pub fn missing_possible(&self) -> bool {
        self.optional || self.group().is_some()
    }
}

impl ResultField {
    /// The number of slots the field takes (maps take none: they follow the slots).
    pub const fn slots(&self) -> usize {
        match self.kind {
            Kind::Id | Kind::Range => 2,
            Kind::IntMap | Kind::DoubleMap => 0,
            _ => 1,
        }
    }
}

/// The objects of a result that are `null` as a whole when their first field
/// is missing; a group inside another comes first.
pub const NULLABLE_GROUPS: [&str; 4] = [
    "value.rfm",
    "value.predicted.interval",
    "value.predicted",
    "satisfaction.nps",
];

/// A value written to one slot.
pub(crate) trait ToSlot {
    fn slot(self) -> f64;
}

impl ToSlot for f64 {
    fn slot(self) -> f64 {
        self
    }
}

impl ToSlot for u32 {
    fn slot(self) -> f64 {
        f64::from(self)
    }
}

impl ToSlot for u8 {
    fn slot(self) -> f64 {
        f64::from(self)
    }
}

impl ToSlot for i64 {
    fn slot(self) -> f64 {
        self as f64
    }
}

impl<T: ToSlot> ToSlot for Option<T> {
    fn slot(self) -> f64 {
        self.map_or(f64::NAN, ToSlot::slot)
    }
}

macro_rules! enum_slots {
    ($($t:ty),*) => {$(
        impl ToSlot for $t {
            fn slot(self) -> f64 {
                f64::from(self.code())
            }
        }
    )*};
}

enum_slots!(
    AbcClass,
    RfmSegment,
    Level,
    NpsCategory,
    Zone,
    Stage,
    LoyaltyType,
    Lifecycle
);

/// Declares the result's fields once: [`FIELDS`], and the functions that
/// write a [`Features`] into slots and maps in that order.
macro_rules! result_layout {
    ($( $path:literal : $kind:ident $([$names:expr])? $(, $flag:ident)* => |$f:ident| $get:expr; )*) => {
        /// Every field of a result, in layout order.
        pub const FIELDS: &[ResultField] = &[$(
            ResultField {
                path: $path,
                kind: result_layout!(@kind $kind $([$names])?),
                optional: false $(|| result_layout!(@optional $flag))*,
                rule: true $(&& result_layout!(@rule $flag))*,
            },
        )*];

        /// Writes the slots of `f`; `name` gives a name's ordinal.
        // Into an array, then one copy: the module is built for size, which
        // leaves a `Vec::push` per slot out of line.
        fn write_slots<N>(f: &Features<N>, name: &mut dyn FnMut(&N) -> f64, out: &mut Vec<f64>) {
            let mut slots = [0.0; SLOTS];
            let mut at = 0;
            $( result_layout!(@slot $kind, slots, at, name, { let $f = f; $get }); )*
            debug_assert_eq!(at, SLOTS);
            out.extend_from_slice(&slots);
        }

        /// Writes the maps of `f` after its slots.
        fn write_maps<N>(f: &Features<N>, name: &mut dyn FnMut(&N) -> f64, out: &mut Vec<f64>) {
            $( result_layout!(@map $kind, out, name, { let $f = f; $get }); )*
        }
    };
    (@kind Enum [$names:expr]) => { Kind::Enum($names) };
    (@kind $kind:ident) => { Kind::$kind };
    (@optional optional) => { true };
    (@optional $other:ident) => { false };
    (@rule internal) => { false };
    (@rule $other:ident) => { true };
    (@slot Id, $s:ident, $at:ident, $name:ident, $get:expr) => {
        [$s[$at], $s[$at + 1]] = match $get {
            Ident::Text(n) => [$name(n), f64::NAN],
            Ident::Number(x) => [f64::NAN, *x],
        };
        $at += 2;
    };
    (@slot Range, $s:ident, $at:ident, $name:ident, $get:expr) => {
        [$s[$at], $s[$at + 1]] = Option::<[f64; 2]>::unwrap_or($get, [f64::NAN; 2]);
        $at += 2;
    };
    (@slot IntMap, $s:ident, $at:ident, $name:ident, $get:expr) => {};
    (@slot DoubleMap, $s:ident, $at:ident, $name:ident, $get:expr) => {};
    (@slot $kind:ident, $s:ident, $at:ident, $name:ident, $get:expr) => {
        $s[$at] = ToSlot::slot($get);
        $at += 1;
    };
    (@map IntMap, $out:ident, $name:ident, $get:expr) => { write_map($get, $name, $out) };
    (@map DoubleMap, $out:ident, $name:ident, $get:expr) => { write_map($get, $name, $out) };
    (@map $kind:ident, $out:ident, $name:ident, $get:expr) => {};
}

/// Writes a map: its number of entries, then (name ordinal, value) pairs.
pub(crate) fn write_map<N, V: Copy + ToSlot>(
    entries: &[(N, V)],
    name: &mut dyn FnMut(&N) -> f64,
    out: &mut Vec<f64>,
) {
    out.push(entries.len() as f64);
    for (n, v) in entries {
        out.push(name(n));
        out.push(v.slot());
    }
}

result_layout! {
    "id": Id, internal => |f| &f.id;
    "asOf": Instant, internal => |f| f.as_of;
    "value.recencyDays": Int, optional => |f| f.value.recency_days;
    "value.frequency": Int => |f| f.value.frequency;
    "value.monetary": Double => |f| f.value.monetary;
    "value.averageOrderValue": Double, optional => |f| f.value.average_order_value;
    "value.tenureDays": Int, optional => |f| f.value.tenure_days;
    "value.ordersPerYear": Double, optional => |f| f.value.orders_per_year;
    "value.margin": Double, optional => |f| f.value.margin;
    "value.historicValue": Double => |f| f.value.historic_value;
    "value.yearlySpend": Double => |f| f.value.yearly_spend;
    "value.projectedValue": Double => |f| f.value.projected_value;
    "value.accounts": Int => |f| f.value.accounts;
    "value.categories": IntMap => |f| &f.value.categories;
    "value.firstOrderAt": Instant, optional => |f| f.value.first_order_at;
    "value.lastOrderAt": Instant, optional => |f| f.value.last_order_at;
    "value.abc": Enum[AbcClass::NAMES], optional => |f| f.value.abc;
    "value.rfm.r": Int => |f| f.value.rfm.map(|x| x.r);
    "value.rfm.f": Int => |f| f.value.rfm.map(|x| x.f);
    "value.rfm.m": Int => |f| f.value.rfm.map(|x| x.m);
    "value.rfm.segment": Enum[RfmSegment::NAMES] => |f| f.value.rfm.map(|x| x.segment);
    "value.predicted.probabilityAlive": Double => |f| f.value.predicted.map(|p| p.probability_alive);
    "value.predicted.expectedPurchases": Double => |f| f.value.predicted.map(|p| p.expected_purchases);
    "value.predicted.expectedAverageSpend": Double, optional => |f| f.value.predicted.and_then(|p: Predicted| p.expected_average_spend);
    "value.predicted.lifetimeValue": Double, optional => |f| f.value.predicted.and_then(|p: Predicted| p.lifetime_value);
    "value.predicted.interval.expectedPurchases": Range, internal => |f| f.value.predicted.and_then(|p: Predicted| p.interval).map(|i| i.expected_purchases);
    "value.predicted.interval.lifetimeValue": Range, optional, internal => |f| f.value.predicted.and_then(|p: Predicted| p.interval).and_then(|i| i.lifetime_value);
    "satisfaction.gap": Double, optional => |f| f.satisfaction.gap;
    "satisfaction.ratio": Double, optional => |f| f.satisfaction.ratio;
    "satisfaction.dimensions": DoubleMap => |f| &f.satisfaction.dimensions;
    "satisfaction.level": Enum[Level::NAMES], optional => |f| f.satisfaction.level;
    "satisfaction.zone": Enum[Zone::NAMES], optional => |f| f.satisfaction.zone;
    "satisfaction.nps.score": Int => |f| f.satisfaction.nps.map(|n| n.score);
    "satisfaction.nps.category": Enum[NpsCategory::NAMES] => |f| f.satisfaction.nps.map(|n| n.category);
    "satisfaction.repeatPurchases": Int => |f| f.satisfaction.repeat_purchases;
    "satisfaction.complaintRate": Double, optional => |f| f.satisfaction.complaint_rate;
    "satisfaction.returnRate": Double, optional => |f| f.satisfaction.return_rate;
    "satisfaction.referrals": Int, optional => |f| f.satisfaction.referrals;
    "satisfaction.wordOfMouth": Double, optional => |f| f.satisfaction.word_of_mouth;
    "loyalty.stage": Enum[Stage::NAMES] => |f| f.loyalty.stage;
    "loyalty.type": Enum[LoyaltyType::NAMES], optional => |f| f.loyalty.kind;
    "loyalty.lifecycle": Enum[Lifecycle::NAMES] => |f| f.loyalty.lifecycle;
}

/// Slots of one result (the fixed part, before the maps).
pub const SLOTS: usize = {
    let mut n = 0;
    let mut i = 0;
    while i < FIELDS.len() {
        n += FIELDS[i].slots();
        i += 1;
    }
    n
};

/// The slot of field `i` of [`FIELDS`].
pub const fn slot_of(i: usize) -> usize {
    let mut n = 0;
    let mut k = 0;
    while k < i {
        n += FIELDS[k].slots();
        k += 1;
    }
    n
}

/// The index in [`FIELDS`] of the field at `path`.
pub fn field(path: &str) -> Option<usize> {
    FIELDS.iter().position(|f| f.path == path)
}

/// The maps of a result, in [`FIELDS`] order: rules read them as map 0 and 1.
pub const MAPS: [&str; 2] = ["value.categories", "satisfaction.dimensions"];

impl<N> Features<N> {
    /// Appends the slots, then the maps; `name` gives a name's ordinal.
    pub fn write(&self, name: &mut dyn FnMut(&N) -> f64, out: &mut Vec<f64>) {
        self.write_slots(name, out);
        self.write_maps(name, out);
    }

    /// Appends the slots only.
    pub fn write_slots(&self, name: &mut dyn FnMut(&N) -> f64, out: &mut Vec<f64>) {
        write_slots(self, name, out);
    }

    /// Appends the maps only.
    pub fn write_maps(&self, name: &mut dyn FnMut(&N) -> f64, out: &mut Vec<f64>) {
        write_maps(self, name, out);
    }
}

/// A map of names with numbers, sorted by name, as rules read it.
pub struct Entries<'m, N, V>(pub &'m [(N, V)]);

impl<N: AsRef<str>, V: Copy + MapValue> MapView for Entries<'_, N, V> {
    fn len(&self) -> usize {
        self.0.len()
    }

    fn key(&self, i: usize) -> Option<&str> {
        self.0.get(i).map(|(n, _)| n.as_ref())
    }

    fn get(&self, name: &str) -> Option<f64> {
        let entries = self.0;
        // Short maps (a customer's few categories) are faster searched in order.
        if entries.len() <= 8 {
            return entries
                .iter()
                .find(|(n, _)| n.as_ref() == name)
                .map(|(_, v)| v.number());
        }
        entries
            .binary_search_by(|(n, _)| n.as_ref().cmp(name))
            .ok()
            .map(|i| entries[i].1.number())
    }
}

/// A map's value as a number.
pub trait MapValue {
    /// The value.
    fn number(self) -> f64;
}

impl MapValue for u32 {
    fn number(self) -> f64 {
        f64::from(self)
    }
}

impl MapValue for f64 {
    fn number(self) -> f64 {
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slots_follow_the_fields() {
        assert_eq!(slot_of(0), 0);
        assert_eq!(slot_of(1), 2, "the id takes two slots");
        assert_eq!(
            FIELDS[field("value.firstOrderAt").unwrap()].kind,
            Kind::Instant
        );
        // The maps take no slot: the field after value.categories has the slot after value.accounts.
        let accounts = field("value.accounts").unwrap();
        assert_eq!(slot_of(accounts + 2), slot_of(accounts) + 1);
        assert_eq!(SLOTS, slot_of(FIELDS.len()));
        assert_eq!(
            MAPS.map(|m| FIELDS[field(m).unwrap()].kind),
            [Kind::IntMap, Kind::DoubleMap]
        );
        for group in NULLABLE_GROUPS {
            // A group is present when its first field is: that field is never null on its own.
            let first = FIELDS.iter().find(|f| f.group() == Some(group)).unwrap();
            assert!(!first.optional && first.missing_possible(), "{group}");
        }
    }
}
