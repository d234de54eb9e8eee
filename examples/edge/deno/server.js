// Deno: deno run --allow-net=127.0.0.1 --allow-env=PORT,AS_OF --allow-read deno/server.js
import { Scorer } from 'crmscore';
import { createApp } from '../shared/app.js';
import { bundledStore, model, page } from '../shared/data.js';

const app = createApp({ scorer: new Scorer({ model }), store: bundledStore, page, asOf: Deno.env.get('AS_OF') });

Deno.serve({ hostname: '127.0.0.1', port: Number(Deno.env.get('PORT') ?? 8787) }, app);
