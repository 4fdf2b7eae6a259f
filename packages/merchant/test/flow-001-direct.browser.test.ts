import { expect, it } from 'vitest';
import { badge, describeFlow, openApp, openRequest } from './support/browser.js';

/**
 * Seed 001, a payment request sent directly to the app, as people do it in Chromium: the merchant adds a customer
 * who agreed to app requests and sends a PUSH_MESSAGE request; the request appears in the customer's app; the
 * approval reaches the merchant by webhook (the live badge changes without a reload); the receipt is attached;
 * the merchant captures.
 */
describeFlow('flow 001: payment request sent directly to the app', '001-direct', (scene) => {
  it('customer with consent → PUSH_MESSAGE → app → webhook → receipt → capture', async () => {
    const admin = await scene.desktop.newPage();
    await admin.goto(`${scene.merchantUrl}/merchant/customers`);
    await admin.getByLabel(/Phone number/).fill('4712 345 678');
    await admin.getByLabel(/Name/).fill('Kari Nordmann');
    await admin.getByRole('button', { name: 'Add customer' }).click();
    await expect.poll(() => admin.locator('.flash-error').textContent()).toContain('agreed');
    await scene.shot(admin, 'consent-missing');
    await admin.getByRole('checkbox', { name: /agreed to get payment requests/ }).check();
    await admin.getByRole('button', { name: 'Add customer' }).click();
    await admin.waitForURL(/\/merchant\/customers\/4712345678/);
    await admin.getByLabel(/Amount/).fill('349');
    await admin.getByLabel(/Description/).fill('Cleaning, November');
    await scene.shot(admin, 'send-request');
    await admin.getByRole('button', { name: 'Send to the app' }).click();
    await admin.waitForURL(/\/merchant\/payments\/push-/);
    const reference = new URL(admin.url()).pathname.split('/').pop()!;
    await badge(admin, reference, 'PENDING');
    await scene.shot(admin, 'request-sent');

    const app = await openApp(scene, 'Kari Nordmann');
    await openRequest(app, reference);
    await scene.shot(app, 'app-request');
    await app.locator('button[data-action="approve"]').click();
    await scene.shot(app, 'app-paid');

    // the webhook reaches the merchant; the page's badge updates by itself
    await badge(admin, reference, 'AUTHORIZED');
    await scene.shot(admin, 'authorized-by-webhook');
    await expect
      .poll(async () => {
        await admin.reload();
        return admin.locator('dl.facts').textContent();
      })
      .toContain('attached with Order Management');
    await expect.poll(() => admin.getByTestId('webhooks').textContent()).toContain('AUTHORIZED');
    await admin.getByRole('button', { name: 'Capture' }).click();
    await expect.poll(() => admin.locator('.flash-notice').textContent()).toContain('Captured');
    await badge(admin, reference, 'CAPTURED');
    await scene.shot(admin, 'captured');

    const platformView = await scene.pair.merchant.merchant.client.epayment.get(reference);
    expect(platformView.aggregate.capturedAmount.value).toBe(34900);
  });
});
