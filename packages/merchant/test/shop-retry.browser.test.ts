import { expect, it } from 'vitest';
import { derive } from '../src/domain/order-status.js';
import { describeFlow } from './support/browser.js';

/** A failed shop payment (here: cancelled on the landing page) keeps the cart, and "Try again" pays it anew. */
describeFlow('the shop after a failed payment', 'shop-retry', (scene) => {
  it('the cart survives a cancelled payment, and Try again starts a new one', async () => {
    const shop = await scene.desktop.newPage();
    await shop.goto(`${scene.merchantUrl}/shop`);
    await shop.getByRole('button', { name: 'Add Wool socks to the cart' }).click();
    await shop.waitForURL(/\/shop\/cart$/);
    await shop.getByRole('button', { name: 'Pay with Vipps MobilePay' }).click();
    await shop.waitForURL(/\/landing\?token=/);
    const firstUrl = shop.url();
    await shop.getByRole('button', { name: 'Cancel payment' }).click();
    await shop.waitForURL(/\/shop\/orders\//, { timeout: 20_000 });
    await expect.poll(() => shop.locator('h1').textContent()).toContain('The payment was not completed');
    await scene.shot(shop, 'failed-payment');

    await shop.goto(`${scene.merchantUrl}/shop/cart`);
    expect(await shop.getByText('The cart is empty.').count()).toBe(0);
    expect(await shop.getByLabel('Quantity of Wool socks').inputValue()).toBe('1');
    await shop.goBack();
    await shop.getByRole('button', { name: 'Try again' }).click();
    await shop.waitForURL(/\/landing\?token=/);
    expect(shop.url()).not.toBe(firstUrl);
    expect(await scene.pair.merchant.merchant.store.listShopOrders()).toHaveLength(2);
  });
});

/** Cancelling an AUTHORIZED payment on the merchant's page is a confirm step, not one click. */
describeFlow('cancelling an authorized payment', 'cancel-confirm', (scene) => {
  it('Cancel payment asks first; "No, keep it" keeps it, "Yes" releases it', async () => {
    const merchant = scene.pair.merchant.merchant;
    const admin = await scene.desktop.newPage();
    await admin.goto(`${scene.merchantUrl}/merchant/links`);
    await admin.getByLabel('Amount (NOK)').fill('100');
    await admin.getByLabel(/Description/).fill('Cancel me');
    await admin.getByRole('button', { name: 'Create payment link' }).click();
    await admin.waitForURL(/\/merchant\/links\/[\w-]+\?done=created/);
    const linkId = new URL(admin.url()).pathname.split('/').pop()!;
    const customer = await scene.desktop.newPage();
    await customer.goto(`${scene.merchantUrl}/pay/${linkId}`);
    await customer
      .getByRole('button', { name: /Vipps MobilePay/ })
      .first()
      .click();
    await customer.waitForURL(/\/landing\?token=/);
    await customer.close();
    const reference = (await merchant.store.listPayments({ purpose: 'link', ownerId: linkId }))[0]!.reference;
    await merchant.client.epayment.forceApprove(reference, { customer: { phoneNumber: '4791234567' } });
    await merchant.payments.refresh(reference);

    await admin.goto(`${scene.merchantUrl}/merchant/payments/${reference}`);
    await admin.getByRole('button', { name: /^Cancel payment/ }).click();
    await admin.getByRole('heading', { name: `Cancel payment ${reference}?` }).waitFor();
    expect(await admin.getByText(/reservation of NOK\s100\.00 is released/).count()).toBe(1);
    expect(derive((await merchant.payments.get(reference))!.view).state).toBe('AUTHORIZED');
    await scene.shot(admin, 'confirm-cancel');
    await admin.getByRole('link', { name: 'No, keep it' }).click();
    await admin.waitForURL(new RegExp(`/merchant/payments/${reference}$`));
    expect((await merchant.client.epayment.get(reference)).aggregate.cancelledAmount.value).toBe(0);

    await admin.getByRole('button', { name: /^Cancel payment/ }).click();
    await admin.getByRole('button', { name: 'Yes, cancel the payment' }).click();
    await admin.waitForURL(/done=cancelled/);
    expect((await merchant.client.epayment.get(reference)).aggregate.cancelledAmount.value).toBe(10_000);
  });
});
