import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEV2, ref, type Api } from '../support/harness.js';
import { pushMessage } from './support.js';
import { HAS_CHROMIUM, shopPayment, shot, type StandInMerchant, useBrowserWorld } from './support-browser.js';

const OLA = '4791234567';

describe.skipIf(!HAS_CHROMIUM)('the customer side in Chromium: terms, back navigation, languages', () => {
  const world = useBrowserWorld({ merchant: true });
  let api: Api;
  let merchant: StandInMerchant;
  beforeAll(() => {
    ({ api, merchant } = world);
  });

  async function app(phoneNumber: string): Promise<Page> {
    const context = await world.context('phone');
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

  /** A WEB_REDIRECT payment whose checkout and returnUrl are pages of the stand-in merchant. */
  async function webPayment(reference: string, merchantKeys?: typeof DEV2) {
    const created = await api.create(
      shopPayment(merchant, reference, merchantKeys ? { amount: { currency: 'DKK', value: 7_500 } } : {}),
      undefined,
      merchantKeys,
    );
    expect(created.status).toBe(201);
    return created.body.redirectUrl!;
  }

  async function fromCheckout(reference: string): Promise<{ page: Page; checkout: string; landing: string }> {
    const landing = await webPayment(reference);
    const context = await world.context();
    const page = await context.newPage();
    const checkout = `${merchant.url}/checkout?order=${reference}`;
    await page.goto(checkout);
    await page.goto(landing);
    await page.getByRole('heading', { name: 'Pay with Vipps' }).waitFor();
    return { page, checkout, landing };
  }

  it('back from the landing page after submitting the number cancels the payment (ePayment FAQ)', async () => {
    const reference = ref('back');
    const { page, checkout } = await fromCheckout(reference);
    await page.getByRole('textbox', { name: 'Mobile number' }).fill(OLA);
    await page.getByRole('button', { name: 'Next' }).click();
    await page.getByRole('heading', { name: 'Open Vipps on your phone' }).waitFor();
    await shot(page, 'b1-back-waiting');
    expect((await api.get(reference)).body.state).toBe('CREATED');
    await page.goBack();
    await page.waitForURL(checkout);
    expect((await api.get(reference)).body.state).toBe('ABORTED');
    const events = (await api.events(reference)).body as Array<{ name: string }>;
    expect(events.map((e) => e.name)).toEqual(['CREATED', 'ABORTED']);
    // Forward again: the landing page knows the payment is over and leads to returnUrl.
    await page.goForward();
    await page.waitForURL(`${merchant.url}/return?order=${reference}`);
  });

  it('back before submitting a number leaves the payment as it is', async () => {
    const reference = ref('back-early');
    const { page, checkout } = await fromCheckout(reference);
    await page.goBack();
    await page.waitForURL(checkout);
    expect((await api.get(reference)).body.state).toBe('CREATED');
  });

  it('speaks the language of navigator.language when the headers do not say, and can be changed', async () => {
    const landing = await webPayment(ref('lang-b'), DEV2);
    // Accept-Language names no language of the page; navigator.language says Finnish.
    const context = await world.browser.newContext({
      viewport: { width: 1200, height: 820 },
      locale: 'fi-FI',
      extraHTTPHeaders: { 'Accept-Language': 'de-DE' },
    });
    context.setDefaultTimeout(10_000);
    world.keep(context);
    const page = await context.newPage();
    await page.goto(landing);
    await page.getByRole('heading', { name: 'Maksa MobilePay-sovelluksella' }).waitFor();
    expect(await page.locator('html').getAttribute('lang')).toBe('fi');
    expect(await page.getByRole('textbox', { name: 'Matkapuhelinnumero' }).isVisible()).toBe(true);
    await shot(page, 'b2-landing-finnish');
    await page.getByRole('combobox', { name: 'Kieli' }).selectOption('da');
    await page.getByRole('heading', { name: 'Betal med MobilePay' }).waitFor();
    expect(await page.getByRole('button', { name: 'Næste' }).isVisible()).toBe(true);
    await shot(page, 'b3-landing-danish');
    // The choice sticks (a cookie): the same page without lang= stays Danish.
    await page.goto(landing);
    await page.getByRole('heading', { name: 'Betal med MobilePay' }).waitFor();
  });
});
