// Issue 19 through the packed package: weighted scorecards (domain.md §6), contact cadences
// (§5, the coffee shop) and share of wallet (§4); figures worked by hand in tests/scorecards.rs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Scorer, CrmScoreError } from 'crmscore';

const asOf = '2026-11-22';

// A survey dimension's gap scored 1–4; 0 (missing) when the dimension was not surveyed.
const gap = (d) => {
  const x = `satisfaction.dimensions.${d}`;
  return `!has(${x}) ? 0 : ${x} >= 1.0 ? 4 : ${x} >= 0.0 ? 3 : ${x} >= -1.0 ? 2 : 1`;
};
const purchase = {
  builtinSegments: false,
  scorecards: [{
    id: 'purchase', name: 'Purchase decision',
    factors: [['value', 3], ['need', 2], ['price', 2], ['trust', 2], ['experience', 1]].map(([name, weight]) => ({ name, weight, score: gap(name) })),
  }],
  segments: [{ id: 'ready', goal: 'up-sell', when: 'scorecards.purchase.share >= 0.75', actions: ['offer the premium line'] }],
};
const surveyed = {
  id: 's1', orders: [{ at: '2026-10-01', amount: 40 }],
  survey: { expectation: { value: 4, need: 3, price: 4, trust: 3 }, perception: { value: 5, need: 3, price: 2, trust: 4 } },
};

test('the five factors of a purchase decision: 28 of 36 points, and a segment reads the share', () => {
  const scorer = new Scorer(purchase);
  const r = scorer.score(surveyed, { asOf });
  assert.deepStrictEqual(r.scorecards, {
    purchase: {
      points: 28, maxPoints: 36, share: 28 / 36,
      factors: [
        { name: 'value', weight: 3, score: 4, points: 12 },
        { name: 'need', weight: 2, score: 3, points: 6 },
        { name: 'price', weight: 2, score: 1, points: 2 },
        { name: 'trust', weight: 2, score: 4, points: 8 },
        { name: 'experience', weight: 1, score: null, points: null },
      ],
    },
  });
  assert.deepStrictEqual(r.segments.map((s) => s.id), ['ready']);
  // scoreMany gives the same, and explain's list has the card as its `scorecards`.
  assert.deepStrictEqual(scorer.scoreMany([surveyed], { asOf })[0], r);
  const e = scorer.explain(surveyed, { asOf });
  assert.equal(e[0].id, 'ready');
  assert.equal(e.length, 1, 'the list holds the segments only');
  const card = e.scorecards[0];
  assert.equal(card.scorecard, 'purchase');
  assert.equal(card.points, 28);
  assert.equal(card.factors[4].missing, true);
  assert.match(card.text, /experience: missing \(the score is 0, outside 1–4\): left out of points and maxPoints/);
  // Without scorecards the result has no `scorecards` key.
  assert.equal('scorecards' in new Scorer().score(surveyed, { asOf }), false);
  scorer.free();
});

test('scorecard errors carry a path and, for a score rule, a caret', () => {
  const bad = (config) => {
    try {
      new Scorer(config);
    } catch (e) {
      assert.ok(e instanceof CrmScoreError);
      return e;
    }
    assert.fail('no error');
  };
  const e = bad({ scorecards: [{ id: 'c', factors: [{ name: 'a', weight: 1, score: 'value.monetary' }] }] });
  assert.equal(e.code, 'RULE_TYPE');
  assert.equal(e.path, 'scorecards[0].factors[0].score');
  assert.match(e.message, /a score must be a whole number \(int\), but this is double\nvalue.monetary\n\^{14}/);
  assert.equal(bad({ scorecards: [{ id: 'c', factors: [{ name: 'a', weight: 0, score: '1' }] }] }).path, 'scorecards[0].factors[0].weight');
  assert.equal(bad({ scorecards: [{ id: 'c', factors: [] }, { id: 'c', factors: [] }] }).path, 'scorecards[1].id');
  // The batch API cannot carry a card's figures, and says so.
  const scorer = new Scorer(purchase);
  assert.throws(() => scorer.batch(4), /which a batch does not carry/);
  scorer.free();
});

test('the coffee-shop cadence: day 7 is past, day 27 is the next contact', () => {
  const scorer = new Scorer({
    builtinSegments: false,
    segments: [{
      id: 'guests', goal: 'repeat', when: 'value.frequency >= 1',
      actions: ['remember the corner seat', { send: 'message', afterDays: 7 }, { send: 'brochure', afterDays: 27, from: 'lastOrder' }, { send: 'message', afterDays: 45 }],
    }],
  });
  const guest = { id: 'g', orders: [{ at: '2026-10-04', amount: 4.5 }, { at: '2026-11-01', amount: 5 }] };
  const r = scorer.score(guest, { asOf });
  assert.deepStrictEqual(r.nextContact, { segment: 'guests', action: { send: 'brochure', afterDays: 27, from: 'lastOrder' }, due: '2026-11-28T00:00:00.000Z' });
  assert.deepStrictEqual(r.pastContacts, [{ segment: 'guests', action: { send: 'message', afterDays: 7 }, due: '2026-11-08T00:00:00.000Z' }]);
  assert.deepStrictEqual(scorer.scoreMany([guest], { asOf })[0], r);
  assert.equal(scorer.score(guest, { asOf: '2026-12-17' }).nextContact, null);
  // A result's action is its own copy.
  r.nextContact.action.send = 'changed';
  assert.equal(scorer.score(guest, { asOf }).nextContact.action.send, 'brochure');
  assert.equal('nextContact' in new Scorer().score(guest, { asOf }), false);
  scorer.free();
});

test('share of wallet: 30 of 120 on books, music capped, 3/7 overall', () => {
  const scorer = new Scorer({
    builtinSegments: false,
    segments: [{ id: 'grow', goal: 'cross-sell', when: "value.shareOfWallet.categories['books'] < 0.5 && value.shareOfWallet.overall < 0.5" }],
  });
  const c = {
    id: 'w', wallet: { music: 40, books: 120, video: 50 },
    orders: [
      { at: '2025-10-01', amount: 100, category: 'books' },
      { at: '2026-03-01', amount: 30, category: 'books' },
      { at: '2026-06-01', amount: 60, category: 'music' },
      { at: '2026-07-01', amount: 20, category: 'dvd' },
    ],
  };
  const r = scorer.score(c, { asOf });
  assert.deepStrictEqual(r.value.shareOfWallet, { overall: 90 / 210, capped: true, categories: { books: 0.25, music: 1, video: 0 } });
  assert.deepStrictEqual(r.segments.map((s) => s.id), ['grow']);
  assert.deepStrictEqual(scorer.scoreMany([c, { id: 'n', orders: [] }], { asOf })[0], r);
  assert.equal(scorer.score({ id: 'n', orders: [] }, { asOf }).value.shareOfWallet, null);
  assert.throws(() => scorer.score({ id: 'n', orders: [], wallet: { books: -1 } }, { asOf }), (e) => e.path === 'wallet.books');
  assert.throws(() => scorer.score({ id: 'n', orders: [], wallet: [] }, { asOf }), (e) => e.path === 'wallet');
  scorer.free();
});

test("docs/course.md's examples print what their comments say", () => {
  const doc = readFileSync(new URL('../../docs/course.md', import.meta.url), 'utf8');
  const blocks = [...doc.matchAll(/```js\n([\s\S]*?)```/g)].map((m) => m[1]);
  assert.equal(blocks.length, 3);
  for (const code of blocks) {
    const expected = [...code.matchAll(/\/\/ prints (.*)$/gm)].map((m) => m[1]);
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', code], { cwd: fileURLToPath(new URL('.', import.meta.url)), encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(r.stdout.trimEnd().split('\n'), expected);
  }
});
