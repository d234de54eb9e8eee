// The Deno example with the bench-only routes: deno/server.js as it is, the handler it serves wrapped.
import { isBench, benchRoute } from './route.js';

const serve = Deno.serve.bind(Deno);
Deno.serve = (options, handler) => serve(options, (request, info) => (isBench(request) ? benchRoute(request) : handler(request, info)));
await import('../deno/server.js');
