// Cloudflare Workers: wrangler dev (wrangler.toml beside this file).
import { Scorer } from 'crmscore';
import { createApp } from '../shared/app.js';
import { bundledStore, model, page } from '../shared/data.js';

const scorer = new Scorer({ model });

// workerd's streaming HTML rewriter replaces the banner while the page streams through.
const rewriteHero = (response, html) =>
  new HTMLRewriter().on('#hero', { element: (el) => el.setInnerContent(html, { html: true }) }).transform(response);

let app; // built on the first request, when `env` is known
export default {
  // With a KV namespace bound as CUSTOMERS: store: { get: (id) => env.CUSTOMERS.get(id, 'json') }
  fetch: (request, env) =>
    (app ??= createApp({ scorer, store: bundledStore, page, asOf: env.AS_OF, rewriteHero }))(request),
};
