//! The built-ins' tape without the numbers that follow from the others: a
//! string's first byte and ordinal (strings are laid out in order) and a
//! container's count of slots. With them the built-ins took 0.8 KB more of the
//! scoring module's gzipped size than these few lines that rebuild them.

/// Rebuilds the tape from its packed form: each value as on the tape, except
/// that a string (tag 4 or 7) gives only its length and an array or object
/// (tag 5 or 6) only its count.
pub(super) fn unpack(packed: &[i16]) -> Vec<f64> {
    let mut u = Unpack {
        packed,
        at: 0,
        out: Vec::with_capacity(packed.len() * 3),
        byte: 0.0,
        ordinal: 0.0,
    };
    while u.at < packed.len() {
        u.value();
    }
    u.out
}

struct Unpack<'p> {
    packed: &'p [i16],
    at: usize,
    out: Vec<f64>,
    /// The first byte and the ordinal of the next string.
    byte: f64,
    ordinal: f64,
}

impl Unpack<'_> {
    fn next(&mut self) -> f64 {
        let n = self.packed.get(self.at).map_or(0.0, |&n| f64::from(n));
        self.at += 1;
        n
    }

    fn value(&mut self) {
        let tag = self.next();
        self.out.push(tag);
        match tag as i32 {
            3 => {
                let n = self.next();
                self.out.push(n);
            }
            4 | 7 => {
                let len = self.next();
                self.out.extend([self.byte, len, self.ordinal]);
                self.byte += len;
                self.ordinal += 1.0;
            }
            5 | 6 => {
                let count = self.next();
                self.out.push(count);
                let slots = self.out.len();
                self.out.push(0.0);
                for _ in 0..count as usize {
                    // An object's key: a negative code, or a string.
                    if tag == 6.0 && self.packed.get(self.at).is_some_and(|&k| k < 0) {
                        let key = self.next();
                        self.out.push(key);
                    } else if tag == 6.0 {
                        self.value();
                    }
                    self.value();
                }
                self.out[slots] = (self.out.len() - slots - 1) as f64;
            }
            _ => {}
        }
    }
}

/// The packed form of a tape of whole numbers of 16 bits, for the generator of `builtin.rs`.
#[cfg(test)]
pub(super) fn pack(nums: &[f64]) -> Vec<i16> {
    fn value(nums: &[f64], at: &mut usize, out: &mut Vec<i16>) {
        let take = |at: &mut usize| {
            let n = nums[*at];
            assert!(
                n.fract() == 0.0 && n.abs() <= f64::from(i16::MAX),
                "{n}: the built-ins hold whole numbers of 16 bits only"
            );
            *at += 1;
            n as i16
        };
        let tag = take(at);
        out.push(tag);
        match tag {
            3 => out.push(take(at)),
            4 | 7 => {
                *at += 1;
                out.push(take(at));
                *at += 1;
            }
            5 | 6 => {
                let count = take(at);
                out.push(count);
                *at += 1;
                for _ in 0..count {
                    if tag == 6 {
                        if nums[*at] < 0.0 {
                            out.push(take(at));
                        } else {
                            value(nums, at, out);
                        }
                    }
                    value(nums, at, out);
                }
            }
            _ => {}
        }
    }
    let (mut at, mut out) = (0, Vec::new());
    while at < nums.len() {
        value(nums, &mut at, &mut out);
    }
    out
}
