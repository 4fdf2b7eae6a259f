import type { Browser, BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PlatformConfig } from '../../src/config.js';
import { DEV_SALES_UNITS, DEV_TEST_USERS } from '../../src/dev/seed.js';
import { startPlatform, type StartedPlatform } from '../../src/internal-entry.js';
import { Api, ref, T0 } from '../support/harness.js';
import { pushMessage } from './support.js';
import { HAS_CHROMIUM, launch, phone, shot } from './support-browser.js';

const KARI = '4712345678';

describe.skipIf(!HAS_CHROMIUM)('production-like mode in Chromium: sign in to the app with a PIN', () => {
  let browser: Browser;
  let started: StartedPlatform;
  let api: Api;
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    browser = await launch();
    started = await startPlatform({
      frozenAt: T0,
      config: { devMode: false, adminToken: 'admin-token-for-the-test' } as Partial<PlatformConfig>,
    });
    await started.platform.directory.save(DEV_SALES_UNITS[0]!);
    for (const user of DEV_TEST_USERS) await started.platform.store.saveUser(user);
    api = new Api(started);
  });
  afterAll(async () => {
    for (const context of contexts) await context.close();
    await browser?.close();
    await started?.close();
  });

  it('asks for the PIN, refuses a wrong one, then shows the live app and approves', async () => {
    const reference = ref('prod-b');
    expect((await api.create(pushMessage(reference, KARI))).status).toBe(201);
    const context = await phone(browser);
    contexts.push(context);
    const page = await context.newPage();
    await page.goto(`${started.url}/app/u/${KARI}`);
    await page.getByRole('heading', { name: 'Sign in as Kari Nordmann' }).waitFor();
    await page.getByLabel('PIN').fill('0000');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('alert').filter({ hasText: 'Wrong PIN' }).waitFor();
    await shot(page, 'c0-sign-in-wrong-pin');
    await page.getByLabel('PIN').fill('1234');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.locator('main[aria-busy="false"]').waitFor();
    const cookies = await context.cookies();
    const session = cookies.find((c) => c.name === 'betal_session');
    expect(session).toMatchObject({ httpOnly: true, sameSite: 'Strict' });
    expect(await page.evaluate(() => document.cookie)).not.toContain('betal_session');
    await page.locator(`a[data-reference="${reference}"]`).click();
    await page.getByRole('button', { name: 'Pay NOK 100.00' }).click();
    await page.getByRole('heading', { name: /You paid NOK 100\.00/ }).waitFor();
    await shot(page, 'c1-signed-in-paid');
    expect((await api.get(reference)).body.state).toBe('AUTHORIZED');

    // The same browser cannot open another user's app with Kari's session.
    await page.goto(`${started.url}/app/u/4791234567`);
    await page.getByRole('heading', { name: 'Sign in as Ola Hansen' }).waitFor();

    // Signing out ends the session: the chooser (without test-user management), then the PIN again.
    await page.goto(`${started.url}/app/u/${KARI}`);
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL(`${started.url}/app`);
    expect(await page.getByRole('link', { name: 'Add a test user' }).count()).toBe(0);
    await shot(page, 'c2-chooser-production');
    await page.goto(`${started.url}/app/u/${KARI}`);
    await page.getByRole('heading', { name: 'Sign in as Kari Nordmann' }).waitFor();
  });
});
