// Vite and webpack: `init()` finds the .wasm (both bundle `new URL('….wasm', import.meta.url)` as an asset).
import init from 'crmscore';
import { main } from './page.js';

main(init(), new Worker(new URL('./worker.js', import.meta.url), { type: 'module' }));
