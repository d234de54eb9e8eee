// The Web Worker, Vite and webpack: both modules loaded with `init()`.
import init from 'crmscore';
import initFit from 'crmscore/fit';
import { serve } from './fit.js';

serve(Promise.all([init(), initFit()]));
