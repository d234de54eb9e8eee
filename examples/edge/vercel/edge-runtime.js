// Runs the middleware in the `edge-runtime` npm package (Vercel's edge runtime, locally):
//   npx esbuild vercel/edge-runtime.js --bundle --format=iife --target=es2022 --loader:.wasm=binary \
//     --log-override:empty-import-meta=silent --define:process.env.AS_OF=undefined --outfile=dist/vercel.js
//   npx edge-runtime --listen dist/vercel.js --port 8787
import middleware from './middleware.js';

addEventListener('fetch', (event) => event.respondWith(middleware(event.request)));
