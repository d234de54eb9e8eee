// `crmscore` in Cloudflare Workers: workerd imports the .wasm as a compiled
// WebAssembly.Module (JavaScript may not compile wasm there), instantiated on import.
import wasmModule from './crmscore_bg.wasm';
import { initSync } from './crmscore.js';

initSync({ module: wasmModule });

export * from './crmscore.js';
export { default } from './crmscore.js';
export { CrmScoreError } from './interop.js';
export { Scorer } from './scorer.js';
