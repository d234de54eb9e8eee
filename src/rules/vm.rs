//! The stack machine that runs a rule's bytecode ([`super::program`]), and
//! the values it computes with.
//!
//! Evaluation allocates nothing: values borrow from the program and the
//! context, and the stack is an array on the machine's stack sized by the
//! compiler (a rule deeper than [`STACK`] values uses a vector).

use super::program::{Arith, Cmp, Const, Func, Ins, Macro, NodeId, NumKind, Program, Test, Tested};
use super::{Context, OrderField, OrderView};
use std::cmp::Ordering;

/// Why a value is missing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Why {
    Missing,
    Overflow,
    DivisionByZero,
    OutOfRange,
    NotEvaluated,
    WrongType,
}

impl Why {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Why::Missing => "missing value",
            Why::Overflow => "integer overflow",
            Why::DivisionByZero => "division by zero",
            Why::OutOfRange => "out of range",
            Why::NotEvaluated => "segment not evaluated",
            Why::WrongType => "slot holds another type",
        }
    }
}

/// A list being evaluated: a literal's elements on the stack, or a map's names.
#[derive(Clone, Copy)]
pub(crate) enum List<'a> {
    /// `len` values on the stack from `base`.
    Stack { base: u32, len: u32 },
    /// The names of a map, in order.
    Keys(&'a dyn super::MapView),
    /// The customer's orders.
    Orders(&'a dyn OrderView),
}

impl std::fmt::Debug for List<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            List::Stack { base, len } => write!(f, "Stack({base}, {len})"),
            List::Keys(m) => write!(f, "Keys({})", m.len()),
            List::Orders(o) => write!(f, "Orders({})", o.len()),
        }
    }
}

/// A runtime value, borrowing from the program and the context.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Val<'a> {
    Unknown(Why),
    Null,
    Bool(bool),
    Int(i64),
    Double(f64),
    Str(&'a str),
    List(List<'a>),
    Timestamp(i64),
    Duration(i64),
    /// The order of this index in [`Context::orders`].
    Order(u32),
}

/// Nesting of macros a rule may have (each level's variable has a register).
pub(crate) const MAX_MACRO_DEPTH: usize = 4;

/// CEL's range of durations, whole seconds of 64-bit nanoseconds (about ±292 years): what
/// the conformance cases expect (`timestamps.textproto`, `sub_time_duration_over`).
pub(crate) const MAX_DURATION_S: i64 = 9_223_372_036;
/// CEL's range of timestamps, 0001-01-01T00:00:00Z to 9999-12-31T23:59:59.999Z, in ms.
pub(crate) const TIMESTAMP_MS: (i64, i64) = (-62_135_596_800_000, 253_402_300_799_999);

/// A duration, missing when out of CEL's range.
pub(crate) fn duration(s: Option<i64>) -> Val<'static> {
    match s {
        Some(s) if s.abs() <= MAX_DURATION_S => Val::Duration(s),
        _ => Val::Unknown(Why::OutOfRange),
    }
}

/// A timestamp, missing when out of CEL's range.
pub(crate) fn timestamp(ms: Option<i64>) -> Val<'static> {
    match ms {
        Some(t) if (TIMESTAMP_MS.0..=TIMESTAMP_MS.1).contains(&t) => Val::Timestamp(t),
        _ => Val::Unknown(Why::OutOfRange),
    }
}

/// Values a rule keeps on the machine's stack before it needs a vector.
pub(crate) const STACK: usize = 32;

const MS_PER_DAY: i64 = 86_400_000;

/// CEL's heterogeneous numeric comparison of an int with a double, exact for all values.
pub(crate) fn cmp_int_double(i: i64, d: f64) -> Option<Ordering> {
    if d.is_nan() {
        None
    } else if d >= 9_223_372_036_854_775_808.0 {
        Some(Ordering::Less)
    } else if d < -9_223_372_036_854_775_808.0 {
        Some(Ordering::Greater)
    } else {
        let t = d.trunc();
        match i.cmp(&(t as i64)) {
            Ordering::Equal => 0.0.partial_cmp(&(d - t)),
            other => Some(other),
        }
    }
}

impl<'a> Val<'a> {
    fn int(r: Option<i64>, why: Why) -> Self {
        r.map_or(Val::Unknown(why), Val::Int)
    }

    /// A number slot's value (NaN: missing).
    #[inline(always)]
    pub(crate) fn number(x: f64, kind: NumKind) -> Self {
        if x.is_nan() {
            return Val::Unknown(Why::Missing);
        }
        match kind {
            NumKind::Int => Val::Int(x as i64),
            NumKind::Double => Val::Double(x),
            NumKind::Bool => Val::Bool(x != 0.0),
            NumKind::Timestamp => Val::Timestamp(x as i64),
            NumKind::Duration => Val::Duration(x as i64),
        }
    }

    /// A constant's value.
    #[inline(always)]
    pub(crate) fn constant(c: Const, p: &'a Program) -> Self {
        match c {
            Const::Null => Val::Null,
            Const::Bool(b) => Val::Bool(b),
            Const::Int(i) => Val::Int(i),
            Const::Double(d) => Val::Double(d),
            Const::Str(s) => Val::Str(&p.strings[s as usize]),
            Const::Duration(d) => Val::Duration(d),
            Const::Timestamp(t) => Val::Timestamp(t),
        }
    }

    /// Whether this is the boolean `true` (a missing bool counts as false).
    #[inline(always)]
    pub(crate) fn truth(self) -> bool {
        matches!(self, Val::Bool(true))
    }
}

fn order(a: Val<'_>, b: Val<'_>) -> Option<Ordering> {
    match (a, b) {
        (Val::Int(x), Val::Int(y)) => Some(x.cmp(&y)),
        (Val::Double(x), Val::Double(y)) => x.partial_cmp(&y),
        (Val::Int(x), Val::Double(y)) => cmp_int_double(x, y),
        (Val::Double(x), Val::Int(y)) => cmp_int_double(y, x).map(Ordering::reverse),
        (Val::Str(x), Val::Str(y)) => Some(x.cmp(y)),
        (Val::Bool(x), Val::Bool(y)) => Some(x.cmp(&y)),
        (Val::Timestamp(x), Val::Timestamp(y)) | (Val::Duration(x), Val::Duration(y)) => {
            Some(x.cmp(&y))
        }
        (Val::Null, Val::Null) => Some(Ordering::Equal),
        _ => None,
    }
}

/// A comparison; `false`, whatever the operator, when either side is missing.
#[inline(always)]
pub(crate) fn compare(cmp: Cmp, a: Val<'_>, b: Val<'_>) -> bool {
    if let (Val::Unknown(_), _) | (_, Val::Unknown(_)) = (a, b) {
        return false;
    }
    let o = order(a, b);
    match cmp {
        Cmp::Eq => o == Some(Ordering::Equal),
        Cmp::Ne => o != Some(Ordering::Equal),
        Cmp::Lt => o == Some(Ordering::Less),
        Cmp::Le => matches!(o, Some(Ordering::Less | Ordering::Equal)),
        Cmp::Gt => o == Some(Ordering::Greater),
        Cmp::Ge => matches!(o, Some(Ordering::Greater | Ordering::Equal)),
    }
}

fn arith<'a>(op: Arith, a: Val<'a>, b: Val<'a>) -> Val<'a> {
    match (a, b) {
        (Val::Unknown(w), _) | (_, Val::Unknown(w)) => Val::Unknown(w),
        (Val::Int(x), Val::Int(y)) => match op {
            Arith::Add => Val::int(x.checked_add(y), Why::Overflow),
            Arith::Sub => Val::int(x.checked_sub(y), Why::Overflow),
            Arith::Mul => Val::int(x.checked_mul(y), Why::Overflow),
            Arith::Div | Arith::Rem if y == 0 => Val::Unknown(Why::DivisionByZero),
            Arith::Div => Val::int(x.checked_div(y), Why::Overflow),
            Arith::Rem => Val::int(x.checked_rem(y), Why::Overflow),
        },
        (Val::Double(x), Val::Double(y)) => Val::Double(match op {
            Arith::Add => x + y,
            Arith::Sub => x - y,
            Arith::Mul => x * y,
            Arith::Div => x / y,
            Arith::Rem => super::fmod::fmod(x, y),
        }),
        (Val::Duration(x), Val::Duration(y)) => duration(if op == Arith::Add {
            x.checked_add(y)
        } else {
            x.checked_sub(y)
        }),
        (Val::Timestamp(t), Val::Duration(d)) | (Val::Duration(d), Val::Timestamp(t)) => {
            let ms = d.checked_mul(1000);
            timestamp(if op == Arith::Add {
                ms.and_then(|ms| t.checked_add(ms))
            } else {
                ms.and_then(|ms| t.checked_sub(ms))
            })
        }
        (Val::Timestamp(x), Val::Timestamp(y)) => duration(x.checked_sub(y).map(|ms| ms / 1000)),
        _ => Val::Unknown(Why::WrongType),
    }
}

/// The machine's state: the stack and its pointer.
pub(crate) struct Machine<'s, 'a> {
    stack: &'s mut [Val<'a>],
    sp: usize,
    /// The variable of each macro level being evaluated.
    vars: [Val<'a>; MAX_MACRO_DEPTH],
}

impl<'a> Machine<'_, 'a> {
    #[inline(always)]
    fn push(&mut self, v: Val<'a>) {
        self.stack[self.sp] = v;
        self.sp += 1;
    }

    #[inline(always)]
    fn pop(&mut self) -> Val<'a> {
        self.sp -= 1;
        self.stack[self.sp]
    }

    #[inline(always)]
    fn top(&mut self) -> &mut Val<'a> {
        &mut self.stack[self.sp - 1]
    }

    /// The value on top of the stack.
    pub(crate) fn top_value(&self) -> Val<'a> {
        self.stack[self.sp - 1]
    }

    /// The length of a list.
    pub(crate) fn list_len(list: List<'_>) -> usize {
        match list {
            List::Stack { len, .. } => len as usize,
            List::Keys(m) => m.len(),
            List::Orders(o) => o.len(),
        }
    }

    /// Element `i` of a list.
    fn list_get(&self, list: List<'a>, i: usize) -> Val<'a> {
        match list {
            List::Stack { base, len } if i < len as usize => self.stack[base as usize + i],
            List::Keys(m) => m.key(i).map_or(Val::Unknown(Why::OutOfRange), Val::Str),
            List::Orders(o) if i < o.len() => Val::Order(i as u32),
            List::Stack { .. } | List::Orders(_) => Val::Unknown(Why::OutOfRange),
        }
    }

    /// Where the stack goes back to once `v`, the top, is used: under a
    /// literal list's elements, or under the value itself.
    fn below(&self, v: Val<'_>) -> usize {
        match v {
            Val::List(List::Stack { base, .. }) => base as usize,
            _ => self.sp - 1,
        }
    }

    /// The elements of a list, copied (explanations only).
    pub(crate) fn elements(&self, list: List<'a>) -> Vec<Val<'a>> {
        (0..Self::list_len(list))
            .map(|i| self.list_get(list, i))
            .collect()
    }
}

impl Program {
    /// Evaluates the rule for one customer: `true` if it matches.
    pub fn eval(&self, ctx: &Context<'_>) -> bool {
        if let Some(any) = &self.tests {
            return any.iter().any(|all| all.iter().all(|t| self.test(t, ctx)));
        }
        self.value(ctx).truth()
    }

    /// Evaluates an int expression ([`crate::rules::compile_as`] with `Type::Int`)
    /// for one customer: `None` when its value is missing.
    pub fn eval_int(&self, ctx: &Context<'_>) -> Option<i64> {
        match self.value(ctx) {
            Val::Int(i) => Some(i),
            _ => None,
        }
    }

    /// The rule's value for one customer, on a stack sized by the rule: most need a few values.
    // Out of line: one copy for conditions and scores in the size-budgeted module.
    #[inline(never)]
    fn value<'a>(&'a self, ctx: &Context<'a>) -> Val<'a> {
        if self.max_stack <= 4 {
            let mut stack = [Val::Null; 4];
            self.run(&self.code, ctx, &mut stack, &mut |_, _| {})
        } else if self.max_stack <= STACK {
            let mut stack = [Val::Null; STACK];
            self.run(&self.code, ctx, &mut stack, &mut |_, _| {})
        } else {
            let mut stack = vec![Val::Null; self.max_stack];
            self.run(&self.code, ctx, &mut stack, &mut |_, _| {})
        }
    }

    /// Runs `code` on `stack` (at least [`Program::max_stack`] long for
    /// [`Program::code`]); `trace` gets each node's value for `Trace`
    /// instructions. Returns the value left on the stack.
    pub(crate) fn run<'a>(
        &'a self,
        code: &[Ins],
        ctx: &Context<'a>,
        stack: &mut [Val<'a>],
        trace: &mut dyn FnMut(NodeId, &Machine<'_, 'a>),
    ) -> Val<'a> {
        let mut m = Machine {
            stack,
            sp: 0,
            vars: [Val::Null; MAX_MACRO_DEPTH],
        };
        let mut pc = 0;
        while let Some(&ins) = code.get(pc) {
            pc += 1;
            match ins {
                Ins::Const(c) => m.push(Val::constant(c, self)),
                Ins::Field { slot, kind } => {
                    let x = ctx.numbers.get(slot as usize).copied().unwrap_or(f64::NAN);
                    m.push(Val::number(x, kind));
                }
                Ins::Enum { slot, variants } => {
                    let code = ctx.numbers.get(slot as usize).copied().unwrap_or(f64::NAN);
                    // NaN (missing) casts to 0 but fails the comparison with itself.
                    let v = match variants.get(code as usize) {
                        Some(s) if code == code.trunc() => Val::Str(s),
                        _ => Val::Unknown(Why::Missing),
                    };
                    m.push(v);
                }
                Ins::Keys(map) => match ctx.maps.get(map as usize) {
                    Some(&map) => m.push(Val::List(List::Keys(map))),
                    None => m.push(Val::Unknown(Why::WrongType)),
                },
                Ins::Entry { map, key, kind } => {
                    let v = match ctx.maps.get(map as usize) {
                        Some(map) => map
                            .get(&self.strings[key as usize])
                            .map_or(Val::Unknown(Why::Missing), |x| Val::number(x, kind)),
                        None => Val::Unknown(Why::WrongType),
                    };
                    m.push(v);
                }
                Ins::Has(slot) => m.push(Val::Bool(
                    ctx.numbers.get(slot as usize).is_some_and(|x| !x.is_nan()),
                )),
                Ins::HasEntry { map, key } => {
                    let has = ctx
                        .maps
                        .get(map as usize)
                        .is_some_and(|map| map.get(&self.strings[key as usize]).is_some());
                    m.push(Val::Bool(has));
                }
                Ins::Segment(i) => m.push(match ctx.segments.get(i as usize) {
                    Some(Some(b)) => Val::Bool(*b),
                    _ => Val::Unknown(Why::NotEvaluated),
                }),
                Ins::MakeList(len) => m.push(Val::List(List::Stack {
                    base: (m.sp - len as usize) as u32,
                    len,
                })),
                Ins::Index => {
                    let index = m.pop();
                    let list = *m.top();
                    let v = match (list, index) {
                        (Val::List(l), Val::Int(i)) => usize::try_from(i)
                            .map_or(Val::Unknown(Why::OutOfRange), |i| m.list_get(l, i)),
                        (Val::Unknown(w), _) | (_, Val::Unknown(w)) => Val::Unknown(w),
                        _ => Val::Unknown(Why::WrongType),
                    };
                    m.sp = m.below(list);
                    m.push(v);
                }
                Ins::In => {
                    let list = *m.top();
                    let under = m.below(list);
                    let needle = m.stack[under - 1];
                    let found = match list {
                        Val::List(l) => (0..Machine::list_len(l))
                            .any(|i| compare(Cmp::Eq, needle, m.list_get(l, i))),
                        _ => false,
                    };
                    m.sp = under - 1;
                    m.push(Val::Bool(found));
                }
                Ins::Not => {
                    let top = m.top();
                    *top = Val::Bool(!top.truth());
                }
                Ins::Neg => {
                    let top = m.top();
                    *top = match *top {
                        Val::Int(i) => Val::int(i.checked_neg(), Why::Overflow),
                        Val::Double(d) => Val::Double(-d),
                        Val::Duration(d) => d
                            .checked_neg()
                            .map_or(Val::Unknown(Why::Overflow), Val::Duration),
                        Val::Unknown(w) => Val::Unknown(w),
                        _ => Val::Unknown(Why::WrongType),
                    };
                }
                Ins::Cmp(cmp) => {
                    let b = *m.top();
                    let at = m.below(b) - 1;
                    let a = m.stack[at];
                    let v = match (a, b) {
                        (Val::List(x), Val::List(y)) => {
                            let n = Machine::list_len(x);
                            let same = n == Machine::list_len(y)
                                && (0..n)
                                    .all(|i| compare(Cmp::Eq, m.list_get(x, i), m.list_get(y, i)));
                            same == (cmp == Cmp::Eq)
                        }
                        _ => compare(cmp, a, b),
                    };
                    m.sp = match a {
                        Val::List(List::Stack { base, .. }) => base as usize,
                        _ => at,
                    };
                    m.push(Val::Bool(v));
                }
                Ins::CmpConst(cmp, c) => {
                    let b = Val::constant(c, self);
                    let top = m.top();
                    *top = Val::Bool(compare(cmp, *top, b));
                }
                Ins::Arith(op) => {
                    let b = m.pop();
                    let top = m.top();
                    *top = arith(op, *top, b);
                }
                Ins::Call { func, argc } => {
                    let v = self.call(func, argc as usize, &m, ctx);
                    let top = m.top_value();
                    m.sp = if argc == 1 {
                        m.below(top)
                    } else {
                        m.sp - argc as usize
                    };
                    m.push(v);
                }
                Ins::AndJump(target) => {
                    if m.top().truth() {
                        m.sp -= 1;
                    } else {
                        *m.top() = Val::Bool(false);
                        pc = target as usize;
                    }
                }
                Ins::OrJump(target) => {
                    if m.top().truth() {
                        pc = target as usize;
                    } else {
                        m.sp -= 1;
                    }
                }
                Ins::Truth => {
                    let top = m.top();
                    *top = Val::Bool(top.truth());
                }
                Ins::JumpUnless(target) => {
                    if !m.pop().truth() {
                        pc = target as usize;
                    }
                }
                Ins::Jump(target) => pc = target as usize,
                Ins::Trace(node) => trace(node, &m),
                Ins::Now => m.push(Val::Timestamp(ctx.as_of_ms)),
                Ins::Orders => m.push(Val::List(List::Orders(ctx.orders))),
                Ins::Var(v) => m.push(m.vars[v as usize]),
                Ins::OrderField(field) => {
                    let top = m.top();
                    *top = match *top {
                        Val::Order(i) => order_field(ctx.orders, i as usize, field),
                        Val::Unknown(w) => Val::Unknown(w),
                        _ => Val::Unknown(Why::WrongType),
                    };
                }
                Ins::IterInit(kind) => {
                    m.push(Val::Int(0));
                    m.push(match kind {
                        Macro::All => Val::Bool(true),
                        Macro::Exists => Val::Bool(false),
                        _ => Val::Int(0),
                    });
                }
                Ins::IterNext { var, exit } => {
                    let (list, i) = (m.stack[m.sp - 3], m.stack[m.sp - 2]);
                    match (list, i) {
                        (Val::List(l), Val::Int(i)) if (i as usize) < Machine::list_len(l) => {
                            m.vars[var as usize] = m.list_get(l, i as usize);
                            m.stack[m.sp - 2] = Val::Int(i + 1);
                        }
                        _ => pc = exit as usize,
                    }
                }
                Ins::IterStep { kind, next, exit } => {
                    let v = m.pop().truth();
                    let acc = m.top();
                    pc = next as usize;
                    match (kind, *acc) {
                        (Macro::All, _) if !v => {
                            *acc = Val::Bool(false);
                            pc = exit as usize;
                        }
                        (Macro::Exists, _) if v => {
                            *acc = Val::Bool(true);
                            pc = exit as usize;
                        }
                        (Macro::ExistsOne | Macro::Count, Val::Int(n)) if v => {
                            *acc = Val::Int(n + 1);
                            if kind == Macro::ExistsOne && n > 0 {
                                pc = exit as usize;
                            }
                        }
                        (Macro::CountAll, Val::Int(n)) => *acc = Val::Int(n + 1),
                        _ => {}
                    }
                }
                Ins::IterEnd(kind) => {
                    let (list, acc) = (m.stack[m.sp - 3], m.stack[m.sp - 1]);
                    let v = match (list, acc) {
                        (Val::List(_), Val::Int(n)) if kind == Macro::ExistsOne => {
                            Val::Bool(n == 1)
                        }
                        (Val::List(_), acc) => acc,
                        (Val::Unknown(w), _) => Val::Unknown(w),
                        _ => Val::Unknown(Why::WrongType),
                    };
                    m.sp -= 2;
                    m.sp = m.below(list);
                    m.push(v);
                }
                Ins::FieldCmp {
                    slot,
                    kind,
                    cmp,
                    value,
                } => {
                    let x = ctx.numbers.get(slot as usize).copied().unwrap_or(f64::NAN);
                    m.push(Val::Bool(compare(
                        cmp,
                        Val::number(x, kind),
                        Val::constant(value, self),
                    )));
                }
                Ins::EnumIn { slot, mask } => {
                    let code = ctx.numbers.get(slot as usize).copied().unwrap_or(f64::NAN);
                    // NaN (missing) and codes past 63 are in no set.
                    let i = code as u32;
                    m.push(Val::Bool(
                        f64::from(i) == code && i < 64 && mask >> i & 1 == 1,
                    ));
                }
                Ins::BoughtCmp { key, cmp, value } => {
                    let n = self.bought(&self.strings[key as usize], ctx);
                    m.push(Val::Bool(compare(
                        cmp,
                        Val::Int(n),
                        Val::constant(value, self),
                    )));
                }
            }
        }
        if m.sp == 0 {
            Val::Unknown(Why::WrongType)
        } else {
            m.stack[m.sp - 1]
        }
    }

    /// A function of the `argc` values on top of the stack.
    fn call<'a>(
        &'a self,
        func: Func,
        argc: usize,
        m: &Machine<'_, 'a>,
        ctx: &Context<'a>,
    ) -> Val<'a> {
        let first = m.sp.saturating_sub(argc);
        let arg = |i: usize| {
            if i < argc {
                m.stack[first + i]
            } else {
                Val::Unknown(Why::WrongType)
            }
        };
        if matches!(func, Func::Min | Func::Max) {
            return extreme(func == Func::Max, &m.stack[first..m.sp]);
        }
        match (func, arg(0), arg(1)) {
            (Func::StartsWith | Func::EndsWith | Func::Contains, Val::Unknown(_), _)
            | (Func::StartsWith | Func::EndsWith | Func::Contains, _, Val::Unknown(_)) => {
                Val::Bool(false)
            }
            (Func::Present, v, _) => Val::Bool(!matches!(v, Val::Unknown(_))),
            (_, Val::Unknown(w), _) => Val::Unknown(w),
            (Func::Size, Val::Str(s), _) => {
                Val::int(i64::try_from(s.chars().count()).ok(), Why::Overflow)
            }
            (Func::Size, Val::List(l), _) => {
                Val::int(i64::try_from(Machine::list_len(l)).ok(), Why::Overflow)
            }
            (Func::Int, Val::Int(i), _) => Val::Int(i),
            (Func::Int, Val::Double(d), _) => {
                if d > -9_223_372_036_854_775_808.0 && d < 9_223_372_036_854_775_808.0 {
                    Val::Int(d as i64)
                } else {
                    Val::Unknown(Why::OutOfRange)
                }
            }
            (Func::Int, Val::Str(s), _) => {
                s.parse().map_or(Val::Unknown(Why::OutOfRange), Val::Int)
            }
            (Func::Double, Val::Str(s), _) => crate::input::decimal::parse_float(s)
                .map_or(Val::Unknown(Why::OutOfRange), Val::Double),
            (Func::Bool, Val::Bool(b), _) => Val::Bool(b),
            (Func::Bool, Val::Str(s), _) => match s {
                "1" | "t" | "true" | "TRUE" | "True" => Val::Bool(true),
                "0" | "f" | "false" | "FALSE" | "False" => Val::Bool(false),
                _ => Val::Unknown(Why::OutOfRange),
            },
            (Func::Double, Val::Int(i), _) => Val::Double(i as f64),
            (Func::Double, Val::Double(d), _) => Val::Double(d),
            (Func::Days, Val::Int(n), _) => n
                .checked_mul(86_400)
                .map_or(Val::Unknown(Why::Overflow), Val::Duration),
            (Func::DaysSince, Val::Timestamp(t), _) => Val::int(
                ctx.as_of_ms
                    .checked_sub(t)
                    .map(|ms| ms.div_euclid(MS_PER_DAY)),
                Why::Overflow,
            ),
            (Func::Bought, Val::Str(category), _) => Val::Int(self.bought(category, ctx)),
            (Func::StartsWith, Val::Str(s), Val::Str(p)) => Val::Bool(s.starts_with(p)),
            (Func::EndsWith, Val::Str(s), Val::Str(p)) => Val::Bool(s.ends_with(p)),
            (Func::Contains, Val::Str(s), Val::Str(p)) => {
                Val::Bool(crate::input::json::contains(s, p))
            }
            _ => Val::Unknown(Why::WrongType),
        }
    }
}

/// Field `field` of order `i`.
fn order_field<'a>(orders: &'a dyn OrderView, i: usize, field: OrderField) -> Val<'a> {
    match field {
        OrderField::Category | OrderField::Channel => orders
            .text(i, field)
            .map_or(Val::Unknown(Why::Missing), Val::Str),
        OrderField::At => Val::number(orders.number(i, field), NumKind::Timestamp),
        _ => Val::number(orders.number(i, field), NumKind::Double),
    }
}

/// A comparison of two numbers; missing (NaN) on the left makes it false.
#[inline(always)]
fn compare_numbers(cmp: Cmp, x: f64, value: f64) -> bool {
    match cmp {
        Cmp::Eq => x == value,
        Cmp::Ne => !x.is_nan() && x != value,
        Cmp::Lt => x < value,
        Cmp::Le => x <= value,
        Cmp::Gt => x > value,
        Cmp::Ge => x >= value,
    }
}

impl Program {
    /// One [`Test`] of a rule evaluated without the machine.
    #[inline]
    fn test(&self, t: &Test, ctx: &Context<'_>) -> bool {
        let number = |slot: u32| ctx.numbers.get(slot as usize).copied().unwrap_or(f64::NAN);
        let outcome = match t.what {
            Tested::Number { slot, cmp, value } => compare_numbers(cmp, number(slot), value),
            Tested::Sum { a, b, cmp, value } => compare_numbers(cmp, number(a) + number(b), value),
            Tested::Enum { slot, mask } => {
                let code = number(slot);
                let i = code as u32;
                f64::from(i) == code && i < 64 && mask >> i & 1 == 1
            }
            Tested::Bought { key, cmp, value } => compare_numbers(
                cmp,
                self.bought(&self.strings[key as usize], ctx) as f64,
                value,
            ),
            Tested::Segment(i) => matches!(ctx.segments.get(i as usize), Some(Some(true))),
            Tested::Const(b) => b,
        };
        outcome != t.negate
    }

    /// `bought(category)`: the orders in the category, 0 when none.
    fn bought(&self, category: &str, ctx: &Context<'_>) -> i64 {
        let counts = self.bought_map.and_then(|map| ctx.maps.get(map as usize));
        counts
            .and_then(|map| map.get(category))
            .map_or(0, |n| n as i64)
    }
}

/// `min`/`max`: missing if any argument is; NaN if any double is NaN.
fn extreme<'a>(max: bool, args: &[Val<'a>]) -> Val<'a> {
    let mut best: Option<Val<'a>> = None;
    for &v in args {
        best = Some(match (best, v) {
            (_, Val::Unknown(w)) | (Some(Val::Unknown(w)), _) => return Val::Unknown(w),
            (None, v) => v,
            (Some(Val::Double(a)), Val::Double(b)) if a.is_nan() || b.is_nan() => {
                Val::Double(f64::NAN)
            }
            (Some(b), v) if compare(if max { Cmp::Gt } else { Cmp::Lt }, v, b) => v,
            (Some(b), _) => b,
        });
    }
    best.unwrap_or(Val::Unknown(Why::WrongType))
}

#[cfg(test)]
mod tests {
    use super::super::tests::{schema, with_customer, AS_OF_MS};
    use super::super::{compile, Limits, Schema};
    use super::*;

    /// Evaluates a closed expression (no fields) like the CEL conformance tests do.
    fn cel(src: &str) -> bool {
        let p = compile(src, &Schema::new(), &Limits::default())
            .unwrap_or_else(|e| panic!("{src}: {e}"));
        p.eval(&Context::new(&[]))
    }

    /// Compiles an expression of any type against an empty schema.
    fn compile_value(src: &str) -> Program {
        let tokens = super::super::lexer::lex(src).unwrap_or_else(|e| panic!("{e}"));
        let expr = super::super::parser::parse(src, &tokens, &Limits::default())
            .unwrap_or_else(|e| panic!("{e}"));
        super::super::check::check_as(src, &expr, &Schema::new(), 1000, None)
            .unwrap_or_else(|e| panic!("{e}"))
    }

    fn run(src: &str) -> bool {
        with_customer(|s, ctx| {
            compile(src, s, &Limits::default())
                .unwrap_or_else(|e| panic!("{src}: {e}"))
                .eval(ctx)
        })
    }

    // cel-spec tests/simple/testdata/logic.textproto and doc/langdef.md precedence.
    #[test]
    fn cel_logic_and_precedence() {
        assert!(cel("true || false && false"));
        assert!(cel("!true == false"));
        assert!(cel("1 + 2 * 3 == 7"));
        assert!(cel("-2 * 3 == -6"));
        assert!(cel("(1 + 2) * 3 == 9"));
        assert!(!cel("false && true"));
        assert!(cel("true ? true : false"));
        assert!(cel("false ? false : true"));
    }

    // cel-spec comparisons.textproto (self_test_equals_int64, self_test_lt_float, self_test_lt_string_case,
    // self_test_equals_string_raw, self_test_lt_bool_false_first) and langdef.md "Numbers":
    // ints and doubles compare as numbers.
    #[test]
    fn cel_comparisons() {
        assert!(cel("1 == 1"));
        assert!(!cel("-1 == 1"));
        assert!(cel("1.0 == 1.0e+0"));
        assert!(cel("1.0 < 1.0000001"));
        assert!(!cel("-0.0 < 0.0"));
        assert!(cel("'Abc' < 'aBC'"));
        assert!(cel("'abc' == r'abc'"));
        assert!(cel("false < true"));
        assert!(cel("null == null"));
        assert!(cel("1 == 1.0"));
        assert!(cel("1 < 1.5"));
        assert!(cel("2 < 2.5"));
        assert!(cel("2.5 > 2"));
        assert!(!cel("1 != 1.0"));
        assert!(cel("9223372036854775807 < 9223372036854775808.0"));
        assert!(cel("-9223372036854775808 == -9223372036854775808.0"));
        assert!(!cel("0.0 / 0.0 == 0.0 / 0.0"));
    }

    // cel-spec basic.textproto (self_eval_unicode_escape_four) and string.textproto.
    #[test]
    fn cel_strings() {
        assert!(cel(r"'\x41' == 'A'"));
        assert!(cel(r#""\u00e9" == 'é'"#));
        assert!(cel(r#""\u270c" == '✌'"#));
        assert!(cel(r#"'\'' == "'""#));
        assert!(cel("size('é') == 1"));
        assert!(cel(
            "'hello'.startsWith('he') && 'hello'.endsWith('lo') && 'hello'.contains('ll')"
        ));
    }

    // cel-spec lists.textproto (in_list_literal and friends).
    #[test]
    fn cel_lists() {
        assert!(cel("2 in [1, 2, 3]"));
        assert!(!cel("4 in [1, 2, 3]"));
        assert!(cel("'b' in ['a', 'b']"));
        assert!(!cel("1 in []"));
        assert!(cel("1 in [1.0]"));
        assert!(cel("size([1, 2]) == 2 && [1, 2].size() == 2"));
        assert!(cel("[7, 8][1] == 8"));
        // Lists under other values, in branches of different lengths, and in chains.
        assert!(cel(
            "(1 > 0 ? [1, 2, 3] : [4])[2] == 3 && (1 < 0 ? [1, 2, 3] : [4])[0] == 4"
        ));
        assert!(cel(
            "size([1, 2, 3]) + size(['a']) == 4 && 3 in [1 + 2] && !(5 in [1, 2])"
        ));
    }

    // cel-spec integer_math.textproto and fp_math.textproto.
    #[test]
    fn cel_arithmetic() {
        assert!(cel("3 / 2 == 1"));
        assert!(cel("-3 / 2 == -1"));
        assert!(cel("3.0 / 2.0 == 1.5"));
        assert!(cel("7 % 3 == 1"));
        assert!(cel("-7 % 3 == -1"));
        assert!(cel("1.0 / 0.0 > 1e308"));
        assert!(cel("int(2.9) == 2 && int(-2.9) == -2 && double(3) == 3.0"));
        assert!(cel("min(3, 1, 2) == 1 && max(1.5, 2.5) == 2.5"));
        assert!(cel(
            "days(2) == duration('48h') && duration('1d') - duration('1h') == duration('23h')"
        ));
    }

    // An arithmetic error makes the value missing, so a comparison with it is false (never a panic).
    #[test]
    fn arithmetic_errors_are_missing_not_panics() {
        for src in [
            "9223372036854775807 + 1 > 0",
            "-9223372036854775808 - 1 < 0",
            "-9223372036854775808 / -1 != 0",
            "-9223372036854775808 % -1 == 0",
            "1 / 0 == 0",
            "1 % 0 == 0",
            "-(-9223372036854775808) > 0",
            "int(1e19) > 0",
            "int(0.0 / 0.0) == 0",
            "days(9223372036854775807) > duration('1s')",
            "[1][5] == 1",
            "[1][-1] == 1",
        ] {
            assert!(!cel(src), "{src}");
            assert!(cel(&format!("!({src})")), "!({src})");
        }
        assert!(cel("1 / 0 == 0 || true"));
        assert!(!cel("1 / 0 == 0 && true"));
    }

    // The issue's examples over the test customer's orders (super::tests::ORDERS): a 25.00 book
    // 40 days before the scoring instant by coupon, a 30.00 DVD 10 days before (cost 18.00) on
    // the web, a 12.50 book 2 days before by coupon.
    #[test]
    fn macros_over_orders() {
        assert!(run(
            "orders.exists(o, o.category == 'dvd' && o.amount > 20.0 && o.at > now - duration('30d'))"
        ));
        assert!(!run(
            "orders.exists(o, o.category == 'dvd' && o.at > now - duration('7d'))"
        ));
        assert!(run("orders.all(o, o.amount >= 12.5)"));
        assert!(!run("orders.all(o, o.amount > 12.5)"));
        assert!(run("orders.exists_one(o, o.channel == 'web')"));
        assert!(!run("orders.exists_one(o, o.channel == 'coupon')"));
        assert!(!run("orders.exists_one(o, o.channel == 'store')"));
        assert!(run("orders.filter(o, o.channel == 'coupon').size() == 2"));
        assert!(run(
            "size(orders.filter(o, o.category == store.books)) == 0"
        ));
        assert!(run("orders.filter(o, o.category == 'books').size() == 2"));
        assert!(run(
            "orders.map(o, o.amount).size() == 3 && size(orders) == 3"
        ));
        // A missing cost (two of the three orders) compares false, either way.
        assert!(run("orders.filter(o, o.cost < 100.0).size() == 1"));
        assert!(run("orders.filter(o, !(o.cost < 100.0)).size() == 2"));
        assert!(!run("orders.all(o, o.discount >= 0.0)"));
        assert!(run(
            "orders.filter(o, has(o.cost)).size() == 1 && orders.all(o, !has(o.discount))"
        ));
        assert!(run(
            "orders.all(o, has(o.category) && has(o.at) && has(o.amount))"
        ));
        assert!(run(
            "orders[1].amount == 30.0 && orders[2].category == 'books'"
        ));
        // A macro over a literal inside one over the orders.
        assert!(run(
            "orders.exists(o, ['dvd', 'toys'].exists(c, o.category == c))"
        ));
        assert!(!run(
            "orders.exists(o, ['toys'].exists(c, o.category == c))"
        ));
        // The macros over other lists.
        assert!(cel(
            "[1, 2, 3].exists(e, e == 2) && [1, 2, 3].all(e, e > 0)"
        ));
        assert!(cel(
            "!['a', 'b'].exists_one(s, s < 'c') && [6, 7, 8].exists_one(x, x % 5 == 2)"
        ));
        assert!(cel("[1, 2, 3, 4].filter(x, x % 2 == 0).size() == 2"));
        assert!(run(
            "categories.exists(c, c.startsWith('mu')) && categories.all(c, size(c) == 5)"
        ));
        // No orders: exists is false, all true, counts 0.
        let empty = |src: &str| {
            let p = compile(src, &schema(), &Limits::default()).unwrap_or_else(|e| panic!("{e}"));
            p.eval(&Context::new(&[]))
        };
        assert!(!empty("orders.exists(o, o.amount > 0.0)"));
        assert!(empty("orders.all(o, o.amount > 0.0)"));
        assert!(empty("orders.filter(o, o.amount > 0.0).size() == 0"));
    }

    // cel-spec lists.textproto, string.textproto and conversions.textproto.
    #[test]
    fn joins_conversions_and_list_equality() {
        assert!(cel(
            "'he' + 'llo' == 'hello' && [1, 2] + [3] == [1, 2, 3] && [] + [3, 4] == [3, 4]"
        ));
        assert!(cel(
            "[1, 2] != [2, 1] && [1, 2] != [1] && [] == [] && [1.0] == [1]"
        ));
        assert!(run("categories == ['books', 'music'] && categories != ['books'] && [store.books] == ['Bücher']"));
        assert!(cel(
            "int('987') == 987 && double('-1.5e3') == -1500.0 && string(-4.5e-3) == '-0.0045'"
        ));
        assert!(cel(
            "bool('TRUE') && !bool('f') && string(true) == 'true' && string('x') == 'x'"
        ));
        assert!(!cel("int('12x') == 12") && !cel("int('99999999999999999999') > 0"));
        assert!(cel(
            "!(int('1.5') == 1) && duration(duration('1h')) == duration('60m')"
        ));
    }

    /// Orders for [`macros_agree_with_plain_iteration`]: (amount, category code).
    struct Generated(Vec<(f64, usize)>);

    impl OrderView for Generated {
        fn len(&self) -> usize {
            self.0.len()
        }
        fn number(&self, i: usize, field: OrderField) -> f64 {
            match (self.0.get(i), field) {
                (Some(&(amount, _)), OrderField::Amount) => amount,
                (Some(_), OrderField::At) => (i as f64) * 86_400_000.0,
                _ => f64::NAN,
            }
        }
        fn text(&self, i: usize, field: OrderField) -> Option<&str> {
            let &(_, c) = self.0.get(i)?;
            match field {
                OrderField::Category => ["books", "dvd", "music"].get(c).copied(),
                _ => None,
            }
        }
    }

    // Each macro against the same question asked of the orders by plain iteration, on 300
    // generated customers of 0 to 11 orders (category code 3: no category).
    #[test]
    fn macros_agree_with_plain_iteration() {
        let mut seed = 7u32;
        let mut next = |n: u32| {
            seed = seed.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
            (seed >> 8) % n
        };
        let rules: Vec<Program> = [
            "orders.exists(o, o.category == 'dvd' && o.amount > 20.0)",
            "orders.all(o, o.amount > 5.0)",
            "orders.exists_one(o, o.category == 'books')",
            "orders.filter(o, o.amount >= 10.0 && o.category != 'music').size()",
            "orders.map(o, o.amount).size()",
            "orders.filter(o, o.at >= timestamp('1970-01-04T00:00:00Z')).size()",
        ]
        .iter()
        .map(|r| compile_value(r))
        .collect();
        for _ in 0..300 {
            let orders = Generated(
                (0..next(12))
                    .map(|_| (f64::from(next(60)), next(4) as usize))
                    .collect(),
            );
            let o = &orders.0;
            let count = |f: &dyn Fn(&(f64, usize)) -> bool| o.iter().filter(|x| f(x)).count();
            let expected = [
                (count(&|&(a, c)| c == 1 && a > 20.0) > 0).to_string(),
                (count(&|&(a, _)| a > 5.0) == o.len()).to_string(),
                (count(&|&(_, c)| c == 0) == 1).to_string(),
                // a missing category is not "music", but the comparison with it is false
                count(&|&(a, c)| a >= 10.0 && c != 2 && c != 3).to_string(),
                o.len().to_string(),
                o.len().saturating_sub(3).to_string(),
            ];
            let ctx = Context {
                orders: &orders,
                ..Context::new(&[])
            };
            for (p, want) in rules.iter().zip(&expected) {
                assert_eq!(&p.explain(&ctx).value, want, "{} on {o:?}", p.source());
            }
        }
    }

    // cel-spec timestamps.textproto: timestamp ± duration, timestamp − timestamp, comparisons.
    #[test]
    fn timestamps() {
        assert!(run("now == timestamp('2026-11-25T00:00:00Z')"));
        assert!(run(
            "now - timestamp('2026-11-24T00:00:00Z') == duration('24h') && now - duration('1d') < now"
        ));
        assert!(cel(
            "timestamp('2026-01-01T00:00:00Z') + duration('36h') == timestamp('2026-01-02T12:00:00Z')"
        ));
        assert!(cel(
            "duration('1h') + timestamp('1970-01-01T00:00:00Z') == timestamp('1970-01-01T01:00:00Z')"
        ));
        assert!(cel(
            "timestamp('2026-01-01T00:00:00Z') > timestamp('2025-12-31T23:59:59Z')"
        ));
        // CEL's ranges: a sum past them is out of range (missing), never a wrapped value.
        assert!(cel(
            "duration('9223372036s') == duration('106751d23h47m16s')"
        ));
        assert!(!cel(
            "duration('9223372036s') + duration('1s') > duration('0s')"
        ));
        assert!(!cel(
            "timestamp('2500-01-01T00:00:00Z') - timestamp('2000-01-01T00:00:00Z') > duration('0s')"
        ));
        assert!(!cel(
            "timestamp('9999-12-31T23:59:59Z') + duration('1s') > timestamp('2026-01-01T00:00:00Z')"
        ));
        assert!(cel(
            "!(timestamp('0001-01-01T00:00:00Z') - duration('1s') < timestamp('2026-01-01T00:00:00Z'))"
        ));
    }

    #[test]
    fn customer_fields() {
        assert!(run("value.frequency > 3 && value.monetary >= 100"));
        assert!(run(
            "value.abc in ['A', 'B'] && 'books' in categories && !('toys' in categories)"
        ));
        assert!(run(
            "value.rfm.r == 4 && loyalty.stage == 'active' && isVip"
        ));
        assert!(run(
            "tenure > duration('365d') && days(value.recencyDays) > duration('90d')"
        ));
        assert!(run("categories[1] == 'music' && size(categories) == 2"));
    }

    // The issue's rule: a comparison (==, !=, <, <=, >, >=, in) with a missing value is false, and
    // has() tests presence; `!`, `&&`, `||` and `? :` are then plain two-valued logic. Here the NPS
    // score and category are missing, isVip is true.
    #[test]
    fn comparisons_with_missing_values_are_false() {
        for cmp in ["==", "!=", "<", "<=", ">", ">="] {
            assert!(!run(&format!("satisfaction.nps.score {cmp} 9")), "{cmp}");
            assert!(run(&format!("!(satisfaction.nps.score {cmp} 9)")), "!{cmp}");
        }
        assert!(!run("satisfaction.nps.category in ['promoter', 'passive']"));
        assert!(run(
            "!(satisfaction.nps.category in ['promoter', 'passive'])"
        ));
        // `!(x == 'A')` and `x == 'A' ? false : true` agree
        assert!(run("!(satisfaction.nps.category == 'promoter')"));
        assert!(run(
            "satisfaction.nps.category == 'promoter' ? false : true"
        ));
        // arithmetic and functions on a missing value stay missing until compared
        assert!(!run("satisfaction.nps.score + 1 != 0"));
        assert!(!run("max(value.frequency, satisfaction.nps.score) > 0"));
        assert!(!run("satisfaction.nps.category.startsWith('p')"));
        assert!(run("!satisfaction.nps.category.startsWith('p')"));
        assert!(run("satisfaction.nps.score >= 9 || isVip"));
        assert!(!run("satisfaction.nps.score >= 9 && isVip"));
        assert!(run("!(satisfaction.nps.score >= 9 && isVip)"));
        assert!(run(
            "(satisfaction.nps.score > 1 ? 'high' : 'low') == 'low'"
        ));
        assert!(!run("has(satisfaction.nps.score)"));
        assert!(run(
            "has(value.recencyDays) && !has(satisfaction.nps.category)"
        ));
        assert!(run(
            "!has(satisfaction.nps.score) || satisfaction.nps.score >= 9"
        ));
    }

    #[test]
    fn facts_bought_days_since_and_segments() {
        assert!(run("bought('books') == 3 && bought('toys') == 0"));
        assert!(run("days_since(lastOrder) == 9"));
        assert!(run("segment('vip') && !segment('churn')"));
        // a segment whose result was not given counts as not matched
        assert!(!run("segment('dormant')"));
        assert!(run("!segment('dormant')"));
        let empty = |src: &str| {
            let s = schema();
            let p = compile(src, &s, &Limits::default()).unwrap_or_else(|e| panic!("{e}"));
            p.eval(&Context::new(&[f64::NAN; 12]))
        };
        assert!(!empty("days_since(lastOrder) >= 0"));
        assert!(empty("bought('books') == 0"));
    }

    #[test]
    fn map_entries_are_missing_when_absent() {
        assert!(run(
            "satisfaction.dimensions.service == -0.5 && satisfaction.dimensions['qualité'] > 0.5"
        ));
        assert!(!run("satisfaction.dimensions.price < 0.0"));
        assert!(run("!(satisfaction.dimensions.price < 0.0)"));
        assert!(run(
            "has(satisfaction.dimensions.service) && !has(satisfaction.dimensions.price)"
        ));
        assert!(run(
            "value.categories.books == 3 && value.categories['music'] == 1"
        ));
        // store.books is "Bücher", which this customer never bought: missing, where bought() counts 0
        assert!(!run("value.categories[store.books] >= 0"));
        assert!(run("bought(store.books) == 0"));
        assert!(run(
            "'music' in categories && categories[0] == 'books' && size(categories) == 2"
        ));
    }

    #[test]
    fn wrongly_filled_slots_never_panic() {
        let s = schema();
        let p = compile(
            "value.frequency > 1 || value.abc.contains('x') || size(categories) > 0",
            &s,
            &Limits::default(),
        )
        .unwrap_or_else(|e| panic!("{e}"));
        // An enum code past its variants, a fraction, infinities: read as some value, never a panic.
        let wrong = [f64::INFINITY, 0.5, f64::NAN, 1e300, 99.0];
        let _ = p.eval(&Context::new(&wrong));
        let _ = p.eval(&Context::new(&[-1.0, -0.5, f64::NEG_INFINITY, 3.5, -99.0]));
        assert!(!p.eval(&Context::new(&[])));
    }

    #[test]
    fn int_double_comparison_is_exact() {
        assert_eq!(cmp_int_double(1, 1.0), Some(Ordering::Equal));
        assert_eq!(cmp_int_double(1, 1.5), Some(Ordering::Less));
        assert_eq!(cmp_int_double(-1, -1.5), Some(Ordering::Greater));
        assert_eq!(
            cmp_int_double(i64::MAX, 9_223_372_036_854_775_808.0),
            Some(Ordering::Less)
        );
        assert_eq!(
            cmp_int_double(i64::MIN, -9_223_372_036_854_775_808.0),
            Some(Ordering::Equal)
        );
        assert_eq!(cmp_int_double(0, f64::NAN), None);
    }

    #[test]
    fn the_stack_is_sized_by_the_compiler() {
        let s = schema();
        // 40 nested additions need 41 stack values: more than fit on the machine's stack.
        let deep = format!("{}1{} > 0", "(1 + ".repeat(40), ")".repeat(40));
        let p = compile(
            &deep,
            &s,
            &Limits {
                max_depth: 128,
                ..Limits::default()
            },
        )
        .unwrap();
        assert!(p.max_stack > STACK);
        assert!(p.eval(&Context::new(&[])));
        let _ = AS_OF_MS;
    }

    /// Fused instructions (a field compared with a constant, an enum in a
    /// list, `bought` compared) give what the unfused code gives: explanations
    /// run the unfused code, and their top value is the rule's result.
    #[test]
    fn fused_instructions_agree_with_the_unfused_code() {
        let s = schema();
        let rules = [
            "value.frequency == 1",
            "value.frequency >= 2 && value.monetary < 150.5 && value.recencyDays <= 180",
            "value.abc in ['A', 'B'] && value.recencyDays > 90",
            "value.abc in ['C', 'Z'] || value.abc == 'D'",
            "bought(store.books) > 0 && bought('music') == 0",
            "value.rfm.r >= 4 && value.frequency + value.rfm.r >= 8",
            "(value.rfm.r == 2 && value.frequency + value.rfm.r >= 6) || (value.rfm.r == 1 && !(value.monetary < 8.5))",
            "value.abc != 'B' && !(value.abc == 'Z') && segment('vip') && !segment('churn') || false",
            "2 < value.frequency && 100 >= value.monetary",
        ];
        let mut seed = 99u32;
        let mut next = || {
            seed = seed.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
            seed >> 8
        };
        let mut checked = 0;
        for rule in rules {
            let p = compile(rule, &s, &Limits::default()).unwrap_or_else(|e| panic!("{rule}: {e}"));
            for _ in 0..200 {
                let numbers: Vec<f64> = (0..12)
                    .map(|_| match next() % 7 {
                        0 => f64::NAN,
                        1 => 0.5,
                        k => f64::from(next() % (k * 60)),
                    })
                    .collect();
                let categories = super::super::tests::Entries(if next() % 2 == 0 {
                    vec![("books", 2.0)]
                } else {
                    vec![("music", 1.0)]
                });
                let maps: [&dyn super::super::MapView; 2] = [&categories, &categories];
                let segments = [
                    Some(next() % 2 == 0),
                    if next() % 3 == 0 { None } else { Some(true) },
                ];
                let ctx = Context {
                    numbers: &numbers,
                    maps: &maps,
                    as_of_ms: AS_OF_MS,
                    segments: &segments,
                    orders: &(),
                };
                assert_eq!(
                    p.eval(&ctx).to_string(),
                    p.explain(&ctx).value,
                    "{rule} on {numbers:?}"
                );
                checked += 1;
            }
        }
        assert_eq!(checked, 1800);
        let fast = |rule: &str| {
            compile(rule, &s, &Limits::default())
                .unwrap()
                .tests
                .is_some()
        };
        assert!(
            rules.iter().all(|r| fast(r)),
            "every rule above takes the path without the machine"
        );
        assert!(!fast("size(categories) > 1") && !fast("value.frequency > 9223372036854775807"));
    }
}
