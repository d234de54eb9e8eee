// `crmscore` in Node: the scoring module is instantiated on import, the fitting
// one on the first call of a fitting function or of `scoreMany` on columns, so
// that a process that only scores never compiles it.
import { readFileSync } from 'node:fs';
import { initSync } from './crmscore.js';
import * as fitting from './crmscore_fit.js';
import { provideColumnarScoring } from './columnar-route.js';

initSync({ module: readFileSync(new URL('./crmscore_bg.wasm', import.meta.url)) });

let fitReady = false;
function fitModule() {
  if (!fitReady) {
    fitting.initSync({ module: readFileSync(new URL('./crmscore_fit_bg.wasm', import.meta.url)) });
    fitReady = true;
  }
  return fitting;
}
provideColumnarScoring((...args) => fitModule().scoreColumns(...args));

export * from './crmscore.js';
export { default } from './crmscore.js';
export { CrmScoreError } from './interop.js';
export { Scorer } from './scorer.js';

// The functions only the fitting module has (scripts/build.mjs checks this list
// against the wasm-bindgen output).
export function fit(...args) {
  return fitModule().fit(...args);
}
export function fitSummaries(...args) {
  return fitModule().fitSummaries(...args);
}
export function readTransactionsCsv(...args) {
  return fitModule().readTransactionsCsv(...args);
}
export function scoreColumns(...args) {
  return fitModule().scoreColumns(...args);
}
