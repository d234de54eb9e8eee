// Node (plain http server), the baseline: node node/server.js (PORT, AS_OF from the environment).
import { createServer } from 'node:http';
import { Scorer } from 'crmscore';
import { createApp } from '../shared/app.js';
import { bundledStore, model, page } from '../shared/data.js';

const app = createApp({ scorer: new Scorer({ model }), store: bundledStore, page, asOf: process.env.AS_OF });

// Node's request as a web Request (its body streams in), the handler's Response back as Node's response.
async function handle(req, res) {
  const { method, headers, url } = req, body = method === 'GET' || method === 'HEAD' ? null : req;
  const response = await app(new Request(new URL(url, 'http://127.0.0.1'), { method, headers, body, duplex: 'half' }));
  const bytes = Buffer.from(await response.arrayBuffer());
  res.writeHead(response.status, Object.fromEntries(response.headers)).end(bytes);
}

// A bug, the store failing, or a method that Request refuses (TRACE): logged, and a 500.
const internalError = (res) => (e) => { console.error(e); res.writeHead(500).end(); };
const server = createServer((req, res) => handle(req, res).catch(internalError(res)));
server.listen(Number(process.env.PORT ?? 8787), '127.0.0.1', () => console.log('listening on', server.address()));
