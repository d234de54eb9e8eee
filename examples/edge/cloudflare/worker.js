// Cloudflare Workers: wrangler dev (wrangler.toml beside this file binds the KV namespace CUSTOMERS).
import { Scorer } from 'crmscore';
import { createApp } from '../shared/app.js';
import { model, page } from '../shared/data.js';

const scorer = new Scorer({ model });

// workerd's streaming HTML rewriter replaces the banner while the page streams through.
const rewriteHero = (response, html) =>
  new HTMLRewriter().on('#hero', { element: (el) => el.setInnerContent(html, { html: true }) }).transform(response);

// The customer store: Workers KV, one JSON value per customer id ('.' and '..' are not valid KV keys).
const kvStore = (kv) => ({ get: (id) => (id === '.' || id === '..' ? null : kv.get(id, 'json')) });

let app; // built on the first request, when `env` is known
export default {
  fetch: (request, env) =>
    (app ??= createApp({ scorer, store: kvStore(env.CUSTOMERS), page, asOf: env.AS_OF, rewriteHero }))(request),
};
