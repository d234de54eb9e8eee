// Vercel Edge Functions / Next.js middleware (`export default` the handler, `config.matcher`).
// The .wasm import: bytes with esbuild `--loader:.wasm=binary` (as the test bundles it);
// in Next.js write `import wasm from 'crmscore/crmscore_bg.wasm?module'` (a WebAssembly.Module).
import { initSync, Scorer } from 'crmscore';
import wasm from 'crmscore/crmscore_bg.wasm';
import { createApp } from '../shared/app.js';
import { bundledStore, model, page } from '../shared/data.js';

initSync({ module: wasm });
const app = createApp({ scorer: new Scorer({ model }), store: bundledStore, page, asOf: process.env.AS_OF });

export const config = { matcher: ['/', '/score'] };
export default function middleware(request) {
  return app(request);
}
