//! The crate's sorts: an insertion sort for the few elements of one customer
//! (its orders, its categories), a heapsort above that. Each element type the
//! standard library's sort is used with adds kilobytes to the `.wasm`
//! (`docs/architecture.md` has the measurement); these add a few hundred bytes.

/// Sorts `v` so that no element is `less` than one before it, in O(n log n)
/// comparisons without allocating; equal elements may be reordered.
///
/// ```
/// let mut v = [5, 1, 4, 1, 3];
/// crmscore::sort::heapsort(&mut v, |a, b| a < b);
/// assert_eq!(v, [1, 1, 3, 4, 5]);
/// ```
pub fn heapsort<T>(v: &mut [T], less: impl Fn(&T, &T) -> bool) {
    let sift = |v: &mut [T], mut node: usize| loop {
        let mut child = 2 * node + 1;
        if child >= v.len() {
            break;
        }
        if child + 1 < v.len() && less(&v[child], &v[child + 1]) {
            child += 1;
        }
        if !less(&v[node], &v[child]) {
            break;
        }
        v.swap(node, child);
        node = child;
    };
    for node in (0..v.len() / 2).rev() {
        sift(v, node);
    }
    for end in (1..v.len()).rev() {
        v.swap(0, end);
        sift(&mut v[..end], 0);
    }
}

/// Sorts `v` so that no element is `less` than one before it: an insertion
/// sort for up to 16 elements (fewest moves on a customer's short lists), a
/// [`heapsort`] above; equal elements may be reordered.
///
/// ```
/// let mut v = [3, 1, 2];
/// crmscore::sort::sort_by(&mut v, |a, b| a < b);
/// assert_eq!(v, [1, 2, 3]);
/// ```
pub fn sort_by<T>(v: &mut [T], less: impl Fn(&T, &T) -> bool) {
    if v.len() > 16 {
        return heapsort(v, less);
    }
    for i in 1..v.len() {
        let mut j = i;
        while j > 0 && less(&v[j], &v[j - 1]) {
            v.swap(j, j - 1);
            j -= 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{heapsort, sort_by};

    #[test]
    fn sorts_like_the_standard_sort() {
        let mut seed = 7u32;
        for len in 0..70 {
            let mut v: Vec<u32> = (0..len)
                .map(|_| {
                    seed = seed.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
                    seed >> 27
                })
                .collect();
            let mut want = v.clone();
            want.sort_unstable();
            let mut w = v.clone();
            heapsort(&mut v, |a, b| a < b);
            assert_eq!(v, want, "{len}");
            sort_by(&mut w, |a, b| a < b);
            assert_eq!(w, want, "{len}");
        }
    }
}
