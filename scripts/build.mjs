// Builds the npm package into pkg/ (or the directory given as argument).
//
// Two wasm modules, so that storefront visitors download only what scores:
//   crmscore_bg.wasm      scoring: Scorer (score, scoreMany, explain), models, segments
//   crmscore_fit_bg.wasm  fitting: fit, fitSummaries, CSV reading, columnar scoring (Scorer.scoreMany on columns)
// and one entry per runtime, each importing the wasm the way it can:
//   node.js     Node: scoring instantiated on import, fitting on first use (no init call), exports everything
//   workerd.js  Cloudflare Workers: imports the .wasm as a compiled module (no init call)
//   deno.js     Deno: reads the .wasm from disk on import (no init call)
//   index.js    browsers and bundlers: call the default export `init()` once first
//   fit.js      `crmscore/fit` in browsers and bundlers (a Web Worker): `await init()` first
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync, readdirSync, existsSync, mkdirSync, copyFileSync, cpSync, rmSync } from 'node:fs';
import { join, relative, dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { tmpdir } from 'node:os';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const pkg = resolve(root, process.argv[2] ?? 'pkg');
const bin = join(root, 'node_modules', '.bin');
if (!existsSync(join(bin, 'wasm-opt'))) {
  throw new Error("node_modules/.bin/wasm-opt is missing: run `npm install` first (Debian's wasm-opt breaks the module)");
}

function wasmPack(outDir, outName, cargoArgs = [], env = {}) {
  const args = ['build', '--release', '--target', 'web', '--out-dir', outDir, '--out-name', outName, '--no-pack'];
  execFileSync('wasm-pack', [...args, ...(cargoArgs.length ? ['--', ...cargoArgs] : [])], {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, PATH: `${bin}:${process.env.PATH}`, ...env },
  });
}

// The scoring module is built for size (opt-level "z", a 150 KB gzipped budget), but with
// LLVM's inlining threshold raised from z's 25 to 50: its small serialisation, series and
// tape-reading helpers are then inlined. Measured 2026-12-01 in Node: 35 made a score() call
// 14% faster than 25 for 2.6 KB more gzipped; once the sorts that run when a scorer is built
// moved to a small heapsort (src/sort.rs, 4.4 KB less), 50 was 7% faster than 35 for 2.7 KB
// more; 60 was no faster.
const SCORING_RUSTFLAGS = [process.env.RUSTFLAGS, '-C llvm-args=-inline-threshold=50'].filter(Boolean).join(' ');
wasmPack(pkg, 'crmscore', ['--no-default-features'], { RUSTFLAGS: SCORING_RUSTFLAGS });
const fitDir = join(tmpdir(), `crmscore-fit-${process.pid}`);
// The fitting module does bulk work (fits, columnar scoring of millions of customers)
// and has no size budget: opt-level 3 makes it about twice as fast as "z".
wasmPack(fitDir, 'crmscore_fit', ['--features', 'fit'], { CARGO_PROFILE_RELEASE_OPT_LEVEL: '3' });
for (const name of ['crmscore_fit.js', 'crmscore_fit.d.ts', 'crmscore_fit_bg.wasm', 'crmscore_fit_bg.wasm.d.ts']) {
  copyFileSync(join(fitDir, name), join(pkg, name));
}
cpSync(join(fitDir, 'snippets'), join(pkg, 'snippets'), { recursive: true });
rmSync(fitDir, { recursive: true, force: true });

// wasm-bindgen types an `Option<JsValue>` argument given an explicit type as
// required; the config and options arguments are optional, so say so.
const optional = {
  'crmscore.d.ts': [
    ['constructor(config: ScorerConfig)', 'constructor(config?: ScorerConfig)'],
    [/options: ScoreOptions\)/g, 'options?: ScoreOptions)'],
  ],
  'crmscore_fit.d.ts': [[/options: (FitOptions|SummaryOptions|CsvOptions|ColumnScoreOptions)\)/g, 'options?: $1)']],
};
for (const [file, replacements] of Object.entries(optional)) {
  const path = join(pkg, file);
  let types = readFileSync(path, 'utf8');
  for (const [from, to] of replacements) {
    const next = types.replace(from, to);
    if (next === types) throw new Error(`${file}: expected to find ${from}`);
    types = next;
  }
  writeFileSync(path, types);
}

function find(dir, name) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    if (entry.isDirectory()) {
      const hit = find(p, name);
      if (hit) return hit;
    } else if (entry.name === name) {
      return p;
    }
  }
  return null;
}
const errorModule = './' + relative(pkg, find(join(pkg, 'snippets'), 'interop.js'));

// The functions and types only the fitting module has, re-exported next to the scoring ones.
const exported = (file, kinds) =>
  new Set([...readFileSync(join(pkg, file), 'utf8').matchAll(new RegExp(`^export (?:${kinds}) (\\w+)`, 'gm'))].map((m) => m[1]));
const fitOnly = (kinds) => {
  const scoring = exported('crmscore.d.ts', kinds);
  return [...exported('crmscore_fit.d.ts', kinds)].filter((n) => !scoring.has(n)).join(', ');
};
const fitList = fitOnly('function');
const fitTypes = fitOnly('interface|type');

// The Scorer of every entry (js/scorer.js) and what it runs on (score.js, layout.js,
// columnar-route.js); their imports of interop.js point at wasm-bindgen's copy in
// snippets/, so that the package has one CrmScoreError and one tape writer.
for (const name of ['scorer.js', 'score.js', 'layout.js', 'columnar-route.js']) {
  const text = readFileSync(join(root, 'js', name), 'utf8');
  writeFileSync(join(pkg, name), text.replace("from './interop.js'", `from '${errorModule}'`));
}
const reexports = `export * from './crmscore.js';
export { default } from './crmscore.js';
export { CrmScoreError } from '${errorModule}';
export { Scorer } from './scorer.js';
`;
const entries = {
  'index.js': `// Browsers and bundlers: \`await init()\` once, then use the exports.\n${reexports}`,
  'node.js': `// Node: the scoring module is instantiated on import, the fitting one on the first fit call.
import { readFileSync } from 'node:fs';
import { initSync } from './crmscore.js';
import * as fitting from './crmscore_fit.js';
import { provideColumnarScoring } from './columnar-route.js';
initSync({ module: readFileSync(new URL('./crmscore_bg.wasm', import.meta.url)) });
let fitReady = false;
function fitModule() {
  if (!fitReady) {
    fitting.initSync({ module: readFileSync(new URL('./crmscore_fit_bg.wasm', import.meta.url)) });
    fitReady = true;
  }
  return fitting;
}
provideColumnarScoring((...args) => fitModule().scoreColumns(...args));
${reexports}${fitOnly('function')
    .split(', ')
    .map((name) => `export function ${name}(...args) {\n  return fitModule().${name}(...args);\n}\n`)
    .join('')}`,
  'workerd.js': `// Cloudflare Workers: the .wasm import is a compiled WebAssembly.Module.
import wasmModule from './crmscore_bg.wasm';
import { initSync } from './crmscore.js';
initSync({ module: wasmModule });
${reexports}`,
  'deno.js': `// Deno: the module is instantiated on import.
import { initSync } from './crmscore.js';
initSync({ module: Deno.readFileSync(new URL('./crmscore_bg.wasm', import.meta.url)) });
${reexports}`,
  'fit.js': `// \`crmscore/fit\` in browsers, bundlers and workers: \`await init()\` once, then fit.
// Once initialised it also scores the columns given to Scorer.scoreMany (columnar-route.js).
import initFit, { scoreColumns } from './crmscore_fit.js';
import { provideColumnarScoring } from './columnar-route.js';
export default async function init(module) {
  const exports = await initFit(module);
  provideColumnarScoring(scoreColumns);
  return exports;
}
export { ${fitList} } from './crmscore_fit.js';
export { CrmScoreError } from '${errorModule}';
`,
  'fit-node.js': `// \`crmscore/fit\` in Node: instantiated on import.
import { readFileSync } from 'node:fs';
import { initSync } from './crmscore_fit.js';
initSync({ module: readFileSync(new URL('./crmscore_fit_bg.wasm', import.meta.url)) });
export { default, ${fitList} } from './crmscore_fit.js';
export { CrmScoreError } from '${errorModule}';
`,
  'index.d.ts': `export * from './crmscore.js';\nexport { default } from './crmscore.js';\n`,
  'node.d.ts': `export * from './crmscore.js';\nexport { default } from './crmscore.js';\nexport { ${fitList} } from './crmscore_fit.js';\nexport type { ${fitTypes} } from './crmscore_fit.js';\n`,
  'fit.d.ts': `export * from './crmscore_fit.js';\nexport { default } from './crmscore_fit.js';\n`,
};
for (const [name, text] of Object.entries(entries)) writeFileSync(join(pkg, name), text);
// The command-line tool, `npx crmscore fit|score` (see bin/crmscore.mjs).
mkdirSync(join(pkg, 'bin'), { recursive: true });
copyFileSync(join(root, 'bin', 'crmscore.mjs'), join(pkg, 'bin', 'crmscore.mjs'));
// The built-in segment library, for users to copy and edit.
writeFileSync(join(pkg, 'segments.json'), readFileSync(join(root, 'data', 'segments.json')));

const cargo = readFileSync(join(root, 'Cargo.toml'), 'utf8');
const version = cargo.match(/^version\s*=\s*"([^"]+)"/m)[1];
const description = cargo.match(/^description\s*=\s*"([^"]+)"/m)[1];
const manifest = {
  name: 'crmscore',
  version,
  description,
  license: 'MIT',
  type: 'module',
  main: './node.js',
  module: './index.js',
  types: './index.d.ts',
  exports: {
    '.': {
      workerd: { types: './index.d.ts', default: './workerd.js' },
      deno: { types: './index.d.ts', default: './deno.js' },
      node: { types: './node.d.ts', default: './node.js' },
      default: { types: './index.d.ts', default: './index.js' },
    },
    './fit': {
      node: { types: './fit.d.ts', default: './fit-node.js' },
      default: { types: './fit.d.ts', default: './fit.js' },
    },
    './crmscore_bg.wasm': './crmscore_bg.wasm',
    './crmscore_fit_bg.wasm': './crmscore_fit_bg.wasm',
    './package.json': './package.json',
    './segments.json': './segments.json',
  },
  bin: { crmscore: './bin/crmscore.mjs' },
  files: ['*.js', '*.d.ts', 'crmscore_bg.wasm', 'crmscore_fit_bg.wasm', 'segments.json', 'bin/', 'snippets/', 'README.md'],
  keywords: ['crm', 'rfm', 'customer-lifetime-value', 'segmentation', 'webassembly', 'edge'],
  engines: { node: '>=20' },
};
writeFileSync(join(pkg, 'package.json'), JSON.stringify(manifest, null, 2) + '\n');
console.log(`${relative(root, pkg) || pkg}/: crmscore ${version} written (fit-only exports: ${fitList})`);
