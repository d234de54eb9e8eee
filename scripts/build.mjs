// Builds the npm package into pkg/: the wasm module (wasm-pack, --target web),
// then one entry per runtime so that each imports it the way it can:
//   node.js     Node: reads the .wasm from disk and instantiates it on import (no init call)
//   workerd.js  Cloudflare Workers: imports the .wasm as a compiled module (no init call)
//   deno.js     Deno: reads the .wasm from disk on import (no init call)
//   index.js    browsers and bundlers: call the default export `init()` once first
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync, readdirSync, existsSync } from 'node:fs';
import { join, relative, dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
// Output directory: pkg/ unless another is given (`node scripts/build.mjs /tmp/pkg`).
const pkg = resolve(root, process.argv[2] ?? 'pkg');
const bin = join(root, 'node_modules', '.bin');
if (!existsSync(join(bin, 'wasm-opt'))) {
  throw new Error('node_modules/.bin/wasm-opt is missing: run `npm install` first (Debian\'s wasm-opt breaks the module)');
}
execFileSync('wasm-pack', ['build', '--release', '--target', 'web', '--out-dir', pkg, '--out-name', 'crmscore', '--no-pack'], {
  cwd: root,
  stdio: 'inherit',
  env: { ...process.env, PATH: `${bin}:${process.env.PATH}` },
});

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
// wasm-bindgen types an `Option<JsValue>` argument given an explicit type as
// required; the config and options arguments are optional, so say so.
const dts = join(pkg, 'crmscore.d.ts');
let types = readFileSync(dts, 'utf8');
for (const [from, to] of [
  ['constructor(config: ScorerConfig)', 'constructor(config?: ScorerConfig)'],
  [/options: ScoreOptions\)/g, 'options?: ScoreOptions)'],
]) {
  const next = types.replace(from, to);
  if (next === types) throw new Error(`crmscore.d.ts: expected to find ${from}`);
  types = next;
}
writeFileSync(dts, types);

const errorModule = './' + relative(pkg, find(join(pkg, 'snippets'), 'error.js'));
const reexports = `export * from './crmscore.js';
export { default } from './crmscore.js';
export { CrmScoreError } from '${errorModule}';
`;
const entries = {
  'index.js': `// Browsers and bundlers: \`await init()\` once, then use the exports.\n${reexports}`,
  'node.js': `// Node: the module is instantiated on import.
import { readFileSync } from 'node:fs';
import { initSync } from './crmscore.js';
initSync({ module: readFileSync(new URL('./crmscore_bg.wasm', import.meta.url)) });
${reexports}`,
  'workerd.js': `// Cloudflare Workers: the .wasm import is a compiled WebAssembly.Module.
import wasmModule from './crmscore_bg.wasm';
import { initSync } from './crmscore.js';
initSync({ module: wasmModule });
${reexports}`,
  'deno.js': `// Deno: the module is instantiated on import.
import { initSync } from './crmscore.js';
initSync({ module: Deno.readFileSync(new URL('./crmscore_bg.wasm', import.meta.url)) });
${reexports}`,
  'index.d.ts': `export * from './crmscore.js';\nexport { default } from './crmscore.js';\n`,
};
for (const [name, text] of Object.entries(entries)) writeFileSync(join(pkg, name), text);

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
      types: './index.d.ts',
      workerd: './workerd.js',
      deno: './deno.js',
      node: './node.js',
      browser: './index.js',
      default: './index.js',
    },
    './crmscore_bg.wasm': './crmscore_bg.wasm',
    './package.json': './package.json',
  },
  files: ['*.js', '*.d.ts', 'crmscore_bg.wasm', 'snippets/', 'README.md'],
  keywords: ['crm', 'rfm', 'customer-lifetime-value', 'segmentation', 'webassembly', 'edge'],
  engines: { node: '>=20' },
};
writeFileSync(join(pkg, 'package.json'), JSON.stringify(manifest, null, 2) + '\n');
console.log(`pkg/: crmscore ${version} written`);
