//! Rules compiled ahead of time: a [`Program`]'s IR kept as static data (a
//! generated Rust source, such as the built-in segments'), loaded without the
//! lexer, parser and checker. In a fresh WebAssembly instance those run cold
//! (the engine compiles each function on its first call), and a scorer with
//! the built-in segments would otherwise run them over each of their rules as
//! it is created. The bytecode and the tests are derived from the IR when
//! loaded, as the checker derives them.
//!
//! A prebuilt rule stands for `compile(source)` only against what it was
//! compiled with: [`Prebuilt::load`] checks what of the schema and the limits
//! the rule depends on and gives `None` otherwise, so that the caller compiles
//! it (and reports any error) as for any other rule.

use super::lexer::Span;
use super::program::{Arith, Cmp, Func, Node, NodeId, NumKind, Op, Program};
use super::{Limits, Schema, Source};

/// A rule's compiled form as static data (see the module documentation).
#[derive(Debug)]
pub(crate) struct Prebuilt {
    pub source: &'static str,
    /// The nodes, each an operation's number (its place in [`Reader::op`])
    /// and fields, then its span's start and length, in LEB128 (a `Node` is
    /// 32 bytes, mostly zeros, and the scoring module's size is budgeted).
    pub nodes: &'static [u8],
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

const NUM_KINDS: [NumKind; 5] = [
    NumKind::Int,
    NumKind::Double,
    NumKind::Bool,
    NumKind::Timestamp,
    NumKind::Duration,
];
const CMPS: [Cmp; 6] = [Cmp::Eq, Cmp::Ne, Cmp::Lt, Cmp::Le, Cmp::Gt, Cmp::Ge];
const ARITHS: [Arith; 5] = [Arith::Add, Arith::Sub, Arith::Mul, Arith::Div, Arith::Rem];
const FUNCS: [Func; 13] = [
    Func::Size,
    Func::Bool,
    Func::Present,
    Func::Min,
    Func::Max,
    Func::Int,
    Func::Double,
    Func::Days,
    Func::DaysSince,
    Func::Bought,
    Func::StartsWith,
    Func::EndsWith,
    Func::Contains,
];

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
        let mut r = Reader {
            bytes: self.nodes,
            at: 0,
            p: self,
            schema,
        };
        let mut nodes = Vec::new();
        while r.at < self.nodes.len() {
            let op = r.op()?;
            let start = r.u()?;
            let end = start + r.u()?;
            nodes.push(Node {
                op,
                span: Span::new(start, end),
            });
        }
        let program = Program {
            source: self.source.to_string(),
            nodes,
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

fn of<T: Copy>(all: &[T], i: u32) -> Option<T> {
    all.get(i as usize).copied()
}

/// How many fields each operation of [`Reader::op`] has, by its number.
const FIELDS: [u8; 13] = [1, 1, 1, 3, 2, 2, 2, 2, 2, 2, 3, 3, 3];

/// Reads [`Prebuilt::nodes`].
struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
    p: &'a Prebuilt,
    schema: &'a Schema,
}

impl Reader<'_> {
    fn u64(&mut self) -> Option<u64> {
        let (mut n, mut shift) = (0u64, 0);
        loop {
            let b = *self.bytes.get(self.at)?;
            self.at += 1;
            n |= u64::from(b & 0x7f) << shift;
            if b < 0x80 {
                return Some(n);
            }
            shift += 7;
        }
    }

    fn u(&mut self) -> Option<usize> {
        self.u64().map(|n| n as usize)
    }

    /// The next operation: its number, then its fields (all read first, so
    /// that each operation is only put together). Only the operations the
    /// built-ins use have a number: a rule with others is compiled. A
    /// constant (`store.*`) must have the value `schema` gives it, and an
    /// enum field takes its variants from `schema`.
    fn op(&mut self) -> Option<Op> {
        let number = self.u()?;
        let mut f = [0u64; 3];
        for x in f.iter_mut().take(usize::from(*FIELDS.get(number)?)) {
            *x = self.u64()?;
        }
        let [a, b, c] = f.map(|x| x as u32);
        let strings = self.p.strings;
        Some(match number {
            0 => Op::Int((f[0] >> 1) as i64 ^ -((f[0] & 1) as i64)),
            1 => Op::Double(f64::from_bits(f[0])),
            2 => Op::Str(a),
            3 => Op::Field {
                slot: a,
                kind: of(&NUM_KINDS, b)?,
                name: c,
            },
            4 => match self.schema.field(strings.get(b as usize)?)?.source {
                Source::Enum(slot, variants) if slot == a as usize => Op::Enum {
                    slot: a,
                    variants,
                    name: b,
                },
                _ => return None,
            },
            5 => {
                let value = strings.get(a as usize).copied();
                if self.schema.constant(strings.get(b as usize)?) != value {
                    return None;
                }
                Op::Constant { value: a, name: b }
            }
            6 => Op::List { start: a, len: b },
            7 => Op::In(a, b),
            8 => Op::And { start: a, len: b },
            9 => Op::Or { start: a, len: b },
            10 => Op::Cmp(of(&CMPS, a)?, b, c),
            11 => Op::Arith(of(&ARITHS, a)?, b, c),
            _ => Op::Call {
                func: of(&FUNCS, a)?,
                start: b,
                len: c,
            },
        })
    }
}

/// [`Prebuilt::nodes`] of `nodes`, each as [`Reader::op`] reads it; `None`
/// when one of them has no number there.
#[cfg(test)]
fn encode(nodes: &[Node]) -> Option<Vec<u8>> {
    fn u(out: &mut Vec<u8>, mut n: u64) {
        while n >= 0x80 {
            out.push((n as u8) | 0x80);
            n >>= 7;
        }
        out.push(n as u8);
    }
    fn at<T: PartialEq>(all: &[T], x: &T) -> u64 {
        all.iter().position(|y| y == x).unwrap() as u64
    }
    let mut out = Vec::new();
    for n in nodes {
        let fields: Vec<u64> = match n.op {
            Op::Int(i) => vec![0, ((i << 1) ^ (i >> 63)) as u64],
            Op::Double(d) => vec![1, d.to_bits()],
            Op::Str(s) => vec![2, s.into()],
            Op::Field { slot, kind, name } => {
                vec![3, slot.into(), at(&NUM_KINDS, &kind), name.into()]
            }
            Op::Enum { slot, name, .. } => vec![4, slot.into(), name.into()],
            Op::Constant { value, name } => vec![5, value.into(), name.into()],
            Op::List { start, len } => vec![6, start.into(), len.into()],
            Op::In(a, b) => vec![7, a.into(), b.into()],
            Op::And { start, len } => vec![8, start.into(), len.into()],
            Op::Or { start, len } => vec![9, start.into(), len.into()],
            Op::Cmp(c, a, b) => vec![10, at(&CMPS, &c), a.into(), b.into()],
            Op::Arith(x, a, b) => vec![11, at(&ARITHS, &x), a.into(), b.into()],
            Op::Call { func, start, len } => {
                vec![12, at(&FUNCS, &func), start.into(), len.into()]
            }
            _ => return None,
        };
        assert_eq!(fields.len() - 1, usize::from(FIELDS[fields[0] as usize]));
        let span = [n.span.start as u64, (n.span.end - n.span.start) as u64];
        for x in fields.into_iter().chain(span) {
            u(&mut out, x);
        }
    }
    Some(out)
}

/// The Rust expression of a [`Prebuilt`] for `p` (for the generators of
/// prebuilt sources, which name `rules::prebuilt::Prebuilt`); `None` for a
/// rule that reads other segments, or with operations [`Reader::op`] does
/// not read: it is compiled.
#[cfg(test)]
pub(crate) fn rust(p: &Program, depth: usize, work: usize) -> Option<String> {
    if !p.segment_deps.is_empty() {
        return None;
    }
    Some(format!(
        "Prebuilt {{\n    source: {:?},\n    nodes: &{:?},\n    args: &{:?},\n    strings: &{:?},\n    root: {},\n    bought_map: {:?},\n    depth: {depth},\n    work: {work},\n}}",
        p.source,
        encode(&p.nodes)?,
        p.args,
        p.strings,
        p.root,
        p.bought_map
    ))
}
