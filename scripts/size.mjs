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

// Wasm is compiled a function at a time, on its first call, so the code of the
// constructor is compiled by every fresh isolate's first `new Scorer()`. Reading a
// config is kept out of it (the `--no-inline` in Cargo.toml's wasm-opt flags); this
// fails if a rename makes that pattern stop matching and it is inlined again.
const CONSTRUCTOR_MAX = 16_000; // bytes of code; 37,525 with the config reader inlined
const body = functionBodySize(wasm, 'scorer_new');
console.log(`new Scorer(): ${body} bytes of code (at most ${CONSTRUCTOR_MAX})`);
if (body > CONSTRUCTOR_MAX) {
  console.error('the constructor inlines the config reader: check the --no-inline pattern in Cargo.toml');
  process.exit(1);
}

/** The size of the body of exported function `name` (the sections as the wasm binary format lays them out). */
function functionBodySize(bytes, name) {
  let p = 8;
  const leb = () => {
    let r = 0;
    for (let shift = 0; ; shift += 7) {
      const b = bytes[p++];
      r += (b & 127) * 2 ** shift;
      if (b < 128) return r;
    }
  };
  const skipLimits = () => (bytes[p++] & 1 ? (leb(), leb()) : leb());
  let imported = 0, index = -1;
  while (p < bytes.length) {
    const id = bytes[p++];
    const end = leb() + p;
    if (id === 2) {
      for (let n = leb(); n > 0; n--) {
        for (const _ of 'mf') p = leb() + p; // module and field names (leb() moves p first)
        const kind = bytes[p++];
        if (kind === 0) (leb(), imported++);
        else if (kind === 1) (p++, skipLimits());
        else if (kind === 2) skipLimits();
        else p += 2;
      }
    } else if (id === 7) {
      for (let n = leb(); n > 0; n--) {
        const len = leb();
        const field = new TextDecoder().decode(bytes.subarray(p, p + len));
        p += len;
        const kind = bytes[p++];
        const i = leb();
        if (kind === 0 && field === name) index = i - imported;
      }
    } else if (id === 10) {
      for (let n = 0, count = leb(); n < count; n++) {
        const size = leb();
        if (n === index) return size;
        p = size + p;
      }
    }
    p = end;
  }
  throw new Error(`no exported function ${name}`);
}
