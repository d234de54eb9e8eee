// What a `score()` is made of, against the hand-written JavaScript full scoring, and what a
// fresh Node process pays before the package runs any code: the floors under the issue-15
// targets (`docs/performance.md`, "Floors").
//   npm run build && node benches/floors.mjs [rounds] [path/to/pkg]
//
// Warm, taking turns in one process on 2,000 ten-order customers of the comparison
// population: the whole `score()`; the tape writer alone (js/interop.js, no wasm call); the
// call into wasm alone on tapes written beforehand (copied into the input area, read,
// validated, scored, the result left in wasm memory); the rest of `score()` (building the
// result object) is the whole minus those two. Cold, medians of fresh processes in turns: an
// empty ES module's `import`, compiling the scoring module's bytes (`new WebAssembly.Module`),
// and the package's `import` + `new Scorer()` + first `score()`.
import { execFileSync } from 'node:child_process';
import { readdirSync, writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const rounds = Number(process.argv[2] ?? 30);
const pkg = process.argv[3] ?? fileURLToPath(new URL('../pkg/', import.meta.url));
const { Scorer } = await import(pathToFileURL(join(pkg, 'node.js')));
const snippets = join(pkg, 'snippets');
const interop = await import(pathToFileURL(join(snippets, readdirSync(snippets)[0], 'js/interop.js')));
const { generate, asOfMs, config } = await import('./compare/lib/population.mjs');
const { makeFullScore } = await import('./compare/lib/fullscore.mjs');

const customers = generate(2000, { seed: 10, extrasSeed: 11, orders: 10 });
const scorer = new Scorer(config);
const hand = makeFullScore(JSON.parse(scorer.segmentTable()), asOfMs);
const options = { asOf: asOfMs };
const now = Date.now();

// The tapes `score()` writes, kept for the wasm-only rounds.
const tapes = customers.map((c) => {
  const w = interop.take();
  w.top(options, 'options');
  w.top(c, '', true);
  const tape = { f: w.f.slice(0, w.p), u: w.u.slice(0, w.q), strings: w.strs.length };
  interop.give(w);
  return tape;
});
// Room for the largest, and at least what `score()` asks for (js/score.js), so that its calls
// do not move the area.
const most = (k, least) => Math.max(least, ...tapes.map((t) => t[k].length));
const areaF64 = Scorer.tapeArea(most('f', 4096), most('u', 16384));
const areaU8 = Scorer.tapeBytes();
const memory = Scorer.tapeMemory();

let sink = 0;
const runs = {
  hand: (i) => { sink += hand(customers[i]).value.frequency; },
  score: (i) => { sink += scorer.score(customers[i], options).value.frequency; },
  writer: (i) => {
    const w = interop.take();
    w.top(options, 'options');
    w.top(customers[i], '', true);
    sink += w.p;
    interop.give(w);
  },
  wasm: (i) => {
    const t = tapes[i];
    new Float64Array(memory.buffer).set(t.f, areaF64);
    new Uint8Array(memory.buffer).set(t.u, areaU8);
    sink += scorer.scoreTape(t.f.length, t.u.length, t.strings, now);
  },
};
const time = (f) => {
  const t = performance.now();
  for (let i = 0; i < customers.length; i++) f(i);
  return ((performance.now() - t) / customers.length) * 1000;
};
const times = Object.fromEntries(Object.keys(runs).map((k) => [k, []]));
for (let r = 0; r < rounds + 5; r++) {
  for (const [k, f] of Object.entries(runs)) {
    const t = time(f);
    if (r >= 5) times[k].push(t);
  }
}
const median = (v) => [...v].sort((a, b) => a - b)[v.length >> 1];
// Ratios per round (each against the hand-written scoring of the same round), then their median.
const ratio = (k) => median(times[k].map((t, r) => t / times.hand[r]));
const rest = median(times.score.map((t, r) => (t - times.writer[r] - times.wasm[r]) / times.hand[r]));
console.log(`warm, µs a customer (median of ${rounds} rounds) and ratio to the hand-written JavaScript in the same round:`);
for (const k of ['hand', 'score', 'writer', 'wasm']) console.log(`  ${k.padEnd(7)} ${median(times[k]).toFixed(2).padStart(6)}  ${ratio(k).toFixed(2)}`);
console.log(`  rest    ${''.padStart(6)}  ${rest.toFixed(2)}  (the result objects: score − writer − wasm)`);

// Cold: fresh processes, in turns.
const dir = mkdtempSync(join(tmpdir(), 'crmscore-floors-'));
const script = (name, body) => {
  const path = join(dir, name);
  writeFileSync(path, body);
  return path;
};
const wasmPath = join(pkg, 'crmscore_bg.wasm');
const scripts = {
  'empty import': script('empty.mjs', `const t = performance.now(); await import(${JSON.stringify(pathToFileURL(script('nothing.mjs', 'export {};\n')).href)}); console.log(performance.now() - t);\n`),
  'compile wasm': script('compile.mjs', `import { readFileSync } from 'node:fs'; const b = readFileSync(${JSON.stringify(wasmPath)}); const t = performance.now(); new WebAssembly.Module(b); console.log(performance.now() - t);\n`),
  'package cold': script('cold.mjs', `const t = performance.now(); const { Scorer } = await import(${JSON.stringify(pathToFileURL(join(pkg, 'node.js')).href)}); new Scorer().score({ id: 'c', orders: [{ at: '2026-01-02', amount: 10 }] }, { asOf: '2026-11-22' }); console.log(performance.now() - t);\n`),
};
const cold = Object.fromEntries(Object.keys(scripts).map((k) => [k, []]));
for (let r = 0; r < 9; r++) {
  for (const [k, path] of Object.entries(scripts)) cold[k].push(Number(execFileSync(process.execPath, [path], { encoding: 'utf8' })));
}
console.log('cold, ms (median of 9 fresh processes each, in turns):');
for (const [k, v] of Object.entries(cold)) console.log(`  ${k.padEnd(13)} ${median(v).toFixed(1)}`);
if (sink === 0.5) console.log('');
