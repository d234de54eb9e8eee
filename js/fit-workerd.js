// `crmscore/fit` in Cloudflare Workers: the .wasm import is a compiled
// WebAssembly.Module, instantiated on import; from then on the scorer of
// `crmscore` scores columns with it. `await init()` resolves at once, so code
// written for browsers runs unchanged.
import wasmModule from './crmscore_fit_bg.wasm';
import { initSync, scoreColumns } from './crmscore_fit.js';
import { provideColumnarScoring } from './columnar-route.js';

const exports = initSync({ module: wasmModule });
provideColumnarScoring(scoreColumns);

export default async function init() {
  return exports;
}

export { compareModels, derl, fit, fitRetention, fitSummaries, readTransactionsCsv, retention, scoreColumns, survival, validate } from './crmscore_fit.js';
export { CrmScoreError } from './interop.js';
