//! A heapsort for the sorts that run once, when a scorer or a segment batch is
//! built: each element type the standard library's sort is used with adds
//! 2–5 KB to the `.wasm` (measured with twiggy, 2026-12-01: 10 KB for the
//! segment ranking and a batch's slots and categories), this one a few hundred
//! bytes. Per-customer sorts keep the standard sort, which is faster on short runs.

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

#[cfg(test)]
mod tests {
    use super::heapsort;

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
            heapsort(&mut v, |a, b| a < b);
            assert_eq!(v, want, "{len}");
        }
    }
}
