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
  assert.equal(compileError([{ id: 'g', when: 'true', goal: 'sell' }]).path, 'segments[0].goal');
});

// Each kind of compile error, with its code, path, and the line, column and caret worked out by hand.
const compileErrors = [
  ['lexical error', [{ id: 'lex', when: 'value.frequency = 2', goal: 'care' }], {}, 'RULE_SYNTAX', 'segments[0].when',
    'in segment "lex": line 1, column 17: unexpected `=`; use `==` to compare\nvalue.frequency = 2\n' + ' '.repeat(16) + '^'],
  ['unknown function', [{ id: 'fn', when: 'value.frequency >= 1 &&\n  sise(categories) > 1', goal: 'care' }], {}, 'RULE_TYPE',
    'segments[0].when',
    'in segment "fn": line 2, column 3: unknown function `sise`, did you mean `size`?\n  sise(categories) > 1\n  ^^^^'],
  ['unknown segment', [{ id: 'seg', when: "segment('champion')", goal: 'care' }], { builtinSegments: true }, 'RULE_TYPE',
    'segments[0].when',
    "in segment \"seg\": line 1, column 9: unknown segment `champion`, did you mean `champions`?\nsegment('champion')\n" +
      ' '.repeat(8) + '^'.repeat(10)],
  ['bad duration', [{ id: 'dur', when: "days(value.recencyDays) > duration('3w')", goal: 'care' }], {}, 'RULE_TYPE',
    'segments[0].when',
    'in segment "dur": line 1, column 36: invalid duration `3w`: expected amounts with units d, h, m or s, as in `90d` or ' +
      "`1h30m`\ndays(value.recencyDays) > duration('3w')\n" + ' '.repeat(35) + '^^^^'],
  ['cycle', [{ id: 'a', when: "segment('b')", goal: 'care' }, { id: 'b', when: "value.frequency > 1 &&\n  segment('a')", goal: 'care' }],
    {}, 'INVALID_SEGMENT', 'segments[1].when',
    "in segment \"b\": line 2, column 3: segments reference each other in a cycle: `a` → `b` → `a`\n  segment('a')\n  " +
      '^'.repeat(12)],
  // 43 bytes over a limit of 30: the caret is on byte 31, the `o` of `value.monetary`
  ['length limit', [{ id: 'len', when: 'value.frequency > 1 && value.monetary > 2.0', goal: 'care' }], { limits: { maxRuleLength: 30 } },
    'TOO_LARGE', 'segments[0].when',
    'in segment "len": line 1, column 31: rule is 43 bytes long; the limit is 30 bytes\n' +
      'value.frequency > 1 && value.monetary > 2.0\n' + ' '.repeat(30) + '^'],
  // the rule is level 1, each parenthesis opens the next: the 4th is at level 4
  ['depth limit', [{ id: 'deep', when: '((((value.frequency > 1))))', goal: 'care' }], { limits: { maxRuleDepth: 3 } },
    'TOO_LARGE', 'segments[0].when',
    'in segment "deep": line 1, column 4: expression nested too deeply (the limit is 3 levels)\n((((value.frequency > 1))))\n   ^'],
  // `value`, `.frequency`, then the items 1, 2, 3: the 6th operation is the `4`
  ['node limit', [{ id: 'ops', when: 'value.frequency in [1, 2, 3, 4]', goal: 'care' }], { limits: { maxRuleNodes: 5 } },
    'TOO_LARGE', 'segments[0].when',
    'in segment "ops": line 1, column 30: rule has too many operations (the limit is 5)\nvalue.frequency in [1, 2, 3, 4]\n' +
      ' '.repeat(29) + '^'],
  ['segment limit', Array.from({ length: 3 }, (_, i) => ({ id: `s${i}`, when: 'true', goal: 'care' })), { limits: { maxSegments: 2 } },
    'TOO_LARGE', 'segments', 'expected at most 2 segments (built-ins included), got 3; raise `limits.maxSegments`'],
  ['segment limit with the built-ins', [{ id: 'extra', when: 'true', goal: 'care' }], { builtinSegments: true, limits: { maxSegments: 16 } },
    'TOO_LARGE', 'segments',
    'expected at most 16 segments (built-ins included), got 17, of which 16 are built-ins (`builtinSegments: false` leaves them ' +
      'out); raise `limits.maxSegments`'],
];

for (const [kind, segments, extra, code, path, message] of compileErrors) {
  test(`compile error reaching JavaScript: ${kind}`, () => {
    const e = compileError(segments, extra);
    assert.deepEqual([e.code, e.path, e.message], [code, path, `${path}: ${message}`]);
  });
}

test('a store name that no segment reads is refused with a suggestion', () => {
  const e = compileError([], { builtinSegments: true, store: { bokos: 'Bücher' } });
  assert.deepEqual([e.code, e.path, e.message], ['UNKNOWN_FIELD', 'store.bokos',
    'store.bokos: no segment reads store.bokos (did you mean "books"?); the segments read: store.books, store.video, store.dvd']);
});

test('rules read map entries, chains are not nesting, missing data makes comparisons false', () => {
  const scorer = new Scorer({
    builtinSegments: false,
    segments: [
      { id: 'quiet', when: "satisfaction.dimensions.price < 0.0 && satisfaction.dimensions['service'] == 1.0", goal: 'care', priority: 1 },
      { id: 'books', when: 'value.categories.books == 1 && !has(value.categories.dvd)', goal: 'cross-sell', priority: 2,
        actions: ['video offer'] },
      { id: 'chain', when: Array(63).fill('value.frequency >= 1').join(' && '), goal: 'repeat', priority: 3 },
      { id: 'no-abc', when: "!(value.abc == 'A') && value.abc != 'A' == false", goal: 'care', priority: 4 },
    ],
  });
  // service: perception 5 − expectation 4 = 1; price 2 − 3 = −1; no ABC thresholds: value.abc is missing
  const r = scorer.score({ id: 'm', orders: [{ at: '2026-11-01', amount: 10, category: 'books' }],
    survey: { expectation: { service: 4, price: 3 }, perception: { service: 5, price: 2 } } }, { asOf });
  assert.deepEqual(r.segments.map((s) => s.id), ['quiet', 'books', 'chain', 'no-abc']);
  // the first matched segment has no actions: its action is null
  assert.deepEqual(r.nextBestAction, { segment: 'quiet', goal: 'care', action: null });
});

test('hostile rules are refused by the limits before they are parsed', () => {
  const million = '('.repeat(1_000_000) + 'true' + ')'.repeat(1_000_000);
  assert.equal(compileError([{ id: 'm', when: million, goal: 'care' }]).code, 'TOO_LARGE');
  // with the length limit at its ceiling (1 MiB), the depth limit refuses it
  const deep = compileError([{ id: 'd', when: '('.repeat(500_000) + 'true' + ')'.repeat(500_000), goal: 'care' }],
    { limits: { maxRuleLength: 1_048_576 } });
  assert.equal(deep.code, 'TOO_LARGE');
  // Refused at the depth limit (64 levels by default), not after reading 500,000 of them:
  // the caret is under the first parenthesis past it.
  assert.match(deep.message, /nest/);
  assert.match(deep.message, /column 65\b/);
  assert.equal(compileError([{ id: 'l', when: 'true || '.repeat(1000) + 'true', goal: 'care' }]).code, 'TOO_LARGE');
  const many = Array.from({ length: 5 }, (_, i) => ({ id: `s${i}`, when: 'true', goal: 'care' }));
  assert.equal(compileError(many, { limits: { maxSegments: 4 } }).code, 'TOO_LARGE');
});

// Macros over the customer's orders, scored at 2026-11-22: a 25.00 DVD 20 days before, a 15.00 DVD
// 82 days before, three coupon orders (one a 30.00 book with cost 20.00), a music order without a
// channel.
test('macros over orders: exists, all, exists_one, filter and map counted, explained', () => {
  const scorer = new Scorer({
    builtinSegments: false,
    segments: [
      { id: 'recent-dvd', goal: 'up-sell', when: "orders.exists(o, o.category == store.dvd && o.amount > 20.0 && o.at > now - duration('30d'))" },
      { id: 'coupon-hunter', goal: 'care', when: "orders.filter(o, o.channel == 'coupon').size() >= 3" },
      { id: 'one-book', goal: 'cross-sell', when: 'orders.exists_one(o, o.category == store.books)' },
      { id: 'all-costed', goal: 'care', when: 'orders.all(o, has(o.cost))' },
      { id: 'five', goal: 'care', when: "orders.map(o, o.amount).size() == 5 && now - timestamp('2026-11-21T00:00:00Z') == duration('1d')" },
    ],
  });
  const customer = {
    id: 'c',
    orders: [
      { at: '2026-11-02', amount: 25, category: 'dvd', channel: 'web' },
      { at: '2026-09-01', amount: 15, category: 'dvd', channel: 'coupon' },
      { at: '2026-06-10', amount: 30, cost: 20, category: 'books', channel: 'coupon' },
      { at: '2026-03-01', amount: 11, channel: 'coupon' },
      { at: '2026-01-15', amount: 40, category: 'music' },
    ],
  };
  const r = scorer.score(customer, { asOf });
  // all-costed: four of the five orders have no cost.
  assert.deepEqual(r.segments.map((s) => s.id), ['recent-dvd', 'coupon-hunter', 'one-book', 'five']);
  assert.deepEqual(scorer.scoreMany([customer], { asOf })[0].segments.map((s) => s.id), r.segments.map((s) => s.id));
  const recent = scorer.explain(customer, { asOf }).find((e) => e.id === 'recent-dvd');
  // Orders are read oldest first: exists stops at the first match, the newest order (orders[4]).
  assert.equal(recent.text, [
    "orders.exists(o, o.category == store.dvd && o.amount > 20.0 && o.at > now - duration('30d')) → true (orders = 5 orders)",
    "  o.category == store.dvd && o.amount > 20.0 && o.at > now - duration('30d') → true",
    '    o.category == store.dvd → true (o.category = "dvd", o = orders[4], store.dvd = "dvd")',
    '    o.amount > 20.0 → true (o.amount = 25.0, o = orders[4])',
    "    o.at > now - duration('30d') → true (o.at = timestamp('2026-11-02T00:00:00Z'), o = orders[4], now = timestamp('2026-11-22T00:00:00Z'))",
  ].join('\n'));
  assert.throws(() => scorer.batch(10), (e) => e instanceof CrmScoreError && e.code === 'INVALID_SEGMENT'
    && /segment "recent-dvd" reads `orders`, which a batch does not carry: score these customers with score\(\)/.test(e.message));
  assert.throws(() => new Scorer({ segments: [{ id: 'x', goal: 'care', when: "duration('320000000000s') > duration('1s')" }] }),
    (e) => e.code === 'RULE_TYPE' && /out of range/.test(e.message));
});
