//! The type checker, which also emits the compiled program.
//!
//! Names are resolved against the [`Schema`], every operator and function is
//! checked against its overloads, and each checked node is emitted as a
//! specialised [`Op`]. Errors are `RULE_TYPE` and point at the offending text.

use super::lexer::{error_at, Span};
use super::parser::{BinOp, Expr, ExprKind};
use super::program::{Arith, Builder, Cmp, Func, Macro, NodeId, NumKind, Op, Program};
use super::vm::{MAX_DURATION_S, MAX_MACRO_DEPTH, TIMESTAMP_MS};
use super::{OrderField, Schema, Source, Type};
use crate::error::{Error, ErrorCode, Result};
use crate::input::json::{closest, format_number};
use crate::text::slice;

/// Global functions, for "did you mean" suggestions.
const FUNCTIONS: &[&str] = &[
    "size",
    "has",
    "min",
    "max",
    "int",
    "double",
    "days",
    "duration",
    "days_since",
    "bought",
    "segment",
    "timestamp",
    "string",
    "bool",
];

/// Methods, called as `target.name(...)`.
const METHODS: &[&str] = &[
    "startsWith",
    "endsWith",
    "contains",
    "size",
    "all",
    "exists",
    "exists_one",
    "filter",
    "map",
];

/// Checks `expr` (parsed from `src`), which must be of type `want` when
/// given (a condition: bool; a score: int), and compiles it.
pub(crate) fn check_as(
    src: &str,
    expr: &Expr,
    schema: &Schema,
    max_nodes: usize,
    want: Option<Type>,
) -> Result<Program> {
    let mut c = Checker {
        src,
        schema,
        b: Builder::new(src, schema.bought.map(|m| m as u32)),
        vars: Vec::new(),
        max_nodes,
        weight: 1,
        repeated: 0,
        over_data: false,
    };
    let (root, ty) = c.expr(expr)?;
    if want == Some(Type::Int) && ty != Type::Int {
        let msg = format!("a score must be a whole number (int), but this is {ty}");
        return Err(c.err(expr.span, &msg));
    }
    if want == Some(Type::Bool) && ty != Type::Bool {
        let msg = format!(
            "a rule must be a condition (bool), but this is {ty}; compare it, as in `{} > 0`",
            c.snippet(expr)
        );
        return Err(c.err(expr.span, &msg));
    }
    Ok(c.b.finish(root))
}

type Typed = (NodeId, Type);

struct Checker<'a> {
    src: &'a str,
    schema: &'a Schema,
    b: Builder,
    /// The variables of the macros around the expression being checked, outermost first.
    vars: Vec<(String, Type)>,
    /// `Limits::max_nodes`, which bounds the rule's work as well as its size.
    max_nodes: usize,
    /// How many times the expression being checked runs per element of the customer's data:
    /// the product of the lengths of the list literals the macros around it go over.
    weight: u64,
    /// Operations run again by macros over list literals (a body of `n` operations over a
    /// literal of `k` elements runs `n × k` times, of which `n` are counted as nodes).
    repeated: u64,
    /// Whether a macro over the customer's data (`orders`, a list field) is around it.
    over_data: bool,
}

/// The dotted name of an identifier or a chain of member selections on one.
fn path_of(e: &Expr) -> Option<String> {
    match &e.kind {
        ExprKind::Ident(name) => Some(name.clone()),
        ExprKind::Member(target, name) => path_of(target).map(|p| format!("{p}.{name}")),
        _ => None,
    }
}

/// How a number slot of type `ty` is read.
fn num_kind(ty: &Type) -> NumKind {
    match ty {
        Type::Int => NumKind::Int,
        Type::Bool => NumKind::Bool,
        Type::Timestamp => NumKind::Timestamp,
        Type::Duration => NumKind::Duration,
        _ => NumKind::Double,
    }
}

fn is_numeric(t: &Type) -> bool {
    matches!(t, Type::Int | Type::Double)
}

/// Whether values of these types may be tested for equality (CEL numeric equality included).
fn equatable(a: &Type, b: &Type) -> bool {
    (is_numeric(a) && is_numeric(b))
        || (a == b && !matches!(a, Type::List(_) | Type::Map(_) | Type::Order))
}

fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("1 {word}")
    } else {
        format!("{n} {word}s")
    }
}

impl Checker<'_> {
    fn err(&self, span: Span, message: &str) -> Error {
        error_at(ErrorCode::RuleType, self.src, span, message)
    }

    /// The source of an expression, shortened for messages.
    fn snippet(&self, e: &Expr) -> String {
        let text = slice(self.src, e.span.start..e.span.end);
        if text.chars().count() > 30 {
            format!("{}...", text.chars().take(30).collect::<String>())
        } else {
            text.to_string()
        }
    }

    fn push(&mut self, op: Op, span: Span, ty: Type) -> Result<Typed> {
        Ok((self.b.push(op, span), ty))
    }

    fn expr(&mut self, e: &Expr) -> Result<Typed> {
        match &e.kind {
            ExprKind::Null => self.push(Op::Null, e.span, Type::Null),
            ExprKind::Bool(v) => self.push(Op::Bool(*v), e.span, Type::Bool),
            ExprKind::Int(v) => self.push(Op::Int(*v), e.span, Type::Int),
            ExprKind::Double(v) => self.push(Op::Double(*v), e.span, Type::Double),
            ExprKind::Str(s) => {
                let i = self.b.string(s);
                self.push(Op::Str(i), e.span, Type::String)
            }
            ExprKind::Ident(_) | ExprKind::Member(..) => self.field(e),
            ExprKind::Index(target, index) => self.index(e, target, index),
            ExprKind::Call {
                target,
                name,
                name_span,
                args,
            } => match target {
                Some(t) => self.method(e, t, name, *name_span, args),
                None => self.call(e, name, *name_span, args),
            },
            ExprKind::List(items) => self.list(e, items),
            ExprKind::Not(x) => {
                let (id, ty) = self.expr(x)?;
                if ty != Type::Bool {
                    return Err(self.err(
                        x.span,
                        &format!("`!` expects a bool, but `{}` is {ty}", self.snippet(x)),
                    ));
                }
                self.push(Op::Not(id), e.span, Type::Bool)
            }
            ExprKind::Neg(x) => {
                let (id, ty) = self.expr(x)?;
                if !matches!(ty, Type::Int | Type::Double | Type::Duration) {
                    let msg = format!(
                        "`-` expects a number or a duration, but `{}` is {ty}",
                        self.snippet(x)
                    );
                    return Err(self.err(x.span, &msg));
                }
                self.push(Op::Neg(id), e.span, ty)
            }
            ExprKind::Binary {
                op,
                op_span,
                left,
                right,
            } => self.binary(e, *op, *op_span, left, right),
            ExprKind::Logic { op, operands } => self.logic(e, *op, operands),
            ExprKind::Cond(cond, then, otherwise) => {
                let c = self.expect(cond, &Type::Bool, "the condition of `? :`")?;
                let (a, at) = self.expr(then)?;
                let (b, bt) = self.expr(otherwise)?;
                if at != bt {
                    let msg = format!(
                        "the branches of `? :` must have the same type, found {at} and {bt}"
                    );
                    return Err(self.err(e.span, &msg));
                }
                self.push(Op::Cond(c, a, b), e.span, at)
            }
        }
    }

    /// Checks an expression that must have type `want`; `what` names its role.
    fn expect(&mut self, e: &Expr, want: &Type, what: &str) -> Result<NodeId> {
        let (id, ty) = self.expr(e)?;
        if &ty != want {
            return Err(self.err(
                e.span,
                &format!("{what} must be {want}, but `{}` is {ty}", self.snippet(e)),
            ));
        }
        Ok(id)
    }

    fn field(&mut self, e: &Expr) -> Result<Typed> {
        if let ExprKind::Ident(name) = &e.kind {
            if let Some(level) = self.vars.iter().rposition(|(v, _)| v == name) {
                let ty = self.vars[level].1.clone();
                return self.push(Op::Var(level as u32), e.span, ty);
            }
        }
        if let ExprKind::Member(target, name) = &e.kind {
            let root = path_of(target).map(|p| p.split('.').next().map(str::to_string));
            if root.is_none_or(|r| self.vars.iter().any(|(v, _)| Some(v) == r.as_ref())) {
                let (t, ty) = self.expr(target)?;
                let names = OrderField::NAMES;
                let Some(field) = names
                    .iter()
                    .position(|n| n == name)
                    .map(|i| OrderField::ALL[i])
                else {
                    let msg = match (ty, closest(name, names.iter().copied())) {
                        (Type::Order, Some(s)) => {
                            format!("an order has no field `{name}`, did you mean `{s}`?")
                        }
                        (ty, _) => format!("cannot select `{name}` from a value of type {ty}"),
                    };
                    return Err(self.err(e.span, &msg));
                };
                if ty != Type::Order {
                    let msg = format!("cannot select `{name}` from a value of type {ty}");
                    return Err(self.err(e.span, &msg));
                }
                let ty = match field {
                    OrderField::At => Type::Timestamp,
                    OrderField::Category | OrderField::Channel => Type::String,
                    _ => Type::Double,
                };
                return self.push(Op::OrderField(t, field), e.span, ty);
            }
        }
        let Some(path) = path_of(e) else {
            let ExprKind::Member(target, name) = &e.kind else {
                return Err(self.err(e.span, "expected a field"));
            };
            let (_, ty) = self.expr(target)?;
            return Err(self.err(
                e.span,
                &format!("cannot select `{name}` from a value of type {ty}"),
            ));
        };
        if let Some(f) = self.schema.field(&path) {
            if let Type::Map(_) = f.ty {
                let msg = format!(
                    "`{path}` is a map; read one entry, as in `{path}.name` or `{path}['name']`"
                );
                return Err(self.err(e.span, &msg));
            }
            let name = self.b.string(&f.name);
            let op = match f.source {
                Source::Number(slot) => Op::Field {
                    slot: slot as u32,
                    kind: num_kind(&f.ty),
                    name,
                },
                Source::Enum(slot, variants) => Op::Enum {
                    slot: slot as u32,
                    variants,
                    name,
                },
                Source::Keys(map) => Op::Keys {
                    map: map as u32,
                    name,
                },
                Source::Map(_) => return Err(self.err(e.span, "a map is read entry by entry")),
            };
            return self.push(op, e.span, f.ty.clone());
        }
        if let Some(value) = self.schema.constant(&path) {
            let (value, name) = (self.b.string(value), self.b.string(&path));
            return self.push(Op::Constant { value, name }, e.span, Type::String);
        }
        match path.as_str() {
            "now" => return self.push(Op::Now, e.span, Type::Timestamp),
            "orders" => {
                return self.push(Op::Orders, e.span, Type::List(Box::new(Type::Order)));
            }
            _ => {}
        }
        if let Some((map, key)) = path
            .rsplit_once('.')
            .and_then(|(m, k)| Some((self.map_field(m)?, k)))
        {
            return self.entry(e, map, key);
        }
        Err(self.unknown_field(e.span, &path))
    }

    /// The map index and value type of the map field named `path`.
    fn map_field(&self, path: &str) -> Option<(u32, Type)> {
        let f = self.schema.field(path)?;
        match (&f.ty, f.source) {
            (Type::Map(value), Source::Map(map)) => Some((map as u32, (**value).clone())),
            _ => None,
        }
    }

    /// Reads entry `key` of a map field.
    fn entry(&mut self, e: &Expr, (map, ty): (u32, Type), key: &str) -> Result<Typed> {
        let key = self.b.string(key);
        let kind = num_kind(&ty);
        self.push(Op::Entry { map, key, kind }, e.span, ty)
    }

    fn unknown_field(&self, span: Span, path: &str) -> Error {
        let fields = self.schema.fields();
        let names = self.schema.names();
        let group = format!("{path}.");
        if let Some(name) = names.iter().find(|n| n.starts_with(&group)) {
            let msg = format!("`{path}` is a group of fields, not a value; use one of its fields, such as `{name}`");
            return self.err(span, &msg);
        }
        if let Some(f) = fields
            .iter()
            .find(|f| path.starts_with(&format!("{}.", f.name)))
        {
            let rest = slice(path, f.name.len() + 1..);
            let msg = match (&f.ty, rest.split_once('.')) {
                (Type::Map(ty), Some((key, more))) => {
                    format!("`{}.{key}` is {ty} and has no field `{more}`", f.name)
                }
                (ty, _) => format!("`{}` is {ty} and has no field `{rest}`", f.name),
            };
            return self.err(span, &msg);
        }
        match closest(path, names.iter().copied()) {
            Some(s) => self.err(
                span,
                &format!("unknown field `{path}`, did you mean `{s}`?"),
            ),
            None => self.err(span, &format!("unknown field `{path}`")),
        }
    }

    fn index(&mut self, e: &Expr, target: &Expr, index: &Expr) -> Result<Typed> {
        if let Some((path, map)) =
            path_of(target).and_then(|p| Some((p.clone(), self.map_field(&p)?)))
        {
            let key = match &index.kind {
                ExprKind::Str(key) => Some(key.clone()),
                _ => path_of(index).and_then(|p| self.schema.constant(&p).map(str::to_string)),
            };
            let Some(key) = key else {
                let msg =
                    format!("a map entry is read by a string literal, as in `{path}['name']`");
                return Err(self.err(index.span, &msg));
            };
            return self.entry(e, map, &key);
        }
        let (t, tt) = self.expr(target)?;
        let Type::List(elem) = tt else {
            return Err(self.err(
                target.span,
                &format!(
                    "only lists can be indexed, but `{}` is {tt}",
                    self.snippet(target)
                ),
            ));
        };
        let i = self.expect(index, &Type::Int, "a list index")?;
        self.push(Op::Index(t, i), e.span, *elem)
    }

    fn list(&mut self, e: &Expr, items: &[Expr]) -> Result<Typed> {
        let mut ids = Vec::with_capacity(items.len());
        let mut elem: Option<Type> = None;
        for item in items {
            let (id, ty) = self.expr(item)?;
            if matches!(ty, Type::List(_)) {
                return Err(self.err(item.span, "lists of lists are not supported"));
            }
            match &elem {
                Some(first) if *first != ty => {
                    let msg = format!(
                        "list elements must all have one type, but this is {ty} after {first}"
                    );
                    return Err(self.err(item.span, &msg));
                }
                _ => elem = Some(ty),
            }
            ids.push(id);
        }
        let (start, len) = self.b.args(&ids);
        self.push(
            Op::List { start, len },
            e.span,
            Type::List(Box::new(elem.unwrap_or(Type::Null))),
        )
    }

    /// `&&` (`op` = [`BinOp::And`]) or `||` over two or more operands.
    fn logic(&mut self, e: &Expr, op: BinOp, operands: &[Expr]) -> Result<Typed> {
        let mut ids = Vec::new();
        for x in operands {
            let (id, ty) = self.expr(x)?;
            if ty != Type::Bool {
                let msg = format!(
                    "`{}` expects bool operands, but `{}` is {ty}",
                    op.symbol(),
                    self.snippet(x)
                );
                return Err(self.err(x.span, &msg));
            }
            ids.push(id);
        }
        let (start, len) = self.b.args(&ids);
        let node = if op == BinOp::And {
            Op::And { start, len }
        } else {
            Op::Or { start, len }
        };
        self.push(node, e.span, Type::Bool)
    }

    /// Comparisons, `in` and arithmetic (the parser makes `&&` and `||` [`ExprKind::Logic`]).
    fn binary(
        &mut self,
        e: &Expr,
        op: BinOp,
        op_span: Span,
        left: &Expr,
        right: &Expr,
    ) -> Result<Typed> {
        let (l, lt) = self.expr(left)?;
        let (r, rt) = self.expr(right)?;
        match op {
            BinOp::Eq | BinOp::Ne | BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge => {
                self.comparable(op, op_span, (left, &lt), (right, &rt))?;
                let cmp = match op {
                    BinOp::Eq => Cmp::Eq,
                    BinOp::Ne => Cmp::Ne,
                    BinOp::Lt => Cmp::Lt,
                    BinOp::Le => Cmp::Le,
                    BinOp::Gt => Cmp::Gt,
                    _ => Cmp::Ge,
                };
                self.push(Op::Cmp(cmp, l, r), e.span, Type::Bool)
            }
            BinOp::In => {
                let Type::List(elem) = &rt else {
                    let hint = if rt == Type::String {
                        "; to search in a string, use `s.contains(t)`"
                    } else {
                        ""
                    };
                    let msg = format!(
                        "`in` expects a list on the right, but `{}` is {rt}{hint}",
                        self.snippet(right)
                    );
                    return Err(self.err(right.span, &msg));
                };
                if self.over_data && !matches!(self.b.op(r), Op::List { .. }) {
                    return Err(self.data_twice(right.span));
                }
                if !equatable(&lt, elem) && **elem != Type::Null {
                    let msg = format!("cannot look for {lt} `{}` in a {rt}", self.snippet(left));
                    return Err(self.err(op_span, &msg));
                }
                self.push(Op::In(l, r), e.span, Type::Bool)
            }
            _ => {
                let arith = match op {
                    BinOp::Add => Arith::Add,
                    BinOp::Sub => Arith::Sub,
                    BinOp::Mul => Arith::Mul,
                    BinOp::Div => Arith::Div,
                    _ => Arith::Rem,
                };
                if op == BinOp::Add {
                    if let Some(joined) = self.join(e, (l, &lt), (r, &rt)) {
                        return Ok(joined);
                    }
                }
                let ty = self.arith_type(op, op_span, (left, &lt), (right, &rt))?;
                self.push(Op::Arith(arith, l, r), e.span, ty)
            }
        }
    }

    fn comparable(
        &self,
        op: BinOp,
        op_span: Span,
        (left, lt): (&Expr, &Type),
        (right, rt): (&Expr, &Type),
    ) -> Result<()> {
        let ordered = !matches!(op, BinOp::Eq | BinOp::Ne);
        if equatable(lt, rt) && !(ordered && *lt == Type::Null) {
            return Ok(());
        }
        for (side, other) in [(left, rt), (right, lt)] {
            if *other == Type::Null && path_of(side).is_some() {
                let msg = format!(
                    "a field cannot be compared with null; use `has({})` to test whether it is present",
                    self.snippet(side)
                );
                return Err(self.err(op_span, &msg));
            }
        }
        if let (Type::List(x), Type::List(y), false) = (lt, rt, ordered) {
            if equatable(x, y) || **x == Type::Null || **y == Type::Null {
                return Ok(());
            }
        }
        if matches!(lt, Type::List(_)) && matches!(rt, Type::List(_)) {
            return Err(self.err(
                op_span,
                "lists cannot be compared; use `in` to test membership",
            ));
        }
        let sym = op.symbol();
        let hint = match (lt, rt) {
            (Type::Int, Type::Duration) => format!(
                "; durations compare only with durations: compare with a number of days, or write `days({}) {sym} {}`",
                self.snippet(left),
                self.snippet(right)
            ),
            (Type::Duration, Type::Int) => format!(
                "; durations compare only with durations: write `{} {sym} days({})`",
                self.snippet(left),
                self.snippet(right)
            ),
            _ => String::new(),
        };
        let verb = if ordered { "order" } else { "compare" };
        let msg = format!(
            "cannot {verb} `{}` ({lt}) with `{}` ({rt}){hint}",
            self.snippet(left),
            self.snippet(right)
        );
        Err(self.err(op_span, &msg))
    }

    fn arith_type(
        &self,
        op: BinOp,
        op_span: Span,
        (left, lt): (&Expr, &Type),
        (right, rt): (&Expr, &Type),
    ) -> Result<Type> {
        let sym = op.symbol();
        match (lt, rt) {
            (Type::Int, Type::Int) => Ok(Type::Int),
            (Type::Double, Type::Double) if op != BinOp::Rem => Ok(Type::Double),
            (Type::Duration, Type::Duration) if matches!(op, BinOp::Add | BinOp::Sub) => {
                Ok(Type::Duration)
            }
            (Type::Timestamp, Type::Duration) if matches!(op, BinOp::Add | BinOp::Sub) => {
                Ok(Type::Timestamp)
            }
            (Type::Duration, Type::Timestamp) if op == BinOp::Add => Ok(Type::Timestamp),
            (Type::Timestamp, Type::Timestamp) if op == BinOp::Sub => Ok(Type::Duration),
            (Type::Double, Type::Double) => Err(self.err(op_span, "`%` is defined for ints only")),
            (Type::Int, Type::Double) | (Type::Double, Type::Int) => {
                let int_side = if *lt == Type::Int { left } else { right };
                let msg = format!(
                    "`{sym}` cannot mix int and double; convert the int with `double({})`",
                    self.snippet(int_side)
                );
                Err(self.err(op_span, &msg))
            }
            (Type::String, Type::String) | (Type::List(_), Type::List(_)) if op == BinOp::Add => {
                Err(self.err(
                    op_span,
                    "`+` joins constant strings and list literals only: evaluating a rule makes no new values",
                ))
            }
            _ => Err(self.err(op_span, &format!("cannot apply `{sym}` to {lt} and {rt}"))),
        }
    }

    /// `'a' + 'b'` and `[1] + [2]` of constants, joined when compiling.
    fn join(
        &mut self,
        e: &Expr,
        (l, lt): (NodeId, &Type),
        (r, rt): (NodeId, &Type),
    ) -> Option<Typed> {
        match (self.b.op(l), self.b.op(r)) {
            (
                Op::Str(a) | Op::Constant { value: a, .. },
                Op::Str(b) | Op::Constant { value: b, .. },
            ) => {
                let joined = format!("{}{}", self.b.str(a), self.b.str(b));
                let i = self.b.string(&joined);
                Some((self.b.push(Op::Str(i), e.span), Type::String))
            }
            (Op::List { start: a, len: an }, Op::List { start: b, len: bn }) => {
                let ty = match (lt, rt) {
                    (Type::List(x), Type::List(y)) if x == y || **y == Type::Null => lt.clone(),
                    (Type::List(x), _) if **x == Type::Null => rt.clone(),
                    _ => return None,
                };
                let mut items = self.b.list(a, an);
                items.extend(self.b.list(b, bn));
                let (start, len) = self.b.args(&items);
                Some((self.b.push(Op::List { start, len }, e.span), ty))
            }
            _ => None,
        }
    }

    fn arity(&self, e: &Expr, name: &str, args: &[Expr], want: usize) -> Result<()> {
        if args.len() != want {
            let msg = format!(
                "`{name}` takes {}, found {}",
                plural(want, "argument"),
                args.len()
            );
            return Err(self.err(e.span, &msg));
        }
        Ok(())
    }

    /// Emits a call to `func` with already checked arguments.
    fn func(&mut self, e: &Expr, func: Func, ids: &[NodeId], ty: Type) -> Result<Typed> {
        let (start, len) = self.b.args(ids);
        self.push(Op::Call { func, start, len }, e.span, ty)
    }

    /// Checks an argument of `name` that must have one of the `allowed` types.
    fn arg(&mut self, name: &str, arg: &Expr, allowed: &[Type]) -> Result<Typed> {
        let (id, ty) = self.expr(arg)?;
        if !allowed.contains(&ty) {
            let names: Vec<String> = allowed.iter().map(Type::to_string).collect();
            let msg = format!(
                "`{name}` expects {}, but `{}` is {ty}",
                names.join(" or "),
                self.snippet(arg)
            );
            return Err(self.err(arg.span, &msg));
        }
        Ok((id, ty))
    }

    /// A string literal argument (segment ids and durations must be known when compiling).
    fn literal<'e>(&self, name: &str, arg: &'e Expr, example: &str) -> Result<&'e str> {
        match &arg.kind {
            ExprKind::Str(s) => Ok(s),
            _ => Err(self.err(
                arg.span,
                &format!("`{name}` expects a string literal, as in `{example}`"),
            )),
        }
    }

    fn call(&mut self, e: &Expr, name: &str, name_span: Span, args: &[Expr]) -> Result<Typed> {
        match name {
            "size" => {
                self.arity(e, name, args, 1)?;
                if let Some(counted) = self.counted(e, &args[0])? {
                    return Ok(counted);
                }
                let id = self.sized(&args[0])?;
                self.func(e, Func::Size, &[id], Type::Int)
            }
            "has" => {
                self.arity(e, name, args, 1)?;
                let arg = &args[0];
                let (id, _) = self.expr(arg)?;
                let op = match self.b.op(id) {
                    Op::Field { slot, .. } | Op::Enum { slot, .. } => Op::Has { slot },
                    Op::Keys { .. } => Op::Bool(true),
                    Op::Entry { map, key, .. } => Op::HasEntry { map, key },
                    Op::OrderField(..) => return self.func(e, Func::Present, &[id], Type::Bool),
                    _ => {
                        return Err(self.err(
                            arg.span,
                            "`has` expects a field, as in `has(satisfaction.gap)`",
                        ))
                    }
                };
                self.b.replace(id, op, e.span);
                Ok((id, Type::Bool))
            }
            "min" | "max" => {
                if args.is_empty() {
                    return Err(self.err(
                        e.span,
                        &format!("`{name}` takes at least 1 argument, found 0"),
                    ));
                }
                let mut ids = Vec::with_capacity(args.len());
                let mut first: Option<Type> = None;
                for arg in args {
                    let (id, ty) =
                        self.arg(name, arg, &[Type::Int, Type::Double, Type::Duration])?;
                    match &first {
                        Some(f) if *f != ty => {
                            let msg = format!(
                                "`{name}` arguments must all have one type, but `{}` is {ty} after {f}; \
                                 convert with `double(...)`",
                                self.snippet(arg)
                            );
                            return Err(self.err(arg.span, &msg));
                        }
                        _ => first = Some(ty),
                    }
                    ids.push(id);
                }
                let func = if name == "min" { Func::Min } else { Func::Max };
                self.func(e, func, &ids, first.unwrap_or(Type::Int))
            }
            "int" | "double" => {
                self.arity(e, name, args, 1)?;
                let (id, _) = self.arg(name, &args[0], &[Type::Int, Type::Double, Type::String])?;
                let (func, ty) = if name == "int" {
                    (Func::Int, Type::Int)
                } else {
                    (Func::Double, Type::Double)
                };
                self.func(e, func, &[id], ty)
            }
            "bool" => {
                self.arity(e, name, args, 1)?;
                let (id, _) = self.arg(name, &args[0], &[Type::Bool, Type::String])?;
                self.func(e, Func::Bool, &[id], Type::Bool)
            }
            "string" => {
                self.arity(e, name, args, 1)?;
                let (id, ty) = self.expr(&args[0])?;
                let text = match self.b.op(id) {
                    _ if ty == Type::String => return Ok((id, ty)),
                    Op::Int(i) => i.to_string(),
                    Op::Double(d) => format_number(d),
                    Op::Neg(x) => match self.b.op(x) {
                        Op::Int(i) => (-i).to_string(),
                        Op::Double(d) => format_number(-d),
                        _ => String::new(),
                    },
                    Op::Bool(b) => b.to_string(),
                    _ => {
                        let msg =
                            "`string` converts a string or a constant only: evaluating a rule \
                                   makes no new strings; compare the value itself";
                        return Err(self.err(args[0].span, msg));
                    }
                };
                let i = self.b.string(&text);
                self.push(Op::Str(i), e.span, Type::String)
            }
            "days" => {
                self.arity(e, name, args, 1)?;
                let (id, _) = self.arg(name, &args[0], &[Type::Int])?;
                self.func(e, Func::Days, &[id], Type::Duration)
            }
            "days_since" => {
                self.arity(e, name, args, 1)?;
                let (id, _) = self.arg(name, &args[0], &[Type::Timestamp])?;
                self.func(e, Func::DaysSince, &[id], Type::Int)
            }
            "bought" => {
                self.arity(e, name, args, 1)?;
                let (id, _) = self.arg(name, &args[0], &[Type::String])?;
                self.func(e, Func::Bought, &[id], Type::Int)
            }
            "duration" => {
                self.arity(e, name, args, 1)?;
                if !matches!(args[0].kind, ExprKind::Str(_)) {
                    let (id, _) = self.arg(name, &args[0], &[Type::Duration])?;
                    return Ok((id, Type::Duration));
                }
                let text = self.literal(name, &args[0], "duration('90d')")?;
                let secs = parse_duration(text).ok_or_else(|| {
                    let msg = format!(
                        "invalid duration `{text}`: expected amounts with units d, h, m or s, as in `90d` or `1h30m`"
                    );
                    self.err(args[0].span, &msg)
                })?;
                if secs.abs() > MAX_DURATION_S {
                    let msg = format!("duration `{text}` is out of range: at most 9223372036s (about 292 years) either way, as in CEL");
                    return Err(self.err(args[0].span, &msg));
                }
                self.push(Op::Duration(secs), e.span, Type::Duration)
            }
            "timestamp" => {
                self.arity(e, name, args, 1)?;
                let text = self.literal(name, &args[0], "timestamp('2026-01-01T00:00:00Z')")?;
                let ms = crate::input::time::parse_unbounded(text)
                    .ok()
                    .filter(|t| (TIMESTAMP_MS.0..=TIMESTAMP_MS.1).contains(t))
                    .ok_or_else(|| {
                        let msg = format!(
                            "invalid timestamp `{text}`: expected RFC 3339, as in `2026-01-01T00:00:00Z`"
                        );
                        self.err(args[0].span, &msg)
                    })?;
                self.push(Op::Timestamp(ms), e.span, Type::Timestamp)
            }
            "segment" => {
                self.arity(e, name, args, 1)?;
                let id = self.literal(name, &args[0], "segment('vip')")?;
                let segments = self.schema.segments();
                let Some(index) = segments.iter().position(|s| s == id) else {
                    let msg = match closest(id, segments.iter().map(String::as_str)) {
                        Some(s) => format!("unknown segment `{id}`, did you mean `{s}`?"),
                        None => format!("unknown segment `{id}`"),
                    };
                    return Err(self.err(args[0].span, &msg));
                };
                self.b.depends_on(index, e.span);
                self.push(Op::Segment(index as u32), e.span, Type::Bool)
            }
            _ if METHODS.contains(&name) => {
                let msg =
                    format!("`{name}` is a method: call it on a string, as in `s.{name}(...)`");
                Err(self.err(name_span, &msg))
            }
            _ => {
                let msg = match closest(name, FUNCTIONS.iter().copied()) {
                    Some(s) => format!("unknown function `{name}`, did you mean `{s}`?"),
                    None => format!("unknown function `{name}`"),
                };
                Err(self.err(name_span, &msg))
            }
        }
    }

    /// A list of the customer's data read inside a macro over the customer's data: work
    /// that would grow with the square of the orders.
    fn data_twice(&self, span: Span) -> Error {
        let msg = "a macro over `orders` or a list field cannot read another such list: \
                   a rule's work is bounded by its operations × the customer's orders";
        error_at(ErrorCode::TooLarge, self.src, span, msg)
    }

    /// `size()` of `r.filter(v, p)` or `r.map(v, f)`: a macro counting elements.
    fn counted(&mut self, e: &Expr, arg: &Expr) -> Result<Option<Typed>> {
        let ExprKind::Call {
            target: Some(target),
            name,
            args,
            ..
        } = &arg.kind
        else {
            return Ok(None);
        };
        let kind = match name.as_str() {
            "filter" => Macro::Count,
            "map" => Macro::CountAll,
            _ => return Ok(None),
        };
        self.macro_call(e, target, name, args, kind).map(Some)
    }

    /// `range.name(var, body)`: a macro binding `var` to each element of the list `range`.
    fn macro_call(
        &mut self,
        e: &Expr,
        range: &Expr,
        name: &str,
        args: &[Expr],
        kind: Macro,
    ) -> Result<Typed> {
        self.arity(e, name, args, 2)?;
        let ExprKind::Ident(var) = &args[0].kind else {
            let msg =
                format!("`{name}` expects a variable name first, as in `orders.{name}(o, ...)`");
            return Err(self.err(args[0].span, &msg));
        };
        let (r, rt) = self.expr(range)?;
        let Type::List(elem) = rt else {
            let msg = format!(
                "`{name}` expects a list, but `{}` is {rt}",
                self.snippet(range)
            );
            return Err(self.err(range.span, &msg));
        };
        if self.vars.len() == MAX_MACRO_DEPTH {
            let msg = format!("macros nest at most {MAX_MACRO_DEPTH} deep");
            return Err(self.err(e.span, &msg));
        }
        // A rule's work is bounded by its operations × the customer's orders: one macro over
        // the customer's data on any path, and a literal's elements multiply the body.
        let literal = match self.b.op(r) {
            Op::List { len, .. } => Some(u64::from(len)),
            _ => None,
        };
        let (weight, over_data) = (self.weight, self.over_data);
        if literal.is_none() && over_data {
            return Err(self.data_twice(range.span));
        }
        let times = literal.unwrap_or(1).max(1);
        self.weight = weight.saturating_mul(times);
        self.over_data |= literal.is_none();
        let before = self.b.len() as u64;
        self.vars.push((var.clone(), *elem));
        let level = (self.vars.len() - 1) as u32;
        let body = match kind {
            Macro::CountAll => self.expr(&args[1]).map(|(id, _)| id),
            _ => self.expect(&args[1], &Type::Bool, &format!("the condition of `{name}`")),
        };
        self.vars.pop();
        (self.weight, self.over_data) = (weight, over_data);
        let body = body?;
        let body_nodes = self.b.len() as u64 - before;
        self.repeated = body_nodes
            .saturating_mul(times - 1)
            .saturating_mul(weight)
            .saturating_add(self.repeated);
        let ty = if matches!(kind, Macro::Count | Macro::CountAll) {
            Type::Int
        } else {
            Type::Bool
        };
        let op = Op::Macro {
            kind,
            var: level,
            range: r,
            body,
        };
        let typed = self.push(op, e.span, ty)?;
        let work = (self.b.len() as u64).saturating_add(self.repeated);
        if work > self.max_nodes as u64 {
            let msg = format!(
                "rule has too many operations (the limit is {}): a macro over a list literal runs its \
                 body once per element, {work} operations in all",
                self.max_nodes
            );
            return Err(error_at(ErrorCode::TooLarge, self.src, e.span, &msg));
        }
        Ok(typed)
    }

    /// Checks the operand of `size`: a string or a list.
    fn sized(&mut self, arg: &Expr) -> Result<NodeId> {
        let (id, ty) = self.expr(arg)?;
        if !matches!(ty, Type::String | Type::List(_)) {
            let msg = format!(
                "`size` expects string or list, but `{}` is {ty}",
                self.snippet(arg)
            );
            return Err(self.err(arg.span, &msg));
        }
        Ok(id)
    }

    fn method(
        &mut self,
        e: &Expr,
        target: &Expr,
        name: &str,
        name_span: Span,
        args: &[Expr],
    ) -> Result<Typed> {
        let func = match name {
            "startsWith" => Func::StartsWith,
            "endsWith" => Func::EndsWith,
            "contains" => Func::Contains,
            "size" => {
                self.arity(e, name, args, 0)?;
                if let Some(counted) = self.counted(e, target)? {
                    return Ok(counted);
                }
                let id = self.sized(target)?;
                return self.func(e, Func::Size, &[id], Type::Int);
            }
            "all" | "exists" | "exists_one" => {
                let kind = match name {
                    "all" => Macro::All,
                    "exists" => Macro::Exists,
                    _ => Macro::ExistsOne,
                };
                return self.macro_call(e, target, name, args, kind);
            }
            "filter" | "map" => {
                let msg = format!(
                    "the list `{name}` makes can only be counted in a rule, as in `orders.{name}(o, ...).size()`"
                );
                return Err(self.err(name_span, &msg));
            }
            _ => {
                let msg = match closest(name, METHODS.iter().copied()) {
                    Some(s) => format!("unknown method `{name}`, did you mean `{s}`?"),
                    None => format!("unknown method `{name}`"),
                };
                return Err(self.err(name_span, &msg));
            }
        };
        self.arity(e, name, args, 1)?;
        let t = self.expect(target, &Type::String, &format!("the target of `{name}`"))?;
        let (a, _) = self.arg(name, &args[0], &[Type::String])?;
        self.func(e, func, &[t, a], Type::Bool)
    }
}

/// Parses `90d`, `1h30m`, `-15m` into seconds.
pub(crate) fn parse_duration(text: &str) -> Option<i64> {
    let (sign, mut rest) = match text.strip_prefix('-') {
        Some(r) => (-1i64, r),
        None => (1, text),
    };
    if rest.is_empty() {
        return None;
    }
    let mut total: i64 = 0;
    while !rest.is_empty() {
        let digits = rest
            .find(|c: char| !c.is_ascii_digit())
            .unwrap_or(rest.len());
        let amount: i64 = slice(rest, ..digits).parse().ok()?;
        let unit = slice(rest, digits..).chars().next()?;
        let seconds = match unit {
            'd' => 86_400,
            'h' => 3_600,
            'm' => 60,
            's' => 1,
            _ => return None,
        };
        total = total.checked_add(amount.checked_mul(seconds)?)?;
        rest = slice(rest, digits + 1..);
    }
    total.checked_mul(sign)
}

#[cfg(test)]
mod tests {
    use super::super::tests::{compile_err, schema};
    use super::super::{compile, Limits};
    use super::*;

    fn type_err(src: &str) -> String {
        compile_err(src, ErrorCode::RuleType)
    }

    fn ok(src: &str) {
        if let Err(e) = compile(src, &schema(), &Limits::default()) {
            panic!("{src}: {e}");
        }
    }

    #[test]
    fn well_typed_rules_compile() {
        ok("value.frequency > 3 && value.monetary >= 100.0");
        ok("value.frequency == 1.0 || value.monetary < 2");
        ok("value.abc in ['A', 'B'] && 'books' in categories");
        ok("has(satisfaction.nps.score) ? satisfaction.nps.score >= 9 : loyalty.stage == 'active'");
        ok("days_since(lastOrder) > 90 && bought('books') >= 2");
        ok("segment('vip') && !isVip");
        ok("tenure > duration('365d') && tenure - days(30) <= duration('1d12h')");
        ok("double(value.frequency) / value.monetary > 0.5 && int(value.monetary) % 7 == 3");
        ok("min(value.frequency, 3) == max(1, 2, 3) && size(categories) > 0 && categories.size() < 9");
        ok("loyalty.stage.startsWith('act') || value.abc.endsWith('A') || loyalty.stage.contains('x')");
        ok("categories[0] == 'books' && size('abc') == 3 && !(1 in [])");
        ok("satisfaction.dimensions.service < 0.0 && satisfaction.dimensions['qualité'] >= -1.5");
        ok("value.categories.books > 2 && value.categories[store.books] == 1 && has(value.categories.dvd)");
        ok("bought(store.books) > 0 && store.books.startsWith('B')");
    }

    #[test]
    fn maps_are_read_entry_by_entry() {
        assert_eq!(
            type_err("satisfaction.dimensions > 0.0"),
            "line 1, column 1: `satisfaction.dimensions` is a map; read one entry, as in `satisfaction.dimensions.name` \
             or `satisfaction.dimensions['name']`\n\
             satisfaction.dimensions > 0.0\n^^^^^^^^^^^^^^^^^^^^^^^"
        );
        assert_eq!(
            type_err("satisfaction.dimensions[loyalty.stage] > 0.0"),
            "line 1, column 25: a map entry is read by a string literal, as in `satisfaction.dimensions['name']`\n\
             satisfaction.dimensions[loyalty.stage] > 0.0\n                        ^^^^^^^^^^^^^"
        );
        assert_eq!(
            type_err("satisfaction.dimensions.service.x > 0.0"),
            "line 1, column 1: `satisfaction.dimensions.service` is double and has no field `x`\n\
             satisfaction.dimensions.service.x > 0.0\n^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^"
        );
        assert_eq!(
            type_err("value.categories.books > 1.5 && value.categories.books + 0.5 > 2.0"),
            "line 1, column 56: `+` cannot mix int and double; convert the int with `double(value.categories.books)`\n\
             value.categories.books > 1.5 && value.categories.books + 0.5 > 2.0\n                                                       ^"
        );
        assert_eq!(
            type_err("store.bokos == 'x'"),
            "line 1, column 1: unknown field `store.bokos`, did you mean `store.books`?\nstore.bokos == 'x'\n^^^^^^^^^^^"
        );
        assert_eq!(
            type_err("has(store.books)"),
            "line 1, column 5: `has` expects a field, as in `has(satisfaction.gap)`\nhas(store.books)\n    ^^^^^^^^^^^"
        );
    }

    #[test]
    fn unknown_names_suggest_the_closest() {
        assert_eq!(
            type_err("value.frequncy > 3"),
            "line 1, column 1: unknown field `value.frequncy`, did you mean `value.frequency`?\nvalue.frequncy > 3\n^^^^^^^^^^^^^^"
        );
        assert_eq!(
            type_err("x && nothing_like_it"),
            "line 1, column 1: unknown field `x`\nx && nothing_like_it\n^"
        );
        assert_eq!(
            type_err("value.rfm > 3"),
            "line 1, column 1: `value.rfm` is a group of fields, not a value; use one of its fields, such as `value.rfm.r`\n\
             value.rfm > 3\n^^^^^^^^^"
        );
        assert_eq!(
            type_err("value.frequency.x > 3"),
            "line 1, column 1: `value.frequency` is int and has no field `x`\nvalue.frequency.x > 3\n^^^^^^^^^^^^^^^^^"
        );
        assert_eq!(
            type_err("siz(categories) > 1"),
            "line 1, column 1: unknown function `siz`, did you mean `size`?\nsiz(categories) > 1\n^^^"
        );
        assert_eq!(
            type_err("segment('vipp')"),
            "line 1, column 9: unknown segment `vipp`, did you mean `vip`?\nsegment('vipp')\n        ^^^^^^"
        );
        assert_eq!(
            type_err("loyalty.stage.startswith('a')"),
            "line 1, column 15: unknown method `startswith`, did you mean `startsWith`?\n\
             loyalty.stage.startswith('a')\n              ^^^^^^^^^^"
        );
        assert_eq!(
            type_err("contains(loyalty.stage, 'a')"),
            "line 1, column 1: `contains` is a method: call it on a string, as in `s.contains(...)`\n\
             contains(loyalty.stage, 'a')\n^^^^^^^^"
        );
    }

    #[test]
    fn mismatched_types_point_at_the_operator() {
        assert_eq!(
            type_err("value.frequency == 'x'"),
            "line 1, column 17: cannot compare `value.frequency` (int) with `'x'` (string)\nvalue.frequency == 'x'\n                ^^"
        );
        assert_eq!(
            type_err("value.recencyDays > duration('90d')"),
            "line 1, column 19: cannot order `value.recencyDays` (int) with `duration('90d')` (duration); durations \
             compare only with durations: compare with a number of days, or write `days(value.recencyDays) > \
             duration('90d')`\nvalue.recencyDays > duration('90d')\n                  ^"
        );
        // `days_since` counts days: the error says to compare it with a number of days
        assert_eq!(
            type_err("days_since(lastOrder) > duration('90d')"),
            "line 1, column 23: cannot order `days_since(lastOrder)` (int) with `duration('90d')` (duration); durations \
             compare only with durations: compare with a number of days, or write `days(days_since(lastOrder)) > \
             duration('90d')`\ndays_since(lastOrder) > duration('90d')\n                      ^"
        );
        assert_eq!(
            type_err("value.frequency + 1.5 > 2.0"),
            "line 1, column 17: `+` cannot mix int and double; convert the int with `double(value.frequency)`\n\
             value.frequency + 1.5 > 2.0\n                ^"
        );
        assert_eq!(
            type_err("satisfaction.nps.score == null"),
            "line 1, column 24: a field cannot be compared with null; use `has(satisfaction.nps.score)` to test \
             whether it is present\nsatisfaction.nps.score == null\n                       ^^"
        );
        assert_eq!(
            type_err("value.monetary % 2.0 == 1.0"),
            "line 1, column 16: `%` is defined for ints only\nvalue.monetary % 2.0 == 1.0\n               ^"
        );
        assert_eq!(
            type_err("loyalty.stage + 'x' == 'y'"),
            "line 1, column 15: `+` joins constant strings and list literals only: evaluating a rule makes no new values\n\
             loyalty.stage + 'x' == 'y'\n              ^"
        );
        assert_eq!(
            type_err("categories < ['a']"),
            "line 1, column 12: lists cannot be compared; use `in` to test membership\ncategories < ['a']\n           ^"
        );
        ok("categories == ['a'] || categories != [] && store.books + '!' == 'Bücher!' && [1] + [2] == [1, 2]");
        ok("int('12') == 12 && double('1.5') == 1.5 && string(12) == '12' && bool('true')");
    }

    #[test]
    fn operands_and_arguments_are_checked() {
        assert_eq!(
            type_err("value.frequency && isVip"),
            "line 1, column 1: `&&` expects bool operands, but `value.frequency` is int\nvalue.frequency && isVip\n^^^^^^^^^^^^^^^"
        );
        assert_eq!(
            type_err("value.frequency"),
            "line 1, column 1: a rule must be a condition (bool), but this is int; compare it, as in \
             `value.frequency > 0`\nvalue.frequency\n^^^^^^^^^^^^^^^"
        );
        assert_eq!(
            type_err("'books' in loyalty.stage"),
            "line 1, column 12: `in` expects a list on the right, but `loyalty.stage` is string; to search in a \
             string, use `s.contains(t)`\n'books' in loyalty.stage\n           ^^^^^^^^^^^^^"
        );
        assert_eq!(
            type_err("1 in categories"),
            "line 1, column 3: cannot look for int `1` in a list(string)\n1 in categories\n  ^^"
        );
        assert_eq!(
            type_err("days_since(value.frequency) > 1"),
            "line 1, column 12: `days_since` expects timestamp, but `value.frequency` is int\n\
             days_since(value.frequency) > 1\n           ^^^^^^^^^^^^^^^"
        );
        assert_eq!(
            type_err("size(1, 2) > 0"),
            "line 1, column 1: `size` takes 1 argument, found 2\nsize(1, 2) > 0\n^^^^^^^^^^"
        );
        assert_eq!(
            type_err("min(1, 2.0) > 0"),
            "line 1, column 8: `min` arguments must all have one type, but `2.0` is double after int; convert with \
             `double(...)`\nmin(1, 2.0) > 0\n       ^^^"
        );
        assert_eq!(
            type_err("has(1)"),
            "line 1, column 5: `has` expects a field, as in `has(satisfaction.gap)`\nhas(1)\n    ^"
        );
        assert_eq!(
            type_err("segment(loyalty.stage)"),
            "line 1, column 9: `segment` expects a string literal, as in `segment('vip')`\nsegment(loyalty.stage)\n        ^^^^^^^^^^^^^"
        );
        assert_eq!(
            type_err("tenure > duration('3w')"),
            "line 1, column 19: invalid duration `3w`: expected amounts with units d, h, m or s, as in `90d` or \
             `1h30m`\ntenure > duration('3w')\n                  ^^^^"
        );
        assert_eq!(
            type_err("isVip ? 1 : 2.0"),
            "line 1, column 1: the branches of `? :` must have the same type, found int and double\nisVip ? 1 : 2.0\n^^^^^^^^^^^^^^^"
        );
        assert_eq!(
            type_err("value.frequency ? true : false"),
            "line 1, column 1: the condition of `? :` must be bool, but `value.frequency` is int\n\
             value.frequency ? true : false\n^^^^^^^^^^^^^^^"
        );
        assert_eq!(
            type_err("1 in [1, 'a']"),
            "line 1, column 10: list elements must all have one type, but this is string after int\n1 in [1, 'a']\n         ^^^"
        );
        assert_eq!(
            type_err("!value.abc"),
            "line 1, column 2: `!` expects a bool, but `value.abc` is string\n!value.abc\n ^^^^^^^^^"
        );
    }

    #[test]
    fn macros_and_timestamps_are_checked() {
        ok("orders.exists(o, o.amount > 20.0 && o.at > now - duration('30d'))");
        ok("orders.filter(o, o.channel == 'coupon').size() >= 3 && size(orders.map(o, o.cost)) > 0");
        assert_eq!(
            type_err("duration('320000000000s') > tenure"),
            "line 1, column 10: duration `320000000000s` is out of range: at most 9223372036s (about 292 years) either way, as in CEL\n\
             duration('320000000000s') > tenure\n         ^^^^^^^^^^^^^^^"
        );
        assert_eq!(
            type_err("orders.exists(o, o.amout > 1.0)").lines().next(),
            Some("line 1, column 18: an order has no field `amout`, did you mean `amount`?")
        );
        assert_eq!(
            type_err("orders.filter(o, o.amount > 1.0) == []").lines().next(),
            Some("line 1, column 8: the list `filter` makes can only be counted in a rule, as in `orders.filter(o, ...).size()`")
        );
        assert_eq!(
            type_err("orders.exists(o, o.amount)").lines().next(),
            Some("line 1, column 18: the condition of `exists` must be bool, but `o.amount` is double")
        );
        assert_eq!(
            type_err("orders.all(1, true)").lines().next(),
            Some("line 1, column 12: `all` expects a variable name first, as in `orders.all(o, ...)`")
        );
        assert_eq!(
            type_err("value.frequency.exists(x, true)").lines().next(),
            Some("line 1, column 1: `exists` expects a list, but `value.frequency` is int")
        );
        // The variable is known inside the macro only.
        assert!(type_err("orders.exists(o, true) && o.amount > 1.0")
            .contains("unknown field `o.amount`"));
        assert!(type_err("orders.exists(o, o == o)").contains("cannot compare"));
        let nested =
            "[1].exists(a, [1].exists(b, [1].exists(c, [1].exists(d, [1].exists(e, true)))))";
        assert!(type_err(nested).contains("macros nest at most 4 deep"));
    }

    // A rule's work is bounded by its operations × the customer's orders: no macro over the
    // customer's data inside another, and a literal's elements multiply its macro's body.
    #[test]
    fn macros_are_bounded_by_operations_times_orders() {
        let too_large = |src: &str, limits: &Limits| match compile(src, &schema(), limits) {
            Err(e) if e.code() == ErrorCode::TooLarge => e.message().to_string(),
            other => panic!("{src}: {other:?}"),
        };
        let limits = Limits::default();
        assert_eq!(
            too_large("orders.exists(o, orders.exists(p, p.at < o.at))", &limits).lines().next(),
            Some("line 1, column 18: a macro over `orders` or a list field cannot read another such list: \
                  a rule's work is bounded by its operations × the customer's orders")
        );
        assert!(
            too_large("orders.all(o, o.category in categories)", &limits)
                .starts_with("line 1, column 29: ")
        );
        assert!(
            too_large("categories.all(c, orders.exists(o, true))", &limits)
                .starts_with("line 1, column 19: ")
        );
        ok("orders.all(o, o.category in ['a', 'b']) && categories.exists(c, c in ['a'])");
        // The body `x > 0 && x < 9` is 7 operations; the rule 8 more (5 elements, the list,
        // the macro) plus one per element past 5: 6 elements run 15 + 7 × 5 = 50, 7 run 16 + 7 × 6 = 58.
        let limits = Limits {
            max_nodes: 50,
            ..Limits::default()
        };
        assert!(compile(
            "[1, 2, 3, 4, 5, 6].all(x, x > 0 && x < 9)",
            &schema(),
            &limits
        )
        .is_ok());
        assert_eq!(
            too_large("[1, 2, 3, 4, 5, 6, 7].all(x, x > 0 && x < 9)", &limits).lines().next(),
            Some("line 1, column 1: rule has too many operations (the limit is 50): a macro over a list \
                  literal runs its body once per element, 58 operations in all")
        );
    }

    #[test]
    fn durations_parse_with_units() {
        assert_eq!(parse_duration("90d"), Some(90 * 86_400));
        assert_eq!(parse_duration("2160h"), Some(2160 * 3600));
        assert_eq!(parse_duration("1h30m15s"), Some(5415));
        assert_eq!(parse_duration("-15m"), Some(-900));
        assert_eq!(parse_duration(""), None);
        assert_eq!(parse_duration("90"), None);
        assert_eq!(parse_duration("d"), None);
        assert_eq!(parse_duration("99999999999999999d"), None);
    }
}
