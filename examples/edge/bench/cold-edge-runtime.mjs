// Runs in a fresh Node process (V8 caches a compiled wasm module per process, so a second run in the same
// process would not compile): a new EdgeRuntime VM, then the bundle of cold-edge.js (argv[2]) evaluated in it.
import { readFileSync } from 'node:fs';
import { EdgeRuntime } from 'edge-runtime';

const code = readFileSync(process.argv[2], 'utf8');
const t0 = performance.now();
const vm = new EdgeRuntime();
const t1 = performance.now();
vm.evaluate(code);
console.log(JSON.stringify({ ...vm.evaluate('globalThis.__cold'), vmMs: t1 - t0 }));
