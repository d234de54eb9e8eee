//! The compiled form of a rule: a flat arena of typed operations.
//!
//! The type checker emits nodes through [`Builder`] while it checks, so each
//! operation is already specialised (an int comparison, a field read from a
//! slot, a segment by index) and evaluation never looks at names or types.

use super::lexer::Span;
use std::collections::HashMap;

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
    /// Reads a slot; `name` indexes [`Program::strings`] (for explanations).
    Field { slot: u32, name: u32 },
    /// A schema constant: the string `value`, read by the name `name` (both in [`Program::strings`]).
    Constant { value: u32, name: u32 },
    /// Reads the entry `key` (in [`Program::strings`]) of the map in a slot.
    Entry { slot: u32, key: u32 },
    /// Whether a slot holds a value.
    Has { slot: u32 },
    /// Whether the map in a slot has an entry `key`.
    HasEntry { slot: u32, key: u32 },
    /// The result of the segment with this index.
    Segment(u32),
    List { start: u32, len: u32 },
    Index(NodeId, NodeId),
    Not(NodeId),
    Neg(NodeId),
    /// Whether every operand (a range of [`Program::args`]) is true, left to right.
    And { start: u32, len: u32 },
    /// Whether any operand is true, left to right.
    Or { start: u32, len: u32 },
    Cond(NodeId, NodeId, NodeId),
    Cmp(Cmp, NodeId, NodeId),
    In(NodeId, NodeId),
    Arith(Arith, NodeId, NodeId),
    Call { func: Func, start: u32, len: u32 },
}

/// An operation and the source text it came from.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Node {
    pub op: Op,
    pub span: Span,
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

    /// The slots the rule reads, in node order, with repeats.
    pub(crate) fn slots(&self) -> impl Iterator<Item = usize> + '_ {
        self.nodes.iter().filter_map(|n| match n.op {
            Op::Field { slot, .. } | Op::Entry { slot, .. } | Op::Has { slot } | Op::HasEntry { slot, .. } => Some(slot as usize),
            _ => None,
        })
    }

    /// Where the rule first calls `segment()` with the segment of this index.
    pub(crate) fn segment_call(&self, segment: usize) -> Option<Span> {
        self.segment_deps.binary_search(&segment).ok().map(|i| self.segment_spans[i])
    }

    pub(crate) fn node(&self, id: NodeId) -> &Node {
        &self.nodes[id as usize]
    }

    pub(crate) fn args_of(&self, start: u32, len: u32) -> &[NodeId] {
        &self.args[start as usize..(start + len) as usize]
    }

    pub(crate) fn text(&self, id: NodeId) -> &str {
        let span = self.node(id).span;
        &self.source[span.start..span.end]
    }
}

/// Accumulates nodes while the checker walks the syntax tree.
pub(crate) struct Builder {
    program: Program,
    /// Index of each interned string in `program.strings` (a linear search was
    /// quadratic in the number of distinct literals of a rule).
    interned: HashMap<String, u32>,
}

impl Builder {
    pub fn new(source: &str) -> Self {
        Builder {
            program: Program {
                source: source.to_string(),
                nodes: Vec::new(),
                args: Vec::new(),
                strings: Vec::new(),
                root: 0,
                segment_deps: Vec::new(),
                segment_spans: Vec::new(),
            },
            interned: HashMap::new(),
        }
    }

    /// Adds a node and returns its id.
    pub fn push(&mut self, op: Op, span: Span) -> NodeId {
        self.program.nodes.push(Node { op, span });
        (self.program.nodes.len() - 1) as NodeId
    }

    /// The operation of node `id`.
    pub fn op(&self, id: NodeId) -> Op {
        self.program.nodes[id as usize].op
    }

    /// Replaces node `id`, keeping its place (a field read becoming a presence test).
    pub fn replace(&mut self, id: NodeId, op: Op, span: Span) {
        self.program.nodes[id as usize] = Node { op, span };
    }

    /// Interns a string constant.
    pub fn string(&mut self, s: &str) -> u32 {
        if let Some(&i) = self.interned.get(s) {
            return i;
        }
        let strings = &mut self.program.strings;
        strings.push(s.to_string());
        let i = (strings.len() - 1) as u32;
        self.interned.insert(s.to_string(), i);
        i
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

    pub fn finish(mut self, root: NodeId) -> Program {
        self.program.root = root;
        self.program
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builder_interns_strings_and_sorts_dependencies() {
        let mut b = Builder::new("x");
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
        assert_eq!((p.segment_call(3), p.segment_call(1), p.segment_call(2)), (Some(Span::new(0, 1)), Some(Span::new(1, 2)), None));
        assert_eq!(p.args_of(0, 2), &[0, 1]);
        assert_eq!(p.text(root), "x");
    }

    // Found by a timing probe (tests/limits.rs): with relaxed limits, a rule with
    // 20,000 distinct string literals took 0.9 s to compile (quadratic interning).
    #[test]
    fn interning_many_strings_is_fast() {
        let mut b = Builder::new("x");
        let started = std::time::Instant::now();
        for i in 0..100_000 {
            assert_eq!(b.string(&format!("s{i}")), i);
        }
        assert_eq!(b.string("s7"), 7);
        assert!(started.elapsed() < std::time::Duration::from_secs(2));
    }
}
