// Node runner: node node.mjs [customers]   (default 1,000,000; BENCH_BUDGET_MS bounds each row)
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { loadavg } from 'node:os';
import { runSuite } from './lib/suite.mjs';
// By path: pkg/package.json is rewritten by concurrent builds, the node entry is stable.
const crmscore = await import('./node_modules/crmscore/node.js');
import { createHash } from 'node:crypto';
// The wasm this process runs (pkg/ may be rebuilt by others while the benchmark runs).
const wasmBytes = readFileSync(new URL('./node_modules/crmscore/crmscore_bg.wasm', import.meta.url));
const wasm = { bytes: wasmBytes.length, sha256: createHash('sha256').update(wasmBytes).digest('hex').slice(0, 16) };
import { LogicEngine } from 'json-logic-engine';
import jsonLogic from 'json-logic-js';
import { parse as celParse } from '@marcbachmann/cel-js';
import { evalCondition } from '@growthbook/growthbook';
import { Engine as RulesEngine } from 'json-rules-engine';
import initZen, * as zen from '@gorules/zen-engine-wasm';

const require = createRequire(import.meta.url);
const N = Number(process.argv[2] ?? process.env.BENCH_N ?? 1_000_000);
const budgetMs = Number(process.env.BENCH_BUDGET_MS ?? 3000);
const engines = { LogicEngine, jsonLogic, celParse, evalCondition, RulesEngine };
try {
  await initZen({ module_or_path: readFileSync(require.resolve('@gorules/zen-engine-wasm/dist/zen_engine_wasm_bg.wasm')) });
  engines.zen = zen;
} catch (e) { console.log(`@gorules/zen-engine-wasm does not run here: ${e.message}`); }
const segmentDefs = JSON.parse(readFileSync(new URL('./node_modules/crmscore/segments.json', import.meta.url)));

console.log(`Node ${process.version}, ${N.toLocaleString('en-US')} customers, budget ${budgetMs} ms a row`);
const loadBefore = loadavg()[0];
const results = await runSuite({ crmscore, engines, segmentDefs, N, budgetMs, wasm });
results.load = { before: loadBefore, after: loadavg()[0] };
results.runtime = { name: 'Node', version: process.version, v8: process.versions.v8 };
mkdirSync(new URL('./results/', import.meta.url), { recursive: true });
writeFileSync(new URL('./results/node.json', import.meta.url), JSON.stringify(results, null, 1) + '\n');
if (results.mismatch) { console.error('an engine disagreed with the hand-written JavaScript: see above'); process.exit(1); }
