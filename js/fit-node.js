// `crmscore/fit` in Node: instantiated on import. node.js shares this instance
// (both import crmscore_fit.js, whose initSync instantiates once) and routes
// columnar scoring to it itself.
import { initSync } from './crmscore_fit.js';

// As in node.js: a built-in through process.getBuiltinModule makes no ES module namespace.
const { readFileSync } = process.getBuiltinModule('node:fs');
initSync({ module: readFileSync(new URL('./crmscore_fit_bg.wasm', import.meta.url)) });

export { default } from './crmscore_fit.js';
export { compareModels, derl, fit, fitRetention, fitSummaries, readTransactionsCsv, retention, scoreColumns, survival, validate } from './crmscore_fit.js';
export { CrmScoreError } from './interop.js';
