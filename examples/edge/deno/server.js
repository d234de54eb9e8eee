// Deno: deno run --unstable-kv --allow-net=127.0.0.1 --allow-env=PORT,AS_OF,CUSTOMERS_KV --allow-read --allow-write \
//   deno/server.js
// The customers are read from Deno KV (a local file here; on Deno Deploy, Deno.openKv() without a path),
// loaded by deno/seed.js.
import { Scorer } from 'crmscore';
import { createApp } from '../shared/app.js';
import { model, page } from '../shared/data.js';

const kv = await Deno.openKv(Deno.env.get('CUSTOMERS_KV') ?? 'customers.kv');
const store = { get: async (id) => (await kv.get(['customers', id])).value };
const app = createApp({ scorer: new Scorer({ model }), store, page, asOf: Deno.env.get('AS_OF') });

Deno.serve({ hostname: '127.0.0.1', port: Number(Deno.env.get('PORT') ?? 8787) }, app);
