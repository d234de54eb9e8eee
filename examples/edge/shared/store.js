// Where the customer summaries come from: anything with `get(id)` → customer or null.
// Here a bundled JSON; in production the platform's KV store, e.g. on Cloudflare Workers
// `{ get: (id) => env.CUSTOMERS.get(id, 'json') }`, on Deno `(await kv.get(['customers', id])).value`.
import customers from './customers.json' with { type: 'json' };

export const bundledStore = { get: async (id) => (Object.hasOwn(customers, id) ? customers[id] : null) };
