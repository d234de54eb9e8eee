// Runs every example in its real runtime on 127.0.0.1 and sends it real HTTP requests.
// Expected results come from the package itself in Node, with the same bundled model.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { Scorer } from 'crmscore';
import { start, runtimes, root, AS_OF, KV_ONLY } from './runtimes.mjs';
import { model } from '../shared/data.js';
import { MAX_BODY } from '../shared/app.js';

const stored = JSON.parse(readFileSync(new URL('../shared/customers.json', import.meta.url), 'utf8'));
const scorer = new Scorer({ model });
const expected = (customer) => scorer.score(customer, { asOf: AS_OF });
const invalid = (customer) => { try { expected(customer); return null; } catch (e) { return e; } };
// The store holds two summaries that fail validation (a bad import): the rest are the sample customers.
const customers = Object.fromEntries(Object.entries(stored).filter(([, c]) => !invalid(c)));
const broken = { 'bad-amount': 'INVALID_TYPE orders[1].amount', 'bad-field': 'UNKNOWN_FIELD Gr??e' };
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
        assert.equal(res.headers.get('x-crm-error'), null, id);
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

    const kv = { workerd: 'Workers KV', deno: 'Deno KV' }[name];
    it(`reads customers from its store${kv ? `, ${kv}` : ', the bundled JSON'}`, async () => {
      // KV_ONLY is written to the KV stores only (test/runtimes.mjs seeds them before the runtime starts).
      const res = await get({ 'x-customer-id': KV_ONLY });
      await res.text();
      assert.equal(res.status, 200);
      assert.equal(stored[KV_ONLY], undefined, 'not in the bundled JSON');
      if (kv) assert.deepEqual([res.headers.get('x-crm-segment'), res.headers.get('x-crm-abc')], ['lapsed-high-value', 'A']);
      else assert.equal(res.headers.get('x-crm-segment'), null);
    });

    it('serves the plain page to an unknown, missing or oversized customer id', async () => {
      for (const headers of [{ 'x-customer-id': 'nobody' }, {}, { cookie: 'crm_id=%E0%A4%A' }, { 'x-customer-id': 'x'.repeat(200) },
        { 'x-customer-id': 'constructor' }, { cookie: 'crm_id=__proto__' }, { 'x-customer-id': '.' }, { cookie: 'crm_id=..' }]) {
        const res = await get(headers);
        assert.equal(res.status, 200);
        assert.deepEqual([...res.headers.keys()].filter((k) => k.startsWith('x-crm-')), [], JSON.stringify(headers));
        assert.ok((await res.text()).includes('<h1>Welcome to the store</h1>'));
      }
    });

    it('serves a stored customer that fails validation the plain page, flagged and logged, never a 500', async () => {
      assert.deepEqual(Object.keys(broken).map((id) => `${invalid(stored[id]).code} ${invalid(stored[id]).path}`),
        ['INVALID_TYPE orders[1].amount', 'UNKNOWN_FIELD Größe'], 'the two broken summaries, as the library sees them');
      for (const [i, [id, header]] of Object.entries(broken).entries()) {
        const res = await get(i % 2 ? { 'x-customer-id': id } : { cookie: `crm_id=${id}` });
        const html = await res.text();
        assert.equal(res.status, 200, html);
        assert.match(res.headers.get('content-type'), /^text\/html/);
        assert.deepEqual([...res.headers].filter(([k]) => k.startsWith('x-crm-')), [['x-crm-error', header]], id);
        assert.ok(html.includes('<section id="hero"><h1>Welcome to the store</h1>'), html);
      }
      // The log line names the customer, the code and the path (wrangler prints the worker's console).
      for (const deadline = Date.now() + 5000; !rt.log().includes('"bad-field" not scored') && Date.now() < deadline;) {
        await new Promise((r) => setTimeout(r, 100));
      }
      assert.match(rt.log(), /crmscore: stored customer "bad-amount" not scored: INVALID_TYPE orders\[1\]\.amount: /);
      assert.match(rt.log(), /crmscore: stored customer "bad-field" not scored: UNKNOWN_FIELD Größe: /);
    });

    it('POST /score returns what the package returns in Node', async () => {
      for (const id of ['ana', 'dora', 'eli', 'hana']) {
        const res = await post(JSON.stringify(customers[id]), { 'content-type': 'application/json' });
        assert.equal(res.status, 200);
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

// Keeps the examples short enough to copy. An example is its entry file and every module it imports (relative
// imports, followed recursively; the data files customers.json and model.json excepted). Counted: every line
// that is not blank and not only a comment (comments are free); no line over 120 characters, so that the
// count cannot be met by cramming.
const entries = ['cloudflare/worker.js', 'vercel/edge-runtime.js', 'vercel/middleware.js', 'deno/server.js', 'node/server.js'];
function example(entry, files = new Set()) {
  files.add(entry);
  for (const [, spec] of readFileSync(join(root, entry), 'utf8').matchAll(/^(?:import|export)\b[^;]*?from\s+'(\.{1,2}\/[^']+)'/gm)) {
    const file = join(dirname(entry), spec);
    if (!file.endsWith('.json') && !files.has(file)) example(file, files);
  }
  return [...files];
}
it('each example, with the shared modules it imports, is under 60 lines of code, none over 120 characters', (t) => {
  const text = (f) => readFileSync(join(root, f), 'utf8').split('\n');
  const code = (f) => text(f).filter((l) => !/^\s*(\/\/.*)?$/.test(l)).length;
  for (const entry of entries) {
    const files = example(entry);
    const total = files.reduce((n, f) => n + code(f), 0);
    t.diagnostic(`${entry}: ${total} lines (${files.map((f) => `${f} ${code(f)}`).join(', ')})`);
    assert.ok(files.includes('shared/app.js'), `${entry} imports the shared handler`);
    assert.ok(total < 60, `${entry}: ${total} lines of code with ${files.join(', ')}`);
    for (const f of files) text(f).forEach((l, i) => assert.ok(l.length <= 120, `${f}:${i + 1} is ${l.length} characters`));
  }
});
