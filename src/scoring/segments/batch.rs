//! Segments of many customers at once, from precomputed features in columns.
//!
//! Passing one object per customer into wasm costs more than evaluating a
//! rule, so a [`Batch`] keeps one column per feature the segment rules read
//! (numbers as `f64`, NaN for missing; enum-like strings as one-byte codes)
//! that the caller fills in place, and evaluates every segment over them a
//! chunk of customers at a time ([`crate::rules::vector`]). Rules without a
//! column form are evaluated customer by customer, with the same results.

use crate::error::{Error, ErrorCode, Result};
use crate::rules::vector::{reads, Columns, Registers, SlotColumn, VectorProgram, CHUNK};
use crate::rules::{Context, Slot};
use crate::segment::{FieldDef, Kind, Library, FIELDS};

/// The values of the string fields rules may read; codes are index + 1.
pub fn domain(field: &str) -> Option<&'static [&'static str]> {
    Some(match field {
        "value.abc" => &["A", "B", "C", "D"],
        "value.rfm.segment" => &[
            "champions", "loyal-customers", "potential-loyalists", "new-customers", "promising", "need-attention",
            "about-to-sleep", "at-risk", "cant-lose-them", "hibernating", "lost",
        ],
        "satisfaction.level" => &["dissatisfied", "basic", "satisfied", "delighted"],
        "satisfaction.zone" => &["least-satisfied", "middle", "most-satisfied"],
        "satisfaction.nps.category" => &["promoter", "passive", "detractor"],
        "loyalty.stage" => &["potential", "new", "regular", "longstanding", "loyal"],
        "loyalty.type" => &["monopoly", "inertia", "price", "incentive", "trust"],
        "loyalty.lifecycle" => &["exploration", "formation", "stability", "decline"],
        _ => return None,
    })
}

/// A column the caller fills.
#[derive(Debug, Clone, PartialEq)]
pub struct Field {
    /// The field name as rules write it (`value.frequency`), or `bought('books')`.
    pub name: String,
    /// Where its values are.
    pub column: BatchColumn,
}

/// Which column a [`Field`] is.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum BatchColumn {
    /// Index into the number columns.
    Number(usize),
    /// Index into the code columns, with the field's values.
    Code(usize, &'static [&'static str]),
}

/// Feature columns for up to `capacity` customers and the compiled segments.
#[derive(Debug)]
pub struct Batch {
    library: Library,
    capacity: usize,
    fields: Vec<Field>,
    numbers: Vec<Vec<f64>>,
    codes: Vec<Vec<u8>>,
    /// What each schema slot is in columns.
    slots: Vec<SlotColumn>,
    /// Per definition: the column form of its rule, or `None` for customer-by-customer evaluation.
    plans: Vec<Option<VectorProgram>>,
    words: usize,
    result: Vec<u32>,
}

struct View<'b> {
    numbers: &'b [Vec<f64>],
    codes: &'b [Vec<u8>],
    fields: &'b [Field],
}

impl Columns for View<'_> {
    fn numbers(&self, column: usize, start: usize, len: usize) -> &[f64] {
        &self.numbers[column][start..start + len]
    }
    fn codes(&self, column: usize, start: usize, len: usize) -> &[u8] {
        &self.codes[column][start..start + len]
    }
    fn bought(&self, category: &str) -> Option<usize> {
        let name = bought_name(category);
        self.fields.iter().find(|f| f.name == name).and_then(|f| match f.column {
            BatchColumn::Number(c) => Some(c),
            BatchColumn::Code(..) => None,
        })
    }
}

fn bought_name(category: &str) -> String {
    format!("bought('{category}')")
}

impl Batch {
    /// Allocates columns for `capacity` customers for the fields `library`'s rules read.
    ///
    /// Errors (`INVALID_SEGMENT`): a rule reads a field without a column form
    /// (`categories`, the maps, the order timestamps) or calls `bought` with a category
    /// that is not a constant; such segments need [`crate::Scorer::score`].
    pub fn new(library: &Library, capacity: usize) -> Result<Batch> {
        let mut slots = vec![SlotColumn::Unsupported; FIELDS.len()];
        let (mut fields, mut numbers, mut codes) = (Vec::new(), Vec::new(), Vec::new());
        for (def, program) in library.definitions().iter().zip(library.programs()) {
            let unsupported = |what: &str| {
                Error::new(
                    ErrorCode::InvalidSegment,
                    "",
                    format!("segment {:?} reads {what}, which a batch does not carry: score these customers with score()", def.id),
                )
            };
            let (read, bought) = reads(program).map_err(|call| unsupported(&format!("`{call}`")))?;
            for slot in read {
                if slots[slot as usize] != SlotColumn::Unsupported {
                    continue;
                }
                let FieldDef { name, kind, .. } = FIELDS[slot as usize];
                let column = match kind {
                    Kind::Int | Kind::Double => {
                        numbers.push(vec![f64::NAN; capacity]);
                        slots[slot as usize] = SlotColumn::Number { column: numbers.len() - 1, int: kind == Kind::Int };
                        BatchColumn::Number(numbers.len() - 1)
                    }
                    Kind::String => {
                        let values = domain(name).ok_or_else(|| unsupported(&format!("`{name}`")))?;
                        codes.push(vec![0; capacity]);
                        slots[slot as usize] = SlotColumn::Code { column: codes.len() - 1, domain: values };
                        BatchColumn::Code(codes.len() - 1, values)
                    }
                    Kind::Timestamp | Kind::Categories | Kind::IntMap | Kind::DoubleMap => {
                        return Err(unsupported(&format!("`{name}`")))
                    }
                };
                fields.push(Field { name: name.to_string(), column });
            }
            for category in bought {
                let name = bought_name(&category);
                if !fields.iter().any(|f| f.name == name) {
                    numbers.push(vec![0.0; capacity]);
                    fields.push(Field { name, column: BatchColumn::Number(numbers.len() - 1) });
                }
            }
        }
        let view = View { numbers: &numbers, codes: &codes, fields: &fields };
        let plans = library
            .programs()
            .iter()
            .map(|p| VectorProgram::compile(p, &|slot| slots.get(slot as usize).cloned().unwrap_or(SlotColumn::Unsupported), &view))
            .collect();
        let words = library.definitions().len().div_ceil(32).max(1);
        Ok(Batch {
            library: library.clone(),
            capacity,
            fields,
            numbers,
            codes,
            slots,
            plans,
            words,
            result: vec![0; capacity * words],
        })
    }

    /// How many customers the columns hold.
    pub fn capacity(&self) -> usize {
        self.capacity
    }

    /// The columns to fill, in the order rules first read them.
    pub fn fields(&self) -> &[Field] {
        &self.fields
    }

    /// Segment ids, in bit order of [`Batch::evaluate`]'s result.
    pub fn segment_ids(&self) -> impl Iterator<Item = &str> {
        self.library.definitions().iter().map(|d| d.id.as_str())
    }

    /// Number column `i`, to fill.
    pub fn numbers_mut(&mut self, i: usize) -> &mut [f64] {
        &mut self.numbers[i]
    }

    /// Code column `i`, to fill.
    pub fn codes_mut(&mut self, i: usize) -> &mut [u8] {
        &mut self.codes[i]
    }

    /// Words per customer in [`Batch::evaluate`]'s result: ⌈segments / 32⌉.
    pub fn words(&self) -> usize {
        self.words
    }

    /// Evaluates every segment for the first `len` customers as of `as_of`:
    /// bit `i % 32` of word `i / 32` of customer `k`'s words is segment `i`.
    pub fn evaluate(&mut self, len: usize, as_of: i64) -> Result<&[u32]> {
        if len > self.capacity {
            return Err(Error::new(ErrorCode::TooLarge, "length", format!("expected at most {} customers (the batch's capacity), got {len}", self.capacity)));
        }
        let view = View { numbers: &self.numbers, codes: &self.codes, fields: &self.fields };
        let segments = self.library.definitions().len();
        let order = self.library.evaluation_order();
        let mut regs = Registers::default();
        let mut done = vec![[0u8; CHUNK]; segments];
        self.result[..len * self.words].fill(0);
        for start in (0..len).step_by(CHUNK) {
            let n = CHUNK.min(len - start);
            for &s in order {
                let mut out = [0u8; CHUNK];
                match &self.plans[s] {
                    Some(plan) => plan.eval(&view, start, n, &|i| done[i], &mut regs, &mut out),
                    None => self.rows(&view, s, start, n, as_of, &done, &mut out),
                }
                done[s] = out;
            }
            // Segment by segment, so the inner loop runs over rows.
            for (s, d) in done.iter().enumerate() {
                let (word, bit) = (s / 32, s % 32);
                let rows = self.result[start * self.words..(start + n) * self.words].chunks_exact_mut(self.words);
                for (words, &matched) in rows.zip(&d[..n]) {
                    words[word] |= u32::from(matched) << bit;
                }
            }
        }
        Ok(&self.result[..len * self.words])
    }

    /// Customer-by-customer evaluation of segment `s` for a rule without a column form.
    fn rows(&self, view: &View<'_>, s: usize, start: usize, n: usize, as_of: i64, done: &[[u8; CHUNK]], out: &mut [u8; CHUNK]) {
        let mut slots = vec![Slot::Missing; self.slots.len()];
        let mut previous = vec![None; done.len()];
        for row in 0..n {
            let at = start + row;
            for (slot, column) in slots.iter_mut().zip(&self.slots) {
                *slot = match column {
                    SlotColumn::Number { column, int } => {
                        let v = view.numbers[*column][at];
                        if v.is_nan() {
                            Slot::Missing
                        } else if *int {
                            Slot::Int(v as i64)
                        } else {
                            Slot::Double(v)
                        }
                    }
                    SlotColumn::Code { column, domain } => match view.codes[*column][at] {
                        0 => Slot::Missing,
                        code => domain.get(usize::from(code) - 1).map_or(Slot::Missing, |v| Slot::Str(v)),
                    },
                    SlotColumn::Unsupported => Slot::Missing,
                };
            }
            for (p, d) in previous.iter_mut().zip(done) {
                *p = Some(d[row] == 1);
            }
            let bought = |category: &str| view.bought(category).map_or(0, |c| view.numbers[c][at] as u32);
            let ctx = Context { slots: &slots, bought: &bought, as_of_ms: as_of, segments: &previous };
            out[row] = u8::from(self.library.programs()[s].eval(&ctx));
        }
    }
}
