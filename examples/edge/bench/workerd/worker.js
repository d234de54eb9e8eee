// The Cloudflare example with the bench-only routes: cloudflare/worker.js as it is, behind the bench routes.
import worker from '../../cloudflare/worker.js';
import { isBench, benchRoute } from '../route.js';

export default { fetch: (request, env, ctx) => (isBench(request) ? benchRoute(request) : worker.fetch(request, env, ctx)) };
