// The Node example with the bench-only routes: node/server.js as it is, its request listener wrapped.
import http from 'node:http';
import { syncBuiltinESMExports } from 'node:module';
import { benchRoute } from './route.js';

const { createServer } = http;
http.createServer = (listener) => createServer(async (req, res) => {
  if (!req.url.startsWith('/__bench/')) return listener(req, res);
  const response = await benchRoute(new Request(new URL(req.url, 'http://127.0.0.1'), { headers: req.headers }));
  res.writeHead(response.status, Object.fromEntries(response.headers)).end(Buffer.from(await response.arrayBuffer()));
});
syncBuiltinESMExports();
await import('../node/server.js');
