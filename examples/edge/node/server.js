// Node (plain http server), the baseline: node node/server.js (PORT, AS_OF from the environment).
import { createServer } from 'node:http';
import { Readable } from 'node:stream';
import { Scorer } from 'crmscore';
import { createApp } from '../shared/app.js';
import { bundledStore } from '../shared/store.js';
import { scorerConfig } from '../shared/config.js';
import { page } from '../shared/page.js';

const app = createApp({ scorer: new Scorer(scorerConfig), store: bundledStore, page, asOf: process.env.AS_OF });

const drain = (req, limit = 1 << 20) => new Promise((resolve) => {
  let size = 0;
  req.removeAllListeners('data').on('data', (d) => (size += d.length) > limit && req.destroy()).once('close', resolve).resume();
});

const server = createServer(async (req, res) => {
  try {
    const hasBody = req.method !== 'GET' && req.method !== 'HEAD';
    const request = new Request(new URL(req.url, 'http://localhost'), {
      method: req.method, headers: req.headers, body: hasBody ? Readable.toWeb(req) : undefined, duplex: 'half',
    });
    const response = await app(request);
    if (!req.complete) await drain(req); // a refused body still arriving: drop it so the client reads the answer
    res.writeHead(response.status, Object.fromEntries(response.headers));
    res.end(Buffer.from(await response.arrayBuffer()));
  } catch (e) {
    console.error(e);
    if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
    res.end('{"error":{"code":"INTERNAL","path":"","message":"internal error"}}');
  }
});
server.listen(Number(process.env.PORT ?? 8787), '127.0.0.1', () => console.log(`listening on http://127.0.0.1:${server.address().port}`));
