//! The one input format: every JavaScript value the package reads (customers,
//! options, configs, models, fit input) arrives as a *tape*, and Rust code
//! reads it here, borrowing its strings in place.
//!
//! A tape is a sequence of numbers (`f64`) and a byte area holding the UTF-8
//! text of its strings. `js/interop.js` writes it from a JavaScript value with
//! the semantics of `JSON.stringify` (a `toJSON` method is called, `undefined`,
//! functions and symbols in objects are absent, own enumerable keys only), with
//! three differences that let validation say what it found: NaN and ±Infinity
//! stay numbers, an invalid `Date` is the text `"Invalid Date"`, and what JSON
//! cannot hold (a BigInt, a circular reference, nesting past [`MAX_DEPTH`]
//! levels) is tag 7 with a description, refused where it stands by the reader
//! of that field. A lone surrogate is written as its three WTF-8 bytes, which
//! are not UTF-8, so the string is refused by name where it is read.
//! [`write`] writes a [`Json`] value the same way (the native API and tests).
//!
//! | tag | value | followed by |
//! |---|---|---|
//! | 0 | `null` (or `undefined`) | |
//! | 1, 2 | `false`, `true` | |
//! | 3 | a number | the number |
//! | 4 | a string | its first byte, its length in bytes, its ordinal among the call's strings |
//! | 5 | an array | its length, then the number of slots its elements take |
//! | 6 | an object | its number of entries, then the slots they take; each entry is a key then a value |
//! | 7 | what JSON cannot hold | a description, as a string is given (first byte, length, ordinal) |
//! | 8 | an object as an *order record* | a mask of its keys, then their values (see below) |
//!
//! A key is a negative number, -(i + 1) for [`KEYS`]\[i\] (the schema's keys,
//! sent by number), or a string (tag 4 and its three numbers). A string's
//! ordinal is its place among the strings of the call: a result names a
//! category or a survey dimension by it (a key given by number by its code)
//! instead of copying the text back. A string written again in the same call
//! may give the first byte, length and ordinal of its earlier copy (the
//! writer does so for a repeated order category or channel), so an ordinal
//! names a text, not one place in the input.
//!
//! An order record is an object of the first six [`KEYS`] (`at`, `amount`,
//! `cost`, `category`, `discount`, `channel`), each at most once and in that
//! order, whose `category` and `channel` are strings, `at` a number or a string,
//! and other values numbers: bit i of the mask is set when it has
//! [`KEYS`]\[i\], bit 6 when its `at` is a string, and the values follow
//! in key order, a number as itself and a string as its three numbers (first
//! byte, length, ordinal), without keys or tags. Its length follows from the
//! mask. It reads as the object it stands for (same keys, same order); the
//! writers use it for an order that fits, so that the orders of a customer,
//! its bulk, take half the numbers and are decoded without looking at keys.
//! `{at: 1790000000000, amount: 5, category: "books"}` is
//! `8, 11, 1790000000000, 5` and the category's three numbers;
//! `{at: "2026-11-22", amount: 5}` is `8, 67`, the date's three numbers, `5`.
//!
//! Containers say how many slots they take, so that a reader can skip one
//! without reading it: a customer's fields are read in a fixed order whatever
//! the order of its keys, which keeps error reports independent of key order.
//!
//! ```
//! use crmscore::input::{json::Json, tape::{write, Tape}};
//! let v = Json::parse(r#"{"id": "c1", "orders": [], "note": [1.5, null]}"#).unwrap();
//! let (mut nums, mut bytes) = (Vec::new(), Vec::new());
//! let strings = write(&v, &mut nums, &mut bytes);
//! assert_eq!(nums, [6.0, 3.0, 19.0, -8.0, 4.0, 0.0, 2.0, 0.0, -10.0, 5.0, 0.0, 0.0,
//!                   4.0, 2.0, 4.0, 1.0, 5.0, 2.0, 3.0, 3.0, 1.5, 0.0]);
//! assert_eq!(bytes, b"c1note");
//! let tape = Tape::new(&nums, &bytes, strings);
//! assert_eq!(tape.reader().json(0).unwrap(), v);
//! ```

use crate::error::{Error, ErrorCode, Result};
use crate::input::json::{format_number, Json, Key};
use std::borrow::Cow;

/// The keys a tape gives by number: a customer's, an order's, a survey's and
/// the scoring options'. Their order is the codes' (code = -(index + 1)).
pub const KEYS: [&str; 21] = [
    "at",
    "amount",
    "cost",
    "category",
    "discount",
    "channel",
    "accountId",
    "id",
    "firstSeen",
    "orders",
    "survey",
    "complaints",
    "returns",
    "referrals",
    "wallet",
    "expectation",
    "perception",
    "weights",
    "nps",
    "asOf",
    "horizonDays",
];

/// Deepest nesting of arrays and objects a tape may hold (and [`Json::parse`] reads).
pub const MAX_DEPTH: usize = crate::input::json::MAX_DEPTH;

/// Most slots one input may take (16 MiB of numbers): a customer with its
/// options, a config, a model. A larger one is refused while JavaScript writes
/// it, before it reaches wasm memory, which never shrinks.
pub const MAX_SLOTS: usize = 1 << 21;

/// Most bytes of text one input may take (16 MiB).
pub const MAX_BYTES: usize = 16 << 20;

/// At most this many slots, and bytes, of a `scoreMany` call's customers come
/// before its last one: one call's tape holds a chunk of customers, whatever
/// the length of the array.
pub const CHUNK_SLOTS: usize = 1 << 15;

/// See [`CHUNK_SLOTS`].
pub const CHUNK_BYTES: usize = 1 << 20;

/// Most slots one tape holds: a chunk, then a customer and options at the caps
/// (each customer meets the caps as it would alone), then the most a writer
/// reserves ahead of what it writes.
pub const AREA_SLOTS: usize = MAX_SLOTS + CHUNK_SLOTS + 32;

/// Most bytes one tape holds (see [`AREA_SLOTS`]).
pub const AREA_BYTES: usize = MAX_BYTES + CHUNK_BYTES;

const NULL: u8 = 0;
const FALSE: u8 = 1;
const TRUE: u8 = 2;
const NUMBER: u8 = 3;
const STRING: u8 = 4;
const ARRAY: u8 = 5;
const OBJECT: u8 = 6;
const OTHER: u8 = 7;
const RECORD: u8 = 8;
/// The mask of every key an order record may hold (`KEYS[0..6]`).
const RECORD_KEYS: u8 = 0x3f;
/// The keys of an order record whose values are strings: `category`, `channel`.
const RECORD_TEXT: u8 = 1 << 3 | 1 << 5;
/// In a record's mask: its `at` is a string (ISO 8601, as three numbers), not epoch ms.
pub(crate) const RECORD_AT_TEXT: u8 = 1 << 6;

/// The keys whose values are strings in a record of `mask`.
#[inline(always)]
fn record_text(mask: u8) -> u8 {
    RECORD_TEXT | (mask & RECORD_AT_TEXT) >> 6
}
/// Marks a [`Span`] as an order record's (the mask is in the bits below).
const RECORD_SPAN: u8 = 0x80;

/// The error of a tape that was not written by the package.
pub(crate) fn malformed() -> Error {
    Error::new(
        ErrorCode::InvalidType,
        "",
        "malformed input tape (write it with the package's JavaScript, not by hand)",
    )
}

/// A tape to read: its numbers, its bytes and how many strings it holds.
#[derive(Debug, Clone, Copy)]
pub struct Tape<'t> {
    nums: &'t [f64],
    bytes: &'t [u8],
    strings: u32,
    /// The bytes as text when all of them are UTF-8 (checked once: then each
    /// string is a slice of it, checked only for falling on character boundaries).
    text: Option<&'t str>,
}

impl<'t> Tape<'t> {
    /// A tape of `nums` whose strings, `strings` of them, are in `bytes`.
    pub fn new(nums: &'t [f64], bytes: &'t [u8], strings: u32) -> Tape<'t> {
        Tape {
            nums,
            bytes,
            strings,
            text: std::str::from_utf8(bytes).ok(),
        }
    }

    /// A reader at the start of the tape.
    pub fn reader(&self) -> Reader<'t> {
        Reader {
            tape: *self,
            at: 0,
            end: self.nums.len(),
        }
    }
}

/// A string of the input, not yet checked to be valid UTF-8, and its ordinal.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RawText<'t> {
    bytes: &'t [u8],
    /// The text, when already known to be valid.
    valid: Option<&'t str>,
    /// Its place among the call's strings; a key given by number is -(code).
    pub index: i32,
}

impl<'t> RawText<'t> {
    /// Whether the string is empty.
    pub fn is_empty(&self) -> bool {
        self.bytes.is_empty()
    }

    /// The text, or an error at `path` when it holds a lone surrogate (or any
    /// byte sequence that is not UTF-8).
    pub fn text(&self, path: impl FnOnce() -> String) -> Result<&'t str> {
        if let Some(text) = self.valid {
            return Ok(text);
        }
        std::str::from_utf8(self.bytes).map_err(|e| {
            // Characters before the bad byte: the bytes that do not continue one.
            let valid = &self.bytes[..e.valid_up_to()];
            let at = valid.iter().filter(|&&b| (b as i8) >= -0x40).count();
            let msg = format!("expected text that is valid Unicode, got a string with a lone surrogate at character {}", at + 1);
            Error::new(ErrorCode::InvalidType, path(), msg)
        })
    }

    /// The text for a message or a path: a lone surrogate (three WTF-8
    /// bytes) shown as its JavaScript escape, `\udc00`, any other invalid
    /// byte as U+FFFD.
    pub fn lossy(&self) -> Cow<'t, str> {
        if let Ok(text) = std::str::from_utf8(self.bytes) {
            return Cow::Borrowed(text);
        }
        let mut out = String::with_capacity(self.bytes.len());
        let mut rest = self.bytes;
        // Not `utf8_chunks`: it cuts a surrogate's three bytes into three invalid pieces.
        while !rest.is_empty() {
            let (valid, bad) = match std::str::from_utf8(rest) {
                Ok(text) => (text, &[][..]),
                Err(e) => {
                    let (valid, bad) = rest.split_at(e.valid_up_to());
                    (std::str::from_utf8(valid).unwrap_or_default(), bad)
                }
            };
            out.push_str(valid);
            rest = match bad {
                [] => bad,
                [0xed, b1 @ 0xa0..=0xbf, b2 @ 0x80..=0xbf, ..] => {
                    let unit = 0xd000 | (u32::from(b1 & 0x3f) << 6) | u32::from(b2 & 0x3f);
                    out.push_str(&format!("\\u{unit:04x}"));
                    &bad[3..]
                }
                _ => {
                    out.push('\u{fffd}');
                    &bad[1..]
                }
            };
        }
        Cow::Owned(out)
    }
}

/// A string of the input, checked, borrowed from the tape, with its ordinal
/// (what a result gives back instead of the text).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Name<'t> {
    /// The text.
    pub text: &'t str,
    /// Its place among the call's strings (see [`RawText::index`]).
    pub index: i32,
}

impl AsRef<str> for Name<'_> {
    fn as_ref(&self) -> &str {
        self.text
    }
}

/// One value read from a tape; containers are positions, read on demand.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Item<'t> {
    /// `null` or `undefined`.
    Null,
    /// `true` or `false`.
    Bool(bool),
    /// A number (NaN and infinities included: validation refuses them).
    Num(f64),
    /// A string.
    Str(RawText<'t>),
    /// An array of `len` values.
    Arr(Span),
    /// An object of `len` entries.
    Obj(Span),
    /// A JavaScript value JSON cannot hold, by its description.
    Other(RawText<'t>),
}

/// Where a container's content is: `len` values (or entries) in slots `at..end`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Span {
    /// Number of elements or entries.
    pub len: usize,
    at: usize,
    end: usize,
    /// An order record's mask and [`RECORD_SPAN`], or 0 (an array, an object of entries).
    record: u8,
}

impl Span {
    /// The mask of an order record's keys (bit i: [`KEYS`]\[i\]) and
    /// [`RECORD_AT_TEXT`], or `None` for a container of keys and tagged values.
    #[inline]
    pub(crate) fn record(&self) -> Option<u8> {
        (self.record != 0).then_some(self.record & !RECORD_SPAN)
    }
}

/// An object's key.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum KeyItem<'t> {
    /// [`KEYS`]\[i\], given by number.
    Known(usize),
    /// Any other key.
    Text(RawText<'t>),
}

impl<'t> KeyItem<'t> {
    /// The key's text (a lone surrogate is an error at `path`).
    pub fn name(&self, path: impl FnOnce() -> String) -> Result<Name<'t>> {
        match *self {
            KeyItem::Known(i) => Ok(Name {
                text: KEYS[i],
                index: -(i as i32) - 1,
            }),
            KeyItem::Text(raw) => Ok(Name {
                text: raw.text(path)?,
                index: raw.index,
            }),
        }
    }

    /// The key's text for a message or a path, lossily.
    pub fn lossy(&self) -> Cow<'t, str> {
        match *self {
            KeyItem::Known(i) => Cow::Borrowed(KEYS[i]),
            KeyItem::Text(raw) => raw.lossy(),
        }
    }

    /// The index of the key in `keys` (which must be a run of [`KEYS`] starting at `from`),
    /// whether given by number or as text.
    pub fn position(&self, keys: &[&str], from: usize) -> Option<usize> {
        match *self {
            KeyItem::Known(i) => i.checked_sub(from).filter(|&k| k < keys.len()),
            KeyItem::Text(raw) => keys.iter().position(|k| k.as_bytes() == raw.bytes),
        }
    }
}

impl Item<'_> {
    /// A short description for error messages: `"12,50"`, `NaN`, `an object`, `a BigInt`.
    pub fn describe(&self) -> String {
        match self {
            Item::Null => "null".into(),
            Item::Bool(b) => b.to_string(),
            Item::Num(n) => format_number(*n),
            Item::Str(raw) => Json::Str(raw.lossy().into_owned()).describe(),
            Item::Arr(_) => "an array".into(),
            Item::Obj(_) => "an object".into(),
            Item::Other(raw) => raw.lossy().into_owned(),
        }
    }
}

/// An error for an item of the wrong type at `path`.
pub fn type_error(path: &str, expected: &str, found: &Item<'_>) -> Error {
    Error::new(
        ErrorCode::InvalidType,
        path,
        format!("expected {expected}, got {}", found.describe()),
    )
}

/// Reads a tape from a position up to an end.
#[derive(Debug, Clone)]
pub struct Reader<'t> {
    tape: Tape<'t>,
    at: usize,
    end: usize,
}

impl<'t> Reader<'t> {
    /// Whether everything up to the end was read.
    pub fn at_end(&self) -> bool {
        self.at == self.end
    }

    /// Refuses a tape with anything left after what was read.
    pub fn finish(&self) -> Result<()> {
        if self.at_end() {
            Ok(())
        } else {
            Err(malformed())
        }
    }

    /// The numbers of a container's content, for readers of hot paths that
    /// decode them directly (and leave anything unusual to [`Reader::fields`]).
    pub(crate) fn slots(&self, span: Span) -> &'t [f64] {
        &self.tape.nums[span.at..span.end]
    }

    /// The string whose three numbers (first byte, length, ordinal) start at
    /// `nums[0]`, or `None` when they are not a string of this tape.
    #[inline]
    pub(crate) fn text_of(&self, nums: &[f64]) -> Option<RawText<'t>> {
        let whole = |n: f64| Some(n as usize).filter(|&k| k as f64 == n);
        let (start, len, index) = (
            whole(*nums.first()?)?,
            whole(*nums.get(1)?)?,
            whole(*nums.get(2)?)?,
        );
        let end = start
            .checked_add(len)
            .filter(|&e| e <= self.tape.bytes.len())?;
        // The ordinals `raw_text` reads: below the count (or 0 when a hand-made tape says none).
        if index > self.tape.strings.saturating_sub(1) as usize {
            return None;
        }
        Some(RawText {
            bytes: &self.tape.bytes[start..end],
            valid: self.tape.text.and_then(|t| t.get(start..end)),
            index: index as i32,
        })
    }

    /// A reader of a container's content.
    pub fn inside(&self, span: Span) -> Reader<'t> {
        Reader {
            tape: self.tape,
            at: span.at,
            end: span.end,
        }
    }

    #[inline(always)]
    fn next(&mut self) -> Result<f64> {
        if self.at >= self.end {
            return Err(malformed());
        }
        let v = self.tape.nums[self.at];
        self.at += 1;
        Ok(v)
    }

    /// A whole number in `0..=max`.
    #[inline(always)]
    fn whole(&mut self, max: usize) -> Result<usize> {
        let n = self.next()?;
        // The cast saturates (NaN: 0), so only a whole number in range comes back equal.
        let k = n as usize;
        if k as f64 == n && k <= max {
            Ok(k)
        } else {
            Err(malformed())
        }
    }

    #[inline(always)]
    fn raw_text(&mut self) -> Result<RawText<'t>> {
        let len_bytes = self.tape.bytes.len();
        let start = self.whole(len_bytes)?;
        let len = self.whole(len_bytes - start)?;
        let index = self.whole(self.tape.strings.saturating_sub(1) as usize)?;
        let end = start + len;
        Ok(RawText {
            bytes: &self.tape.bytes[start..end],
            valid: self.tape.text.and_then(|t| t.get(start..end)),
            index: index as i32,
        })
    }

    #[inline(always)]
    fn span(&mut self, per_element: usize) -> Result<Span> {
        let len = self.whole(self.end - self.at)?;
        let slots = self.whole(self.end - self.at)?;
        // Every element takes at least one slot (an entry two).
        if len.saturating_mul(per_element) > slots || slots > self.end - self.at {
            return Err(malformed());
        }
        let at = self.at;
        self.at += slots;
        Ok(Span {
            len,
            at,
            end: self.at,
            record: 0,
        })
    }

    /// An order record's span, after its tag: the mask, then as many slots as it implies.
    #[inline(always)]
    fn record(&mut self) -> Result<Span> {
        let mask = self.whole(usize::from(RECORD_KEYS | RECORD_AT_TEXT))? as u8;
        let (keys, text) = (mask & RECORD_KEYS, record_text(mask));
        let slots = (keys & !text).count_ones() + 3 * (keys & text).count_ones();
        let slots = slots as usize;
        // A string `at` is only said of a record that has an `at`.
        if slots > self.end - self.at || mask & RECORD_AT_TEXT != 0 && mask & 1 == 0 {
            return Err(malformed());
        }
        let at = self.at;
        self.at += slots;
        Ok(Span {
            len: keys.count_ones() as usize,
            at,
            end: self.at,
            record: mask | RECORD_SPAN,
        })
    }

    /// The next entry of an object whose span's `record` is `rec` (0: keys and
    /// tagged values; a record's: its keys not yet read, cleared as they are).
    #[inline(always)]
    fn entry(&mut self, rec: &mut u8) -> Result<(KeyItem<'t>, Item<'t>)> {
        if *rec == 0 {
            let key = self.key()?;
            return Ok((key, self.item()?));
        }
        let (k, value) = self.record_entry(rec);
        Ok((KeyItem::Known(k), value?))
    }

    /// The next entry of an order record whose keys not yet read are `rec`
    /// (cleared as they are read): its key's index in [`KEYS`] and its value.
    /// A record has as many entries as keys, so a key is left at each call.
    // Out of line: one copy for the readers of objects in the size-budgeted module
    // (the scoring code reads records' orders directly, see `customer::record_order`).
    #[inline(never)]
    fn record_entry(&mut self, rec: &mut u8) -> (usize, Result<Item<'t>>) {
        let k = (*rec & RECORD_KEYS).trailing_zeros().min(5) as usize;
        *rec &= !(1 << k);
        let value = if record_text(*rec) & 1 << k != 0 {
            // The span holds the three numbers (`record` counted them from the mask).
            let raw = self.text_of(self.tape.nums.get(self.at..self.end).unwrap_or(&[]));
            self.at += 3;
            raw.map(Item::Str).ok_or_else(malformed)
        } else {
            self.next().map(|n| Item::Num(n + 0.0))
        };
        (k, value)
    }

    /// The next value; a container is skipped, its content left to [`Reader::inside`].
    #[inline]
    pub fn item(&mut self) -> Result<Item<'t>> {
        let tag = self.next()?;
        let t = tag as u8;
        if f64::from(t) != tag {
            return Err(malformed());
        }
        Ok(match t {
            NUMBER => Item::Num(self.next()? + 0.0),
            STRING => Item::Str(self.raw_text()?),
            OBJECT => Item::Obj(self.span(2)?),
            RECORD => Item::Obj(self.record()?),
            ARRAY => Item::Arr(self.span(1)?),
            NULL => Item::Null,
            FALSE => Item::Bool(false),
            TRUE => Item::Bool(true),
            OTHER => Item::Other(self.raw_text()?),
            _ => return Err(malformed()),
        })
    }

    /// The next key of an object.
    #[inline]
    pub fn key(&mut self) -> Result<KeyItem<'t>> {
        let code = self.next()?;
        if code < 0.0 {
            let i = -code - 1.0;
            if i < KEYS.len() as f64 && i.fract() == 0.0 {
                return Ok(KeyItem::Known(i as usize));
            }
            return Err(malformed());
        }
        if code != f64::from(STRING) {
            return Err(malformed());
        }
        Ok(KeyItem::Text(self.raw_text()?))
    }

    /// The entries of an object whose keys are `keys` (a run of [`KEYS`] from
    /// `from`, or any keys given as text): each key's first value, `None` when
    /// absent or null. A key outside `keys` is an `UNKNOWN_FIELD` error under
    /// `path`, reported before any value is looked at.
    pub fn fields<const N: usize>(
        &self,
        span: Span,
        keys: &[&'static str; N],
        from: usize,
        path: &dyn Fn() -> String,
    ) -> Result<[Option<Item<'t>>; N]> {
        let mut fields = [None; N];
        self.fields_into(span, keys, from, path, &mut fields)?;
        Ok(fields)
    }

    /// [`Reader::fields`] into `fields` (as long as `keys`).
    // One copy for every number of keys: the scoring module is size-budgeted.
    #[inline(never)]
    fn fields_into(
        &self,
        span: Span,
        keys: &[&'static str],
        from: usize,
        path: &dyn Fn() -> String,
        fields: &mut [Option<Item<'t>>],
    ) -> Result<()> {
        let mut r = self.inside(span);
        let mut rec = span.record;
        let mut seen = 0u64;
        for _ in 0..span.len {
            let (key, value) = r.entry(&mut rec)?;
            match key.position(keys, from) {
                Some(k) => {
                    if seen & 1 << k == 0 {
                        seen |= 1 << k;
                        if value != Item::Null {
                            fields[k] = Some(value);
                        }
                    }
                }
                None => return Err(unknown_field(&key.lossy(), keys, &path())),
            }
        }
        r.finish()
    }

    /// The entries of an object used as a map: (key, value) for each non-null value.
    pub fn entries(&self, span: Span) -> Entries<'t> {
        Entries {
            r: self.inside(span),
            left: span.len,
            rec: span.record,
        }
    }

    /// The next value as a [`Json`] tree (configs, models, options); `path`
    /// places an error in a string.
    pub fn json(&mut self, depth: usize) -> Result<Json> {
        if depth > MAX_DEPTH {
            return Err(malformed());
        }
        Ok(match self.item()? {
            Item::Null => Json::Null,
            Item::Bool(b) => Json::Bool(b),
            Item::Num(n) => Json::Num(n),
            Item::Str(raw) => Json::Str(raw.text(String::new)?.to_owned()),
            Item::Other(raw) => Json::Other(raw.lossy().into_owned()),
            Item::Arr(span) => {
                let mut r = self.inside(span);
                let mut items = Vec::with_capacity(span.len);
                for i in 0..span.len {
                    items.push(r.json(depth + 1).map_err(|e| e.under(&format!("[{i}]")))?);
                }
                r.finish()?;
                Json::Arr(items)
            }
            Item::Obj(span) => {
                let mut r = self.inside(span);
                let mut rec = span.record;
                let mut entries = Vec::with_capacity(span.len);
                for _ in 0..span.len {
                    // An order record's value comes with its key; an entry's is read after
                    // its key's text is checked.
                    let (key, value) = match rec {
                        0 => (r.key()?, None),
                        _ => {
                            let (k, value) = r.record_entry(&mut rec);
                            (KeyItem::Known(k), Some(value))
                        }
                    };
                    let key: Key = match key {
                        KeyItem::Known(i) => Cow::Borrowed(KEYS[i]),
                        KeyItem::Text(raw) => {
                            let lossy = raw.lossy();
                            Cow::Owned(raw.text(|| crate::error::join_path("", &lossy))?.to_owned())
                        }
                    };
                    let value = match value {
                        None => r.json(depth + 1),
                        // A record's number or string, as `json` reads one.
                        Some(value) => value.and_then(|v| match v {
                            _ if depth >= MAX_DEPTH => Err(malformed()),
                            Item::Str(raw) => Ok(Json::Str(raw.text(String::new)?.to_owned())),
                            Item::Num(n) => Ok(Json::Num(n)),
                            _ => Err(malformed()),
                        }),
                    }
                    .map_err(|e| e.under(&key))?;
                    entries.push((key, value));
                }
                r.finish()?;
                Json::Obj(entries)
            }
        })
    }
}

/// The entries of a map-like object, see [`Reader::entries`].
pub struct Entries<'t> {
    r: Reader<'t>,
    left: usize,
    rec: u8,
}

impl<'t> Iterator for Entries<'t> {
    type Item = Result<(KeyItem<'t>, Item<'t>)>;

    fn next(&mut self) -> Option<Self::Item> {
        while self.left > 0 {
            self.left -= 1;
            let entry = self.r.entry(&mut self.rec);
            match entry {
                Ok((_, Item::Null)) => continue,
                other => return Some(other),
            }
        }
        None
    }
}

/// The `UNKNOWN_FIELD` error of `key` in an object at `path` whose keys are `allowed`.
pub fn unknown_field(key: &str, allowed: &[&str], path: &str) -> Error {
    crate::input::json::unknown_field_error(key, allowed, path)
}

/// Appends `v` to a tape as `js/interop.js` writes it (the schema's keys by
/// number), an object that fits an order record as one (the JavaScript writer
/// does so for a customer's orders; a record anywhere reads as its object);
/// returns the number of strings written.
pub fn write(v: &Json, nums: &mut Vec<f64>, bytes: &mut Vec<u8>) -> u32 {
    let mut strings = 0;
    write_value(v, nums, bytes, &mut strings);
    strings
}

fn write_text(tag: f64, s: &str, nums: &mut Vec<f64>, bytes: &mut Vec<u8>, strings: &mut u32) {
    nums.push(tag);
    write_str(s, nums, bytes, strings);
}

/// A string's three numbers (first byte, length, ordinal), and its text.
fn write_str(s: &str, nums: &mut Vec<f64>, bytes: &mut Vec<u8>, strings: &mut u32) {
    nums.extend([bytes.len() as f64, s.len() as f64, f64::from(*strings)]);
    bytes.extend_from_slice(s.as_bytes());
    *strings += 1;
}

/// The mask of the order record that stands for an object of these entries,
/// when one does (see the module's documentation).
fn record_mask(entries: &[(Key, Json)]) -> Option<u8> {
    let (mut mask, mut at_text) = (0u8, 0u8);
    for (k, x) in entries {
        let bit = 1u8 << KEYS[..6].iter().position(|known| known == k)?;
        let fits = match x {
            Json::Num(_) => RECORD_TEXT & bit == 0,
            Json::Str(_) if bit == 1 => {
                at_text = RECORD_AT_TEXT;
                true
            }
            Json::Str(_) => RECORD_TEXT & bit != 0,
            _ => false,
        };
        if !fits || bit <= mask {
            return None;
        }
        mask |= bit;
    }
    Some(mask | at_text)
}

fn write_value(v: &Json, nums: &mut Vec<f64>, bytes: &mut Vec<u8>, strings: &mut u32) {
    write_any(v, nums, bytes, strings, true);
}

fn write_any(v: &Json, nums: &mut Vec<f64>, bytes: &mut Vec<u8>, strings: &mut u32, records: bool) {
    match v {
        Json::Null => nums.push(f64::from(NULL)),
        Json::Bool(b) => nums.push(f64::from(if *b { TRUE } else { FALSE })),
        Json::Num(n) => nums.extend([f64::from(NUMBER), *n]),
        Json::Str(s) => write_text(f64::from(STRING), s, nums, bytes, strings),
        Json::Other(s) => write_text(f64::from(OTHER), s, nums, bytes, strings),
        Json::Arr(items) => {
            let head = nums.len();
            nums.extend([f64::from(ARRAY), items.len() as f64, 0.0]);
            items
                .iter()
                .for_each(|x| write_any(x, nums, bytes, strings, records));
            nums[head + 2] = (nums.len() - head - 3) as f64;
        }
        Json::Obj(entries) => {
            if let Some(mask) = record_mask(entries).filter(|&m| records && m != 0) {
                nums.extend([f64::from(RECORD), f64::from(mask)]);
                for (_, x) in entries {
                    match x {
                        Json::Str(s) => write_str(s, nums, bytes, strings),
                        Json::Num(n) => nums.push(*n),
                        _ => {}
                    }
                }
                return;
            }
            let head = nums.len();
            nums.extend([f64::from(OBJECT), entries.len() as f64, 0.0]);
            for (k, x) in entries {
                match KEYS.iter().position(|known| known == k) {
                    Some(i) => nums.push(-(i as f64) - 1.0),
                    None => write_text(f64::from(STRING), k, nums, bytes, strings),
                }
                write_any(x, nums, bytes, strings, records);
            }
            nums[head + 2] = (nums.len() - head - 3) as f64;
        }
    }
}

/// An owned tape: what [`write`] produced, for the native API.
#[derive(Debug, Clone, Default)]
pub struct OwnedTape {
    /// The numbers.
    pub nums: Vec<f64>,
    /// The text of the strings.
    pub bytes: Vec<u8>,
    /// How many strings.
    pub strings: u32,
}

impl OwnedTape {
    /// The tape of one value.
    pub fn of(v: &Json) -> OwnedTape {
        let mut t = OwnedTape::default();
        t.push(v);
        t
    }

    /// Appends one value.
    pub fn push(&mut self, v: &Json) {
        write_value(v, &mut self.nums, &mut self.bytes, &mut self.strings);
    }

    /// The tape of one value with every object as keys and tagged values, no
    /// order record: what the JavaScript writer gives an order that does not
    /// fit one, to check that both encodings read alike.
    pub fn without_records(v: &Json) -> OwnedTape {
        let mut t = OwnedTape::default();
        t.push_entries(v);
        t
    }

    /// Appends one value as [`OwnedTape::without_records`] writes it.
    pub fn push_entries(&mut self, v: &Json) {
        write_any(v, &mut self.nums, &mut self.bytes, &mut self.strings, false);
    }

    /// The tape to read.
    pub fn tape(&self) -> Tape<'_> {
        Tape::new(&self.nums, &self.bytes, self.strings)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(nums: &[f64], bytes: &[u8], strings: u32) -> Result<Json> {
        let mut r = Tape::new(nums, bytes, strings).reader();
        let v = r.json(0)?;
        r.finish()?;
        Ok(v)
    }

    #[test]
    fn a_lone_surrogate_is_placed_by_characters_not_bytes() {
        // "é" (2 bytes), "😀" (4 bytes, one character), then U+D800 in WTF-8: character 3.
        let mut bytes = "é😀".as_bytes().to_vec();
        bytes.extend([0xed, 0xa0, 0x80]);
        let raw = RawText {
            bytes: &bytes,
            valid: None,
            index: 1,
        };
        let e = raw.text(|| "id".into()).unwrap_err();
        assert_eq!(
            e.message(),
            "expected text that is valid Unicode, got a string with a lone surrogate at character 3"
        );
    }

    #[test]
    fn values_round_trip() {
        for text in [
            r#"{"id": "c1", "orders": [{"at": 5, "amount": 1.5, "category": "bücher"}], "x": [true, false, null, "😀", ""]}"#,
            "[]",
            "{}",
            r#""\u0000a""#,
            r#"[[[1]], {"a": {"b": []}}]"#,
        ] {
            let v = Json::parse(text).unwrap();
            let t = OwnedTape::of(&v);
            assert_eq!(read(&t.nums, &t.bytes, t.strings).unwrap(), v, "{text}");
        }
    }

    #[test]
    fn strings_are_utf8_and_lone_surrogates_are_refused_by_path() {
        // {"id": <"a" then the WTF-8 bytes of U+D800>}
        let nums = [6.0, 1.0, 5.0, -8.0, 4.0, 0.0, 4.0, 0.0];
        let e = read(&nums, b"a\xed\xa0\x80", 1).unwrap_err();
        assert_eq!((e.code(), e.path()), (ErrorCode::InvalidType, "id"));
        assert_eq!(e.message(), "expected text that is valid Unicode, got a string with a lone surrogate at character 2");
        assert_eq!(
            read(&nums, "aé!".as_bytes(), 1).unwrap(),
            Json::parse(r#"{"id": "aé!"}"#).unwrap()
        );
    }

    #[test]
    fn minus_zero_reads_as_zero_like_json() {
        let v = read(&[3.0, -0.0], b"", 0).unwrap();
        assert!(matches!(v, Json::Num(n) if n == 0.0 && n.is_sign_positive()));
    }

    #[test]
    fn containers_can_be_skipped() {
        let v = Json::parse(r#"[{"a": [1, 2, {"b": "x"}]}, "y"]"#).unwrap();
        let t = OwnedTape::of(&v);
        let mut r = t.tape().reader();
        let Item::Arr(outer) = r.item().unwrap() else {
            panic!()
        };
        let mut inner = r.inside(outer);
        assert!(matches!(inner.item().unwrap(), Item::Obj(_)));
        let Item::Str(y) = inner.item().unwrap() else {
            panic!()
        };
        // Strings are counted in order, keys included: "a", "b", "x", then "y".
        assert_eq!((y.text(String::new).unwrap(), y.index), ("y", 3));
        assert!(inner.at_end() && r.at_end());
    }

    #[test]
    fn malformed_tapes_are_errors() {
        let bad: [(&[f64], &[u8], u32); 11] = [
            (&[], b"", 0),
            (&[9.0], b"", 0),
            (&[3.0], b"", 0),
            (&[4.0, 0.0, 3.0, 0.0], b"ab", 1),
            (&[4.0, 1.0, 2.0, 0.0], b"ab", 1),
            (&[4.0, 0.0, 1.0, 1.0], b"ab", 1),
            (&[5.0, 1e9, 0.0], b"", 0),
            (&[5.0, 0.5, 0.0], b"", 0),
            (&[5.0, 2.0, 1.0, 0.0], b"", 0),
            (&[6.0, 1.0, 2.0, 1.0, 0.0], b"", 0),
            (&[6.0, 1.0, 2.0, -22.0, 0.0], b"", 0),
        ];
        for (nums, bytes, strings) in bad {
            let e = read(nums, bytes, strings).unwrap_err();
            assert_eq!(e.code(), ErrorCode::InvalidType, "{nums:?}");
        }
        let mut deep: Vec<f64> = Vec::new();
        for level in 0..=MAX_DEPTH + 1 {
            deep.extend([5.0, 1.0, (3 * (MAX_DEPTH + 1 - level) + 1) as f64]);
        }
        deep.push(0.0);
        assert!(read(&deep, b"", 0).is_err());
    }

    #[test]
    fn fields_are_read_by_key_first_value_wins_unknown_keys_first() {
        let v = Json::parse(r#"{"amount": 5, "at": "x", "amount": 7, "cost": null}"#).unwrap();
        let t = OwnedTape::of(&v);
        let mut r = t.tape().reader();
        let Item::Obj(span) = r.item().unwrap() else {
            panic!()
        };
        let keys = ["at", "amount", "category", "cost"];
        let f = r.fields(span, &keys, 0, &String::new).unwrap();
        assert_eq!(f[1], Some(Item::Num(5.0)));
        assert_eq!(f[3], None);
        let typo = Json::parse(r#"{"amount": "bad", "ammount": 1}"#).unwrap();
        let t = OwnedTape::of(&typo);
        let mut r = t.tape().reader();
        let Item::Obj(span) = r.item().unwrap() else {
            panic!()
        };
        let e = r
            .fields(span, &keys, 0, &|| "orders[0]".into())
            .unwrap_err();
        assert_eq!(
            e.to_string(),
            "orders[0].ammount: unknown field \"ammount\" (did you mean \"amount\"?)"
        );
    }

    #[test]
    fn an_order_record_is_a_mask_and_values_in_key_order() {
        // at = KEYS[0], amount = KEYS[1], category = KEYS[3]: mask 1 + 2 + 8 = 11; the
        // category's first byte 0, length 5, ordinal 0 (worked out by hand).
        let v = Json::parse(r#"{"at": 1790000000000, "amount": 5, "category": "books"}"#).unwrap();
        let t = OwnedTape::of(&v);
        assert_eq!(t.nums, [8.0, 11.0, 1.79e12, 5.0, 0.0, 5.0, 0.0]);
        assert_eq!(t.bytes, b"books");
        assert_eq!(read(&t.nums, &t.bytes, t.strings).unwrap(), v);
        // The same object as entries: a key code, a tag and a value each.
        let e = OwnedTape::without_records(&v);
        let entries = [
            6.0, 3.0, 11.0, -1.0, 3.0, 1.79e12, -2.0, 3.0, 5.0, -4.0, 4.0, 0.0, 5.0, 0.0,
        ];
        assert_eq!(e.nums, entries);
        // All six keys: 63; channel after discount; strings numbered in order.
        let v = Json::parse(
            r#"{"at": 1, "amount": 2, "cost": 3, "category": "a", "discount": 4, "channel": "web"}"#,
        )
        .unwrap();
        let t = OwnedTape::of(&v);
        assert_eq!(
            t.nums,
            [8.0, 63.0, 1.0, 2.0, 3.0, 0.0, 1.0, 0.0, 4.0, 1.0, 3.0, 1.0]
        );
        assert_eq!(read(&t.nums, &t.bytes, t.strings).unwrap(), v);
        // A string `at`: bit 6 (64) with at and amount, 67; the date's first byte 0,
        // length 10, ordinal 0, then the amount.
        let v = Json::parse(r#"{"at": "2026-01-01", "amount": 5}"#).unwrap();
        let t = OwnedTape::of(&v);
        assert_eq!(t.nums, [8.0, 67.0, 0.0, 10.0, 0.0, 5.0]);
        assert_eq!(read(&t.nums, &t.bytes, t.strings).unwrap(), v);
        // Bit 6 without an `at` is not a tape the writers write.
        assert!(read(&[8.0, 66.0, 5.0], b"", 0).is_err());
    }

    #[test]
    fn objects_that_do_not_fit_a_record_are_entries_and_all_read_back() {
        for text in [
            // Out of key order, an accountId, a string at, a number category, null, an extra key.
            r#"{"amount": 5, "at": 1}"#,
            r#"{"at": 1, "amount": 5, "accountId": 2}"#,
            r#"{"at": "2026-01-01", "category": 5}"#,
            r#"{"at": 1, "amount": 5, "category": 7}"#,
            r#"{"at": 1, "amount": 5, "cost": null}"#,
            r#"{"at": 1, "amount": 5, "note": "x"}"#,
            r#"{"at": 1, "at": 2}"#,
            "{}",
        ] {
            let v = Json::parse(text).unwrap();
            let t = OwnedTape::of(&v);
            assert_eq!(t.nums[0], 6.0, "{text}");
            assert_eq!(read(&t.nums, &t.bytes, t.strings).unwrap(), v, "{text}");
        }
        // Records nested anywhere read back as their objects, -0 as 0 as for a number.
        let v =
            Json::parse(r#"[{"amount": 1, "channel": "\u0000"}, {"x": {"cost": -0.0}}]"#).unwrap();
        let t = OwnedTape::of(&v);
        assert_eq!(t.nums.iter().filter(|&&n| n == 8.0).count(), 2);
        let back = read(&t.nums, &t.bytes, t.strings).unwrap();
        assert_eq!(
            back,
            Json::parse(r#"[{"amount": 1, "channel": "\u0000"}, {"x": {"cost": 0}}]"#).unwrap()
        );
    }

    #[test]
    fn malformed_records_are_errors() {
        let bad: [(&[f64], &[u8], u32); 7] = [
            // accountId (bit 6) is not a record key; a mask that is not whole; no mask.
            (&[8.0, 64.0, 1.0], b"", 0),
            (&[8.0, 1.5, 1.0], b"", 0),
            (&[8.0], b"", 0),
            // Fewer slots than the mask says (at, amount: two numbers).
            (&[8.0, 3.0, 1.0], b"", 0),
            // A category whose bytes are past the end, or whose ordinal is not a string's.
            (&[8.0, 8.0, 0.0, 3.0, 0.0], b"ab", 1),
            (&[8.0, 8.0, 0.0, 1.0, 1.0], b"ab", 1),
            (&[8.0, 8.0, 0.5, 1.0, 0.0], b"ab", 1),
        ];
        for (nums, bytes, strings) in bad {
            let e = read(nums, bytes, strings).unwrap_err();
            assert_eq!(e.code(), ErrorCode::InvalidType, "{nums:?}");
        }
        // A record is skipped whole by the slots its mask implies.
        assert_eq!(
            read(&[5.0, 2.0, 5.0, 8.0, 5.0, 7.0, 8.0, 2.0], b"", 0).unwrap(),
            Json::parse(r#"[{"at": 7, "cost": 8}, true]"#).unwrap()
        );
    }

    #[test]
    fn a_record_key_with_a_lone_surrogate_is_refused_by_path_as_in_entries() {
        // {"category": "a" then U+DC00}: as a record and as entries.
        let bytes = b"a\xed\xb0\x80";
        for nums in [
            &[8.0, 8.0, 0.0, 4.0, 0.0][..],
            &[6.0, 1.0, 5.0, -4.0, 4.0, 0.0, 4.0, 0.0],
        ] {
            let e = read(nums, bytes, 1).unwrap_err();
            assert_eq!((e.code(), e.path()), (ErrorCode::InvalidType, "category"));
            assert_eq!(
                e.message(),
                "expected text that is valid Unicode, got a string with a lone surrogate at character 2"
            );
        }
    }

    // Issue 16, item 10: a lone surrogate was reported as data nested too deeply, at path "";
    // then a key holding one was shown as three U+FFFD. JavaScript writes U+DC00 alone as the
    // WTF-8 bytes ED B0 80 (1110_1101 10_110000 10_000000).
    #[test]
    fn hostile_10_a_lone_surrogate_is_not_valid_unicode_at_its_path() {
        // {"x\udc00": 1}: the key as text (tag 4, start 0, 4 bytes, string 0), then the number.
        let nums = [6.0, 1.0, 6.0, 4.0, 0.0, 4.0, 0.0, 3.0, 1.0];
        let e = read(&nums, b"x\xed\xb0\x80", 1).unwrap_err();
        assert_eq!((e.code(), e.path()), (ErrorCode::InvalidType, "x\\udc00"));
        assert_eq!(
            e.message(),
            "expected text that is valid Unicode, got a string with a lone surrogate at character 2"
        );
        // As a key of the schema: an unknown field, named with the surrogate escaped.
        let mut r = Tape::new(&nums, b"x\xed\xb0\x80", 1).reader();
        let Item::Obj(span) = r.item().unwrap() else {
            panic!("an object")
        };
        let e = r.fields(span, &["id"], 7, &String::new).unwrap_err();
        assert_eq!((e.code(), e.path()), (ErrorCode::UnknownField, "x\\udc00"));
        assert!(
            e.message().starts_with(r#"unknown field "x\\udc00""#),
            "{e}"
        );
        // A high surrogate then a lone low one, and other invalid bytes, each shown once.
        let raw = RawText {
            bytes: b"a\xed\xa0\x80\xed\xbf\xbfb\xff",
            valid: None,
            index: 0,
        };
        assert_eq!(raw.lossy(), "a\\ud800\\udfffb\u{fffd}");
    }
}
