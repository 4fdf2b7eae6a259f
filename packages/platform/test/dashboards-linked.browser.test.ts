import type { BrowserContext } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { HAS_CHROMIUM, shot, useBrowserWorld } from './customer/support-browser.js';

describe.skipIf(!HAS_CHROMIUM)('the two dashboards link to each other', () => {
  const world = useBrowserWorld();
  let context: BrowserContext;
  beforeAll(async () => {
    context = await world.context();
  });

  it('payments → webhooks → payments', async () => {
    const page = await context.newPage();
    await page.goto(`${world.api.url}/betal/dashboard`);
    await page.getByRole('navigation').getByRole('link', { name: 'Webhooks' }).click();
    await page.waitForURL(/\/betal\/dashboard\/webhooks$/);
    await shot(page, 'dashboard-webhooks-nav');
    await page.getByRole('navigation').getByRole('link', { name: 'Payments' }).click();
    await page.waitForURL(/\/betal\/dashboard$/);
    expect(await page.getByRole('heading', { name: 'Betal platform' }).count()).toBe(1);
  });
});
