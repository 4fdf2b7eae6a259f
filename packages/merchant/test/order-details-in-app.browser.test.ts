import { expect, it } from 'vitest';
import { describeFlow, openRequest } from './support/browser.js';

/**
 * The in-app view of order details: the invoice page that the customer's app opens from "See details" (the
 * category's orderDetailsUrl, `?view=app`), on a 360 px wide phone. It has no shop navigation and no pay button,
 * nothing overflows sideways, and the total stays on one line.
 */
describeFlow('the in-app view of order details at 360 px', 'order-details-in-app', (scene) => {
  it('no navigation, no horizontal overflow, the total on one line', async () => {
    const admin = await scene.desktop.newPage();
    await admin.goto(`${scene.merchantUrl}/merchant/customers`);
    await admin.getByLabel(/Phone number/).fill('4712345678');
    await admin.getByRole('checkbox', { name: /agreed to get payment requests/ }).check();
    await admin.getByRole('button', { name: 'Add customer' }).click();
    await admin.goto(`${scene.merchantUrl}/merchant/invoices/new`);
    await admin.getByLabel('Customer name').fill('Kari Nordmann');
    await admin.getByLabel(/Customer's phone number/).fill('4712345678');
    await admin
      .getByLabel('Line 1 description')
      .fill('Electricity for the holiday cabin, October and November');
    await admin.getByLabel('Line 1 quantity').fill('3');
    await admin.getByLabel('Line 1 unit price').fill('41666.50');
    await admin.getByRole('button', { name: 'Create invoice' }).click();
    await admin.waitForURL(/\/merchant\/invoices\/[\w-]+\?done=/);
    const url = (await admin.getByTestId('invoice-url').textContent())!.trim();
    const invoiceId = url.split('/').pop()!;
    const payment = (
      await scene.pair.merchant.merchant.store.listPayments({ purpose: 'invoice', ownerId: invoiceId })
    )[0]!;
    const om = await scene.pair.merchant.merchant.client.orderManagement.getOrder(payment.reference);
    expect(om.category?.orderDetailsUrl).toBe(`${url}?view=app`);

    const phone = await scene.browser.newContext({
      viewport: { width: 360, height: 740 },
      deviceScaleFactor: 1,
    });
    phone.setDefaultTimeout(15_000);
    const app = await phone.newPage();
    await app.goto(`${scene.platformUrl}/app`);
    await app
      .getByRole('link', { name: /Kari Nordmann/ })
      .first()
      .click();
    await app.waitForURL(/\/app\/u\/\d+/);
    await openRequest(app, payment.reference);
    await app.locator('[data-see-details]').click();
    const frame = app.frameLocator('#webview-frame');
    await expect.poll(() => frame.locator('h1').first().textContent()).toContain('Invoice #');

    await scene.shot(app, 'in-app-order-details-360');
    expect(await frame.locator('nav').count()).toBe(0);
    expect(await frame.locator('header a').count()).toBe(0);
    expect(await frame.getByRole('button', { name: 'Pay with Vipps MobilePay' }).count()).toBe(0);
    const inner = frame.locator('html');
    const overflow = await inner.evaluate((html) => html.scrollWidth - html.clientWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    expect(
      await app.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth),
    ).toBeLessThanOrEqual(0);
    // Each amount (the total to pay, and the lines' totals) is one line of text.
    const lineCounts = await inner.evaluate(() =>
      Array.from(document.querySelectorAll('[data-testid="invoice-total"], td.num, tfoot td')).map((el) => {
        const range = document.createRange();
        range.selectNodeContents(el);
        const lines = new Set(Array.from(range.getClientRects()).map((r) => Math.round(r.top))).size;
        return `${el.textContent?.trim()}: ${lines}`;
      }),
    );
    expect(lineCounts.length).toBeGreaterThan(2);
    for (const n of lineCounts) expect(n).toMatch(/: [01]$/);
    expect((await frame.getByTestId('invoice-total').textContent())?.trim()).toBe('NOK\u00a0124,999.50');
    await phone.close();
  });
});
