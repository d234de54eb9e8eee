// Builds the npm package into pkg/ (or the directory given as argument).
//
// Two wasm modules, so that storefront visitors download only what scores:
//   crmscore_bg.wasm      scoring: Scorer (score, scoreMany, explain), models, segments
//   crmscore_fit_bg.wasm  fitting: fit, fitSummaries, CSV reading, columnar scoring (Scorer.scoreMany on columns)
// The package's JavaScript is in js/ (JS_FILES below): one entry per runtime and
// subpath, each instantiating the wasm the way that runtime can (see the `exports`
// of the manifest at the end), and the Scorer they all export.
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync, readdirSync, existsSync, mkdirSync, copyFileSync, cpSync, rmSync } from 'node:fs';
import { join, relative, dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { tmpdir } from 'node:os';

/**
 * The files of js/ copied into the package, as they are, except that their imports
 * of './interop.js' are pointed at the copy wasm-bindgen puts under snippets/ (one
 * module, so that both wasm modules throw the same CrmScoreError class). Every
 * relative import of a copied file must be a file of the package: the build fails
 * otherwise. Renaming or adding a module of the Scorer means changing this list.
 */
const JS_FILES = [
  // `crmscore`: browsers and bundlers, Node, Deno, Cloudflare Workers; and their types
  'index.js', 'node.js', 'deno.js', 'workerd.js', 'index.d.ts', 'node.d.ts',
  // `crmscore/fit`, and its types
  'fit.js', 'fit-node.js', 'fit-deno.js', 'fit-workerd.js', 'fit.d.ts',
  // the Scorer every entry of `crmscore` exports, and what it uses
  'scorer.js', 'score.js', 'layout.js', 'columnar-route.js',
];

/**
 * Files of JS_FILES that name the functions only the fitting module has, in one
 * `export { … } from './crmscore_fit.js'` (node.js as wrapper functions): checked
 * against the wasm-bindgen output, so that a new fitting function cannot be missing
 * from an entry or its types.
 */
const FIT_FUNCTION_LISTS = ['fit.js', 'fit-node.js', 'fit-deno.js', 'fit-workerd.js', 'fit.d.ts', 'node.d.ts'];

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const pkg = resolve(root, process.argv[2] ?? 'pkg');
const bin = join(root, 'node_modules', '.bin');
if (!existsSync(join(bin, 'wasm-opt'))) {
  throw new Error("node_modules/.bin/wasm-opt is missing: run `npm install` first (Debian's wasm-opt breaks the module)");
}

// Each module: cargo builds the wasm, wasm-bindgen writes its glue, wasm-opt (from
// npm `binaryen`) shrinks it with the flags in Cargo.toml's [package.metadata.wasm-opt].
// (The three steps wasm-pack would run, without building wasm-pack itself, which took
// CI about two minutes on a fresh machine.)
// --weak-refs: the exported classes (Scorer, SegmentBatch) are registered with a
// FinalizationRegistry, so that an instance the program drops without free() gives
// its wasm memory back once the garbage collector has run. wasm-bindgen 0.2.130
// emits the registry whenever the runtime has one (the flag is then implied); the
// check after the builds makes sure the glue still does.
const WASM_OPT_FLAGS = JSON.parse(
  readFileSync(join(root, 'Cargo.toml'), 'utf8').match(/\[package\.metadata\.wasm-opt\]\s*flags\s*=\s*(\[[^\]]*\])/)[1],
);
/** Runs a command with inherited output; resolves when it exits 0. */
function run(command, args, options) {
  return new Promise((resolveRun, reject) => {
    const child = spawn(command, args, options);
    child.on('error', reject);
    child.on('exit', (code, signal) => (code === 0 ? resolveRun() : reject(new Error(`${command} ${args.join(' ')}: exit ${code ?? signal}`))));
  });
}

async function buildModule(outDir, outName, cargoArgs, env, targetDir) {
  const options = { cwd: root, stdio: 'inherit', env: { ...process.env, PATH: `${bin}:${process.env.PATH}`, ...env, CARGO_TARGET_DIR: targetDir } };
  await run('cargo', ['build', '--lib', '--release', '--target', 'wasm32-unknown-unknown', ...cargoArgs], options);
  const built = join(targetDir, 'wasm32-unknown-unknown', 'release', 'crmscore.wasm');
  await run('wasm-bindgen', ['--target', 'web', '--weak-refs', '--out-dir', outDir, '--out-name', outName, built], options);
  const wasm = join(outDir, `${outName}_bg.wasm`);
  await run(join(bin, 'wasm-opt'), [...WASM_OPT_FLAGS, wasm, '-o', wasm], options);
}

// The two modules build at the same time, each in its own target directory: their
// release builds end in a link-time optimisation that runs on one core, and they
// share no compiled dependency anyway (the fitting module is built at another
// opt-level), so one cargo lock would only make them take turns.
const targetDir = process.env.CARGO_TARGET_DIR ? resolve(root, process.env.CARGO_TARGET_DIR) : join(root, 'target');
const fitDir = join(tmpdir(), `crmscore-fit-${process.pid}`);
await Promise.all([
  // The scoring module is built for size (opt-level "z", a 150,000-byte gzipped budget,
  // scripts/size.mjs); the hot paths that pay for inlining say so with #[inline].
  buildModule(pkg, 'crmscore', ['--no-default-features'], {}, targetDir),
  // The fitting module does bulk work (fits, columnar scoring of millions of customers)
  // and has no size budget: opt-level 3 makes it about twice as fast as "z".
  buildModule(fitDir, 'crmscore_fit', ['--features', 'fit'], { CARGO_PROFILE_RELEASE_OPT_LEVEL: '3' }, join(targetDir, 'fit-module')),
]);
for (const name of ['crmscore_fit.js', 'crmscore_fit.d.ts', 'crmscore_fit_bg.wasm', 'crmscore_fit_bg.wasm.d.ts']) {
  copyFileSync(join(fitDir, name), join(pkg, name));
}
cpSync(join(fitDir, 'snippets'), join(pkg, 'snippets'), { recursive: true });
rmSync(fitDir, { recursive: true, force: true });

for (const [glue, classes] of [['crmscore.js', ['Scorer', 'SegmentBatch']], ['crmscore_fit.js', ['Scorer', 'SegmentBatch']]]) {
  const text = readFileSync(join(pkg, glue), 'utf8');
  for (const name of classes) {
    if (!text.includes(`${name}Finalization = (typeof FinalizationRegistry === 'undefined')`)) {
      throw new Error(`${glue}: ${name} is not registered with a FinalizationRegistry: a dropped ${name} would never be freed`);
    }
  }
}

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

// The classes' `[Symbol.dispose]` (for `using`) needs the lib that declares Symbol.dispose:
// referenced, so that a TypeScript project on an older lib (es2022) compiles without skipLibCheck.
for (const file of ['crmscore.d.ts', 'crmscore_fit.d.ts']) {
  const path = join(pkg, file);
  writeFileSync(path, `/// <reference lib="esnext.disposable" />\n${readFileSync(path, 'utf8')}`);
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
// js/interop.js as wasm-bindgen copied it (the glue of both modules imports it from there).
const errorModule = './' + relative(pkg, find(join(pkg, 'snippets'), 'interop.js'));

// The functions and types only the fitting module has (not in the scoring module).
const exported = (file, kinds) =>
  new Set([...readFileSync(join(pkg, file), 'utf8').matchAll(new RegExp(`^export (?:${kinds}) (\\w+)`, 'gm'))].map((m) => m[1]));
const fitOnly = (kinds) => {
  const scoring = exported('crmscore.d.ts', kinds);
  return [...exported('crmscore_fit.d.ts', kinds)].filter((n) => !scoring.has(n)).sort();
};
const fitFunctions = fitOnly('function');
const fitTypes = fitOnly('interface|type');
const same = (a, b) => a.length === b.length && a.every((x, i) => x === b[i]);
const names = (list) => list.split(',').map((n) => n.trim()).filter(Boolean).sort();
function checkFitList(file, text) {
  const lists = [...text.matchAll(/^export \{([^}]*)\} from '\.\/crmscore_fit\.js';$/gm)].map((m) => names(m[1]));
  const functions = lists.filter((l) => l.some((n) => fitFunctions.includes(n)));
  if (functions.length !== 1 || !same(functions[0], fitFunctions)) {
    throw new Error(`js/${file}: expected one \`export { ${fitFunctions.join(', ')} } from './crmscore_fit.js'\` (the fitting module's own functions)`);
  }
}

mkdirSync(pkg, { recursive: true });
for (const file of JS_FILES) {
  const text = readFileSync(join(root, 'js', file), 'utf8');
  if (FIT_FUNCTION_LISTS.includes(file)) checkFitList(file, text);
  writeFileSync(join(pkg, file), text.replaceAll("from './interop.js'", `from '${errorModule}'`));
}
// node.js wraps each fitting function (so that the fitting module loads on first use).
const wrapped = [...readFileSync(join(root, 'js', 'node.js'), 'utf8').matchAll(/^export function (\w+)\(/gm)].map((m) => m[1]).sort();
if (!same(wrapped, fitFunctions)) throw new Error(`js/node.js: expected a wrapper for each of ${fitFunctions.join(', ')}, found ${wrapped.join(', ')}`);
// node.d.ts names the fitting module's own types; fit.d.ts names them too (with the
// types of their arguments and results), since browsers import them from there.
const typeList = (file) => /export type \{([^}]*)\} from '\.\/crmscore_fit\.js'/.exec(readFileSync(join(root, 'js', file), 'utf8'));
const nodeTypes = typeList('node.d.ts');
if (!nodeTypes || !same(names(nodeTypes[1]), fitTypes)) throw new Error(`js/node.d.ts: expected \`export type { ${fitTypes.join(', ')} } from './crmscore_fit.js'\``);
const fitTypeList = typeList('fit.d.ts');
const missing = fitTypes.filter((t) => !fitTypeList || !names(fitTypeList[1]).includes(t));
if (missing.length) throw new Error(`js/fit.d.ts: expected its \`export type { … } from './crmscore_fit.js'\` to name ${missing.join(', ')}`);
// Every relative import of the package's JavaScript is a file of the package.
for (const file of JS_FILES) {
  for (const [, spec] of readFileSync(join(pkg, file), 'utf8').matchAll(/(?:from|import)\s*'(\.{1,2}\/[^']+)'/g)) {
    const target = join(pkg, dirname(file), spec);
    const types = file.endsWith('.d.ts') ? target.replace(/\.js$/, '.d.ts') : target;
    if (!existsSync(target) && !existsSync(types)) throw new Error(`${file} imports ${spec}, which is not in the package: add it to JS_FILES`);
  }
}

// The entries of runtimes that load the package's modules from disk one by one (Node,
// Deno) are bundled into one file each: every module costs a fresh process a read, a
// parse and a link (a fresh Node process's `import` went from 18 to 13 ms, median of 9).
// Left out, so that there is still one instance of each: interop.js (both wasm glues
// throw its CrmScoreError), columnar-route.js (fit.js registers the fitting module's
// columnar scoring there) and the fitting module's glue (loaded on first use). Browsers
// and workers get the modules as they are: their bundlers bundle them.
const { build: bundle } = await import('esbuild');
for (const [entry, platform, banner] of [
  ['node.js', 'node', ''],
  ['deno.js', 'neutral', '/* @ts-self-types="./index.d.ts" */'],
]) {
  const path = join(pkg, entry);
  await bundle({
    entryPoints: [path],
    outfile: path,
    allowOverwrite: true,
    bundle: true,
    format: 'esm',
    platform,
    target: 'es2022',
    external: [errorModule, './columnar-route.js', './crmscore_fit.js', 'node:*'],
    banner: banner ? { js: banner } : undefined,
    // The classes keep their names (`Scorer.name`, stack traces), which renaming would change.
    keepNames: true,
    logLevel: 'warning',
  });
}

// The command-line tool, `npx crmscore fit|score` (see bin/crmscore.mjs).
mkdirSync(join(pkg, 'bin'), { recursive: true });
copyFileSync(join(root, 'bin', 'crmscore.mjs'), join(pkg, 'bin', 'crmscore.mjs'));
// The built-in segment library, for users to copy and edit.
copyFileSync(join(root, 'data', 'segments.json'), join(pkg, 'segments.json'));
// What the npm page shows, and the licence.
copyFileSync(join(root, 'README.md'), join(pkg, 'README.md'));
copyFileSync(join(root, 'LICENSE'), join(pkg, 'LICENSE'));

const cargo = readFileSync(join(root, 'Cargo.toml'), 'utf8');
const version = cargo.match(/^version\s*=\s*"([^"]+)"/m)[1];
const description = cargo.match(/^description\s*=\s*"([^"]+)"/m)[1];
const repository = 'https://github.com/crmscore/crmscore';
const manifest = {
  name: 'crmscore',
  version,
  description,
  license: 'MIT',
  repository: { type: 'git', url: `git+${repository}.git` },
  homepage: `${repository}#readme`,
  bugs: { url: `${repository}/issues` },
  type: 'module',
  main: './node.js',
  module: './index.js',
  types: './index.d.ts',
  // The first matching condition wins: Deno also matches `node`, so `deno` comes
  // before it. `require` (CommonJS) reaches the `node` entry, an ES module without
  // top-level await, which Node's require() loads from 20.19 and 22.12 on (engines).
  exports: {
    '.': {
      workerd: { types: './index.d.ts', default: './workerd.js' },
      deno: { types: './index.d.ts', default: './deno.js' },
      node: { types: './node.d.ts', default: './node.js' },
      default: { types: './index.d.ts', default: './index.js' },
    },
    './fit': {
      workerd: { types: './fit.d.ts', default: './fit-workerd.js' },
      deno: { types: './fit.d.ts', default: './fit-deno.js' },
      node: { types: './fit.d.ts', default: './fit-node.js' },
      default: { types: './fit.d.ts', default: './fit.js' },
    },
    './crmscore_bg.wasm': './crmscore_bg.wasm',
    './crmscore_fit_bg.wasm': './crmscore_fit_bg.wasm',
    './package.json': './package.json',
    './segments.json': './segments.json',
  },
  bin: { crmscore: 'bin/crmscore.mjs' },
  files: ['*.js', '*.d.ts', 'crmscore_bg.wasm', 'crmscore_fit_bg.wasm', 'segments.json', 'bin/', 'snippets/', 'README.md', 'LICENSE'],
  // Only the entries that instantiate a module on import have side effects.
  sideEffects: ['./node.js', './deno.js', './workerd.js', './fit-node.js', './fit-deno.js', './fit-workerd.js'],
  keywords: ['crm', 'rfm', 'customer-lifetime-value', 'segmentation', 'webassembly', 'edge'],
  engines: { node: '^20.19.0 || >=22.12.0' },
};
writeFileSync(join(pkg, 'package.json'), JSON.stringify(manifest, null, 2) + '\n');
console.log(`${relative(root, pkg) || pkg}/: crmscore ${version} written (fit-only exports: ${fitFunctions.join(', ')})`);
