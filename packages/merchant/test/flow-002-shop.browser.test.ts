import { expect, it } from 'vitest';
import { badge, confirmPhone, describeFlow, openApp, openRequest } from './support/browser.js';
import { readmeShot } from '../../../test-support/readme-shots.js';

/**
 * Seed 002, online payments, as a person does it in Chromium: products and a cart in the shop, Pay, the
 * platform's landing page (phone number), the customer's app (approve), back to the shop's return page (which
 * confirms the order by querying the payment), then Ship on the merchant's page (capture, checked).
 */
describeFlow('flow 002: online payments in the shop', '002-shop', (scene) => {
  it('cart → landing page → app → confirmed order → ship captures the full amount', async () => {
    const shop = await scene.desktop.newPage();
    await shop.goto(`${scene.merchantUrl}/shop`);
    await scene.shot(shop, 'products');
    await shop.getByRole('button', { name: 'Add Wool socks to the cart' }).click();
    await shop.waitForURL(/\/shop\/cart$/);
    await shop.goto(`${scene.merchantUrl}/shop`);
    await shop.getByRole('button', { name: 'Add Knitted beanie to the cart' }).click();
    await shop.getByLabel('Quantity of Wool socks').fill('2');
    await shop.getByRole('button', { name: 'Update' }).first().click();
    await expect.poll(() => shop.getByTestId('total').textContent()).toBe('NOK\u00a0547.00');
    await scene.shot(shop, 'cart');
    await readmeShot(shop, 'merchant-shop-cart', 'desktop');

    await shop.getByRole('button', { name: 'Pay with Vipps MobilePay' }).click();
    await shop.waitForURL(/\/landing\?token=/);
    await expect.poll(() => shop.locator('.order .amount').textContent()).toContain('547');
    await scene.shot(shop, 'landing-page');
    await readmeShot(shop, 'landing-page', 'desktop');
    await confirmPhone(shop, '4796574209');
    await scene.shot(shop, 'landing-waiting');

    const order = (await scene.pair.merchant.merchant.store.listShopOrders())[0]!;
    const app = await openApp(scene, 'Ingrid Berg');
    await openRequest(app, order.reference);
    await expect.poll(() => app.locator('main').textContent()).toContain('Wool socks');
    await scene.shot(app, 'app-request');
    await readmeShot(app, 'app-request', 'phone');
    await app.locator('button[data-action="approve"]').click();
    await scene.shot(app, 'app-paid');

    // The landing page notices and sends the browser back to the shop, which asks the platform.
    await shop.waitForURL(new RegExp(`/shop/orders/${order.id}$`), { timeout: 20_000 });
    await expect.poll(() => shop.locator('h1').textContent()).toContain('Your order is confirmed');
    await scene.shot(shop, 'order-confirmed');
    // The customer reads plain words; the merchant's pages keep the API's terms.
    expect((await shop.locator(`[data-ref="${order.reference}"]`).textContent())?.trim()).toBe('Reserved');

    const admin = await scene.desktop.newPage();
    await admin.goto(`${scene.merchantUrl}/merchant/orders`);
    await badge(admin, order.reference, 'AUTHORIZED');
    expect((await admin.locator(`[data-ref="${order.reference}"]`).first().textContent())?.trim()).toBe(
      'Authorized',
    );
    await scene.shot(admin, 'orders-before-ship');
    await readmeShot(admin, 'merchant-orders', 'desktop');
    await admin.getByRole('button', { name: /Ship \(capture NOK 547\.00\)/ }).click();
    await expect.poll(() => admin.locator('.flash-notice').textContent()).toContain('Shipped');
    await badge(admin, order.reference, 'CAPTURED');
    await scene.shot(admin, 'orders-shipped');
    await shop.reload();
    expect((await shop.locator(`[data-ref="${order.reference}"]`).textContent())?.trim()).toBe('Paid');
    const live = await fetch(`${scene.merchantUrl}/api/status?ref=${order.reference}&side=shop`);
    expect(((await live.json()) as Record<string, { label: string }>)[order.reference]?.label).toBe('Paid');

    const platformView = await scene.pair.merchant.merchant.client.epayment.get(order.reference);
    expect(platformView.aggregate.capturedAmount.value).toBe(54700);
    expect(platformView.state).toBe('AUTHORIZED');
  });
});
