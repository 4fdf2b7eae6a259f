import type { Browser, BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPlatform } from '../src/index.js';
import { Api, T0 } from './support/harness.js';
import { desktop, HAS_CHROMIUM, launch, shot } from './customer/support-browser.js';

describe.skipIf(!HAS_CHROMIUM)('the two dashboards link to each other', () => {
  let browser: Browser;
  let api: Api;
  let context: BrowserContext;

  beforeAll(async () => {
    browser = await launch();
    api = new Api(await startPlatform({ frozenAt: T0 }));
    context = await desktop(browser);
  });
  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await api?.close();
  });

  it('payments → webhooks → payments', async () => {
    const page = await context.newPage();
    await page.goto(`${api.url}/betal/dashboard`);
    await page.getByRole('navigation').getByRole('link', { name: 'Webhooks' }).click();
    await page.waitForURL(/\/betal\/dashboard\/webhooks$/);
    await shot(page, 'dashboard-webhooks-nav');
    await page.getByRole('navigation').getByRole('link', { name: 'Payments' }).click();
    await page.waitForURL(/\/betal\/dashboard$/);
    expect(await page.getByRole('heading', { name: 'Betal platform' }).count()).toBe(1);
  });
});
