//! `explain` on arbitrary configs and customers (issue 16, item 3): segments
//! whose rules come from a small grammar over the real fields (`&&`, `||`,
//! `!`, parentheses, `? :` and chains of up to 140 nested `? :`, comparisons,
//! map entries, `bought`, `segment`, string literals of any text), scored with
//! the default limits or the limits at their ceilings, for the richest fixed
//! customer or one generated from the input.
//!
//! A config is refused with an error, or every customer is explained with an
//! output linear in the size of the config. Linear because each explained
//! sub-expression and each field read stands for at least one byte of its
//! rule's source (checked: items ≤ rule bytes), and each has a bounded size
//! (checked: the caps of `crmscore::rules::explain`, the expression text at
//! most `MAX_EXPR_CHARS` characters and an ellipsis, a list at most ten
//! values, the nesting at most `Limits::DEPTH_CAP` levels); from those caps,
//! the bytes of the JSON text `explainTape` returns are at most
//! [`ITEM_BYTES`] per byte of rule, plus [`SEGMENT_BYTES`] and the escaped id
//! and name per segment: at most `ITEM_BYTES` × the config's bytes. The
//! bound is loose where a value is a list of the customer's long category
//! names; the per-item checks are what would catch an output that repeats
//! the rule at every level.

#![no_main]

#[path = "common.rs"]
mod common;

use common::{obj, AS_OF};
use crmscore::input::json::Json;
use crmscore::rules::explain::MAX_EXPR_CHARS;
use crmscore::rules::{Explanation, Limits};
use crmscore::scoring::segments::BUILTIN;
use crmscore::Scorer;
use libfuzzer_sys::arbitrary::{Result, Unstructured};
use libfuzzer_sys::fuzz_target;

/// Characters of an expression's text, or of a field's name: the cut text and its ellipsis.
const EXPR_CHARS: usize = MAX_EXPR_CHARS + 1;
/// Characters of a shown string: its quotes and at most `EXPR_CHARS` characters, each escaped to at most 6 (`\u0000`).
const STRING_CHARS: usize = 2 + 6 * EXPR_CHARS;
/// Characters of a shown value: a list of at most ten strings and `, ... N more` (scalars are shorter).
const VALUE_CHARS: usize = 2 + 10 * (STRING_CHARS + 2) + 32;
/// Bytes one explained item adds to the JSON text: in the tree, `{"expr":…,"value":…,"fields":[],"children":[]},`
/// (45 bytes and the two escaped strings, at most 6 bytes a character and the quotes); in `text`, a line of
/// indentation (2 per level), the expression, ` → ` and the value and a newline, escaped (or `name = value, ` and the
/// parentheses for a field).
const ITEM_BYTES: usize =
    45 + 2 * (6 * (EXPR_CHARS + VALUE_CHARS) + 2) + 2 * Limits::DEPTH_CAP + 16;
/// Bytes of a segment's explanation besides its items and its escaped id and name:
/// `{"id":,"name":,"matched":false,"exitReached":false,"text":"","explanation":},` and the quotes of id and name.
const SEGMENT_BYTES: usize = 81;

/// The fields rules compare, with a literal of their type.
const COMPARISONS: &[&str] = &[
    "value.frequency > N",
    "value.monetary >= N.5",
    "value.recencyDays < N",
    "value.tenureDays >= N",
    "value.abc == 'A'",
    "value.abc < 'C'",
    "value.rfm.r >= N",
    "value.rfm.f + value.rfm.m < N",
    "value.rfm.segment == 'champions'",
    "loyalty.stage in ['new', 'regular']",
    "loyalty.lifecycle != 'decline'",
    "satisfaction.level == 'delighted'",
    "satisfaction.nps.score >= N",
    "satisfaction.gap > -1.0",
    "satisfaction.dimensions.service < -1.0",
    "satisfaction.dimensions['price'] > 0.0",
    "value.categories.books > N",
    "value.categories[store.books] >= N",
    "bought('books') > N",
    "bought(store.books) == N",
    "'books' in categories",
    "size(categories) > N",
    "has(value.abc)",
    "!has(satisfaction.nps.score)",
    "days_since(value.lastOrderAt) < N",
    "min(value.frequency, N) == N",
    "value.frequency * N - 1 > N % 7",
    "double(value.frequency) / 2.0 > value.monetary",
];

struct Gen<'u, 'a> {
    u: &'u mut Unstructured<'a>,
    segments: usize,
}

impl Gen<'_, '_> {
    /// Text of any characters as a rule's string literal (quotes and backslashes escaped, newlines as `\n`).
    fn literal(&mut self) -> Result<String> {
        let len = self.u.int_in_range(0..=200)?;
        let mut out = String::from("'");
        for _ in 0..len {
            let c = match self.u.int_in_range(0..=5)? {
                0 => char::from_u32(self.u.int_in_range(0..=0x10FFFF)?).unwrap_or('\u{fffd}'),
                1 => *self
                    .u
                    .choose(&['\0', '\u{1}', '"', '\u{7f}', '\u{2028}', 'é', '😀'])?,
                _ => 'x',
            };
            match c {
                '\'' => out.push_str("\\'"),
                '\\' => out.push_str("\\\\"),
                '\n' => out.push_str("\\n"),
                '\r' => out.push_str("\\r"),
                c => out.push(c),
            }
        }
        out.push('\'');
        Ok(out)
    }

    fn comparison(&mut self) -> Result<String> {
        Ok(match self.u.int_in_range(0..=9)? {
            0 => "true".into(),
            1 => "false".into(),
            2 => format!("segment('s{}')", self.u.int_in_range(0..=self.segments)?),
            3 => format!("value.abc == {}", self.literal()?),
            4 => format!("{} in categories", self.literal()?),
            _ => {
                let n = self.u.int_in_range(0..=400)?;
                self.u.choose(COMPARISONS)?.replace('N', &n.to_string())
            }
        })
    }

    /// A boolean expression nested at most `depth` levels more.
    fn boolean(&mut self, depth: u32) -> Result<String> {
        if depth == 0 {
            return self.comparison();
        }
        Ok(match self.u.int_in_range(0..=9)? {
            0..=2 => self.comparison()?,
            3 => format!("!{}", self.operand(depth - 1)?),
            4 | 5 => {
                let n = self.u.int_in_range(2..=6)?;
                let items = (0..n)
                    .map(|_| self.operand(depth - 1))
                    .collect::<Result<Vec<_>>>()?;
                items.join(if self.u.arbitrary()? { " && " } else { " || " })
            }
            6 => format!(
                "{} ? {} : {}",
                self.operand(depth - 1)?,
                self.operand(depth - 1)?,
                self.operand(depth - 1)?
            ),
            7 => {
                // A deep `? :` chain, nested to the right: `c1 ? a1 : c2 ? a2 : ... : z`.
                let levels = self.u.int_in_range(1..=140)?;
                let mut rule = String::new();
                for _ in 0..levels {
                    rule += &format!("{} ? {} : ", self.comparison()?, self.comparison()?);
                }
                rule + &self.comparison()?
            }
            8 => {
                // A chain of negations.
                let n = self.u.int_in_range(1..=140)?;
                format!("{}{}", "!".repeat(n), self.operand(depth - 1)?)
            }
            _ => format!("({})", self.boolean(depth - 1)?),
        })
    }

    /// A boolean expression as an operand: parenthesised unless it is a comparison.
    fn operand(&mut self, depth: u32) -> Result<String> {
        let e = self.boolean(depth)?;
        Ok(if self.u.ratio(1, 4)? {
            e
        } else {
            format!("({e})")
        })
    }

    fn text(&mut self) -> Result<String> {
        let len = self.u.int_in_range(0..=300)?;
        (0..len)
            .map(|_| {
                Ok(match self.u.int_in_range(0..=3)? {
                    0 => char::from_u32(self.u.int_in_range(0..=0x10FFFF)?).unwrap_or('\u{fffd}'),
                    1 => *self.u.choose(&['\0', '"', '\\', '\n', 'é'])?,
                    _ => 'n',
                })
            })
            .collect()
    }

    fn config(&mut self) -> Result<Json> {
        let mut segments = Vec::new();
        for i in 0..self.segments {
            let depth = self.u.int_in_range(0..=6)?;
            let mut s = vec![
                ("id", Json::Str(format!("s{i}"))),
                ("when", Json::Str(self.boolean(depth)?)),
                ("goal", Json::Str("care".into())),
                ("actions", Json::Arr(vec![Json::Str("call".into())])),
            ];
            if self.u.arbitrary()? {
                s.push(("name", Json::Str(self.text()?)));
            }
            if self.u.ratio(1, 4)? {
                s.push(("exitWhen", Json::Str(self.boolean(2)?)));
            }
            segments.push(obj(s));
        }
        let mut config = vec![
            // The built-ins cost most of a scorer's set-up: now and then.
            ("builtinSegments", Json::Bool(self.u.ratio(1, 8)?)),
            ("segments", Json::Arr(segments)),
            ("abc", obj(vec![("a", Json::Num(1000.0)), ("b", Json::Num(100.0))])),
            (
                "rfm",
                Json::parse(r#"{"recency": [14, 45, 120, 365], "frequency": [1, 2, 4, 8], "monetary": [50, 150, 400, 1000]}"#)
                    .expect("edges parse"),
            ),
        ];
        if self.u.arbitrary()? {
            config.push((
                "limits",
                obj(vec![
                    ("maxRuleLength", Json::Num(1_048_576.0)),
                    ("maxRuleDepth", Json::Num(128.0)),
                    ("maxRuleNodes", Json::Num(100_000.0)),
                ]),
            ));
        }
        if self.u.arbitrary()? {
            config.push(("store", obj(vec![("books", Json::Str(self.text()?))])));
        }
        Ok(obj(config))
    }

    fn customer(&mut self) -> Result<Json> {
        let n = self.u.int_in_range(0..=12)?;
        let mut orders = Vec::new();
        for _ in 0..n {
            let days: u32 = self.u.int_in_range(0..=2000)?;
            let category = match self.u.int_in_range(0..=4)? {
                0 => Json::Str(self.text()?.chars().take(256).collect()),
                k => Json::Str(["books", "video", "dvd", "music"][k - 1].into()),
            };
            orders.push(obj(vec![
                (
                    "at",
                    Json::Num((AS_OF - i64::from(days) * 86_400_000) as f64),
                ),
                (
                    "amount",
                    Json::Num(f64::from(self.u.int_in_range(0..=5000u32)?) / 4.0),
                ),
                ("category", category),
            ]));
        }
        let mut c = vec![("id", Json::Str("g".into())), ("orders", Json::Arr(orders))];
        if self.u.arbitrary()? {
            let dims =
                |e: f64, p: f64| obj(vec![("service", Json::Num(e)), ("price", Json::Num(p))]);
            let (a, b) = (
                f64::from(self.u.int_in_range(0..=5u8)?),
                f64::from(self.u.int_in_range(0..=5u8)?),
            );
            c.push((
                "survey",
                obj(vec![
                    ("expectation", dims(a, b)),
                    ("perception", dims(b, a)),
                    ("nps", Json::Num(f64::from(self.u.int_in_range(0..=10u8)?))),
                ]),
            ));
        }
        Ok(obj(c))
    }
}

/// Items (explained sub-expressions and fields read) and nesting of an explanation, each item checked against its caps.
fn items(e: &Explanation, depth: usize, deepest: &mut usize) -> usize {
    *deepest = (*deepest).max(depth);
    assert!(
        e.expr.chars().count() <= EXPR_CHARS,
        "expression text over the cap: {:?}",
        e.expr
    );
    assert!(
        e.value.chars().count() <= VALUE_CHARS,
        "value over the cap: {:?}",
        e.value
    );
    for f in &e.fields {
        assert!(
            f.name.chars().count() <= EXPR_CHARS,
            "field name over the cap: {:?}",
            f.name
        );
        assert!(
            f.value.chars().count() <= VALUE_CHARS,
            "field value over the cap: {:?}",
            f.value
        );
    }
    1 + e.fields.len()
        + e.children
            .iter()
            .map(|c| items(c, depth + 1, deepest))
            .sum::<usize>()
}

/// Bytes of `s` as a JSON string, at most: 6 a character and the quotes.
fn escaped(s: &str) -> usize {
    2 + 6 * s.chars().count()
}

fn run(u: &mut Unstructured<'_>) -> Result<()> {
    let segments = u.int_in_range(1..=6)?;
    let mut g = Gen { u, segments };
    let config = g.config()?;
    // The customer: the richest fixed one (every field set), or one generated.
    let customer = if g.u.ratio(1, 3)? {
        common::customers().swap_remove(0)
    } else {
        g.customer()?
    };
    let Ok(scorer) = Scorer::new(&config) else {
        return Ok(());
    };
    let mut config_bytes = config.to_text().len();
    if scorer.config().segments.builtin {
        config_bytes += BUILTIN.len();
    }
    let defs = scorer.segments().definitions();
    let explained = scorer
        .explain(&customer, AS_OF)
        .expect("a valid customer is explained");
    assert_eq!(explained.len(), defs.len(), "every segment is explained");
    // The JSON text `explainTape` returns is `[`, the explanations' texts joined by commas, `]`.
    let mut out = 1 + explained.len();
    let mut bound = 2;
    for e in &explained {
        let d = defs
            .iter()
            .find(|d| d.id == e.id)
            .expect("an explained segment is defined");
        let mut deepest = 0;
        let n = items(&e.explanation, 0, &mut deepest);
        assert!(
            n <= d.when.len(),
            "segment {}: {n} items explained for a rule of {} bytes",
            d.id,
            d.when.len()
        );
        assert!(
            deepest <= Limits::DEPTH_CAP,
            "segment {}: explanation nested {deepest} levels",
            d.id
        );
        let own = e.to_json().to_text().len();
        let most = SEGMENT_BYTES + escaped(&e.id) + escaped(&e.name) + ITEM_BYTES * n;
        assert!(
            own <= most,
            "segment {}: {own} bytes of explanation, more than {most}",
            d.id
        );
        out += own;
        bound += SEGMENT_BYTES + escaped(&d.id) + escaped(&d.name) + ITEM_BYTES * d.when.len();
    }
    assert!(
        out <= bound,
        "{out} bytes of explanations, more than {bound}"
    );
    assert!(
        out <= ITEM_BYTES * config_bytes,
        "{out} bytes of explanations for a config of {config_bytes} bytes"
    );
    Ok(())
}

fuzz_target!(|data: &[u8]| {
    let _ = run(&mut Unstructured::new(data));
});
