// Bench-only routes (never part of an example): the wrappers in this folder put them in front of each example.
//   GET /__bench/tick → { tickMs }: the smallest step of this runtime's performance.now() (1 ms in workerd).
//   GET /__bench/score?k=K&asOf=… with x-customer-id → { k, ms, perCallMs }: K score() calls of that customer timed
//     as one block, so that the figure holds under a coarse clock when the block spans many ticks.
//   GET /__bench/score?minMs=T… → the same, calling score() until T ms have passed (to choose K).
//   GET /__bench/page?asOf=…[&cached=1] with x-customer-id → the example's personalised page, from the example's
//     own createApp, scored for real, or with every score() answered from a cache (cached=1): the two differ only
//     by the score() call, so their client latencies show what scoring adds to a request.
// They score with their own Scorer, built from the same module instance and model as the example's.
import { Scorer } from 'crmscore';
import { createApp, replaceHero } from '../shared/app.js';
import { bundledStore, model, page } from '../shared/data.js';

let scorer;
const apps = new Map();
export const isBench = (request) => new URL(request.url).pathname.startsWith('/__bench/');

// The banner rewrite each example uses: workerd's HTMLRewriter where there is one, else the string replacement.
const rewriteHero = globalThis.HTMLRewriter
  ? (response, html) => new HTMLRewriter().on('#hero', { element: (el) => el.setInnerContent(html, { html: true }) }).transform(response)
  : replaceHero;

function pageApp(asOf, cached) {
  const key = `${asOf} ${cached}`;
  if (!apps.has(key)) {
    const results = new Map();
    const score = cached ? (c, o) => results.get(c) ?? results.set(c, scorer.score(c, o)).get(c) : (c, o) => scorer.score(c, o);
    apps.set(key, createApp({ scorer: { score }, store: bundledStore, page, asOf, rewriteHero }));
  }
  return apps.get(key);
}

export async function benchRoute(request) {
  const url = new URL(request.url);
  if (url.pathname === '/__bench/tick') return Response.json({ tickMs: tick() });
  if (url.pathname === '/__bench/page') {
    scorer ??= new Scorer({ model });
    return pageApp(url.searchParams.get('asOf') ?? undefined, url.searchParams.get('cached') === '1')(request);
  }
  if (url.pathname !== '/__bench/score') return new Response('not found', { status: 404 });
  scorer ??= new Scorer({ model });
  const customer = await bundledStore.get(request.headers.get('x-customer-id'));
  if (!customer) return new Response('no such customer', { status: 404 });
  const options = { asOf: url.searchParams.get('asOf') ?? undefined };
  const k = Number(url.searchParams.get('k') ?? 1), minMs = Number(url.searchParams.get('minMs') ?? 0);
  let n = 0;
  const start = performance.now();
  const more = minMs > 0 ? () => n < 1e6 && performance.now() - start < minMs : () => n < k;
  while (more()) { scorer.score(customer, options); n++; }
  const ms = performance.now() - start;
  return Response.json({ k: n, ms, perCallMs: ms / n });
}

// The smallest positive difference between successive readings, over a few steps (bounded: a clock that
// never moves during execution, as in production Workers, reports Infinity).
function tick() {
  let best = Infinity, steps = 0, last = performance.now();
  for (let i = 0; i < 5e7 && steps < 20; i++) {
    const now = performance.now();
    if (now !== last) { best = Math.min(best, now - last); last = now; steps++; }
  }
  return best;
}
