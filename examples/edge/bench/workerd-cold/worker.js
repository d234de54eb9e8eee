// Cold start inside workerd. workerd compiles the .wasm itself when it loads the worker (a WebAssembly.Module
// import; compiling in JS is disallowed) and the glue instantiates it at the top level, where the clock stands
// still (performance.now() reads 0 until the first request). So on the first request this worker times, with
// the isolate's 1 ms clock: instantiating the same precompiled module again (a block of many, per instance),
// then the first and the second `new Scorer` with the model, and the first `score()`.
import { wasmTimes, instantiateMs } from '../wasm-timer.js';
import { Scorer } from 'crmscore';
import { model } from '../../shared/data.js';

let result;
export default {
  fetch() {
    if (!result) {
      const t0 = performance.now();
      const scorer = new Scorer({ model });
      const t1 = performance.now();
      new Scorer({ model }).free();
      const t2 = performance.now();
      scorer.score({ id: 'cold', orders: [{ at: '2026-10-01', amount: 12 }, { at: '2026-11-01', amount: 30, category: 'books' }], survey: { nps: 9 } }, { asOf: '2026-11-22' });
      const t3 = performance.now();
      scorer.free();
      result = {
        clockAtTopLevel: wasmTimes.startedAt, compiledInJs: wasmTimes.compileMs.length, topLevelInstantiateMs: wasmTimes.instantiateMs[0],
        instantiate: instantiateMs(), firstScorerMs: t1 - t0, secondScorerMs: t2 - t1, firstScoreMs: t3 - t2, userAgent: navigator.userAgent,
      };
    }
    return Response.json(result);
  },
};
