// The installed package's types declare exactly what each entry exports at run time,
// for every subpath and condition of its `exports` map: the names a module's types
// give as values (read with the TypeScript compiler, as `import * as m` sees them)
// must equal the names the entry module exports when imported. Entries for other
// runtimes are imported in Node with what they need stubbed: `Deno.readFileSync`
// for Deno, and for workerd a module hook that makes `import m from './x.wasm'` a
// compiled WebAssembly.Module, as workerd does.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire, register } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import ts from 'typescript';

const require = createRequire(import.meta.url);
const dir = dirname(require.resolve('crmscore/package.json'));
const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));

// workerd: `import wasmModule from './crmscore_bg.wasm'` gives a compiled module.
const wasmAsModule = `
export async function load(url, context, next) {
  if (!url.endsWith('.wasm')) return next(url, context);
  return { format: 'module', shortCircuit: true, source:
    "import { readFileSync } from 'node:fs';" +
    'export default new WebAssembly.Module(readFileSync(new URL(' + JSON.stringify(url) + ')));' };
}`;
register(`data:text/javascript,${encodeURIComponent(wasmAsModule)}`);
// Deno: the entries read the .wasm with Deno.readFileSync(url).
globalThis.Deno = { readFileSync: (url) => readFileSync(url) };

const entries = Object.entries(manifest.exports)
  .filter(([, target]) => typeof target === 'object')
  .flatMap(([subpath, conditions]) => Object.entries(conditions).map(([condition, { types, default: js }]) => ({ subpath, condition, types, js })));

// One program over every declaration file of the exports map (they share the wasm-bindgen types).
const program = ts.createProgram([...new Set(entries.map((e) => join(dir, e.types)))], {
  module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext, target: ts.ScriptTarget.ES2022,
  lib: ['lib.esnext.d.ts', 'lib.dom.d.ts'], types: [], strict: true, noEmit: true,
});
const checker = program.getTypeChecker();

/** The value exports a declaration file gives `import * as m` (type-only exports excluded). */
function declared(typesFile) {
  const source = program.getSourceFile(join(dir, typesFile));
  const errors = ts.getPreEmitDiagnostics(program, source).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
  assert.deepEqual(errors, [], `${typesFile} type-checks`);
  return checker.getTypeOfSymbolAtLocation(checker.getSymbolAtLocation(source), source).getProperties().map((p) => p.name).sort();
}

test('the exports map has types for every condition of both subpaths', () => {
  assert.deepEqual(entries.map((e) => `${e.subpath} ${e.condition}`), [
    '. workerd', '. deno', '. node', '. default',
    './fit workerd', './fit deno', './fit node', './fit default',
  ]);
  for (const e of entries) assert.match(e.types, /\.d\.ts$/, `${e.subpath} ${e.condition}`);
});

for (const { subpath, condition, types, js } of entries) {
  test(`${subpath} under "${condition}": ${types} declares what ${js} exports`, async () => {
    const runtime = Object.keys(await import(pathToFileURL(join(dir, js)).href)).sort();
    assert.deepEqual(declared(types), runtime);
    // Deno type-checks a JavaScript entry by its @ts-self-types comment, when it has one.
    const self = /@ts-self-types="([^"]+)"/.exec(readFileSync(join(dir, js), 'utf8'));
    if (self) assert.equal(join(dirname(js), self[1]), join(types), `${js}: @ts-self-types`);
  });
}

test('crmscore/fit exports the fitting functions, init and CrmScoreError, and no Scorer', () => {
  assert.deepEqual(declared('fit.d.ts'), ['CrmScoreError', 'compareModels', 'default', 'derl', 'fit', 'fitRetention', 'fitSummaries', 'readTransactionsCsv', 'retention', 'scoreColumns', 'survival', 'validate']);
});

test('the Deno entries carry their types (deno check reads @ts-self-types)', () => {
  for (const js of ['deno.js', 'fit-deno.js']) assert.match(readFileSync(join(dir, js), 'utf8'), /^\/\* @ts-self-types="\.\/[\w.-]+\.d\.ts" \*\//);
});
