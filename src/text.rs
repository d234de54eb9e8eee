//! Slicing `str` without its panic: `&s[a..b]` links core's message for a
//! range off the character boundaries, which formats a `char` with `{:?}`
//! and so brings core's tables of printable Unicode into the scoring module.

use std::slice::SliceIndex;

/// `s[range]`, or `""` where `range` is out of bounds or not on character
/// boundaries: for ranges the caller has already placed on boundaries.
#[inline]
pub(crate) fn slice<R: SliceIndex<str, Output = str>>(s: &str, range: R) -> &str {
    s.get(range).unwrap_or("")
}

#[cfg(test)]
mod tests {
    #[test]
    fn slices_on_boundaries_and_nothing_off_them() {
        // "é" is two bytes (C3 A9), at 1..3.
        assert_eq!(super::slice("héllo", 3..), "llo");
        assert_eq!(super::slice("héllo", ..1), "h");
        assert_eq!(super::slice("héllo", 2..), "");
        assert_eq!(super::slice("héllo", 1..9), "");
    }
}
