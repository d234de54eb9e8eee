// The storefront journey in a real browser: first visit → first purchase → repeat purchases →
// loyal → lapse (by moving the page's asOf), checking the banner and segments at each step.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { open, OUTPUT } from './browser.mjs';

const banner = (page) => page.locator('#banner').getAttribute('data-kind');
const segments = (page) => page.locator('#segments li').evaluateAll((lis) => lis.map((li) => li.dataset.id));
const text = (page, sel) => page.locator(sel).innerText();
const recommended = (page) => page.locator('#recommended li').evaluateAll((lis) => lis.map((li) => li.dataset.product));

async function setAsOf(page, iso) {
  await page.fill('#asof', iso);
  await page.locator('#asof').dispatchEvent('change');
  assert.equal(await page.inputValue('#asof'), iso);
}
const buy = (page, id) => page.click(`#catalog li[data-product="${id}"] button`);
const forward = (page, days) => page.click(`button[data-days="${days}"]`);

test('storefront: a visitor moves from first-time buyer to loyal, then lapses', async () => {
  const b = await open();
  const { page } = b;
  try {
    await page.goto(b.url);
    await page.waitForSelector('body[data-ready="true"]');
    const loaded = b.requests.length;

    // First visit: nothing bought yet.
    await setAsOf(page, '2025-01-06');
    await page.fill('#name', 'Ana');
    assert.equal(await banner(page), 'welcome');
    assert.equal(await text(page, '#stage'), 'potential');
    assert.deepEqual(await segments(page), []);
    await page.screenshot({ path: `${OUTPUT}storefront-1-first-visit.png`, fullPage: true });

    // First purchase, a book: a welcome offer built on it.
    await buy(page, 'b-rivers');
    assert.equal(await banner(page), 'first-purchase');
    assert.match(await text(page, '#banner-title'), /The Hidden Life of Rivers/);
    assert.match(await text(page, '#offer'), /rivers and wildlife/);
    let segs = await segments(page);
    assert.ok(segs.includes('first-time-buyers'), `segments: ${segs}`);
    assert.ok(segs.includes('book-buyers'), `segments: ${segs}`);
    assert.equal(segs[0], 'first-time-buyers', 'first-time buyers come first by priority');
    assert.ok((await recommended(page)).every((id) => id.endsWith('-rivers') && id !== 'b-rivers'));
    assert.equal(await text(page, '#stage'), 'new');
    assert.match(await text(page, '#explain'), /first-time-buyers|First-time buyers/);
    await page.screenshot({ path: `${OUTPUT}storefront-2-first-purchase.png`, fullPage: true });

    // Repeat purchase a month later, another book: videos on the topics of the books.
    await forward(page, 30);
    await buy(page, 'b-space');
    assert.equal(await banner(page), 'cross-sell-video');
    segs = await segments(page);
    assert.ok(!segs.includes('first-time-buyers'), `segments: ${segs}`);
    assert.ok(segs.includes('book-buyers'), `segments: ${segs}`);
    assert.deepEqual((await recommended(page)).sort(), ['v-rivers', 'v-space']);
    await page.screenshot({ path: `${OUTPUT}storefront-3-book-buyer.png`, fullPage: true });

    // A video: the DVD edition, at a lower first price.
    await forward(page, 30);
    await buy(page, 'v-space');
    assert.equal(await banner(page), 'up-sell-dvd');
    assert.ok((await segments(page)).includes('video-buyers'));
    assert.deepEqual(await recommended(page), ['d-space']);

    // Keep buying every quarter: new → regular → long-standing → loyal, greeted by name with the tier.
    const stages = new Set([await text(page, '#stage')]);
    const basket = ['d-space', 'm-space', 'b-jazz', 'v-jazz', 'd-jazz', 'm-rivers', 'v-rivers', 'b-baking'];
    for (const id of basket) {
      await forward(page, 90);
      await buy(page, id);
      stages.add(await text(page, '#stage'));
    }
    assert.deepEqual([...stages], ['new', 'regular', 'longstanding', 'loyal']);
    assert.equal(await text(page, '#greeting'), 'Welcome back, Ana — Member');
    assert.match(await text(page, '#tier'), /Member \(B\)/);
    await page.screenshot({ path: `${OUTPUT}storefront-4-loyal.png`, fullPage: true });

    // Lapse: four months without a purchase. A win-back message, no material bribe, the door open.
    await forward(page, 90);
    await forward(page, 30);
    assert.equal(await banner(page), 'win-back');
    segs = await segments(page);
    assert.equal(segs[0], 'lapsed-high-value', `segments: ${segs}`);
    const winBack = await text(page, '#banner');
    assert.match(winBack, /We have missed you, Ana/);
    assert.match(winBack, /door stays open/);
    assert.match(winBack, /11 orders/);
    assert.equal(await page.locator('#offer').isHidden(), true, 'no discount to buy a leaving customer back');
    assert.match(await text(page, '#nba'), /lapsed-high-value: win-back/);
    await page.screenshot({ path: `${OUTPUT}storefront-5-lapsed.png`, fullPage: true });
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.screenshot({ path: `${OUTPUT}storefront.png` });

    // Nothing about the visitor left the browser: no request at all after the assets loaded.
    assert.deepEqual(b.requests.slice(loaded), []);

    // Speed: load to first personalised render, measured on a second load (wasm and assets cached).
    const marks = [];
    for (let i = 0; i < 2; i++) {
      await page.goto(b.url);
      await page.waitForSelector('body[data-ready="true"]');
      marks.push(await page.evaluate(() => performance.getEntriesByName('personalised')[0].startTime));
    }
    assert.equal(await banner(page), 'win-back', 'the history survived the reload (localStorage)');
    console.log(`storefront: load to first personalised render ${marks[1].toFixed(0)} ms (cached; first load ${marks[0].toFixed(0)} ms; target < 300 ms)`);

    assert.deepEqual(b.outside(), [], 'every request stayed on 127.0.0.1');
    assert.deepEqual(b.errors, []);
  } finally {
    await b.close();
  }
});
