// The Web Worker, esbuild: both modules given their .wasm's URL.
import init from 'crmscore';
import initFit from 'crmscore/fit';
import wasm from 'crmscore/crmscore_bg.wasm';
import fitWasm from 'crmscore/crmscore_fit_bg.wasm';
import { serve } from './fit.js';

serve(Promise.all([init({ module_or_path: new URL(wasm, import.meta.url) }), initFit({ module_or_path: new URL(fitWasm, import.meta.url) })]));
