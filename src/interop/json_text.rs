//! Writes any `Serialize` value as JSON text.
//!
//! Results cross the wasm boundary as one string that JavaScript's native
//! `JSON.parse` turns into objects: far cheaper than building each object
//! field by field through the boundary. Non-finite numbers are written as
//! `null`, like `JSON.stringify`; maps need string keys.

use serde::ser::{self, Impossible, Serialize};
use std::fmt::{self, Write};

/// The JSON text of `value`.
///
/// ```
/// #[derive(serde::Serialize)]
/// struct Point { x: f64, label: Option<&'static str>, tags: Vec<&'static str> }
/// let text = crmscore::interop::json_text::to_string(&Point { x: 1.5, label: None, tags: vec!["a\"b"] });
/// assert_eq!(text, r#"{"x":1.5,"label":null,"tags":["a\"b"]}"#);
/// ```
pub fn to_string<T: Serialize + ?Sized>(value: &T) -> String {
    let mut w = Writer {
        out: String::with_capacity(1024),
    };
    // Writing to a String cannot fail, and every type of the crate serializes.
    let _ = value.serialize(&mut w);
    w.out
}

/// Serialization error: only for map keys that are not strings.
#[derive(Debug)]
pub struct NotJson(String);

impl fmt::Display for NotJson {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for NotJson {}

impl ser::Error for NotJson {
    fn custom<T: fmt::Display>(msg: T) -> Self {
        NotJson(msg.to_string())
    }
}

struct Writer {
    out: String,
}

impl Writer {
    fn string(&mut self, s: &str) {
        self.out.push('"');
        // Most strings (ids, names, enum values) need no escape: copy them whole.
        if !s.bytes().any(|b| b < 0x20 || b == b'"' || b == b'\\') {
            self.out.push_str(s);
            self.out.push('"');
            return;
        }
        for c in s.chars() {
            match c {
                '"' => self.out.push_str("\\\""),
                '\\' => self.out.push_str("\\\\"),
                '\n' => self.out.push_str("\\n"),
                '\r' => self.out.push_str("\\r"),
                '\t' => self.out.push_str("\\t"),
                c if (c as u32) < 0x20 => {
                    let _ = write!(self.out, "\\u{:04x}", c as u32);
                }
                c => self.out.push(c),
            }
        }
        self.out.push('"');
    }

    fn number(&mut self, n: f64) {
        if n.fract() == 0.0 && n.abs() < 1e15 {
            // Whole numbers (counts, days, instants) skip the float formatter.
            self.integer(n as i64);
        } else if n.is_finite() {
            let _ = write!(self.out, "{n}");
        } else {
            self.out.push_str("null");
        }
    }

    fn integer(&mut self, n: i64) {
        if n < 0 {
            self.out.push('-');
        }
        let mut digits = [0u8; 20];
        let mut rest = n.unsigned_abs();
        let mut i = digits.len();
        loop {
            i -= 1;
            digits[i] = b'0' + (rest % 10) as u8;
            rest /= 10;
            if rest == 0 {
                break;
            }
        }
        // ASCII digits only: always valid UTF-8.
        self.out
            .push_str(std::str::from_utf8(&digits[i..]).unwrap_or_default());
    }
}

/// Writes the separators of an array or object.
struct Compound<'w> {
    w: &'w mut Writer,
    first: bool,
    close: char,
}

impl Compound<'_> {
    fn comma(&mut self) {
        if !self.first {
            self.w.out.push(',');
        }
        self.first = false;
    }

    fn key(&mut self, key: &str) {
        self.comma();
        self.w.string(key);
        self.w.out.push(':');
    }
}

type Result<T> = std::result::Result<T, NotJson>;

impl<'w> ser::Serializer for &'w mut Writer {
    type Ok = ();
    type Error = NotJson;
    type SerializeSeq = Compound<'w>;
    type SerializeTuple = Compound<'w>;
    type SerializeTupleStruct = Compound<'w>;
    type SerializeTupleVariant = Impossible<(), NotJson>;
    type SerializeMap = Compound<'w>;
    type SerializeStruct = Compound<'w>;
    type SerializeStructVariant = Impossible<(), NotJson>;

    fn serialize_bool(self, v: bool) -> Result<()> {
        self.out.push_str(if v { "true" } else { "false" });
        Ok(())
    }
    fn serialize_i8(self, v: i8) -> Result<()> {
        self.serialize_i64(i64::from(v))
    }
    fn serialize_i16(self, v: i16) -> Result<()> {
        self.serialize_i64(i64::from(v))
    }
    fn serialize_i32(self, v: i32) -> Result<()> {
        self.serialize_i64(i64::from(v))
    }
    fn serialize_i64(self, v: i64) -> Result<()> {
        self.integer(v);
        Ok(())
    }
    fn serialize_u8(self, v: u8) -> Result<()> {
        self.serialize_u64(u64::from(v))
    }
    fn serialize_u16(self, v: u16) -> Result<()> {
        self.serialize_u64(u64::from(v))
    }
    fn serialize_u32(self, v: u32) -> Result<()> {
        self.serialize_u64(u64::from(v))
    }
    fn serialize_u64(self, v: u64) -> Result<()> {
        match i64::try_from(v) {
            Ok(v) => self.integer(v),
            Err(_) => {
                let _ = write!(self.out, "{v}");
            }
        }
        Ok(())
    }
    fn serialize_f32(self, v: f32) -> Result<()> {
        self.number(f64::from(v));
        Ok(())
    }
    fn serialize_f64(self, v: f64) -> Result<()> {
        self.number(v);
        Ok(())
    }
    fn serialize_char(self, v: char) -> Result<()> {
        self.string(v.encode_utf8(&mut [0; 4]));
        Ok(())
    }
    fn serialize_str(self, v: &str) -> Result<()> {
        self.string(v);
        Ok(())
    }
    fn serialize_bytes(self, v: &[u8]) -> Result<()> {
        use ser::SerializeSeq;
        let mut seq = self.serialize_seq(Some(v.len()))?;
        for b in v {
            seq.serialize_element(b)?;
        }
        seq.end()
    }
    fn serialize_none(self) -> Result<()> {
        self.serialize_unit()
    }
    fn serialize_some<T: Serialize + ?Sized>(self, v: &T) -> Result<()> {
        v.serialize(self)
    }
    fn serialize_unit(self) -> Result<()> {
        self.out.push_str("null");
        Ok(())
    }
    fn serialize_unit_struct(self, _: &'static str) -> Result<()> {
        self.serialize_unit()
    }
    fn serialize_unit_variant(self, _: &'static str, _: u32, variant: &'static str) -> Result<()> {
        self.string(variant);
        Ok(())
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(self, _: &'static str, v: &T) -> Result<()> {
        v.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        v: &T,
    ) -> Result<()> {
        self.out.push('{');
        self.string(variant);
        self.out.push(':');
        v.serialize(&mut *self)?;
        self.out.push('}');
        Ok(())
    }
    fn serialize_seq(self, _: Option<usize>) -> Result<Compound<'w>> {
        self.out.push('[');
        Ok(Compound {
            w: self,
            first: true,
            close: ']',
        })
    }
    fn serialize_tuple(self, len: usize) -> Result<Compound<'w>> {
        self.serialize_seq(Some(len))
    }
    fn serialize_tuple_struct(self, _: &'static str, len: usize) -> Result<Compound<'w>> {
        self.serialize_seq(Some(len))
    }
    fn serialize_tuple_variant(
        self,
        name: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleVariant> {
        Err(NotJson(format!(
            "{name}: tuple variants have no JSON form here"
        )))
    }
    fn serialize_map(self, _: Option<usize>) -> Result<Compound<'w>> {
        self.out.push('{');
        Ok(Compound {
            w: self,
            first: true,
            close: '}',
        })
    }
    fn serialize_struct(self, _: &'static str, len: usize) -> Result<Compound<'w>> {
        self.serialize_map(Some(len))
    }
    fn serialize_struct_variant(
        self,
        name: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeStructVariant> {
        Err(NotJson(format!(
            "{name}: struct variants have no JSON form here"
        )))
    }
}

impl ser::SerializeSeq for Compound<'_> {
    type Ok = ();
    type Error = NotJson;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, v: &T) -> Result<()> {
        self.comma();
        v.serialize(&mut *self.w)
    }
    fn end(self) -> Result<()> {
        self.w.out.push(self.close);
        Ok(())
    }
}

impl ser::SerializeTuple for Compound<'_> {
    type Ok = ();
    type Error = NotJson;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, v: &T) -> Result<()> {
        ser::SerializeSeq::serialize_element(self, v)
    }
    fn end(self) -> Result<()> {
        ser::SerializeSeq::end(self)
    }
}

impl ser::SerializeTupleStruct for Compound<'_> {
    type Ok = ();
    type Error = NotJson;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, v: &T) -> Result<()> {
        ser::SerializeSeq::serialize_element(self, v)
    }
    fn end(self) -> Result<()> {
        ser::SerializeSeq::end(self)
    }
}

impl ser::SerializeMap for Compound<'_> {
    type Ok = ();
    type Error = NotJson;
    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<()> {
        self.comma();
        key.serialize(KeyWriter(&mut *self.w))?;
        self.w.out.push(':');
        Ok(())
    }
    fn serialize_value<T: Serialize + ?Sized>(&mut self, v: &T) -> Result<()> {
        v.serialize(&mut *self.w)
    }
    fn end(self) -> Result<()> {
        ser::SerializeSeq::end(self)
    }
}

impl ser::SerializeStruct for Compound<'_> {
    type Ok = ();
    type Error = NotJson;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, key: &'static str, v: &T) -> Result<()> {
        self.key(key);
        v.serialize(&mut *self.w)
    }
    fn end(self) -> Result<()> {
        ser::SerializeSeq::end(self)
    }
}

/// Map keys: strings only.
struct KeyWriter<'w>(&'w mut Writer);

impl ser::Serializer for KeyWriter<'_> {
    type Ok = ();
    type Error = NotJson;
    type SerializeSeq = Impossible<(), NotJson>;
    type SerializeTuple = Impossible<(), NotJson>;
    type SerializeTupleStruct = Impossible<(), NotJson>;
    type SerializeTupleVariant = Impossible<(), NotJson>;
    type SerializeMap = Impossible<(), NotJson>;
    type SerializeStruct = Impossible<(), NotJson>;
    type SerializeStructVariant = Impossible<(), NotJson>;

    fn serialize_str(self, v: &str) -> Result<()> {
        self.0.string(v);
        Ok(())
    }
    fn serialize_bool(self, _: bool) -> Result<()> {
        Err(not_a_key())
    }
    fn serialize_i8(self, _: i8) -> Result<()> {
        Err(not_a_key())
    }
    fn serialize_i16(self, _: i16) -> Result<()> {
        Err(not_a_key())
    }
    fn serialize_i32(self, _: i32) -> Result<()> {
        Err(not_a_key())
    }
    fn serialize_i64(self, _: i64) -> Result<()> {
        Err(not_a_key())
    }
    fn serialize_u8(self, _: u8) -> Result<()> {
        Err(not_a_key())
    }
    fn serialize_u16(self, _: u16) -> Result<()> {
        Err(not_a_key())
    }
    fn serialize_u32(self, _: u32) -> Result<()> {
        Err(not_a_key())
    }
    fn serialize_u64(self, _: u64) -> Result<()> {
        Err(not_a_key())
    }
    fn serialize_f32(self, _: f32) -> Result<()> {
        Err(not_a_key())
    }
    fn serialize_f64(self, _: f64) -> Result<()> {
        Err(not_a_key())
    }
    fn serialize_char(self, _: char) -> Result<()> {
        Err(not_a_key())
    }
    fn serialize_bytes(self, _: &[u8]) -> Result<()> {
        Err(not_a_key())
    }
    fn serialize_none(self) -> Result<()> {
        Err(not_a_key())
    }
    fn serialize_some<T: Serialize + ?Sized>(self, _: &T) -> Result<()> {
        Err(not_a_key())
    }
    fn serialize_unit(self) -> Result<()> {
        Err(not_a_key())
    }
    fn serialize_unit_struct(self, _: &'static str) -> Result<()> {
        Err(not_a_key())
    }
    fn serialize_unit_variant(self, _: &'static str, _: u32, variant: &'static str) -> Result<()> {
        self.serialize_str(variant)
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(self, _: &'static str, v: &T) -> Result<()> {
        v.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: &T,
    ) -> Result<()> {
        Err(not_a_key())
    }
    fn serialize_seq(self, _: Option<usize>) -> Result<Self::SerializeSeq> {
        Err(not_a_key())
    }
    fn serialize_tuple(self, _: usize) -> Result<Self::SerializeTuple> {
        Err(not_a_key())
    }
    fn serialize_tuple_struct(
        self,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleStruct> {
        Err(not_a_key())
    }
    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleVariant> {
        Err(not_a_key())
    }
    fn serialize_map(self, _: Option<usize>) -> Result<Self::SerializeMap> {
        Err(not_a_key())
    }
    fn serialize_struct(self, _: &'static str, _: usize) -> Result<Self::SerializeStruct> {
        Err(not_a_key())
    }
    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeStructVariant> {
        Err(not_a_key())
    }
}

fn not_a_key() -> NotJson {
    NotJson("map keys must be strings".into())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::json::Json;
    use std::collections::BTreeMap;

    /// The same JSON value as serde_json writes (numbers compared as numbers: `20` and `20.0` are one value).
    fn same_as_serde_json<T: Serialize>(value: &T) {
        let ours = Json::parse(&to_string(value)).unwrap();
        assert_eq!(
            ours,
            Json::parse(&serde_json::to_string(value).unwrap()).unwrap()
        );
    }

    #[test]
    fn writes_what_serde_json_writes() {
        let mut map = BTreeMap::new();
        map.insert("k\u{1}", vec![Some(1.25), None, Some(-0.5)]);
        same_as_serde_json(&(map, "é\t\"\\", 7u32, -3i64, true, 1e21, 0.1 + 0.2, 20.0));
        assert_eq!(to_string(&(0.1 + 0.2, "é")), "[0.30000000000000004,\"é\"]");
    }

    #[test]
    fn non_finite_numbers_are_null() {
        assert_eq!(to_string(&[f64::NAN, f64::INFINITY]), "[null,null]");
        assert_eq!(
            to_string(&[-0.0, 0.0, -12.0, 1e15, 123456789012345.0, i64::MIN as f64]),
            "[0,0,-12,1000000000000000,123456789012345,-9223372036854776000]"
        );
        assert_eq!(
            to_string(&(u64::MAX, i64::MIN, 0u8)),
            "[18446744073709551615,-9223372036854775808,0]"
        );
    }
}
