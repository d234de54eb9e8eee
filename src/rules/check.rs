//! The type checker, which also emits the compiled program.
//!
//! Names are resolved against the [`Schema`], every operator and function is
//! checked against its overloads, and each checked node is emitted as a
//! specialised [`Op`]. Errors are `RULE_TYPE` and point at the offending text.

use super::lexer::{error_at, Span};
use super::parser::{BinOp, Expr, ExprKind};
use super::program::{Arith, Builder, Cmp, Func, NodeId, NumKind, Op, Program};
use super::{Schema, Source, Type};
use crate::error::{Error, ErrorCode, Result};
use crate::input::json::closest;

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
];

/// Methods, called as `target.name(...)`.
const METHODS: &[&str] = &["startsWith", "endsWith", "contains", "size"];

/// Checks `expr` (parsed from `src`), which must be of type `want` (a
/// condition: bool; a score: int), and compiles it.
pub(crate) fn check_as(src: &str, expr: &Expr, schema: &Schema, want: Type) -> Result<Program> {
    let mut c = Checker {
        src,
        schema,
        b: Builder::new(src, schema.bought.map(|m| m as u32)),
    };
    let (root, ty) = c.expr(expr)?;
    if want == Type::Int && ty != Type::Int {
        let msg = format!("a score must be a whole number (int), but this is {ty}");
        return Err(c.err(expr.span, &msg));
    }
    if want == Type::Bool && ty != Type::Bool {
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
    (is_numeric(a) && is_numeric(b)) || (a == b && !matches!(a, Type::List(_) | Type::Map(_)))
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
        let text = &self.src[e.span.start..e.span.end];
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
            let rest = &path[f.name.len() + 1..];
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
            (Type::Double, Type::Double) => Err(self.err(op_span, "`%` is defined for ints only")),
            (Type::Int, Type::Double) | (Type::Double, Type::Int) => {
                let int_side = if *lt == Type::Int { left } else { right };
                let msg = format!(
                    "`{sym}` cannot mix int and double; convert the int with `double({})`",
                    self.snippet(int_side)
                );
                Err(self.err(op_span, &msg))
            }
            (Type::String, Type::String) if op == BinOp::Add => {
                Err(self.err(op_span, "string concatenation is not supported in rules"))
            }
            _ => Err(self.err(op_span, &format!("cannot apply `{sym}` to {lt} and {rt}"))),
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
        let numbers = [Type::Int, Type::Double];
        match name {
            "size" => {
                self.arity(e, name, args, 1)?;
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
                let (id, _) = self.arg(name, &args[0], &numbers)?;
                let (func, ty) = if name == "int" {
                    (Func::Int, Type::Int)
                } else {
                    (Func::Double, Type::Double)
                };
                self.func(e, func, &[id], ty)
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
                let text = self.literal(name, &args[0], "duration('90d')")?;
                let secs = parse_duration(text).ok_or_else(|| {
                    let msg = format!(
                        "invalid duration `{text}`: expected amounts with units d, h, m or s, as in `90d` or `1h30m`"
                    );
                    self.err(args[0].span, &msg)
                })?;
                self.push(Op::Duration(secs), e.span, Type::Duration)
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
                let id = self.sized(target)?;
                return self.func(e, Func::Size, &[id], Type::Int);
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
        let amount: i64 = rest[..digits].parse().ok()?;
        let unit = rest[digits..].chars().next()?;
        let seconds = match unit {
            'd' => 86_400,
            'h' => 3_600,
            'm' => 60,
            's' => 1,
            _ => return None,
        };
        total = total.checked_add(amount.checked_mul(seconds)?)?;
        rest = &rest[digits + 1..];
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
            "line 1, column 15: string concatenation is not supported in rules\nloyalty.stage + 'x' == 'y'\n              ^"
        );
        assert_eq!(
            type_err("categories == ['a']"),
            "line 1, column 12: lists cannot be compared; use `in` to test membership\ncategories == ['a']\n           ^^"
        );
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
