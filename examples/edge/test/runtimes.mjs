// Starts each example in its real runtime on 127.0.0.1 and stops it again (tests and bench).
import { createServer } from 'node:net';
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { build } from 'esbuild';

export const root = fileURLToPath(new URL('..', import.meta.url));
export const AS_OF = '2026-11-22';
const bin = (name) => join(root, 'node_modules', '.bin', name);
const quiet = {
  WRANGLER_SEND_METRICS: 'false', WRANGLER_SEND_ERROR_REPORTS: 'false', CLOUDFLARE_CF_FETCH_ENABLED: 'false',
  WRANGLER_HIDE_BANNER: 'true', WRANGLER_LOG_PATH: join(root, '.wrangler', 'logs'),
  DENO_NO_UPDATE_CHECK: '1', DENO_NO_PROMPT: '1', NO_COLOR: '1',
};

export const freePort = () =>
  new Promise((resolve, reject) => {
    const server = createServer().once('error', reject);
    server.listen(0, '127.0.0.1', () => { const { port } = server.address(); server.close(() => resolve(port)); });
  });

/**
 * The customer summaries the examples serve (shared/customers.json), written into the store each runtime reads:
 * Workers KV in wrangler's local persistence (workerd), a Deno KV file (Deno); Node and edge-runtime read the
 * bundled JSON. Each start writes a fresh store, with one more customer than the JSON, KV_ONLY (dora's orders),
 * so that a test can tell the store from the bundled file. Returns the store's location.
 */
export const KV_ONLY = 'kv-only';
function seed(name, cwd) {
  const customers = JSON.parse(readFileSync(join(root, 'shared', 'customers.json'), 'utf8'));
  customers[KV_ONLY] = { ...customers.dora, id: KV_ONLY };
  const dir = join(root, 'dist', `store-${name}`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  if (name === 'workerd') {
    const file = join(dir, 'customers.json');
    writeFileSync(file, JSON.stringify(Object.entries(customers).map(([key, c]) => ({ key, value: JSON.stringify(c) }))));
    execFileSync(bin('wrangler'), ['kv', 'bulk', 'put', file, '--binding', 'CUSTOMERS', '--local', '--persist-to', dir],
      { cwd, env: { ...process.env, ...quiet }, stdio: 'pipe' });
    return dir;
  }
  const kv = join(dir, 'customers.kv');
  const file = join(dir, 'customers.json');
  writeFileSync(file, JSON.stringify(customers));
  execFileSync(bin('deno'), ['run', '--unstable-kv', `--allow-read=${dir}`, `--allow-write=${dir}`, join(root, 'deno', 'seed.js'), file, kv],
    { cwd: root, env: { ...process.env, ...quiet }, stdio: 'pipe' });
  return kv;
}

/** name → async (port, bench) => [command, args, options]; `bench`: the example behind bench/'s bench-only routes. */
const commands = {
  node: async (port, bench) => [process.execPath, [bench ? 'bench/node.js' : 'node/server.js'], { env: { PORT: String(port), AS_OF } }],
  deno: async (port, bench) => {
    const pkg = realpathSync(join(root, 'node_modules', 'crmscore')); // file:../../pkg is a symlink
    const kv = seed('deno');
    return [bin('deno'), ['run', '--unstable-kv', '--allow-net=127.0.0.1', '--allow-env=PORT,AS_OF,CUSTOMERS_KV',
      `--allow-read=.,${pkg}`, `--allow-write=${dirname(kv)}`, bench ? 'bench/deno.js' : 'deno/server.js'],
    { env: { PORT: String(port), AS_OF, CUSTOMERS_KV: kv } }];
  },
  'edge-runtime': async (port, bench) => {
    const outfile = join(root, 'dist', bench ? 'vercel-bench.js' : 'vercel.js');
    await bundleForEdgeRuntime(join(root, bench ? 'bench' : 'vercel', 'edge-runtime.js'), outfile);
    return [bin('edge-runtime'), ['--listen', outfile, '--port', String(port)], {}];
  },
  workerd: async (port, bench, worker) => {
    const cwd = join(root, worker ?? (bench === 'cold' ? 'bench/workerd-cold' : bench ? 'bench/workerd' : 'cloudflare'));
    const persist = bench === 'cold' || worker ? [] : ['--persist-to', seed('workerd', cwd)];
    return [bin('wrangler'), ['dev', '--ip', '127.0.0.1', '--port', String(port), '--inspector-port', String(await freePort()),
      '--var', `AS_OF:${AS_OF}`, '--show-interactive-dev-session=false', ...persist], { cwd }];
  },
};

/** Bundles an entry as the Vercel example is bundled for edge-runtime (a classic script, the .wasm as bytes). */
export async function bundleForEdgeRuntime(entry, outfile) {
  mkdirSync(join(root, 'dist'), { recursive: true });
  await build({
    entryPoints: [entry], outfile, bundle: true,
    format: 'iife', target: 'es2022', loader: { '.wasm': 'binary' }, define: { 'process.env.AS_OF': JSON.stringify(AS_OF) },
    logLevel: 'warning', logOverride: { 'empty-import-meta': 'silent' }, // the unused fetch path of init()
  });
}
export const runtimes = Object.keys(commands);

const running = new Set();
const killGroup = (child, signal) => { try { process.kill(-child.pid, signal); } catch {} };
process.on('exit', () => { for (const child of running) killGroup(child, 'SIGKILL'); });
for (const signal of ['SIGINT', 'SIGTERM']) process.once(signal, () => process.exit(130)); // runs the 'exit' handler

/** Starts a runtime; resolves to { url, log(), stop() } once it answers HTTP (or rejects with its log). */
/** `worker`: for workerd, another worker directory (with its wrangler.toml) than the example's, store not seeded. */
export async function start(name, options = {}) {
  // freePort's port can be taken by another process before the runtime binds it (the test
  // files run in parallel, and wrangler binds ports of its own): try again on new ports.
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnce(name, options);
    } catch (e) {
      if (attempt === 3 || !/Address already in use|EADDRINUSE/.test(e.message)) throw e;
    }
  }
}

async function startOnce(name, { timeoutMs = 60_000, bench = false, worker } = {}) {
  const port = await freePort();
  const [command, args, options] = await commands[name](port, bench, worker);
  const started = performance.now();
  const child = spawn(command, args, {
    cwd: options.cwd ?? root, detached: true, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...quiet, ...options.env },
  });
  running.add(child);
  let output = '';
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => { running.delete(child); resolve({ code, signal }); }));
  let exitedEarly = null;
  exited.then((e) => (exitedEarly = e));
  const stop = async () => {
    if (!running.has(child)) return;
    killGroup(child, 'SIGTERM');
    const timer = setTimeout(() => killGroup(child, 'SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
    killGroup(child, 'SIGKILL'); // children (workerd under wrangler) that outlived their parent
  };
  const url = `http://127.0.0.1:${port}`;
  for (const deadline = Date.now() + timeoutMs; ; ) {
    if (exitedEarly) throw new Error(`${name} exited (${JSON.stringify(exitedEarly)}) before listening:\n${output}`);
    if (Date.now() > deadline) { await stop(); throw new Error(`${name} did not answer within ${timeoutMs} ms:\n${output}`); }
    try {
      const res = await fetch(url + '/', { signal: AbortSignal.timeout(2000) });
      await res.arrayBuffer();
      if (res.ok) break;
    } catch {}
    await new Promise((r) => setTimeout(r, 100));
  }
  return { name, url, readyMs: performance.now() - started, log: () => output, stop };
}
