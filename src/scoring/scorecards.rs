//! Weighted scorecards (domain.md §6, `config.scorecards`): each factor has a
//! positive weight and a score from 1 to 4 given by an int rule expression;
//! points = Σ weight × score. A factor whose score is missing or outside 1–4
//! is reported as missing and left out of both `points` and `maxPoints`
//! (4 × the weights of the scored factors), so `share` = points ÷ maxPoints
//! compares customers scored on different factors. Rules read
//! `scorecards.<id>.points` and `scorecards.<id>.share`.

use crate::error::{index_path, Error, ErrorCode, Result};
use crate::input::json::{expect_array, expect_number, expect_str, format_number, Json, Obj};
use crate::rules::{self, compile_as, Context, Explanation, Program, Schema, Source, Type};
use crate::scoring::segments::in_rule_of;

/// Most scorecards in a config.
pub const MAX_SCORECARDS: usize = 32;
/// Most factors of one scorecard.
pub const MAX_FACTORS: usize = 32;

/// One factor as configured.
#[derive(Debug, Clone, PartialEq)]
pub struct FactorDef {
    /// Display name, e.g. `trust`.
    pub name: String,
    /// A positive weight.
    pub weight: f64,
    /// The rule expression giving the score, an int from 1 to 4.
    pub score: String,
}

/// A scorecard as configured.
#[derive(Debug, Clone, PartialEq)]
pub struct ScorecardDef {
    /// Its id, an identifier (rules read `scorecards.<id>.points`).
    pub id: String,
    /// Display name (default: the id).
    pub name: String,
    /// Its factors.
    pub factors: Vec<FactorDef>,
}

/// Reads `config.scorecards`. Errors: a weight that is not a positive number
/// (`OUT_OF_RANGE`), an id that is not an identifier (`OUT_OF_RANGE`), a
/// duplicate id (`INVALID_SEGMENT`); score rules are compiled by [`Scorecards::new`].
pub fn read_scorecards(v: &Json, path: &str) -> Result<Vec<ScorecardDef>> {
    let items = expect_array(v, path, MAX_SCORECARDS)?;
    let mut cards: Vec<ScorecardDef> = Vec::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        let o = Obj::new(item, &index_path(path, i), &["id", "name", "factors"])?;
        let id_path = o.path_of("id");
        let id = expect_str(o.req("id")?, &id_path)?;
        let ident = id.len() <= 64
            && id.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
            && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_');
        let duplicate = cards.iter().any(|c| c.id == id);
        if !ident || duplicate {
            let (code, what) = if duplicate {
                (ErrorCode::InvalidSegment, "an id no other scorecard has")
            } else {
                (
                    ErrorCode::OutOfRange,
                    "an identifier of at most 64 letters, digits and _ (rules read scorecards.<id>.points)",
                )
            };
            let msg = format!("expected {what}, got {}", Json::Str(id.into()).describe());
            return Err(Error::new(code, id_path, msg));
        }
        let fpath = o.path_of("factors");
        let items = expect_array(o.req("factors")?, &fpath, MAX_FACTORS)?;
        let mut factors = Vec::with_capacity(items.len());
        for (k, f) in items.iter().enumerate() {
            let fo = Obj::new(f, &index_path(&fpath, k), &["name", "weight", "score"])?;
            let weight = fo.req("weight")?;
            let weight = expect_number(weight, &fo.path_of("weight"))?;
            if weight <= 0.0 {
                let msg = format!("expected a positive weight, got {}", format_number(weight));
                return Err(Error::new(ErrorCode::OutOfRange, fo.path_of("weight"), msg));
            }
            let text = |key| -> Result<String> {
                Ok(expect_str(fo.req(key)?, &fo.path_of(key))?.to_string())
            };
            factors.push(FactorDef {
                name: text("name")?,
                weight,
                score: text("score")?,
            });
        }
        let name = match o.get("name") {
            Some(v) => expect_str(v, &o.path_of("name"))?,
            None => id,
        };
        cards.push(ScorecardDef {
            id: id.to_string(),
            name: name.to_string(),
            factors,
        });
    }
    Ok(cards)
}

/// What [`Scorecards::score`] gives per card: its index, `[points, maxPoints,
/// share]` (share NaN when none) and its factors' scores (NaN: missing).
pub type CardSink<'s> = dyn FnMut(usize, [f64; 3], &[f64]) + 's;

/// The compiled scorecards of a config.
#[derive(Debug, Clone, Default)]
pub struct Scorecards {
    defs: Vec<ScorecardDef>,
    /// Every factor's score rule, card after card.
    programs: Vec<Program>,
}

/// One factor of a scored card.
#[derive(Debug, Clone, PartialEq)]
pub struct FactorResult {
    /// The factor's name.
    pub name: String,
    /// Its weight.
    pub weight: f64,
    /// Its score, 1 to 4; `None` when missing or outside 1–4.
    pub score: Option<i64>,
}

impl FactorResult {
    /// weight × score; `None` for a missing score.
    pub fn points(&self) -> Option<f64> {
        self.score.map(|s| self.weight * s as f64)
    }
}

/// A scored card: `result.scorecards[id]`.
#[derive(Debug, Clone, PartialEq)]
pub struct ScorecardResult {
    /// The card's id.
    pub id: String,
    /// Σ weight × score over the scored factors.
    pub points: f64,
    /// 4 × Σ weight over the scored factors.
    pub max_points: f64,
    /// points ÷ maxPoints; `None` when no factor was scored.
    pub share: Option<f64>,
    /// Every factor, in definition order.
    pub factors: Vec<FactorResult>,
}

impl ScorecardResult {
    /// As JSON: `{ points, maxPoints, share, factors: [{ name, weight, score, points }] }`.
    pub fn to_json(&self) -> Json {
        let opt = |x: Option<f64>| x.map_or(Json::Null, Json::Num);
        let factors = self.factors.iter().map(|f| {
            Json::Obj(vec![
                ("name".into(), Json::Str(f.name.clone())),
                ("weight".into(), Json::Num(f.weight)),
                ("score".into(), opt(f.score.map(|s| s as f64))),
                ("points".into(), opt(f.points())),
            ])
        });
        Json::Obj(vec![
            ("points".into(), Json::Num(self.points)),
            ("maxPoints".into(), Json::Num(self.max_points)),
            ("share".into(), opt(self.share)),
            ("factors".into(), Json::Arr(factors.collect())),
        ])
    }
}

/// Why a card has its points: each factor's rule explained.
#[derive(Debug, Clone, PartialEq)]
pub struct ScorecardExplanation {
    /// The scored card.
    pub result: ScorecardResult,
    /// The card's display name.
    pub name: String,
    /// Per factor, its rule's explanation.
    pub explanations: Vec<Explanation>,
}

impl ScorecardExplanation {
    /// The explanation as text: one line per factor, then the total.
    pub fn text(&self) -> String {
        // Pieces pushed in turn rather than `format!`: the scoring module is size-budgeted.
        let r = &self.result;
        let mut t = String::new();
        for (f, e) in r.factors.iter().zip(&self.explanations) {
            t += &f.name;
            match f.points() {
                Some(p) => {
                    for piece in [": score ", &e.value, " × weight ", &format_number(f.weight)] {
                        t += piece;
                    }
                    t += " = ";
                    t += &format_number(p);
                    t += " points\n";
                }
                None => {
                    t += ": missing (the score is ";
                    t += &e.value;
                    if !e.value.starts_with("unknown") {
                        t += ", outside 1–4";
                    }
                    t += "): left out of points and maxPoints\n";
                }
            }
            for line in e.to_string().split('\n') {
                t += "  ";
                t += line;
                t += "\n";
            }
        }
        t += "points ";
        t += &format_number(r.points);
        t += " of maxPoints ";
        t += &format_number(r.max_points);
        t
    }

    /// As JSON: `{ scorecard, name, points, maxPoints, share, text, factors:
    /// [{ name, weight, score, points, missing, explanation }] }`.
    pub fn to_json(&self) -> Json {
        let mut card = match self.result.to_json() {
            Json::Obj(entries) => entries,
            _ => Vec::new(),
        };
        if let Some((_, Json::Arr(factors))) = card.iter_mut().find(|(k, _)| k == "factors") {
            for ((f, e), r) in factors
                .iter_mut()
                .zip(&self.explanations)
                .zip(&self.result.factors)
            {
                if let Json::Obj(entries) = f {
                    entries.push(("missing".into(), Json::Bool(r.score.is_none())));
                    entries.push(("explanation".into(), e.to_json()));
                }
            }
        }
        let mut out = vec![
            ("scorecard".into(), Json::Str(self.result.id.clone())),
            ("name".into(), Json::Str(self.name.clone())),
        ];
        out.append(&mut card);
        out.push(("text".into(), Json::Str(self.text())));
        Json::Obj(out)
    }
}

/// A score in 1–4 of a factor's evaluated value.
fn in_range(v: Option<i64>) -> Option<i64> {
    v.filter(|s| (1..=4).contains(s))
}

impl Scorecards {
    /// Compiles each factor's score as an int rule against `schema` (the
    /// result's fields, without segments or other scorecards).
    pub fn new(defs: &[ScorecardDef], schema: &Schema, limits: &rules::Limits) -> Result<Self> {
        let mut programs = Vec::new();
        for (i, d) in defs.iter().enumerate() {
            for (k, f) in d.factors.iter().enumerate() {
                let program = compile_as(&f.score, schema, limits, Type::Int).map_err(|e| {
                    let path = format!("scorecards[{i}].factors[{k}].score");
                    in_rule_of(e, path, "scorecard", &d.id)
                })?;
                programs.push(program);
            }
        }
        Ok(Scorecards {
            defs: defs.to_vec(),
            programs,
        })
    }

    /// Whether no scorecard is configured.
    pub fn is_empty(&self) -> bool {
        self.defs.is_empty()
    }

    /// The definitions, in config order.
    pub fn definitions(&self) -> &[ScorecardDef] {
        &self.defs
    }

    /// Every score rule.
    pub fn programs(&self) -> &[Program] {
        &self.programs
    }

    /// Adds `scorecards.<id>.points` and `.share` to `schema`, card `k` at
    /// number slots `first + 2k` and `first + 2k + 1`.
    pub fn add_fields(&self, schema: &mut Schema, first: usize) {
        for (k, d) in self.defs.iter().enumerate() {
            let at = first + 2 * k;
            let path = format!("scorecards.{}.", d.id);
            schema.add_field(
                &(path.clone() + "points"),
                Type::Double,
                false,
                Source::Number(at),
            );
            schema.add_field(
                &(path + "share"),
                Type::Double,
                true,
                Source::Number(at + 1),
            );
        }
    }

    /// Scores every card for the customer of `ctx`: calls `each` with the
    /// card's index, points, maxPoints, share (NaN: none) and its factors'
    /// scores (NaN: missing), without allocating.
    pub fn score(&self, ctx: &Context<'_>, each: &mut CardSink<'_>) {
        let mut scores = [f64::NAN; MAX_FACTORS];
        let mut programs = self.programs.iter();
        for (k, d) in self.defs.iter().enumerate() {
            let (mut points, mut max) = (0.0, 0.0);
            for ((f, p), s) in d.factors.iter().zip(&mut programs).zip(scores.iter_mut()) {
                *s = match in_range(p.eval_int(ctx)) {
                    Some(v) => {
                        points += f.weight * v as f64;
                        max += 4.0 * f.weight;
                        v as f64
                    }
                    None => f64::NAN,
                };
            }
            let share = if max > 0.0 { points / max } else { f64::NAN };
            each(k, [points, max, share], &scores[..d.factors.len()]);
        }
    }

    /// The result of card `k` from what [`Scorecards::score`] gives.
    pub fn result(
        &self,
        k: usize,
        [points, max_points, share]: [f64; 3],
        scores: &[f64],
    ) -> ScorecardResult {
        let d = &self.defs[k];
        ScorecardResult {
            id: d.id.clone(),
            points,
            max_points,
            share: Some(share).filter(|s| !s.is_nan()),
            factors: d
                .factors
                .iter()
                .zip(scores)
                .map(|(f, &s)| FactorResult {
                    name: f.name.clone(),
                    weight: f.weight,
                    score: Some(s as i64).filter(|_| !s.is_nan()),
                })
                .collect(),
        }
    }

    /// Every card scored, as results.
    pub fn results(&self, ctx: &Context<'_>) -> Vec<ScorecardResult> {
        let mut out = Vec::with_capacity(self.defs.len());
        self.score(ctx, &mut |k, v, scores| out.push(self.result(k, v, scores)));
        out
    }

    /// Every card with each factor's rule explained; `None` when the
    /// explanations would take more than `budget` bytes.
    pub fn explain(
        &self,
        ctx: &Context<'_>,
        budget: &mut usize,
    ) -> Option<Vec<ScorecardExplanation>> {
        let results = self.results(ctx);
        let mut out = Vec::with_capacity(results.len());
        let mut programs = self.programs.iter();
        for (result, d) in results.into_iter().zip(&self.defs) {
            let mut explanations = Vec::with_capacity(d.factors.len());
            for p in programs.by_ref().take(d.factors.len()) {
                explanations.push(p.explain_within(ctx, budget)?);
            }
            out.push(ScorecardExplanation {
                result,
                name: d.name.clone(),
                explanations,
            });
        }
        Some(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str) -> Result<Vec<ScorecardDef>> {
        read_scorecards(&Json::parse(text).unwrap(), "scorecards")
    }

    #[test]
    fn definitions_are_checked() {
        let e = read(r#"[{"id": "a", "factors": [{"name": "x", "weight": 0, "score": "1"}]}]"#)
            .unwrap_err();
        assert_eq!(
            (e.code(), e.path(), e.message()),
            (
                ErrorCode::OutOfRange,
                "scorecards[0].factors[0].weight",
                "expected a positive weight, got 0"
            )
        );
        let e = read(r#"[{"id": "a", "factors": []}, {"id": "a", "factors": []}]"#).unwrap_err();
        assert_eq!(
            (e.code(), e.path(), e.message()),
            (
                ErrorCode::InvalidSegment,
                "scorecards[1].id",
                "expected an id no other scorecard has, got \"a\""
            )
        );
        let e = read(r#"[{"id": "my-card", "factors": []}]"#).unwrap_err();
        assert_eq!(e.path(), "scorecards[0].id");
        let ok =
            read(r#"[{"id": "buy", "factors": [{"name": "x", "weight": 1.5, "score": "2"}]}]"#)
                .unwrap();
        assert_eq!((ok[0].name.as_str(), ok[0].factors[0].weight), ("buy", 1.5));
    }

    #[test]
    fn a_score_must_be_an_int_expression() {
        let defs = read(
            r#"[{"id": "c", "factors": [{"name": "x", "weight": 1, "score": "value.monetary"}]}]"#,
        )
        .unwrap();
        let mut schema = Schema::new();
        schema.add_field("value.monetary", Type::Double, false, Source::Number(0));
        let e = Scorecards::new(&defs, &schema, &rules::Limits::default()).unwrap_err();
        assert_eq!(
            (e.code(), e.path()),
            (ErrorCode::RuleType, "scorecards[0].factors[0].score")
        );
        assert_eq!(
            e.message(),
            "in scorecard \"c\": line 1, column 1: a score must be a whole number (int), but this is double\n\
             value.monetary\n^^^^^^^^^^^^^^"
        );
    }

    // domain.md §6: points = weight × score, summed. Worked by hand: weights 3, 2, 1 with
    // scores 4, 2 and 5 (outside 1–4, so missing): points 3·4 + 2·2 = 16 of 4·(3 + 2) = 20.
    #[test]
    fn points_are_weight_times_score_and_out_of_range_is_missing() {
        let defs = read(
            r#"[{"id": "c", "factors": [
                {"name": "a", "weight": 3, "score": "4"},
                {"name": "b", "weight": 2, "score": "value.frequency"},
                {"name": "d", "weight": 1, "score": "value.frequency + 3"}]}]"#,
        )
        .unwrap();
        let mut schema = Schema::new();
        schema.add_field("value.frequency", Type::Int, false, Source::Number(0));
        let cards = Scorecards::new(&defs, &schema, &rules::Limits::default()).unwrap();
        let numbers = [2.0];
        let r = &cards.results(&Context::new(&numbers))[0];
        assert_eq!((r.points, r.max_points, r.share), (16.0, 20.0, Some(0.8)));
        assert_eq!(
            r.factors.iter().map(|f| f.score).collect::<Vec<_>>(),
            [Some(4), Some(2), None]
        );
        // A missing field leaves the factors that read it missing: only a's 3 × 4 of 3 × 4.
        let r = &cards.results(&Context::new(&[f64::NAN]))[0];
        assert_eq!((r.points, r.max_points, r.share), (12.0, 12.0, Some(1.0)));
        let mut budget = 1 << 20;
        let e = &cards.explain(&Context::new(&numbers), &mut budget).unwrap()[0];
        assert!(e.text().contains(
            "d: missing (the score is 5, outside 1–4): left out of points and maxPoints"
        ));
        assert!(e.text().ends_with("points 16 of maxPoints 20"));
    }
}
