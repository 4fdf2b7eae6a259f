import type { Page } from 'playwright-core';
import { beforeAll, expect, it } from 'vitest';
import { badge, confirmPhone, describeFlow, openApp, openRequest } from './support/browser.js';

/**
 * Seed 004, payment requests for invoices, as people do it in Chromium:
 * - a known customer (phone number and consent held): the invoice goes to the app as a long-living PUSH_MESSAGE
 *   request whose "See details" opens the merchant's invoice page; the customer chooses "I'll pay later", finds it
 *   under Activities and pays; the merchant captures it;
 * - an unknown customer: the invoice page's one-time WEB_REDIRECT request with phoneNumber scope; afterwards the
 *   customer is known;
 * - an unpaid invoice expires at the end of its due date (the platform's test clock moves).
 */
describeFlow('flow 004: payment requests for invoices', '004-invoice', (scene) => {
  let admin: Page;
  beforeAll(async () => {
    admin = await scene.desktop.newPage();
  });

  async function newInvoice(fields: {
    name: string;
    phone?: string;
    lines: Array<[string, string, string]>;
    due?: string;
  }): Promise<{ id: string; url: string }> {
    await admin.goto(`${scene.merchantUrl}/merchant/invoices/new`);
    await admin.getByLabel('Customer name').fill(fields.name);
    if (fields.phone) await admin.getByLabel(/Customer's phone number/).fill(fields.phone);
    for (const [i, [text, qty, price]] of fields.lines.entries()) {
      await admin.getByLabel(`Line ${i + 1} description`).fill(text);
      await admin.getByLabel(`Line ${i + 1} quantity`).fill(qty);
      await admin.getByLabel(`Line ${i + 1} unit price`).fill(price);
    }
    if (fields.due) await admin.getByLabel('Due date').fill(fields.due);
    await admin.getByRole('button', { name: 'Create invoice' }).click();
    await admin.waitForURL(/\/merchant\/invoices\/[\w-]+\?done=/);
    const url = (await admin.getByTestId('invoice-url').textContent())!.trim();
    return { id: url.split('/').pop()!, url };
  }

  const paymentOf = async (invoiceId: string) =>
    (await scene.pair.merchant.merchant.store.listPayments({ purpose: 'invoice', ownerId: invoiceId }))[0]!;

  it('known customer: long-living request in the app, "See details", "I\'ll pay later", pay from Activities, captured', async () => {
    await admin.goto(`${scene.merchantUrl}/merchant/customers`);
    await admin.getByLabel(/Phone number/).fill('4712345678');
    await admin.getByRole('checkbox', { name: /agreed to get payment requests/ }).check();
    await admin.getByRole('button', { name: 'Add customer' }).click();

    // a due date in the past is refused with a clear message
    await admin.goto(`${scene.merchantUrl}/merchant/invoices/new`);
    await admin.getByLabel('Customer name').fill('Kari Nordmann');
    await admin.getByLabel('Line 1 description').fill('Electricity');
    await admin.getByLabel('Line 1 unit price').fill('500');
    await admin.getByLabel('Due date').fill('2026-01-01');
    await admin.getByRole('button', { name: 'Create invoice' }).click();
    await expect.poll(() => admin.locator('.flash-error').textContent()).toContain('is in the past');
    await scene.shot(admin, 'invoice-form-error');

    const invoice = await newInvoice({
      name: 'Kari Nordmann',
      phone: '4712345678',
      lines: [
        ['Electricity, October', '1', '500'],
        ['Grid rent', '2', '75.50'],
      ],
    });
    await expect.poll(() => admin.locator('h1').textContent()).toContain('Payment requested');
    await scene.shot(admin, 'invoice-sent-to-app');
    const payment = await paymentOf(invoice.id);
    expect(payment.userFlow).toBe('PUSH_MESSAGE');
    expect(payment.expiresAt).toBeDefined();

    const app = await openApp(scene, 'Kari Nordmann');
    await openRequest(app, payment.reference);
    await app.locator('[data-see-details]').click();
    const frame = app.frameLocator('#webview-frame');
    await expect.poll(() => frame.locator('h1').first().textContent()).toContain('Invoice #');
    await scene.shot(app, 'app-see-details');
    await app.locator('[data-close-webview]').click();
    await app.getByRole('button', { name: 'Cancel', exact: true }).click();
    await app.locator('button[data-action="pay-later"]').click();
    await scene.shot(app, 'app-pay-later');
    await app.locator('a[data-tab="activities"]').click();
    await openRequest(app, payment.reference);
    await app.locator('button[data-action="approve"]').click();
    await scene.shot(app, 'app-paid-later');

    await expect
      .poll(
        async () => {
          await admin.goto(`${scene.merchantUrl}/merchant/invoices/${invoice.id}`);
          return admin.locator('h1').textContent();
        },
        { timeout: 20_000 },
      )
      .toContain('Paid');
    await badge(admin, payment.reference, 'CAPTURED');
    await scene.shot(admin, 'invoice-paid-and-captured');
    const platformView = await scene.pair.merchant.merchant.client.epayment.get(payment.reference);
    expect(platformView.aggregate.capturedAmount.value).toBe(65100);
    const om = await scene.pair.merchant.merchant.client.orderManagement.getOrder(payment.reference);
    expect(om.category?.orderDetailsUrl).toBe(`${invoice.url}?view=app`);
  });

  it('unknown customer: the invoice page, the one-time request with phone sharing; the customer is known afterwards', async () => {
    const invoice = await newInvoice({ name: 'Ola Hansen', lines: [['Consulting, 3 hours', '3', '1000']] });
    await expect
      .poll(() => admin.locator('dl.facts').textContent())
      .toContain('the customer pays on the invoice page');
    const customer = await scene.desktop.newPage();
    await customer.goto(invoice.url);
    await scene.shot(customer, 'invoice-page');
    await customer.getByRole('button', { name: 'Pay with Vipps MobilePay' }).click();
    await confirmPhone(customer, '4791234567');
    const payment = await paymentOf(invoice.id);
    expect(payment.userFlow).toBe('WEB_REDIRECT');
    expect(payment.scope).toBe('phoneNumber');

    const app = await openApp(scene, 'Ola Hansen');
    await openRequest(app, payment.reference);
    await app.getByRole('button', { name: 'Share and continue' }).click();
    await app.locator('button[data-action="approve"]').click();
    await customer.waitForURL(new RegExp(`/invoices/${invoice.id}\\?reference=`), { timeout: 20_000 });
    await expect.poll(() => customer.locator('main').textContent()).toContain('Paid. Thank you!');
    await scene.shot(customer, 'invoice-page-paid');

    await admin.goto(`${scene.merchantUrl}/merchant/customers`);
    await expect.poll(() => admin.locator('table').textContent()).toContain('4791234567');
    await scene.shot(admin, 'customer-known-now');
    const platformView = await scene.pair.merchant.merchant.client.epayment.get(payment.reference);
    expect(platformView.aggregate.capturedAmount.value).toBe(300000);
  });

  it('an unpaid invoice expires at the end of its due date', async () => {
    const today = new Date(scene.pair.platform.clock.now()).toISOString().slice(0, 10);
    const invoice = await newInvoice({
      name: 'Kari Nordmann',
      phone: '4712345678',
      lines: [['Membership', '1', '990']],
      due: today,
    });
    const payment = await paymentOf(invoice.id);
    const app = await openApp(scene, 'Kari Nordmann');
    await openRequest(app, payment.reference);
    await app.getByRole('button', { name: 'Cancel', exact: true }).click();
    await app.locator('button[data-action="pay-later"]').click();

    // a day later (the platform's test clock), the request has expired
    const res = await fetch(`${scene.platformUrl}/betal/clock/advance`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ seconds: 24 * 3600 }),
    });
    expect(res.status).toBe(200);
    await admin.goto(`${scene.merchantUrl}/merchant/invoices/${invoice.id}`);
    await badge(admin, payment.reference, 'EXPIRED');
    await admin.goto(`${scene.merchantUrl}/merchant/invoices`);
    await expect.poll(() => admin.locator('table').textContent()).toContain('Expired unpaid');
    await scene.shot(admin, 'invoices-one-expired');
    const customer = await scene.desktop.newPage();
    await customer.goto(invoice.url);
    await expect.poll(() => customer.locator('main').textContent()).toContain('not paid by the due date');
  });
});
