// Test support: serves dist/ on 127.0.0.1 and drives Debian's Chromium with playwright-core.
import { mkdtempSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { serve } from '../scripts/static-server.mjs';

export const OUTPUT = new URL('../test-output/', import.meta.url).pathname;
const DIST = new URL('../dist/', import.meta.url).pathname;

/** Starts the server and a browser; every request any page or worker makes is recorded. */
export async function open() {
  mkdirSync(OUTPUT, { recursive: true });
  const { server, url } = await serve(DIST);
  const profile = mkdtempSync(join(tmpdir(), 'crmscore-www-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    acceptDownloads: true,
    viewport: { width: 1400, height: 1000 },
    args: ['--no-sandbox', '--headless', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
  });
  const requests = [];
  const errors = [];
  context.on('request', (r) => requests.push(r.url()));
  const page = context.pages()[0] ?? (await context.newPage());
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  return {
    url, page, context, requests, errors,
    /** Requests that went anywhere but the local server (data: and blob: URLs never leave the page). */
    outside: () => requests.filter((u) => !u.startsWith(url) && !/^(data|blob):/.test(u)),
    async close() {
      await context.close();
      server.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
