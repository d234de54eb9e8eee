// Cold start in edge-runtime, bundled like the Vercel example (the .wasm as bytes, `initSync` compiles and
// instantiates it): evaluated in a fresh EdgeRuntime VM, it leaves its times (ms) in globalThis.__cold.
// Modules are evaluated in import order: timer, glue and bytes, then the mark, then the model.
import { wasmTimes, instantiateMs } from './wasm-timer.js';
import { initSync, Scorer } from 'crmscore';
import wasm from 'crmscore/crmscore_bg.wasm';
import { marks } from './cold-mark.js';
import { model } from '../shared/data.js';

const t0 = performance.now();
initSync({ module: wasm });
const t1 = performance.now();
const scorer = new Scorer({ model });
const t2 = performance.now();
new Scorer({ model });
const t3 = performance.now();
scorer.score({ id: 'cold', orders: [{ at: '2026-10-01', amount: 12 }, { at: '2026-11-01', amount: 30, category: 'books' }], survey: { nps: 9 } }, { asOf: '2026-11-22' });
const t4 = performance.now();
globalThis.__cold = {
  jsMs: marks.glue - wasmTimes.startedAt, initSyncMs: t1 - t0, compileMs: wasmTimes.compileMs[0],
  topLevelInstantiateMs: wasmTimes.instantiateMs[0], instantiate: instantiateMs(), firstScorerMs: t2 - t1, secondScorerMs: t3 - t2, firstScoreMs: t4 - t3,
};
