// Bundled by esbuild into build/browser.js and loaded by index.html.
import initCrmscore, * as crmscore from './node_modules/crmscore/index.js';
import initZen, * as zen from '@gorules/zen-engine-wasm';
import { LogicEngine } from 'json-logic-engine';
import jsonLogic from 'json-logic-js';
import { parse as celParse } from '@marcbachmann/cel-js';
import { evalCondition } from '@growthbook/growthbook';
import { Engine as RulesEngine } from 'json-rules-engine';
import segmentDefs from './node_modules/crmscore/segments.json';
import { runSuite } from './lib/suite.mjs';

const params = new URLSearchParams(location.search);
const N = Number(params.get('n') ?? 1_000_000);
const budgetMs = Number(params.get('budget') ?? 3000);
const log = (s) => console.log(s);

async function instantiate(url, init) {
  const bytes = await (await fetch(url)).arrayBuffer();
  const t0 = performance.now();
  const module = await WebAssembly.compile(bytes);
  const t1 = performance.now();
  await init({ module_or_path: module });
  const t2 = performance.now();
  return { compileMs: t1 - t0, instantiateMs: t2 - t1, totalMs: t2 - t0, bytes: bytes.byteLength };
}

// ?instantiate-only: the page only times the two instantiations (browser.mjs
// opens it in fresh browsers and takes the median).
async function main() {
  // Timed once the browser has settled: a fresh browser's own start-up work
  // (on 2 cores) otherwise swung one compile from 5 to 38 ms.
  await new Promise((r) => setTimeout(r, 1000));
  const instantiateTimes = {
    crmscore: await instantiate('/crmscore_bg.wasm', initCrmscore),
    zen: await instantiate('/zen_engine_wasm_bg.wasm', initZen),
  };
  if (params.has('instantiate-only')) return { instantiate: instantiateTimes };
  const engines = { LogicEngine, jsonLogic, celParse, evalCondition, RulesEngine, zen };
  const results = await runSuite({ crmscore, engines, segmentDefs, N, budgetMs, log });
  results.runtime = { name: 'Chromium', userAgent: navigator.userAgent };
  return results;
}

try {
  window.__results = await main();
} catch (e) {
  log(`FAILED: ${e?.stack ?? e}`);
  window.__results = { error: String(e?.stack ?? e) };
}

