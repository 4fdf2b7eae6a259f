import type { BrowserContext, Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect } from 'vitest';
import {
  artifactsFolder,
  HAS_CHROMIUM,
  launchChromium,
  saveScreenshot,
} from '../../../../test-support/browser.js';
import { startPair, type Pair } from './setup.js';

export { HAS_CHROMIUM };

/**
 * One end-to-end scene: a platform (frozen clock) and a merchant in-process, and Chromium with two contexts: the
 * customer's (or merchant's) desktop browser and the customer's phone, where the customer's app runs (/app on the
 * platform). `shot` saves a numbered full-page screenshot.
 */
export interface Scene {
  pair: Pair;
  browser: Browser;
  desktop: BrowserContext;
  phone: BrowserContext;
  /** The merchant's base URL and the platform's. */
  merchantUrl: string;
  platformUrl: string;
  shot(page: Page, name: string): Promise<void>;
  close(): Promise<void>;
}

/** Starts a scene whose screenshots go to test-artifacts/merchant/<flow>/. */
export async function startScene(flow: string): Promise<Scene> {
  const pair = await startPair();
  const browser = await launchChromium();
  const desktop = await browser.newContext({ viewport: { width: 1200, height: 860 } });
  const phone = await browser.newContext({ viewport: { width: 400, height: 820 }, deviceScaleFactor: 1 });
  for (const ctx of [desktop, phone]) ctx.setDefaultTimeout(15_000);
  const dir = artifactsFolder(`merchant/${flow}`);
  let n = 0;
  return {
    pair,
    browser,
    desktop,
    phone,
    merchantUrl: pair.merchant.url,
    platformUrl: pair.platform.url,
    async shot(page, name) {
      n += 1;
      await saveScreenshot(page, dir, `${String(n).padStart(2, '0')}-${name}`);
    },
    async close() {
      await browser.close().catch(() => undefined);
      await pair.close();
    },
  };
}

/**
 * Declares the browser test of one merchant flow: skipped without Chromium; a scene (screenshots to
 * test-artifacts/merchant/<flow>/) starts before the tests that `body` declares and closes after them. The scene
 * handed to `body` is filled in when it has started, so the tests use it directly.
 */
export function describeFlow(title: string, flow: string, body: (scene: Scene) => void): void {
  describe.skipIf(!HAS_CHROMIUM)(title, () => {
    const scene = {} as Scene;
    beforeAll(async () => {
      Object.assign(scene, await startScene(flow));
    });
    afterAll(async () => {
      await (scene as Partial<Scene>).close?.();
    });
    body(scene);
  });
}

/** The customer opens the app on the phone as `name` (a test user): /app, then the user's app. */
export async function openApp(scene: Scene, name: string): Promise<Page> {
  const app = await scene.phone.newPage();
  await app.goto(`${scene.platformUrl}/app`);
  await app
    .getByRole('link', { name: new RegExp(name) })
    .first()
    .click();
  await app.waitForURL(/\/app\/u\/\d+/);
  return app;
}

/** On the landing page: types the phone number and goes on; the page then waits for the app. */
export async function confirmPhone(landing: Page, phoneNumber: string): Promise<void> {
  await landing.waitForURL(/\/landing\?token=/);
  await landing.locator('#phone').fill(phoneNumber);
  await landing.getByRole('button', { name: 'Next' }).click();
  await expect.poll(() => landing.locator('.step.waiting').count(), { timeout: 15_000 }).toBe(1);
}

/** In the app: opens the request of `reference` from the list (it arrives live). */
export async function openRequest(app: Page, reference: string): Promise<void> {
  const card = app.locator(`a[data-reference="${reference}"]`);
  await card.waitFor({ state: 'visible' });
  await card.click();
}

/** Waits until the merchant's live badge of `reference` shows `status` on `page`. */
export async function badge(page: Page, reference: string, status: string): Promise<void> {
  await page
    .locator(`[data-ref="${reference}"][data-status="${status}"]`)
    .first()
    .waitFor({ state: 'attached' });
}
