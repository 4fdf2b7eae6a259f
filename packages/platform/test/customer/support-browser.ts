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
import { startPlatform } from '../../src/internal-entry.js';
import { openForFile } from '../support/fixture.js';
import { Api, T0, webRedirect } from '../support/harness.js';

export { HAS_CHROMIUM };

/** Where the screenshots of every screen go (ignored by git): test-artifacts/customer at the repository root. */
export const SHOTS = artifactsPath('customer');

/** Starts headless Chromium the way the project's browser tests do, with the screenshots' folder made. */
export function launch(): Promise<Browser> {
  mkdirSync(SHOTS, { recursive: true });
  return launchChromium();
}

/** The stand-in merchant of {@link startMerchant}: its base URL (`http://127.0.0.1:<port>`) and how to stop it. */
export interface StandInMerchant {
  url: string;
  close(): Promise<void>;
}

/**
 * A stand-in for the merchant's own web server: every path answers a small "back at the shop" page that shows the
 * path and query it was reached with. returnUrl and orderDetailsUrl point here (http:// on 127.0.0.1 is accepted
 * in dev mode, with a lint notice).
 */
export async function startMerchant(): Promise<StandInMerchant> {
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

/**
 * A WEB_REDIRECT create body of NOK 499.00 for wool socks whose returnUrl leads to the stand-in merchant
 * (`/return?order=<reference>`); `extra` adds or replaces fields.
 */
export function shopPayment(
  merchant: StandInMerchant,
  reference: string,
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  return webRedirect(reference, 49_900, {
    returnUrl: `${merchant.url}/return?order=${reference}`,
    paymentDescription: 'Wool socks',
    ...extra,
  });
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

/**
 * What a browser test file runs against: headless Chromium, a platform frozen at `T0`, the stand-in merchant when
 * asked for, and the browser contexts opened through it. {@link BrowserWorld.close} closes them all (the contexts,
 * the browser, the platform, then the merchant), also when opening stopped half-way.
 */
export class BrowserWorld {
  private readonly contexts: BrowserContext[] = [];
  private merchantServer: StandInMerchant | undefined;
  private constructor(
    readonly browser: Browser,
    readonly api: Api,
  ) {}

  /** Launches Chromium and starts the platform (and with `merchant: true` the stand-in merchant). */
  static async open(options: { merchant?: boolean } = {}): Promise<BrowserWorld> {
    const browser = await launch();
    let api: Api | undefined;
    try {
      api = new Api(await startPlatform({ frozenAt: T0 }));
      const world = new BrowserWorld(browser, api);
      if (options.merchant) world.merchantServer = await startMerchant();
      return world;
    } catch (error) {
      await api?.close();
      await browser.close();
      throw error;
    }
  }

  /** The stand-in merchant; throws when the world was opened without one. */
  get merchant(): StandInMerchant {
    if (!this.merchantServer) throw new Error('this browser world has no stand-in merchant');
    return this.merchantServer;
  }

  /** A new {@link desktop} or {@link phone} context in `locale`, closed with the world. */
  async context(kind: 'desktop' | 'phone' = 'desktop', locale?: string): Promise<BrowserContext> {
    return this.keep(
      kind === 'desktop' ? await desktop(this.browser, locale) : await phone(this.browser, locale),
    );
  }

  /** Keeps a context made by hand, to close it with the world; answers it. */
  keep(context: BrowserContext): BrowserContext {
    this.contexts.push(context);
    return context;
  }

  /** Closes the contexts, the browser, the platform and the stand-in merchant. */
  async close(): Promise<void> {
    for (const context of this.contexts) await context.close();
    await this.browser.close();
    await this.api.close();
    await this.merchantServer?.close();
  }
}

/** The {@link BrowserWorld} of this test file: opened before its tests, closed after them ({@link openForFile}). */
export function useBrowserWorld(options: { merchant?: boolean } = {}): BrowserWorld {
  return openForFile(() => BrowserWorld.open(options));
}
