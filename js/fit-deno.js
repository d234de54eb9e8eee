/* @ts-self-types="./fit.d.ts" */
// `crmscore/fit` in Deno: instantiated on import (--allow-read for the package's
// directory), and from then on the scorer of `crmscore` scores columns with it.
// `await init()` resolves at once, so code written for browsers runs unchanged.
import { initSync, scoreColumns } from './crmscore_fit.js';
import { provideColumnarScoring } from './columnar-route.js';

const exports = initSync({ module: Deno.readFileSync(new URL('./crmscore_fit_bg.wasm', import.meta.url)) });
provideColumnarScoring(scoreColumns);

export default async function init() {
  return exports;
}

export { compareModels, derl, fit, fitRetention, fitSummaries, readTransactionsCsv, retention, scoreColumns, survival, validate } from './crmscore_fit.js';
export { CrmScoreError } from './interop.js';
