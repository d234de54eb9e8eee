// Sizes and instantiate times: crmscore's gzipped .wasm against each
// competitor bundled with esbuild --bundle --minify and gzipped; WebAssembly
// compile + instantiate of crmscore's and zen's modules, each in 7 fresh Node
// processes (median). Writes results/sizes.json.
import { build } from 'esbuild';
import { gzipSync } from 'node:zlib';
import { readFileSync, writeFileSync, mkdirSync, createReadStream } from 'node:fs';
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { join } from 'node:path';

const require = createRequire(import.meta.url);
const here = new URL('.', import.meta.url).pathname;
const gz = (buf) => gzipSync(buf, { level: 9 }).length;
const pkgDir = join(here, 'node_modules/crmscore');
const version = (name) => JSON.parse(readFileSync(join(here, 'node_modules', name, 'package.json'))).version;

async function bundle(source) {
  const r = await build({ stdin: { contents: source, resolveDir: here, loader: 'js' }, bundle: true, minify: true, format: 'esm', platform: 'browser', target: 'es2022', write: false, logLevel: 'silent' });
  const code = r.outputFiles[0].contents;
  return { minified: code.length, gzipped: gz(code) };
}
const wasmOf = (path) => { const b = readFileSync(path); return { raw: b.length, gzipped: gz(b), sha256: createHash('sha256').update(b).digest('hex').slice(0, 16) }; };

const rows = [];
const crmWasm = wasmOf(join(pkgDir, 'crmscore_bg.wasm'));
rows.push({ name: 'crmscore', version: JSON.parse(readFileSync(join(pkgDir, 'package.json'))).version, wasm: crmWasm,
  js: await bundle(`export { default, Scorer } from './node_modules/crmscore/index.js';`) });
rows.push({ name: '@gorules/zen-engine-wasm', version: version('@gorules/zen-engine-wasm'), wasm: wasmOf(require.resolve('@gorules/zen-engine-wasm/dist/zen_engine_wasm_bg.wasm')),
  js: await bundle(`export { default, Variable, evaluateExpression } from '@gorules/zen-engine-wasm';`) });
for (const [name, src] of [
  ['json-logic-engine', `export { LogicEngine } from 'json-logic-engine';`],
  ['json-logic-js', `export { default } from 'json-logic-js';`],
  ['@marcbachmann/cel-js', `export { parse } from '@marcbachmann/cel-js';`],
  ['@growthbook/growthbook', `export { evalCondition } from '@growthbook/growthbook';`],
  ['json-rules-engine', `export { Engine } from 'json-rules-engine';`],
]) {
  try { rows.push({ name, version: version(name), js: await bundle(src) }); }
  catch (e) { rows.push({ name, version: version(name), error: e.message.split('\n')[0] }); }
}
for (const r of rows) r.totalGzipped = (r.wasm?.gzipped ?? 0) + (r.js?.gzipped ?? 0);

// Instantiate: WebAssembly.compile, then the wasm-bindgen glue's init with the compiled module.
const child = join(here, 'lib/instantiate-child.mjs');
const instantiate = {};
// sync: initSync (new WebAssembly.Instance), what crmscore's Node entry does on import;
// async: init() (WebAssembly.instantiate), what a browser page does.
for (const which of ['crmscore', 'zen']) {
  instantiate[which] = {};
  for (const mode of ['sync', 'async']) {
    const runs = Array.from({ length: 7 }, () => JSON.parse(execFileSync(process.execPath, [child, which, mode], { encoding: 'utf8' })));
    const med = (k) => runs.map((r) => r[k]).sort((a, b) => a - b)[3];
    instantiate[which][mode] = { compileMs: med('compileMs'), instantiateMs: med('instantiateMs'), totalMs: med('totalMs'), runs: runs.length };
  }
}
const out = { rows, instantiate, node: process.version };
mkdirSync(join(here, 'results'), { recursive: true });
writeFileSync(join(here, 'results/sizes.json'), JSON.stringify(out, null, 1) + '\n');
for (const r of rows) console.log(`${r.name.padEnd(26)} ${r.wasm ? `wasm ${r.wasm.gzipped.toLocaleString('en-US')} B gz` : ''.padEnd(0)} ${r.js ? `js ${r.js.gzipped.toLocaleString('en-US')} B gz` : r.error}`);
for (const [k, m] of Object.entries(instantiate)) for (const [mode, v] of Object.entries(m)) console.log(`instantiate ${k} (${mode}): compile ${v.compileMs.toFixed(2)} ms + instantiate ${v.instantiateMs.toFixed(2)} ms = ${v.totalMs.toFixed(2)} ms (median of ${v.runs} fresh processes)`);
