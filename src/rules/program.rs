//! The compiled form of a rule: a flat arena of typed operations (the IR the
//! checker emits, which explanations and the column evaluator read), and the
//! stack bytecode generated from it, which [`super::vm`] runs without
//! recursion.
//!
//! The type checker emits nodes through [`Builder`] while it checks, so each
//! operation is already specialised (an int comparison, a field read from a
//! slot, a segment by index) and evaluation never looks at names or types.
//!
//! The bytecode is postfix: operands are pushed, an operation pops them and
//! pushes its result. `&&` and `||` jump past their remaining operands once
//! one decides; `? :` jumps over the branch not taken; a list literal pushes
//! its elements and then [`Ins::MakeList`], which later operations pop with
//! them. A comparison with a constant on its right is one instruction.

use super::lexer::Span;
use super::OrderField;

/// Index of a node in [`Program::nodes`].
pub(crate) type NodeId = u32;

/// Which comparison.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Cmp {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

/// Which arithmetic operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Arith {
    Add,
    Sub,
    Mul,
    Div,
    Rem,
}

/// Built-in functions taking evaluated arguments.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Func {
    Size,
    Bool,
    /// `has(o.cost)`: whether a field of an order is there.
    Present,
    Min,
    Max,
    Int,
    Double,
    Days,
    DaysSince,
    Bought,
    StartsWith,
    EndsWith,
    Contains,
}

/// What a macro computes over its list (`r.exists(v, body)`...).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Macro {
    /// Whether the body is true for every element.
    All,
    /// Whether it is true for some element.
    Exists,
    /// Whether it is true for exactly one.
    ExistsOne,
    /// How many elements it is true for: `r.filter(v, body).size()`.
    Count,
    /// How many elements there are, each mapped: `r.map(v, body).size()`.
    CountAll,
}

/// How a number slot is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NumKind {
    /// An int (exact in an `f64` up to 2⁵³).
    Int,
    /// A double.
    Double,
    /// 0 false, anything else true.
    Bool,
    /// Milliseconds since the epoch.
    Timestamp,
    /// Seconds.
    Duration,
}

/// One operation; operands are node ids, argument lists are ranges of [`Program::args`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Op {
    Null,
    Bool(bool),
    Int(i64),
    Double(f64),
    /// A string constant, index into [`Program::strings`].
    Str(u32),
    /// A duration constant in seconds.
    Duration(i64),
    /// Reads number slot `slot` (NaN: missing); `name` indexes [`Program::strings`] (for explanations).
    Field {
        slot: u32,
        kind: NumKind,
        name: u32,
    },
    /// Reads a string from `variants` by the code in number slot `slot` (NaN: missing).
    Enum {
        slot: u32,
        variants: &'static [&'static str],
        name: u32,
    },
    /// The names of map `map`, as a list of strings.
    Keys {
        map: u32,
        name: u32,
    },
    /// A schema constant: the string `value`, read by the name `name` (both in [`Program::strings`]).
    Constant {
        value: u32,
        name: u32,
    },
    /// Reads the entry `key` (in [`Program::strings`]) of map `map`.
    Entry {
        map: u32,
        key: u32,
        kind: NumKind,
    },
    /// Whether number slot `slot` holds a value.
    Has {
        slot: u32,
    },
    /// Whether map `map` has an entry `key`.
    HasEntry {
        map: u32,
        key: u32,
    },
    /// The result of the segment with this index.
    Segment(u32),
    List {
        start: u32,
        len: u32,
    },
    Index(NodeId, NodeId),
    Not(NodeId),
    Neg(NodeId),
    /// Whether every operand (a range of [`Program::args`]) is true, left to right.
    And {
        start: u32,
        len: u32,
    },
    /// Whether any operand is true, left to right.
    Or {
        start: u32,
        len: u32,
    },
    Cond(NodeId, NodeId, NodeId),
    Cmp(Cmp, NodeId, NodeId),
    In(NodeId, NodeId),
    Arith(Arith, NodeId, NodeId),
    Call {
        func: Func,
        start: u32,
        len: u32,
    },
    /// A timestamp constant in epoch milliseconds.
    Timestamp(i64),
    /// The scoring instant, `now`.
    Now,
    /// The customer's orders, a list.
    Orders,
    /// The variable of the macro at nesting level `n` (0 outermost).
    Var(u32),
    /// A field of the order that node `of` is.
    OrderField(NodeId, OrderField),
    /// A macro: `body` evaluated with variable `var` bound to each element of `range`.
    Macro {
        kind: Macro,
        var: u32,
        range: NodeId,
        body: NodeId,
    },
}

/// An operation and the source text it came from.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Node {
    pub op: Op,
    pub span: Span,
}

/// A constant of the bytecode.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Const {
    Null,
    Bool(bool),
    Int(i64),
    Double(f64),
    /// Index into [`Program::strings`].
    Str(u32),
    Duration(i64),
    Timestamp(i64),
}

/// One bytecode instruction (see the module documentation).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Ins {
    Const(Const),
    Field {
        slot: u32,
        kind: NumKind,
    },
    Enum {
        slot: u32,
        variants: &'static [&'static str],
    },
    Keys(u32),
    Entry {
        map: u32,
        key: u32,
        kind: NumKind,
    },
    Has(u32),
    HasEntry {
        map: u32,
        key: u32,
    },
    Segment(u32),
    /// The top `len` values are a list's elements: pushes the list.
    MakeList(u32),
    Index,
    In,
    Not,
    Neg,
    Cmp(Cmp),
    /// Compares the top with a constant, in place.
    CmpConst(Cmp, Const),
    Arith(Arith),
    Call {
        func: Func,
        argc: u32,
    },
    /// `&&`: when the top is not true, it becomes `false` and control jumps; else it is popped.
    AndJump(u32),
    /// `||`: when the top is true, control jumps (the top stays `true`); else it is popped.
    OrJump(u32),
    /// The top becomes a plain bool (a missing value is false).
    Truth,
    /// Pops the top; jumps when it is not true.
    JumpUnless(u32),
    Jump(u32),
    /// Records the top as the value of a node (explanations only).
    Trace(NodeId),
    /// Pushes whether a number field compares so with a constant (a field op a literal).
    FieldCmp {
        slot: u32,
        kind: NumKind,
        cmp: Cmp,
        value: Const,
    },
    /// Pushes whether an enum field is one of the variants in `mask` (`field in ['A', 'B']`).
    EnumIn {
        slot: u32,
        mask: u64,
    },
    /// Pushes whether `bought(key)` compares so with a constant.
    BoughtCmp {
        key: u32,
        cmp: Cmp,
        value: Const,
    },
    Now,
    Orders,
    /// Pushes the variable of the macro at this level.
    Var(u32),
    /// The top, an order, becomes its field.
    OrderField(OrderField),
    /// With a list on top: pushes the macro's element index and its running result.
    IterInit(Macro),
    /// Binds variable `var` to the next element, or jumps to `exit` when there is none.
    IterNext {
        var: u32,
        exit: u32,
    },
    /// Pops the body's value into the running result; jumps to `exit` once it is
    /// decided, else back to `next`.
    IterStep {
        kind: Macro,
        next: u32,
        exit: u32,
    },
    /// Replaces the list and the loop's state by the macro's result.
    IterEnd(Macro),
}

/// A compiled rule, ready to evaluate against a [`Context`](super::Context)
/// with [`Program::eval`] or [`Program::explain`].
#[derive(Debug, Clone, PartialEq)]
pub struct Program {
    pub(crate) source: String,
    pub(crate) nodes: Vec<Node>,
    pub(crate) args: Vec<NodeId>,
    pub(crate) strings: Vec<String>,
    pub(crate) root: NodeId,
    pub(crate) segment_deps: Vec<usize>,
    /// Where each of `segment_deps` is first called.
    pub(crate) segment_spans: Vec<Span>,
    /// The map `bought()` reads ([`super::Schema::set_bought`]).
    pub(crate) bought_map: Option<u32>,
    /// The bytecode [`Program::eval`] runs.
    pub(crate) code: Vec<Ins>,
    /// Most values on the stack at once.
    pub(crate) max_stack: usize,
    /// The rule as an `||` of `&&`s of simple tests, when it is one: evaluated
    /// without the stack machine.
    pub(crate) tests: Option<Vec<Vec<Test>>>,
}

/// A test of a field or a fact against a constant, decided without the
/// stack machine; `negate` is a `!` around it (a missing value makes the
/// test false, so its negation true, as in the machine).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Test {
    pub what: Tested,
    pub negate: bool,
}

/// What a [`Test`] decides.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Tested {
    /// A number slot compared with a number (both exact in an `f64`).
    Number { slot: u32, cmp: Cmp, value: f64 },
    /// The sum of two number slots compared with a number.
    Sum {
        a: u32,
        b: u32,
        cmp: Cmp,
        value: f64,
    },
    /// An enum slot's code is one of the set bits.
    Enum { slot: u32, mask: u64 },
    /// `bought(key)` compared with a number.
    Bought { key: u32, cmp: Cmp, value: f64 },
    /// Another segment matched.
    Segment(u32),
    /// A constant.
    Const(bool),
}

impl Program {
    /// The rule's source text.
    pub fn source(&self) -> &str {
        &self.source
    }

    /// Indexes (into [`Schema::segments`](super::Schema::segments)) of the
    /// segments this rule references with `segment('id')`, sorted, without duplicates.
    pub fn segment_dependencies(&self) -> &[usize] {
        &self.segment_deps
    }

    /// The names of the schema constants this rule reads (`store.books`), in source order.
    pub fn constants(&self) -> impl Iterator<Item = &str> {
        self.nodes.iter().filter_map(|n| match n.op {
            Op::Constant { name, .. } => Some(self.strings[name as usize].as_str()),
            _ => None,
        })
    }

    /// The program with its IR rooted at `root`, given its bytecode and tests
    /// (what the checker's [`Builder`] and a prebuilt rule both end with).
    pub(crate) fn complete(mut self, root: NodeId) -> Program {
        self.root = root;
        let (code, max_stack) = self.generate(false);
        self.code = code;
        self.max_stack = max_stack;
        self.tests = self.tests_of(root);
        self
    }

    /// The rule at `id` as an `||` of `&&`s of [`Test`]s, if it is one.
    fn tests_of(&self, id: NodeId) -> Option<Vec<Vec<Test>>> {
        match self.node(id).op {
            Op::Or { start, len } => self
                .args_of(start, len)
                .iter()
                .map(|&x| self.conjunction(x))
                .collect(),
            _ => Some(vec![self.conjunction(id)?]),
        }
    }

    fn conjunction(&self, id: NodeId) -> Option<Vec<Test>> {
        match self.node(id).op {
            Op::And { start, len } => self
                .args_of(start, len)
                .iter()
                .map(|&x| self.test_of(x))
                .collect(),
            _ => Some(vec![self.test_of(id)?]),
        }
    }

    /// A number constant exact in an `f64` (ints beyond 2⁵³ are left to the machine).
    fn number(&self, id: NodeId) -> Option<f64> {
        match self.node(id).op {
            Op::Int(i) if i.unsigned_abs() <= 1 << 53 => Some(i as f64),
            Op::Double(d) => Some(d),
            _ => None,
        }
    }

    /// A number slot that is an int or a double.
    fn number_slot(&self, id: NodeId) -> Option<u32> {
        match self.node(id).op {
            Op::Field {
                slot,
                kind: NumKind::Int | NumKind::Double,
                ..
            } => Some(slot),
            _ => None,
        }
    }

    fn test_of(&self, id: NodeId) -> Option<Test> {
        let what = match self.node(id).op {
            Op::Not(x) => {
                let inner = self.test_of(x)?;
                return Some(Test {
                    negate: !inner.negate,
                    ..inner
                });
            }
            Op::Bool(b) => Tested::Const(b),
            Op::Segment(i) => Tested::Segment(i),
            Op::Cmp(cmp, l, r) => {
                let (l, r, cmp) = match self.number(l) {
                    Some(_) => (r, l, flip(cmp)),
                    None => (l, r, cmp),
                };
                match (self.node(l).op, self.node(r).op) {
                    (
                        Op::Enum { slot, variants, .. },
                        Op::Str(s) | Op::Constant { value: s, .. },
                    ) if variants.len() <= 64 => {
                        let one = variants
                            .iter()
                            .position(|v| *v == self.strings[s as usize])
                            .map_or(0, |i| 1u64 << i);
                        let all = (1u64 << variants.len()) - 1;
                        match cmp {
                            Cmp::Eq => Tested::Enum { slot, mask: one },
                            Cmp::Ne => Tested::Enum {
                                slot,
                                mask: all & !one,
                            },
                            _ => return None,
                        }
                    }
                    (
                        Op::Call {
                            func: Func::Bought,
                            start,
                            len: 1,
                        },
                        _,
                    ) => match self.node(self.args_of(start, 1)[0]).op {
                        Op::Str(key) | Op::Constant { value: key, .. } => Tested::Bought {
                            key,
                            cmp,
                            value: self.number(r)?,
                        },
                        _ => return None,
                    },
                    (Op::Arith(Arith::Add, a, b), _) => Tested::Sum {
                        a: self.int_slot(a)?,
                        b: self.int_slot(b)?,
                        cmp,
                        value: self.number(r)?,
                    },
                    _ => Tested::Number {
                        slot: self.number_slot(l)?,
                        cmp,
                        value: self.number(r)?,
                    },
                }
            }
            Op::In(needle, list) => {
                let (Op::Enum { slot, variants, .. }, Op::List { start, len }) =
                    (self.node(needle).op, self.node(list).op)
                else {
                    return None;
                };
                if variants.len() > 64 {
                    return None;
                }
                let mut mask = 0u64;
                for &item in self.args_of(start, len) {
                    let (Op::Str(s) | Op::Constant { value: s, .. }) = self.node(item).op else {
                        return None;
                    };
                    if let Some(v) = variants.iter().position(|v| *v == self.strings[s as usize]) {
                        mask |= 1 << v;
                    }
                }
                Tested::Enum { slot, mask }
            }
            _ => return None,
        };
        Some(Test {
            what,
            negate: false,
        })
    }

    /// An int slot (whose sums are exact in an `f64`).
    fn int_slot(&self, id: NodeId) -> Option<u32> {
        match self.node(id).op {
            Op::Field {
                slot,
                kind: NumKind::Int,
                ..
            } => Some(slot),
            _ => None,
        }
    }

    /// The bytecode of this rule; with `trace`, each node's value is recorded
    /// as it is computed (for explanations), and no instructions are fused.
    pub(crate) fn generate(&self, trace: bool) -> (Vec<Ins>, usize) {
        let mut g = Gen {
            p: self,
            code: Vec::with_capacity(self.nodes.len() + 4),
            depth: 0,
            max: 0,
            trace,
        };
        g.node(self.root);
        (g.code, g.max)
    }

    /// Where the rule first calls `segment()` with the segment of this index.
    pub(crate) fn segment_call(&self, segment: usize) -> Option<Span> {
        self.segment_deps
            .binary_search(&segment)
            .ok()
            .map(|i| self.segment_spans[i])
    }

    pub(crate) fn node(&self, id: NodeId) -> &Node {
        &self.nodes[id as usize]
    }

    pub(crate) fn args_of(&self, start: u32, len: u32) -> &[NodeId] {
        &self.args[start as usize..(start + len) as usize]
    }

    pub(crate) fn text(&self, id: NodeId) -> &str {
        let span = self.node(id).span;
        crate::text::slice(&self.source, span.start..span.end)
    }
}

/// The comparison with its operands swapped: `c < x` is `x > c`.
pub(crate) fn flip(op: Cmp) -> Cmp {
    match op {
        Cmp::Lt => Cmp::Gt,
        Cmp::Le => Cmp::Ge,
        Cmp::Gt => Cmp::Lt,
        Cmp::Ge => Cmp::Le,
        eq_or_ne => eq_or_ne,
    }
}

/// Probes `slots` (a power of two long, never full) from the hash of `s`
/// (FNV-1a): the first slot holding an index for which `same` holds, or the
/// first free one.
fn free_slot(slots: &[u32], s: &str, same: impl Fn(u32) -> bool) -> (usize, Option<u32>) {
    let hash = s.bytes().fold(0x811c_9dc5u32, |h, b| {
        (h ^ u32::from(b)).wrapping_mul(0x0100_0193)
    });
    let mask = slots.len() - 1;
    let mut at = hash as usize & mask;
    loop {
        match slots.get(at).copied() {
            Some(u32::MAX) | None => return (at, None),
            Some(i) if same(i) => return (at, Some(i)),
            _ => at = (at + 1) & mask,
        }
    }
}

/// Accumulates nodes while the checker walks the syntax tree.
pub(crate) struct Builder {
    program: Program,
    /// Indices into `program.strings` by hash of the string, open addressing
    /// with linear probing, at most half full; `u32::MAX` is a free slot. (A
    /// linear search was quadratic in the number of distinct literals of a
    /// rule; std's `HashMap` brought 1 KB of hashing code into the scoring module.)
    interned: Vec<u32>,
}

impl Builder {
    pub fn new(source: &str, bought_map: Option<u32>) -> Self {
        Builder {
            program: Program {
                source: source.to_string(),
                nodes: Vec::new(),
                args: Vec::new(),
                strings: Vec::new(),
                root: 0,
                segment_deps: Vec::new(),
                segment_spans: Vec::new(),
                bought_map,
                code: Vec::new(),
                max_stack: 0,
                tests: None,
            },
            interned: Vec::new(),
        }
    }

    /// Adds a node and returns its id.
    pub fn push(&mut self, op: Op, span: Span) -> NodeId {
        self.program.nodes.push(Node { op, span });
        (self.program.nodes.len() - 1) as NodeId
    }

    /// How many nodes there are.
    pub fn len(&self) -> usize {
        self.program.nodes.len()
    }

    /// The operation of node `id`.
    pub fn op(&self, id: NodeId) -> Op {
        self.program.nodes[id as usize].op
    }

    /// Replaces node `id`, keeping its place (a field read becoming a presence test).
    pub fn replace(&mut self, id: NodeId, op: Op, span: Span) {
        self.program.nodes[id as usize] = Node { op, span };
    }

    /// The interned string `i`.
    pub fn str(&self, i: u32) -> &str {
        &self.program.strings[i as usize]
    }

    /// The node ids of an argument list.
    pub fn list(&self, start: u32, len: u32) -> Vec<NodeId> {
        self.program.args_of(start, len).to_vec()
    }

    /// Interns a string constant.
    pub fn string(&mut self, s: &str) -> u32 {
        let strings = &mut self.program.strings;
        if self.interned.len() < 2 * (strings.len() + 1) {
            let size = (4 * (strings.len() + 1)).next_power_of_two();
            self.interned = vec![u32::MAX; size];
            for (i, t) in strings.iter().enumerate() {
                let at = free_slot(&self.interned, t, |_| false).0;
                self.interned[at] = i as u32;
            }
        }
        match free_slot(&self.interned, s, |i| strings[i as usize] == s) {
            (_, Some(i)) => i,
            (at, None) => {
                strings.push(s.to_string());
                let i = (strings.len() - 1) as u32;
                self.interned[at] = i;
                i
            }
        }
    }

    /// Stores an argument list; returns `(start, len)`.
    pub fn args(&mut self, ids: &[NodeId]) -> (u32, u32) {
        let start = self.program.args.len() as u32;
        self.program.args.extend_from_slice(ids);
        (start, ids.len() as u32)
    }

    /// Records a reference to a segment, called at `span`.
    pub fn depends_on(&mut self, segment: usize, span: Span) {
        let p = &mut self.program;
        if let Err(at) = p.segment_deps.binary_search(&segment) {
            p.segment_deps.insert(at, segment);
            p.segment_spans.insert(at, span);
        }
    }

    pub fn finish(self, root: NodeId) -> Program {
        self.program.complete(root)
    }
}

/// Generates bytecode from the IR, tracking the stack's depth.
struct Gen<'p> {
    p: &'p Program,
    code: Vec<Ins>,
    depth: usize,
    max: usize,
    trace: bool,
}

impl Gen<'_> {
    /// Emits `ins`, which pops `pops` values and pushes `pushes`.
    fn emit(&mut self, ins: Ins, pops: usize, pushes: usize) {
        self.code.push(ins);
        self.depth = self.depth - pops + pushes;
        self.max = self.max.max(self.depth);
    }

    fn here(&self) -> u32 {
        self.code.len() as u32
    }

    fn patch(&mut self, at: u32) {
        let target = self.here();
        match &mut self.code[at as usize] {
            Ins::AndJump(t) | Ins::OrJump(t) | Ins::JumpUnless(t) | Ins::Jump(t) => *t = target,
            _ => unreachable!("only jumps are patched"),
        }
    }

    /// A constant node's value, if it is one.
    fn constant(&self, id: NodeId) -> Option<Const> {
        Some(match self.p.node(id).op {
            Op::Null => Const::Null,
            Op::Bool(b) => Const::Bool(b),
            Op::Int(i) => Const::Int(i),
            Op::Double(d) => Const::Double(d),
            Op::Str(s) => Const::Str(s),
            Op::Duration(d) => Const::Duration(d),
            Op::Timestamp(t) => Const::Timestamp(t),
            Op::Constant { value, .. } => Const::Str(value),
            _ => return None,
        })
    }

    /// `field op constant` and `bought('key') op constant` as one instruction.
    fn fused_cmp(&self, cmp: Cmp, l: NodeId, r: NodeId) -> Option<Ins> {
        let value = self.constant(r)?;
        match self.p.node(l).op {
            Op::Field { slot, kind, .. } => Some(Ins::FieldCmp {
                slot,
                kind,
                cmp,
                value,
            }),
            Op::Call {
                func: Func::Bought,
                start,
                len: 1,
            } => match self.constant(self.p.args_of(start, 1)[0])? {
                Const::Str(key) => Some(Ins::BoughtCmp { key, cmp, value }),
                _ => None,
            },
            _ => None,
        }
    }

    /// `enum field in [string literals]` as a set of the field's variants.
    fn enum_in(&self, needle: NodeId, list: NodeId) -> Option<(u32, u64)> {
        let (Op::Enum { slot, variants, .. }, Op::List { start, len }) =
            (self.p.node(needle).op, self.p.node(list).op)
        else {
            return None;
        };
        if variants.len() > 64 {
            return None;
        }
        let mut mask = 0u64;
        for &item in self.p.args_of(start, len) {
            let Some(Const::Str(s)) = self.constant(item) else {
                return None;
            };
            if let Some(v) = variants
                .iter()
                .position(|v| *v == self.p.strings[s as usize])
            {
                mask |= 1 << v;
            }
        }
        Some((slot, mask))
    }

    /// Emits the code of node `id`, which leaves its value on the stack.
    fn node(&mut self, id: NodeId) {
        let op = self.p.node(id).op;
        match op {
            Op::Null
            | Op::Bool(_)
            | Op::Int(_)
            | Op::Double(_)
            | Op::Str(_)
            | Op::Duration(_)
            | Op::Timestamp(_)
            | Op::Constant { .. } => {
                let c = self.constant(id).unwrap_or(Const::Null);
                self.emit(Ins::Const(c), 0, 1);
            }
            Op::Now => self.emit(Ins::Now, 0, 1),
            Op::Orders => self.emit(Ins::Orders, 0, 1),
            Op::Var(v) => self.emit(Ins::Var(v), 0, 1),
            Op::OrderField(of, field) => {
                self.node(of);
                self.emit(Ins::OrderField(field), 1, 1);
            }
            Op::Macro {
                kind,
                var,
                range,
                body,
            } => {
                let before = self.depth;
                self.node(range);
                self.emit(Ins::IterInit(kind), 0, 2);
                let next = self.here();
                self.emit(Ins::IterNext { var, exit: 0 }, 0, 0);
                self.node(body);
                let step = self.here();
                self.emit(
                    Ins::IterStep {
                        kind,
                        next,
                        exit: 0,
                    },
                    1,
                    0,
                );
                let exit = self.here();
                for at in [next, step] {
                    if let Ins::IterNext { exit: e, .. } | Ins::IterStep { exit: e, .. } =
                        &mut self.code[at as usize]
                    {
                        *e = exit;
                    }
                }
                self.emit(Ins::IterEnd(kind), 0, 0);
                self.depth = before + 1;
            }
            Op::Field { slot, kind, .. } => self.emit(Ins::Field { slot, kind }, 0, 1),
            Op::Enum { slot, variants, .. } => self.emit(Ins::Enum { slot, variants }, 0, 1),
            Op::Keys { map, .. } => self.emit(Ins::Keys(map), 0, 1),
            Op::Entry { map, key, kind } => self.emit(Ins::Entry { map, key, kind }, 0, 1),
            Op::Has { slot } => self.emit(Ins::Has(slot), 0, 1),
            Op::HasEntry { map, key } => self.emit(Ins::HasEntry { map, key }, 0, 1),
            Op::Segment(i) => self.emit(Ins::Segment(i), 0, 1),
            Op::List { start, len } => {
                for &x in self.p.args_of(start, len) {
                    self.node(x);
                }
                // The elements stay on the stack under the list until it is used.
                self.emit(Ins::MakeList(len), 0, 1);
            }
            Op::Index(list, index) => {
                let before = self.depth;
                self.node(list);
                self.node(index);
                self.emit(Ins::Index, 2, 1);
                self.depth = before + 1;
            }
            Op::In(needle, list) if !self.trace && self.enum_in(needle, list).is_some() => {
                let (slot, mask) = self.enum_in(needle, list).unwrap_or_default();
                self.emit(Ins::EnumIn { slot, mask }, 0, 1);
            }
            Op::In(needle, list) => {
                let before = self.depth;
                self.node(needle);
                self.node(list);
                self.emit(Ins::In, 2, 1);
                self.depth = before + 1;
            }
            Op::Not(x) => {
                self.node(x);
                self.emit(Ins::Not, 1, 1);
            }
            Op::Neg(x) => {
                self.node(x);
                self.emit(Ins::Neg, 1, 1);
            }
            Op::And { start, len } | Op::Or { start, len } => {
                let and = matches!(op, Op::And { .. });
                let operands = self.p.args_of(start, len);
                let mut jumps = Vec::with_capacity(operands.len());
                for (k, &x) in operands.iter().enumerate() {
                    self.node(x);
                    if k + 1 < operands.len() {
                        jumps.push(self.here());
                        self.emit(if and { Ins::AndJump(0) } else { Ins::OrJump(0) }, 1, 0);
                    } else {
                        self.emit(Ins::Truth, 1, 1);
                    }
                }
                for at in jumps {
                    self.patch(at);
                }
            }
            Op::Cond(c, a, b) => {
                self.node(c);
                let unless = self.here();
                self.emit(Ins::JumpUnless(0), 1, 0);
                let before = self.depth;
                self.node(a);
                let after_a = self.depth;
                let over = self.here();
                self.emit(Ins::Jump(0), 0, 0);
                self.patch(unless);
                self.depth = before;
                self.node(b);
                self.patch(over);
                // A list literal leaves its elements under it: branches may differ in depth.
                self.depth = self.depth.max(after_a);
            }
            Op::Cmp(cmp, l, r) if !self.trace && self.fused_cmp(cmp, l, r).is_some() => {
                let ins = self.fused_cmp(cmp, l, r).unwrap_or(Ins::Truth);
                self.emit(ins, 0, 1);
            }
            Op::Cmp(cmp, l, r) => {
                self.node(l);
                match self.constant(r).filter(|_| !self.trace) {
                    Some(c) => self.emit(Ins::CmpConst(cmp, c), 1, 1),
                    None => {
                        let before = self.depth - 1;
                        self.node(r);
                        self.emit(Ins::Cmp(cmp), 2, 1);
                        self.depth = before + 1;
                    }
                }
            }
            Op::Arith(op, l, r) => {
                self.node(l);
                self.node(r);
                self.emit(Ins::Arith(op), 2, 1);
            }
            Op::Call { func, start, len } => {
                let before = self.depth;
                for &x in self.p.args_of(start, len) {
                    self.node(x);
                }
                self.emit(Ins::Call { func, argc: len }, 0, 0);
                self.depth = before + 1;
            }
        }
        if self.trace {
            self.emit(Ins::Trace(id), 0, 0);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builder_interns_strings_and_sorts_dependencies() {
        let mut b = Builder::new("x", None);
        assert_eq!(b.string("a"), 0);
        assert_eq!(b.string("b"), 1);
        assert_eq!(b.string("a"), 0);
        b.depends_on(3, Span::new(0, 1));
        b.depends_on(1, Span::new(1, 2));
        b.depends_on(3, Span::new(2, 3));
        let one = b.push(Op::Int(1), Span::new(0, 1));
        let two = b.push(Op::Int(2), Span::new(0, 1));
        assert_eq!(b.args(&[one, two]), (0, 2));
        let root = b.push(Op::Bool(true), Span::new(0, 1));
        let p = b.finish(root);
        assert_eq!(p.segment_dependencies(), &[1, 3]);
        assert_eq!(
            (p.segment_call(3), p.segment_call(1), p.segment_call(2)),
            (Some(Span::new(0, 1)), Some(Span::new(1, 2)), None)
        );
        assert_eq!(p.args_of(0, 2), &[0, 1]);
        assert_eq!(p.text(root), "x");
    }

    // Found by a timing probe (tests/limits.rs): with relaxed limits, a rule with
    // 20,000 distinct string literals took 0.9 s to compile (quadratic interning).
    // Checked by work, not time: a lookup compares with a few strings whatever
    // the number interned.
    #[test]
    fn interning_many_strings_compares_with_a_few_strings_each() {
        let mut b = Builder::new("x", None);
        for i in 0..100_000 {
            assert_eq!(b.string(&format!("s{i}")), i);
        }
        assert_eq!(b.string("s7"), 7);
        // Every string keeps its index through the table's growths.
        for i in (0..100_000).step_by(997) {
            assert_eq!(b.string(&format!("s{i}")), i);
        }
        assert_eq!(b.string(""), 100_000);
        assert_eq!(b.string(""), 100_000);
        let strings = &b.program.strings;
        let (mut lookups, mut compared) = (0, 0);
        for s in strings.iter().step_by(7) {
            let count = std::cell::Cell::new(0);
            let found = free_slot(&b.interned, s, |i| {
                count.set(count.get() + 1);
                strings[i as usize] == *s
            });
            assert_eq!(found.1.map(|i| &strings[i as usize]), Some(s));
            lookups += 1;
            compared += count.get();
        }
        // Linear probing at most half full: 1.5 comparisons expected per hit.
        assert!(
            compared <= 3 * lookups,
            "{compared} comparisons for {lookups} lookups"
        );
    }
}
