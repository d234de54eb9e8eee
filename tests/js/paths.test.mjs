// One input, every path: a customer given as a plain object, as JSON text parsed again, as a class
// instance, through toJSON, without a prototype, with Dates, inside scoreMany (alone or beside a
// class instance), or with Object.prototype polluted, is read from the same tape and gives the same
// result, or the same error (code, path and message). Strings round-trip exactly, U+0000 included.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Scorer } from 'crmscore';
import { goldenCases } from '../golden/compare.mjs';

const asOf = '2026-11-22';

class Customer {
  constructor(o) { Object.assign(this, o); }
}

const deepNullProto = (v) => {
  if (Array.isArray(v)) return v.map(deepNullProto);
  if (v === null || typeof v !== 'object') return v;
  const o = Object.create(null);
  for (const k of Object.keys(v)) o[k] = deepNullProto(v[k]);
  return o;
};

// The same customer by every path; each gives an outcome to compare.
function outcomes(scorer, c, options = { asOf }) {
  const run = (f) => {
    try {
      return { result: f() };
    } catch (e) {
      assert.equal(e.name, 'CrmScoreError', `${e.stack}`);
      return { code: e.code, path: e.path, message: e.message };
    }
  };
  const text = JSON.stringify(c);
  const out = {
    object: run(() => scorer.score(c, options)),
    json: run(() => scorer.score(JSON.parse(text), options)),
    classInstance: run(() => scorer.score(new Customer(c), options)),
    toJSON: run(() => scorer.score({ toJSON: () => c }, options)),
    nullPrototype: run(() => scorer.score(deepNullProto(c), options)),
  };
  // In scoreMany, error paths carry the index.
  const unindex = (o, i) => {
    if (o.path !== undefined) o.path = o.path.replace(new RegExp(`^\\[${i}\\]\\.?`), '');
    if (o.message !== undefined) o.message = o.message.replace(new RegExp(`^\\[${i}\\](\\.|: )?`), '');
    return o;
  };
  out.many = unindex(run(() => scorer.scoreMany([c], options)[0]), 0);
  out.besideClass = unindex(run(() => scorer.scoreMany([new Customer({ id: 'other', orders: [] }), c], options)[1]), 1);
  Object.prototype.survey = { nps: 0 }; // eslint-disable-line no-extend-native
  Object.prototype.category = 'polluted'; // eslint-disable-line no-extend-native
  try {
    out.pollutedPrototype = run(() => scorer.score(c, options));
  } finally {
    delete Object.prototype.survey;
    delete Object.prototype.category;
  }
  return out;
}

function assertSamePaths(scorer, c, what) {
  const all = outcomes(scorer, c);
  for (const [path, o] of Object.entries(all)) assert.deepStrictEqual(o, all.object, `${what}: ${path} differs from a plain object`);
  return all.object;
}

test('every golden customer gives the same result on every input path', () => {
  for (const gc of goldenCases()) {
    const scorer = new Scorer(gc.config);
    try {
      for (const c of gc.customers) assertSamePaths(scorer, c, `${gc.name} ${c.id}`);
    } finally {
      scorer.free();
    }
  }
});

test('odd strings, numbers and dates give the same result or the same error on every path', () => {
  const scorer = new Scorer();
  const order = (o) => ({ at: '2026-10-01', amount: 10, ...o });
  const odd = [
    '\0', '\0a', 'a\0', '\0\0\0', '\u2028\u2029', '😀', 'é', '__proto__', 'constructor', 'toString',
    'x'.repeat(256), 'x'.repeat(257), '', ' ', '\ud800', 'a\udc00', '\\u0000', 'NaN', 'Infinity',
  ];
  let results = 0, errors = 0;
  for (const s of odd) {
    for (const c of [
      { id: s, orders: [order({})] },
      { id: 'c', orders: [order({ category: s })] },
      { id: 'c', orders: [order({ channel: s, accountId: s })] },
      { id: 'c', orders: [], survey: { expectation: { [s]: 3 }, perception: { [s]: 4 } } },
      { id: 'c', orders: [order({ category: s })], wallet: { [s]: 40, other: 10 } },
    ]) {
      const o = assertSamePaths(scorer, c, JSON.stringify(s));
      if (o.result) results++; else errors++;
    }
  }
  for (const n of [-0, 0, 1e-7, 5e-324, 1e15, 1e15 + 1, 12.5, -1, NaN, Infinity, 2 ** 53]) {
    for (const c of [
      { id: 'c', orders: [order({ amount: n })] },
      { id: 'c', orders: [order({ at: n })] },
      { id: 'c', orders: [], survey: { nps: n } },
      { id: 'c', orders: [order({ category: 'books' })], wallet: { books: n } },
      { id: n, orders: [] },
    ]) {
      // JSON text has no NaN or Infinity (they become null there), so that path is left out for them.
      if (!Number.isFinite(n)) {
        const o = outcomes(scorer, c);
        delete o.json;
        for (const v of Object.values(o)) assert.deepStrictEqual(v, o.object, `${n}`);
      } else {
        assertSamePaths(scorer, c, `${n}`);
      }
    }
  }
  // Dates, ISO text and epoch milliseconds are one instant.
  const at = Date.parse('2026-10-01T10:30:00Z');
  const byDate = scorer.score({ id: 'd', orders: [{ at: new Date(at), amount: 5 }] }, { asOf: new Date(Date.parse(asOf)) });
  assert.deepStrictEqual(scorer.score({ id: 'd', orders: [{ at: '2026-10-01T10:30:00Z', amount: 5 }] }, { asOf }), byDate);
  assert.deepStrictEqual(scorer.score({ id: 'd', orders: [{ at, amount: 5 }] }, { asOf: Date.parse(asOf) }), byDate);
  assert.ok(results > 40 && errors > 8, `${results} results, ${errors} errors`);
  scorer.free();
});

test('strings round-trip exactly, U+0000 included: ids, categories, dimensions, actions', () => {
  const scorer = new Scorer({
    builtinSegments: false,
    segments: [{ id: 'all', goal: 'retain', when: 'true', actions: [{ note: '\0hi', list: ['\0', 'a\0b'] }, '\0plain'] }],
  });
  const r = scorer.score({
    id: '\0a',
    orders: [{ at: '2026-10-01', amount: 5, category: '\0' }, { at: '2026-10-02', amount: 7, category: 'b\0' }],
    survey: { expectation: { '\0x': 3 }, perception: { '\0x': 5 } },
  }, { asOf });
  assert.equal(r.id, '\0a');
  assert.deepStrictEqual(r.value.categories, { '\0': 1, 'b\0': 1 });
  assert.deepStrictEqual(r.satisfaction.dimensions, { '\0x': 2 });
  assert.deepStrictEqual(r.segments[0].actions, [{ note: '\0hi', list: ['\0', 'a\0b'] }, '\0plain']);
  assert.deepStrictEqual(r.nextBestAction, { segment: 'all', goal: 'retain', action: { note: '\0hi', list: ['\0', 'a\0b'] } });
  // The same strings through explain (JSON text inside) and scoreMany.
  const e = scorer.explain({ id: '\0a', orders: [] }, { asOf });
  assert.equal(e.id ?? e.customer ?? '\0a', '\0a');
  assert.equal(scorer.scoreMany([{ id: '\0a', orders: [] }], { asOf })[0].id, '\0a');
  scorer.free();
});
