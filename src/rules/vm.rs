//! Evaluation of compiled rules, and explanations of their results.

use super::compile::{Arith, Cmp, Func, NodeId, Op, Program};
use super::{Context, Slot};
use serde::Serialize;
use std::cmp::Ordering;
use crate::map::NameMap;
use std::fmt;

/// Why a value is missing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Why {
    Missing,
    Overflow,
    DivisionByZero,
    OutOfRange,
    NotEvaluated,
    WrongSlotType,
}

impl Why {
    fn as_str(self) -> &'static str {
        match self {
            Why::Missing => "missing value",
            Why::Overflow => "integer overflow",
            Why::DivisionByZero => "division by zero",
            Why::OutOfRange => "out of range",
            Why::NotEvaluated => "segment not evaluated",
            Why::WrongSlotType => "slot holds another type",
        }
    }
}

/// A list being evaluated: a field's strings, a map's names or the elements of a literal.
#[derive(Debug, Clone, Copy)]
enum List<'a> {
    Strings(&'a [String]),
    Keys(&'a NameMap<u32>),
    Literal(&'a [NodeId]),
}

/// A runtime value; borrowing from the program and the context, never allocating.
#[derive(Debug, Clone, Copy)]
enum Val<'a> {
    Unknown(Why),
    Null,
    Bool(bool),
    Int(i64),
    Double(f64),
    Str(&'a str),
    List(List<'a>),
    Timestamp(i64),
    Duration(i64),
}

const MS_PER_DAY: i64 = 86_400_000;

/// CEL's heterogeneous numeric comparison of an int with a double, exact for all values.
fn cmp_int_double(i: i64, d: f64) -> Option<Ordering> {
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
    fn from_slot(slot: Slot<'a>) -> Self {
        match slot {
            Slot::Missing => Val::Unknown(Why::Missing),
            Slot::Bool(b) => Val::Bool(b),
            Slot::Int(i) => Val::Int(i),
            Slot::Double(d) => Val::Double(d),
            Slot::Str(s) => Val::Str(s),
            Slot::List(l) => Val::List(List::Strings(l)),
            Slot::Keys(m) => Val::List(List::Keys(m)),
            Slot::Timestamp(t) => Val::Timestamp(t),
            Slot::Duration(d) => Val::Duration(d),
            Slot::IntMap(_) | Slot::DoubleMap(_) => Val::Unknown(Why::WrongSlotType),
        }
    }

    /// Entry `key` of a map slot.
    fn entry(slot: Slot<'a>, key: &str) -> Self {
        match slot {
            Slot::IntMap(m) => m.get(key).map_or(Val::Unknown(Why::Missing), |&n| Val::Int(i64::from(n))),
            Slot::DoubleMap(m) => m.get(key).map_or(Val::Unknown(Why::Missing), |&d| Val::Double(d)),
            Slot::Missing => Val::Unknown(Why::Missing),
            _ => Val::Unknown(Why::WrongSlotType),
        }
    }

    fn int(r: Option<i64>, why: Why) -> Self {
        r.map_or(Val::Unknown(why), Val::Int)
    }
}

impl Program {
    /// Evaluates the rule for one customer: `true` if it matches.
    pub fn eval(&self, ctx: &Context<'_>) -> bool {
        self.truth(self.root, ctx)
    }

    /// A condition's outcome: only `true` is true (a missing bool counts as false).
    fn truth(&self, id: NodeId, ctx: &Context<'_>) -> bool {
        matches!(self.value(id, ctx), Val::Bool(true))
    }

    fn slot<'a>(&self, ctx: &Context<'a>, slot: u32) -> Slot<'a> {
        ctx.slots.get(slot as usize).copied().unwrap_or(Slot::Missing)
    }

    /// Evaluates the rule and explains the result: each `&&`, `||`, `!` and
    /// `? :` with the operands that were evaluated, down to the comparisons
    /// and calls, with the values of the fields and facts they read.
    pub fn explain(&self, ctx: &Context<'_>) -> Explanation {
        self.explain_node(self.root, ctx)
    }

    fn list_len(&self, list: List<'_>) -> usize {
        match list {
            List::Strings(s) => s.len(),
            List::Keys(m) => m.len(),
            List::Literal(ids) => ids.len(),
        }
    }

    fn list_get<'a>(&'a self, list: List<'a>, i: usize, ctx: &Context<'a>) -> Val<'a> {
        match list {
            List::Strings(s) => s.get(i).map_or(Val::Unknown(Why::OutOfRange), |s| Val::Str(s)),
            List::Keys(m) => m.key_at(i).map_or(Val::Unknown(Why::OutOfRange), Val::Str),
            List::Literal(ids) => ids.get(i).map_or(Val::Unknown(Why::OutOfRange), |&id| self.value(id, ctx)),
        }
    }

    fn value<'a>(&'a self, id: NodeId, ctx: &Context<'a>) -> Val<'a> {
        match self.node(id).op {
            Op::Null => Val::Null,
            Op::Bool(b) => Val::Bool(b),
            Op::Int(i) => Val::Int(i),
            Op::Double(d) => Val::Double(d),
            Op::Str(i) => Val::Str(&self.strings[i as usize]),
            Op::Duration(d) => Val::Duration(d),
            Op::Field { slot, .. } => Val::from_slot(self.slot(ctx, slot)),
            Op::Constant { value, .. } => Val::Str(&self.strings[value as usize]),
            Op::Entry { slot, key } => Val::entry(self.slot(ctx, slot), &self.strings[key as usize]),
            Op::Has { slot } => Val::Bool(!matches!(self.slot(ctx, slot), Slot::Missing)),
            Op::HasEntry { slot, key } => {
                Val::Bool(!matches!(Val::entry(self.slot(ctx, slot), &self.strings[key as usize]), Val::Unknown(_)))
            }
            Op::Segment(i) => match ctx.segments.get(i as usize) {
                Some(Some(b)) => Val::Bool(*b),
                _ => Val::Unknown(Why::NotEvaluated),
            },
            Op::List { start, len } => Val::List(List::Literal(self.args_of(start, len))),
            Op::Index(list, index) => match (self.value(list, ctx), self.value(index, ctx)) {
                (Val::List(l), Val::Int(i)) => match usize::try_from(i) {
                    Ok(i) => self.list_get(l, i, ctx),
                    Err(_) => Val::Unknown(Why::OutOfRange),
                },
                (Val::Unknown(w), _) | (_, Val::Unknown(w)) => Val::Unknown(w),
                _ => Val::Unknown(Why::WrongSlotType),
            },
            Op::Not(x) => Val::Bool(!self.truth(x, ctx)),
            Op::Neg(x) => match self.value(x, ctx) {
                Val::Int(i) => Val::int(i.checked_neg(), Why::Overflow),
                Val::Double(d) => Val::Double(-d),
                Val::Duration(d) => d.checked_neg().map_or(Val::Unknown(Why::Overflow), Val::Duration),
                Val::Unknown(w) => Val::Unknown(w),
                _ => Val::Unknown(Why::WrongSlotType),
            },
            Op::And { start, len } => Val::Bool(self.args_of(start, len).iter().all(|&x| self.truth(x, ctx))),
            Op::Or { start, len } => Val::Bool(self.args_of(start, len).iter().any(|&x| self.truth(x, ctx))),
            Op::Cond(c, a, b) => self.value(if self.truth(c, ctx) { a } else { b }, ctx),
            Op::Cmp(cmp, l, r) => Val::Bool(compare(cmp, self.value(l, ctx), self.value(r, ctx))),
            Op::In(l, r) => Val::Bool(self.contains(self.value(l, ctx), self.value(r, ctx), ctx)),
            Op::Arith(op, l, r) => arith(op, self.value(l, ctx), self.value(r, ctx)),
            Op::Call { func, start, len } => self.call(func, self.args_of(start, len), ctx),
        }
    }

    /// `needle in list`: whether an element equals it (a missing needle or element equals nothing).
    fn contains<'a>(&'a self, needle: Val<'a>, list: Val<'a>, ctx: &Context<'a>) -> bool {
        let Val::List(list) = list else { return false };
        (0..self.list_len(list)).any(|i| compare(Cmp::Eq, needle, self.list_get(list, i, ctx)))
    }

    fn call<'a>(&'a self, func: Func, args: &[NodeId], ctx: &Context<'a>) -> Val<'a> {
        let arg = |i: usize| args.get(i).map_or(Val::Unknown(Why::WrongSlotType), |&id| self.value(id, ctx));
        if matches!(func, Func::Min | Func::Max) {
            return self.extreme(func == Func::Max, args, ctx);
        }
        match (func, arg(0), arg(1)) {
            (Func::StartsWith | Func::EndsWith | Func::Contains, Val::Unknown(_), _)
            | (Func::StartsWith | Func::EndsWith | Func::Contains, _, Val::Unknown(_)) => Val::Bool(false),
            (_, Val::Unknown(w), _) => Val::Unknown(w),
            (Func::Size, Val::Str(s), _) => Val::int(i64::try_from(s.chars().count()).ok(), Why::Overflow),
            (Func::Size, Val::List(l), _) => Val::int(i64::try_from(self.list_len(l)).ok(), Why::Overflow),
            (Func::Int, Val::Int(i), _) => Val::Int(i),
            (Func::Int, Val::Double(d), _) => {
                if d > -9_223_372_036_854_775_808.0 && d < 9_223_372_036_854_775_808.0 {
                    Val::Int(d as i64)
                } else {
                    Val::Unknown(Why::OutOfRange)
                }
            }
            (Func::Double, Val::Int(i), _) => Val::Double(i as f64),
            (Func::Double, Val::Double(d), _) => Val::Double(d),
            (Func::Days, Val::Int(n), _) => n.checked_mul(86_400).map_or(Val::Unknown(Why::Overflow), Val::Duration),
            (Func::DaysSince, Val::Timestamp(t), _) => {
                Val::int(ctx.as_of_ms.checked_sub(t).map(|ms| ms.div_euclid(MS_PER_DAY)), Why::Overflow)
            }
            (Func::Bought, Val::Str(category), _) => Val::Int(i64::from((ctx.bought)(category))),
            (Func::StartsWith, Val::Str(s), Val::Str(p)) => Val::Bool(s.starts_with(p)),
            (Func::EndsWith, Val::Str(s), Val::Str(p)) => Val::Bool(s.ends_with(p)),
            (Func::Contains, Val::Str(s), Val::Str(p)) => Val::Bool(crate::json::contains(s, p)),
            _ => Val::Unknown(Why::WrongSlotType),
        }
    }

    /// `min`/`max`: missing if any argument is; NaN if any double is NaN.
    fn extreme<'a>(&'a self, max: bool, args: &[NodeId], ctx: &Context<'a>) -> Val<'a> {
        let mut best: Option<Val<'a>> = None;
        for &id in args {
            let v = self.value(id, ctx);
            best = Some(match (best, v) {
                (_, Val::Unknown(w)) | (Some(Val::Unknown(w)), _) => return Val::Unknown(w),
                (None, v) => v,
                (Some(Val::Double(a)), Val::Double(b)) if a.is_nan() || b.is_nan() => Val::Double(f64::NAN),
                (Some(b), v) if compare(if max { Cmp::Gt } else { Cmp::Lt }, v, b) => v,
                (Some(b), _) => b,
            });
        }
        best.unwrap_or(Val::Unknown(Why::WrongSlotType))
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
        (Val::Timestamp(x), Val::Timestamp(y)) | (Val::Duration(x), Val::Duration(y)) => Some(x.cmp(&y)),
        (Val::Null, Val::Null) => Some(Ordering::Equal),
        _ => None,
    }
}

/// A comparison; `false`, whatever the operator, when either side is missing.
#[inline(always)]
fn compare(cmp: Cmp, a: Val<'_>, b: Val<'_>) -> bool {
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
            Arith::Rem => x % y,
        }),
        (Val::Duration(x), Val::Duration(y)) => {
            let r = if op == Arith::Add { x.checked_add(y) } else { x.checked_sub(y) };
            r.map_or(Val::Unknown(Why::Overflow), Val::Duration)
        }
        _ => Val::Unknown(Why::WrongSlotType),
    }
}

/// How one evaluated sub-expression came out.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Explanation {
    /// The sub-expression's source text.
    pub expr: String,
    /// Its value, written as a literal (`true`, `12`, `"gold"`), or `unknown (reason)` for a
    /// missing value (a comparison with one is `false`, and its fields show `missing`).
    pub value: String,
    /// The fields and facts (`bought(...)`, `segment(...)`) it read, in source order.
    pub fields: Vec<FieldValue>,
    /// The evaluated operands of `&&`, `||`, `!` and `? :`.
    pub children: Vec<Explanation>,
}

/// A field or fact read by an explained expression.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FieldValue {
    /// The field name or the call, e.g. `value.recencyDays` or `bought('books')`.
    pub name: String,
    /// Its value, as in [`Explanation::value`]; `missing` for an absent field.
    pub value: String,
}

impl Explanation {
    fn write(&self, f: &mut fmt::Formatter<'_>, indent: usize) -> fmt::Result {
        write!(f, "{:indent$}{} → {}", "", self.expr, self.value)?;
        if !self.fields.is_empty() {
            let fields: Vec<String> = self.fields.iter().map(|v| format!("{} = {}", v.name, v.value)).collect();
            write!(f, " ({})", fields.join(", "))?;
        }
        for child in &self.children {
            f.write_str("\n")?;
            child.write(f, indent + 2)?;
        }
        Ok(())
    }
}

/// One line per explained node, children indented by two spaces:
/// `value.recencyDays > 90 → true (value.recencyDays = 123)`.
impl fmt::Display for Explanation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.write(f, 0)
    }
}

/// Renders a value the way it would be written in a rule.
fn show(program: &Program, v: Val<'_>, ctx: &Context<'_>) -> String {
    match v {
        Val::Unknown(w) => format!("unknown ({})", w.as_str()),
        Val::Null => "null".into(),
        Val::Bool(b) => b.to_string(),
        Val::Int(i) => i.to_string(),
        Val::Double(d) => format!("{d:?}"),
        Val::Str(s) => format!("{s:?}"),
        Val::Timestamp(ms) => format!("timestamp('{}')", iso_date(ms)),
        Val::Duration(s) if s % 86_400 == 0 => format!("duration('{}d')", s / 86_400),
        Val::Duration(s) => format!("duration('{s}s')"),
        Val::List(l) => {
            let n = program.list_len(l);
            let mut items: Vec<String> =
                (0..n.min(10)).map(|i| show(program, program.list_get(l, i, ctx), ctx)).collect();
            if n > 10 {
                items.push(format!("... {} more", n - 10));
            }
            format!("[{}]", items.join(", "))
        }
    }
}

/// `YYYY-MM-DDTHH:MM:SSZ` for milliseconds since the epoch (proleptic Gregorian calendar).
fn iso_date(ms: i64) -> String {
    let days = ms.div_euclid(MS_PER_DAY);
    let secs = ms.rem_euclid(MS_PER_DAY) / 1000;
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z", secs / 3600, secs / 60 % 60, secs % 60)
}

impl Program {
    fn explain_node(&self, id: NodeId, ctx: &Context<'_>) -> Explanation {
        let op = self.node(id).op;
        let children: Vec<NodeId> = match op {
            Op::Not(x) => vec![x],
            Op::And { start, len } | Op::Or { start, len } => {
                // The operands evaluated: up to the first that decides (false for `&&`, true for `||`).
                let decides = matches!(op, Op::Or { .. });
                let operands = self.args_of(start, len);
                let evaluated = operands.iter().position(|&x| self.truth(x, ctx) == decides).map_or(operands.len(), |i| i + 1);
                operands[..evaluated].to_vec()
            }
            Op::Cond(c, a, b) => vec![c, if self.truth(c, ctx) { a } else { b }],
            _ => Vec::new(),
        };
        let mut fields = Vec::new();
        let is_input = matches!(
            op,
            Op::Field { .. } | Op::Constant { .. } | Op::Entry { .. } | Op::Segment(_) | Op::Call { func: Func::Bought, .. }
        );
        if children.is_empty() && !is_input {
            self.collect_inputs(id, ctx, &mut fields);
        }
        Explanation {
            expr: self.text(id).to_string(),
            value: show(self, self.value(id, ctx), ctx),
            fields,
            children: children.into_iter().map(|c| self.explain_node(c, ctx)).collect(),
        }
    }

    /// The fields and facts read under `id`, each once, in source order.
    fn collect_inputs(&self, id: NodeId, ctx: &Context<'_>, out: &mut Vec<FieldValue>) {
        let node = self.node(id);
        let name = match node.op {
            Op::Field { name, .. } | Op::Constant { name, .. } => Some(self.strings[name as usize].clone()),
            Op::Entry { .. } | Op::Segment(_) | Op::Call { func: Func::Bought, .. } => Some(self.text(id).to_string()),
            _ => None,
        };
        if let Some(name) = name {
            if !out.iter().any(|f| f.name == name) {
                let value = match self.value(id, ctx) {
                    Val::Unknown(Why::Missing) => "missing".to_string(),
                    v => show(self, v, ctx),
                };
                out.push(FieldValue { name, value });
            }
            if !matches!(node.op, Op::Call { .. }) {
                return;
            }
        }
        let mut kids = [0; 3];
        let operands: &[NodeId] = match node.op {
            Op::Index(a, b) | Op::Cmp(_, a, b) | Op::In(a, b) | Op::Arith(_, a, b) => {
                kids[..2].copy_from_slice(&[a, b]);
                &kids[..2]
            }
            Op::Not(a) | Op::Neg(a) => {
                kids[0] = a;
                &kids[..1]
            }
            Op::Cond(a, b, c) => {
                kids = [a, b, c];
                &kids
            }
            Op::List { start, len } | Op::Call { start, len, .. } | Op::And { start, len } | Op::Or { start, len } => {
                self.args_of(start, len)
            }
            _ => &[],
        };
        for &k in operands {
            self.collect_inputs(k, ctx, out);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::{schema, AS_OF_MS};
    use super::super::{compile, Limits, Schema};
    use super::*;

    /// Evaluates a closed expression (no fields) like the CEL conformance tests do.
    fn cel(src: &str) -> bool {
        let p = compile(src, &Schema::new(), &Limits::default()).unwrap_or_else(|e| panic!("{src}: {e}"));
        p.eval(&Context::new(&[]))
    }

    fn categories() -> Vec<String> {
        vec!["books".to_string(), "music".to_string()]
    }

    fn bought(category: &str) -> u32 {
        match category {
            "books" => 3,
            _ => 0,
        }
    }

    /// The maps of the customer: per-dimension gaps, orders per category.
    fn maps() -> (NameMap<f64>, NameMap<u32>) {
        let mut dimensions = NameMap::default();
        dimensions.insert("service", -0.5);
        dimensions.insert("qualité", 1.0);
        (dimensions, NameMap::count(["books", "music", "books", "books"]))
    }

    /// A customer for [`schema`]: NPS missing, last order 9.5 days before the scoring instant.
    fn slots<'a>(categories: &'a [String], dimensions: &'a NameMap<f64>, counts: &'a NameMap<u32>) -> Vec<Slot<'a>> {
        vec![
            Slot::Int(5),
            Slot::Double(120.5),
            Slot::Int(123),
            Slot::Int(4),
            Slot::Str("A"),
            Slot::Missing,
            Slot::Missing,
            Slot::Str("active"),
            Slot::List(categories),
            Slot::Timestamp(AS_OF_MS - 9 * MS_PER_DAY - MS_PER_DAY / 2),
            Slot::Bool(true),
            Slot::Duration(400 * 86_400),
            Slot::DoubleMap(dimensions),
            Slot::IntMap(counts),
        ]
    }

    fn with_customer<T>(f: impl FnOnce(&Schema, &Context<'_>) -> T) -> T {
        let cats = categories();
        let (dimensions, counts) = maps();
        let slots = slots(&cats, &dimensions, &counts);
        let segments = [Some(true), Some(false), None];
        let ctx = Context { slots: &slots, bought: &bought, as_of_ms: AS_OF_MS, segments: &segments };
        f(&schema(), &ctx)
    }

    fn run(src: &str) -> bool {
        with_customer(|s, ctx| compile(src, s, &Limits::default()).unwrap_or_else(|e| panic!("{src}: {e}")).eval(ctx))
    }

    fn explain(src: &str) -> Explanation {
        with_customer(|s, ctx| compile(src, s, &Limits::default()).unwrap_or_else(|e| panic!("{e}")).explain(ctx))
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
        assert!(cel(r"'\'' == &quot;'&quot;".replace("&quot;", "\"").as_str()));
        assert!(cel("size('é') == 1"));
        assert!(cel("'hello'.startsWith('he') && 'hello'.endsWith('lo') && 'hello'.contains('ll')"));
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
        assert!(cel("days(2) == duration('48h') && duration('1d') - duration('1h') == duration('23h')"));
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

    #[test]
    fn customer_fields() {
        assert!(run("value.frequency > 3 && value.monetary >= 100"));
        assert!(run("value.abc in ['A', 'B'] && 'books' in categories && !('toys' in categories)"));
        assert!(run("value.rfm.r == 4 && loyalty.stage == 'active' && isVip"));
        assert!(run("tenure > duration('365d') && days(value.recencyDays) > duration('90d')"));
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
        assert!(run("!(satisfaction.nps.category in ['promoter', 'passive'])"));
        // `!(x == 'A')` and `x == 'A' ? false : true` agree
        assert!(run("!(satisfaction.nps.category == 'promoter')"));
        assert!(run("satisfaction.nps.category == 'promoter' ? false : true"));
        // arithmetic and functions on a missing value stay missing until compared
        assert!(!run("satisfaction.nps.score + 1 != 0"));
        assert!(!run("max(value.frequency, satisfaction.nps.score) > 0"));
        assert!(!run("satisfaction.nps.category.startsWith('p')"));
        assert!(run("!satisfaction.nps.category.startsWith('p')"));
        assert!(run("satisfaction.nps.score >= 9 || isVip"));
        assert!(!run("satisfaction.nps.score >= 9 && isVip"));
        assert!(run("!(satisfaction.nps.score >= 9 && isVip)"));
        assert!(run("(satisfaction.nps.score > 1 ? 'high' : 'low') == 'low'"));
        assert!(!run("has(satisfaction.nps.score)"));
        assert!(run("has(value.recencyDays) && !has(satisfaction.nps.category)"));
        assert!(run("!has(satisfaction.nps.score) || satisfaction.nps.score >= 9"));
    }

    #[test]
    fn facts_bought_days_since_and_segments() {
        assert!(run("bought('books') == 3 && bought('toys') == 0"));
        assert!(run("days_since(lastOrder) == 9"));
        assert!(run("segment('vip') && !segment('churn')"));
        // a segment whose result was not given counts as not matched
        assert!(!run("segment('dormant')"));
        assert!(run("!segment('dormant')"));
        let ctx_missing_ts = |src: &str| {
            let s = schema();
            let p = compile(src, &s, &Limits::default()).unwrap_or_else(|e| panic!("{e}"));
            p.eval(&Context::new(&[Slot::Missing; 12]))
        };
        assert!(!ctx_missing_ts("days_since(lastOrder) >= 0"));
        assert!(ctx_missing_ts("bought('books') == 0"));
    }

    #[test]
    fn map_entries_are_missing_when_absent() {
        assert!(run("satisfaction.dimensions.service == -0.5 && satisfaction.dimensions['qualité'] > 0.5"));
        assert!(!run("satisfaction.dimensions.price < 0.0"));
        assert!(run("!(satisfaction.dimensions.price < 0.0)"));
        assert!(run("has(satisfaction.dimensions.service) && !has(satisfaction.dimensions.price)"));
        assert!(run("value.categories.books == 3 && value.categories['music'] == 1"));
        // store.books is "Bücher", which this customer never bought: missing, where bought() counts 0
        assert!(!run("value.categories[store.books] >= 0"));
        assert!(run("bought(store.books) == 0"));
        let e = explain("satisfaction.dimensions.service < 0.0 && bought(store.books) == 0");
        assert_eq!(
            e.to_string(),
            "satisfaction.dimensions.service < 0.0 && bought(store.books) == 0 → true\n\
             \x20 satisfaction.dimensions.service < 0.0 → true (satisfaction.dimensions.service = -0.5)\n\
             \x20 bought(store.books) == 0 → true (bought(store.books) = 0, store.books = \"Bücher\")"
        );
        // `categories` given as the names of the counts map
        let s = schema();
        let (dimensions, counts) = maps();
        let mut slots = slots(&[], &dimensions, &counts);
        slots[8] = Slot::Keys(&counts);
        let p = compile("'music' in categories && categories[0] == 'books' && size(categories) == 2", &s, &Limits::default());
        assert!(p.unwrap_or_else(|e| panic!("{e}")).eval(&Context::new(&slots)));
    }

    #[test]
    fn wrongly_filled_slots_never_panic() {
        let s = schema();
        let p = compile("value.frequency > 1 || value.abc.contains('x') || size(categories) > 0", &s, &Limits::default())
            .unwrap_or_else(|e| panic!("{e}"));
        let wrong = [Slot::Str("x"), Slot::Bool(true), Slot::Int(1), Slot::Int(1), Slot::Int(2)];
        assert!(!p.eval(&Context::new(&wrong)));
        assert!(!p.eval(&Context::new(&[])));
    }

    #[test]
    fn explanations_show_the_deciding_leaves() {
        let e = explain("value.recencyDays > 90 && (bought('books') > 5 || satisfaction.nps.score >= 9)");
        assert_eq!(
            e.to_string(),
            "value.recencyDays > 90 && (bought('books') > 5 || satisfaction.nps.score >= 9) → false\n\
             \x20 value.recencyDays > 90 → true (value.recencyDays = 123)\n\
             \x20 (bought('books') > 5 || satisfaction.nps.score >= 9) → false\n\
             \x20   bought('books') > 5 → false (bought('books') = 3)\n\
             \x20   satisfaction.nps.score >= 9 → false (satisfaction.nps.score = missing)"
        );
        let e = explain("isVip || value.frequency > 100");
        assert_eq!(e.to_string(), "isVip || value.frequency > 100 → true\n  isVip → true");
        let e = explain("!segment('churn') && days_since(lastOrder) < 30 && loyalty.stage in ['active', 'new']");
        assert_eq!(
            e.to_string(),
            "!segment('churn') && days_since(lastOrder) < 30 && loyalty.stage in ['active', 'new'] → true\n\
             \x20 !segment('churn') → true\n\
             \x20   segment('churn') → false\n\
             \x20 days_since(lastOrder) < 30 → true (lastOrder = timestamp('2026-11-15T12:00:00Z'))\n\
             \x20 loyalty.stage in ['active', 'new'] → true (loyalty.stage = \"active\")"
        );
        let json = serde_json::to_value(explain("value.frequency >= 5")).unwrap_or_default();
        assert_eq!(
            json,
            serde_json::json!({
                "expr": "value.frequency >= 5",
                "value": "true",
                "fields": [{ "name": "value.frequency", "value": "5" }],
                "children": []
            })
        );
    }

    #[test]
    fn values_render_as_literals() {
        let e = explain("size(categories) > 0 && tenure > days(1) && value.monetary > 1.0");
        assert_eq!(e.children[0].fields, vec![FieldValue { name: "categories".into(), value: "[\"books\", \"music\"]".into() }]);
        assert_eq!(e.children[1].fields[0].value, "duration('400d')");
        assert_eq!(e.children[2].fields[0].value, "120.5");
        assert_eq!(iso_date(0), "1970-01-01T00:00:00Z");
        assert_eq!(iso_date(AS_OF_MS), "2026-11-25T00:00:00Z");
        assert_eq!(iso_date(-1), "1969-12-31T23:59:59Z");
    }

    #[test]
    fn int_double_comparison_is_exact() {
        assert_eq!(cmp_int_double(1, 1.0), Some(Ordering::Equal));
        assert_eq!(cmp_int_double(1, 1.5), Some(Ordering::Less));
        assert_eq!(cmp_int_double(-1, -1.5), Some(Ordering::Greater));
        assert_eq!(cmp_int_double(i64::MAX, 9_223_372_036_854_775_808.0), Some(Ordering::Less));
        assert_eq!(cmp_int_double(i64::MIN, -9_223_372_036_854_775_808.0), Some(Ordering::Equal));
        assert_eq!(cmp_int_double(0, f64::NAN), None);
    }
}
