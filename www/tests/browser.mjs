// Test support: serves dist/ on 127.0.0.1 and drives Debian's Chromium with playwright-core.
// One browser per test file (`start`), a fresh context per check (`b.session`): its own storage,
// viewport and record of requests, so checks at several widths cost a page load, not a browser start.
import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { chromium } from 'playwright-core';
import { serve } from '../scripts/static-server.mjs';

export const OUTPUT = new URL('../test-output/', import.meta.url).pathname;
const DIST = new URL('../dist/', import.meta.url).pathname;
/** The widths every page is checked at: a phone, a tablet, a desktop. */
export const WIDTHS = [390, 768, 1400];
const AXE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

/** Starts the server and a browser; `session()` opens an isolated page on them. */
export async function start() {
  mkdirSync(OUTPUT, { recursive: true });
  const { server, url } = await serve(DIST);
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--headless', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
  });
  return {
    url, browser,
    /** A new context and page, `width` px wide; every request any page or worker makes is recorded. */
    async session({ width = 1400, height = 1000 } = {}) {
      const context = await browser.newContext({ acceptDownloads: true, viewport: { width, height } });
      const requests = [];
      const errors = [];
      context.on('request', (r) => requests.push(r.url()));
      const page = await context.newPage();
      // Intercept file choosers from the start: enabling it only when a test waits for one races a fast key press.
      page.on('filechooser', () => {});
      page.on('pageerror', (e) => errors.push(e.message));
      page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
      return {
        url, page, context, requests, errors, width,
        /** Requests that went anywhere but the local server (data: and blob: URLs never leave the page). */
        outside: () => requests.filter((u) => !u.startsWith(url) && !/^(data|blob):/.test(u)),
        close: () => context.close(),
      };
    },
    async close() {
      await browser.close();
      server.close();
    },
  };
}

/** One browser and one page, for a file with a single check. */
export async function open(options) {
  const b = await start();
  const s = await b.session(options);
  return { ...s, async close() { await s.close(); await b.close(); } };
}

/**
 * axe-core's violations on the page as it is, of every impact (the pages have none; WCAG AA asks for no
 * serious or critical one), as `rule (impact): nodes` for the message.
 */
export async function axeViolations(page) {
  if (!(await page.evaluate(() => 'axe' in window))) await page.addScriptTag({ path: AXE });
  const { violations } = await page.evaluate(() => window.axe.run(document, { resultTypes: ['violations'] }));
  return violations.map((v) => `${v.id} (${v.impact}): ${v.nodes.slice(0, 5).map((n) => n.target.join(' ')).join(', ')}`);
}

/** Presses Tab until the focused element matches `selector` (at most `max` presses); returns the presses. */
export async function tabTo(page, selector, { max = 80, back = false } = {}) {
  for (let i = 1; i <= max; i++) {
    await page.keyboard.press(back ? 'Shift+Tab' : 'Tab');
    if (await page.evaluate((s) => document.activeElement?.matches(s) ?? false, selector)) return i;
  }
  throw new Error(`Tab never reached ${selector} in ${max} presses`);
}

/** Whether the page scrolls sideways (its content is wider than the viewport). */
export const scrollsSideways = (page) => page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth);
