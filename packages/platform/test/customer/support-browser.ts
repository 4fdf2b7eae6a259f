import { mkdirSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import {
  artifactsPath,
  HAS_CHROMIUM,
  launchChromium,
  saveScreenshot,
} from '../../../../test-support/browser.js';

export { HAS_CHROMIUM };

/** Where the screenshots of every screen go (ignored by git): test-artifacts/customer at the repository root. */
export const SHOTS = artifactsPath('customer');

/** Starts headless Chromium the way the project's browser tests do, with the screenshots' folder made. */
export function launch(): Promise<Browser> {
  mkdirSync(SHOTS, { recursive: true });
  return launchChromium();
}

/**
 * A stand-in for the merchant's own web server: every path answers a small "back at the shop" page that shows the
 * path and query it was reached with. returnUrl and orderDetailsUrl point here (http:// on 127.0.0.1 is accepted
 * in dev mode, with a lint notice).
 */
export async function startMerchant(): Promise<{ url: string; close(): Promise<void> }> {
  const server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://merchant');
    const where = escape(url.pathname + url.search);
    response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    response.end(`<!doctype html><html lang="en"><head><meta name="viewport" content="width=device-width">
      <title>The shop</title></head><body style="font-family: system-ui; padding: 2rem; background: #f6f7f2">
      <h1>Back at the shop</h1><p>The merchant's page <code id="url">${where}</code></p></body></html>`);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

function escape(text: string): string {
  return text.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** Waits for the page at most 10 s per step, so that a failing step names itself before the test's timeout. */
function limited(context: BrowserContext): BrowserContext {
  context.setDefaultTimeout(10_000);
  return context;
}

/** A desktop browser window (the landing page is for desktops). */
export async function desktop(browser: Browser, locale = 'en-GB'): Promise<BrowserContext> {
  return limited(await browser.newContext({ viewport: { width: 1200, height: 820 }, locale }));
}

/** A phone: mobile viewport, touch, and a mobile user agent (the landing URL then opens the app). */
export async function phone(browser: Browser, locale = 'en-GB'): Promise<BrowserContext> {
  return limited(
    await browser.newContext({
      viewport: { width: 390, height: 800 },
      isMobile: true,
      hasTouch: true,
      deviceScaleFactor: 2,
      locale,
      userAgent:
        'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Mobile Safari/537.36',
    }),
  );
}

/** Saves a screenshot of what the page shows now as `<name>.png`. */
export async function shot(page: Page, name: string): Promise<void> {
  await saveScreenshot(page, SHOTS, name, false);
}
