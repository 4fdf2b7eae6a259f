import { expect, it } from 'vitest';
import { badge, confirmPhone, describeFlow, openApp, openRequest } from './support/browser.js';

/**
 * Seed 000, a payment request as a link, as people do it in Chromium: the merchant makes a link and a printable
 * QR; the customer opens the merchant's payment page, chooses Vipps MobilePay, types the phone number on the
 * platform's landing page and approves in the app; the confirmation page; the merchant sees the receipt attached,
 * captures, and refunds part of it.
 */
describeFlow('flow 000: payment request as a link', '000-link', (scene) => {
  it('link and QR → payment page → landing page → app → confirmation → capture → partial refund', async () => {
    const admin = await scene.desktop.newPage();
    await admin.goto(`${scene.merchantUrl}/merchant/links`);
    // a wrong amount first: the form says what is wrong
    await admin.getByLabel('Amount (NOK)').fill('12,345');
    await admin.getByLabel(/Description/).fill('Guided tour for two');
    await admin.getByRole('button', { name: 'Create payment link' }).click();
    await expect.poll(() => admin.locator('.flash-error').textContent()).toContain('at most 2 decimals');
    await scene.shot(admin, 'link-form-error');
    await admin.getByLabel('Amount (NOK)').fill('450');
    await admin.getByRole('button', { name: 'Create payment link' }).click();
    await admin.waitForURL(/\/merchant\/links\/[\w-]+\?done=created/);
    const url = (await admin.getByTestId('link-url').textContent())!.trim();
    expect(url).toMatch(new RegExp(`^${scene.merchantUrl}/pay/`));
    await expect.poll(() => admin.locator('.qr svg').count()).toBe(1);
    await scene.shot(admin, 'link-and-qr');
    await admin.getByRole('link', { name: 'Printable QR' }).click();
    await scene.shot(admin, 'printable-qr');

    const customer = await scene.desktop.newPage();
    await customer.goto(url);
    await scene.shot(customer, 'payment-page');
    await customer.getByRole('button', { name: 'Pay with Vipps MobilePay' }).click();
    await confirmPhone(customer, '4791234567');
    await scene.shot(customer, 'landing-waiting');

    const linkId = url.split('/').pop()!;
    const reference = (
      await scene.pair.merchant.merchant.store.listPayments({
        purpose: 'link',
        ownerId: linkId,
      })
    )[0]!.reference;
    const app = await openApp(scene, 'Ola Hansen');
    await openRequest(app, reference);
    await scene.shot(app, 'app-request');
    await app.locator('button[data-action="approve"]').click();
    await customer.waitForURL(/\/pay\/[\w-]+\/done\?reference=/, { timeout: 20_000 });
    await expect.poll(() => customer.locator('h1').textContent()).toContain('Payment approved');
    await scene.shot(customer, 'confirmation');

    await admin.goto(`${scene.merchantUrl}/merchant/payments/${reference}`);
    await badge(admin, reference, 'AUTHORIZED');
    // the receipt goes to Order Management once the merchant hears of the approval
    await expect
      .poll(async () => {
        await admin.reload();
        return admin.locator('dl.facts').textContent();
      })
      .toContain('attached with Order Management');
    await scene.shot(admin, 'payment-authorized');
    await admin.getByRole('button', { name: 'Capture' }).click();
    await expect.poll(() => admin.locator('.flash-notice').textContent()).toContain('Captured');
    await badge(admin, reference, 'CAPTURED');
    await admin.getByLabel(/^Refund/).fill('100');
    await admin.getByRole('button', { name: 'Refund' }).click();
    await expect.poll(() => admin.locator('.flash-notice').textContent()).toContain('Refunded');
    await badge(admin, reference, 'PARTIALLY_REFUNDED');
    await expect.poll(() => admin.getByTestId('event-log').textContent()).toContain('REFUNDED');
    await scene.shot(admin, 'captured-and-refunded');

    const platformView = await scene.pair.merchant.merchant.client.epayment.get(reference);
    expect(platformView.aggregate.capturedAmount.value).toBe(45000);
    expect(platformView.aggregate.refundedAmount.value).toBe(10000);
    const om = await scene.pair.merchant.merchant.client.orderManagement.getOrder(reference);
    expect(om.receipt?.orderLines[0]?.name).toBe('Guided tour for two');
  });
});
