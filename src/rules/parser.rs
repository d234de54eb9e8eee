//! The syntax tree of a rule and its parser.
//!
//! The parser is recursive descent with precedence climbing for binary
//! operators. Every recursive step goes through [`Parser::enter`], so the
//! nesting depth (and therefore the stack use) is bounded by
//! [`Limits::max_depth`](super::Limits), and so is the depth of the tree.

use super::lexer::{error_at, line_column, Span, Tok, Token};
use super::Limits;
use crate::error::{Error, ErrorCode, Result};
use crate::text::slice;

/// An expression and the source it was parsed from.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Expr {
    pub kind: ExprKind,
    pub span: Span,
    /// Height of the tree rooted here (0 for a leaf), at most the nesting
    /// depth the parser allows, so that walking the tree stays within the stack.
    pub depth: usize,
}

/// The kinds of expression.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum ExprKind {
    Null,
    Bool(bool),
    Int(i64),
    Double(f64),
    Str(String),
    Ident(String),
    /// `target.name`.
    Member(Box<Expr>, String),
    /// `target[index]`.
    Index(Box<Expr>, Box<Expr>),
    /// `name(args)` or, with a target, `target.name(args)`.
    Call {
        target: Option<Box<Expr>>,
        name: String,
        name_span: Span,
        args: Vec<Expr>,
    },
    List(Vec<Expr>),
    Not(Box<Expr>),
    Neg(Box<Expr>),
    Binary {
        op: BinOp,
        op_span: Span,
        left: Box<Expr>,
        right: Box<Expr>,
    },
    /// A chain of `&&` (`op` = [`BinOp::And`]) or `||`: one node, however long the chain.
    Logic {
        op: BinOp,
        operands: Vec<Expr>,
    },
    /// `cond ? then : otherwise`.
    Cond(Box<Expr>, Box<Expr>, Box<Expr>),
}

/// Binary operators.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum BinOp {
    Or,
    And,
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    In,
    Add,
    Sub,
    Mul,
    Div,
    Rem,
}

impl BinOp {
    /// The operator as written.
    pub fn symbol(self) -> &'static str {
        match self {
            BinOp::Or => "||",
            BinOp::And => "&&",
            BinOp::Eq => "==",
            BinOp::Ne => "!=",
            BinOp::Lt => "<",
            BinOp::Le => "<=",
            BinOp::Gt => ">",
            BinOp::Ge => ">=",
            BinOp::In => "in",
            BinOp::Add => "+",
            BinOp::Sub => "-",
            BinOp::Mul => "*",
            BinOp::Div => "/",
            BinOp::Rem => "%",
        }
    }

    /// CEL precedence, higher binds tighter; all binary operators are left-associative.
    fn of(tok: &Tok) -> Option<(BinOp, u8)> {
        Some(match tok {
            Tok::OrOr => (BinOp::Or, 1),
            Tok::AndAnd => (BinOp::And, 2),
            Tok::EqEq => (BinOp::Eq, 3),
            Tok::Ne => (BinOp::Ne, 3),
            Tok::Lt => (BinOp::Lt, 3),
            Tok::Le => (BinOp::Le, 3),
            Tok::Gt => (BinOp::Gt, 3),
            Tok::Ge => (BinOp::Ge, 3),
            Tok::In => (BinOp::In, 3),
            Tok::Plus => (BinOp::Add, 4),
            Tok::Minus => (BinOp::Sub, 4),
            Tok::Star => (BinOp::Mul, 5),
            Tok::Slash => (BinOp::Div, 5),
            Tok::Percent => (BinOp::Rem, 5),
            _ => return None,
        })
    }
}

/// Parses a whole rule from its tokens.
pub(crate) fn parse(src: &str, tokens: &[Token], limits: &Limits) -> Result<Expr> {
    let mut p = Parser {
        src,
        tokens,
        pos: 0,
        depth: 0,
        nodes: 0,
        limits,
    };
    let expr = p.expr()?;
    let t = p.peek();
    if t.tok != Tok::Eof {
        return Err(p.syntax(
            t.span,
            &format!(
                "expected an operator or end of input, found {}",
                p.describe(t)
            ),
        ));
    }
    Ok(expr)
}

struct Parser<'a> {
    src: &'a str,
    tokens: &'a [Token],
    pos: usize,
    depth: usize,
    nodes: usize,
    limits: &'a Limits,
}

/// The token returned past the end (the lexer always ends with one `Eof`).
const EOF: Token = Token {
    tok: Tok::Eof,
    span: Span { start: 0, end: 0 },
};

impl<'a> Parser<'a> {
    fn peek(&self) -> &'a Token {
        self.tokens
            .get(self.pos)
            .or(self.tokens.last())
            .unwrap_or(&EOF)
    }

    fn next(&mut self) -> &'a Token {
        let t = self.peek();
        self.pos = (self.pos + 1).min(self.tokens.len());
        t
    }

    fn syntax(&self, span: Span, message: &str) -> Error {
        error_at(ErrorCode::RuleSyntax, self.src, span, message)
    }

    /// How a token is named in "found ..." messages.
    fn describe(&self, t: &Token) -> String {
        if t.tok == Tok::Eof {
            return "end of input".into();
        }
        let text = slice(self.src, t.span.start..t.span.end);
        if text.chars().count() > 30 {
            let head: String = text.chars().take(30).collect();
            format!("`{head}...`")
        } else {
            format!("`{text}`")
        }
    }

    /// Enters one level of nesting; fails once the configured depth is exceeded.
    fn enter(&mut self) -> Result<()> {
        self.depth += 1;
        if self.depth > self.limits.effective_depth() {
            return Err(self.too_deep(self.peek().span));
        }
        Ok(())
    }

    fn too_deep(&self, span: Span) -> Error {
        let msg = format!(
            "expression nested too deeply (the limit is {} levels)",
            self.limits.effective_depth()
        );
        error_at(ErrorCode::TooLarge, self.src, span, &msg)
    }

    fn leave(&mut self) {
        self.depth -= 1;
    }

    /// Builds a node, enforcing the node count and tree height limits; an
    /// error points at `at`, the token that made the node (an operator, a `.`).
    fn node(&mut self, kind: ExprKind, span: Span, at: Span) -> Result<Expr> {
        let depth = children(&kind).map(|c| c.depth + 1).max().unwrap_or(0);
        self.count(depth, at)?;
        Ok(Expr { kind, span, depth })
    }

    /// Counts one more operation, in a tree of height `depth`.
    ///
    /// The height is added to the levels already open around the node (the
    /// whole rule is level 1, each `(`, `!`, `-`, `[`, call argument and `? :`
    /// branch opens one), so that a chain nested to the right, such as
    /// `a ? x : b ? y : …`, is refused at the operator of the first node that
    /// passes the limit, reading from the left, rather than at the outermost.
    fn count(&mut self, depth: usize, at: Span) -> Result<()> {
        if self.depth.saturating_sub(1) + depth > self.limits.effective_depth() {
            return Err(self.too_deep(at));
        }
        self.nodes += 1;
        if self.nodes > self.limits.max_nodes {
            return Err(error_at(
                ErrorCode::TooLarge,
                self.src,
                at,
                &format!(
                    "rule has too many operations (the limit is {})",
                    self.limits.max_nodes
                ),
            ));
        }
        Ok(())
    }

    /// `expr := or ('?' or ':' expr)?`
    fn expr(&mut self) -> Result<Expr> {
        self.enter()?;
        let cond = self.binary(1)?;
        let result = if self.peek().tok == Tok::Question {
            let q = self.next();
            let then = self.operand_after(q, |p| p.binary(1))?;
            let t = self.peek();
            if t.tok != Tok::Colon {
                let msg = format!(
                    "expected `:` in the conditional `? :`, found {}",
                    self.describe(t)
                );
                return Err(self.syntax(t.span, &msg));
            }
            let colon = self.next();
            let otherwise = self.operand_after(colon, Self::expr)?;
            let span = cond.span.to(otherwise.span);
            self.node(
                ExprKind::Cond(Box::new(cond), Box::new(then), Box::new(otherwise)),
                span,
                q.span,
            )?
        } else {
            cond
        };
        self.leave();
        Ok(result)
    }

    /// Parses an operand that must follow the token `after`, with a message naming it.
    fn operand_after(
        &mut self,
        after: &Token,
        parse: impl FnOnce(&mut Self) -> Result<Expr>,
    ) -> Result<Expr> {
        let t = self.peek();
        if !starts_expr(&t.tok) {
            let op = slice(self.src, after.span.start..after.span.end);
            let msg = format!(
                "expected an expression after `{op}`, found {}",
                self.describe(t)
            );
            return Err(self.syntax(t.span, &msg));
        }
        parse(self)
    }

    /// Precedence climbing over binary operators of precedence `min` and above.
    ///
    /// A chain of `&&` (or of `||`) becomes one [`ExprKind::Logic`] node, so
    /// that its length does not count as nesting; parentheses still do.
    fn binary(&mut self, min: u8) -> Result<Expr> {
        let mut left = self.unary()?;
        // Whether `left` is a chain this loop built (a parenthesised one is not extended).
        let mut chained = false;
        while let Some((op, prec)) = BinOp::of(&self.peek().tok) {
            if prec < min {
                break;
            }
            let op_token = self.next();
            let right = self.operand_after(op_token, |p| p.binary(prec + 1))?;
            let span = left.span.to(right.span);
            match &mut left.kind {
                ExprKind::Logic {
                    op: current,
                    operands,
                } if chained && *current == op => {
                    let depth = left.depth.max(1 + right.depth);
                    self.count(depth, op_token.span)?;
                    operands.push(right);
                    left.span = span;
                    left.depth = depth;
                }
                _ => {
                    chained = matches!(op, BinOp::And | BinOp::Or);
                    let kind = if chained {
                        ExprKind::Logic {
                            op,
                            operands: vec![left, right],
                        }
                    } else {
                        ExprKind::Binary {
                            op,
                            op_span: op_token.span,
                            left: Box::new(left),
                            right: Box::new(right),
                        }
                    };
                    left = self.node(kind, span, op_token.span)?;
                }
            }
        }
        Ok(left)
    }

    /// `unary := ('!' | '-') unary | postfix`
    fn unary(&mut self) -> Result<Expr> {
        let t = self.peek();
        match t.tok {
            Tok::Not | Tok::Minus => {
                self.next();
                self.enter()?;
                if let (Tok::Minus, Tok::Int(n)) = (&t.tok, &self.peek().tok) {
                    let n = *n;
                    let lit = self.next();
                    let value = 0i64.checked_sub_unsigned(n).ok_or_else(|| {
                        self.syntax(lit.span, &format!("integer `-{n}` is out of range for int"))
                    })?;
                    let e = self.node(ExprKind::Int(value), t.span.to(lit.span), t.span)?;
                    let e = self.postfix(e)?;
                    self.leave();
                    return Ok(e);
                }
                let operand = self.operand_after(t, Self::unary)?;
                self.leave();
                let span = t.span.to(operand.span);
                let kind = if t.tok == Tok::Not {
                    ExprKind::Not(Box::new(operand))
                } else {
                    ExprKind::Neg(Box::new(operand))
                };
                self.node(kind, span, t.span)
            }
            _ => {
                let e = self.primary()?;
                self.postfix(e)
            }
        }
    }

    /// Member selection, method calls and indexing after a primary.
    fn postfix(&mut self, mut e: Expr) -> Result<Expr> {
        loop {
            match self.peek().tok {
                Tok::Dot => {
                    self.next();
                    let t = self.next();
                    let Tok::Ident(name) = &t.tok else {
                        let msg = format!(
                            "expected a field name after `.`, found {}",
                            self.describe(t)
                        );
                        return Err(self.syntax(t.span, &msg));
                    };
                    if self.peek().tok == Tok::LParen {
                        let open = self.next();
                        let (args, close) = self.args(open)?;
                        let span = e.span.to(close);
                        let kind = ExprKind::Call {
                            target: Some(Box::new(e)),
                            name: name.clone(),
                            name_span: t.span,
                            args,
                        };
                        e = self.node(kind, span, t.span)?;
                    } else {
                        let span = e.span.to(t.span);
                        e = self.node(ExprKind::Member(Box::new(e), name.clone()), span, t.span)?;
                    }
                }
                Tok::LBracket => {
                    let open = self.next();
                    let index = self.operand_after(open, Self::expr)?;
                    let close = self.close(open, &Tok::RBracket, "]")?;
                    let span = e.span.to(close);
                    e = self.node(
                        ExprKind::Index(Box::new(e), Box::new(index)),
                        span,
                        open.span,
                    )?;
                }
                _ => return Ok(e),
            }
        }
    }

    fn primary(&mut self) -> Result<Expr> {
        let t = self.next();
        let kind = match &t.tok {
            Tok::Null => ExprKind::Null,
            Tok::True => ExprKind::Bool(true),
            Tok::False => ExprKind::Bool(false),
            Tok::Double(v) => ExprKind::Double(*v),
            Tok::Str(s) => ExprKind::Str(s.clone()),
            Tok::Int(n) => match i64::try_from(*n) {
                Ok(v) => ExprKind::Int(v),
                Err(_) => {
                    return Err(
                        self.syntax(t.span, &format!("integer `{n}` is out of range for int"))
                    )
                }
            },
            Tok::Ident(name) if self.peek().tok == Tok::LParen => {
                let open = self.next();
                let (args, close) = self.args(open)?;
                let kind = ExprKind::Call {
                    target: None,
                    name: name.clone(),
                    name_span: t.span,
                    args,
                };
                return self.node(kind, t.span.to(close), t.span);
            }
            Tok::Ident(name) => ExprKind::Ident(name.clone()),
            Tok::LParen => {
                let mut inner = self.operand_after(t, Self::expr)?;
                let close = self.close(t, &Tok::RParen, ")")?;
                inner.span = t.span.to(close);
                return Ok(inner);
            }
            Tok::LBracket => return self.list(t),
            Tok::LBrace => return Err(self.syntax(t.span, "maps are not supported in rules")),
            _ => {
                return Err(self.syntax(
                    t.span,
                    &format!("expected an expression, found {}", self.describe(t)),
                ))
            }
        };
        self.node(kind, t.span, t.span)
    }

    /// Expects the closing token for `open`; returns its span.
    fn close(&mut self, open: &Token, tok: &Tok, symbol: &str) -> Result<Span> {
        let t = self.peek();
        if &t.tok == tok {
            self.next();
            return Ok(t.span);
        }
        let opener = slice(self.src, open.span.start..open.span.end);
        let (line, col) = line_column(self.src, open.span.start);
        let (here, _) = line_column(self.src, t.span.start);
        let at = if line == here {
            format!("column {col}")
        } else {
            format!("line {line}, column {col}")
        };
        let msg = format!(
            "expected `{symbol}` to close the `{opener}` at {at}, found {}",
            self.describe(t)
        );
        Err(self.syntax(t.span, &msg))
    }

    /// A comma-separated list of expressions up to `end`, trailing comma allowed.
    fn items(
        &mut self,
        open: &Token,
        end: &Tok,
        symbol: &str,
        what: &str,
    ) -> Result<(Vec<Expr>, Span)> {
        let mut items = Vec::new();
        loop {
            if self.peek().tok == *end {
                break;
            }
            items.push(self.expr()?);
            let t = self.peek();
            if t.tok == Tok::Comma {
                self.next();
            } else if t.tok != *end {
                let msg = if t.tok == Tok::Eof {
                    let (_, col) = line_column(self.src, open.span.start);
                    let opener = slice(self.src, open.span.start..open.span.end);
                    format!("expected `{symbol}` to close the `{opener}` at column {col}, found end of input")
                } else {
                    format!(
                        "expected `,` or `{symbol}` in {what}, found {}",
                        self.describe(t)
                    )
                };
                return Err(self.syntax(t.span, &msg));
            }
        }
        let close = self.next().span;
        Ok((items, close))
    }

    fn args(&mut self, open: &Token) -> Result<(Vec<Expr>, Span)> {
        self.items(open, &Tok::RParen, ")", "the argument list")
    }

    fn list(&mut self, open: &Token) -> Result<Expr> {
        let (items, close) = self.items(open, &Tok::RBracket, "]", "the list")?;
        self.node(ExprKind::List(items), open.span.to(close), open.span)
    }
}

/// The direct subexpressions of a node.
pub(crate) fn children(kind: &ExprKind) -> impl Iterator<Item = &Expr> {
    let (fixed, rest): ([Option<&Expr>; 3], &[Expr]) = match kind {
        ExprKind::Member(t, _) | ExprKind::Not(t) | ExprKind::Neg(t) => {
            ([Some(&**t), None, None], &[])
        }
        ExprKind::Index(a, b) => ([Some(&**a), Some(&**b), None], &[]),
        ExprKind::Binary { left, right, .. } => ([Some(&**left), Some(&**right), None], &[]),
        ExprKind::Cond(a, b, c) => ([Some(&**a), Some(&**b), Some(&**c)], &[]),
        ExprKind::Call { target, args, .. } => ([target.as_deref(), None, None], args),
        ExprKind::List(items)
        | ExprKind::Logic {
            operands: items, ..
        } => ([None, None, None], items),
        _ => ([None, None, None], &[]),
    };
    fixed.into_iter().flatten().chain(rest.iter())
}

/// Whether a token can begin an expression.
fn starts_expr(tok: &Tok) -> bool {
    matches!(
        tok,
        Tok::Int(_)
            | Tok::Double(_)
            | Tok::Str(_)
            | Tok::Ident(_)
            | Tok::True
            | Tok::False
            | Tok::Null
            | Tok::LParen
            | Tok::LBracket
            | Tok::LBrace
            | Tok::Not
            | Tok::Minus
    )
}

#[cfg(test)]
mod tests {
    use super::super::lexer::lex;
    use super::*;

    fn parse_str(src: &str) -> Result<Expr> {
        parse(src, &lex(src)?, &Limits::default())
    }

    /// The tree as an s-expression, to check precedence and associativity.
    fn sexpr(e: &Expr) -> String {
        match &e.kind {
            ExprKind::Null => "null".into(),
            ExprKind::Bool(b) => b.to_string(),
            ExprKind::Int(i) => i.to_string(),
            ExprKind::Double(d) => format!("{d:?}"),
            ExprKind::Str(s) => format!("{s:?}"),
            ExprKind::Ident(n) => n.clone(),
            ExprKind::Member(t, n) => format!("{}.{n}", sexpr(t)),
            ExprKind::Index(t, i) => format!("{}[{}]", sexpr(t), sexpr(i)),
            ExprKind::Call {
                target, name, args, ..
            } => {
                let args: Vec<String> = target
                    .iter()
                    .map(|t| sexpr(t))
                    .chain(args.iter().map(sexpr))
                    .collect();
                format!("({name} {})", args.join(" "))
            }
            ExprKind::List(items) => format!(
                "[{}]",
                items.iter().map(sexpr).collect::<Vec<_>>().join(" ")
            ),
            ExprKind::Not(x) => format!("(! {})", sexpr(x)),
            ExprKind::Neg(x) => format!("(- {})", sexpr(x)),
            ExprKind::Binary {
                op, left, right, ..
            } => format!("({} {} {})", op.symbol(), sexpr(left), sexpr(right)),
            ExprKind::Logic { op, operands } => {
                format!(
                    "({} {})",
                    op.symbol(),
                    operands.iter().map(sexpr).collect::<Vec<_>>().join(" ")
                )
            }
            ExprKind::Cond(c, a, b) => format!("(? {} {} {})", sexpr(c), sexpr(a), sexpr(b)),
        }
    }

    fn tree(src: &str) -> String {
        parse_str(src)
            .map(|e| sexpr(&e))
            .unwrap_or_else(|e| panic!("{e}"))
    }

    fn syntax_err(src: &str) -> String {
        match parse_str(src) {
            Ok(e) => panic!("expected an error, got {}", sexpr(&e)),
            Err(e) => {
                assert_eq!(e.code(), ErrorCode::RuleSyntax, "{e}");
                e.message().to_string()
            }
        }
    }

    // Precedence per cel-spec doc/langdef.md "Syntax" (operator precedence table).
    #[test]
    fn precedence_follows_cel() {
        assert_eq!(tree("true || false && false"), "(|| true (&& false false))");
        assert_eq!(tree("!true == false"), "(== (! true) false)");
        assert_eq!(tree("1 + 2 * 3"), "(+ 1 (* 2 3))");
        assert_eq!(tree("-2 * 3"), "(* -2 3)");
        assert_eq!(tree("-x * 3"), "(* (- x) 3)");
        assert_eq!(tree("1 - 2 - 3"), "(- (- 1 2) 3)");
        assert_eq!(tree("a < b == c"), "(== (< a b) c)");
        assert_eq!(tree("x in [1, 2] && y"), "(&& (in x [1 2]) y)");
        assert_eq!(tree("a ? b : c ? d : e"), "(? a b (? c d e))");
        assert_eq!(tree("a || b ? c + 1 : d"), "(? (|| a b) (+ c 1) d)");
        assert_eq!(tree("(1 + 2) * 3"), "(* (+ 1 2) 3)");
        assert_eq!(tree("--1"), "(- -1)");
    }

    #[test]
    fn members_calls_and_lists() {
        assert_eq!(tree("value.rfm.r"), "value.rfm.r");
        assert_eq!(tree("s.startsWith('a')"), "(startsWith s \"a\")");
        assert_eq!(tree("size(categories) > 0"), "(> (size categories) 0)");
        assert_eq!(tree("categories[0]"), "categories[0]");
        assert_eq!(tree("[1, 2,]"), "[1 2]");
        assert_eq!(tree("min()"), "(min )");
        assert_eq!(tree("-9223372036854775808"), "-9223372036854775808");
    }

    #[test]
    fn syntax_errors_say_what_was_expected() {
        assert_eq!(
            syntax_err("value.frequency && "),
            "line 1, column 20: expected an expression after `&&`, found end of input\nvalue.frequency && \n                   ^"
        );
        assert_eq!(
            syntax_err("value.frequency &&"),
            "line 1, column 19: expected an expression after `&&`, found end of input\nvalue.frequency &&\n                  ^"
        );
        assert_eq!(
            syntax_err(""),
            "line 1, column 1: expected an expression, found end of input\n\n^"
        );
        assert_eq!(
            syntax_err("a b"),
            "line 1, column 3: expected an operator or end of input, found `b`\na b\n  ^"
        );
        assert_eq!(
            syntax_err("(a || b"),
            "line 1, column 8: expected `)` to close the `(` at column 1, found end of input\n(a || b\n       ^"
        );
        assert_eq!(
            syntax_err("(a ||\n b]"),
            "line 2, column 3: expected `)` to close the `(` at line 1, column 1, found `]`\n b]\n  ^"
        );
        assert_eq!(
            syntax_err("x in [1, 2"),
            "line 1, column 11: expected `]` to close the `[` at column 6, found end of input\nx in [1, 2\n          ^"
        );
        assert_eq!(
            syntax_err("f(1 2)"),
            "line 1, column 5: expected `,` or `)` in the argument list, found `2`\nf(1 2)\n    ^"
        );
        assert_eq!(
            syntax_err("a.(b)"),
            "line 1, column 3: expected a field name after `.`, found `(`\na.(b)\n  ^"
        );
        assert_eq!(
            syntax_err("a ? b"),
            "line 1, column 6: expected `:` in the conditional `? :`, found end of input\na ? b\n     ^"
        );
        assert_eq!(
            syntax_err("!"),
            "line 1, column 2: expected an expression after `!`, found end of input\n!\n ^"
        );
        assert_eq!(
            syntax_err("{}"),
            "line 1, column 1: maps are not supported in rules\n{}\n^"
        );
        assert_eq!(
            syntax_err("x > 9223372036854775808"),
            "line 1, column 5: integer `9223372036854775808` is out of range for int\nx > 9223372036854775808\n    ^^^^^^^^^^^^^^^^^^^"
        );
        assert_eq!(
            syntax_err("a > )"),
            "line 1, column 5: expected an expression after `>`, found `)`\na > )\n    ^"
        );
    }

    #[test]
    fn depth_is_recorded() {
        let e = parse_str("a && (b || !c)").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(e.depth, 3);
    }

    // Issue 16, item 13: `c0 ? true : c1 ? true : … : false` with 63 conditionals was refused
    // with the caret on the first `?`. The k-th conditional is level k (each `:` branch opens
    // one) and its condition `value.frequency > k` is two levels deeper (the comparison, the
    // member); with the default limit of 64 the 62nd fits, and the 63rd `?` takes the chain past.
    #[test]
    fn hostile_13_a_conditional_chain_is_refused_where_it_passes_the_limit() {
        let chain = |n: usize| {
            let mut src: String = (0..n)
                .map(|i| format!("value.frequency > {i} ? true : "))
                .collect();
            src.push_str("false");
            src
        };
        assert!(parse_str(&chain(62)).is_ok());
        let e = parse_str(&chain(63)).unwrap_err();
        assert_eq!(e.code(), ErrorCode::TooLarge);
        // Ten links of 18 + 1 + 10 characters (conditions 0 to 9), 52 of 18 + 2 + 10 (10 to 61),
        // then "value.frequency > 62 " of the 63rd: its `?` is character 290 + 1560 + 21 + 1.
        assert!(
            e.message().starts_with(
                "line 1, column 1872: expression nested too deeply (the limit is 64 levels)\n"
            ),
            "{}",
            e.message().lines().next().unwrap_or_default()
        );
        // Literals as conditions add no level: 63 conditionals fit.
        let literals: String = "true ? true : ".repeat(63) + "false";
        assert!(parse_str(&literals).is_ok());
    }
}
