// The whole comparison: Node, then headless Chromium, then sizes and instantiate
// times, then results/README.md and results/chart.svg.
//   npm --prefix benches/compare ci && npm --prefix benches/compare run bench [-- customers]
import { spawnSync } from 'node:child_process';
const here = new URL('.', import.meta.url).pathname;
const N = process.argv[2] ?? process.env.BENCH_N ?? '1000000';
let failed = false;
for (const [script, args] of [['node.mjs', [N]], ['browser.mjs', [N]], ['sizes.mjs', []], ['report.mjs', []]]) {
  console.log(`\n== ${script} ${args.join(' ')}`);
  const flags = script === 'node.mjs' ? ['--max-old-space-size=8192'] : [];
  const r = spawnSync(process.execPath, [...flags, script, ...args], { cwd: here, stdio: 'inherit' });
  if (r.status !== 0) { console.error(`${script} exited ${r.status}`); failed = true; }
}
process.exit(failed ? 1 : 0);
