// The types of `crmscore` in browsers, bundlers, Deno and Cloudflare Workers
// (index.js, deno.js, workerd.js export the same names).
export * from './crmscore.js';
export { default } from './crmscore.js';
