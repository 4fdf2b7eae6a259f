import type { Page, Route } from 'playwright-core';
import { startPlatform } from '../../src/internal-entry.js';
import { beforeAll, describe, expect, it } from 'vitest';
import { Api, DEV2, ref, T0 } from '../support/harness.js';
import { Customer, idOf, pushMessage, receipt } from './support.js';
import {
  HAS_CHROMIUM,
  launch,
  phone,
  shopPayment,
  shot,
  startMerchant,
  type StandInMerchant,
  useBrowserWorld,
} from './support-browser.js';

const KARI = '4712345678';
const OLA = '4791234567';
const METTE_DK = '4512345678';

let merchant: StandInMerchant;
const returnUrl = (reference: string) => `${merchant.url}/return?order=${reference}`;

/** A WEB_REDIRECT create body whose returnUrl leads to the stand-in merchant. */
function web(reference: string, extra: Record<string, unknown> = {}) {
  return shopPayment(merchant, reference, { paymentDescription: 'Wool socks, 3 pairs', ...extra });
}

describe.skipIf(!HAS_CHROMIUM)('the customer side in Chromium', () => {
  const world = useBrowserWorld({ merchant: true });
  let api: Api;
  let customer: Customer;

  beforeAll(async () => {
    ({ api, merchant } = world);
    customer = new Customer(api.url);
    await customer.createUser({ phoneNumber: '4790000016', name: 'Sara Lie', birthDate: '2010-01-01' });
  });

  async function open(kind: 'desktop' | 'phone', url: string, locale?: string): Promise<Page> {
    const context = await world.context(kind, locale);
    const page = await context.newPage();
    await page.goto(url);
    return page;
  }

  async function state(reference: string, merchant = api) {
    return (await merchant.get(reference)).body.state as string;
  }

  /** The app of `phoneNumber` on a phone, showing its request list. */
  async function app(phoneNumber: string): Promise<Page> {
    const page = await open('phone', `${api.url}/app/u/${phoneNumber}`);
    await page.locator('main[aria-busy="false"]').waitFor();
    return page;
  }

  /**
   * Holds the answer to the page's own request matching `glob` until the page has seen, over its live-update
   * stream, the change that request caused: the order in which a slow network delivers them. Answers what went
   * wrong meanwhile: a page that reloads on the change before the answer comes destroys the page held here.
   */
  async function holdAnswerUntilChangeSeen(page: Page, token: string, glob: string): Promise<string[]> {
    const troubles: string[] = [];
    await page.route(glob, async (route) => {
      try {
        await holdOne(page, token, route);
      } catch (error) {
        troubles.push((error as Error).message);
      }
    });
    return troubles;
  }

  /** Fetches the answer to `route`, waits until the page has seen a `change` event, then lets the answer through. */
  async function holdOne(page: Page, token: string, route: Route): Promise<void> {
    const seen = 'betalSeenChange';
    await page.evaluate(
      ([path, name]) =>
        new Promise<void>((opened) => {
          const source = new EventSource(path);
          (window as unknown as Record<string, unknown>)[name] = new Promise<void>((changed) =>
            source.addEventListener('change', () => (source.close(), changed())),
          );
          source.addEventListener('open', () => opened());
        }),
      [`/app/api/landing/${encodeURIComponent(token)}/events`, seen] as const,
    );
    const answer = await route.fetch();
    await page.evaluate((name) => (window as unknown as Record<string, Promise<void>>)[name], seen);
    await route.fulfill({ response: answer });
  }

  it('WEB_REDIRECT on a desktop: landing page, waiting screen, approve in the app, back to returnUrl', async () => {
    const reference = ref('b-web');
    const created = await api.create(web(reference, { customer: { phoneNumber: KARI } }));
    const landing = await open('desktop', created.body.redirectUrl!);

    await expect.poll(() => landing.getByRole('heading', { name: 'Pay with Vipps' }).isVisible()).toBe(true);
    await expect.poll(() => landing.getByText('Betal Dev Shop').isVisible()).toBe(true);
    expect(await landing.getByText('NOK 499.00').isVisible()).toBe(true);
    expect(await landing.getByText('Wool socks, 3 pairs').isVisible()).toBe(true);
    expect(await landing.getByRole('textbox', { name: 'Mobile number' }).inputValue()).toBe('12345678');
    expect(await landing.getByText('The request goes to +47 12345678.').isVisible()).toBe(true);
    expect(await landing.getByRole('checkbox', { name: 'Remember me in this browser' }).isChecked()).toBe(
      false,
    );
    await shot(landing, '01-web-landing');

    await landing.getByRole('button', { name: 'Next' }).click();
    await landing.getByRole('heading', { name: 'Open Vipps on your phone' }).waitFor();
    expect(await landing.getByRole('timer').textContent()).toMatch(/^[45]:\d\d$/);
    await shot(landing, '02-web-waiting');

    const phoneApp = await app(KARI);
    const card = phoneApp.getByRole('link', { name: /Betal Dev Shop/ }).filter({ hasText: 'Wool socks' });
    await card.first().waitFor();
    await shot(phoneApp, '03-app-requests');
    await phoneApp.locator(`a[data-reference="${reference}"]`).click();
    await phoneApp.getByRole('heading', { name: 'Betal Dev Shop' }).waitFor();
    expect(await phoneApp.getByText('NOK 499.00').first().isVisible()).toBe(true);
    await shot(phoneApp, '04-app-payment');

    await phoneApp.getByRole('button', { name: 'Pay NOK 499.00' }).click();
    await phoneApp.getByRole('heading', { name: 'You paid NOK 499.00 to Betal Dev Shop' }).waitFor();
    await shot(phoneApp, '05-app-paid');

    await landing.waitForURL(returnUrl(reference));
    await shot(landing, '06-web-returned');
    expect(await state(reference)).toBe('AUTHORIZED');
  });

  it('WEB_REDIRECT: reject in the app makes it ABORTED and the landing page goes to returnUrl', async () => {
    const reference = ref('b-reject');
    const created = await api.create(web(reference));
    const landing = await open('desktop', created.body.redirectUrl!);
    await landing.getByRole('textbox', { name: 'Mobile number' }).fill(OLA);
    await landing.getByRole('button', { name: 'Next' }).click();
    await landing.getByRole('heading', { name: 'Open Vipps on your phone' }).waitFor();

    const phoneApp = await app(OLA);
    await phoneApp.locator(`a[data-reference="${reference}"]`).click();
    await phoneApp.getByRole('button', { name: 'Reject' }).click();
    await phoneApp.getByRole('heading', { name: 'You rejected the payment' }).waitFor();
    await shot(phoneApp, '10-app-rejected');
    await landing.waitForURL(returnUrl(reference));
    expect(await state(reference)).toBe('ABORTED');
  });

  it('expiry: the waiting screen counts down on the platform clock and says when the request expired', async () => {
    const reference = ref('b-expiry');
    const created = await api.create(web(reference));
    const landing = await open('desktop', created.body.redirectUrl!);
    await api.advance(60);
    await landing.reload();
    expect(await landing.getByRole('timer').textContent()).toMatch(/^(4:00|3:59)$/);
    await landing.getByRole('textbox', { name: 'Mobile number' }).fill(KARI);
    await landing.getByRole('button', { name: 'Next' }).click();
    await landing.getByRole('heading', { name: 'Open Vipps on your phone' }).waitFor();
    await api.advance(180);
    await landing.reload();
    expect(await landing.getByRole('timer').textContent()).toMatch(/^(2:00|1:59)$/);
    await shot(landing, '20-web-waiting-2-minutes-left');

    await api.advance(120);
    await landing.getByRole('heading', { name: 'The payment request has expired' }).waitFor();
    expect(await landing.getByRole('link', { name: 'Back to Betal Dev Shop' }).getAttribute('href')).toBe(
      returnUrl(reference),
    );
    await shot(landing, '21-web-expired');
    expect(await state(reference)).toBe('EXPIRED');
  });

  it('the landing step itself expires after 5 minutes', async () => {
    const reference = ref('b-landing-expiry');
    const created = await api.create(web(reference));
    const landing = await open('desktop', created.body.redirectUrl!);
    await api.advance(300);
    await landing.getByRole('heading', { name: 'The payment request has expired' }).waitFor();
    expect(await state(reference)).toBe('EXPIRED');
  });

  it.each([
    ['unknown number', '4799999999', {}],
    ['under minimumUserAge', '4790000016', { minimumUserAge: 18 }],
    ['13 years old, may not pay businesses', '4790000013', {}],
  ])('refuses an %s on the landing page with the generic message', async (what, phoneNumber, extra) => {
    const reference = ref('b-refused');
    const created = await api.create(web(reference, extra));
    const landing = await open('desktop', created.body.redirectUrl!);
    await landing.getByRole('textbox', { name: 'Mobile number' }).fill(phoneNumber);
    await landing.getByRole('button', { name: 'Next' }).click();
    const alert = landing.getByRole('alert');
    await expect.poll(() => alert.textContent()).toContain("You can't pay this business with Vipps.");
    expect(await landing.getByRole('textbox', { name: 'Mobile number' }).getAttribute('aria-invalid')).toBe(
      'true',
    );
    await shot(landing, `30-web-refused-${what.split(' ')[0]}`);
    expect(await state(reference)).toBe('CREATED');
  });

  it('works by keyboard alone, remembers the number when asked, and speaks Norwegian', async () => {
    const first = await api.create(web(ref('b-keyboard')));
    const landing = await open('desktop', first.body.redirectUrl!);
    await landing.getByRole('combobox', { name: 'Language' }).selectOption('nb');
    await landing.getByRole('heading', { name: 'Betal med Vipps' }).waitFor();
    await shot(landing, '40-web-landing-norwegian');

    await landing.getByRole('textbox', { name: 'Mobilnummer' }).focus();
    await landing.keyboard.type(KARI);
    await landing.keyboard.press('Tab');
    await landing.keyboard.press('Space');
    expect(await landing.getByRole('checkbox', { name: 'Husk meg i denne nettleseren' }).isChecked()).toBe(
      true,
    );
    await landing.keyboard.press('Tab');
    await landing.keyboard.press('Enter');
    await landing.getByRole('heading', { name: 'Åpne Vipps på telefonen' }).waitFor();

    const second = await api.create(web(ref('b-remembered')));
    await landing.goto(second.body.redirectUrl!);
    // The page fills the remembered number from localStorage when its script has run: wait for that.
    await expect
      .poll(() => landing.getByRole('textbox', { name: 'Mobilnummer' }).inputValue(), { timeout: 10_000 })
      .toBe(KARI);
    expect(await landing.getByRole('checkbox', { name: 'Husk meg i denne nettleseren' }).isChecked()).toBe(
      true,
    );
  });

  it('remembers the number even when the live update arrives before the answer to its confirm', async () => {
    const first = await api.create(web(ref('b-race')));
    const landing = await open('desktop', first.body.redirectUrl!);
    const token = new URL(first.body.redirectUrl!).searchParams.get('token')!;
    const troubles = await holdAnswerUntilChangeSeen(landing, token, '**/confirm');
    await landing.getByRole('textbox', { name: 'Mobile number' }).fill(KARI.slice(2));
    await landing.getByRole('checkbox', { name: 'Remember me in this browser' }).check();
    await landing.getByRole('button', { name: 'Next' }).click();
    await landing.getByRole('heading', { name: 'Open Vipps on your phone' }).waitFor();
    await landing.unroute('**/confirm');
    expect(troubles).toEqual([]);

    const second = await api.create(web(ref('b-race-next')));
    await landing.goto(second.body.redirectUrl!);
    await expect
      .poll(() => landing.getByRole('textbox', { name: 'Mobile number' }).inputValue(), { timeout: 10_000 })
      .toBe(KARI);
  });

  it('Cancel on the landing page reaches the merchant even when the live update arrives before its answer', async () => {
    const reference = ref('b-cancel-race');
    const created = await api.create(web(reference));
    const landing = await open('desktop', created.body.redirectUrl!);
    const token = new URL(created.body.redirectUrl!).searchParams.get('token')!;
    const failed: string[] = [];
    landing.on('requestfailed', (request) => {
      if (request.isNavigationRequest()) failed.push(request.failure()?.errorText ?? 'failed');
    });
    const troubles = await holdAnswerUntilChangeSeen(landing, token, '**/cancel');
    await landing.getByRole('button', { name: 'Cancel payment' }).click();
    await landing.waitForURL(/\/return\?order=/);
    expect(troubles).toEqual([]);
    expect(failed).toEqual([]);
    expect(await state(reference)).toBe('ABORTED');
  });

  it('the landing page refuses to render inside a frame', async () => {
    const created = await api.create(web(ref('b-frame')));
    const context = await world.context();
    const page = await context.newPage();
    await page.goto(`${api.url}/betal/health`);
    await page.setContent(
      `<iframe id="f" src="${created.body.redirectUrl}" width="600" height="400"></iframe>`,
    );
    const frame = page.frames().find((f) => f !== page.mainFrame());
    // Chromium replaces a refused frame with its error page; the landing page's own markup never arrives.
    await expect.poll(() => frame?.url()).toMatch(/^chrome-error:/);
    expect(await frame?.content()).not.toContain('Betal Dev Shop');
  });

  it('a phone skips the landing page: the app opens, approves, and the browser returns to the merchant', async () => {
    const reference = ref('b-mobile');
    const created = await api.create(web(reference));
    const page = await open('phone', created.body.redirectUrl!);
    await page.getByRole('heading', { name: 'Whose phone is this?' }).waitFor();
    await shot(page, '50-phone-choose-app');
    await page.getByRole('link', { name: /^Kari Nordmann/ }).click();
    await page.getByRole('button', { name: 'Pay NOK 499.00' }).waitFor();
    await shot(page, '51-phone-app-payment');
    await page.getByRole('button', { name: 'Pay NOK 499.00' }).click();
    await page.waitForURL(returnUrl(reference));
    expect(await state(reference)).toBe('AUTHORIZED');
  });

  it('NATIVE_REDIRECT opens in the app of this phone; rejecting returns to the merchant', async () => {
    const reference = ref('b-native');
    const created = await api.create({ ...web(reference), userFlow: 'NATIVE_REDIRECT' });
    const page = await app(OLA);
    await page.goto(created.body.redirectUrl!);
    await page.getByRole('button', { name: 'Reject' }).waitFor();
    expect(page.url()).toContain(`/app/u/${OLA}#r/`);
    await shot(page, '52-native-redirect-in-app');
    await page.getByRole('button', { name: 'Reject' }).click();
    await page.waitForURL(returnUrl(reference));
    expect(await state(reference)).toBe('ABORTED');
  });

  it('the app says why a user under minimumUserAge cannot pay', async () => {
    const reference = ref('b-age');
    const created = await api.create({ ...web(reference), userFlow: 'NATIVE_REDIRECT', minimumUserAge: 18 });
    const page = await app('4790000016');
    await page.goto(created.body.redirectUrl!);
    const notice = page
      .getByRole('alert')
      .filter({ hasText: 'You must be at least 18 years old to pay this.' });
    await notice.waitFor();
    expect(await page.getByRole('button', { name: 'Pay NOK 499.00' }).isDisabled()).toBe(true);
    await shot(page, '55-app-under-age');
    expect(await state(reference)).toBe('CREATED');
  });

  it('QR: the image, then the scanned URL opens the app; the image is gone once paid', async () => {
    const reference = ref('b-qr');
    const created = await api.create({
      amount: { currency: 'NOK', value: 6_500 },
      paymentMethod: { type: 'WALLET' },
      reference,
      userFlow: 'QR',
      paymentDescription: 'Coffee and a bun',
      customerInteraction: 'CUSTOMER_PRESENT',
    });
    const qrUrl = created.body.redirectUrl!;
    const screen = await open('desktop', qrUrl);
    await shot(screen, '60-qr-image');
    const id = idOf(qrUrl);

    const page = await open('phone', `${api.url}/landing?token=${id}`);
    await page.getByRole('link', { name: /^Ingrid Berg/ }).click();
    await page.getByRole('button', { name: 'Pay NOK 65.00' }).click();
    await page.getByRole('heading', { name: 'You paid NOK 65.00 to Betal Dev Shop' }).waitFor();
    await shot(page, '61-qr-paid-in-app');
    expect(await state(reference)).toBe('AUTHORIZED');
    const gone = await screen.goto(qrUrl);
    expect(gone?.status()).toBe(404);
  });

  it('PUSH_MESSAGE arrives live; the consent card comes first and is remembered for the next payment', async () => {
    await customer.createUser({ phoneNumber: '4790000041', name: 'Nora Dahl', birthDate: '1992-03-14' });
    const page = await app('4790000041');
    expect(await page.getByText('No payment requests right now.').isVisible()).toBe(true);
    await shot(page, '70-app-empty');

    const reference = ref('b-push');
    await api.create(
      pushMessage(reference, '4790000041', 300_000, {
        profile: { scope: 'phoneNumber' },
        receipt: receipt(300_000),
        paymentDescription: 'Spendings',
      }),
    );
    const push = page.getByRole('status').filter({ hasText: 'New payment request from Betal Dev Shop' });
    await push.waitFor();
    await shot(page, '71-app-push-arrived');
    await push.getByRole('button', { name: 'Open' }).click();

    await page.getByRole('heading', { name: 'Betal Dev Shop asks for your information' }).waitFor();
    expect(await page.getByText('4790000041').isVisible()).toBe(true);
    await shot(page, '72-app-consent');
    await page.getByRole('button', { name: 'Share and continue' }).click();
    const lines = page.getByRole('table');
    await lines.waitFor();
    expect(await lines.getByRole('cell', { name: 'Accident insurance' }).isVisible()).toBe(true);
    expect(await lines.getByRole('cell', { name: 'Travel insurance' }).isVisible()).toBe(true);
    await shot(page, '73-app-payment-with-receipt');
    await page.getByRole('button', { name: 'Pay NOK 3,000.00' }).click();
    await page.getByRole('heading', { name: 'You paid NOK 3,000.00 to Betal Dev Shop' }).waitFor();
    expect((await api.get(reference)).body.profile.sub).toBeTruthy();

    const second = ref('b-push2');
    await api.create(pushMessage(second, '4790000041', 10_000, { profile: { scope: 'phoneNumber' } }));
    await page.getByRole('link', { name: 'Done' }).click();
    await page.locator(`a[data-reference="${second}"]`).click();
    await page.getByRole('button', { name: 'Pay NOK 100.00' }).waitFor();
    expect(await page.getByRole('heading', { name: /asks for your information/ }).count()).toBe(0);

    await page.getByRole('link', { name: 'History' }).click();
    await page.locator(`a[data-reference="${reference}"]`).click();
    await page.getByText('Reserved', { exact: true }).waitFor();
    await shot(page, '74-app-history-receipt');
  });

  it('refusing consent fails the payment: ABORTED', async () => {
    const reference = ref('b-consent-no');
    await api.create(pushMessage(reference, OLA, 10_000, { profile: { scope: 'email name' } }));
    const page = await app(OLA);
    await page.locator(`a[data-reference="${reference}"]`).click();
    await page.getByRole('button', { name: "Don't share" }).click();
    await page.getByRole('heading', { name: /You did not share your information/ }).waitFor();
    await shot(page, '75-app-consent-refused');
    expect(await state(reference)).toBe('ABORTED');
  });

  it("a long-living payment: Cancel → I'll pay later keeps it under Activities until expiresAt", async () => {
    const reference = ref('b-later');
    const expiresAt = new Date(api.started.clock.now() + 2 * 24 * 3600_000).toISOString();
    await api.create(
      pushMessage(reference, OLA, 20_000, {
        expiresAt,
        receipt: receipt(20_000),
        paymentDescription: 'Invoice 424243',
      }),
    );
    const page = await app(OLA);
    await page.locator(`a[data-reference="${reference}"]`).click();
    await page.getByRole('button', { name: 'Cancel' }).click();
    await page.getByRole('heading', { name: 'What do you want to do?' }).waitFor();
    await shot(page, '80-app-cancel-sheet');
    await page.getByRole('button', { name: "I'll pay later" }).click();
    await page.getByRole('heading', { name: /Saved under Activities/ }).waitFor();
    expect(await state(reference)).toBe('CREATED');
    await page.getByRole('link', { name: 'Done' }).click();
    await page.locator(`a[data-reference="${reference}"]`).waitFor();
    expect(await page.locator('[aria-current="page"]').textContent()).toContain('Activities');
    await shot(page, '81-app-activities');

    await api.advance(2 * 24 * 3600);
    await page.getByRole('link', { name: 'History' }).click();
    await page.locator(`a[data-reference="${reference}"]`).filter({ hasText: 'Expired' }).waitFor();
    await shot(page, '82-app-history-expired');
    expect(await state(reference)).toBe('EXPIRED');
  });

  it('MobilePay brand for a Danish merchant, on the landing page and in the app', async () => {
    const reference = ref('b-dk');
    const created = await api.create(
      { ...web(reference), amount: { currency: 'DKK', value: 12_500 }, paymentDescription: 'Smørrebrød' },
      undefined,
      DEV2,
    );
    const landing = await open('desktop', created.body.redirectUrl!);
    await landing.getByRole('heading', { name: 'Pay with MobilePay' }).waitFor();
    expect(await landing.getByRole('img', { name: 'MobilePay' }).isVisible()).toBe(true);
    await shot(landing, '90-mobilepay-landing');
    await landing.getByRole('textbox', { name: 'Mobile number' }).fill(METTE_DK);
    await landing.getByRole('button', { name: 'Next' }).click();
    await landing.getByRole('heading', { name: 'Open MobilePay on your phone' }).waitFor();
    const page = await app(METTE_DK);
    await page.locator(`a[data-reference="${reference}"]`).click();
    await page.getByRole('button', { name: 'Pay DKK 125.00' }).waitFor();
    await shot(page, '91-mobilepay-app-payment');
    await page.getByRole('button', { name: 'Pay DKK 125.00' }).click();
    await landing.waitForURL(returnUrl(reference));
    expect((await api.get(reference, DEV2)).body.state).toBe('AUTHORIZED');
  });

  it('test users: add, edit and delete in the app', async () => {
    const page = await open('phone', `${api.url}/app`);
    await page.getByRole('link', { name: 'Add a test user' }).click();
    await page.getByRole('textbox', { name: 'Phone number' }).fill('4790000051');
    await page.getByRole('textbox', { name: 'Name' }).fill('Test Person');
    await page.getByLabel('Birth date').fill('1990-05-17');
    await shot(page, '95-users-new');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByRole('heading', { name: 'Whose phone is this?' }).waitFor();
    expect(await page.getByRole('link', { name: /^Test Person/ }).isVisible()).toBe(true);
    await shot(page, '96-users-list');

    await page.getByRole('link', { name: 'Edit Test Person' }).click();
    await page.getByRole('checkbox', { name: 'The app is installed' }).uncheck();
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByRole('heading', { name: 'Whose phone is this?' }).waitFor();
    expect((await customer.call('GET', '/betal/users/4790000051')).body.appInstalled).toBe(false);
    expect(await page.getByRole('link', { name: /^Test Person/ }).textContent()).toContain(
      'App not installed',
    );

    await page.getByRole('link', { name: 'Edit Test Person' }).click();
    await page.getByRole('button', { name: 'Delete user' }).click();
    await page.getByRole('button', { name: 'Yes, delete' }).click();
    await page.getByRole('heading', { name: 'Whose phone is this?' }).waitFor();
    expect(await page.getByRole('link', { name: /^Test Person/ }).count()).toBe(0);
    expect((await customer.call('GET', '/betal/users/4790000051')).status).toBe(404);
  });
});

describe.skipIf(!HAS_CHROMIUM)('"See details" with order details from Order Management', () => {
  it('opens orderDetailsUrl in the in-app web view', async () => {
    const local = new Api(
      await startPlatform({
        frozenAt: T0,
        orderDetails: {
          find: async (_msn, reference) => ({
            category: 'GENERAL',
            orderDetailsUrl: `${merchant.url}/invoice/${reference}`,
          }),
        },
      }),
    );
    const browser = await launch();
    merchant = await startMerchant();
    try {
      const reference = ref('b-details');
      await local.create(
        pushMessage(reference, OLA, 2_000, { paymentDescription: 'Invoice# 424243, due 1 Jan' }),
      );
      const context = await phone(browser);
      const page = await context.newPage();
      await page.goto(`${local.url}/app/u/${OLA}`);
      await page.locator(`a[data-reference="${reference}"]`).click();
      await page.getByRole('button', { name: 'See details' }).click();
      const dialog = page.getByRole('dialog');
      await dialog.waitFor();
      const frame = page.frameLocator('#webview-frame');
      await frame.getByRole('heading', { name: 'Back at the shop' }).waitFor();
      expect(await frame.locator('#url').textContent()).toBe(`/invoice/${reference}`);
      await shot(page, '98-app-see-details');
      await page.keyboard.press('Escape');
      await dialog.waitFor({ state: 'hidden' });
      expect(
        await page.evaluate(() => (document.activeElement as { textContent?: string } | null)?.textContent),
      ).toBe('See details');
    } finally {
      await browser.close();
      await local.close();
      await merchant.close();
    }
  });
});
