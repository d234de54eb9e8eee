// `crmscore` in Node: the scoring module is instantiated on import, the fitting
// one (its glue and its wasm) loaded on the first call of a fitting function or
// of `scoreMany` on columns, so that a process that only scores neither parses
// nor compiles it. require() of an ES module: Node ^20.19 and >=22.12 (engines).
import { initSync } from './crmscore.js';
import { provideColumnarScoring } from './columnar-route.js';

// Built-ins through process.getBuiltinModule, not `import … from 'node:fs'`: an import
// of a built-in makes its ES module namespace on first use, which is part of a fresh
// process's cold start, and `require` is made only when the fitting module is wanted.
const { readFileSync } = process.getBuiltinModule('node:fs');

initSync({ module: readFileSync(new URL('./crmscore_bg.wasm', import.meta.url)) });

let fitting = null;
function fitModule() {
  if (fitting === null) {
    const require = process.getBuiltinModule('node:module').createRequire(import.meta.url);
    const glue = require('./crmscore_fit.js');
    glue.initSync({ module: readFileSync(new URL('./crmscore_fit_bg.wasm', import.meta.url)) });
    fitting = glue;
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
export function validate(...args) {
  return fitModule().validate(...args);
}
export function compareModels(...args) {
  return fitModule().compareModels(...args);
}
export function fitRetention(...args) {
  return fitModule().fitRetention(...args);
}
export function survival(...args) {
  return fitModule().survival(...args);
}
export function retention(...args) {
  return fitModule().retention(...args);
}
export function derl(...args) {
  return fitModule().derl(...args);
}
