// workerd (wrangler dev, wrangler.toml beside this file): POST the CDNOW sample, get the result of check.js
// (GET answers 200, for the test's readiness probe).
import { fitAndScore } from './check.js';

export default {
  fetch: async (request) =>
    request.method === 'POST' ? Response.json(await fitAndScore(await request.text())) : new Response('ready'),
};
