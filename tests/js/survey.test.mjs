// A customer's survey (and wallet) written by the writer's customer path and by its general
// path, which a customer behind `toJSON` takes, alone and second in scoreMany: the same result
// or the same error (code, path and message), for plain and hostile surveys.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Scorer } from 'crmscore';
import { alike as alikeBy } from './alike.mjs';

const asOf = '2026-11-22';

/** The customer `{ id: 'a', orders: [one], ...extra }` by each path; the outcome. */
function alike(scorer, extra, name) {
  // Defined rather than spread, so that a getter of `extra` is read only by the writer.
  const c = Object.defineProperties({ id: 'a', orders: [{ at: '2026-10-01', amount: 10, category: 'books' }] }, Object.getOwnPropertyDescriptors(extra));
  return alikeBy(scorer, c, name, { asOf, first: { id: 'x', orders: [] } });
}

test('plain surveys: every path gives the gaps', () => {
  const scorer = new Scorer();
  // Gaps are perception - expectation: 3 - 4 = -1, 5 - 2 = 3; the weighted means (service
  // weighs 2) are 11/3 and 10/3, so the gap is 1/3.
  const r = alike(scorer, { survey: { expectation: { service: 4, product: 2 }, perception: { product: 5, service: 3 }, weights: { service: 2 }, nps: 9 } }, 'plain').result;
  assert.deepStrictEqual(r.satisfaction.dimensions, { service: -1, product: 3 });
  assert.ok(Math.abs(r.satisfaction.gap - 1 / 3) < 1e-15, `${r.satisfaction.gap}`);
  // Names JavaScript treats specially: own keys made by JSON.parse, U+0000, one the tape gives by number.
  const special = JSON.parse('{"expectation": {"__proto__": 4, "\\u0000x": 1, "at": 2}, "perception": {"at": 5, "\\u0000x": 2, "__proto__": 2}}');
  const s = alike(scorer, { survey: special }, 'special names').result.satisfaction.dimensions;
  // The result lists dimensions by name, in code unit order.
  assert.deepStrictEqual(Object.entries(s), [['\0x', 1], ['__proto__', -2], ['at', 3]]);
  // Duplicate keys in JSON text: JSON.parse keeps the last.
  const dup = JSON.parse('{"expectation": {"a": 1, "a": 4}, "perception": {"a": 3}}');
  assert.deepStrictEqual(alike(scorer, { survey: dup }, 'duplicates').result.satisfaction.dimensions, { a: -1 });
  // Not plain objects: a class instance, a null-prototype map, a toJSON, boxed numbers, -0.
  class Survey { constructor(o) { Object.assign(this, o); } }
  const nullProto = Object.assign(Object.create(null), { a: 2 });
  for (const [name, survey, want] of [
    ['class', new Survey({ expectation: { a: 1 }, perception: { a: 2 } }), { a: 1 }],
    ['null prototype', { expectation: nullProto, perception: { a: 5 } }, { a: 3 }],
    ['toJSON', { toJSON: () => ({ expectation: { a: 1 }, perception: { a: 1 } }) }, { a: 0 }],
    ['map toJSON', { expectation: { toJSON: () => ({ a: 2 }) }, perception: { a: 1 } }, { a: -1 }],
    ['boxed', { expectation: { a: new Number(2) }, perception: { a: -0 } }, { a: -2 }],
  ]) {
    assert.deepStrictEqual(alike(scorer, { survey }, name).result.satisfaction.dimensions, want, name);
  }
  // A wallet is a map of names to numbers too.
  const w = alike(scorer, { wallet: { books: 40, music: 10 } }, 'wallet').result.value.shareOfWallet;
  assert.deepStrictEqual(w.categories, { books: 0.25, music: 0 });
  scorer.free();
});

test('hostile surveys: every path refuses them with the same error', () => {
  const scorer = new Scorer();
  const refused = (extra, name, code, path, message) => {
    const got = alike(scorer, extra, name);
    assert.deepStrictEqual([got.code, got.path], [code, path], name);
    if (message !== undefined) assert.match(got.message, message, name);
  };
  refused({ survey: { expectation: { a: 4 }, perception: {} } }, 'missing perception', 'MISSING_FIELD', 'survey.perception.a', /dimension "a" has an expectation but no perception$/);
  refused({ survey: { expectation: { a: 4 }, perception: { a: 3 }, weights: { a: 2, b: 1 } } }, 'extra weight', 'UNKNOWN_FIELD', 'survey.weights.b', /weight for dimension "b", which has no expectation and perception$/);
  refused({ survey: { expectation: { a: NaN }, perception: { a: 3 } } }, 'NaN', 'NOT_FINITE', 'survey.expectation.a', /expected a finite number, got NaN$/);
  refused({ survey: { expectation: { a: 1 }, perception: { a: '3' } } }, 'text', 'INVALID_TYPE', 'survey.perception.a', /expected a finite number, got "3"$/);
  refused({ survey: { expectation: { a: 1 }, perception: { a: 3n } } }, 'bigint', 'INVALID_TYPE', 'survey.perception.a', /got a BigInt$/);
  refused({ survey: { expectation: { a: 1 }, perception: { a: Infinity } } }, 'infinity', 'NOT_FINITE', 'survey.perception.a');
  refused({ survey: { expectation: { ['q\uDC00']: 3 }, perception: {} } }, 'lone surrogate', 'INVALID_TYPE', 'survey.expectation.q\\udc00', /lone surrogate at character 2$/);
  refused({ survey: { expectation: { a: 1 }, perception: { a: 2 }, nps: 10.5 } }, 'nps', 'OUT_OF_RANGE', 'survey.nps');
  refused({ survey: { expectation: { a: 1 }, perceptoin: {} } }, 'typo', 'UNKNOWN_FIELD', 'survey.perceptoin', /did you mean "perception"/);
  refused({ wallet: { books: -1 } }, 'wallet', 'OUT_OF_RANGE', 'wallet.books');
  // Which error wins: the names of every map before any value, a missing perception before the values.
  refused({ survey: { expectation: { a: 'x' }, perception: { ['b\uD800']: 1 } } }, 'names first', 'INVALID_TYPE', 'survey.perception.b\\ud800');
  refused({ survey: { expectation: { a: -1 }, perception: {}, nps: 11 } }, 'missing first', 'MISSING_FIELD', 'survey.perception.a');
  // More dimensions than a survey may have.
  const many = Object.fromEntries(Array.from({ length: 1001 }, (_, i) => [`d${i}`, 1]));
  refused({ survey: { expectation: many, perception: many } }, 'too many', 'TOO_LARGE', 'survey.expectation', /expected at most 1000 dimensions, got 1001$/);
  // Getters that throw, at each level; a cycle; a survey nested too deeply.
  const boom = () => { throw new Error('boom'); };
  refused({ survey: { expectation: { a: 1, get b() { return boom(); } }, perception: {} } }, 'dimension getter', 'INVALID_TYPE', 'survey.expectation.b', /reading the input threw: boom$/);
  refused({ survey: { get perception() { return boom(); } } }, 'map getter', 'INVALID_TYPE', 'survey.perception');
  refused({ get survey() { return boom(); } }, 'survey getter', 'INVALID_TYPE', 'survey');
  const cyclic = { expectation: { a: 1 } };
  cyclic.perception = cyclic;
  refused({ survey: cyclic }, 'cycle', 'INVALID_TYPE', 'survey.perception', /a circular reference$/);
  let deep = 1;
  for (let i = 0; i < 130; i++) deep = { deep };
  refused({ survey: { expectation: { a: deep } } }, 'deep', 'INVALID_TYPE', 'survey.expectation.a');
  scorer.free();
});
