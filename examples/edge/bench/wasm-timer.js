// Imported before crmscore: wraps the two constructors the wasm-bindgen glue calls, so that the WebAssembly
// compile (new WebAssembly.Module) and instantiate (new WebAssembly.Instance) are timed as the runtime's own
// crmscore entry does them. `instantiateMs(minMs)` instantiates the captured module again in a timed block.
const { Module, Instance } = WebAssembly;
export const wasmTimes = { startedAt: performance.now(), compileMs: [], instantiateMs: [], args: null };
const timed = (Ctor, list, keep) => new Proxy(Ctor, {
  construct(target, args, newTarget) {
    const start = performance.now();
    const made = Reflect.construct(target, args, newTarget);
    list.push(performance.now() - start);
    if (keep) wasmTimes.args = args;
    return made;
  },
});
WebAssembly.Module = timed(Module, wasmTimes.compileMs, false);
WebAssembly.Instance = timed(Instance, wasmTimes.instantiateMs, true);

export function instantiateMs(minMs = 25, max = 200) {
  const [module, imports] = wasmTimes.args;
  let n = 0;
  const start = performance.now();
  while (n < max && (n < 1 || performance.now() - start < minMs)) { new Instance(module, imports); n++; }
  return { n, perInstanceMs: (performance.now() - start) / n };
}
