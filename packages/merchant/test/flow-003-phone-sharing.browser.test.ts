import { expect, it } from 'vitest';
import { badge, confirmPhone, describeFlow, openApp, openRequest } from './support/browser.js';

/**
 * Seed 003, a payment request with sharing of the phone number, as people do it in Chromium: a payment link with
 * profile scope phoneNumber; the customer consents in the app and approves; the merchant reads `sub`, calls
 * Userinfo and stores the phone number with the consent; the next request to that customer goes straight to the
 * app (seed 001), and is captured.
 */
describeFlow('flow 003: payment request with sharing of the phone number', '003-phone-sharing', (scene) => {
  it('link with phoneNumber scope → consent and approval → customer stored → next request straight to the app → capture', async () => {
    const admin = await scene.desktop.newPage();
    await admin.goto(`${scene.merchantUrl}/merchant/links`);
    await admin.getByLabel('Amount (NOK)').fill('3000');
    await admin.getByLabel(/Description/).fill('Accident and travel insurance');
    await admin.getByRole('checkbox', { name: /share the phone number/ }).check();
    await admin.getByRole('button', { name: 'Create payment link' }).click();
    await admin.waitForURL(/\/merchant\/links\/[\w-]+\?done=created/);
    const url = (await admin.getByTestId('link-url').textContent())!.trim();

    const customer = await scene.desktop.newPage();
    await customer.goto(url);
    await expect.poll(() => customer.locator('main').textContent()).toContain('share your phone number');
    await customer.getByRole('button', { name: 'Pay with Vipps MobilePay' }).click();
    await confirmPhone(customer, '4796574209');

    const linkId = url.split('/').pop()!;
    const reference = (
      await scene.pair.merchant.merchant.store.listPayments({
        purpose: 'link',
        ownerId: linkId,
      })
    )[0]!.reference;
    const app = await openApp(scene, 'Ingrid Berg');
    await openRequest(app, reference);
    await app.getByRole('button', { name: 'Share and continue' }).waitFor();
    await scene.shot(app, 'app-consent');
    await app.getByRole('button', { name: 'Share and continue' }).click();
    await app.locator('button[data-action="approve"]').click();
    await customer.waitForURL(/\/pay\/[\w-]+\/done\?reference=/, { timeout: 20_000 });
    await expect
      .poll(() => customer.locator('main').textContent())
      .toContain('Thank you for sharing your phone number');
    await scene.shot(customer, 'confirmation');

    await admin.goto(`${scene.merchantUrl}/merchant/customers`);
    await expect.poll(() => admin.locator('table').textContent()).toContain('4796574209');
    await expect
      .poll(() => admin.locator('table').textContent())
      .toContain(`shared the phone number when paying ${reference}`);
    await scene.shot(admin, 'customer-stored');

    // from now on, straight to the app
    await admin.getByRole('link', { name: 'Send a payment request' }).click();
    await admin.getByLabel(/Amount/).fill('1500');
    await admin.getByLabel(/Description/).fill('Insurance, next quarter');
    await admin.getByRole('button', { name: 'Send to the app' }).click();
    await admin.waitForURL(/\/merchant\/payments\/push-/);
    const direct = new URL(admin.url()).pathname.split('/').pop()!;
    await app.goto(`${scene.platformUrl}/app/u/4796574209`);
    await openRequest(app, direct);
    await scene.shot(app, 'app-direct-request');
    await app.locator('button[data-action="approve"]').click();
    await badge(admin, direct, 'AUTHORIZED');
    await admin.getByRole('button', { name: 'Capture' }).click();
    await badge(admin, direct, 'CAPTURED');
    await scene.shot(admin, 'direct-captured');

    // the first payment is captured from its page too
    await admin.goto(`${scene.merchantUrl}/merchant/payments/${reference}`);
    await admin.getByRole('button', { name: 'Capture' }).click();
    await badge(admin, reference, 'CAPTURED');
    const first = await scene.pair.merchant.merchant.client.epayment.get(reference);
    expect(first.aggregate.capturedAmount.value).toBe(300000);
    expect(first.profile.sub).toBe((await scene.pair.merchant.merchant.store.getCustomer('4796574209'))?.sub);
  });
});
