// Deno: deno run --allow-net=127.0.0.1 --allow-env=PORT,AS_OF --allow-read deno/server.js
import { Scorer } from 'crmscore';
import { createApp } from '../shared/app.js';
import { bundledStore } from '../shared/store.js';
import { scorerConfig } from '../shared/config.js';
import { page } from '../shared/page.js';

const app = createApp({ scorer: new Scorer(scorerConfig), store: bundledStore, page, asOf: Deno.env.get('AS_OF') });

Deno.serve({ hostname: '127.0.0.1', port: Number(Deno.env.get('PORT') ?? 8787) }, app);
