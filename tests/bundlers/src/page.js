// The page every bundler builds: scores a customer on the main thread, then has a Web Worker fit the
// CDNOW sample with crmscore/fit; the results go into #score and #fit for the test to read.
import { Scorer } from 'crmscore';

export async function main(ready, worker) {
  try {
    await ready;
    const scorer = new Scorer({ abc: { a: 1000, b: 200 } });
    const r = scorer.score(
      { id: 'c1', orders: [{ at: '2026-10-01', amount: 120, category: 'books' }, { at: '2026-11-12', amount: 180 }] },
      { asOf: '2026-11-22' },
    );
    scorer.free();
    show('#score', { recencyDays: r.value.recencyDays, abc: r.value.abc, segments: r.segments.map((s) => s.id) });
    const csv = await (await fetch('./CDNOW_sample.txt')).text();
    show('#fit', await new Promise((resolve, reject) => {
      worker.onmessage = ({ data }) => (data.error ? reject(new Error(data.error)) : resolve(data));
      worker.onerror = (e) => reject(new Error(e.message));
      worker.postMessage(csv);
    }));
  } catch (e) {
    show('#error', e.message);
    throw e;
  }
}

function show(selector, value) {
  document.querySelector(selector).textContent = JSON.stringify(value);
}
