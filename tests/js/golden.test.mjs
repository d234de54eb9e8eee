// The golden data (tests/golden/) scored by the installed package in Node (wasm), compared with the
// native Rust results in tests/golden/expected.json: bit for bit, except the BG/NBD predictions
// (exp/ln/pow), within 1e-12 relative (see tests/golden/compare.mjs).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Scorer } from 'crmscore';
import { goldenCases, scoreCases, compareWithNative, describe } from '../golden/compare.mjs';

test('wasm in Node gives the native answers for every golden customer', () => {
  const report = compareWithNative(scoreCases(Scorer, goldenCases()));
  const text = describe(report, 'node');
  console.log(text);
  assert.equal(report.results, 60 + 160 + 60 + 99);
  assert.deepEqual(report.mismatches, [], text);
});

test('scoreMany gives the same answers as score, one customer at a time', () => {
  const [c] = goldenCases().filter((c) => c.name === 'configured');
  const scorer = new Scorer(c.config);
  try {
    assert.deepEqual(scorer.scoreMany(c.customers, c.options), c.customers.map((x) => scorer.score(x, c.options)));
  } finally { scorer.free(); }
});
