import type { Response } from 'playwright-core';
import { expect, it } from 'vitest';
import { describeFlow } from './support/browser.js';

/** The merchant's pages link their own icon (no page asks for a missing one), and a link's QR has a name. */
describeFlow("the merchant's favicon and the link QR's name", 'favicon-qr', (scene) => {
  it('the shop and the merchant pages link an SVG icon that is there', async () => {
    const page = await scene.desktop.newPage();
    const failed: string[] = [];
    page.on('response', (response: Response) => {
      if (response.status() >= 400) failed.push(`${response.status()} ${response.url()}`);
    });
    for (const path of ['/shop', '/merchant/links', '/merchant/orders', '/merchant/customers']) {
      await page.goto(`${scene.merchantUrl}${path}`);
      await page.waitForLoadState('networkidle');
      expect(await page.locator('link[rel="icon"]').getAttribute('href'), path).toBe('/assets/favicon.svg');
    }
    const answer = await page.request.get(`${scene.merchantUrl}/assets/favicon.svg`);
    expect(answer.status()).toBe(200);
    expect(answer.headers()['content-type']).toBe('image/svg+xml');
    expect(failed).toEqual([]);
    const ico = await fetch(`${scene.merchantUrl}/favicon.ico`, { redirect: 'manual' });
    expect(ico.status).toBe(301);
  });

  it("a payment link's QR is an image named after the amount and the shop", async () => {
    const admin = await scene.desktop.newPage();
    await admin.goto(`${scene.merchantUrl}/merchant/links`);
    await admin.getByLabel('Amount (NOK)').fill('450');
    await admin.getByLabel(/Description/).fill('Guided tour');
    await admin.getByRole('button', { name: 'Create payment link' }).click();
    await admin.waitForURL(/\/merchant\/links\/[\w-]+\?done=created/);
    const qr = admin.getByRole('img', { name: /^QR code: pay .*450.* to / });
    expect(await qr.count()).toBe(1);
    await scene.shot(admin, 'link-qr-named');
    await admin.getByRole('link', { name: 'Printable QR' }).click();
    expect(await admin.getByRole('img', { name: /^QR code: pay .*450.* to / }).count()).toBe(1);
  });
});
