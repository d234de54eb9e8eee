// Cold start inside workerd. workerd compiles the .wasm itself when it loads the worker (a WebAssembly.Module
// import; compiling in JS is disallowed) and the glue instantiates it at the top level, where the clock stands
// still (performance.now() reads 0 until the first request). So on the first request this worker times, with
// the isolate's 1 ms clock: instantiating the same precompiled module again (a block of many, per instance),
// then the first and the second `new Scorer` with the model.
import { wasmTimes, instantiateMs } from '../wasm-timer.js';
import { Scorer } from 'crmscore';
import { model } from '../../shared/data.js';

let result;
export default {
  fetch() {
    if (!result) {
      const t0 = performance.now();
      new Scorer({ model }).free();
      const t1 = performance.now();
      new Scorer({ model }).free();
      const t2 = performance.now();
      result = {
        clockAtTopLevel: wasmTimes.startedAt, compiledInJs: wasmTimes.compileMs.length, topLevelInstantiateMs: wasmTimes.instantiateMs[0],
        instantiate: instantiateMs(), firstScorerMs: t1 - t0, secondScorerMs: t2 - t1, userAgent: navigator.userAgent,
      };
    }
    return Response.json(result);
  },
};
