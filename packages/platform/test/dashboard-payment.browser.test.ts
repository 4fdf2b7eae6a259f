import type { Browser, BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPlatform } from '../src/internal-entry.js';
import { Api, T0, webRedirect } from './support/harness.js';
import { Receiver } from './webhooks/support.js';
import { desktop, HAS_CHROMIUM, launch, shot } from './customer/support-browser.js';
import { readmeShot } from '../../../test-support/readme-shots.js';

describe.skipIf(!HAS_CHROMIUM)("a dashboard row opens the payment's page", () => {
  let browser: Browser;
  let api: Api;
  let receiver: Receiver;
  let context: BrowserContext;

  beforeAll(async () => {
    browser = await launch();
    receiver = await new Receiver().start();
    api = new Api(await startPlatform({ frozenAt: T0 }));
    context = await desktop(browser);
  });
  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await api?.close();
    await receiver?.close();
  });

  it('reached by keyboard: details, the event log and the webhook deliveries', async () => {
    expect((await api.registerWebhook(receiver.url, ['epayments.payment.captured.v1'])).status).toBe(201);
    // A few payments in different states (the platform is fresh, so the references are its own).
    expect((await api.create(webRedirect('order-1001', 24_900))).status).toBe(201);
    expect((await api.create(webRedirect('order-1002', 54_700))).status).toBe(201);
    expect((await api.approve('order-1002')).status).toBe(200);
    expect((await api.cancel('order-1002')).status).toBe(200);
    const reference = 'order-1003';
    expect((await api.create(webRedirect(reference, 100_050))).status).toBe(201);
    expect((await api.approve(reference)).status).toBe(200);
    expect((await api.modify('capture', reference, 100_050, `${reference}-c`)).status).toBe(200);
    await receiver.until((r) => r.some((x) => x.json.reference === reference));

    const page = await context.newPage();
    await page.goto(`${api.url}/betal/dashboard`);
    await readmeShot(page, 'dashboard', 'desktop');
    const link = page.getByRole('link', { name: new RegExp(`^Payment ${reference}`) });
    // Tab until the row's link has the focus, then open it with Enter.
    let focused = false;
    for (let i = 0; i < 60 && !focused; i++) {
      await page.keyboard.press('Tab');
      focused = await link.evaluate((a) => a === document.activeElement);
    }
    expect(focused).toBe(true);
    await page.keyboard.press('Enter');
    await page.waitForURL(new RegExp(`/betal/dashboard/payments/123456/${reference}$`));

    await page.getByRole('heading', { name: `Payment ${reference}` }).waitFor();
    const details = page.locator('dl.facts');
    expect(await details.textContent()).toContain('NOK\u00a01,000.50');
    expect(await details.textContent()).toContain('AUTHORIZED');
    const events = page.getByRole('table').first();
    const names = await events.locator('tbody tr td:nth-child(2)').allTextContents();
    expect(names.map((n) => n.trim())).toEqual(['CREATED', 'AUTHORIZED', 'CAPTURED']);
    const deliveries = page.getByRole('table').nth(1);
    await expect
      .poll(async () => {
        await page.reload();
        return (await deliveries.locator('tbody tr').allTextContents()).join(' ');
      })
      .toMatch(/epayments\.payment\.captured\.v1[\s\S]*delivered[\s\S]*HTTP 200/);
    const hookId = (await api.listWebhooks()).body.webhooks[0]!.id;
    expect(await deliveries.getByRole('link', { name: receiver.url }).first().getAttribute('href')).toBe(
      `/betal/dashboard/webhooks#wh-${hookId}`,
    );
    expect(
      await page.getByRole('link', { name: 'Redeliver on the webhooks page' }).getAttribute('href'),
    ).toBe('/betal/dashboard/webhooks');
    await shot(page, 'dashboard-payment');
    await readmeShot(page, 'dashboard-payment', 'desktop');
    await page.getByRole('link', { name: '← All payments' }).click();
    await page.waitForURL(/\/betal\/dashboard$/);
  });

  it('an unknown payment is a 404 in the /betal error shape', async () => {
    const res = await fetch(`${api.url}/betal/dashboard/payments/123456/no-such-reference`);
    expect(res.status).toBe(404);
    const body = (await res.json()) as { status: number; detail: string };
    expect(body.status).toBe(404);
    expect(body.detail).toBe('No payment with reference no-such-reference on MSN 123456.');
    expect((await fetch(`${api.url}/betal/dashboard/payments/999999/x`)).status).toBe(404);
  });
});
