// One fresh process: time WebAssembly.compile + the glue's init of one module.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
const require = createRequire(new URL('../package.json', import.meta.url));
const which = process.argv[2];
const [glue, wasm] = which === 'crmscore'
  ? [new URL('../node_modules/crmscore/crmscore.js', import.meta.url).href, new URL('../node_modules/crmscore/crmscore_bg.wasm', import.meta.url)]
  : ['@gorules/zen-engine-wasm', require.resolve('@gorules/zen-engine-wasm/dist/zen_engine_wasm_bg.wasm')];
const { default: init, initSync } = await import(glue);
const sync = process.argv[3] === 'sync';
const bytes = readFileSync(wasm);
const t0 = performance.now();
const module = await WebAssembly.compile(bytes);
const t1 = performance.now();
if (sync) initSync({ module }); else await init({ module_or_path: module });
const t2 = performance.now();
console.log(JSON.stringify({ compileMs: t1 - t0, instantiateMs: t2 - t1, totalMs: t2 - t0 }));
