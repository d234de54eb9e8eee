// Writes the tape `score`/`scoreMany` would send for 1,000 ten-order customers of the comparison
// benchmark's population (options, then the array) to /tmp/tape.{f64,u8,json}, for the native
// profile of examples/profile_score.rs:
//   npm run build && node benches/profile-tape.mjs
//   cargo build --release --example profile_score
//   valgrind --tool=callgrind target/release/examples/profile_score /tmp/tape 2
// (instructions per customer: the difference between 2 rounds and 1, divided by 1,000).
import { readdirSync, writeFileSync } from 'node:fs';

const pkg = new URL('../pkg/', import.meta.url);
const snippets = new URL('snippets/', pkg);
const interop = await import(new URL(`${readdirSync(snippets)[0]}/js/interop.js`, snippets));
const { generate, asOfMs, config } = await import('./compare/lib/population.mjs');
const customers = generate(1000, { seed: 10, extrasSeed: 11, orders: 10 });
const w = interop.take();
w.top({ asOf: asOfMs }, 'options');
// The array as scoreMany writes a chunk (js/score.js): its header, then each customer by the
// customer path (orders as records, repeated strings shared).
if (w.p + 3 > w.f.length) w.grow(3);
const head = w.p;
w.f[head] = 5;
w.p += 3;
customers.forEach((c, i) => w.top(c, i, true));
w.f[head + 1] = customers.length;
w.f[head + 2] = w.p - head - 3;
writeFileSync('/tmp/tape.f64', Buffer.from(w.f.buffer, 0, w.p * 8));
writeFileSync('/tmp/tape.u8', Buffer.from(w.u.buffer, w.u.byteOffset, w.q));
writeFileSync('/tmp/tape.json', JSON.stringify({ strings: w.strs.length, config }));
console.log(`/tmp/tape: ${w.p} numbers, ${w.q} bytes, ${w.strs.length} strings`);
