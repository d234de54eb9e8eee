// The writer's paths compared (js/interop.js): an input as given (the customer and order fast
// paths), behind `toJSON` (the general path, which writes every object as entries) and second
// in a scoreMany: the same result or the same error (code, path and message).
import assert from 'node:assert/strict';

/** `f()` as `{ result }`, or the CrmScoreError it throws as `{ code, path, message }`. */
export function run(f) {
  try {
    return { result: f() };
  } catch (e) {
    assert.equal(e.name, 'CrmScoreError', `${e.stack}`);
    return { code: e.code, path: e.path, message: e.message };
  }
}

/**
 * Customer `c` by each path, at `asOf`: in scoreMany after `first`, its error's path and message
 * without the `[1]` of its index. Returns the outcome of the first path.
 */
export function alike(scorer, c, name, { asOf, first }) {
  const direct = run(() => scorer.score(c, { asOf }));
  assert.deepStrictEqual(run(() => scorer.score({ toJSON: () => c }, { asOf })), direct, `${name}: general path`);
  const many = run(() => scorer.scoreMany([first, c], { asOf })[1]);
  if (many.path !== undefined) {
    assert.ok(many.path.startsWith('[1]'), `${name}: ${many.path}`);
    many.path = many.path.replace(/^\[1\]\.?/, '');
    many.message = many.message.replace(/^\[1\](\.|: )?/, '');
  }
  assert.deepStrictEqual(many, direct, `${name}: scoreMany`);
  return direct;
}
