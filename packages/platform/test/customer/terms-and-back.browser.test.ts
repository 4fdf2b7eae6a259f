import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPlatform } from '../../src/index.js';
import { Api, ref, T0 } from '../support/harness.js';
import { pushMessage } from './support.js';
import { HAS_CHROMIUM, launch, phone, shot, startMerchant } from './support-browser.js';

const OLA = '4791234567';

describe.skipIf(!HAS_CHROMIUM)("the customer side in Chromium: merchant's terms", () => {
  let browser: Browser;
  let api: Api;
  let merchant: { url: string; close(): Promise<void> };
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    browser = await launch();
    merchant = await startMerchant();
    api = new Api(await startPlatform({ frozenAt: T0 }));
  });
  afterAll(async () => {
    for (const context of contexts) await context.close();
    await browser?.close();
    await api?.close();
    await merchant?.close();
  });

  async function app(phoneNumber: string): Promise<Page> {
    const context = await phone(browser);
    contexts.push(context);
    const page = await context.newPage();
    await page.goto(`${api.url}/app/u/${phoneNumber}`);
    await page.locator('main[aria-busy="false"]').waitFor();
    return page;
  }

  it('merchantLegalLinks: the acceptance screen comes first, with both links, and pay needs the box ticked', async () => {
    const reference = ref('terms-b');
    const links = {
      termsOfSaleUrl: `${merchant.url}/terms`,
      privacyPolicyUrl: `${merchant.url}/privacy`,
    };
    expect(
      (await api.create(pushMessage(reference, OLA, 10_000, { merchantLegalLinks: links }))).status,
    ).toBe(201);
    const page = await app(OLA);
    await page.locator(`a[data-reference="${reference}"]`).click();
    await page.getByRole('heading', { name: "Betal Dev Shop's terms" }).waitFor();
    expect(await page.getByRole('link', { name: 'Terms of sale' }).getAttribute('href')).toBe(
      links.termsOfSaleUrl,
    );
    expect(await page.getByRole('link', { name: 'Privacy policy' }).getAttribute('href')).toBe(
      links.privacyPolicyUrl,
    );
    const accept = page.getByRole('button', { name: 'Accept and continue' });
    expect(await accept.isDisabled()).toBe(true);
    await shot(page, 'b0-terms-acceptance');
    await page.getByRole('checkbox', { name: 'I accept the terms of sale and the privacy policy' }).check();
    await accept.click();
    await page.getByRole('button', { name: 'Pay NOK 100.00' }).click();
    await page.getByRole('heading', { name: /You paid NOK 100\.00/ }).waitFor();
    expect((await api.get(reference)).body.state).toBe('AUTHORIZED');
  });
});
