// What this example bundles and production fetches: the customer summaries (the Cloudflare and Deno examples
// read them from Workers KV and Deno KV; Node and the Vercel edge runtime from this bundled JSON, behind the same
// `get(id)` → customer or null), the page (your origin's response: `await fetch(request)`) and the fitted
// population model (see README.md).
import customers from './customers.json' with { type: 'json' };
export { default as model } from './model.json' with { type: 'json' };

export const bundledStore = { get: async (id) => (Object.hasOwn(customers, id) ? customers[id] : null) };
export const page = `<!doctype html><html lang="en"><meta charset="utf-8"><title>Store</title>
<section id="hero"><h1>Welcome to the store</h1><p>Books, music, video and DVDs.</p></section>
<main><p>Today's offers.</p></main>`;
