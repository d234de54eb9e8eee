// Cold start in a fresh Node or Deno process, as the package's own entry does it (node.js / deno.js read the
// .wasm, compile and instantiate it on import): prints one JSON line of times in ms.
import { wasmTimes, instantiateMs } from './wasm-timer.js';

const t0 = performance.now();
const { Scorer } = await import('crmscore');
const t1 = performance.now();
const { model } = await import('../shared/data.js');
const t2 = performance.now();
const scorer = new Scorer({ model });
const t3 = performance.now();
new Scorer({ model });
const t4 = performance.now();
scorer.score({ id: 'cold', orders: [{ at: '2026-10-01', amount: 12 }, { at: '2026-11-01', amount: 30, category: 'books' }], survey: { nps: 9 } }, { asOf: '2026-11-22' });
const t5 = performance.now();
const compileMs = wasmTimes.compileMs.reduce((a, b) => a + b, 0);
console.log(JSON.stringify({
  importMs: t1 - t0, compileMs, topLevelInstantiateMs: wasmTimes.instantiateMs[0], jsMs: t1 - t0 - compileMs - wasmTimes.instantiateMs[0],
  instantiate: instantiateMs(), firstScorerMs: t3 - t2, secondScorerMs: t4 - t3, firstScoreMs: t5 - t4,
}));
