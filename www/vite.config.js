import { defineConfig } from 'vite';
import { resolve } from 'node:path';

const here = import.meta.dirname;

export default defineConfig({
  base: './',
  build: {
    target: 'es2022',
    modulePreload: { polyfill: false },
    rollupOptions: { input: { storefront: resolve(here, 'index.html'), analyst: resolve(here, 'analyst.html') } },
  },
  worker: { format: 'es' },
  // crmscore is a local wasm-bindgen package: let it find its .wasm next to itself.
  optimizeDeps: { exclude: ['crmscore'] },
  server: { host: '127.0.0.1' },
  preview: { host: '127.0.0.1' },
});
