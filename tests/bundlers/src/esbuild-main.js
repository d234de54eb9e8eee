// esbuild, with the recipe of the README: `--loader:.wasm=file` copies the .wasm next to the bundle and
// makes its import the file's path, which init() is given (esbuild leaves the package's own
// `new URL('….wasm', import.meta.url)` alone, so without it init() fetches a file that is not there).
import init from 'crmscore';
import wasm from 'crmscore/crmscore_bg.wasm';
import { main } from './page.js';

main(init({ module_or_path: new URL(wasm, import.meta.url) }), new Worker(new URL('./esbuild-worker.js', import.meta.url), { type: 'module' }));
