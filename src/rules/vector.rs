//! Evaluation of a compiled rule over columns, a chunk of customers at a time.
//!
//! Interpreting a rule once per customer costs tens of nanoseconds; over
//! columns each operation runs as one tight loop over a chunk, so the
//! interpretation is paid once per chunk. Rules whose operations all have a
//! column form (numbers, enum-like strings, comparisons, arithmetic, `in` a
//! list of strings, `&&`, `||`, `!`, `has`, `bought`, `segment`) compile to
//! a [`VectorProgram`]; the others are evaluated customer by customer.
//!
//! Semantics are those of [`Program::eval`]: a missing number is NaN (a
//! missing string, code 0), a comparison or `in` with a missing operand is
//! false, and booleans are plain (0 false, 1 true).

use super::program::{flip, Arith, Cmp, Func, NodeId, Op, Program};

/// Customers per chunk.
pub const CHUNK: usize = 256;

/// `true` in a chunk's booleans (`false` is 0).
const TRUE: u8 = 1;

/// What a slot holds in columns.
#[derive(Debug, Clone, PartialEq)]
pub enum SlotColumn {
    /// A number column (NaN = missing); ints are exact in f64 up to 2^53.
    Number {
        /// Index of the column.
        column: usize,
        /// Whether the field is an int (for division).
        int: bool,
    },
    /// A code column of an enum-like string field: 0 = missing, i + 1 = `domain[i]`.
    Code {
        /// Index of the column.
        column: usize,
        /// The field's values.
        domain: &'static [&'static str],
    },
    /// No column form.
    Unsupported,
}

/// Where the columns of a chunk are read from.
pub trait Columns {
    /// Numbers of number column `column` for rows `start..start + len`.
    fn numbers(&self, column: usize, start: usize, len: usize) -> &[f64];
    /// Codes of code column `column` for rows `start..start + len`.
    fn codes(&self, column: usize, start: usize, len: usize) -> &[u8];
    /// The column of `bought(category)`, if there is one.
    fn bought(&self, category: &str) -> Option<usize>;
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Kind {
    Num {
        int: bool,
    },
    Bool,
    /// Codes over this domain.
    Code(&'static [&'static str]),
}

/// One step over a chunk; registers hold numbers, booleans or codes.
#[derive(Debug, Clone, PartialEq)]
enum Step {
    Number {
        out: usize,
        value: f64,
    },
    Bool {
        out: usize,
        value: u8,
    },
    Column {
        out: usize,
        column: usize,
    },
    Codes {
        out: usize,
        column: usize,
    },
    HasNumber {
        out: usize,
        src: usize,
    },
    HasCode {
        out: usize,
        src: usize,
    },
    Segment {
        out: usize,
        index: usize,
    },
    Not {
        out: usize,
        a: usize,
    },
    /// `out = out && b`, in place (`b` is a later register): one step per operand of a chain.
    And {
        out: usize,
        b: usize,
    },
    /// `out = out || b`, in place.
    Or {
        out: usize,
        b: usize,
    },
    Neg {
        out: usize,
        a: usize,
    },
    Arith {
        out: usize,
        op: Arith,
        int: bool,
        a: usize,
        b: usize,
    },
    CmpNumbers {
        out: usize,
        op: Cmp,
        a: usize,
        b: usize,
    },
    /// A number column against a constant, read in place: the commonest rule.
    CmpColumn {
        out: usize,
        op: Cmp,
        column: usize,
        value: f64,
    },
    /// `out = out && (column op value)`, in place: chains of such conditions in one pass each.
    AndColumn {
        out: usize,
        op: Cmp,
        column: usize,
        value: f64,
    },
    CmpBools {
        out: usize,
        equal: bool,
        a: usize,
        b: usize,
    },
    /// A code register against a code (`u8::MAX`: a string outside the domain).
    CmpCode {
        out: usize,
        equal: bool,
        a: usize,
        code: u8,
    },
    /// A code register in a set of codes.
    InCodes {
        out: usize,
        a: usize,
        codes: Vec<u8>,
    },
}

/// A rule compiled for column evaluation.
#[derive(Debug, Clone, PartialEq)]
pub struct VectorProgram {
    steps: Vec<Step>,
    numbers: usize,
    bytes: usize,
    result: usize,
}

/// Registers of one chunk, reused across chunks and programs.
#[derive(Debug, Default)]
pub struct Registers {
    numbers: Vec<[f64; CHUNK]>,
    bytes: Vec<[u8; CHUNK]>,
}

struct Compiler<'p> {
    program: &'p Program,
    slots: &'p dyn Fn(u32) -> SlotColumn,
    columns: &'p dyn Columns,
    steps: Vec<Step>,
    numbers: usize,
    bytes: usize,
}

/// A compiled operand: its kind and register, or a string constant.
#[derive(Clone)]
enum Operand {
    Reg(Kind, usize),
    Text(String),
}

impl VectorProgram {
    /// Compiles `program` for columns; `None` when an operation has no column form.
    /// `slots` says what each slot of the schema is in columns.
    pub fn compile(
        program: &Program,
        slots: &dyn Fn(u32) -> SlotColumn,
        columns: &dyn Columns,
    ) -> Option<VectorProgram> {
        let mut c = Compiler {
            program,
            slots,
            columns,
            steps: Vec::new(),
            numbers: 0,
            bytes: 0,
        };
        match c.node(program.root)? {
            Operand::Reg(Kind::Bool, result) => Some(VectorProgram {
                steps: c.steps,
                numbers: c.numbers,
                bytes: c.bytes,
                result,
            }),
            _ => None,
        }
    }

    /// Evaluates rows `start..start + len` (`len <= CHUNK`) into `out` (1 = matches);
    /// `segments(i)` gives the results of segment `i` for the same rows.
    pub fn eval(
        &self,
        columns: &dyn Columns,
        start: usize,
        len: usize,
        segments: &dyn Fn(usize) -> [u8; CHUNK],
        regs: &mut Registers,
        out: &mut [u8; CHUNK],
    ) {
        regs.numbers
            .resize(regs.numbers.len().max(self.numbers), [0.0; CHUNK]);
        regs.bytes
            .resize(regs.bytes.len().max(self.bytes), [0; CHUNK]);
        let (nums, bytes) = (&mut regs.numbers, &mut regs.bytes);
        // Each step is one loop over the chunk with the operation chosen
        // outside it, so the loops stay free of branches on the step.
        for step in &self.steps {
            match *step {
                Step::Number { out, value } => nums[out] = [value; CHUNK],
                Step::Bool { out, value } => bytes[out] = [value; CHUNK],
                Step::Column { out, column } => {
                    nums[out][..len].copy_from_slice(columns.numbers(column, start, len))
                }
                Step::Codes { out, column } => {
                    bytes[out][..len].copy_from_slice(columns.codes(column, start, len))
                }
                Step::HasNumber { out, src } => {
                    map_into(&mut bytes[out], &nums[src], len, |x| u8::from(!x.is_nan()))
                }
                Step::HasCode { out, src } => {
                    let a = bytes[src];
                    map_into(&mut bytes[out], &a, len, |x| u8::from(x != 0))
                }
                Step::Segment { out, index } => bytes[out] = segments(index),
                Step::Not { out, a } => {
                    let a = bytes[a];
                    map_into(&mut bytes[out], &a, len, |v| 1 - v)
                }
                Step::And { out, b } => {
                    // A chain's later operands are computed after its first, so they sit in higher registers.
                    let (acc, operand) = bytes.split_at_mut(b);
                    in_place(&mut acc[out], &operand[0], len, |x, y| x & y)
                }
                Step::Or { out, b } => {
                    let (acc, operand) = bytes.split_at_mut(b);
                    in_place(&mut acc[out], &operand[0], len, |x, y| x | y)
                }
                Step::AndColumn {
                    out,
                    op,
                    column,
                    value,
                } => {
                    let (x, o) = (columns.numbers(column, start, len), &mut bytes[out]);
                    match op {
                        Cmp::Eq => and_against(o, x, |x| x == value),
                        Cmp::Ne => and_against(o, x, |x| x != value),
                        Cmp::Lt => and_against(o, x, |x| x < value),
                        Cmp::Le => and_against(o, x, |x| x <= value),
                        Cmp::Gt => and_against(o, x, |x| x > value),
                        Cmp::Ge => and_against(o, x, |x| x >= value),
                    }
                }
                Step::CmpColumn {
                    out,
                    op,
                    column,
                    value,
                } => {
                    let (x, o) = (columns.numbers(column, start, len), &mut bytes[out]);
                    match op {
                        Cmp::Eq => against(o, x, |x| x == value),
                        Cmp::Ne => against(o, x, |x| x != value),
                        Cmp::Lt => against(o, x, |x| x < value),
                        Cmp::Le => against(o, x, |x| x <= value),
                        Cmp::Gt => against(o, x, |x| x > value),
                        Cmp::Ge => against(o, x, |x| x >= value),
                    }
                }
                Step::Neg { out, a } => {
                    let a = nums[a];
                    map_into(&mut nums[out], &a, len, |x| -x)
                }
                Step::Arith { out, op, int, a, b } => {
                    let (a, b) = (nums[a], nums[b]);
                    let o = &mut nums[out];
                    match op {
                        Arith::Add => zip_into(o, &a, &b, len, |x, y| x + y),
                        Arith::Sub => zip_into(o, &a, &b, len, |x, y| x - y),
                        Arith::Mul => zip_into(o, &a, &b, len, |x, y| x * y),
                        // Int division truncates and by zero is missing, as in `Program::eval`.
                        Arith::Div if int => zip_into(o, &a, &b, len, |x, y| {
                            if y == 0.0 {
                                f64::NAN
                            } else {
                                (x / y).trunc()
                            }
                        }),
                        Arith::Div => zip_into(o, &a, &b, len, |x, y| x / y),
                        Arith::Rem => zip_into(o, &a, &b, len, |x, y| {
                            if y == 0.0 {
                                f64::NAN
                            } else {
                                super::fmod::fmod(x, y)
                            }
                        }),
                    }
                }
                Step::CmpNumbers { out, op, a, b } => {
                    let (a, b, o) = (&nums[a], &nums[b], &mut bytes[out]);
                    match op {
                        Cmp::Eq => compare_into(o, a, b, len, |x, y| x == y),
                        Cmp::Ne => compare_into(o, a, b, len, |x, y| x != y),
                        Cmp::Lt => compare_into(o, a, b, len, |x, y| x < y),
                        Cmp::Le => compare_into(o, a, b, len, |x, y| x <= y),
                        Cmp::Gt => compare_into(o, a, b, len, |x, y| x > y),
                        Cmp::Ge => compare_into(o, a, b, len, |x, y| x >= y),
                    }
                }
                Step::CmpBools { out, equal, a, b } => {
                    let (a, b) = (bytes[a], bytes[b]);
                    zip_into(&mut bytes[out], &a, &b, len, |x, y| {
                        u8::from((x == y) == equal)
                    })
                }
                Step::CmpCode {
                    out,
                    equal,
                    a,
                    code,
                } => {
                    let a = bytes[a];
                    map_into(&mut bytes[out], &a, len, |x| {
                        u8::from(x != 0 && (x == code) == equal)
                    })
                }
                Step::InCodes { out, a, ref codes } => {
                    let a = bytes[a];
                    map_into(&mut bytes[out], &a, len, |x| {
                        u8::from(x != 0 && codes.contains(&x))
                    })
                }
            }
        }
        map_into(out, &bytes[self.result], len, |v| u8::from(v == TRUE));
    }
}

/// `out[i] = f(a[i])` for the first `len` rows.
fn map_into<A: Copy, O>(out: &mut [O; CHUNK], a: &[A; CHUNK], len: usize, f: impl Fn(A) -> O) {
    for (o, &x) in out[..len].iter_mut().zip(&a[..len]) {
        *o = f(x);
    }
}

/// `out[i] = f(a[i], b[i])` for the first `len` rows.
fn zip_into<A: Copy, O>(
    out: &mut [O; CHUNK],
    a: &[A; CHUNK],
    b: &[A; CHUNK],
    len: usize,
    f: impl Fn(A, A) -> O,
) {
    for ((o, &x), &y) in out[..len].iter_mut().zip(&a[..len]).zip(&b[..len]) {
        *o = f(x, y);
    }
}

/// `out[i] = f(out[i], b[i])` for the first `len` rows.
fn in_place(out: &mut [u8; CHUNK], b: &[u8; CHUNK], len: usize, f: impl Fn(u8, u8) -> u8) {
    for (o, &y) in out[..len].iter_mut().zip(&b[..len]) {
        *o = f(*o, y);
    }
}

/// A comparison of a column with a constant, false where the value is missing.
fn against(out: &mut [u8; CHUNK], column: &[f64], f: impl Fn(f64) -> bool) {
    for (o, &x) in out.iter_mut().zip(column) {
        *o = u8::from(!x.is_nan() && f(x));
    }
}

/// `out && (comparison of a column with a constant)`, in place.
fn and_against(out: &mut [u8; CHUNK], column: &[f64], f: impl Fn(f64) -> bool) {
    // Branch-free (a bitwise and): the outcomes are data-dependent.
    for (o, &x) in out.iter_mut().zip(column) {
        *o &= u8::from(!x.is_nan() && f(x));
    }
}

/// A comparison of numbers, false where either is missing.
fn compare_into(
    out: &mut [u8; CHUNK],
    a: &[f64; CHUNK],
    b: &[f64; CHUNK],
    len: usize,
    f: impl Fn(f64, f64) -> bool,
) {
    zip_into(out, a, b, len, |x, y| {
        u8::from(!x.is_nan() && !y.is_nan() && f(x, y))
    })
}

impl Compiler<'_> {
    fn number(&mut self) -> usize {
        self.numbers += 1;
        self.numbers - 1
    }

    fn byte(&mut self) -> usize {
        self.bytes += 1;
        self.bytes - 1
    }

    fn bool_step(&mut self, make: impl FnOnce(usize) -> Step) -> Option<Operand> {
        let out = self.byte();
        self.steps.push(make(out));
        Some(Operand::Reg(Kind::Bool, out))
    }

    fn node(&mut self, id: NodeId) -> Option<Operand> {
        let program = self.program;
        match program.node(id).op {
            Op::Int(v) => {
                let out = self.number();
                self.steps.push(Step::Number {
                    out,
                    value: v as f64,
                });
                Some(Operand::Reg(Kind::Num { int: true }, out))
            }
            Op::Double(v) => {
                let out = self.number();
                self.steps.push(Step::Number { out, value: v });
                Some(Operand::Reg(Kind::Num { int: false }, out))
            }
            Op::Bool(v) => self.bool_step(|out| Step::Bool {
                out,
                value: u8::from(v),
            }),
            Op::Str(s) | Op::Constant { value: s, .. } => {
                Some(Operand::Text(program.strings[s as usize].clone()))
            }
            Op::Field { slot, .. } | Op::Enum { slot, .. } => self.field(slot),
            Op::Has { slot } => match self.field(slot)? {
                Operand::Reg(Kind::Num { .. }, src) => {
                    self.bool_step(|out| Step::HasNumber { out, src })
                }
                Operand::Reg(Kind::Code(_), src) => {
                    self.bool_step(|out| Step::HasCode { out, src })
                }
                _ => self.bool_step(|out| Step::Bool { out, value: TRUE }),
            },
            Op::Segment(index) => self.bool_step(|out| Step::Segment {
                out,
                index: index as usize,
            }),
            Op::Not(a) => {
                let a = self.boolean(a)?;
                self.bool_step(|out| Step::Not { out, a })
            }
            Op::And { start, len } | Op::Or { start, len } => {
                let and = matches!(program.node(id).op, Op::And { .. });
                let (first, rest) = program.args_of(start, len).split_first()?;
                let acc = self.boolean(*first)?;
                for &operand in rest {
                    let b = self.boolean(operand)?;
                    match self.steps.last() {
                        Some(&Step::CmpColumn {
                            out,
                            op,
                            column,
                            value,
                        }) if and && out == b => {
                            self.steps.pop();
                            self.steps.push(Step::AndColumn {
                                out: acc,
                                op,
                                column,
                                value,
                            });
                        }
                        _ if and => self.steps.push(Step::And { out: acc, b }),
                        _ => self.steps.push(Step::Or { out: acc, b }),
                    }
                }
                Some(Operand::Reg(Kind::Bool, acc))
            }
            Op::Neg(a) => {
                let (int, a) = self.numeric(a)?;
                let out = self.number();
                self.steps.push(Step::Neg { out, a });
                Some(Operand::Reg(Kind::Num { int }, out))
            }
            Op::Arith(op, a, b) => {
                let ((ia, a), (ib, b)) = (self.numeric(a)?, self.numeric(b)?);
                let int = ia && ib;
                let out = self.number();
                self.steps.push(Step::Arith { out, op, int, a, b });
                Some(Operand::Reg(Kind::Num { int }, out))
            }
            Op::Cmp(op, a, b) => self.compare(op, a, b),
            Op::In(a, list) => {
                let Op::List { start, len } = program.node(list).op else {
                    return None;
                };
                let (Operand::Reg(Kind::Code(domain), a), items) =
                    (self.node(a)?, program.args_of(start, len))
                else {
                    return None;
                };
                let mut codes = Vec::with_capacity(items.len());
                for &item in items {
                    let Op::Str(s) = program.node(item).op else {
                        return None;
                    };
                    if let Some(code) = code_of(domain, &program.strings[s as usize]) {
                        codes.push(code);
                    }
                }
                self.bool_step(|out| Step::InCodes { out, a, codes })
            }
            Op::Call {
                func: Func::Bought,
                start,
                len: 1,
            } => {
                let arg = program.args_of(start, 1)[0];
                let Operand::Text(category) = self.node(arg)? else {
                    return None;
                };
                let column = self.columns.bought(&category)?;
                let out = self.number();
                self.steps.push(Step::Column { out, column });
                Some(Operand::Reg(Kind::Num { int: true }, out))
            }
            _ => None,
        }
    }

    fn field(&mut self, slot: u32) -> Option<Operand> {
        match (self.slots)(slot) {
            SlotColumn::Number { column, int } => {
                let out = self.number();
                self.steps.push(Step::Column { out, column });
                Some(Operand::Reg(Kind::Num { int }, out))
            }
            SlotColumn::Code { column, domain } => {
                let out = self.byte();
                self.steps.push(Step::Codes { out, column });
                Some(Operand::Reg(Kind::Code(domain), out))
            }
            SlotColumn::Unsupported => None,
        }
    }

    /// The column loaded into number register `r` by the last two steps, if that is what `r` holds.
    fn loaded(&self, r: usize) -> Option<usize> {
        self.steps.iter().rev().take(2).find_map(|s| match *s {
            Step::Column { out, column } if out == r => Some(column),
            _ => None,
        })
    }

    /// The constant put in number register `r` by the last two steps.
    fn constant(&self, r: usize) -> Option<f64> {
        self.steps.iter().rev().take(2).find_map(|s| match *s {
            Step::Number { out, value } if out == r => Some(value),
            _ => None,
        })
    }

    fn boolean(&mut self, id: NodeId) -> Option<usize> {
        match self.node(id)? {
            Operand::Reg(Kind::Bool, r) => Some(r),
            _ => None,
        }
    }

    fn numeric(&mut self, id: NodeId) -> Option<(bool, usize)> {
        match self.node(id)? {
            Operand::Reg(Kind::Num { int }, r) => Some((int, r)),
            _ => None,
        }
    }

    fn compare(&mut self, op: Cmp, a: NodeId, b: NodeId) -> Option<Operand> {
        let equality = matches!(op, Cmp::Eq | Cmp::Ne);
        let equal = op == Cmp::Eq;
        match (self.node(a)?, self.node(b)?) {
            (Operand::Reg(Kind::Num { .. }, a), Operand::Reg(Kind::Num { .. }, b)) => {
                // `field op constant` (or `constant op field`) reads the column in place.
                let direct = match (
                    self.loaded(a),
                    self.constant(b),
                    self.constant(a),
                    self.loaded(b),
                ) {
                    (Some(column), Some(value), ..) => Some((op, column, value)),
                    (_, _, Some(value), Some(column)) => Some((flip(op), column, value)),
                    _ => None,
                };
                match direct {
                    Some((op, column, value)) => {
                        self.steps.retain(|s| !matches!(s, Step::Column { out, .. } | Step::Number { out, .. } if *out == a || *out == b));
                        self.bool_step(|out| Step::CmpColumn {
                            out,
                            op,
                            column,
                            value,
                        })
                    }
                    None => self.bool_step(|out| Step::CmpNumbers { out, op, a, b }),
                }
            }
            (Operand::Reg(Kind::Bool, a), Operand::Reg(Kind::Bool, b)) if equality => {
                self.bool_step(|out| Step::CmpBools { out, equal, a, b })
            }
            (Operand::Reg(Kind::Code(domain), a), Operand::Text(t))
            | (Operand::Text(t), Operand::Reg(Kind::Code(domain), a))
                if equality =>
            {
                let code = code_of(domain, &t).unwrap_or(u8::MAX);
                self.bool_step(|out| Step::CmpCode {
                    out,
                    equal,
                    a,
                    code,
                })
            }
            (Operand::Text(x), Operand::Text(y)) if equality => self.bool_step(|out| Step::Bool {
                out,
                value: u8::from((x == y) == equal),
            }),
            _ => None,
        }
    }
}

/// The code of `text` in `domain` (index + 1).
pub fn code_of(domain: &[&str], text: &str) -> Option<u8> {
    domain.iter().position(|d| *d == text).map(|i| i as u8 + 1)
}

/// What a program reads: the number slots (fields and `has`), the maps
/// (entries, names) and the constant arguments of its `bought(...)` calls
/// (string literals or schema constants); `Err` with the call's source when an
/// argument is not constant.
pub fn reads(program: &Program) -> Result<Reads, String> {
    let mut r = Reads::default();
    for (id, node) in program.nodes.iter().enumerate() {
        match node.op {
            Op::Field { slot, .. } | Op::Enum { slot, .. } | Op::Has { slot } => r.slots.push(slot),
            Op::Keys { .. } => r.maps.push(program.text(id as NodeId).to_string()),
            Op::Entry { map, .. } | Op::HasEntry { map, .. } => r.entries.push(map),
            Op::Call {
                func: Func::Bought,
                start,
                len: 1,
            } => {
                let arg = program.args_of(start, 1)[0];
                let category = match program.node(arg).op {
                    Op::Str(s) | Op::Constant { value: s, .. } => {
                        program.strings[s as usize].clone()
                    }
                    _ => return Err(program.text(id as NodeId).to_string()),
                };
                r.bought.push(category);
            }
            Op::Orders => return Err(program.text(id as NodeId).to_string()),
            _ => {}
        }
    }
    crate::sort::heapsort(&mut r.slots, |a, b| a < b);
    r.slots.dedup();
    crate::sort::heapsort(&mut r.bought, |a, b| a < b);
    r.bought.dedup();
    Ok(r)
}

/// What [`reads`] found.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Reads {
    /// Number slots, ascending.
    pub slots: Vec<u32>,
    /// The source of each read of a map's names, in node order: no column form.
    pub maps: Vec<String>,
    /// The map (schema index) of each entry read, in node order: no column form.
    pub entries: Vec<u32>,
    /// Categories of `bought(...)`, sorted.
    pub bought: Vec<String>,
}
