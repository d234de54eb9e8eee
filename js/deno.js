/* @ts-self-types="./index.d.ts" */
// `crmscore` in Deno: the scoring module is instantiated on import (needs
// --allow-read for the package's directory). Fitting: `crmscore/fit` (fit-deno.js).
import { initSync } from './crmscore.js';

initSync({ module: Deno.readFileSync(new URL('./crmscore_bg.wasm', import.meta.url)) });

export * from './crmscore.js';
export { default } from './crmscore.js';
export { CrmScoreError } from './interop.js';
export { Scorer } from './scorer.js';
