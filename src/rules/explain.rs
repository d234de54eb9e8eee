//! Why a rule matched or not: the rule is run once more with every node's
//! value recorded (bytecode generated with `Trace` instructions), and the
//! explanation is built from the syntax tree and those values.
//!
//! The output is linear in the size of the rule: each explained
//! sub-expression is shown by at most [`MAX_EXPR_CHARS`] characters of its
//! source (a nested `? :` chain would otherwise repeat the rest of the rule
//! at every level), and a list value by at most ten elements.

use super::program::{Func, NodeId, Op, Program};
use super::vm::{List, Machine, Val, Why};
use super::Context;
use crate::input::json::{format_debug, format_number, write_string, Json};
use crate::input::time::format_seconds;
use std::fmt;

/// Longest source text an explained sub-expression shows; longer ones are cut
/// with an ellipsis.
pub const MAX_EXPR_CHARS: usize = 160;

/// What [`Program::explain_within`] charges for a node: about the bytes it
/// takes in the explanation's JSON tree and in its text together (its
/// expression, value and fields twice, the text's indentation, and the JSON
/// punctuation around them), so that a budget bounds the output.
fn cost(e: &Explanation, depth: usize) -> usize {
    let fields: usize = e
        .fields
        .iter()
        .map(|f| f.name.len() + f.value.len() + 24)
        .sum();
    2 * (e.expr.len() + e.value.len() + fields) + 2 * depth + 64
}

/// How one evaluated sub-expression came out.
#[derive(Debug, Clone, PartialEq)]
pub struct Explanation {
    /// The sub-expression's source text (at most [`MAX_EXPR_CHARS`] characters).
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
#[derive(Debug, Clone, PartialEq)]
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
            let fields: Vec<String> = self
                .fields
                .iter()
                .map(|v| format!("{} = {}", v.name, v.value))
                .collect();
            write!(f, " ({})", fields.join(", "))?;
        }
        for child in &self.children {
            f.write_str("\n")?;
            child.write(f, indent + 2)?;
        }
        Ok(())
    }

    /// The explanation as a JSON value: `{ expr, value, fields: [{ name, value }], children }`.
    pub fn to_json(&self) -> Json {
        let fields = self
            .fields
            .iter()
            .map(|v| {
                Json::Obj(vec![
                    ("name".into(), Json::Str(v.name.clone())),
                    ("value".into(), Json::Str(v.value.clone())),
                ])
            })
            .collect();
        Json::Obj(vec![
            ("expr".into(), Json::Str(self.expr.clone())),
            ("value".into(), Json::Str(self.value.clone())),
            ("fields".into(), Json::Arr(fields)),
            (
                "children".into(),
                Json::Arr(self.children.iter().map(Explanation::to_json).collect()),
            ),
        ])
    }
}

/// One line per explained node, children indented by two spaces:
/// `value.recencyDays > 90 → true (value.recencyDays = 123)`.
impl fmt::Display for Explanation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.write(f, 0)
    }
}

/// A recorded value: lists are copied out, since their elements live on the stack.
#[derive(Clone)]
enum Recorded<'a> {
    Value(Val<'a>),
    List(Vec<Val<'a>>),
}

/// `text` cut to [`MAX_EXPR_CHARS`] characters, with an ellipsis.
fn capped(text: &str) -> String {
    match text.char_indices().nth(MAX_EXPR_CHARS) {
        Some((cut, _)) => format!("{}…", crate::text::slice(text, ..cut)),
        None => text.to_string(),
    }
}

impl Program {
    /// Evaluates the rule and explains the result: each `&&`, `||`, `!` and
    /// `? :` with the operands that were evaluated, down to the comparisons
    /// and calls, with the values of the fields and facts they read.
    pub fn explain(&self, ctx: &Context<'_>) -> Explanation {
        let mut unlimited = usize::MAX;
        self.explain_within(ctx, &mut unlimited)
            .unwrap_or_else(|| unreachable!("an unlimited budget is never spent"))
    }

    /// [`Program::explain`], taking what each explained node costs (about
    /// its bytes of output) from `budget`; `None`, having built no more than
    /// the budget allows, when the explanation would cost more than is left.
    pub fn explain_within(&self, ctx: &Context<'_>, budget: &mut usize) -> Option<Explanation> {
        let (code, max) = self.generate(true);
        let mut values: Vec<Option<Recorded<'_>>> = vec![None; self.nodes.len()];
        let mut stack = vec![Val::Null; max.max(1)];
        self.run(&code, ctx, &mut stack, &mut |node, m: &Machine<'_, '_>| {
            let top = m.top_value();
            values[node as usize] = Some(match top {
                Val::List(l) if !matches!(l, List::Orders(_)) => Recorded::List(m.elements(l)),
                v => Recorded::Value(v),
            });
        });
        Explainer {
            p: self,
            ctx,
            values,
        }
        .node(self.root, 0, budget)
    }
}

struct Explainer<'a, 'c> {
    p: &'a Program,
    ctx: &'c Context<'a>,
    values: Vec<Option<Recorded<'a>>>,
}

impl Explainer<'_, '_> {
    fn recorded(&self, id: NodeId) -> Option<&Recorded<'_>> {
        self.values[id as usize].as_ref()
    }

    fn truth(&self, id: NodeId) -> bool {
        matches!(self.recorded(id), Some(Recorded::Value(v)) if v.truth())
    }

    /// A node's value as text; a field that was not evaluated (inside a branch
    /// not taken) is read directly, since reading a field has no effect.
    fn show(&self, id: NodeId) -> String {
        match self.recorded(id) {
            Some(Recorded::Value(v)) => show(*v),
            Some(Recorded::List(items)) => show_list(items),
            None => match self.direct(id) {
                Some(v) => show(v),
                None => "not evaluated".into(),
            },
        }
    }

    /// The value of a field-like node, read from the context.
    fn direct(&self, id: NodeId) -> Option<Val<'_>> {
        let numbers = self.ctx.numbers;
        Some(match self.p.node(id).op {
            Op::Field { slot, kind, .. } => Val::number(
                numbers.get(slot as usize).copied().unwrap_or(f64::NAN),
                kind,
            ),
            Op::Enum { slot, variants, .. } => {
                let code = numbers.get(slot as usize).copied().unwrap_or(f64::NAN);
                match variants.get(code as usize) {
                    Some(s) if code == code.trunc() => Val::Str(s),
                    _ => Val::Unknown(Why::Missing),
                }
            }
            Op::Entry { map, key, kind } => {
                let v = self
                    .ctx
                    .maps
                    .get(map as usize)
                    .and_then(|m| m.get(&self.p.strings[key as usize]));
                v.map_or(Val::Unknown(Why::Missing), |x| Val::number(x, kind))
            }
            Op::Segment(i) => match self.ctx.segments.get(i as usize) {
                Some(Some(b)) => Val::Bool(*b),
                _ => Val::Unknown(Why::NotEvaluated),
            },
            Op::Orders => Val::List(List::Orders(self.ctx.orders)),
            Op::Now => Val::Timestamp(self.ctx.as_of_ms),
            _ => return None,
        })
    }

    fn node(&self, id: NodeId, depth: usize, budget: &mut usize) -> Option<Explanation> {
        let op = self.p.node(id).op;
        let children: Vec<NodeId> = match op {
            Op::Not(x) => vec![x],
            Op::And { start, len } | Op::Or { start, len } => {
                // The operands evaluated: up to the first that decides (false for `&&`, true for `||`).
                self.p
                    .args_of(start, len)
                    .iter()
                    .copied()
                    .take_while(|&x| self.recorded(x).is_some())
                    .collect()
            }
            Op::Cond(c, a, b) => vec![c, if self.truth(c) { a } else { b }],
            // The body as evaluated for the last element looked at: the one that decided.
            Op::Macro { body, .. } if self.recorded(body).is_some() => vec![body],
            _ => Vec::new(),
        };
        let mut fields = Vec::new();
        if let Op::Macro { range, .. } = op {
            self.collect_inputs(range, &mut fields);
        }
        let is_input = matches!(
            op,
            Op::Field { .. }
                | Op::Enum { .. }
                | Op::Keys { .. }
                | Op::Constant { .. }
                | Op::Entry { .. }
                | Op::Segment(_)
                | Op::Orders
                | Op::Now
                | Op::Var(_)
                | Op::OrderField(..)
                | Op::Call {
                    func: Func::Bought,
                    ..
                }
        );
        if children.is_empty() && !is_input && !matches!(op, Op::Macro { .. }) {
            self.collect_inputs(id, &mut fields);
        }
        let mut e = Explanation {
            expr: capped(self.p.text(id)),
            value: self.show(id),
            fields,
            children: Vec::with_capacity(children.len()),
        };
        // Charged before the children are built, so that a refusal comes before the memory is spent.
        *budget = budget.checked_sub(cost(&e, depth))?;
        for c in children {
            e.children.push(self.node(c, depth + 1, budget)?);
        }
        Some(e)
    }

    /// The fields and facts read under `id`, each once, in source order.
    fn collect_inputs(&self, id: NodeId, out: &mut Vec<FieldValue>) {
        let node = self.p.node(id);
        let name = match node.op {
            Op::Field { name, .. }
            | Op::Enum { name, .. }
            | Op::Keys { name, .. }
            | Op::Constant { name, .. } => Some(self.p.strings[name as usize].clone()),
            Op::Orders => Some("orders".into()),
            Op::Now => Some("now".into()),
            Op::Entry { .. }
            | Op::Segment(_)
            | Op::Var(_)
            | Op::OrderField(..)
            | Op::Call {
                func: Func::Bought, ..
            } => Some(capped(self.p.text(id))),
            _ => None,
        };
        if let Some(name) = name {
            if !out.iter().any(|f| f.name == name) {
                let value = match self.recorded(id) {
                    Some(Recorded::Value(Val::Unknown(Why::Missing))) => "missing".to_string(),
                    None if matches!(self.direct(id), Some(Val::Unknown(Why::Missing))) => {
                        "missing".to_string()
                    }
                    _ => self.show(id),
                };
                out.push(FieldValue { name, value });
            }
            if !matches!(node.op, Op::Call { .. } | Op::OrderField(..)) {
                return;
            }
        }
        let mut kids = [0; 3];
        let operands: &[NodeId] = match node.op {
            Op::Index(a, b) | Op::Cmp(_, a, b) | Op::In(a, b) | Op::Arith(_, a, b) => {
                kids[..2].copy_from_slice(&[a, b]);
                &kids[..2]
            }
            Op::Not(a) | Op::Neg(a) | Op::OrderField(a, _) => {
                kids[0] = a;
                &kids[..1]
            }
            Op::Macro { range, body, .. } => {
                kids[..2].copy_from_slice(&[range, body]);
                &kids[..2]
            }
            Op::Cond(a, b, c) => {
                kids = [a, b, c];
                &kids
            }
            Op::List { start, len }
            | Op::Call { start, len, .. }
            | Op::And { start, len }
            | Op::Or { start, len } => self.p.args_of(start, len),
            _ => &[],
        };
        for &k in operands {
            self.collect_inputs(k, out);
        }
    }
}

/// Renders a value the way it would be written in a rule.
fn show(v: Val<'_>) -> String {
    match v {
        Val::Unknown(w) => format!("unknown ({})", w.as_str()),
        Val::Null => "null".into(),
        Val::Bool(b) => b.to_string(),
        Val::Int(i) => i.to_string(),
        Val::Double(d) => format_debug(d),
        Val::Str(s) => {
            let mut out = String::new();
            write_string(&capped(s), &mut out);
            out
        }
        Val::Timestamp(ms) => format!("timestamp('{}')", format_seconds(ms)),
        Val::Duration(s) if s % 86_400 == 0 => format!("duration('{}d')", s / 86_400),
        Val::Duration(s) => format!("duration('{s}s')"),
        Val::List(super::vm::List::Keys(m)) => {
            let items: Vec<Val<'_>> = (0..m.len())
                .filter_map(|i| m.key(i))
                .map(Val::Str)
                .collect();
            show_list(&items)
        }
        Val::List(List::Orders(o)) => format!("{} orders", o.len()),
        Val::List(_) => "a list".into(),
        Val::Order(i) => format!("orders[{i}]"),
    }
}

fn show_list(items: &[Val<'_>]) -> String {
    let mut shown: Vec<String> = items.iter().take(10).map(|&v| show(v)).collect();
    if items.len() > 10 {
        shown.push(format!("... {} more", items.len() - 10));
    }
    format!("[{}]", shown.join(", "))
}

#[allow(dead_code)]
fn number_text(x: f64) -> String {
    format_number(x)
}

#[cfg(test)]
mod tests {
    use super::super::tests::{with_customer, AS_OF_MS};
    use super::super::{compile, Limits};
    use super::*;

    fn explain(src: &str) -> Explanation {
        with_customer(|s, ctx| {
            compile(src, s, &Limits::default())
                .unwrap_or_else(|e| panic!("{e}"))
                .explain(ctx)
        })
    }

    #[test]
    fn explanations_show_the_deciding_leaves() {
        let e = explain(
            "value.recencyDays > 90 && (bought('books') > 5 || satisfaction.nps.score >= 9)",
        );
        assert_eq!(
            e.to_string(),
            "value.recencyDays > 90 && (bought('books') > 5 || satisfaction.nps.score >= 9) → false\n\
             \x20 value.recencyDays > 90 → true (value.recencyDays = 123)\n\
             \x20 (bought('books') > 5 || satisfaction.nps.score >= 9) → false\n\
             \x20   bought('books') > 5 → false (bought('books') = 3)\n\
             \x20   satisfaction.nps.score >= 9 → false (satisfaction.nps.score = missing)"
        );
        let e = explain("isVip || value.frequency > 100");
        assert_eq!(
            e.to_string(),
            "isVip || value.frequency > 100 → true\n  isVip → true"
        );
        let e = explain(
            "!segment('churn') && days_since(lastOrder) < 30 && loyalty.stage in ['active', 'new']",
        );
        assert_eq!(
            e.to_string(),
            "!segment('churn') && days_since(lastOrder) < 30 && loyalty.stage in ['active', 'new'] → true\n\
             \x20 !segment('churn') → true\n\
             \x20   segment('churn') → false\n\
             \x20 days_since(lastOrder) < 30 → true (lastOrder = timestamp('2026-11-15T12:00:00Z'))\n\
             \x20 loyalty.stage in ['active', 'new'] → true (loyalty.stage = \"active\")"
        );
        assert_eq!(
            explain("value.frequency >= 5").to_json().to_text(),
            r#"{"expr":"value.frequency >= 5","value":"true","fields":[{"name":"value.frequency","value":"5"}],"children":[]}"#
        );
    }

    #[test]
    fn map_entries_and_constants_are_explained() {
        let e = explain("satisfaction.dimensions.service < 0.0 && bought(store.books) == 0");
        assert_eq!(
            e.to_string(),
            "satisfaction.dimensions.service < 0.0 && bought(store.books) == 0 → true\n\
             \x20 satisfaction.dimensions.service < 0.0 → true (satisfaction.dimensions.service = -0.5)\n\
             \x20 bought(store.books) == 0 → true (bought(store.books) = 0, store.books = \"Bücher\")"
        );
    }

    #[test]
    fn values_render_as_literals() {
        let e = explain("size(categories) > 0 && tenure > days(1) && value.monetary > 1.0");
        assert_eq!(
            e.children[0].fields,
            vec![FieldValue {
                name: "categories".into(),
                value: "[\"books\", \"music\"]".into()
            }]
        );
        assert_eq!(e.children[1].fields[0].value, "duration('400d')");
        assert_eq!(e.children[2].fields[0].value, "120.5");
        assert_eq!(format_seconds(0), "1970-01-01T00:00:00Z");
        assert_eq!(format_seconds(AS_OF_MS), "2026-11-25T00:00:00Z");
        assert_eq!(format_seconds(-1), "1969-12-31T23:59:59Z");
    }

    // The body of a macro is shown as evaluated for the order that decided it: exists stops at
    // the first true (the DVD, orders[1]), all at the first false (the 12.50 book, orders[2]).
    #[test]
    fn macros_show_the_deciding_element() {
        let e = explain("orders.exists(o, o.category == 'dvd' && o.amount > 20.0)");
        assert_eq!(
            e.to_string(),
            "orders.exists(o, o.category == 'dvd' && o.amount > 20.0) → true (orders = 3 orders)\n\
             \x20 o.category == 'dvd' && o.amount > 20.0 → true\n\
             \x20   o.category == 'dvd' → true (o.category = \"dvd\", o = orders[1])\n\
             \x20   o.amount > 20.0 → true (o.amount = 30.0, o = orders[1])"
        );
        let e = explain("orders.all(o, o.amount > 20.0) || orders.filter(o, o.at > now - duration('7d')).size() > 1");
        assert_eq!(
            e.to_string(),
            "orders.all(o, o.amount > 20.0) || orders.filter(o, o.at > now - duration('7d')).size() > 1 → false\n\
             \x20 orders.all(o, o.amount > 20.0) → false (orders = 3 orders)\n\
             \x20   o.amount > 20.0 → false (o.amount = 12.5, o = orders[2])\n\
             \x20 orders.filter(o, o.at > now - duration('7d')).size() > 1 → false (orders = 3 orders, \
             o.at = timestamp('2026-11-23T00:00:00Z'), o = orders[2], now = timestamp('2026-11-25T00:00:00Z'))"
        );
    }

    // Issue 16, item 3: a 51-level `? :` chain repeated the rest of the rule at every level
    // (output quadratic in the rule's size). Each sub-expression now shows at most
    // MAX_EXPR_CHARS characters, so the explanation grows linearly.
    #[test]
    fn hostile_03_explanations_are_linear_in_rule_size() {
        let limits = Limits {
            max_depth: 128,
            max_len: 1 << 20,
            max_nodes: 100_000,
        };
        let size_of = |levels: usize| {
            let mut rule = String::from("value.frequency > 0");
            for i in 0..levels {
                rule = format!("value.frequency > {i} ? value.monetary > {i}.5 : {rule}");
            }
            let e = with_customer(|s, ctx| {
                compile(&rule, s, &limits)
                    .unwrap_or_else(|e| panic!("{e}"))
                    .explain(ctx)
            });
            (
                rule.len(),
                e.to_string().len() + e.to_json().to_text().len(),
            )
        };
        let (rule_30, out_30) = size_of(30);
        let (rule_60, out_60) = size_of(60);
        let (rule_120, out_120) = size_of(120);
        // Doubling the rule about doubles the output (quadratic growth would quadruple it).
        assert!(rule_60 > 2 * rule_30 - 100 && rule_120 > 2 * rule_60 - 100);
        assert!(out_60 < 5 * out_30 / 2, "{out_30} → {out_60}");
        assert!(out_120 < 5 * out_60 / 2, "{out_60} → {out_120}");
        let long = format!("value.frequency > 0 && '{}' == 'x'", "y".repeat(3_000));
        let e = explain(&long);
        assert!(e.expr.chars().count() <= MAX_EXPR_CHARS + 1 && e.expr.ends_with('…'));
    }
}
