//! Rules compiled ahead of time: a [`Program`]'s IR kept as static data (a
//! generated Rust source, such as the built-in segments'), loaded without the
//! lexer, parser and checker. In a fresh WebAssembly instance those run cold
//! (each function compiled on its first call), which made compiling the
//! built-ins most of the cost of a first `new Scorer()`. The bytecode and the
//! tests are derived from the IR when loaded, as the checker derives them.
//!
//! A prebuilt rule stands for `compile(source)` only against what it was
//! compiled with: [`Prebuilt::load`] checks what of the schema and the limits
//! the rule depends on and gives `None` otherwise, so that the caller compiles
//! it (and reports any error) as for any other rule.

pub(crate) use super::lexer::Span;
use super::program::{Node, NodeId, Op, Program};
use super::{Limits, Schema};

/// A rule's compiled form as static data (see the module documentation).
#[derive(Debug)]
pub(crate) struct Prebuilt {
    pub source: &'static str,
    pub nodes: &'static [Node],
    pub args: &'static [NodeId],
    pub strings: &'static [&'static str],
    pub root: NodeId,
    /// The map `bought()` read when it was compiled.
    pub bought_map: Option<u32>,
    /// The least [`Limits::max_depth`] it compiles with.
    pub depth: usize,
    /// The least [`Limits::max_nodes`] it compiles with.
    pub work: usize,
}

/// A node of a prebuilt rule, in a `const` (the generated sources' shorthand).
pub(crate) const fn node(op: Op, start: usize, end: usize) -> Node {
    Node {
        op,
        span: Span { start, end },
    }
}

impl Prebuilt {
    /// The program `compile(source, schema, limits)` gives, when this is
    /// `source` compiled against the same fields and `bought()` map and
    /// `schema` gives its constants (`store.*`) the same values; `None`
    /// otherwise, or when `limits` are too tight for it (the compiler then
    /// says why). Fields are the crate's own (their slots are fixed when it
    /// is built) and the test that regenerates the source checks them.
    pub(crate) fn load(&self, source: &str, schema: &Schema, limits: &Limits) -> Option<Program> {
        if source != self.source
            || source.len() > limits.max_len
            || limits.effective_depth() < self.depth
            || limits.max_nodes < self.work
            || schema.bought.map(|m| m as u32) != self.bought_map
        {
            return None;
        }
        for n in self.nodes {
            if let Op::Constant { value, name } = n.op {
                let name = self.strings.get(name as usize)?;
                if schema.constant(name) != self.strings.get(value as usize).copied() {
                    return None;
                }
            }
        }
        let program = Program {
            source: self.source.to_string(),
            nodes: self.nodes.to_vec(),
            args: self.args.to_vec(),
            strings: self.strings.iter().map(|s| s.to_string()).collect(),
            root: 0,
            segment_deps: Vec::new(),
            segment_spans: Vec::new(),
            bought_map: self.bought_map,
            code: Vec::new(),
            max_stack: 0,
            tests: None,
        };
        Some(program.complete(self.root))
    }
}

/// The Rust expression of a [`Prebuilt`] for `p` (for the generators of
/// prebuilt sources, which name `program::{Arith, Cmp, Func, Macro, NumKind as
/// K, Op as O}`, `OrderField` and `prebuilt::{node, Prebuilt}`). Panics on a
/// rule that depends on other segments, which a prebuilt rule cannot follow.
#[cfg(test)]
pub(crate) fn rust(p: &Program, depth: usize, work: usize) -> String {
    assert!(
        p.segment_deps.is_empty(),
        "{}: a prebuilt rule reads no segment()",
        p.source
    );
    let mut nodes = String::new();
    for n in &p.nodes {
        nodes.push_str(&format!(
            "        node({}, {}, {}),\n",
            op(&n.op),
            n.span.start,
            n.span.end
        ));
    }
    format!(
        "Prebuilt {{\n    source: {:?},\n    nodes: &[\n{nodes}    ],\n    args: &{:?},\n    strings: &{:?},\n    root: {},\n    bought_map: {:?},\n    depth: {depth},\n    work: {work},\n}}",
        p.source, p.args, p.strings, p.root, p.bought_map
    )
}

#[cfg(test)]
fn op(o: &Op) -> String {
    let float = |d: f64| {
        assert!(d.is_finite(), "{d}: a prebuilt constant is finite");
        format!("{d:?}")
    };
    match *o {
        Op::Null => "O::Null".into(),
        Op::Bool(b) => format!("O::Bool({b})"),
        Op::Int(i) => format!("O::Int({i})"),
        Op::Double(d) => format!("O::Double({})", float(d)),
        Op::Str(s) => format!("O::Str({s})"),
        Op::Duration(d) => format!("O::Duration({d})"),
        Op::Field { slot, kind, name } => {
            format!("O::Field {{ slot: {slot}, kind: K::{kind:?}, name: {name} }}")
        }
        Op::Enum {
            slot,
            variants,
            name,
        } => format!("O::Enum {{ slot: {slot}, variants: &{variants:?}, name: {name} }}"),
        Op::Keys { map, name } => format!("O::Keys {{ map: {map}, name: {name} }}"),
        Op::Constant { value, name } => format!("O::Constant {{ value: {value}, name: {name} }}"),
        Op::Entry { map, key, kind } => {
            format!("O::Entry {{ map: {map}, key: {key}, kind: K::{kind:?} }}")
        }
        Op::Has { slot } => format!("O::Has {{ slot: {slot} }}"),
        Op::HasEntry { map, key } => format!("O::HasEntry {{ map: {map}, key: {key} }}"),
        Op::Segment(i) => format!("O::Segment({i})"),
        Op::List { start, len } => format!("O::List {{ start: {start}, len: {len} }}"),
        Op::Index(a, b) => format!("O::Index({a}, {b})"),
        Op::Not(x) => format!("O::Not({x})"),
        Op::Neg(x) => format!("O::Neg({x})"),
        Op::And { start, len } => format!("O::And {{ start: {start}, len: {len} }}"),
        Op::Or { start, len } => format!("O::Or {{ start: {start}, len: {len} }}"),
        Op::Cond(c, a, b) => format!("O::Cond({c}, {a}, {b})"),
        Op::Cmp(c, a, b) => format!("O::Cmp(Cmp::{c:?}, {a}, {b})"),
        Op::In(a, b) => format!("O::In({a}, {b})"),
        Op::Arith(x, a, b) => format!("O::Arith(Arith::{x:?}, {a}, {b})"),
        Op::Call { func, start, len } => {
            format!("O::Call {{ func: Func::{func:?}, start: {start}, len: {len} }}")
        }
        Op::Timestamp(t) => format!("O::Timestamp({t})"),
        Op::Now => "O::Now".into(),
        Op::Orders => "O::Orders".into(),
        Op::Var(v) => format!("O::Var({v})"),
        Op::OrderField(of, f) => format!("O::OrderField({of}, OrderField::{f:?})"),
        Op::Macro {
            kind,
            var,
            range,
            body,
        } => format!(
            "O::Macro {{ kind: Macro::{kind:?}, var: {var}, range: {range}, body: {body} }}"
        ),
    }
}
