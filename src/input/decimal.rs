//! Decimal text to the nearest double, as `str::parse::<f64>` reads it (ties
//! to even, `inf` past the largest double, `0` below the smallest), without
//! core's parser: its table of 128-bit powers of five is 10 KB of data that
//! gzip cannot shrink, in the scoring module with its size budget. Numbers in
//! rule text are read once, when a rule is compiled, so an exact quotient of
//! big integers, slower than core's fast paths, costs nothing that matters.

/// Significant digits kept; the digits after them count only as zero or not.
/// A double and a midpoint between two doubles have at most 767 significant
/// digits, so no midpoint lies strictly between a number cut after 800 digits
/// and the next multiple of its 800th digit: a non-zero tail written as one
/// `1` after the kept digits rounds as the whole tail does.
const MAX_DIGITS: usize = 800;

/// What `str::parse::<f64>` accepts: [`parse`]'s numbers with an optional
/// `+` or `-`, and `inf`, `infinity` and `nan` in any case (CEL's `double()`
/// of a string).
///
/// ```
/// use crmscore::input::decimal::parse_float;
/// assert_eq!(parse_float("-1.5"), Some(-1.5));
/// assert_eq!(parse_float("+Infinity"), Some(f64::INFINITY));
/// assert!(parse_float("NaN").unwrap().is_nan());
/// assert_eq!(parse_float("--1"), None);
/// ```
pub fn parse_float(text: &str) -> Option<f64> {
    let (negative, rest) = match text.as_bytes().first() {
        Some(b'-') => (true, text.get(1..)?),
        Some(b'+') => (false, text.get(1..)?),
        _ => (false, text),
    };
    let value = if rest.eq_ignore_ascii_case("inf") || rest.eq_ignore_ascii_case("infinity") {
        f64::INFINITY
    } else if rest.eq_ignore_ascii_case("nan") {
        f64::NAN
    } else {
        parse(rest)?
    };
    Some(if negative { -value } else { value })
}

/// `digits[.digits][(e|E)[+|-]digits]`, with at least one digit before or
/// after the point, to the nearest double; `None` for anything else.
///
/// ```
/// use crmscore::input::decimal::parse;
/// assert_eq!(parse("0.1"), Some(0.1));
/// assert_eq!(parse(".5e1"), Some(5.0));
/// assert_eq!(parse("1e400"), Some(f64::INFINITY));
/// assert_eq!(parse("1e-400"), Some(0.0));
/// assert_eq!(parse("1e"), None);
/// ```
pub fn parse(text: &str) -> Option<f64> {
    let b = text.as_bytes();
    let mut at = 0;
    // The value is `digits × 10^exp`; `digits` has no leading zeros.
    let mut digits: Vec<u32> = Vec::new();
    let mut exp: i64 = 0;
    let (mut any, mut point, mut tail) = (false, false, false);
    while let Some(&c) = b.get(at) {
        if c == b'.' && !point {
            point = true;
        } else if c.is_ascii_digit() {
            any = true;
            let d = u32::from(c - b'0');
            if digits.len() < MAX_DIGITS {
                if d != 0 || !digits.is_empty() {
                    digits.push(d);
                }
                exp -= i64::from(point);
            } else {
                exp += i64::from(!point);
                tail |= d != 0;
            }
        } else {
            break;
        }
        at += 1;
    }
    if matches!(b.get(at), Some(b'e' | b'E')) {
        at += 1;
        let negative = b.get(at) == Some(&b'-');
        if matches!(b.get(at), Some(b'-' | b'+')) {
            at += 1;
        }
        let start = at;
        let mut e: i64 = 0;
        while let Some(&c) = b.get(at).filter(|c| c.is_ascii_digit()) {
            // Past a billion the number is infinite or zero whatever its digits.
            e = (e * 10 + i64::from(c - b'0')).min(1_000_000_000);
            at += 1;
        }
        if at == start {
            return None;
        }
        exp += if negative { -e } else { e };
    }
    if !any || at != b.len() {
        return None;
    }
    if tail {
        digits.push(1);
        exp -= 1;
    }
    while digits.last() == Some(&0) {
        digits.pop();
        exp += 1;
    }
    // 10^(n + exp - 1) ≤ value < 10^(n + exp): at least 1e309, or below 1e-325.
    let n = digits.len() as i64;
    if digits.is_empty() || n + exp < -324 {
        return Some(0.0);
    }
    if n + exp > 310 {
        return Some(f64::INFINITY);
    }
    let mut num = Big(Vec::new());
    for d in digits {
        num.mul_add(10, d);
    }
    let mut den = Big(vec![1]);
    if exp >= 0 {
        num.mul_pow10(exp as u32);
    } else {
        den.mul_pow10(exp.unsigned_abs() as u32);
    }
    // q = ⌊num × 2^s / den⌋ lies in [2^53, 2^55): the 53 bits of a double and two more.
    let s = 54 - (num.bits() - den.bits());
    if s >= 0 {
        num.shl(s as usize);
    } else {
        den.shl(s.unsigned_abs() as usize);
    }
    den.shl(54);
    let mut q: u64 = 0;
    for _ in 0..55 {
        q <<= 1;
        if !num.less_than(&den) {
            num.sub(&den);
            q |= 1;
        }
        den.shr1();
    }
    // Bits of q dropped: those beyond 53, or more below the smallest subnormal (2^-1074).
    let drop = (if q >> 54 != 0 { 2 } else { 1 }).max(s - 1074);
    if drop > 56 {
        return Some(0.0);
    }
    let (kept, rest, half) = (q >> drop, q & ((1 << drop) - 1), 1u64 << (drop - 1));
    let up = rest > half || (rest == half && (!num.0.is_empty() || kept & 1 == 1));
    Some((kept + u64::from(up)) as f64 * pow2(drop - s))
}

/// 2^e for e from -1074 (the smallest subnormal); infinity past 1023.
fn pow2(e: i64) -> f64 {
    if e > 1023 {
        f64::INFINITY
    } else if e >= -1022 {
        f64::from_bits(((e + 1023) as u64) << 52)
    } else {
        f64::from_bits(1 << (e + 1074))
    }
}

/// An unsigned big integer, 32-bit limbs from the lowest, without high zero limbs.
struct Big(Vec<u32>);

impl Big {
    fn mul_add(&mut self, m: u32, mut carry: u32) {
        for limb in &mut self.0 {
            let v = u64::from(*limb) * u64::from(m) + u64::from(carry);
            *limb = v as u32;
            carry = (v >> 32) as u32;
        }
        if carry != 0 {
            self.0.push(carry);
        }
    }

    fn mul_pow10(&mut self, mut k: u32) {
        while k > 0 {
            let step = k.min(9);
            self.mul_add(10u32.pow(step), 0);
            k -= step;
        }
    }

    fn bits(&self) -> i64 {
        self.0.last().map_or(0, |top| {
            (self.0.len() * 32) as i64 - i64::from(top.leading_zeros())
        })
    }

    fn shl(&mut self, n: usize) {
        let (limbs, bits) = (n / 32, n % 32);
        if bits != 0 {
            self.mul_add(1 << bits, 0);
        }
        let mut shifted = vec![0; limbs];
        shifted.extend_from_slice(&self.0);
        self.0 = shifted;
    }

    fn shr1(&mut self) {
        let mut carry = 0;
        for limb in self.0.iter_mut().rev() {
            let low = *limb & 1;
            *limb = (*limb >> 1) | (carry << 31);
            carry = low;
        }
        self.trim();
    }

    fn less_than(&self, other: &Big) -> bool {
        let (a, b) = (&self.0, &other.0);
        a.len() < b.len() || (a.len() == b.len() && a.iter().rev().lt(b.iter().rev()))
    }

    /// `self - other`, for `other` not larger.
    fn sub(&mut self, other: &Big) {
        let mut borrow = false;
        for (i, limb) in self.0.iter_mut().enumerate() {
            let (v, b1) = limb.overflowing_sub(other.0.get(i).copied().unwrap_or(0));
            let (v, b2) = v.overflowing_sub(u32::from(borrow));
            *limb = v;
            borrow = b1 || b2;
        }
        self.trim();
    }

    fn trim(&mut self) {
        while self.0.last() == Some(&0) {
            self.0.pop();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{parse, parse_float};

    #[test]
    fn parse_float_accepts_what_std_accepts() {
        for text in [
            "1.5",
            "-1.5",
            "+2",
            "-0",
            ".5",
            "5.",
            "1e3",
            "-1E-3",
            "inf",
            "-INF",
            "Infinity",
            "+infinity",
            "nan",
            "NaN",
            "-nan",
            "",
            "-",
            "+",
            "--1",
            "1e",
            "e1",
            "0x10",
            " 1",
            "1 ",
            "in",
            "infinite",
            "1_000",
            "١",
        ] {
            let std = text.parse::<f64>().ok();
            let ours = parse_float(text);
            let same = match (std, ours) {
                (Some(a), Some(b)) => a.to_bits() == b.to_bits() || (a.is_nan() && b.is_nan()),
                (None, None) => true,
                _ => false,
            };
            assert!(same, "{text:?}: std {std:?}, ours {ours:?}");
        }
    }

    /// The exact decimal expansion of a finite double (every double has one of
    /// at most 767 significant digits): its digits and the power of ten of the last.
    fn exact(x: f64) -> (Vec<u8>, i64) {
        let text = format!("{:.1100e}", x.abs());
        let (mantissa, e) = text.split_once('e').unwrap();
        let digits: Vec<u8> = mantissa.bytes().filter(u8::is_ascii_digit).collect();
        (digits, e.parse::<i64>().unwrap() - 1100)
    }

    /// The exact sum of two non-negative doubles: its digits (values 0-9, a
    /// leading zero) and the power of ten of the last, added digit by digit.
    fn sum(a: f64, b: f64) -> (Vec<u8>, i64) {
        let ((da, ea), (db, eb)) = (exact(a), exact(b));
        let e = ea.min(eb);
        let align = |d: Vec<u8>, de: i64, len: usize| -> Vec<u8> {
            let mut d: Vec<u8> = d.iter().map(|c| c - b'0').collect();
            d.extend(std::iter::repeat_n(0, (de - e) as usize));
            d.splice(0..0, std::iter::repeat_n(0, len - d.len()));
            d
        };
        let len = (da.len() as i64 + ea - e).max(db.len() as i64 + eb - e) as usize + 1;
        let (x, y) = (align(da, ea, len), align(db, eb, len));
        let mut out = vec![0u8; len];
        let mut carry = 0;
        for i in (0..len).rev() {
            let v = x[i] + y[i] + carry;
            out[i] = v % 10;
            carry = v / 10;
        }
        (out, e)
    }

    fn text((digits, e): (Vec<u8>, i64)) -> String {
        let digits: String = digits.iter().map(|d| char::from(b'0' + d)).collect();
        format!("{digits}e{e}")
    }

    /// The exact decimal text of the midpoint of two non-negative doubles.
    fn midpoint(a: f64, b: f64) -> String {
        let (mut digits, e) = sum(a, b);
        // Halving needs one more digit: a last 0, one power of ten lower.
        digits.push(0);
        let mut rem = 0;
        for d in &mut digits {
            let v = rem * 10 + *d;
            rem = v % 2;
            *d = v / 2;
        }
        text((digits, e - 1))
    }

    /// `text` (`digitsEexp`) plus one unit `zeros + 1` digits after its last.
    fn past(text: &str, zeros: usize) -> String {
        let (m, e) = text.split_once('e').unwrap();
        let e: i64 = e.parse().unwrap();
        format!("{m}{}1e{}", "0".repeat(zeros), e - zeros as i64 - 1)
    }

    #[test]
    fn simple_numbers_read_as_written() {
        for (text, want) in [
            ("0", 0.0),
            ("0.0", 0.0),
            ("1", 1.0),
            ("2.5", 2.5),
            ("0.1", 0.1),
            (".5", 0.5),
            ("5.", 5.0),
            ("1e3", 1000.0),
            ("1E+3", 1000.0),
            ("25e-1", 2.5),
            ("000123.4500", 123.45),
            ("1e0000000000000000000000001", 10.0),
        ] {
            assert_eq!(parse(text), Some(want), "{text}");
        }
        for text in [
            "", ".", "e5", "1e", "1e+", "1.2.3", "1x", "-1", "+1", " 1", "1 ",
        ] {
            assert_eq!(parse(text), None, "{text:?}");
        }
    }

    #[test]
    fn limits_of_the_doubles() {
        // The largest double, 2^1024 - 2^971, and the midpoint above it,
        // 2^1024 - 2^970, which rounds to even: up, to infinity; just below it, down.
        assert_eq!(parse("1.7976931348623157e308"), Some(f64::MAX));
        assert_eq!(
            parse(&text(sum(f64::MAX, 2f64.powi(970)))),
            Some(f64::INFINITY)
        );
        let below = 2f64.powi(970) - 2f64.powi(918);
        assert_eq!(parse(&text(sum(f64::MAX, below))), Some(f64::MAX));
        assert_eq!(parse("1e309"), Some(f64::INFINITY));
        // The smallest subnormal, 2^-1074 ≈ 4.94e-324; half of it rounds to even (0),
        // anything above half rounds up to it.
        let smallest = f64::from_bits(1);
        assert_eq!(parse("5e-324"), Some(smallest));
        let half = midpoint(0.0, smallest);
        assert_eq!(parse(&half), Some(0.0));
        assert_eq!(parse(&past(&half, 0)), Some(smallest));
        assert_eq!(parse("2.4703282292062327e-324"), Some(0.0));
        assert_eq!(parse("2.4703282292062328e-324"), Some(smallest));
        // The smallest normal, 2^-1022, and the largest subnormal below it.
        assert_eq!(parse("2.2250738585072014e-308"), Some(f64::MIN_POSITIVE));
        assert_eq!(
            parse("2.2250738585072009e-308"),
            Some(f64::from_bits((1 << 52) - 1))
        );
    }

    #[test]
    fn midpoints_round_to_even_and_anything_past_them_away() {
        // Midpoints of neighbouring doubles across the exponent range, with and
        // without a last non-zero digit 1,000 places on (past the 800 kept).
        let mut seed = 0x9E37_79B9_7F4A_7C15u64;
        for i in 0..400 {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            let bits = seed % 0x7FEF_FFFF_FFFF_FFFF + u64::from(i == 0);
            let (a, b) = (f64::from_bits(bits), f64::from_bits(bits + 1));
            let even = if bits & 1 == 0 { a } else { b };
            let mid = midpoint(a, b);
            assert_eq!(parse(&mid), Some(even), "{mid}");
            assert_eq!(parse(&past(&mid, 1000)), Some(b), "{mid}");
            // Cut short, the midpoint is below it; reference: the standard library.
            let (m, e) = mid.split_once('e').unwrap();
            let short = format!("{}e{e}", &m[..m.len() - 1]);
            assert_eq!(parse(&short), short.parse::<f64>().ok(), "{short}");
        }
    }

    #[test]
    fn shortest_and_long_forms_read_back_as_the_standard_library_reads_them() {
        let mut seed = 0x2545_F491_4F6C_DD1Du64;
        for _ in 0..3000 {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            let x = f64::from_bits(seed & 0x7FFF_FFFF_FFFF_FFFF);
            if !x.is_finite() {
                continue;
            }
            let digits = (seed >> 56) as usize % 25;
            for text in [format!("{x:e}"), format!("{x:.digits$e}"), format!("{x}")] {
                assert_eq!(parse(&text), text.parse::<f64>().ok(), "{text}");
            }
        }
    }
}
