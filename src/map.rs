//! A small map keyed by name: orders per category, gap per survey dimension.
//!
//! A vector sorted by name rather than a `BTreeMap`: these maps hold a few
//! entries, are built once per customer and read by name, and the B-tree's
//! code would be downloaded by every visitor for nothing.

use serde::ser::{Serialize, SerializeMap, Serializer};

/// Values by name, in name order; serializes as a JSON object.
///
/// ```
/// use crmscore::map::NameMap;
/// let counts = NameMap::count(["video", "books", "video"]);
/// assert_eq!(counts.get("video"), Some(&2));
/// assert_eq!(counts["books"], 1);
/// assert_eq!(counts.keys().collect::<Vec<_>>(), ["books", "video"]);
/// ```
#[derive(Debug, Clone, PartialEq, Default)]
pub struct NameMap<V>(Vec<(String, V)>);

impl<V> NameMap<V> {
    /// The value of `name`, if any.
    pub fn get(&self, name: &str) -> Option<&V> {
        self.0.binary_search_by(|(k, _)| k.as_str().cmp(name)).ok().map(|i| &self.0[i].1)
    }

    /// Sets `name` to `value`, replacing any value it had.
    pub fn insert(&mut self, name: &str, value: V) {
        match self.0.binary_search_by(|(k, _)| k.as_str().cmp(name)) {
            Ok(i) => self.0[i].1 = value,
            Err(i) => self.0.insert(i, (name.to_string(), value)),
        }
    }

    /// The `i`-th name in order.
    pub fn key_at(&self, i: usize) -> Option<&str> {
        self.0.get(i).map(|(k, _)| k.as_str())
    }

    /// Names and values, in name order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &V)> {
        self.0.iter().map(|(k, v)| (k.as_str(), v))
    }

    /// Names, in order.
    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.0.iter().map(|(k, _)| k.as_str())
    }

    /// Number of names.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether there are no names.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl NameMap<u32> {
    /// How many times each name occurs: one sort, then a count of each run of
    /// equal names, so the work stays n log n however many names differ.
    pub fn count<'a>(names: impl IntoIterator<Item = &'a str>) -> NameMap<u32> {
        let mut names: Vec<&str> = names.into_iter().collect();
        names.sort_unstable();
        let mut counts: Vec<(String, u32)> = Vec::new();
        for (i, name) in names.iter().enumerate() {
            match counts.last_mut() {
                Some((_, n)) if i > 0 && names[i - 1] == *name => *n += 1,
                _ => counts.push((name.to_string(), 1)),
            }
        }
        NameMap(counts)
    }
}

impl<V> std::ops::Index<&str> for NameMap<V> {
    type Output = V;

    fn index(&self, name: &str) -> &V {
        self.get(name).unwrap_or_else(|| panic!("no entry {name:?}"))
    }
}

impl<V: Serialize> Serialize for NameMap<V> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(self.0.len()))?;
        for (k, v) in &self.0 {
            map.serialize_entry(k, v)?;
        }
        map.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn later_values_replace_earlier_ones() {
        let mut gaps = NameMap::default();
        gaps.insert("service", 1.0);
        gaps.insert("product", -2.0);
        gaps.insert("service", 3.0);
        assert_eq!(gaps.iter().collect::<Vec<_>>(), [("product", &-2.0), ("service", &3.0)]);
        assert_eq!(crate::json_text::to_string(&gaps), r#"{"product":-2,"service":3}"#);
    }

    #[test]
    fn counts_are_per_distinct_name() {
        assert!(NameMap::count([]).is_empty());
        let c = NameMap::count(["b", "a", "b", "c", "b"]);
        assert_eq!(c.iter().collect::<Vec<_>>(), [("a", &1), ("b", &3), ("c", &1)]);
        assert_eq!(c.len(), 3);
    }
}
