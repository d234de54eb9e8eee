// WCAG AA by axe-core (injected into the page) on both pages, in the states a person meets, at a
// phone's, a tablet's and a desktop's width: no violation at all (AA asks for no serious or critical one).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { start, WIDTHS, axeViolations } from './browser.mjs';
import { DECIMAL_COMMAS } from './fixtures.mjs';

let b;
before(async () => (b = await start()));
after(() => b?.close());

for (const width of WIDTHS) {
  test(`axe-core at ${width} px: the storefront, first visit, after a purchase, lapsed, and without its wasm`, async () => {
    let s = await b.session({ width });
    try {
      const { page } = s;
      await page.goto(b.url);
      await page.waitForSelector('body[data-ready="true"]');
      assert.deepEqual(await axeViolations(page), [], 'first visit');
      await page.click('#catalog li[data-product="v-rivers"] button');
      await page.evaluate(() => document.querySelectorAll('details').forEach((d) => (d.open = true)));
      assert.deepEqual(await axeViolations(page), [], 'after buying a video (the up-sell banner)');
      await page.click('button[data-days="91"]');
      assert.deepEqual(await axeViolations(page), [], 'lapsed (the win-back banner)');
      assert.deepEqual(s.errors, []);
    } finally {
      await s.close();
    }
    s = await b.session({ width });
    try {
      await s.context.route('**/*.wasm', (route) => route.abort());
      await s.page.goto(b.url);
      await s.page.waitForSelector('body[data-ready="true"]');
      assert.deepEqual(await axeViolations(s.page), [], 'personalisation unavailable');
    } finally {
      await s.close();
    }
  });

  test(`axe-core at ${width} px: the analyst view, before and after a fit, with skipped rows and with an error`, async () => {
    const s = await b.session({ width });
    try {
      const { page } = s;
      await page.goto(`${b.url}analyst.html`);
      await page.waitForSelector('body[data-ready="true"]');
      assert.deepEqual(await axeViolations(page), [], 'before a fit');
      await page.click('#load-sample');
      await page.waitForSelector('#status[data-state="done"]', { timeout: 60_000 });
      await page.evaluate(() => document.querySelectorAll('details').forEach((d) => (d.open = true)));
      assert.deepEqual(await axeViolations(page), [], 'the CDNOW sample fitted, chart data tables open');
      const choose = async (name, text, state) => {
        const [chooser] = await Promise.all([page.waitForEvent('filechooser'), page.click('#choose-file')]);
        await page.evaluate(() => delete document.getElementById('status').dataset.state);
        await chooser.setFiles({ name, mimeType: 'text/csv', buffer: Buffer.from(text) });
        await page.waitForSelector(`#status[data-state="${state}"]`, { timeout: 60_000 });
      };
      await choose('semicolons.csv', DECIMAL_COMMAS, 'done');
      assert.deepEqual(await axeViolations(page), [], 'a file with skipped rows');
      await choose('names.csv', 'id,name\nx,y\n', 'error');
      assert.deepEqual(await axeViolations(page), [], 'a file that cannot be fitted');
      assert.deepEqual(s.errors, []);
    } finally {
      await s.close();
    }
  });
}
