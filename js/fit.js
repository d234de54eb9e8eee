// `crmscore/fit` in browsers, bundlers and Web Workers: `await init()` once,
// which fetches crmscore_fit_bg.wasm next to this module, then fit. Once
// initialised it also scores the columns given to Scorer.scoreMany
// (columnar-route.js).
import initFit, { scoreColumns } from './crmscore_fit.js';
import { provideColumnarScoring } from './columnar-route.js';

export default async function init(module) {
  const exports = await initFit(module);
  provideColumnarScoring(scoreColumns);
  return exports;
}

export { compareModels, derl, fit, fitRetention, fitSummaries, readTransactionsCsv, retention, scoreColumns, survival, validate } from './crmscore_fit.js';
export { CrmScoreError } from './interop.js';
