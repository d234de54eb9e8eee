// Prints the size of the built .wasm raw and gzipped; fails over the budget.
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';

const BUDGET = 150_000; // bytes of the gzipped (level 9) scoring module
const wasm = readFileSync(new URL('../pkg/crmscore_bg.wasm', import.meta.url));
const gz = gzipSync(wasm, { level: 9 }).length;
console.log(`crmscore_bg.wasm: ${wasm.length} bytes raw, ${gz} bytes gzipped (budget ${BUDGET})`);
if (gz > BUDGET) {
  console.error(`gzipped wasm is over the ${BUDGET}-byte budget`);
  process.exit(1);
}
