//! The rule language: a small subset of [CEL](https://github.com/google/cel-spec)
//! for segment conditions such as
//! `value.rfm.r >= 4 && (bought('books') > 2 || 'vip' in tags)`.
//!
//! # Syntax
//!
//! CEL syntax and precedence, lowest first: `? :`, `||`, `&&`,
//! `< <= > >= == != in`, `+ -`, `* / %`, unary `! -`, then member `.`,
//! index `[ ]` and calls. Literals: ints (`12`, `0x1F`), doubles (`1.5`,
//! `1e3`, `.5`), strings in single or double quotes with CEL escapes
//! (`\n \t \\ \' \" \xHH \uHHHH \UHHHHHHHH \ooo`), raw strings (`r'\d'`),
//! triple-quoted strings, which may span lines (`'''it's'''`), `true`, `false`,
//! `null` and lists (`['A', 'B']`). `//` starts a comment.
//! Not supported: unsigned ints, bytes, map literals (docs/rules.md, "CEL
//! conformance", lists what else and why).
//!
//! # Names and functions
//!
//! Names are dotted paths declared in a [`Schema`] (`value.rfm.r`): fields,
//! read from the customer's [`Context`], and string constants (`store.books`).
//! A field of map type is read entry by entry, `m.name` or `m['name']` (a
//! string literal or constant), missing when the entry is absent; `has(m.name)`
//! tests it. Functions:
//! `size(s)` / `s.size()` (string length in code points or list length),
//! `has(a.b)` (is an optional field present), `min(a, ...)`, `max(a, ...)`
//! (one or more arguments of one type), `bought('books')` (orders in a
//! category, int), `days_since(ts)` (whole days from a timestamp field to the
//! scoring instant, int), `segment('id')` (whether another segment matches),
//! `int(x)` (truncates a double, parses a string), `double(x)`, `bool(s)`,
//! `string(x)` (of a string or a constant), `days(n)` and `duration('90d')`
//! (durations), `timestamp('2026-01-01T00:00:00Z')`, `now` (the scoring
//! instant), and the string methods `startsWith`, `endsWith`, `contains`.
//! `+` joins constant strings and list literals when compiling; lists compare
//! with `==` and `!=`.
//!
//! # Macros
//!
//! `list.exists(v, cond)`, `list.all(v, cond)`, `list.exists_one(v, cond)`,
//! `list.filter(v, cond).size()` and `list.map(v, expr).size()` bind `v` to each
//! element in turn, over `orders` (the customer's orders, an [`OrderView`]: `o.at`,
//! `o.amount`, `o.cost`, `o.discount`, `o.category`, `o.channel`, see
//! [`OrderField`]), a list literal or a list field. They run as a loop in the
//! bytecode (`IterInit`, `IterNext`, `IterStep`, `IterEnd`) with each level's
//! variable in a register: nothing is allocated, and a body that is missing
//! counts as false. Macros nest up to 4 deep; a body counts towards
//! [`Limits::max_nodes`] once per element of a list literal, and a macro over
//! the customer's data contains no other (nor `in` such a list), so a rule's
//! work is bounded by its operations × the orders.
//!
//! # Types
//!
//! As in CEL, `int` and `double` are distinct: they compare with each other
//! (`1 == 1.0`, `2 < 2.5`) but do not mix in arithmetic: `1 + 1.5` is a type
//! error that suggests `double(...)`. Int arithmetic is checked: overflow and
//! division by zero make the value missing (see below) instead of panicking.
//! Double arithmetic follows IEEE 754 (`1.0 / 0.0` is infinity).
//!
//! Durations are their own type. `duration('90d')` accepts integer amounts
//! with the units `h`, `m`, `s` of CEL plus a `d` (24 hours) shorthand, also
//! combined (`'1d12h'`); `days(n)` turns an int into a duration. Durations
//! compare with durations and add to or subtract from durations and
//! timestamps (`now - duration('30d')`; timestamp − timestamp is a duration):
//! `value.recencyDays > duration('90d')` is a type error (as in CEL); write
//! `value.recencyDays > 90` or `days(value.recencyDays) > duration('90d')`.
//! `days_since(ts)` is a whole number of days, compared with numbers
//! (`days_since(ts) > 90`); the error next to a duration says so.
//!
//! A rule must be of type `bool`; this is checked when it is compiled.
//!
//! # Missing values
//!
//! An optional field that is absent is *missing*, as are a map entry that is
//! not there, int overflow, division by zero, `int()` of an out-of-range
//! double, an index past the end of a list and a `segment()` whose result was
//! not provided. Missing values propagate through arithmetic and functions;
//! a comparison (`== != < <= > >=`), `in` or string test (`startsWith`,
//! `endsWith`, `contains`) with a missing operand is `false`, whatever the
//! operator. `!`, `&&`, `||` and `? :` are then two-valued (a missing bool
//! counts as false), so `!(x == 'A')` and `x == 'A' ? false : true` agree
//! when `x` is missing. Test presence with `has(x)`. Comparing a field with
//! `null` is a type error that suggests `has`.
//!
//! # Limits
//!
//! [`Limits`] bounds the rule length, the nesting depth and the number of
//! operations; parsing is recursion-bounded, so any input is refused quickly
//! with a `TOO_LARGE` error rather than overflowing the stack, and every
//! error points at the first token past the limit. A chain of `&&` (or of
//! `||`) is one node with many operands, so its length is not nesting.
//!
//! # Stages
//!
//! [`lexer`] → [`parser`] (syntax tree) → [`check`] (types; emits the typed
//! IR of [`program`] and its bytecode) → [`vm`] (runs the bytecode without
//! recursion or allocation), [`explain`] (runs it again recording each
//! node's value), [`vector`] (evaluates the IR over columns of many customers).

mod check;
pub mod explain;
mod fmod;
mod lexer;
mod parser;
pub(crate) mod prebuilt;
pub mod program;
pub mod vector;
mod vm;

pub use explain::{Explanation, FieldValue};
pub use program::{NumKind, Program};

use crate::error::{Error, ErrorCode, Result};
use std::fmt;

/// The static type of a field or expression.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Type {
    /// `true` or `false`.
    Bool,
    /// A 64-bit signed integer.
    Int,
    /// A 64-bit float.
    Double,
    /// A string.
    String,
    /// An instant, given to evaluation as epoch milliseconds; read with `days_since`.
    Timestamp,
    /// A length of time, given to evaluation in seconds.
    Duration,
    /// The type of the `null` literal.
    Null,
    /// A list; fields of list type are the names of a map (`List(String)`, [`Source::Keys`]).
    List(Box<Type>),
    /// A map from names to values of this type, read entry by entry as
    /// `m.name` or `m['name']`; an absent name is missing. Fields of map
    /// type are `Map(Int)` or `Map(Double)` ([`Source::Map`]).
    Map(Box<Type>),
    /// One of the customer's orders (the variable of a macro over `orders`).
    Order,
}

impl fmt::Display for Type {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Type::Bool => f.write_str("bool"),
            Type::Int => f.write_str("int"),
            Type::Double => f.write_str("double"),
            Type::String => f.write_str("string"),
            Type::Timestamp => f.write_str("timestamp"),
            Type::Duration => f.write_str("duration"),
            Type::Null => f.write_str("null"),
            Type::List(t) => write!(f, "list({t})"),
            Type::Map(t) => write!(f, "map(string, {t})"),
            Type::Order => f.write_str("order"),
        }
    }
}

/// Where a field's value is for the customer being evaluated.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Source {
    /// A number in [`Context::numbers`] (NaN: missing): an int, a double, a
    /// bool (0 or 1), a timestamp (ms) or a duration (s), by the field's type.
    Number(usize),
    /// A string from a fixed list, by its index in [`Context::numbers`] (NaN: missing).
    Enum(usize, &'static [&'static str]),
    /// Map number `i` of [`Context::maps`].
    Map(usize),
    /// The names of map number `i`, as a list of strings.
    Keys(usize),
}

/// A field rules can read.
#[derive(Debug, Clone, PartialEq)]
pub struct Field {
    /// The dotted name used in rules, e.g. `value.rfm.r`.
    pub name: String,
    /// Its type.
    pub ty: Type,
    /// Whether it may be absent (missing) for some customers.
    pub optional: bool,
    /// Where its value is.
    pub source: Source,
}

/// The names rules may use: fields, constants and segment ids.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Schema {
    fields: Vec<Field>,
    /// String constants: `(name, value)`, the same for every customer.
    constants: Vec<(String, String)>,
    segments: Vec<String>,
    /// The map `bought('category')` reads (orders per category).
    bought: Option<usize>,
}

impl Schema {
    /// An empty schema.
    pub fn new() -> Self {
        Schema::default()
    }

    /// Declares a field read from `source`; declaring a name again replaces it.
    pub fn add_field(&mut self, name: &str, ty: Type, optional: bool, source: Source) -> &mut Self {
        let field = Field {
            name: name.to_string(),
            ty,
            optional,
            source,
        };
        match self.fields.iter_mut().find(|f| f.name == name) {
            Some(existing) => *existing = field,
            None => self.fields.push(field),
        }
        self
    }

    /// Declares a string that is the same for every customer (such as a
    /// store's category name), read in rules by `name` and compiled into
    /// them; declaring a name again replaces it.
    pub fn add_constant(&mut self, name: &str, value: &str) -> &mut Self {
        match self.constants.iter_mut().find(|(n, _)| n == name) {
            Some(existing) => existing.1 = value.to_string(),
            None => self.constants.push((name.to_string(), value.to_string())),
        }
        self
    }

    /// Declares a segment id usable in `segment('id')`; returns its index,
    /// which is its position in [`Context::segments`].
    pub fn add_segment(&mut self, id: &str) -> usize {
        match self.segments.iter().position(|s| s == id) {
            Some(i) => i,
            None => {
                self.segments.push(id.to_string());
                self.segments.len() - 1
            }
        }
    }

    /// Makes `bought('category')` read map `map` (missing entries count 0).
    pub fn set_bought(&mut self, map: usize) -> &mut Self {
        self.bought = Some(map);
        self
    }

    /// The declared fields.
    pub fn fields(&self) -> &[Field] {
        &self.fields
    }

    /// The declared segment ids, in index order.
    pub fn segments(&self) -> &[String] {
        &self.segments
    }

    fn field(&self, name: &str) -> Option<&Field> {
        self.fields.iter().find(|f| f.name == name)
    }

    fn constant(&self, name: &str) -> Option<&str> {
        self.constants
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    /// Every name rules may read: fields, then constants.
    fn names(&self) -> Vec<&str> {
        let mut names = Vec::with_capacity(self.fields.len() + self.constants.len());
        for f in &self.fields {
            names.push(f.name.as_str());
        }
        for (name, _) in &self.constants {
            names.push(name.as_str());
        }
        names
    }
}

/// Size limits for a rule; all are enforced by [`compile`] with `TOO_LARGE` errors.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Limits {
    /// Maximum rule length in bytes (default 4096).
    pub max_len: usize,
    /// Maximum nesting depth of the expression (default 64, capped at [`Limits::DEPTH_CAP`]).
    pub max_depth: usize,
    /// Maximum number of operations (syntax tree nodes) (default 1000).
    pub max_nodes: usize,
}

impl Limits {
    /// The highest depth honoured whatever `max_depth` says, so that
    /// compiling and evaluating stay well within a WebAssembly stack.
    pub const DEPTH_CAP: usize = 128;

    fn effective_depth(&self) -> usize {
        self.max_depth.min(Self::DEPTH_CAP)
    }
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_len: 4096,
            max_depth: 64,
            max_nodes: 1000,
        }
    }
}

/// A map a rule reads entry by entry: names in order, each with a number.
pub trait MapView {
    /// Number of entries.
    fn len(&self) -> usize;
    /// Whether there are no entries.
    fn is_empty(&self) -> bool {
        self.len() == 0
    }
    /// The `i`-th name, in order.
    fn key(&self, i: usize) -> Option<&str>;
    /// The number of `name`.
    fn get(&self, name: &str) -> Option<f64>;
}

/// A field of an order, as `o.at`, `o.amount`... read it in a macro over `orders`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OrderField {
    /// When it was placed (timestamp, always present).
    At,
    /// What the customer paid (double, always present).
    Amount,
    /// What it cost the store (double, may be missing).
    Cost,
    /// Its discount (double, may be missing).
    Discount,
    /// Its product category (string, may be missing).
    Category,
    /// Its sales channel (string, may be missing).
    Channel,
}

impl OrderField {
    /// Every field, in the order of [`OrderField::NAMES`].
    pub const ALL: [OrderField; 6] = [
        OrderField::At,
        OrderField::Amount,
        OrderField::Cost,
        OrderField::Discount,
        OrderField::Category,
        OrderField::Channel,
    ];
    /// The name of each field in rules (`o.amount`).
    pub const NAMES: [&'static str; 6] =
        ["at", "amount", "cost", "discount", "category", "channel"];
}

/// The customer's orders as rules read them (`orders.exists(o, ...)`), by index.
pub trait OrderView {
    /// Number of orders.
    fn len(&self) -> usize;
    /// Whether there are none.
    fn is_empty(&self) -> bool {
        self.len() == 0
    }
    /// A number field of order `i` (`at` in epoch milliseconds); NaN when missing.
    fn number(&self, i: usize, field: OrderField) -> f64;
    /// A text field of order `i`; `None` when missing.
    fn text(&self, i: usize, field: OrderField) -> Option<&str>;
}

impl OrderView for () {
    fn len(&self) -> usize {
        0
    }
    fn number(&self, _: usize, _: OrderField) -> f64 {
        f64::NAN
    }
    fn text(&self, _: usize, _: OrderField) -> Option<&str> {
        None
    }
}

/// What a rule is evaluated against: one customer's field values and facts.
///
/// Evaluation reads it without allocating; the caller may keep the buffers
/// behind it and refill them for each customer.
#[derive(Clone, Copy)]
pub struct Context<'a> {
    /// Number and enum fields, indexed as [`Source::Number`] and [`Source::Enum`]
    /// say; an index past the end reads as missing.
    pub numbers: &'a [f64],
    /// Map fields, indexed as [`Source::Map`] says.
    pub maps: &'a [&'a dyn MapView],
    /// The scoring instant in milliseconds since the epoch, for `days_since`.
    pub as_of_ms: i64,
    /// Results of segments already evaluated, indexed like [`Schema::segments`];
    /// `None` or an index past the end reads as missing (not matched).
    pub segments: &'a [Option<bool>],
    /// The customer's orders, which macros (`orders.exists(o, ...)`) iterate over.
    pub orders: &'a dyn OrderView,
}

impl<'a> Context<'a> {
    /// A context with these numbers, no maps, the epoch as scoring instant and no segment results.
    pub fn new(numbers: &'a [f64]) -> Self {
        Context {
            numbers,
            maps: &[],
            as_of_ms: 0,
            segments: &[],
            orders: &(),
        }
    }
}

impl fmt::Debug for Context<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Context")
            .field("numbers", &self.numbers)
            .field("maps", &self.maps.len())
            .field("as_of_ms", &self.as_of_ms)
            .field("segments", &self.segments)
            .finish()
    }
}

/// Compiles a rule: lexes, parses, type-checks against `schema` and builds a
/// [`Program`] that evaluates without re-parsing or allocating.
///
/// Errors are `RULE_SYNTAX`, `RULE_TYPE` or `TOO_LARGE` with an empty path
/// (the caller adds one with [`Error::under`]) and a message giving the line,
/// the column, the source line and a caret under the offending text.
pub fn compile(source: &str, schema: &Schema, limits: &Limits) -> Result<Program> {
    compile_as(source, schema, limits, Type::Bool)
}

/// [`compile`] of an expression of type `want`: `Type::Bool` for a condition,
/// `Type::Int` for a score (evaluated with [`Program::eval_int`]).
pub fn compile_as(source: &str, schema: &Schema, limits: &Limits, want: Type) -> Result<Program> {
    if source.len() > limits.max_len {
        let msg = format!(
            "rule is {} bytes long; the limit is {} bytes",
            source.len(),
            limits.max_len
        );
        return Err(lexer::error_at(
            ErrorCode::TooLarge,
            source,
            lexer::Span::new(limits.max_len, limits.max_len + 1),
            &msg,
        ));
    }
    let tokens = lexer::lex(source)?;
    let expr = parser::parse(source, &tokens, limits)?;
    check::check_as(source, &expr, schema, limits.max_nodes, Some(want))
}

/// Compiles an expression of any type (not only a condition) and evaluates it
/// with no customer data, at the epoch: its value as explanations write it
/// (`3`, `"a"`, `[1, 2]`, `unknown (division by zero)`). The CEL conformance
/// runner (`tests/cel_conformance.rs`) checks the language with it.
#[doc(hidden)]
pub fn evaluate(source: &str, schema: &Schema, limits: &Limits) -> Result<String> {
    let tokens = lexer::lex(source)?;
    let expr = parser::parse(source, &tokens, limits)?;
    let program = check::check_as(source, &expr, schema, limits.max_nodes, None)?;
    Ok(program.explain(&Context::new(&[])).value)
}

/// Segments whose rules reference each other in a cycle, found by [`evaluation_order`].
#[derive(Debug, Clone, PartialEq)]
pub struct Cycle {
    /// Index of the segment whose `segment('...')` call closes the cycle.
    pub segment: usize,
    /// `INVALID_SEGMENT`, naming the cycle (`a → b → a`), with the line,
    /// column and a caret under that call; its path is left to the caller.
    pub error: Error,
}

/// An order in which to evaluate segments so that each comes after the
/// segments its rule references; `programs[i]` is the rule of
/// `schema.segments()[i]` (references past either list are ignored).
pub fn evaluation_order(
    schema: &Schema,
    programs: &[Program],
) -> std::result::Result<Vec<usize>, Cycle> {
    let ids = schema.segments();
    let n = ids.len().min(programs.len());
    let deps = |i: usize| {
        programs[i]
            .segment_dependencies()
            .iter()
            .copied()
            .filter(move |&d| d < n)
    };
    // 0 = not visited, 1 = on the current path, 2 = done.
    let mut state = vec![0u8; n];
    let mut order = Vec::with_capacity(n);
    for root in 0..n {
        if state[root] != 0 {
            continue;
        }
        let mut stack: Vec<(usize, usize)> = vec![(root, 0)];
        state[root] = 1;
        while let Some(&mut (node, ref mut next)) = stack.last_mut() {
            match deps(node).nth(*next) {
                Some(dep) => {
                    *next += 1;
                    match state[dep] {
                        0 => {
                            state[dep] = 1;
                            stack.push((dep, 0));
                        }
                        1 => {
                            let from = stack.iter().position(|&(n, _)| n == dep).unwrap_or(0);
                            let cycle: Vec<String> = stack[from..]
                                .iter()
                                .chain([&(dep, 0)])
                                .map(|&(n, _)| format!("`{}`", ids[n]))
                                .collect();
                            let msg = format!(
                                "segments reference each other in a cycle: {}",
                                cycle.join(" → ")
                            );
                            let program = &programs[node];
                            let span = program
                                .segment_call(dep)
                                .unwrap_or(lexer::Span::new(0, program.source.len()));
                            let error = lexer::error_at(
                                ErrorCode::InvalidSegment,
                                &program.source,
                                span,
                                &msg,
                            );
                            return Err(Cycle {
                                segment: node,
                                error,
                            });
                        }
                        _ => {}
                    }
                }
                None => {
                    state[node] = 2;
                    order.push(node);
                    stack.pop();
                }
            }
        }
    }
    Ok(order)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// 2026-11-25T00:00:00Z, the scoring instant of the tests.
    pub const AS_OF_MS: i64 = 1_795_564_800_000;

    /// A schema like the crate's: value, satisfaction and loyalty fields.
    pub fn schema() -> Schema {
        let mut s = Schema::new();
        s.add_field("value.frequency", Type::Int, false, Source::Number(0))
            .add_field("value.monetary", Type::Double, false, Source::Number(1))
            .add_field("value.recencyDays", Type::Int, true, Source::Number(2))
            .add_field("value.rfm.r", Type::Int, false, Source::Number(3))
            .add_field(
                "value.abc",
                Type::String,
                false,
                Source::Enum(4, &["A", "B", "C", "D"]),
            )
            .add_field("satisfaction.nps.score", Type::Int, true, Source::Number(5))
            .add_field(
                "satisfaction.nps.category",
                Type::String,
                true,
                Source::Enum(6, &["promoter", "passive", "detractor"]),
            )
            .add_field(
                "loyalty.stage",
                Type::String,
                false,
                Source::Enum(7, &["new", "active"]),
            )
            .add_field(
                "categories",
                Type::List(Box::new(Type::String)),
                false,
                Source::Keys(1),
            )
            .add_field("lastOrder", Type::Timestamp, true, Source::Number(9))
            .add_field("isVip", Type::Bool, false, Source::Number(10))
            .add_field("tenure", Type::Duration, false, Source::Number(11))
            .add_field(
                "satisfaction.dimensions",
                Type::Map(Box::new(Type::Double)),
                false,
                Source::Map(0),
            )
            .add_field(
                "value.categories",
                Type::Map(Box::new(Type::Int)),
                false,
                Source::Map(1),
            )
            .add_constant("store.books", "Bücher")
            .set_bought(1);
        for id in ["vip", "churn", "dormant"] {
            s.add_segment(id);
        }
        s
    }

    /// A map of names in order.
    pub struct Entries(pub Vec<(&'static str, f64)>);

    impl MapView for Entries {
        fn len(&self) -> usize {
            self.0.len()
        }
        fn key(&self, i: usize) -> Option<&str> {
            self.0.get(i).map(|(k, _)| *k)
        }
        fn get(&self, name: &str) -> Option<f64> {
            self.0.iter().find(|(k, _)| *k == name).map(|(_, v)| *v)
        }
    }

    /// An order as `(days before the scoring instant, amount, cost, category, channel)`.
    pub type TestOrder = (i64, f64, f64, Option<&'static str>, Option<&'static str>);

    /// Orders for [`OrderView`].
    pub struct Orders(pub &'static [TestOrder]);

    /// The test customer's orders: a 25.00 book 40 days ago by coupon, a 30.00 DVD
    /// 10 days ago (cost 18.00) on the web, a 12.50 book 2 days ago by coupon.
    pub const ORDERS: &[TestOrder] = &[
        (40, 25.0, f64::NAN, Some("books"), Some("coupon")),
        (10, 30.0, 18.0, Some("dvd"), Some("web")),
        (2, 12.5, f64::NAN, Some("books"), Some("coupon")),
    ];

    impl OrderView for Orders {
        fn len(&self) -> usize {
            self.0.len()
        }
        fn number(&self, i: usize, field: OrderField) -> f64 {
            let Some(&(days, amount, cost, ..)) = self.0.get(i) else {
                return f64::NAN;
            };
            match field {
                OrderField::At => (AS_OF_MS - days * 86_400_000) as f64,
                OrderField::Amount => amount,
                OrderField::Cost => cost,
                _ => f64::NAN,
            }
        }
        fn text(&self, i: usize, field: OrderField) -> Option<&str> {
            let &(.., category, channel) = self.0.get(i)?;
            match field {
                OrderField::Category => category,
                OrderField::Channel => channel,
                _ => None,
            }
        }
    }

    /// A customer for [`schema`]: NPS missing, last order 9.5 days before the
    /// scoring instant, 3 books and a music order, two survey dimensions.
    pub fn with_customer<T>(f: impl FnOnce(&Schema, &Context<'_>) -> T) -> T {
        let numbers = [
            5.0,
            120.5,
            123.0,
            4.0,
            0.0,
            f64::NAN,
            f64::NAN,
            1.0,
            f64::NAN,
            (AS_OF_MS - 9 * 86_400_000 - 43_200_000) as f64,
            1.0,
            400.0 * 86_400.0,
        ];
        let dimensions = Entries(vec![("qualité", 1.0), ("service", -0.5)]);
        let categories = Entries(vec![("books", 3.0), ("music", 1.0)]);
        let maps: [&dyn MapView; 2] = [&dimensions, &categories];
        let segments = [Some(true), Some(false), None];
        let ctx = Context {
            numbers: &numbers,
            maps: &maps,
            as_of_ms: AS_OF_MS,
            segments: &segments,
            orders: &Orders(ORDERS),
        };
        f(&schema(), &ctx)
    }

    /// The compile error message for `src` against [`schema`], asserting its code.
    pub fn compile_err(src: &str, code: ErrorCode) -> String {
        match compile(src, &schema(), &Limits::default()) {
            Ok(_) => panic!("expected an error for {src:?}"),
            Err(e) => {
                assert_eq!(e.code(), code, "{e}");
                assert_eq!(e.path(), "");
                e.message().to_string()
            }
        }
    }

    #[test]
    fn schema_declarations_replace_and_index() {
        let mut s = Schema::new();
        s.add_field("a", Type::Int, false, Source::Number(0))
            .add_field("a", Type::Double, true, Source::Number(3));
        assert_eq!(
            s.fields(),
            &[Field {
                name: "a".into(),
                ty: Type::Double,
                optional: true,
                source: Source::Number(3)
            }]
        );
        s.add_constant("k", "x").add_constant("k", "y");
        assert_eq!((s.constant("k"), s.names()), (Some("y"), vec!["a", "k"]));
        assert_eq!(
            Type::Map(Box::new(Type::Int)).to_string(),
            "map(string, int)"
        );
        assert_eq!(s.add_segment("x"), 0);
        assert_eq!(s.add_segment("y"), 1);
        assert_eq!(s.add_segment("x"), 0);
        assert_eq!(
            Type::List(Box::new(Type::String)).to_string(),
            "list(string)"
        );
    }

    #[test]
    fn errors_leave_the_path_to_the_caller() {
        let e = match compile("value.frequency &&", &schema(), &Limits::default()) {
            Err(e) => e.under("segments[2].when"),
            Ok(_) => panic!("expected an error"),
        };
        assert_eq!(e.path(), "segments[2].when");
        assert_eq!(e.code().as_str(), "RULE_SYNTAX");
    }

    #[test]
    fn length_limit() {
        let limits = Limits {
            max_len: 10,
            ..Limits::default()
        };
        let e = compile("value.frequency > 1", &schema(), &limits).err();
        assert_eq!(
            e.map(|e| (e.code(), e.message().to_string())),
            Some((
                ErrorCode::TooLarge,
                "line 1, column 11: rule is 19 bytes long; the limit is 10 bytes\nvalue.frequency > 1\n          ^".into()
            ))
        );
        let e = compile(
            &format!("true ||\n{}", "x".repeat(300)),
            &schema(),
            &Limits {
                max_len: 200,
                ..Limits::default()
            },
        );
        let message = e.err().map(|e| e.message().to_string()).unwrap_or_default();
        // byte 200 is character 193 of line 2 (which starts at byte 8); the 100 characters shown start
        // 50 before it, at the 143rd, after "...": the caret is 3 + 50 characters in.
        let line = format!("...{}...", "x".repeat(100));
        assert_eq!(
            message,
            format!(
                "line 2, column 193: rule is 308 bytes long; the limit is 200 bytes\n{line}\n{}^",
                " ".repeat(53)
            )
        );
    }

    #[test]
    fn a_million_parentheses_are_refused_quickly() {
        let src = format!("{}true{}", "(".repeat(1_000_000), ")".repeat(1_000_000));
        let started = std::time::Instant::now();
        let e = compile(&src, &schema(), &Limits::default()).err();
        assert_eq!(e.map(|e| e.code()), Some(ErrorCode::TooLarge));
        let limits = Limits {
            max_len: usize::MAX,
            max_depth: usize::MAX,
            max_nodes: usize::MAX,
        };
        let e = compile(&src, &schema(), &limits).err();
        assert!(
            e.as_ref().is_some_and(|e| e.code() == ErrorCode::TooLarge),
            "{e:?}"
        );
        let message = e.map(|e| e.message().to_string()).unwrap_or_default();
        assert!(message.starts_with(
            "line 1, column 129: expression nested too deeply (the limit is 128 levels)\n"
        ));
        assert!(
            message.len() < 300,
            "the source line is shown around the caret only: {message}"
        );
        // Only a hang guard: the refusal is shown by the message's column above.
        assert!(started.elapsed() < std::time::Duration::from_secs(60));
    }

    #[test]
    fn depth_limit_counts_operators_and_unary_chains() {
        let limits = Limits {
            max_depth: 8,
            ..Limits::default()
        };
        // `value.frequency` is 1 high (a member of `value`) and each `+` nests the sum before it:
        // the 8th makes the tree 9 high; it is at column 15 + 4 × 7 + 2 = 45.
        let chain = format!("value.frequency{} > 0", " + 1".repeat(10));
        let e = compile(&chain, &schema(), &limits)
            .err()
            .map(|e| e.message().to_string());
        assert_eq!(
            e.as_deref().and_then(|m| m.lines().next()),
            Some("line 1, column 45: expression nested too deeply (the limit is 8 levels)")
        );
        let nots = format!("{}true", "!".repeat(100_000));
        let e = compile(
            &nots,
            &schema(),
            &Limits {
                max_len: usize::MAX,
                ..Limits::default()
            },
        )
        .err();
        assert_eq!(e.map(|e| e.code()), Some(ErrorCode::TooLarge));
        assert!(compile(
            &format!("{}true", "!".repeat(20)),
            &schema(),
            &Limits::default()
        )
        .is_ok());
    }

    // A chain of `&&` or `||` is one node with many operands, whatever its length;
    // parentheses nest. Found by an audit: 63 conditions joined by `&&` were refused.
    #[test]
    fn logic_chains_do_not_count_as_nesting() {
        let limits = Limits {
            max_depth: 4,
            ..Limits::default()
        };
        let chain = vec!["value.frequency > 1"; 63].join(" && ");
        assert!(compile(&chain, &schema(), &limits).is_ok());
        let mixed = vec!["value.frequency > 1 && isVip"; 40].join(" || ");
        assert!(compile(&mixed, &schema(), &limits).is_ok());
        // The whole rule is level 1 and each parenthesis opens the next: 3 fit, the 4th's content is level 5.
        let (ok, deep) = ("(((isVip)))", "((((isVip))))");
        assert!(compile(ok, &schema(), &limits).is_ok());
        let e = compile(deep, &schema(), &limits)
            .err()
            .map(|e| e.message().to_string());
        assert_eq!(e.as_deref(), Some("line 1, column 5: expression nested too deeply (the limit is 4 levels)\n((((isVip))))\n    ^^^^^"));
        assert!(compile(
            "isVip && (isVip || (isVip && (isVip || isVip)))",
            &schema(),
            &limits
        )
        .is_ok());
        let nested = "isVip && (isVip || (isVip && (isVip || (isVip && isVip))))";
        let e = compile(nested, &schema(), &limits)
            .err()
            .map(|e| e.message().to_string());
        assert_eq!(
            e.as_deref(),
            Some(&*format!("line 1, column 41: expression nested too deeply (the limit is 4 levels)\n{nested}\n{}^^^^^", " ".repeat(40)))
        );
    }

    #[test]
    fn node_limit() {
        let limits = Limits {
            max_nodes: 5,
            ..Limits::default()
        };
        let e = compile("1 in [1, 2, 3, 4, 5]", &schema(), &limits)
            .err()
            .map(|e| e.message().to_string());
        assert_eq!(
            e.as_deref(),
            Some("line 1, column 19: rule has too many operations (the limit is 5)\n1 in [1, 2, 3, 4, 5]\n                  ^")
        );
    }

    fn segment_programs(rules: &[&str]) -> (Schema, Vec<Program>) {
        let s = schema();
        let programs = rules
            .iter()
            .map(|r| compile(r, &s, &Limits::default()))
            .collect::<Result<Vec<_>>>();
        (s, programs.unwrap_or_else(|e| panic!("{e}")))
    }

    #[test]
    fn segments_are_ordered_by_dependencies() {
        let (s, programs) = segment_programs(&[
            "isVip",
            "segment('dormant') && !segment('vip')",
            "value.frequency == 0",
        ]);
        assert_eq!(programs[1].segment_dependencies(), &[0, 2]);
        assert_eq!(evaluation_order(&s, &programs), Ok(vec![0, 2, 1]));
    }

    #[test]
    fn segment_cycles_point_at_the_closing_call() {
        // vip → churn → dormant, whose rule (index 2) calls segment('vip') on line 2, column 4.
        let (s, programs) = segment_programs(&[
            "segment('churn')",
            "segment('dormant')",
            "true &&\n   segment('vip')",
        ]);
        let e = evaluation_order(&s, &programs).err();
        assert_eq!(
            e.map(|c| (c.segment, c.error.code(), c.error.message().to_string())),
            Some((
                2,
                ErrorCode::InvalidSegment,
                "line 2, column 4: segments reference each other in a cycle: `vip` → `churn` → `dormant` → `vip`\n   \
                 segment('vip')\n   ^^^^^^^^^^^^^^"
                    .into()
            ))
        );
        let (s, programs) = segment_programs(&["isVip", "segment('churn')", "true"]);
        let e = evaluation_order(&s, &programs)
            .err()
            .map(|c| (c.segment, c.error.message().to_string()));
        assert_eq!(
            e,
            Some((1, "line 1, column 1: segments reference each other in a cycle: `churn` → `churn`\nsegment('churn')\n^^^^^^^^^^^^^^^^".into()))
        );
        assert_eq!(evaluation_order(&s, &programs[..1]), Ok(vec![0]));
    }

    #[test]
    fn no_input_panics() {
        let rule = "!(value.frequency >= 0x1F) && 'é\\u00e9' in [r'x', \"y\"] || min(1, 2) % 3 == -1 \
                    ? segment('vip') : days_since(lastOrder) > 1e3 // c\n && categories[0].size() > 0";
        let macros = "orders.exists(o, o.amount > 1.0 && [1, 2].all(x, x < 3 && categories.size() > x)) || \
                      orders.filter(o, has(o.cost)).size() == 1 && orders[1].at - now < duration('1d') && \
                      ['a'] + [store.books] != [] && categories.exists_one(c, c.startsWith('bo'))";
        let s = schema();
        for rule in [rule, macros] {
            for (i, _) in rule.char_indices() {
                for piece in [&rule[..i], &rule[i..]] {
                    if let Ok(p) = compile(piece, &s, &Limits::default()) {
                        let _ = p.explain(&Context::new(&[]));
                        let _ = p.eval(&Context::new(&[]));
                        with_customer(|_, ctx| (p.eval(ctx), p.explain(ctx)));
                    }
                }
            }
        }
        // The whole of the second compiles; on the test customer its first macro is false (size(categories)
        // is 2, not above 2) and what follows `||` true (one order has a cost, one category starts "bo").
        with_customer(|s, ctx| {
            let eval = |rule: &str| match compile(rule, s, &Limits::default()) {
                Ok(p) => p.eval(ctx),
                Err(e) => panic!("{e}"),
            };
            let (first, _) = macros.split_once(" || ").unwrap_or_default();
            assert!(eval(macros) && !eval(first));
        });
    }
}
