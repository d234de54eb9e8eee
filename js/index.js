// `crmscore` in browsers and bundlers (Vite, webpack; esbuild: see docs/api.md):
// call the default export `init()` once, which fetches crmscore_bg.wasm next to
// this module, then use the exports.
export * from './crmscore.js';
export { default } from './crmscore.js';
export { CrmScoreError } from './interop.js';
export { Scorer } from './scorer.js';
