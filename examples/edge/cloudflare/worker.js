// Cloudflare Workers: wrangler dev (wrangler.toml beside this file).
import { Scorer } from 'crmscore';
import { createApp } from '../shared/app.js';
import { bundledStore } from '../shared/store.js';
import { scorerConfig } from '../shared/config.js';
import { page } from '../shared/page.js';

const scorer = new Scorer(scorerConfig);

// workerd's streaming HTML rewriter replaces the banner while the page streams through.
const rewriteHero = (response, html) =>
  html ? new HTMLRewriter().on('#hero', { element: (el) => el.setInnerContent(html, { html: true }) }).transform(response) : response;

let app; // built on the first request, when `env` is known
export default {
  // With a KV namespace bound as CUSTOMERS: store: { get: (id) => env.CUSTOMERS.get(id, 'json') }
  fetch: (request, env) => (app ??= createApp({ scorer, store: bundledStore, page, asOf: env.AS_OF, rewriteHero }))(request),
};
