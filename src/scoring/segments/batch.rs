//! Segments of many customers at once, from precomputed features in columns.
//!
//! Passing one object per customer into wasm costs more than evaluating a
//! rule, so a [`Batch`] keeps one column per feature the segment rules read
//! (numbers as `f64`, NaN for missing; enum-like strings as one-byte codes)
//! that the caller fills in place, and evaluates every segment over them a
//! chunk of customers at a time ([`crate::rules::vector`]). Rules without a
//! column form are evaluated customer by customer, with the same results.

use crate::error::{Error, ErrorCode, Quoted, Result};
use crate::rules::vector::{reads, Columns, Registers, SlotColumn, VectorProgram, CHUNK};
use crate::rules::{Context, MapView};
use crate::scoring::features::{slot_of, Kind, FIELDS, MAPS, SLOTS};
use crate::scoring::segments::Library;

/// The values of the string field `field` rules may read, in code order (a
/// code is index + 1): the field's names in the result layout.
pub fn domain(field: &str) -> Option<&'static [&'static str]> {
    FIELDS
        .iter()
        .filter(|f| f.rule && f.path == field)
        .find_map(|f| match f.kind {
            Kind::Enum(names) => Some(names),
            _ => None,
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
        self.fields
            .iter()
            .find(|f| f.name == name)
            .and_then(|f| match f.column {
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
        let mut slots = vec![SlotColumn::Unsupported; SLOTS];
        let (mut fields, mut numbers, mut codes) = (Vec::new(), Vec::new(), Vec::new());
        for (def, program) in library.definitions().iter().zip(library.programs()) {
            let unsupported = |what: &str| {
                Error::new(
                    ErrorCode::InvalidSegment,
                    "",
                    format!("segment {} reads {what}, which a batch does not carry: score these customers with score()", Quoted(&def.id)),
                )
            };
            let read = reads(program).map_err(|call| unsupported(&format!("`{call}`")))?;
            if let Some(map) = read.maps.first() {
                return Err(unsupported(&format!("`{map}`")));
            }
            if let Some(&map) = read.entries.first() {
                return Err(unsupported(&format!("`{}`", MAPS[map as usize])));
            }
            for slot in read.slots {
                if slot as usize >= SLOTS {
                    return Err(unsupported("`scorecards.*` or `value.shareOfWallet.*`"));
                }
                if slots[slot as usize] != SlotColumn::Unsupported {
                    continue;
                }
                let Some(i) = (0..FIELDS.len()).find(|&i| {
                    slot_of(i) == slot as usize && FIELDS[i].slots() > 0 && FIELDS[i].rule
                }) else {
                    return Err(unsupported("a field"));
                };
                let f = FIELDS[i];
                let column = match f.kind {
                    Kind::Int | Kind::Double => {
                        numbers.push(vec![f64::NAN; capacity]);
                        slots[slot as usize] = SlotColumn::Number {
                            column: numbers.len() - 1,
                            int: f.kind == Kind::Int,
                        };
                        BatchColumn::Number(numbers.len() - 1)
                    }
                    Kind::Enum(values) => {
                        codes.push(vec![0; capacity]);
                        slots[slot as usize] = SlotColumn::Code {
                            column: codes.len() - 1,
                            domain: values,
                        };
                        BatchColumn::Code(codes.len() - 1, values)
                    }
                    Kind::Id | Kind::Instant | Kind::IntMap | Kind::DoubleMap | Kind::Range => {
                        return Err(unsupported(&format!("`{}`", f.path)))
                    }
                };
                fields.push(Field {
                    name: f.path.to_string(),
                    column,
                });
            }
            for category in read.bought {
                let name = bought_name(&category);
                if !fields.iter().any(|f| f.name == name) {
                    numbers.push(vec![0.0; capacity]);
                    fields.push(Field {
                        name,
                        column: BatchColumn::Number(numbers.len() - 1),
                    });
                }
            }
        }
        let view = View {
            numbers: &numbers,
            codes: &codes,
            fields: &fields,
        };
        let plans = library
            .programs()
            .iter()
            .map(|p| {
                VectorProgram::compile(
                    p,
                    &|slot| {
                        slots
                            .get(slot as usize)
                            .cloned()
                            .unwrap_or(SlotColumn::Unsupported)
                    },
                    &view,
                )
            })
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
            return Err(Error::new(
                ErrorCode::TooLarge,
                "length",
                format!(
                    "expected at most {} customers (the batch's capacity), got {len}",
                    self.capacity
                ),
            ));
        }
        let view = View {
            numbers: &self.numbers,
            codes: &self.codes,
            fields: &self.fields,
        };
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
                let rows = self.result[start * self.words..(start + n) * self.words]
                    .chunks_exact_mut(self.words);
                for (words, &matched) in rows.zip(&d[..n]) {
                    words[word] |= u32::from(matched) << bit;
                }
            }
        }
        Ok(&self.result[..len * self.words])
    }

    /// Customer-by-customer evaluation of segment `s` for a rule without a column form.
    #[allow(clippy::too_many_arguments)] // one chunk's state, passed as the column form's is
    fn rows(
        &self,
        view: &View<'_>,
        s: usize,
        start: usize,
        n: usize,
        as_of: i64,
        done: &[[u8; CHUNK]],
        out: &mut [u8; CHUNK],
    ) {
        let mut numbers = vec![f64::NAN; SLOTS];
        let mut previous = vec![None; done.len()];
        let bought: Vec<(&str, usize)> = self
            .fields
            .iter()
            .filter_map(|f| match f.column {
                BatchColumn::Number(c) => f
                    .name
                    .strip_prefix("bought('")
                    .and_then(|r| r.strip_suffix("')"))
                    .map(|name| (name, c)),
                BatchColumn::Code(..) => None,
            })
            .collect();
        for row in 0..n {
            let at = start + row;
            for (slot, column) in numbers.iter_mut().zip(&self.slots) {
                *slot = match *column {
                    SlotColumn::Number { column, .. } => view.numbers[column][at],
                    SlotColumn::Code { column, domain } => match view.codes[column][at] {
                        code if code == 0 || usize::from(code) > domain.len() => f64::NAN,
                        code => f64::from(code - 1),
                    },
                    SlotColumn::Unsupported => f64::NAN,
                };
            }
            for (p, d) in previous.iter_mut().zip(done) {
                *p = Some(d[row] == 1);
            }
            let counts = Bought {
                names: &bought,
                numbers: view.numbers,
                at,
            };
            let maps: [&dyn MapView; 2] = [&counts, &NO_ENTRIES];
            let ctx = Context {
                numbers: &numbers,
                maps: &maps,
                as_of_ms: as_of,
                segments: &previous,
                orders: &(),
            };
            out[row] = u8::from(self.library.programs()[s].eval(&ctx));
        }
    }
}

/// The `bought(...)` columns of one row, as the map rules read orders per category from.
struct Bought<'a> {
    names: &'a [(&'a str, usize)],
    numbers: &'a [Vec<f64>],
    at: usize,
}

impl MapView for Bought<'_> {
    fn len(&self) -> usize {
        self.names.len()
    }

    fn key(&self, i: usize) -> Option<&str> {
        self.names.get(i).map(|(n, _)| *n)
    }

    fn get(&self, name: &str) -> Option<f64> {
        self.names
            .iter()
            .find(|(n, _)| *n == name)
            .map(|&(_, c)| self.numbers[c][self.at])
    }
}

/// A map with no entries.
struct NoEntries;

const NO_ENTRIES: NoEntries = NoEntries;

impl MapView for NoEntries {
    fn len(&self) -> usize {
        0
    }

    fn key(&self, _: usize) -> Option<&str> {
        None
    }

    fn get(&self, _: &str) -> Option<f64> {
        None
    }
}
