// Segments through the packed package: built-ins, user segments, explain(),
// and compile errors reaching JavaScript with their position.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Scorer, CrmScoreError } from 'crmscore';

const asOf = '2026-11-22';
const config = {
  abc: { a: 1000, b: 300 },
  rfm: { recency: [30, 90, 180, 365], frequency: [1, 2, 4, 8], monetary: [50, 150, 400, 1000] },
};

test('the built-in library ships as data with the 16 contract ids', () => {
  const path = createRequire(import.meta.url).resolve('crmscore/segments.json');
  const ids = JSON.parse(readFileSync(path, 'utf8')).map((s) => s.id);
  assert.deepEqual(ids.sort(), [
    'about-to-sleep', 'at-risk', 'book-buyers', 'cant-lose-them', 'champions', 'first-time-buyers', 'hibernating',
    'lapsed-high-value', 'lost', 'loyal-customers', 'need-attention', 'new-customers', 'potential-loyalists',
    'promising', 'quarterly-buyers', 'video-buyers',
  ]);
});

test('a lapsed high-value customer is to be won back', () => {
  // 1,100 spent ≥ a: class A; last order 591 days ago; R 1, F 2, M 5 → at risk
  const r = new Scorer(config).score(
    { id: 'l', orders: [{ at: '2025-01-10', amount: 600 }, { at: '2025-04-10', amount: 500 }] }, { asOf });
  assert.deepEqual(r.segments.map((s) => [s.id, s.goal, s.priority]), [['lapsed-high-value', 'win-back', 10], ['at-risk', 'win-back', 62]]);
  assert.equal(r.nextBestAction.segment, 'lapsed-high-value');
});

test('explain shows why, per segment', () => {
  const all = new Scorer(config).explain(
    { id: 'l', orders: [{ at: '2025-01-10', amount: 600 }, { at: '2025-04-10', amount: 500 }] }, { asOf });
  assert.equal(all.length, 16);
  const lapsed = all.find((e) => e.id === 'lapsed-high-value');
  assert.equal(lapsed.matched, true);
  assert.equal(lapsed.exitReached, false);
  assert.match(lapsed.text, /value\.recencyDays > 90 → true \(value\.recencyDays = 591\)/);
  assert.equal(lapsed.explanation.children.length, 2);
  const first = all.find((e) => e.id === 'first-time-buyers');
  assert.deepEqual([first.matched, first.text], [false, 'value.frequency == 1 → false (value.frequency = 2)']);
});

test('user segments: objects as actions, priorities, references to other segments', () => {
  const scorer = new Scorer({
    ...config,
    builtinSegments: false,
    segments: [
      { id: 'big', when: "value.monetary > 500.0 && !segment('recent')", goal: 'win-back', priority: 2,
        actions: [{ channel: 'email', template: 'we-miss-you' }] },
      { id: 'recent', when: 'value.recencyDays <= 30', goal: 'retain', priority: 1, actions: ['thank you note'] },
    ],
  });
  const r = scorer.score({ id: 'u', orders: [{ at: '2025-01-10', amount: 600 }] }, { asOf });
  assert.deepEqual(r.segments.map((s) => s.id), ['big']);
  assert.deepEqual(r.nextBestAction, { segment: 'big', goal: 'win-back', action: { channel: 'email', template: 'we-miss-you' } });
});

function compileError(segments, extra = {}) {
  try {
    new Scorer({ builtinSegments: false, segments, ...extra });
  } catch (e) {
    assert.ok(e instanceof CrmScoreError);
    return e;
  }
  assert.fail('expected the config to be refused');
}

test('compile errors reach JavaScript with segment id, line, column and caret', () => {
  const e = compileError([{ id: 'typo', when: 'value.frequency >= 2 &&\n  value.monetray > 100.0', goal: 'retain' }]);
  assert.equal(e.code, 'RULE_TYPE');
  assert.equal(e.path, 'segments[0].when');
  assert.equal(e.message,
    'segments[0].when: in segment "typo": line 2, column 3: unknown field `value.monetray`, did you mean `value.monetary`?\n' +
    '  value.monetray > 100.0\n' +
    '  ^^^^^^^^^^^^^^');
  const syntax = compileError([{ id: 's', when: 'value.frequency == 1 &&', goal: 'repeat' }]);
  assert.equal(syntax.code, 'RULE_SYNTAX');
  assert.equal(syntax.message,
    'segments[0].when: in segment "s": line 1, column 24: expected an expression after `&&`, found end of input\n' +
    'value.frequency == 1 &&\n' +
    '                       ^');
  const typed = compileError([{ id: 't', when: "value.frequency == 'x'", goal: 'repeat' }]);
  assert.equal(typed.code, 'RULE_TYPE');
  assert.match(typed.message, /line 1, column 17: cannot compare `value.frequency` \(int\) with `'x'` \(string\)/);
  const cycle = compileError([
    { id: 'a', when: "segment('b')", goal: 'care' },
    { id: 'b', when: "segment('a')", goal: 'care' },
  ]);
  assert.equal(cycle.code, 'INVALID_SEGMENT');
  assert.equal(cycle.message, 'segments: segments reference each other in a cycle: `a` → `b` → `a`');
  assert.equal(compileError([{ id: 'g', when: 'true', goal: 'sell' }]).path, 'segments[0].goal');
});

test('hostile rules are refused quickly by the limits', () => {
  const started = performance.now();
  const million = '('.repeat(1_000_000) + 'true' + ')'.repeat(1_000_000);
  assert.equal(compileError([{ id: 'm', when: million, goal: 'care' }]).code, 'TOO_LARGE');
  // with the length limit at its ceiling (1 MiB), the depth limit refuses it
  const deep = compileError([{ id: 'd', when: '('.repeat(500_000) + 'true' + ')'.repeat(500_000), goal: 'care' }],
    { limits: { maxRuleLength: 1_048_576 } });
  assert.equal(deep.code, 'TOO_LARGE');
  assert.match(deep.message, /nest/);
  assert.ok(performance.now() - started < 5000);
  assert.equal(compileError([{ id: 'l', when: 'true || '.repeat(1000) + 'true', goal: 'care' }]).code, 'TOO_LARGE');
  const many = Array.from({ length: 5 }, (_, i) => ({ id: `s${i}`, when: 'true', goal: 'care' }));
  assert.equal(compileError(many, { limits: { maxSegments: 4 } }).code, 'TOO_LARGE');
});
