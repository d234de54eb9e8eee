// Runs every example in its real runtime on 127.0.0.1 and sends it real HTTP requests.
// Expected results come from the package itself in Node, with the same bundled model.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Scorer } from 'crmscore';
import { start, runtimes, root, AS_OF } from './runtimes.mjs';
import { scorerConfig } from '../shared/config.js';
import { MAX_BODY } from '../shared/app.js';

const customers = JSON.parse(readFileSync(new URL('../shared/customers.json', import.meta.url), 'utf8'));
const scorer = new Scorer(scorerConfig);
const expected = (customer) => scorer.score(customer, { asOf: AS_OF });
const only = process.env.EDGE_RUNTIMES ? process.env.EDGE_RUNTIMES.split(',') : runtimes;

for (const name of runtimes) {
  describe(name, { timeout: 180_000, skip: !only.includes(name) && `not in EDGE_RUNTIMES` }, () => {
    let rt;
    before(async () => { rt = await start(name); });
    after(async () => { await rt?.stop(); });

    const signal = () => AbortSignal.timeout(15_000);
    const get = (headers) => fetch(rt.url + '/', { headers, signal: signal() });
    const post = (body, headers) => fetch(rt.url + '/score', { method: 'POST', body, headers, duplex: 'half', signal: signal() });
    async function rejects(res, code, path) {
      const body = await res.json();
      assert.equal(res.status, 400, JSON.stringify(body));
      assert.equal(body.error.code, code);
      assert.equal(body.error.path, path);
      assert.equal(typeof body.error.message, 'string');
    }

    it('personalises the page for every stored customer (header or cookie)', async () => {
      const tops = new Set();
      for (const [i, [id, customer]] of Object.entries(customers).entries()) {
        const res = await get(i % 2 ? { 'x-customer-id': id } : { cookie: `theme=dark; crm_id=${encodeURIComponent(id)}` });
        const html = await res.text();
        const want = expected(customer), top = want.segments[0];
        assert.equal(res.status, 200, `${id}: ${html}`);
        assert.equal(res.headers.get('x-crm-segment'), top?.id ?? 'none', id);
        assert.equal(res.headers.get('x-crm-abc'), want.value.abc ?? 'none', id);
        assert.match(res.headers.get('server-timing'), /^score;dur=\d+\.\d{3}$/);
        const hero = /<section id="hero">(.*?)<\/section>/.exec(html)[1];
        if (top) assert.ok(hero.startsWith(`<h1>${top.name}</h1>`), `${id}: ${hero}`);
        else assert.equal(hero, '<h1>Welcome to the store</h1><p>Books, music, video and DVDs.</p>');
        tops.add(top?.id ?? 'none');
      }
      assert.ok(tops.size >= 5, [...tops].join());
    });

    it('gives each kind of customer its own segment and class', async () => {
      for (const [id, segment, abc, text] of [
        ['ana', 'first-time-buyers', 'C', 'Welcome package'],
        ['chen', 'video-buyers', 'C', 'DVD of the same star, film or genre'],
        ['dora', 'lapsed-high-value', 'A', 'A new campaign aimed at them'],
        ['eli', 'champions', 'A', 'Reward them: early access'],
      ]) {
        const res = await get({ 'x-customer-id': id });
        assert.deepEqual([res.headers.get('x-crm-segment'), res.headers.get('x-crm-abc')], [segment, abc]);
        assert.ok((await res.text()).includes(text), id);
      }
    });

    it('serves the plain page to an unknown, missing or oversized customer id', async () => {
      for (const headers of [{ 'x-customer-id': 'nobody' }, {}, { cookie: 'crm_id=%E0%A4%A' }, { 'x-customer-id': 'x'.repeat(200) }]) {
        const res = await get(headers);
        assert.equal(res.status, 200);
        assert.equal(res.headers.get('x-crm-segment'), null);
        assert.ok((await res.text()).includes('<h1>Welcome to the store</h1>'));
      }
    });

    it('POST /score returns what the package returns in Node', async () => {
      for (const id of ['ana', 'dora', 'eli', 'hana']) {
        const res = await post(JSON.stringify(customers[id]), { 'content-type': 'application/json' });
        assert.equal(res.status, 200);
        assert.match(res.headers.get('server-timing'), /^score;dur=/);
        const body = await res.json();
        assert.deepEqual(body, JSON.parse(JSON.stringify(expected(customers[id]))));
        assert.ok(body.value.predicted && body.value.rfm, 'the model fills predicted and rfm');
      }
    });

    it('answers bad input with a 400 naming the code and path', async () => {
      await rejects(await post('{"id": "x", "orders": ['), 'INVALID_JSON', '');
      await rejects(await post(''), 'INVALID_JSON', '');
      await rejects(await post('{"id":"x","orders":[{"at":"2026-01-01","amount":"12"}]}'), 'INVALID_TYPE', 'orders[0].amount');
      await rejects(await post('{"orders":[]}'), 'MISSING_FIELD', 'id');
      await rejects(await post('{"id":"x","orders":[{"at":"2027-01-01","amount":1}]}'), 'FUTURE_DATE', 'orders[0].at');
      await rejects(await post('{"id":"x","vip":true}'), 'UNKNOWN_FIELD', 'vip');
      await rejects(await post('null'), 'INVALID_TYPE', '');
      await rejects(await post('[1,2]'), 'INVALID_TYPE', '');
    });

    it(`refuses a body over ${MAX_BODY} bytes, with or without content-length`, async () => {
      const big = JSON.stringify({ id: 'x', orders: Array(4000).fill({ at: '2026-01-01', amount: 1 }) });
      assert.ok(big.length > MAX_BODY);
      await rejects(await post(big), 'TOO_LARGE', '');
      const chunk = new TextEncoder().encode(' '.repeat(16 * 1024));
      let sent = 0;
      const stream = new ReadableStream({ pull(c) { if (sent++ < 8) c.enqueue(chunk); else c.close(); } });
      await rejects(await post(stream), 'TOO_LARGE', '');
      const justUnder = JSON.stringify(customers.ana).padEnd(MAX_BODY, ' ');
      assert.equal((await post(justUnder)).status, 200);
    });

    it('refuses GET /score with a 405', async () => {
      const res = await fetch(rt.url + '/score');
      assert.equal(res.status, 405);
      assert.equal((await res.json()).error.code, 'METHOD_NOT_ALLOWED');
    });

    it('keeps serving after all that (the isolate did not crash)', async () => {
      const res = await get({ 'x-customer-id': 'eli' });
      assert.equal(res.status, 200);
      assert.equal(res.headers.get('x-crm-segment'), 'champions');
      assert.doesNotMatch(rt.log(), /Uncaught|unhandled|panicked|RuntimeError/i);
    });
  });
}

// Keeps the examples short enough to copy: code lines (not blank, not only a comment) per file,
// and (as a diagnostic) per example with the shared part it imports.
it('each example file is under 60 lines of code', (t) => {
  const lines = (f) => readFileSync(join(root, f), 'utf8').split('\n').filter((l) => !/^\s*(\/\/.*)?$/.test(l)).length;
  const shared = ['shared/app.js', 'shared/store.js', 'shared/config.js'];
  const files = ['cloudflare/worker.js', 'vercel/middleware.js', 'vercel/edge-runtime.js', 'deno/server.js', 'node/server.js', ...shared];
  for (const f of files) assert.ok(lines(f) < 60, `${f}: ${lines(f)} lines`);
  const sharedLines = shared.reduce((n, f) => n + lines(f), 0);
  for (const f of files.slice(0, 5)) t.diagnostic(`${f}: ${lines(f)} lines, ${lines(f) + sharedLines} with shared/`);
});
