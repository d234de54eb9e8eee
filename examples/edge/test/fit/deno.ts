// Deno: `deno check` then `deno run --allow-read deno.ts <CDNOW_sample.txt>` prints the result of check.js as JSON.
import { fitAndScore } from './check.js';

console.log(JSON.stringify(await fitAndScore(await Deno.readTextFile(Deno.args[0]))));
