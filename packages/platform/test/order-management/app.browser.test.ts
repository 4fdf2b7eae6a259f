/**
 * What the merchant sends through Order Management shows in the customer's app (contract 6, SEED 004): the
 * category's image, the receipt's order lines and totals, and "See details" opening `orderDetailsUrl` in the
 * in-app web view. Everything goes over the real APIs: image upload, the category PUT (before the payment, as
 * the seed does), and a PUSH_MESSAGE payment with its receipt. Skipped when Chromium is absent.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Api, DEV, ref, startApi } from '../support/harness.js';
import { HAS_CHROMIUM, launch } from '../customer/support-browser.js';
import { artifactsFolder, saveScreenshot } from '../../../../test-support/browser.js';
import { png } from './images.js';

const OLA = '4791234567';

describe.skipIf(!HAS_CHROMIUM)('Order Management data in the customer app (Chromium)', () => {
  let browser: Browser;
  let api: Api;
  let merchant: Server;
  let merchantUrl: string;
  let shots: string;

  beforeAll(async () => {
    shots = artifactsFolder('order-management');
    browser = await launch();
    api = await startApi();
    // The merchant's own page behind "See details" (an invoice), served locally: the test needs no network.
    merchant = createServer((request, response) => {
      const path = (request.url ?? '/').replace(/[^\w/.-]/g, '');
      response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      response.end(
        `<!doctype html><html lang="en"><head><title>Invoice</title></head><body style="font-family: sans-serif">` +
          `<h1>Invoice 424243</h1><p id="url">${path}</p></body></html>`,
      );
    });
    await new Promise<void>((resolve) => merchant.listen(0, '127.0.0.1', resolve));
    merchantUrl = `http://127.0.0.1:${(merchant.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await browser?.close();
    await api?.close();
    await new Promise<void>((resolve) => (merchant ? merchant.close(() => resolve()) : resolve()));
  });

  it('shows the image and the receipt, and "See details" opens orderDetailsUrl', async () => {
    const reference = ref('om-app');
    const imageId = `invoice-logo-${reference}`;
    const uploaded = await api.om('POST', '/v1/images', {
      imageId,
      src: png(240, 240, [255, 91, 36]).toString('base64'),
      type: 'base64',
    });
    expect(uploaded.status).toBe(200);
    const orderDetailsUrl = `${merchantUrl}/orderdetails/${reference}`;
    const put = await api.om('PUT', `/v2/ecom/categories/${reference}`, {
      category: 'GENERAL',
      orderDetailsUrl,
      imageId,
    });
    expect(put.status).toBe(200);
    expect(put.headers.get('x-betal-lint')).toMatch(/orderDetailsUrl uses http/); // a local page, in dev mode

    const receipt = {
      orderLines: [
        {
          name: 'Electricity, November',
          id: 'power-11',
          totalAmount: 150_000,
          totalAmountExcludingTax: 120_000,
          totalTaxAmount: 30_000,
          taxRate: 2500,
          unitInfo: { unitPrice: 300, quantity: '500', quantityUnit: 'KWH' },
        },
        {
          name: 'Grid rent',
          id: 'grid-11',
          totalAmount: 50_000,
          totalAmountExcludingTax: 40_000,
          totalTaxAmount: 10_000,
          taxPercentage: 25,
        },
      ],
      bottomLine: { currency: 'NOK', receiptNumber: '424243' },
    };
    const created = await api.create({
      amount: { currency: 'NOK', value: 200_000 },
      paymentMethod: { type: 'WALLET' },
      customer: { phoneNumber: OLA },
      reference,
      userFlow: 'PUSH_MESSAGE',
      paymentDescription: 'Invoice# 424243, due date: 01 Jan 2027',
      receipt,
    });
    expect(created.status).toBe(201);
    // The same order data through Order Management: the category and the receipt of create.
    const order = await api.om('GET', `/v2/ECOM/${reference}`);
    expect(order.body).toEqual({ category: { category: 'GENERAL', orderDetailsUrl, imageId }, receipt });

    const context = await browser.newContext({
      viewport: { width: 390, height: 800 },
      isMobile: true,
      hasTouch: true,
      deviceScaleFactor: 2,
      locale: 'en-GB',
    });
    try {
      const page = await context.newPage();
      page.setDefaultTimeout(10_000); // a missing element fails naming its locator, before the test's timeout
      await page.goto(`${api.url}/app/u/${OLA}`);
      await page.locator('main[aria-busy="false"]').waitFor();
      await page.locator(`a[data-reference="${reference}"]`).click();

      const lines = page.getByRole('table');
      await lines.waitFor();
      expect(await lines.getByRole('cell', { name: '500 × Electricity, November' }).isVisible()).toBe(true);
      expect(await lines.getByRole('cell', { name: 'Grid rent' }).isVisible()).toBe(true);
      expect(await lines.getByText('NOK 2,000.00').isVisible()).toBe(true);
      expect(await lines.getByText(/incl\. VAT NOK\s400\.00/).isVisible()).toBe(true); // the VAT of both lines

      const logo = page.locator(`img[src="/betal/images/${DEV.msn}/${imageId}"]`);
      await logo.waitFor();
      await expect
        .poll(() => logo.evaluate((img) => (img as unknown as { naturalWidth: number }).naturalWidth))
        .toBe(240);
      await saveScreenshot(page, shots, '01-app-receipt-and-image', false);

      await page.getByRole('button', { name: 'See details' }).click();
      await page.getByRole('dialog').waitFor();
      const frame = page.frameLocator('#webview-frame');
      await frame.locator('#url').waitFor();
      expect(await frame.locator('#url').textContent()).toBe(`/orderdetails/${reference}`);
      await saveScreenshot(page, shots, '02-app-see-details', false);
    } finally {
      await context.close();
    }
  });
});
