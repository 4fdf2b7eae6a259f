import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ref, webRedirect } from '../support/harness.js';
import { Receiver, useWebhookApi } from './support.js';
import {
  artifactsFolder,
  HAS_CHROMIUM,
  launchChromium,
  saveScreenshot,
} from '../../../../test-support/browser.js';

const api = useWebhookApi({ webhooks: { timeoutMs: 200 } });
let ok: Receiver;
let failing: Receiver;
let failingId: string;
beforeAll(async () => {
  ok = await new Receiver().start('/shop/webhooks');
  failing = await new Receiver(() => 503).start('/broken');
  failing.errorBody = '<script>alert(1)</script> down for maintenance';
  await api.registerWebhook(ok.url);
  failingId = (await api.registerWebhook(failing.url, ['epayments.payment.created.v1'])).body.id;
  const a = ref('dash');
  await api.create(webRedirect(a, 25_000));
  await api.approve(a);
  await api.modify('capture', a, 25_000, `${a}-c`);
  await api.create(webRedirect(ref('dash'), 9_900));
  await api.started.platform.webhooks.drain();
  api.started.clock.advance(2_000);
  await api.started.platform.webhooks.drain();
});
afterAll(async () => {
  await ok.close();
  await failing.close();
});

describe('the webhooks page of the dashboard', () => {
  it('shows registrations, deliveries and every attempt as escaped HTML', async () => {
    const res = await fetch(`${api.url}/betal/dashboard/webhooks`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    const html = await res.text();
    expect(html).toContain(ok.url);
    expect(html).toContain('HTTP 503: &lt;script&gt;alert(1)&lt;/script&gt; down for maintenance');
    expect(html).not.toContain('<script>');
    expect(html).toContain('epayments.payment.captured.v1');
    expect(html.match(/<form method="post" action="\/betal\/deliveries\/\d+\/redeliver/g)?.length).toBe(6);
  });

  it("writes each event's amount as the other dashboards do and links its reference to the payment's page", async () => {
    const html = await (await fetch(`${api.url}/betal/dashboard/webhooks`)).text();
    expect(html).toContain('NOK\u00a0250.00');
    expect(html).not.toContain('minor units');
    const link = html.match(/<a href="(\/betal\/dashboard\/payments\/[^"]+)">/)?.[1];
    expect(link).toBeDefined();
    const page = await fetch(`${api.url}${link!.replace(/&amp;/g, '&')}`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('Event log');
  });

  it('redelivers from the page and comes back to it (303)', async () => {
    const log = await api.deliveries(failingId);
    const id = log.body.deliveries[0].id;
    const res = await fetch(`${api.url}/betal/deliveries/${id}/redeliver?then=dashboard`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      redirect: 'manual',
    });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/betal/dashboard/webhooks');
    const after = await api.call<any>('GET', `/betal/deliveries/${id}`, { headers: {} });
    expect(after.body.attempts.at(-1)).toMatchObject({ manual: true, statusCode: 503 });
  });
});

describe.skipIf(!HAS_CHROMIUM)('the webhooks page in a browser', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchChromium();
  });
  afterAll(() => browser?.close());

  it('renders, and the Redeliver button sends the event again', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(`${api.url}/betal/dashboard/webhooks`);
    expect(await page.locator('section.hook').count()).toBe(2);
    expect(await page.locator('.pill.failed').first().isVisible()).toBe(true);
    await saveScreenshot(page, artifactsFolder(), 'webhooks-dashboard');
    const before = ok.requests.length;
    const okId = (await api.listWebhooks()).body.webhooks.find((w) => w.url === ok.url)?.id;
    await Promise.all([
      page.waitForResponse(
        (r) => r.url().endsWith('/betal/dashboard/webhooks') && r.request().method() === 'GET',
      ),
      page.locator(`#wh-${okId} button`).first().click(),
    ]);
    await page.waitForLoadState('load');
    expect(ok.requests.length).toBe(before + 1);
    expect(await page.getByText('by hand').count()).toBeGreaterThanOrEqual(1);
    await page.close();
  });
});
