import type { BrowserContext, Page, Response } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { ref } from '../support/harness.js';
import { HAS_CHROMIUM, shot, useBrowserWorld } from './support-browser.js';

describe.skipIf(!HAS_CHROMIUM)("the platform's favicon and the QR's accessible name", () => {
  const world = useBrowserWorld();
  let context: BrowserContext;
  beforeAll(async () => {
    context = await world.context();
  });

  /** Opens `url` and gives every answer of 400 or more that the page and the browser asked for. */
  async function failuresOf(url: string): Promise<{ page: Page; failed: string[] }> {
    const page = await context.newPage();
    const failed: string[] = [];
    page.on('response', (response: Response) => {
      if (response.status() >= 400) failed.push(`${response.status()} ${response.url()}`);
    });
    await page.goto(url);
    await page.waitForLoadState('networkidle');
    return { page, failed };
  }

  it('every page links an SVG icon that is there, and /favicon.ico leads to it', async () => {
    const created = await world.api.create({
      amount: { currency: 'NOK', value: 49_900 },
      paymentMethod: { type: 'WALLET' },
      reference: ref('favicon'),
      userFlow: 'WEB_REDIRECT',
      returnUrl: 'https://shop.example/return',
    });
    for (const url of [
      created.body.redirectUrl!,
      `${world.api.url}/app`,
      `${world.api.url}/app/u/4712345678`,
      `${world.api.url}/betal/dashboard`,
      `${world.api.url}/betal/dashboard/webhooks`,
    ]) {
      const { page, failed } = await failuresOf(url);
      const icon = await page.locator('link[rel="icon"]').getAttribute('href');
      expect(icon, url).toBe('/customer-assets/favicon.svg');
      const answer = await page.request.get(new URL(icon!, url).toString());
      expect(answer.status()).toBe(200);
      expect(answer.headers()['content-type']).toBe('image/svg+xml');
      expect(failed, url).toEqual([]);
      await page.close();
    }
    const ico = await fetch(`${world.api.url}/favicon.ico`, { redirect: 'manual' });
    expect(ico.status).toBe(301);
    expect(ico.headers.get('location')).toBe('/customer-assets/favicon.svg');
  });

  it('the QR image is named after the merchant and the amount', async () => {
    const created = await world.api.create({
      amount: { currency: 'NOK', value: 49_900 },
      paymentMethod: { type: 'WALLET' },
      reference: ref('qr-name'),
      userFlow: 'QR',
    });
    const page = await context.newPage();
    await page.goto(created.body.redirectUrl!);
    const image = page.getByRole('img', { name: 'Pay NOK 499.00 to Betal Dev Shop with Vipps' });
    expect(await image.count()).toBe(1);
    await shot(page, 'qr-named');
    await page.close();
  });
});
