// Benchmarks every example in its real runtime on loopback:
//   node bench.mjs [runtime...]   (REQUESTS=10000 CONCURRENCY=4 by default)
// Per runtime: requests per second and client latency of GET / (personalised page, one of the
// 10 stored customers in turn), the scoring time each worker reports in `server-timing`
// (p50/p99), and the cold start. Bounded: REQUESTS requests, at most TIME_LIMIT_S per runtime.
import http from 'node:http';
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync, mkdirSync, realpathSync } from 'node:fs';
import { join } from 'node:path';
import { start, runtimes, root } from './test/runtimes.mjs';

const REQUESTS = Number(process.env.REQUESTS ?? 10_000);
const CONCURRENCY = Number(process.env.CONCURRENCY ?? 4);
const WARMUP = Math.min(1000, REQUESTS);
const TIME_LIMIT_S = Number(process.env.TIME_LIMIT_S ?? 120);
const ids = Object.keys(JSON.parse(readFileSync(join(root, 'shared', 'customers.json'), 'utf8')));
const chosen = process.argv.slice(2).length ? process.argv.slice(2) : runtimes;

const pct = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
const fmt = (ms) => (ms == null ? '-' : ms < 1 ? `${(ms * 1000).toFixed(0)} µs` : `${ms.toFixed(2)} ms`);

function request(agent, port, id) {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const req = http.get({ host: '127.0.0.1', port, path: '/', agent, headers: { 'x-customer-id': id } }, (res) => {
      res.resume();
      res.on('end', () => {
        const dur = /score;dur=([\d.]+)/.exec(res.headers['server-timing'] ?? '')?.[1];
        resolve({ status: res.statusCode, ms: performance.now() - t0, score: dur == null ? null : Number(dur) });
      });
    });
    req.setTimeout(10_000, () => req.destroy(new Error('request timed out')));
    req.on('error', reject);
  });
}

async function load(port, n, deadline, pick = (i) => ids[i % ids.length]) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  const results = [];
  let next = 0, resets = 0;
  const worker = async () => {
    while (next < n && performance.now() < deadline) {
      const id = pick(next++);
      // A keep-alive socket the server closed just as it was reused: retry a GET once, and count it.
      const r = await request(agent, port, id).catch((e) => (resets++, request(agent, port, id)));
      if (r.status !== 200) throw new Error(`status ${r.status}`);
      results.push(r);
    }
  };
  const t0 = performance.now();
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  const seconds = (performance.now() - t0) / 1000;
  agent.destroy();
  return { results, seconds, resets };
}

// Cold start: a fresh process imports the package and builds the scorer (median of 5).
mkdirSync(join(root, 'dist'), { recursive: true });
const probe = join(root, 'dist', 'coldstart.js');
writeFileSync(probe, `const t0 = performance.now();
const { Scorer } = await import('crmscore');
const t1 = performance.now();
const { scorerConfig } = await import('../shared/config.js');
const t2 = performance.now();
new Scorer(scorerConfig);
const t3 = performance.now();
console.log(JSON.stringify({ importMs: t1 - t0, scorerMs: t3 - t2 }));
`);
function coldStart(name) {
  const run = () => {
    const out = name === 'node'
      ? execFileSync(process.execPath, ['--disable-warning=ExperimentalWarning', probe], { cwd: root })
      : execFileSync(join(root, 'node_modules', '.bin', 'deno'),
        ['run', `--allow-read=.,${realpathSync(join(root, 'node_modules', 'crmscore'))}`, probe],
        { cwd: root, env: { ...process.env, DENO_NO_UPDATE_CHECK: '1' } });
    return JSON.parse(out.toString().trim().split('\n').pop());
  };
  const runs = Array.from({ length: 5 }, run);
  const median = (k) => runs.map((r) => r[k]).sort((a, b) => a - b)[2];
  return { importMs: median('importMs'), scorerMs: median('scorerMs') };
}
async function edgeRuntimeColdStart() {
  const { EdgeRuntime } = await import('edge-runtime');
  const code = readFileSync(join(root, 'dist', 'vercel.js'), 'utf8'); // built by start('edge-runtime')
  const times = [];
  for (let i = 0; i < 5; i++) {
    const t0 = performance.now();
    new EdgeRuntime({ initialCode: code });
    times.push(performance.now() - t0);
  }
  return { importMs: times.sort((a, b) => a - b)[2], scorerMs: null, note: 'whole bundle evaluated in a new edge VM' };
}

const rows = [];
for (const name of chosen) {
  const rt = await start(name);
  try {
    const deadline = performance.now() + TIME_LIMIT_S * 1000;
    await load(new URL(rt.url).port, WARMUP, deadline);
    const { results, seconds, resets } = await load(new URL(rt.url).port, REQUESTS, deadline);
    const latency = results.map((r) => r.ms).sort((a, b) => a - b);
    // The same page for an unknown customer (no scoring, no rewrite): the difference of the medians
    // bounds what scoring and rewriting add, where the worker cannot time itself (workerd).
    const plain = (await load(new URL(rt.url).port, REQUESTS, deadline, () => 'nobody')).results.map((r) => r.ms).sort((a, b) => a - b);
    const score = results.map((r) => r.score).filter((x) => x != null).sort((a, b) => a - b);
    const cold = name === 'workerd' ? null : name === 'edge-runtime' ? await edgeRuntimeColdStart() : coldStart(name);
    rows.push({
      runtime: name,
      requests: results.length,
      retried: resets,
      'req/s': Math.round(results.length / seconds),
      'latency p50': fmt(pct(latency, 50)),
      'latency p99': fmt(pct(latency, 99)),
      'unscored p50': fmt(pct(plain, 50)),
      'score p50': fmt(pct(score, 50)),
      'score p99': fmt(pct(score, 99)),
      'score mean': fmt(score.reduce((a, b) => a + b, 0) / score.length),
      'score = 0': `${score.filter((x) => x === 0).length}/${score.length}`,
      'cold: import crmscore': fmt(cold?.importMs),
      'cold: first new Scorer': fmt(cold?.scorerMs),
      'ready (spawn→200)': fmt(rt.readyMs),
    });
    console.error(`${name}: ${results.length} requests in ${seconds.toFixed(1)} s`);
  } finally {
    await rt.stop();
  }
}
console.log(`${REQUESTS} requests per runtime (after ${WARMUP} warm-up), ${CONCURRENCY} at a time, keep-alive, 127.0.0.1`);
console.table(rows);
console.log(`score: the worker's own performance.now() around scorer.score(), sent as server-timing.
In workerd the clock is coarse (whole milliseconds here; in production it advances only on I/O), so most
score times read 0 and the p50 says nothing; with readings of 0 or 1 ms the mean still estimates the mean time.
unscored p50: latency of the same page for an unknown customer (no scoring, no rewrite).
cold: import crmscore = a fresh process's import('crmscore') (read, compile and instantiate the wasm; Node also the fit module);
first new Scorer = the first call into the module (V8 compiles the wasm functions lazily) with the bundled model.`);
